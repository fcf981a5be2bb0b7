/**
 * Transformations: permute / scale / flip / permute rows or cols / assignments /
 * references to declared symmetries and maps, composed with `then`, flattened into steps.
 *
 * Symmetries are elaborated where they are used, against the network of the claim, so one
 * declaration can serve several networks when it names units without a network
 * (`permute h1 by (0 1)`). Each use gets fresh symbolic scalars.
 */
import { error } from "../diagnostics/diagnostic.ts";
import type { Span } from "../diagnostics/span.ts";
import { LIMITS } from "../limits.ts";
import { Rational } from "../numeric/rational.ts";
import type * as A from "../syntax/types.ts";
import { assign } from "./assign.ts";
import { evalConst, evalInt } from "./constants.ts";
import { axisClass } from "./axes.ts";
import { tensorUnits } from "./units.ts";
import { checkDivisions, constValue, nonzero } from "./nonzero.ts";
import { elabPerm } from "./perm.ts";
import type { Scope } from "./scope.ts";
import { kindWord, unknown } from "./scope.ts";
import { elabScalar, elabTensor, shapeText, type SEnv } from "./sexpr.ts";
import { senv, type TransformCtx, type Where } from "./transformCtx.ts";
import type { Network, Scalar, SExpr, SFormula, Step, TensorUnits } from "./types.ts";

export type { TransformCtx };
export { nameMap } from "./assign.ts";
export { constValue } from "./nonzero.ts";

type Sources = ReadonlyMap<string, string>;

const text = (span: Span, sources: Sources): string => sources.get(span.file)?.slice(span.start, span.end) ?? "";

/** Elaborate `t` applied to parameters of `from`: the resulting network and steps. */
export function elabTransform(t: A.TExpr, from: Network, scope: Scope, ctx: TransformCtx): { to: Network; steps: Step[] } | null {
  return elab(t, from, { scope, scalars: new Map() }, ctx);
}

function elab(t: A.TExpr, from: Network, where: Where, ctx: TransformCtx): { to: Network; steps: Step[] } | null {
  const one = (s: Step | null) => (s ? { to: from, steps: [s] } : null);
  switch (t.kind) {
    case "then": {
      const a = elab(t.first, from, where, ctx);
      const b = a && elab(t.second, a.to, where, ctx);
      return a && b && { to: b.to, steps: [...a.steps, ...b.steps] };
    }
    case "permute": {
      const found = targetAxis(t.target, from, where, ctx, "permute");
      if (!found) return null;
      if (t.target.unit) {
        ctx.diags.push(error("ELB013", t.target.unit.span, `permute moves every unit along an axis: write ${found.node}, not one unit`));
        return null;
      }
      const cls = axisClass(from, found.node, found.axis);
      if ("reason" in cls) {
        ctx.diags.push(error("ELB013", found.span, `cannot permute ${from.name}.${found.node}: ${cls.reason}`));
        return null;
      }
      const what = found.rank === 1 ? `the ${cls.size} units of ${from.name}.${found.node}` : `the ${cls.size} entries of axis ${found.label} of ${from.name}.${found.node}`;
      const perm = elabPerm(t.perm, cls.size, what, where.scope, ctx.diags);
      return one(perm && { k: "permuteAxes", params: cls.params, nodes: cls.nodes, perm, symbol: permSymbol(t.perm, where), span: t.span });
    }
    case "permuteAxis": {
      if (t.network && !sameNetwork(t.network, from, where, ctx)) return null;
      const p = from.params.find((q) => q.name === t.param.name);
      if (!p) {
        ctx.diags.push(error("ELB001", t.param.span, `${from.name} has no parameter ${t.param.name}`));
        return null;
      }
      const axis = t.axis === "rows" ? 0 : t.axis === "cols" ? 1 : axisIndex(t.axis, p.axes, p.name, where, ctx);
      if (axis === null) return null;
      if (axis >= p.shape.length) {
        ctx.diags.push(error("ELB003", t.span, p.shape.length === 1 ? `${p.name} is a vector; permute its entries with \`permute rows of ${p.name}\`` : `${p.name} has ${p.shape.length} axes (0..${p.shape.length - 1})`));
        return null;
      }
      const words = t.axis === "rows" || t.axis === "cols" ? t.axis : `entries of axis ${axis}`;
      const perm = elabPerm(t.perm, p.shape[axis]!, `the ${p.shape[axis]} ${words} of ${p.name}`, where.scope, ctx.diags);
      return one(perm && { k: "permuteAxes", params: [{ kind: "param", name: p.name, axis }], nodes: [], perm, symbol: permSymbol(t.perm, where), span: t.span });
    }
    case "scale":
      return one(scale(t, from, where, ctx));
    case "multiply":
      return one(multiply(t, from, where, ctx));
    case "flip": {
      const layout = target(t.target, from, where, ctx, "flip");
      if (!layout) return null;
      const units = unitsOf(t.target, layout, where, ctx);
      if (!units) return null;
      if (t.correction && !layout.corrections) {
        ctx.diags.push(error("ELB018", t.span, `a reader of ${layout.node} has no bias to absorb the correction`));
        return null;
      }
      return one({ k: "flipUnits", layout, units, correction: t.correction, span: t.span });
    }
    case "assign":
      return one(assign(t, from, from, false, where, ctx));
    case "ref":
      return reference(t, from, where, ctx);
  }
}

/** The symbol of a permutation variable (`by P` in a whole-group claim), if the permutation is one. */
function permSymbol(p: A.Perm, where: Where): string | undefined {
  if (p.kind !== "name") return undefined;
  const e = where.scope.lookup(p.name.name);
  return e?.kind === "perm" ? e.symbol : undefined;
}

function sameNetwork(id: A.Ident, from: Network, where: Where, ctx: TransformCtx): boolean {
  const entry = where.scope.lookup(id.name);
  if (!entry) {
    unknown(id, "network", where.scope, ctx.diags);
    return false;
  }
  if (entry.kind !== "network") {
    ctx.diags.push(error("ELB006", id.span, `${id.name} is ${kindWord(entry)}, not a network`));
    return false;
  }
  const net = ctx.networkOf(entry);
  if (net && net !== from) {
    ctx.diags.push(error("ELB015", id.span, `this transforms parameters of ${id.name}, but here it is applied to parameters of ${from.name}`));
    return false;
  }
  return net !== null;
}

/** The axis `a` names among `axes` (a name of the definition, or a number). */
function axisIndex(a: A.Expr, axes: readonly string[], owner: string, where: Where, ctx: TransformCtx): number | null {
  if (a.kind === "name") {
    const i = axes.indexOf(a.name);
    if (i < 0) ctx.diags.push(error("ELB013", a.span, `${owner} has no axis ${a.name}; its axes are ${axes.join(", ")} (or 0..${axes.length - 1})`));
    return i < 0 ? null : i;
  }
  return evalInt(a, where.scope, ctx.diags, "an axis");
}

/**
 * The network part and the tensor part of a dotted unit reference: `Net.h1` names network
 * Net's h1; `y.q` (when y is not a network) names the auxiliary tensor y.q.
 */
export function splitRef(u: A.UnitRef, scope: Scope): { network: A.Ident | null; node: A.Ident } {
  const first = u.path[0]!;
  const isNet = u.path.length > 1 && scope.lookup(first.name)?.kind === "network";
  const rest = isNet ? u.path.slice(1) : u.path;
  const node = { name: rest.map((p) => p.name).join("."), span: { ...rest[0]!.span, end: rest[rest.length - 1]!.span.end } };
  return { network: isNet ? first : null, node };
}

/** The hidden tensor and axis a unit reference names. */
function targetAxis(u: A.UnitRef, from: Network, where: Where, ctx: TransformCtx, verb: string): { node: string; axis: number; rank: number; label: string; span: Span } | null {
  const ref = splitRef(u, where.scope);
  if (ref.network && !sameNetwork(ref.network, from, where, ctx)) return null;
  const name = ref.node.name;
  const why =
    name === from.input.name
      ? `${name} is the input of ${from.name}; inputs are fixed and their units cannot be reparameterised`
      : from.params.some((p) => p.name === name)
        ? `${name} is a parameter, not a tensor of units; use \`permute rows of ${from.name}.${name} by ...\`, \`permute axis a of ...\` or assignments`
        : !from.nodes.some((n) => n.name === name)
          ? `${from.name} has no hidden tensor ${name}; its hidden tensors are ${from.nodes.map((n) => n.name).join(", ") || "(none)"}`
          : null;
  if (why) {
    ctx.diags.push(error("ELB013", ref.node.span, `cannot ${verb} units of ${from.name}.${name}: ${why}`));
    return null;
  }
  const def = from.nodes.find((n) => n.name === name)!;
  const axis = u.axis ? axisIndex(u.axis, def.axes, `${from.name}.${name}`, where, ctx) : 0;
  if (axis === null) return null;
  if (axis >= def.shape.length) {
    ctx.diags.push(error("ELB013", u.axis!.span, `${from.name}.${name} has ${def.shape.length} ax${def.shape.length === 1 ? "is" : "es"} (0..${def.shape.length - 1})`));
    return null;
  }
  return { node: name, axis, rank: def.shape.length, label: def.axes[axis] ?? String(axis), span: ref.node.span };
}

/** The units (along an axis) that scale and flip move together. */
function target(u: A.UnitRef, from: Network, where: Where, ctx: TransformCtx, verb: string): TensorUnits | null {
  const found = targetAxis(u, from, where, ctx, verb);
  if (!found) return null;
  const layout = tensorUnits(from, found.node, found.axis);
  if ("reason" in layout) {
    ctx.diags.push(error("ELB013", found.span, `cannot ${verb} units of ${from.name}.${found.node}: ${layout.reason}`));
    return null;
  }
  return layout;
}

function unitsOf(u: A.UnitRef, layout: TensorUnits, where: Where, ctx: TransformCtx): number[] | null {
  if (!u.unit) return Array.from({ length: layout.size }, (_, i) => i);
  const j = evalInt(u.unit, where.scope, ctx.diags, "a unit index");
  if (j === null) return null;
  if (j >= layout.size) {
    ctx.diags.push(error("ELB005", u.unit.span, `unit ${j} is out of range: ${layout.node} has ${layout.size} units (0..${layout.size - 1})`));
    return null;
  }
  return [j];
}

function scale(t: Extract<A.TExpr, { kind: "scale" }>, from: Network, where: Where, ctx: TransformCtx): Step | null {
  const layout = target(t.target, from, where, ctx, "scale");
  if (!layout) return null;
  const units = unitsOf(t.target, layout, where, ctx);
  const f = elabTensor(t.factor, senv(where, ctx, null), ctx.diags);
  if (!units || !f) return null;
  if (f.shape.length > 1 || (f.shape.length === 1 && (t.target.unit || f.shape[0] !== layout.size))) {
    ctx.diags.push(error("ELB003", t.factor.span, `the factor is ${shapeText(f.shape)}; scale one unit by a scalar, or a whole vector of ${layout.size} units by a scalar or a vector of ${layout.size}`));
    return null;
  }
  const factors = units.map((j) => f.at(f.shape.length ? [j] : []));
  for (const fac of factors) {
    if (!nonzero(fac, ctx.scalars)) {
      ctx.diags.push(error("ELB012", t.factor.span, `scaling divides the outgoing weights of ${layout.node} by ${text(t.factor.span, ctx.sources)}, which may be 0; add a side condition such as ${text(t.factor.span, ctx.sources)} > 0`));
      return null;
    }
    if (!checkDivisions(fac, t.factor.span, ctx)) return null;
  }
  return { k: "scaleUnits", layout, units, factors, span: t.span };
}

/** `multiply axis a of P by M`: a square matrix of scalars acting on one axis of a parameter. */
function multiply(t: Extract<A.TExpr, { kind: "multiply" }>, from: Network, where: Where, ctx: TransformCtx): Step | null {
  if (t.network && !sameNetwork(t.network, from, where, ctx)) return null;
  const p = from.params.find((q) => q.name === t.param.name);
  if (!p) {
    ctx.diags.push(error("ELB001", t.param.span, `${from.name} has no parameter ${t.param.name}`));
    return null;
  }
  const axis = axisIndex(t.axis, p.axes, p.name, where, ctx);
  if (axis === null) return null;
  if (axis >= p.shape.length) {
    ctx.diags.push(error("ELB003", t.axis.span, `${p.name} has ${p.shape.length} ax${p.shape.length === 1 ? "is" : "es"} (0..${p.shape.length - 1})`));
    return null;
  }
  const n = p.shape[axis]!;
  const m = elabTensor(t.matrix, senv(where, ctx, null), ctx.diags);
  if (!m) return null;
  if (m.shape.length !== 2 || m.shape[0] !== n || m.shape[1] !== n) {
    ctx.diags.push(error("ELB003", t.matrix.span, `axis ${axis} of ${p.name} has ${n} entries, so it is multiplied by a [${n}, ${n}] matrix, but this is [${m.shape.join(", ")}]`));
    return null;
  }
  const matrix: SExpr[] = [];
  for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) matrix.push(m.at([j, k]));
  for (const e of matrix) if (!checkDivisions(e, t.matrix.span, ctx)) return null;
  return { k: "multiplyAxis", param: p.name, axis, n, matrix, span: t.span };
}

function reference(t: Extract<A.TExpr, { kind: "ref" }>, from: Network, where: Where, ctx: TransformCtx): { to: Network; steps: Step[] } | null {
  const entry = where.scope.lookup(t.name.name);
  if (!entry) {
    unknown(t.name, "symmetry", where.scope, ctx.diags);
    return null;
  }
  if (entry.kind !== "symmetry") {
    ctx.diags.push(error("ELB006", t.name.span, `${t.name.name} is ${kindWord(entry)}, not a symmetry or map`));
    return null;
  }
  const d = entry.decl;
  if (ctx.active.length >= LIMITS.definitionDepth) {
    ctx.diags.push(error("ELB031", t.name.span, `${t.name.name} is used in a chain of more than ${LIMITS.definitionDepth} symmetries defined in terms of each other`));
    return null;
  }
  if (ctx.active.includes(d.name.name)) {
    ctx.diags.push(error("ELB011", t.name.span, `${d.name.name} refers to itself (${[...ctx.active, d.name.name].join(" -> ")})`));
    return null;
  }
  if (t.args.length > 0 && t.args.length !== d.scalars.length) {
    ctx.diags.push(error("ELB009", t.span, `${d.name.name} has ${d.scalars.length} scalar${d.scalars.length === 1 ? "" : "s"} but is given ${t.args.length} argument${t.args.length === 1 ? "" : "s"}`));
    return null;
  }
  let to = from;
  if (d.signature) {
    const src = entry.scope.lookup(d.signature.from.name);
    const dst = entry.scope.lookup(d.signature.to.name);
    if (src?.kind !== "network" || dst?.kind !== "network") {
      const bad = src?.kind !== "network" ? d.signature.from : d.signature.to;
      unknown(bad, "network", entry.scope, ctx.diags);
      return null;
    }
    const a = ctx.networkOf(src);
    const b = ctx.networkOf(dst);
    if (!a || !b) return null;
    if (a !== from) {
      ctx.diags.push(error("ELB015", t.name.span, `${d.name.name} maps parameters of ${a.name}, but here it is applied to parameters of ${from.name}`));
      return null;
    }
    to = b;
  }
  const scalars = instantiate(d, t, where, entry.scope, ctx);
  if (!scalars) return null;
  ctx.active.push(d.name.name);
  try {
    const inner: Where = { scope: entry.scope, scalars };
    if (d.signature) {
      if (d.body.kind !== "assign") {
        ctx.diags.push(error("ELB014", d.body.span, `${d.keyword} ${d.name.name} relates two networks, so its body must be an assignment block { P := ... }`));
        return null;
      }
      const s = assign(d.body, from, to, true, inner, ctx);
      return s && { to, steps: [s] };
    }
    return elab(d.body, from, inner, ctx);
  } finally {
    ctx.active.pop();
  }
}

/** Fresh scalars for one use of a symmetry (or constants, when arguments are given). */
function instantiate(d: Extract<A.Decl, { kind: "symmetry" }>, use: Extract<A.TExpr, { kind: "ref" }>, caller: Where, declScope: Scope, ctx: TransformCtx): Map<string, Scalar | Rational> | null {
  const env = new Map<string, Scalar | Rational>();
  const declared = new Map<string, Span>();
  for (let i = 0; i < d.scalars.length; i++) {
    const s = d.scalars[i]!;
    const prior = declared.get(s.name.name);
    if (prior) {
      ctx.diags.push(error("ELB002", s.name.span, `${d.name.name} declares the scalar ${s.name.name} twice`, [{ span: prior, message: "first declared here" }]));
      return null;
    }
    declared.set(s.name.name, s.name.span);
    const shape: number[] = [];
    for (const e of s.dims ?? []) {
      const n = evalInt(e, declScope, ctx.diags, "a scalar vector size", 1);
      if (n === null) return null;
      shape.push(n);
    }
    if (shape.length > 2) {
      ctx.diags.push(error("ELB003", s.span, `${s.name.name} has ${shape.length} axes; symbolic scalars are single numbers, vectors [n] or matrices [n, m]`));
      return null;
    }
    if (s.invertible && (shape.length !== 2 || shape[0] !== shape[1])) {
      ctx.diags.push(error("ELB003", s.span, `only a square matrix can be invertible, but ${s.name.name} is [${shape.join(", ")}]`));
      return null;
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const senvHere: SEnv = { scope: declScope, vars: new Set(["self"]), scalars: env, network: null, activation: () => null };
    let condition: SFormula | null = null;
    if (s.sign) {
      const self: SExpr = { k: "var", name: "self" };
      condition = { k: "or", a: { k: "cmp", op: "=", a: self, b: { k: "const", v: Rational.ONE } }, b: { k: "cmp", op: "=", a: self, b: { k: "const", v: Rational.of(-1) } } };
    } else if (s.op && s.bound) {
      const bound = elabScalar(s.bound, senvHere, ctx.diags);
      if (!bound || !checkDivisions(bound, s.bound.span, ctx)) return null;
      condition = { k: "cmp" as const, op: s.op, a: { k: "var" as const, name: "self" }, b: bound };
    }
    const arg = use.args[i];
    if (arg) {
      const v = evalConst(arg, caller.scope, ctx.diags);
      if (!v) return null;
      if (condition?.k === "cmp") {
        const bound = constValue(condition.b);
        if (!bound) {
          ctx.diags.push(error("ELB017", arg.span, `cannot check the side condition of ${s.name.name} for a given value: its bound is not constant`));
          return null;
        }
        if (!holds(s.op!, v, bound)) {
          ctx.diags.push(error("ELB017", arg.span, `${v} does not satisfy the side condition ${s.name.name} ${s.op} ${bound} of ${d.name.name}`));
          return null;
        }
      }
      env.set(s.name.name, v);
      continue;
    }
    const id = `${d.name.name}.${s.name.name}#${ctx.scalars.length}`;
    const clash = ctx.scalars.some((x) => x.label.split(" ")[0] === s.name.name);
    const label = clash ? `${s.name.name} (from ${d.name.name}, use ${ctx.scalars.filter((x) => x.label.startsWith(s.name.name)).length + 1})` : s.name.name;
    const conditionText = s.sign ? `${label.split(" ")[0]} = 1 or ${label.split(" ")[0]} = -1` : s.pos ? `${label.split(" ")[0]} > 0` : s.op && s.bound ? `${label.split(" ")[0]} ${s.op} ${text(s.bound.span, ctx.sources)}` : null;
    const scalar: Scalar = { id, label, size, vector: shape.length > 0, shape, inverseOf: null, condition, conditionText, span: s.span };
    ctx.scalars.push(scalar);
    env.set(s.name.name, scalar);
    if (s.invertible) {
      // inverse(A): a second symbolic matrix B with A B = I, entry by entry.
      const n = shape[0]!;
      const name = label.split(" ")[0]!;
      const inv: Scalar = { id: `${id}^-1`, label: `inverse(${name})`, size, vector: true, shape, inverseOf: id, condition: null, conditionText: null, span: s.span };
      ctx.scalars.push(inv);
      env.set(`inverse ${s.name.name}`, inv);
      const entry = (x: Scalar, i: number, j: number): SExpr => ({ k: "scalar", id: x.id, index: i * n + j });
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let dot: SExpr = { k: "mul", a: entry(scalar, i, 0), b: entry(inv, 0, j) };
          for (let m = 1; m < n; m++) dot = { k: "add", a: dot, b: { k: "mul", a: entry(scalar, i, m), b: entry(inv, m, j) } };
          ctx.conditions.push({ label: `${name} inverse(${name}) = I`, formula: { k: "cmp", op: "=", a: dot, b: { k: "const", v: Rational.of(i === j ? 1 : 0) } } });
        }
      }
    }
  }
  return env;
}

function holds(op: string, a: Rational, b: Rational): boolean {
  const c = a.cmp(b);
  return op === "=" ? c === 0 : op === "!=" ? c !== 0 : op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
}


/**
 * Transformations: permute / scale / flip / permute rows or cols / assignments /
 * references to declared symmetries and maps, composed with `then`, flattened into steps.
 *
 * Symmetries are elaborated where they are used, against the network of the claim, so one
 * declaration can serve several networks when it names units without a network
 * (`permute h1 by (0 1)`). Each use gets fresh symbolic scalars.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Span } from "../diagnostics/span.ts";
import { Rational } from "../numeric/rational.ts";
import type * as A from "../syntax/types.ts";
import { resolveActivation } from "./activations.ts";
import { evalConst, evalInt } from "./constants.ts";
import { unitLayout } from "./layout.ts";
import { elabPerm } from "./perm.ts";
import type { Entry, Scope } from "./scope.ts";
import { kindWord, unknown } from "./scope.ts";
import { elabScalar, elabTensor, shapeText, type SEnv } from "./sexpr.ts";
import type { Network, Scalar, SExpr, Step, UnitLayout } from "./types.ts";

type Sources = ReadonlyMap<string, string>;

/** Shared state while elaborating the transformation of one claim. */
export interface TransformCtx {
  readonly diags: Diagnostic[];
  readonly sources: Sources;
  readonly networkOf: (e: Extract<Entry, { kind: "network" }>) => Network | null;
  /** Free symbolic scalars collected so far. */
  readonly scalars: Scalar[];
  /** Symmetry references being elaborated (to report cycles). */
  readonly active: string[];
}

interface Where {
  readonly scope: Scope;
  readonly scalars: ReadonlyMap<string, Scalar | Rational>;
}

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
      const layout = target(t.target, from, where, ctx, "permute");
      if (!layout) return null;
      if (t.target.unit) {
        ctx.diags.push(error("ELB013", t.target.unit.span, `permute moves the units of a whole vector: write ${t.target.node.name}, not one unit`));
        return null;
      }
      const perm = elabPerm(t.perm, layout.size, `the ${layout.size} units of ${from.name}.${layout.node}`, where.scope, ctx.diags);
      return one(perm && { k: "permuteUnits", layout, perm, span: t.span });
    }
    case "permuteAxis": {
      if (t.network && !sameNetwork(t.network, from, where, ctx)) return null;
      const p = from.params.find((q) => q.name === t.param.name);
      if (!p) {
        ctx.diags.push(error("ELB001", t.param.span, `${from.name} has no parameter ${t.param.name}`));
        return null;
      }
      const axis = t.axis === "rows" ? 0 : 1;
      if (axis >= p.shape.length) {
        ctx.diags.push(error("ELB003", t.span, `${p.name} is a vector; permute its entries with \`permute rows of ${p.name}\``));
        return null;
      }
      const perm = elabPerm(t.perm, p.shape[axis]!, `the ${p.shape[axis]} ${t.axis} of ${p.name}`, where.scope, ctx.diags);
      return one(perm && { k: "permuteAxis", param: p.name, axis, shape: p.shape, perm, span: t.span });
    }
    case "scale":
      return one(scale(t, from, where, ctx));
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

function target(u: A.UnitRef, from: Network, where: Where, ctx: TransformCtx, verb: string): UnitLayout | null {
  if (u.network && !sameNetwork(u.network, from, where, ctx)) return null;
  const layout = unitLayout(from, u.node.name);
  if ("reason" in layout) {
    ctx.diags.push(error("ELB013", u.node.span, `cannot ${verb} units of ${from.name}.${u.node.name}: ${layout.reason}`));
    return null;
  }
  return layout;
}

function unitsOf(u: A.UnitRef, layout: UnitLayout, where: Where, ctx: TransformCtx): number[] | null {
  if (!u.unit) return Array.from({ length: layout.size }, (_, i) => i);
  const j = evalInt(u.unit, where.scope, ctx.diags, "a unit index");
  if (j === null) return null;
  if (j >= layout.size) {
    ctx.diags.push(error("ELB005", u.unit.span, `unit ${j} is out of range: ${layout.node} has ${layout.size} units (0..${layout.size - 1})`));
    return null;
  }
  return [j];
}

const senv = (where: Where, ctx: TransformCtx, network: Network | null): SEnv => ({
  scope: where.scope,
  vars: new Set(),
  scalars: where.scalars,
  network,
  activation: (n) => resolveActivation({ name: n, args: [], span: n.span }, where.scope, ctx.diags, ctx.sources),
});

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

/** Whether `e` is certainly non-zero given the scalars' side conditions. */
function nonzero(e: SExpr, scalars: readonly Scalar[]): boolean {
  switch (e.k) {
    case "const":
      return !e.v.isZero();
    case "neg":
      return nonzero(e.a, scalars);
    case "mul":
      return nonzero(e.a, scalars) && nonzero(e.b, scalars);
    case "div":
      return nonzero(e.a, scalars) && nonzero(e.b, scalars);
    case "scalar": {
      const s = scalars.find((x) => x.id === e.id);
      const cond = s?.condition;
      if (!cond || cond.k !== "cmp") return false;
      const bound = constValue(cond.b);
      if (!bound) return false;
      const sign = bound.sign();
      return (cond.op === ">" && sign >= 0) || (cond.op === ">=" && sign > 0) || (cond.op === "<" && sign <= 0) || (cond.op === "<=" && sign < 0) || (cond.op === "!=" && sign === 0);
    }
    default:
      return false;
  }
}

function checkDivisions(e: SExpr, span: Span, ctx: TransformCtx): boolean {
  const walk = (x: SExpr): boolean => {
    switch (x.k) {
      case "div":
        if (!nonzero(x.b, ctx.scalars)) {
          ctx.diags.push(error("ELB012", span, "this divides by an expression that may be 0; give the scalars side conditions that exclude 0 (c > 0, c < 0 or c != 0)"));
          return false;
        }
        return walk(x.a) && walk(x.b);
      case "add":
      case "sub":
      case "mul":
      case "max":
      case "min":
        return walk(x.a) && walk(x.b);
      case "neg":
        return walk(x.a);
      case "ite":
        return walk(x.then) && walk(x.else);
      case "app":
        return walk(x.arg);
      default:
        return true;
    }
  };
  return walk(e);
}

/** The value of an expression without variables, scalars or entries. */
export function constValue(e: SExpr): Rational | null {
  switch (e.k) {
    case "const":
      return e.v;
    case "neg": {
      const a = constValue(e.a);
      return a && a.neg();
    }
    case "add":
    case "sub":
    case "mul":
    case "div": {
      const a = constValue(e.a);
      const b = constValue(e.b);
      if (!a || !b) return null;
      if (e.k === "div") return b.isZero() ? null : a.div(b);
      return e.k === "add" ? a.add(b) : e.k === "sub" ? a.sub(b) : a.mul(b);
    }
    default:
      return null;
  }
}

/**
 * An assignment block: simultaneous; right-hand sides read parameters of `from`, left-hand
 * sides write parameters of `to`. For a map (`isMap`), parameters of `to` that are not fully
 * assigned are copied from the parameter of `from` with the same name and shape.
 */
function assign(t: Extract<A.TExpr, { kind: "assign" }>, from: Network, to: Network, isMap: boolean, where: Where, ctx: TransformCtx): Step | null {
  const entries: { param: string; index: number; value: SExpr }[] = [];
  const written = new Map<string, Span>();
  let ok = true;
  for (const a of t.assigns) {
    const lhs = elabTensor(a.target, { ...senv(where, ctx, to), scalars: new Map() }, ctx.diags);
    const rhs = elabTensor(a.value, senv(where, ctx, from), ctx.diags);
    if (!lhs || !rhs) {
      ok = false;
      continue;
    }
    const base = a.target.kind === "index" ? a.target.target : a.target;
    const pname = base.kind === "name" ? base.name : "";
    const pdecl = to.params.find((p) => p.name === pname);
    if (!pdecl) {
      ctx.diags.push(error("ELB022", a.target.span, `the left side of := must be a parameter of ${to.name}, a row, a column or an entry of one`));
      ok = false;
      continue;
    }
    if (rhs.shape.length > 0 && (rhs.shape.length !== lhs.shape.length || rhs.shape.some((x, i) => x !== lhs.shape[i]))) {
      ctx.diags.push(error("ELB003", a.span, `cannot assign ${shapeText(rhs.shape)} to ${shapeText(lhs.shape)}`));
      ok = false;
      continue;
    }
    if (!checkDivisions(rhs.at(rhs.shape.map(() => 0)), a.value.span, ctx)) {
      ok = false;
      continue;
    }
    for (const pos of positions(lhs.shape)) {
      const slot = lhs.at(pos);
      if (slot.k !== "entry") throw new Error("left side of an assignment resolved to a non-entry");
      const key = `${slot.param}#${slot.index}`;
      if (written.has(key)) {
        ctx.diags.push(error("ELB002", a.target.span, `${slot.param} entry ${entryText(pdecl.shape, slot.index)} is assigned twice in one block`, [{ span: written.get(key)!, message: "first assigned here" }]));
        ok = false;
        break;
      }
      written.set(key, a.target.span);
      entries.push({ param: slot.param, index: slot.index, value: rhs.shape.length ? rhs.at(pos) : rhs.at([]) });
    }
  }
  if (!ok) return null;
  let copy: { target: string; source: string }[] | null = null;
  if (isMap) {
    copy = [];
    for (const p of to.params) {
      const size = p.shape.reduce((x, y) => x * y, 1);
      const assigned = entries.filter((e) => e.param === p.name).length;
      if (assigned === size) continue;
      const same = from.params.find((q) => q.name === p.name && q.shape.join() === p.shape.join());
      if (same) copy.push({ target: p.name, source: same.name });
      else {
        ctx.diags.push(error("ELB014", t.span, `${to.name}.${p.name} (${shapeText(p.shape)}) is ${assigned === 0 ? "not assigned" : "only partly assigned"}, and ${from.name} has no parameter ${p.name} of that shape to copy`));
        ok = false;
      }
    }
  }
  return ok ? { k: "assign", entries, copy, span: t.span } : null;
}

function positions(shape: readonly number[]): number[][] {
  if (shape.length === 0) return [[]];
  const out: number[][] = [];
  const rec = (prefix: number[], d: number) => {
    if (d === shape.length) {
      out.push(prefix);
      return;
    }
    for (let i = 0; i < shape[d]!; i++) rec([...prefix, i], d + 1);
  };
  rec([], 0);
  return out;
}

/** "[1,2]" for flat index 5 of a 2x3 matrix. */
export function entryText(shape: readonly number[], index: number): string {
  return shape.length === 2 ? `[${Math.floor(index / shape[1]!)},${index % shape[1]!}]` : `[${index}]`;
}

/** The identity map from `from` to `to` by parameter names (for claims between networks). */
export function nameMap(from: Network, to: Network, span: Span, diags: Diagnostic[]): Step | null {
  const copy: { target: string; source: string }[] = [];
  for (const p of to.params) {
    const q = from.params.find((x) => x.name === p.name);
    if (!q || q.shape.join() !== p.shape.join()) {
      diags.push(error("ELB014", span, `${to.name}.${p.name} (${shapeText(p.shape)}) has no parameter of the same name and shape in ${from.name}; relate them with a map (map m : ${from.name} -> ${to.name} { ${p.name} := ... })`));
      return null;
    }
    copy.push({ target: p.name, source: q.name });
  }
  return { k: "assign", entries: [], copy, span };
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
  for (let i = 0; i < d.scalars.length; i++) {
    const s = d.scalars[i]!;
    const size = s.size ? evalInt(s.size, declScope, ctx.diags, "a scalar vector size", 1) : 1;
    if (size === null) return null;
    const senvHere: SEnv = { scope: declScope, vars: new Set(["self"]), scalars: env, network: null, activation: () => null };
    let condition = null;
    if (s.op && s.bound) {
      const bound = elabScalar(s.bound, senvHere, ctx.diags);
      if (!bound) return null;
      condition = { k: "cmp" as const, op: s.op, a: { k: "var" as const, name: "self" }, b: bound };
    }
    const arg = use.args[i];
    if (arg) {
      const v = evalConst(arg, caller.scope, ctx.diags);
      if (!v) return null;
      if (condition) {
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
    const conditionText = s.op && s.bound ? `${label.split(" ")[0]} ${s.op} ${text(s.bound.span, ctx.sources)}` : null;
    const scalar: Scalar = { id, label, size, vector: s.size !== null, condition, conditionText, span: s.span };
    ctx.scalars.push(scalar);
    env.set(s.name.name, scalar);
  }
  return env;
}

function holds(op: string, a: Rational, b: Rational): boolean {
  const c = a.cmp(b);
  return op === "=" ? c === 0 : op === "!=" ? c !== 0 : op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
}


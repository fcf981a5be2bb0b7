/**
 * Networks: `mlp(d0 -> d1 -> ... -> dL+1, act)` and explicit blocks with `input`, `param`,
 * named vectors and `out`. Both become the same `Network` form; an mlp's parameters are
 * W0, b0, ..., WL, bL (layer l maps h_l to h_{l+1}) and its hidden vectors h1..hL.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Span } from "../diagnostics/span.ts";
import { LIMITS } from "../limits.ts";
import { Rational } from "../numeric/rational.ts";
import type * as A from "../syntax/types.ts";
import { resolveActivation } from "./activations.ts";
import { evalConst, evalInt } from "./constants.ts";
import type { Scope } from "./scope.ts";
import { suggest } from "./scope.ts";
import type { Activation, Network, NodeDef, ParamDecl, VExpr } from "./types.ts";

type Sources = ReadonlyMap<string, string>;

/** A width or size: a whole number in 1..LIMITS.dimension (ELB027 above). */
function dimension(e: A.Expr, scope: Scope, diags: Diagnostic[], what: string): number | null {
  const v = evalInt(e, scope, diags, what, 1);
  if (v !== null && v > LIMITS.dimension) {
    diags.push(error("ELB027", e.span, `${what} may be at most ${LIMITS.dimension}, but this is ${v}`));
    return null;
  }
  return v;
}

/** Elaborate a network declaration. */
export function elabNetwork(d: Extract<A.Decl, { kind: "network" }>, scope: Scope, diags: Diagnostic[], sources: Sources): Network | null {
  return d.body.kind === "mlp" ? mlp(d.name.name, d.body, d.span, scope, diags, sources) : block(d.name.name, d.body, d.span, scope, diags, sources);
}

function mlp(name: string, body: Extract<A.NetworkBody, { kind: "mlp" }>, span: Span, scope: Scope, diags: Diagnostic[], sources: Sources): Network | null {
  const widths: number[] = [];
  if (body.widths.length - 2 > LIMITS.layers) {
    diags.push(error("ELB028", body.widths[LIMITS.layers + 1]!.span, `${name} has ${body.widths.length - 2} hidden layers; an mlp may have at most ${LIMITS.layers}`));
    return null;
  }
  for (const w of body.widths) {
    const v = dimension(w, scope, diags, "a layer width");
    if (v === null) return null;
    widths.push(v);
  }
  let count = 0;
  for (let l = 0; l + 1 < widths.length; l++) count += widths[l + 1]! * (widths[l]! + 1);
  if (count > LIMITS.parameters) {
    diags.push(error("ELB027", body.span, `${name} has ${count} parameters; a network may have at most ${LIMITS.parameters}`));
    return null;
  }
  const acts: Activation[] = [];
  for (const r of body.activations) {
    const a = resolveActivation(r, scope, diags, sources);
    if (!a) return null;
    acts.push(a);
  }
  const L = widths.length - 2;
  if (acts.length !== 1 && acts.length !== L) {
    diags.push(error("ELB009", body.activations[0]!.span, `give one activation for every hidden layer or one for all: this mlp has ${L} hidden layer${L === 1 ? "" : "s"} and ${acts.length} activations`));
    return null;
  }
  return mlpNetwork(name, widths, acts.length === 1 ? widths.slice(1, -1).map(() => acts[0]!) : acts, span);
}

/**
 * The network `mlp(widths, activations)`, built directly (also used by the covering library
 * and tests). `activations` has one entry per hidden layer.
 *
 * @example mlpNetwork("Net", [3, 4, 2], [relu], span).params.map(p => p.name) // W0 b0 W1 b1
 */
export function mlpNetwork(name: string, widths: readonly number[], activations: readonly Activation[], span: Span): Network {
  const L = widths.length - 2;
  const params: ParamDecl[] = [];
  const nodes: NodeDef[] = [];
  let prev: VExpr = { k: "input", name: "x", size: widths[0]!, span };
  for (let l = 0; l <= L; l++) {
    params.push({ name: `W${l}`, shape: [widths[l + 1]!, widths[l]!], span }, { name: `b${l}`, shape: [widths[l + 1]!], span });
    const size = widths[l + 1]!;
    const pre: VExpr = {
      k: "sum",
      size,
      span,
      terms: [
        { sign: 1, e: { k: "matvec", param: `W${l}`, arg: prev, size, span } },
        { sign: 1, e: { k: "param", name: `b${l}`, size, span } },
      ],
    };
    if (l === L) return { name, input: { name: "x", size: widths[0]!, span }, params, nodes, output: { expr: pre, size, span }, mlp: { widths, activations }, span };
    nodes.push({ name: `h${l + 1}`, size, span, expr: { k: "act", act: activations[l]!, arg: pre, size, span } });
    prev = { k: "node", name: `h${l + 1}`, size, span };
  }
  throw new Error("unreachable: mlp loop always returns");
}

interface BlockNames {
  input: { name: string; size: number; span: Span } | null;
  params: Map<string, ParamDecl>;
  nodes: Map<string, NodeDef>;
  later: Set<string>;
  /** Names whose declaration failed (already reported). */
  failed: Set<string>;
}

function block(name: string, body: Extract<A.NetworkBody, { kind: "block" }>, span: Span, scope: Scope, diags: Diagnostic[], sources: Sources): Network | null {
  const names: BlockNames = { input: null, params: new Map(), nodes: new Map(), later: new Set(), failed: new Set() };
  const declared = new Map<string, Span>();
  const claim = (id: A.Ident): boolean => {
    const prior = declared.get(id.name);
    if (prior) {
      diags.push(error("ELB002", id.span, `${id.name} is already declared in network ${name}`, [{ span: prior, message: "first declared here" }]));
      return false;
    }
    declared.set(id.name, id.span);
    return true;
  };
  for (const s of body.stmts) if (s.kind === "let") names.later.add(s.name.name);
  if (names.later.size > LIMITS.layers) {
    diags.push(error("ELB028", body.span, `network ${name} defines ${names.later.size} vectors; a network may define at most ${LIMITS.layers}`));
    return null;
  }
  let count = 0;
  let output: Network["output"] | null = null;
  let sawOut = false;
  let ok = true;
  for (const s of body.stmts) {
    switch (s.kind) {
      case "input": {
        if (names.input) {
          diags.push(error("ELB019", s.span, `network ${name} already has an input`, [{ span: names.input.span, message: "first input" }]));
          ok = false;
          break;
        }
        const size = dimension(s.size, scope, diags, "an input size");
        if (size === null || !claim(s.name)) {
          ok = false;
          if (!declared.has(s.name.name) || size === null) names.failed.add(s.name.name);
        }
        else names.input = { name: s.name.name, size, span: s.name.span };
        break;
      }
      case "param":
        for (const p of s.decls) {
          if (p.dims.length > 2) {
            diags.push(error("ELB003", p.span, `parameters are vectors [n] or matrices [rows, cols]; ${p.name.name} has ${p.dims.length} dimensions`));
            ok = false;
            continue;
          }
          const dims = p.dims.map((e) => dimension(e, scope, diags, "a parameter dimension"));
          if (dims.some((x) => x === null) || !claim(p.name)) {
            ok = false;
            names.failed.add(p.name.name);
            continue;
          }
          const entries = (dims as number[]).reduce((a, b) => a * b, 1);
          if (count + entries > LIMITS.parameters) {
            diags.push(error("ELB027", p.span, `${name} has more than ${LIMITS.parameters} parameter entries with ${p.name.name}; a network may have at most ${LIMITS.parameters}`));
            ok = false;
            names.failed.add(p.name.name);
            continue;
          }
          count += entries;
          names.params.set(p.name.name, { name: p.name.name, shape: dims as number[], span: p.name.span });
        }
        break;
      case "let": {
        names.later.delete(s.name.name);
        const e = vexpr(s.expr, names, scope, diags, sources);
        if (!claim(s.name) || !e) {
          ok = false;
          if (!e) names.failed.add(s.name.name);
        }
        else names.nodes.set(s.name.name, { name: s.name.name, size: e.size, expr: e, span: s.name.span });
        break;
      }
      case "out": {
        if (sawOut) {
          diags.push(error("ELB019", s.span, `network ${name} already has an output`, output ? [{ span: output.span, message: "first output" }] : []));
          ok = false;
          break;
        }
        sawOut = true;
        const e = vexpr(s.expr, names, scope, diags, sources);
        if (e) output = { expr: e, size: e.size, span: s.span };
        else ok = false;
      }
    }
  }
  if (!body.stmts.some((s) => s.kind === "input")) diags.push(error("ELB019", span, `network ${name} has no input; declare one with \`input x[n]\``));
  if (!sawOut) diags.push(error("ELB019", span, `network ${name} has no output; end it with \`out <expression>\``));
  if (!ok || !names.input || !output) return null;
  return { name, input: names.input, params: [...names.params.values()], nodes: [...names.nodes.values()], output, mlp: null, span };
}

const isConstExpr = (e: A.Expr): boolean => e.kind === "num" || (e.kind === "neg" && isConstExpr(e.arg)) || (e.kind === "binary" && "+-*/".includes(e.op) && isConstExpr(e.left) && isConstExpr(e.right));

function sum(terms: { sign: 1 | -1; e: VExpr }[], span: Span): VExpr {
  const flatTerms = terms.flatMap((t) => (t.e.k === "sum" ? t.e.terms.map((u) => ({ sign: (u.sign * t.sign) as 1 | -1, e: u.e })) : [t]));
  return { k: "sum", terms: flatTerms, size: terms[0]!.e.size, span };
}

/** Elaborate a vector expression of a network block. */
function vexpr(e: A.Expr, names: BlockNames, scope: Scope, diags: Diagnostic[], sources: Sources): VExpr | null {
  const rec = (x: A.Expr) => vexpr(x, names, scope, diags, sources);
  const matvec = (m: A.Ident, argExpr: A.Expr, span: Span): VExpr | null => {
    const p = names.params.get(m.name)!;
    const arg = rec(argExpr);
    if (!arg) return null;
    if (p.shape.length !== 2) {
      diags.push(error("ELB003", m.span, `${m.name} is a vector of ${p.shape[0]}; only matrices multiply vectors`));
      return null;
    }
    if (p.shape[1] !== arg.size) {
      diags.push(error("ELB003", span, `${m.name} is ${p.shape[0]}x${p.shape[1]} but the vector it multiplies has ${arg.size} entries`));
      return null;
    }
    return { k: "matvec", param: m.name, arg, size: p.shape[0]!, span };
  };
  const scaled = (factor: A.Expr, argExpr: A.Expr, span: Span, invert = false): VExpr | null => {
    const f = evalConst(factor, scope, diags);
    const arg = rec(argExpr);
    if (!f || !arg) return null;
    if (invert && f.isZero()) {
      diags.push(error("ELB022", factor.span, "division by zero"));
      return null;
    }
    return { k: "scale", factor: invert ? Rational.ONE.div(f) : f, arg, size: arg.size, span };
  };
  switch (e.kind) {
    case "name": {
      const n = e.name;
      if (names.input?.name === n) return { k: "input", name: n, size: names.input.size, span: e.span };
      const node = names.nodes.get(n);
      if (node) return { k: "node", name: n, size: node.size, span: e.span };
      const p = names.params.get(n);
      if (p && p.shape.length === 1) return { k: "param", name: n, size: p.shape[0]!, span: e.span };
      if (p) {
        diags.push(error("ELB003", e.span, `${n} is a ${p.shape.join("x")} matrix; multiply it with a vector, as in \`${n} x\``));
        return null;
      }
      // A vector whose definition failed was reported there; its uses would only repeat it.
      if (names.failed.has(n)) return null;
      if (names.later.has(n)) diags.push(error("ELB019", e.span, `${n} is used before it is defined`));
      else diags.push(error("ELB001", e.span, `unknown vector ${n}${suggest(n, [...(names.input ? [names.input.name] : []), ...names.nodes.keys(), ...names.params.keys()])}`));
      return null;
    }
    case "juxt": {
      if (e.left.kind === "name" && names.failed.has(e.left.name)) return null;
      if (e.left.kind === "name" && names.params.has(e.left.name)) return matvec({ name: e.left.name, span: e.left.span }, e.right, e.span);
      if (isConstExpr(e.left)) return scaled(e.left, e.right, e.span);
      diags.push(error("ELB003", e.left.span, "only a parameter matrix or a constant can multiply a vector by juxtaposition"));
      return null;
    }
    case "call": {
      const fn = e.callee.name;
      if (names.failed.has(fn)) return null;
      if (names.params.has(fn)) {
        if (e.args.length !== 1) {
          diags.push(error("ELB009", e.span, `${fn} multiplies one vector, not ${e.args.length}`));
          return null;
        }
        return matvec(e.callee, e.args[0]!, e.span);
      }
      const entry = scope.lookup(fn);
      if (!entry && (fn === "max" || fn === "min")) {
        diags.push(error("ELB001", e.callee.span, `${fn} is not a function of vectors: it can be used in activation definitions; declare one, such as \`activation m(z) = ${fn}(z, 0)\`, and apply it to one vector`));
        return null;
      }
      if (!entry) {
        diags.push(error("ELB001", e.callee.span, `unknown function ${fn}: in a network, a call applies an activation (relu(...), or one you declare) or a parameter matrix (W(...)) to one vector${diags.length < 2 * LIMITS.diagnostics ? suggest(fn, [...names.params.keys(), ...scope.visible((x) => x.kind === "activation" || x.kind === "builtin")]) : ""}`));
        return null;
      }
      if (e.args.length !== 1 && (entry.kind === "activation" || entry.kind === "builtin")) {
        const hint = fn === "leaky_relu" ? " (for leaky_relu with a slope, declare `activation lrelu = leaky_relu(0.1)`)" : "";
        diags.push(error("ELB009", e.span, `activation ${fn} is applied to one vector, not ${e.args.length}${hint}`));
        return null;
      }
      const act = resolveActivation({ name: e.callee, args: [], span: e.callee.span }, scope, diags, sources);
      const arg = rec(e.args[0]!);
      return act && arg && { k: "act", act, arg, size: arg.size, span: e.span };
    }
    case "neg": {
      const a = rec(e.arg);
      return a && sum([{ sign: -1, e: a }], e.span);
    }
    case "binary": {
      if (e.op === "+" || e.op === "-") {
        const a = rec(e.left);
        const b = rec(e.right);
        if (!a || !b) return null;
        if (a.size !== b.size) {
          diags.push(error("ELB003", e.span, `cannot ${e.op === "+" ? "add" : "subtract"} vectors of ${a.size} and ${b.size} entries`));
          return null;
        }
        return sum([{ sign: 1, e: a }, { sign: e.op === "+" ? 1 : -1, e: b }], e.span);
      }
      if (e.op === "*" && isConstExpr(e.left)) return scaled(e.left, e.right, e.span);
      if (e.op === "*" && isConstExpr(e.right)) return scaled(e.right, e.left, e.span);
      if (e.op === "/" && isConstExpr(e.right)) return scaled(e.right, e.left, e.span, true);
      diags.push(error("ELB003", e.span, e.op === "*" || e.op === "/" ? "vectors can only be multiplied or divided by constants; use `W x` for a matrix-vector product" : `${e.op} does not apply to vectors`));
      return null;
    }
    case "num":
      diags.push(error("ELB003", e.span, "a number is not a vector; write it as a factor, as in `2 * h`"));
      return null;
    default:
      diags.push(error("ELB003", e.span, "expected a vector: a name, a matrix-vector product `W x`, an activation `relu(...)`, or sums of these"));
      return null;
  }
}

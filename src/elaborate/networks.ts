/**
 * Networks: `mlp(d0 -> d1 -> ... -> dL+1, act)` and explicit blocks with `input`, `param`,
 * hidden tensors and `out`. Both become the same `Network`: tensors whose entries are index
 * expressions (types.ts, IExpr). An mlp's parameters are W0, b0, ..., WL, bL (layer l maps
 * h_l to h_{l+1}, W_l of shape [d_{l+1}, d_l]) and its hidden tensors h1..hL.
 *
 * In a block, a hidden tensor is defined as a whole (`h = relu(W x + b)`,
 * `c1 = conv2d(x, K, padding = 1)`) or entry by entry in index notation
 * (`h[o, i:32] = relu(sum[c, a] K[o, c, a] * x[c, i + a - 1] + b[o])`).
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Span } from "../diagnostics/span.ts";
import { LIMITS } from "../limits.ts";
import type * as A from "../syntax/types.ts";
import { resolveActivation } from "./activations.ts";
import { builtin } from "./activations.ts";
import { evalInt } from "./constants.ts";
import { act, add, ix, mul, read, sumOver } from "./iexpr.ts";
import type { OpContext, TValue } from "./ops/index.ts";
import type { Scope } from "./scope.ts";
import { elabT, rangesOf, type TEnv } from "./tensors.ts";
import type { Activation, BuiltinName, IExpr, Network, TensorDecl, TensorDef } from "./types.ts";

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
  const params: TensorDecl[] = [];
  const nodes: TensorDef[] = [];
  let prev: { src: "input" | "node"; name: string } = { src: "input", name: "x" };
  for (let l = 0; l <= L; l++) {
    params.push({ name: `W${l}`, shape: [widths[l + 1]!, widths[l]!], axes: ["out", "in"], span }, { name: `b${l}`, shape: [widths[l + 1]!], axes: ["out"], span });
    const k = `k${l}`;
    const pre: IExpr = add(sumOver(k, widths[l]!, mul(read("param", `W${l}`, [ix("u"), ix(k)]), read(prev.src, prev.name, [ix(k)]))), read("param", `b${l}`, [ix("u")]));
    if (l === L) {
      const output: TensorDef = { name: "out", shape: [widths[l + 1]!], axes: ["units"], vars: ["u"], expr: pre, span };
      return { name, input: { name: "x", shape: [widths[0]!], axes: ["units"], span }, params, nodes, output, mlp: { widths, activations }, span };
    }
    nodes.push({ name: `h${l + 1}`, shape: [widths[l + 1]!], axes: ["units"], vars: ["u"], expr: act(activations[l]!, pre), span });
    prev = { src: "node", name: `h${l + 1}` };
  }
  throw new Error("unreachable: mlp loop always returns");
}

interface BlockState {
  input: TensorDecl | null;
  params: Map<string, TensorDecl>;
  nodes: Map<string, TensorDecl>;
  defs: TensorDef[];
  later: Set<string>;
  failed: Set<string>;
}

function block(name: string, body: Extract<A.NetworkBody, { kind: "block" }>, span: Span, scope: Scope, diags: Diagnostic[], sources: Sources): Network | null {
  const st: BlockState = { input: null, params: new Map(), nodes: new Map(), defs: [], later: new Set(), failed: new Set() };
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
  for (const s of body.stmts) if (s.kind === "let") st.later.add(s.name.name);
  if (st.later.size > LIMITS.layers) {
    diags.push(error("ELB028", body.span, `network ${name} defines ${st.later.size} tensors; a network may define at most ${LIMITS.layers}`));
    return null;
  }
  let count = 0;
  let fresh = 0;
  let output: TensorDef | null = null;
  let sawOut = false;
  let ok = true;
  const dims = (es: readonly A.Expr[], what: string, owner: A.Ident): number[] | null => {
    const out: number[] = [];
    let bad = false;
    for (const e of es) {
      const v = dimension(e, scope, diags, what);
      if (v === null) bad = true;
      else out.push(v);
    }
    if (bad) return null;
    const n = out.reduce((a, b) => a * b, 1);
    if (n > LIMITS.parameters) {
      diags.push(error("ELB027", owner.span, `${owner.name} has ${n} entries; a tensor may have at most ${LIMITS.parameters}`));
      return null;
    }
    return out;
  };
  for (const s of body.stmts) {
    switch (s.kind) {
      case "input": {
        if (st.input) {
          diags.push(error("ELB019", s.span, `network ${name} already has an input`, [{ span: st.input.span, message: "first input" }]));
          ok = false;
          break;
        }
        const shape = dims(s.dims, "an input size", s.name);
        if (!shape || !claim(s.name)) {
          ok = false;
          st.failed.add(s.name.name);
        } else st.input = { name: s.name.name, shape, axes: shape.map((_, a) => String(a)), span: s.name.span };
        break;
      }
      case "param":
        for (const p of s.decls) {
          const shape = dims(p.dims, "a parameter dimension", p.name);
          if (!shape || !claim(p.name)) {
            ok = false;
            st.failed.add(p.name.name);
            continue;
          }
          const entries = shape.reduce((a, b) => a * b, 1);
          if (count + entries > LIMITS.parameters) {
            diags.push(error("ELB027", p.span, `${name} has more than ${LIMITS.parameters} parameter entries with ${p.name.name}; a network may have at most ${LIMITS.parameters}`));
            ok = false;
            st.failed.add(p.name.name);
            continue;
          }
          count += entries;
          st.params.set(p.name.name, { name: p.name.name, shape, axes: shape.map((_, a) => String(a)), span: p.name.span });
        }
        break;
      case "let":
      case "out": {
        if (s.kind === "out" && sawOut) {
          diags.push(error("ELB019", s.span, `network ${name} already has an output`, output ? [{ span: output.span, message: "first output" }] : []));
          ok = false;
          break;
        }
        if (s.kind === "out") sawOut = true;
        const target = s.kind === "out" ? "out" : s.name.name;
        if (s.kind === "let") st.later.delete(target);
        const ctx = opContext(target, st, () => fresh++, s.span, diags);
        const env: TEnv = { scope, network: name, input: st.input, params: st.params, nodes: st.nodes, later: st.later, failed: st.failed, ivars: new Map(), ops: ctx, diags, sources };
        const elaborated = s.indices ? indexed(target, s.indices, s.expr, env, s.span, () => fresh++) : whole(target, s.expr, env, s.span, () => fresh++);
        const def = st.failed.has(target) ? null : elaborated;
        const named = s.kind === "out" || claim(s.name);
        if (!def || !named) {
          ok = false;
          if (!def) st.failed.add(target);
          break;
        }
        if (s.kind === "out") output = { ...def, span: s.span };
        else {
          st.defs.push({ ...def, span: s.name.span });
          st.nodes.set(target, def);
        }
        break;
      }
    }
  }
  if (!body.stmts.some((s) => s.kind === "input")) diags.push(error("ELB019", span, `network ${name} has no input; declare one with \`input x[n]\``));
  if (!sawOut) diags.push(error("ELB019", span, `network ${name} has no output; end it with \`out <expression>\``));
  if (!ok || !st.input || !output) return null;
  return { name, input: st.input, params: [...st.params.values()], nodes: st.defs, output, mlp: null, span };
}

/** Fresh names for index variables and auxiliary tensors of the definition of `target`. */
function opContext(target: string, st: BlockState, counter: () => number, span: Span, diags: Diagnostic[]): OpContext {
  const used = new Map<string, number>();
  return {
    fresh: (base) => `${base}#${counter()}`,
    builtin: (n) => builtin(n as BuiltinName),
    define: (suffix: string, value: TValue): TValue => {
      const k = (used.get(suffix) ?? 0) + 1;
      used.set(suffix, k);
      const aux = `${target}.${suffix}${k > 1 ? k : ""}`;
      // An auxiliary tensor counts against the size limit like any other (its definition
      // is kept, so that elaboration can go on; the network is rejected by the error).
      if (tooLarge(aux, value.shape, span, diags)) st.failed.add(target);
      const vars = value.shape.map((_, a) => `${aux}#${a}`);
      const def: TensorDef = { name: aux, shape: value.shape, axes: value.axes, vars, expr: value.at(vars.map((v) => ix(v))), span };
      st.defs.push(def);
      st.nodes.set(aux, def);
      return { shape: value.shape, axes: value.axes, at: (idx) => read("node", aux, idx) };
    },
  };
}

/** `h = expr`: a whole tensor. */
function whole(target: string, e: A.Expr, env: TEnv, span: Span, counter: () => number): TensorDef | null {
  const v = elabT(e, env);
  if (!v) return null;
  if (v.shape.length === 0) {
    env.diags.push(error("ELB003", e.span, `${target} would be a single number; a hidden tensor or output needs at least one axis (write ${target}[i:1] = ... for one entry)`));
    return null;
  }
  if (tooLarge(target, v.shape, e.span, env.diags)) return null;
  const vars = v.shape.map(() => `${target}#${counter()}`);
  return { name: target, shape: v.shape, axes: v.axes, vars, expr: v.at(vars.map((x) => ix(x))), span };
}

/** `h[o, i:32] = expr`: index notation. */
function indexed(target: string, indices: readonly A.BoundVar[], e: A.Expr, env: TEnv, span: Span, counter: () => number): TensorDef | null {
  const ranges = rangesOf(indices, e, env);
  if (!ranges || tooLarge(target, ranges.map((r) => r.n), span, env.diags)) return null;
  const ivars = new Map(env.ivars);
  const vars = ranges.map((r) => `${target}#${counter()}`);
  ranges.forEach((r, a) => ivars.set(r.name, { v: vars[a]!, n: r.n }));
  const v = elabT(e, { ...env, ivars });
  if (!v) return null;
  if (v.shape.length !== 0) {
    env.diags.push(error("ELB003", e.span, `in index notation the right side is one entry, but this is a tensor of shape [${v.shape.join(", ")}]; index every tensor in it`));
    return null;
  }
  // Internal variable names are unique within the network (axes.ts relies on it); the user's
  // names become the axes' names.
  return { name: target, shape: ranges.map((r) => r.n), axes: ranges.map((r) => r.name), vars, expr: v.at([]), span };
}

/** A hidden tensor with more entries than any network may have (ELB027). */
function tooLarge(target: string, shape: readonly number[], span: Span, diags: Diagnostic[]): boolean {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n <= LIMITS.parameters) return false;
  diags.push(error("ELB027", span, `${target} would have ${n} entries; a tensor may have at most ${LIMITS.parameters}`));
  return true;
}

/**
 * Tensor expressions of a network block, elaborated to index expressions (types.ts, IExpr).
 *
 * One expression language covers both styles:
 * - whole tensors: names, `W x` (contracts W's last axis with x), `+ - *` elementwise (a
 *   scalar broadcasts), division by a scalar, activations applied entrywise, and operations
 *   of the library (`conv2d(x, K, b, padding = 1)`, see ops/);
 * - index notation: `K[o, c, a, d]` reads one entry, with affine indices (`i + a - 1`,
 *   `2 i + a`); `sum[c, a] body` and `max[a] body` reduce over index variables.
 * Every value is a TValue: a shape and its entry at given indices.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { Rational } from "../numeric/rational.ts";
import type * as A from "../syntax/types.ts";
import { resolveActivation } from "./activations.ts";
import { evalConst, evalInt } from "./constants.ts";
import { act, add, at, div, ix, konst, maxOver, mul, neg, plus, read, sub, sumOver, times } from "./iexpr.ts";
import { OPS, type Op, type OpContext, type OptionValue, type TValue } from "./ops/index.ts";
import { shapeText } from "./ops/types.ts";
import type { Scope } from "./scope.ts";
import { LIMITS } from "../limits.ts";
import { suggest } from "./scope.ts";
import type { Affine, IExpr, TensorDecl } from "./types.ts";

type Sources = ReadonlyMap<string, string>;

/** What a network block's expressions can refer to. */
export interface TEnv {
  readonly scope: Scope;
  readonly network: string;
  readonly input: TensorDecl | null;
  readonly params: ReadonlyMap<string, TensorDecl>;
  /** Hidden tensors defined so far. */
  readonly nodes: ReadonlyMap<string, TensorDecl>;
  /** Names defined later in the block (a use before the definition). */
  readonly later: ReadonlySet<string>;
  /** Names whose definition failed (already reported: their uses are not). */
  readonly failed: ReadonlySet<string>;
  /** Index variables in scope: as written -> internal name and range. */
  readonly ivars: ReadonlyMap<string, { readonly v: string; readonly n: number }>;
  readonly ops: OpContext;
  readonly diags: Diagnostic[];
  readonly sources: Sources;
}

const scalar = (e: IExpr): TValue => ({ shape: [], axes: [], at: () => e });
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The tensor a name refers to, as a reader. */
function tensorNamed(name: string, env: TEnv): { src: "input" | "param" | "node"; decl: TensorDecl } | null {
  if (env.input?.name === name) return { src: "input", decl: env.input };
  const p = env.params.get(name);
  if (p) return { src: "param", decl: p };
  const n = env.nodes.get(name);
  if (n) return { src: "node", decl: n };
  return null;
}

const readerOf = (t: { src: "input" | "param" | "node"; decl: TensorDecl }): TValue => ({ shape: t.decl.shape, axes: t.decl.axes, at: (idx) => read(t.src, t.decl.name, idx) });

/** Report an unknown name (or one defined later, or one whose definition failed). */
function unknownName(name: string, span: A.Expr["span"], env: TEnv): void {
  if (env.failed.has(name)) return;
  if (env.later.has(name)) {
    env.diags.push(error("ELB019", span, `${name} is used before it is defined`));
    return;
  }
  const candidates = env.diags.length < 2 * LIMITS.diagnostics ? [...(env.input ? [env.input.name] : []), ...env.nodes.keys(), ...env.params.keys(), ...env.ivars.keys()] : [];
  env.diags.push(error("ELB001", span, `unknown tensor ${name}${suggest(name, candidates)}`));
}

/** Elaborate a tensor expression; null after reporting a problem. */
export function elabT(e: A.Expr, env: TEnv): TValue | null {
  const d = env.diags;
  switch (e.kind) {
    case "num": {
      const v = evalConst(e, env.scope, d);
      return v && scalar(konst(v));
    }
    case "name": {
      if (env.ivars.has(e.name)) {
        d.push(error("ELB003", e.span, `${e.name} is an index variable; use it inside the brackets of a tensor, as in x[${e.name}]`));
        return null;
      }
      const t = tensorNamed(e.name, env);
      if (t) return readerOf(t);
      const entry = env.scope.lookup(e.name);
      if (entry?.kind === "int") return scalar(konst(Rational.of(entry.value)));
      unknownName(e.name, e.span, env);
      return null;
    }
    case "neg": {
      const a = elabT(e.arg, env);
      return a && { ...a, at: (idx) => neg(a.at(idx)) };
    }
    case "binary":
      return binary(e, env);
    case "juxt":
      return juxt(e, env);
    case "call":
      return call(e, env);
    case "index":
      return indexed(e, env);
    case "reduce":
      return reduce(e, env);
    case "not":
    case "if":
      d.push(error("ELB003", e.span, e.kind === "if" ? "if-then-else belongs in activation definitions, not in networks" : "`not` makes a condition, not a tensor"));
      return null;
  }
}

function binary(e: Extract<A.Expr, { kind: "binary" }>, env: TEnv): TValue | null {
  if (!["+", "-", "*", "/"].includes(e.op)) {
    env.diags.push(error("ELB003", e.span, `${e.op} makes a condition, not a tensor`));
    return null;
  }
  const a = elabT(e.left, env);
  const b = elabT(e.right, env);
  if (!a || !b) return null;
  if (e.op === "/") {
    if (b.shape.length !== 0) {
      env.diags.push(error("ELB003", e.right.span, `a tensor can be divided by a scalar only, but this is ${shapeText(b.shape)}`));
      return null;
    }
    const den = b.at([]);
    const folded = constantOf(den);
    if (folded !== null && folded.isZero()) {
      env.diags.push(error("ELB022", e.right.span, "division by zero"));
      return null;
    }
    return { ...a, at: (idx) => (den.k === "const" ? mul(konst(Rational.ONE.div(den.v)), a.at(idx)) : div(a.at(idx), den)) };
  }
  const [big, small] = a.shape.length >= b.shape.length ? [a, b] : [b, a];
  if (small.shape.length !== 0 && !same(a.shape, b.shape)) {
    const verb = e.op === "+" ? "add" : e.op === "-" ? "subtract" : "multiply";
    env.diags.push(error("ELB003", e.span, `cannot ${verb} tensors of shapes ${shapeText(a.shape)} and ${shapeText(b.shape)}${e.op === "*" ? " (`*` is entrywise; write `W x` for a matrix product)" : ""}`));
    return null;
  }
  const pick = (t: TValue, idx: readonly Affine[]) => (t.shape.length === 0 ? t.at([]) : t.at(idx));
  const combine = e.op === "+" ? add : e.op === "-" ? sub : mul;
  return { shape: big.shape, axes: big.axes, at: (idx) => combine(pick(a, idx), pick(b, idx)) };
}

/** `W x`: W's last axis contracted with x's first; or a constant times a tensor. */
function juxt(e: Extract<A.Expr, { kind: "juxt" }>, env: TEnv): TValue | null {
  const w = elabT(e.left, env);
  const x = elabT(e.right, env);
  if (!w || !x) return null;
  if (w.shape.length === 0) return { ...x, at: (idx) => mul(w.at([]), x.at(idx)) };
  if (x.shape.length === 0) {
    env.diags.push(error("ELB003", e.span, "a tensor times a scalar is written with `*`"));
    return null;
  }
  const k = w.shape[w.shape.length - 1]!;
  if (k !== x.shape[0]) {
    const what = e.left.kind === "name" ? `${e.left.name} is ${w.shape.join("x")}` : `the left side is ${shapeText(w.shape)}`;
    const arg = x.shape.length === 1 ? `the vector it multiplies has ${x.shape[0]} entries` : `the tensor it multiplies has shape ${shapeText(x.shape)} (its first axis must have ${k} entries)`;
    env.diags.push(error("ELB003", e.span, `${what} but ${arg}`));
    return null;
  }
  const v = env.ops.fresh("k");
  const wr = w.shape.length - 1;
  return {
    shape: [...w.shape.slice(0, -1), ...x.shape.slice(1)],
    axes: [...w.axes.slice(0, -1), ...x.axes.slice(1)],
    at: (idx) => sumOver(v, k, mul(w.at([...idx.slice(0, wr), ix(v)]), x.at([ix(v), ...idx.slice(wr)]))),
  };
}

/** An index expression: index variables and whole numbers with + - and * by a number. */
function affineOf(e: A.Expr, env: TEnv): Affine | null {
  switch (e.kind) {
    case "num": {
      const v = evalInt(e, env.scope, env.diags, "an index", -Infinity);
      return v === null ? null : at(v);
    }
    case "name": {
      const iv = env.ivars.get(e.name);
      if (iv) return ix(iv.v);
      const entry = env.scope.lookup(e.name);
      if (entry?.kind === "int") return at(entry.value);
      env.diags.push(error("ELB001", e.span, `unknown index variable ${e.name}${suggest(e.name, [...env.ivars.keys()])}; declare it on the left (h[${e.name}, ...] = ...) or in a sum[${e.name}]`));
      return null;
    }
    case "neg": {
      const a = affineOf(e.arg, env);
      return a && times(a, -1);
    }
    case "binary": {
      if (e.op === "+" || e.op === "-") {
        const a = affineOf(e.left, env);
        const b = affineOf(e.right, env);
        return a && b && plus(a, e.op === "+" ? b : times(b, -1));
      }
      if (e.op === "*") {
        const l = e.left.kind === "num" ? evalInt(e.left, env.scope, env.diags, "a factor of an index", -Infinity) : null;
        const r = l === null && e.right.kind === "num" ? evalInt(e.right, env.scope, env.diags, "a factor of an index", -Infinity) : null;
        if (l !== null) return mapNull(affineOf(e.right, env), (a) => times(a, l));
        if (r !== null) return mapNull(affineOf(e.left, env), (a) => times(a, r));
      }
      break;
    }
    case "juxt":
      if (e.left.kind === "num") {
        const k = evalInt(e.left, env.scope, env.diags, "a factor of an index", -Infinity);
        return k === null ? null : mapNull(affineOf(e.right, env), (a) => times(a, k));
      }
      break;
    default:
      break;
  }
  env.diags.push(error("ELB003", e.span, "an index must be an index variable or a whole number, combined with + - and multiplication by a number (as in 2 i + a - 1)"));
  return null;
}

const mapNull = <T, U>(x: T | null, f: (x: T) => U): U | null => (x === null ? null : f(x));

/** `T[i, j + 1]`: one entry (or, with `:` or fewer indices, a slice) of a tensor. */
function indexed(e: Extract<A.Expr, { kind: "index" }>, env: TEnv): TValue | null {
  if (e.target.kind !== "name") {
    env.diags.push(error("ELB003", e.span, "only tensors can be indexed: write T[i, j] with T the name of an input, parameter or hidden tensor"));
    return null;
  }
  const t = tensorNamed(e.target.name, env);
  if (!t) {
    unknownName(e.target.name, e.target.span, env);
    return null;
  }
  const r = t.decl.shape.length;
  if (e.indices.length > r) {
    env.diags.push(error("ELB003", e.span, `${t.decl.name} has ${r} ax${r === 1 ? "is" : "es"} ${shapeText(t.decl.shape)} but is given ${e.indices.length} indices`));
    return null;
  }
  const fixed: (Affine | null)[] = [];
  for (const i of e.indices) {
    if (i.kind === "all") fixed.push(null);
    else {
      const a = affineOf(i.expr, env);
      if (!a) return null;
      if (a.terms.length === 0 && (a.c < 0 || a.c >= t.decl.shape[fixed.length]!)) {
        env.diags.push(error("ELB005", i.expr.span, `index ${a.c} is out of range: axis ${fixed.length} of ${t.decl.name} has ${t.decl.shape[fixed.length]} entries (0..${t.decl.shape[fixed.length]! - 1})`));
        return null;
      }
      fixed.push(a);
    }
  }
  while (fixed.length < r) fixed.push(null);
  const free = fixed.map((f, a) => (f === null ? a : -1)).filter((a) => a >= 0);
  const whole = readerOf(t);
  return {
    shape: free.map((a) => t.decl.shape[a]!),
    axes: free.map((a) => t.decl.axes[a]!),
    at: (idx) => {
      let k = 0;
      return whole.at(fixed.map((f) => f ?? idx[k++]!));
    },
  };
}

/**
 * Ranges of index variables `names`, from the tensor axes they index directly in `body`
 * (`K[o, c]` gives o the size of K's axis 0). Conflicting sizes are reported.
 */
export function inferRanges(body: A.Expr, names: ReadonlySet<string>, env: TEnv): Map<string, { n: number; where: string }> {
  const out = new Map<string, { n: number; where: string }>();
  const walk = (e: A.Expr, hidden: ReadonlySet<string>): void => {
    switch (e.kind) {
      case "index": {
        if (e.target.kind === "name") {
          const t = tensorNamed(e.target.name, env);
          if (t) {
            e.indices.forEach((i, a) => {
              if (i.kind !== "at" || i.expr.kind !== "name" || !names.has(i.expr.name) || hidden.has(i.expr.name) || a >= t.decl.shape.length) return;
              const n = t.decl.shape[a]!;
              const prior = out.get(i.expr.name);
              if (prior && prior.n !== n) env.diags.push(error("ELB003", i.expr.span, `${i.expr.name} indexes ${prior.where} (${prior.n} entries) and axis ${a} of ${t.decl.name} (${n} entries)`));
              else if (!prior) out.set(i.expr.name, { n, where: `axis ${a} of ${t.decl.name}` });
            });
          }
        }
        for (const i of e.indices) if (i.kind === "at") walk(i.expr, hidden);
        return;
      }
      case "reduce": {
        const inner = new Set([...hidden, ...e.vars.map((v) => v.name.name)]);
        walk(e.body, inner);
        return;
      }
      case "neg":
      case "not":
        walk(e.arg, hidden);
        return;
      case "binary":
      case "juxt":
        walk(e.left, hidden);
        walk(e.right, hidden);
        return;
      case "call":
        e.args.forEach((a) => walk(a, hidden));
        return;
      case "if":
        walk(e.cond, hidden);
        walk(e.then, hidden);
        walk(e.else, hidden);
        return;
      default:
        return;
    }
  };
  walk(body, new Set());
  return out;
}

/** Ranges of declared index variables: written (`i:32`) or inferred; null after a report. */
export function rangesOf(vars: readonly A.BoundVar[], body: A.Expr, env: TEnv): { name: string; n: number }[] | null {
  const seen = new Set<string>();
  for (const v of vars) {
    if (seen.has(v.name.name)) {
      env.diags.push(error("ELB002", v.name.span, `index variable ${v.name.name} is declared twice`));
      return null;
    }
    seen.add(v.name.name);
  }
  const inferred = inferRanges(body, seen, env);
  const out: { name: string; n: number }[] = [];
  for (const v of vars) {
    if (v.size) {
      const n = evalInt(v.size, env.scope, env.diags, "a range", 1);
      if (n === null) return null;
      const i = inferred.get(v.name.name);
      if (i && i.n !== n) {
        env.diags.push(error("ELB003", v.span, `${v.name.name} is declared with ${n} entries but indexes ${i.where}, which has ${i.n}`));
        return null;
      }
      out.push({ name: v.name.name, n });
      continue;
    }
    const i = inferred.get(v.name.name);
    if (!i) {
      // A tensor whose definition failed says nothing about ranges; it was reported there.
      if (!mentionsFailed(body, env)) env.diags.push(error("ELB003", v.name.span, `cannot tell the range of ${v.name.name}: it never indexes a tensor axis directly; write ${v.name.name}:N`));
      return null;
    }
    out.push({ name: v.name.name, n: i.n });
  }
  return out;
}

/** `sum[c, a] body` / `max[a] body`. */
function reduce(e: Extract<A.Expr, { kind: "reduce" }>, env: TEnv): TValue | null {
  const ranges = rangesOf(e.vars, e.body, env);
  if (!ranges) return null;
  const ivars = new Map(env.ivars);
  const bound = ranges.map((r) => ({ ...r, v: env.ops.fresh(r.name) }));
  for (const b of bound) ivars.set(b.name, { v: b.v, n: b.n });
  const body = elabT(e.body, { ...env, ivars });
  if (!body) return null;
  if (body.shape.length !== 0) {
    env.diags.push(error("ELB003", e.body.span, `the body of ${e.op}[...] must be one entry, but this is ${shapeText(body.shape)}; index every tensor in it`));
    return null;
  }
  let out = body.at([]);
  for (let k = bound.length - 1; k >= 0; k--) out = e.op === "sum" ? sumOver(bound[k]!.v, bound[k]!.n, out) : maxOver(bound[k]!.v, bound[k]!.n, out);
  return scalar(out);
}

function call(e: Extract<A.Expr, { kind: "call" }>, env: TEnv): TValue | null {
  const fn = e.callee.name;
  const d = env.diags;
  if (env.params.has(fn)) {
    if (e.args.length !== 1) {
      d.push(error("ELB009", e.span, `${fn} multiplies one tensor, not ${e.args.length}`));
      return null;
    }
    return juxt({ kind: "juxt", left: { kind: "name", name: fn, span: e.callee.span }, right: e.args[0]!, span: e.span }, env);
  }
  const entry = env.scope.lookup(fn);
  if (entry?.kind === "activation" || entry?.kind === "builtin") {
    if (e.args.length !== 1) {
      const hint = fn === "leaky_relu" ? " (for leaky_relu with a slope, declare `activation lrelu = leaky_relu(0.1)`)" : "";
      d.push(error("ELB009", e.span, `activation ${fn} is applied to one tensor, not ${e.args.length}${hint}`));
      return null;
    }
    const a = resolveActivation({ name: e.callee, args: [], span: e.callee.span }, env.scope, d, env.sources);
    const x = elabT(e.args[0]!, env);
    return a && x && { ...x, at: (idx) => act(a, x.at(idx)) };
  }
  const op = OPS.get(fn);
  if (op) return operation(op, e, env);
  if (fn === "max" || fn === "min") {
    d.push(error("ELB001", e.callee.span, `${fn} is not a function of vectors: it can be used in activation definitions; declare one, such as \`activation m(z) = ${fn}(z, 0)\`, and apply it to a tensor${fn === "max" ? ", or reduce with max[a] body or maxpool1d/maxpool2d" : ""}`));
    return null;
  }
  // Suggestions cost a scan of the names: only while diagnostics can still be shown.
  const hint = d.length < 2 * LIMITS.diagnostics ? suggest(fn, [...OPS.keys(), ...env.scope.visible((x) => x.kind === "activation" || x.kind === "builtin")]) : "";
  d.push(error("ELB001", e.callee.span, `unknown function ${fn}: a call applies an activation, a parameter matrix, or an operation (${[...OPS.keys()].join(", ")})${hint}`));
  return null;
}

/** An operation call: positional tensors, then `name = value` options. */
function operation(op: Op, e: Extract<A.Expr, { kind: "call" }>, env: TEnv): TValue | null {
  const d = env.diags;
  const tensors: TValue[] = [];
  const options = new Map<string, OptionValue>();
  let ok = true;
  for (const a of e.args) {
    if (a.kind === "binary" && a.op === "=" && a.left.kind === "name") {
      const name = a.left.name;
      const spec = op.options[name];
      if (!spec) {
        d.push(error("ELB009", a.left.span, `${op.name} has no option ${name}${Object.keys(op.options).length ? `; its options are ${Object.keys(op.options).join(", ")}` : ""}`));
        ok = false;
        continue;
      }
      if (options.has(name)) {
        d.push(error("ELB002", a.left.span, `option ${name} is given twice`));
        ok = false;
        continue;
      }
      if (spec.kind === "tensor") {
        const t = elabT(a.right, env);
        if (t) options.set(name, { kind: "tensor", t });
        else ok = false;
        continue;
      }
      const v = evalConst(a.right, env.scope, d);
      if (!v) {
        ok = false;
        continue;
      }
      if (spec.kind === "int" && !v.isInteger()) {
        d.push(error("ELB007", a.right.span, `${op.name}'s ${name} must be a whole number, but this is ${v}`));
        ok = false;
        continue;
      }
      options.set(name, { kind: "number", v });
      continue;
    }
    if (options.size > 0) {
      d.push(error("ELB009", a.span, `${op.name}: tensors come first, then options (name = value)`));
      ok = false;
      continue;
    }
    const t = elabT(a, env);
    if (t) tensors.push(t);
    else ok = false;
  }
  if (!ok) return null;
  if (tensors.length < op.tensors.min || tensors.length > op.tensors.max) {
    const n = op.tensors.min === op.tensors.max ? `${op.tensors.min}` : `${op.tensors.min} to ${op.tensors.max}`;
    d.push(error("ELB009", e.span, `${op.name} takes ${n} tensor${op.tensors.max === 1 ? "" : "s"}, not ${tensors.length}: ${op.signature}`));
    return null;
  }
  for (const [name, spec] of Object.entries(op.options)) {
    if (options.has(name) || spec.kind === "tensor" || spec.default === undefined) continue;
    if (spec.default === null) {
      d.push(error("ELB009", e.span, `${op.name} needs the option ${name} (${spec.doc}): ${op.signature}`));
      return null;
    }
    options.set(name, { kind: "number", v: typeof spec.default === "number" ? Rational.of(spec.default) : Rational.parse(spec.default)! });
  }
  const out = op.expand(tensors, options, env.ops);
  if (typeof out === "string") {
    d.push(error("ELB003", e.span, out));
    return null;
  }
  return out;
}

/** Whether `e` reads a name whose definition failed. */
function mentionsFailed(e: A.Expr, env: TEnv): boolean {
  switch (e.kind) {
    case "name":
      return env.failed.has(e.name);
    case "index":
      return mentionsFailed(e.target, env) || e.indices.some((i) => i.kind === "at" && mentionsFailed(i.expr, env));
    case "reduce":
      return mentionsFailed(e.body, env);
    case "neg":
    case "not":
      return mentionsFailed(e.arg, env);
    case "binary":
    case "juxt":
      return mentionsFailed(e.left, env) || mentionsFailed(e.right, env);
    case "call":
      return env.failed.has(e.callee.name) || e.args.some((a) => mentionsFailed(a, env));
    case "if":
      return mentionsFailed(e.cond, env) || mentionsFailed(e.then, env) || mentionsFailed(e.else, env);
    default:
      return false;
  }
}

/** The value of an index expression made of constants only (1 - 1, 2 * 3), else null. */
function constantOf(e: IExpr): Rational | null {
  switch (e.k) {
    case "const":
      return e.v;
    case "neg": {
      const a = constantOf(e.a);
      return a && a.neg();
    }
    case "add":
    case "mul": {
      let acc: Rational | null = e.k === "add" ? Rational.ZERO : Rational.ONE;
      for (const x of e.args) {
        const v = constantOf(x);
        if (!v || !acc) return null;
        acc = e.k === "add" ? acc.add(v) : acc.mul(v);
      }
      return acc;
    }
    default:
      return null;
  }
}

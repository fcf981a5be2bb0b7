/**
 * The meaning of a network, in any algebra: every entry of every hidden tensor and of the
 * output, from the entries of the input and the parameters. Numbers (exact, float64,
 * intervals) and terms (the monolithic strategy) are algebras, so numeric evaluation and
 * the solver's formulas come from this one definition of each operation.
 *
 * Index expressions are compiled once per definition into closures over an array of index
 * slots (no maps on the hot path), then run for every entry in row-major order.
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import type { Rational } from "../numeric/rational.ts";
import type { Activation, Affine, IExpr, TensorDecl, TensorDef } from "./types.ts";

/** Where values live and how they combine. */
export interface Algebra<T> {
  readonly zero: T;
  fromRational(r: Rational): T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  neg(a: T): T;
  div(a: T, b: T): T;
  max(a: T, b: T): T;
  act(a: Activation, x: T): T;
  /** n-ary sum, when cheaper than repeated `add` (terms: one flat node). */
  sum?(xs: T[]): T;
}

/** The tensors a network is made of (structurally, a Network). */
export interface TensorNetwork {
  readonly input: TensorDecl;
  readonly params: readonly TensorDecl[];
  readonly nodes: readonly TensorDef[];
  readonly output: TensorDef;
}

/** Values of the leaves: the input's entries and each parameter's entries (flat, row-major). */
export interface Leaves<T> {
  input(flat: number): T;
  /** An accessor for parameter `name` (asked once per read site, then called per entry). */
  param(name: string): (flat: number) => T;
}

/** Number of entries of a shape. */
export const entries = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Row-major strides of a shape. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let k = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = k;
    k *= shape[i]!;
  }
  return s;
}

/** The multi-index of flat index `flat`. */
export function unflatten(shape: readonly number[], flat: number): number[] {
  const out = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = flat % shape[i]!;
    flat = Math.floor(flat / shape[i]!);
  }
  return out;
}

type Compiled<T> = (slots: Int32Array) => T;

/** What a compiled expression may read: every tensor's shape and an accessor of its values. */
export interface Tables<T> {
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  resolve(src: "input" | "param" | "node", name: string): (flat: number) => T;
}

/**
 * Compile `e` with index variables in `slot` positions. A read outside the tensor's bounds
 * is the algebra's zero (zero padding).
 */
function compile<T>(e: IExpr, alg: Algebra<T>, slot: Map<string, number>, tables: Tables<T>, next: { n: number }): Compiled<T> {
  const c = (x: IExpr) => compile(x, alg, slot, tables, next);
  const affine = (a: Affine): ((s: Int32Array) => number) => {
    const parts = a.terms.map((t) => {
      const i = slot.get(t.v);
      if (i === undefined) throw new InternalError(`unbound index variable ${t.v}`);
      return { i, k: t.k };
    });
    const k0 = a.c;
    if (a.div !== undefined || a.mod !== undefined) {
      const q = a.div ?? 1;
      const m = a.mod;
      return (s) => {
        let v = k0;
        for (const p of parts) v += p.k * s[p.i]!;
        v = Math.floor(v / q);
        return m === undefined ? v : ((v % m) + m) % m;
      };
    }
    if (parts.length === 0) return () => k0;
    if (parts.length === 1 && parts[0]!.k === 1) {
      const i = parts[0]!.i;
      return (s) => s[i]! + k0;
    }
    return (s) => {
      let v = k0;
      for (const p of parts) v += p.k * s[p.i]!;
      return v;
    };
  };
  switch (e.k) {
    case "const": {
      const v = alg.fromRational(e.v);
      return () => v;
    }
    case "read": {
      const shape = tables.shapes.get(`${e.src}:${e.name}`);
      if (!shape) throw new InternalError(`no tensor ${e.name}`);
      if (shape.length !== e.at.length) throw new InternalError(`${e.name} read with ${e.at.length} indices, has ${shape.length} axes`);
      const idx = e.at.map(affine);
      const st = strides(shape);
      const get = tables.resolve(e.src, e.name);
      return (s) => {
        let flat = 0;
        for (let a = 0; a < idx.length; a++) {
          const v = idx[a]!(s);
          if (v < 0 || v >= shape[a]!) return alg.zero;
          flat += v * st[a]!;
        }
        return get(flat);
      };
    }
    case "add": {
      const fs = e.args.map(c);
      const many = alg.sum;
      if (many) return (s) => many(fs.map((f) => f(s)));
      return (s) => {
        let v = fs[0]!(s);
        for (let i = 1; i < fs.length; i++) v = alg.add(v, fs[i]!(s));
        return v;
      };
    }
    case "mul": {
      const fs = e.args.map(c);
      return (s) => {
        let v = fs[0]!(s);
        for (let i = 1; i < fs.length; i++) v = alg.mul(v, fs[i]!(s));
        return v;
      };
    }
    case "neg": {
      const f = c(e.a);
      return (s) => alg.neg(f(s));
    }
    case "div": {
      const f = c(e.a);
      const g = c(e.b);
      return (s) => alg.div(f(s), g(s));
    }
    case "act": {
      const f = c(e.a);
      const a = e.act;
      return (s) => alg.act(a, f(s));
    }
    case "sum":
    case "max": {
      const i = next.n++;
      const inner = new Map(slot);
      inner.set(e.v, i);
      const f = compile(e.body, alg, inner, tables, next);
      const n = e.n;
      const combine = e.k === "sum" ? alg.add : alg.max;
      const many = e.k === "sum" ? alg.sum : undefined;
      if (many) {
        return (s) => {
          const parts = new Array<T>(n);
          for (let k = 0; k < n; k++) {
            s[i] = k;
            parts[k] = f(s);
          }
          return many(parts);
        };
      }
      return (s) => {
        s[i] = 0;
        let v = f(s);
        for (let k = 1; k < n; k++) {
          s[i] = k;
          v = combine(v, f(s));
        }
        return v;
      };
    }
    case "guard": {
      const l = affine(e.lhs);
      const r = affine(e.rhs);
      const f = c(e.body);
      const op = e.op;
      return (s) => {
        const a = l(s);
        const b = r(s);
        return (op === "<" ? a < b : op === "<=" ? a <= b : a === b) ? f(s) : alg.zero;
      };
    }
  }
}

/** Every entry of a definition, given the values of the tensors it reads. */
export function evaluateDef<T>(def: TensorDef, alg: Algebra<T>, tables: Tables<T>, stop: () => void = () => {}): T[] {
  const slot = new Map(def.vars.map((v, i) => [v, i]));
  const next = { n: def.vars.length };
  const f = compile(def.expr, alg, slot, tables, next);
  // Every sum and max took its own slot while compiling (siblings too, not only nested
  // ones): the array must hold all of them.
  const slots = new Int32Array(next.n + 1);
  const out = new Array<T>(entries(def.shape));
  eachEntry(def.shape, slots, stop, (flat) => (out[flat] = f(slots)));
  return out;
}

/**
 * Visit every entry of `shape` in row-major order: its indices are put in the first slots of
 * `slots` before `at(flat)` is called; `stop` is called every 1024 entries.
 */
export function eachEntry(shape: readonly number[], slots: Int32Array, stop: () => void, at: (flat: number) => void): void {
  const n = entries(shape);
  const r = shape.length;
  const idx = new Array<number>(r).fill(0);
  for (let flat = 0; flat < n; flat++) {
    if ((flat & 1023) === 1023) stop();
    for (let a = 0; a < r; a++) slots[a] = idx[a]!;
    at(flat);
    // Row-major increment.
    for (let a = r - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
}

/** Options of `interpretNetwork`. */
export interface InterpretOptions<T> {
  /** Called now and then; may throw to abandon the work. */
  readonly stop?: () => void;
  /** Filled with the pre-activation values of tensors defined as act(expression). */
  readonly pre?: Map<string, T[]>;
  /** Applied to each tensor's values before later definitions read them (names for terms). */
  readonly label?: (d: TensorDef, values: T[]) => T[];
}

/**
 * Every hidden tensor and the output of `net`, in definition order. `stop` is called now
 * and then and may throw to abandon the work. With `pre`, the pre-activation values of
 * tensors defined as an activation of an expression are stored there too.
 */
export function interpretNetwork<T>(net: TensorNetwork, alg: Algebra<T>, leaves: Leaves<T>, options: InterpretOptions<T> = {}): { nodes: Map<string, T[]>; output: T[] } {
  const stop = options.stop ?? (() => {});
  const pre = options.pre;
  const label = options.label ?? ((_d: TensorDef, values: T[]) => values);
  const shapes = new Map<string, readonly number[]>([[`input:${net.input.name}`, net.input.shape], ...net.params.map((p) => [`param:${p.name}`, p.shape] as const), ...net.nodes.map((n) => [`node:${n.name}`, n.shape] as const)]);
  const nodes = new Map<string, T[]>();
  const tables: Tables<T> = {
    shapes,
    resolve: (src, name) => {
      if (src === "param") return leaves.param(name);
      if (src === "input") return (flat) => leaves.input(flat);
      // Definitions are evaluated in order, so a node read here is already computed.
      const values = nodes.get(name);
      if (!values) throw new InternalError(`${name} is read before it is computed`);
      return (flat) => values[flat]!;
    },
  };
  for (const d of net.nodes) {
    stop();
    if (pre && d.expr.k === "act") {
      // The pre-activation too (numeric inference matches units on it).
      const p = evaluateDef({ ...d, expr: d.expr.a }, alg, tables, stop);
      pre.set(d.name, p);
      const a = d.expr.act;
      nodes.set(d.name, label(d, p.map((x) => alg.act(a, x))));
    } else nodes.set(d.name, label(d, evaluateDef(d, alg, tables, stop)));
  }
  return { nodes, output: label(net.output, evaluateDef(net.output, alg, tables, stop)) };
}

/**
 * Operations to evaluate a network once (entries times the size of their expression, sums
 * expanded): what numeric evaluation costs, known before doing it.
 */
export function evaluationCost(net: TensorNetwork): number {
  const cost = (e: IExpr): number => {
    switch (e.k) {
      case "const":
      case "read":
        return 1;
      case "add":
      case "mul":
        return e.args.reduce((n, a) => n + cost(a), 1);
      case "neg":
      case "act":
        return 1 + cost(e.a);
      case "div":
        return 1 + cost(e.a) + cost(e.b);
      case "sum":
      case "max":
        return e.n * cost(e.body);
      case "guard":
        return 1 + cost(e.body);
    }
  };
  return [...net.nodes, net.output].reduce((n, d) => n + entries(d.shape) * cost(d.expr), 0);
}

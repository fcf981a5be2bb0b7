/**
 * Networks in float64 on flat arrays, for the numeric falsifier: each definition compiled
 * once into closures over numbers, each tensor a Float64Array (no object per entry). The
 * values are those of elaborate/interpret.ts with the float64 field.
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import { eachEntry, entries, strides, type TensorNetwork } from "../elaborate/interpret.ts";
import type { Activation, Affine, IExpr, TensorDef } from "../elaborate/types.ts";

/** Float64 values of a network's leaves, as flat arrays. */
export interface FloatLeaves {
  readonly input: Float64Array;
  param(name: string): Float64Array;
}

type FloatRun = (s: Int32Array) => number;

/**
 * The output of `net` in float64 on flat arrays: each definition compiled once into
 * closures over numbers, each tensor a Float64Array. The same values as `interpretNetwork`
 * with the float64 field (the same operations in the same order: sums folded left from
 * their first term, max keeping the first of equals, zero outside a tensor), without an
 * object per entry. `stop` is called now and then and may throw.
 */
export function evaluateFloat(net: TensorNetwork, leaves: FloatLeaves, act: (a: Activation, x: number) => number, stop: () => void = () => {}): Float64Array {
  const shapes = new Map<string, readonly number[]>([[`input:${net.input.name}`, net.input.shape], ...net.params.map((p) => [`param:${p.name}`, p.shape] as const), ...net.nodes.map((n) => [`node:${n.name}`, n.shape] as const)]);
  const nodes = new Map<string, Float64Array>();
  const table = (src: "input" | "param" | "node", name: string): Float64Array => {
    if (src === "param") return leaves.param(name);
    if (src === "input") return leaves.input;
    const values = nodes.get(name);
    if (!values) throw new InternalError(`${name} is read before it is computed`);
    return values;
  };
  const compileF = (e: IExpr, slot: Map<string, number>, next: { n: number }): FloatRun => {
    const c = (x: IExpr) => compileF(x, slot, next);
    switch (e.k) {
      case "const": {
        const v = e.v.toNumber();
        return () => v;
      }
      case "read": {
        const shape = shapes.get(`${e.src}:${e.name}`);
        if (!shape) throw new InternalError(`no tensor ${e.name}`);
        const values = table(e.src, e.name);
        const st = strides(shape);
        const idx = e.at.map((a) => compileAffine(a, slot));
        const r = idx.length;
        return (s) => {
          let flat = 0;
          for (let a = 0; a < r; a++) {
            const v = idx[a]!(s);
            if (v < 0 || v >= shape[a]!) return 0;
            flat += v * st[a]!;
          }
          return values[flat]!;
        };
      }
      case "add":
      case "mul": {
        const fs = e.args.map(c);
        const n = fs.length;
        if (e.k === "add")
          return (s) => {
            let v = fs[0]!(s);
            for (let i = 1; i < n; i++) v += fs[i]!(s);
            return v;
          };
        return (s) => {
          let v = fs[0]!(s);
          for (let i = 1; i < n; i++) v *= fs[i]!(s);
          return v;
        };
      }
      case "neg": {
        const f = c(e.a);
        return (s) => -f(s);
      }
      case "div": {
        const f = c(e.a);
        const g = c(e.b);
        return (s) => f(s) / g(s);
      }
      case "act": {
        const f = c(e.a);
        const a = e.act;
        return (s) => act(a, f(s));
      }
      case "sum":
      case "max": {
        const i = next.n++;
        const inner = new Map(slot);
        inner.set(e.v, i);
        const n = e.n;
        if (e.k === "sum") {
          const dot = compileDot(e.body, inner, i);
          if (dot) return dot(n);
        }
        const f = compileF(e.body, inner, next);
        if (e.k === "sum")
          return (s) => {
            s[i] = 0;
            let v = f(s);
            for (let k = 1; k < n; k++) {
              s[i] = k;
              v += f(s);
            }
            return v;
          };
        return (s) => {
          s[i] = 0;
          let v = f(s);
          for (let k = 1; k < n; k++) {
            s[i] = k;
            const x = f(s);
            // The field's max: the first unless it is smaller (NaN compares as equal).
            if (v < x) v = x;
          }
          return v;
        };
      }
      case "guard": {
        const l = compileAffine(e.lhs, slot);
        const r = compileAffine(e.rhs, slot);
        const f = c(e.body);
        const op = e.op;
        return (s) => {
          const a = l(s);
          const b = r(s);
          return (op === "<" ? a < b : op === "<=" ? a <= b : a === b) ? f(s) : 0;
        };
      }
    }
  };
  /**
   * A sum whose body is the product of two reads with plain affine indices (a matrix-vector
   * product, a convolution's window): one loop over the summed slot, each read's flat
   * position a start plus a stride, and its range of in-bounds terms computed once. The
   * same products added in the same order as the generic closures (out-of-bounds reads are
   * 0), so the values are the same bit for bit.
   */
  const compileDot = (body: IExpr, slot: Map<string, number>, vi: number): ((n: number) => FloatRun) | null => {
    if (body.k !== "mul" || body.args.length !== 2) return null;
    const reads = body.args.map((r) => {
      if (r.k !== "read" || r.at.some((a) => a.div !== undefined || a.mod !== undefined)) return null;
      const shape = shapes.get(`${r.src}:${r.name}`);
      if (!shape) throw new InternalError(`no tensor ${r.name}`);
      const st = strides(shape);
      const values = table(r.src, r.name);
      const idx = r.at.map((a) => compileAffine(a, slot));
      const coef = r.at.map((a) => a.terms.reduce((k, t) => k + (slot.get(t.v) === vi ? t.k : 0), 0));
      return { shape, st, values, idx, coef };
    });
    if (reads.some((r) => r === null)) return null;
    const [A, B] = reads as NonNullable<(typeof reads)[number]>[];
    // The in-bounds terms k of a read (lo <= k < hi), its flat start and stride, with the summed slot at 0.
    const span = (r: typeof A, s: Int32Array, n: number): [number, number, number, number] => {
      let lo = 0;
      let hi = n;
      let flat = 0;
      let stride = 0;
      for (let a = 0; a < r.idx.length; a++) {
        const b = r.idx[a]!(s);
        const k = r.coef[a]!;
        const top = r.shape[a]! - 1;
        if (k === 0) {
          if (b < 0 || b > top) return [0, 0, 0, 0];
        } else if (k > 0) {
          lo = Math.max(lo, Math.ceil(-b / k));
          hi = Math.min(hi, Math.floor((top - b) / k) + 1);
        } else {
          lo = Math.max(lo, Math.ceil((b - top) / -k));
          hi = Math.min(hi, Math.floor(b / -k) + 1);
        }
        flat += b * r.st[a]!;
        stride += k * r.st[a]!;
      }
      return [lo, Math.max(lo, hi), flat, stride];
    };
    return (n) => (s) => {
      s[vi] = 0;
      const [alo, ahi, af, as] = span(A, s, n);
      const [blo, bhi, bf, bs] = span(B, s, n);
      const av = A.values;
      const bv = B.values;
      let v = 0;
      for (let k = 0; k < n; k++) {
        const x = k >= alo && k < ahi ? av[af + k * as]! : 0;
        const y = k >= blo && k < bhi ? bv[bf + k * bs]! : 0;
        v = k === 0 ? x * y : v + x * y;
      }
      s[vi] = n - 1;
      return v;
    };
  };
  const run = (d: TensorDef): Float64Array => {
    const slot = new Map(d.vars.map((v, i) => [v, i]));
    const next = { n: d.vars.length };
    const f = compileF(d.expr, slot, next);
    const slots = new Int32Array(next.n + 1);
    const out = new Float64Array(entries(d.shape));
    eachEntry(d.shape, slots, stop, (flat) => (out[flat] = f(slots)));
    return out;
  };
  for (const d of net.nodes) {
    stop();
    nodes.set(d.name, run(d));
  }
  return run(net.output);
}

/** An affine index over slots (as in `compile`). */
function compileAffine(a: Affine, slot: ReadonlyMap<string, number>): (s: Int32Array) => number {
  const parts = a.terms.map((t) => {
    const i = slot.get(t.v);
    if (i === undefined) throw new InternalError(`unbound index variable ${t.v}`);
    return { i, k: t.k };
  });
  const k0 = a.c;
  const q = a.div;
  const m = a.mod;
  if (q === undefined && m === undefined && parts.length === 1 && parts[0]!.k === 1) {
    const i = parts[0]!.i;
    return (s) => s[i]! + k0;
  }
  return (s) => {
    let v = k0;
    for (const p of parts) v += p.k * s[p.i]!;
    if (q !== undefined) v = Math.floor(v / q);
    if (m !== undefined) v = ((v % m) + m) % m;
    return v;
  };
}

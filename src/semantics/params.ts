/**
 * Parameter environments: what each parameter entry is, as a term. The identity
 * environment maps every entry to its own symbol; each transformation step wraps the
 * previous environment lazily, so no full copy of the parameters is ever made (networks
 * with millions of parameters stay cheap).
 */
import { InternalError, unreachable } from "../diagnostics/diagnostic.ts";
import type { Network, Scalar, Step, Transform } from "../elaborate/types.ts";
import { add, div, mul, neg, num, paramSym, sym } from "./build.ts";
import { termOf } from "./sexpr.ts";
import type { Term } from "./types.ts";
import { Rational } from "../numeric/rational.ts";

/** Parameter entries of `network` as terms. */
export interface ParamEnv {
  readonly network: Network;
  /** Entry `index` (flat, row-major) of parameter `param`. */
  get(param: string, index: number): Term;
}

/** Each parameter entry of `net` is its own symbol. */
export function identityEnv(net: Network): ParamEnv {
  const shapes = new Map(net.params.map((p) => [p.name, p.shape]));
  return {
    network: net,
    get: (param, index) => {
      const shape = shapes.get(param);
      if (!shape) throw new InternalError(`${net.name} has no parameter ${param}`);
      return paramSym(param, index, shape);
    },
  };
}

/** The symbol of entry `index` of scalar `s`. */
export function scalarTerm(s: Scalar, index: number): Term {
  const label = s.vector ? `${s.label.split(" ")[0]}[${index}]` : s.label.split(" ")[0]!;
  return sym({ kind: "scalar", id: s.id, index, label, key: s.vector ? `${s.id}[${index}]` : s.id });
}

/** Apply the transformation's steps to `env` (the parameters of `t.from`). */
export function applyTransform(t: Transform, env: ParamEnv): ParamEnv {
  const scalars = new Map(t.scalars.map((s) => [s.id, s]));
  const scalar = (id: string, index: number): Term => {
    const s = scalars.get(id);
    if (!s) throw new InternalError(`unknown scalar ${id}`);
    return scalarTerm(s, index);
  };
  return t.steps.reduce((e, step) => applyStep(step, e, t.to, scalar), env);
}

function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

function colsOf(net: Network, param: string): number {
  const p = net.params.find((q) => q.name === param);
  if (!p) throw new InternalError(`${net.name} has no parameter ${param}`);
  return p.shape.length === 2 ? p.shape[1]! : 1;
}

type Get = (param: string, index: number) => Term;

/** One step as a lazy wrapper of the previous environment. */
function applyStep(step: Step, prev: ParamEnv, to: Network, scalar: (id: string, index: number) => Term): ParamEnv {
  const net = prev.network;
  const wrap = (get: Get, network: Network = net): ParamEnv => ({ network, get });
  switch (step.k) {
    case "permuteUnits": {
      const inv = inverse(step.perm);
      const { rows, biases, cols } = step.layout;
      return wrap((p, i) => {
        if (rows.includes(p)) {
          const c = colsOf(net, p);
          return prev.get(p, inv[Math.floor(i / c)]! * c + (i % c));
        }
        if (biases.includes(p)) return prev.get(p, inv[i]!);
        if (cols.includes(p)) {
          const c = colsOf(net, p);
          return prev.get(p, i - (i % c) + inv[i % c]!);
        }
        return prev.get(p, i);
      });
    }
    case "scaleUnits": {
      const factor = new Map(step.units.map((u, k) => [u, termOf(step.factors[k]!, { scalar })]));
      const { rows, biases, cols } = step.layout;
      return wrap((p, i) => {
        if (rows.includes(p) || biases.includes(p)) {
          const f = factor.get(rows.includes(p) ? Math.floor(i / colsOf(net, p)) : i);
          return f ? mul(f, prev.get(p, i)) : prev.get(p, i);
        }
        if (cols.includes(p)) {
          const f = factor.get(i % colsOf(net, p));
          return f ? div(prev.get(p, i), f) : prev.get(p, i);
        }
        return prev.get(p, i);
      });
    }
    case "flipUnits": {
      const flipped = new Set(step.units);
      const { rows, biases, cols, corrections } = step.layout;
      // Several readers may share one bias (`A h + B h + d`): their corrections add up.
      const corrected = new Map<string, NonNullable<typeof corrections>[number][]>();
      for (const c of step.correction ? (corrections ?? []) : []) corrected.set(c.bias, [...(corrected.get(c.bias) ?? []), c]);
      return wrap((p, i) => {
        if (rows.includes(p)) return flipped.has(Math.floor(i / colsOf(net, p))) ? neg(prev.get(p, i)) : prev.get(p, i);
        if (biases.includes(p)) return flipped.has(i) ? neg(prev.get(p, i)) : prev.get(p, i);
        if (cols.includes(p)) return flipped.has(i % colsOf(net, p)) ? neg(prev.get(p, i)) : prev.get(p, i);
        const cs = corrected.get(p);
        if (cs) {
          // Reader: sign * Q h + biasSign * b. With h'_j = 1 - h_j and Q'[:,j] = -Q[:,j], the
          // sum changes by -sign * Q[:,j]; b' = b + biasSign * sign * sum_j Q[r,j] undoes it.
          const terms = cs.map((c) => {
            const qc = colsOf(net, c.matrix);
            return mul(num(Rational.of(c.biasSign * c.sign)), add(...step.units.map((j) => prev.get(c.matrix, i * qc + j))));
          });
          return add(prev.get(p, i), ...terms);
        }
        return prev.get(p, i);
      });
    }
    case "permuteAxis": {
      const inv = inverse(step.perm);
      const c = step.shape.length === 2 ? step.shape[1]! : 1;
      return wrap((p, i) => {
        if (p !== step.param) return prev.get(p, i);
        if (step.axis === 0) return prev.get(p, inv[Math.floor(i / c)]! * c + (i % c));
        return prev.get(p, i - (i % c) + inv[i % c]!);
      });
    }
    case "assign": {
      const values = new Map(step.entries.map((e) => [`${e.param}#${e.index}`, e.value]));
      const copies = step.copy ? new Map(step.copy.map((c) => [c.target, c.source])) : null;
      const target = copies ? to : net;
      const entry = (p: string, i: number) => prev.get(p, i);
      return wrap((p, i) => {
        const v = values.get(`${p}#${i}`);
        if (v) return termOf(v, { scalar, entry });
        if (copies) {
          const src = copies.get(p);
          if (src === undefined) throw new InternalError(`map to ${to.name} does not define ${p}`);
          return prev.get(src, i);
        }
        return prev.get(p, i);
      }, target);
    }
    default:
      return unreachable(step);
  }
}

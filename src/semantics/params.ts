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
import { strides } from "../elaborate/interpret.ts";

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

/** Shape and strides of every parameter of a network. */
function geometry(net: Network): Map<string, { shape: readonly number[]; strides: number[] }> {
  return new Map(net.params.map((p) => [p.name, { shape: p.shape, strides: strides(p.shape) }]));
}

/** The index along `axis` of flat entry `flat`. */
const along = (g: { shape: readonly number[]; strides: number[] }, flat: number, axis: number): number => Math.floor(flat / g.strides[axis]!) % g.shape[axis]!;

type Get = (param: string, index: number) => Term;

/** One step as a lazy wrapper of the previous environment. */
function applyStep(step: Step, prev: ParamEnv, to: Network, scalar: (id: string, index: number) => Term): ParamEnv {
  const net = prev.network;
  const geo = geometry(net);
  const g = (p: string) => {
    const x = geo.get(p);
    if (!x) throw new InternalError(`${net.name} has no parameter ${p}`);
    return x;
  };
  const wrap = (get: Get, network: Network = net): ParamEnv => ({ network, get });
  switch (step.k) {
    case "permuteAxes": {
      // Entry i of the result is the entry of the previous parameters whose index along each
      // permuted axis is inv[...] (unit j moves to position perm[j]).
      const inv = inverse(step.perm);
      const axes = new Map<string, number[]>();
      for (const r of step.params) axes.set(r.name, [...(axes.get(r.name) ?? []), r.axis]);
      return wrap((p, i) => {
        const moved = axes.get(p);
        if (!moved) return prev.get(p, i);
        const gp = g(p);
        let j = i;
        for (const a of moved) {
          const at = along(gp, i, a);
          j += (inv[at]! - at) * gp.strides[a]!;
        }
        return prev.get(p, j);
      });
    }
    case "scaleUnits": {
      const factor = new Map(step.units.map((u, k) => [u, termOf(step.factors[k]!, { scalar })]));
      const producers = new Map(step.layout.producers.map((r) => [r.param, r.axis]));
      const consumers = new Map(step.layout.consumers.map((r) => [r.param, r.axis]));
      return wrap((p, i) => {
        const pa = producers.get(p);
        if (pa !== undefined) {
          const f = factor.get(along(g(p), i, pa));
          return f ? mul(f, prev.get(p, i)) : prev.get(p, i);
        }
        const ca = consumers.get(p);
        if (ca !== undefined) {
          const f = factor.get(along(g(p), i, ca));
          return f ? div(prev.get(p, i), f) : prev.get(p, i);
        }
        return prev.get(p, i);
      });
    }
    case "flipUnits": {
      const flipped = new Set(step.units);
      const moved = new Map([...step.layout.producers, ...step.layout.consumers].map((r) => [r.param, r.axis]));
      // Several readers may share one bias: their corrections add up.
      const corrected = new Map<string, NonNullable<typeof step.layout.corrections>[number][]>();
      for (const c of step.correction ? (step.layout.corrections ?? []) : []) corrected.set(c.bias, [...(corrected.get(c.bias) ?? []), c]);
      return wrap((p, i) => {
        const a = moved.get(p);
        if (a !== undefined) return flipped.has(along(g(p), i, a)) ? neg(prev.get(p, i)) : prev.get(p, i);
        const cs = corrected.get(p);
        if (cs) {
          // Reader y[r] = sign * sum_j Q[r, j] h[j] + b[r]. With h'_j = 1 - h_j and
          // Q'[:, j] = -Q[:, j], y changes by -sign * Q[r, j]; b' = b + sign * sum_j Q[r, j] undoes it.
          const terms = cs.map((c) => {
            const cols = g(c.matrix).shape[1]!;
            return mul(num(Rational.of(c.sign)), add(...step.units.map((j) => prev.get(c.matrix, i * cols + j))));
          });
          return add(prev.get(p, i), ...terms);
        }
        return prev.get(p, i);
      });
    }
    case "multiplyAxis": {
      // P'[.., k, ..] = sum_j P[.., j, ..] M[j, k].
      const m = step.matrix.map((e) => termOf(e, { scalar }));
      return wrap((p, i) => {
        if (p !== step.param) return prev.get(p, i);
        const gp = g(p);
        const k = along(gp, i, step.axis);
        const base = i - k * gp.strides[step.axis]!;
        const parts: Term[] = [];
        for (let j = 0; j < step.n; j++) parts.push(mul(prev.get(p, base + j * gp.strides[step.axis]!), m[j * step.n + k]!));
        return add(...parts);
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

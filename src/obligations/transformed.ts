/**
 * The transformed parameters of a claim (what semantics/params.ts computes as terms), in
 * any unit algebra: the compositional strategy's unit signatures (signature.ts) record
 * them without building terms.
 *
 * This follows applyStep in semantics/params.ts call for call -- the same constructors on
 * the same arguments in the same order -- for permute, scale and flip steps; for any other
 * step (multiply, assignments, maps) there is none, and signatures use the terms of
 * params.ts themselves. In the term algebra it gives exactly params.ts's terms, which
 * test/obligations/transformed.test.ts checks entry by entry on random claims (with a
 * negative control); the obligations themselves are always built from params.ts.
 */
import type { Claim, Step } from "../elaborate/types.ts";
import { strides } from "../elaborate/interpret.ts";
import { Rational } from "../numeric/rational.ts";
import { scalarTerm } from "../semantics/params.ts";
import { termOf } from "../semantics/sexpr.ts";
import type { Term } from "../semantics/types.ts";
import type { UnitAlgebra } from "./signature.ts";

/** How one step changes one parameter. */
export type Change =
  | { readonly k: "permute"; readonly moves: readonly { readonly axis: number; readonly inv: readonly number[] }[] }
  | { readonly k: "scale"; readonly producer: boolean; readonly axis: number; readonly factor: readonly (Term | undefined)[] }
  | { readonly k: "flip"; readonly axis: number; readonly flipped: ReadonlySet<number> }
  | { readonly k: "correct"; readonly units: readonly number[]; readonly by: readonly { readonly matrix: string; readonly sign: number; readonly cols: number }[] };

/** Entry `flat` of parameter `name` after the transformation, or null for other steps. */
export type Transformed<T> = (name: string, flat: number) => T;

/** One change of a parameter: the step that makes it, and the strides and sizes of the axes it reads. */
export interface ChangeAt {
  readonly step: number;
  readonly change: Change;
  readonly along: readonly { readonly stride: number; readonly size: number }[];
}

/**
 * Per parameter, the permute, scale and flip steps that change it, in order (null when a
 * step is of another kind, or the claim relates two networks). Shared by `transformed` and
 * the slice keys of slices.ts.
 */
export function paramChanges(claim: Claim): Map<string, ChangeAt[]> | null {
  const t = claim.transform;
  if (claim.lhs !== claim.rhs || t.from !== t.to) return null;
  const net = t.from;
  const shapes = new Map(net.params.map((p) => [p.name, p.shape]));
  const st = new Map(net.params.map((p) => [p.name, strides(p.shape)]));
  const scalars = new Map(t.scalars.map((s) => [s.id, s]));
  const scalar = (id: string, index: number): Term => scalarTerm(scalars.get(id)!, index);
  /** Per parameter: the steps that change it, in order, with their position. */
  const changes = new Map<string, { step: number; change: Change }[]>();
  const push = (p: string, step: number, change: Change) => {
    const list = changes.get(p) ?? [];
    list.push({ step, change });
    changes.set(p, list);
  };
  for (let k = 0; k < t.steps.length; k++) {
    const step: Step = t.steps[k]!;
    switch (step.k) {
      case "permuteAxes": {
        const inv = new Array<number>(step.perm.length);
        step.perm.forEach((p, i) => (inv[p] = i));
        const axes = new Map<string, number[]>();
        for (const r of step.params) axes.set(r.name, [...(axes.get(r.name) ?? []), r.axis]);
        for (const [p, list] of axes) push(p, k, { k: "permute", moves: list.map((axis) => ({ axis, inv })) });
        break;
      }
      case "scaleUnits": {
        const size = step.layout.size;
        const factor = new Array<Term | undefined>(size).fill(undefined);
        step.units.forEach((u, j) => (factor[u] = termOf(step.factors[j]!, { scalar })));
        // As params.ts: a parameter listed twice keeps its last axis; producers come first.
        const producers = new Map(step.layout.producers.map((r) => [r.param, r.axis]));
        const consumers = new Map(step.layout.consumers.map((r) => [r.param, r.axis]));
        for (const [p, axis] of producers) push(p, k, { k: "scale", producer: true, axis, factor });
        for (const [p, axis] of consumers) if (!producers.has(p)) push(p, k, { k: "scale", producer: false, axis, factor });
        break;
      }
      case "flipUnits": {
        const flipped = new Set(step.units);
        const moved = new Map([...step.layout.producers, ...step.layout.consumers].map((r) => [r.param, r.axis]));
        for (const [p, axis] of moved) push(p, k, { k: "flip", axis, flipped });
        const corrected = new Map<string, { matrix: string; sign: number; cols: number }[]>();
        for (const c of step.correction ? (step.layout.corrections ?? []) : []) {
          corrected.set(c.bias, [...(corrected.get(c.bias) ?? []), { matrix: c.matrix, sign: c.sign, cols: shapes.get(c.matrix)![1]! }]);
        }
        for (const [p, by] of corrected) if (!moved.has(p)) push(p, k, { k: "correct", units: step.units, by });
        break;
      }
      default:
        return null;
    }
  }
  // Strides and sizes of the axes each change reads, looked up once.
  const axisOf = (p: string, axis: number) => ({ stride: st.get(p)![axis]!, size: shapes.get(p)![axis]! });
  const lists = new Map<string, ChangeAt[]>();
  for (const [p, list] of changes) {
    lists.set(
      p,
      list.map(({ step, change }) => ({ step, change, along: change.k === "permute" ? change.moves.map((m) => axisOf(p, m.axis)) : change.k === "correct" ? [] : [axisOf(p, change.axis)] })),
    );
  }
  return lists;
}

/**
 * The transformed parameters of `claim` in `alg` (whose `param` is an entry of the left
 * network), or null when a step is not a permute, scale or flip. `lists`: the claim's
 * paramChanges, when the caller has them.
 */
export function transformed<T>(claim: Claim, alg: UnitAlgebra<T>, lists = paramChanges(claim)): Transformed<T> | null {
  if (!lists) return null;
  const t = claim.transform;
  type Entry = readonly ChangeAt[];
  const coord = (flat: number, a: { stride: number; size: number }) => Math.floor(flat / a.stride) % a.size;
  /** Entry `flat` of `p` after its changes 0..n (list: all of p's changes). */
  const run = (p: string, list: Entry, n: number, flat: number): T => {
    if (n < 0) return alg.param(p, flat);
    const { step, change, along } = list[n]!;
    switch (change.k) {
      case "permute": {
        let j = flat;
        for (let k = 0; k < change.moves.length; k++) {
          const x = coord(flat, along[k]!);
          j += (change.moves[k]!.inv[x]! - x) * along[k]!.stride;
        }
        return run(p, list, n - 1, j);
      }
      case "scale": {
        const f = change.factor[coord(flat, along[0]!)];
        if (!f) return run(p, list, n - 1, flat);
        if (change.producer) {
          const ft = alg.term(f);
          return alg.mul([ft, run(p, list, n - 1, flat)]);
        }
        const x = run(p, list, n - 1, flat);
        return alg.div(x, alg.term(f));
      }
      case "flip":
        return change.flipped.has(coord(flat, along[0]!)) ? alg.neg(run(p, list, n - 1, flat)) : run(p, list, n - 1, flat);
      case "correct": {
        // b' = b + sum over readers of sign * (sum over flipped j of Q[r, j]), as params.ts.
        const parts: T[] = [run(p, list, n - 1, flat)];
        for (const c of change.by) {
          const s = alg.num(Rational.of(c.sign));
          const cols: T[] = change.units.map((j) => get(c.matrix, flat * c.cols + j, step));
          parts.push(alg.mul([s, alg.add(cols)]));
        }
        return alg.add(parts);
      }
    }
  };
  /** Entry `flat` of `p` as it is before step `before` (steps.length: after all of them). */
  const get = (p: string, flat: number, before: number): T => {
    const list = lists.get(p);
    if (!list) return alg.param(p, flat);
    let n = list.length - 1;
    while (n >= 0 && list[n]!.step >= before) n--;
    return run(p, list, n, flat);
  };
  return (name, flat) => get(name, flat, t.steps.length);
}

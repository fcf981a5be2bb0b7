/**
 * Correspondences between the vectors of the two sides of a claim: unit i of vector `node`
 * of the right network equals `factor[i] * (unit perm[i] of vector source of the left
 * network) + shift[i]`, for all parameters and inputs. A symmetry built from permute,
 * scale and flip induces them directly (this file); for assignments and maps they are
 * inferred numerically (obligations/infer.ts). Either way they are only proposals: the
 * compositional strategy proves each one.
 */
import type { Claim, Step } from "../elaborate/types.ts";
import { add, mul, neg, ONE, ZERO } from "./build.ts";
import { scalarTerm } from "./params.ts";
import { termOf } from "./sexpr.ts";
import type { Term } from "./types.ts";

export interface NodeCorrespondence {
  /** A vector of the right network. */
  readonly node: string;
  /** The vector of the left network it corresponds to. */
  readonly source: string;
  readonly perm: readonly number[];
  readonly factor: readonly Term[];
  readonly shift: readonly Term[];
}

/** By right-network vector name. */
export type Correspondences = ReadonlyMap<string, NodeCorrespondence>;

const isUnitStep = (s: Step): s is Extract<Step, { k: "permuteUnits" | "scaleUnits" | "flipUnits" }> => s.k === "permuteUnits" || s.k === "scaleUnits" || s.k === "flipUnits";

/**
 * The correspondences a symmetry of permute / scale / flip steps induces, or null when the
 * claim has other steps (assignments, axis permutations, maps) and they must be inferred.
 *
 * - permute by sigma: unit sigma(i) of the result is unit i before;
 * - scale unit j by c: unit j is multiplied by c (the intended meaning for positively
 *   homogeneous activations; elsewhere the proof of the correspondence fails);
 * - flip unit j: unit j is negated, and with bias correction becomes 1 - (unit j).
 */
export function analyticCorrespondences(claim: Claim): Correspondences | null {
  if (claim.lhs !== claim.rhs || !claim.transform.steps.every(isUnitStep)) return null;
  const scalars = new Map(claim.transform.scalars.map((s) => [s.id, s]));
  const scalar = (id: string, i: number) => scalarTerm(scalars.get(id)!, i);
  const state = new Map<string, { perm: number[]; factor: Term[]; shift: Term[] }>();
  for (const n of claim.lhs.nodes) {
    state.set(n.name, { perm: Array.from({ length: n.size }, (_, i) => i), factor: Array.from({ length: n.size }, () => ONE), shift: Array.from({ length: n.size }, () => ZERO) });
  }
  for (const step of claim.transform.steps as Extract<Step, { k: "permuteUnits" | "scaleUnits" | "flipUnits" }>[]) {
    const s = state.get(step.layout.node)!;
    switch (step.k) {
      case "permuteUnits": {
        const next = { perm: [...s.perm], factor: [...s.factor], shift: [...s.shift] };
        step.perm.forEach((to, from) => {
          next.perm[to] = s.perm[from]!;
          next.factor[to] = s.factor[from]!;
          next.shift[to] = s.shift[from]!;
        });
        state.set(step.layout.node, next);
        break;
      }
      case "scaleUnits":
        step.units.forEach((j, k) => {
          const c = termOf(step.factors[k]!, { scalar });
          s.factor[j] = mul(c, s.factor[j]!);
          s.shift[j] = mul(c, s.shift[j]!);
        });
        break;
      case "flipUnits":
        for (const j of step.units) {
          s.factor[j] = neg(s.factor[j]!);
          s.shift[j] = step.correction ? add(ONE, neg(s.shift[j]!)) : neg(s.shift[j]!);
        }
        break;
    }
  }
  return new Map([...state].map(([node, s]) => [node, { node, source: node, ...s }]));
}

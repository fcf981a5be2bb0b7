/**
 * Semantics stage entry: a claim as terms. Both sides share the symbols of the left
 * network's parameters, the input and the transformation's scalars:
 *
 *     for all theta, scalars satisfying their side conditions, x:
 *         lhs(theta, x) = rhs(transform(theta), x)
 */
import type { Claim } from "../elaborate/types.ts";
import { inputSym } from "./build.ts";
import { entries } from "../elaborate/interpret.ts";
import { networkTerms } from "./network.ts";
import { applyTransform, identityEnv, scalarTerm, type ParamEnv } from "./params.ts";
import { formulaOf } from "./sexpr.ts";
import type { Formula, Term } from "./types.ts";

/** A claim ready for strategies: parameter environments of both sides and side conditions. */
export interface ClaimModel {
  readonly claim: Claim;
  readonly lhs: ParamEnv;
  readonly rhs: ParamEnv;
  /** One per scalar entry with a condition: "c > 0" and its formula. */
  readonly conditions: readonly { readonly label: string; readonly formula: Formula }[];
  readonly input: readonly Term[];
}

export function claimModel(claim: Claim): ClaimModel {
  const lhs = identityEnv(claim.lhs);
  let rhs: ParamEnv | null = null;
  // Conditions and input symbols are built when a strategy first asks for them: the symbolic
  // strategy needs neither, and A inverse(A) = I for a 64 x 64 matrix is 4096 dot products.
  let conditions: ClaimModel["conditions"] | null = null;
  let input: ClaimModel["input"] | null = null;
  return {
    claim,
    lhs,
    get rhs() {
      return (rhs ??= applyTransform(claim.transform, lhs));
    },
    get conditions() {
      return (conditions ??= conditionsOf(claim));
    },
    get input() {
      return (input ??= Array.from({ length: entries(claim.lhs.input.shape) }, (_, i) => inputSym(claim.lhs.input.name, i)));
    },
  };
}

function conditionsOf(claim: Claim): ClaimModel["conditions"] {
  const conditions: { label: string; formula: Formula }[] = [];
  for (const s of claim.transform.scalars) {
    if (!s.condition) continue;
    const bySymbol = new Map(claim.transform.scalars.map((x) => [x.id, x]));
    for (let i = 0; i < s.size; i++) {
      const self = scalarTerm(s, i);
      const formula = formulaOf(s.condition, { variable: () => self, scalar: (id, k) => scalarTerm(bySymbol.get(id)!, k) });
      conditions.push({ label: s.vector ? `${s.conditionText} (for every entry)` : (s.conditionText ?? ""), formula });
    }
  }
  const bySymbol = new Map(claim.transform.scalars.map((x) => [x.id, x]));
  for (const c of claim.transform.conditions) conditions.push({ label: c.label, formula: formulaOf(c.formula, { scalar: (id, k) => scalarTerm(bySymbol.get(id)!, k) }) });
  return conditions;
}

/**
 * Output terms of both sides (builds the whole network; for the monolithic strategy).
 * `stop` is called between vectors and may throw to abandon the work.
 */
export function outputTerms(m: ClaimModel, stop: () => void = () => {}): { lhs: Term[]; rhs: Term[] } {
  return {
    lhs: networkTerms(m.claim.lhs, m.lhs, m.input, "lhs", stop).output,
    rhs: networkTerms(m.claim.rhs, m.rhs, m.input, "rhs", stop).output,
  };
}

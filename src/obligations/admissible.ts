/**
 * Which pool functions (numeric/realise.ts) satisfy the user axioms of an activation, as
 * obligations: for a candidate f, "for all z: axiom[f]" is quantifier-free once f is
 * substituted, so the solver decides it. Only admitted candidates may realise the
 * activation in the falsifier and in replays.
 */
import type { Activation } from "../elaborate/types.ts";
import { noSpan } from "../diagnostics/span.ts";
import { propertyCandidates, type Candidate } from "../numeric/realise.ts";
import { freeSym, not, or } from "../semantics/build.ts";
import { formulaOf, termOf } from "../semantics/sexpr.ts";
import { substituteActivation } from "../semantics/walk.ts";
import type { Obligation } from "./types.ts";

/** One obligation per pool candidate with the activation's properties. */
export function admissibility(act: Activation): { candidate: Candidate; obligation: Obligation }[] {
  return propertyCandidates(act).map((candidate, k) => {
    const parts = act.axioms.map((ax) => {
      const body = formulaOf(ax.body, { variable: (n) => freeSym(`${n}#${k}`) });
      return substituteActivation(body, act, (arg) => termOf(candidate.definition, { variable: () => arg }));
    });
    return {
      candidate,
      obligation: {
        id: `${act.name}/admit/${k}`,
        claim: `axioms of ${act.name}`,
        strategy: "monolithic",
        origin: act.span ?? noSpan(),
        statement: `${candidate.description} satisfies the axioms of ${act.name}`,
        tracked: [],
        goal: or(...parts.map(not)),
        values: [],
      },
    };
  });
}

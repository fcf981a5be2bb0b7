/**
 * The deduplicated obligations of every claim of a source text under a grouping of units
 * (canonical hash x count, and identities): what signature.test.ts and slices.test.ts compare
 * between grouped and ungrouped building.
 */
import { elaborate } from "../../src/elaborate/elaborate.ts";
import type { Claim } from "../../src/elaborate/types.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { compositional, type Grouping } from "../../src/obligations/compositional.ts";
import { Dedup } from "../../src/obligations/dedup.ts";
import { inferCorrespondences } from "../../src/obligations/infer.ts";
import { claimModel } from "../../src/semantics/claim.ts";
import { analyticCorrespondences, type Correspondences } from "../../src/semantics/correspondence.ts";
import { load } from "../../src/syntax/load.ts";

export function groupedObligations(text: string, grouping: Grouping): string[] {
  const out: string[] = [];
  for (const claim of elaborate(load("g.neq", text, () => null)).claims as Claim[]) {
    const model = claimModel(claim);
    const corr = analyticCorrespondences(claim) ?? inferCorrespondences(model, new Rng(3), new Map());
    if ("reason" in corr) {
      out.push(`${claim.name}: ${corr.reason}`);
      continue;
    }
    const dedup = new Dedup();
    const r = compositional(model, corr as Correspondences, (ob) => dedup.add(ob), () => false, () => dedup.addIdentity(), grouping);
    const groups = [...dedup.groups.values()].map((g) => `${g.hash}x${g.count}`).sort();
    out.push(`${claim.name}: ${r ? r.reason : ""} total ${dedup.total} identities ${dedup.identities} ${groups.join(" ")}`);
  }
  return out;
}

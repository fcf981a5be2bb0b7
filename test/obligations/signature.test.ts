/**
 * Unit signatures (src/obligations/signature.ts): building one unit per signature must give
 * exactly the deduplicated obligations that building every unit gives -- the same canonical
 * forms with the same counts, the same identities -- so grouping never merges units whose
 * obligations differ. Checked on random MLP compositions (valid and broken) and random tensor
 * networks; on networks where one unit differs (another factor, a flip, a broken permutation)
 * that unit is not merged and the verdict is what it was. Negative control: a forgetful
 * signature (it ignores constants and which parameter entry is read) must break the law.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Grouping } from "../../src/obligations/compositional.ts";
import { renamableScalars, Signature } from "../../src/obligations/signature.ts";
import { resolveOptions } from "../../src/options.ts";
import type { Term } from "../../src/semantics/types.ts";
import { Session } from "../../src/session.ts";
import { groupedObligations } from "./grouped.ts";
import { brokenArb, render, validArb } from "../laws/cases.ts";
import { renderTensor, tensorBrokenArb, tensorValidArb } from "../laws/tensorCases.ts";
import { law, negativeControl, verdictOf } from "../laws/law.ts";

const obligations = groupedObligations;

const same = (text: string, grouping: Grouping = {}) => JSON.stringify(obligations(text, grouping)) === JSON.stringify(obligations(text, { group: false }));

/** Forgets constants, products and which parameter entry is read: merges units that differ. */
class Forgetful extends Signature {
  override term(t: Term): number {
    return t.t === "const" ? 0 : super.term(t);
  }
  override param(): number {
    return this.zero();
  }
  override mul(): number {
    return 0;
  }
}
const forgetful: Grouping = { signature: (c) => new Forgetful(c, renamableScalars(c)) };

const mlp = fc.oneof(validArb.map((c) => render(c)), brokenArb.map((c) => render(c, "refute")));
const tensors = fc.oneof(tensorValidArb.map((c) => renderTensor(c)), tensorBrokenArb.map((c) => renderTensor(c, "refute")));

/** One hidden layer of 8 units where unit 3 differs from the others. */
const oneDiffers = [
  "network N = mlp(3 -> 8 -> 2, tanh)\nrefute t: N ~ N after scale N.h1[3] by 2\n",
  "network N = mlp(3 -> 8 -> 2, relu)\nsymmetry s(c > 0) = scale N.h1[0] by c then scale N.h1[1] by c then scale N.h1[3] by 2\ntheorem t: N ~ N after s\n",
  "network N = mlp(3 -> 8 -> 2, relu)\nrefute t: N ~ N after flip N.h1[3]\n",
  "network N = mlp(3 -> 8 -> 2, relu)\nrefute t: N ~ N after permute axis 0 of N.W0 by (3 4)\n",
  "network N = mlp(3 -> 8 -> 8 -> 2, relu)\nrefute t: N ~ N after permute N.h1 by (3 4) then permute axis 1 of N.W1 by (3 4) then permute axis 1 of N.W1 by (3 5)\n",
];

const session = new Session(resolveOptions({ timeout: 20, jobs: 2, cache: false }).options);
afterAll(() => session.close());

describe("unit signatures", () => {
  it("grouping gives the obligations of building every unit, on random MLPs (law)", () => {
    law("grouped = ungrouped (MLP)", mlp, (t) => same(t), { numRuns: 80 });
  });

  it("grouping gives the obligations of building every unit, on random tensor networks (law)", () => {
    law("grouped = ungrouped (tensors)", tensors, (t) => same(t), { numRuns: 40 });
  });

  it("a unit that differs is not merged, and the verdict is unchanged", async () => {
    for (const text of oneDiffers) {
      expect(same(text), text).toBe(true);
      const r = obligations(text, {})[0]!;
      // The odd unit keeps an outcome of its own: at least two kinds (distinct forms, or a
      // form beside the identities).
      const forms = r.split(" ").filter((x) => /x\d+$/.test(x)).length;
      const identities = Number(/identities (\d+)/.exec(r)![1]);
      expect(forms + (identities > 0 ? 1 : 0), `${text}\n${r}`).toBeGreaterThan(1);
      expect(await verdictOf(session, text), text).toBe(text.includes("refute") ? "refuted" : "proved");
    }
  }, 120_000);

  it("a side condition that ties scalars keeps their entries apart (review finding: a false claim was proved)", async () => {
    // Unit 0's factor is 1 under the condition, unit 1's is not: renaming c[0] to c[1]
    // between the units would make unit 1 reuse unit 0's proof.
    const tied = [
      "network T = mlp(2 -> 2 -> 1, tanh)\nsymmetry s(c[2], d = c[0] + 1/1000) = scale T.h1[0] by (1 + (d - 1/1000)*(d - 1/1000))/(1 + c[0]*c[0]) then scale T.h1[1] by (1 + (d - 1/1000)*(d - 1/1000))/(1 + c[1]*c[1])\nrefute t: T ~ T after s\n",
      "network T = mlp(2 -> 2 -> 1, tanh)\nsymmetry s(c[2], d = c[0]) = scale T.h1[0] by (1 + d*d)/(1 + c[0]*c[0]) then scale T.h1[1] by (1 + d*d)/(1 + c[1]*c[1])\nrefute t: T ~ T after s\n",
    ];
    const compositionalOnly = new Session(resolveOptions({ timeout: 20, jobs: 2, cache: false, strategy: "compositional", falsify: false }).options);
    try {
      for (const text of tied) {
        expect(same(text), text).toBe(true);
        expect(await verdictOf(compositionalOnly, text), text).not.toBe("proved");
      }
    } finally {
      await compositionalOnly.close();
    }
    // Negative control: without the tie (the old rule), the grouped obligations differ from building every unit.
    const untied: Grouping = { signature: (c) => new Signature(c, new Set(c.transform.scalars.filter((x) => !x.inverseOf && !x.condition).map((x) => x.id))) };
    expect(same(tied[1]!, untied)).toBe(false);
  }, 120_000);

  it("negative control: a forgetful signature merges units that differ", () => {
    for (const text of oneDiffers.slice(0, 2)) expect(same(text, forgetful), text).toBe(false);
    negativeControl("grouped with a forgetful signature = ungrouped", mlp, (t) => same(t, forgetful), { numRuns: 80 });
  });
});

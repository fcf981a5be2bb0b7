/**
 * The checker's soundness laws, on random MLPs (depth 1-3, width 1-5, every built-in
 * activation) with random compositions of valid symmetries:
 *
 * - a valid composition is never refuted, and the numeric falsifier finds no difference;
 * - the same with one breakage is never proved.
 *
 * Negative controls (must fail): "never refuted" on broken compositions, and "never
 * proved" on valid ones -- so the laws are not vacuous.
 */
import { afterAll, describe, it } from "vitest";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import { falsify } from "../../src/obligations/falsify.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { resolveOptions } from "../../src/options.ts";
import { claimModel } from "../../src/semantics/claim.ts";
import { Session } from "../../src/session.ts";
import { load } from "../../src/syntax/load.ts";
import { brokenArb, render, validArb, type Case } from "./cases.ts";
import { lawAsync, law, negativeControlAsync, verdictOf } from "./law.ts";

const session = new Session(resolveOptions({ timeout: 20, jobs: 2, cache: false }).options);
afterAll(() => session.close());

const verdict = (text: string) => verdictOf(session, text);

const numericallyEqual = (c: Case): boolean => {
  const text = render(c);
  const m = elaborate(load("law.neq", text, () => null));
  const claim = m.claims[0]!;
  return falsify(claimModel(claim), new Rng(7), new Map()).kind === "none";
};

describe("soundness laws", () => {
  it("valid compositions agree numerically on every realisation", () => {
    law("valid symmetries never disagree numerically", validArb, numericallyEqual, { numRuns: 150 });
  });

  it("valid compositions are never refuted", async () => {
    await lawAsync("valid symmetries are never refuted", validArb, async (c) => (await verdict(render(c))) !== "refuted", { numRuns: 40 });
  }, 300_000);

  it("broken compositions are never proved", async () => {
    await lawAsync("broken symmetries are never proved", brokenArb, async (c) => (await verdict(render(c, "refute"))) !== "proved", { numRuns: 40 });
  }, 300_000);

  it("negative control: broken compositions do get refuted", async () => {
    await negativeControlAsync("'never refuted' on broken compositions", brokenArb, async (c) => (await verdict(render(c, "refute"))) !== "refuted", { numRuns: 25 });
  }, 300_000);

  it("negative control: valid compositions do get proved", async () => {
    await negativeControlAsync("'never proved' on valid compositions", validArb, async (c) => (await verdict(render(c))) !== "proved", { numRuns: 25 });
  }, 300_000);

  it("negative control: broken compositions disagree numerically", () => {
    let disagreed = 0;
    const total = 40;
    law("broken compositions are detected by the falsifier on most draws", brokenArb, (c) => {
      if (!numericallyEqual(c)) disagreed++;
      return true;
    }, { numRuns: total });
    if (disagreed < total * 0.9) throw new Error(`the falsifier detected only ${disagreed} of ${total} broken compositions`);
  });
});

/**
 * Slice keys (src/obligations/slices.ts): grouping units by their slice keys must give
 * exactly the deduplicated obligations that building every unit gives, and the keys must
 * actually be used. Checked on random MLP compositions (valid and broken), random tensor
 * networks and networks made so that a naive key would merge units whose obligations differ;
 * each naive key (no level rule, no factor terms, no slice numbering) is a negative control
 * that must break the law on its network, and a key that forgets everything must break it on
 * random MLPs.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Grouping } from "../../src/obligations/compositional.ts";
import { SliceKey, type SliceSetting } from "../../src/obligations/slices.ts";
import { resolveOptions } from "../../src/options.ts";
import type { Term } from "../../src/semantics/types.ts";
import { Session } from "../../src/session.ts";
import { groupedObligations } from "./grouped.ts";
import { brokenArb, render, validArb } from "../laws/cases.ts";
import { renderTensor, tensorBrokenArb, tensorValidArb } from "../laws/tensorCases.ts";
import { law, negativeControl, verdictOf } from "../laws/law.ts";

/** Counts the units a key covered (so a test sees that keys are used). */
let covered = 0;
class Counting extends SliceKey {
  override key(coords: readonly number[], src: readonly number[], cu: number): Int32Array | null {
    const k = super.key(coords, src, cu);
    if (k) covered++;
    return k;
  }
}

const obligations = groupedObligations;

/** Grouped by slice keys (and records) = every unit built. */
const same = (text: string, slices: Grouping["slices"] = (s) => new Counting(s)) => JSON.stringify(obligations(text, { slices })) === JSON.stringify(obligations(text, { group: false }));

/** Naive keys: each forgets one thing the real key keeps. */
class NoLevels extends SliceKey {
  protected override level(): boolean {
    return true;
  }
}
class NoTerms extends SliceKey {
  protected override term(_t: Term): boolean {
    return true;
  }
}
class NoSlices extends SliceKey {
  protected override slice(): void {
    this.put(0);
  }
}
/** Forgets everything: every unit of a tensor gets one key. */
class Constant extends SliceKey {
  override key(): Int32Array {
    return Int32Array.of(0);
  }
}
const naive = (K: new (s: SliceSetting) => SliceKey): Grouping["slices"] => (s) => new K(s);

/**
 * Networks where a naive key merges units that differ, with the naive key that does it:
 * one scalar scales the rows and the columns of a square weight (unit i meets its own
 * factor among the columns at j = i: the level rule); a scaling vector whose entry 0 is tied
 * by a side condition (unit 0's factor keeps its name and its condition: the factor terms);
 * two reads of one bias, b[o] and b[4 - o], that are one entry at the middle unit only
 * (the slices' numbering).
 */
const traps: { name: string; text: string; naive: Grouping["slices"]; expect: "proved" | "not proved" }[] = [
  {
    name: "one scalar on rows and columns",
    text: "network N = mlp(3 -> 6 -> 6 -> 2, relu)\nsymmetry s(c[6] > 0) = scale N.h1 by c then scale N.h2 by c\ntheorem t: N ~ N after s\n",
    naive: naive(NoLevels),
    expect: "proved",
  },
  {
    name: "a scaling vector with one entry tied by a side condition",
    text: "network T = mlp(2 -> 4 -> 1, tanh)\nsymmetry s(c[4] > 0, d = c[0]) = scale T.h1 by c\nrefute t: T ~ T after s\n",
    naive: naive(NoTerms),
    expect: "not proved",
  },
  {
    name: "two reads of one bias that meet at the middle unit",
    text: "network S {\n  input x[3]\n  param A[4, 3], a[4], W[5, 4], b[5], V[2, 5]\n  g[k:4] = relu(sum[j] A[k, j] * x[j] + a[k])\n  h[o:5] = tanh(sum[k] W[o, k] * g[k] + b[o] + b[4 - o])\n  out[r] = sum[o] V[r, o] * h[o]\n}\nsymmetry s(c[4] > 0) = scale S.g by c\ntheorem t: S ~ S after s\n",
    naive: naive(NoSlices),
    expect: "proved",
  },
];

const mlp = fc.oneof(validArb.map((c) => render(c)), brokenArb.map((c) => render(c, "refute")));
const tensors = fc.oneof(tensorValidArb.map((c) => renderTensor(c)), tensorBrokenArb.map((c) => renderTensor(c, "refute")));

const session = new Session(resolveOptions({ timeout: 20, jobs: 2, cache: false, strategy: "compositional", falsify: false }).options);
afterAll(() => session.close());

describe("slice keys", () => {
  it("grouping by slice keys gives the obligations of building every unit, on random MLPs (law)", () => {
    covered = 0;
    law("slice-grouped = ungrouped (MLP)", mlp, (t) => same(t), { numRuns: 80 });
    expect(covered).toBeGreaterThan(0);
  });

  it("grouping by slice keys gives the obligations of building every unit, on random tensor networks (law)", () => {
    law("slice-grouped = ungrouped (tensors)", tensors, (t) => same(t), { numRuns: 40 });
  });

  it("the keys cover every unit of an MLP with permutations and scalings (so the law above tests them)", () => {
    covered = 0;
    const text = "network N = mlp(4 -> 8 -> 8 -> 3, relu)\nsymmetry s(c[8] > 0, d[8] > 0) = permute N.h1 by (0 5)(1 2 3) then scale N.h1 by c then scale N.h2 by d\ntheorem t: N ~ N after s\n";
    expect(same(text)).toBe(true);
    // 8 + 8 hidden units and 3 outputs, each keyed.
    expect(covered).toBe(19);
  });

  for (const trap of traps) {
    it(`${trap.name}: units stay apart and the verdict is kept; a naive key merges them (negative control)`, async () => {
      expect(same(trap.text), trap.text).toBe(true);
      expect(same(trap.text, trap.naive), `naive key on ${trap.name}`).toBe(false);
      const v = await verdictOf(session, trap.text);
      if (trap.expect === "proved") expect(v).toBe("proved");
      else expect(v).not.toBe("proved");
    }, 60_000);
  }

  it("negative control: a key that forgets everything breaks the law on random MLPs", () => {
    negativeControl("slice-grouped by a constant key = ungrouped", mlp, (t) => same(t, naive(Constant)), { numRuns: 80 });
  });
});

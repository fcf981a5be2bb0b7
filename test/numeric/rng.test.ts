/**
 * Rng.fillInts is a fast path of Rng.int: the same values and the same state after, so a
 * falsifier draw (and every witness a golden file records) does not depend on which is used.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/numeric/rng.ts";
import { law, negativeControl } from "../laws/law.ts";

const cases = fc.record({ seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }), n: fc.integer({ min: 0, max: 300 }), lo: fc.integer({ min: -20, max: 0 }), width: fc.integer({ min: 0, max: 40 }), div: fc.constantFrom(1, 2, 4) });

function sameAsInt(c: { seed: number; n: number; lo: number; width: number; div: number }, shift = 0): boolean {
  const a = new Rng(c.seed);
  const b = new Rng(c.seed);
  const filled = new Float64Array(c.n);
  a.fillInts(filled, c.lo, c.lo + c.width, c.div);
  for (let i = 0; i < c.n; i++) if (filled[i] !== (b.int(c.lo, c.lo + c.width + shift) / c.div)) return false;
  return a.next() === b.next();
}

describe("Rng.fillInts", () => {
  it("gives exactly the values and the state of int() in order (law)", () => {
    law("fillInts = int, entry by entry", cases, (c) => sameAsInt(c));
  });
  it("negative control: against int() over a wider range, the law fails", () => {
    negativeControl("fillInts = int over [lo, hi + 1]", cases.filter((c) => c.n > 20), (c) => sameAsInt(c, 1));
  });
  it("a known draw", () => {
    const a = new Float64Array(4);
    new Rng(1).fillInts(a, -8, 8, 4);
    const r = new Rng(1);
    expect([...a]).toEqual([0, 1, 2, 3].map(() => r.int(-8, 8) / 4));
  });
});

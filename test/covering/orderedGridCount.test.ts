/**
 * Check 5 (Lemma 5): the number of non-increasing vectors in {1..m}^d is C(m + d - 1, d),
 * exhaustively for small m and d, with the sandwich m^d/d! <= C <= (m + d - 1)^d / d!.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { log10BigInt } from "../../src/covering/log10BigInt.ts";
import { factorial } from "../../src/covering/log10Factorial.ts";
import { log10OrderedGridCount, orderedGridCount, orderedGridSandwich } from "../../src/covering/orderedGridCount.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { law, negativeControl } from "../laws/law.ts";

/** Count non-increasing vectors in {1..m}^d by listing all m^d vectors. */
function bruteForce(m: number, d: number): bigint {
  let count = 0n;
  const t = new Array<number>(d).fill(1);
  for (;;) {
    if (t.every((v, i) => i === 0 || t[i - 1]! >= v)) count++;
    let i = 0;
    while (i < d && t[i] === m) t[i++] = 1;
    if (i === d) return count;
    t[i]!++;
  }
}

const small = fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 5 }));

describe("check 5: ordered grid count", () => {
  it("hand values", () => {
    expect(orderedGridCount(5, 3)).toBe(35n);
    expect(orderedGridCount(10, 4)).toBe(715n);
    expect(orderedGridCount(7, 2)).toBe(28n);
    expect(orderedGridCount(1, 9)).toBe(1n);
    expect(orderedGridCount(9, 0)).toBe(1n);
    // C(7,3) = 35 > 5^3/3! = 20.83: the gain is not the full 3! at finite m.
    expect(Rational.of(35).cmp(Rational.of(125, 6))).toBe(1);
    expect(orderedGridSandwich(5, 3).lower).toEqual(Rational.of(125, 6));
  });

  it("equals brute force for every m <= 7, d <= 5", () => {
    for (let m = 1; m <= 7; m++) for (let d = 0; d <= 5; d++) expect(orderedGridCount(m, d), `m=${m} d=${d}`).toBe(bruteForce(m, d));
  });

  it("law: brute force and the sandwich", () =>
    law(
      "Lemma 5 and its sandwich",
      small,
      ([m, d]) => {
        const c = orderedGridCount(m, d);
        const s = orderedGridSandwich(m, d);
        return c === bruteForce(m, d) && s.lower.cmp(Rational.of(c)) <= 0 && Rational.of(c).cmp(s.upper) <= 0;
      },
      { numRuns: 100 },
    ));

  it("log10 form agrees with the exact count, also for huge m", () => {
    for (const [m, d] of [[5n, 3], [1000n, 50], [10n ** 30n, 200], [3n, 400]] as const) {
      const exact = orderedGridCount(m, d);
      const l = log10OrderedGridCount(log10BigInt(m), Number(m), d);
      expect(Math.abs(l - log10BigInt(exact))).toBeLessThan(1e-9 * Math.max(1, l));
    }
    // m = 10^400 does not fit a float: C(m + d - 1, d) ~ m^d / d!.
    const d = 30;
    expect(log10OrderedGridCount(400, Infinity, d)).toBeCloseTo(400 * d - log10BigInt(factorial(d)), 9);
  });
});

describe("check 5: negative control", () => {
  it("m^d / d! rounded is not the count", () => negativeControl("count is m^d/d!", small, ([m, d]) => (BigInt(m) ** BigInt(d)) / factorial(d) === bruteForce(m, d), { numRuns: 100 }));
});

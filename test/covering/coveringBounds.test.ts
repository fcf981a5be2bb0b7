/**
 * Check 8 (Lemmas 2, 3): reduced <= classical; classical/reduced in [1, prod d_l!]; the ratio
 * tends to prod d_l! as m grows. Log10 forms agree with exact BigInt counts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classicalCount, coveringBounds, reducedCount } from "../../src/covering/coveringBounds.ts";
import { fromBigInt, gridSize } from "../../src/covering/gridSize.ts";
import { groupOrder } from "../../src/covering/groupOrder.ts";
import { lipschitz } from "../../src/covering/lipschitz.ts";
import { log10BigInt } from "../../src/covering/log10BigInt.ts";
import { paramCount } from "../../src/covering/paramCount.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { law, negativeControl } from "../laws/law.ts";
import { widthsArb } from "./arbitraries.ts";

const draws = fc.tuple(fc.noBias(widthsArb({ maxWidth: 5, maxDepth: 3 })), fc.integer({ min: 1, max: 40 }));
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

describe("check 8: reduced versus classical", () => {
  it("exactly: reduced <= classical <= reduced * |G|", () =>
    law(
      "classical / reduced in [1, |G|]",
      draws,
      ([widths, m]) => {
        const c = classicalCount(widths, BigInt(m));
        const r = reducedCount(widths, BigInt(m));
        return r <= c && c <= r * groupOrder(widths).exact!;
      },
      { numRuns: 150 },
    ));

  it("log10 forms match the exact counts", () =>
    law(
      "log10 bounds = log10 of exact counts",
      draws,
      ([widths, m]) => {
        const b = coveringBounds(widths, fromBigInt(BigInt(m)));
        const c = classicalCount(widths, BigInt(m));
        const r = reducedCount(widths, BigInt(m));
        return close(b.log10Classical, log10BigInt(c)) && close(b.log10Reduced, log10BigInt(r)) && b.log10Gain >= 0 && b.log10Gain <= b.log10GroupOrder && b.log10Reduced <= b.log10Classical;
      },
      { numRuns: 150 },
    ));

  it("the simple form bounds the exact form, and is within e of m^S/|G| once m >= sum d(d-1)", () =>
    law(
      "Lemma 3 simple form",
      draws,
      ([widths, m]) => {
        const b = coveringBounds(widths, fromBigInt(BigInt(m)));
        const hidden = widths.slice(1, -1);
        const ok = b.log10ReducedSimple >= b.log10Reduced - 1e-9;
        const threshold = hidden.reduce((s, d) => s + d * (d - 1), 0);
        return ok && (m < threshold || b.log10ReducedSimple <= Math.LOG10E + b.log10Classical - b.log10GroupOrder + 1e-9);
      },
      { numRuns: 150 },
    ));

  it("the ratio grows with m towards prod d_l!", () => {
    const widths = [3, 5, 4, 2];
    const G = groupOrder(widths).log10;
    let previous = -1;
    for (const k of [0, 1, 2, 3, 5, 8, 12, 20, 50, 400]) {
      const gain = coveringBounds(widths, fromBigInt(10n ** BigInt(k))).log10Gain;
      expect(gain).toBeGreaterThanOrEqual(previous);
      // log10 |G| - gain = sum_l sum_{i<d_l} log10(1 + i/m) <= sum d(d-1) / (2 m ln 10).
      expect(G - gain).toBeLessThanOrEqual((5 * 4 + 4 * 3) / (2 * 10 ** k * Math.LN10) + 1e-12);
      previous = gain;
    }
    expect(coveringBounds(widths, fromBigInt(10n ** 400n)).log10Gain).toBe(G);
    // m = 1: a single grid cell, both bounds are 1.
    const one = coveringBounds(widths, fromBigInt(1n));
    expect([one.log10Classical, one.log10Reduced, one.log10Gain]).toEqual([0, 0, 0]);
  });

  it("m = 5, d = 3: the gain is 125/35, not 3!", () => {
    const b = coveringBounds([1, 3, 1], fromBigInt(5n));
    expect(b.log10Gain).toBeCloseTo(Math.log10(125 / 35), 12);
    // S = 10, of which 3 biases are sorted: 5^7 C(7, 3).
    expect(reducedCount([1, 3, 1], 5n)).toBe(5n ** 7n * 35n);
  });

  it("grid size m = ceil(B Lambda / eps) exactly", () => {
    const c = { rho: Rational.ONE, sigma0: Rational.ZERO, boundedByOne: false };
    expect(gridSize(Rational.ONE, Rational.of(1, 2), lipschitz([1, 1, 1], Rational.ONE, c)).m).toBe(16n);
    // B Lambda / eps = 8 * 100 exactly: no spurious +1 from float rounding.
    expect(gridSize(Rational.ONE, Rational.of(1, 100), Rational.of(8)).m).toBe(800n);
    expect(gridSize(Rational.ONE, Rational.of(3, 1000), Rational.of(8)).m).toBe(2667n);
    expect(gridSize(Rational.ONE, Rational.of(100), Rational.of(8)).m).toBe(1n);
  });

  it("width-thousands networks: finite logs, no overflow", () => {
    const c = { rho: Rational.ONE, sigma0: Rational.ZERO, boundedByOne: false };
    for (const widths of [[784, 100, 100, 10], [784, 5000, 5000, 5000, 10], [1000, ...new Array(50).fill(2000), 10]]) {
      const grid = gridSize(Rational.ONE, Rational.of(1, 100), lipschitz(widths, Rational.ONE, c));
      const b = coveringBounds(widths, grid);
      for (const v of Object.values(b)) expect(Number.isFinite(v)).toBe(true);
      expect(b.log10Classical).toBeCloseTo(paramCount(widths) * grid.log10m, 6);
      expect(b.log10Gain).toBeLessThanOrEqual(b.log10GroupOrder);
      expect(b.log10GroupOrder - b.log10Gain).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("check 8: negative control", () => {
  it("dividing m^S by prod d_l! for every eps is below 1 = N at large eps", () =>
    negativeControl(
      "m^S / |G| >= 1",
      fc.tuple(fc.noBias(widthsArb({ minWidth: 2, maxWidth: 5, maxDepth: 3 })), fc.integer({ min: 1, max: 3 })),
      ([widths, m]) => {
        const b = coveringBounds(widths, fromBigInt(BigInt(m)));
        return b.log10Classical - b.log10GroupOrder >= 0;
      },
      { numRuns: 50 },
    ));

  it("(the reduced bound itself never drops below 1)", () => law("reduced >= 1", draws, ([widths, m]) => coveringBounds(widths, fromBigInt(BigInt(m))).log10Reduced >= 0, { numRuns: 150 }));
});

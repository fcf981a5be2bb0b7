/**
 * Check 4 (Lemma 4): the Monte Carlo volume fraction of Theta_0 agrees with 1/prod d_l!
 * within a 99.9% binomial (Wilson) interval.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { volumeFraction } from "../../src/covering/volumeFraction.ts";
import { normalQuantile, volumeMonteCarlo, wilsonInterval } from "../../src/covering/volumeMonteCarlo.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { law, negativeControl } from "../laws/law.ts";
import { widthsArb } from "./arbitraries.ts";

const draws = fc.tuple(fc.noBias(widthsArb({ maxWidth: 4, maxDepth: 3 })), fc.integer({ min: 1, max: 2 ** 31 - 1 }));
const inside = (v: number, e: { low: number; high: number }) => e.low <= v && v <= e.high;

describe("check 4: volume fraction", () => {
  it("hidden widths (3, 4): 1/144 inside the 99.9% interval of 400000 draws", () => {
    const e = volumeMonteCarlo([5, 3, 4, 2], 400_000, new Rng(2024));
    expect(volumeFraction([5, 3, 4, 2]).exact).toEqual(Rational.of(1, 144));
    expect(inside(1 / 144, e)).toBe(true);
    expect(Math.abs(e.estimate - 1 / 144)).toBeLessThan(0.0005);
    expect(e.method).toBe("wilson");
  });

  it("random widths: 1/prod d_l! inside the 99.9% interval", () =>
    law("Monte Carlo volume covers 1/|G|", draws, ([widths, seed]) => inside(volumeFraction(widths).exact!.toNumber(), volumeMonteCarlo(widths, 20_000, new Rng(seed))), { numRuns: 10 }));

  it("log10 and exact agree, and the fraction shrinks by 1/(d+1) per added unit", () => {
    expect(volumeFraction([2, 100, 100, 1]).log10).toBeCloseTo(-2 * 157.97000365471578, 9);
    for (const w of [[1, 3, 1], [2, 4, 5, 1], [3, 6, 2, 6, 1]]) {
      const v = volumeFraction(w);
      expect(Math.log10(v.exact!.toNumber())).toBeCloseTo(v.log10, 12);
      const wider = [...w];
      wider[1] = wider[1]! + 1;
      expect(volumeFraction(wider).exact).toEqual(v.exact!.div(Rational.of(wider[1]!)));
    }
  });

  it("Wilson interval and normal quantile", () => {
    expect(normalQuantile(0.9995)).toBeCloseTo(3.2905267314919255, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.5)).toBe(0);
    const zero = wilsonInterval(0, 1000, 0.999);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(3.2905267314919255 ** 2 / (1000 + 3.2905267314919255 ** 2), 8);
    const all = wilsonInterval(50, 50, 0.999);
    expect(all.high).toBe(1);
  });
});

describe("check 4: negative control", () => {
  it("a volume of 1/prod d_l (no factorial) is outside the interval", () =>
    negativeControl(
      "Monte Carlo volume covers 1/prod d_l",
      fc.tuple(fc.noBias(widthsArb({ minWidth: 3, maxWidth: 4, maxDepth: 2 })), fc.integer({ min: 1, max: 2 ** 31 - 1 })),
      ([widths, seed]) => inside(1 / widths.slice(1, -1).reduce((a, b) => a * b, 1), volumeMonteCarlo(widths, 20_000, new Rng(seed))),
      { numRuns: 10 },
    ));
});

/**
 * BEYOND THE PAPER: sign flips of odd activations (tanh) reduce the covering bound further,
 * by up to 2^{sum d_l} on top of prod d_l!.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { biasesNonIncreasing, inRepresentativeSet } from "../../src/covering/canonicalise.ts";
import { classicalCount, reducedCount } from "../../src/covering/coveringBounds.ts";
import { inputGrid } from "../../src/covering/coverCheck.ts";
import { flipUnit } from "../../src/covering/flipUnit.ts";
import { fromBigInt, gridSize } from "../../src/covering/gridSize.ts";
import { groupOrder } from "../../src/covering/groupOrder.ts";
import { lipschitz } from "../../src/covering/lipschitz.ts";
import { log10BigInt } from "../../src/covering/log10BigInt.ts";
import { paramCount } from "../../src/covering/paramCount.ts";
import { applyPermutations } from "../../src/covering/permuteUnits.ts";
import { roundToGrid } from "../../src/covering/roundToGrid.ts";
import { log10ReducedWithSignFlips, reducedWithSignFlipsCount, signFlipCanonicalise } from "../../src/covering/signFlipReduction.ts";
import { biasIndex, thetaLayout } from "../../src/covering/thetaLayout.ts";
import { float64 } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { law, negativeControl } from "../laws/law.ts";
import { ACTIVATIONS, distinctBiases, fnOf, groupElementArb, netArb, real, relativeGap, TOLERANCE, widthsArb } from "./arbitraries.ts";

const nets = netArb();
const biases = (widths: readonly number[], theta: readonly number[]) => {
  const L = thetaLayout(widths);
  return widths.slice(1, -1).flatMap((d, l) => Array.from({ length: d }, (_, i) => theta[biasIndex(L, l, i)]!));
};
const same = (a: readonly number[], b: readonly number[]) => a.every((v, i) => v === b[i]);

describe("sign flips (tanh): canonical form", () => {
  it("preserves f, lands in the set, is idempotent", () => {
    law("sign-flip canonical form preserves f (tanh)", nets, (n) => relativeGap(fnOf(n.widths, ACTIVATIONS.tanh), n.theta, signFlipCanonicalise(n.widths, n.theta), n.inputs) <= TOLERANCE, { numRuns: 60 });
    law(
      "sign-flip canonical form: biases >= 0, sorted, idempotent",
      nets,
      (n) => {
        const c = signFlipCanonicalise(n.widths, n.theta);
        return biases(n.widths, c).every((b) => b >= 0) && inRepresentativeSet(n.widths, c) && same(signFlipCanonicalise(n.widths, c), c);
      },
      { numRuns: 60 },
    );
  });

  it("is invariant under signed permutations (distinct non-zero |biases|)", () => {
    const draws = nets
      .filter((n) => distinctBiases(n.widths, n.theta.map(Math.abs)) && biases(n.widths, n.theta).every((b) => b !== 0))
      .chain((n) => fc.tuple(fc.constant(n), groupElementArb(n.widths), fc.array(fc.boolean(), { minLength: 24, maxLength: 24 })));
    law(
      "signFlipCanonicalise(g theta) = signFlipCanonicalise(theta)",
      draws,
      ([n, g, flips]) => {
        let t = applyPermutations(n.widths, n.theta, g);
        let k = 0;
        for (let l = 1; l < n.widths.length - 1; l++) for (let i = 0; i < n.widths[l]!; i++) if (flips[k++ % flips.length]) t = flipUnit(float64, n.widths, t, l, i, false);
        return same(signFlipCanonicalise(n.widths, t), signFlipCanonicalise(n.widths, n.theta));
      },
      { numRuns: 60 },
    );
  });

  it("rounding keeps biases >= 0 and sorted, within eps (the cover argument)", () =>
    law(
      "sign-flip grid is an eps-cover (tanh)",
      fc.tuple(netArb({ maxWidth: 3, maxDepth: 2, inputWidths: [1, 2] }), real(0.05, 1)),
      ([n, e]) => {
        const c = { rho: Rational.ONE, sigma0: Rational.ZERO, boundedByOne: true };
        const m = Number(gridSize(Rational.ONE, Rational.fromNumber(e), lipschitz(n.widths, Rational.ONE, c)).m);
        const r = roundToGrid(signFlipCanonicalise(n.widths, n.theta), 1, m);
        const f = fnOf(n.widths, ACTIVATIONS.tanh);
        return biases(n.widths, r).every((b) => b >= 0) && biasesNonIncreasing(n.widths, r) && inputGrid(n.widths[0]!, 9).every((x) => f.float(n.theta, x).every((v, o) => Math.abs(v - f.float(r, x)[o]!) <= e));
      },
      { numRuns: 40 },
    ));
});

describe("sign flips: counts", () => {
  const draws = fc.tuple(fc.noBias(widthsArb({ maxWidth: 5, maxDepth: 3 })), fc.integer({ min: 1, max: 40 }));
  it("reduced-with-flips <= reduced <= classical <= 2^{sum d} |G| reduced-with-flips, log10 exact", () =>
    law(
      "sign-flip bound sandwich",
      draws,
      ([widths, m]) => {
        const M = BigInt(m);
        const flips = reducedWithSignFlipsCount(widths, M);
        const sumD = widths.slice(1, -1).reduce((a, b) => a + b, 0);
        const ok = flips <= reducedCount(widths, M) && classicalCount(widths, M) <= 2n ** BigInt(sumD) * groupOrder(widths).exact! * flips;
        return ok && Math.abs(log10ReducedWithSignFlips(widths, fromBigInt(M)) - log10BigInt(flips)) <= 1e-9 * Math.max(1, log10BigInt(flips));
      },
      { numRuns: 150 },
    ));

  it("the gain tends to 2^{sum d} prod d_l! as m grows", () => {
    const widths = [3, 5, 4, 2];
    const limit = 9 * Math.log10(2) + groupOrder(widths).log10;
    const grid = fromBigInt(10n ** 60n);
    expect(paramCount(widths) * grid.log10m - log10ReducedWithSignFlips(widths, grid)).toBeCloseTo(limit, 9);
  });

  it("negative control: the flip form is not a ReLU symmetry", () =>
    negativeControl("sign-flip canonical form preserves f (relu)", nets, (n) => relativeGap(fnOf(n.widths, ACTIVATIONS.relu), n.theta, signFlipCanonicalise(n.widths, n.theta), n.inputs) <= TOLERANCE, { numRuns: 60 }));
});

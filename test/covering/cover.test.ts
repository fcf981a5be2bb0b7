/**
 * Check 7: the sort-and-round grid of Lemmas 2 and 3 is an eps-cover: for theta in the box,
 * the grid point of canonicalise(theta) computes f within eps, on a dense input grid and,
 * for 1-D-input ReLU nets, exactly (piecewise-linear arithmetic).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activationConstants } from "../../src/covering/activationConstants.ts";
import { biasesNonIncreasing, canonicalise } from "../../src/covering/canonicalise.ts";
import { coverCheck, inputGrid } from "../../src/covering/coverCheck.ts";
import type { LayerConstants } from "../../src/covering/lipschitz.ts";
import { at, exactSupGap, reluPieces } from "../../src/covering/piecewiseLinear.ts";
import { roundToGrid, roundToGridExact } from "../../src/covering/roundToGrid.ts";
import { biasIndex, thetaLayout, weightIndex } from "../../src/covering/thetaLayout.ts";
import type { Activation } from "../../src/elaborate/types.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { law, negativeControl } from "../laws/law.ts";
import { ACTIVATIONS, fnOf, netArb, real, type NetDraw, type NetShape } from "./arbitraries.ts";

const small = { maxWidth: 3, maxDepth: 2, inputWidths: [1, 2] as const, outputWidths: [1, 2] as const };
const oneD = { ...small, inputWidths: [1, 1] as const };
const withEps = (shape: NetShape) => fc.tuple(netArb(shape), real(0.05, 1));

const constantsOf = (act: Activation): LayerConstants => {
  const c = activationConstants(act);
  return { rho: c.rho!, sigma0: c.sigma0!, boundedByOne: c.boundedByOne };
};
const epsOf = (e: number) => Rational.fromNumber(e);

describe("check 7: the grid is an eps-cover", () => {
  for (const name of ["relu", "tanh", "sigmoid"] as const) {
    it(`dense input grid (${name})`, () =>
      law(
        `sort and round is an eps-cover (${name})`,
        withEps(small),
        ([n, e]) => {
          const act = ACTIVATIONS[name];
          const r = coverCheck(fnOf(n.widths, act), n.theta, { B: Rational.ONE, eps: epsOf(e), constants: constantsOf(act), pointsPerAxis: 21 });
          const moved = Math.max(...r.rounded.map((v, i) => Math.abs(v - r.canonical[i]!)));
          return r.covered && biasesNonIncreasing(n.widths, r.rounded) && moved <= 1 / Number(r.m) + 1e-15;
        },
        { numRuns: 60 },
      ));
  }

  it("exactly, for 1-D-input ReLU nets", () =>
    law(
      "sort and round is an eps-cover (relu, exact sup)",
      withEps(oneD),
      ([n, e]) => {
        const r = coverCheck(fnOf(n.widths, ACTIVATIONS.relu), n.theta, { B: Rational.ONE, eps: epsOf(e), constants: constantsOf(ACTIVATIONS.relu), pointsPerAxis: 5 });
        const theta = n.theta.map(Rational.fromNumber);
        const rounded = roundToGridExact(canonicalise(n.widths, n.theta).map(Rational.fromNumber), Rational.ONE, r.m);
        // Sorting alone does not change f at all (exactly), and the grid point is within eps.
        return exactSupGap(n.widths, theta, canonicalise(n.widths, n.theta).map(Rational.fromNumber)).isZero() && exactSupGap(n.widths, theta, rounded).cmp(epsOf(e)) <= 0;
      },
      { numRuns: 40 },
    ));

  it("rounding: centres, monotone, float and exact agree", () => {
    expect(roundToGrid([0.3, -1, 1, 0], 1, 2)).toEqual([0.5, -0.5, 0.5, 0.5]);
    expect(roundToGrid([0], 1, 3)).toEqual([0]);
    law(
      "rounding is monotone and matches exact rounding",
      fc.tuple(real(-1, 1), real(-1, 1), fc.integer({ min: 1, max: 50 })),
      ([a, b, m]) => {
        const [ra, rb] = roundToGrid([a, b], 1, m);
        const [ea] = roundToGridExact([Rational.fromNumber(a)], Rational.ONE, BigInt(m));
        return (a <= b ? ra! <= rb! : ra! >= rb!) && Math.abs(ea!.toNumber() - ra!) < 1e-15 && Math.abs(ra! - a) <= 1 / m + 1e-15;
      },
      { numRuns: 200 },
    );
  });
});

describe("exact piecewise-linear evaluation of 1-D ReLU nets", () => {
  it("agrees with the network evaluator at breakpoints and random points", () =>
    law(
      "reluPieces = evaluateNetwork (exact)",
      fc.tuple(netArb({ ...oneD, maxDepth: 3 }), fc.array(real(0, 1), { minLength: 3, maxLength: 3 })),
      ([n, xs]) => {
        const theta = n.theta.map(Rational.fromNumber);
        const p = reluPieces(n.widths, theta);
        const f = fnOf(n.widths, ACTIVATIONS.relu);
        const points = [...p.xs, ...xs.map(Rational.fromNumber)];
        return points.every((x) => f.exact(theta, [x]).every((v, o) => v.eq(at(p, o, x))));
      },
      { numRuns: 60 },
    ));

  it("the exact sup dominates every sampled difference", () => {
    const n: NetDraw = fc.sample(netArb(oneD), { seed: 5, numRuns: 1 })[0]!;
    const other = n.theta.map((v) => v * 0.9);
    const gap = exactSupGap(n.widths, n.theta.map(Rational.fromNumber), other.map(Rational.fromNumber)).toNumber();
    const f = fnOf(n.widths, ACTIVATIONS.relu);
    for (const [x] of inputGrid(1, 101)) {
      const a = f.float(n.theta, [x!]);
      const b = f.float(other, [x!]);
      a.forEach((v, o) => expect(Math.abs(v - b[o]!)).toBeLessThanOrEqual(gap + 1e-12));
    }
  });
});

describe("check 7: negative controls", () => {
  it("a one-cell grid (m = 1) is not an eps-cover", () =>
    negativeControl(
      "m = 1 grid is an eps-cover",
      withEps(small),
      ([n, e]) => coverCheck(fnOf(n.widths, ACTIVATIONS.tanh), n.theta, { B: Rational.ONE, eps: epsOf(e), constants: constantsOf(ACTIVATIONS.tanh), m: 1n }).covered,
      { numRuns: 60 },
    ));

  it("sorting rows without columns before rounding is not an eps-cover", () => {
    const rowsOnlySort = (widths: readonly number[], theta: readonly number[]): number[] => {
      const L = thetaLayout(widths);
      const out = [...theta];
      for (let l = 1; l < widths.length - 1; l++) {
        const order = Array.from({ length: widths[l]! }, (_, i) => i).sort((a, b) => out[biasIndex(L, l - 1, b)]! - out[biasIndex(L, l - 1, a)]!);
        const snapshot = [...out];
        order.forEach((u, p) => {
          for (let j = 0; j < widths[l - 1]!; j++) out[weightIndex(L, l - 1, p, j)] = snapshot[weightIndex(L, l - 1, u, j)]!;
          out[biasIndex(L, l - 1, p)] = snapshot[biasIndex(L, l - 1, u)]!;
        });
      }
      return out;
    };
    negativeControl(
      "rows-only sort then round is an eps-cover",
      fc.tuple(netArb({ ...small, minWidth: 2 }), real(0.05, 0.2)),
      ([n, e]) => {
        const f = fnOf(n.widths, ACTIVATIONS.tanh);
        const r = coverCheck(f, n.theta, { B: Rational.ONE, eps: epsOf(e), constants: constantsOf(ACTIVATIONS.tanh) });
        const broken = roundToGrid(rowsOnlySort(n.widths, n.theta), 1, Number(r.m));
        return inputGrid(n.widths[0]!, 11).every((x) => f.float(n.theta, x).every((v, o) => Math.abs(v - f.float(broken, x)[o]!) <= e));
      },
      { numRuns: 60 },
    );
  });
});

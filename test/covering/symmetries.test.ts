/**
 * Check 1: every symmetry preserves f on random nets (widths 1..6, depth 1..4) within
 * 1e-12 max(1, |f|); each negative control changes f on most draws.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { flipUnit } from "../../src/covering/flipUnit.ts";
import { applyPermutations } from "../../src/covering/permuteUnits.ts";
import { scaleUnit } from "../../src/covering/scaleUnit.ts";
import { biasIndex, thetaLayout, weightIndex } from "../../src/covering/thetaLayout.ts";
import type { Activation } from "../../src/elaborate/types.ts";
import { float64 } from "../../src/numeric/field.ts";
import { law, negativeControl } from "../laws/law.ts";
import { ACTIVATIONS, fnOf, real, groupElementArb, netArb, relativeGap, TOLERANCE, type NetDraw, type NetShape } from "./arbitraries.ts";

const RUNS = 60;

/** A draw with per-unit choices for each hidden layer: a permutation, factors and flips. */
interface SymDraw extends NetDraw {
  readonly perms: number[][];
  readonly lambdas: number[][];
  readonly flips: boolean[][];
}

function symArb(shape: NetShape = {}, lambda = real(0.1, 10)): fc.Arbitrary<SymDraw> {
  return netArb(shape).chain((net) => {
    const hidden = net.widths.slice(1, -1);
    return fc.record({
      widths: fc.constant(net.widths),
      theta: fc.constant(net.theta),
      inputs: fc.constant(net.inputs),
      perms: groupElementArb(net.widths),
      lambdas: fc.tuple(...hidden.map((d) => fc.array(lambda, { minLength: d, maxLength: d }))),
      flips: fc.tuple(...hidden.map((d) => fc.array(fc.boolean(), { minLength: d, maxLength: d }))),
    });
  });
}

const preserves = (act: Activation, transform: (s: SymDraw) => number[]) => (s: SymDraw) => relativeGap(fnOf(s.widths, act), s.theta, transform(s), s.inputs) <= TOLERANCE;

function eachUnit(s: SymDraw, step: (theta: number[], layer: number, unit: number) => number[]): number[] {
  let t = [...s.theta];
  for (let l = 1; l < s.widths.length - 1; l++) for (let i = 0; i < s.widths[l]!; i++) t = step(t, l, i);
  return t;
}

const permuted = (s: SymDraw) => applyPermutations(s.widths, s.theta, s.perms);
const scaled = (s: SymDraw) => eachUnit(s, (t, l, i) => scaleUnit(float64, s.widths, t, l, i, s.lambdas[l - 1]![i]!));
const flipped = (correction: boolean) => (s: SymDraw) => eachUnit(s, (t, l, i) => (s.flips[l - 1]![i] ? flipUnit(float64, s.widths, t, l, i, correction) : t));

describe("check 1: symmetries preserve f", () => {
  for (const [name, act] of Object.entries(ACTIVATIONS)) {
    it(`permuting every hidden layer (${name})`, () => law(`permutation preserves f (${name})`, symArb(), preserves(act, permuted), { numRuns: RUNS }));
  }
  for (const name of ["relu", "leaky_relu", "identity"] as const) {
    it(`positive scaling of every unit (${name})`, () => law(`positive scaling preserves f (${name})`, symArb(), preserves(ACTIVATIONS[name], scaled), { numRuns: RUNS }));
  }
  it("any non-zero scaling (identity is linear)", () =>
    law("negative scaling preserves f (identity)", symArb({}, real(-10, -0.1)), preserves(ACTIVATIONS.identity, scaled), { numRuns: RUNS }));
  it("sign flips (tanh, identity)", () => {
    law("sign flip preserves f (tanh)", symArb(), preserves(ACTIVATIONS.tanh, flipped(false)), { numRuns: RUNS });
    law("sign flip preserves f (identity)", symArb(), preserves(ACTIVATIONS.identity, flipped(false)), { numRuns: RUNS });
  });
  it("sigmoid flip with next-bias correction", () => law("corrected flip preserves f (sigmoid)", symArb(), preserves(ACTIVATIONS.sigmoid, flipped(true)), { numRuns: RUNS }));
  it("the identity element", () => law("identity element preserves f", symArb(), preserves(ACTIVATIONS.relu, (s) => applyPermutations(s.widths, s.theta, s.perms.map((p) => p.map((_, i) => i)))), { numRuns: RUNS }));
  it("composition: permute, then scale (relu)", () => law("permute then scale preserves f", symArb(), preserves(ACTIVATIONS.relu, (s) => scaled({ ...s, theta: permuted(s) })), { numRuns: RUNS }));
});

describe("check 1: negative controls change f on most draws", () => {
  const opts = { numRuns: 100, minFailureShare: 0.5 };
  // Draws where every unit is flipped/negated so the broken move always does something.
  const allFlips = (s: SymDraw): SymDraw => ({ ...s, flips: s.flips.map((f) => f.map(() => true)) });

  it("negative scaling is not a ReLU symmetry", () =>
    negativeControl("negative scaling preserves f (relu)", symArb({}, real(-10, -0.1)), preserves(ACTIVATIONS.relu, scaled), opts));
  it("a sigmoid flip without the bias correction", () => negativeControl("uncorrected flip preserves f (sigmoid)", symArb().map(allFlips), preserves(ACTIVATIONS.sigmoid, flipped(false)), opts));
  it("a flip is not a ReLU symmetry", () => negativeControl("flip preserves f (relu)", symArb().map(allFlips), preserves(ACTIVATIONS.relu, flipped(false)), opts));
  it("moving rows and biases without the outgoing columns", () => {
    // A cyclic shift of every hidden layer (never the identity since widths >= 2).
    const rowsOnly = (s: SymDraw): number[] => {
      const layout = thetaLayout(s.widths);
      const out = [...s.theta];
      for (let l = 1; l < s.widths.length - 1; l++) {
        const d = s.widths[l]!;
        for (let i = 0; i < d; i++) {
          const p = (i + 1) % d;
          for (let j = 0; j < s.widths[l - 1]!; j++) out[weightIndex(layout, l - 1, p, j)] = s.theta[weightIndex(layout, l - 1, i, j)]!;
          out[biasIndex(layout, l - 1, p)] = s.theta[biasIndex(layout, l - 1, i)]!;
        }
      }
      return out;
    };
    negativeControl("rows without columns preserves f (tanh)", symArb({ minWidth: 2 }), preserves(ACTIVATIONS.tanh, rowsOnly), opts);
    negativeControl("rows without columns preserves f (relu)", symArb({ minWidth: 2 }), preserves(ACTIVATIONS.relu, rowsOnly), opts);
  });
});

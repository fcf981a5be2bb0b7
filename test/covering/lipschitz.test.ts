/**
 * Check 6 (Lemma 1): sup_x ||f_theta(x) - f_theta'(x)||_inf <= Lambda ||theta - theta'||_inf on
 * random nets and perturbations (ReLU, leaky ReLU, tanh, sigmoid), including "aligned" draws
 * (every parameter near B, input all ones) where the bound is nearly tight, so a Lambda that
 * is one factor too small is caught.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activationConstants } from "../../src/covering/activationConstants.ts";
import { lambdaValue, lipschitz, log10Lambda, type LayerConstants } from "../../src/covering/lipschitz.ts";
import { builtin } from "../../src/elaborate/activations.ts";
import type { Activation } from "../../src/elaborate/types.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { law, negativeControl } from "../laws/law.ts";
import { ACTIVATIONS, fnOf, real, thetaArb, unit, widthsArb } from "./arbitraries.ts";
import { paramCount } from "../../src/covering/paramCount.ts";

interface LipDraw {
  readonly widths: number[];
  readonly B: number;
  readonly theta: number[];
  readonly other: number[];
  readonly inputs: number[][];
}

/** A perturbation of a random theta, or the aligned pair (B - delta, ..., B - delta), (B, ..., B). */
const lipArb: fc.Arbitrary<LipDraw> = fc.noBias(widthsArb()).chain((widths) => {
  const S = paramCount(widths);
  const inputs = fc.array(fc.array(unit, { minLength: widths[0]!, maxLength: widths[0]! }), { minLength: 4, maxLength: 4 }).map((xs) => [...xs, xs[0]!.map(() => 1)]);
  const aligned = fc.record({ widths: fc.constant(widths), B: real(0.5, 2), inputs }).map((d) => ({ ...d, theta: new Array<number>(S).fill(d.B * (1 - 1e-4)), other: new Array<number>(S).fill(d.B) }));
  const random = fc
    .record({ widths: fc.constant(widths), B: real(0.5, 2), base: thetaArb(widths), dir: thetaArb(widths), scale: real(-3, 0), inputs })
    .map((d) => {
      const theta = d.base.map((v) => v * d.B);
      const other = theta.map((v, i) => Math.max(-d.B, Math.min(d.B, v + d.B * 10 ** d.scale * d.dir[i]!)));
      return { widths, B: d.B, theta, other, inputs: d.inputs };
    })
    .filter((d) => d.theta.some((v, i) => v !== d.other[i]));
  return fc.oneof(aligned, random);
});

/** max_x ||f_theta(x) - f_other(x)||_inf / ||theta - other||_inf. */
function empiricalRatio(act: Activation, d: LipDraw): number {
  const f = fnOf(d.widths, act);
  const dist = Math.max(...d.theta.map((v, i) => Math.abs(v - d.other[i]!)));
  let sup = 0;
  for (const x of d.inputs) {
    const a = f.float(d.theta, x);
    const b = f.float(d.other, x);
    a.forEach((v, i) => (sup = Math.max(sup, Math.abs(v - b[i]!))));
  }
  return sup / dist;
}

const constantsOf = (act: Activation): LayerConstants => {
  const c = activationConstants(act);
  return { rho: c.rho!, sigma0: c.sigma0!, boundedByOne: c.boundedByOne };
};
const lambda = (d: LipDraw, c: LayerConstants) => lambdaValue(d.widths, Rational.fromNumber(d.B), c)!;
const holds = (act: Activation, c: LayerConstants, shrink = (d: LipDraw, l: number) => l) => (d: LipDraw) => empiricalRatio(act, d) <= shrink(d, lambda(d, c));

// relu(z) + 4: 1-Lipschitz with sigma(0) = 4, unbounded. Its sigma(0) term matters.
const relu = builtin("relu");
const shifted: Activation = { ...relu, key: "relu_plus_4", name: "relu_plus_4", builtin: null, properties: [], definition: { k: "add", a: relu.definition!, b: { k: "const", v: Rational.of(4) } } };

describe("check 6: Lemma 1 on random nets", () => {
  it("hand values", () => {
    const c = constantsOf(ACTIVATIONS.relu);
    // widths (1,1,1), B = 1: (L+1) (d0+1)(d1+1) = 2 * 2 * 2.
    expect(lipschitz([1, 1, 1], Rational.ONE, c)).toEqual(Rational.of(8));
    // B = 2, rho = 1: 2 * 2^2 * 2 * 2.
    expect(lipschitz([1, 1, 1], Rational.of(2), c)).toEqual(Rational.of(32));
    expect(log10Lambda([784, 100, 100, 10], Rational.ONE, c)).toBeCloseTo(Math.log10(3 * 785 * 101 * 101), 12);
    // Huge networks stay finite in log10 while Lambda overflows a float.
    expect(lambdaValue(new Array(200).fill(1000), Rational.ONE, c)).toBeNull();
    expect(log10Lambda(new Array(200).fill(1000), Rational.ONE, c)).toBeCloseTo(Math.log10(199) + 199 * Math.log10(1001), 6);
  });

  for (const name of ["relu", "leaky_relu", "tanh", "sigmoid"] as const) {
    it(`empirical ratio <= Lambda (${name})`, () => law(`Lemma 1 (${name})`, lipArb, holds(ACTIVATIONS[name], constantsOf(ACTIVATIONS[name])), { numRuns: 100 }));
  }

  it("the bound is nearly tight on aligned ReLU nets, loose on random ones", () => {
    const c = constantsOf(ACTIVATIONS.relu);
    const aligned: LipDraw = { widths: [6, 6, 1], B: 1, theta: new Array(49).fill(1 - 1e-6), other: new Array(49).fill(1), inputs: [new Array(6).fill(1)] };
    // f(t) = 42 t^2 + t on the all-t network: f'(1) = 85 against Lambda = 98.
    expect(empiricalRatio(ACTIVATIONS.relu, aligned) / lambda(aligned, c)).toBeCloseTo(85 / 98, 4);
  });

  it("sigmoid: the sigma(0) variant and the bounded form both hold", () => {
    const sig = ACTIVATIONS.sigmoid;
    const c = constantsOf(sig);
    expect(c).toEqual({ rho: Rational.of(1, 4), sigma0: Rational.of(1, 2), boundedByOne: true });
    law("Lemma 1, sigma(0) variant (sigmoid)", lipArb, holds(sig, { ...c, boundedByOne: false }), { numRuns: 100 });
  });

  it("an activation with sigma(0) != 0 needs the variant", () => {
    const c = activationConstants(shifted);
    expect(c.sigma0).toEqual(Rational.of(4));
    law("Lemma 1, sigma(0) variant (relu + 4)", lipArb, holds(shifted, { rho: Rational.ONE, sigma0: Rational.of(4), boundedByOne: false }), { numRuns: 100 });
  });
});

describe("check 6: negative controls", () => {
  const c = constantsOf(ACTIVATIONS.relu);
  it("dropping the (L+1) factor is violated", () =>
    negativeControl("Lemma 1 without (L+1)", lipArb, holds(ACTIVATIONS.relu, c, (d, l) => l / (d.widths.length - 1)), { numRuns: 100 }));
  it("dropping the (d_0+1) factor is violated", () => negativeControl("Lemma 1 without (d0+1)", lipArb, holds(ACTIVATIONS.relu, c, (d, l) => l / (d.widths[0]! + 1)), { numRuns: 100 }));
  it("ignoring sigma(0) != 0 is violated", () =>
    negativeControl("Lemma 1 ignoring sigma(0) (relu + 4)", lipArb, holds(shifted, { rho: Rational.ONE, sigma0: Rational.ZERO, boundedByOne: false }), { numRuns: 100 }));
});

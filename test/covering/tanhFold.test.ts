/**
 * Check 9: a canonicaliser that folds units incorrectly must be caught. The real bug: for
 * f(x) = sum_i a_i tanh(b_i x + c_i) + d, a public tanh canonicaliser normalised each unit by
 * sign(b_i) before folding units with b_i = 0 into the output bias, so such units contributed
 * 0 instead of a_i tanh(c_i). One comparison at one random input catches it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalise } from "../../src/covering/canonicalise.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { law, negativeControl } from "../laws/law.ts";
import { ACTIVATIONS, fnOf, real } from "./arbitraries.ts";

/** One hidden layer of n tanh units on a scalar input, as an MLP theta [b..., c..., a..., d]. */
interface TanhNet {
  readonly a: number[];
  readonly b: number[];
  readonly c: number[];
  readonly d: number;
}
const widthsOf = (n: TanhNet) => [1, n.a.length, 1];
const thetaOf = (n: TanhNet) => [...n.b, ...n.c, ...n.a, n.d];
const netOf = (theta: readonly number[], k: number): TanhNet => ({ b: theta.slice(0, k), c: theta.slice(k, 2 * k), a: theta.slice(2 * k, 3 * k), d: theta[3 * k]! });

/**
 * Canonicalise a one-layer tanh net: make every b_i >= 0 by the sign flip, fold units with
 * b_i = 0 into the output bias (they are the constant a_i tanh(c_i)) leaving a zero unit, and
 * sort. `buggy` reproduces the public implementation: scale by sign(b_i), which is 0 for the
 * units about to be folded.
 */
function tanhCanonical(n: TanhNet, buggy: boolean): number[] {
  const k = n.a.length;
  const out: TanhNet = { a: [...n.a], b: [...n.b], c: [...n.c], d: n.d };
  let d = n.d;
  for (let i = 0; i < k; i++) {
    const s = buggy ? Math.sign(n.b[i]!) : n.b[i]! < 0 ? -1 : 1;
    out.a[i] = s * n.a[i]!;
    out.b[i] = s * n.b[i]!;
    out.c[i] = s * n.c[i]!;
    if (out.b[i] === 0) {
      d += out.a[i]! * Math.tanh(out.c[i]!);
      out.a[i] = out.c[i] = out.b[i] = 0;
    }
  }
  return canonicalise(widthsOf(n), thetaOf({ ...out, d }));
}

const gapAt = (n: TanhNet, theta: readonly number[], x: number) => {
  const f = fnOf(widthsOf(n), ACTIVATIONS.tanh);
  const want = f.float(thetaOf(n), [x])[0]!;
  return Math.abs(want - f.float(theta, [x])[0]!) / Math.max(1, Math.abs(want));
};

/** Random nets where about half the units have zero incoming weight, at least one of them live. */
const nets: fc.Arbitrary<[TanhNet, number]> = fc
  .integer({ min: 1, max: 6 })
  .chain((k) =>
    fc.record({
      a: fc.array(real(-2, 2), { minLength: k, maxLength: k }),
      b: fc.array(fc.oneof(fc.constant(0), real(-3, 3)), { minLength: k, maxLength: k }),
      c: fc.array(real(-5, 5), { minLength: k, maxLength: k }),
      d: real(-1, 1),
    }),
  )
  .filter((n) => n.b.some((b, i) => b === 0 && Math.abs(n.a[i]! * Math.tanh(n.c[i]!)) > 1e-3))
  .chain((n) => fc.tuple(fc.constant(n as TanhNet), real(0, 1)));

describe("check 9: the tanh folding bug is caught", () => {
  it("the reference example: the buggy form shifts f by tanh(-4) - tanh(4) = -1.9987", () => {
    const n: TanhNet = { a: [1, 2, 3, 1, -1, 0], b: [1, 2, 3, 0, 0, 0], c: [1, 2, 3, -4, 4, 0], d: 0 };
    const x = new Rng(9).next();
    const f = fnOf(widthsOf(n), ACTIVATIONS.tanh);
    const want = f.float(thetaOf(n), [x])[0]!;
    expect(f.float(tanhCanonical(n, false), [x])[0]!).toBeCloseTo(want, 12);
    expect(f.float(tanhCanonical(n, true), [x])[0]! - want).toBeCloseTo(-(Math.tanh(-4) - Math.tanh(4)), 12);
    expect(Math.tanh(-4) - Math.tanh(4)).toBeCloseTo(-1.9987, 4);
    // The buggy form's own output bias is 0, the correct one carries the folded constant.
    expect(netOf(tanhCanonical(n, true), 6).d).toBe(0);
    expect(netOf(tanhCanonical(n, false), 6).d).toBeCloseTo(Math.tanh(-4) - Math.tanh(4), 12);
  });

  it("the correct fold preserves f at a random input", () => law("tanh fold preserves f", nets, ([n, x]) => gapAt(n, tanhCanonical(n, false), x) <= 1e-12, { numRuns: 100 }));
});

describe("check 9: negative control", () => {
  it("the sign(b)-scaled fold fails one random-input comparison on (nearly) every draw", () =>
    negativeControl("sign(b)-scaled tanh fold preserves f", nets, ([n, x]) => gapAt(n, tanhCanonical(n, true), x) <= 1e-12, { numRuns: 100, minFailureShare: 0.95 }));
});

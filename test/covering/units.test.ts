/**
 * Hand-computed values: parameter counts, factorials and log-gamma, log10 of BigInts, group
 * orders (MLP and residual), activation constants, and the network evaluator on a tiny net.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activationConstants } from "../../src/covering/activationConstants.ts";
import { groupOrder } from "../../src/covering/groupOrder.ts";
import { lgamma } from "../../src/covering/lgamma.ts";
import { log10BigInt } from "../../src/covering/log10BigInt.ts";
import { factorial, log10Factorial } from "../../src/covering/log10Factorial.ts";
import { mlpFunction } from "../../src/covering/mlpFunction.ts";
import { paramCount } from "../../src/covering/paramCount.ts";
import { permuteUnits } from "../../src/covering/permuteUnits.ts";
import { thetaLayout } from "../../src/covering/thetaLayout.ts";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { load } from "../../src/syntax/load.ts";
import { law } from "../laws/law.ts";
import { ACTIVATIONS } from "./arbitraries.ts";

describe("parameter count S", () => {
  it("hand values", () => {
    expect(paramCount([3, 5, 4, 2])).toBe(54);
    expect(paramCount([784, 100, 100, 10])).toBe(89610);
    expect(paramCount([1, 1])).toBe(2);
    expect(thetaLayout([2, 3, 1])).toEqual({ widths: [2, 3, 1], weights: [0, 9], biases: [6, 12], size: 13 });
  });
});

describe("factorials, lgamma and log10 of BigInts", () => {
  it("hand values", () => {
    expect(log10Factorial(100)).toBeCloseTo(157.97, 2);
    expect(log10Factorial(1000)).toBeCloseTo(2567.6, 1);
    expect(log10Factorial(0)).toBe(0);
    expect(log10Factorial(1)).toBe(0);
    expect(factorial(5)).toBe(120n);
    expect(lgamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
  });

  it("log10 n! matches exact BigInt factorials to 1e-14 relative, n <= 3000", () => {
    let f = 1n;
    for (let n = 1; n <= 3000; n++) {
      f *= BigInt(n);
      if (n > 300 && n % 97 !== 0) continue;
      const exact = log10BigInt(f);
      expect(Math.abs(log10Factorial(n) - exact), `n=${n}`).toBeLessThanOrEqual(1e-14 * Math.max(1, exact));
    }
  });

  it("lgamma is accurate for huge arguments (no overflow)", () => {
    // 1000000! = 8.2639316883... x 10^5565708.
    expect(log10Factorial(1e6)).toBeCloseTo(5565708 + Math.log10(8.2639316883), 8);
    expect(Number.isFinite(log10Factorial(1e7))).toBe(true);
  });

  it("log10BigInt at every digit count", () => {
    for (let k = 0; k <= 60; k++) {
      expect(log10BigInt(10n ** BigInt(k))).toBe(k);
      expect(log10BigInt(3n * 10n ** BigInt(k))).toBeCloseTo(k + Math.log10(3), 13);
    }
    law("log10BigInt agrees with Math.log10 below 2^53", fc.bigInt({ min: 1n, max: 2n ** 53n }), (n) => Math.abs(log10BigInt(n) - Math.log10(Number(n))) < 1e-14, { numRuns: 200 });
  });
});

describe("group order", () => {
  it("of an MLP", () => {
    expect(groupOrder([3, 5, 4, 2]).exact).toBe(2880n);
    expect(groupOrder([784, 100, 100, 10]).log10).toBeCloseTo(2 * 157.97, 1);
    expect(groupOrder([2, 3000, 1]).exact).toBe(null);
    expect(groupOrder([2, 1]).exact).toBe(1n);
  });

  it("of an mlp network and of a residual network, through unitLayout", () => {
    const source = `network Mlp = mlp(3 -> 5 -> 4 -> 2, relu)
network Res {
  input x[3]
  param Win[4,3], bin[4], U1[5,4], c1[5], V1[4,5], U2[5,4], c2[5], V2[4,5], Wout[2,4], bout[2]
  s0 = Win x + bin
  h1 = relu(U1 s0 + c1)
  s1 = s0 + V1 h1
  h2 = relu(U2 s1 + c2)
  s2 = s1 + V2 h2
  out Wout s2 + bout
}
`;
    const mod = elaborate(load("res.neq", source, () => null));
    expect(mod.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(groupOrder(mod.networks.get("Mlp")!).exact).toBe(2880n);
    // Branch units h1, h2 permute freely (5! 5!), and so does the residual stream s0, s1, s2
    // as one class (4!): it is read and written only through Win, V1, V2, U1, U2 and Wout.
    const res = groupOrder(mod.networks.get("Res")!);
    expect(res.factors.map((f) => f.node)).toEqual(["s0", "h1", "h2"]);
    expect(res.exact).toBe(24n * 14400n);
  });
});

describe("activation constants", () => {
  it("built-ins", () => {
    expect(activationConstants(ACTIVATIONS.relu)).toEqual({ rho: Rational.ONE, sigma0: Rational.ZERO, boundedByOne: false });
    expect(activationConstants(ACTIVATIONS.tanh)).toEqual({ rho: Rational.ONE, sigma0: Rational.ZERO, boundedByOne: true });
    expect(activationConstants(ACTIVATIONS.leaky_relu).rho).toEqual(Rational.ONE);
    expect(activationConstants(ACTIVATIONS.sigmoid).sigma0).toEqual(Rational.of(1, 2));
  });
});

describe("the network evaluator on a hand-computed network", () => {
  // widths (2, 2, 1), relu: W0 = [[1, -1], [2, 1]], b0 = [0, -1], W1 = [[3, -2]], b1 = [1/2].
  // x = (1, 1/2): pre = (1/2, 3/2), h = (1/2, 3/2), f = 3/2 - 3 + 1/2 = -1.
  // x = (0, 1):   pre = (-1, 0),    h = (0, 0),     f = 1/2.
  const theta = [1, -1, 2, 1, 0, -1, 3, -2, 0.5];
  const f = mlpFunction([2, 2, 1], ACTIVATIONS.relu);

  it("float and exact", () => {
    expect(f.float(theta, [1, 0.5])).toEqual([-1]);
    expect(f.float(theta, [0, 1])).toEqual([0.5]);
    expect(f.hasExact).toBe(true);
    expect(f.exact(theta.map(Rational.fromNumber), [Rational.ONE, Rational.of(1, 2)])).toEqual([Rational.of(-1)]);
    expect(mlpFunction([2, 2, 1], ACTIVATIONS.tanh).hasExact).toBe(false);
  });

  it("tanh and sigmoid by hand", () => {
    const t = [1, 0, 0, 1, 0, 0, 1, 1, 0];
    expect(mlpFunction([2, 2, 1], ACTIVATIONS.tanh).float(t, [0.3, 0.7])[0]).toBeCloseTo(Math.tanh(0.3) + Math.tanh(0.7), 15);
    expect(mlpFunction([2, 2, 1], ACTIVATIONS.sigmoid).float(t, [0, 0])[0]).toBeCloseTo(1, 15);
  });

  it("permuteUnits moves rows, biases and columns together", () => {
    expect(permuteUnits([1, 2, 1], [1, 2, 3, 4, 5, 6, 7], 1, [1, 0])).toEqual([2, 1, 4, 3, 6, 5, 7]);
    expect(f.float(permuteUnits([2, 2, 1], theta, 1, [1, 0]), [1, 0.5])).toEqual([-1]);
  });
});

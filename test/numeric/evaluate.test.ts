import { describe, expect, it } from "vitest";
import { builtin } from "../../src/elaborate/activations.ts";
import { mlpNetwork } from "../../src/elaborate/networks.ts";
import { evaluateNetwork } from "../../src/numeric/evaluate.ts";
import { exact, float64 } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { realisations } from "../../src/numeric/realise.ts";
import { noSpan } from "../../src/diagnostics/span.ts";

describe("the network evaluator (the one that replays witnesses)", () => {
  // W0 = [[1, -1], [2, 0]], b0 = [0, -1], W1 = [[3, 1/2]], b1 = [1/4]; x = [1/2, 1].
  const net = mlpNetwork("N", [2, 2, 1], [builtin("relu")], noSpan());
  const theta: Record<string, number[]> = { W0: [1, -1, 2, 0], b0: [0, -1], W1: [3, 0.5], b1: [0.25] };
  it("computes a ReLU net by hand: h = relu([-1/2, 0]) = [0, 0], out = 1/4", () => {
    const r = realisations(builtin("relu"))[0]!;
    const out = evaluateNetwork(net, (p, i) => Rational.fromNumber(theta[p]![i]!), [Rational.of(1, 2), Rational.ONE], exact, (_a, x) => r.exact!(x));
    expect(out.pre.get("h1")!.map(String)).toEqual(["-1/2", "0"]);
    expect(out.output.map(String)).toEqual(["1/4"]);
  });
  it("computes a tanh net in float64: 3 tanh(-1/2) + tanh(0)/2 + 1/4", () => {
    const t = mlpNetwork("T", [2, 2, 1], [builtin("tanh")], noSpan());
    const out = evaluateNetwork(t, (p, i) => theta[p]![i]!, [0.5, 1], float64, (_a, x) => Math.tanh(x));
    expect(out.output[0]).toBeCloseTo(3 * Math.tanh(-0.5) + 0.25, 14);
  });
});

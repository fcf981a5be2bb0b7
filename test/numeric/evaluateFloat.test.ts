/**
 * The falsifier's array evaluation (src/numeric/evaluateFloat.ts) gives exactly the float64
 * values of the generic interpreter (numeric/evaluate.ts over elaborate/interpret.ts), bit
 * for bit, on random MLPs and random tensor networks (convolutions with padding and strides,
 * batch and layer normalisation, attention with causal masks), both sides of each claim.
 * Negative control: the same law with one parameter entry changed must fail.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import type { Activation, Network } from "../../src/elaborate/types.ts";
import { evaluateNetwork } from "../../src/numeric/evaluate.ts";
import { evaluateFloat } from "../../src/numeric/evaluateFloat.ts";
import { float64 } from "../../src/numeric/field.ts";
import { realisations } from "../../src/numeric/realise.ts";
import { load } from "../../src/syntax/load.ts";
import { brokenArb, render, validArb } from "../laws/cases.ts";
import { renderTensor, tensorBrokenArb, tensorValidArb } from "../laws/tensorCases.ts";
import { law, negativeControl } from "../laws/law.ts";

const act = (a: Activation, x: number) => realisations(a)[0]!.float(x);

/** Deterministic values in [-2, 2] from a seed. */
function values(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s % 17) - 8) / 4;
  }
  return out;
}

/** Both evaluations of every network of the file agree bit for bit (`tweak` changes one array entry first). */
function agree(text: string, seed: number, tweak = false): boolean {
  const m = elaborate(load("e.neq", text, () => null));
  const nets = new Set<Network>(m.claims.flatMap((c) => [c.lhs, c.rhs]));
  for (const net of nets) {
    const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
    const params = new Map(net.params.map((p, k) => [p.name, values(size(p.shape), seed + k)]));
    const input = values(size(net.input.shape), seed + 99);
    const generic = evaluateNetwork(net, (p, i) => params.get(p)![i]!, [...input], float64, act).output;
    if (tweak) {
      const first = params.values().next().value!;
      first[0] = first[0]! + 1;
    }
    const arrays = evaluateFloat(net, { input, param: (p) => params.get(p)! }, act);
    if (arrays.length !== generic.length) return false;
    for (let i = 0; i < arrays.length; i++) if (!Object.is(arrays[i], generic[i]!)) return false;
  }
  return true;
}

const files = fc.oneof(
  validArb.map((c) => render(c)),
  brokenArb.map((c) => render(c, "refute")),
  tensorValidArb.map((c) => renderTensor(c)),
  tensorBrokenArb.map((c) => renderTensor(c, "refute")),
);

describe("float64 evaluation on arrays", () => {
  it("equals the generic interpreter bit for bit (law)", () => {
    law("evaluateFloat = evaluateNetwork(float64)", fc.tuple(files, fc.nat()), ([t, seed]) => agree(t, seed), { numRuns: 80 });
  });

  it("negative control: a changed parameter entry changes the output", () => {
    negativeControl("evaluateFloat with a changed entry = evaluateNetwork", fc.tuple(files, fc.nat()), ([t, seed]) => agree(t, seed, true), { numRuns: 40 });
  });
});

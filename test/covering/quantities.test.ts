/**
 * `bound` statements: every quantity and fact is computed, and assertions are decided.
 * Bound claims come from the real front end (load + elaborate) so names and options match.
 */
import { describe, expect, it } from "vitest";
import { boundTable, widthSweep } from "../../src/covering/boundTable.ts";
import { boundQuantities, evaluateAssertion } from "../../src/covering/quantities.ts";
import { renderBoundTable } from "../../src/covering/renderBoundTable.ts";
import { FACTS, QUANTITIES } from "../../src/elaborate/bounds.ts";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import type { BoundClaim } from "../../src/elaborate/types.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { load } from "../../src/syntax/load.ts";
import { ACTIVATIONS } from "./arbitraries.ts";

function bounds(source: string): BoundClaim[] {
  const mod = elaborate(load("bound.neq", source, () => null));
  expect(mod.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return [...mod.bounds];
}

describe("bound quantities", () => {
  const [mnist] = bounds(`network Net = mlp(784 -> 100 -> 100 -> 10, relu)
bound mnist: Net with B = 1, eps = 1/100 assert log10_reduced < log10_classical and volume_in_interval
`);

  it("computes every quantity and fact", () => {
    const q = boundQuantities(mnist!, new Rng(1));
    expect(Object.keys(q.values).sort()).toEqual([...QUANTITIES].sort());
    expect(Object.keys(q.facts).sort()).toEqual([...FACTS].sort());
    const v = q.values;
    expect(v.S).toBe(89610);
    expect(v.L).toBe(2);
    expect([v.B, v.eps, v.rho]).toEqual([1, 0.01, 1]);
    // Lambda = 3 * 785 * 101 * 101; m = ceil(100 Lambda).
    expect(v.m).toBe(3 * 785 * 101 * 101 * 100);
    expect(v.log10_Lambda).toBeCloseTo(Math.log10(3 * 785 * 101 * 101), 12);
    expect(v.log10_classical).toBeCloseTo(89610 * Math.log10(v.m), 6);
    expect(v.log10_group_order).toBeCloseTo(2 * 157.97000365471578, 9);
    expect(v.log10_gain).toBeLessThanOrEqual(v.log10_group_order);
    expect(v.log10_group_order - v.log10_gain).toBeLessThan(1e-5);
    expect(v.log10_reduced).toBeCloseTo(v.log10_classical - v.log10_gain, 6);
    expect(v.log10_reduced_simple).toBeGreaterThanOrEqual(v.log10_reduced);
    expect(v.gain_share).toBeCloseTo(v.log10_gain / v.log10_classical, 15);
    expect(v.gain_share).toBeLessThan(0.001);
    expect(v.log10_volume).toBeCloseTo(-v.log10_group_order, 12);
    expect(v.volume).toBeLessThan(1e-300);
    expect([v.volume_mc, v.volume_mc_low]).toEqual([0, 0]);
    expect(v.volume_mc_high).toBeGreaterThan(0);
    expect(q.facts.volume_in_interval).toBe(true);
    expect(evaluateAssertion(mnist!.assertion!, q.values, q.facts)).toBe(true);
  });

  it("decides assertions", () => {
    const claims = bounds(`network Small = mlp(2 -> 3 -> 4 -> 1, relu)
bound a: Small with eps = 1/2, samples = 40000 assert volume_in_interval and log10_gain <= log10_group_order
bound b: Small with eps = 1000 assert log10_reduced = 0 and m = 1 and gain_share = 0
bound c: Small assert not (log10_reduced >= log10_classical) or S < 0
bound d: Small assert log10_gain > log10_group_order
bound e: Small assert -(S * 2) / 4 + 1 = 1 - 30 / 2
`);
    const decided = claims.map((c) => {
      const q = boundQuantities(c, new Rng(7));
      return evaluateAssertion(c.assertion!, q.values, q.facts);
    });
    expect(decided).toEqual([true, true, true, false, true]);
  });

  it("sigmoid: rho 1/4 from the activation; bounded, so the lemma's Lambda applies", () => {
    const [s] = bounds(`network Sig = mlp(2 -> 3 -> 1, sigmoid)
bound s: Sig with eps = 1/10
`);
    const q = boundQuantities(s!, new Rng(1));
    expect(q.values.rho).toBe(0.25);
    expect(q.values.log10_Lambda).toBeCloseTo(Math.log10(2 * 3 * 4), 12);
    expect(q.notes).toEqual([]);
  });

  it("an activation with unknown sigma(0) gives NaN bounds and a note", () => {
    const [u] = bounds(`activation g
network G = mlp(2 -> 3 -> 1, g)
bound u: G with rho = 1 assert log10_classical > 0
`);
    const q = boundQuantities(u!, new Rng(1));
    expect(Number.isNaN(q.values.log10_classical)).toBe(true);
    expect(q.values.log10_group_order).toBeCloseTo(Math.log10(6), 12);
    expect(q.notes.length).toBe(1);
    expect(evaluateAssertion(u!.assertion!, q.values, q.facts)).toBe(false);
  });
});

describe("bound table", () => {
  it("rows for a width sweep, and a text rendering", () => {
    const rows = boundTable({ sweep: widthSweep(784, 10, 2, [10, 100, 1000]), activation: ACTIVATIONS.relu, samples: 1000 });
    expect(rows.map((r) => r.width)).toEqual([10, 100, 1000]);
    expect(rows[1]!.values.S).toBe(89610);
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.values.log10_classical).toBeGreaterThan(rows[i - 1]!.values.log10_classical);
      expect(rows[i]!.values.log10_volume).toBeLessThan(rows[i - 1]!.values.log10_volume);
    }
    const text = renderBoundTable(rows);
    expect(text.split("\n")[0]).toMatch(/^widths\s+S\s+log10_m/);
    expect(text).toContain("784-100-100-10");
    expect(boundTable({ sweep: [[2, 3, 1]], activation: ACTIVATIONS.tanh, eps: Rational.of(1, 2), B: Rational.of(2) })[0]!.values.B).toBe(2);
  });
});

/**
 * Lemma 6 as an experiment: with disjoint images of a basin, uniform draws hit some copy with
 * probability |G| V / (2B)^S, observed by canonicalising each draw.
 */
import { describe, expect, it } from "vitest";
import { canonicalise } from "../../src/covering/canonicalise.ts";
import { groupOrder } from "../../src/covering/groupOrder.ts";
import { log10InitialisationHit } from "../../src/covering/initialisationHit.ts";
import { wilsonInterval } from "../../src/covering/volumeMonteCarlo.ts";
import { Rng } from "../../src/numeric/rng.ts";

describe("Lemma 6 (experiment)", () => {
  // widths (1, 3, 1), B = 1. Basin A*: hidden biases within r = 0.3 of (0.7, 0, -0.7), other
  // coordinates free. Its 3! images (biases permuted) are disjoint since the centres are
  // 0.7 > 2r apart; V / (2B)^S = (2r / 2B)^3 = 0.027.
  const widths = [1, 3, 1];
  const centre = [0.7, 0, -0.7];
  const r = 0.3;
  const inBasin = (theta: readonly number[]) => centre.every((c, i) => Math.abs(theta[3 + i]! - c) <= r);

  it("hit rate matches |G| V / (2B)^S", () => {
    const predicted = 10 ** log10InitialisationHit(groupOrder(widths).log10, 3 * Math.log10(r));
    expect(predicted).toBeCloseTo(0.162, 12);
    const rng = new Rng(6);
    const n = 50_000;
    let hits = 0;
    for (let s = 0; s < n; s++) {
      const theta = Array.from({ length: 10 }, () => 2 * rng.next() - 1);
      // Some g theta is in A* iff the canonical (bias-sorted) form is: A* lies inside Theta_0.
      if (inBasin(canonicalise(widths, theta))) hits++;
    }
    const ci = wilsonInterval(hits, n, 0.999);
    expect(ci.low <= predicted && predicted <= ci.high).toBe(true);
    // Without the symmetry factor the prediction (0.027) is far outside.
    expect(0.027 < ci.low).toBe(true);
  });
});

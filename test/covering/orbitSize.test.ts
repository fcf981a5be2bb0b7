/**
 * Check 2: the orbit of theta under hidden-unit permutations has prod d_l! elements for
 * distinct biases, and |G| / |Stab| in general (ties), against brute-force enumeration.
 */
import { describe, expect, it } from "vitest";
import { enumerateOrbit, permutations } from "../../src/covering/enumerateOrbit.ts";
import { groupOrder } from "../../src/covering/groupOrder.ts";
import { orbitSize, stabiliserSize } from "../../src/covering/orbitSize.ts";
import { biasIndex, thetaLayout, weightIndex } from "../../src/covering/thetaLayout.ts";
import { law, negativeControl } from "../laws/law.ts";
import { distinctBiases, netArb } from "./arbitraries.ts";

const tiny = { maxWidth: 3, maxDepth: 3, inputWidths: [1, 2] as const, outputWidths: [1, 2] as const };
const distinct = netArb(tiny).filter((n) => distinctBiases(n.widths, n.theta));
// Few distinct values: ties everywhere, including ties that later layers break.
const ties = netArb({ ...tiny, values: [0, 1] });
const G = (widths: readonly number[]) => groupOrder(widths).exact!;

describe("check 2: orbit size", () => {
  it("enumerates permutations", () => {
    expect(permutations(3)).toHaveLength(6);
    expect(new Set(permutations(4).map((p) => p.join())).size).toBe(24);
  });

  it("distinct biases: the orbit has prod d_l! elements (exhaustively)", () =>
    law("orbit size is |G| for distinct biases", distinct, (n) => orbitSize(n.widths, n.theta) === G(n.widths) && BigInt(enumerateOrbit(n.widths, n.theta).length) === G(n.widths), { numRuns: 40 }));

  it("with ties: |G| / |Stab| equals the enumerated orbit", () =>
    law("orbit size matches enumeration with ties", ties, (n) => orbitSize(n.widths, n.theta) === BigInt(enumerateOrbit(n.widths, n.theta).length), { numRuns: 150 }));

  it("hand-made ties", () => {
    // Two identical units: swapping them changes nothing.
    expect(orbitSize([1, 2, 1], [1, 1, 0, 0, 3, 3, 0])).toBe(1n);
    // Same bias and incoming row, different outgoing columns: swapping changes theta.
    expect(orbitSize([1, 2, 1], [1, 1, 0, 0, 3, 4, 0])).toBe(2n);
    // All-zero parameters: everything is fixed, the orbit is one point.
    const widths = [2, 3, 4, 2];
    const zeros = new Array<number>(thetaLayout(widths).size).fill(0);
    expect(orbitSize(widths, zeros)).toBe(1n);
    expect(stabiliserSize(widths, zeros)).toBe(G(widths));
  });

  it("a tie in layer 1 that only layer 2 can see", () => {
    // Layer-1 units 0 and 1 are identical, but layer 2's units read them with different
    // weights; those layer-2 units differ, so swapping layer-1 units is not a stabiliser
    // element on its own, yet swapping both layers' pairs can be.
    const widths = [1, 2, 2, 1];
    const L = thetaLayout(widths);
    const theta = new Array<number>(L.size).fill(0);
    theta[weightIndex(L, 0, 0, 0)] = 1;
    theta[weightIndex(L, 0, 1, 0)] = 1;
    theta[weightIndex(L, 1, 0, 0)] = 2; // unit 0 of layer 2 reads layer-1 unit 0 with weight 2
    theta[weightIndex(L, 1, 1, 1)] = 2; // unit 1 of layer 2 reads layer-1 unit 1 with weight 2
    theta[weightIndex(L, 2, 0, 0)] = 5;
    theta[weightIndex(L, 2, 0, 1)] = 5;
    theta[biasIndex(L, 2, 0)] = 1;
    expect(orbitSize(widths, theta)).toBe(BigInt(enumerateOrbit(widths, theta).length));
    expect(orbitSize(widths, theta)).toBe(2n);
  });
});

describe("check 2: negative controls", () => {
  it("ignoring ties (always |G|) is caught", () =>
    negativeControl("orbit size is always |G|", ties, (n) => G(n.widths) === BigInt(enumerateOrbit(n.widths, n.theta).length), { numRuns: 150 }));

  it("counting ties layer by layer (no backtracking) is caught", () => {
    // Stabiliser guessed as prod over layers and classes of equal (bias, incoming row) of
    // (class size)!: wrong when tied units differ in what later layers read from them.
    const perLayerStab = (widths: readonly number[], theta: readonly number[]): bigint => {
      const L = thetaLayout(widths);
      let s = 1n;
      for (let l = 1; l < widths.length - 1; l++) {
        const classes = new Map<string, number>();
        for (let i = 0; i < widths[l]!; i++) {
          const key = [theta[biasIndex(L, l - 1, i)], ...Array.from({ length: widths[l - 1]! }, (_, j) => theta[weightIndex(L, l - 1, i, j)])].join();
          classes.set(key, (classes.get(key) ?? 0) + 1);
        }
        for (const c of classes.values()) for (let k = 2n; k <= BigInt(c); k++) s *= k;
      }
      return s;
    };
    negativeControl("per-layer tie count", ties, (n) => G(n.widths) / perLayerStab(n.widths, n.theta) === BigInt(enumerateOrbit(n.widths, n.theta).length), { numRuns: 150 });
  });
});

/**
 * Check 3: canonicalise lands in Theta_0, preserves f, is idempotent, and is invariant under
 * permutations when biases are distinct.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { biasesNonIncreasing, canonicalise, inRepresentativeSet } from "../../src/covering/canonicalise.ts";
import { applyPermutations } from "../../src/covering/permuteUnits.ts";
import { biasIndex, thetaLayout, weightIndex } from "../../src/covering/thetaLayout.ts";
import { law, negativeControl } from "../laws/law.ts";
import { ACTIVATIONS, distinctBiases, fnOf, groupElementArb, netArb, relativeGap, TOLERANCE, type NetDraw } from "./arbitraries.ts";

const RUNS = 80;
const nets = netArb();
const ties = netArb({ maxWidth: 4, maxDepth: 3, inputWidths: [1, 2], values: [-1, 0, 1] });
const withG = (arb: fc.Arbitrary<NetDraw>) => arb.chain((n) => fc.tuple(fc.constant(n), groupElementArb(n.widths)));
const distinctWithG = withG(nets.filter((n) => distinctBiases(n.widths, n.theta)));
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Sort each layer by the key with a caller-chosen way of moving units (for broken variants). */
type Mover = (widths: readonly number[], theta: readonly number[], layer: number, perm: readonly number[]) => number[];

function sortWith(widths: readonly number[], theta: readonly number[], order: (keys: number[][]) => number[], move: Mover, layers?: number): number[] {
  const L = thetaLayout(widths);
  let out = [...theta];
  for (let l = 1; l <= Math.min(layers ?? Infinity, widths.length - 2); l++) {
    const keys = Array.from({ length: widths[l]! }, (_, i) => [out[biasIndex(L, l - 1, i)]!, ...Array.from({ length: widths[l - 1]! }, (_, j) => out[weightIndex(L, l - 1, i, j)]!)]);
    const ord = order(keys);
    const perm = new Array<number>(ord.length);
    ord.forEach((u, p) => (perm[u] = p));
    out = move(widths, out, l, perm);
  }
  return out;
}

const lex = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
};
const descending = (keys: number[][]) => keys.map((_, i) => i).sort((a, b) => lex(keys[b]!, keys[a]!));
const permuteLayer: Mover = (w, t, l, p) => applyPermutations(w, t, w.slice(1, -1).map((d, k) => (k === l - 1 ? [...p] : Array.from({ length: d }, (_, i) => i))));
const rowsOnly: Mover = (w, t, l, p) => {
  const L = thetaLayout(w);
  const out = [...t];
  for (let i = 0; i < w[l]!; i++) {
    for (let j = 0; j < w[l - 1]!; j++) out[weightIndex(L, l - 1, p[i]!, j)] = t[weightIndex(L, l - 1, i, j)]!;
    out[biasIndex(L, l - 1, p[i]!)] = t[biasIndex(L, l - 1, i)]!;
  }
  return out;
};

describe("check 3: canonicalise", () => {
  it("reproduces the reference implementation of the law helpers", () => {
    const n = fc.sample(nets, { seed: 3, numRuns: 20 });
    for (const d of n) expect(sortWith(d.widths, d.theta, descending, permuteLayer)).toEqual(canonicalise(d.widths, d.theta));
  });

  it("lands in the representative set", () => {
    law("canonicalise lands in Theta_0", nets, (n) => inRepresentativeSet(n.widths, canonicalise(n.widths, n.theta)) && biasesNonIncreasing(n.widths, canonicalise(n.widths, n.theta)), { numRuns: RUNS });
    law("canonicalise lands in Theta_0 (ties)", ties, (n) => inRepresentativeSet(n.widths, canonicalise(n.widths, n.theta)), { numRuns: RUNS });
  });

  for (const name of ["relu", "tanh", "sigmoid"] as const) {
    it(`preserves f (${name})`, () => law(`canonicalise preserves f (${name})`, nets, (n) => relativeGap(fnOf(n.widths, ACTIVATIONS[name]), n.theta, canonicalise(n.widths, n.theta), n.inputs) <= TOLERANCE, { numRuns: RUNS }));
  }

  it("is idempotent (also with ties)", () => {
    const idem = (n: NetDraw) => {
      const c = canonicalise(n.widths, n.theta);
      return same(canonicalise(n.widths, c), c);
    };
    law("canonicalise is idempotent", nets, idem, { numRuns: RUNS });
    law("canonicalise is idempotent (ties)", ties, idem, { numRuns: 200 });
  });

  it("is a fixed point exactly on the representative set", () =>
    law("inRepresentativeSet iff canonicalise(theta) = theta", ties, (n) => inRepresentativeSet(n.widths, n.theta) === same(canonicalise(n.widths, n.theta), n.theta), { numRuns: 200 }));

  it("is permutation-invariant for distinct biases", () =>
    law("canonicalise(g theta) = canonicalise(theta)", distinctWithG, ([n, g]) => same(canonicalise(n.widths, applyPermutations(n.widths, n.theta, g)), canonicalise(n.widths, n.theta)), { numRuns: RUNS }));

  it("sorts by bias, then incoming row", () => {
    // widths [1, 3, 1]: W0 = [5, 6, 7], b0 = [0, 1, 1], W1 = [1, 2, 3], b1 = [9].
    expect(canonicalise([1, 3, 1], [5, 6, 7, 0, 1, 1, 1, 2, 3, 9])).toEqual([7, 6, 5, 1, 1, 0, 3, 2, 1, 9]);
  });
});

describe("check 3: negative controls", () => {
  it("sorting rows and biases without the columns changes f", () =>
    negativeControl("rows-only canonicaliser preserves f", nets, (n) => relativeGap(fnOf(n.widths, ACTIVATIONS.tanh), n.theta, sortWith(n.widths, n.theta, descending, rowsOnly), n.inputs) <= TOLERANCE, { numRuns: RUNS }));

  it("an unstable tie-break (ascending sort, then reverse) is not idempotent", () => {
    const reversed = (keys: number[][]) => keys.map((_, i) => i).sort((a, b) => lex(keys[a]!, keys[b]!)).reverse();
    negativeControl(
      "reverse-sorting canonicaliser is idempotent",
      ties,
      (n) => {
        const c = sortWith(n.widths, n.theta, reversed, permuteLayer);
        return same(sortWith(n.widths, c, reversed, permuteLayer), c);
      },
      { numRuns: 200 },
    );
  });

  it("sorting only the first layer is not permutation-invariant", () =>
    negativeControl(
      "first-layer-only canonicaliser is invariant",
      withG(netArb({ minDepth: 2, minWidth: 2 }).filter((n) => distinctBiases(n.widths, n.theta))),
      ([n, g]) => same(sortWith(n.widths, applyPermutations(n.widths, n.theta, g), descending, permuteLayer, 1), sortWith(n.widths, n.theta, descending, permuteLayer, 1)),
      { numRuns: RUNS },
    ));

  it("an ascending sort misses the representative set", () =>
    negativeControl("ascending canonicaliser lands in Theta_0", netArb({ minWidth: 2 }), (n) => inRepresentativeSet(n.widths, sortWith(n.widths, n.theta, (k) => descending(k).reverse(), permuteLayer)), { numRuns: RUNS }));
});

/**
 * align on tensor networks (proofs/09-13): align(g A, A) recovers a planted permutation of
 * every class of tied axes, exactly; negative controls: one changed entry, a residual stream
 * permuted in one block only, heads permuted in W_Q only; ties are reported and still
 * checked exactly; canonical forms agree across an orbit and differ off it.
 */
import * as fs from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyTensorExact } from "../../src/align/applyExact.ts";
import { canonicalTensor } from "../../src/align/canonicaliseTensor.ts";
import { ExactValues } from "../../src/align/exact.ts";
import type { ParamValues } from "../../src/align/matchMlp.ts";
import { permutationClasses } from "../../src/align/classes.ts";
import { matchTensor } from "../../src/align/matchTensor.ts";
import { verifyTensor } from "../../src/align/permuteTensor.ts";
import { classScalings } from "../../src/align/unitScales.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { exactValues, networkOf, permuteParams, randomParams, randomTensorGroup } from "../weights/fixtures/plantedTensor.ts";

/** The exact image, or the test fails with its problem. */
const params = (r: ReturnType<typeof applyTensorExact>) => {
  if ("problem" in r) throw new Error(r.problem);
  return r.params;
};

const NETS = [
  ["proofs/09_cnn.neq", "C"],
  ["proofs/10_residual_cnn.neq", "RC"],
  ["proofs/11_transformer.neq", "T"],
  ["proofs/13_llama.neq", "Llama"],
] as const;
const nets = NETS.map(([f, n]) => {
  const net = networkOf(f, fs.readFileSync(f, "utf8"), n);
  return { name: n, net, classes: permutationClasses(net).classes };
});
const netArb = fc.constantFrom(...nets);

/** Whether B = g A is recognised and certified-exact by match + verify. */
function aligns(x: (typeof nets)[number], A: Map<string, Float64Array>, B: Map<string, Float64Array>): boolean {
  const found = matchTensor(x.net, x.classes, exactValues(A), exactValues(B));
  return "g" in found && verifyTensor(x.net, x.classes, found.g, exactValues(A), exactValues(B)).mismatches === 0;
}

describe("align(g A, A) on tensor networks", () => {
  it("the classes are the tied axes: RC's stream moves every block's convolutions and batch norms together", () => {
    const rc = nets.find((x) => x.name === "RC")!;
    const stream = rc.classes.find((c) => c.where.startsWith("s0"))!;
    const moves = stream.moves.map((m) => `${m.param}:${m.axis}`).sort();
    expect(moves).toEqual(["K0:0", "K1:1", "K2:0", "V:1", "b0:0", "b2:0", "g0:0", "g2:0", "m0:0", "m2:0", "v0:0", "v2:0"].sort());
  });
  it("recovers the planted permutation of every class exactly (random networks and g)", () => {
    fc.assert(
      fc.property(netArb, fc.integer({ min: 1, max: 1e6 }), (x, seed) => {
        const rng = new Rng(seed);
        const A = randomParams(x.net, rng);
        const g = randomTensorGroup(x.classes, rng);
        const B = permuteParams(x.net, x.classes, g, A);
        const found = matchTensor(x.net, x.classes, exactValues(A), exactValues(B));
        if (!("g" in found) || found.ties.length > 0) return false;
        const same = found.g.classes.every((c, k) => c.perm.every((p, i) => p === g.classes[k]!.perm[i]));
        return same && verifyTensor(x.net, x.classes, found.g, exactValues(A), exactValues(B)).mismatches === 0;
      }),
      { numRuns: 40 },
    );
  });
  it("negative control: one changed entry of any parameter is never an exact image", () => {
    fc.assert(
      fc.property(netArb, fc.integer({ min: 1, max: 1e6 }), fc.nat(), (x, seed, pick) => {
        const rng = new Rng(seed);
        const A = randomParams(x.net, rng);
        const B = permuteParams(x.net, x.classes, randomTensorGroup(x.classes, rng), A);
        const names = [...B.keys()];
        const t = B.get(names[pick % names.length]!)!;
        t[pick % t.length] = Math.fround(t[pick % t.length]! * 1.5 + 0.25);
        return !aligns(x, A, B);
      }),
      { numRuns: 60 },
    );
  });
  it("negative control: a residual stream permuted in one block only, or heads in W_Q only, is caught", () => {
    const rc = nets.find((x) => x.name === "RC")!;
    const A = randomParams(rc.net, new Rng(5));
    const B = new Map([...A].map(([k, v]) => [k, Float64Array.from(v)]));
    // Swap stream channels 0 and 1 in block 0's K0, m0, v0, g0, b0 and K1's input only (not K2, m2, ..., V).
    const swapAxis0 = (name: string, inner: number) => {
      const t = B.get(name)!;
      for (let i = 0; i < inner; i++) [t[i], t[inner + i]] = [t[inner + i]!, t[i]!];
    };
    swapAxis0("K0", 27);
    for (const p of ["m0", "v0", "g0", "b0"]) swapAxis0(p, 1);
    const K1 = B.get("K1")!;
    for (let o = 0; o < 4; o++) for (let k = 0; k < 9; k++) [K1[o * 36 + k], K1[o * 36 + 9 + k]] = [K1[o * 36 + 9 + k]!, K1[o * 36 + k]!];
    expect(aligns(rc, A, B)).toBe(false);
    // Control of the control: the whole class permuted is an image.
    const g = { classes: rc.classes.map((c) => ({ id: c.id, where: c.where, perm: c.where.startsWith("s0") ? [1, 0, 2, 3] : [0, 1, 2, 3] })) };
    expect(aligns(rc, A, permuteParams(rc.net, rc.classes, g, A))).toBe(true);
    const t = nets.find((x) => x.name === "T")!;
    const TA = randomParams(t.net, new Rng(6));
    const TB = new Map([...TA].map(([k, v]) => [k, Float64Array.from(v)]));
    const Wq = TB.get("Wq")!; // [2, 2, 4]: swap the two heads in W_Q alone
    for (let i = 0; i < 8; i++) [Wq[i], Wq[8 + i]] = [Wq[8 + i]!, Wq[i]!];
    expect(aligns(t, TA, TB)).toBe(false);
  });
  it("ties: identical units are reported, paired in index order, and still checked exactly", () => {
    const rc = nets.find((x) => x.name === "RC")!;
    const A = randomParams(rc.net, new Rng(9));
    // Make channels 0 and 1 of h identical in every slice they own (K1:0, m1, v1, g1, b1, K2:1).
    const copy = (name: string, inner: number, outer: number, n: number) => {
      const t = A.get(name)!;
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) t[(o * n + 1) * inner + i] = t[(o * n + 0) * inner + i]!;
    };
    copy("K1", 36, 1, 4);
    for (const p of ["m1", "v1", "g1", "b1"]) copy(p, 1, 1, 4);
    copy("K2", 9, 4, 4);
    const B = permuteParams(rc.net, rc.classes, randomTensorGroup(rc.classes, new Rng(10)), A);
    const found = matchTensor(rc.net, rc.classes, exactValues(A), exactValues(B));
    expect("g" in found && found.ties.map((t) => [t.where, t.units])).toEqual([["h axis channels", 2]]);
    expect(aligns(rc, A, B)).toBe(true);
    // Negative control: with a changed entry elsewhere, the tie does not make it an image.
    B.get("V")![0] = Math.fround(B.get("V")![0]! + 1);
    expect(aligns(rc, A, B)).toBe(false);
  });
});

describe("canonical forms of tensor networks", () => {
  // Exact: proofs/09's h2 rescales, and its normalised values are rarely floats.
  const rationals = (P: Map<string, Rational[]>) => new Map([...P].map(([name, v]) => [name, new ExactValues({ name, shape: [v.length], dtype: "decimal", values: Float64Array.from(v, (y) => y.toNumber()), exact: v })]));
  const canonOf = (x: (typeof nets)[number], V: ParamValues) => {
    const img = params(applyTensorExact(x.net, x.classes, canonicalTensor(x.net, x.classes, classScalings(x.net, x.classes).scalings, V).g, V));
    return new Map([...img].map(([k, v]) => [k, Array.from({ length: V.get(k)!.length }, (_, i) => v.at(i))]));
  };
  const canon = (x: (typeof nets)[number], A: Map<string, Float64Array>) => canonOf(x, exactValues(A));
  const equal = (P: Map<string, Rational[]>, Q: Map<string, Rational[]>) => [...P].every(([k, v]) => v.every((y, i) => y.eq(Q.get(k)![i]!)));
  it("equal across an orbit, idempotent, and different for a changed entry (negative control)", () => {
    fc.assert(
      fc.property(netArb, fc.integer({ min: 1, max: 1e6 }), fc.nat(), (x, seed, pick) => {
        const rng = new Rng(seed);
        const A = randomParams(x.net, rng);
        const B = permuteParams(x.net, x.classes, randomTensorGroup(x.classes, rng), A);
        const cA = canon(x, A);
        const C = new Map([...B].map(([k, v]) => [k, Float64Array.from(v)]));
        const names = [...C.keys()];
        const t = C.get(names[pick % names.length]!)!;
        t[pick % t.length] = Math.fround(t[pick % t.length]! + 0.5);
        return equal(cA, canon(x, B)) && equal(cA, canonOf(x, rationals(cA))) && !equal(cA, canon(x, C));
      }),
      { numRuns: 40 },
    );
  });
});

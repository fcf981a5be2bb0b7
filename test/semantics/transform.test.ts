import { describe, expect, it } from "vitest";
import { evalTerm } from "../../src/numeric/evaluate.ts";
import { exact } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { claimModel } from "../../src/semantics/claim.ts";
import { analyticCorrespondences } from "../../src/semantics/correspondence.ts";
import { module } from "../helpers/module.ts";

/** The transformed parameters of the first claim, with W0 = [[1,2],[3,4],[5,6]], b0 = [7,8,9], W1 = [[10,11,12]], b1 = [13], c = 2. */
function transformed(text: string): Record<string, string[]> {
  const m = module(`network N = mlp(2 -> 3 -> 1, sigmoid)\n${text}`);
  expect(m.diagnostics).toEqual([]);
  const model = claimModel(m.claims[0]!);
  const base: Record<string, number[]> = { W0: [1, 2, 3, 4, 5, 6], b0: [7, 8, 9], W1: [10, 11, 12], b1: [13] };
  const value = (s: { key: string; kind: string; name?: string; index?: number }) => (s.kind === "param" ? Rational.of(base[s.name!]![s.index!]!) : Rational.of(2));
  const out: Record<string, string[]> = {};
  for (const [p, vs] of Object.entries(base)) out[p] = vs.map((_, i) => evalTerm(model.rhs.get(p, i), exact, value, () => Rational.ZERO).toString());
  return out;
}

describe("parameter transformations", () => {
  it("permute moves rows, biases and outgoing columns together", () => {
    expect(transformed("theorem t: N ~ N after permute N.h1 by (0 2)")).toEqual({ W0: ["5", "6", "3", "4", "1", "2"], b0: ["9", "8", "7"], W1: ["12", "11", "10"], b1: ["13"] });
  });
  it("scale multiplies the incoming row and bias and divides the outgoing column", () => {
    expect(transformed("symmetry s(c > 0) = scale N.h1[1] by c\ntheorem t: N ~ N after s")).toEqual({ W0: ["1", "2", "6", "8", "5", "6"], b0: ["7", "16", "9"], W1: ["10", "11/2", "12"], b1: ["13"] });
  });
  it("flip with bias correction adds the old outgoing column to the reader's bias", () => {
    expect(transformed("theorem t: N ~ N after flip N.h1[2] with bias correction")).toEqual({ W0: ["1", "2", "3", "4", "-5", "-6"], b0: ["7", "8", "-9"], W1: ["10", "11", "-12"], b1: ["25"] });
  });
  it("assignments are simultaneous: right-hand sides read the parameters before the step", () => {
    expect(transformed("theorem t: N ~ N after { W0[0,:] := W0[1,:]; W0[1,:] := W0[0,:] }").W0).toEqual(["3", "4", "1", "2", "5", "6"]);
  });
  it("steps apply in order", () => {
    expect(transformed("theorem t: N ~ N after permute N.h1 by (0 1) then { b0[0] := 100 }").b0).toEqual(["100", "7", "9"]);
  });
});

describe("correspondences", () => {
  it("follow permutations, scalings and flips of a symmetry", () => {
    const m = module("network N = mlp(2 -> 3 -> 1, sigmoid)\ntheorem t: N ~ N after permute N.h1 by (0 1) then flip N.h1[0] with bias correction");
    const c = analyticCorrespondences(m.claims[0]!)!.get("h1")!;
    expect(c.perm).toEqual([1, 0, 2]);
    expect(c.factor.map((f) => (f.t === "const" ? f.v.toString() : "?"))).toEqual(["-1", "1", "1"]);
    expect(c.shift.map((f) => (f.t === "const" ? f.v.toString() : "?"))).toEqual(["1", "0", "0"]);
  });
  it("are not derived for assignments (they are inferred instead)", () => {
    const m = module("network N = mlp(2 -> 3 -> 1, relu)\ntheorem t: N ~ N after { b1[0] := b1[0] }");
    expect(analyticCorrespondences(m.claims[0]!)).toBeNull();
  });
});

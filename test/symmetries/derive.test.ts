/**
 * What `derive` reads off a network's structure, without the solver: which factors each rule
 * proposes, and that it proposes none (and says why) where no rule applies.
 */
import { describe, expect, it } from "vitest";
import { derive } from "../../src/symmetries/derive.ts";
import { networkOf } from "./helpers.ts";

const groupsOf = (text: string, name = "N") => derive(networkOf(text, name)).candidates.map((c) => `${c.title}: ${c.group}`);

describe("derive", () => {
  it("an mlp with ReLU: one S_n and one (R_>0)^n per hidden layer, nothing else", () => {
    expect(groupsOf("network N = mlp(3 -> 4 -> 5 -> 2, relu)")).toEqual(["permute h1: S_4", "permute h2: S_5", "scale h1: (R_>0)^4", "scale h2: (R_>0)^5"]);
  });

  it("tanh gives flips and no scaling; sigmoid the corrected flip; an uninterpreted activation only permutations", () => {
    expect(groupsOf("network N = mlp(2 -> 3 -> 1, tanh)")).toEqual(["permute h1: S_3", "flip h1: {+-1}^3"]);
    expect(groupsOf("network N = mlp(2 -> 3 -> 1, sigmoid)")).toEqual(["permute h1: S_3", "flip h1 with bias correction: {+-1}^3"]);
    const d = derive(networkOf("activation sigma\nnetwork N = mlp(2 -> 3 -> 1, sigma)", "N"));
    expect(d.candidates.map((c) => c.kind)).toEqual(["permutation"]);
    expect(d.notClaimed.map((n) => n.where)).toEqual(["h1"]);
  });

  it("a ReLU unit read through max pooling gets no scaling, and the reason is given", () => {
    const text = "network N {\n input x[1, 4]\n param K[2, 1, 1], V[1, 2]\n h[o, i:4] = relu(sum[c] K[o, c, 0] * x[c, i])\n m[o, i:2] = max[a:2] h[o, 2 * i + a]\n out[r] = sum[o, i] V[r, o] * m[o, i]\n}";
    const d = derive(networkOf(text, "N"));
    expect(d.candidates.some((c) => c.kind === "scaling" && c.where.startsWith("h "))).toBe(false);
    expect(d.notClaimed.some((n) => n.where.startsWith("h axis o") && /relu/.test(n.reason))).toBe(true);
  });

  it("every candidate's claims are theorems and every control a refute", () => {
    const d = derive(networkOf("network N = mlp(2 -> 3 -> 1, leaky_relu(1/10))", "N"));
    for (const c of d.candidates) for (const cl of c.claims) expect(cl.text).toMatch(/(^|: )theorem /);
    for (const c of d.controls) expect(c.claim.text).toMatch(/^refute /);
    expect(d.controls.map((c) => c.of).sort()).toEqual(d.candidates.map((c) => c.id).sort());
  });

  it("attention: heads and within-head classes, the query/key and value/output actions; with RoPE, rotations instead", () => {
    const plain = "network N {\n input x[3, 4]\n param Wq[2, 2, 4], Wk[2, 2, 4], Wv[2, 2, 4], Wo[4, 2, 2]\n y = mha(x, Wq, Wk, Wv, Wo)\n out y\n}";
    expect(groupsOf(plain)).toEqual(["permute y.q axis heads: S_2", "permute y.q axis head_dim: S_2", "permute y.v axis head_dim: S_2", "W_Q A, W_K A^-T of y: GL(2)", "W_V B, B^-1 W_O of y: GL(2)"]);
    const rope = "network N {\n input x[3, 4]\n param Wq[1, 4, 4], Wk[1, 4, 4], Wv[1, 4, 4], Wo[4, 1, 4], C[3, 2], S[3, 2]\n y = mha(x, Wq, Wk, Wv, Wo, cos = C, sin = S)\n out y\n}";
    const g = groupsOf(rope);
    expect(g).toContain("rotate RoPE planes of y: SO(2)^2");
    expect(g.some((x) => x.startsWith("W_Q A"))).toBe(false);
    expect(g.some((x) => x.startsWith("permute y.q axis head_dim"))).toBe(false);
  });
});

/**
 * The symbolic strategy's rules, cross-checked (README, "The symbolic strategy"): every
 * claim it proves is also proved independently by the compositional strategy, and no
 * breakage is ever proved by it (the falsifier refutes those). Random MLPs exercise the read,
 * sum, add and activation rules (permutations, positive scalings, sign flips); random
 * convolutional and attention networks exercise them with padding, strides, batch and layer
 * normalisation (div), softmax (div, sum of exp), causal masks (guard). Worked examples below
 * take each rule's condition away one at a time. Negative controls show each law has teeth.
 */
import { afterAll, describe, expect, it } from "vitest";
import { resolveOptions } from "../../src/options.ts";
import { Session } from "../../src/session.ts";
import { brokenArb, render, validArb } from "./cases.ts";
import { lawAsync, negativeControlAsync, verdictOf } from "./law.ts";
import { renderTensor, tensorBrokenArb, tensorValidArb } from "./tensorCases.ts";
import { module } from "../helpers/module.ts";
import { push } from "../../src/symbolic/rules.ts";
import type { Actions, Atom, AxisAction } from "../../src/symbolic/actions.ts";

// Generous time limits: a verdict must not turn `unknown` because CI's two cores are busy
// (the independent compositional proofs with two 2 x 2 matrices take 2 s alone, 20 s loaded).
const symbolic = new Session(resolveOptions({ timeout: 120, jobs: 2, cache: false, strategy: "symbolic", falsify: false }).options);
const compositional = new Session(resolveOptions({ timeout: 120, jobs: 2, cache: false, strategy: "compositional", falsify: false }).options);
const auto = new Session(resolveOptions({ timeout: 120, jobs: 2, cache: false }).options);
afterAll(() => Promise.all([symbolic.close(), compositional.close(), auto.close()]));

/** MLP cases within the rule table (a sigmoid flip with bias correction is affine: not covered). */
const coveredMlp = validArb.filter((c) => !c.steps.some((s) => s.k === "flip" && s.correction));

describe("symbolic strategy: laws", () => {
  it("MLPs: every covered valid claim is proved symbolically, and independently by the compositional strategy", async () => {
    await lawAsync(
      "symbolic proves covered MLP symmetries, and compositional agrees",
      coveredMlp,
      async (c) => (await verdictOf(symbolic, render(c))) === "proved" && (await verdictOf(compositional, render(c))) === "proved",
      { numRuns: 12 },
    );
  }, 300_000);

  it("MLPs: a breakage is never proved symbolically, and is refuted", async () => {
    await lawAsync("symbolic never proves an MLP breakage", brokenArb, async (c) => (await verdictOf(symbolic, render(c, "refute"))) !== "proved" && (await verdictOf(auto, render(c, "refute"))) === "refuted", { numRuns: 12 });
  }, 300_000);

  it("negative control: 'symbolic never proves' fails on valid MLP claims", async () => {
    await negativeControlAsync("symbolic never proves (on valid MLPs)", coveredMlp, async (c) => (await verdictOf(symbolic, render(c))) !== "proved", { numRuns: 5 });
  }, 300_000);

  it("tensors: whatever the symbolic strategy proves, the compositional strategy proves too", async () => {
    let proved = 0;
    await lawAsync(
      "symbolic proofs of tensor symmetries agree with compositional ones",
      tensorValidArb,
      async (c) => {
        if ((await verdictOf(symbolic, renderTensor(c))) !== "proved") return true;
        proved++;
        return (await verdictOf(compositional, renderTensor(c))) === "proved";
      },
      { numRuns: 16 },
    );
    // Not vacuous: most of these are permutations and scalings the rules cover.
    expect(proved).toBeGreaterThanOrEqual(8);
  }, 300_000);

  it("tensors: a breakage is never proved symbolically", async () => {
    await lawAsync("symbolic never proves a tensor breakage", tensorBrokenArb, async (c) => (await verdictOf(symbolic, renderTensor(c, "refute"))) !== "proved", { numRuns: 16 });
  }, 300_000);

  it("negative control: 'symbolic never proves' fails on valid tensor claims", async () => {
    await negativeControlAsync("symbolic never proves (on valid tensor networks)", tensorValidArb, async (c) => (await verdictOf(symbolic, renderTensor(c))) !== "proved", { numRuns: 5 });
  }, 300_000);
});

/** Each rule, and the same claim with the rule's condition taken away. */
const RULES: { rule: string; valid: string; broken: string }[] = [
  {
    rule: "read and sum: the summed index is moved by the same bijection in every read",
    valid: "network N = mlp(2 -> 3 -> 2 -> 1, tanh)\ntheorem t: N ~ N after permute N.h1 by (0 2 1)\n",
    broken: "network N = mlp(2 -> 3 -> 2 -> 1, tanh)\nrefute t: N ~ N after permute rows of N.W0 by (0 2 1) then permute axis 0 of N.b0 by (0 2 1)\n",
  },
  {
    rule: "add and sum: a bias scaled with its unit, the factors cancel in the next layer",
    valid: "network N { input x[2]; param W[3, 2], b[3], V[1, 3]; h = relu(W x + b); out[k] = sum[o] V[k, o] * h[o] }\ntheorem t: N ~ N after scale N.h[1] by 3\n",
    broken: "network N { input x[2]; param W[3, 2], b[3], V[1, 3]; h = relu(W x + b); out[k] = sum[o] V[k, o] * h[o] }\nrefute t: N ~ N after scale N.h[1] by 3 then permute axis 0 of N.b by (0 1)\n",
  },
  {
    rule: "act: a positive factor through a positively homogeneous activation",
    valid: "network N = mlp(2 -> 3 -> 1, leaky_relu(1/10))\ntheorem t: N ~ N after scale N.h1[2] by 1/2\n",
    broken: "network N = mlp(2 -> 3 -> 1, tanh)\nrefute t: N ~ N after scale N.h1[2] by 1/2\n",
  },
  {
    rule: "act: a sign through an odd activation",
    valid: "network N = mlp(2 -> 3 -> 1, tanh)\ntheorem t: N ~ N after flip N.h1[0]\n",
    broken: "network N = mlp(2 -> 3 -> 1, relu)\nrefute t: N ~ N after flip N.h1[0]\n",
  },
  {
    rule: "max: channels permuted through max pooling",
    valid: "network N { input x[1, 4]; param K[2, 1, 2], V[1, 2]; h = relu(conv1d(x, K)); p = maxpool1d(h, kernel = 3); out V gap(p) }\ntheorem t: N ~ N after permute N.h by (0 1)\n",
    broken: "network N { input x[1, 4]; param K[2, 1, 2], V[1, 2]; h = relu(conv1d(x, K)); p = maxpool1d(h, kernel = 3); out V gap(p) }\nrefute t: N ~ N after permute axis 0 of N.K by (0 1)\n",
  },
  {
    rule: "div and guard: heads through softmax and a causal mask",
    valid: "network N { input x[3, 2]; param Wq[2, 1, 2], Wk[2, 1, 2], Wv[2, 1, 2], Wo[2, 2, 1]; y = mha(x, Wq, Wk, Wv, Wo, causal = 1); out y }\ntheorem t: N ~ N after permute N.y.q axis 0 by (0 1)\n",
    broken: "network N { input x[3, 2]; param Wq[2, 1, 2], Wk[2, 1, 2], Wv[2, 1, 2], Wo[2, 2, 1]; y = mha(x, Wq, Wk, Wv, Wo, causal = 1); out y }\nrefute t: N ~ N after permute axis 0 of N.Wq by (0 1)\n",
  },
  {
    rule: "div: layer normalisation over a permuted stream (one symbol for equal permutations)",
    valid: "network N { input x[2, 2]; param E[2, 3], g[3], e[3], V[3, 3]; s = x E; h = layernorm(s, g, e); out h V }\ntheorem t: N ~ N after permute axis 1 of N.E by (0 1 2) then permute axis 0 of N.g by (0 1 2) then permute axis 0 of N.e by (0 1 2) then permute axis 0 of N.V by (0 1 2)\n",
    broken: "network N { input x[2, 2]; param E[2, 3], g[3], e[3], V[3, 3]; s = x E; h = layernorm(s, g, e); out h V }\nrefute t: N ~ N after permute axis 1 of N.E by (0 1 2) then permute axis 0 of N.g by (0 1 2) then permute axis 0 of N.V by (0 1 2)\n",
  },
  {
    rule: "pair: a sum over a product under A and A^-T (queries and keys)",
    valid: "network N { input x[3, 3]; param Wq[2, 2, 3], Wk[2, 2, 3], Wv[2, 2, 3], Wo[3, 2, 2]; y = mha(x, Wq, Wk, Wv, Wo); out y }\nsymmetry qk(M[2, 2] invertible) = multiply axis 1 of Wq by M then multiply axis 1 of Wk by transpose(inverse(M))\ntheorem t: N ~ N after qk\n",
    broken: "network N { input x[3, 3]; param Wq[2, 2, 3], Wk[2, 2, 3], Wv[2, 2, 3], Wo[3, 2, 2]; y = mha(x, Wq, Wk, Wv, Wo); out y }\nsymmetry qk(M[2, 2] invertible) = multiply axis 1 of Wq by M then multiply axis 1 of Wk by inverse(M)\nrefute t: N ~ N after qk\n",
  },
  {
    rule: "linear: a bias moved with its weights (queries and keys with biases)",
    valid: "network N { input x[3, 4]; param Wq[1, 2, 4], Wk[1, 2, 4], Wv[1, 2, 4], Wo[4, 1, 2], bq[1, 2], bk[1, 2]; y = mha(x, Wq, Wk, Wv, Wo, bq = bq, bk = bk); out y }\nsymmetry s(M[2, 2] invertible) = multiply axis 1 of Wq by M then multiply axis 1 of bq by M then multiply axis 1 of Wk by transpose(inverse(M)) then multiply axis 1 of bk by transpose(inverse(M))\ntheorem t: N ~ N after s\n",
    broken: "network N { input x[3, 4]; param Wq[1, 2, 4], Wk[1, 2, 4], Wv[1, 2, 4], Wo[4, 1, 2], bq[1, 2], bk[1, 2]; y = mha(x, Wq, Wk, Wv, Wo, bq = bq, bk = bk); out y }\nsymmetry s(M[2, 2] invertible) = multiply axis 1 of Wq by M then multiply axis 1 of Wk by transpose(inverse(M)) then multiply axis 1 of bk by transpose(inverse(M))\nrefute t: N ~ N after s\n",
  },
  {
    rule: "linear: through a sum over another index (values, the attention-weighted sum, outputs)",
    valid: "network N { input x[3, 4]; param Wq[2, 2, 4], Wk[2, 2, 4], Wv[2, 2, 4], Wo[4, 2, 2]; y = mha(x, Wq, Wk, Wv, Wo); out y }\nsymmetry vo(B[2, 2] invertible) = multiply axis 1 of Wv by B then multiply axis 2 of Wo by transpose(inverse(B))\ntheorem t: N ~ N after vo\n",
    broken: "network N { input x[3, 4]; param Wq[2, 2, 4], Wk[2, 2, 4], Wv[2, 2, 4], Wo[4, 2, 2]; y = mha(x, Wq, Wk, Wv, Wo); out y }\nsymmetry vo(B[2, 2] invertible) = multiply axis 1 of Wv by B then multiply axis 2 of Wo by inverse(B)\nrefute t: N ~ N after vo\n",
  },
];

/** The rule table on hand-made actions: a condition taken away is caught by its own rule. */
describe("symbolic strategy: rules on hand-made actions", () => {
  const net = module("network N { input x[2]; param W[3, 2], b[3], V[1, 3]; h = relu(W x + b); p[k] = sum[o] V[k, o] * h[o]; out p }\n").networks.get("N")!;
  const d = (exp: number): Atom => ({ id: "d1", cls: "pos", prefix: [], exp, label: "c" });
  const act = (params: [string, AxisAction[]][]): Actions => ({ params: new Map(params), perms: new Map(), diags: new Map([["d1", { cls: "pos", label: "c" }]]) });
  const scaled = (exp: number): AxisAction => ({ perm: [], atoms: [d(exp)] });
  const plain: AxisAction = { perm: [], atoms: [] };

  it("sum: producers and consumers scaled, the factors cancel", () => {
    const r = push(net, act([["W", [scaled(1), plain]], ["b", [scaled(1)]], ["V", [plain, scaled(-1)]]]));
    expect(r.ok).toBe(true);
  });
  it("negative control, sum: consumers not scaled, the factors do not cancel", () => {
    const r = push(net, act([["W", [scaled(1), plain]], ["b", [scaled(1)]]]));
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("do not cancel") });
  });
  it("negative control, add: the bias not scaled with its unit", () => {
    const r = push(net, act([["W", [scaled(1), plain]], ["V", [plain, scaled(-1)]]]));
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("different factors") });
  });
  it("negative control, read: a moved kernel-tap axis, whose index also shifts the unmoved input", () => {
    const conv = module("network C { input x[1, 4]; param K[2, 1, 2], V[1, 2]; h = relu(conv1d(x, K)); out V gap(h) }\n").networks.get("C")!;
    // K[o, c, a] moves the tap a, but x[c, i + a] reads the input (never moved) at it.
    const r = push(conv, { params: new Map([["K", [plain, plain, { perm: ["P1"], atoms: [] }]]]), perms: new Map([["P1", "p"]]), diags: new Map() });
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/index \S+ is moved by (P1|no permutation) in one place and by (P1|no permutation) in/) });
  });
  it("negative control, read: a moved axis read at a shifted index", () => {
    const shifted = module("network S { input x[3]; param W[3, 3], V[1, 3]; h[o] = relu(sum[i] W[o, i] * x[i]); g[o:2] = h[o + 1]; out[k] = sum[o] V[k, o] * g[o] }\n").networks.get("S")!;
    const r = push(shifted, { params: new Map([["W", [{ perm: ["P1"], atoms: [] }, plain]]]), perms: new Map([["P1", "p"]]), diags: new Map() });
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("only a bare index") });
  });
  it("negative control, max: a factor through a max", () => {
    const pool = module("network Q { input x[1, 4]; param K[2, 1, 2], V[1, 2]; h = relu(conv1d(x, K)); p = maxpool1d(h, kernel = 2); out V gap(p) }\n").networks.get("Q")!;
    const r = push(pool, act([["K", [scaled(1), plain, plain]], ["V", [plain, scaled(-1)]]]));
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("a max over") });
  });
});

describe("symbolic strategy: each rule and its condition", () => {
  for (const r of RULES) {
    it(r.rule, async () => {
      expect(await verdictOf(symbolic, r.valid), "symbolic").toBe("proved");
      // A fresh solver for the independent proof: Z3's time on these nonlinear identities
      // varies with what a worker solved before (seconds fresh, minutes after the laws above).
      const fresh = new Session(resolveOptions({ timeout: 120, jobs: 2, cache: false, strategy: "compositional", falsify: false }).options);
      try {
        expect(await verdictOf(fresh, r.valid), "compositional, independently").toBe("proved");
      } finally {
        await fresh.close();
      }
      // Negative control: the rule's condition taken away.
      expect(await verdictOf(symbolic, r.broken), "symbolic on the broken claim").not.toBe("proved");
      expect(await verdictOf(auto, r.broken), "the broken claim is refuted").toBe("refuted");
    }, 600_000);
  }
});

describe("symbolic strategy: reports", () => {
  it("a claim it does not cover says why, and auto goes on", async () => {
    const text = "network N = mlp(2 -> 3 -> 1, sigmoid)\ntheorem t: N ~ N after flip N.h1[0] with bias correction\n";
    expect(await verdictOf(symbolic, text)).toBe("unknown");
    expect(await verdictOf(auto, text)).toBe("proved");
  }, 60_000);
});

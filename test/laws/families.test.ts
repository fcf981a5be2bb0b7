/**
 * Parametric elaboration (README, "Whole-group and every-width claims"): a network family's
 * definitions differ between sizes in their sizes only, so its skeleton (what the symbolic
 * rules read) is the same at every size. Checked for every operation at sizes 1..6; the
 * negative controls show the skeleton does see the differences the rules depend on.
 */
import { describe, expect, it } from "vitest";
import { networkSkeleton } from "../../src/symbolic/skeleton.ts";
import { module } from "../helpers/module.ts";

/** Families over one size n, one per operation (and the forms users write). */
const FAMILIES: Record<string, string> = {
  mlp: "network F(n) = mlp(3 -> n -> n -> 2, relu)",
  "linear and residual": "network F(n) { input x[2, 3]; param E[n, 3], A[n, n], a[n], U[2, n]; s = linear(x, E); u = relu(linear(s, A, a)); t = s + u; out linear(t, U) }",
  "index notation": "network F(n) { input x[3]; param W[n, 3], V[1, n]; h[o] = tanh(sum[i] W[o, i] * x[i]); out[k] = sum[o] V[k, o] * h[o] }",
  conv1d: "network F(n) { input x[2, 7]; param K[n, 2, 3], b[n], V[1, n]; h = relu(conv1d(x, K, b, padding = 1, stride = 2)); out V gap(h) }",
  "conv2d, pools and batch norm": "network F(n) { input x[2, 6, 6]; param K[n, 2, 3, 3], m[n], v[n], g[n], e[n], V[1, n]; h = relu(batchnorm(conv2d(x, K, padding = 1), m, v, g, e)); p = avgpool2d(maxpool2d(h, kernel = 2), kernel = 3); out V gap(p) }",
  "layer and RMS norm": "network F(n) { input x[3, n]; param g[n], e[n], g2[n], W[2, n]; h = rmsnorm(layernorm(x, g, e), g2); out linear(h, W) }",
  "attention, heads": "network F(n) { input x[3, 4]; param Wq[n, 2, 4], Wk[n, 2, 4], Wv[n, 2, 4], Wo[4, n, 2]; y = mha(x, Wq, Wk, Wv, Wo, causal = 1); out y }",
  "attention, head dimension": "network F(n) { input x[3, 4]; param Wq[2, n, 4], Wk[2, n, 4], Wv[2, n, 4], Wo[4, 2, n]; y = mha(x, Wq, Wk, Wv, Wo); out y }",
  "grouped-query attention with RoPE": "network F(n) { input x[3, 4]; param Wq[n, 2, 2, 4], Wk[n, 2, 4], Wv[n, 2, 4], Wo[4, n, 2, 2], C[3, 1], S[3, 1]; y = gqa(x, Wq, Wk, Wv, Wo, causal = 1, cos = C, sin = S); out y }",
  softmax: "network F(n) { input x[2]; param W[n, 2], b[n]; out softmax(W x + b) }",
  "gated MLP": "network F(n) { input x[2, 3]; param Wg[n, 3], Wu[n, 3], Wd[3, n]; m = silu(linear(x, Wg)) * linear(x, Wu); out linear(m, Wd) }",
};

const skeletonAt = (family: string, n: number): string => {
  const m = module(`${family}\ntheorem t: F(${n}) ~ F(${n})\n`);
  const errors = m.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`F(${n}) does not elaborate: ${errors.map((d) => d.message).join("; ")}`);
  return networkSkeleton(m.claims[0]!.lhs);
};

describe("parametric elaboration: the skeleton of a family does not depend on its size", () => {
  for (const [op, family] of Object.entries(FAMILIES)) {
    it(op, () => {
      const first = skeletonAt(family, 1);
      for (let n = 2; n <= 6; n++) expect(skeletonAt(family, n), `${op} at n=${n}`).toBe(first);
    });
  }
});

describe("negative controls: the skeleton sees what the rules depend on", () => {
  const base = "network F(n) { input x[3]; param W[n, 3], b[n], V[1, n]; h = relu(W x + b); out V h }";
  const variants: Record<string, string> = {
    "another activation": base.replace("relu", "tanh"),
    "a bias left out": "network F(n) { input x[3]; param W[n, 3], b[n], V[1, n]; h = relu(W x); out V h }",
    "a negative constant": base.replace("W x + b", "W x - 2"),
    "a shifted read": "network F(n) { input x[3]; param W[n, 3], b[n], V[1, n]; h[o] = relu(sum[i] W[o, i] * x[i] + b[o]); g[o:n] = h[o + 1]; out[k] = sum[o] V[k, o] * g[o] }",
    "another parameter read": "network F(n) { input x[3]; param W[n, 3], b[n], V[1, n]; h = relu(W x + b); out V h + V b }",
  };
  for (const [what, variant] of Object.entries(variants)) {
    it(what, () => {
      expect(skeletonAt(variant, 3)).not.toBe(skeletonAt(base, 3));
    });
  }
});

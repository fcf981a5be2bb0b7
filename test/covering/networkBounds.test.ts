/**
 * Covering bounds for any network: Lemma 1's Lambda from the per-layer factors
 * (networkLipschitz) bounds the change of f on random convolutional, residual, normalised and
 * attention networks; it is tight on affine layers, where a Lambda that forgets the bias is
 * caught (negative control); networks without a rigorous constant are refused, naming the
 * tensor; and bound statements on such networks give consistent quantities.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check.ts";
import { resolveOptions } from "../../src/options.ts";
import { networkLipschitz } from "../../src/covering/networkLipschitz.ts";
import { networkQuantities, permutationClasses } from "../../src/covering/networkQuantities.ts";
import type { Network } from "../../src/elaborate/types.ts";
import { evaluateNetwork } from "../../src/numeric/evaluate.ts";
import { float64 } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { realisations } from "../../src/numeric/realise.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { law, negativeControl } from "../laws/law.ts";
import { networkOf } from "../symmetries/helpers.ts";

/** Network templates: text for sizes (a, b, c), and whether aligned draws make Lambda tight. */
const TEMPLATES: readonly { name: string; text: (a: number, b: number, c: number) => string; tight: boolean }[] = [
  { name: "affine", tight: true, text: (a, b) => `network N { input x[${a}]; param W[${b}, ${a}], d[${b}]; out[o] = sum[k] W[o, k] * x[k] + d[o] }` },
  { name: "conv", tight: true, text: (a, b, c) => `network N { input x[${a}, ${c + 2}]; param K[${b}, ${a}, 3], e[${b}]; out[o, i:${c + 2}] = relu(sum[ch, t] K[o, ch, t] * x[ch, i + t - 1] + e[o]) }` },
  {
    name: "cnn",
    tight: false,
    text: (a, b, c) => `network N { input x[${a}, 2 * ${c} + 2]; param K[${b}, ${a}, 3], e[${b}], V[2, ${b}]; h[o, i:${2 * c + 2}] = tanh(sum[ch, t] K[o, ch, t] * x[ch, i + t - 1] + e[o]); m[o, i:${c + 1}] = max[t:2] h[o, 2 * i + t]; out[r] = sum[o, i] V[r, o] * m[o, i] }`,
  },
  {
    name: "residual",
    tight: false,
    text: (a, b) => `network N { input x[${a}]; param W1[${b}, ${a}], b1[${b}], W2[${a}, ${b}], g[${a}], be[${a}]; h = sigmoid(W1 x + b1); s = x + W2 h; out layernorm(s, g, be, eps = 1/10) }`,
  },
  {
    name: "attention",
    tight: false,
    text: (a, b) => `network N { input x[${a}, 4]; param Wq[2, ${b}, 4], Wk[2, ${b}, 4], Wv[2, ${b}, 4], Wo[4, 2, ${b}]; out mha(x, Wq, Wk, Wv, Wo) }`,
  },
];

interface Draw {
  readonly t: number;
  readonly sizes: [number, number, number];
  readonly B: number;
  readonly seed: number;
  readonly aligned: boolean;
}

const drawArb: fc.Arbitrary<Draw> = fc.record({
  t: fc.integer({ min: 0, max: TEMPLATES.length - 1 }),
  sizes: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  B: fc.constantFrom(0.5, 1, 2),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  aligned: fc.boolean(),
});

const nets = new Map<string, Network>();
function netOf(d: Draw): Network {
  const text = TEMPLATES[d.t]!.text(...d.sizes);
  let n = nets.get(text);
  if (!n) nets.set(text, (n = networkOf(text, "N")));
  return n;
}

const act = (a: Parameters<typeof realisations>[0], z: number) => realisations(a)[0]!.float(z);

/**
 * The largest ||f_theta(x) - f_theta'(x)||_inf / ||theta - theta'||_inf over a few inputs in
 * [0, 1]^n: random theta in the box and a small perturbation, or the aligned pair
 * (B (1 - 1e-6) everywhere, B everywhere) with the all-ones input, where affine layers attain Lambda.
 */
function observedQuotient(net: Network, d: Draw): number {
  const rng = new Rng(d.seed);
  const sizes = new Map(net.params.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1)]));
  const theta = new Map<string, number[]>();
  const other = new Map<string, number[]>();
  let delta = 0;
  for (const [name, n] of sizes) {
    const a = Array.from({ length: n }, () => (d.aligned ? d.B * (1 - 1e-6) : (rng.next() * 2 - 1) * d.B));
    const b = a.map((v) => (d.aligned ? d.B : Math.max(-d.B, Math.min(d.B, v + (rng.next() * 2 - 1) * 1e-3))));
    a.forEach((v, i) => (delta = Math.max(delta, Math.abs(v - b[i]!))));
    theta.set(name, a);
    other.set(name, b);
  }
  const n = net.input.shape.reduce((a, b) => a * b, 1);
  let worst = 0;
  for (let k = 0; k < 4; k++) {
    const x = Array.from({ length: n }, () => (d.aligned || k === 0 ? 1 : rng.next()));
    const f = evaluateNetwork(net, (p, i) => theta.get(p)![i]!, x, float64, act).output;
    const g = evaluateNetwork(net, (p, i) => other.get(p)![i]!, x, float64, act).output;
    f.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - g[i]!) / delta)));
  }
  return worst;
}

describe("Lemma 1 for any network (networkLipschitz)", () => {
  it("bounds the change of f on random CNN, residual/layer-norm and attention networks", () => {
    law("network Lambda bounds |f_theta - f_theta'| / |theta - theta'|", drawArb, (d) => {
      const lip = networkLipschitz(netOf(d), d.B);
      if ("refusal" in lip) return false;
      // 1e-6 relative slack for float64 evaluation of the quotient.
      return Math.log10(observedQuotient(netOf(d), d)) <= lip.log10Lambda + 1e-6;
    }, { numRuns: 60 });
  });

  it("is attained on affine layers with aligned parameters; a Lambda without the bias term fails (negative control)", () => {
    const tight = drawArb.filter((d) => TEMPLATES[d.t]!.tight).map((d) => ({ ...d, aligned: true }));
    law("Lambda is within 1e-4 of the observed quotient on aligned affine draws", tight, (d) => {
      const lip = networkLipschitz(netOf(d), d.B) as { log10Lambda: number };
      return lip.log10Lambda - Math.log10(observedQuotient(netOf(d), d)) < 1e-4;
    }, { numRuns: 20 });
    negativeControl("Lambda times k/(k + 1) (the bias's share forgotten) bounds the quotient", tight, (d) => {
      const lip = networkLipschitz(netOf(d), d.B) as { log10Lambda: number };
      const k = d.t === 0 ? d.sizes[0] : d.sizes[0] * 3;
      const broken = lip.log10Lambda + Math.log10(k / (k + 1));
      return Math.log10(observedQuotient(netOf(d), d)) <= broken + 1e-6;
    }, { numRuns: 20, minFailureShare: 0.9 });
  });
});

describe("refusals", () => {
  it("batch norm's running variance can make var + eps vanish in the box: refused, naming the tensor; without it, accepted", () => {
    const bn = networkOf("network N { input x[2, 3]; param K[2, 2, 1], m[2], v[2], g[2], e[2]; h = conv1d(x, K); out batchnorm(h, m, v, g, e) }", "N");
    const r = networkLipschitz(bn, 1);
    expect("refusal" in r && r.refusal).toMatch(/^the output of N: rsqrt of a value that is not provably positive/);
    const plain = networkOf("network N { input x[2, 3]; param K[2, 2, 1]; out conv1d(x, K) }", "N");
    expect("log10Lambda" in networkLipschitz(plain, 1)).toBe(true);
  });

  it("causal attention (a masked softmax denominator) is refused; without the mask it is accepted", () => {
    const text = (causal: number) => `network N { input x[3, 4]; param Wq[2, 2, 4], Wk[2, 2, 4], Wv[2, 2, 4], Wo[4, 2, 2]; out mha(x, Wq, Wk, Wv, Wo, causal = ${causal}) }`;
    const r = networkLipschitz(networkOf(text(1), "N"), 1);
    expect("refusal" in r && r.refusal).toMatch(/division by a value that is not provably positive/);
    expect("log10Lambda" in networkLipschitz(networkOf(text(0), "N"), 1)).toBe(true);
  });

  it("an activation without a known constant is refused", () => {
    const r = networkLipschitz(networkOf("activation s\nnetwork N { input x[2]; param W[2, 2]; out s(W x) }", "N"), 1);
    expect("refusal" in r && r.refusal).toMatch(/the activation s has no known Lipschitz constant/);
  });
});

describe("bound statements on any network", () => {
  const CNN = "network C { input x[2, 6, 6]; param K1[3, 2, 3, 3], b1[3], K2[4, 3, 3, 3], b2[4], V[2, 4], c[2]; h1 = relu(conv2d(x, K1, b1, padding = 1)); h2 = relu(conv2d(maxpool2d(h1, kernel = 2), K2, b2, padding = 1)); out V gap(h2) + c }";

  it("the group is the product of the free classes' factorials, sorted by their biases; the volume is its inverse", () => {
    const net = networkOf(CNN, "C");
    expect(permutationClasses(net).map((c) => [c.size, c.key])).toEqual([
      [3, "b1"],
      [4, "b2"],
    ]);
    const q = networkQuantities(net, Rational.ONE, Rational.of(1, 100), 20_000, new Rng(3));
    if ("refusal" in q) throw new Error(q.refusal);
    expect(q.values.log10_group_order).toBeCloseTo(Math.log10(6 * 24), 12);
    expect(q.volumeExact!.toString()).toBe(`1/${6 * 24}`);
    expect(q.values.volume_mc_low).toBeLessThanOrEqual(1 / 144);
    expect(q.values.volume_mc_high).toBeGreaterThanOrEqual(1 / 144);
    expect(q.values.log10_gain).toBeGreaterThan(0);
    expect(q.values.log10_gain).toBeLessThanOrEqual(q.values.log10_group_order);
    expect(q.values.log10_reduced).toBeLessThan(q.values.log10_classical);
  });

  it("check() decides them; a refused network is a located ELB017 error", async () => {
    const text = `${CNN}\nnetwork R { input x[2, 3]; param K[2, 2, 1], m[2], v[2], g[2], e[2]; out batchnorm(conv1d(x, K), m, v, g, e) }\nbound ok: C with samples = 1000 assert log10_reduced < log10_classical and log10_gain <= log10_group_order\nbound wrong: C with samples = 1000 assert log10_gain > log10_group_order\nbound refused: R\n`;
    const report = await check([{ path: "b.neq", text }], resolveOptions({ jobs: 1, cache: false }).options);
    const file = report.files[0]!;
    expect(file.claims.map((c) => [c.name, c.verdict])).toEqual([
      ["ok", "holds"],
      ["wrong", "fails"],
      ["refused", "error"],
    ]);
    const d = file.diagnostics.find((x) => x.code === "ELB017")!;
    expect(d.message).toMatch(/^no rigorous covering bound is known for R: the output of R: rsqrt/);
    expect(d.line).toBe(5);
  });
});

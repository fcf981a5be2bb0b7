/**
 * `neteq import` of multi-head attention: a block whose heads are split by Reshape/Transpose
 * and shape chains (as PyTorch exports hand-written attention) becomes `mha` with the weights
 * read per head, so that `neteq symmetries` derives for it exactly the generators it derives
 * for the same block written by hand (golden: test/import/expected/); the checker proves them
 * and refutes their controls. Near misses are imported node by node (heads as a strided read,
 * with a note) or refused with the node named, never given a head structure; every import
 * still computes the ONNX graph's function.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { OnnxError, type ImportResult } from "../../src/import/onnx.ts";
import type { Derivation } from "../../src/symmetries/types.ts";
import { derive } from "../../src/symmetries/derive.ts";
import { networkOf, proveText } from "../symmetries/helpers.ts";
import { transformerHeads } from "./fixtures/generate.ts";
import { importBytes, roundTripError, TOLERANCE } from "./helpers.ts";

const EXPECTED = path.join(path.dirname(new URL(import.meta.url).pathname), "expected");

/** The block of fixtures/transformer_heads.onnx written by hand, in the language's split-head form. */
const HAND = `network Hand {
  input x[3, 8]
  param g1[8], be1[8], Wq[2, 4, 8], Wk[2, 4, 8], Wv[2, 4, 8], Wo[8, 2, 4], bq[2, 4], bk[2, 4], bv[2, 4], bo[8], g2[8], be2[8], W1[8, 6], c1[6], W2[6, 8], c2[8]
  a = mha(layernorm(x, g1, be1), Wq, Wk, Wv, Wo, bq = bq, bk = bk, bv = bv, bo = bo)
  s1 = x + a
  n2 = layernorm(s1, g2, be2)
  u[t:3, j:6] = relu(sum[k:8] n2[t, k] * W1[k, j] + c1[j])
  out[t:3, d:8] = s1[t, d] + sum[j:6] u[t, j] * W2[j, d] + c2[d]
}
`;
/** The hand-written parameters' ONNX initializers. */
const HAND_PARAMS: Record<string, string> = {
  g1: "ln1.weight", be1: "ln1.bias", Wq: "attn.q.weight", Wk: "attn.k.weight", Wv: "attn.v.weight", Wo: "attn.out.weight",
  bq: "attn.q.bias", bk: "attn.k.bias", bv: "attn.v.bias", bo: "attn.out.bias", g2: "ln2.weight", be2: "ln2.bias",
  W1: "mlp.fc1.weight", c1: "mlp.fc1.bias", W2: "mlp.fc2.weight", c2: "mlp.fc2.bias",
};

/** A derivation's generators and controls with parameters by their ONNX names and tensors by role: comparable across the two networks. */
function table(d: Derivation, params: (p: string) => string, tensors: Record<string, string>): string {
  // Whole words only: "a" is the hand-written attention, not a letter of "attention".
  const t = (s: string) => s.replace(/\b[A-Za-z_0-9]+\b/g, (w) => tensors[w] ?? w);
  const rows = d.candidates.map((c) => `${c.kind} | ${t(c.where)} | ${c.group} | ${c.moves.map((m) => `${params(m.param)}:${m.axis}`).join(", ")}`);
  const controls = d.controls.map((c) => `control | ${t(c.description).replace(/\b[A-Za-z_0-9]+(?=:\d)/g, (p) => params(p))}`);
  return [...rows, ...controls].join("\n") + "\n";
}

const importedTable = (result: ImportResult, d: Derivation): string => {
  const onnx = new Map(result.names.map((n) => [n.neq, n.onnx]));
  return table(d, (p) => onnx.get(p) ?? p, { attn_out_Add_output_0: "attention", mlp_act_Relu_output_0: "mlp" });
};

function golden(name: string, actual: string): void {
  const file = path.join(EXPECTED, name);
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, actual);
  expect(actual).toBe(fs.readFileSync(file, "utf8"));
}

describe("attention split by Reshape/Transpose and shape chains", () => {
  const bytes = transformerHeads();

  it("is written as mha with the weights read per head", () => {
    const { result } = importBytes(bytes, "block.onnx");
    expect(result.text).toMatch(/= mha\(ln1_LayerNormalization_output_0, attn_q_weight, attn_k_weight, attn_v_weight, attn_out_weight, bq = attn_q_bias, bk = attn_k_bias, bv = attn_v_bias, bo = attn_out_bias\)/);
    expect(result.text).toContain("attn_q_weight[2, 4, 8]");
    expect(result.text).toContain("attn_out_weight[8, 2, 4]");
    expect(result.text).toContain('attn_q_weight <- "attn.q.weight" [2, 4, 8] per head: entry [i, j, k] = ONNX [k, 4 i + j]');
    expect(result.text).toContain('attn_out_weight <- "attn.out.weight" [8, 2, 4] per head: entry [i, j, k] = ONNX [4 j + k, i]');
    expect(result.text).toContain('attn_q_bias <- "attn.q.bias" [2, 4] per head: entry [i, j] = ONNX [4 i + j]');
    expect(result.notes).toEqual([]);
  });

  it("is written the same with the scale as a Mul by 1/2 (constant first), and computes the graph's function", () => {
    const mul = transformerHeads({ multiplier: 0.5 });
    expect(importBytes(mul, "mul.onnx").result.text).toContain("= mha(");
    expect(roundTripError(mul, "mul.onnx", [3, 8])).toBeLessThanOrEqual(TOLERANCE);
  });

  it("with one token (T = 1, the biases broadcast over a size-1 axis) is written as mha and computes the graph's function", () => {
    const one = transformerHeads({ tokens: 1 });
    expect(importBytes(one, "t1.onnx").result.text).toContain("= mha(");
    expect(roundTripError(one, "t1.onnx", [1, 8])).toBeLessThanOrEqual(TOLERANCE);
    expect(roundTripError(one, "t1.onnx", [1, 8], 2, { ignoreLayout: true })).toBeGreaterThan(1e-3);
  });

  it("imports to the reviewed .neq text (golden)", () => {
    golden("transformer_heads.neq", importBytes(bytes, "transformer_heads.onnx").result.text);
  });

  it(`computes the ONNX graph's function (relative error <= ${TOLERANCE}); the weights in ONNX's layout do not`, () => {
    expect(roundTripError(bytes, "block.onnx", [3, 8])).toBeLessThanOrEqual(TOLERANCE);
    expect(roundTripError(bytes, "block.onnx", [3, 8], 2, { ignoreLayout: true })).toBeGreaterThan(1e-3);
  });

  it("derives the generators of the same block written by hand (golden), heads included", () => {
    const { result, net } = importBytes(bytes, "block.onnx");
    const imported = importedTable(result, derive(net));
    const hand = table(derive(networkOf(HAND, "Hand")), (p) => HAND_PARAMS[p] ?? p, { a: "attention", u: "mlp" });
    expect(imported).toBe(hand);
    expect(imported).toContain("permutation | attention.q axis heads | S_2 | attn.q.weight:0, attn.k.weight:0, attn.v.weight:0, attn.out.weight:1, attn.q.bias:0, attn.k.bias:0, attn.v.bias:0");
    golden("transformer_heads.generators.txt", imported);
  });

  it("the checker proves every generator of the imported block (heads, within-head matrices, MLP units) and refutes every control", async () => {
    const { result, net } = importBytes(bytes, "block.onnx");
    const d = derive(net);
    const report = await proveText(result.text, d);
    expect(report.generators.map((g) => `${g.title}: ${g.verdict}`)).toEqual(d.candidates.map((c) => `${c.title}: proved`));
    expect(report.controls.map((k) => `${k.description}: ${k.ok}`)).toEqual(d.controls.map((k) => `${k.description}: true`));
  }, 240_000);
});

describe("near misses of the attention pattern: node by node, with a note, or refused; never a head structure", () => {
  const fallback = (bytes: Uint8Array, dims: number[], ...parts: string[]) => {
    const { result, net } = importBytes(bytes, "near.onnx");
    expect(result.text).not.toContain("mha(");
    expect(result.notes).toHaveLength(1);
    for (const p of parts) expect(result.notes[0]).toContain(p);
    expect(result.text).toContain(`// note: ${result.notes[0]}`);
    expect(derive(net).candidates.filter((c) => c.where.includes("heads") || c.kind === "queryKey" || c.kind === "valueOutput")).toEqual([]);
    expect(roundTripError(bytes, "near.onnx", dims)).toBeLessThanOrEqual(TOLERANCE);
  };

  it("scores divided by 3, not sqrt(4): mha would be another function", () => {
    fallback(transformerHeads({ divisor: 3 }), [3, 8], 'node "/attn/softmax/Softmax" (Softmax)', "scaled by", "1/sqrt(4) = 1/2");
  });

  it("queries left as [batch, tokens, heads, head_dim] (Transpose [0, 1, 2, 3]): tokens and heads would be confused", () => {
    // With 2 tokens and 2 heads the graph is still well formed: a different (valid) function.
    fallback(transformerHeads({ tokens: 2, qPerm: [0, 1, 2, 3] }), [2, 8], "q: the heads are rearranged by [0, 1, 2, 3], not [0, 2, 1, 3]");
  });

  it("keys projected by the query weight (one initializer, two MatMuls): the per-head layout would be declared twice", () => {
    fallback(transformerHeads({ sharedKey: true }), [3, 8], 'q: node "/attn/q/MatMul" (MatMul) does not multiply by a weight of dims [8, 8] used only there');
  });

  it("the committed transformer fixture divides by float32(sqrt 2) and keeps the strided heads", () => {
    const { result } = importBytes(new Uint8Array(fs.readFileSync(path.join(EXPECTED, "..", "fixtures", "transformer.onnx"))), "transformer.onnx");
    expect(result.notes.join()).toContain("mha scales by exactly 1/sqrt(2)");
  });

  it("3 heads of a width of 8: the folded target [batch, 3, 3, 2] is refused at the Reshape", () => {
    expect(() => importBytes(transformerHeads({ heads: 3 }), "near.onnx")).toThrow(OnnxError);
    expect(() => importBytes(transformerHeads({ heads: 3 }), "near.onnx")).toThrow(/node "\/attn\/q\/Reshape" \(Reshape\): the data dims \[3, 8\] cannot be reshaped to \[3, 3, 2\]/);
  });
});

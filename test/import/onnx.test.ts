/**
 * `neteq import`: the committed fixtures round-trip. Each imported network elaborates, its
 * derived symmetry generators are the ones its architecture has, and on random inputs it
 * computes what an independent float64 evaluator of the ONNX graph computes (with a negative
 * control: one weight moved must change the output). Models outside the subset are refused
 * with the op type and node name, and the CLI reports them as CLI001 with exit 2.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { importOnnx, onnxInitializers } from "../../src/import/onnx.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { derive } from "../../src/symmetries/derive.ts";
import { proveText } from "../symmetries/helpers.ts";
import { cli as runCli } from "../helpers/cli.ts";
import { attr, FIXTURE_DIR, FIXTURES, Graph, valueInfo } from "./fixtures/generate.ts";
import { evaluateOnnx } from "./reference.ts";
import { importBytes, neqOutput, roundTripError, SEED, TOLERANCE, refused } from "./helpers.ts";

const imported = (file: string) => importBytes(new Uint8Array(fs.readFileSync(path.join(FIXTURE_DIR, file))), file);

const CASES = [
  { file: "mlp.onnx", dims: [4], generators: ["permute act1_Relu_output_0 S_6", "permute act2_Tanh_output_0 S_5", "scale act1_Relu_output_0 (R_>0)^6", "flip act2_Tanh_output_0 {+-1}^5"] },
  // Conv1's channels are tied through batch norm to its statistics; ReLU scaling is not
  // claimed (batch norm sits between conv1 and its ReLU, global pooling reads conv2's ReLU).
  { file: "cnn.onnx", dims: [2, 6, 6], generators: ["permute conv1_Conv_output_0 axis i S_3", "permute act2_Relu_output_0 axis i S_4"] },
  // The residual stream reaches the input and the scores are divided by float32(sqrt 2), not
  // sqrt 2, so the heads stay a strided read (with a note): only the MLP's units move.
  { file: "transformer.onnx", dims: [3, 4], generators: ["permute mlp_act_Relu_output_0 axis j S_8", "scale mlp_act_Relu_output_0 axis j (R_>0)^8"] },
  // x.view(x.size(0), -1) folded: the classifier reads the flattened channels at a stride,
  // so (as for any flatten into a dense layer) no channel permutation is derived.
  { file: "cnn_view_opset11.onnx", dims: [1, 4, 4], generators: [] },
  { file: "cnn_view_opset13.onnx", dims: [1, 4, 4], generators: [] },
  // The heads split by shape chains, written as mha: heads, dimensions within a head, the
  // query/key and value/output matrices, and the MLP's units.
  {
    file: "transformer_heads.onnx",
    dims: [3, 8],
    generators: [
      "permute attn_out_Add_output_0.q axis heads S_2",
      "permute attn_out_Add_output_0.q axis head_dim S_4",
      "permute attn_out_Add_output_0.v axis head_dim S_4",
      "permute mlp_act_Relu_output_0 axis j S_6",
      "scale mlp_act_Relu_output_0 axis j (R_>0)^6",
      "W_Q A, W_K A^-T of attn_out_Add_output_0 GL(4)",
      "W_V B, B^-1 W_O of attn_out_Add_output_0 GL(4)",
    ],
  },
];

describe("ONNX fixtures", () => {
  it("are what the generator script writes (regenerate with npx tsx test/import/fixtures/generate.ts)", () => {
    for (const [name, make] of Object.entries(FIXTURES)) expect(Buffer.from(make()).equals(fs.readFileSync(path.join(FIXTURE_DIR, name))), name).toBe(true);
  });

  for (const c of CASES) {
    describe(c.file, () => {
      it("imports to a network that elaborates, with the expected derived generators", () => {
        const { net } = imported(c.file);
        expect(derive(net).candidates.map((g) => `${g.title} ${g.group}`)).toEqual(c.generators);
      });

      it(`computes the ONNX graph's function on random inputs (seed ${SEED}, relative error <= ${TOLERANCE}), and a moved weight does not`, () => {
        const { net, result, bytes } = imported(c.file);
        const rng = new Rng(SEED);
        let controlDiffers = false;
        for (let draw = 0; draw < 5; draw++) {
          const x = Float64Array.from({ length: c.dims.reduce((a, b) => a * b, 1) }, () => rng.next() * 4 - 2);
          const ref = evaluateOnnx(bytes, { dims: [1, ...c.dims], data: x });
          const got = neqOutput(net, result, bytes, x);
          expect(got.length).toBe(ref.data.length);
          got.forEach((g, i) => expect(Math.abs(g - ref.data[i]!)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(ref.data[i]!))));
          // Negative control: the first parameter's first two entries swapped.
          const first = result.names.find((m) => m.kind === "param")!.neq;
          const moved = neqOutput(net, result, bytes, x, { alter: (name, v) => (name === first ? Float64Array.from(v, (e, i) => (i === 0 ? v[1]! : i === 1 ? v[0]! : e)) : v) });
          if (moved.some((g, i) => Math.abs(g - ref.data[i]!) > 1e-6)) controlDiffers = true;
        }
        expect(controlDiffers).toBe(true);
      });
    });
  }

  it("proves the MLP's derived generators and refutes their controls", async () => {
    const { result, net } = imported("mlp.onnx");
    const report = await proveText(result.text, derive(net));
    expect(report.generators.map((g) => g.verdict)).toEqual(["proved", "proved", "proved", "proved"]);
    expect(report.controls.every((k) => k.ok)).toBe(true);
  }, 120_000);

  it("lists the initializers with dims, type and values", () => {
    const bytes = new Uint8Array(fs.readFileSync(path.join(FIXTURE_DIR, "mlp.onnx")));
    const inits = onnxInitializers(bytes);
    const w = inits.get("fc1.weight")!;
    expect(w.dims).toEqual([6, 4]);
    expect(w.dataType).toBe("FLOAT");
    expect(w.raw!.length).toBe(24 * 4);
    const view = new DataView(w.raw!.buffer, w.raw!.byteOffset, w.raw!.byteLength);
    expect([...w.values()]).toEqual(Array.from({ length: 24 }, (_, i) => view.getFloat32(4 * i, true)));
  });
});

/** A one-layer model around `node` (input [batch, ...dims]; the output's shape not declared), for refusals and their controls. */
function small(dims: number[], build: (g: Graph, x: string) => string, opset = 17): Uint8Array {
  const g = new Graph(new Rng(1));
  const out = build(g, "input");
  return g.encode(["input", ["batch", ...dims]], out, null, opset);
}

describe("models outside the subset", () => {
  const refuse = refused;

  it("an unknown operator is named with its node; the same model without it imports", () => {
    refuse(small([4], (g, x) => g.node("Erf", "act", [g.node("Gemm", "fc", [x, g.weight("w", [3, 4])], [attr.int("transB", 1)])])), 'node "/act/Erf" (Erf)', "not supported");
    expect(importOnnx(small([4], (g, x) => g.node("Tanh", "act", [g.node("Gemm", "fc", [x, g.weight("w", [3, 4])], [attr.int("transB", 1)])])), { file: "ok.onnx" }).text).toContain("tanh(");
  });

  it("max pooling with padding (ONNX pads with -infinity) is refused; without padding it imports", () => {
    const pool = (pads: number[]) => small([1, 4, 4], (g, x) => g.node("MaxPool", "pool", [x], [attr.ints("kernel_shape", [2, 2]), attr.ints("strides", [2, 2]), attr.ints("pads", pads)]));
    refuse(pool([1, 1, 1, 1]), 'node "/pool/MaxPool" (MaxPool)', "-infinity");
    expect(importOnnx(pool([0, 0, 0, 0]), { file: "ok.onnx" }).text).toContain("max[");
  });

  it("softmax over a non-last axis before opset 13 (which flattens) is refused; over the last it imports", () => {
    const sm = (axis: number) => small([2, 3], (g, x) => g.node("Softmax", "sm", [x], [attr.int("axis", axis)]), 11);
    refuse(sm(1), 'node "/sm/Softmax" (Softmax)', "opset 11");
    expect(importOnnx(sm(2), { file: "ok.onnx" }).text).toContain("softmax(");
  });

  it("an unknown attribute is refused rather than ignored", () => {
    refuse(small([1, 4, 4], (g, x) => g.node("Conv", "c", [x, g.weight("k", [2, 1, 3, 3])], [attr.ints("dilations", [1, 1]), attr.int("frobnicate", 1)])), "frobnicate");
  });

  it("the CLI reports a refusal as CLI001 with exit 2 and no stack trace", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-import-"));
    const file = path.join(dir, "bad.onnx");
    fs.writeFileSync(file, small([4], (g, x) => g.node("Erf", "act", [x])));
    const r = await runCli(["import", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^neteq: error CLI001: .*bad\.onnx: node "\/act\/Erf" \(Erf\): /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    fs.writeFileSync(file, new Uint8Array([0x0a, 0xff, 0xff]));
    const garbage = await runCli(["import", file]);
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/^neteq: error CLI001: .*not an ONNX model/);
  });
});

describe("broadcasting against size-1 axes (numpy rules: the lower-rank operand is aligned to the last axes)", () => {
  /** input [batch, ...dims] -> optional MatMul by W[last, 3] -> Add of a weight of `biasDims`. */
  const biased = (dims: number[], biasDims: number[], matmul: boolean) => {
    const g = new Graph(new Rng(6));
    let h = "input";
    if (matmul) h = g.node("MatMul", "fc", [h, g.weight("fc.weight", [dims[dims.length - 1]!, 3])]);
    g.node("Add", "fc", [h, g.weight("fc.bias", biasDims)]);
    return g.encode(["input", ["batch", ...dims]], "", null);
  };
  const cases: [number[], number[], boolean, number[]][] = [
    [[1, 4], [3], true, [1, 3]], // [batch, 1, 4] @ [4, 3] + [3]: the reviewer's model
    [[1, 4], [4], false, [1, 4]],
    [[1, 4], [1, 4], false, [1, 4]],
    [[2, 1], [1], false, [2, 1]],
    [[1, 1, 4], [1, 4], false, [1, 1, 4]],
  ];
  for (const [dims, biasDims, matmul, outDims] of cases) {
    it(`[batch, ${dims.join(", ")}]${matmul ? " @ W" : ""} + b[${biasDims.join(", ")}] imports and computes the graph's function; a moved bias does not`, () => {
      const bytes = biased(dims, biasDims, matmul);
      const { net, result } = importBytes(bytes, "bcast.onnx");
      const x = Float64Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i - 1.5);
      const ref = evaluateOnnx(bytes, { dims: [1, ...dims], data: x });
      expect(ref.dims).toEqual([1, ...outDims]);
      const got = neqOutput(net, result, bytes, x);
      expect(got.length).toBe(ref.data.length);
      got.forEach((g, i) => expect(Math.abs(g - ref.data[i]!)).toBeLessThanOrEqual(TOLERANCE * Math.max(1, Math.abs(ref.data[i]!))));
      const moved = neqOutput(net, result, bytes, x, { alter: (name, v) => (name === "fc_bias" ? v.map((e) => e + 1) : v) });
      expect(moved.some((g, i) => Math.abs(g - ref.data[i]!) > 0.5)).toBe(true);
    });
  }
});

describe("Softmax's axis", () => {
  const softmax = (dims: number[], axis: number | null, opset: number) =>
    small(dims, (g, x) => g.node("Softmax", "sm", [x], axis === null ? [] : [attr.int("axis", axis)]), opset);
  /** Sums of `t` (one sample of dims `dims`) along axis `a` of the sample. */
  const sums = (t: Float64Array, dims: number[], a: number): number[] => {
    const inner = dims.slice(a + 1).reduce((p, d) => p * d, 1);
    const out = new Map<number, number>();
    t.forEach((v, f) => {
      const key = Math.floor(f / (inner * dims[a]!)) * inner + (f % inner);
      out.set(key, (out.get(key) ?? 0) + v);
    });
    return [...out.values()];
  };

  it("opset 13: over a middle axis, each line along it sums to 1 (in the reference and in the import); along the last axis they do not", () => {
    const dims = [2, 3, 2];
    const bytes = softmax(dims, 2, 17); // axis 2 of [batch, 2, 3, 2]: the sample's axis 1
    const x = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i) * 2);
    const ref = evaluateOnnx(bytes, { dims: [1, ...dims], data: x }).data;
    for (const s of sums(ref, dims, 1)) expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    expect(sums(ref, dims, 2).some((s) => Math.abs(s - 1) > 1e-3)).toBe(true);
    expect(roundTripError(bytes, "sm.onnx", dims)).toBeLessThanOrEqual(TOLERANCE);
  });

  it("before opset 13 the default axis 1 normalises all axes from it on: in the reference, all 6 entries sum to 1, not each row", () => {
    const bytes = softmax([2, 3], null, 11);
    const ref = evaluateOnnx(bytes, { dims: [1, 2, 3], data: Float64Array.from([0, 1, 2, 3, 4, 5]) }).data;
    expect(Math.abs(ref.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(ref[0]! + ref[1]! + ref[2]! - 1)).toBeGreaterThan(0.5);
    // The import refuses that form (test above); over the last axis of [batch, 6] both agree.
    expect(roundTripError(softmax([6], null, 11), "sm11.onnx", [6])).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe("dims declared in the file (value_info) are compared with the derived ones", () => {
  const declared = (dims: (number | string)[]) => {
    const g = new Graph(new Rng(7));
    const h = g.node("Gemm", "fc", ["input", g.weight("w", [3, 4])], [attr.int("transB", 1)]);
    g.node("Relu", "act", [h]);
    return g.encode(["input", ["batch", 4]], "", ["batch", 3], 17, [valueInfo(h, dims)]);
  };

  it("a value declared [batch, 5] that the import derives as [batch, 3] is refused, naming it; declared [N, 3] or [batch, ?] imports", () => {
    refused(declared(["batch", 5]), 'the value "/fc/Gemm_output_0" is declared with dims [batch, 5] in the file, but neteq import derives [batch, 3]');
    refused(declared(["batch", 3, 1]), "derives [batch, 3]");
    expect(importOnnx(declared(["N", 3]), { file: "ok.onnx" }).text).toContain("relu(");
    expect(importOnnx(declared(["batch", 0]), { file: "ok.onnx" }).text).toContain("relu(");
  });
});

/**
 * `neteq import`: shape computations folded at import time (Shape, Gather, Slice, Unsqueeze in
 * both opset forms, Concat, Cast, integer arithmetic, ConstantOfShape), each fold checked
 * against the independent ONNX evaluator; and the refusals, each located at its node, beside
 * a control that imports: a chain that reads a data tensor, a folded target that does not fit
 * the element count, hostile huge shapes (refused before anything is allocated), the symbolic
 * batch size anywhere but the batch position of a Reshape target, the wrong Unsqueeze form.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { importOnnx } from "../../src/import/onnx.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { cli as runCli } from "../helpers/cli.ts";
import { attr, Graph, unsqueeze } from "./fixtures/generate.ts";
import { evaluateOnnx } from "./reference.ts";
import { importBytes, neqOutput, roundTripError, TOLERANCE, refused } from "./helpers.ts";

/** input [batch, 2, 4] -> Reshape(input, target(g, input)) -> Gemm to 3 outputs (when the result is [batch, 8]), or ReLU. */
function flattenBy(target: (g: Graph, x: string) => string, opset = 13, classifier = true): Uint8Array {
  const g = new Graph(new Rng(2));
  let h = g.node("Reshape", "view", ["input", target(g, "input")]);
  if (classifier) h = g.node("Gemm", "fc", [h, g.weight("fc.weight", [3, 8]), g.weight("fc.bias", [3])], [attr.int("transB", 1)]);
  else h = g.node("Relu", "act", [h]);
  // Without the classifier the output dims are the target's: not declared.
  return g.encode(["input", ["batch", 2, 4]], h, classifier ? ["batch", 3] : null, opset);
}

/** `x.size(0)` as a vector [batch]: Shape, Gather(0), Unsqueeze. */
const batchOf = (g: Graph, x: string, opset = 13): string => unsqueeze(g, "b", g.node("Gather", "b", [g.node("Shape", "b", [x]), g.ints("b/i", [0], [])], [attr.int("axis", 0)]), 0, opset);
const concat = (g: Graph, parts: string[]): string => g.node("Concat", "target", parts, [attr.int("axis", 0)]);

describe("shape chains that fold", () => {
  it("Shape -> Slice [0:1] -> Concat [-1] (x.view(x.shape[:1] + (-1,))) computes the graph's function", () => {
    const bytes = flattenBy((g, x) => concat(g, [g.node("Slice", "s", [g.node("Shape", "s", [x]), g.ints("s/start", [0]), g.ints("s/end", [1])]), g.ints("rest", [-1])]));
    expect(roundTripError(bytes, "slice.onnx", [2, 4])).toBeLessThanOrEqual(TOLERANCE);
  });

  it("Shape -> Gather -> Unsqueeze, in the opset 11 form (axes attribute) and the opset 13 form (axes input)", () => {
    for (const opset of [11, 13]) {
      const bytes = flattenBy((g, x) => concat(g, [batchOf(g, x, opset), g.ints("rest", [-1])]), opset);
      expect(roundTripError(bytes, `gather${opset}.onnx`, [2, 4])).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it("integer arithmetic on sizes: [batch, 2 * 4] by Mul of two gathered sizes, and Squeeze, Cast and ConstantOfShape's shape", () => {
    const bytes = flattenBy((g, x) => {
      const shape = g.node("Shape", "sz", [x]);
      const dim = (k: number) => g.node("Gather", `sz${k}`, [shape, g.ints(`sz${k}/i`, [k], [])], [attr.int("axis", 0)]);
      const width = g.node("Cast", "w", [g.node("Mul", "w", [dim(1), dim(2)])], [attr.int("to", 7)]);
      // [1] -> squeezed to a scalar and back: sizes as PyTorch's int() round trips write them.
      const one = g.node("Squeeze", "w", [unsqueeze(g, "w1", width, 0, 13)]);
      return concat(g, [batchOf(g, x), unsqueeze(g, "w2", one, 0, 13)]);
    });
    expect(roundTripError(bytes, "mul.onnx", [2, 4])).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe("shape chains that do not fold: refused at the node", () => {
  it("a target computed from a data tensor (Cast of the input) is refused at the Cast; Cast of its Shape folds", () => {
    refused(flattenBy((g, x) => g.node("Cast", "bad", [x], [attr.int("to", 7)]), 13, false), 'node "/bad/Cast" (Cast)', "computed from the input, not a shape or a constant");
    const ok = flattenBy((g, x) => g.node("Cast", "ok", [g.node("Shape", "ok", [x])], [attr.int("to", 7)]), 13, false);
    expect(importOnnx(ok, { file: "ok.onnx" }).text).toContain("relu(");
  });

  it("a folded target that does not fit the element count ([batch, 5] of 8 entries) is refused at the Reshape; [batch, 8] imports", () => {
    refused(flattenBy((g, x) => concat(g, [batchOf(g, x), g.ints("rest", [5])]), 13, false), 'node "/view/Reshape" (Reshape)', "the data dims [2, 4] cannot be reshaped to [5]");
    expect(importOnnx(flattenBy((g, x) => concat(g, [batchOf(g, x), g.ints("rest", [8])])), { file: "ok.onnx" }).text).toContain("fc_weight[i, 4 * j + k]");
  });

  it("hostile sizes are refused before anything is allocated", () => {
    // ConstantOfShape asked for 10^12 entries.
    refused(flattenBy((g) => g.node("ConstantOfShape", "huge", [g.ints("huge/shape", [1_000_000, 1_000_000])]), 13, false), 'node "/huge/ConstantOfShape" (ConstantOfShape)', "more than 65536 entries");
    // A Constant declaring 2^40 entries with no data.
    refused(flattenBy((g) => g.node("Constant", "huge", [], [attr.tensor("value", { name: "", dims: [2 ** 40], data_type: 7, int64_data: [] })]), 13, false), 'node "/huge/Constant" (Constant)', "too large");
    // A target of 2^50 x 2^50 entries.
    refused(flattenBy((g) => g.ints("huge", [0, 2 ** 50, 2 ** 50]), 13, false), 'node "/view/Reshape" (Reshape)', "cannot be reshaped");
    // Unsqueeze asked for 100000 new axes (walked only after the rank check).
    refused(flattenBy((g, x) => g.node("Unsqueeze", "deep", [batchOf(g, x, 11)], [attr.ints("axes", Array.from({ length: 100_000 }, (_, i) => i))]), 11, false), 'node "/deep/Unsqueeze" (Unsqueeze)', "more than 64 axes");
    // An index far outside the shape.
    refused(flattenBy((g, x) => g.node("Gather", "far", [g.node("Shape", "far", [x]), g.ints("far/i", [2 ** 40], [])], [attr.int("axis", 0)]), 13, false), 'node "/far/Gather" (Gather)', "outside a tensor");
  });

  it("the symbolic batch size only in the batch position of a Reshape target", () => {
    refused(flattenBy((g, x) => concat(g, [g.ints("first", [-1]), batchOf(g, x)]), 13, false), 'node "/view/Reshape" (Reshape)', "reaches position 1 of the target shape");
    refused(flattenBy((g, x) => concat(g, [g.node("Mul", "twice", [batchOf(g, x), g.ints("two", [2])]), g.ints("rest", [-1])]), 13, false), 'node "/twice/Mul" (Mul)', "the symbolic batch size enters arithmetic");
    refused(flattenBy((g, x) => g.node("Add", "data", [x, g.node("Cast", "data", [g.node("Shape", "data", [x])], [attr.int("to", 1)])]), 13, false), 'node "/data/Add" (Add)', "input 1 holds the symbolic batch size");
    // Control: [batch, -1] imports.
    expect(importOnnx(flattenBy((g, x) => concat(g, [batchOf(g, x), g.ints("rest", [-1])])), { file: "ok.onnx" }).text).toContain("fc_weight[i, 4 * j + k]");
  });

  it("arithmetic on weights is not folded: refused by the operator, as before", () => {
    const g = new Graph(new Rng(3));
    const sum = g.node("Add", "w", [g.weight("a", [3, 8]), g.weight("b", [3, 8])]);
    g.node("Gemm", "fc", ["input", sum], [attr.int("transB", 1)]);
    refused(g.encode(["input", ["batch", 8]], "", ["batch", 3]), 'node "/w/Add" (Add)', "folding weights into constants is not supported");
  });

  it("Unsqueeze in the form of the other opset is refused", () => {
    const opset11With13Form = flattenBy((g, x) => concat(g, [unsqueeze(g, "b", g.node("Gather", "b", [g.node("Shape", "b", [x]), g.ints("b/i", [0], [])]), 0, 13), g.ints("rest", [-1])]), 11);
    refused(opset11With13Form, 'node "/b/Unsqueeze" (Unsqueeze)', "the axes attribute is missing");
    const opset13With11Form = flattenBy((g, x) => concat(g, [unsqueeze(g, "b", g.node("Gather", "b", [g.node("Shape", "b", [x]), g.ints("b/i", [0], [])]), 0, 11), g.ints("rest", [-1])]), 13);
    refused(opset13With11Form, 'node "/b/Unsqueeze" (Unsqueeze)', "the attribute axes is not understood");
  });

  it("the CLI reports a hostile shape as CLI001 with exit 2 and no stack trace", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-import-"));
    const file = path.join(dir, "huge.onnx");
    fs.writeFileSync(file, flattenBy((g) => g.node("ConstantOfShape", "huge", [g.ints("huge/shape", [1_000_000, 1_000_000])]), 13, false));
    const r = await runCli(["import", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^neteq: error CLI001: .*huge\.onnx: node "\/huge\/ConstantOfShape" \(ConstantOfShape\): /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    fs.rmSync(dir, { recursive: true });
  });
});

/** input [batch, 4] `op` (Mul or Add) by a constant folded from `fold`(a, b): Constants of ONNX type `type` (1 FLOAT, 10 FLOAT16, 11 DOUBLE). */
function constantArithmetic(fold: string, a: number, b: number, type = 1, typeB = type, op = "Mul"): Uint8Array {
  const g = new Graph(new Rng(4));
  const constant = (scope: string, v: number, t: number) => {
    const raw = new Uint8Array(t === 11 ? 8 : t === 10 ? 2 : 4);
    const view = new DataView(raw.buffer);
    if (t === 11) view.setFloat64(0, v, true);
    else if (t === 10) view.setUint16(0, v, true); // FLOAT16: `v` holds the bits
    else view.setFloat32(0, v, true);
    return g.node("Constant", scope, [], [attr.tensor("value", { name: "", dims: [], data_type: t, raw_data: raw })]);
  };
  const c = g.node(fold, "c", [constant("a", a, type), constant("b", b, typeB)]);
  g.node(op, "y", ["input", c]);
  return g.encode(["input", ["batch", 4]], "", ["batch", 4]);
}

describe("arithmetic on real constants is folded in the constants' ONNX type", () => {
  const x = Float64Array.from([1, 2, -3, 0.5]);
  /** The imported network's output on x, and the reference evaluator's. */
  const outputs = (bytes: Uint8Array) => {
    const { net, result } = importBytes(bytes, "fold.onnx");
    return { got: neqOutput(net, result, bytes, x), ref: [...evaluateOnnx(bytes, { dims: [1, 4], data: x }).data] };
  };

  it("FLOAT: Div(1, 3) is float32(1/3) = 0.3333333432674408 and Add(0.1, 0.2) is 0.30000001192092896, not their float64 values", () => {
    // float32(1/3) and float32(0.1f + 0.2f): the correctly rounded float32 results (IEEE 754), as ONNX computes FLOAT.
    for (const [fold, a, b, op, value] of [["Div", 1, 3, "Mul", 0.3333333432674408], ["Add", 0.1, 0.2, "Add", 0.30000001192092896]] as const) {
      const { got, ref } = outputs(constantArithmetic(fold, a, b, 1, 1, op));
      const want = [...x].map((v) => (op === "Mul" ? v * value : v + value));
      expect(got).toEqual(want);
      expect(ref).toEqual(want);
      // Negative control: the constant in float64 (what the import wrote before) is another network.
      const f64 = fold === "Div" ? 1 / 3 : Math.fround(0.1) + Math.fround(0.2);
      expect(Math.abs((op === "Mul" ? x[0]! * f64 : x[0]! + f64) - want[0]!)).toBeGreaterThan(TOLERANCE);
    }
  });

  it("FLOAT: Sub and Mul are rounded to float32 too (each the correctly rounded float32 of the exact result)", () => {
    // float32 has 24 significant bits: 1 - 2^-30 rounds to 1 (the float32 below 1 is 1 - 2^-24);
    // (1 + 2^-20)^2 = 1 + 2^-19 + 2^-40 rounds to 1 + 2^-19 (the float32 spacing above 1 is 2^-23).
    for (const [fold, a, b, value, exact] of [["Sub", 1, 2 ** -30, 1, 1 - 2 ** -30], ["Mul", 1 + 2 ** -20, 1 + 2 ** -20, 1 + 2 ** -19, 1 + 2 ** -19 + 2 ** -40]] as const) {
      const { got, ref } = outputs(constantArithmetic(fold, a, b));
      expect(got).toEqual([...x].map((v) => v * value));
      expect(ref).toEqual([...x].map((v) => v * value));
      expect(exact).not.toBe(value); // control: the float64 result is another number
    }
  });

  it("DOUBLE: Div(1, 3) stays the float64 1/3", () => {
    const { got } = outputs(constantArithmetic("Div", 1, 3, 11));
    expect(got).toEqual([...x].map((v) => v * (1 / 3)));
    expect(got[0]).not.toBe(Math.fround(1 / 3));
  });

  it("FLOAT16 (rounding not implemented) and operands of two types are refused at the node; FLOAT of the same values imports", () => {
    // 0x3c00 = 1, 0x4200 = 3 in IEEE half precision.
    refused(constantArithmetic("Div", 0x3c00, 0x4200, 10), 'node "/c/Div" (Div)', "type FLOAT16 is not folded");
    refused(constantArithmetic("Div", 1, 3, 1, 11), 'node "/c/Div" (Div)', "types FLOAT and DOUBLE");
    expect(importOnnx(constantArithmetic("Div", 1, 3), { file: "ok.onnx" }).text).toContain("input_[i] * (11184811/33554432)");
  });
});

/** input [batch, 6] reshaped to [batch, ...Slice([2, 3], start, end, axes [0], step), -1], then softmax over the last axis; the output declared with `declared`. */
function sliceTarget(start: number, end: number, step: number, declared: (number | string)[] | null): Uint8Array {
  const g = new Graph(new Rng(5));
  const sl = g.node("Slice", "slice", [g.ints("dims", [2, 3]), g.ints("st", [start]), g.ints("en", [end]), g.ints("ax", [0]), g.ints("sp", [step])]);
  const t = concat(g, [g.ints("zero", [0]), sl, g.ints("m1", [-1])]);
  g.node("Softmax", "sm", [g.node("Reshape", "reshape", ["input", t])], [attr.int("axis", -1)]);
  return g.encode(["input", ["batch", 6]], "", declared);
}

describe("Slice (Slice-13: negative positions count from the end; stepping backwards, start clamps to [0, len - 1] and end to [-1, len - 1])", () => {
  // [2, 3][start:end:step] by the operator's definition, and the output dims that follow.
  const cases: [number, number, number, number[]][] = [
    [-10, -100, -1, [2, 3]], // start -8 -> 0, end -98 -> -1: [2]
    [10, -100, -1, [3, 2, 1]], // start 1, end -1: [3, 2], the target [0, 3, 2, -1]
    [1, 0, -1, [3, 2]], // [3]: [batch, 3, 2]
    [-1, -3, -1, [3, 2, 1]], // start 1, end -1 (clamped): [3, 2]
    [-10, 1, 1, [2, 3]], // forwards: start 0: [2]
  ];
  for (const [start, end, step, dims] of cases) {
    it(`[2, 3][${start}:${end}:${step}] makes the output [batch, ${dims.join(", ")}], as the file declares, and computes the graph's function`, () => {
      const bytes = sliceTarget(start, end, step, ["batch", ...dims]);
      expect(roundTripError(bytes, "slice.onnx", [6])).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it("the derived dims are compared with the declared ones: [batch, 6] declared for [batch, 2, 3] is refused, naming the output; undeclared imports", () => {
    refused(sliceTarget(-10, -100, -1, ["batch", 6]), 'the graph output "output" is declared with dims [batch, 6] in the file, but neteq import derives [batch, 2, 3]');
    refused(sliceTarget(-10, -100, -1, ["batch", 3, 2]), "derives [batch, 2, 3]");
    expect(importOnnx(sliceTarget(-10, -100, -1, null), { file: "ok.onnx" }).text).toContain("softmax(");
  });
});

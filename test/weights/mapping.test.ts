/**
 * Names: a parameter without a tensor of its own name finds the tensor whose name `neteq
 * import` turns into it (`fc1.weight` -> `fc1_weight`), but only when exactly one tensor of
 * the file does; a tensor with the parameter's own name always wins. Negative controls: two
 * tensors that both turn into the name, and a name no tensor turns into, are errors that
 * name the parameter.
 */
import { describe, expect, it } from "vitest";
import { mapParams } from "../../src/weights/mapping.ts";
import type { Checkpoint, TensorInfo } from "../../src/weights/types.ts";

function checkpoint(names: readonly string[]): Checkpoint {
  const tensors: TensorInfo[] = names.map((name) => ({ name, shape: [2], dtype: "F32" }));
  return { file: "c.onnx", format: "json", sha256: "", tensors, read: (name) => ({ name, shape: [2], dtype: "F32", values: new Float32Array([names.indexOf(name), 1]) }) };
}

const params = (...names: string[]) => names.map((name) => ({ name, shape: [2] }));
const sources = (r: ReturnType<typeof mapParams>) => ("params" in r ? r.params.map((p) => `${p.name}<-${p.source.tensor}`) : r.messages);

describe("parameters named as neteq import names them", () => {
  it("fc1.weight and /attn/q.bias are found for fc1_weight and attn_q_bias", () => {
    expect(sources(mapParams(checkpoint(["fc1.weight", "/attn/q.bias"]), params("fc1_weight", "attn_q_bias"), new Map(), "N"))).toEqual(["fc1_weight<-fc1.weight", "attn_q_bias<-/attn/q.bias"]);
  });

  it("a tensor with the parameter's own name wins over one that turns into it", () => {
    const r = mapParams(checkpoint(["a_b", "a.b"]), params("a_b"), new Map(), "N");
    expect("messages" in r && r.messages.some((m) => m.includes("tensor a.b [2] is not a parameter"))).toBe(true);
  });

  it("negative control: two tensors turn into the same name, so neither is taken", () => {
    const r = mapParams(checkpoint(["a.b", "a-b"]), params("a_b"), new Map(), "N");
    expect("messages" in r && r.messages.some((m) => m.includes("parameter a_b [2] of N: no tensor a_b"))).toBe(true);
  });

  it("negative control: a name no tensor turns into is still an error", () => {
    const r = mapParams(checkpoint(["fc1.weight"]), params("fc1weight"), new Map(), "N");
    expect("messages" in r && r.messages.some((m) => m.includes("parameter fc1weight [2] of N: no tensor fc1weight"))).toBe(true);
  });
});

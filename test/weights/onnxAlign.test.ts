/**
 * `neteq align` with ONNX checkpoints: A's weights as an .onnx file's initializers are aligned
 * with B in safetensors exactly as A.safetensors is; as the negative control, one weight
 * changed in the .onnx file makes B no longer an image.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/weights/readCheckpoint.ts";
import { encodeOnnxWeights, rawOf } from "./onnxWriter.ts";
import { runCli } from "./runCli.ts";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "mlp");

/** A.safetensors' tensors as ONNX initializers (raw float32), with `change` applied to the values of W1. */
function onnxOfA(change: (v: number[]) => void): Uint8Array {
  const r = readCheckpoint(path.join(FIXTURES, "A.safetensors"));
  if (!r.ok) throw new Error(r.message);
  return encodeOnnxWeights(
    r.checkpoint.tensors.map((t) => {
      const values = Array.from(r.checkpoint.read(t.name).values);
      if (t.name === "W1") change(values);
      return { name: t.name, dims: [...t.shape], data_type: 1, raw_data: rawOf(1, values) };
    }),
  );
}

describe("align reads ONNX initializers", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-onnx-align-"));
  for (const f of ["B.safetensors", "net.neq"]) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  it("A.onnx and B.safetensors: certified like A.safetensors", async () => {
    fs.writeFileSync(path.join(dir, "A.onnx"), onnxOfA(() => {}));
    const r = await runCli(["align", "A.onnx", "B.safetensors", "--net", "net.neq:N", "--no-cache"], dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/verdict: functionally identical for all inputs/);
    expect(r.code).toBe(0);
  });
  it("negative control: one weight changed in A.onnx, B is not an image", async () => {
    fs.writeFileSync(path.join(dir, "A2.onnx"), onnxOfA((v) => (v[0] = v[0]! + 1)));
    const r = await runCli(["align", "A2.onnx", "B.safetensors", "--net", "net.neq:N", "--no-cache"], dir);
    expect(r.stdout).not.toMatch(/functionally identical/);
    expect(r.code).toBe(1);
  });
});

/**
 * ONNX initializers that are not weights (an INT64 shape for a Reshape): the file is read
 * without them, so A.onnx with such an initializer besides its weights is aligned like
 * A.safetensors; a parameter that would be read from one is refused, naming the parameter,
 * the initializer and its type (exit 2), by name or through --map (the negative controls).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../../src/weights/readCheckpoint.ts";
import { encodeOnnxWeights, rawOf, type Init } from "../weights/onnxWriter.ts";
import { runCli } from "../weights/runCli.ts";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "weights", "fixtures", "mlp");

/** A.safetensors' tensors as FLOAT initializers, with `extra` initializers after them; `skip` left out. */
function onnxOfA(extra: readonly Init[], skip = ""): Uint8Array {
  const r = readCheckpoint(path.join(FIXTURES, "A.safetensors"));
  if (!r.ok) throw new Error(r.message);
  const floats = r.checkpoint.tensors.filter((t) => t.name !== skip).map((t) => ({ name: t.name, dims: [...t.shape], data_type: 1, raw_data: rawOf(1, Array.from(r.checkpoint.read(t.name).values)) }));
  return encodeOnnxWeights([...floats, ...extra]);
}

const shape: Init = { name: "heads_shape", dims: [2], data_type: 7, int64_data: [2, -1] };

describe("ONNX initializers that are not weights", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-onnx-int-"));
  for (const f of ["B.safetensors", "net.neq"]) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  it("are left out of the checkpoint: A.onnx with an INT64 shape initializer is certified like A.safetensors", async () => {
    fs.writeFileSync(path.join(dir, "A.onnx"), onnxOfA([shape]));
    const r = readCheckpoint("A.onnx", dir);
    expect(r.ok && r.checkpoint.tensors.map((t) => t.name)).not.toContain("heads_shape");
    const out = await runCli(["align", "A.onnx", "B.safetensors", "--net", "net.neq:N", "--no-cache"], dir);
    expect(out.stderr).toBe("");
    expect(out.stdout).toMatch(/verdict: functionally identical for all inputs/);
    expect(out.code).toBe(0);
  });
  it("a parameter named like one is refused with its name and type, exit 2 (control: by name)", async () => {
    fs.writeFileSync(path.join(dir, "A-int.onnx"), onnxOfA([{ name: "b0", dims: [2], data_type: 7, int64_data: [1, 2] }], "b0"));
    const out = await runCli(["align", "A-int.onnx", "B.safetensors", "--net", "net.neq:N", "--no-cache"], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/neteq: error CLI001: A-int\.onnx: parameter b0 of N would be read from initializer "b0", but its data type INT64 is not a weight type neteq reads/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
  it("a parameter mapped onto one is refused (control: through --map)", async () => {
    fs.writeFileSync(path.join(dir, "A.onnx"), onnxOfA([shape]));
    fs.writeFileSync(path.join(dir, "m.json"), JSON.stringify({ b0: "heads_shape" }));
    fs.writeFileSync(path.join(dir, "none.json"), "{}");
    const out = await runCli(["align", "A.onnx", "B.safetensors", "--net", "net.neq:N", "--map", "m.json", "--map-b", "none.json", "--no-cache"], dir);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/parameter b0 of N would be read from initializer "heads_shape", but its data type INT64/);
  });
});

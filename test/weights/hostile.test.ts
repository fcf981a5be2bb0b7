/**
 * The hostile-file corpus: each malformed or malicious file is refused with a message that
 * names the file and the problem (never a crash), and the CLI turns it into a CLI001 error
 * with exit 2 and no stack trace. The corpus is built here from valid files by one change
 * each, so every case has its valid twin as the negative control.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { encodeNpy } from "../../src/weights/npy.ts";
import { WEIGHT_LIMITS } from "../../src/weights/limits.ts";
import { readCheckpoint } from "../../src/weights/readCheckpoint.ts";
import { encodeSafetensors } from "../../src/weights/safetensors.ts";
import { encodeOnnxWeights as onnx, rawOf } from "./onnxWriter.ts";
import { runCli } from "./runCli.ts";
import { encodePt } from "./pickleWriter.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-hostile-"));
const put = (name: string, bytes: Uint8Array | string) => (fs.writeFileSync(path.join(dir, name), bytes), name);

const W = { name: "W0", shape: [2, 3], values: Float64Array.of(1, 2, 3, 4, 5, 6), dtype: "F32" as const };
const valid = encodeSafetensors([W, { name: "b0", shape: [2], values: Float64Array.of(1, -1), dtype: "F32" }]);

/** A safetensors file with the given header object and data bytes. */
function safetensors(header: unknown, data: number, declared?: bigint): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data);
  new DataView(out.buffer).setBigUint64(0, declared ?? BigInt(h.length), true);
  out.set(h, 8);
  return out;
}
const entry = (dtype: string, shape: number[], a: number, b: number) => ({ dtype, shape, data_offsets: [a, b] });
const nanFile = (() => {
  const f = encodeSafetensors([{ name: "x", shape: [1], values: Float64Array.of(1), dtype: "F64" }]);
  new DataView(f.buffer).setFloat64(f.length - 8, NaN, true);
  return f;
})();
/** The bytes with one text replaced (byte for byte, latin1). */
const latin1 = (b: Uint8Array, from: string, to: string) => new Uint8Array(Buffer.from(Buffer.from(b).toString("latin1").replace(from, to), "latin1"));
const npy = encodeNpy([2, 2], Float64Array.of(1, 2, 3, 4), "F64");
const pt = encodePt([W]);

/** [file, bytes, words the message must contain] */
const corpus: [string, Uint8Array | string, RegExp][] = [
  ["valid-control.safetensors", valid, /^$/],
  ["truncated.safetensors", valid.subarray(0, valid.length - 5), /bytes after the last|past the end/],
  ["tiny.safetensors", valid.subarray(0, 5), /truncated/],
  ["huge-header.safetensors", safetensors({}, 0, 10n ** 12n), /header length .* above the limit/],
  ["header-past-end.safetensors", safetensors({}, 0, 5000n), /truncated: the header says/],
  ["not-json.safetensors", safetensors("x", 0).map((b, i) => (i === 8 ? 0x7b : b)), /not valid UTF-8 JSON|not a JSON object/],
  ["out-of-bounds.safetensors", safetensors({ x: entry("F32", [2], 0, 8), y: entry("F32", [2], 8, 1_000_000) }, 8), /past the end of the data/],
  ["wrong-size.safetensors", safetensors({ x: entry("F32", [3], 0, 8) }, 8), /8 bytes of data, but F32 \[3\] needs 12/],
  ["overlap.safetensors", safetensors({ x: entry("F32", [2], 0, 8), y: entry("F32", [2], 4, 12) }, 12), /contiguous/],
  ["gap.safetensors", safetensors({ x: entry("F32", [1], 4, 8) }, 8), /contiguous/],
  ["bad-dtype.safetensors", safetensors({ x: entry("I64", [1], 0, 8) }, 8), /dtype "I64" is not supported/],
  ["bad-shape.safetensors", safetensors({ x: entry("F32", [-1], 0, 4) }, 4), /not a list of whole numbers/],
  ["huge-shape.safetensors", safetensors({ x: entry("F32", [1e6, 1e6], 0, 4) }, 4), /entries \(at most/],
  ["nan.safetensors", nanFile, /entry 0 is NaN/],
  ["escape.safetensors.index.json", JSON.stringify({ weight_map: { W0: "../../etc/passwd" } }), /not a file name in the index's folder/],
  ["missing-shard.safetensors.index.json", JSON.stringify({ weight_map: { W0: "nope.safetensors" } }), /cannot read: no such file/],
  ["valid-control.npy", npy, /^$/],
  ["truncated.npy", npy.subarray(0, npy.length - 3), /truncated/],
  ["no-magic.npy", "hello world, not numpy", /no \\x93NUMPY magic/],
  ["int.npy", latin1(npy, "<f8", "<i8"), /dtype <i8 is not supported/],
  ["object.npy", latin1(npy, "'descr': '<f8'", "'descr': '|O8'"), /dtype \|O8 is not supported/],
  ["garbage.npz", "PK not really a zip", /not a readable zip archive/],
  ["not-npy-member.npz", zipSync({ "a.txt": new Uint8Array(3) }), /member a.txt is not a .npy array/],
  ["valid-control.pt", pt, /^$/],
  ["os-system.pt", encodePt([W], { globalOverride: ["os", "system"] }), /refuses the global os.system/],
  ["eval.pt", encodePt([W], { globalOverride: ["builtins", "eval"] }), /refuses the global builtins.eval/],
  ["short-storage.pt", encodePt([W], { storageBytesDelta: -4 }), /storage 0 has 20 bytes, but 6 F32 values need 24/],
  ["stride-out.pt", encodePt([W], { strideOverride: [5, 1] }), /reach entry 7 of a storage of 6/],
  ["legacy.pt", "\x80\x02not a zip", /not a zip checkpoint/],
  ["ragged.json", '{ "W0": [[1, 2], [3]] }', /ragged array/],
  ["nan.json", '{ "W0": [NaN] }', /expected a number/],
  ["valid-control-exact-strings.json", '{ "W0": ["1/3", "-0.25", "7"] }', /^$/],
  ["zero-denominator.json", '{ "W0": [1, "1/0"] }', /:1:13: "1\/0" is not an exact number \(expected a fraction "p\/q" with q > 0/],
  ["word.json", '{ "W0": ["one"] }', /"one" is not an exact number/],
  ["huge-exponent-string.json", '{ "W0": ["1e99999"] }', /"1e99999" has an exponent beyond \+-4000/],
  ["unknown.h5", "x", /unknown weight format/],
  ["valid-control.onnx", onnx([{ name: "W0", dims: [2, 3], data_type: 1, raw_data: rawOf(1, [1, 2, 3, 4, 5, 6]) }, { name: "b0", dims: [2], data_type: 1, float_data: [1, -1] }]), /^$/],
  ["garbage.onnx", "\xff\xff\xff not protobuf", /not an ONNX model/],
  ["external.onnx", onnx([{ name: "W0", dims: [2], data_type: 1, data_location: 1, external_data: [{ key: "location", value: "/etc/passwd" }] }]), /initializer "W0": its data is stored in an external file \(data_location EXTERNAL\)/],
  ["raw-short.onnx", onnx([{ name: "W0", dims: [2, 3], data_type: 1, raw_data: rawOf(1, [1, 2, 3, 4, 5]) }]), /initializer "W0": 20 bytes of raw_data, but FLOAT \[2, 3\] needs 24/],
  ["float-data-long.onnx", onnx([{ name: "b0", dims: [2], data_type: 1, float_data: [1, 2, 3] }]), /initializer "b0": 3 values in float_data, but its dims \[2\] need 2/],
  ["double-data-short.onnx", onnx([{ name: "b0", dims: [3], data_type: 11, double_data: [1, 2] }]), /initializer "b0": 2 values in double_data, but its dims \[3\] need 3/],
  ["half-bits.onnx", onnx([{ name: "h", dims: [1], data_type: 10, int32_data: [70000] }]), /initializer "h": int32_data entry 0 is 70000, not the 16 bits of a FLOAT16/],
  ["both-fields.onnx", onnx([{ name: "b0", dims: [1], data_type: 1, raw_data: rawOf(1, [1]), float_data: [1] }]), /initializer "b0": both raw_data and a typed data field/],
  ["twice.onnx", onnx([{ name: "b0", dims: [1], data_type: 1, float_data: [1] }, { name: "b0", dims: [1], data_type: 1, float_data: [2] }]), /initializer "b0" appears twice/],
  ["nan.onnx", onnx([{ name: "b0", dims: [2], data_type: 1, float_data: [1, NaN] }]), /tensor b0: entry 1 is NaN/],
  ["inf-bf16.onnx", onnx([{ name: "b0", dims: [1], data_type: 16, raw_data: rawOf(16, [0x7f80]) }]), /tensor b0: entry 0 is Infinity/],
  ["huge-dims.onnx", onnx([{ name: "W0", dims: [1e6, 1e6], data_type: 1, raw_data: rawOf(1, [1]) }]), /tensor W0: shape \[1000000, 1000000\] has .* entries \(at most/],
  ["sparse.onnx", onnx([], { sparse_initializer: [new Uint8Array([1])] }), /1 sparse initializer/],
];

describe("hostile weight files", () => {
  it("too-large.onnx: a file above the limit is refused before it is read", () => {
    // A sparse file: its size is checked with stat, so nothing is allocated or read.
    const fd = fs.openSync(path.join(dir, "too-large.onnx"), "w");
    fs.ftruncateSync(fd, WEIGHT_LIMITS.onnxBytes + 1);
    fs.closeSync(fd);
    const r = readCheckpoint("too-large.onnx", dir);
    expect(r.ok ? "" : r.message).toMatch(/^too-large\.onnx: 2000000001 bytes; a \.onnx file may have at most 2000000000/);
  });
  for (const [name, bytes, words] of corpus) {
    it(name, () => {
      put(name, typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
      const r = readCheckpoint(name, dir);
      if (name.startsWith("valid-control")) {
        expect(r.ok).toBe(true);
        if (r.ok) for (const t of r.checkpoint.tensors) r.checkpoint.read(t.name);
        return;
      }
      // Some problems show only when the values are read (NaN, storages): read them all.
      const message = r.ok ? readAll(r.checkpoint) : r.message;
      // A missing shard is named itself; everything else by the file given.
      const file = name.startsWith("missing-shard") ? "nope.safetensors" : name;
      expect(message).toMatch(new RegExp(`^${file.replace(/\./g, "\\.")}`));
      expect(message).toMatch(words);
    });
  }
  it("the CLI refuses them with CLI001, exit 2 and no stack trace", async () => {
    // An INT64 initializer is not a weight: left out when opened, refused when a parameter would be read from it (test/align/onnxInitializers.test.ts).
    put("int64.onnx", onnx([{ name: "W0", dims: [2], data_type: 7, int64_data: [1, 2] }]));
    fs.writeFileSync(path.join(dir, "net.neq"), "network N = mlp(3 -> 2 -> 1, relu)\n");
    for (const name of ["os-system.pt", "huge-header.safetensors", "truncated.npy", "stride-out.pt", "external.onnx", "int64.onnx", "nan.onnx", "too-large.onnx"]) {
      const r = await runCli(["align", name, "valid-control.safetensors", "--net", "net.neq:N"], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`neteq: error CLI001: ${name.replace(/\./g, "\\.")}`));
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

function readAll(ck: { tensors: readonly { name: string }[]; read(n: string): unknown }): string {
  try {
    for (const t of ck.tensors) ck.read(t.name);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return "read without an error";
}

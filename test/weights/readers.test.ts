/**
 * Weight readers: read(write(x)) = x for every format (fast-check), exact decimals in JSON,
 * IEEE half and bfloat16 decoding, and a restricted unpickler that reads torch-style state
 * dicts (and, as its negative control, refuses the same file with another global).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { halfToNumber } from "../../src/weights/floats.ts";
import { encodeNpy } from "../../src/weights/npy.ts";
import { readCheckpoint } from "../../src/weights/readCheckpoint.ts";
import { encodeSafetensors } from "../../src/weights/safetensors.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { encodePt } from "./pickleWriter.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-weights-"));
const put = (name: string, bytes: Uint8Array | string) => {
  fs.writeFileSync(path.join(dir, name), bytes);
  return name;
};
const open = (name: string) => {
  const r = readCheckpoint(name, dir);
  if (!r.ok) throw new Error(r.message);
  return r.checkpoint;
};

const f32 = fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround);
const f64 = fc.double({ noNaN: true, noDefaultInfinity: true });
/** A tensor: shape of 1-3 axes of 1-4 entries, values of the dtype. */
const tensorArb = (dtype: "F32" | "F64") =>
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
    fc.array(dtype === "F32" ? f32 : f64, { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }).map((v) => ({ shape, values: Float64Array.from(v), dtype })),
  );
const sameValues = (a: ArrayLike<number> & Iterable<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((x, i) => Object.is(x === 0 ? 0 : x, b[i] === 0 ? 0 : b[i]));

describe("read(write(x)) = x", () => {
  it("safetensors, F32 and F64", () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(fc.oneof(tensorArb("F32"), tensorArb("F64")), { minLength: 1, maxLength: 4 }), (ts) => {
        const named = ts.map((t, i) => ({ ...t, name: `t${i}` }));
        const ck = open(put(`rt${n++}.safetensors`, encodeSafetensors(named)));
        return named.every((t) => {
          const r = ck.read(t.name);
          return r.dtype === t.dtype && JSON.stringify(r.shape) === JSON.stringify(t.shape) && sameValues(r.values, t.values);
        });
      }),
      { numRuns: 40 },
    );
  });
  it("npy and npz", () => {
    let n = 0;
    fc.assert(
      fc.property(tensorArb("F64"), tensorArb("F32"), (a, b) => {
        const k = n++;
        const npy = open(put(`x${k}.npy`, encodeNpy(a.shape, a.values, "F64")));
        const npz = open(put(`z${k}.npz`, zipSync({ "a.npy": encodeNpy(a.shape, a.values, "F64"), "b.npy": encodeNpy(b.shape, b.values, "F32") })));
        return sameValues(npy.read(`x${k}`).values, a.values) && sameValues(npz.read("a").values, a.values) && sameValues(npz.read("b").values, b.values) && npz.read("b").dtype === "F32";
      }),
      { numRuns: 30 },
    );
  });
  it("pt (torch.save layout, restricted unpickler)", () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(tensorArb("F32"), { minLength: 1, maxLength: 3 }), (ts) => {
        const named = ts.map((t, i) => ({ ...t, name: `layer${i}.weight` }));
        const ck = open(put(`m${n++}.pt`, encodePt(named)));
        return named.every((t) => sameValues(ck.read(t.name).values, t.values) && JSON.stringify(ck.read(t.name).shape) === JSON.stringify(t.shape));
      }),
      { numRuns: 30 },
    );
  });
  it("sharded safetensors through the index", () => {
    const a = { name: "W0", shape: [2, 2], values: Float64Array.of(1, 2, 3, 4), dtype: "F32" as const };
    const b = { name: "b0", shape: [2], values: Float64Array.of(0.5, -0.25), dtype: "F64" as const };
    put("model-1.safetensors", encodeSafetensors([a]));
    put("model-2.safetensors", encodeSafetensors([b]));
    const ck = open(put("model.safetensors.index.json", JSON.stringify({ metadata: {}, weight_map: { W0: "model-1.safetensors", b0: "model-2.safetensors" } })));
    expect(ck.tensors.map((t) => t.name)).toEqual(["W0", "b0"]);
    expect([...ck.read("W0").values]).toEqual([...a.values]);
    expect([...ck.read("b0").values]).toEqual([...b.values]);
  });
});

describe("exact values", () => {
  it("JSON decimals are the rationals they denote, not the nearest floats", () => {
    const ck = open(put("d.json", '{ "W": [[0.1, 2], [-3e-1, 0.5]], "b": [1e2, 7] }'));
    const W = ck.read("W");
    expect(W.shape).toEqual([2, 2]);
    expect(W.exact!.map((r) => r.toString())).toEqual(["1/10", "2", "-3/10", "1/2"]);
    // Negative control: JSON.parse would have given a different rational for 0.1.
    expect(Rational.fromNumber(0.1).eq(Rational.of(1, 10))).toBe(false);
    // A tensor of floats only carries no separate exact values.
    expect(ck.read("b").exact).toBeUndefined();
  });
  it("half and bfloat16 decode to their IEEE values", () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000].map(halfToNumber)).toEqual([1, -2, 65504, 2 ** -24, -0]);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), (bits) => {
      // Each finite half is exactly a float32 whose own half bits give it back.
      const x = halfToNumber(bits);
      return !Number.isFinite(x) || Number.isNaN(x) || Math.fround(x) === x;
    }));
    const bf = new Uint8Array([0x80, 0x3f, 0x40, 0xc0]); // 1, -3 in bfloat16 (little-endian)
    const header = JSON.stringify({ x: { dtype: "BF16", shape: [2], data_offsets: [0, 4] } });
    const file = new Uint8Array(8 + header.length + 4);
    new DataView(file.buffer).setBigUint64(0, BigInt(header.length), true);
    file.set(new TextEncoder().encode(header), 8);
    file.set(bf, 8 + header.length);
    expect([...open(put("bf.safetensors", file)).read("x").values]).toEqual([1, -3]);
  });
});

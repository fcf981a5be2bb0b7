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
import { encodeSafetensors, floatBytes, writeSafetensors } from "../../src/weights/safetensors.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { encodePt } from "./pickleWriter.ts";
import { encodeOnnxWeights, rawOf, type Init } from "./onnxWriter.ts";
import { loadNetwork, loadParams } from "../../src/align/load.ts";

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
        const k = n++;
        const ck = open(put(`rt${k}.safetensors`, encodeSafetensors(named)));
        // The streaming writer, tensor by tensor, writes the same file.
        writeSafetensors(path.join(dir, `rts${k}.safetensors`), named.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, bytes: () => floatBytes(t.values, t.dtype) })));
        const streamed = open(`rts${k}.safetensors`);
        return named.every((t) => {
          const r = ck.read(t.name);
          const w = streamed.read(t.name);
          return r.dtype === t.dtype && JSON.stringify(r.shape) === JSON.stringify(t.shape) && sameValues(r.values, t.values) && w.dtype === t.dtype && sameValues(w.values, t.values);
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

/** The value of `bytes` as `dtype`, decoded independently of src/weights (DataView and the IEEE formulas). */
function reference(bytes: Uint8Array, dtype: "F64" | "F32" | "F16" | "BF16"): number[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = { F64: 8, F32: 4, F16: 2, BF16: 2 }[dtype];
  return Array.from({ length: bytes.length / size }, (_, i) => {
    if (dtype === "F64") return v.getFloat64(8 * i, true);
    if (dtype === "F32") return v.getFloat32(4 * i, true);
    const h = v.getUint16(2 * i, true);
    if (dtype === "BF16") {
      const w = new DataView(new ArrayBuffer(4));
      w.setUint32(0, h << 16);
      return w.getFloat32(0);
    }
    const e = (h >> 10) & 31;
    const m = h & 1023;
    const s = h & 0x8000 ? -1 : 1;
    return e === 31 ? (m ? NaN : s * Infinity) : e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
  });
}

/** A safetensors file of one tensor `x` with these raw bytes. */
function rawSafetensors(dtype: string, bytes: Uint8Array, size: number): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ x: { dtype, shape: [bytes.length / size], data_offsets: [0, bytes.length] } }));
  const file = new Uint8Array(8 + header.length + bytes.length);
  new DataView(file.buffer).setBigUint64(0, BigInt(header.length), true);
  file.set(header, 8);
  file.set(bytes, 8 + header.length);
  return file;
}

describe("values in the file's own precision, exactly", () => {
  const SIZES = { F64: 8, F32: 4, F16: 2, BF16: 2 } as const;
  for (const dtype of ["F64", "F32", "F16", "BF16"] as const) {
    it(`${dtype}: every entry is the rational its bytes denote (or the file is refused), held as ${dtype === "F64" ? "Float64Array" : "Float32Array"}`, () => {
      let n = 0;
      fc.assert(
        fc.property(fc.uint8Array({ minLength: SIZES[dtype], maxLength: 16 * SIZES[dtype] }), fc.nat(), (raw, flip) => {
          const bytes = raw.subarray(0, raw.length - (raw.length % SIZES[dtype]));
          const want = reference(bytes, dtype);
          const name = `exact${n++}.safetensors`;
          const r = readCheckpoint(put(name, rawSafetensors(dtype, bytes, SIZES[dtype])), dir);
          const read = (): number[] | string => {
            if (!r.ok) return r.message;
            try {
              const t = r.checkpoint.read("x");
              expect(t.values).toBeInstanceOf(dtype === "F64" ? Float64Array : Float32Array);
              return Array.from(t.values);
            } catch (e) {
              return (e as Error).message;
            }
          };
          const got = read();
          const bad = want.findIndex((x) => !Number.isFinite(x));
          if (bad >= 0) return typeof got === "string" && got.includes(`entry ${bad} is ${want[bad]}`);
          if (typeof got === "string") return false;
          if (!got.every((x, i) => Rational.fromNumber(x).eq(Rational.fromNumber(want[i]!)) && Object.is(x, want[i]))) return false;
          // Negative control: one bit changed in the data changes an entry's value or is refused.
          const changed = Uint8Array.from(bytes);
          const at = flip % changed.length;
          changed[at]! ^= 1 << flip % 8;
          const r2 = readCheckpoint(put(`flip-${name}`, rawSafetensors(dtype, changed, SIZES[dtype])), dir);
          let got2: number[] | null = null;
          try {
            got2 = r2.ok ? Array.from(r2.checkpoint.read("x").values) : null;
          } catch {
            got2 = null;
          }
          return got2 === null || got2.some((x, i) => !Object.is(x, got[i]));
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe("ONNX initializers", () => {
  it("read equal to the same weights in safetensors (raw_data and the typed fields, every float type)", () => {
    let n = 0;
    fc.assert(
      fc.property(tensorArb("F32"), tensorArb("F64"), fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 12 }), (a, b, halves) => {
        const k = n++;
        const finiteHalves = halves.filter((h) => (h & 0x7c00) !== 0x7c00);
        const finiteBf = halves.filter((h) => (h & 0x7f80) !== 0x7f80);
        const f16 = finiteHalves.map(halfToNumber);
        const bf16 = reference(rawOf(16, finiteBf), "BF16");
        const inits: Init[] = [
          { name: "a.raw", dims: a.shape, data_type: 1, raw_data: rawOf(1, [...a.values]) },
          { name: "a.typed", dims: a.shape, data_type: 1, float_data: [...a.values] },
          { name: "b.raw", dims: b.shape, data_type: 11, raw_data: rawOf(11, [...b.values]) },
          { name: "b.typed", dims: b.shape, data_type: 11, double_data: [...b.values] },
          { name: "h.raw", dims: [finiteHalves.length], data_type: 10, raw_data: rawOf(10, finiteHalves) },
          { name: "h.typed", dims: [finiteHalves.length], data_type: 10, int32_data: finiteHalves },
          { name: "bf.raw", dims: [finiteBf.length], data_type: 16, raw_data: rawOf(16, finiteBf) },
          { name: "bf.typed", dims: [finiteBf.length], data_type: 16, int32_data: finiteBf },
        ];
        const ox = open(put(`w${k}.onnx`, encodeOnnxWeights(inits)));
        const st = open(
          put(
            `w${k}.safetensors`,
            encodeSafetensors([
              { name: "a", shape: a.shape, values: a.values, dtype: "F32" },
              { name: "b", shape: b.shape, values: b.values, dtype: "F64" },
              { name: "h", shape: [f16.length], values: Float64Array.from(f16), dtype: "F32" },
              { name: "bf", shape: [bf16.length], values: Float64Array.from(bf16), dtype: "F32" },
            ]),
          ),
        );
        const dtypes: Record<string, string> = { a: "F32", b: "F64", h: "F16", bf: "BF16" };
        return ["a", "b", "h", "bf"].every((t) =>
          ["raw", "typed"].every((how) => {
            const o = ox.read(`${t}.${how}`);
            const s = st.read(t);
            return o.dtype === dtypes[t] && JSON.stringify(o.shape) === JSON.stringify(s.shape) && sameValues(o.values, s.values);
          }),
        );
      }),
      { numRuns: 30 },
    );
  });
  it("negative control: a different weight in the ONNX file reads different from the safetensors one", () => {
    const st = open(put("nc.safetensors", encodeSafetensors([{ name: "w", shape: [2], values: Float64Array.of(1, 2), dtype: "F32" }])));
    const ox = open(put("nc.onnx", encodeOnnxWeights([{ name: "w", dims: [2], data_type: 1, float_data: [1, 2.5] }])));
    expect(sameValues(ox.read("w").values, st.read("w").values)).toBe(false);
  });
});

describe("parameters read on demand", () => {
  const netDir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-resident-"));
  fs.writeFileSync(path.join(netDir, "net.neq"), "network N = mlp(3 -> 2 -> 1, relu)\n");
  const tensors = [
    { name: "W0", shape: [2, 3], values: Float64Array.of(1, 2, 3, 4, 5, 6), dtype: "F32" as const },
    { name: "b0", shape: [2], values: Float64Array.of(0.5, -1), dtype: "F32" as const },
    { name: "W1", shape: [1, 2], values: Float64Array.of(3, -4), dtype: "F64" as const },
    { name: "b1", shape: [1], values: Float64Array.of(0.25), dtype: "F64" as const },
  ];
  fs.writeFileSync(path.join(netDir, "A.safetensors"), encodeSafetensors(tensors));
  const network = () => {
    const r = loadNetwork("net.neq:N", netDir);
    if ("messages" in r) throw new Error(r.messages.join("\n"));
    return r.net;
  };
  it("within the budget tensors are kept; beyond it they are read again, with the same values", () => {
    for (const budget of [0, 3, 1e9]) {
      const r = loadParams("A.safetensors", network(), new Map(), netDir, budget);
      if ("messages" in r) throw new Error(r.messages.join("\n"));
      const V = r.loaded.values;
      for (const t of tensors) {
        const v1 = V.get(t.name)!;
        const v2 = V.get(t.name)!;
        expect(sameValues(v1.t.values, t.values)).toBe(true);
        // Kept tensors are the same object; re-read ones are fresh (so dropping them frees them).
        // Budget 3 entries: W0 (6) does not fit, b0 (2) does, W1 (2) no longer, b1 (1) does.
        const kept = budget === 1e9 || (budget === 3 && (t.name === "b0" || t.name === "b1"));
        expect(v1 === v2).toBe(kept);
      }
      expect([...V.keys()]).toEqual(["W0", "b0", "W1", "b1"]);
    }
  });
  it("a malformed value is an input error when loading, before any work", () => {
    const bad = encodeSafetensors(tensors);
    new DataView(bad.buffer).setFloat64(bad.length - 8, NaN, true);
    fs.writeFileSync(path.join(netDir, "bad.safetensors"), bad);
    const r = loadParams("bad.safetensors", network(), new Map(), netDir, 0);
    expect("messages" in r ? r.messages : []).toEqual(["bad.safetensors: tensor b1: entry 0 is NaN (not a finite number; no rational denotes it)"]);
  });
});

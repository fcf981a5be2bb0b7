/**
 * Decoding IEEE floats from bytes in the file's own precision, exactly: F64 into a
 * Float64Array; F32, F16 and BF16 into a Float32Array (every binary16 and bfloat16 value is a
 * float32, so nothing rounds). NaN and infinities are refused: no rational denotes them.
 */
import { WeightFileError, type DType } from "./types.ts";

const scratch = new DataView(new ArrayBuffer(4));

/** Whether typed arrays are little-endian here (they use the platform's byte order). */
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes per value of each binary dtype. */
export const DTYPE_BYTES: Readonly<Record<Exclude<DType, "decimal">, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2 };

/** The exact value of an IEEE half (binary16) given by its bits. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

/** Every binary16 bit pattern's value as a float32 (exact: 11-bit significands, exponents -24..15). */
let HALF: Float32Array | null = null;
const halfTable = (): Float32Array => (HALF ??= Float32Array.from({ length: 65536 }, (_, b) => halfToNumber(b)));

/** The values of `dtype` as a typed array: float64 for F64, float32 for the rest. */
export type FloatArray = Float64Array | Float32Array;

/**
 * `count` values of `dtype` from `bytes` (little-endian unless `bigEndian`), each exactly the
 * value its bits denote: a Float64Array for F64, a Float32Array for F32, F16 and BF16.
 * Throws WeightFileError naming `file`, `tensor` and the first entry that is not finite.
 * When `bytes` is a whole buffer of its own (as readRange returns) F32/F64 data is used in
 * place, not copied.
 */
export function decodeFloats(bytes: Uint8Array, dtype: Exclude<DType, "decimal">, count: number, file: string, tensor: string, bigEndian = false): FloatArray {
  const size = DTYPE_BYTES[dtype];
  if (bytes.byteLength < count * size) throw new WeightFileError(file, `tensor ${tensor}: ${bytes.byteLength} bytes of data, but ${count} ${dtype} values need ${count * size}`);
  const native = LITTLE !== bigEndian;
  const out = native ? decodeNative(bytes, dtype, count) : decodeSwapped(bytes, dtype, count, !bigEndian);
  const bad = firstNotFinite(out);
  if (bad >= 0) throw new WeightFileError(file, `tensor ${tensor}: entry ${bad} is ${out[bad]} (not a finite number; no rational denotes it)`);
  return out;
}

/** Data in the platform's byte order: typed-array views, no per-entry DataView calls. */
function decodeNative(bytes: Uint8Array, dtype: Exclude<DType, "decimal">, count: number): FloatArray {
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  if (dtype === "F64" || dtype === "F32") {
    const size = DTYPE_BYTES[dtype];
    // A view of a buffer that holds only this data; otherwise (unaligned, or part of a larger
    // buffer that the view would keep alive) a copy.
    const src = own && bytes.byteLength === count * size ? bytes : bytes.slice(0, count * size);
    return dtype === "F64" ? new Float64Array(src.buffer, src.byteOffset, count) : new Float32Array(src.buffer, src.byteOffset, count);
  }
  const halves = bytes.byteOffset % 2 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, count) : new Uint16Array(bytes.slice(0, 2 * count).buffer);
  const out = new Float32Array(count);
  if (dtype === "BF16") {
    // bfloat16 is the upper half of a float32.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = halves[i]! << 16;
  } else {
    const table = halfTable();
    for (let i = 0; i < count; i++) out[i] = table[halves[i]!]!;
  }
  return out;
}

/** Data in the other byte order (big-endian .npy on a little-endian machine): through a DataView. */
function decodeSwapped(bytes: Uint8Array, dtype: Exclude<DType, "decimal">, count: number, le: boolean): FloatArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === "F64") return Float64Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, le));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (dtype === "F32") out[i] = view.getFloat32(4 * i, le);
    else if (dtype === "F16") out[i] = halfToNumber(view.getUint16(2 * i, le));
    else {
      scratch.setUint32(0, view.getUint16(2 * i, le) << 16, true);
      out[i] = scratch.getFloat32(0, true);
    }
  }
  return out;
}

/** Index of the first NaN or infinity, or -1. */
export function firstNotFinite(values: FloatArray): number {
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    // x - x is 0 for every finite x and NaN for NaN and the infinities.
    if (x - x !== 0) return i;
  }
  return -1;
}

/** Whether every value is exactly a float32 (so F32 storage loses nothing). */
export const allFloat32 = (values: FloatArray): boolean => values instanceof Float32Array || values.every((x) => Math.fround(x) === x);

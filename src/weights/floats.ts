/**
 * Decoding IEEE floats from bytes into float64s, exactly (every F32, F16 and BF16 value is a
 * float64), refusing NaN and infinities, which denote no rational.
 */
import { WeightFileError, type DType } from "./types.ts";

const scratch = new DataView(new ArrayBuffer(4));

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

/**
 * `count` values of `dtype` from `bytes` (little-endian unless `bigEndian`), as float64s.
 * Throws WeightFileError naming `file`, `tensor` and the entry when a value is not finite.
 */
export function decodeFloats(bytes: Uint8Array, dtype: Exclude<DType, "decimal">, count: number, file: string, tensor: string, bigEndian = false): Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(count);
  const le = !bigEndian;
  for (let i = 0; i < count; i++) {
    let x: number;
    if (dtype === "F64") x = view.getFloat64(8 * i, le);
    else if (dtype === "F32") x = view.getFloat32(4 * i, le);
    else if (dtype === "F16") x = halfToNumber(view.getUint16(2 * i, le));
    else {
      // bfloat16 is the upper half of a float32.
      scratch.setUint32(0, view.getUint16(2 * i, le) << 16, true);
      x = scratch.getFloat32(0, true);
    }
    if (!Number.isFinite(x)) throw new WeightFileError(file, `tensor ${tensor}: entry ${i} is ${x} (not a finite number; no rational denotes it)`);
    out[i] = x;
  }
  return out;
}

/** Whether every value is exactly a float32 (so F32 storage loses nothing). */
export const allFloat32 = (values: Float64Array): boolean => values.every((x) => Math.fround(x) === x);

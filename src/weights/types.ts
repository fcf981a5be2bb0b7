/**
 * Checkpoints: named tensors with a shape and exact values, whatever the file format.
 *
 * Every value is the exact rational the file denotes, held in the file's own precision so a
 * checkpoint costs in memory what it costs on disk (F16/BF16: twice): F64 tensors are a
 * Float64Array; F32, F16 and BF16 tensors a Float32Array (every binary16 and bfloat16 value is
 * exactly a float32, so decoding rounds nothing). Each float is the dyadic rational m 2^e it
 * denotes. A JSON number such as 0.1 is a decimal that no float denotes, so JSON tensors are a
 * Float64Array of the nearest floats plus the exact rationals (`exact`). Readers never hand out
 * NaN or infinities: no rational denotes them.
 */
import type { Rational } from "../numeric/rational.ts";

/** How the values were stored in the file. */
export type DType = "F64" | "F32" | "F16" | "BF16" | "decimal";

/** A tensor's name, shape and storage type, known before its values are read. */
export interface TensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A tensor with its values, row-major (the last axis varies fastest). */
export interface Tensor extends TensorInfo {
  /**
   * The values: a Float64Array for F64 and decimal tensors, a Float32Array for F32, F16 and
   * BF16 ones; for decimal tensors with `exact`, the nearest float64s.
   */
  readonly values: Float64Array | Float32Array;
  /** Present when some value is not a float64 (JSON decimals): the exact values. */
  readonly exact?: readonly Rational[];
}

/**
 * A weight file, opened: its tensors' names and shapes are known, values are read on demand
 * (a safetensors reader reads only the bytes of the tensor asked for and keeps nothing, so a
 * caller that drops a tensor frees it).
 */
export interface Checkpoint {
  /** The file as given (for messages). */
  readonly file: string;
  readonly format: "json" | "safetensors" | "npy" | "npz" | "pt" | "onnx";
  /** Hex SHA-256 of the file's bytes (of the index file and every shard, in order, for sharded safetensors). */
  readonly sha256: string;
  readonly tensors: readonly TensorInfo[];
  /** The tensor's values; throws WeightFileError when they are malformed. */
  read(name: string): Tensor;
}

/**
 * A malformed, hostile or unsupported weight file. Thrown inside the readers and turned
 * into a value by `readCheckpoint`; the message names the file and the problem.
 */
export class WeightFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** Number of entries of a shape (1 for a scalar). */
export const entries = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Checkpoints: named tensors with a shape and exact values, whatever the file format.
 *
 * Every value is the exact rational the file denotes. Binary formats hold IEEE floats
 * (F64, F32, F16, BF16), each exactly a float64, so their values are a Float64Array; a JSON
 * number such as 0.1 is a decimal that no float denotes, so JSON tensors also carry the exact
 * rationals (`exact`). Readers never hand out NaN or infinities: no rational denotes them.
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
  /** The values, or their nearest float64s when `exact` is present. */
  readonly values: Float64Array;
  /** Present when some value is not a float64 (JSON decimals): the exact values. */
  readonly exact?: readonly Rational[];
}

/**
 * A weight file, opened: its tensors' names and shapes are known, values are read on demand
 * (a safetensors reader reads only the bytes of the tensor asked for).
 */
export interface Checkpoint {
  /** The file as given (for messages). */
  readonly file: string;
  readonly format: "json" | "safetensors" | "npy" | "npz" | "pt";
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

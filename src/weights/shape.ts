/** Checking shapes read from files. */
import { WEIGHT_LIMITS } from "./limits.ts";
import { WeightFileError } from "./types.ts";

/**
 * `shape` as a list of dimensions, or a WeightFileError naming `file` and `tensor`: each
 * dimension a whole number >= 0, at most WEIGHT_LIMITS.rank axes and tensorEntries entries.
 */
export function checkShape(shape: unknown, file: string, tensor: string): number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== "number" || !Number.isSafeInteger(d) || d < 0))
    throw new WeightFileError(file, `tensor ${tensor}: shape ${JSON.stringify(shape)} is not a list of whole numbers`);
  if (shape.length > WEIGHT_LIMITS.rank) throw new WeightFileError(file, `tensor ${tensor}: ${shape.length} axes (at most ${WEIGHT_LIMITS.rank})`);
  let n = 1;
  for (const d of shape as number[]) n *= d;
  if (n > WEIGHT_LIMITS.tensorEntries) throw new WeightFileError(file, `tensor ${tensor}: shape [${shape.join(", ")}] has ${n} entries (at most ${WEIGHT_LIMITS.tensorEntries})`);
  return shape as number[];
}

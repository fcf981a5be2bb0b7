/**
 * Lemma 2's grid: m = ceil(B Lambda / eps) cells per coordinate.
 */
import { Rational } from "../numeric/rational.ts";
import { log10BigInt } from "./log10BigInt.ts";

/** The number of grid cells per coordinate, exactly and in the forms the bounds use. */
export interface GridSize {
  /** m exactly. */
  readonly m: bigint;
  /** log10 m. */
  readonly log10m: number;
  /** m as a float (Infinity past 1.8e308). */
  readonly mNumber: number;
}

/**
 * m = ceil(B Lambda / eps), computed exactly from rationals. Cells of width 2B/m <= 2 eps/Lambda
 * move each coordinate by at most eps/Lambda when rounding to the cell centre (Lemma 2).
 *
 * @example gridSize(Rational.ONE, Rational.of(1, 2), Rational.of(8)).m === 16n
 */
export function gridSize(B: Rational, eps: Rational, lambda: Rational): GridSize {
  if (B.sign() <= 0 || eps.sign() <= 0 || lambda.sign() <= 0) throw new RangeError("gridSize: B, eps and Lambda must be positive");
  const q = B.mul(lambda).div(eps);
  const floor = q.num / q.den;
  const m = floor * q.den === q.num ? floor : floor + 1n;
  return fromBigInt(m < 1n ? 1n : m);
}

/** A GridSize for a given m. */
export function fromBigInt(m: bigint): GridSize {
  if (m < 1n) throw new RangeError(`grid size must be at least 1, got ${m}`);
  const mNumber = Number(m);
  return { m, log10m: log10BigInt(m), mNumber };
}

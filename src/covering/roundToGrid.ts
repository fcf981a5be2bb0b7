/**
 * Rounding parameters to the centres of Lemma 2's grid cells.
 */
import { Rational } from "../numeric/rational.ts";

/**
 * Each coordinate of theta (in [-B, B]) moved to the centre of its cell among m equal cells of
 * [-B, B]. Moves each coordinate by at most B/m, and is monotone (x <= y implies
 * round(x) <= round(y)), so sorted biases stay sorted (Lemma 3).
 *
 * @example roundToGrid([0.3, -1], 1, 2) // [0.5, -0.5]
 */
export function roundToGrid(theta: readonly number[], B: number, m: number): number[] {
  return theta.map((x) => {
    const k = Math.min(m - 1, Math.max(0, Math.floor(((x + B) * m) / (2 * B))));
    // Centre of cell k as B (2k + 1 - m) / m: the numerator is an exact integer, so centres
    // are exactly symmetric about 0 and the middle cell of an odd grid has centre exactly 0.
    return (B * (2 * k + 1 - m)) / m;
  });
}

/** `roundToGrid` in exact arithmetic. */
export function roundToGridExact(theta: readonly Rational[], B: Rational, m: bigint): Rational[] {
  const h = B.mul(Rational.of(2n)).div(Rational.of(m));
  return theta.map((x) => {
    const q = x.add(B).div(h);
    let k = q.num / q.den - (q.num < 0n && q.num % q.den !== 0n ? 1n : 0n);
    if (k < 0n) k = 0n;
    if (k > m - 1n) k = m - 1n;
    return B.neg().add(Rational.of(2n * k + 1n, 2n).mul(h));
  });
}

/**
 * Lemma 5: the number of non-increasing vectors in {1..m}^d is C(m + d - 1, d).
 */
import { Rational } from "../numeric/rational.ts";
import { factorial, log10Factorial } from "./log10Factorial.ts";

/**
 * #{ t in {1..m}^d : t_1 >= ... >= t_d } = C(m + d - 1, d), exactly (Lemma 5).
 * Derivation: a non-increasing vector is a multiset of size d from m values (stars and bars).
 *
 * @example orderedGridCount(5, 3) === 35n
 */
export function orderedGridCount(m: number | bigint, d: number): bigint {
  const mm = BigInt(m);
  if (mm < 1n || !Number.isInteger(d) || d < 0) throw new RangeError(`orderedGridCount: need m >= 1 and d >= 0, got ${m}, ${d}`);
  // After step i the running value is C(m + i, i + 1), an integer, so each division is exact.
  let c = 1n;
  for (let i = 0n; i < BigInt(d); i++) c = (c * (mm + i)) / (i + 1n);
  return c;
}

/**
 * The sandwich of Lemma 5: m^d / d! <= C(m + d - 1, d) <= (m + d - 1)^d / d!, as exact
 * rationals. Derivation: C(m + d - 1, d) = prod_{i<d} (m + i) / d! and m <= m + i <= m + d - 1.
 */
export function orderedGridSandwich(m: number | bigint, d: number): { lower: Rational; upper: Rational } {
  const mm = BigInt(m);
  const f = factorial(d);
  return { lower: Rational.of(mm ** BigInt(d), f), upper: Rational.of((mm + BigInt(d) - 1n) ** BigInt(d), f) };
}

/**
 * sum_{i<d} log10(1 + i/m): the excess of log10 prod_{i<d}(m + i) over d log10 m. Written as
 * a sum of log1p terms so it stays accurate when m is astronomically large (m = Infinity gives
 * 0, the limit).
 */
export function log10RisingExcess(m: number, d: number): number {
  if (!(m >= 1)) throw new RangeError(`log10RisingExcess: m must be >= 1, got ${m}`);
  let s = 0;
  for (let i = 1; i < d; i++) s += Math.log1p(i / m);
  return s / Math.LN10;
}

/**
 * log10 C(m + d - 1, d) = d log10 m + sum_{i<d} log10(1 + i/m) - log10 d!, for m given by its
 * log10 (and as a float, possibly Infinity). Never forms m^d, so it works for any size.
 */
export function log10OrderedGridCount(log10m: number, m: number, d: number): number {
  return d * log10m + log10RisingExcess(m, d) - log10Factorial(d);
}

/**
 * Factorials: exact as BigInt, and as log10 for any size (used for group orders d_1!...d_L!).
 */
import { lgamma } from "./lgamma.ts";

/**
 * log10 n! = ln G(n + 1) / ln 10 (exactly 0 for n = 0, 1).
 *
 * @example log10Factorial(1000) // 2567.6046
 */
export function log10Factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`log10Factorial: n must be a non-negative integer, got ${n}`);
  return n <= 1 ? 0 : lgamma(n + 1) / Math.LN10;
}

/** n! exactly. */
export function factorial(n: number): bigint {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`factorial: n must be a non-negative integer, got ${n}`);
  let r = 1n;
  for (let i = 2n; i <= BigInt(n); i++) r *= i;
  return r;
}

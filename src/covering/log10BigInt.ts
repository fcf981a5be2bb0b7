/**
 * log10 of a positive BigInt without converting it to a float (which overflows past 1e308).
 */

/**
 * log10(n) for n > 0, accurate to about 1e-16 relative: the digit count gives the integer
 * part and the leading 17 digits the fraction.
 *
 * @example log10BigInt(10n ** 400n) === 400
 */
export function log10BigInt(n: bigint): number {
  if (n <= 0n) throw new RangeError(`log10BigInt: n must be positive, got ${n}`);
  const s = n.toString();
  if (s.length <= 15) return Math.log10(Number(n));
  const lead = s.slice(0, 17);
  return Math.log10(Number(lead)) + (s.length - lead.length);
}

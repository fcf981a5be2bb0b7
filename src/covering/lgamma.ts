/**
 * The natural logarithm of the gamma function for x > 0, accurate to a few units in the
 * 15th significant digit (tested against exact BigInt factorials).
 *
 * Derivation: for x >= 15 the Stirling series
 *   ln G(x) = (x - 1/2) ln x - x + ln(2 pi)/2 + sum_k B_{2k} / (2k (2k-1) x^{2k-1})
 * truncated after the x^-13 term has error below the first omitted term (< 1e-17 there);
 * smaller x are shifted up with ln G(x) = ln G(x + k) - ln(x (x+1) ... (x+k-1)).
 *
 * @example lgamma(101) / Math.LN10 // log10 100! = 157.97
 */
export function lgamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lgamma: x must be positive, got ${x}`);
  if (x === 1 || x === 2) return 0;
  let shift = 0;
  let product = 1;
  let y = x;
  while (y < 15) {
    product *= y;
    y += 1;
    shift++;
  }
  return stirling(y) - (shift > 0 ? Math.log(product) : 0);
}

/** Coefficients B_{2k} / (2k (2k-1)) for k = 1..7. */
const SERIES = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];

function stirling(x: number): number {
  const inv = 1 / x;
  const inv2 = inv * inv;
  let tail = 0;
  for (let k = SERIES.length - 1; k >= 0; k--) tail = tail * inv2 + SERIES[k]!;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + tail * inv;
}

/**
 * The parameter count S of an MLP (setting of the covering lemmas).
 */

/**
 * S = sum_{l=0..L} d_{l+1} (d_l + 1) for widths [d_0, ..., d_{L+1}]: every layer has a
 * d_{l+1} x d_l weight matrix and d_{l+1} biases.
 *
 * @example paramCount([3, 5, 4, 2]) === 54
 */
export function paramCount(widths: readonly number[]): number {
  let s = 0;
  for (let l = 0; l + 1 < widths.length; l++) s += widths[l + 1]! * (widths[l]! + 1);
  return s;
}

/** The hidden widths d_1..d_L (everything but the input and the output width). */
export function hiddenWidths(widths: readonly number[]): number[] {
  return widths.slice(1, -1);
}

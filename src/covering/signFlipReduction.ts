/**
 * BEYOND THE PAPER (its argument uses permutations only): the further reduction from the
 * sign-flip symmetry of odd activations (tanh, identity). Per hidden layer the symmetry group
 * becomes the signed permutations, of order 2^d d!, so the limit gain is 2^{sum d_l} prod d_l!.
 *
 * Not covered: ReLU's positive scaling is a continuous symmetry that does not map the box to
 * itself, so it gives no finite factor in this grid argument; the sigmoid flip needs a
 * next-bias correction that can leave the box, so it is not used either.
 */
import { float64 } from "../numeric/field.ts";
import { flipUnit } from "./flipUnit.ts";
import { sortLayer } from "./canonicalise.ts";
import type { GridSize } from "./gridSize.ts";
import { log10BigInt } from "./log10BigInt.ts";
import { log10OrderedGridCount, orderedGridCount } from "./orderedGridCount.ts";
import { hiddenWidths, paramCount } from "./paramCount.ts";
import { biasIndex, thetaLayout, weightIndex } from "./thetaLayout.ts";

/**
 * A representative under signed permutations, for networks whose hidden activations are odd:
 * for l = 1..L, flip every unit whose (bias, incoming row) is lexicographically negative
 * (row, bias and outgoing column negated: an exact symmetry for odd sigma that stays in the
 * box), then sort the layer as `canonicalise` does. Biases end up >= 0 and non-increasing.
 * Flipping layer l negates columns of W_l only, which layer l + 1 reads afterwards, so the
 * same first-to-last argument as for `canonicalise` applies.
 */
export function signFlipCanonicalise(widths: readonly number[], theta: readonly number[]): number[] {
  const layout = thetaLayout(widths);
  let out = [...theta];
  for (let l = 1; l <= widths.length - 2; l++) {
    for (let i = 0; i < widths[l]!; i++) {
      const key = [out[biasIndex(layout, l - 1, i)]!, ...Array.from({ length: widths[l - 1]! }, (_, j) => out[weightIndex(layout, l - 1, i, j)]!)];
      const lead = key.find((v) => v !== 0);
      if (lead !== undefined && lead < 0) out = flipUnit(float64, widths, out, l, i, false);
    }
    out = sortLayer(widths, out, l);
  }
  return out;
}

/**
 * log10 of the sign-flip-reduced covering bound m^{S - sum d_l} prod C(ceil(m/2) + d_l - 1, d_l).
 * Derivation: representatives have biases in [0, B], non-increasing; rounding to cell centres
 * is monotone and maps [0, B] onto the ceil(m/2) cells with centre >= 0, so each layer's
 * biases take C(ceil(m/2) + d - 1, d) values (Lemma 5) and every other coordinate m values.
 */
export function log10ReducedWithSignFlips(widths: readonly number[], grid: GridSize): number {
  const hidden = hiddenWidths(widths);
  const rest = paramCount(widths) - hidden.reduce((a, b) => a + b, 0);
  const half = (grid.m + 1n) / 2n;
  const log10Half = log10BigInt(half);
  const halfNumber = Number(half);
  return rest * grid.log10m + hidden.reduce((s, d) => s + log10OrderedGridCount(log10Half, halfNumber, d), 0);
}

/** The same bound exactly. */
export function reducedWithSignFlipsCount(widths: readonly number[], m: bigint): bigint {
  const hidden = hiddenWidths(widths);
  const rest = paramCount(widths) - hidden.reduce((a, b) => a + b, 0);
  return hidden.reduce((p, d) => p * orderedGridCount((m + 1n) / 2n, d), m ** BigInt(rest));
}

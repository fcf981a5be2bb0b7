/**
 * Permutation symmetries of an MLP: moving a hidden layer's units together with their
 * incoming rows, biases and outgoing columns.
 */
import { biasIndex, thetaLayout, weightIndex } from "./thetaLayout.ts";

/**
 * theta with the units of hidden layer `layer` (1..L) permuted: unit i moves to position
 * `perm[i]` (the convention of `permute` steps), carrying row i of W_{layer-1}, entry i of
 * b_{layer-1} and column i of W_layer. This is A_l -> P A_l, b_l -> P b_l, A_{l+1} -> A_{l+1} P^T.
 *
 * @example permuteUnits([1, 2, 1], [1, 2, 3, 4, 5, 6, 7], 1, [1, 0]) // [2, 1, 4, 3, 6, 5, 7]
 */
export function permuteUnits<T>(widths: readonly number[], theta: readonly T[], layer: number, perm: readonly number[]): T[] {
  const layout = thetaLayout(widths);
  const d = widths[layer]!;
  if (layer < 1 || layer > widths.length - 2) throw new RangeError(`permuteUnits: layer ${layer} is not hidden`);
  if (perm.length !== d) throw new RangeError(`permuteUnits: permutation of ${perm.length} for ${d} units`);
  const out = [...theta];
  const inW = widths[layer - 1]!;
  const outW = widths[layer + 1]!;
  for (let i = 0; i < d; i++) {
    const p = perm[i]!;
    for (let j = 0; j < inW; j++) out[weightIndex(layout, layer - 1, p, j)] = theta[weightIndex(layout, layer - 1, i, j)]!;
    out[biasIndex(layout, layer - 1, p)] = theta[biasIndex(layout, layer - 1, i)]!;
    for (let k = 0; k < outW; k++) out[weightIndex(layout, layer, k, p)] = theta[weightIndex(layout, layer, k, i)]!;
  }
  return out;
}

/** g theta for g = (P_1, ..., P_L), one permutation per hidden layer (same convention). */
export function applyPermutations<T>(widths: readonly number[], theta: readonly T[], perms: readonly (readonly number[])[]): T[] {
  let out = [...theta];
  perms.forEach((p, i) => (out = permuteUnits(widths, out, i + 1, p)));
  return out;
}

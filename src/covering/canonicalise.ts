/**
 * The representative set Theta_0 of Lemma 3 and the map onto it.
 */
import { permuteUnits } from "./permuteUnits.ts";
import { biasIndex, thetaLayout, weightIndex, type ThetaLayout } from "./thetaLayout.ts";

/**
 * The canonical representative of theta's permutation orbit (Lemma 3): for l = 1..L in
 * order, sort hidden layer l's units by the key (bias, incoming row) non-increasing in
 * lexicographic order, moving rows, biases and outgoing columns together (`permuteUnits`).
 * Units whose keys tie completely keep their relative order (stable sort).
 *
 * Why layers go first to last, and why the key ignores outgoing columns: sorting layer l
 * permutes the rows of W_{l-1}, the entries of b_{l-1} and the columns of W_l; later sorts
 * (layers l+1..L) touch only W_l, b_l and beyond, never b_{l-1} or W_{l-1}. So layer l's key
 * is final once layer l is sorted, and the output is sorted at every layer. (An outgoing
 * column in the key would be reshuffled by the next layer's sort and break idempotence.)
 * Idempotence: on a sorted input every layer's stable sort is the identity, by induction over
 * l (layer l's key depends only on layers < l, which the induction leaves unchanged).
 * Invariance: if within every layer the keys are pairwise distinct (e.g. distinct biases),
 * the sorted order of layer l does not depend on how its units were numbered, so
 * canonicalise(g theta) = canonicalise(theta) for every permutation g, by the same induction.
 * With complete ties the result can depend on g (the tied units may differ in their outgoing
 * columns); it is still in Theta_0 and still computes f_theta.
 *
 * @example canonicalise([1, 2, 1], [5, 6, 0, 1, 7, 8, 9]) // [6, 5, 1, 0, 8, 7, 9]
 */
export function canonicalise(widths: readonly number[], theta: readonly number[]): number[] {
  let out = [...theta];
  for (let l = 1; l <= widths.length - 2; l++) out = sortLayer(widths, out, l);
  return out;
}

/** theta with hidden layer l's units stably sorted by (bias, incoming row), non-increasing. */
export function sortLayer(widths: readonly number[], theta: readonly number[], l: number): number[] {
  const keys = unitKeys(thetaLayout(widths), theta, l);
  const order = keys.map((_, i) => i).sort((a, b) => compareKeys(keys[b]!, keys[a]!));
  const perm = new Array<number>(order.length);
  order.forEach((unit, position) => (perm[unit] = position));
  return permuteUnits(widths, theta, l, perm);
}

/**
 * theta is in Theta_0: in every hidden layer the keys (bias, incoming row) are
 * non-increasing. Equivalently canonicalise(theta) = theta.
 */
export function inRepresentativeSet(widths: readonly number[], theta: readonly number[]): boolean {
  const layout = thetaLayout(widths);
  for (let l = 1; l <= widths.length - 2; l++) {
    const keys = unitKeys(layout, theta, l);
    for (let i = 0; i + 1 < keys.length; i++) if (compareKeys(keys[i]!, keys[i + 1]!) < 0) return false;
  }
  return true;
}

/** Lemma 4's set: in every hidden layer the biases are non-increasing (ties allowed). */
export function biasesNonIncreasing(widths: readonly number[], theta: readonly number[]): boolean {
  const layout = thetaLayout(widths);
  for (let l = 1; l <= widths.length - 2; l++) {
    for (let i = 0; i + 1 < widths[l]!; i++) if (theta[biasIndex(layout, l - 1, i)]! < theta[biasIndex(layout, l - 1, i + 1)]!) return false;
  }
  return true;
}

/** Keys of hidden layer l's units: [bias, incoming row...]. */
function unitKeys(layout: ThetaLayout, theta: readonly number[], l: number): number[][] {
  const inW = layout.widths[l - 1]!;
  return Array.from({ length: layout.widths[l]! }, (_, i) => [theta[biasIndex(layout, l - 1, i)]!, ...Array.from({ length: inW }, (_, j) => theta[weightIndex(layout, l - 1, i, j)]!)]);
}

/** Lexicographic comparison (-0 equals 0). */
function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

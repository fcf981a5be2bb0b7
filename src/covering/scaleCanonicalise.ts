/**
 * BEYOND THE PAPER (its Lemma 3 uses permutations only): the representative of theta's orbit
 * under permutations together with the per-unit actions a hidden layer's activation allows:
 * positive scalings (positively homogeneous activations: ReLU, leaky ReLU, identity) or sign
 * flips (odd activations: tanh). Generic over the number field, so that it runs on exact
 * rationals: the normalised values (a row divided by its leading entry's size) are rationals
 * no float holds. This is the reference that `neteq canonicalise` must agree with.
 */
import { Rational } from "../numeric/rational.ts";
import type { Field } from "../numeric/field.ts";
import { flipUnit } from "./flipUnit.ts";
import { permuteUnits } from "./permuteUnits.ts";
import { scaleUnit } from "./scaleUnit.ts";
import { biasIndex, thetaLayout, weightIndex, type ThetaLayout } from "./thetaLayout.ts";

/** What a hidden layer's units may do besides moving. */
export type UnitMove = "none" | "scale" | "flip";

/**
 * The canonical representative of theta under the group whose layer l acts by permutations
 * and `moves[l - 1]`: for l = 1..L in order, (1) normalise each unit of layer l by its key
 * (bias, incoming row) -- "scale": multiply the unit by 1 / |lead| (incoming row and bias
 * times it, outgoing column divided), so that the key's leading non-zero entry `lead` becomes
 * +-1; "flip": flip the unit when lead < 0 -- then (2) sort the layer's units stably by the
 * normalised key, non-increasing (as `canonicalise`).
 *
 * Why the result is a function of the orbit (when no two normalised keys of a layer are
 * equal and no key is all zero): write g = (P_l, D_l) per layer, with D_l the diagonal of
 * scales (c > 0, or +-1). Suppose theta and theta' = g theta agree after layers 1..l-1 were
 * processed in both, i.e. the processed theta' is g' (processed theta) with g' the identity
 * on layers < l. Then unit P_l(i) of layer l in theta' has key c_i key_i (its incoming
 * columns belong to layer l-1, where g' is the identity), and dividing by |lead| (or
 * multiplying by lead's sign) maps c_i key_i and key_i to the same normalised key, since the
 * leading entry's position does not move and its size (sign) scales by c_i (sign c_i). So
 * after step (1) the two layers hold the same multiset of keys, permuted by P_l; step (2)
 * puts them in the same order, and now g' is the identity on layers <= l. Step (1) and (2)
 * of layer l touch only W_{l-1}, b_{l-1} and W_l's columns: layers processed before are left
 * alone, so the induction goes through to l = L, where g' is the identity on every layer.
 * Idempotence: on a canonical theta every lead is already +-1 (+1 for flips), so step (1)
 * multiplies by 1, and step (2) finds the layer sorted. Every step is a symmetry, so the
 * result computes f_theta. A unit whose key is all zero has no determined scale (its
 * outgoing column keeps whatever scale it had), and equal keys are ordered by index: there
 * the result can depend on g, as for `canonicalise`; `undeterminedUnits` counts both.
 *
 * @example scaleCanonicalise(exact, [1, 2, 1], theta, ["scale"]) // each hidden unit's key starts with +-1
 */
export function scaleCanonicalise<T>(F: Field<T>, widths: readonly number[], theta: readonly T[], moves: readonly UnitMove[]): T[] {
  if (moves.length !== widths.length - 2) throw new RangeError(`scaleCanonicalise: ${moves.length} moves for ${widths.length - 2} hidden layers`);
  const layout = thetaLayout(widths);
  const zero = F.fromRational(Rational.ZERO);
  const one = F.fromRational(Rational.ONE);
  let out = [...theta];
  for (let l = 1; l <= widths.length - 2; l++) {
    const move = moves[l - 1]!;
    for (let i = 0; i < widths[l]! && move !== "none"; i++) {
      const lead = unitKey(layout, out, l, i).find((v) => F.cmp(v, zero) !== 0);
      if (lead === undefined) continue;
      const negative = F.cmp(lead, zero) < 0;
      if (move === "flip" && negative) out = flipUnit(F, widths, out, l, i, false);
      if (move === "scale") out = scaleUnit(F, widths, out, l, i, F.div(one, negative ? F.neg(lead) : lead));
    }
    out = sortLayerBy(F, widths, out, l);
  }
  return out;
}

/**
 * Per hidden layer of a canonical theta, the units where the canonical form is not
 * guaranteed to be a function of the orbit: units whose key is all zero (scale or sign not
 * determined, for layers that scale or flip), and units whose key equals another unit's.
 */
export function undeterminedUnits<T>(F: Field<T>, widths: readonly number[], theta: readonly T[], moves: readonly UnitMove[]): number[] {
  const layout = thetaLayout(widths);
  const zero = F.fromRational(Rational.ZERO);
  return moves.map((move, k) => {
    const keys = Array.from({ length: widths[k + 1]! }, (_, i) => unitKey(layout, theta, k + 1, i));
    return keys.filter((key, i) => (move !== "none" && key.every((v) => F.cmp(v, zero) === 0)) || keys.some((other, j) => j !== i && compareKeys(F, key, other) === 0)).length;
  });
}

/** theta with hidden layer l's units stably sorted by (bias, incoming row), non-increasing, compared in F. */
function sortLayerBy<T>(F: Field<T>, widths: readonly number[], theta: readonly T[], l: number): T[] {
  const layout = thetaLayout(widths);
  const keys = Array.from({ length: widths[l]! }, (_, i) => unitKey(layout, theta, l, i));
  const order = keys.map((_, i) => i).sort((a, b) => compareKeys(F, keys[b]!, keys[a]!) || a - b);
  const perm = new Array<number>(order.length);
  order.forEach((unit, position) => (perm[unit] = position));
  return permuteUnits(widths, theta, l, perm);
}

/** Unit i of hidden layer l: [bias, incoming row...]. */
function unitKey<T>(layout: ThetaLayout, theta: readonly T[], l: number, i: number): T[] {
  return [theta[biasIndex(layout, l - 1, i)]!, ...Array.from({ length: layout.widths[l - 1]! }, (_, j) => theta[weightIndex(layout, l - 1, i, j)]!)];
}

function compareKeys<T>(F: Field<T>, a: readonly T[], b: readonly T[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = F.cmp(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Lemma 4: the representative set Theta_0 has volume 1 / prod d_l! of the box.
 */
import { Rational } from "../numeric/rational.ts";
import { groupOrder } from "./groupOrder.ts";

/**
 * vol(Theta_0) / vol(Theta_B) = 1 / prod_{l=1..L} d_l!, as log10 (any size) and exactly
 * (null when |G| is too large to hold). Derivation: the |G| images of Theta_0 tile the box up
 * to the null set of bias ties, and permutations preserve volume.
 *
 * @example volumeFraction([5, 3, 4, 1]).exact // 1/144
 */
export function volumeFraction(widths: readonly number[]): { log10: number; exact: Rational | null } {
  const g = groupOrder(widths);
  return { log10: -g.log10, exact: g.exact === null ? null : Rational.of(1n, g.exact) };
}

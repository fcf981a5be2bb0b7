/**
 * Lemma 6 (informal, an experiment rather than a theorem): the chance that uniform
 * initialisation lands in the basin of some copy of a global minimiser.
 */

/**
 * log10 of |G| V / (2B)^S, given log10 |G| and log10 of the basin's share V / (2B)^S of the
 * box (V = vol A), capped at 0. Valid only under the lemma's assumption that the |G| images
 * g A of the basin are pairwise disjoint; then P(hit) = |G| V / (2B)^S = V / vol(Theta_0).
 *
 * @example log10InitialisationHit(Math.log10(6), Math.log10(0.027)) // log10 0.162
 */
export function log10InitialisationHit(log10GroupOrder: number, log10BasinShare: number): number {
  return Math.min(0, log10GroupOrder + log10BasinShare);
}

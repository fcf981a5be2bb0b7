/**
 * The order of the permutation group of a network's hidden units, |G| = prod d_l!.
 */
import type { Network } from "../elaborate/types.ts";
import { axisClass } from "../elaborate/axes.ts";
import { factorial, log10Factorial } from "./log10Factorial.ts";

/** |G| as log10, exactly when it has at most `EXACT_DIGITS` digits, and its factors. */
export interface GroupOrder {
  readonly log10: number;
  readonly exact: bigint | null;
  /** The permutable hidden vectors and their sizes. */
  readonly factors: readonly { readonly node: string; readonly size: number }[];
}

/** Largest |G| (in decimal digits) kept exactly. */
export const EXACT_DIGITS = 5000;

/**
 * |G| = prod d_l! for an MLP given by its widths [d_0..d_{L+1}], or, for any network, the
 * product of n! over the classes of tied hidden axes that can be permuted
 * (elaborate/axes.ts: channels and units count; a residual stream tied to the input or
 * output does not, nor do positions).
 * Derivation: the permutation groups of different classes act independently, and each
 * permutation of a class (moving every parameter axis in it) is a symmetry.
 *
 * @example groupOrder([3, 5, 4, 2]).exact === 2880n // 5! 4!
 */
export function groupOrder(of: readonly number[] | Network): GroupOrder {
  const factors = Array.isArray(of) ? (of as readonly number[]).slice(1, -1).map((size, i) => ({ node: `h${i + 1}`, size })) : permutableVectors(of as Network);
  const log10 = factors.reduce((s, f) => s + log10Factorial(f.size), 0);
  const exact = log10 <= EXACT_DIGITS ? factors.reduce((p, f) => p * factorial(f.size), 1n) : null;
  return { log10, exact, factors };
}

function permutableVectors(net: Network): { node: string; size: number }[] {
  const out: { node: string; size: number }[] = [];
  const seen = new Set<string>();
  for (const n of net.nodes) {
    n.shape.forEach((_, axis) => {
      const c = axisClass(net, n.name, axis);
      if ("reason" in c) return;
      const key = [...c.nodes, ...c.params].map((r) => `${r.kind}:${r.name}#${r.axis}`).sort().join(" ");
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ node: n.shape.length === 1 ? n.name : `${n.name} axis ${n.axes[axis] ?? axis}`, size: c.size });
    });
  }
  return out;
}

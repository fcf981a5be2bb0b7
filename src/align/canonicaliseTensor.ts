/**
 * The representative of a tensor network's orbit under its permutation classes, with the
 * per-channel scalings and sign flips of the classes that allow them (unitScales.ts): first
 * each unit of such a class is normalised (`normalise`: its producer slices divided by their
 * entry of largest size for scalings, so that entry becomes +-1, or multiplied by the sign of
 * those entries for flips, class by class in definition order), then each class's units are
 * sorted by the colour (colour.ts) of the normalised values.
 *
 * Why normalise first, and why that is a function of the orbit: a unit's colour hashes its
 * exact values, so a rescaled unit has another colour, and colours alone would order A and
 * g A differently. A normaliser is the largest size (or the sign) in the multiset of the
 * unit's producer entries, with the normalisers of the classes before it already divided
 * out: permuting any class leaves that multiset alone, and rescaling the unit by c (or
 * flipping it) multiplies it by c (or its sign), while rescaling an earlier class is undone by
 * that class's own normaliser first. So normalise(g A) = P normalise(A) for a pure
 * permutation P, and the colours of normalise(g A) are those of normalise(A) moved by P
 * (colours are a function of the permutation orbit). Sorting by colour then gives both the
 * same order, and the two canonical forms are equal entry by entry. This holds where every
 * normaliser is determined and no two units of a class share a colour; elsewhere (`ties`,
 * `undetermined`) units are left as they are and ordered by index, and the caller warns that
 * the form is not guaranteed canonical there.
 */
import type { Network } from "../elaborate/types.ts";
import { Rational } from "../numeric/rational.ts";
import type { PermClass } from "./classes.ts";
import { unitColours } from "./colour.ts";
import type { ParamValues } from "./matchMlp.ts";
import { colourLayout, tiesOf } from "./matchTensor.ts";
import type { Tie, TensorGroupElement } from "./types.ts";
import { normalise, type ClassScaling } from "./unitScales.ts";

/**
 * g with g A canonical, the classes where ties make it index-dependent, and the units whose
 * scale or sign is not determined. With `keepScales`, positive scalings are not normalised
 * (the form is canonical under permutations and flips only).
 */
export function canonicalTensor(net: Network, classes: readonly PermClass[], scalings: readonly (ClassScaling | null)[], A: ParamValues, keepScales = false): { g: TensorGroupElement; ties: Tie[]; undetermined: Tie[] } {
  const used = scalings.map((s) => (s && (s.kind === "flip" || !keepScales) ? s : null));
  const n = used.some((s) => s !== null) ? normalise(net, classes, used, A) : null;
  const { colours } = unitColours(colourLayout(net, classes), [n ? n.values : A]);
  const ties: Tie[] = [];
  const perms = classes.map((c, k) => {
    const col = colours[0]![k]!;
    const order = Array.from({ length: c.size }, (_, i) => i).sort((x, y) => col[x]! - col[y]! || x - y);
    const perm = new Array<number>(c.size);
    order.forEach((unit, position) => (perm[unit] = position));
    const tie = tiesOf(c, col);
    if (tie) ties.push(tie);
    const s = used[k];
    const norms = n?.norms[k];
    // The unit's normaliser divided out: producers times 1/norm, consumers divided by it.
    return s && norms ? { id: c.id, where: c.where, perm, action: s.kind, scales: norms.map((x) => Rational.ONE.div(x)) } : { id: c.id, where: c.where, perm };
  });
  return { g: { classes: perms }, ties, undetermined: n ? n.ambiguous : [] };
}

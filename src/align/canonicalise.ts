/**
 * The representative of an MLP's orbit, as the covering library defines it
 * (src/covering/scaleCanonicalise.ts): for each hidden layer in order, normalise every unit
 * by its key (bias, incoming row, in the columns the earlier layers' g already moved and
 * rescaled) -- for positively homogeneous activations divide the unit by the size of the
 * key's first non-zero entry, for odd ones flip it when that entry is negative -- then sort
 * the units stably by the normalised key, non-increasing. The result is returned as the g that
 * maps A onto it, so it can be written, checked and certified like any alignment. With
 * `keepScales`, positive scalings are left alone (permutations and flips only, the form
 * `canonicalise` and `signFlipCanonicalise` of the covering library define).
 */
import { Rational } from "../numeric/rational.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { GroupElement, LayerMap, Tie, UnitAction } from "./types.ts";

/** g with g A canonical, and per layer the units where the form is not determined by the orbit. */
export interface Canonical {
  readonly g: GroupElement;
  /** Units whose normalised key equals another unit's: ordered by index. */
  readonly ties: Tie[];
  /** Units whose key is all zero, in a layer that scales or flips: their scale or sign is left as it was. */
  readonly undetermined: Tie[];
}

/** g with g A canonical. Values are compared exactly. */
export function canonicalGroupElement(widths: readonly number[], actions: readonly UnitAction[], A: ParamValues, keepScales = false): Canonical {
  const layers: LayerMap[] = [];
  const ties: Tie[] = [];
  const undetermined: Tie[] = [];
  for (let l = 1; l < widths.length - 1; l++) {
    const n = widths[l]!;
    const inW = widths[l - 1]!;
    const W = A.get(`W${l - 1}`)!;
    const b = A.get(`b${l - 1}`)!;
    const prev = layers[l - 2] ?? null;
    // Unit i's key in the transformed network: bias, then the row in the new column order
    // (column j of g A's W_{l-1} is A's column divided by the previous layer's scale). Entries
    // are made when first compared (most comparisons end at the bias): a key of every unit
    // in exact rationals would be one division per weight.
    const inverse = prev ? new Array<number>(inW) : null;
    if (prev) prev.perm.forEach((to, from) => (inverse![to] = from));
    const keyAt = (i: number, k: number): Rational => {
      if (k === 0) return b.rational(i);
      const from = inverse ? inverse[k - 1]! : k - 1;
      const v = W.rational(i * inW + from);
      return prev ? v.div(prev.scales[from]!) : v;
    };
    const action = actions[l - 1]!;
    let zero = 0;
    const scales: Rational[] = [];
    for (let i = 0; i < n; i++) {
      let lead: Rational | null = null;
      for (let k = 0; k <= inW && !lead; k++) {
        const v = keyAt(i, k);
        if (!v.isZero()) lead = v;
      }
      if (!lead) {
        if (action !== "none" && !(action === "scale" && keepScales)) zero++;
        scales.push(Rational.ONE);
      } else if (action === "flip") scales.push(lead.sign() < 0 ? Rational.of(-1) : Rational.ONE);
      else scales.push(action === "scale" && !keepScales ? Rational.ONE.div(lead.abs()) : Rational.ONE);
    }
    const memo = Array.from({ length: n }, () => new Array<Rational | undefined>(inW + 1));
    const scaledAt = (i: number, k: number): Rational => {
      let v = memo[i]![k];
      if (v === undefined) {
        const raw = keyAt(i, k);
        v = scales[i]!.eq(Rational.ONE) ? raw : raw.mul(scales[i]!);
        memo[i]![k] = v;
      }
      return v;
    };
    const compareUnits = (x: number, y: number): number => {
      for (let k = 0; k <= inW; k++) {
        const c = scaledAt(x, k).cmp(scaledAt(y, k));
        if (c !== 0) return c;
      }
      return 0;
    };
    const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => compareUnits(y, x) || x - y);
    const perm = new Array<number>(n);
    order.forEach((unit, position) => (perm[unit] = position));
    layers.push({ layer: l, perm, scales });
    const tied = tiedUnits(order, compareUnits);
    if (tied.units) ties.push({ id: `h${l}`, where: `h${l}`, ...tied });
    if (zero) undetermined.push({ id: `h${l}`, where: `h${l}`, units: zero, largest: zero });
  }
  return { g: { widths, layers }, ties, undetermined };
}

/** Units of a sorted list that equal a neighbour, and the largest run of equal units. */
function tiedUnits(sorted: readonly number[], compareUnits: (x: number, y: number) => number): { units: number; largest: number } {
  let units = 0;
  let largest = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && compareUnits(sorted[i]!, sorted[j]!) === 0) j++;
    if (j - i > 1) {
      units += j - i;
      largest = Math.max(largest, j - i);
    }
    i = j;
  }
  return { units, largest };
}

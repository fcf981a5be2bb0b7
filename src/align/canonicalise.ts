/**
 * The representative of an MLP's orbit, as the covering library defines it
 * (src/covering/canonicalise.ts, and signFlipCanonicalise for odd activations): for each
 * hidden layer in order, flip the units whose (bias, incoming row) starts negative (odd
 * activations only), then sort the units stably by (bias, incoming row), non-increasing. The
 * result is returned with the g that maps A onto it, so it can be checked and certified like
 * any alignment. Positive scalings are not normalised: dividing by a unit's size would leave
 * the float values a file can hold.
 */
import { Rational } from "../numeric/rational.ts";
import type { ExactValues } from "./exact.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { GroupElement, LayerMap, UnitAction } from "./types.ts";

/** g with g A canonical. Values are compared exactly. */
export function canonicalGroupElement(widths: readonly number[], actions: readonly UnitAction[], A: ParamValues): GroupElement {
  const layers: LayerMap[] = [];
  for (let l = 1; l < widths.length - 1; l++) {
    const n = widths[l]!;
    const inW = widths[l - 1]!;
    const W = A.get(`W${l - 1}`)!;
    const b = A.get(`b${l - 1}`)!;
    const prev = layers[l - 2] ?? null;
    // Unit i's key in the transformed network: bias, then the row in the new column order.
    const keyOf = (i: number): Rational[] => {
      const row = new Array<Rational>(inW);
      for (let j = 0; j < inW; j++) {
        const v = W.rational(i * inW + j);
        row[prev ? prev.perm[j]! : j] = prev ? v.div(prev.scales[j]!) : v;
      }
      return [b.rational(i), ...row];
    };
    const keys = Array.from({ length: n }, (_, i) => keyOf(i));
    const scales = keys.map((k) => {
      const lead = k.find((v) => !v.isZero());
      return actions[l - 1] === "flip" && lead && lead.sign() < 0 ? Rational.of(-1) : Rational.ONE;
    });
    const signed = keys.map((k, i) => (scales[i]!.sign() < 0 ? k.map((v) => v.neg()) : k));
    const order = signed.map((_, i) => i).sort((x, y) => compare(signed[y]!, signed[x]!) || x - y);
    const perm = new Array<number>(n);
    order.forEach((unit, position) => (perm[unit] = position));
    layers.push({ layer: l, perm, scales });
  }
  return { widths, layers };
}

function compare(a: readonly Rational[], b: readonly Rational[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = a[i]!.cmp(b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

export type { ExactValues };

/**
 * The representative of a tensor network's orbit under its permutation classes: each class's
 * units sorted by colour (colour.ts). Colours are a function of the orbit, so two checkpoints
 * related by a permutation of the classes get the same canonical form -- as long as no two
 * units of a class share a colour. Tied units are ordered by index, and the result is then not
 * guaranteed canonical; the ties are returned so the caller can say so.
 */
import type { Network } from "../elaborate/types.ts";
import type { PermClass } from "./classes.ts";
import { unitColours } from "./colour.ts";
import type { ParamValues } from "./matchMlp.ts";
import { colourLayout, tiesOf } from "./matchTensor.ts";
import type { Tie, TensorGroupElement } from "./types.ts";

/** g with g A canonical, and the classes where ties make it index-dependent. */
export function canonicalTensor(net: Network, classes: readonly PermClass[], A: ParamValues): { g: TensorGroupElement; ties: Tie[] } {
  const { colours } = unitColours(colourLayout(net, classes), [A]);
  const ties: Tie[] = [];
  const perms = classes.map((c, k) => {
    const col = colours[0]![k]!;
    const order = Array.from({ length: c.size }, (_, i) => i).sort((x, y) => col[x]! - col[y]! || x - y);
    const perm = new Array<number>(c.size);
    order.forEach((unit, position) => (perm[unit] = position));
    const tie = tiesOf(c, col);
    if (tie) ties.push(tie);
    return { id: c.id, where: c.where, perm };
  });
  return { g: { classes: perms }, ties };
}

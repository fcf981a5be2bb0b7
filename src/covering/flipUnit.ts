/**
 * Sign-flip symmetries: for odd sigma (tanh) negate a unit's row, bias and column; for
 * sigmoid (sigma(-z) = 1 - sigma(z)) additionally add the old column to the next bias.
 */
import type { Field } from "../numeric/field.ts";
import { biasIndex, thetaLayout, weightIndex } from "./thetaLayout.ts";

/**
 * theta with unit `unit` of hidden layer `layer` flipped: incoming row, bias and outgoing
 * column c negated; with `correction`, the next layer's bias is increased by c.
 * Derivation (sigmoid): (-c) sigma(-z) = -c + c sigma(z), so adding c restores the reader.
 */
export function flipUnit<T>(F: Field<T>, widths: readonly number[], theta: readonly T[], layer: number, unit: number, correction: boolean): T[] {
  const layout = thetaLayout(widths);
  const out = [...theta];
  for (let j = 0; j < widths[layer - 1]!; j++) {
    const at = weightIndex(layout, layer - 1, unit, j);
    out[at] = F.neg(theta[at]!);
  }
  const b = biasIndex(layout, layer - 1, unit);
  out[b] = F.neg(theta[b]!);
  for (let k = 0; k < widths[layer + 1]!; k++) {
    const at = weightIndex(layout, layer, k, unit);
    out[at] = F.neg(theta[at]!);
    if (correction) {
      const nb = biasIndex(layout, layer, k);
      out[nb] = F.add(out[nb]!, theta[at]!);
    }
  }
  return out;
}

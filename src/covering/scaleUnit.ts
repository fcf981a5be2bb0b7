/**
 * Positive scaling symmetry for positively homogeneous activations (ReLU, leaky ReLU,
 * identity): sigma(lambda z) = lambda sigma(z) for lambda > 0.
 */
import type { Field } from "../numeric/field.ts";
import { biasIndex, thetaLayout, weightIndex } from "./thetaLayout.ts";

/**
 * theta with unit `unit` of hidden layer `layer` rescaled: incoming row and bias times
 * `lambda`, outgoing column divided by `lambda`. A symmetry for lambda > 0 and positively
 * homogeneous sigma; for lambda < 0 it is not (the ReLU negative control).
 */
export function scaleUnit<T>(F: Field<T>, widths: readonly number[], theta: readonly T[], layer: number, unit: number, lambda: T): T[] {
  const layout = thetaLayout(widths);
  const out = [...theta];
  for (let j = 0; j < widths[layer - 1]!; j++) {
    const at = weightIndex(layout, layer - 1, unit, j);
    out[at] = F.mul(theta[at]!, lambda);
  }
  const b = biasIndex(layout, layer - 1, unit);
  out[b] = F.mul(theta[b]!, lambda);
  for (let k = 0; k < widths[layer + 1]!; k++) {
    const at = weightIndex(layout, layer, k, unit);
    out[at] = F.div(theta[at]!, lambda);
  }
  return out;
}

/**
 * Where each parameter of an MLP lives in a flat parameter vector theta.
 *
 * theta is stored in the order of `mlpNetwork(...).params`: W0 (row-major, d_1 x d_0), b0,
 * W1, b1, ..., WL, bL. Hidden layer l (1..L) is computed by W_{l-1}, b_{l-1} and read by the
 * columns of W_l.
 */
import type { ParamValues } from "../numeric/evaluate.ts";
import { paramCount } from "./paramCount.ts";

/** Offsets into theta: `weights[l]` is where W_l starts, `biases[l]` where b_l starts. */
export interface ThetaLayout {
  readonly widths: readonly number[];
  readonly weights: readonly number[];
  readonly biases: readonly number[];
  readonly size: number;
}

/**
 * The layout of theta for `widths` [d_0, ..., d_{L+1}].
 *
 * @example thetaLayout([2, 3, 1]).biases // [6, 12]
 */
export function thetaLayout(widths: readonly number[]): ThetaLayout {
  const weights: number[] = [];
  const biases: number[] = [];
  let at = 0;
  for (let l = 0; l + 1 < widths.length; l++) {
    weights.push(at);
    at += widths[l + 1]! * widths[l]!;
    biases.push(at);
    at += widths[l + 1]!;
  }
  return { widths, weights, biases, size: paramCount(widths) };
}

/** Index of W_l[row, col] in theta. */
export function weightIndex(layout: ThetaLayout, l: number, row: number, col: number): number {
  return layout.weights[l]! + row * layout.widths[l]! + col;
}

/** Index of b_l[row] in theta. */
export function biasIndex(layout: ThetaLayout, l: number, row: number): number {
  return layout.biases[l]! + row;
}

/** theta as the `(name, flatIndex) => value` lookup that `evaluateNetwork` reads. */
export function paramValues<T>(widths: readonly number[], theta: readonly T[]): ParamValues<T> {
  const layout = thetaLayout(widths);
  const offsets = new Map<string, number>();
  layout.weights.forEach((o, l) => offsets.set(`W${l}`, o));
  layout.biases.forEach((o, l) => offsets.set(`b${l}`, o));
  return (name, index) => {
    const o = offsets.get(name);
    if (o === undefined) throw new RangeError(`theta has no parameter ${name}`);
    return theta[o + index]!;
  };
}

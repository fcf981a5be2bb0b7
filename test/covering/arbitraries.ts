/**
 * Random networks for the covering laws: widths, parameters in the box, inputs in [0, 1]^d0.
 */
import fc from "fast-check";
import { builtin } from "../../src/elaborate/activations.ts";
import type { Activation } from "../../src/elaborate/types.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { mlpFunction, type MlpFunction } from "../../src/covering/mlpFunction.ts";
import { paramCount } from "../../src/covering/paramCount.ts";
import { biasIndex, thetaLayout } from "../../src/covering/thetaLayout.ts";

export const ACTIVATIONS = {
  relu: builtin("relu"),
  leaky_relu: builtin("leaky_relu", Rational.of(1, 10)),
  tanh: builtin("tanh"),
  sigmoid: builtin("sigmoid"),
  identity: builtin("identity"),
} as const;

/** One draw: an MLP's widths, theta in [-B, B]^S, and a few inputs in [0, 1]^{d_0}. */
export interface NetDraw {
  readonly widths: number[];
  readonly theta: number[];
  readonly inputs: number[][];
}

export interface NetShape {
  readonly minWidth?: number;
  readonly maxWidth?: number;
  readonly minDepth?: number;
  readonly maxDepth?: number;
  /** Input width range (default: the hidden range). */
  readonly inputWidths?: readonly [number, number];
  /** Output width range (default 1..3). */
  readonly outputWidths?: readonly [number, number];
  /** Box radius (default 1). */
  readonly B?: number;
  /** Parameters drawn from these values instead of [-B, B] (to force ties). */
  readonly values?: readonly number[];
  /** Number of inputs (default 3). */
  readonly inputs?: number;
}

/**
 * A uniform real in [lo, hi] on a grid of 2^24 steps (exactly representable). fc.double would
 * draw uniformly over float bit patterns, i.e. mostly tiny magnitudes: not "random nets".
 */
export function real(lo: number, hi: number): fc.Arbitrary<number> {
  return fc.noBias(fc.integer({ min: 0, max: 2 ** 24 })).map((k) => lo + ((hi - lo) * k) / 2 ** 24);
}

export const unit = real(0, 1);
const inBox = (B: number) => real(-B, B);

/** Widths [d_0, ..., d_{L+1}]. */
export function widthsArb(shape: NetShape = {}): fc.Arbitrary<number[]> {
  const { minWidth = 1, maxWidth = 6, minDepth = 1, maxDepth = 4 } = shape;
  const [inLo, inHi] = shape.inputWidths ?? [minWidth, maxWidth];
  const [outLo, outHi] = shape.outputWidths ?? [1, 3];
  return fc
    .tuple(fc.integer({ min: inLo, max: inHi }), fc.array(fc.integer({ min: minWidth, max: maxWidth }), { minLength: minDepth, maxLength: maxDepth }), fc.integer({ min: outLo, max: outHi }))
    .map(([i, hidden, o]) => [i, ...hidden, o]);
}

/** theta for given widths. */
export function thetaArb(widths: readonly number[], shape: NetShape = {}): fc.Arbitrary<number[]> {
  const S = paramCount(widths);
  const entry = shape.values ? fc.constantFrom(...shape.values) : inBox(shape.B ?? 1);
  return fc.array(entry, { minLength: S, maxLength: S });
}

/** A random network with inputs. */
export function netArb(shape: NetShape = {}): fc.Arbitrary<NetDraw> {
  return fc.noBias(widthsArb(shape)).chain((widths) =>
    fc.record({
      widths: fc.constant(widths),
      theta: thetaArb(widths, shape),
      inputs: fc.array(fc.array(unit, { minLength: widths[0]!, maxLength: widths[0]! }), { minLength: shape.inputs ?? 3, maxLength: shape.inputs ?? 3 }),
    }),
  );
}

/** A random permutation of 0..n-1 (perm[i] = new position of i). */
export function permArb(n: number): fc.Arbitrary<number[]> {
  return fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n });
}

/** One permutation per hidden layer. */
export function groupElementArb(widths: readonly number[]): fc.Arbitrary<number[][]> {
  return fc.tuple(...widths.slice(1, -1).map(permArb));
}

/** Every hidden layer's biases pairwise distinct. */
export function distinctBiases(widths: readonly number[], theta: readonly number[]): boolean {
  const layout = thetaLayout(widths);
  for (let l = 1; l < widths.length - 1; l++) {
    const b = Array.from({ length: widths[l]! }, (_, i) => theta[biasIndex(layout, l - 1, i)]!);
    if (new Set(b).size !== b.length) return false;
  }
  return true;
}

const fns = new Map<string, MlpFunction>();

/** The (cached) function of an MLP with one activation for all hidden layers. */
export function fnOf(widths: readonly number[], act: Activation): MlpFunction {
  const key = `${act.key}:${widths.join(",")}`;
  let f = fns.get(key);
  if (!f) fns.set(key, (f = mlpFunction(widths, act)));
  return f;
}

/** max over inputs and outputs of |f_a - f_b| / max(1, |f_a|). */
export function relativeGap(f: MlpFunction, a: readonly number[], b: readonly number[], inputs: readonly (readonly number[])[]): number {
  let worst = 0;
  for (const x of inputs) {
    const fa = f.float(a, x);
    const fb = f.float(b, x);
    fa.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - fb[i]!) / Math.max(1, Math.abs(v)))));
  }
  return worst;
}

/** The symmetry tolerance of check 1. */
export const TOLERANCE = 1e-12;

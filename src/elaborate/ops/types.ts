/**
 * The operation library's interface. An operation (`conv2d(x, K, b, stride = 2)`) is a
 * small, local piece of the language: its signature, its shape rule and its meaning as an
 * index expression (types.ts, IExpr), from which the solver's terms and every numeric
 * evaluation follow. Adding one is adding a file to this folder and a line to index.ts.
 */
import type { Rational } from "../../numeric/rational.ts";
import type { Activation, Affine, IExpr } from "../types.ts";

/**
 * A tensor-valued expression during elaboration: its shape, the names of its axes (for the
 * user) and its entry at given indices.
 */
export interface TValue {
  readonly shape: readonly number[];
  readonly axes: readonly string[];
  at(idx: readonly Affine[]): IExpr;
}

/** An option's value: a number (stride, eps) or a tensor (a bias, a RoPE table). */
export type OptionValue = { readonly kind: "number"; readonly v: Rational } | { readonly kind: "tensor"; readonly t: TValue };

/** What an operation may ask of the elaborator. */
export interface OpContext {
  /** A fresh index variable (never equal to a user's). */
  fresh(base: string): string;
  /**
   * An auxiliary hidden tensor holding `value` (a softmax's weights, a norm's statistics),
   * named after the tensor being defined; returns a reader of it. Auxiliary tensors are
   * shared subterms for the solver and units for the compositional strategy.
   */
  define(suffix: string, value: TValue): TValue;
  /** A built-in activation (exp, rsqrt, ...). */
  builtin(name: string): Activation;
}

/** The declared options of an operation. */
export interface OptionSpec {
  readonly kind: "int" | "rational" | "tensor";
  /** Default for numbers; null means required; undefined for optional tensors. */
  readonly default?: number | string | null;
  readonly doc: string;
}

/** An operation of the library. */
export interface Op {
  readonly name: string;
  /** As in the README: "conv2d(x[C, H, W], K[O, C/groups, kh, kw], b[O]?; stride, padding, groups)". */
  readonly signature: string;
  /** How many positional tensor arguments it takes. */
  readonly tensors: { readonly min: number; readonly max: number };
  readonly options: Readonly<Record<string, OptionSpec>>;
  /**
   * The result, or a message in the user's words (a shape mismatch, a bad option). Options
   * arrive resolved: numbers as integers or rationals, as declared; tensors as TValues.
   */
  expand(tensors: readonly TValue[], options: ReadonlyMap<string, OptionValue>, ctx: OpContext): TValue | string;
}

/** "[3, 32, 32]" */
export const shapeText = (shape: readonly number[]): string => `[${shape.join(", ")}]`;

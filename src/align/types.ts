/**
 * What `neteq align` computes: a group element g (per hidden layer a permutation and a scale
 * per unit) and the evidence that B = g A, or where B and g A differ.
 */
import type { Rational } from "../numeric/rational.ts";

/**
 * What a hidden layer's activation lets a unit do besides moving: nothing (any activation),
 * rescale by c > 0 (positively homogeneous: relu, leaky_relu, identity), or flip its sign
 * (odd: tanh).
 */
export type UnitAction = "none" | "scale" | "flip";

/**
 * g on one hidden layer: unit i of A is multiplied by `scales[i]` (incoming row and bias
 * times c, outgoing column divided by c) and moved to position `perm[i]` (the convention of
 * `permute ... by [...]`: perm[i] is the new position of unit i).
 */
export interface LayerMap {
  /** 1-based hidden layer, as in N.h1. */
  readonly layer: number;
  readonly perm: readonly number[];
  readonly scales: readonly Rational[];
}

/** A group element of an MLP's symmetry group. */
export interface GroupElement {
  readonly widths: readonly number[];
  readonly layers: readonly LayerMap[];
}

/** One entry where B differs from g A. */
export interface Mismatch {
  /** Parameter name (W0, b1, ...) and index in B. */
  readonly tensor: string;
  readonly index: readonly number[];
  readonly expected: Rational;
  readonly found: Rational;
}

/** The result of the exact check B = g A. */
export interface ExactCheck {
  readonly entries: number;
  readonly mismatches: number;
  /** The first mismatches, up to 20. */
  readonly first: readonly Mismatch[];
}

/** Why no g was found: the first unit of B that no unit of A can be mapped onto. */
export interface NoMatch {
  readonly layer: number;
  readonly unit: number;
  readonly reason: string;
}

/** g on one permutation class of a tensor network: unit i of A moves to position `perm[i]`. */
export interface ClassPerm {
  /** The class's id and description (classes.ts). */
  readonly id: string;
  readonly where: string;
  readonly perm: readonly number[];
  /**
   * For a class whose units scale (c > 0) or flip (+-1): unit i of A is multiplied by
   * `scales[i]` (its producer slices times c, its consumer slices divided by c, as the
   * checker's `scale`) before it moves.
   */
  readonly scales?: readonly Rational[];
  readonly action?: "scale" | "flip";
}

/**
 * A continuous action of one attention operation, per head of A: "qk" multiplies the query
 * side (W_Q, b_Q along head_dim) by X and the key side by X^-T; "vo" the value side by X
 * and the output side (W_O's head_dim axis) by X^-T, as `multiply axis a of P by X`.
 */
export interface AttentionAction {
  readonly block: string;
  readonly kind: "qk" | "vo";
  readonly dim: number;
  /** Per head of A, X (dim x dim, rows of exact rationals). */
  readonly matrices: readonly (readonly (readonly Rational[])[])[];
}

/**
 * A group element of a tensor network's symmetry group: one permutation (and scaling) per
 * class, and the attention actions, applied before the permutations.
 */
export interface TensorGroupElement {
  readonly classes: readonly ClassPerm[];
  readonly attention?: readonly AttentionAction[];
}

/** Units of a class that could not be told apart (equal colours): matched in index order. */
export interface Tie {
  readonly id: string;
  readonly where: string;
  /** Units of A that share their colour with another unit. */
  readonly units: number;
  /** The largest group of units with one colour. */
  readonly largest: number;
}

/** Why no g was found for a tensor network: a unit of B without a counterpart in A. */
export interface ClassNoMatch {
  readonly id: string;
  readonly where: string;
  readonly unit: number;
  readonly reason: string;
  /** Why this does not prove that no g maps A to B; absent when it does. */
  readonly undecided?: string;
}

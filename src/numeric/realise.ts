/**
 * Concrete realisations of activations, used by the falsifier and to replay witnesses.
 *
 * A realisation must satisfy everything the activation's declaration says; then a
 * difference between the two sides under it refutes the claim. Defined activations are
 * realised by their definition (exact). Built-in tanh and sigmoid by the real functions
 * (float64 only). Uninterpreted activations by candidates from a fixed pool of exact
 * functions whose properties are known by construction; candidates for activations with
 * user axioms must additionally be admitted (their axioms proved) by the solver, see
 * obligations/admissible.ts.
 */
import type { Activation, SExpr } from "../elaborate/types.ts";
import { meaningOf } from "../elaborate/meaning.ts";
import { compileSExpr, type ActFn } from "./evaluate.ts";
import { exact, float64 } from "./field.ts";
import { Rational } from "./rational.ts";
import { decreasingPositive, definitionRange, lipschitz, monotone, positiveIncreasing, type Interval } from "./interval.ts";
import * as special from "./special.ts";

/** A concrete function standing in for an activation. */
export interface Realisation {
  /** For reports: "z/2 + z^3/5", "tanh (float64)". */
  readonly description: string;
  /** Exact evaluation, when the function is rational-valued on rationals. */
  readonly exact: ((x: Rational) => Rational) | null;
  readonly float: (x: number) => number;
  /** An enclosure of the function's values on an interval (rigorous replay). */
  readonly interval: (x: Interval) => Interval;
  /** Definition over `z`, when exact (lets the solver check user axioms). */
  readonly definition: SExpr | null;
  /**
   * For a pool function realising an activation with axioms: the meaning (elaborate/meaning.ts)
   * of the declaration whose axioms the solver proved it to satisfy.
   */
  readonly admittedFor?: string;
}

/**
 * Pool functions the solver proved to satisfy the axioms of a declaration with `meaning`.
 * Admissions are looked up by activation key but used only when the meaning matches, so
 * a realisation proved for one declaration can never stand in for another.
 */
export interface Admission {
  readonly meaning: string;
  readonly candidates: readonly Candidate[];
}

/** Admissions by activation key. */
export type Admitted = ReadonlyMap<string, Admission>;

const Z: SExpr = { k: "var", name: "z" };
const q = (n: number, d = 1): SExpr => ({ k: "const", v: Rational.of(n, d) });
const add = (...xs: SExpr[]): SExpr => xs.reduce((a, b) => ({ k: "add", a, b }));
const mul = (...xs: SExpr[]): SExpr => xs.reduce((a, b) => ({ k: "mul", a, b }));
const pos: (a: SExpr, b: SExpr) => SExpr = (a, b) => ({ k: "ite", cond: { k: "cmp", op: ">", a: Z, b: q(0) }, then: a, else: b });

/** A pool entry: an exact function of z with the properties it has. */
export interface Candidate {
  readonly description: string;
  readonly definition: SExpr;
  readonly odd: boolean;
  readonly positivelyHomogeneous: boolean;
}

/**
 * The pool, most generic first. Odd: f(-z) = -f(z). Positively homogeneous:
 * f(cz) = c f(z) for c > 0 (exactly the functions z -> a z for z >= 0, b z for z < 0).
 */
export const POOL: readonly Candidate[] = [
  { description: "1/5 + z/2 + z^2/3", definition: add(q(1, 5), mul(q(1, 2), Z), mul(q(1, 3), Z, Z)), odd: false, positivelyHomogeneous: false },
  { description: "2/5 + z - z^3/7", definition: add(q(2, 5), Z, mul(q(-1, 7), Z, Z, Z)), odd: false, positivelyHomogeneous: false },
  { description: "z/2 + z^3/5", definition: add(mul(q(1, 2), Z), mul(q(1, 5), Z, Z, Z)), odd: true, positivelyHomogeneous: false },
  { description: "leaky slopes 1 and 1/3", definition: pos(Z, mul(q(1, 3), Z)), odd: false, positivelyHomogeneous: true },
  { description: "slopes 1/2 and 2", definition: pos(mul(q(1, 2), Z), mul(q(2), Z)), odd: false, positivelyHomogeneous: true },
  { description: "3z/2", definition: mul(q(3, 2), Z), odd: true, positivelyHomogeneous: true },
  { description: "1/2 + z/4", definition: add(q(1, 2), mul(q(1, 4), Z)), odd: false, positivelyHomogeneous: false },
  { description: "1/2 + z/4 - z^3/50", definition: add(q(1, 2), mul(q(1, 4), Z), mul(q(-1, 50), Z, Z, Z)), odd: false, positivelyHomogeneous: false },
  { description: "relu", definition: pos(Z, q(0)), odd: false, positivelyHomogeneous: true },
  { description: "|z|", definition: pos(Z, mul(q(-1), Z)), odd: false, positivelyHomogeneous: true },
  { description: "1 + z^2/3", definition: add(q(1), mul(q(1, 3), Z, Z)), odd: false, positivelyHomogeneous: false },
  { description: "constant 1/2", definition: q(1, 2), odd: false, positivelyHomogeneous: false },
  { description: "z", definition: Z, odd: true, positivelyHomogeneous: true },
];

function noNested(): never {
  throw new Error("pool candidates do not call activations");
}

/** A realisation from an exact definition over variable `param`. */
export function fromDefinition(description: string, def: SExpr, param = "z", nested?: { exact: ActFn<Rational>; float: ActFn<number> }): Realisation {
  return {
    description,
    definition: def,
    exact: compileSExpr(def, exact, param, nested?.exact ?? noNested),
    float: compileSExpr(def, float64, param, nested?.float ?? noNested),
    interval: (x) => definitionRange(def, param, x),
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** Built-ins without an exact form: the real function in float64, enclosed rigorously for replays. */
export const REAL: Readonly<Record<string, Realisation>> = {
  exp: { description: "exp (float64)", exact: null, float: Math.exp, interval: positiveIncreasing(Math.exp), definition: null },
  rsqrt: { description: "1/sqrt (float64)", exact: null, float: special.rsqrt, interval: decreasingPositive(special.rsqrt), definition: null },
  // Lipschitz constants: |gelu'| <= 1.13, |silu'| <= 1.1.
  gelu: { description: "gelu (float64)", exact: null, float: special.gelu, interval: lipschitz(special.gelu, 1.13), definition: null },
  silu: { description: "silu (float64)", exact: null, float: special.silu, interval: lipschitz(special.silu, 1.1), definition: null },
  softplus: { description: "softplus (float64)", exact: null, float: special.softplus, interval: positiveIncreasing(special.softplus), definition: null },
};

export const realTanh: Realisation = { description: "tanh (float64)", exact: null, float: Math.tanh, interval: monotone(Math.tanh, { lo: Rational.of(-1), hi: Rational.ONE }), definition: null };
export const realSigmoid: Realisation = { description: "sigmoid (float64)", exact: null, float: sigmoid, interval: monotone(sigmoid, { lo: Rational.ZERO, hi: Rational.ONE }), definition: null };

/** Pool candidates that have the declared properties of `act` (axioms not considered). */
export function propertyCandidates(act: Activation): Candidate[] {
  return POOL.filter((c) => (!act.properties.includes("odd") || c.odd) && (!act.properties.includes("positively_homogeneous") || c.positivelyHomogeneous));
}

/**
 * Realisations of `act`, most useful first. `admitted` lists, for activations with user
 * axioms, the pool candidates the solver proved to satisfy them (none known: empty list).
 */
export function realisations(act: Activation, admitted: Admitted = new Map()): Realisation[] {
  if (act.kind === "defined" && act.definition) return [fromDefinition(act.name, act.definition, act.param, nestedActs())];
  if (act.builtin === "tanh") return [realTanh];
  if (act.builtin === "sigmoid") return [realSigmoid];
  if (act.builtin && REAL[act.builtin]) return [REAL[act.builtin]!];
  if (act.axioms.length === 0) return propertyCandidates(act).slice(0, 3).map((c) => fromDefinition(c.description, c.definition));
  const meaning = meaningOf(act);
  return admittedCandidates(act, admitted).slice(0, 3).map((c) => ({ ...fromDefinition(c.description, c.definition), admittedFor: meaning }));
}

/** The pool functions admitted for `act`'s own axioms (none when the admission is for another meaning). */
export function admittedCandidates(act: Activation, admitted: Admitted): readonly Candidate[] {
  const admission = admitted.get(act.key);
  return admission && admission.meaning === meaningOf(act) ? admission.candidates : [];
}

/** Evaluating nested activations inside definitions (`activation r(z) = relu(z) - relu(-z)`). */
function nestedActs(): { exact: ActFn<Rational>; float: ActFn<number> } {
  const ex: ActFn<Rational> = (a, x) => {
    const r = realisations(a)[0];
    if (!r?.exact) throw new Error(`no exact realisation of ${a.name}`);
    return r.exact(x);
  };
  const fl: ActFn<number> = (a, x) => realisations(a)[0]!.float(x);
  return { exact: ex, float: fl };
}

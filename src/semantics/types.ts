/**
 * Terms: scalar expressions over symbols (parameter entries, inputs, symbolic scalars,
 * fresh vectors of the compositional strategy). Terms form DAGs: a shared object is one
 * subterm, printed once.
 */
import type { CmpOp, Activation } from "../elaborate/types.ts";
import type { Rational } from "../numeric/rational.ts";

/** What a symbol stands for. `key` is unique per symbol and stable across runs. */
export type Sym =
  /** Entry `index` (flat, row-major) of a parameter of the claim's left network. */
  | { readonly kind: "param"; readonly name: string; readonly index: number; readonly shape: readonly number[]; readonly key: string }
  /** Entry of the input vector. */
  | { readonly kind: "input"; readonly index: number; readonly key: string }
  /** Entry of a symbolic scalar of the transformation. */
  | { readonly kind: "scalar"; readonly id: string; readonly index: number; readonly label: string; readonly key: string }
  /** A free variable (the compositional strategy's stand-ins for vectors and scalars). */
  | { readonly kind: "free"; readonly name: string; readonly key: string }
  /** Slope of a positively homogeneous activation for z >= 0 ("pos") or z < 0 ("neg"). */
  | { readonly kind: "slope"; readonly act: string; readonly side: "pos" | "neg"; readonly key: string };

export type Term =
  | { readonly t: "const"; readonly v: Rational }
  | { readonly t: "sym"; readonly s: Sym }
  | { readonly t: "add"; readonly args: readonly Term[]; readonly label?: string }
  | { readonly t: "mul"; readonly args: readonly Term[]; readonly label?: string }
  | { readonly t: "div"; readonly a: Term; readonly b: Term }
  | { readonly t: "app"; readonly act: Activation; readonly arg: Term; readonly label?: string }
  | { readonly t: "ite"; readonly cond: Formula; readonly a: Term; readonly b: Term };

export type Formula =
  | { readonly f: "cmp"; readonly op: CmpOp; readonly a: Term; readonly b: Term }
  | { readonly f: "and" | "or"; readonly args: readonly Formula[] }
  | { readonly f: "not"; readonly a: Formula }
  | { readonly f: "implies"; readonly a: Formula; readonly b: Formula }
  | { readonly f: "true" }
  | { readonly f: "false" };

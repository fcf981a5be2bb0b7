/**
 * Verdicts with their evidence. A verdict is `proved` only on an unsat answer, `refuted`
 * only with a witness that replayed, and `unknown` otherwise, with the reason.
 */
import type { Strategy } from "../obligations/types.ts";

/** A value as shown to users: "3/4" (exact) or a float64 number. */
export type Shown = string | number;

/** A tensor of shown values, nested by axis (a vector is a list, a matrix a list of rows). */
export type Nested = Shown | readonly Nested[];

/**
 * A counterexample: parameter values, the input, both outputs, and how each activation
 * was realised. `layers` groups the parameters by the vector whose units they compute.
 */
export interface Witness {
  readonly source: "numeric falsifier" | "solver model";
  readonly replay: "exact" | "float64";
  /** Every parameter, nested by axis in its declared shape. */
  readonly parameters: Readonly<Record<string, readonly Nested[]>>;
  readonly layers: readonly { readonly name: string; readonly size: number; readonly params: readonly string[] }[];
  readonly scalars: Readonly<Record<string, Shown | Shown[]>>;
  readonly input: Readonly<Record<string, Shown[]>>;
  readonly outputs: { readonly lhs: Shown[]; readonly rhs: Shown[] };
  readonly activations: Readonly<Record<string, { readonly realisation: string; readonly points: [Shown, Shown][] }>>;
  /** Set when the solver's values were irrational and were rounded before the replay. */
  readonly note?: string;
}

export type Verdict =
  /** `core`: names of the tracked assumptions in the unsat core (internal evidence). */
  | { readonly kind: "proved"; readonly strategy: Strategy; readonly axiomsUsed: readonly string[]; readonly detail: string; readonly core: readonly string[] }
  | { readonly kind: "refuted"; readonly witness: Witness }
  | { readonly kind: "unknown"; readonly reason: string };

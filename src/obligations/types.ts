/**
 * Obligations: what a backend must show unsatisfiable. Each one describes itself: its
 * origin, the assumptions it may use (tracked, so that a proof reports which it used), the
 * goal, what to ask the solver on `sat`, and the sentences a report shows.
 */
import type { Span } from "../diagnostics/span.ts";
import type { Formula, Term } from "../semantics/types.ts";
import type { Rational } from "../numeric/rational.ts";
import type { Realisation } from "../numeric/realise.ts";

export type Strategy = "monolithic" | "compositional" | "symbolic";

/** An assumption the solver may use, with its name in the user's words. */
export interface Tracked {
  /** SMT name (never shown to users). */
  readonly name: string;
  /** "tanh is odd", "side condition c > 0". */
  readonly label: string;
  readonly formula: Formula;
}

export interface Obligation {
  /** Stable id: "<claim>/<strategy>/<part>". */
  readonly id: string;
  readonly claim: string;
  readonly strategy: Strategy;
  readonly origin: Span;
  /** What unsatisfiability establishes, in words ("Net and Net after swap agree on all inputs"). */
  readonly statement: string;
  readonly tracked: readonly Tracked[];
  /** The negation of the statement: unsat of tracked ∧ goal proves the statement. */
  readonly goal: Formula;
  /** Terms whose values to ask for when the answer is sat (for a witness). */
  readonly values: readonly Term[];
  /**
   * The SMT-LIB logic to declare (default ALL). A narrower logic only lets the solver skip
   * its set-up for theories the obligation does not use (QF_UFNRA is several times faster
   * for an activation lemma); it changes no formula.
   */
  readonly logic?: "QF_UFNRA";
}

/** A proposed counterexample, from the falsifier or a solver model. */
export interface Candidate {
  readonly source: "numeric falsifier" | "solver model";
  /** Values of symbols by key (parameters, input, scalars, slopes); missing ones are 0. */
  readonly values: ReadonlyMap<string, Rational>;
  /** Points (argument, value) of uninterpreted activations, from a solver model. */
  readonly tables: ReadonlyMap<string, readonly { readonly arg: Rational; readonly value: Rational }[]>;
  /** The realisations the falsifier used, by activation key. */
  readonly realisations: ReadonlyMap<string, Realisation>;
  readonly approximated: boolean;
}


/**
 * Thrown when a claim's time limit passes while an obligation is being built or printed
 * (work that does not run in the solver, so the solver's limit cannot stop it).
 */
export class TimeLimit extends Error {
  constructor(what: string) {
    super(`the time limit was reached while ${what}`);
    this.name = "TimeLimit";
  }
}

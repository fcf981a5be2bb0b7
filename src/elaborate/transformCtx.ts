/**
 * What the elaboration of a transformation carries along: shared state per claim, and the
 * scope and scalars where a piece of it is written.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Rational } from "../numeric/rational.ts";
import { resolveActivation } from "./activations.ts";
import type { Entry, Scope } from "./scope.ts";
import type { SEnv } from "./sexpr.ts";
import type { Network, Scalar, SFormula } from "./types.ts";

type Sources = ReadonlyMap<string, string>;

/** Shared state while elaborating the transformation of one claim. */
export interface TransformCtx {
  readonly diags: Diagnostic[];
  readonly sources: Sources;
  readonly networkOf: (e: Extract<Entry, { kind: "network" }>) => Network | null;
  /** Free symbolic scalars collected so far. */
  readonly scalars: Scalar[];
  /** Conditions relating several scalars (an invertible matrix and its inverse). */
  readonly conditions: { label: string; formula: SFormula }[];
  /** Symmetry references being elaborated (to report cycles). */
  readonly active: string[];
}

/** Where a piece of a transformation is written: its scope and the scalars visible there. */
export interface Where {
  readonly scope: Scope;
  readonly scalars: ReadonlyMap<string, Scalar | Rational>;
}


/** The expression environment at `where`, reading parameters of `network` (if any). */
export const senv = (where: Where, ctx: TransformCtx, network: Network | null): SEnv => ({
  scope: where.scope,
  vars: new Set(),
  scalars: where.scalars,
  network,
  activation: (n) => resolveActivation({ name: n, args: [], span: n.span }, where.scope, ctx.diags, ctx.sources),
});

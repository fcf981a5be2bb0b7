/**
 * Derived symmetry groups: the candidates read off a network's structure, the wrong
 * candidates that serve as negative controls, what no rule covers, and -- after the checker
 * ran -- each one's verdict. Plain data: `derive` builds a Derivation, `proveDerivation`
 * turns it into a SymmetryReport, the renderers print it.
 */

/** Which rule produced a generator. */
export type GeneratorKind = "permutation" | "scaling" | "flip" | "sigmoidFlip" | "queryKey" | "valueOutput" | "ropeRotation";

/** One parameter axis that a generator moves. */
export interface ParamAxis {
  readonly param: string;
  readonly axis: number;
}

/** A claim (or a sweep of claims) in .neq text, and the name its report carries. */
export interface ClaimText {
  /** The claim's name; a sweep's instances are reported as `name[j=0]`, ... */
  readonly name: string;
  /** `symmetry ...` declarations the claim uses (one per line). */
  readonly declarations: readonly string[];
  /** The claim itself: `theorem name: N ~ N after ...` or `for j in ...: theorem ...`. */
  readonly text: string;
  /** How many claims the text makes (a sweep makes several). */
  readonly count: number;
}

/**
 * A candidate generator: proved when every one of its claims is proved. The claims are
 * chosen so that together they prove the whole factor (a transposition and an n-cycle
 * generate S_n; one claim over symbolic c[n] > 0 covers (R_>0)^n; one flip per unit
 * generates {+-1}^n; one claim over a symbolic invertible matrix covers GL(k)).
 */
export interface Candidate {
  /** Stable, unique within the network: "perm_h1_0". */
  readonly id: string;
  readonly kind: GeneratorKind;
  /** For the table: "permute h1", "scale h2 axis channels". */
  readonly title: string;
  /** The hidden tensor axis the generator acts on, in the user's names: "h1 axis 0". */
  readonly where: string;
  /** The parameter axes that move. */
  readonly moves: readonly ParamAxis[];
  /** S_n, (R_>0)^n, {+-1}^n, GL(k), SO(2)^k. */
  readonly group: string;
  /** n or k of the group. */
  readonly size: number;
  /** Finite factors: the order as a decimal string (or "n!" beyond exact range); else null. */
  readonly order: string | null;
  /** log10 of the order, for finite factors. */
  readonly log10Order: number | null;
  /** Continuous factors: the dimension. */
  readonly dimension: number | null;
  readonly claims: readonly ClaimText[];
  /** What the group does not cover, in words (e.g. "the same matrix in every head"). */
  readonly note: string | null;
}

/** A wrong candidate that the checker must refute. */
export interface Control {
  readonly id: string;
  /** The candidate it perturbs. */
  readonly of: string;
  /** What is wrong with it, in words: "W0 axis 0 moved alone". */
  readonly description: string;
  readonly claim: ClaimText;
}

/** Something the rules do not cover: no symmetry is claimed there. */
export interface NotClaimed {
  readonly where: string;
  readonly reason: string;
}

/** Everything read off one network, before any proof. */
export interface Derivation {
  readonly network: string;
  readonly candidates: readonly Candidate[];
  readonly controls: readonly Control[];
  readonly notClaimed: readonly NotClaimed[];
}

export type SymVerdict = "proved" | "refuted" | "unknown" | "error";

/** A candidate with its verdict. */
export interface ProvedCandidate extends Candidate {
  readonly verdict: SymVerdict;
  readonly ms: number;
  /** Per claim (sweep instances separately): name, verdict, and the checker's reason or witness summary. */
  readonly results: readonly { readonly name: string; readonly verdict: SymVerdict; readonly ms: number; readonly reason: string | null }[];
}

/** A control with its verdict (ok when refuted). */
export interface CheckedControl extends Control {
  readonly verdict: SymVerdict;
  readonly ok: boolean;
  readonly ms: number;
  /** Why it is not refuted (the checker's reason), or null. */
  readonly reason: string | null;
}

/** The result of `neteq symmetries`. */
export interface SymmetryReport {
  readonly version: 1;
  readonly file: string;
  readonly network: string;
  readonly seed: number;
  readonly z3: string | null;
  readonly generators: readonly ProvedCandidate[];
  readonly controls: readonly CheckedControl[];
  readonly notClaimed: readonly NotClaimed[];
  /** The proved part: discrete factors' order (product), and continuous dimension. */
  readonly group: { readonly factors: readonly string[]; readonly log10Order: number; readonly order: string | null; readonly dimension: number };
  /** Problems of the generated file (should be none; a bug in the derivation if any). */
  readonly problems: readonly string[];
  readonly ok: boolean;
  readonly ms: number;
}

/**
 * The manifest of a certificate folder (`manifest.json`, written by `neteq certify`, read by
 * `neteq recheck`): for every proved claim, its strategy, the composition rule in words, and
 * the obligations its proof rests on, each an SMT-LIB2 file named with the SHA-256 hash of
 * its text. Plain JSON data; `version` changes only when a field changes meaning.
 *
 * @example
 *   { "format": "neteq-certificates", "version": 1, "tool": "neteq 0.1.0", "z3": "Z3 5.1.0.0",
 *     "seed": 1, "strategy": "auto", "answer": "unsat, with goal in the unsat core",
 *     "claims": [ { "file": "a.neq", "claim": "swap", "line": 5, "strategy": "compositional",
 *       "rule": "...", "axiomsUsed": [], "obligations": [ { "id": "swap/compositional/out[0]",
 *       "statement": "...", "file": "obligations/3f2a....smt2", "sha256": "3f2a...", "covers": [] } ] } ] }
 */
import type { Strategy } from "../obligations/types.ts";

export const MANIFEST = "manifest.json";
export const FORMAT = "neteq-certificates";

/** One obligation a proof rests on, and the file that states it. */
export interface CertifiedObligation {
  /** The obligation's stable id ("<claim>/<strategy>/<part>"). */
  readonly id: string;
  /** What its unsatisfiability establishes, in words. */
  readonly statement: string;
  /** Path of the SMT-LIB2 file, relative to the certificate folder. */
  readonly file: string;
  /** SHA-256 (hex) of the file's text, as UTF-8 bytes. */
  readonly sha256: string;
  /** Ids of the claim's other discharged obligations identical to this one up to renaming of symbols (same canonical form): its unsat covers them. */
  readonly covers: readonly string[];
}

export interface CertifiedClaim {
  /** The proof file, as given on the command line. */
  readonly file: string;
  readonly claim: string;
  /** 1-based line of the claim's statement. */
  readonly line: number;
  readonly strategy: Strategy;
  /** The composition rule: why unsat of every listed obligation proves the claim. */
  readonly rule: string;
  /** Assumptions (axioms, properties, side conditions) the proof used, in the user's words. */
  readonly axiomsUsed: readonly string[];
  /** How many obligations the strategy made and how many were distinct up to renaming (compositional). */
  readonly counts?: { readonly total: number; readonly distinct: number };
  readonly obligations: readonly CertifiedObligation[];
}

export interface Manifest {
  readonly format: typeof FORMAT;
  readonly version: 1;
  /** "neteq <version>". */
  readonly tool: string;
  /** The solver that proved the claims when certifying. */
  readonly z3: string | null;
  /** The run's seed (the numeric inference of correspondences depends on it). */
  readonly seed: number;
  /** The --strategy choice of the run (each claim records the strategy that proved it). */
  readonly strategy: string;
  /** The answer every file must get from a solver. */
  readonly answer: string;
  readonly claims: readonly CertifiedClaim[];
}

/** What every certificate file must get: `unsat`, and `goal` in the unsat core (else the assumptions alone are contradictory and the proof vacuous). */
export const EXPECTED_ANSWER = "unsat, with goal in the unsat core";

/** The composition rules of README "Strategies and their proof rules", in words. */
export const RULES: Readonly<Record<Strategy, string>> = {
  monolithic:
    "The claim holds if this one obligation is unsat: both networks unfolded into terms over shared symbols for the parameters, the transformation's scalars and the input; the named assumptions are the side conditions and instances of the activations' axioms and properties (all true), and the goal says some output differs. The goal must be in the unsat core.",
  compositional:
    "The claim holds if every listed obligation is unsat with its goal in the unsat core. They are the pre-activation, activation-lemma, node and output identities of the correspondence h'_v = M_v h_v + t_v (M_v a signed, scaled permutation), for every vector v and unit, over fresh stand-ins z for the vectors the identity reads; by induction over the vectors in definition order each identity carries the correspondence to v, and at the output M = I, t = 0, so the networks agree for all parameters and inputs. A linear identity is established by its coefficient identities (ids ending in /<k>): equal coefficients of every z_j and equal constant parts imply it. Obligations identical up to renaming of symbols (the same canonical form) are discharged once, so each form is listed once, by the first id that was discharged (covers names the other discharged ids of that form); which obligations and coefficient identities a claim has, and that they share a form, is neteq's construction and is not re-checked by the solver.",
  symbolic:
    "The claim holds if the symbolic rule chain (README, \"The symbolic strategy\") carries the actions of the transformation to the identity at the output, and every activation lemma (positive homogeneity, oddness) it used either holds by the structure of the activation's definition (README, \"Activation lemmas by structure\"; not a solver's answer) or is listed here and unsat with its goal in the unsat core. The rule chain is neteq's construction and is not re-checked by the solver; `neteq certify` re-proves such claims with the compositional or monolithic strategy instead.",
};

/** Added to the rule of a proof that used the axioms of a user activation (README, "Decide"). */
export const AXIOMS_RULE =
  "The proof used the axioms of a user activation, which could hold only vacuously if they contradicted each other; so the certificate also lists, per such activation, an obligation (id <activation>/admit/<k>) whose unsat shows that a concrete function satisfies the axioms: they are consistent.";

/** Read and check a manifest's shape; a message when it is not one. */
export function readManifest(text: string): Manifest | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `not JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  const m = data as Partial<Manifest> | null;
  if (!m || typeof m !== "object" || m.format !== FORMAT) return `not a neteq certificate manifest (no "format": "${FORMAT}")`;
  if (m.version !== 1) return `manifest version ${JSON.stringify(m.version)} is not supported (this neteq reads version 1)`;
  if (!Array.isArray(m.claims)) return `the manifest has no "claims" list`;
  for (const c of m.claims) {
    // A symbolic proof may rest on its rule chain alone (permutations need no activation lemma).
    if (!c || typeof c.claim !== "string" || !Array.isArray(c.obligations) || (c.obligations.length === 0 && c.strategy !== "symbolic")) return `a claim entry has no name or no obligations`;
    for (const o of c.obligations) {
      if (!o || typeof o.file !== "string" || typeof o.sha256 !== "string") return `an obligation of ${c.claim} has no file or sha256`;
      // Certificate files live inside the folder: a manifest must not point elsewhere.
      if (!/^obligations\/[0-9a-f]{16,64}\.smt2$/.test(o.file)) return `an obligation of ${c.claim} names a file outside obligations/: ${JSON.stringify(o.file)}`;
    }
  }
  return m as Manifest;
}

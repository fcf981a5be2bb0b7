/**
 * The report: plain, JSON-serialisable data that every output format renders. Its JSON
 * form (report/json.ts) is the documented contract of `--reporter json`.
 */
import type { Witness } from "../verdicts/types.ts";

export type Expect = "proved" | "refuted" | "holds";
export type VerdictKind = "proved" | "refuted" | "unknown" | "error" | "holds" | "fails";

export interface ReportDiagnostic {
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly line: number;
  readonly column: number;
  /** Where the problem's span ends: the line and the column just past its last character. */
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
  /** The file the problem is in (an imported file, or the checked file itself). */
  readonly file: string;
  /** The source line with a caret underline (not part of the JSON contract). */
  readonly snippet: string;
}

export interface ClaimReport {
  readonly name: string;
  readonly expect: Expect;
  readonly verdict: VerdictKind;
  /** Whether the verdict met the expectation. */
  readonly ok: boolean;
  /** Milliseconds of the claim's own work (what --timeout limits). */
  readonly ms: number;
  /** Milliseconds the claim waited behind other claims (not counted by --timeout). */
  readonly waitMs?: number;
  /** Things to know beside the verdict, e.g. that the numeric falsifier could not run. */
  readonly notes?: readonly string[];
  /** For a whole-group or every-width claim: what it quantifies over ("for every n >= 1 and every P: perm(n)"). */
  readonly holdsFor?: string;
  /** How the verdict was reached: "monolithic", "compositional", "numeric falsifier", "covering". */
  readonly strategy: string | null;
  readonly axiomsUsed: readonly string[];
  readonly witness: Witness | null;
  /** For refutations: whether the witness replayed ("exact" or "float64" in the witness). */
  readonly replayed: boolean | null;
  /** Why the verdict is unknown or error; for proofs, how they were obtained. */
  readonly reason: string | null;
  readonly line: number;
  readonly column: number;
  /** Where the claim's statement ends (column just past its last character), when known. */
  readonly endLine?: number;
  readonly endColumn?: number;
  /** Bound statements: the computed quantities. */
  readonly values?: Readonly<Record<string, number>>;
  /** Obligation counts (compositional strategy). */
  /** Obligation counts (compositional strategy); `identities` were proved by expansion, without the solver. */
  readonly obligations?: { readonly total: number; readonly distinct: number; readonly cached: number; readonly identities?: number };
}

export interface FileReport {
  readonly path: string;
  readonly diagnostics: readonly ReportDiagnostic[];
  readonly claims: readonly ClaimReport[];
}

export interface Summary {
  readonly claims: number;
  readonly ok: number;
  readonly failed: number;
  readonly proved: number;
  readonly refuted: number;
  readonly unknown: number;
  readonly errors: number;
  readonly ms: number;
}

export interface Report {
  readonly version: 1;
  readonly seed: number;
  readonly z3: string | null;
  readonly strategy: string;
  readonly timeoutMs: number;
  readonly files: readonly FileReport[];
  /** Command-line problems (no file). */
  readonly usage: readonly string[];
  readonly summary: Summary;
}

/** Summarise file reports. */
export function summarise(files: readonly FileReport[], ms: number): Summary {
  const claims = files.flatMap((f) => f.claims);
  const count = (v: VerdictKind) => claims.filter((c) => c.verdict === v).length;
  const ok = claims.filter((c) => c.ok).length;
  return { claims: claims.length, ok, failed: claims.length - ok, proved: count("proved"), refuted: count("refuted"), unknown: count("unknown"), errors: count("error"), ms };
}

/** 0 when every claim met its expectation, 1 when one did not, 2 for input or usage errors. */
export function exitCode(r: Report): 0 | 1 | 2 {
  if (r.usage.length > 0 || r.files.some((f) => f.diagnostics.some((d) => d.severity === "error"))) return 2;
  return r.summary.failed > 0 ? 1 : 0;
}

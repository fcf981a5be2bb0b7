/**
 * `neteq check --replay last.json`: compare the verdicts of this run with a recorded JSON
 * report (why3's replay). Silent but for one summary line when no verdict changed; otherwise
 * one line per changed, new or vanished claim, with the evidence of the new verdict.
 *
 * @example
 *   replay: 51 claims, no verdict changed against last.json
 */
import { failureMessage } from "./failure.ts";
import { renderReportDiagnostic } from "./pretty.ts";
import type { Report, VerdictKind } from "./types.ts";

/** A claim whose verdict differs from the recorded one (null: the claim was not there). */
export interface VerdictChange {
  readonly file: string;
  readonly name: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly before: VerdictKind | null;
  readonly after: VerdictKind | null;
  /** Why the new verdict does not meet its expectation ("" when it does or the claim is gone). */
  readonly evidence: string;
}

/**
 * The claims whose verdict changed between `baseline` and `current`. Recorded claims count
 * as vanished only when `checked(file, claim)` says this run would have checked them
 * (`--filter`, `--shard`) and their file was checked.
 */
export function compareVerdicts(baseline: Report, current: Report, checked: (file: string, claim: string) => boolean): VerdictChange[] {
  const key = (file: string, name: string) => `${file}\0${name}`;
  const before = new Map(baseline.files.flatMap((f) => f.claims.map((c) => [key(f.path, c.name), c] as const)));
  const files = new Set(current.files.map((f) => f.path));
  const changes: VerdictChange[] = [];
  for (const f of current.files) {
    for (const c of f.claims) {
      const old = before.get(key(f.path, c.name));
      if (old?.verdict === c.verdict) continue;
      changes.push({ file: f.path, name: c.name, line: c.line, column: c.column, before: old?.verdict ?? null, after: c.verdict, evidence: failureMessage(c) });
    }
  }
  const now = new Set(current.files.flatMap((f) => f.claims.map((c) => key(f.path, c.name))));
  for (const f of baseline.files) {
    if (!files.has(f.path)) continue;
    for (const c of f.claims) {
      if (now.has(key(f.path, c.name)) || !checked(f.path, c.name)) continue;
      changes.push({ file: f.path, name: c.name, line: null, column: null, before: c.verdict, after: null, evidence: "" });
    }
  }
  return changes;
}

/** The replay's text: input errors, then changes, then the summary line. */
export function renderReplay(changes: readonly VerdictChange[], current: Report, baselineName: string): string {
  const out: string[] = [];
  for (const u of current.usage) out.push(`error: ${u}`);
  for (const f of current.files) for (const d of f.diagnostics) out.push(renderReportDiagnostic(d));
  for (const c of changes) {
    const at = c.line === null ? c.file : `${c.file}:${c.line}:${c.column}`;
    const what = c.before === null ? `new, ${c.after}` : c.after === null ? `${c.before}, no longer in the suite` : `${c.before} -> ${c.after}`;
    out.push(`${at}: ${c.name}: ${what}${c.evidence ? ` (${c.evidence})` : ""}`);
  }
  const n = current.summary.claims;
  out.push(`replay: ${n} claim${n === 1 ? "" : "s"}, ${changes.length === 0 ? "no verdict changed" : `${changes.length} changed`} against ${baselineName}`);
  return out.join("\n") + "\n";
}

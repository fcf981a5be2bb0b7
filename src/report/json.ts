/**
 * `--reporter json`: exactly one JSON document. The contract:
 *
 *     { "version": 1, "seed", "files": [ { "path", "diagnostics": [ { "code", "severity",
 *       "line", "column", "endLine", "endColumn", "message" } ], "claims": [ { "name",
 *       "expect", "verdict", "ok", "ms", "strategy", "axiomsUsed", "witness", "replayed",
 *       "reason" } ] } ],
 *       "summary": { "claims", "ok", "failed", "proved", "refuted", "unknown", "errors", "ms" } }
 *
 * Lines and columns are 1-based; `endColumn` is the column just past the last character
 * (as in SARIF), so a one-character span has endColumn = column + 1. Extra fields (z3,
 * strategy, timeoutMs, usage; a diagnostic's file; a claim's line, column, endLine,
 * endColumn, waitMs, values, obligations, notes) may be present; the listed ones always are.
 *
 * `version` changes only when a listed field changes meaning or goes away; fields are
 * added within a version (end positions came in version 1), so readers ignore unknown ones.
 */
import type { Report } from "./types.ts";

export function renderJson(r: Report): string {
  const doc = {
    version: r.version,
    seed: r.seed,
    z3: r.z3,
    strategy: r.strategy,
    timeoutMs: r.timeoutMs,
    usage: r.usage,
    files: r.files.map((f) => ({
      path: f.path,
      diagnostics: f.diagnostics.map((d) => ({ code: d.code, severity: d.severity, line: d.line, column: d.column, endLine: d.endLine, endColumn: d.endColumn, message: d.message, file: d.file })),
      claims: f.claims.map((c) => ({
        name: c.name,
        expect: c.expect,
        verdict: c.verdict,
        ok: c.ok,
        ms: c.ms,
        ...(c.waitMs !== undefined ? { waitMs: c.waitMs } : {}),
        strategy: c.strategy,
        axiomsUsed: c.axiomsUsed,
        witness: c.witness,
        replayed: c.replayed,
        reason: c.reason,
        line: c.line,
        column: c.column,
        ...(c.endLine !== undefined ? { endLine: c.endLine, endColumn: c.endColumn } : {}),
        ...(c.values ? { values: c.values } : {}),
        ...(c.obligations ? { obligations: c.obligations } : {}),
        ...(c.notes ? { notes: c.notes } : {}),
        ...(c.holdsFor ? { holdsFor: c.holdsFor } : {}),
      })),
    })),
    summary: r.summary,
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

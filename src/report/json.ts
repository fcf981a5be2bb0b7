/**
 * `--reporter json`: exactly one JSON document. The contract:
 *
 *     { "version": 1, "seed", "files": [ { "path", "diagnostics": [ { "code", "severity",
 *       "line", "column", "message" } ], "claims": [ { "name", "expect", "verdict", "ok",
 *       "ms", "strategy", "axiomsUsed", "witness", "replayed", "reason" } ] } ],
 *       "summary": { "claims", "ok", "failed", "proved", "refuted", "unknown", "errors", "ms" } }
 *
 * Extra fields (z3, strategy, timeoutMs, usage; a diagnostic's file; a claim's line,
 * column, values, obligations) may be present; the listed ones always are.
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
      diagnostics: f.diagnostics.map((d) => ({ code: d.code, severity: d.severity, line: d.line, column: d.column, message: d.message, file: d.file })),
      claims: f.claims.map((c) => ({
        name: c.name,
        expect: c.expect,
        verdict: c.verdict,
        ok: c.ok,
        ms: c.ms,
        strategy: c.strategy,
        axiomsUsed: c.axiomsUsed,
        witness: c.witness,
        replayed: c.replayed,
        reason: c.reason,
        line: c.line,
        column: c.column,
        ...(c.values ? { values: c.values } : {}),
        ...(c.obligations ? { obligations: c.obligations } : {}),
      })),
    })),
    summary: r.summary,
  };
  return JSON.stringify(doc, null, 2) + "\n";
}

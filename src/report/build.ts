/**
 * Building report entries from the stages' results.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { location, snippet, type Sources } from "../diagnostics/render.ts";
import type { Span } from "../diagnostics/span.ts";
import type { ClaimOutcome } from "../prove.ts";
import type { ClaimReport, Expect, ReportDiagnostic } from "./types.ts";

export function reportDiagnostic(d: Diagnostic, sources: Sources): ReportDiagnostic {
  return { code: d.code, severity: d.severity, ...position(d.span, sources), message: d.message, file: d.span.file, snippet: snippet(d.span, sources) };
}

/** A claim's report line from its outcome. */
export function claimReport(name: string, expect: Expect, span: Span, sources: Sources, o: ClaimOutcome): ClaimReport {
  const v = o.verdict;
  const base = { name, expect, ms: o.ms, waitMs: o.waitMs, ...position(span, sources), strategy: o.strategy, ...(o.obligations ? { obligations: o.obligations } : {}), ...(o.notes.length ? { notes: o.notes } : {}), ...(o.holdsFor ? { holdsFor: o.holdsFor } : {}) };
  switch (v.kind) {
    case "proved":
      return { ...base, verdict: "proved", ok: expect === "proved", axiomsUsed: v.axiomsUsed, witness: null, replayed: null, reason: null };
    case "refuted":
      return { ...base, verdict: "refuted", ok: expect === "refuted", axiomsUsed: [], witness: v.witness, replayed: true, reason: null };
    case "unknown":
      return { ...base, verdict: "unknown", ok: false, axiomsUsed: [], witness: null, replayed: null, reason: v.reason };
  }
}

/** A claim that could not be elaborated. */
export function errorReport(name: string, expect: Expect, span: Span, sources: Sources): ClaimReport {
  return { name, expect, verdict: "error", ok: false, ms: 0, strategy: null, axiomsUsed: [], witness: null, replayed: null, reason: "the claim could not be elaborated; see the errors above", ...position(span, sources) };
}

/** Start and end (column just past the last character) of a span, 1-based. */
function position(span: Span, sources: Sources): { line: number; column: number; endLine: number; endColumn: number } {
  const at = location(span, sources);
  const end = location({ ...span, start: Math.max(span.start, span.end) }, sources);
  return { line: at.line, column: at.column, endLine: end.line, endColumn: end.column };
}

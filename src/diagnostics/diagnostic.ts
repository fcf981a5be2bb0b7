import type { Code } from "./registry.ts";
import type { Span } from "./span.ts";

export type Severity = "error" | "warning";

/** A secondary location that helps explain a diagnostic ("first declared here"). */
export interface Related {
  readonly span: Span;
  readonly message: string;
}

/**
 * A user mistake or notable condition, as a value. Stages return these alongside what they
 * could build; they never throw them.
 */
export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly span: Span;
  readonly message: string;
  readonly related: readonly Related[];
}

/** An error diagnostic. */
export const error = (code: Code, span: Span, message: string, related: Related[] = []): Diagnostic => ({
  code,
  severity: "error",
  span,
  message,
  related,
});

/** A warning diagnostic. */
export const warning = (code: Code, span: Span, message: string, related: Related[] = []): Diagnostic => ({
  code,
  severity: "warning",
  span,
  message,
  related,
});

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === "error");

/** Sort by file, then position; drop exact repeats (same code, span and message). */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const key = `${d.code}|${d.span.file}|${d.span.start}|${d.span.end}|${d.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(d);
    }
  }
  return out.sort((a, b) =>
    a.span.file === b.span.file ? a.span.start - b.span.start || a.span.end - b.span.end : a.span.file < b.span.file ? -1 : 1,
  );
}

/**
 * At most `max` diagnostics (sorted as given); the rest are counted in one final ELB030 note
 * placed at the first one left out, so that a file with thousands of mistakes is reported
 * in time linear in its size and stays readable.
 */
export function capDiagnostics(ds: readonly Diagnostic[], max: number): Diagnostic[] {
  if (ds.length <= max) return [...ds];
  const rest = ds.length - max;
  const note = error("ELB030", ds[max]!.span, `${rest} more diagnostic${rest === 1 ? "" : "s"} in this file ${rest === 1 ? "is" : "are"} not shown (at most ${max} are shown per file)`);
  return [...ds.slice(0, max), note];
}

/**
 * A bug in neteq itself (never a user mistake). The CLI reports it as an internal error.
 */
export class InternalError extends Error {
  constructor(message: string) {
    super(`internal error: ${message}`);
    this.name = "InternalError";
  }
}

/** Exhaustiveness check for `switch` over tagged unions. */
export function unreachable(x: never): never {
  throw new InternalError(`unreachable case ${JSON.stringify(x)}`);
}

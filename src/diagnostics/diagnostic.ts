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

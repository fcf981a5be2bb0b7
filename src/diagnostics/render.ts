import type { Diagnostic } from "./diagnostic.ts";
import { lineCol, type Span } from "./span.ts";

/** Source texts by file name, used to render carets. */
export type Sources = ReadonlyMap<string, string>;

/** `file:line:col` for a span. */
export function location(span: Span, sources: Sources): { line: number; column: number } {
  const text = sources.get(span.file);
  return text === undefined ? { line: 1, column: 1 } : lineCol(text, span.start);
}

/** The source line of `span` with a caret underline, indented; empty if the text is unknown. */
export function snippet(span: Span, sources: Sources): string {
  const text = sources.get(span.file);
  if (text === undefined) return "";
  const { line, column } = lineCol(text, span.start);
  const lineStart = span.start - (column - 1);
  let lineEnd = text.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  const src = text.slice(lineStart, lineEnd).replace(/\t/g, " ").replace(/\r$/, "");
  const width = Math.max(1, Math.min(span.end, lineEnd) - span.start);
  const gutter = String(line).length;
  return (
    `${" ".repeat(gutter + 1)}|\n` +
    `${line} | ${src}\n` +
    `${" ".repeat(gutter + 1)}| ${" ".repeat(column - 1)}${"^".repeat(width)}`
  );
}

/**
 * A diagnostic as the user sees it:
 *
 *     proofs/x.neq:3:27: error ELB004: (0 7) is not a permutation of the 4 units of Net.h1
 *       |
 *     3 | symmetry s = permute Net.h1 by (0 7)
 *       |                                ^^^^^
 */
export function renderDiagnostic(d: Diagnostic, sources: Sources): string {
  const { line, column } = location(d.span, sources);
  const head = `${d.span.file}:${line}:${column}: ${d.severity} ${d.code}: ${d.message}`;
  const parts = [head];
  const snip = snippet(d.span, sources);
  if (snip) parts.push(snip);
  for (const r of d.related) {
    const at = location(r.span, sources);
    parts.push(`  note: ${r.message} (${r.span.file}:${at.line}:${at.column})`);
  }
  return parts.join("\n");
}

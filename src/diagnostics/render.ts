import type { Diagnostic } from "./diagnostic.ts";
import { lineCol, type Span } from "./span.ts";

/** Source texts by file name, used to render carets. */
export type Sources = ReadonlyMap<string, string>;

/** `file:line:col` for a span. */
export function location(span: Span, sources: Sources): { line: number; column: number } {
  const text = sources.get(span.file);
  return text === undefined ? { line: 1, column: 1 } : lineCol(text, span.start);
}

/** Characters of a source line shown in a snippet. */
const SNIPPET_WIDTH = 120;

/** The source line of `span` with a caret underline, indented; empty if the text is unknown. */
export function snippet(span: Span, sources: Sources): string {
  const text = sources.get(span.file);
  if (text === undefined) return "";
  const { line, column } = lineCol(text, span.start);
  const lineStart = span.start - (column - 1);
  let lineEnd = text.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  // A long line is shown as a window around the span, so a 1 MB line prints a short snippet.
  const long = lineEnd - lineStart > SNIPPET_WIDTH;
  const from = long && column - 1 > SNIPPET_WIDTH / 2 ? span.start - SNIPPET_WIDTH / 2 : lineStart;
  const to = long ? Math.min(lineEnd, from + SNIPPET_WIDTH) : lineEnd;
  const src = (from > lineStart ? "..." : "") + text.slice(from, to).replace(/\t/g, " ").replace(/\r$/, "") + (to < lineEnd ? "..." : "");
  const caretAt = span.start - from + (from > lineStart ? 3 : 0);
  const width = Math.max(1, Math.min(span.end, to) - span.start);
  const gutter = String(line).length;
  return (
    `${" ".repeat(gutter + 1)}|\n` +
    `${line} | ${src}\n` +
    `${" ".repeat(gutter + 1)}| ${" ".repeat(caretAt)}${"^".repeat(width)}`
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

/**
 * `d` with its related notes written into the message ("...; first declared here: a.neq:2:9"),
 * for outputs that show only the message (the report's pretty, JSON and other formats).
 */
export function inlineRelated(d: Diagnostic, sources: Sources): Diagnostic {
  if (d.related.length === 0) return d;
  const notes = d.related.map((r) => {
    const at = location(r.span, sources);
    return `${r.message}: ${r.span.file}:${at.line}:${at.column}`;
  });
  return { ...d, message: `${d.message} (${notes.join("; ")})`, related: [] };
}

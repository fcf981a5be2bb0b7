/**
 * A region of a source file, as byte offsets into its text. Line and column are computed
 * only when a diagnostic is rendered (see `lineCol`).
 *
 * @example { file: "proofs/perm.neq", start: 10, end: 14 }
 */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/** A span for things that have no place in a source file (command-line input, built-ins). */
export const noSpan = (file = "<input>"): Span => ({ file, start: 0, end: 0 });

/** The smallest span covering both `a` and `b` (which must be in the same file). */
export function join(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

/** 1-based line and column of `offset` in `text`. */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const stop = Math.min(offset, text.length);
  for (let i = 0; i < stop; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

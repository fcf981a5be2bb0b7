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

/** Offsets at which lines start, for the last few texts asked about (rendering many diagnostics stays linear). */
const lineStartsCache = new Map<string, number[]>();

function lineStarts(text: string): number[] {
  let starts = lineStartsCache.get(text);
  if (starts) return starts;
  starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  if (lineStartsCache.size >= 16) lineStartsCache.delete(lineStartsCache.keys().next().value!);
  lineStartsCache.set(text, starts);
  return starts;
}

/** 1-based line and column of `offset` in `text`. */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  const starts = lineStarts(text);
  const stop = Math.max(0, Math.min(offset, text.length));
  // The last line start <= stop (binary search).
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= stop) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

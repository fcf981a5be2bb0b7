/**
 * Helpers used by the grammar's postprocessors (grammar/neteq.ne): spans from tokens and AST
 * nodes, and node constructors. Kept here so that the grammar file holds only the grammar.
 */
import type { Span } from "../diagnostics/span.ts";
import { stringValue, type Token } from "./lexer.ts";
import { LazyList, Seq } from "./lists.ts";
import type { Expr, Ident, Index, BinaryOp } from "./types.ts";

type Part = Token | { span: Span } | Part[] | Seq | LazyList | null | undefined;

const isToken = (p: unknown): p is Token => typeof p === "object" && p !== null && "offset" in p && "text" in p;

/** The span covering every token and node in `parts` (nested arrays and nulls allowed). */
export function spanOf(...parts: Part[]): Span {
  let file = "";
  let start = Infinity;
  let end = -Infinity;
  const visit = (p: Part) => {
    if (p === null || p === undefined) return;
    if (Array.isArray(p)) {
      p.forEach(visit);
      return;
    }
    if (p instanceof Seq || p instanceof LazyList) {
      // A list spans from its first item to its last.
      visit(p.first as Part);
      visit(p.last as Part);
      return;
    }
    if (isToken(p)) {
      file = p.file;
      start = Math.min(start, p.offset);
      end = Math.max(end, p.offset + p.text.length);
    } else if ("span" in p && p.span) {
      file = p.span.file;
      start = Math.min(start, p.span.start);
      end = Math.max(end, p.span.end);
    }
  };
  parts.forEach(visit);
  if (start === Infinity) return { file, start: 0, end: 0 };
  return { file, start, end };
}

export const ident = (t: Token): Ident => ({ name: t.text, span: spanOf(t) });

/** The path a string token names (never throws: invalid strings never reach the grammar). */
export const str = (t: Token): string => stringValue(t.text);

export const num = (t: Token): Expr => ({ kind: "num", text: t.text, span: spanOf(t) });

export const name = (t: Token): Expr => ({ kind: "name", name: t.text, span: spanOf(t) });

export const binary = (left: Expr, op: Token, right: Expr): Expr => ({
  kind: "binary",
  op: op.text as BinaryOp,
  left,
  right,
  span: spanOf(left, right),
});

export const index = (target: Expr, indices: Index[], close: Token): Expr => ({
  kind: "index",
  target,
  indices,
  span: spanOf(target, close),
});

/**
 * Keep only the non-separator items of a `x ("," x)*` list as parsed by nearley. The list
 * is built lazily (constant time, see lists.ts) and is an array once the declaration is parsed.
 */
export function list<T>(first: T, rest: Seq | readonly [unknown, T][]): T[] {
  return new LazyList([first], rest, (r: [unknown, T]) => r[1]) as unknown as T[];
}

/** `f` of every item of a repetition, lazily (an array once the declaration is parsed). */
export function mapped<T, U>(items: Seq | readonly T[], f: (x: T) => U): U[] {
  return new LazyList([], items, f) as unknown as U[];
}

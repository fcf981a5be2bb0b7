/**
 * The depth of a declaration, measured on its tokens before it is parsed.
 *
 * Every later stage walks expressions recursively, so an expression deeper than the stack
 * would crash all of them. The parser is never asked to build one: a declaration whose
 * brackets nest deeper than `LIMITS.nesting`, or whose expression depth exceeds
 * `LIMITS.expressionDepth`, is reported (SYN006) instead. The expression depth at a token is
 * an upper bound on the depth of the syntax tree around it: the operators chained so far in
 * every open bracket (each binary operator, prefix `-` / `not`, `then`, `if`, and each
 * juxtaposition adds a level), plus the brackets themselves. Separators (`,` `;` `:=` `:`
 * `->` ...) end a chain, because they separate list items rather than nest them.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { LIMITS } from "../limits.ts";
import { tokenSpan, type Token } from "./lexer.ts";

const OPERATORS = new Set(["+", "-", "*", "/", "=", "!=", "<", "<=", ">", ">=", "and", "or", "not", "=>", "then", "if", "else"]);
const SEPARATORS = new Set([",", ";", ":=", ":", "->", "~", "..", "after", "with", "assert", "forall", "axiom"]);
const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);

const operandEnd = (t: Token | undefined): boolean => t !== undefined && (t.type === "ident" || t.type === "number" || t.text === ")" || t.text === "]");

/** SYN006 for the first token of `tokens` (one declaration) that is too deep, or null. */
export function tooDeep(tokens: readonly Token[]): Diagnostic | null {
  const chains: number[] = [0];
  let total = 0; // sum of chains
  let prev: Token | undefined;
  for (const t of tokens) {
    const punct = t.type === "punct" || t.type === "kw";
    if (punct && OPEN.has(t.text)) {
      chains.push(0);
      if (chains.length - 1 > LIMITS.nesting) {
        return error("SYN006", tokenSpan(t), `brackets nest more than ${LIMITS.nesting} deep here; split the expression with intermediate definitions`);
      }
    } else if (punct && CLOSE.has(t.text)) {
      if (chains.length > 1) total -= chains.pop()!;
    } else if (punct && SEPARATORS.has(t.text)) {
      total -= chains[chains.length - 1]!;
      chains[chains.length - 1] = 0;
    } else if ((punct && OPERATORS.has(t.text)) || (t.type === "ident" && operandEnd(prev))) {
      chains[chains.length - 1]!++;
      total++;
    }
    if (total + chains.length - 1 > LIMITS.expressionDepth) {
      return error("SYN006", tokenSpan(t), `this expression is nested more than ${LIMITS.expressionDepth} operators deep; split it with intermediate definitions`);
    }
    prev = t;
  }
  return null;
}

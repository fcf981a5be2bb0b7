/**
 * Syntax stage entry: text -> Program + diagnostics.
 *
 * The file is split into declarations at top-level `;` (after the lexer's separator rule),
 * and each declaration is parsed on its own, so every syntax error in a file is reported,
 * not only the first.
 */
import nearley from "nearley";
import grammarRules from "./generated/grammar.ts";
import { lex, tokenSpan, type Token } from "./lexer.ts";
import { error, InternalError, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Decl, Program } from "./types.ts";

const grammar = nearley.Grammar.fromCompiled(grammarRules);

/** Split at `;` that are outside every bracket. */
function declarations(tokens: Token[]): Token[][] {
  const chunks: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.type === "punct" && (t.text === "(" || t.text === "[" || t.text === "{")) depth++;
    if (t.type === "punct" && (t.text === ")" || t.text === "]" || t.text === "}")) depth = Math.max(0, depth - 1);
    if (depth === 0 && t.type === "punct" && t.text === ";") {
      if (current.length > 0) chunks.push(current);
      current = [];
    } else current.push(t);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const describeToken = (t: Token): string =>
  t.type === "punct" && t.text === ";" ? "the end of the line" : t.type === "string" ? `string ${t.text}` : `\`${t.text}\``;

/** What the parser could have accepted next, in words. */
function expected(parser: nearley.Parser): string[] {
  const column = (parser as unknown as { table: { scannable?: { rule: { symbols: unknown[] }; dot: number }[] }[]; current: number })
    .table[(parser as unknown as { current: number }).current];
  const words = new Set<string>();
  for (const state of column?.scannable ?? []) {
    const sym = state.rule.symbols[state.dot] as { literal?: string; type?: string } | undefined;
    if (!sym) continue;
    if (sym.literal !== undefined) words.add(sym.literal === ";" ? "end of line" : `\`${sym.literal}\``);
    else if (sym.type === "ident") words.add("a name");
    else if (sym.type === "number") words.add("a number");
    else if (sym.type === "string") words.add("a string");
  }
  return [...words].sort();
}

const expectation = (ws: string[]): string =>
  ws.length === 0 ? "" : ws.length === 1 ? `; expected ${ws[0]}` : `; expected one of ${ws.slice(0, 12).join(", ")}${ws.length > 12 ? ", ..." : ""}`;

/** Parse one declaration's tokens. */
function parseDecl(tokens: Token[]): { decl: Decl | null; diagnostic: Diagnostic | null } {
  const parser = new nearley.Parser(grammar);
  let i = 0;
  // A token-array lexer: nearley pulls tokens with next(); the chunk string is ignored.
  (parser as unknown as { lexer: unknown }).lexer = {
    reset: () => {},
    next: () => tokens[i++],
    save: () => ({}),
    formatError: () => "",
    has: () => true,
  };
  try {
    parser.feed("");
  } catch (e) {
    const bad = (e as { token?: Token }).token;
    if (!bad) throw e;
    const what = bad.type === "kw" ? `keyword \`${bad.text}\`` : describeToken(bad);
    return { decl: null, diagnostic: error("SYN002", tokenSpan(bad), `unexpected ${what}${expectation(expected(parser))}`) };
  }
  if (parser.results.length === 0) {
    const last = tokens[tokens.length - 1]!;
    const at = { file: last.file, start: last.offset + last.text.length, end: last.offset + last.text.length + 1 };
    return { decl: null, diagnostic: error("SYN003", at, `declaration ends too early after \`${last.text}\`${expectation(expected(parser))}`) };
  }
  if (parser.results.length > 1) {
    throw new InternalError(`ambiguous grammar: ${parser.results.length} parses of the declaration at offset ${tokens[0]!.offset}`);
  }
  return { decl: parser.results[0] as Decl, diagnostic: null };
}

/**
 * Parse a proof file.
 *
 * @example parse("activation sigma", "a.neq").program.decls[0].kind === "activation"
 */
export function parse(text: string, file: string): { program: Program; diagnostics: Diagnostic[] } {
  const { tokens, diagnostics } = lex(text, file);
  const decls: Decl[] = [];
  for (const chunk of declarations(tokens)) {
    const { decl, diagnostic } = parseDecl(chunk);
    if (decl) decls.push(decl);
    if (diagnostic) diagnostics.push(diagnostic);
  }
  return { program: { file, decls }, diagnostics };
}

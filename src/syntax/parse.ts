/**
 * Syntax stage entry: text -> Program + diagnostics.
 *
 * The file is split into declarations at top-level `;` (after the lexer's separator rule),
 * and each declaration is parsed on its own, so every syntax error in a file is reported,
 * not only the first.
 */
import nearley from "nearley";
import grammarRules from "./generated/grammar.ts";
import { LIMITS } from "../limits.ts";
import { tooDeep } from "./depth.ts";
import { lex, tokenSpan, type Token } from "./lexer.ts";
import { linearRepetitions, materialise } from "./lists.ts";
import { error, InternalError, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Decl, Program } from "./types.ts";

const grammar = linearRepetitions(nearley.Grammar.fromCompiled(grammarRules));

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
  // `axis` is a keyword that also names an option (`softmax(x, axis = 0)`); where any name
  // may come, listing it apart would only confuse.
  if (words.has("a name")) words.delete("`axis`");
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
  return { decl: materialise(parser.results[0] as Decl), diagnostic: null };
}

/** SYN005 for the first line of `text` longer than the limit, or null. */
function longLine(text: string, file: string): Diagnostic | null {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (end - start > LIMITS.lineLength) {
      return error("SYN005", { file, start: start + LIMITS.lineLength, end: start + LIMITS.lineLength + 1 }, `this line has ${end - start} characters; lines may have at most ${LIMITS.lineLength}`);
    }
    start = end + 1;
  }
  return null;
}

/** Why a declaration is not handed to the parser (its tokens are too many or too deep), or null. */
function unparseable(chunk: readonly Token[]): Diagnostic | null {
  if (chunk.length > LIMITS.declarationTokens) {
    return error("SYN009", tokenSpan(chunk[0]!), `this declaration has ${chunk.length} tokens; a declaration may have at most ${LIMITS.declarationTokens}`);
  }
  return tooDeep(chunk);
}

/**
 * Parse a proof file. Limits (line length, number of declarations, tokens and depth of a
 * declaration) are checked before the parser runs.
 *
 * @example parse("activation sigma", "a.neq").program.decls[0].kind === "activation"
 */
export function parse(text: string, file: string): { program: Program; diagnostics: Diagnostic[] } {
  const long = longLine(text, file);
  if (long) return { program: { file, decls: [] }, diagnostics: [long] };
  const { tokens, diagnostics } = lex(text, file);
  const chunks = declarations(tokens);
  if (chunks.length > LIMITS.declarations) {
    const first = chunks[LIMITS.declarations]![0]!;
    diagnostics.push(error("SYN007", tokenSpan(first), `this file has ${chunks.length} declarations; a file may have at most ${LIMITS.declarations} (this is number ${LIMITS.declarations + 1})`));
    return { program: { file, decls: [] }, diagnostics };
  }
  const decls: Decl[] = [];
  for (const chunk of chunks) {
    if (chunk.some((t) => t.invalid)) continue;
    const tooMuch = unparseable(chunk);
    if (tooMuch) {
      diagnostics.push(tooMuch);
      continue;
    }
    const { decl, diagnostic } = parseDecl(chunk);
    if (decl) decls.push(decl);
    if (diagnostic) diagnostics.push(diagnostic);
  }
  return { program: { file, decls }, diagnostics };
}

/**
 * Lexing: moo turns text into tokens, then `separate` drops layout and inserts statement
 * separators at line breaks, so the grammar only ever sees `;` between statements.
 *
 * Line-break rule: a line break separates two statements when the line ends with something
 * that can end an expression (a name, number, string, `)`, `]`, `}`), the next line starts
 * something that can begin a statement (a name or a declaration keyword), and we are not
 * inside `( )` or `[ ]`. So `symmetry s = a` / `then b` continues over the line break, while
 * `h = W x` / `out V h` does not run together as `x out`. A line that starts with a
 * declaration keyword (`theorem`, `network`, ...) always starts a new declaration, unless the
 * previous line ends with `:` (as in `for n in 1..4:`), so one broken line never swallows the next.
 */
import moo from "moo";
import type { Span } from "../diagnostics/span.ts";
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";

/** Reserved words: they can never be names. */
export const KEYWORDS = [
  "activation", "network", "symmetry", "map", "theorem", "refute", "for", "import", "input", "param",
  "out", "permute", "scale", "flip", "by", "then", "after", "axiom", "forall", "if", "else", "and",
  "or", "not", "bound", "assert", "sum", "max", "axis", "multiply", "invertible",
] as const;

/** Words that begin a statement or declaration (a line break before them can separate). */
const STARTERS = new Set([
  "activation", "network", "symmetry", "map", "theorem", "refute", "for", "import", "input", "param", "out", "axiom", "bound",
]);

const rules = moo.compile({
  // A byte-order mark (some editors write one first) is layout.
  ws: /[ \t\r\f\uFEFF]+/,
  nl: { match: /\n/, lineBreaks: true },
  lineComment: /\/\/[^\n]*/,
  blockComment: { match: /\/\*[^]*?\*\//, lineBreaks: true },
  openComment: { match: /\/\*[^]*/, lineBreaks: true },
  // Strings are import paths: no control characters, and only the escapes \\ and \".
  string: /"(?:[^"\\\x00-\x1f\x7f]|\\["\\])*"/,
  badString: /"(?:[^"\\\n]|\\.)*"/,
  openString: /"[^\n]*/,
  number: /[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/,
  ident: { match: /[A-Za-z_][A-Za-z0-9_]*/, type: moo.keywords({ kw: KEYWORDS as unknown as string[] }) },
  punct: [":=", "->", "..", "=>", "!=", "<=", ">=", "~", "+", "-", "*", "/", "=", "<", ">", ":", ";", ",", ".", "(", ")", "[", "]", "{", "}"],
  bad: moo.error,
});

/** A token as the grammar sees it. `type` is `ident`, `kw`, `number`, `string` or `punct`. */
export interface Token {
  readonly type: string;
  readonly text: string;
  readonly value: string;
  readonly offset: number;
  readonly file: string;
  /** For nearley's error reporting. */
  readonly line: number;
  readonly col: number;
  /** Set on a string token with a bad escape or control character (already reported as SYN008). */
  readonly invalid?: boolean;
}

export const tokenSpan = (t: Token): Span => ({ file: t.file, start: t.offset, end: t.offset + t.text.length });

/** Raw tokens of `text` (layout included), plus lexical diagnostics. */
function rawTokens(text: string, file: string): { tokens: Token[]; diagnostics: Diagnostic[] } {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  rules.reset(text);
  for (;;) {
    let t: moo.Token | undefined;
    t = rules.next();
    if (!t) break;
    const tok: Token = { type: t.type ?? "bad", text: t.text, value: t.value, offset: t.offset, file, line: t.line, col: t.col };
    if (t.type === "bad") {
      // moo.error swallows the rest of the input; report the first bad character only.
      const ch = t.text[0] ?? "";
      diagnostics.push(error("SYN001", { file, start: t.offset, end: t.offset + 1 }, `unexpected character ${JSON.stringify(ch)}`));
      break;
    }
    if (t.type === "openComment") {
      diagnostics.push(error("SYN004", { file, start: t.offset, end: t.offset + 2 }, "this /* comment is never closed"));
      break;
    }
    if (t.type === "badString") {
      const bad = badStringAt(t.text);
      diagnostics.push(error("SYN008", { file, start: t.offset + bad.at, end: t.offset + bad.at + bad.length }, bad.message));
      tokens.push({ ...tok, type: "string", invalid: true });
      continue;
    }
    if (t.type === "openString") {
      diagnostics.push(error("SYN004", { file, start: t.offset, end: t.offset + 1 }, "this string is never closed (strings end on the same line)"));
      continue;
    }
    tokens.push(tok);
  }
  return { tokens, diagnostics };
}

/** The first problem of a string literal that the strict `string` rule rejected. */
function badStringAt(text: string): { at: number; length: number; message: string } {
  for (let i = 1; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (text[i] === "\\") {
      const next = text[i + 1] ?? "";
      if (next === "\\" || next === '"') {
        i++;
        continue;
      }
      const shown = next.charCodeAt(0) < 32 || next.charCodeAt(0) === 127 ? `\\u${next.charCodeAt(0).toString(16).padStart(4, "0")}` : next;
      return { at: i, length: 2, message: `unsupported escape \\${shown} in a string: the only escapes are \\\\ and \\"` };
    }
    if (c < 32 || c === 127) return { at: i, length: 1, message: `a string cannot contain ${c === 9 ? "a tab" : `the control character U+${c.toString(16).toUpperCase().padStart(4, "0")}`}` };
  }
  return { at: 0, length: text.length, message: "bad string" };
}

/** The text a (valid) string token stands for: quotes removed, \\ and \" unescaped. */
export const stringValue = (text: string): string => text.slice(1, -1).replace(/\\(["\\])/g, "$1");

const endsExpression = (t: Token | undefined): boolean =>
  t !== undefined && (t.type === "ident" || t.type === "number" || t.type === "string" || t.text === ")" || t.text === "]" || t.text === "}");

const startsStatement = (t: Token): boolean => t.type === "ident" || (t.type === "kw" && STARTERS.has(t.text));

/** Declaration keywords never continue an expression, so a line starting with one always starts anew. */
const DECLARATION = new Set(["activation", "network", "symmetry", "map", "theorem", "refute", "for", "import", "bound"]);
const startsDeclaration = (prev: Token | undefined, t: Token): boolean =>
  t.type === "kw" && DECLARATION.has(t.text) && prev !== undefined && prev.text !== ":";

const separator = (at: Token | { offset: number; file: string }): Token => ({
  type: "punct", text: ";", value: ";", offset: at.offset, file: at.file, line: 0, col: 0,
});

/**
 * Significant tokens of `text`, with `;` separators normalised: inserted at line breaks by
 * the rule above, never repeated, never right after `{` or before `}`, never first or last.
 */
export function lex(text: string, file: string): { tokens: Token[]; diagnostics: Diagnostic[] } {
  const { tokens: raw, diagnostics } = rawTokens(text, file);
  const out: Token[] = [];
  let depth = 0; // ( and [ nesting
  let lineBreak: Token | null = null;
  const push = (t: Token) => {
    const prev = out[out.length - 1];
    if (t.text === ";" && t.type === "punct") {
      if (prev === undefined || prev.text === ";" || prev.text === "{") return;
    }
    if (t.text === "}" && prev?.text === ";") out.pop();
    out.push(t);
  };
  for (const t of raw) {
    if (t.type === "ws" || t.type === "lineComment") continue;
    if (t.type === "nl" || (t.type === "blockComment" && t.text.includes("\n"))) {
      lineBreak ??= t;
      continue;
    }
    if (t.type === "blockComment") continue;
    const prev = out[out.length - 1];
    if (lineBreak && depth === 0 && ((endsExpression(prev) && startsStatement(t)) || startsDeclaration(prev, t))) {
      push(separator(lineBreak));
    }
    lineBreak = null;
    if (t.text === "(" || t.text === "[") depth++;
    if ((t.text === ")" || t.text === "]") && depth > 0) depth--;
    push(t);
  }
  while (out.length > 0 && out[out.length - 1]!.text === ";") out.pop();
  return { tokens: out, diagnostics };
}

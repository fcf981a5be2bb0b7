/**
 * What the generated grammar needs from a lexer at load time: `has(type)` for `%type`
 * references. Tokens themselves are fed by parse.ts from `lex`, never by this object.
 */
export const tokenTypes = {
  has: (type: string): boolean => ["ident", "number", "string"].includes(type),
  reset: (_chunk: string, _state?: unknown): void => {},
  next: (): undefined => undefined,
  save: (): undefined => undefined,
  formatError: (_token: never): string => "",
};

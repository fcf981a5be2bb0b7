/**
 * Every diagnostic code neteq can emit, with a one-line summary and a longer explanation.
 * Codes are stable: tests, CI logs and users' notes refer to them. Prefix = stage.
 */
export interface CodeInfo {
  readonly summary: string;
  readonly explanation: string;
}

export const registry = {
  SYN001: { summary: "unexpected character", explanation: "The lexer met a character that cannot start any token of the language." },
  SYN002: { summary: "unexpected token", explanation: "The parser met a token that cannot continue the declaration at this point; the message lists what could." },
  SYN003: { summary: "unexpected end of declaration", explanation: "A declaration stopped before it was complete (a line break ends a declaration when the line ends with a name, number, `)`, `]` or `}`)." },
  SYN004: { summary: "unterminated comment or string", explanation: "A `/*` comment or a string literal runs to the end of the file." },
  SYN005: { summary: "line too long", explanation: "A line has more characters than the limit (README, \"Limits\"). The file is not parsed; break the line." },
  SYN006: { summary: "nesting too deep", explanation: "Brackets are open too deep, or operators (+ - * / and or not => then, juxtaposition) are chained too long within one expression (README, \"Limits\"). The declaration is not parsed: deeper expressions could exhaust the stack of every later stage. Split it with intermediate definitions." },
  SYN007: { summary: "too many declarations", explanation: "A file has more top-level declarations than the limit (README, \"Limits\"). The file is not parsed; split it into several files (imports share declarations)." },
  SYN008: { summary: "bad string", explanation: "Strings (import paths) may contain any character except line breaks, tabs and other control characters; the only escapes are \\\\ and \\\"." },
  SYN009: { summary: "declaration too long", explanation: "One declaration has more tokens than the limit (README, \"Limits\"). It is not parsed; split it (for example into several symmetries composed with `then`)." },
  ELB001: { summary: "unknown name", explanation: "The name is not declared in this file or in the files it imports." },
  ELB002: { summary: "duplicate name", explanation: "Two declarations in the same scope share a name." },
  ELB003: { summary: "shape mismatch", explanation: "Vector or matrix dimensions do not agree (matrix-vector product, sum, assignment)." },
  ELB004: { summary: "not a permutation", explanation: "A permutation must be a bijection of the units 0..n-1: every unit exactly once, in range." },
  ELB005: { summary: "index out of range", explanation: "A unit, row, column or entry index lies outside the declared shape." },
  ELB006: { summary: "wrong kind of name", explanation: "The name refers to a different kind of thing than is needed here (for example an activation where a network is expected)." },
  ELB007: { summary: "not a whole number", explanation: "Widths, sizes, indices and sweep bounds must evaluate to whole numbers." },
  ELB008: { summary: "unknown activation property", explanation: "Activations may declare the properties `odd` and `positively_homogeneous`." },
  ELB009: { summary: "wrong number of arguments", explanation: "A call, activation or symmetry was given a different number of arguments than it takes." },
  ELB010: { summary: "cannot read import", explanation: "The imported file does not exist or cannot be read. Paths are relative to the importing file; `std/...` names the standard library." },
  ELB011: { summary: "import cycle", explanation: "Files import each other in a cycle." },
  ELB012: { summary: "division by a scalar that may be zero", explanation: "A transformation divides by a symbolic scalar whose side condition does not exclude 0. Add `c > 0`, `c < 0` or `c != 0` to its declaration." },
  ELB013: { summary: "units cannot be transformed", explanation: "Permuting, scaling or flipping the units of a vector is a reparameterisation only for a hidden vector computed from parameters (rows of matrices, biases) and read only through matrix products. Inputs, outputs and vectors used directly in sums (residual streams) must be transformed with explicit assignments." },
  ELB014: { summary: "parameter not assigned", explanation: "A map between two networks must say how every parameter of the target network is computed; unassigned parameters are copied from a parameter of the same name and shape, if there is one." },
  ELB015: { summary: "transformation of another network", explanation: "A symmetry that names units of one network is applied in a claim about a different network." },
  ELB016: { summary: "networks are not comparable", explanation: "Two networks in a claim must have the same input and output sizes." },
  ELB017: { summary: "bad side condition", explanation: "Side conditions compare a symbolic scalar with an expression (`c > 0`); an argument given for the scalar must satisfy it." },
  ELB018: { summary: "no bias to correct", explanation: "`flip ... with bias correction` adds the unit's outgoing column to the bias of each layer that reads the unit; such a layer has no bias parameter." },
  ELB019: { summary: "malformed network", explanation: "A network needs exactly one `input`, exactly one `out`, and vectors defined before they are used." },
  ELB020: { summary: "bad activation", explanation: "An activation definition may use its argument, constants, + - * /, max, min and if-then-else; an axiom must be a comparison or a combination of comparisons with and/or/not/=>." },
  ELB021: { summary: "empty sweep", explanation: "A `for` range must contain at least one value (from <= to)." },
  ELB022: { summary: "not a scalar expression", explanation: "Only constants, symbolic scalars and (in assignments) parameter entries can appear here." },
  ELB023: { summary: "statement not allowed here", explanation: "Imports must be at the top level of a file." },
  ELB024: { summary: "import outside the standard library", explanation: "An import starting with `std/` must name a file inside the standard library folder; `..` cannot leave it." },
  ELB025: { summary: "import is not a regular file", explanation: "Only regular files can be imported: not folders, devices or named pipes." },
  ELB026: { summary: "import too large", explanation: "An imported file is larger than the file-size limit (README, \"Limits\"); the size is checked before reading." },
  ELB027: { summary: "network too large", explanation: "A width, input size or parameter dimension exceeds the dimension limit, or a network has more parameter entries than the parameter limit (README, \"Limits\"). Sizes are checked before any term is built." },
  ELB028: { summary: "network too deep", explanation: "An mlp has more hidden layers, or an explicit network more vectors, than the depth limit (README, \"Limits\")." },
  ELB029: { summary: "sweep too large", explanation: "The `for` sweeps of a file would create more instances of their declarations than the limit (nested sweeps multiply) (README, \"Limits\")." },
  ELB030: { summary: "too many diagnostics", explanation: "Only the first diagnostics of a file are shown (README, \"Limits\"); this note counts the rest. Fix the first ones: later ones are often consequences." },
  ELB031: { summary: "definitions nested too deep", explanation: "An activation or symmetry is defined in terms of another, that one in terms of a third, and so on (or a file imports one that imports another, and so on), deeper than the limit; or an activation definition, with the definitions it uses expanded, is nested deeper than the expression-depth limit (README, \"Limits\"). Shorten the chain." },
  ELB032: { summary: "quantified claim fails at a size", explanation: "A claim over every size (`forall n >= 1.`) is elaborated at several sizes (README, \"Whole-group and every-width claims\"); at one of them it does not elaborate (a shape no longer fits, an index is out of range). State the claim for the sizes where it makes sense, e.g. with a larger lower bound." },
  ELB033: { summary: "size used in arithmetic", explanation: "A size of a network family may only be a whole dimension: a width of mlp(...), a dimension of an input or parameter, or an index range such as o:n (README, \"Whole-group and every-width claims\"). Arithmetic on sizes could agree with a whole size at the sizes neteq checks and not elsewhere, so it would break the every-width argument." },
  CLI001: { summary: "cannot read file", explanation: "A path given on the command line does not exist or cannot be read." },
  CLI002: { summary: "no proof files", explanation: "No `.neq` files were found under the given paths." },
  CLI003: { summary: "bad option", explanation: "A command-line flag has an invalid value or is unknown." },
  CLI004: { summary: "unknown claim", explanation: "The file has no claim with that name." },
  CLI005: { summary: "not a regular file", explanation: "A path on the command line (or found in a checked folder) is not a regular file: a device, a named pipe, a dangling link, a link loop, or unreadable. Only regular files are read." },
  CLI006: { summary: "file too large", explanation: "A proof file is larger than the file-size limit (README, \"Limits\"); the size is checked before reading." },
} as const satisfies Record<string, CodeInfo>;

/** A stable diagnostic code, e.g. `ELB004`. */
export type Code = keyof typeof registry;

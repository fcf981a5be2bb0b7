/**
 * Reading a solver's textual answer to a script from print.ts: the check-sat result, the
 * reason for unknown, the unsat core, and the values asked for (as exact rationals, or
 * rational approximations where the solver's value is an algebraic number).
 */
import { Rational } from "../../numeric/rational.ts";

export type SolverResult =
  | { readonly kind: "unsat"; readonly core: readonly string[] }
  | { readonly kind: "sat"; readonly values: readonly (Rational | null)[]; readonly approximated: boolean }
  | { readonly kind: "unknown"; readonly reason: string }
  | { readonly kind: "error"; readonly message: string };

type SExp = string | SExp[];

/** Parse all S-expressions in `text`. */
export function sexps(text: string): SExp[] {
  const out: SExp[] = [];
  const stack: SExp[][] = [];
  const re = /\s*(?:(\()|(\))|(\|[^|]*\|)|("(?:[^"]|"")*")|([^\s()|"]+))/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && m[0].length > 0) {
    if (m[1]) stack.push([]);
    else if (m[2]) {
      const done = stack.pop();
      if (!done) continue;
      if (stack.length > 0) stack[stack.length - 1]!.push(done);
      else out.push(done);
    } else {
      const atom = m[3] ?? m[4] ?? m[5]!;
      if (stack.length > 0) stack[stack.length - 1]!.push(atom);
      else out.push(atom);
    }
  }
  return out;
}

/** A real value printed by Z3: 3.0, (- 3.0), (/ 3.0 4.0), 1.4142?; null for root-obj etc. */
export function realValue(v: SExp): Rational | null {
  if (typeof v === "string") return Rational.parse(v.replace(/\?$/, ""));
  if (v[0] === "-" && v.length === 2) {
    const a = realValue(v[1]!);
    return a && a.neg();
  }
  if (v[0] === "/" && v.length === 3) {
    const a = realValue(v[1]!);
    const b = realValue(v[2]!);
    return a && b && !b.isZero() ? a.div(b) : null;
  }
  return null;
}

/**
 * The output between an `(echo "@marker")` line and the next marker. z3 prints an echo
 * bare (`@core`), cvc5 quoted (`"@core"`), as SMT-LIB 2.6 asks: both are read.
 */
export function section(text: string, marker: string): string {
  const head = new RegExp(`^("?)${marker}\\1\\r?$`, "m").exec(text);
  if (!head) return "";
  const rest = text.slice(head.index + head[0].length + 1);
  const end = rest.search(/^("?)@\w+\1\r?$/m);
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * Errors the query commands produce by design (values after unsat, core after sat), in
 * z3's words and in cvc5's.
 */
const EXPECTED_ERRORS = /model is not available|unsat core is not available|Cannot get unsat core unless in unsat mode/;

/**
 * Interpret the output of a script that asked for `count` values. Any other solver error
 * makes the whole answer an error: a script the solver did not read as written proves
 * nothing.
 */
export function readAnswer(text: string, count: number): SolverResult {
  for (const m of text.matchAll(/\(error "((?:[^"]|"")*)"\)/g)) {
    if (!EXPECTED_ERRORS.test(m[1]!)) return { kind: "error", message: m[1]! };
  }
  const first = text.split("\n", 1)[0]!.trim();
  if (first === "unsat") {
    const core = sexps(section(text, "@core"))[0];
    return { kind: "unsat", core: Array.isArray(core) ? core.filter((x): x is string => typeof x === "string") : [] };
  }
  if (first === "unknown") {
    const info = sexps(section(text, "@reason"))[0];
    const reason = Array.isArray(info) && typeof info[1] === "string" ? info[1].replace(/^"|"$/g, "") : "unknown";
    return { kind: "unknown", reason };
  }
  if (first === "sat") {
    if (count === 0) return { kind: "sat", values: [], approximated: false };
    const exactPairs = sexps(section(text, "@values"))[0];
    const decimalPairs = sexps(section(text, "@decimal"))[0];
    const values: (Rational | null)[] = [];
    let approximated = false;
    for (let i = 0; i < count; i++) {
      const pair = Array.isArray(exactPairs) ? exactPairs[i] : undefined;
      let v = Array.isArray(pair) ? realValue(pair[1]!) : null;
      if (v === null) {
        const dpair = Array.isArray(decimalPairs) ? decimalPairs[i] : undefined;
        v = Array.isArray(dpair) ? realValue(dpair[1]!) : null;
        if (v !== null) approximated = true;
      }
      values.push(v);
    }
    return { kind: "sat", values, approximated };
  }
  const err = /\(error "([^"]*)"\)/.exec(text);
  return { kind: "error", message: err ? err[1]! : first || "no answer" };
}

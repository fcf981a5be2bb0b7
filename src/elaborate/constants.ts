/**
 * Constant expressions: numbers, sweep variables and + - * / over them. Used for widths,
 * sizes, indices, sweep bounds, activation parameters and bound options.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { Rational } from "../numeric/rational.ts";
import type * as A from "../syntax/types.ts";
import type { Scope } from "./scope.ts";
import { unknown } from "./scope.ts";

/** Exact value of a constant expression, or null (with a diagnostic). */
export function evalConst(e: A.Expr, scope: Scope, diags: Diagnostic[]): Rational | null {
  switch (e.kind) {
    case "num": {
      const v = Rational.parse(e.text);
      if (v === null) diags.push(error("ELB022", e.span, `${e.text} is not a number neteq can represent exactly`));
      return v;
    }
    case "name": {
      const entry = scope.lookup(e.name);
      if (entry?.kind === "int") return Rational.of(entry.value);
      if (entry) diags.push(error("ELB022", e.span, `${e.name} is not a constant here`));
      else unknown({ name: e.name, span: e.span }, "name", scope, diags);
      return null;
    }
    case "neg": {
      const a = evalConst(e.arg, scope, diags);
      return a && a.neg();
    }
    case "binary": {
      if (!["+", "-", "*", "/"].includes(e.op)) break;
      const a = evalConst(e.left, scope, diags);
      const b = evalConst(e.right, scope, diags);
      if (!a || !b) return null;
      if (e.op === "+") return a.add(b);
      if (e.op === "-") return a.sub(b);
      if (e.op === "*") return a.mul(b);
      if (b.isZero()) {
        diags.push(error("ELB022", e.right.span, "division by zero"));
        return null;
      }
      return a.div(b);
    }
    default:
      break;
  }
  diags.push(error("ELB022", e.span, "expected a constant (numbers, sweep variables and + - * /)"));
  return null;
}

/** Whole-number value of a constant expression, with `what` naming it in messages. */
export function evalInt(e: A.Expr, scope: Scope, diags: Diagnostic[], what: string, min = 0): number | null {
  const v = evalConst(e, scope, diags);
  if (v === null) return null;
  if (!v.isInteger()) {
    diags.push(error("ELB007", e.span, `${what} must be a whole number, but this is ${v}`));
    return null;
  }
  const n = Number(v.num);
  if (n < min) {
    diags.push(error(min > 0 ? "ELB007" : "ELB005", e.span, `${what} must be at least ${min}, but this is ${n}`));
    return null;
  }
  if (!Number.isSafeInteger(n)) {
    diags.push(error(min > 0 ? "ELB007" : "ELB005", e.span, `${what} is too large: ${v.toString().length > 20 ? `a number of ${v.toString().length} digits` : v}`));
    return null;
  }
  return n;
}

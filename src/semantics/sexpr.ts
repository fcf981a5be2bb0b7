/**
 * Elaborated scalar expressions (SExpr) to terms, given what their variables, scalars and
 * parameter entries stand for.
 */
import { InternalError, unreachable } from "../diagnostics/diagnostic.ts";
import type { SExpr, SFormula } from "../elaborate/types.ts";
import { add, and, app, cmp, div, ite, mul, neg, not, num, or, sub } from "./build.ts";
import type { Formula, Term } from "./types.ts";

/** Meanings of the leaves of an SExpr. */
export interface Leaves {
  readonly variable?: (name: string) => Term;
  readonly scalar?: (id: string, index: number) => Term;
  readonly entry?: (param: string, index: number) => Term;
}

export function termOf(e: SExpr, leaves: Leaves): Term {
  const r = (x: SExpr) => termOf(x, leaves);
  switch (e.k) {
    case "const":
      return num(e.v);
    case "var":
      if (!leaves.variable) throw new InternalError(`free variable ${e.name}`);
      return leaves.variable(e.name);
    case "scalar":
      if (!leaves.scalar) throw new InternalError(`scalar ${e.id} outside a transformation`);
      return leaves.scalar(e.id, e.index);
    case "entry":
      if (!leaves.entry) throw new InternalError(`parameter entry ${e.param} outside an assignment`);
      return leaves.entry(e.param, e.index);
    case "add":
      return add(r(e.a), r(e.b));
    case "sub":
      return sub(r(e.a), r(e.b));
    case "mul":
      return mul(r(e.a), r(e.b));
    case "div":
      return div(r(e.a), r(e.b));
    case "neg":
      return neg(r(e.a));
    case "max": {
      const a = r(e.a);
      const b = r(e.b);
      return ite(cmp(">=", a, b), a, b);
    }
    case "min": {
      const a = r(e.a);
      const b = r(e.b);
      return ite(cmp("<=", a, b), a, b);
    }
    case "ite":
      return ite(formulaOf(e.cond, leaves), r(e.then), r(e.else));
    case "app":
      return app(e.act, r(e.arg));
    default:
      return unreachable(e);
  }
}

export function formulaOf(f: SFormula, leaves: Leaves): Formula {
  switch (f.k) {
    case "cmp":
      return cmp(f.op, termOf(f.a, leaves), termOf(f.b, leaves));
    case "and":
      return and(formulaOf(f.a, leaves), formulaOf(f.b, leaves));
    case "or":
      return or(formulaOf(f.a, leaves), formulaOf(f.b, leaves));
    case "not":
      return not(formulaOf(f.a, leaves));
    case "implies":
      return { f: "implies", a: formulaOf(f.a, leaves), b: formulaOf(f.b, leaves) };
    default:
      return unreachable(f);
  }
}

/**
 * Deciding the assertion of a `bound` statement over its computed quantities.
 */
import { unreachable } from "../diagnostics/diagnostic.ts";
import type { BoundAssertion, BoundTerm, CmpOp } from "../elaborate/types.ts";

/**
 * The truth of `assertion` given the quantity values and the named facts. Arithmetic is in
 * float64 (quantities are floats); any comparison involving NaN is false, and an unknown name
 * counts as NaN (resp. a false fact).
 *
 * @example evaluateAssertion(parsed("log10_reduced < log10_classical"), values, facts)
 */
export function evaluateAssertion(assertion: BoundAssertion, values: Readonly<Record<string, number>>, facts: Readonly<Record<string, boolean>>): boolean {
  const rec = (a: BoundAssertion) => evaluateAssertion(a, values, facts);
  switch (assertion.k) {
    case "cmp":
      return compare(assertion.op, term(assertion.a, values), term(assertion.b, values));
    case "and":
      return rec(assertion.a) && rec(assertion.b);
    case "or":
      return rec(assertion.a) || rec(assertion.b);
    case "not":
      return !rec(assertion.a);
    case "fact":
      return facts[assertion.name] === true;
    default:
      return unreachable(assertion);
  }
}

/** The value of a term (float64). */
export function term(t: BoundTerm, values: Readonly<Record<string, number>>): number {
  switch (t.k) {
    case "const":
      return t.v.toNumber();
    case "quantity":
      return values[t.name] ?? NaN;
    case "add":
      return term(t.a, values) + term(t.b, values);
    case "sub":
      return term(t.a, values) - term(t.b, values);
    case "mul":
      return term(t.a, values) * term(t.b, values);
    case "div":
      return term(t.a, values) / term(t.b, values);
    case "neg":
      return -term(t.a, values);
    default:
      return unreachable(t);
  }
}

function compare(op: CmpOp, a: number, b: number): boolean {
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return !Number.isNaN(a) && !Number.isNaN(b) && a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    default:
      return unreachable(op);
  }
}

/**
 * Number systems the evaluator runs in: exact rationals, or float64.
 */
import { Rational } from "./rational.ts";

export interface Field<T> {
  readonly exact: boolean;
  readonly name: "exact" | "float64";
  fromRational(r: Rational): T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** Throws RangeError on exact division by zero. */
  div(a: T, b: T): T;
  neg(a: T): T;
  cmp(a: T, b: T): number;
  toNumber(a: T): number;
  /** For reports: "3/4" (exact) or a float. */
  show(a: T): string | number;
}

export const exact: Field<Rational> = {
  exact: true,
  name: "exact",
  fromRational: (r) => r,
  add: (a, b) => a.add(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
  neg: (a) => a.neg(),
  cmp: (a, b) => a.cmp(b),
  toNumber: (a) => a.toNumber(),
  show: (a) => a.toString(),
};

export const float64: Field<number> = {
  exact: false,
  name: "float64",
  fromRational: (r) => r.toNumber(),
  add: (a, b) => a + b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  cmp: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  toNumber: (a) => a,
  show: (a) => a,
};

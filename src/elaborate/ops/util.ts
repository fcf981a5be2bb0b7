/**
 * Helpers shared by the operations: option values, shape checks, and common index forms.
 */
import { Rational } from "../../numeric/rational.ts";
import { at, ix, plus, read as readIx, times } from "../iexpr.ts";
import type { Affine, IExpr } from "../types.ts";
import { shapeText, type OpContext, type OptionValue, type TValue } from "./types.ts";

/** The integer option `name` (declared "int"; the elaborator checked it is whole). */
export const int = (o: ReadonlyMap<string, OptionValue>, name: string): number => {
  const v = o.get(name);
  return v?.kind === "number" ? Number(v.v.toString()) : 0;
};

/** The rational option `name`. */
export const rational = (o: ReadonlyMap<string, OptionValue>, name: string): Rational => {
  const v = o.get(name);
  return v?.kind === "number" ? v.v : Rational.ZERO;
};

/** The tensor option `name`, if given. */
export const tensor = (o: ReadonlyMap<string, OptionValue>, name: string): TValue | null => {
  const v = o.get(name);
  return v?.kind === "tensor" ? v.t : null;
};

/** A message if `t` does not have `rank` axes; `what` names it ("the input of conv2d"). */
export function rank(t: TValue, n: number, what: string, layout: string): string | null {
  return t.shape.length === n ? null : `${what} must have ${n} ax${n === 1 ? "is" : "es"} ${layout}, but has shape ${shapeText(t.shape)}`;
}

/** A message if `t` is not exactly `shape`. */
export function exactly(t: TValue, shape: readonly number[], what: string): string | null {
  return t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? null : `${what} must have shape ${shapeText(shape)}, but has shape ${shapeText(t.shape)}`;
}

/** The first message among `checks`, or null. */
export const first = (...checks: (string | null)[]): string | null => checks.find((c) => c !== null) ?? null;

/** A tensor value from a shape, axis names and an entry function. */
export const tvalue = (shape: readonly number[], axes: readonly string[], entry: (idx: readonly Affine[]) => IExpr): TValue => ({ shape, axes, at: entry });

/** A tensor value that reads a declared tensor. */
export const reader = (src: "input" | "param" | "node", name: string, shape: readonly number[], axes: readonly string[]): TValue => tvalue(shape, axes, (idx) => readIx(src, name, idx));

/** Output length of a sliding window: floor((n + 2 p - k) / s) + 1. */
export const windows = (n: number, k: number, s: number, p: number): number => Math.floor((n + 2 * p - k) / s) + 1;

/** s * i + a - p: the input position a window tap reads. */
export const tap = (i: Affine, a: string, s: number, p: number): Affine => plus(plus(times(i, s), ix(a)), -p);

export { at };

/**
 * `x` as a tensor the operation can read many times: itself when each entry is one read,
 * else an auxiliary tensor holding it (`<name>.in`), so that an expression like a residual
 * sum is computed once instead of inlined into every statistic and every entry.
 */
export function materialise(x: TValue, ctx: OpContext): TValue {
  const probe = x.at(x.shape.map((_, a) => ({ terms: [{ v: `#probe${a}`, k: 1 }], c: 0 })));
  return probe.k === "read" ? x : ctx.define("in", x);
}

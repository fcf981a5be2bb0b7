/**
 * Term constructors with light, always-sound simplification: flattening, constant folding,
 * dropping 0 in sums and 1 in products. Nothing here changes the value of a term.
 */
import { Rational } from "../numeric/rational.ts";
import type { Activation, CmpOp } from "../elaborate/types.ts";
import type { Formula, Sym, Term } from "./types.ts";

export const num = (v: Rational): Term => ({ t: "const", v });
export const ZERO = num(Rational.ZERO);
export const ONE = num(Rational.ONE);
export const sym = (s: Sym): Term => ({ t: "sym", s });

export const isConst = (x: Term): x is Extract<Term, { t: "const" }> => x.t === "const";

// add and mul are on the hot path of obligation generation (millions of calls for large
// networks): plain loops, no closures.

/** a1 + a2 + ... */
export function add(...xs: Term[]): Term {
  const args: Term[] = [];
  let c: Rational | null = null;
  for (const x of xs) {
    if (x.t === "const") c = c ? c.add(x.v) : x.v;
    else if (x.t === "add" && x.label === undefined) {
      for (const y of x.args) {
        if (y.t === "const") c = c ? c.add(y.v) : y.v;
        else args.push(y);
      }
    } else args.push(x);
  }
  if (c && !c.isZero()) args.push(num(c));
  return args.length === 0 ? ZERO : args.length === 1 ? args[0]! : { t: "add", args };
}

/** a1 * a2 * ... */
export function mul(...xs: Term[]): Term {
  const args: Term[] = [];
  let c: Rational | null = null;
  for (const x of xs) {
    if (x.t === "const") c = c ? c.mul(x.v) : x.v;
    else if (x.t === "mul" && x.label === undefined) {
      for (const y of x.args) {
        if (y.t === "const") c = c ? c.mul(y.v) : y.v;
        else args.push(y);
      }
    } else args.push(x);
  }
  if (c && c.isZero()) return ZERO;
  if (args.length === 0) return c ? num(c) : ONE;
  if (c && !c.eq(Rational.ONE)) args.unshift(num(c));
  return args.length === 1 ? args[0]! : { t: "mul", args };
}

export const neg = (x: Term): Term => mul(num(Rational.of(-1)), x);
export const sub = (a: Term, b: Term): Term => add(a, neg(b));

/** a / b; the caller guarantees b is non-zero where it matters (side conditions). */
export function div(a: Term, b: Term): Term {
  // Division by a constant 0 stays a quotient: SMT-LIB's division is total (its value there
  // is unspecified), so a proof holds whatever it is, and exact evaluation refuses it.
  if (b.t === "const") return b.v.isZero() ? { t: "div", a, b } : mul(a, num(Rational.ONE.div(b.v)));
  if (a.t === "const" && a.v.isZero()) return ZERO;
  return { t: "div", a, b };
}

export const app = (act: Activation, arg: Term, label?: string): Term => (label === undefined ? { t: "app", act, arg } : { t: "app", act, arg, label });
export const ite = (cond: Formula, a: Term, b: Term): Term => ({ t: "ite", cond, a, b });
export const cmp = (op: CmpOp, a: Term, b: Term): Formula => ({ f: "cmp", op, a, b });
export const and = (...args: Formula[]): Formula => (args.length === 1 ? args[0]! : { f: "and", args });
export const or = (...args: Formula[]): Formula => (args.length === 1 ? args[0]! : { f: "or", args });
export const not = (a: Formula): Formula => ({ f: "not", a });

/** Give a term a name for printing (a hidden unit "lhs.h1[0]"). */
export function labelled(x: Term, label: string): Term {
  if (x.t === "add" || x.t === "mul" || x.t === "app") return { ...x, label };
  return x;
}

/**
 * A parameter entry's symbol. Its key ("W0[1,2]") is computed on demand: obligations for
 * large networks create millions of these and mostly never ask.
 */
class ParamSym {
  readonly kind = "param" as const;
  constructor(
    readonly name: string,
    readonly index: number,
    readonly shape: readonly number[],
  ) {}
  get key(): string {
    return `${this.name}${entryKey(this.shape, this.index)}`;
  }
}

export const paramSym = (name: string, index: number, shape: readonly number[]): Term => sym(new ParamSym(name, index, shape));
/**
 * Entry `index` of the input vector called `name` (the left network's input, whose name no
 * parameter of that network may share, so keys of inputs and parameters never collide).
 */
export const inputSym = (name: string, index: number): Term => sym({ kind: "input", index, key: `${name}[${index}]` });
export const freeSym = (name: string): Term => sym({ kind: "free", name, key: name });

/** "[1,2]" for flat index 5 of a 2x3 matrix, "[5]" for a vector: the entry's indices. */
export function entryKey(shape: readonly number[], index: number): string {
  if (shape.length <= 1) return `[${index}]`;
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    idx[a] = index % shape[a]!;
    index = Math.floor(index / shape[a]!);
  }
  return `[${idx.join(",")}]`;
}

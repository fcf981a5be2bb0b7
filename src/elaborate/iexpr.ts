/**
 * Index expressions (types.ts, IExpr): constructors, affine indices, and small passes
 * (free variables, the tensors an expression reads, renaming of index variables).
 *
 * @example
 *   // h[o] = sum_k W[o, k] * x[k] + b[o]
 *   add(sumOver("k", 3, mul(read("param", "W", [ix("o"), ix("k")]), read("input", "x", [ix("k")]))), read("param", "b", [ix("o")]))
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import { Rational } from "../numeric/rational.ts";
import type { Activation, Affine, IExpr, Source, TensorDef } from "./types.ts";

// ---------------------------------------------------------------- affine indices

/** The index variable v (times k). */
export const ix = (v: string, k = 1): Affine => ({ terms: [{ v, k }], c: 0 });
/** A constant index. */
export const at = (c: number): Affine => ({ terms: [], c });

const reshaped = (a: Affine) => a.div !== undefined || a.mod !== undefined;

/** floor(a / q) (a reshape's index). */
export const floorDiv = (a: Affine, q: number): Affine => {
  if (reshaped(a)) throw new InternalError("an index cannot be reshaped twice");
  return q === 1 ? a : { ...a, div: q };
};

/** (a div q) mod m, or a mod m. */
export const modulo = (a: Affine, m: number): Affine => {
  if (a.mod !== undefined) throw new InternalError("an index cannot be reshaped twice");
  return m === 1 ? at(0) : { ...a, mod: m };
};

/** The value of `a` at integer values of its variables. */
export function evalAffine(a: Affine, value: (v: string) => number): number {
  let x = a.c;
  for (const t of a.terms) x += t.k * value(t.v);
  if (a.div !== undefined) x = Math.floor(x / a.div);
  if (a.mod !== undefined) x = ((x % a.mod) + a.mod) % a.mod;
  return x;
}

/** a + b. */
export function plus(a: Affine, b: Affine | number): Affine {
  if (reshaped(a) || (typeof b !== "number" && reshaped(b))) throw new InternalError("a reshaped index cannot be offset");
  if (typeof b === "number") return { terms: a.terms, c: a.c + b };
  const terms = new Map<string, number>();
  for (const t of [...a.terms, ...b.terms]) terms.set(t.v, (terms.get(t.v) ?? 0) + t.k);
  return { terms: [...terms].filter(([, k]) => k !== 0).map(([v, k]) => ({ v, k })), c: a.c + b.c };
}

/** k * a. */
export function times(a: Affine, k: number): Affine {
  if (reshaped(a)) throw new InternalError("a reshaped index cannot be scaled");
  return k === 0 ? at(0) : { terms: a.terms.map((t) => ({ v: t.v, k: t.k * k })), c: a.c * k };
}

/** The variable, if `a` is exactly one variable with coefficient 1 (a plain index). */
export const plainVar = (a: Affine): string | null => (a.c === 0 && a.terms.length === 1 && a.terms[0]!.k === 1 && !reshaped(a) ? a.terms[0]!.v : null);

/** `a` with its variables replaced by affine values (those not in `env` stay). */
export function substAffine(a: Affine, env: ReadonlyMap<string, Affine>): Affine {
  let out: Affine = at(a.c);
  for (const t of a.terms) out = plus(out, times(env.get(t.v) ?? ix(t.v), t.k));
  return { ...out, ...(a.div !== undefined ? { div: a.div } : {}), ...(a.mod !== undefined ? { mod: a.mod } : {}) };
}

/** "i + a - 1", for messages and canonical keys. */
export function affineText(a: Affine): string {
  const parts: string[] = [];
  for (const t of a.terms) {
    const mag = Math.abs(t.k) === 1 ? t.v : `${Math.abs(t.k)}${t.v}`;
    parts.push(parts.length === 0 ? (t.k < 0 ? `-${mag}` : mag) : t.k < 0 ? `- ${mag}` : `+ ${mag}`);
  }
  if (a.c !== 0 || parts.length === 0) parts.push(parts.length === 0 ? String(a.c) : a.c < 0 ? `- ${-a.c}` : `+ ${a.c}`);
  let text = parts.join(" ");
  if (a.div !== undefined) text = `(${text}) div ${a.div}`;
  if (a.mod !== undefined) text = `(${text}) mod ${a.mod}`;
  return text;
}

// ---------------------------------------------------------------- constructors

export const konst = (v: Rational): IExpr => ({ k: "const", v });
export const ZERO: IExpr = konst(Rational.ZERO);
export const read = (src: Source, name: string, idx: readonly Affine[]): IExpr => ({ k: "read", src, name, at: idx });

export function add(...xs: IExpr[]): IExpr {
  const args = xs.flatMap((x) => (x.k === "add" ? x.args : x.k === "const" && x.v.isZero() ? [] : [x]));
  return args.length === 0 ? ZERO : args.length === 1 ? args[0]! : { k: "add", args };
}

export function mul(...xs: IExpr[]): IExpr {
  const args = xs.flatMap((x) => (x.k === "mul" ? x.args : x.k === "const" && x.v.eq(Rational.ONE) ? [] : [x]));
  if (args.some((x) => x.k === "const" && x.v.isZero())) return ZERO;
  return args.length === 0 ? konst(Rational.ONE) : args.length === 1 ? args[0]! : { k: "mul", args };
}

export const neg = (a: IExpr): IExpr => ({ k: "neg", a });
export const sub = (a: IExpr, b: IExpr): IExpr => add(a, neg(b));
export const div = (a: IExpr, b: IExpr): IExpr => ({ k: "div", a, b });
export const act = (activation: Activation, a: IExpr): IExpr => ({ k: "act", act: activation, a });
export const sumOver = (v: string, n: number, body: IExpr): IExpr => ({ k: "sum", v, n, body });
export const maxOver = (v: string, n: number, body: IExpr): IExpr => ({ k: "max", v, n, body });
export const guard = (lhs: Affine, op: "<" | "<=" | "=", rhs: Affine, body: IExpr): IExpr => ({ k: "guard", lhs, op, rhs, body });
export const scaleBy = (r: Rational, a: IExpr): IExpr => mul(konst(r), a);

// ---------------------------------------------------------------- passes

/** Every read in `e`, in order. */
export function reads(e: IExpr, out: Extract<IExpr, { k: "read" }>[] = []): Extract<IExpr, { k: "read" }>[] {
  const stack: IExpr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    switch (x.k) {
      case "read":
        out.push(x);
        break;
      case "add":
      case "mul":
        for (let i = x.args.length - 1; i >= 0; i--) stack.push(x.args[i]!);
        break;
      case "neg":
      case "act":
        stack.push(x.a);
        break;
      case "div":
        stack.push(x.b, x.a);
        break;
      case "sum":
      case "max":
      case "guard":
        stack.push(x.body);
        break;
      case "const":
        break;
    }
  }
  return out;
}

/** Every activation `e` applies. */
export function activationsIn(e: IExpr, out: Map<string, Activation> = new Map()): Map<string, Activation> {
  const stack: IExpr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.k === "act") out.set(x.act.key, x.act);
    if (x.k === "add" || x.k === "mul") stack.push(...x.args);
    else if (x.k === "neg" || x.k === "act") stack.push(x.a);
    else if (x.k === "div") stack.push(x.a, x.b);
    else if (x.k === "sum" || x.k === "max" || x.k === "guard") stack.push(x.body);
  }
  return out;
}

/** Rename index variables (bound ones are renamed too, consistently). */
export function renameVars(e: IExpr, rename: (v: string) => string): IExpr {
  const r = (x: IExpr) => renameVars(x, rename);
  const ra = (a: Affine): Affine => ({ terms: a.terms.map((t) => ({ v: rename(t.v), k: t.k })), c: a.c });
  switch (e.k) {
    case "const":
      return e;
    case "read":
      return { ...e, at: e.at.map(ra) };
    case "add":
    case "mul":
      return { k: e.k, args: e.args.map(r) };
    case "neg":
      return { k: "neg", a: r(e.a) };
    case "act":
      return { k: "act", act: e.act, a: r(e.a) };
    case "div":
      return { k: "div", a: r(e.a), b: r(e.b) };
    case "sum":
    case "max":
      return { k: e.k, v: rename(e.v), n: e.n, body: r(e.body) };
    case "guard":
      return { k: "guard", lhs: ra(e.lhs), op: e.op, rhs: ra(e.rhs), body: r(e.body) };
  }
}

/** Replace index variables by affine indices (bound variables are left alone). */
export function substVars(e: IExpr, env: ReadonlyMap<string, Affine>): IExpr {
  const r = (x: IExpr, inner: ReadonlyMap<string, Affine>) => substVars(x, inner);
  const without = (v: string): ReadonlyMap<string, Affine> => {
    if (!env.has(v)) return env;
    const m = new Map(env);
    m.delete(v);
    return m;
  };
  switch (e.k) {
    case "const":
      return e;
    case "read":
      return { ...e, at: e.at.map((a) => substAffine(a, env)) };
    case "add":
    case "mul":
      return { k: e.k, args: e.args.map((x) => r(x, env)) };
    case "neg":
      return { k: "neg", a: r(e.a, env) };
    case "act":
      return { k: "act", act: e.act, a: r(e.a, env) };
    case "div":
      return { k: "div", a: r(e.a, env), b: r(e.b, env) };
    case "sum":
    case "max":
      return { k: e.k, v: e.v, n: e.n, body: r(e.body, without(e.v)) };
    case "guard":
      return { k: "guard", lhs: substAffine(e.lhs, env), op: e.op, rhs: substAffine(e.rhs, env), body: r(e.body, env) };
  }
}

/** Parameter axes indexed directly by the variable of axis `axis` in the definition `def`, each once, in order of reading. */
export function paramsIndexedBy(def: TensorDef, axis: number): { readonly param: string; readonly axis: number }[] {
  const v = def.vars[axis]!;
  const out: { param: string; axis: number }[] = [];
  for (const r of reads(def.expr)) {
    if (r.src !== "param") continue;
    r.at.forEach((ix, i) => {
      if (plainVar(ix) === v && !out.some((o) => o.param === r.name && o.axis === i)) out.push({ param: r.name, axis: i });
    });
  }
  return out;
}

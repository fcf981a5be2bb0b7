/**
 * One entry of a hidden tensor as a term at a *generic position*: the compositional
 * strategy's unit obligations for tensors.
 *
 * A definition `v[o, i, j] = e` is split into unit axes (here o: those a symmetry acts on,
 * or that index a parameter, or that a guard compares) and positional axes (i, j). For one
 * concrete unit, the positional indices stay symbolic, every sum is expanded, and each read
 * of a hidden tensor or the input becomes a stand-in: a fresh symbol named by the tensor and
 * its index pattern (concrete numbers, or a position plus an offset). Parameters are read
 * with concrete indices only, so their symbols are the real ones.
 *
 * Why one obligation stands for every position: the definition is the same expression at
 * every position (parameters are indexed only by unit axes and bound variables), so the
 * entry at any concrete position is the generic term with the stand-ins replaced by the
 * values read there. An identity proved for all values of the stand-ins therefore holds at
 * every position, including border positions where a read falls outside its tensor and is
 * 0 -- provided the correspondence of that tensor maps 0 to 0 (zero shift), which the
 * caller checks through `onOutside`.
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import { affineText } from "../elaborate/iexpr.ts";
import type { Activation, Affine, IExpr } from "../elaborate/types.ts";
import type { Rational } from "../numeric/rational.ts";
import { add, app, cmp, div, ite, mul, neg, num, ZERO } from "./build.ts";
import type { Term } from "./types.ts";

/** An index at a generic position: a concrete number, or a positional variable plus an offset. */
export type GIndex = { readonly k: "at"; readonly n: number } | { readonly k: "pos"; readonly a: Affine };

/** Thrown when an entry cannot be built at a generic position; `vars` must become unit axes. */
export class NeedsUnits extends Error {
  constructor(
    readonly vars: readonly string[],
    why: string,
  ) {
    super(why);
  }
}

/** How the reads of a definition are answered (in the algebra T; terms by default). */
export interface GenericReads<T = Term> {
  /** A parameter entry (all indices concrete and in range), by its flat (row-major) index. */
  param(name: string, flat: number): T;
  /** A hidden tensor or the input at a (partly) generic index; may throw NeedsUnits. */
  tensor(src: "input" | "node", name: string, idx: readonly GIndex[], shape: readonly number[]): T;
}

/**
 * What a generic entry is built in. Terms are one algebra (`termAlgebra`); the compositional
 * strategy's unit signatures (obligations/signature.ts) are another, which records the calls
 * instead of building terms. Every value is made by calling these (`zero` included), in the
 * same order for both. Every call takes as its arguments the values made last, in the
 * order they were made, and each value is an argument once (a stack discipline), so the
 * record of the calls (post-order, with arities) determines the term.
 */
export interface GenericAlgebra<T> {
  zero(): T;
  num(v: Rational): T;
  add(xs: T[]): T;
  mul(xs: T[]): T;
  neg(a: T): T;
  div(a: T, b: T): T;
  app(act: Activation, a: T): T;
  /** The largest of xs (at least one), as max(max(x0, x1), x2) ... */
  max(xs: T[]): T;
}

/** Terms, with the constructors' light simplification (semantics/build.ts). */
export const termAlgebra: GenericAlgebra<Term> = {
  zero: () => ZERO,
  num,
  add: (xs) => add(...xs),
  mul: (xs) => mul(...xs),
  neg,
  div,
  app: (act, a) => app(act, a),
  max: (xs) => {
    let m = xs[0]!;
    for (let k = 1; k < xs.length; k++) m = ite(cmp(">=", m, xs[k]!), m, xs[k]!);
    return m;
  },
};

/** Shapes of every tensor the definition may read, by "src:name". */
export type Shapes = ReadonlyMap<string, readonly number[]>;

/**
 * The term of `e` with index variables bound by `env` (concrete numbers, or positional
 * variables). `positional` lists the free variables that stay symbolic.
 */
export function genericTerm(e: IExpr, env: ReadonlyMap<string, number>, positional: ReadonlySet<string>, shapes: Shapes, reads: GenericReads): Term {
  return genericValue(termAlgebra, e, env, positional, shapes, reads);
}

/** `genericTerm` in any algebra: the same recursion, reads and index decisions. */
export function genericValue<T>(alg: GenericAlgebra<T>, e: IExpr, env: ReadonlyMap<string, number>, positional: ReadonlySet<string>, shapes: Shapes, reads: GenericReads<T>): T {
  const vars = [...env.keys()];
  return compileGeneric(alg, e, vars, positional, shapes, reads)(vars.map((v) => env.get(v)!));
}

/**
 * `e` compiled once for many units: `vars` are the unit variables, whose values the
 * returned function takes (in that order). Index variables live in slots of an array
 * (sums bind theirs), so running it allocates only what the algebra and the reads do.
 * The result is the same as `genericValue` with env = vars -> values.
 */
export function compileGeneric<T>(alg: GenericAlgebra<T>, e: IExpr, vars: readonly string[], positional: ReadonlySet<string>, shapes: Shapes, reads: GenericReads<T>): (values: readonly number[]) => T {
  const slot = new Map(vars.map((v, i) => [v, i]));
  const next = { n: vars.length };
  const f = compile(e, { alg, positional, shapes, reads, next }, slot);
  const slots = new Int32Array(next.n + 1);
  return (values) => {
    for (let i = 0; i < values.length; i++) slots[i] = values[i]!;
    return f(slots);
  };
}

interface Ctx<T> {
  readonly alg: GenericAlgebra<T>;
  readonly positional: ReadonlySet<string>;
  readonly shapes: Shapes;
  readonly reads: GenericReads<T>;
  readonly next: { n: number };
}

type Run<T> = (s: Int32Array) => T;

/** An index at a generic position, from the slots. */
function compileIndex(a: Affine, slot: ReadonlyMap<string, number>, positional: ReadonlySet<string>): (s: Int32Array) => GIndex {
  const bound: { i: number; k: number }[] = [];
  const sym: { v: string; k: number }[] = [];
  for (const t of a.terms) {
    const i = slot.get(t.v);
    if (i !== undefined) bound.push({ i, k: t.k });
    else if (positional.has(t.v)) sym.push(t);
    else
      return () => {
        throw new InternalError(`unbound index variable ${t.v}`);
      };
  }
  const c0 = a.c;
  const offset = (s: Int32Array) => {
    let c = c0;
    for (let j = 0; j < bound.length; j++) c += bound[j]!.k * s[bound[j]!.i]!;
    return c;
  };
  if (sym.length === 0) {
    const { div: d, mod: m } = a;
    return (s) => {
      let x = offset(s);
      if (d !== undefined) x = Math.floor(x / d);
      if (m !== undefined) x = ((x % m) + m) % m;
      return at(x);
    };
  }
  if (a.div !== undefined || a.mod !== undefined) {
    const names = sym.map((x) => x.v);
    return () => {
      throw new NeedsUnits(names, `a reshape reads ${names.join(", ")}`);
    };
  }
  // One list of positional terms per index (the definition's own when all are positional),
  // the same object at every unit: a signature names the pattern once.
  const terms = bound.length === 0 ? a.terms : sym;
  return (s) => ({ k: "pos", a: { terms, c: offset(s) } });
}

function compile<T>(e: IExpr, ctx: Ctx<T>, slot: ReadonlyMap<string, number>): Run<T> {
  const { alg } = ctx;
  switch (e.k) {
    case "const": {
      const v = e.v;
      return () => alg.num(v);
    }
    case "read":
      return compileRead(e, ctx, slot);
    case "add":
    case "mul": {
      const fs = e.args.map((x) => compile(x, ctx, slot));
      const n = fs.length;
      const op = e.k === "add" ? alg.add : alg.mul;
      return (s) => {
        const parts = new Array<T>(n);
        for (let i = 0; i < n; i++) parts[i] = fs[i]!(s);
        return op.call(alg, parts);
      };
    }
    case "neg": {
      const f = compile(e.a, ctx, slot);
      return (s) => alg.neg(f(s));
    }
    case "div": {
      const f = compile(e.a, ctx, slot);
      const g = compile(e.b, ctx, slot);
      return (s) => {
        const a = f(s);
        return alg.div(a, g(s));
      };
    }
    case "act": {
      const f = compile(e.a, ctx, slot);
      const act = e.act;
      return (s) => alg.app(act, f(s));
    }
    case "sum":
    case "max": {
      const i = ctx.next.n++;
      const inner = new Map(slot);
      inner.set(e.v, i);
      const body = compile(e.body, ctx, inner);
      const n = e.n;
      const sum = e.k === "sum";
      return (s) => {
        const parts = new Array<T>(n);
        for (let k = 0; k < n; k++) {
          s[i] = k;
          parts[k] = body(s);
        }
        return sum ? alg.add(parts) : alg.max(parts);
      };
    }
    case "guard": {
      const l = compileIndex(e.lhs, slot, ctx.positional);
      const r = compileIndex(e.rhs, slot, ctx.positional);
      const body = compile(e.body, ctx, slot);
      const op = e.op;
      return (s) => {
        const li = l(s);
        const ri = r(s);
        const diff = difference(li, ri);
        if (diff === null) {
          const names = [li, ri].flatMap((g) => (g.k === "pos" ? g.a.terms.map((t) => t.v) : []));
          throw new NeedsUnits(names, `a condition compares ${[li, ri].map(text).join(" and ")}`);
        }
        const holds = op === "<" ? diff < 0 : op === "<=" ? diff <= 0 : diff === 0;
        return holds ? body(s) : alg.zero();
      };
    }
  }
}

/**
 * An index without positional variables as a number (what `compileIndex` gives as a
 * concrete index), or null when it has positional or unbound variables.
 */
function numericIndex(a: Affine, slot: ReadonlyMap<string, number>): ((s: Int32Array) => number) | null {
  const bound: { i: number; k: number }[] = [];
  for (const t of a.terms) {
    const i = slot.get(t.v);
    if (i === undefined) return null;
    bound.push({ i, k: t.k });
  }
  const c0 = a.c;
  const { div: d, mod: m } = a;
  if (d === undefined && m === undefined) {
    if (bound.length === 1 && bound[0]!.k === 1) {
      const i = bound[0]!.i;
      return (s) => s[i]! + c0;
    }
    if (bound.length === 0) return () => c0;
  }
  return (s) => {
    let x = c0;
    for (let j = 0; j < bound.length; j++) x += bound[j]!.k * s[bound[j]!.i]!;
    if (d !== undefined) x = Math.floor(x / d);
    if (m !== undefined) x = ((x % m) + m) % m;
    return x;
  };
}

/** A read: zero outside the tensor; a parameter with concrete indices; a tensor through `reads`. */
function compileRead<T>(e: Extract<IExpr, { k: "read" }>, ctx: Ctx<T>, slot: ReadonlyMap<string, number>): Run<T> {
  const { alg, reads } = ctx;
  const shape = ctx.shapes.get(`${e.src}:${e.name}`);
  if (!shape)
    return () => {
      throw new InternalError(`no tensor ${e.name}`);
    };
  const idx = e.at.map((a) => compileIndex(a, slot, ctx.positional));
  const r = idx.length;
  const name = e.name;
  if (e.src === "param") {
    const st = new Array<number>(r);
    for (let a = r - 1, k = 1; a >= 0; a--) {
      st[a] = k;
      k *= shape[a]!;
    }
    // Indices without positional variables (the usual case): plain numbers.
    const numeric = e.at.map((a) => numericIndex(a, slot));
    if (numeric.every((f) => f !== null)) {
      const fs = numeric as ((s: Int32Array) => number)[];
      return (s) => {
        let flat = 0;
        for (let a = 0; a < r; a++) {
          const n = fs[a]!(s);
          if (n < 0 || n >= shape[a]!) return alg.zero();
          flat += n * st[a]!;
        }
        return reads.param(name, flat);
      };
    }
    return (s) => {
      let flat = 0;
      let open: string[] | null = null;
      for (let a = 0; a < r; a++) {
        const g = idx[a]!(s);
        if (g.k === "at") {
          if (g.n < 0 || g.n >= shape[a]!) return alg.zero();
          flat += g.n * st[a]!;
        } else (open ??= []).push(...g.a.terms.map((t) => t.v));
      }
      if (open) throw new NeedsUnits(open, `the parameter ${name} is indexed by ${open.join(", ")}`);
      return reads.param(name, flat);
    };
  }
  const src = e.src;
  return (s) => {
    const gi = new Array<GIndex>(r);
    for (let a = 0; a < r; a++) {
      const g = idx[a]!(s);
      if (g.k === "at" && (g.n < 0 || g.n >= shape[a]!)) return alg.zero();
      gi[a] = g;
    }
    return reads.tensor(src, name, gi, shape);
  };
}

/** Concrete indices, shared (most indices are small). */
const AT: readonly GIndex[] = Array.from({ length: 16_384 }, (_, n) => Object.freeze({ k: "at" as const, n }));

/** The concrete index n (shared objects). */
export const at = (n: number): GIndex => (n >= 0 && n < AT.length ? AT[n]! : { k: "at", n });

/** l - r when it does not depend on the positions, else null. */
function difference(l: GIndex, r: GIndex): number | null {
  if (l.k === "at" && r.k === "at") return l.n - r.n;
  if (l.k === "pos" && r.k === "pos") {
    const key = (a: Affine) => a.terms.map((t) => `${t.k}${t.v}`).sort().join("+");
    return key(l.a) === key(r.a) ? l.a.c - r.a.c : null;
  }
  return null;
}

/** "3", "i + 1" */
export const text = (g: GIndex): string => (g.k === "at" ? String(g.n) : affineText(g.a));

/** The stand-in name of a read: "z.h[3, i + 1]". */
export const standInName = (name: string, idx: readonly GIndex[]): string => `z.${name}[${idx.map(text).join(", ")}]`;

/** Whether a generic index can fall outside an axis of size n at some position. */
export function mayLeave(g: GIndex, n: number, range: ReadonlyMap<string, number>): boolean {
  if (g.k === "at") return g.n < 0 || g.n >= n;
  let lo = g.a.c;
  let hi = g.a.c;
  for (const t of g.a.terms) {
    const size = range.get(t.v);
    if (size === undefined) return true;
    if (t.k > 0) hi += t.k * (size - 1);
    else lo += t.k * (size - 1);
  }
  return lo < 0 || hi >= n;
}


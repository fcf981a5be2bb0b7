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
  /** A parameter entry (all indices concrete and in range). */
  param(name: string, idx: readonly number[]): T;
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
  return new Builder(termAlgebra, new Map(env), positional, shapes, reads).term(e);
}

/** `genericTerm` in any algebra: the same recursion, reads and index decisions. */
export function genericValue<T>(alg: GenericAlgebra<T>, e: IExpr, env: ReadonlyMap<string, number>, positional: ReadonlySet<string>, shapes: Shapes, reads: GenericReads<T>): T {
  return new Builder(alg, new Map(env), positional, shapes, reads).term(e);
}

/**
 * The recursion of `genericTerm`, with one mutable environment (sums bind and unbind their
 * variable) and no closures per node: this runs once per unit of every tensor.
 */
class Builder<T> {
  constructor(
    private readonly alg: GenericAlgebra<T>,
    private readonly env: Map<string, number>,
    private readonly positional: ReadonlySet<string>,
    private readonly shapes: Shapes,
    private readonly reads: GenericReads<T>,
  ) {}

  index(a: Affine): GIndex {
    let c = a.c;
    let sym: { v: string; k: number }[] | null = null;
    for (const t of a.terms) {
      const v = this.env.get(t.v);
      if (v !== undefined) c += t.k * v;
      else if (this.positional.has(t.v)) (sym ??= []).push(t);
      else throw new InternalError(`unbound index variable ${t.v}`);
    }
    if (sym === null) {
      let x = c;
      if (a.div !== undefined) x = Math.floor(x / a.div);
      if (a.mod !== undefined) x = ((x % a.mod) + a.mod) % a.mod;
      return { k: "at", n: x };
    }
    if (a.div !== undefined || a.mod !== undefined) throw new NeedsUnits(sym.map((x) => x.v), `a reshape reads ${sym.map((x) => x.v).join(", ")}`);
    return { k: "pos", a: { terms: sym, c } };
  }

  term(e: IExpr): T {
    const alg = this.alg;
    switch (e.k) {
      case "const":
        return alg.num(e.v);
      case "read":
        return this.read(e);
      case "add": {
        const parts = new Array<T>(e.args.length);
        for (let i = 0; i < e.args.length; i++) parts[i] = this.term(e.args[i]!);
        return alg.add(parts);
      }
      case "mul": {
        const parts = new Array<T>(e.args.length);
        for (let i = 0; i < e.args.length; i++) parts[i] = this.term(e.args[i]!);
        return alg.mul(parts);
      }
      case "neg":
        return alg.neg(this.term(e.a));
      case "div": {
        const a = this.term(e.a);
        return alg.div(a, this.term(e.b));
      }
      case "act":
        return alg.app(e.act, this.term(e.a));
      case "sum":
      case "max": {
        const before = this.env.get(e.v);
        const parts = new Array<T>(e.n);
        for (let k = 0; k < e.n; k++) {
          this.env.set(e.v, k);
          parts[k] = this.term(e.body);
        }
        if (before === undefined) this.env.delete(e.v);
        else this.env.set(e.v, before);
        return e.k === "sum" ? alg.add(parts) : alg.max(parts);
      }
      case "guard": {
        const l = this.index(e.lhs);
        const r = this.index(e.rhs);
        const diff = difference(l, r);
        if (diff === null) {
          const vars = [l, r].flatMap((g) => (g.k === "pos" ? g.a.terms.map((t) => t.v) : []));
          throw new NeedsUnits(vars, `a condition compares ${[l, r].map(text).join(" and ")}`);
        }
        const holds = e.op === "<" ? diff < 0 : e.op === "<=" ? diff <= 0 : diff === 0;
        return holds ? this.term(e.body) : alg.zero();
      }
    }
  }

  read(e: Extract<IExpr, { k: "read" }>): T {
    const shape = this.shapes.get(`${e.src}:${e.name}`);
    if (!shape) throw new InternalError(`no tensor ${e.name}`);
    const idx = new Array<GIndex>(e.at.length);
    let concrete = true;
    for (let a = 0; a < e.at.length; a++) {
      const g = this.index(e.at[a]!);
      if (g.k === "at") {
        if (g.n < 0 || g.n >= shape[a]!) return this.alg.zero();
      } else concrete = false;
      idx[a] = g;
    }
    if (e.src === "param") {
      if (!concrete) {
        const sym = idx.flatMap((g) => (g.k === "pos" ? g.a.terms.map((t) => t.v) : []));
        throw new NeedsUnits(sym, `the parameter ${e.name} is indexed by ${sym.join(", ")}`);
      }
      const at = new Array<number>(idx.length);
      for (let a = 0; a < idx.length; a++) at[a] = (idx[a] as { n: number }).n;
      return this.reads.param(e.name, at);
    }
    return this.reads.tensor(e.src, e.name, idx, shape);
  }
}

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


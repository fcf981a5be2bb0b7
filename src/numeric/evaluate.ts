/**
 * Numeric evaluation of terms and networks, exactly (rationals) or in float64. The same
 * evaluator replays witnesses, runs the falsifier and backs the covering library's checks.
 */
import { InternalError, unreachable } from "../diagnostics/diagnostic.ts";
import type { Activation, CmpOp, Network, SExpr, SFormula } from "../elaborate/types.ts";
import { entries, interpretNetwork, type Algebra } from "../elaborate/interpret.ts";
import { Rational } from "./rational.ts";
import type { Formula, Sym, Term } from "../semantics/types.ts";
import type { Field } from "./field.ts";

/** How to apply each activation in field T. */
export type ActFn<T> = (act: Activation, x: T) => T;

const holds = (op: CmpOp, c: number): boolean =>
  op === "=" ? c === 0 : op === "!=" ? c !== 0 : op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;

/** Evaluate a term DAG (each shared node once). */
export function evalTerm<T>(term: Term, F: Field<T>, value: (s: Sym) => T, act: ActFn<T>, memo: Map<Term, T> = new Map()): T {
  const ev = (x: Term): T => {
    const hit = memo.get(x);
    if (hit !== undefined) return hit;
    let r: T;
    switch (x.t) {
      case "const":
        r = F.fromRational(x.v);
        break;
      case "sym":
        r = value(x.s);
        break;
      case "add":
        r = x.args.map(ev).reduce((a, b) => F.add(a, b));
        break;
      case "mul":
        r = x.args.map(ev).reduce((a, b) => F.mul(a, b));
        break;
      case "div":
        r = F.div(ev(x.a), ev(x.b));
        break;
      case "app":
        r = act(x.act, ev(x.arg));
        break;
      case "ite":
        r = evalFormula(x.cond, F, value, act, memo) ? ev(x.a) : ev(x.b);
        break;
      default:
        return unreachable(x);
    }
    memo.set(x, r);
    return r;
  };
  return ev(term);
}

export function evalFormula<T>(f: Formula, F: Field<T>, value: (s: Sym) => T, act: ActFn<T>, memo: Map<Term, T> = new Map()): boolean {
  const t = (x: Term) => evalTerm(x, F, value, act, memo);
  const r = (g: Formula) => evalFormula(g, F, value, act, memo);
  switch (f.f) {
    case "cmp":
      return holds(f.op, F.cmp(t(f.a), t(f.b)));
    case "and":
      return f.args.every(r);
    case "or":
      return f.args.some(r);
    case "not":
      return !r(f.a);
    case "implies":
      return !r(f.a) || r(f.b);
    case "true":
      return true;
    case "false":
      return false;
    default:
      return unreachable(f);
  }
}

/** Evaluate an elaborated scalar expression with bound variables `vars`. */
export function evalSExpr<T>(e: SExpr, F: Field<T>, vars: ReadonlyMap<string, T>, act: ActFn<T>): T {
  const r = (x: SExpr) => evalSExpr(x, F, vars, act);
  switch (e.k) {
    case "const":
      return F.fromRational(e.v);
    case "var": {
      const v = vars.get(e.name);
      if (v === undefined) throw new InternalError(`unbound variable ${e.name}`);
      return v;
    }
    case "add":
      return F.add(r(e.a), r(e.b));
    case "sub":
      return F.add(r(e.a), F.neg(r(e.b)));
    case "mul":
      return F.mul(r(e.a), r(e.b));
    case "div":
      return F.div(r(e.a), r(e.b));
    case "neg":
      return F.neg(r(e.a));
    case "max": {
      const a = r(e.a);
      const b = r(e.b);
      return F.cmp(a, b) >= 0 ? a : b;
    }
    case "min": {
      const a = r(e.a);
      const b = r(e.b);
      return F.cmp(a, b) <= 0 ? a : b;
    }
    case "ite":
      return evalSFormula(e.cond, F, vars, act) ? r(e.then) : r(e.else);
    case "app":
      return act(e.act, r(e.arg));
    case "scalar":
    case "entry":
      throw new InternalError(`evalSExpr: ${e.k} outside its context`);
    default:
      return unreachable(e);
  }
}

export function evalSFormula<T>(f: SFormula, F: Field<T>, vars: ReadonlyMap<string, T>, act: ActFn<T>): boolean {
  const r = (g: SFormula) => evalSFormula(g, F, vars, act);
  switch (f.k) {
    case "cmp":
      return holds(f.op, F.cmp(evalSExpr(f.a, F, vars, act), evalSExpr(f.b, F, vars, act)));
    case "and":
      return r(f.a) && r(f.b);
    case "or":
      return r(f.a) || r(f.b);
    case "not":
      return !r(f.a);
    case "implies":
      return !r(f.a) || r(f.b);
    default:
      return unreachable(f);
  }
}

/**
 * A one-variable definition compiled once into closures: `compileSExpr(def, F, v, act)(x)` is
 * `evalSExpr(def, F, {v: x}, act)`, the same field operations in the same order, without a
 * map or a closure per call (an activation is applied to every hidden unit of every draw).
 */
export function compileSExpr<T>(e: SExpr, F: Field<T>, v: string, act: ActFn<T>): (x: T) => T {
  const c = (x: SExpr) => compileSExpr(x, F, v, act);
  switch (e.k) {
    case "const": {
      const k = F.fromRational(e.v);
      return () => k;
    }
    case "var":
      if (e.name === v) return (x) => x;
      return () => {
        throw new InternalError(`unbound variable ${e.name}`);
      };
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "max":
    case "min": {
      const a = c(e.a);
      const b = c(e.b);
      switch (e.k) {
        case "add":
          return (x) => F.add(a(x), b(x));
        case "sub":
          return (x) => F.add(a(x), F.neg(b(x)));
        case "mul":
          return (x) => F.mul(a(x), b(x));
        case "div":
          return (x) => F.div(a(x), b(x));
        case "max":
          return (x) => {
            const p = a(x);
            const q = b(x);
            return F.cmp(p, q) >= 0 ? p : q;
          };
        case "min":
          return (x) => {
            const p = a(x);
            const q = b(x);
            return F.cmp(p, q) <= 0 ? p : q;
          };
      }
      return unreachable(e);
    }
    case "neg": {
      const a = c(e.a);
      return (x) => F.neg(a(x));
    }
    case "ite": {
      const cond = compileSFormula(e.cond, F, v, act);
      const t = c(e.then);
      const f = c(e.else);
      return (x) => (cond(x) ? t(x) : f(x));
    }
    case "app": {
      const a = c(e.arg);
      const fn = e.act;
      return (x) => act(fn, a(x));
    }
    case "scalar":
    case "entry":
      throw new InternalError(`compileSExpr: ${e.k} outside its context`);
    default:
      return unreachable(e);
  }
}

function compileSFormula<T>(f: SFormula, F: Field<T>, v: string, act: ActFn<T>): (x: T) => boolean {
  switch (f.k) {
    case "cmp": {
      const a = compileSExpr(f.a, F, v, act);
      const b = compileSExpr(f.b, F, v, act);
      const op = f.op;
      return (x) => holds(op, F.cmp(a(x), b(x)));
    }
    case "not": {
      const a = compileSFormula(f.a, F, v, act);
      return (x) => !a(x);
    }
    case "and":
    case "or":
    case "implies": {
      const a = compileSFormula(f.a, F, v, act);
      const b = compileSFormula(f.b, F, v, act);
      return f.k === "and" ? (x) => a(x) && b(x) : f.k === "or" ? (x) => a(x) || b(x) : (x) => !a(x) || b(x);
    }
    default:
      return unreachable(f);
  }
}

/** Parameter values: entry `index` (flat) of parameter `name`. */
export type ParamValues<T> = (name: string, index: number) => T;

/** A field and the activations' realisations as an algebra (elaborate/interpret.ts). */
export function fieldAlgebra<T>(F: Field<T>, act: ActFn<T>): Algebra<T> {
  const zero = F.fromRational(Rational.ZERO);
  return { zero, fromRational: (r) => F.fromRational(r), add: (a, b) => F.add(a, b), mul: (a, b) => F.mul(a, b), neg: (a) => F.neg(a), div: (a, b) => F.div(a, b), max: (a, b) => (F.cmp(a, b) >= 0 ? a : b), act };
}

/**
 * Evaluate a network on one input (flat, row-major): every hidden tensor (flat), the output,
 * and for tensors defined as an activation of an expression, that expression's value (the
 * pre-activation).
 */
export function evaluateNetwork<T>(net: Network, params: ParamValues<T>, input: readonly T[], F: Field<T>, act: ActFn<T>, stop?: () => void): { nodes: Map<string, T[]>; pre: Map<string, T[]>; output: T[] } {
  const pre = new Map<string, T[]>();
  // Each parameter entry is computed once (a transformed parameter is a term to evaluate,
  // and a convolution reads each kernel entry at every position).
  const shapes = new Map(net.params.map((p) => [p.name, p.shape]));
  const cache = new Map<string, T[]>();
  const param = (name: string) => {
    let values = cache.get(name);
    if (!values) {
      values = Array.from({ length: entries(shapes.get(name)!) }, (_, i) => params(name, i));
      cache.set(name, values);
    }
    const v = values;
    return (flat: number) => v[flat]!;
  };
  const r = interpretNetwork(net, fieldAlgebra(F, act), { input: (i) => input[i]!, param }, { pre, ...(stop ? { stop } : {}) });
  return { nodes: r.nodes, pre, output: r.output };
}

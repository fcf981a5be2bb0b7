/**
 * Numeric evaluation of terms and networks, exactly (rationals) or in float64. The same
 * evaluator replays witnesses, runs the falsifier and backs the covering library's checks.
 */
import { InternalError, unreachable } from "../diagnostics/diagnostic.ts";
import type { Activation, CmpOp, Network, SExpr, SFormula, VExpr } from "../elaborate/types.ts";
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

/** Parameter values: entry `index` (flat) of parameter `name`. */
export type ParamValues<T> = (name: string, index: number) => T;

/**
 * Evaluate a network on one input: every named vector, the output, and for vectors defined
 * as an activation of an expression, that expression's value (the pre-activation).
 */
export function evaluateNetwork<T>(net: Network, params: ParamValues<T>, input: readonly T[], F: Field<T>, act: ActFn<T>): { nodes: Map<string, T[]>; pre: Map<string, T[]>; output: T[] } {
  const nodes = new Map<string, T[]>();
  const pre = new Map<string, T[]>();
  const ev = (e: VExpr): T[] => {
    switch (e.k) {
      case "input":
        return [...input];
      case "node":
        return nodes.get(e.name)!;
      case "param":
        return Array.from({ length: e.size }, (_, i) => params(e.name, i));
      case "matvec": {
        const v = ev(e.arg);
        const cols = v.length;
        const out = new Array<T>(e.size);
        for (let i = 0; i < e.size; i++) {
          let s = F.mul(params(e.param, i * cols), v[0]!);
          for (let k = 1; k < cols; k++) s = F.add(s, F.mul(params(e.param, i * cols + k), v[k]!));
          out[i] = s;
        }
        return out;
      }
      case "sum": {
        const parts = e.terms.map((t) => ({ sign: t.sign, v: ev(t.e) }));
        return Array.from({ length: e.size }, (_, i) => parts.map((p) => (p.sign === 1 ? p.v[i]! : F.neg(p.v[i]!))).reduce((a, b) => F.add(a, b)));
      }
      case "act":
        return ev(e.arg).map((a) => act(e.act, a));
      case "scale": {
        const f = F.fromRational(e.factor);
        return ev(e.arg).map((a) => F.mul(f, a));
      }
      default:
        return unreachable(e);
    }
  };
  for (const n of net.nodes) {
    if (n.expr.k === "act") {
      const p = ev(n.expr.arg);
      pre.set(n.name, p);
      const a = n.expr.act;
      nodes.set(n.name, p.map((x) => act(a, x)));
    } else nodes.set(n.name, ev(n.expr));
  }
  return { nodes, pre, output: ev(net.output.expr) };
}

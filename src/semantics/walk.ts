/**
 * Walking term DAGs: visit each distinct node once; substitute activations.
 */
import { unreachable } from "../diagnostics/diagnostic.ts";
import type { Activation } from "../elaborate/types.ts";
import { add, and, app, cmp, div, ite, mul, not, or } from "./build.ts";
import type { Formula, Term } from "./types.ts";

/**
 * Every distinct term node reachable from `roots` (terms and formulas), children first.
 * `stop` is called now and then and may throw to abandon a very large walk.
 */
export function nodes(roots: readonly (Term | Formula)[], stop: () => void = () => {}): Term[] {
  const seen = new Set<Term>();
  const out: Term[] = [];
  const stack: { x: Term; done: boolean }[] = [];
  const pushFormula = (f: Formula): void => {
    switch (f.f) {
      case "cmp":
        stack.push({ x: f.b, done: false }, { x: f.a, done: false });
        return;
      case "and":
      case "or":
        [...f.args].reverse().forEach(pushFormula);
        return;
      case "not":
        pushFormula(f.a);
        return;
      case "implies":
        pushFormula(f.b);
        pushFormula(f.a);
        return;
      case "true":
      case "false":
        return;
      default:
        unreachable(f);
    }
  };
  const drain = () => {
    while (stack.length > 0) {
      const top = stack.pop()!;
      if (top.done) {
        out.push(top.x);
        continue;
      }
      if (seen.has(top.x)) continue;
      seen.add(top.x);
      if (seen.size % 65536 === 0) stop();
      stack.push({ x: top.x, done: true });
      const x = top.x;
      switch (x.t) {
        case "add":
        case "mul":
          for (let i = x.args.length - 1; i >= 0; i--) stack.push({ x: x.args[i]!, done: false });
          break;
        case "div":
          stack.push({ x: x.b, done: false }, { x: x.a, done: false });
          break;
        case "app":
          stack.push({ x: x.arg, done: false });
          break;
        case "ite":
          stack.push({ x: x.b, done: false }, { x: x.a, done: false });
          pushFormula(x.cond);
          break;
        case "const":
        case "sym":
          break;
        default:
          unreachable(x);
      }
    }
  };
  for (const r of roots) {
    if ("t" in r) stack.push({ x: r, done: false });
    else pushFormula(r);
    drain();
  }
  return out;
}

/** Replace every application of `act` by `def(argument)`. */
export function substituteActivation(f: Formula, act: Activation, def: (arg: Term) => Term): Formula {
  const memo = new Map<Term, Term>();
  const t = (x: Term): Term => {
    const hit = memo.get(x);
    if (hit) return hit;
    let r: Term;
    switch (x.t) {
      case "const":
      case "sym":
        r = x;
        break;
      case "add":
        r = add(...x.args.map(t));
        break;
      case "mul":
        r = mul(...x.args.map(t));
        break;
      case "div":
        r = div(t(x.a), t(x.b));
        break;
      case "app":
        r = x.act.key === act.key ? def(t(x.arg)) : app(x.act, t(x.arg));
        break;
      case "ite":
        r = ite(g(x.cond), t(x.a), t(x.b));
        break;
      default:
        return unreachable(x);
    }
    memo.set(x, r);
    return r;
  };
  const g = (h: Formula): Formula => {
    switch (h.f) {
      case "cmp":
        return cmp(h.op, t(h.a), t(h.b));
      case "and":
        return and(...h.args.map(g));
      case "or":
        return or(...h.args.map(g));
      case "not":
        return not(g(h.a));
      case "implies":
        return { f: "implies", a: g(h.a), b: g(h.b) };
      case "true":
      case "false":
        return h;
      default:
        return unreachable(h);
    }
  };
  return g(f);
}

/**
 * Keys of the symbols in `f`, by a plain stack walk (shared nodes are visited once per
 * path, which is cheap for the nearly tree-shaped obligations it is used on).
 */
export function symbolKeys(f: Formula): Set<string> {
  const out = new Set<string>();
  const terms: Term[] = [];
  const formulas: Formula[] = [f];
  const drainFormulas = () => {
    while (formulas.length > 0) {
      const g = formulas.pop()!;
      if (g.f === "cmp") terms.push(g.a, g.b);
      else if (g.f === "and" || g.f === "or") formulas.push(...g.args);
      else if (g.f === "not") formulas.push(g.a);
      else if (g.f === "implies") formulas.push(g.a, g.b);
    }
  };
  drainFormulas();
  while (terms.length > 0) {
    const x = terms.pop()!;
    switch (x.t) {
      case "sym":
        out.add(x.s.key);
        break;
      case "add":
      case "mul":
        for (const a of x.args) terms.push(a);
        break;
      case "div":
        terms.push(x.a, x.b);
        break;
      case "app":
        terms.push(x.arg);
        break;
      case "ite":
        terms.push(x.a, x.b);
        formulas.push(x.cond);
        drainFormulas();
        break;
      default:
        break;
    }
  }
  return out;
}

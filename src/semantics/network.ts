/**
 * A network evaluated symbolically: its output (and named vectors) as terms over the
 * parameter environment and the input terms.
 */
import { unreachable } from "../diagnostics/diagnostic.ts";
import type { Network, VExpr } from "../elaborate/types.ts";
import { add, app, labelled, mul, neg, num } from "./build.ts";
import type { ParamEnv } from "./params.ts";
import type { Term } from "./types.ts";

/** Symbolic values of every named vector and of the output. `side` prefixes unit labels. */
export function networkTerms(net: Network, env: ParamEnv, input: readonly Term[], side: string, stop: () => void = () => {}): { nodes: Map<string, Term[]>; output: Term[] } {
  const nodes = new Map<string, Term[]>();
  const ev = (e: VExpr): Term[] => vexprTerms(e, env, input, nodes, stop);
  for (const n of net.nodes) {
    stop();
    nodes.set(n.name, ev(n.expr).map((t, i) => labelled(t, `${side}.${n.name}[${i}]`)));
  }
  return { nodes, output: ev(net.output.expr).map((t, i) => labelled(t, `${side}.out[${i}]`)) };
}

/** Terms of a vector expression given the values of the input and of named vectors. */
export function vexprTerms(e: VExpr, env: ParamEnv, input: readonly Term[], nodes: ReadonlyMap<string, readonly Term[]>, stop: () => void = () => {}): Term[] {
  const ev = (x: VExpr) => vexprTerms(x, env, input, nodes, stop);
  switch (e.k) {
    case "input":
      return [...input];
    case "node":
      return [...nodes.get(e.name)!];
    case "param":
      return Array.from({ length: e.size }, (_, i) => env.get(e.name, i));
    case "matvec": {
      const v = ev(e.arg);
      const cols = v.length;
      return Array.from({ length: e.size }, (_, i) => {
        if (i % 64 === 0) stop();
        return add(...v.map((vk, k) => mul(env.get(e.param, i * cols + k), vk)));
      });
    }
    case "sum": {
      const parts = e.terms.map((t) => ({ sign: t.sign, v: ev(t.e) }));
      return Array.from({ length: e.size }, (_, i) => add(...parts.map((p) => (p.sign === 1 ? p.v[i]! : neg(p.v[i]!)))));
    }
    case "act":
      return ev(e.arg).map((a) => app(e.act, a));
    case "scale":
      return ev(e.arg).map((a) => mul(num(e.factor), a));
    default:
      return unreachable(e);
  }
}

/**
 * Unit `i` of a vector expression, given full vectors for the input and the named vectors
 * it reads (cheaper than `vexprTerms` when only one unit is needed).
 */
export function vexprUnit(e: VExpr, i: number, env: ParamEnv, input: readonly Term[], nodes: ReadonlyMap<string, readonly Term[]>): Term {
  switch (e.k) {
    case "input":
      return input[i]!;
    case "node":
      return nodes.get(e.name)![i]!;
    case "param":
      return env.get(e.name, i);
    case "matvec": {
      const cols = e.arg.size;
      const parts = new Array<Term>(cols);
      const arg = e.arg.k === "node" ? nodes.get(e.arg.name)! : e.arg.k === "input" ? input : null;
      for (let k = 0; k < cols; k++) parts[k] = mul(env.get(e.param, i * cols + k), arg ? arg[k]! : vexprUnit(e.arg, k, env, input, nodes));
      return add(...parts);
    }
    case "sum": {
      const parts = new Array<Term>(e.terms.length);
      for (let k = 0; k < e.terms.length; k++) {
        const t = e.terms[k]!;
        const x = vexprUnit(t.e, i, env, input, nodes);
        parts[k] = t.sign === 1 ? x : neg(x);
      }
      return add(...parts);
    }
    case "act":
      return app(e.act, vexprUnit(e.arg, i, env, input, nodes));
    case "scale":
      return mul(num(e.factor), vexprUnit(e.arg, i, env, input, nodes));
    default:
      return unreachable(e);
  }
}

/**
 * Splitting a linear identity into its coefficients. An obligation whose goal is
 * `not (L = R)`, with L and R linear in some variables z (the compositional strategy's
 * stand-ins for vectors), holds for all z exactly when, for every z_j, the coefficient of
 * z_j in L equals that in R, and the constant parts are equal. Each coefficient identity is
 * a separate, small obligation (pre-activation identities of wide layers are far easier
 * for the solver this way); all of them proved is a proof of the whole.
 */
import { add, cmp, mul, div, not, ONE, ZERO } from "../semantics/build.ts";
import type { Formula, Sym, Term } from "../semantics/types.ts";
import { symbolKeys } from "../semantics/walk.ts";
import type { Obligation, Tracked } from "./types.ts";

/** A linear form: coefficients by variable key, and the constant part. */
interface Linear {
  readonly coef: Map<string, Term>;
  readonly constant: Term;
}

const hasVar = (x: Term, isVar: (s: Sym) => boolean): boolean => {
  const stack = [x];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.t === "sym" && isVar(t.s)) return true;
    if (t.t === "add" || t.t === "mul") stack.push(...t.args);
    else if (t.t === "div") stack.push(t.a, t.b);
    else if (t.t === "app") stack.push(t.arg);
    else if (t.t === "ite") return true; // conditions are not inspected: treat as non-linear
  }
  return false;
};

/** `x` as a linear form in the variables, or null if it is not linear in them. */
export function linearize(x: Term, isVar: (s: Sym) => boolean): Linear | null {
  switch (x.t) {
    case "const":
      return { coef: new Map(), constant: x };
    case "sym":
      return isVar(x.s) ? { coef: new Map([[x.s.key, ONE]]), constant: ZERO } : { coef: new Map(), constant: x };
    case "add": {
      const coef = new Map<string, Term[]>();
      const constant: Term[] = [];
      for (const a of x.args) {
        const l = linearize(a, isVar);
        if (!l) return null;
        for (const [k, c] of l.coef) coef.set(k, [...(coef.get(k) ?? []), c]);
        constant.push(l.constant);
      }
      return { coef: new Map([...coef].map(([k, cs]) => [k, add(...cs)])), constant: add(...constant) };
    }
    case "mul": {
      // At most one factor may contain variables; the others scale it.
      let linear: Linear | null = null;
      const scale: Term[] = [];
      for (const a of x.args) {
        if (!hasVar(a, isVar)) {
          scale.push(a);
          continue;
        }
        if (linear) return null;
        linear = linearize(a, isVar);
        if (!linear) return null;
      }
      if (!linear) return { coef: new Map(), constant: x };
      const s = mul(...scale);
      return { coef: new Map([...linear.coef].map(([k, c]) => [k, mul(s, c)])), constant: mul(s, linear.constant) };
    }
    case "div": {
      if (hasVar(x.b, isVar)) return null;
      const l = linearize(x.a, isVar);
      return l && { coef: new Map([...l.coef].map(([k, c]) => [k, div(c, x.b)])), constant: div(l.constant, x.b) };
    }
    case "app":
    case "ite":
      return hasVar(x, isVar) ? null : { coef: new Map(), constant: x };
  }
}

/**
 * The coefficient obligations of `ob`, or null when its goal is not `not (L = R)` with L, R
 * linear in the variables (then it is discharged whole). Each keeps only the tracked
 * assumptions that share a symbol with it.
 */
export function splitLinear(ob: Obligation, isVar: (s: Sym) => boolean): Obligation[] | null {
  const g = ob.goal;
  if (g.f !== "not" || g.a.f !== "cmp" || g.a.op !== "=") return null;
  const l = linearize(g.a.a, isVar);
  const r = linearize(g.a.b, isVar);
  if (!l || !r) return null;
  const keys = [...new Set([...l.coef.keys(), ...r.coef.keys()])].sort();
  const parts: { what: string; goal: Formula }[] = keys.map((k) => ({ what: `the coefficient of ${k.replace(/^z\./, "")}`, goal: not(cmp("=", l.coef.get(k) ?? ZERO, r.coef.get(k) ?? ZERO)) }));
  parts.push({ what: "the constant part", goal: not(cmp("=", l.constant, r.constant)) });
  const trackedSyms = ob.tracked.map((t) => ({ t, syms: symbolKeys(t.formula) }));
  return parts.map((p, k) => {
    const syms = symbolKeys(p.goal);
    const tracked: Tracked[] = trackedSyms.filter(({ syms: s }) => [...s].some((x) => syms.has(x))).map(({ t }) => t);
    return { ...ob, id: `${ob.id}/${k}`, statement: `${ob.statement} (${p.what})`, goal: p.goal, tracked };
  });
}

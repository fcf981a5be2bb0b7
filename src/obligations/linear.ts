/**
 * Splitting a polynomial identity into its coefficients. An obligation whose goal is
 * `not (L = R)`, with L and R polynomials in some variables z (the compositional strategy's
 * stand-ins for tensors), holds for all real z exactly when, for every monomial, the
 * coefficient in L equals that in R (a real polynomial that vanishes everywhere is zero).
 * Each coefficient identity is a separate, small obligation -- pre-activation identities of
 * wide layers are linear, attention scores under W_Q A, W_K A^-T bilinear, and each
 * coefficient of the latter is one entry of A A^-1 = I; all of them proved is a proof of
 * the whole.
 */
import { add, cmp, mul, div, not, ONE, ZERO } from "../semantics/build.ts";
import type { Formula, Sym, Term } from "../semantics/types.ts";
import { symbolKeys } from "../semantics/walk.ts";
import type { Obligation, Tracked } from "./types.ts";

/**
 * A polynomial in the variables: coefficients (terms free of the variables) by monomial,
 * a monomial being the sorted variable keys of a product ("" for the constant part).
 */
type Poly = Map<string, Term>;

/** Most monomials a polynomial may have before splitting is abandoned (the goal is sent whole). */
const MAX_MONOMIALS = 200_000;

const hasVar = (x: Term, isVar: (s: Sym) => boolean): boolean => {
  const stack = [x];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.t === "sym" && isVar(t.s)) return true;
    if (t.t === "add" || t.t === "mul") stack.push(...t.args);
    else if (t.t === "div") stack.push(t.a, t.b);
    else if (t.t === "app") stack.push(t.arg);
    else if (t.t === "ite") return true; // conditions are not inspected: treat as non-polynomial
  }
  return false;
};

const monomial = (a: string, b: string): string => (a === "" ? b : b === "" ? a : [...a.split("*"), ...b.split("*")].sort().join("*"));

function addInto(p: Map<string, Term[]>, k: string, c: Term): void {
  const list = p.get(k);
  if (list) list.push(c);
  else p.set(k, [c]);
}

const sum = (p: Map<string, Term[]>): Poly => new Map([...p].map(([k, cs]) => [k, add(...cs)]));

/** `x` as a polynomial in the variables, or null if it is not one (or too large). */
export function polynomial(x: Term, isVar: (s: Sym) => boolean): Poly | null {
  if (!hasVar(x, isVar)) return new Map([["", x]]);
  switch (x.t) {
    case "sym":
      return new Map([[x.s.key, ONE]]);
    case "add": {
      const out = new Map<string, Term[]>();
      for (const a of x.args) {
        const p = polynomial(a, isVar);
        if (!p) return null;
        for (const [k, c] of p) addInto(out, k, c);
        if (out.size > MAX_MONOMIALS) return null;
      }
      return sum(out);
    }
    case "mul": {
      // Factors free of the variables scale; the others multiply out.
      const scale: Term[] = [];
      let acc: Poly = new Map([["", ONE]]);
      for (const a of x.args) {
        if (!hasVar(a, isVar)) {
          scale.push(a);
          continue;
        }
        const p = polynomial(a, isVar);
        if (!p || acc.size * p.size > MAX_MONOMIALS) return null;
        const next = new Map<string, Term[]>();
        for (const [ka, ca] of acc) for (const [kb, cb] of p) addInto(next, monomial(ka, kb), mul(ca, cb));
        acc = sum(next);
      }
      const s = mul(...scale);
      return new Map([...acc].map(([k, c]) => [k, mul(s, c)]));
    }
    case "div": {
      if (hasVar(x.b, isVar)) return null;
      const p = polynomial(x.a, isVar);
      return p && new Map([...p].map(([k, c]) => [k, div(c, x.b)]));
    }
    default:
      return null;
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
  const l = polynomial(g.a.a, isVar);
  const r = polynomial(g.a.b, isVar);
  if (!l || !r) return null;
  const keys = [...new Set([...l.keys(), ...r.keys()])].filter((k) => k !== "").sort();
  const name = (k: string) => k.split("*").map((x) => x.replace(/^z\./, "")).join(" ");
  const parts: { what: string; goal: Formula }[] = keys.map((k) => ({ what: `the coefficient of ${name(k)}`, goal: not(cmp("=", l.get(k) ?? ZERO, r.get(k) ?? ZERO)) }));
  parts.push({ what: "the constant part", goal: not(cmp("=", l.get("") ?? ZERO, r.get("") ?? ZERO)) });
  // Tracked assumptions by symbol: a part keeps those sharing a symbol with it, in their order.
  const bySym = new Map<string, number[]>();
  ob.tracked.forEach((t, i) => {
    for (const x of symbolKeys(t.formula)) {
      const list = bySym.get(x);
      if (list) list.push(i);
      else bySym.set(x, [i]);
    }
  });
  return parts.map((p, k) => {
    const picked = new Set<number>();
    for (const x of symbolKeys(p.goal)) for (const i of bySym.get(x) ?? []) picked.add(i);
    const tracked: Tracked[] = [...picked].sort((a, b) => a - b).map((i) => ob.tracked[i]!);
    return { ...ob, id: `${ob.id}/${k}`, statement: `${ob.statement} (${p.what})`, goal: p.goal, tracked };
  });
}

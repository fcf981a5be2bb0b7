/**
 * Permutations as written (cycles or one-line arrays) to arrays `perm` with `perm[i]` the
 * new position of unit i. Cycle (a b c) sends a to b, b to c and c to a; array [p0, p1, ...]
 * sends unit i to p_i.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type * as A from "../syntax/types.ts";
import { evalInt } from "./constants.ts";
import { kindWord, type Scope } from "./scope.ts";

/** `what` names the permuted things in messages ("the 4 units of Net.h1"). */
export function elabPerm(p: A.Perm, n: number, what: string, scope: Scope, diags: Diagnostic[]): number[] | null {
  const perm = Array.from({ length: n }, (_, i) => i);
  const seen = new Map<number, A.Expr>();
  const ok = (e: A.Expr): number | null => {
    const v = evalInt(e, scope, diags, "a unit index");
    if (v === null) return null;
    if (v >= n) {
      diags.push(error("ELB005", e.span, `unit ${v} is out of range: ${what} are numbered 0..${n - 1}`));
      return null;
    }
    const prior = seen.get(v);
    if (prior) {
      diags.push(error("ELB004", e.span, `unit ${v} appears twice, so this is not a permutation of ${what}`, [{ span: prior.span, message: "first appearance" }]));
      return null;
    }
    seen.set(v, e);
    return v;
  };
  if (p.kind === "cycles") {
    for (const cycle of p.cycles) {
      const vs = cycle.map(ok);
      if (vs.some((v) => v === null)) return null;
      for (let i = 0; i < vs.length; i++) perm[vs[i]!] = vs[(i + 1) % vs.length]!;
    }
    return perm;
  }
  if (p.kind === "name") {
    const e = scope.lookup(p.name.name);
    if (e?.kind !== "perm") {
      diags.push(error("ELB006", p.name.span, e ? `${p.name.name} is ${kindWord(e)}, not a permutation` : `unknown permutation ${p.name.name}; declare it in the claim: forall ${p.name.name}: perm(n).`));
      return null;
    }
    if (e.value.length !== n) {
      diags.push(error("ELB004", p.name.span, `${p.name.name} permutes ${e.value.length} things, but ${what} are ${n}`));
      return null;
    }
    return [...e.value];
  }
  if (p.images.length !== n) {
    diags.push(error("ELB004", p.span, `a permutation of ${what} lists ${n} positions, but this one lists ${p.images.length}`));
    return null;
  }
  for (let i = 0; i < n; i++) {
    const v = ok(p.images[i]!);
    if (v === null) return null;
    perm[i] = v;
  }
  return perm;
}

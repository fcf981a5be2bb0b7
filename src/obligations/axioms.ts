/**
 * What the solver may assume about activations, as tracked ground instances.
 *
 * Uninterpreted activations are encoded by instantiation, not by quantifiers: every axiom
 * and property is instantiated at every argument the goal applies the activation to. The
 * instances are true whenever the axioms are, so `unsat` with them is a proof; the encoding
 * is quantifier-free and decidable, but incomplete for refutation, which is why a `sat`
 * model is only a candidate until a witness replays (verdicts/replay.ts).
 *
 * - odd: f(-e) = -f(e) for each argument e, and f(0) = 0.
 * - positively homogeneous: f(e) = ite(e >= 0, a e, b e) with fresh slopes a, b; this
 *   characterises positively homogeneous functions exactly (a = f(1), b = -f(-1)).
 * - axioms `forall v1..vk: body`: body at every k-tuple of arguments (at most 2000 tuples).
 */
import type { Activation } from "../elaborate/types.ts";
import { app, cmp, ite, mul, neg, sym, ZERO } from "../semantics/build.ts";
import { formulaOf } from "../semantics/sexpr.ts";
import type { Formula, Term } from "../semantics/types.ts";
import { nodes } from "../semantics/walk.ts";
import type { Tracked } from "./types.ts";

const MAX_TUPLES = 2000;

/** The slope symbols of a positively homogeneous activation. */
export const slope = (act: Activation, side: "pos" | "neg"): Term => sym({ kind: "slope", act: act.key, side, key: `slope.${act.key}.${side}` });

/** Tracked instances of the axioms of every uninterpreted activation applied in `roots`. */
export function instantiate(roots: readonly (Term | Formula)[], next: () => string, stop: () => void = () => {}): Tracked[] {
  const byAct = new Map<string, { act: Activation; args: Term[] }>();
  for (const x of nodes(roots, stop)) {
    if (x.t !== "app" || x.act.kind !== "uninterpreted") continue;
    const entry = byAct.get(x.act.key) ?? { act: x.act, args: [] };
    entry.args.push(x.arg);
    byAct.set(x.act.key, entry);
  }
  const out: Tracked[] = [];
  for (const { act, args } of byAct.values()) {
    if (act.properties.includes("positively_homogeneous")) {
      const label = `${act.name} is positively homogeneous`;
      const a = slope(act, "pos");
      const b = slope(act, "neg");
      for (const e of args) out.push({ name: next(), label, formula: cmp("=", app(act, e), ite(cmp(">=", e, ZERO), mul(a, e), mul(b, e))) });
    }
    if (act.properties.includes("odd")) {
      const label = `${act.name} is odd`;
      out.push({ name: next(), label, formula: cmp("=", app(act, ZERO), ZERO) });
      for (const e of args) out.push({ name: next(), label, formula: cmp("=", app(act, neg(e)), neg(app(act, e))) });
    }
    for (const ax of act.axioms) {
      for (const tuple of tuples(args, ax.vars.length)) {
        const binding = new Map(ax.vars.map((v, i) => [v, tuple[i]!]));
        out.push({ name: next(), label: ax.label, formula: formulaOf(ax.body, { variable: (n) => binding.get(n)! }) });
      }
    }
  }
  return out;
}

function tuples(args: readonly Term[], k: number): Term[][] {
  if (k === 0) return [[]];
  const out: Term[][] = [];
  const rec = (prefix: Term[]) => {
    if (out.length >= MAX_TUPLES) return;
    if (prefix.length === k) {
      out.push(prefix);
      return;
    }
    for (const a of args) rec([...prefix, a]);
  };
  rec([]);
  return out;
}


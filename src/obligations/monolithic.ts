/**
 * The monolithic strategy: one obligation for the whole claim. Both networks are unfolded
 * into terms over the shared parameter, scalar and input symbols; the goal says some output
 * differs. Unsat (with the side conditions and the axiom instances) proves the claim.
 */
import type { ClaimModel } from "../semantics/claim.ts";
import { outputTerms } from "../semantics/claim.ts";
import { cmp, not, or } from "../semantics/build.ts";
import { nodes } from "../semantics/walk.ts";
import type { Term } from "../semantics/types.ts";
import { instantiate } from "./axioms.ts";
import { activationsOf } from "../elaborate/activationsOf.ts";
import type { Obligation, Tracked } from "./types.ts";

/** Side conditions as tracked assumptions. */
export function conditions(model: ClaimModel, next: () => string): Tracked[] {
  return model.conditions.map((c) => ({ name: next(), label: `side condition ${c.label}`, formula: c.formula }));
}

/** A fresh-name generator for tracked assumptions. */
export function names(prefix = "a"): () => string {
  let k = 0;
  return () => `${prefix}${k++}`;
}

/** The monolithic obligation; `stop` may throw (TimeLimit) to abandon building it. */
export function monolithic(model: ClaimModel, stop: () => void = () => {}): Obligation {
  const { claim } = model;
  const out = outputTerms(model, stop);
  const goal = or(...out.lhs.map((l, k) => not(cmp("=", l, out.rhs[k]!))));
  const next = names();
  // Axiom instances exist only for activations with axioms or properties.
  const axioms = activationsOf([claim.lhs, claim.rhs]).some((a) => a.kind === "uninterpreted" && (a.axioms.length > 0 || a.properties.length > 0));
  const tracked = [...conditions(model, next), ...(axioms ? instantiate([goal], next, stop) : [])];
  // What a witness needs: every symbol once, and every application of an uninterpreted
  // activation (its argument is asked for too).
  const values: Term[] = [];
  const seen = new Set<string>();
  let k = 0;
  for (const x of nodes([goal, ...tracked.map((t) => t.formula)], stop)) {
    if (++k % 65536 === 0) stop();
    if (x.t === "sym" && !seen.has(x.s.key)) {
      seen.add(x.s.key);
      values.push(x);
    } else if (x.t === "app" && x.act.kind === "uninterpreted") values.push(x);
  }
  const after = claim.transform.text ? ` after ${claim.transform.text}` : "";
  return {
    id: `${claim.name}/monolithic`,
    claim: claim.name,
    strategy: "monolithic",
    origin: claim.span,
    statement: `${claim.lhs.name} and ${claim.rhs.name}${after} compute the same function`,
    tracked,
    goal,
    values,
  };
}

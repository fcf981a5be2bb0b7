/**
 * The symbolic strategy: the claim's steps as actions on axes (actions.ts), pushed through
 * the network by the rule table (rules.ts), and the activation lemmas the rules used as
 * obligations for the solver. Its cost grows with the size of the definitions, not with
 * the widths; a proof holds for every permutation and every diagonal of the steps' classes.
 */
import type { Claim } from "../elaborate/types.ts";
import { instantiate } from "../obligations/axioms.ts";
import { names } from "../obligations/monolithic.ts";
import type { Obligation } from "../obligations/types.ts";
import { app, cmp, and, freeSym, mul, neg, not, ZERO } from "../semantics/build.ts";
import { actionsOf } from "./actions.ts";
import { push, type ChainLine, type Lemma } from "./rules.ts";
import { lemmaByStructure } from "./structure.ts";

/** An activation lemma that holds by the structure of the activation (structure.ts), with no solver. */
export interface StructuralProof {
  readonly statement: string;
  readonly rules: readonly string[];
  readonly axioms: readonly string[];
}

export interface SymbolicPlan {
  /** The activation lemmas the structural rules do not cover, for the solver. */
  readonly obligations: readonly Obligation[];
  /** The activation lemmas the structural rules prove. */
  readonly structural: readonly StructuralProof[];
  readonly chain: readonly ChainLine[];
  readonly lemmas: readonly Lemma[];
}

/** The obligations of the symbolic strategy for `claim`, or why it does not apply. */
export function symbolicPlan(claim: Claim): SymbolicPlan | { reason: string } {
  const actions = actionsOf(claim);
  if ("reason" in actions) return { reason: `not applicable: ${actions.reason}` };
  const r = push(claim.lhs, actions);
  if (!r.ok) return { reason: `not applicable: ${r.reason}` };
  const obligations: Obligation[] = [];
  const structural: StructuralProof[] = [];
  for (const l of r.lemmas) {
    const s = lemmaByStructure(l);
    if (s) structural.push({ statement: lemmaStatement(l), ...s });
    else obligations.push(lemmaObligation(claim, l));
  }
  return { obligations, structural, chain: r.chain, lemmas: r.lemmas };
}

/** `act(c z) = c act(z)` for all c > 0 and z, or `act(-z) = -act(z)` for all z. */
export function lemmaObligation(claim: Pick<Claim, "name" | "span">, l: Lemma): Obligation {
  const z = freeSym("lemma.z");
  const c = freeSym("lemma.c");
  const goal =
    l.kind === "pos"
      ? and(cmp(">", c, ZERO), not(cmp("=", app(l.act, mul(c, z)), mul(c, app(l.act, z)))))
      : not(cmp("=", app(l.act, neg(z)), neg(app(l.act, z))));
  const statement = lemmaStatement(l);
  const tracked = l.act.kind === "uninterpreted" ? instantiate([goal], names()) : [];
  // One activation applied to real arguments, its definition or instantiated axioms: no
  // theory beyond uninterpreted functions and nonlinear real arithmetic.
  return { id: `${claim.name}/symbolic/${l.act.key}/${l.kind}`, claim: claim.name, strategy: "symbolic", origin: claim.span, statement, tracked, goal, values: [], logic: "QF_UFNRA" };
}

function lemmaStatement(l: Lemma): string {
  return l.kind === "pos" ? `${l.act.name}(c z) = c ${l.act.name}(z) for every c > 0 and every z` : `${l.act.name}(-z) = -${l.act.name}(z) for every z`;
}

/** "relu(c z) = c relu(z) ... (by structure: H1, H2, H6)", for reports and `explain`. */
export function structuralText(s: StructuralProof): string {
  return `${s.statement} (by structure: ${s.rules.join(", ")})`;
}

/** The rule chain, one line per tensor, for reports and `explain`. */
export function chainText(chain: readonly ChainLine[]): string {
  return chain.map((c) => `${c.tensor}: ${c.text}`).join("; ");
}

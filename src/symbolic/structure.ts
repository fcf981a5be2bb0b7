/**
 * Activation lemmas by structure (README, "The symbolic strategy", table "Activation lemmas
 * by structure"). The rule table uses two facts about an activation f: positive homogeneity,
 * f(c z) = c f(z) for every c > 0 and z, and oddness, f(-z) = -f(z) for every z. Most
 * activations a network uses have them by their shape: relu is `if z > 0 then z else 0`,
 * identity is z. For those, the lemma follows from a handful of rules on the definition, each
 * stated here with its argument and each cross-checked by the solver on the expressions it
 * covers (test/laws/lemmaStructure.test.ts, with a negative control per rule). Anything the
 * rules do not cover goes to the solver as before (strategy.ts); nothing is ever assumed
 * because a rule failed.
 *
 * Positive homogeneity of an expression e in the variable z, H(e): e(c z) = c e(z), c > 0.
 *   H1  z: c z = c z.
 *   H2  the constant 0: 0 = c 0.
 *   H3  a + b, a - b, -a: linear in the parts, so H(a), H(b) suffice.
 *   H4  k a and a / k for a constant k (k != 0 for the quotient): H(a) suffices.
 *   H5  max(a, b), min(a, b): for c > 0, max(c x, c y) = c max(x, y) (multiplying by c > 0
 *       keeps the order), so H(a), H(b) suffice.
 *   H6  if C then a else b: H(a), H(b), and C invariant: the comparisons of C compare two
 *       H expressions (c x op c y iff x op y for c > 0, every op), joined by and, or, not and
 *       implies; then C holds at c z iff it holds at z, and the same branch is taken.
 *   H7  g(a) for an activation g whose definition is H (by these rules): g(a(c z)) =
 *       g(c a(z)) = c g(a(z)) by H(a) and then H(g).
 * Oddness, O(e): e(-z) = -e(z).
 *   O1  z.  O2  the constant 0.  O3  a + b, a - b, -a with O(a), O(b).
 *   O4  k a and a / k (k != 0) with O(a).
 *   O5  g(a) for an activation g whose definition is O, with O(a): g(a(-z)) = g(-a(z)) =
 *       -g(a(z)).
 * An uninterpreted activation (tanh) has the lemma only as a declared property, which the
 * solver would use as an axiom anyway (obligations/axioms.ts): it is taken from the property,
 * and the report lists the property among the assumptions, exactly as a solver proof does.
 */
import type { Activation, SExpr, SFormula } from "../elaborate/types.ts";
import type { Lemma } from "./rules.ts";

/** How a lemma holds without the solver: the rules used, and the assumptions (declared properties) it rests on. */
export interface StructuralLemma {
  readonly rules: readonly string[];
  readonly axioms: readonly string[];
}

/** Activations nested deeper than this are left to the solver (definitions are never recursive; this only bounds the walk). */
const MAX_NESTING = 16;

/** The lemma `l` by the rules above, or null when they do not cover it (the solver decides it then). */
export function lemmaByStructure(l: Lemma): StructuralLemma | null {
  const act = l.act;
  if (act.kind === "uninterpreted") {
    const property = l.kind === "pos" ? "positively_homogeneous" : "odd";
    if (!act.properties.includes(property)) return null;
    return { rules: ["a declared property"], axioms: [l.kind === "pos" ? `${act.name} is positively homogeneous` : `${act.name} is odd`] };
  }
  if (!act.definition) return null;
  const rules = new Set<string>();
  const ok = l.kind === "pos" ? homogeneous(act.definition, act.param, rules, 0) : odd(act.definition, act.param, rules, 0);
  return ok ? { rules: [...rules].sort(), axioms: [] } : null;
}

/** Records that rule `r` was used (always true, so it chains after the rule's conditions). */
const use = (used: Set<string>, r: string): true => (used.add(r), true);

const isConst = (e: SExpr): e is Extract<SExpr, { k: "const" }> => e.k === "const";

function homogeneous(e: SExpr, v: string, used: Set<string>, depth: number): boolean {
  switch (e.k) {
    case "var":
      return e.name === v && use(used, "H1");
    case "const":
      return e.v.isZero() && use(used, "H2");
    case "scalar":
    case "entry":
      return false;
    case "add":
    case "sub":
      return homogeneous(e.a, v, used, depth) && homogeneous(e.b, v, used, depth) && use(used, "H3");
    case "neg":
      return homogeneous(e.a, v, used, depth) && use(used, "H3");
    case "mul":
      if (isConst(e.a)) return homogeneous(e.b, v, used, depth) && use(used, "H4");
      if (isConst(e.b)) return homogeneous(e.a, v, used, depth) && use(used, "H4");
      return false;
    case "div":
      return isConst(e.b) && !e.b.v.isZero() && homogeneous(e.a, v, used, depth) && use(used, "H4");
    case "max":
    case "min":
      return homogeneous(e.a, v, used, depth) && homogeneous(e.b, v, used, depth) && use(used, "H5");
    case "ite":
      return invariant(e.cond, v, used, depth) && homogeneous(e.then, v, used, depth) && homogeneous(e.else, v, used, depth) && use(used, "H6");
    case "app":
      return nested(e.act, depth) && homogeneous(e.arg, v, used, depth) && homogeneous(e.act.definition!, e.act.param, used, depth + 1) && use(used, "H7");
  }
}

/** A condition whose truth is the same at c z as at z, for every c > 0 (H6). */
function invariant(f: SFormula, v: string, used: Set<string>, depth: number): boolean {
  switch (f.k) {
    case "cmp":
      return homogeneous(f.a, v, used, depth) && homogeneous(f.b, v, used, depth);
    case "not":
      return invariant(f.a, v, used, depth);
    case "and":
    case "or":
    case "implies":
      return invariant(f.a, v, used, depth) && invariant(f.b, v, used, depth);
  }
}

function odd(e: SExpr, v: string, used: Set<string>, depth: number): boolean {
  switch (e.k) {
    case "var":
      return e.name === v && use(used, "O1");
    case "const":
      return e.v.isZero() && use(used, "O2");
    case "add":
    case "sub":
      return odd(e.a, v, used, depth) && odd(e.b, v, used, depth) && use(used, "O3");
    case "neg":
      return odd(e.a, v, used, depth) && use(used, "O3");
    case "mul":
      if (isConst(e.a)) return odd(e.b, v, used, depth) && use(used, "O4");
      if (isConst(e.b)) return odd(e.a, v, used, depth) && use(used, "O4");
      return false;
    case "div":
      return isConst(e.b) && !e.b.v.isZero() && odd(e.a, v, used, depth) && use(used, "O4");
    case "app":
      return nested(e.act, depth) && odd(e.arg, v, used, depth) && odd(e.act.definition!, e.act.param, used, depth + 1) && use(used, "O5");
    default:
      return false;
  }
}

/** A defined activation within the nesting bound (an uninterpreted one inside a definition is left to the solver). */
const nested = (act: Activation, depth: number): boolean => act.kind === "defined" && act.definition !== null && depth < MAX_NESTING;

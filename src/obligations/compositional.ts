/**
 * The compositional strategy: obligations per unit of every vector of the network, per
 * output, and per scalar activation lemma, from correspondences (semantics/correspondence.ts).
 *
 * The proof rule (README, "How claims are proved"): let z_u be fresh symbols standing for
 * the values of each vector u of the left network. If for every vector v of the right
 * network and every unit i
 *
 *   (pre)   pre'_v,i( M z + t ) = f_i * pre_src,perm(i)( z )       (v = act(pre))
 *   (lemma) act_v(f_i s) = f_i act_src(s) + t_i   for all s
 *   (node)  v'_i( M z + t ) = f_i * src_perm(i)( z ) + t_i          (v without activation)
 *   (out)   out'_i( M z + t ) = out_i( z )
 *
 * hold for all parameters, scalars satisfying their side conditions and all z, then by
 * induction over the vectors in definition order h'_v = M_v h_v + t_v on every input, and
 * the outputs agree: the claim holds. Each identity is one obligation; they quantify over
 * all z, not only reachable values, so the rule is sound but can fail where the claim holds
 * (then the monolithic strategy takes over).
 */
import type { VExpr } from "../elaborate/types.ts";
import { add, app, cmp, freeSym, isConst, mul, not } from "../semantics/build.ts";
import type { ClaimModel } from "../semantics/claim.ts";
import { analyticCorrespondences, type Correspondences } from "../semantics/correspondence.ts";
import type { Rng } from "../numeric/rng.ts";
import type { Admitted } from "../numeric/realise.ts";
import { Dedup } from "./dedup.ts";
import { inferCorrespondences } from "./infer.ts";
import { vexprUnit } from "../semantics/network.ts";
import type { Formula, Term } from "../semantics/types.ts";
import { symbolKeys } from "../semantics/walk.ts";
import { instantiate } from "./axioms.ts";
import { activationsOf } from "../elaborate/activationsOf.ts";
import { names } from "./monolithic.ts";
import type { Obligation, Tracked } from "./types.ts";

/** The vectors a vector expression reads. */
function reads(e: VExpr, out = new Set<string>()): Set<string> {
  if (e.k === "node") out.add(e.name);
  if (e.k === "matvec" || e.k === "act" || e.k === "scale") reads(e.arg, out);
  if (e.k === "sum") e.terms.forEach((t) => reads(t.e, out));
  return out;
}

const z = (node: string, k: number): Term => freeSym(`z.${node}[${k}]`);

/**
 * Generate the obligations of the claim, calling `emit` for each (so that a caller can
 * deduplicate without keeping them all). Returns a reason if the correspondences do not
 * cover the right network.
 */
export function compositional(model: ClaimModel, corr: Correspondences, emit: (ob: Obligation) => void, stop: () => boolean = () => false): { reason: string } | null {
  const { claim } = model;
  const lhsNodes = new Map(claim.lhs.nodes.map((n) => [n.name, n]));
  // Side conditions are attached to an obligation only if it mentions their scalars, so
  // that identical units of a layer stay identical (and are discharged once).
  const bySym = new Map<string, number[]>();
  model.conditions.forEach((c, k) => {
    for (const s of symbolKeys(c.formula)) bySym.set(s, [...(bySym.get(s) ?? []), k]);
  });
  // Axiom instances exist only for activations with axioms or properties.
  const uninterpreted = activationsOf([claim.lhs, claim.rhs]).some((a) => a.kind === "uninterpreted" && (a.axioms.length > 0 || a.properties.length > 0));
  const make = (id: string, statement: string, goal: Formula, withAxioms: boolean): Obligation => {
    const next = names();
    const tracked: Tracked[] = [];
    if (bySym.size > 0) {
      const picked = new Set<number>();
      for (const s of symbolKeys(goal)) for (const k of bySym.get(s) ?? []) picked.add(k);
      for (const k of [...picked].sort((a, b) => a - b)) tracked.push({ name: next(), label: `side condition ${model.conditions[k]!.label}`, formula: model.conditions[k]!.formula });
    }
    if (withAxioms && uninterpreted) tracked.push(...instantiate([goal], next));
    return { id: `${claim.name}/compositional/${id}`, claim: claim.name, strategy: "compositional", origin: claim.span, statement, tracked, goal, values: [] };
  };
  const rhsValue = (w: string): Term[] => {
    const c = corr.get(w)!;
    return c.perm.map((p, k) => add(mul(c.factor[k]!, z(c.source, p)), c.shift[k]!));
  };
  const lhsValue = (u: string): Term[] => Array.from({ length: lhsNodes.get(u)!.size }, (_, k) => z(u, k));
  const side = `${claim.rhs.name}${claim.transform.text ? ` after ${claim.transform.text}` : ""}`;
  for (const v of claim.rhs.nodes) {
    const c = corr.get(v.name);
    if (!c) return { reason: `no correspondence for ${claim.rhs.name}.${v.name}` };
    const src = lhsNodes.get(c.source);
    if (!src || src.size < Math.max(...c.perm) + 1) return { reason: `the correspondence of ${v.name} does not fit ${claim.lhs.name}.${c.source}` };
    const rhsNodes = new Map([...reads(v.expr)].map((w) => [w, rhsValue(w)]));
    if ([...rhsNodes.keys()].some((w) => !corr.has(w))) return { reason: `${v.name} reads a vector without correspondence` };
    const lhsIn = new Map([...reads(src.expr)].map((u) => [u, lhsValue(u)]));
    for (let i = 0; i < v.size; i++) {
      if (i % 64 === 0 && stop()) return { reason: "time limit reached while generating obligations" };
      const f = c.factor[i]!;
      const t = c.shift[i]!;
      const j = c.perm[i]!;
      const where = `unit ${i} of ${v.name} in ${side}`;
      const rel = `${isConst(f) ? (f.v.toString() === "1" ? "" : `${f.v} * `) : "a factor times "}unit ${j} of ${src.name} in ${claim.lhs.name}${isConst(t) && t.v.isZero() ? "" : " plus a constant"}`;
      if (v.expr.k === "act" && src.expr.k === "act") {
        const pre2 = vexprUnit(v.expr.arg, i, model.rhs, model.input, rhsNodes);
        const pre = vexprUnit(src.expr.arg, j, model.lhs, model.input, lhsIn);
        emit(make(`${v.name}[${i}]/pre`, `the pre-activation of ${where} is ${isConst(f) && f.v.toString() === "1" ? "" : "the factor times "}that of unit ${j} of ${src.name} in ${claim.lhs.name}`, not(cmp("=", pre2, mul(f, pre))), true));
        const trivial = v.expr.act.key === src.expr.act.key && isConst(f) && f.v.toString() === "1" && isConst(t) && t.v.isZero();
        if (!trivial) {
          const s = freeSym("s");
          const lemma = not(cmp("=", app(v.expr.act, mul(f, s)), add(mul(f, app(src.expr.act, s)), t)));
          emit(make(`${v.name}[${i}]/lemma`, `${v.expr.act.name}(f s) = f ${src.expr.act.name}(s) + t for the factor f and shift t of ${where}`, lemma, true));
        }
      } else {
        const lhsTerm = vexprUnit(v.expr, i, model.rhs, model.input, rhsNodes);
        const rhsTerm = add(mul(f, vexprUnit(src.expr, j, model.lhs, model.input, lhsIn)), t);
        emit(make(`${v.name}[${i}]`, `${where} is ${rel}`, not(cmp("=", lhsTerm, rhsTerm)), true));
      }
    }
  }
  const rhsOut = new Map([...reads(claim.rhs.output.expr)].map((w) => [w, rhsValue(w)]));
  if ([...rhsOut.keys()].some((w) => !corr.has(w))) return { reason: "the output reads a vector without correspondence" };
  const lhsOut = new Map([...reads(claim.lhs.output.expr)].map((u) => [u, lhsValue(u)]));
  for (let i = 0; i < claim.rhs.output.size; i++) {
    const o2 = vexprUnit(claim.rhs.output.expr, i, model.rhs, model.input, rhsOut);
    const o = vexprUnit(claim.lhs.output.expr, i, model.lhs, model.input, lhsOut);
    emit(make(`out[${i}]`, `output ${i} of ${side} equals output ${i} of ${claim.lhs.name}`, not(cmp("=", o2, o)), true));
  }
  return null;
}


/**
 * The compositional strategy's obligations for a claim, deduplicated: correspondences are
 * derived from permute/scale/flip steps, or else inferred numerically; then every unit,
 * output and lemma obligation is generated. A reason when the strategy does not apply.
 */
export function compositionalObligations(
  model: ClaimModel,
  rng: Rng,
  admitted: Admitted,
  stop: () => boolean = () => false,
): Dedup | { reason: string } {
  const corr = analyticCorrespondences(model.claim) ?? inferCorrespondences(model, rng, admitted);
  if ("reason" in corr) return { reason: `not applicable: ${corr.reason}` };
  const dedup = new Dedup();
  const problem = compositional(model, corr as Correspondences, (ob) => dedup.add(ob), stop);
  return problem ? { reason: `not applicable: ${problem.reason}` } : dedup;
}

/**
 * The compositional strategy: obligations per unit of every hidden tensor, per output unit,
 * and per scalar activation lemma, from correspondences (semantics/correspondence.ts).
 *
 * The proof rule (README, "How claims are proved"): let z stand for the values of the
 * hidden tensors and the input of the left network. If for every hidden tensor v of the
 * right network and every unit u of it, at a generic position (semantics/generic.ts),
 *
 *   (pre)   pre'_v,u( M z + t ) = f_u * pre_src,perm(u)( z )       (v = act(pre))
 *   (lemma) act_v(f_u s) = f_u act_src(s) + t_u   for all s
 *   (node)  v'_u( M z + t ) = f_u * src_perm(u)( z ) + t_u          (v without activation)
 *   (out)   out'_u( M z + t ) = out_u( z )
 *
 * hold for all parameters, scalars satisfying their side conditions and all z, then by
 * induction over the tensors in definition order h'_v = M_v h_v + t_v at every position
 * and on every input, and the outputs agree: the claim holds. Each identity is one
 * obligation; they quantify over all z, not only reachable values, so the rule is sound but
 * can fail where the claim holds (then the monolithic strategy takes over).
 *
 * Positions: an obligation at a generic position stands for every position because the
 * definition is the same expression there (parameters are indexed by unit axes only) and
 * the stand-ins range over all values; a read that may fall outside its tensor (zero
 * padding) is covered only when that tensor's correspondence has no shift there, which is
 * checked (else the strategy does not apply).
 *
 * Units: the program that makes a unit's obligations runs first in a recording algebra
 * (signature.ts); a unit whose record equals one already built has an alpha-equivalent
 * obligation, so it repeats that unit's outcome instead of being built (README, "Units built
 * once per signature"). Before the record, a unit's slice key (slices.ts), computed without
 * expanding sums, finds units whose records are equal to one already made, which then skip
 * the record too (README, "Slice keys").
 */
import { strides, unflatten } from "../elaborate/interpret.ts";
import { ix, reads, substVars } from "../elaborate/iexpr.ts";
import type { Affine, IExpr, TensorDef } from "../elaborate/types.ts";
import { add, app, cmp, freeSym, isConst, mul, not } from "../semantics/build.ts";
import type { ClaimModel } from "../semantics/claim.ts";
import { analyticCorrespondences, identity, type Correspondences, type NodeCorrespondence } from "../semantics/correspondence.ts";
import { at, compileGeneric, mayLeave, NeedsUnits, standInName, termAlgebra, type GenericReads, type GIndex } from "../semantics/generic.ts";
import { paramChanges, transformed } from "./transformed.ts";
import { SliceKey, type SliceSetting } from "./slices.ts";
import { renamableScalars, Signature, type UnitAlgebra } from "./signature.ts";
import { SignatureTable } from "./signatureTable.ts";
import type { Rng } from "../numeric/rng.ts";
import type { Admitted } from "../numeric/realise.ts";
import { Dedup } from "./dedup.ts";
import { identical } from "./identical.ts";
import { inferCorrespondences } from "./infer.ts";
import type { Formula, Term } from "../semantics/types.ts";
import { symbolKeys } from "../semantics/walk.ts";
import { instantiate } from "./axioms.ts";
import { activationsOf } from "../elaborate/activationsOf.ts";
import { names } from "./monolithic.ts";
import type { Obligation, Tracked } from "./types.ts";

/**
 * Whether units with equal signatures are built once (default), and which signature to use
 * (tests give a deliberately forgetful one as a negative control).
 */
export interface Grouping {
  readonly group?: boolean;
  readonly signature?: (claim: ClaimModel["claim"]) => Signature;
  /**
   * The slice keys that let a unit skip its record (slices.ts); off when a test gives its
   * own signature without them, or with `slices: null`.
   */
  readonly slices?: ((setting: SliceSetting) => SliceKey) | null;
}

/** Doing again what a unit's obligations did (emit them, or count an identity). */
type Action = () => void;

/** Raised inside a read when the rule does not cover it; becomes the strategy's reason. */
class NotCovered extends Error {}

/** Row-major coordinates <-> flat unit index over some axis sizes. */
const split = (u: number, sizes: readonly number[]): number[] => unflatten(sizes, u);
const join = (coords: readonly number[], sizes: readonly number[]): number => coords.reduce((acc, x, a) => acc * sizes[a]! + x, 0);

const isOne = (t: Term) => isConst(t) && t.v.toString() === "1";
const isZero = (t: Term) => isConst(t) && t.v.isZero();

/** Free-variable axes of `d` that index a parameter (those must be concrete units). */
function paramAxes(d: TensorDef): number[] {
  const used = new Set<string>();
  for (const r of reads(d.expr)) if (r.src === "param") for (const a of r.at) for (const t of a.terms) used.add(t.v);
  return d.vars.map((v, a) => (used.has(v) ? a : -1)).filter((a) => a >= 0);
}

/**
 * Generate the obligations of the claim, calling `emit` for each (so that a caller can
 * deduplicate without keeping them all). Returns a reason if the rule does not apply.
 */
export function compositional(
  model: ClaimModel,
  corr: Correspondences,
  emit: (ob: Obligation) => void,
  stop: () => boolean = () => false,
  onIdentity?: () => void,
  grouping: Grouping = {},
): { reason: string } | null {
  /**
   * Emit `not (l = r)`, or, when `onIdentity` is given and l, r expand alike, count it
   * proved (identical.ts). Returns how to do the same again for a unit with the same
   * signature.
   */
  const emitIdentity = (id: string, statement: string, l: Term, r: Term): Action => {
    if (onIdentity && identical(l, r)) {
      onIdentity();
      return onIdentity;
    }
    const ob = make(id, statement, not(cmp("=", l, r)));
    emit(ob);
    return () => emit(ob);
  };

  const { claim } = model;
  const lhsDefs = new Map(claim.lhs.nodes.map((n) => [n.name, n]));
  const signature = grouping.signature?.(claim) ?? new Signature(claim, renamableScalars(claim));
  const group = grouping.group ?? true;
  /** The term algebra with a unit's leaves (the left network's parameters are its symbols). */
  const terms: UnitAlgebra<Term> = { ...termAlgebra, term: (t) => t, param: (name, flat) => model.lhs.get(name, flat), standIn: (name, idx) => freeSym(standInName(name, idx)) };
  // Signatures read the transformed parameters without building them when the steps allow
  // (transformed.ts); obligations are always built from the claim's own terms.
  const changes = paramChanges(claim);
  const recorded = transformed(claim, signature, changes);
  const slicer = group && changes ? (grouping.slices === undefined ? (grouping.signature ? null : (x: SliceSetting) => new SliceKey(x)) : grouping.slices) : null;
  const renamable = renamableScalars(claim);
  const lhsParams = new Set(claim.lhs.params.map((p) => p.name));
  // Signatures number the left network's parameter entries as the symbols they are; the
  // claim model makes each entry its own symbol (semantics/claim.ts), checked here.
  for (const p of claim.lhs.params) {
    const x = model.lhs.get(p.name, 0);
    if (x.t !== "sym" || x.s.kind !== "param" || x.s.name !== p.name || x.s.index !== 0) signature.tainted = true;
  }
  // Side conditions are attached to an obligation only if it mentions their scalars, so
  // that identical units stay identical (and are discharged once).
  const bySym = new Map<string, number[]>();
  model.conditions.forEach((c, k) => {
    for (const s of symbolKeys(c.formula)) bySym.set(s, [...(bySym.get(s) ?? []), k]);
  });
  // Axiom instances exist only for activations with axioms or properties.
  const uninterpreted = activationsOf([claim.lhs, claim.rhs]).some((a) => a.kind === "uninterpreted" && (a.axioms.length > 0 || a.properties.length > 0));
  const make = (id: string, statement: string, goal: Formula): Obligation => {
    const next = names();
    const tracked: Tracked[] = [];
    if (bySym.size > 0) {
      const picked = new Set<number>();
      for (const s of symbolKeys(goal)) for (const k of bySym.get(s) ?? []) picked.add(k);
      for (const k of [...picked].sort((a, b) => a - b)) tracked.push({ name: next(), label: `side condition ${model.conditions[k]!.label}`, formula: model.conditions[k]!.formula });
    }
    if (uninterpreted) tracked.push(...instantiate([goal], next));
    return { id: `${claim.name}/compositional/${id}`, claim: claim.name, strategy: "compositional", origin: claim.span, statement, tracked, goal, values: [] };
  };
  const side = `${claim.rhs.name}${claim.transform.text ? ` after ${claim.transform.text}` : ""}`;
  const shapes = (net: typeof claim.lhs) => new Map<string, readonly number[]>([[`input:${net.input.name}`, net.input.shape], ...net.params.map((p) => [`param:${p.name}`, p.shape] as const), ...net.nodes.map((n) => [`node:${n.name}`, n.shape] as const)]);
  const rhsShapes = shapes(claim.rhs);
  const lhsShapes = shapes(claim.lhs);
  const inputStrides = strides(claim.lhs.input.shape);

  /** A read of the input: its symbol when the index is concrete, else a stand-in. */
  const inputRead = <T>(alg: UnitAlgebra<T>, idx: readonly GIndex[]): T => {
    let flat = 0;
    for (let a = 0; a < idx.length; a++) {
      const g = idx[a]!;
      if (g.k !== "at") return alg.standIn("@input", idx);
      flat += g.n * inputStrides[a]!;
    }
    return alg.term(model.input[flat]!);
  };
  const lhsReads = <T>(alg: UnitAlgebra<T>): GenericReads<T> => ({
    param: (name, flat) => alg.param(name, flat),
    tensor: (src, name, idx) => (src === "input" ? inputRead(alg, idx) : alg.standIn(name, idx)),
  });
  const rhsReads = <T>(alg: UnitAlgebra<T>, ranges: ReadonlyMap<string, number>): GenericReads<T> => ({
    param: (name, flat) => {
      return recorded && alg === (signature as UnitAlgebra<unknown>) ? (recorded(name, flat) as T) : alg.term(model.rhs.get(name, flat));
    },
    tensor: (src, name, idx, shape) => {
      if (src === "input") return inputRead(alg, idx);
      const c = corr.get(name);
      if (!c) throw new NotCovered(`${name} has no correspondence`);
      // The correspondence's unit t of this read (its acted axes must be concrete).
      let t = 0;
      for (let k = 0; k < c.axes.length; k++) {
        const g = idx[c.axes[k]!]!;
        if (g.k === "pos") {
          const open = c.axes.flatMap((a) => (idx[a]!.k === "pos" ? (idx[a] as Extract<GIndex, { k: "pos" }>).a.terms.map((x) => x.v) : []));
          throw new NeedsUnits(open, `${name} is read along an axis the symmetry acts on`);
        }
        t = t * c.sizes[k]! + g.n;
      }
      const shifted = !isZero(c.shift[t]!);
      if (c.linear) {
        // unit t = sum_j L[t][j] (unit j of the source) + shift[t].
        const { axis, n, matrix } = c.linear;
        if (shifted && idx.some((g, a) => mayLeave(g, shape[a]!, ranges))) throw new NotCovered(`${name} is read with zero padding but its correspondence shifts unit ${t}`);
        const parts: T[] = [];
        for (let j = 0; j < n; j++) {
          const m = matrix[t * n + j]!;
          if (isZero(m)) continue;
          const mt = alg.term(m);
          parts.push(alg.mul([mt, alg.standIn(c.source, idx.map((g, a) => (a === axis ? at(j) : g)))]));
        }
        parts.push(alg.term(c.shift[t]!));
        return alg.add(parts);
      }
      if (shifted && idx.some((g, a) => mayLeave(g, shape[a]!, ranges))) {
        throw new NotCovered(`${name} is read with zero padding but its correspondence shifts unit ${t} (a sign flip with bias correction does not commute with padding)`);
      }
      // The source unit's coordinates replace the acted axes' indices.
      const srcIdx = idx.slice();
      let p = c.perm[t]!;
      for (let k = c.axes.length - 1; k >= 0; k--) {
        const size = c.sizes[k]!;
        srcIdx[c.axes[k]!] = at(p % size);
        p = Math.floor(p / size);
      }
      const f = alg.term(c.factor[t]!);
      const scaled = alg.mul([f, alg.standIn(c.source, srcIdx)]);
      return alg.add([scaled, alg.term(c.shift[t]!)]);
    },
  });

  /**
   * Obligations for one definition pair: `v` (right) against `u` (left) under correspondence
   * `c`; `out` for the output (identity).
   */
  const unitsOf = (v: TensorDef, u: TensorDef, c: NodeCorrespondence, out: boolean): { reason: string } | null => {
    const unitAxes = new Set([...c.axes, ...paramAxes(v), ...paramAxes(u)]);
    for (let attempt = 0; attempt <= v.shape.length; attempt++) {
      const r = emitUnits(v, u, c, [...unitAxes].sort((a, b) => a - b), out);
      if (r === null) return null;
      if ("reason" in r) return r;
      const before = unitAxes.size;
      for (const name of r.vars) {
        const a = Math.max(v.vars.indexOf(name), u.vars.indexOf(name), name.startsWith("@p") ? Number(name.slice(2)) : -1);
        if (a >= 0) unitAxes.add(a);
      }
      if (unitAxes.size === before) return { reason: `${v.name}: ${r.why}` };
    }
    return { reason: `${v.name}: no unit axes cover its reads` };
  };

  const emitUnits = (v: TensorDef, u: TensorDef, c: NodeCorrespondence, axes: readonly number[], out: boolean): { vars: readonly string[]; why: string } | { reason: string } | null => {
    // Positional axes get shared names on both sides, so stand-ins agree.
    const positional = v.shape.map((_, a) => a).filter((a) => !axes.includes(a));
    const posNames = new Set(positional.map((a) => `@p${a}`));
    const ranges = new Map(positional.map((a) => [`@p${a}`, v.shape[a]!]));
    const rename = (d: TensorDef): IExpr => substVars(d.expr, new Map<string, Affine>(positional.map((a) => [d.vars[a]!, ix(`@p${a}`)])));
    const rhsExpr = rename(v);
    const lhsExpr = rename(u);
    const sizes = axes.map((a) => v.shape[a]!);
    const total = sizes.reduce((a, b) => a * b, 1);
    const everywhere = positional.length > 0 ? " at every position" : "";
    const unitText = (coords: readonly number[]) => (v.shape.length === 1 && axes.length === 1 ? `${coords[0]}` : `[${coords.map((x, k) => `${v.axes[axes[k]!] ?? axes[k]}=${x}`).join(", ")}]`);
    const activated = !out && !c.linear && rhsExpr.k === "act" && lhsExpr.k === "act";
    // Unit variables of each side, bound to the unit's coordinates (right) and its source's (left).
    const varsR = axes.map((a) => v.vars[a]!);
    const varsL = axes.map((a) => u.vars[a]!);
    // The linear case binds the source axis' variable to each j in turn.
    const jVar = c.linear ? u.vars[c.linear.axis]! : "";
    const jAt = c.linear ? (varsL.includes(jVar) ? varsL.indexOf(jVar) : varsL.length) : -1;
    const varsJ = jAt === varsL.length ? [...varsL, jVar] : varsL;

    /** The definitions compiled once per algebra (semantics/generic.ts). */
    const compiled = <T>(alg: UnitAlgebra<T>) => {
      const r = rhsReads(alg, ranges);
      const l = lhsReads(alg);
      const part = (e: IExpr, vars: readonly string[], shapes: typeof rhsShapes, reads: GenericReads<T>) => compileGeneric(alg, e, vars, posNames, shapes, reads);
      return {
        rhs: part(rhsExpr, varsR, rhsShapes, r),
        lhs: part(lhsExpr, varsJ, lhsShapes, l),
        rhsPre: activated && rhsExpr.k === "act" ? part(rhsExpr.a, varsR, rhsShapes, r) : null,
        lhsPre: activated && lhsExpr.k === "act" ? part(lhsExpr.a, varsL, lhsShapes, l) : null,
      };
    };
    type Compiled<T> = ReturnType<typeof compiled<T>>;
    const termParts = compiled(terms);
    const sigParts = compiled(signature);
    // Slice keys (slices.ts): the same parts as `program` evaluates, without the linear case.
    const pre = activated && rhsExpr.k === "act" && lhsExpr.k === "act";
    const keys =
      slicer && changes && !c.linear
        ? slicer({
            rhs: { expr: pre && rhsExpr.k === "act" ? rhsExpr.a : rhsExpr, vars: varsR, shapes: rhsShapes, right: true },
            lhs: { expr: pre && lhsExpr.k === "act" ? lhsExpr.a : lhsExpr, vars: varsL, shapes: lhsShapes, right: false },
            positional: posNames,
            c,
            corr,
            changes,
            renamable,
            params: lhsParams,
          })
        : null;

    /**
     * The values a unit's obligations are made of, in any algebra (terms, or a signature):
     * [l, r] for the identity l = r, and for an activated tensor also the factor and shift
     * of its lemma. Calls follow the stack discipline of semantics/generic.ts.
     */
    const program = <T>(alg: UnitAlgebra<T>, p: Compiled<T>, coords: readonly number[], srcCoords: readonly number[], cu: number): T[] => {
      const f = c.factor[cu]!;
      const t = c.shift[cu]!;
      if (c.linear) {
        // v'_u = sum_j L[u][j] v_j + t_u: the left side is a combination of source units.
        const { n, matrix } = c.linear;
        const l = p.rhs(coords);
        const parts: T[] = [];
        const valuesJ = [...srcCoords];
        for (let j = 0; j < n; j++) {
          const m = matrix[cu * n + j]!;
          if (isZero(m)) continue;
          valuesJ[jAt] = j;
          const mt = alg.term(m);
          parts.push(alg.mul([mt, p.lhs(valuesJ)]));
        }
        parts.push(alg.term(t));
        return [l, alg.add(parts)];
      }
      if (p.rhsPre && p.lhsPre) {
        const pre2 = p.rhsPre(coords);
        const ft = alg.term(f);
        const pre = p.lhsPre(srcCoords);
        return [pre2, alg.mul([ft, pre]), alg.term(f), alg.term(t)];
      }
      const l = p.rhs(coords);
      const ft = alg.term(f);
      const r = alg.mul([ft, p.lhs(srcCoords)]);
      return [l, alg.add([r, alg.term(t)])];
    };

    // Units whose signatures are equal have alpha-equivalent obligations (signature.ts):
    // the first is built, the others repeat what it gave (the same obligation objects, so
    // deduplication counts them without canonicalising again).
    const built = new SignatureTable<Action[]>();
    // Units whose slice keys are equal have equal records (slices.ts): the first unit of a key
    // is recorded (and built if its record is new), the others repeat it without a record.
    const byKey = new SignatureTable<Action[]>();
    for (let w = 0; w < total; w++) {
      if (w % 64 === 0 && stop()) return { reason: "time limit reached while generating obligations" };
      const coords = split(w, sizes);
      // The correspondence's unit and its source.
      const cu = join(c.axes.map((a) => coords[axes.indexOf(a)]!), c.sizes);
      const srcActed = split(c.perm[cu]!, c.sizes);
      const srcCoords = axes.map((a, k) => (c.axes.includes(a) ? srcActed[c.axes.indexOf(a)]! : coords[k]!));
      try {
        const key = keys && !signature.tainted ? keys.key(coords, srcCoords, cu) : null;
        const known = key ? byKey.get(key) : undefined;
        if (known) {
          for (const a of known) a();
          continue;
        }
        signature.begin();
        const results = program(signature, sigParts, coords, srcCoords, cu);
        signature.mark(results.length);
        const tokens = signature.tokens();
        const same = signature.tainted || !group ? undefined : built.get(tokens);
        if (same) {
          if (key && !signature.tainted) byKey.set(key, same);
          for (const a of same) a();
          continue;
        }
        const actions: Action[] = [];
        const [l, r, f, t] = program(terms, termParts, coords, srcCoords, cu) as [Term, Term, Term?, Term?];
        const where = out ? `output ${unitText(coords)}${everywhere}` : `unit ${unitText(coords)} of ${v.name}${everywhere} in ${side}`;
        const srcText = `unit ${unitText(srcCoords)} of ${u.name} in ${claim.lhs.name}`;
        const id = `${out ? "out" : v.name}[${coords.join(",")}]`;
        if (c.linear) {
          actions.push(emitIdentity(id, `unit ${unitText(coords)} of ${v.name}${everywhere} in ${side} is a linear combination of units of ${u.name} in ${claim.lhs.name}`, l, r));
        } else if (activated && rhsExpr.k === "act" && lhsExpr.k === "act") {
          actions.push(emitIdentity(`${id}/pre`, `the pre-activation of ${where} is ${isOne(f!) ? "" : "the factor times "}that of ${srcText}`, l, r));
          const trivial = rhsExpr.act.key === lhsExpr.act.key && isOne(f!) && isZero(t!);
          if (!trivial) {
            const s = freeSym("s");
            const lemma = not(cmp("=", app(rhsExpr.act, mul(f!, s)), add(mul(f!, app(lhsExpr.act, s)), t!)));
            const ob = make(`${id}/lemma`, `${rhsExpr.act.name}(f s) = f ${lhsExpr.act.name}(s) + t for the factor f and shift t of ${where}`, lemma);
            emit(ob);
            actions.push(() => emit(ob));
          }
        } else {
          const f0 = c.factor[cu]!;
          const rel = `${isOne(f0) ? "" : isConst(f0) ? `${f0.v} * ` : "a factor times "}${srcText}${isZero(c.shift[cu]!) ? "" : " plus a constant"}`;
          actions.push(emitIdentity(id, out ? `${where} of ${side} equals ${where} of ${claim.lhs.name}` : `${where} is ${rel}`, l, r));
        }
        if (!signature.tainted) {
          built.set(tokens, actions);
          if (key) byKey.set(key, actions);
        }
      } catch (e) {
        if (e instanceof NeedsUnits) return { vars: e.vars, why: e.message };
        if (e instanceof NotCovered) return { reason: e.message };
        throw e;
      }
    }
    return null;
  };

  for (const v of claim.rhs.nodes) {
    const c = corr.get(v.name);
    if (!c) return { reason: `no correspondence for ${claim.rhs.name}.${v.name}` };
    const u = lhsDefs.get(c.source);
    if (!u || u.shape.join() !== v.shape.join()) return { reason: `the correspondence of ${v.name} does not fit ${claim.lhs.name}.${c.source}` };
    const r = unitsOf(v, u, c, false);
    if (r) return r;
  }
  return unitsOf(claim.rhs.output, claim.lhs.output, identity("out"), true);
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
  identities = true,
): Dedup | { reason: string } {
  const corr = analyticCorrespondences(model.claim) ?? inferCorrespondences(model, rng, admitted);
  if ("reason" in corr) return { reason: `not applicable: ${corr.reason}` };
  const dedup = new Dedup();
  const problem = compositional(model, corr as Correspondences, (ob) => dedup.add(ob), stop, identities ? () => dedup.addIdentity() : undefined);
  return problem ? { reason: `not applicable: ${problem.reason}` } : dedup;
}

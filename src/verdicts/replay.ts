/**
 * Replaying a candidate counterexample before it may be reported. The candidate's
 * parameters, scalars and input are plugged into both networks and evaluated numerically
 * (verdicts never trust a solver model by itself):
 *
 * - exactly, in rationals, when every activation has an exact realisation (definitions,
 *   the solver's function table for an activation without axioms, pool functions);
 * - in float64 otherwise (tanh, sigmoid), where a difference must exceed 1e-9 relative.
 *
 * For an uninterpreted activation the realisation must satisfy its declaration: a
 * solver table is used as is for an activation without properties (any function will
 * do), extended oddly for `odd`, as the solver's slopes for `positively_homogeneous`;
 * activations with axioms use the real function (tanh, sigmoid) or admitted pool functions.
 */
import type { Activation, Network, TensorDef } from "../elaborate/types.ts";
import { reads } from "../elaborate/iexpr.ts";
import { activationsOf } from "../elaborate/activationsOf.ts";
import type { ClaimModel } from "../semantics/claim.ts";
import { evalFormula, evalTerm, evaluateNetwork, type ActFn } from "../numeric/evaluate.ts";
import { exact, type Field } from "../numeric/field.ts";
import { disjoint, hull, interval, type Interval } from "../numeric/interval.ts";
import { Rational } from "../numeric/rational.ts";
import { realisations, type Admitted, type Realisation } from "../numeric/realise.ts";
import type { Candidate } from "../obligations/types.ts";

export type { Candidate };
import type { Sym } from "../semantics/types.ts";
import { entryKey } from "../semantics/build.ts";
import type { Nested, Shown, Witness } from "./types.ts";
import { violation } from "./declared.ts";

export type ReplayResult = { readonly ok: true; readonly witness: Witness } | { readonly ok: false; readonly reason: string };

/** A function through the given points: the value of the nearest point (0 if none). */
function nearest(points: readonly { arg: Rational; value: Rational }[]): Realisation {
  const ex = (x: Rational): Rational => {
    let best: { arg: Rational; value: Rational } | null = null;
    let bestD: Rational | null = null;
    for (const p of points) {
      const d = p.arg.sub(x).abs();
      if (bestD === null || d.cmp(bestD) < 0) {
        best = p;
        bestD = d;
      }
    }
    return best ? best.value : Rational.ZERO;
  };
  // On an interval the nearest-point function takes the values of the points inside it and
  // of the points nearest to its ends.
  const iv = (x: Interval): Interval => {
    const vs = [ex(x.lo), ex(x.hi), ...points.filter((p) => p.arg.cmp(x.lo) >= 0 && p.arg.cmp(x.hi) <= 0).map((p) => p.value)];
    return vs.map((v) => ({ lo: v, hi: v })).reduce(hull);
  };
  return { description: "the solver's function table", exact: ex, float: (x) => ex(Rational.fromNumber(x)).toNumber(), interval: iv, definition: null };
}

/** The odd extension of a table, or null if the table itself is not odd. */
function oddTable(points: readonly { arg: Rational; value: Rational }[]): Realisation | null {
  for (const p of points) {
    if (p.arg.isZero() && !p.value.isZero()) return null;
    const mirror = points.find((q) => q.arg.eq(p.arg.neg()));
    if (mirror && !mirror.value.eq(p.value.neg())) return null;
  }
  const half = points.filter((p) => p.arg.sign() > 0).concat(points.filter((p) => p.arg.sign() < 0).map((p) => ({ arg: p.arg.neg(), value: p.value.neg() })));
  const base = nearest(half);
  const ex = (x: Rational): Rational => (x.isZero() ? Rational.ZERO : x.sign() > 0 ? base.exact!(x) : base.exact!(x.neg()).neg());
  const positive = (x: Interval): Interval => base.interval(x);
  const negative = (x: Interval): Interval => interval.neg(base.interval(interval.neg(x)));
  const zero: Interval = { lo: Rational.ZERO, hi: Rational.ZERO };
  const iv = (x: Interval): Interval => {
    if (x.lo.sign() > 0) return positive(x);
    if (x.hi.sign() < 0) return negative(x);
    const parts = [zero];
    if (x.hi.sign() > 0) parts.push(positive({ lo: Rational.ZERO, hi: x.hi }));
    if (x.lo.sign() < 0) parts.push(negative({ lo: x.lo, hi: Rational.ZERO }));
    return parts.reduce(hull);
  };
  return { description: "the solver's function table, extended to an odd function", exact: ex, float: (x) => ex(Rational.fromNumber(x)).toNumber(), interval: iv, definition: null };
}

/**
 * A positively homogeneous function from the solver's slopes. If the activation is also odd
 * it is linear (f(-z) = -f(z) forces equal slopes), so the slope for z >= 0 is used on both
 * sides: the realisation must satisfy every declared property.
 */
function slopes(act: Activation, values: ReadonlyMap<string, Rational>): Realisation {
  const a = values.get(`slope.${act.key}.pos`) ?? Rational.ONE;
  const b = act.properties.includes("odd") ? a : (values.get(`slope.${act.key}.neg`) ?? Rational.ONE);
  const ex = (x: Rational) => (x.sign() >= 0 ? a.mul(x) : b.mul(x));
  const iv = (x: Interval): Interval => {
    const parts: Interval[] = [];
    if (x.hi.sign() >= 0) parts.push(interval.mul({ lo: a, hi: a }, { lo: x.lo.sign() > 0 ? x.lo : Rational.ZERO, hi: x.hi }));
    if (x.lo.sign() < 0) parts.push(interval.mul({ lo: b, hi: b }, { lo: x.lo, hi: x.hi.sign() < 0 ? x.hi : Rational.ZERO }));
    return parts.reduce(hull);
  };
  return { description: `slopes ${a} (z >= 0) and ${b} (z < 0) from the solver`, exact: ex, float: (x) => (x >= 0 ? a.toNumber() * x : b.toNumber() * x), interval: iv, definition: null };
}

/** Realisations to try for `act`, best first. */
function options(act: Activation, cand: Candidate, admitted: Admitted): Realisation[] {
  const chosen = cand.realisations.get(act.key);
  if (chosen) return [chosen];
  const fallback = realisations(act, admitted);
  if (act.kind === "defined" || act.axioms.length > 0) return fallback;
  const table = cand.tables.get(act.key);
  if (act.properties.includes("positively_homogeneous")) return [slopes(act, cand.values), ...fallback];
  if (!table) return fallback;
  if (act.properties.includes("odd")) {
    const odd = oddTable(table);
    return odd ? [odd, ...fallback] : fallback;
  }
  return [nearest(table), ...fallback];
}

/** Replay `cand` against the claim; a witness only if both sides really differ. */
export function replay(model: ClaimModel, cand: Candidate, admitted: Admitted): ReplayResult {
  const value = (s: Sym): Rational => cand.values.get(s.key) ?? Rational.ZERO;
  const noAct: ActFn<Rational> = () => {
    throw new Error("activation in a side condition");
  };
  for (const c of model.conditions) {
    if (!evalFormula(c.formula, exact, value, noAct)) return { ok: false, reason: `the values violate the side condition ${c.label}` };
  }
  const acts = activationsOf([model.claim.lhs, model.claim.rhs]);
  const lists = acts.map((a) => options(a, cand, admitted));
  if (lists.some((l) => l.length === 0)) {
    const a = acts[lists.findIndex((l) => l.length === 0)]!;
    return { ok: false, reason: `no concrete function is known to satisfy the axioms of ${a.name}` };
  }
  const rounds = Math.max(...lists.map((l) => l.length), 1);
  let last = "both sides agree at these values";
  for (let r = 0; r < rounds; r++) {
    const chosen = new Map(acts.map((a, i) => [a.key, lists[i]![Math.min(r, lists[i]!.length - 1)]!]));
    const allExact = [...chosen.values()].every((c) => c.exact !== null);
    try {
      const w = allExact ? attempt(model, cand, chosen, exact, value) : attempt(model, cand, chosen, interval, (s) => ({ lo: value(s), hi: value(s) }));
      if (typeof w === "string") last = w;
      else if (w) return { ok: true, witness: w };
    } catch (e) {
      last = e instanceof RangeError ? `the replay could not evaluate the networks (${e.message})` : String(e);
    }
  }
  return { ok: false, reason: last };
}

/**
 * Evaluate both sides under `chosen`: a witness if they differ and every realisation used
 * satisfies its activation's declaration (verdicts/declared.ts), the reason it does not, or
 * null if the sides agree.
 */
function attempt<T>(model: ClaimModel, cand: Candidate, chosen: ReadonlyMap<string, Realisation>, F: Field<T>, value: (s: Sym) => T): Witness | string | null {
  const points = new Map<string, Map<string, [Shown, Shown]>>();
  const args = new Map<string, Rational[]>();
  const act: ActFn<T> = (a, x) => {
    const r = chosen.get(a.key)!;
    const y = (F.exact ? r.exact!(x as Rational) : r.interval(x as Interval)) as T;
    if (a.kind === "uninterpreted") {
      const m = points.get(a.key) ?? new Map();
      if (m.size < 50) m.set(String(F.show(x)), [F.show(x), F.show(y)]);
      points.set(a.key, m);
      const list = args.get(a.key) ?? [];
      if (list.length < 1000) list.push(...(F.exact ? [x as Rational] : [(x as Interval).lo, (x as Interval).hi]));
      args.set(a.key, list);
    }
    return y;
  };
  const { lhs: lenv, rhs: renv, claim } = model;
  const lhsParams = (p: string, i: number) => evalTerm(lenv.get(p, i), F, value, act);
  const memo = new Map();
  const rhsParams = (p: string, i: number) => evalTerm(renv.get(p, i), F, value, act, memo);
  const input = model.input.map((x) => evalTerm(x, F, value, act));
  const l = evaluateNetwork(claim.lhs, lhsParams, input, F, act).output;
  const r = evaluateNetwork(claim.rhs, rhsParams, input, F, act).output;
  // Exactly: the values differ. With intervals: the enclosures of the two sides are disjoint.
  const differs = l.some((lv, k) => (F.exact ? F.cmp(lv, r[k]!) !== 0 : disjoint(lv as Interval, r[k]! as Interval)));
  if (!differs) return null;
  for (const a of activationsOf([model.claim.lhs, model.claim.rhs])) {
    const why = violation(a, chosen.get(a.key)!, args.get(a.key) ?? [], chosen);
    if (why) return `the witness is not valid: ${why}`;
  }
  const show = (x: Rational): Shown => x.toString();
  const parameters: Record<string, readonly Nested[]> = {};
  for (const p of claim.lhs.params) {
    const flat = Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, (_, i) => show(cand.values.get(`${p.name}${entryKey(p.shape, i)}`) ?? Rational.ZERO));
    parameters[p.name] = nest(flat, p.shape);
  }
  const scalars: Record<string, Shown | Shown[]> = {};
  for (const s of claim.transform.scalars) {
    const vals = Array.from({ length: s.size }, (_, i) => show(cand.values.get(s.vector ? `${s.id}[${i}]` : s.id) ?? Rational.ZERO));
    scalars[s.label] = s.vector ? vals : vals[0]!;
  }
  const activations: Record<string, { realisation: string; points: [Shown, Shown][] }> = {};
  for (const [key, r] of chosen) {
    const a = activationsOf([claim.lhs, claim.rhs]).find((x) => x.key === key)!;
    if (a.kind === "uninterpreted") activations[a.name] = { realisation: r.description, points: [...(points.get(key)?.values() ?? [])] };
  }
  return {
    source: cand.source,
    replay: F.name,
    parameters,
    layers: layersOf(claim.lhs),
    scalars,
    input: { [claim.lhs.input.name]: model.input.map((x) => show(cand.values.get(x.t === "sym" ? x.s.key : "") ?? Rational.ZERO)) },
    outputs: { lhs: l.map((x) => F.show(x)), rhs: r.map((x) => F.show(x)) },
    activations,
    ...(cand.approximated ? { note: "the solver's values were irrational; they were rounded to the rationals shown, and the replay used those" } : {}),
  };
}

/** A flat row-major list as nested lists, one level per axis. */
function nest(flat: readonly Shown[], shape: readonly number[]): Nested[] {
  if (shape.length <= 1) return [...flat];
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0]! }, (_, i) => nest(flat.slice(i * inner, (i + 1) * inner), shape.slice(1)));
}

/** Parameters grouped by the hidden tensor (or output) that reads them first. */
export function layersOf(net: Network): { name: string; size: number; params: string[] }[] {
  const seen = new Set<string>();
  const layer = (d: TensorDef, name: string) => {
    const params = [...new Set(reads(d.expr).filter((r) => r.src === "param" && !seen.has(r.name)).map((r) => r.name))];
    params.forEach((p) => seen.add(p));
    // Rows of the table: as many as the longest first axis among its parameters.
    const size = Math.max(1, ...params.map((p) => net.params.find((q) => q.name === p)?.shape[0] ?? 1));
    return { name, size, params };
  };
  const out = net.nodes.map((n) => layer(n, n.name));
  out.push(layer(net.output, "out"));
  return out.filter((l) => l.params.length > 0);
}

/**
 * The numeric falsifier: before any solver runs, evaluate both sides on random parameters,
 * scalars (satisfying their side conditions) and inputs, with concrete realisations of
 * every activation (numeric/realise.ts). Float64 finds a candidate quickly; the candidate
 * then goes through `decide`, which replays it (exactly when it can) before it becomes a
 * refutation.
 */
import type { Activation, Scalar } from "../elaborate/types.ts";
import { evalFormula, evalTerm, type ActFn } from "../numeric/evaluate.ts";
import { entries, evaluationCost } from "../elaborate/interpret.ts";
import { evaluateFloat } from "../numeric/evaluateFloat.ts";
import { paramChanges, transformed, type ChangeAt } from "./transformed.ts";
import type { UnitAlgebra } from "./signature.ts";
import { exact, float64 } from "../numeric/field.ts";
import { Rational } from "../numeric/rational.ts";
import { realisations, type Admitted, type Realisation } from "../numeric/realise.ts";
import type { Rng } from "../numeric/rng.ts";
import { entryKey } from "../semantics/build.ts";
import type { ClaimModel } from "../semantics/claim.ts";
import { scalarTerm } from "../semantics/params.ts";
import type { Sym, Term } from "../semantics/types.ts";
import { symbolKeys } from "../semantics/walk.ts";
import { activationsOf } from "../elaborate/activationsOf.ts";
import type { Candidate } from "./types.ts";

/** Values tried for symbolic scalars (rejection-sampled against their side conditions). */
const SCALAR_CHOICES = [[2, 1], [1, 2], [3, 1], [-1, 1], [-2, 1], [1, 3], [-1, 2], [5, 2], [-3, 1], [7, 4], [1, 1]].map(([n, d]) => Rational.of(n!, d!));

/**
 * Work budget, in operations of numeric evaluation (elaborate/interpret.ts evaluationCost,
 * plus the transformed parameters): small networks get all 8 draws per realisation, large
 * ones fewer (at least one); a network whose single evaluation costs more than MAX_ONE is
 * not evaluated, and the report says so.
 */
const BUDGET = 4_000_000;
const MAX_ONE = 40_000_000;
const MAX_INVERSE = 8;

/** Raised by the evaluation's stop hook at the time limit. */
class Stopped extends Error {}

/**
 * What the falsifier found: a candidate counterexample (still to be replayed), nothing, or
 * the reason it could not run (reported with the claim, never silently).
 */
export type Falsified = { readonly kind: "candidate"; readonly candidate: Candidate } | { readonly kind: "none" } | { readonly kind: "skipped"; readonly reason: string };

/** Look for a candidate counterexample; `stop()` says to give up (time limit). */
export function falsify(model: ClaimModel, rng: Rng, admitted: Admitted, stop: () => boolean = () => false): Falsified {
  const { claim } = model;
  const acts: Activation[] = activationsOf([claim.lhs, claim.rhs]);
  const lists = acts.map((a) => realisations(a, admitted));
  const missing = acts.find((_, i) => lists[i]!.length === 0);
  if (missing) return { kind: "skipped", reason: `no concrete function is known to satisfy the axioms of ${missing.name}` };
  const size = (net: typeof claim.lhs) => net.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  const work = evaluationCost(claim.lhs) + evaluationCost(claim.rhs) + size(claim.rhs) + 1;
  if (work > MAX_ONE) return { kind: "skipped", reason: `one evaluation of the two networks takes about ${work.toExponential(1)} operations, more than its budget of ${MAX_ONE.toExponential(0)}` };
  // Drawing a symbolic invertible matrix computes its inverse exactly, and checks the
  // conditions on it, in rationals whose size grows with the matrix: above MAX_INVERSE rows
  // one draw alone takes minutes (and cannot be interrupted), so the falsifier does not run.
  const inverse = claim.transform.scalars.find((s) => s.inverseOf && s.shape[0]! > MAX_INVERSE);
  if (inverse) return { kind: "skipped", reason: `it does not draw symbolic invertible matrices with more than ${MAX_INVERSE} rows (${inverse.label.split(" ")[0]} has ${inverse.shape[0]})` };
  const rounds = Math.max(...lists.map((l) => l.length), 1);
  const trials = Math.max(1, Math.min(8, Math.floor(BUDGET / (work * rounds))));
  const halt = () => {
    if (stop()) throw new Stopped();
  };
  for (let r = 0; r < rounds; r++) {
    const chosen = new Map<string, Realisation>(acts.map((a, i) => [a.key, lists[i]![Math.min(r, lists[i]!.length - 1)]!]));
    const act: ActFn<number> = (a, x) => chosen.get(a.key)!.float(x);
    for (let t = 0; t < trials; t++) {
      if (stop()) return { kind: "skipped", reason: "the time limit was reached before it finished" };
      // Sample as quarters k/4 stored as floats (exact in float64); rationals are made only
      // for a candidate.
      const draw = sampleFloat(model, rng);
      if ("failed" in draw) return { kind: "skipped", reason: draw.failed };
      const value = (s: Sym): number => (s.kind === "param" ? draw.params.get(s.name)![s.index]! : s.kind === "input" ? draw.input[s.index]! : (draw.scalars.get(s.key) ?? 0));
      const input = Float64Array.from(draw.input);
      let l: Float64Array;
      let rr: Float64Array;
      try {
        l = evaluateFloat(claim.lhs, { input, param: (p) => draw.params.get(p)! }, act, halt);
        rr = evaluateFloat(claim.rhs, { input, param: rhsParams(model, draw.params, value, act, halt) }, act, halt);
      } catch (e) {
        if (e instanceof Stopped) return { kind: "skipped", reason: "the time limit was reached before it finished" };
        throw e;
      }
      const differs = l.some((a, k) => {
        const b = rr[k]!;
        return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) > 1e-9 * (1 + Math.max(Math.abs(a), Math.abs(b)));
      });
      if (differs) return { kind: "candidate", candidate: { source: "numeric falsifier", values: rationalValues(model, draw), tables: new Map(), realisations: chosen, approximated: false } };
    }
  }
  return { kind: "none" };
}

/**
 * The transformed parameters' values, one array per parameter, computed when first read:
 * through transformed.ts for permute, scale and flip steps (the calls params.ts makes, on
 * numbers), else by evaluating params.ts's term of each entry.
 */
function rhsParams(model: ClaimModel, lhs: ReadonlyMap<string, Float64Array>, value: (s: Sym) => number, act: ActFn<number>, halt: () => void): (name: string) => Float64Array {
  const memo = new Map<Term, number>();
  const alg: UnitAlgebra<number> = {
    zero: () => 0,
    num: (v) => v.toNumber(),
    add: (xs) => xs.reduce((a, b) => a + b),
    mul: (xs) => xs.reduce((a, b) => a * b),
    neg: (a) => -a,
    div: (a, b) => a / b,
    app: (a, x) => act(a, x),
    max: (xs) => xs.reduce((a, b) => (a < b ? b : a)),
    // Factors are the same few terms at every entry: each is evaluated once.
    term: (t) => memo.get(t) ?? evalTerm(t, float64, value, act, memo),
    param: (name, flat) => lhs.get(name)![flat]!,
    standIn: () => {
      throw new Error("no stand-ins in parameters");
    },
  };
  const lists = paramChanges(model.claim);
  const get = transformed(model.claim, alg, lists) ?? ((name: string, flat: number) => evalTerm(model.rhs.get(name, flat), float64, value, act));
  const shapes = new Map(model.claim.rhs.params.map((p) => [p.name, p.shape]));
  const done = new Map<string, Float64Array>();
  return (name) => {
    let a = done.get(name);
    if (!a) {
      const list = lists ? (lists.get(name) ?? []) : null;
      if (list && list.every((c) => c.change.k !== "correct")) a = wholeArray(lhs.get(name)!, list, (t) => alg.term(t), halt);
      else {
        a = new Float64Array(entries(shapes.get(name)!));
        for (let i = 0; i < a.length; i++) {
          if ((i & 4095) === 4095) halt();
          a[i] = get(name, i);
        }
      }
      done.set(name, a);
    }
    return a;
  };
}

/**
 * A transformed parameter computed change by change on whole arrays: the value `transformed`
 * gives entry by entry (its run applies the last change outermost), with the same float
 * operations in the same order (f * x for a producer, x / f for a consumer, -x for a flip).
 * Entry i has coordinate x = floor(i / stride) % size on a change's axis, so the array is
 * walked as blocks: `outer` runs of `size` rows of `stride` entries.
 */
export function wholeArray(source: Float64Array, list: readonly ChangeAt[], term: (t: Term) => number, halt: () => void): Float64Array {
  // Every change writes a new array, so the source is copied only when nothing changes it.
  if (list.length === 0) return source.slice();
  // Two buffers, written in turn (a change reads one and writes the other; the source is
  // never written): one array per change would leave hundreds of megabytes to the collector.
  const buffers: Float64Array[] = [];
  const other = (cur: Float64Array): Float64Array => {
    let b = buffers.find((x) => x !== cur);
    if (!b) buffers.push((b = new Float64Array(source.length)));
    return b;
  };
  let a = source;
  for (const { change, along } of list) {
    halt();
    if (change.k === "correct") throw new Error("a bias correction is computed entry by entry");
    if (change.k === "permute") {
      if (new Set(change.moves.map((m) => m.axis)).size !== change.moves.length) {
        // Two moves of one axis: the entry-by-entry formula of transformed.ts.
        const b = other(a);
        for (let i = 0; i < a.length; i++) {
          let j = i;
          for (let k = 0; k < change.moves.length; k++) {
            const x = Math.floor(i / along[k]!.stride) % along[k]!.size;
            j += (change.moves[k]!.inv[x]! - x) * along[k]!.stride;
          }
          b[i] = a[j]!;
        }
        a = b;
        continue;
      }
      // Moves of distinct axes commute: one axis at a time, runs of `stride` entries copied.
      let from = a;
      for (let k = 0; k < change.moves.length; k++) {
        const { stride, size } = along[k]!;
        const inv = change.moves[k]!.inv;
        const to = other(from);
        for (let base = 0; base < a.length; base += stride * size) {
          if (stride === 1) for (let x = 0; x < size; x++) to[base + x] = from[base + inv[x]!]!;
          else for (let x = 0; x < size; x++) copy(from, base + inv[x]! * stride, to, base + x * stride, stride);
        }
        from = to;
      }
      a = from;
      continue;
    }
    const b = other(a);
    const { stride, size } = along[0]!;
    // Per coordinate of the axis: 0 (unchanged), or the factor (scale) or -1 (flip).
    const by = new Float64Array(size);
    for (let x = 0; x < size; x++) {
      if (change.k === "flip") by[x] = change.flipped.has(x) ? -1 : 0;
      else {
        const f = change.factor[x];
        by[x] = f ? term(f) : 0;
        // A factor of 0 would read as "unchanged": keep the exact operation instead.
        if (f && by[x] === 0) by[x] = Number.NaN;
      }
    }
    const producer = change.k === "scale" && change.producer;
    for (let base = 0; base < a.length; base += stride * size) {
      for (let x = 0; x < size; x++) {
        const lo = base + x * stride;
        const hi = lo + stride;
        const v = by[x]!;
        if (v === 0) copy(a, lo, b, lo, stride);
        else if (change.k === "flip") for (let i = lo; i < hi; i++) b[i] = -a[i]!;
        else if (Number.isNaN(v)) {
          const f = term(change.factor[x]!);
          for (let i = lo; i < hi; i++) b[i] = producer ? f * a[i]! : a[i]! / f;
        } else if (producer) for (let i = lo; i < hi; i++) b[i] = v * a[i]!;
        else for (let i = lo; i < hi; i++) b[i] = a[i]! / v;
      }
    }
    a = b;
  }
  return a;
}

/** Copy n entries (short runs entry by entry: a view per run would cost more than the copy). */
function copy(from: Float64Array, at: number, to: Float64Array, into: number, n: number): void {
  if (n >= 64) to.set(from.subarray(at, at + n), into);
  else for (let i = 0; i < n; i++) to[into + i] = from[at + i]!;
}

interface FloatDraw {
  readonly params: Map<string, Float64Array>;
  readonly input: number[];
  readonly scalars: Map<string, number>;
  readonly exactScalars: ReadonlyMap<string, Rational>;
}

/** Like `sample`, in floats: parameters and inputs are quarters in [-2, 2]. */
function sampleFloat(model: ClaimModel, rng: Rng): FloatDraw | { failed: string } {
  const drawn = sampleScalars(model, rng);
  if ("failed" in drawn) return drawn;
  const scalars = drawn.values;
  const params = new Map<string, Float64Array>();
  for (const p of model.claim.lhs.params) {
    const a = new Float64Array(p.shape.reduce((x, y) => x * y, 1));
    rng.fillInts(a, -8, 8, 4);
    params.set(p.name, a);
  }
  const input = model.input.map(() => rng.int(-8, 8) / 4);
  return { params, input, scalars: new Map([...scalars].map(([k, v]) => [k, v.toNumber()])), exactScalars: scalars };
}

/** The exact values of a float draw (quarters and sampled scalars are exact). */
function rationalValues(model: ClaimModel, draw: FloatDraw): Map<string, Rational> {
  const values = new Map<string, Rational>();
  for (const p of model.claim.lhs.params) {
    const a = draw.params.get(p.name)!;
    for (let i = 0; i < a.length; i++) values.set(`${p.name}${entryKey(p.shape, i)}`, Rational.fromNumber(a[i]!));
  }
  model.input.forEach((x, i) => x.t === "sym" && values.set(x.s.key, Rational.fromNumber(draw.input[i]!)));
  for (const [k, v] of draw.exactScalars) values.set(k, v);
  return values;
}

/**
 * Random small rationals for every parameter entry and input, with the given scalar values
 * (or values drawn by `sampleScalars`; null if none satisfy the side conditions).
 */
export function sample(model: ClaimModel, rng: Rng, fixedScalars?: ReadonlyMap<string, Rational>): Map<string, Rational> | null {
  const values = new Map<string, Rational>();
  const small = () => Rational.of(rng.int(-8, 8), 4);
  for (const p of model.claim.lhs.params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) values.set(`${p.name}${entryKey(p.shape, i)}`, small());
  }
  for (const x of model.input) if (x.t === "sym") values.set(x.s.key, small());
  const scalars = fixedScalars ?? (() => {
    const d = sampleScalars(model, rng);
    return "failed" in d ? null : d.values;
  })();
  if (!scalars) return null;
  for (const [k, v] of scalars) values.set(k, v);
  return values;
}

/** Attempts per group of scalars before the side conditions are declared unsatisfiable by sampling. */
const ATTEMPTS = 200;

/**
 * Values for every scalar entry that satisfy the side conditions. Entries are drawn per
 * group (entries linked by a condition are one group; `c[n] > 0` gives n groups of one), so
 * the chance of a valid draw does not shrink with the number of entries. With `avoid`, each
 * entry is preferably drawn with a magnitude different from its value there (inference
 * needs two draws that tell c, 1/c and constants apart).
 */
export function sampleScalars(model: ClaimModel, rng: Rng, avoid?: ReadonlyMap<string, Rational>): { values: Map<string, Rational> } | { failed: string } {
  const keys: string[] = [];
  const terms = new Map<string, Term>();
  // Entries of an invertible matrix's inverse are computed from the matrix, not drawn.
  const derived = new Set<string>();
  const entryKeys = (s: Scalar) => Array.from({ length: s.size }, (_, i) => (scalarTerm(s, i) as { s: { key: string } }).s.key);
  for (const s of model.claim.transform.scalars) {
    for (let i = 0; i < s.size; i++) {
      const t = scalarTerm(s, i);
      if (t.t !== "sym") continue;
      keys.push(t.s.key);
      terms.set(t.s.key, t);
      if (s.inverseOf) derived.add(t.s.key);
    }
  }
  const inverses = model.claim.transform.scalars.filter((s) => s.inverseOf).map((s) => ({ of: entryKeys(model.claim.transform.scalars.find((x) => x.id === s.inverseOf)!), to: entryKeys(s), n: s.shape[0]! }));
  // Union-find over scalar entries, linked by the conditions that mention them together.
  const parent = new Map(keys.map((k) => [k, k]));
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const conditionKeys = model.conditions.map((c) => [...symbolKeys(c.formula)].filter((k) => parent.has(k)));
  for (const ks of conditionKeys) for (const k of ks.slice(1)) parent.set(find(k), find(ks[0]!));
  const groups = new Map<string, { keys: string[]; conditions: number[] }>();
  for (const k of keys) {
    const g = groups.get(find(k)) ?? { keys: [], conditions: [] };
    g.keys.push(k);
    groups.set(find(k), g);
  }
  conditionKeys.forEach((ks, i) => ks.length > 0 && groups.get(find(ks[0]!))!.conditions.push(i));
  const values = new Map<string, Rational>();
  const noAct = () => {
    throw new Error("activation in a side condition");
  };
  for (const g of groups.values()) {
    let ok = false;
    for (let attempt = 0; attempt < ATTEMPTS && !ok; attempt++) {
      for (const k of g.keys) if (!derived.has(k)) values.set(k, rng.pick(SCALAR_CHOICES));
      let invertible = true;
      for (const inv of inverses) {
        if (!g.keys.includes(inv.to[0]!)) continue;
        const m = inverse(inv.of.map((k) => values.get(k)!), inv.n);
        if (!m) invertible = false;
        else inv.to.forEach((k, i) => values.set(k, m[i]!));
      }
      if (!invertible) continue;
      const distinct = !avoid || attempt >= ATTEMPTS / 2 || g.keys.every((k) => !avoid.has(k) || !values.get(k)!.abs().eq(avoid.get(k)!.abs()));
      ok = distinct && g.conditions.every((i) => evalFormula(model.conditions[i]!.formula, exact, (s) => values.get(s.key) ?? Rational.ZERO, noAct));
    }
    if (!ok) {
      const labels = [...new Set(g.conditions.map((i) => model.conditions[i]!.label))].join(", ");
      return { failed: `no values of ${g.keys.map((k) => (terms.get(k) as { s: { label?: string } }).s.label ?? k).join(", ")} satisfying ${labels} were found among the values it tries` };
    }
  }
  return { values };
}

/** The inverse of an n x n matrix (row-major) in exact arithmetic, or null if it is singular. */
export function inverse(m: readonly Rational[], n: number): Rational[] | null {
  const a = Array.from({ length: n }, (_, i) => [...m.slice(i * n, (i + 1) * n), ...Array.from({ length: n }, (_, j) => (i === j ? Rational.ONE : Rational.ZERO))]);
  for (let col = 0; col < n; col++) {
    const pivot = a.findIndex((row, r) => r >= col && !row[col]!.isZero());
    if (pivot < 0) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    a[col] = a[col]!.map((x) => x.div(p));
    for (let r = 0; r < n; r++) {
      if (r === col || a[r]![col]!.isZero()) continue;
      const f = a[r]![col]!;
      a[r] = a[r]!.map((x, j) => x.sub(f.mul(a[col]![j]!)));
    }
  }
  return a.flatMap((row) => row.slice(n));
}

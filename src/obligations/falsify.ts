/**
 * The numeric falsifier: before any solver runs, evaluate both sides on random parameters,
 * scalars (satisfying their side conditions) and inputs, with concrete realisations of
 * every activation (numeric/realise.ts). Float64 finds a candidate quickly; the candidate
 * then goes through `decide`, which replays it (exactly when it can) before it becomes a
 * refutation.
 */
import type { Activation } from "../elaborate/types.ts";
import { evalFormula, evalTerm, evaluateNetwork, type ActFn } from "../numeric/evaluate.ts";
import { exact, float64 } from "../numeric/field.ts";
import { Rational } from "../numeric/rational.ts";
import { realisations, type Admitted, type Realisation } from "../numeric/realise.ts";
import type { Rng } from "../numeric/rng.ts";
import { entryKey } from "../semantics/build.ts";
import type { ClaimModel } from "../semantics/claim.ts";
import { scalarTerm } from "../semantics/params.ts";
import type { Sym } from "../semantics/types.ts";
import { activationsOf } from "../elaborate/activationsOf.ts";
import type { Candidate } from "./types.ts";

/** Values tried for symbolic scalars (rejection-sampled against their side conditions). */
const SCALAR_CHOICES = [[2, 1], [1, 2], [3, 1], [-1, 1], [-2, 1], [1, 3], [-1, 2], [5, 2], [-3, 1], [7, 4], [1, 1]].map(([n, d]) => Rational.of(n!, d!));

/**
 * Work budget: parameter entries evaluated per claim. Small networks get all 8 draws per
 * realisation; large ones fewer (at least one), which keeps the falsifier to a fraction of
 * a second below a million parameters.
 */
const BUDGET = 1_500_000;

/** A candidate counterexample, or null if none was found (or `stop()` said to give up). */
export function falsify(model: ClaimModel, rng: Rng, admitted: Admitted, stop: () => boolean = () => false): Candidate | null {
  const { claim } = model;
  const acts: Activation[] = activationsOf([claim.lhs, claim.rhs]);
  const lists = acts.map((a) => realisations(a, admitted));
  if (lists.some((l) => l.length === 0)) return null;
  const size = (net: typeof claim.lhs) => net.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  const work = size(claim.lhs) + size(claim.rhs) + 1;
  const rounds = Math.max(...lists.map((l) => l.length), 1);
  const trials = Math.max(1, Math.min(8, Math.floor(BUDGET / (work * rounds))));
  for (let r = 0; r < rounds; r++) {
    const chosen = new Map<string, Realisation>(acts.map((a, i) => [a.key, lists[i]![Math.min(r, lists[i]!.length - 1)]!]));
    const act: ActFn<number> = (a, x) => chosen.get(a.key)!.float(x);
    for (let t = 0; t < trials; t++) {
      if (stop()) return null;
      // Sample as quarters k/4 stored as floats (exact in float64); rationals are made only
      // for a candidate.
      const draw = sampleFloat(model, rng);
      if (!draw) return null;
      const value = (s: Sym): number => (s.kind === "param" ? draw.params.get(s.name)![s.index]! : s.kind === "input" ? draw.input[s.index]! : (draw.scalars.get(s.key) ?? 0));
      const lp = (p: string, i: number) => draw.params.get(p)![i]!;
      const rp = (p: string, i: number) => evalTerm(model.rhs.get(p, i), float64, value, act);
      const l = evaluateNetwork(claim.lhs, lp, draw.input, float64, act).output;
      const rr = evaluateNetwork(claim.rhs, rp, draw.input, float64, act).output;
      const differs = l.some((a, k) => {
        const b = rr[k]!;
        return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) > 1e-9 * (1 + Math.max(Math.abs(a), Math.abs(b)));
      });
      if (differs) return { source: "numeric falsifier", values: rationalValues(model, draw), tables: new Map(), realisations: chosen, approximated: false };
    }
  }
  return null;
}

interface FloatDraw {
  readonly params: Map<string, Float64Array>;
  readonly input: number[];
  readonly scalars: Map<string, number>;
  readonly exactScalars: ReadonlyMap<string, Rational>;
}

/** Like `sample`, in floats: parameters and inputs are quarters in [-2, 2]. */
function sampleFloat(model: ClaimModel, rng: Rng): FloatDraw | null {
  const scalars = sample(model, rng, undefined, true);
  if (!scalars) return null;
  const params = new Map<string, Float64Array>();
  for (const p of model.claim.lhs.params) {
    const a = new Float64Array(p.shape.reduce((x, y) => x * y, 1));
    for (let i = 0; i < a.length; i++) a[i] = rng.int(-8, 8) / 4;
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
 * Random small rationals for every symbol; scalars satisfy their side conditions (or null),
 * or take the given values.
 */
export function sample(model: ClaimModel, rng: Rng, fixedScalars?: ReadonlyMap<string, Rational>, scalarsOnly = false): Map<string, Rational> | null {
  const values = new Map<string, Rational>();
  const small = () => Rational.of(rng.int(-8, 8), 4);
  for (const p of scalarsOnly ? [] : model.claim.lhs.params) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) values.set(`${p.name}${entryKey(p.shape, i)}`, small());
  }
  if (!scalarsOnly) for (const x of model.input) if (x.t === "sym") values.set(x.s.key, small());
  const scalars = model.claim.transform.scalars;
  if (fixedScalars) {
    for (const [k, v] of fixedScalars) values.set(k, v);
    return values;
  }
  for (let attempt = 0; attempt < 200; attempt++) {
    for (const s of scalars) {
      for (let i = 0; i < s.size; i++) {
        const t = scalarTerm(s, i);
        if (t.t === "sym") values.set(t.s.key, rng.pick(SCALAR_CHOICES));
      }
    }
    const ok = model.conditions.every((c) =>
      evalFormula(c.formula, exact, (s) => values.get(s.key) ?? Rational.ZERO, () => {
        throw new Error("activation in a side condition");
      }),
    );
    if (ok) return values;
  }
  return null;
}

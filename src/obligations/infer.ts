/**
 * Inferring correspondences numerically, for symmetries written as assignments and for
 * maps between networks: evaluate the vectors of both sides on random parameters and
 * inputs, and match each unit of the right network with a unit of the left one up to a
 * factor and a shift: h'_i = f h_j + t. The factor is recognised as a rational times a
 * monomial in one symbolic scalar (1, s, 1/s); the shift as a rational. These are only
 * proposals; the compositional strategy proves them (or falls back).
 */
import type { Activation } from "../elaborate/types.ts";
import { evalTerm, evaluateNetwork, type ActFn } from "../numeric/evaluate.ts";
import { entries } from "../elaborate/interpret.ts";
import { float64 } from "../numeric/field.ts";
import { Rational } from "../numeric/rational.ts";
import { realisations, type Admitted } from "../numeric/realise.ts";
import type { Rng } from "../numeric/rng.ts";
import { div, mul, num, ONE } from "../semantics/build.ts";
import type { ClaimModel } from "../semantics/claim.ts";
import type { Correspondences, NodeCorrespondence } from "../semantics/correspondence.ts";
import { scalarTerm } from "../semantics/params.ts";
import type { Term } from "../semantics/types.ts";
import { entryKey } from "../semantics/build.ts";
import { activationsOf } from "../elaborate/activationsOf.ts";
import { sample, sampleScalars } from "./falsify.ts";

const DRAWS = 4;
/** Fresh sets of draws tried before inference gives up. */
const ATTEMPTS = 3;
const MAX_UNITS = 512;

interface Draw {
  /** Vector values. */
  readonly lhs: Map<string, number[]>;
  readonly rhs: Map<string, number[]>;
  /** Pre-activations of vectors defined as act(...). */
  readonly lhsPre: Map<string, number[]>;
  readonly rhsPre: Map<string, number[]>;
}

/** Values of every vector of both networks on one draw. */
function evaluate(model: ClaimModel, values: ReadonlyMap<string, Rational>, act: ActFn<number>): Draw {
  const { claim } = model;
  const value = (key: string) => (values.get(key) ?? Rational.ZERO).toNumber();
  const shapes = new Map(claim.lhs.params.map((p) => [p.name, p.shape]));
  const input = model.input.map((x) => (x.t === "sym" ? value(x.s.key) : 0));
  const l = evaluateNetwork(claim.lhs, (p, i) => value(`${p}${entryKey(shapes.get(p)!, i)}`), input, float64, act);
  const memo = new Map();
  const r = evaluateNetwork(claim.rhs, (p, i) => evalTerm(model.rhs.get(p, i), float64, (s) => value(s.key), act, memo), input, float64, act);
  return { lhs: l.nodes, rhs: r.nodes, lhsPre: l.pre, rhsPre: r.pre };
}

/** p/q with q <= 10000 within 1e-9 relative of x, or null. */
function niceRational(x: number): Rational | null {
  if (!Number.isFinite(x)) return null;
  let h0 = 1, h1 = 0, k0 = 0, k1 = 1;
  let y = Math.abs(x);
  for (let i = 0; i < 30; i++) {
    const a = Math.floor(y);
    [h0, h1] = [a * h0 + h1, h0];
    [k0, k1] = [a * k0 + k1, k0];
    if (k0 > 10000) break;
    if (Math.abs(Math.abs(x) - h0 / k0) <= 1e-9 * Math.max(1, Math.abs(x))) return Rational.of(Math.sign(x) * h0, k0);
    if (y - a < 1e-12) break;
    y = 1 / (y - a);
  }
  return null;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(a), Math.abs(b));

/** Fit h' = f h + t over draws; null if the points are not on one line. */
function fit(hp: readonly number[], h: readonly number[]): { f: number; t: number } | null {
  // Any two draws with different h fix the line; the others must lie on it.
  const k = h.findIndex((x) => Math.abs(x - h[0]!) >= 1e-9);
  if (k < 0) return null;
  const dh = h[k]! - h[0]!;
  const f = (hp[k]! - hp[0]!) / dh;
  const t = hp[0]! - f * h[0]!;
  for (let d = 2; d < h.length; d++) if (!close(hp[d]!, f * h[d]! + t)) return null;
  return Math.abs(f) < 1e-12 ? null : { f, t };
}

/** Correspondences for the claim, or the reason they could not be inferred. */
export function inferCorrespondences(model: ClaimModel, rng: Rng, admitted: Admitted): Correspondences | { reason: string } {
  const { claim } = model;
  const acts: Activation[] = activationsOf([claim.lhs, claim.rhs]);
  const chosen = new Map(acts.map((a) => [a.key, realisations(a, admitted)[0]]));
  if ([...chosen.values()].some((r) => !r)) return { reason: "an activation has no concrete realisation to evaluate" };
  const act: ActFn<number> = (a, x) => chosen.get(a.key)!.float(x);
  if (claim.rhs.nodes.some((n) => entries(n.shape) > MAX_UNITS)) return { reason: `vectors wider than ${MAX_UNITS} units are too wide to match numerically; write the symmetry with permute, scale and flip` };
  // Matching is numeric, so a draw can be unlucky (two scalar values that coincide, a unit
  // whose values coincide on two draws): try fresh draws before giving up, so that a claim's
  // verdict does not hinge on one draw.
  let last: { reason: string } = { reason: "no draws" };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const r = inferOnce(model, rng, act);
    if (!("reason" in r)) return r;
    last = r;
  }
  return last;
}

function inferOnce(model: ClaimModel, rng: Rng, act: ActFn<number>): Correspondences | { reason: string } {
  const { claim } = model;
  // Two groups of draws with different scalar values: within a group the factors are
  // constants; across groups they reveal how the factors depend on the scalars. Every
  // scalar entry gets values of different magnitudes in the two groups, so that c, 1/c and
  // a constant factor are told apart.
  const a = sampleScalars(model, rng);
  if ("failed" in a) return { reason: a.failed };
  const b = sampleScalars(model, rng, a.values);
  if ("failed" in b) return { reason: b.failed };
  const first = a.values;
  const second = b.values;
  const scalarKeys = claim.transform.scalars.flatMap((s) => Array.from({ length: s.size }, (_, i) => ({ term: scalarTerm(s, i), key: (scalarTerm(s, i) as { s: { key: string } }).s.key })));
  const pin = (v: Map<string, Rational>) => new Map(scalarKeys.map(({ key }) => [key, v.get(key) ?? Rational.ZERO]));
  const groups = [pin(first), pin(second)].map((fixed) => Array.from({ length: DRAWS }, () => evaluate(model, sample(model, rng, fixed)!, act)));
  const monomials: { term: Term; at: (g: number) => number }[] = [{ term: ONE, at: () => 1 }];
  for (const { term, key } of scalarKeys) {
    const vals = [first, second].map((v) => (v.get(key) ?? Rational.ZERO).toNumber());
    if (vals.some((x) => x === 0)) continue;
    monomials.push({ term, at: (g) => vals[g]! }, { term: div(ONE, term), at: (g) => 1 / vals[g]! });
  }
  const out = new Map<string, NodeCorrespondence>();
  for (const v of claim.rhs.nodes) {
    const sources = claim.lhs.nodes.filter((u) => u.shape.join() === v.shape.join()).sort((a, b) => Number(b.name === v.name) - Number(a.name === v.name));
    let found: NodeCorrespondence | null = null;
    for (const u of sources) {
      const perm: number[] = [];
      const factor: Term[] = [];
      const shift: Term[] = [];
      for (let i = 0; i < entries(v.shape); i++) {
        const m = matchUnit(groups, v.name, i, u.name, entries(u.shape), monomials);
        if (!m) break;
        perm.push(m.j);
        factor.push(m.factor);
        shift.push(m.shift);
      }
      if (perm.length === entries(v.shape)) {
        found = { node: v.name, source: u.name, axes: v.shape.map((_, a) => a), sizes: v.shape, perm, factor, shift };
        break;
      }
    }
    if (!found) return { reason: `no unit of ${claim.lhs.name} matches every unit of ${claim.rhs.name}.${v.name} up to a factor and a shift` };
    out.set(v.name, found);
  }
  return out;
}

/**
 * Match unit i of right vector v with a unit j of left vector u. Vectors defined as an
 * activation are matched on their pre-activations (pre' = f pre, as the proof rule needs;
 * post-activation values are often 0 for ReLU), with the shift read off the values.
 */
function matchUnit(groups: Draw[][], v: string, i: number, u: string, size: number, monomials: readonly { term: Term; at: (g: number) => number }[]): { j: number; factor: Term; shift: Term } | null {
  const order = [i, ...Array.from({ length: size }, (_, k) => k).filter((k) => k !== i)].filter((k) => k < size);
  const onPre = groups[0]![0]!.rhsPre.has(v) && groups[0]![0]!.lhsPre.has(u);
  for (const j of order) {
    const fits = groups.map((g) => (onPre ? fit(g.map((d) => d.rhsPre.get(v)![i]!), g.map((d) => d.lhsPre.get(u)![j]!)) : fit(g.map((d) => d.rhs.get(v)![i]!), g.map((d) => d.lhs.get(u)![j]!))));
    if (fits.some((x) => x === null)) continue;
    const [a, b] = fits as { f: number; t: number }[];
    if (onPre) {
      if (!close(a!.t, 0) || !close(b!.t, 0)) continue;
      // The shift of the values: h' - f h, the same on every draw of a group.
      const shifts = groups.map((g, k) => g.map((d) => d.rhs.get(v)![i]! - [a!, b!][k]!.f * d.lhs.get(u)![j]!));
      if (!shifts.every((s) => s.every((x) => close(x, shifts[0]![0]!)))) continue;
      a!.t = shifts[0]![0]!;
      b!.t = shifts[1]![0]!;
    }
    const t = niceRational(a!.t);
    if (!t || !close(a!.t, b!.t)) continue;
    for (const m of monomials) {
      const k = niceRational(a!.f / m.at(0));
      if (k && close(k.toNumber() * m.at(1), b!.f)) return { j, factor: mul(num(k), m.term), shift: num(t) };
    }
  }
  return null;
}

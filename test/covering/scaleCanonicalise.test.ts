/**
 * scaleCanonicalise, the reference for canonical forms under permutations with positive
 * scalings (ReLU) or sign flips (tanh), in exact rationals: invariant on orbits, idempotent,
 * the same function. Negative controls: a negative scale on a ReLU unit (not a symmetry) and
 * a changed entry give other forms; a normaliser that halves every unit is not idempotent; the
 * negative scale changes f.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { flipUnit } from "../../src/covering/flipUnit.ts";
import { applyPermutations } from "../../src/covering/permuteUnits.ts";
import { scaleCanonicalise, undeterminedUnits, type UnitMove } from "../../src/covering/scaleCanonicalise.ts";
import { scaleUnit } from "../../src/covering/scaleUnit.ts";
import { paramCount } from "../../src/covering/paramCount.ts";
import { exact } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { law, negativeControl } from "../laws/law.ts";
import { ACTIVATIONS, fnOf, permArb } from "./arbitraries.ts";

const RUNS = 60;
const ratArb = fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: 1, max: 9 })).map(([n, d]) => Rational.of(n, d));
const posArb = fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 })).map(([n, d]) => Rational.of(n, d));

interface Draw {
  readonly widths: number[];
  readonly move: UnitMove;
  readonly theta: Rational[];
  /** Per hidden layer: a permutation and one factor per unit (c > 0 for "scale", +-1 for "flip", 1 for "none"). */
  readonly g: { perm: number[]; factors: Rational[] }[];
  readonly x: Rational[];
}

const drawArb: fc.Arbitrary<Draw> = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 5 }), fc.constantFrom<UnitMove>("scale", "flip", "none"))
  .chain(([widths, move]) =>
    fc.record({
      widths: fc.constant(widths),
      move: fc.constant(move),
      theta: fc.array(ratArb, { minLength: paramCount(widths), maxLength: paramCount(widths) }),
      g: fc.tuple(
        ...widths.slice(1, -1).map((d) =>
          fc.record({ perm: permArb(d), factors: fc.array(move === "scale" ? posArb : move === "flip" ? fc.constantFrom(Rational.ONE, Rational.of(-1)) : fc.constant(Rational.ONE), { minLength: d, maxLength: d }) }),
        ),
      ),
      x: fc.array(ratArb, { minLength: widths[0]!, maxLength: widths[0]! }),
    }),
  );

const movesOf = (d: Draw) => d.widths.slice(1, -1).map(() => d.move);
const canon = (d: Draw, theta: readonly Rational[]) => scaleCanonicalise(exact, d.widths, theta, movesOf(d));
const same = (a: readonly Rational[], b: readonly Rational[]) => a.length === b.length && a.every((v, i) => v.eq(b[i]!));
/** Canonical forms are a function of the orbit only where no unit is tied or undetermined. */
const determined = (d: Draw) => undeterminedUnits(exact, d.widths, canon(d, d.theta), movesOf(d)).every((n) => n === 0);

/** g theta: each unit multiplied by its factor (scaled or flipped), then the layers permuted. */
function act(d: Draw, theta: readonly Rational[], g = d.g): Rational[] {
  let out = [...theta];
  g.forEach((m, k) =>
    m.factors.forEach((c, i) => {
      if (c.sign() < 0 && d.move !== "scale") out = flipUnit(exact, d.widths, out, k + 1, i, false);
      else out = scaleUnit(exact, d.widths, out, k + 1, i, c);
    }),
  );
  return applyPermutations(d.widths, out, g.map((m) => m.perm));
}

/** g with unit 0 of the first hidden layer scaled by -2 (not a symmetry of ReLU). */
const negated = (d: Draw) => d.g.map((m, k) => (k === 0 ? { ...m, factors: [Rational.of(-2), ...m.factors.slice(1)] } : m));
const relu = (arb: fc.Arbitrary<Draw>) => arb.map((d) => ({ ...d, move: "scale" as const }));

describe("scaleCanonicalise: canonical forms under permutations with scalings or flips", () => {
  it("is invariant on orbits: canonical(g theta) = canonical(theta)", () => {
    law("canonical(g theta) = canonical(theta)", drawArb.filter(determined), (d) => same(canon(d, act(d, d.theta)), canon(d, d.theta)), { numRuns: RUNS });
    // Negative controls: a negative scale on a ReLU unit is no symmetry, nor is a changed entry.
    negativeControl("a ReLU unit scaled by -2 has the same canonical form", relu(drawArb).filter(determined), (d) => same(canon(d, act(d, d.theta, negated(d))), canon(d, d.theta)), { numRuns: RUNS });
    negativeControl("a changed entry has the same canonical form", drawArb.filter(determined), (d) => same(canon(d, act(d, d.theta.map((v, i) => (i === 0 ? v.add(Rational.of(1, 7)) : v)))), canon(d, d.theta)), { numRuns: RUNS });
  });
  it("is idempotent", () => {
    law("canonical(canonical(theta)) = canonical(theta)", drawArb, (d) => same(canon(d, canon(d, d.theta)), canon(d, d.theta)), { numRuns: RUNS });
    // Negative control: a normaliser that rescales every unit by 1/2 whatever its lead moves it again on the second pass.
    const halving = (d: Draw, t: readonly Rational[]) => act(d, scaleCanonicalise(exact, d.widths, t, movesOf(d).map(() => "none")), d.g.map((m) => ({ perm: m.perm.map((_, i) => i), factors: m.factors.map(() => Rational.of(1, 2)) })));
    negativeControl("a normaliser that halves every unit is idempotent", relu(drawArb), (d) => same(halving(d, halving(d, d.theta)), halving(d, d.theta)), { numRuns: RUNS });
  });
  it("computes the same function (exactly, for ReLU; tanh in float64)", () => {
    law("f_canonical = f_theta", drawArb, (d) => {
      const fn = fnOf(d.widths, d.move === "flip" ? ACTIVATIONS.tanh : ACTIVATIONS.relu);
      const c = canon(d, d.theta);
      if (d.move !== "flip") return same(fn.exact(c, d.x), fn.exact(d.theta, d.x));
      const [a, b] = [fn.float(c.map((v) => v.toNumber()), d.x.map((v) => v.toNumber())), fn.float(d.theta.map((v) => v.toNumber()), d.x.map((v) => v.toNumber()))];
      return a.every((v, i) => Math.abs(v - b[i]!) <= 1e-9 * (1 + Math.abs(b[i]!)));
    }, { numRuns: RUNS });
    // Negative control: the negative scale changes f (ReLU clips the other side).
    negativeControl("a ReLU unit scaled by -2 computes the same function", relu(drawArb), (d) => {
      const fn = fnOf(d.widths, ACTIVATIONS.relu);
      return same(fn.exact(act(d, d.theta, negated(d)), d.x), fn.exact(d.theta, d.x));
    }, { numRuns: RUNS });
  });
});

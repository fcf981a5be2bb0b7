import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evalSExpr } from "../../src/numeric/evaluate.ts";
import { exact } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { POOL } from "../../src/numeric/realise.ts";
import { law, negativeControl } from "../laws/law.ts";

const q = fc.tuple(fc.integer({ min: -200, max: 200 }), fc.integer({ min: 1, max: 50 })).map(([n, d]) => Rational.of(n, d));
const at = (c: (typeof POOL)[number], x: Rational) => evalSExpr(c.definition, exact, new Map([["z", x]]), () => Rational.ZERO);
const isOdd = (c: (typeof POOL)[number]) => (x: Rational) => at(c, x.neg()).eq(at(c, x).neg());
const isHomogeneous = (c: (typeof POOL)[number]) => ([x, k]: [Rational, Rational]) => at(c, x.mul(k)).eq(at(c, x).mul(k));
const positive = q.filter((k) => k.sign() > 0);

describe("the pool of concrete activations has the properties it claims", () => {
  for (const c of POOL) {
    it(c.description, () => {
      if (c.odd) law(`${c.description} is odd`, q, isOdd(c));
      else negativeControl(`${c.description} is not odd`, q, isOdd(c));
      if (c.positivelyHomogeneous) law(`${c.description} is positively homogeneous`, fc.tuple(q, positive), isHomogeneous(c));
      else negativeControl(`${c.description} is not positively homogeneous`, fc.tuple(q, positive), isHomogeneous(c));
    });
  }
  it("has at least one generic, one odd, one homogeneous and one odd-and-homogeneous candidate", () => {
    expect(POOL.some((c) => !c.odd && !c.positivelyHomogeneous)).toBe(true);
    expect(POOL.some((c) => c.odd && !c.positivelyHomogeneous)).toBe(true);
    expect(POOL.some((c) => !c.odd && c.positivelyHomogeneous)).toBe(true);
    expect(POOL.some((c) => c.odd && c.positivelyHomogeneous)).toBe(true);
  });
});

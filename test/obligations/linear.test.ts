import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linearize, splitLinear } from "../../src/obligations/linear.ts";
import { add, cmp, div, freeSym, mul, not, num } from "../../src/semantics/build.ts";
import { evalTerm } from "../../src/numeric/evaluate.ts";
import { exact } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import type { Sym, Term } from "../../src/semantics/types.ts";
import { noSpan } from "../../src/diagnostics/span.ts";
import { builtin } from "../../src/elaborate/activations.ts";
import { app } from "../../src/semantics/build.ts";
import { law, negativeControl } from "../laws/law.ts";

const isZ = (s: Sym) => s.kind === "free" && s.name.startsWith("z");
const z = (i: number) => freeSym(`z${i}`);
const p = (i: number) => freeSym(`p${i}`);

/** Random terms linear in z0..z2 with coefficients over p0..p2. */
const coef: fc.Arbitrary<Term> = fc.oneof(fc.integer({ min: -3, max: 3 }).map((k) => num(Rational.of(k))), fc.integer({ min: 0, max: 2 }).map(p));
const linearTerm: fc.Arbitrary<Term> = fc.array(fc.tuple(coef, fc.integer({ min: 0, max: 2 }), coef), { minLength: 1, maxLength: 4 }).map((parts) => add(...parts.map(([a, i, b]) => add(mul(a, z(i), b), div(b, num(Rational.of(2)))))));

const evalAt = (t: Term, values: number[]) => evalTerm(t, exact, (s) => Rational.of(values[Number(s.kind === "free" ? s.name.slice(1) : 0) + (s.kind === "free" && s.name.startsWith("z") ? 3 : 0)]!), () => Rational.ZERO);

describe("linearize", () => {
  it("coefficients and constant reproduce the term (law)", () => {
    law("sum_j coef_j z_j + constant = term", fc.tuple(linearTerm, fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 6, maxLength: 6 })), ([t, vals]) => {
      const l = linearize(t, isZ)!;
      const rebuilt = add(...[...l.coef].map(([k, c]) => mul(c, freeSym(k))), l.constant);
      return evalAt(rebuilt, vals).eq(evalAt(t, vals));
    });
  });
  it("negative control: dropping the constant part does not reproduce the term", () => {
    negativeControl("sum_j coef_j z_j = term", fc.tuple(linearTerm, fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 6, maxLength: 6 })), ([t, vals]) => {
      const l = linearize(t, isZ)!;
      return evalAt(add(...[...l.coef].map(([k, c]) => mul(c, freeSym(k)))), vals).eq(evalAt(t, vals));
    });
  });
  it("refuses non-linear terms", () => {
    expect(linearize(mul(z(0), z(1)), isZ)).toBeNull();
    expect(linearize(div(p(0), z(0)), isZ)).toBeNull();
    expect(linearize(app(builtin("relu"), z(0)), isZ)).toBeNull();
    expect(linearize(app(builtin("relu"), p(0)), isZ)).not.toBeNull();
  });
  it("splits an identity into one obligation per coefficient, plus the constant", () => {
    const goal = not(cmp("=", add(mul(p(0), z(0)), mul(p(1), z(1)), p(2)), add(mul(p(1), z(1)), mul(p(0), z(0)), p(2))));
    const parts = splitLinear({ id: "o", claim: "c", strategy: "compositional", origin: noSpan(), statement: "s", tracked: [{ name: "a0", label: "l", formula: cmp(">", p(2), num(Rational.ZERO)) }], goal, values: [] }, isZ)!;
    expect(parts.map((x) => x.statement)).toEqual(["s (the coefficient of z0)", "s (the coefficient of z1)", "s (the constant part)"]);
    expect(parts.map((x) => x.tracked.length)).toEqual([0, 0, 1]);
  });
});

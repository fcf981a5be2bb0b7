import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { polynomial, splitLinear } from "../../src/obligations/linear.ts";
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

/** Random terms linear in z0..z2 with coefficients over p0..p2, and products of two of them. */
const coef: fc.Arbitrary<Term> = fc.oneof(fc.integer({ min: -3, max: 3 }).map((k) => num(Rational.of(k))), fc.integer({ min: 0, max: 2 }).map(p));
const linearTerm: fc.Arbitrary<Term> = fc.array(fc.tuple(coef, fc.integer({ min: 0, max: 2 }), coef), { minLength: 1, maxLength: 4 }).map((parts) => add(...parts.map(([a, i, b]) => add(mul(a, z(i), b), div(b, num(Rational.of(2)))))));

const bilinearTerm: fc.Arbitrary<Term> = fc.tuple(linearTerm, linearTerm, linearTerm).map(([a, b, c]) => add(mul(a, b), c));

/** The term a polynomial stands for: sum of coefficient times monomial. */
const rebuild = (poly: Map<string, Term>, withConstant = true): Term => add(...[...poly].filter(([k]) => withConstant || k !== "").map(([k, c]) => mul(c, ...(k === "" ? [] : k.split("*").map((v) => freeSym(v))))));

const evalAt = (t: Term, values: number[]) => evalTerm(t, exact, (s) => Rational.of(values[Number(s.kind === "free" ? s.name.slice(1) : 0) + (s.kind === "free" && s.name.startsWith("z") ? 3 : 0)]!), () => Rational.ZERO);

describe("polynomial", () => {
  const vals = fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 6, maxLength: 6 });
  it("coefficients times monomials reproduce the term, linear or bilinear (law)", () => {
    law("sum_m coef_m m = term", fc.tuple(fc.oneof(linearTerm, bilinearTerm), vals), ([t, v]) => evalAt(rebuild(polynomial(t, isZ)!), v).eq(evalAt(t, v)));
  });
  it("negative control: dropping the constant part does not reproduce the term", () => {
    negativeControl("sum_m coef_m m without the constant = term", fc.tuple(linearTerm, vals), ([t, v]) => evalAt(rebuild(polynomial(t, isZ)!, false), v).eq(evalAt(t, v)));
  });
  it("refuses terms that are not polynomials in the variables", () => {
    expect(polynomial(mul(z(0), z(1)), isZ)).toEqual(new Map([["z0*z1", num(Rational.ONE)]]));
    expect(polynomial(div(p(0), z(0)), isZ)).toBeNull();
    expect(polynomial(app(builtin("relu"), z(0)), isZ)).toBeNull();
    expect(polynomial(app(builtin("relu"), p(0)), isZ)).not.toBeNull();
  });
  it("splits an identity into one obligation per coefficient, plus the constant", () => {
    const goal = not(cmp("=", add(mul(p(0), z(0)), mul(p(1), z(1)), p(2)), add(mul(p(1), z(1)), mul(p(0), z(0)), p(2))));
    const parts = splitLinear({ id: "o", claim: "c", strategy: "compositional", origin: noSpan(), statement: "s", tracked: [{ name: "a0", label: "l", formula: cmp(">", p(2), num(Rational.ZERO)) }], goal, values: [] }, isZ)!;
    expect(parts.map((x) => x.statement)).toEqual(["s (the coefficient of z0)", "s (the coefficient of z1)", "s (the constant part)"]);
    expect(parts.map((x) => x.tracked.length)).toEqual([0, 0, 1]);
  });
  it("splits a bilinear identity per monomial: each coefficient of q . k under A, inverse(A) is one entry of A B = I", () => {
    // sum_k (sum_j a_jk q_j)(sum_l b_kl k_l) = q_0 k_0 + q_1 k_1 with 2 x 2 matrices.
    const a = (i: number, j: number) => freeSym(`a${i}${j}`);
    const b = (i: number, j: number) => freeSym(`b${i}${j}`);
    const q = (i: number) => freeSym(`zq${i}`);
    const k = (i: number) => freeSym(`zk${i}`);
    const isStand = (s: Sym) => s.kind === "free" && s.name.startsWith("z");
    const lhs = add(...[0, 1].map((kk) => mul(add(...[0, 1].map((j) => mul(a(j, kk), q(j)))), add(...[0, 1].map((l) => mul(b(kk, l), k(l)))))));
    const rhs = add(mul(q(0), k(0)), mul(q(1), k(1)));
    const parts = splitLinear({ id: "o", claim: "c", strategy: "compositional", origin: noSpan(), statement: "s", tracked: [], goal: not(cmp("=", lhs, rhs)), values: [] }, isStand)!;
    expect(parts.map((x) => x.statement)).toEqual(["s (the coefficient of zk0 zq0)", "s (the coefficient of zk0 zq1)", "s (the coefficient of zk1 zq0)", "s (the coefficient of zk1 zq1)", "s (the constant part)"]);
    // The coefficient of q_j k_l is sum_k a_jk b_kl, entry (j, l) of A B.
    expect(parts.every((x) => x.tracked.length === 0)).toBe(true);
  });
});

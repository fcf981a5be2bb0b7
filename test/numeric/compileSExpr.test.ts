/**
 * compileSExpr (numeric/evaluate.ts) is the interpreter evalSExpr compiled once: on random
 * definitions (conditions, max/min, nested relu and relu6) and random points, the two agree
 * exactly in rationals and bit for bit in float64. Negative control: against the
 * interpreter at a shifted point, they differ.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import type { Activation, SExpr } from "../../src/elaborate/types.ts";
import { compileSExpr, evalSExpr, type ActFn } from "../../src/numeric/evaluate.ts";
import { exact, float64 } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { expr } from "../helpers/sexpr.ts";
import { law, negativeControl } from "../laws/law.ts";

const exactAct: ActFn<Rational> = (a: Activation, x) => evalSExpr(a.definition!, exact, new Map([[a.param, x]]), exactAct);
const floatAct: ActFn<number> = (a: Activation, x) => evalSExpr(a.definition!, float64, new Map([[a.param, x]]), floatAct);
const point = fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: 1, max: 7 })).map(([n, d]) => Rational.of(n, d));
const cases = fc.tuple(expr, point);

const agreeExact = ([def, x]: [SExpr, Rational], shift = Rational.ZERO) => compileSExpr(def, exact, "z", exactAct)(x).eq(evalSExpr(def, exact, new Map([["z", x.add(shift)]]), exactAct));
const agreeFloat = ([def, x]: [SExpr, Rational]) => Object.is(compileSExpr(def, float64, "z", floatAct)(x.toNumber()), evalSExpr(def, float64, new Map([["z", x.toNumber()]]), floatAct));

describe("compileSExpr", () => {
  it("equals evalSExpr exactly (law)", () => law("compiled = interpreted (rationals)", cases, (c) => agreeExact(c), { numRuns: 400 }));
  it("equals evalSExpr bit for bit in float64 (law)", () => law("compiled = interpreted (float64)", cases, agreeFloat, { numRuns: 400 }));
  it("negative control: against the interpreter at x + 1, they differ", () => negativeControl("compiled(x) = interpreted(x + 1)", cases, (c) => agreeExact(c, Rational.ONE)));
});

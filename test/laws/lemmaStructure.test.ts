/**
 * Activation lemmas by structure (src/symbolic/structure.ts, README "Activation lemmas by
 * structure"), cross-checked: whenever the rules say an activation is positively homogeneous
 * or odd, the identity holds exactly at random rationals (many draws) and Z3 proves it
 * (fewer draws, each a solver call). Each rule has a worked example the solver proves and a
 * negative control: the same expression with the rule's condition taken away, which the
 * rules do not cover and the solver refutes.
 */
import { afterAll, describe, expect, it } from "vitest";
import { readAnswer } from "../../src/backends/smtlib/answer.ts";
import { printObligation } from "../../src/backends/smtlib/print.ts";
import { SolverPool } from "../../src/backends/z3/pool.ts";
import { noSpan } from "../../src/diagnostics/span.ts";
import { builtin } from "../../src/elaborate/activations.ts";
import type { Activation, SExpr } from "../../src/elaborate/types.ts";
import { evalSExpr } from "../../src/numeric/evaluate.ts";
import { exact } from "../../src/numeric/field.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { lemmaObligation } from "../../src/symbolic/strategy.ts";
import { lemmaByStructure } from "../../src/symbolic/structure.ts";
import { app, bin, defined, expr, ite, k, relu6, tanh, z } from "../helpers/sexpr.ts";
import type { Lemma } from "../../src/symbolic/rules.ts";
import { law, lawAsync, negativeControl } from "./law.ts";

const pool = new SolverPool(1);
afterAll(() => pool.close());

const act = (a: Activation, x: Rational): Rational => evalSExpr(a.definition!, exact, new Map([[a.param, x]]), act);
const f = (def: SExpr, x: Rational) => evalSExpr(def, exact, new Map([["z", x]]), act);
const samples = [Rational.of(3), Rational.of(-5, 2), Rational.of(1, 7), Rational.of(-1), Rational.ZERO, Rational.of(13, 3)];
const scales = [Rational.of(2), Rational.of(1, 3), Rational.of(7, 5)];

/** The identity at the sample points, in exact rationals. */
function holdsAtSamples(def: SExpr, kind: "pos" | "odd"): boolean {
  for (const x of samples) {
    if (kind === "odd" && !f(def, x.neg()).eq(f(def, x).neg())) return false;
    if (kind === "pos") for (const c of scales) if (!f(def, c.mul(x)).eq(c.mul(f(def, x)))) return false;
  }
  return true;
}

/** Z3's answer on the lemma for this definition. */
async function solverAnswer(def: SExpr | Activation, kind: "pos" | "odd"): Promise<string> {
  const lemma: Lemma = { act: "key" in def ? def : defined(def), kind };
  const ob = lemmaObligation({ name: "c", span: noSpan() }, lemma);
  const answer = await pool.run(printObligation(ob, { queries: false }).text, 30_000);
  return answer.kind === "output" ? readAnswer(answer.text, 0).kind : answer.kind;
}

const covers = (def: SExpr, kind: "pos" | "odd") => lemmaByStructure({ act: defined(def), kind }) !== null;

describe("activation lemmas by structure: laws", () => {
  for (const kind of ["pos", "odd"] as const) {
    it(`${kind}: whenever the rules say so, the identity holds exactly at sample points (law)`, () => {
      let covered = 0;
      law(`structure(${kind}) implies the identity`, expr, (def) => !covers(def, kind) || (covered++, holdsAtSamples(def, kind)), { numRuns: 400 });
      // Not vacuous: a good share of the random definitions are covered.
      expect(covered).toBeGreaterThan(20);
    });

    it(`${kind}: whenever the rules say so, Z3 proves the lemma (law)`, async () => {
      await lawAsync(`structure(${kind}) implies unsat`, expr.filter((d) => covers(d, kind)), async (def) => (await solverAnswer(def, kind)) === "unsat", { numRuns: 15 });
    }, 300_000);

    it(`negative control (${kind}): the identity does not hold for every random definition`, () => {
      negativeControl(`every definition satisfies ${kind}`, expr, (def) => holdsAtSamples(def, kind), { minFailureShare: 0.2 });
    });
  }
});

/** Each rule: an example it covers (Z3 proves the lemma), and the rule's condition taken away (not covered; Z3 refutes). */
const RULES: { rule: string; kind: "pos" | "odd"; valid: SExpr; broken: SExpr }[] = [
  { rule: "H2: only the constant 0", kind: "pos", valid: bin("add", z, k(0)), broken: bin("add", z, k(1)) },
  { rule: "H3: sums of homogeneous parts", kind: "pos", valid: bin("sub", bin("max", z, k(0)), z), broken: bin("sub", bin("max", z, k(1)), z) },
  { rule: "H4: products with a constant only", kind: "pos", valid: bin("mul", k(3), z), broken: bin("mul", z, z) },
  { rule: "H4: quotients by a constant only", kind: "pos", valid: bin("div", z, k(-2)), broken: bin("div", z, bin("add", z, k(2))) },
  { rule: "H5: max and min of homogeneous parts", kind: "pos", valid: bin("min", z, bin("mul", k(1, 2), z)), broken: bin("min", z, k(6)) },
  { rule: "H6: a condition comparing homogeneous parts", kind: "pos", valid: ite(">=", z, k(0), z, bin("mul", k(1, 10), z)), broken: ite(">=", z, k(1), z, k(0)) },
  { rule: "H7: a nested activation that is homogeneous", kind: "pos", valid: app(builtin("relu"), bin("mul", k(2), z)), broken: app(relu6, z) },
  { rule: "O2: only the constant 0", kind: "odd", valid: bin("sub", z, k(0)), broken: bin("sub", z, k(1)) },
  { rule: "O3: sums of odd parts", kind: "odd", valid: bin("add", z, bin("mul", k(-2), z)), broken: bin("add", z, app(builtin("relu"), z)) },
  { rule: "O4: products with a constant only", kind: "odd", valid: bin("mul", z, k(5)), broken: bin("mul", z, z) },
  { rule: "O5: a nested activation that is odd", kind: "odd", valid: app(builtin("identity"), { k: "neg", a: z }), broken: app(builtin("leaky_relu"), z) },
  { rule: "O1, and max is not covered for oddness (max(-x, -y) = -min(x, y))", kind: "odd", valid: z, broken: bin("max", z, { k: "neg", a: z }) },
];

describe("activation lemmas by structure: each rule and its condition", () => {
  for (const r of RULES) {
    it(r.rule, async () => {
      expect(covers(r.valid, r.kind)).toBe(true);
      expect(await solverAnswer(r.valid, r.kind)).toBe("unsat");
      expect(covers(r.broken, r.kind)).toBe(false);
      expect(await solverAnswer(r.broken, r.kind)).toBe("sat");
    }, 60_000);
  }

  it("the built-ins: relu, leaky_relu and identity are homogeneous, identity is odd, relu and leaky_relu are not odd", () => {
    const by = (a: Activation, kind: "pos" | "odd") => lemmaByStructure({ act: a, kind });
    expect(by(builtin("relu"), "pos")?.rules).toEqual(["H1", "H2", "H6"]);
    expect(by(builtin("leaky_relu", Rational.of(1, 100)), "pos")).not.toBeNull();
    expect(by(builtin("identity"), "odd")).not.toBeNull();
    expect(by(builtin("relu"), "odd")).toBeNull();
    expect(by(builtin("leaky_relu", Rational.of(1, 100)), "odd")).toBeNull();
  });

  it("an uninterpreted activation: only a declared property, which the proof lists as its assumption", () => {
    expect(lemmaByStructure({ act: tanh, kind: "odd" })).toEqual({ rules: ["a declared property"], axioms: ["tanh is odd"] });
    expect(lemmaByStructure({ act: tanh, kind: "pos" })).toBeNull();
    expect(lemmaByStructure({ act: builtin("gelu"), kind: "odd" })).toBeNull();
    // A nested uninterpreted activation is left to the solver, even with the property.
    expect(covers(app(tanh, z), "odd")).toBe(false);
  });
});

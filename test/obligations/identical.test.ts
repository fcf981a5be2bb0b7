/**
 * The expansion rule (src/obligations/identical.ts), cross-checked by the solver: whenever
 * it says two terms are equal, Z3 proves the identity; rearranged terms (commuted,
 * distributed, split constants) are recognised; a perturbed term never is (negative control).
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readAnswer } from "../../src/backends/smtlib/answer.ts";
import { printObligation } from "../../src/backends/smtlib/print.ts";
import { SolverPool } from "../../src/backends/z3/pool.ts";
import { noSpan } from "../../src/diagnostics/span.ts";
import { builtin } from "../../src/elaborate/activations.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { identical } from "../../src/obligations/identical.ts";
import { add, app, cmp, freeSym, mul, not, num } from "../../src/semantics/build.ts";
import type { Term } from "../../src/semantics/types.ts";
import { lawAsync, law, negativeControl } from "../laws/law.ts";

const pool = new SolverPool(1);
afterAll(() => pool.close());

const v = (i: number) => freeSym(`v${i}`);
const k = (n: number) => num(Rational.of(n));

/** Random sums of products over v0..v3, constants and one opaque atom relu(v0). */
const leaf: fc.Arbitrary<Term> = fc.oneof(fc.integer({ min: 0, max: 3 }).map(v), fc.integer({ min: -3, max: 3 }).map(k), fc.constant(app(builtin("relu"), v(0))));
const term: fc.Arbitrary<Term> = fc.array(fc.array(leaf, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }).map((ps) => add(...ps.map((f) => mul(...f))));

/** The same value written differently: summands reversed and doubled, the whole halved; factors reversed. */
function rearrange(t: Term): Term {
  if (t.t === "add") return mul(num(Rational.of(1, 2)), add(...[...t.args].reverse().map((a) => mul(k(2), rearrange(a)))));
  if (t.t === "mul") return mul(...[...t.args].reverse());
  return t;
}

/** `t` with one more term: never the same polynomial (v3 * v2 * v1 * 7 has no cancelling partner in `t` plus itself). */
const perturb = (t: Term): Term => add(t, mul(k(7), v(3), v(2), v(1), v(0), v(0), v(0), v(0)));

const unsat = async (a: Term, b: Term): Promise<boolean> => {
  const script = printObligation({ id: "i", claim: "c", strategy: "compositional", origin: noSpan(), statement: "s", tracked: [], goal: not(cmp("=", a, b)), values: [] }, { queries: false });
  const answer = await pool.run(script.text, 20_000);
  return answer.kind === "output" && readAnswer(answer.text, 0).kind === "unsat";
};

describe("equality by expansion", () => {
  it("recognises rearranged terms (law)", () => {
    law("identical(t, rearranged t)", term, (t) => identical(t, rearrange(t)));
  });

  it("whenever it says equal, Z3 proves the identity (law)", async () => {
    await lawAsync("identical implies unsat", term, async (t) => !identical(t, rearrange(t)) || (await unsat(t, rearrange(t))), { numRuns: 25 });
  }, 120_000);

  it("negative control: a perturbed term is never identical", () => {
    negativeControl("identical(t, perturbed t)", term, (t) => identical(t, perturb(t)));
    law("perturbed terms differ", term, (t) => !identical(t, perturb(t)));
  });

  it("atoms are opaque: equal arguments only when structurally equal (a false 'different' is safe)", () => {
    expect(identical(app(builtin("relu"), add(v(0), v(1))), app(builtin("relu"), add(v(0), v(1))))).toBe(true);
    expect(identical(app(builtin("relu"), add(v(0), v(1))), app(builtin("relu"), add(v(1), v(0))))).toBe(false);
    expect(identical(mul(v(0), add(v(1), v(2))), add(mul(v(0), v(2)), mul(v(1), v(0))))).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { printObligation } from "../../src/backends/smtlib/print.ts";
import { noSpan } from "../../src/diagnostics/span.ts";
import type { Obligation } from "../../src/obligations/types.ts";
import { cmp, freeSym, not } from "../../src/semantics/build.ts";
import { decide } from "../../src/verdicts/decide.ts";

const ob: Obligation = {
  id: "o",
  claim: "c",
  strategy: "monolithic",
  origin: noSpan(),
  statement: "s",
  tracked: [{ name: "a0", label: "tanh is odd", formula: cmp(">", freeSym("x"), freeSym("y")) }],
  goal: not(cmp("=", freeSym("x"), freeSym("y"))),
  values: [],
};
const script = printObligation(ob);
const never = () => {
  throw new Error("must not replay");
};
const out = (text: string) => ({ kind: "solver" as const, answer: { kind: "output" as const, text, ms: 5 }, script });

describe("decide", () => {
  it("unsat with the goal in the core proves, reporting the tracked assumptions in the core", () => {
    expect(decide(ob, out("unsat\n@reason\n(:reason-unknown \"unknown\")\n@core\n(a0 goal)\n"), never)).toMatchObject({ kind: "proved", axiomsUsed: ["tanh is odd"] });
  });
  it("unsat without the goal is only vacuous truth: unknown", () => {
    expect(decide(ob, out("unsat\n@core\n(a0)\n"), never)).toMatchObject({ kind: "unknown", reason: expect.stringContaining("vacuously") });
  });
  it("unknown keeps the solver's reason", () => {
    expect(decide(ob, out('unknown\n@reason\n(:reason-unknown "(incomplete (theory arithmetic))")\n'), never)).toMatchObject({ kind: "unknown", reason: expect.stringContaining("incomplete") });
  });
  it("a solver error is never a proof, even with unsat", () => {
    expect(decide(ob, out('(error "line 3 column 5: unknown constant x")\nunsat\n@core\n(goal)\n'), never)).toMatchObject({ kind: "unknown", reason: expect.stringContaining("solver error") });
  });
  it("timeouts and crashes are unknown with their reason", () => {
    expect(decide(ob, { kind: "solver", answer: { kind: "timeout", ms: 30000 }, script }, never)).toMatchObject({ kind: "unknown", reason: expect.stringContaining("30.0 s") });
    expect(decide(ob, { kind: "solver", answer: { kind: "crash", message: "out of memory", ms: 1 }, script }, never)).toMatchObject({ kind: "unknown", reason: "solver crashed: out of memory" });
  });
  it("sat is refuted only if the candidate replays", () => {
    const withValues: Obligation = { ...ob, values: [freeSym("x")] };
    const s2 = printObligation(withValues);
    const answer = { kind: "solver" as const, answer: { kind: "output" as const, text: "sat\n@values\n((|x| 1.0))\n", ms: 5 }, script: s2 };
    expect(decide(withValues, answer, () => ({ ok: false, reason: "both sides agree at these values" }))).toMatchObject({ kind: "unknown", reason: expect.stringContaining("did not replay") });
  });
  it("sat on a compositional step (no values asked) is unknown, never refuted", () => {
    expect(decide(ob, out("sat\n"), never)).toMatchObject({ kind: "unknown", reason: expect.stringContaining("violate this step") });
  });
});

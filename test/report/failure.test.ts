/**
 * The one-line failure summaries shared by the CI reporters and the vitest helper.
 */
import { describe, expect, it } from "vitest";
import { failureMessage, witnessSummary } from "../../src/report/failure.ts";
import type { ClaimReport } from "../../src/report/types.ts";
import type { Witness } from "../../src/verdicts/types.ts";

const witness: Witness = {
  source: "solver model",
  replay: "float64",
  parameters: {},
  layers: [],
  scalars: { c: "3/2", d: [1, 2] },
  input: { x: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"] },
  outputs: { lhs: ["1/2"], rhs: [0.25] },
  activations: { sigma: { realisation: "z/2", points: [] } },
};

const claim = (over: Partial<ClaimReport>): ClaimReport => ({ name: "c", expect: "proved", verdict: "refuted", ok: false, ms: 0, strategy: "monolithic", axiomsUsed: [], witness, replayed: true, reason: null, line: 1, column: 1, ...over });

describe("failure summaries", () => {
  it("shortens long vectors and names every part of a witness", () => {
    expect(witnessSummary(witness)).toBe("input x = [1, 2, 3, 4, 5, 6, ... (10 values)]; outputs: left [1/2], right [0.25]; scalar c = 3/2; scalar d = [1, 2]; sigma realised as z/2");
  });

  it("says what was expected, what came, and the evidence", () => {
    expect(failureMessage(claim({}))).toBe(`expected proved, got refuted (solver model, replayed in float64): ${witnessSummary(witness)}`);
    expect(failureMessage(claim({ expect: "refuted", verdict: "proved", witness: null, axiomsUsed: ["odd(sigma)"], strategy: "compositional" }))).toBe("expected refuted, got proved (compositional; axioms: odd(sigma))");
    expect(failureMessage(claim({ verdict: "unknown", witness: null, reason: "timeout after 30 s" }))).toBe("expected proved, got unknown: timeout after 30 s");
    expect(failureMessage(claim({ verdict: "error", witness: null, reason: "see above" }))).toBe("claim c has errors: see above");
    expect(failureMessage(claim({ ok: true, verdict: "proved" }))).toBe("");
  });
});

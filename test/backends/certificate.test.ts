/**
 * The certificate print mode: the same declarations, definitions and assertions as the
 * script the Z3 backend solves, without solver-specific options and queries; the default
 * output is unchanged (the explain goldens pin it byte for byte).
 */
import { describe, expect, it } from "vitest";
import { printObligation } from "../../src/backends/smtlib/print.ts";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import { obligationsOf } from "../../src/explain.ts";
import { claimModel } from "../../src/semantics/claim.ts";
import { load } from "../../src/syntax/load.ts";

const SOURCE = `
network R = mlp(2 -> 2 -> 1, relu)
network T = mlp(2 -> 2 -> 1, tanh)
theorem scaled: R ~ R after scale R.h1[0] by 2
theorem flipped: T ~ T after flip T.h1[1]
`;

function obligations(strategy: "compositional" | "monolithic") {
  const module = elaborate(load("cert.neq", SOURCE, () => null));
  expect(module.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return module.claims.flatMap((c) => obligationsOf(strategy, claimModel(c)).map((o) => o.ob));
}

const OPTIONS_AND_QUERIES = /^\(set-option :(produce-models|timeout|random-seed|pp\.)|^\(echo |^\(get-(info|value|unsat-core)/;

describe("certificate print mode", () => {
  for (const strategy of ["compositional", "monolithic"] as const) {
    it(`keeps the ${strategy} obligations' formulas and drops solver-specific commands`, () => {
      const obs = obligations(strategy);
      expect(obs.length).toBeGreaterThan(0);
      for (const ob of obs) {
        // Compared without the values a witness would need: asking for them only names more
        // shared subterms (the monolithic strategy asks; the formulas are the same).
        const solved = printObligation({ ...ob, values: [] }, { timeoutMs: 1000, seed: 7 }).text.split("\n");
        const cert = printObligation(ob, { certificate: true, timeoutMs: 1000, seed: 7, comments: true }).text.split("\n");
        expect(cert.filter((l) => !OPTIONS_AND_QUERIES.test(l))).toEqual(solved.filter((l) => !OPTIONS_AND_QUERIES.test(l)));
        expect(cert.slice(0, 2)).toEqual(["(set-option :produce-unsat-cores true)", "(set-logic ALL)"]);
        expect(cert.slice(-4)).toEqual(["(check-sat)", '(echo "@core")', "(get-unsat-core)", ""]);
        expect(cert.some((l) => l.startsWith(";") || /produce-models|:timeout|random-seed|get-value|get-info/.test(l))).toBe(false);
      }
    });
  }

  it("ignores the values a witness would need", () => {
    const ob = obligations("monolithic")[0]!;
    expect(ob.values.length).toBeGreaterThan(0);
    expect(printObligation(ob, { certificate: true }).text).toBe(printObligation({ ...ob, values: [] }, { certificate: true }).text);
    expect(printObligation(ob, { certificate: true }).asked).toEqual([]);
  });
});

/**
 * Reading echo markers: z3 prints `(echo "@core")` bare, cvc5 quoted (as SMT-LIB 2.6 asks).
 * Both must give the same answer; anything else must not be taken for a marker.
 */
import { describe, expect, it } from "vitest";
import { readAnswer, section } from "../../src/backends/smtlib/answer.ts";

describe("echo markers, bare and quoted", () => {
  it("finds a section after a bare (z3) and a quoted (cvc5) marker", () => {
    expect(section("unsat\n@core\n(a0 goal)\n", "@core")).toBe("(a0 goal)\n");
    expect(section('unsat\n"@core"\n(\ngoal\na0\n)\n', "@core")).toBe("(\ngoal\na0\n)\n");
    // A section ends at the next marker, in either style.
    expect(section('sat\n"@reason"\n(:reason-unknown "x")\n"@core"\n(error "e")\n', "@reason")).toBe('(:reason-unknown "x")\n');
    expect(section("unsat\r\n@core\r\n(goal)\r\n", "@core")).toBe("(goal)\r\n");
  });

  it("reads the same unsat core from z3's and cvc5's output", () => {
    const z3 = readAnswer("unsat\n@core\n(a0 goal)\n", 0);
    const cvc5 = readAnswer('unsat\n"@core"\n(\ngoal\na0\n)\n', 0);
    expect(z3).toEqual({ kind: "unsat", core: ["a0", "goal"] });
    expect(cvc5).toEqual({ kind: "unsat", core: ["goal", "a0"] });
  });

  it("reads sat with the core request refused, in both solvers' words", () => {
    expect(readAnswer('sat\n@core\n(error "line 8 column 15: unsat core is not available")\n', 0).kind).toBe("sat");
    expect(readAnswer('sat\n"@core"\n(error "Cannot get unsat core unless in unsat mode.")\n', 0).kind).toBe("sat");
  });

  it("takes only whole, balanced marker lines (negative control)", () => {
    expect(section('unsat\n"@core\n(goal)\n', "@core")).toBe("");
    expect(section("unsat\nx@core\n(goal)\n", "@core")).toBe("");
    expect(section("unsat\n@cores\n(goal)\n", "@core")).toBe("");
    expect(readAnswer('unsat\n"@core\n(goal)\n', 0)).toEqual({ kind: "unsat", core: [] });
  });
});

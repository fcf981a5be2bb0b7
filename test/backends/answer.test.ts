import { describe, expect, it } from "vitest";
import { readAnswer, realValue, sexps } from "../../src/backends/smtlib/answer.ts";

describe("reading solver answers", () => {
  it("reads real values exactly, and approximations of algebraic numbers", () => {
    const [v] = sexps("((x (- (/ 3.0 4.0))) (y 2.0))");
    expect((v as string[][]).map((p) => realValue(p[1]!)!.toString())).toEqual(["-3/4", "2"]);
    const text = 'sat\n@reason\n(:reason-unknown "unknown")\n@core\n(error "line 1 column 2: unsat core is not available")\n@values\n((x (root-obj (+ (^ x 2) (- 2)) 2)) (y 2.0))\n@decimal\n((x 1.41421356237309504880168872420?) (y 2.0))\n';
    const r = readAnswer(text, 2);
    expect(r.kind).toBe("sat");
    if (r.kind === "sat") {
      expect(r.approximated).toBe(true);
      expect(r.values[0]!.toNumber()).toBeCloseTo(Math.SQRT2, 15);
      expect(r.values[1]!.toString()).toBe("2");
    }
  });
  it("treats any unexpected error as an error, even next to unsat", () => {
    expect(readAnswer('(error "line 9: invalid command")\nunsat\n@core\n(goal)\n', 0).kind).toBe("error");
    expect(readAnswer('unsat\n@core\n(goal)\n@values\n(error "line 3 column 1: model is not available")\n', 1)).toEqual({ kind: "unsat", core: ["goal"] });
  });
});

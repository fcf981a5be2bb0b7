/**
 * Network families and quantified claims in the elaborator: the instances a claim is checked
 * at, and a located error for each way of writing one wrong.
 */
import { describe, expect, it } from "vitest";
import { codes, module } from "../helpers/module.ts";

const FAMILY = "network N(n, m) = mlp(3 -> n -> m -> 1, relu)\n";

describe("network families and quantified claims", () => {
  it("a claim over every size is elaborated at probe sizes, the first reported", () => {
    const m = module(`${FAMILY}theorem t: forall n, m >= 1. forall P: perm(n). N(n, m) ~ N(n, m) after permute N.h1 by P\n`);
    expect(codes(m)).toEqual([]);
    const c = m.claims[0]!;
    expect(c.universal?.at).toBe("n=2, m=2");
    expect(c.universal?.sizes).toEqual([{ name: "n", min: 1 }, { name: "m", min: 1 }]);
    expect(c.universal?.perms).toEqual(["P"]);
    expect(c.universal?.instances.map((i) => i.universal?.at)).toEqual(["n=1, m=1", "n=3, m=3", "n=4, m=2", "n=2, m=4"]);
    // The instance's network has the instance's sizes, and P is a permutation that moves every unit.
    expect(c.lhs.params.find((p) => p.name === "W0")!.shape).toEqual([2, 3]);
    const step = c.transform.steps[0]!;
    expect(step.k === "permuteAxes" && step.perm).toEqual([1, 0]);
    expect(step.k === "permuteAxes" && step.symbol).toBe("t.P");
  });

  it("a lower bound applies to the sizes before it in its quantifier", () => {
    const m = module(`${FAMILY}theorem t: forall n. forall m >= 3. N(n, m) ~ N(n, m)\n`);
    expect(m.claims[0]!.universal?.sizes).toEqual([{ name: "n", min: 1 }, { name: "m", min: 3 }]);
  });

  it("scalar group elements become the claim's scalars, with their conditions", () => {
    const m = module(`${FAMILY}theorem t: forall c: pos(2), s: sign(2), A: gl(2). N(2, 2) ~ N(2, 2) after scale N.h1 by c then scale N.h2 by s\n`);
    expect(codes(m)).toEqual([]);
    const texts = m.claims[0]!.transform.scalars.map((x) => x.conditionText);
    expect(texts).toEqual(["c > 0", "s = 1 or s = -1", null, null]);
    expect(m.claims[0]!.transform.conditions.length).toBe(4);
  });

  const errors: [string, string, string][] = [
    ["a family without sizes", `${FAMILY}theorem t: N ~ N\n`, "ELB009"],
    ["sizes for a plain network", "network P = mlp(1 -> 2 -> 1, relu)\ntheorem t: P(2) ~ P(2)\n", "ELB009"],
    ["an unknown group", `${FAMILY}theorem t: forall X: perms(2). N(2, 2) ~ N(2, 2)\n`, "ELB006"],
    ["a variable quantified twice", `${FAMILY}theorem t: forall n. forall n. N(n, n) ~ N(n, n)\n`, "ELB002"],
    ["an undeclared permutation variable", `${FAMILY}theorem t: N(2, 2) ~ N(2, 2) after permute N.h1 by P\n`, "ELB006"],
    ["a permutation of the wrong size", `${FAMILY}theorem t: forall n >= 1. forall P: perm(3). N(n, 2) ~ N(n, 2) after permute N.h1 by P\n`, "ELB004"],
    ["a size in arithmetic inside a family", "network F(n) { input x[2]; param W[n, 2], V[1, n]; h = relu(W x); out[r] = sum[o: n + (n - 2) * (n - 3)] V[r, o] * h[o] }\ntheorem t: forall n >= 1. F(n) ~ F(n)\n", "ELB033"],
    ["a size in an index inside a family", "network F(n) { input x[2]; param W[n, 2], V[1, n]; h = relu(W x); out[r] = sum[o:n] V[r, o] * h[o + n - n] }\ntheorem t: forall n >= 1. F(n) ~ F(n)\n", "ELB033"],
    ["arithmetic on the sizes of a quantified claim", `${FAMILY}theorem t: forall n >= 1. N(n + 1, 2) ~ N(n + 1, 2)\n`, "ELB033"],
    ["a claim that does not elaborate at a probe size", `${FAMILY}theorem t: forall n >= 1. N(n, 2) ~ N(n, 2) after permute N.h1 by (0 1)\n`, "ELB032"],
  ];
  for (const [what, text, code] of errors) {
    it(`${what}: ${code}, located`, () => {
      const m = module(text);
      expect(codes(m)).toContain(code);
      const d = m.diagnostics.find((x) => x.code === code)!;
      expect(d.span.start).toBeGreaterThan(0);
      expect(m.claims).toEqual([]);
    });
  }
});

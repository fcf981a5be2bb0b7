/**
 * Regressions from the soundness review: each claim below is false (or true) and once got
 * a wrong verdict. None may be proved when false, or refuted when true.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { codes, module } from "../helpers/module.ts";

/** Write files into a fresh folder and run `neteq check --reporter json` there. */
async function check(files: Record<string, string>, ...flags: string[]): Promise<Record<string, string>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-regression-"));
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text);
  const r = await cli(["check", "--reporter", "json", ...flags, ...Object.keys(files)], dir);
  const verdicts: Record<string, string> = {};
  for (const f of JSON.parse(r.stdout).files) for (const c of f.claims) verdicts[`${f.path}:${c.name}`] = c.verdict;
  return verdicts;
}

describe("soundness regressions", () => {
  it("an input and a parameter that share a name are different symbols", async () => {
    const v = await check({ "a.neq": "network A { input u[1]; param x[1]; out u + x }\nnetwork B { input u[1]; param x[1]; out x + x }\ntheorem bogus: A ~ B\n" }, "--no-cache");
    expect(v["a.neq:bogus"]).toBe("refuted");
  });

  it("two activations with the same name are different functions", async () => {
    const v = await check({ "a.neq": "activation f(z) = z\nnetwork A = mlp(1 -> 1 -> 1, f)\nfor k in 2..2 {\n  activation f(z) = 2 * z\n  network B = mlp(1 -> 1 -> 1, f)\n  theorem wrong: A ~ B\n}\n" }, "--no-cache");
    expect(v["a.neq:wrong[k=2]"]).toBe("refuted");
  });

  it("the cache tells apart activations that call different definitions of the same name", async () => {
    const body = "activation r(z) = g(z)\nnetwork N = mlp(1 -> 2 -> 1, r)\nsymmetry sc(c > 0) = scale N.h1[0] by c\ntheorem t: N ~ N after sc\n";
    const files = { "a.neq": `activation g(z) = z\n${body}`, "b.neq": `activation g(z) = if z > 1000 then 2 * z else z\n${body}` };
    const v = await check(files);
    expect(v["a.neq:t"]).toBe("proved");
    expect(v["b.neq:t"]).not.toBe("proved");
  }, 60_000);

  it("shared subterms are named where they are defined, so different formulas get different forms", async () => {
    const text = "activation k(z) = if z > 1000 then z else 0\nnetwork P { input x[1]; param a[1,1], b[1,1], c[1]; h = k(a x); g = k(b x + c); out h + g + h }\nnetwork Q { input x[1]; param a[1,1], b[1,1], c[1]; h = k(a x); g = k(b x + c); out h + g + g }\ntheorem t1: P ~ P\ntheorem t2: Q ~ P\n";
    for (let run = 0; run < 2; run++) expect((await check({ "a.neq": text }, "--strategy", "monolithic"))["a.neq:t2"]).not.toBe("proved");
  }, 60_000);

  it("realisations admitted for one activation's axioms are not reused for another of the same name", async () => {
    const v = await check({
      "a.neq": "activation g { axiom half: forall z: g(z) = 1/2 }\nnetwork N = mlp(1 -> 1 -> 1, g)\ntheorem t: N ~ N after permute N.h1 by [0]\n",
      "b.neq": "activation g { axiom oddness: forall z: g(-z) = -g(z) }\nnetwork M = mlp(1 -> 1 -> 1, g)\ntheorem flip_ok: M ~ M after flip M.h1[0]\n",
    }, "--no-cache");
    expect(v["b.neq:flip_ok"]).toBe("proved");
  }, 60_000);

  it("an odd and positively homogeneous activation is replayed as a linear function", async () => {
    const v = await check({ "a.neq": "activation p : odd, positively_homogeneous\nnetwork N = mlp(1 -> 1 -> 1, p)\nsymmetry neg(c < 0) = scale N.h1[0] by c\ntheorem lin: N ~ N after neg\n" }, "--no-cache");
    expect(v["a.neq:lin"]).not.toBe("refuted");
  }, 60_000);

  it("float64 rounding never refutes: replays with tanh use exact interval enclosures", async () => {
    const v = await check({ "a.neq": "network N = mlp(1 -> 1 -> 1, tanh)\nsymmetry noop { b1[0] := b1[0] + 100000000000000000000 * W1[0,0] - 100000000000000000000 * W1[0,0] }\ntheorem t: N ~ N after noop\n" }, "--no-cache");
    expect(v["a.neq:t"]).toBe("proved");
  }, 60_000);

  it("a bias shared by two readers absorbs both corrections", async () => {
    const v = await check({ "a.neq": "network R { input x[2]; param W[3,2], b[3], A[1,3], B[1,3], d[1]; h = sigmoid(W x + b); out A h + B h + d }\ntheorem f: R ~ R after flip R.h[0] with bias correction\n" }, "--no-cache");
    expect(v["a.neq:f"]).toBe("proved");
  }, 60_000);

  it("a proof from contradictory axioms is not reported as proved", async () => {
    const v = await check({ "a.neq": "activation g { axiom one: forall z: g(z) = 1; axiom two: forall z: g(z) = 2 }\nnetwork N = mlp(1 -> 2 -> 1, g)\ntheorem t: N ~ N after scale N.h1[0] by 3\n" }, "--no-cache");
    expect(v["a.neq:t"]).toBe("unknown");
  }, 60_000);

  it("a bias read elsewhere cannot absorb a correction, and definitions may not divide by their argument", () => {
    expect(codes(module("network R { input x[2]; param W[3,2], b[3], A[1,3], d[1]; h = sigmoid(W x + b); out A h + d + d }\ntheorem f: R ~ R after flip R.h[0] with bias correction"))).toEqual(["ELB018"]);
    expect(codes(module("activation inv(z) = 1 / z"))).toEqual(["ELB020"]);
    expect(codes(module("network N = mlp(2 -> 2 -> 1, relu)\nsymmetry s { b0[0] := if W0[0,0] / W0[0,1] > 0 then 1 else 2 }\ntheorem t: N ~ N after s"))).toEqual(["ELB012"]);
  });
});

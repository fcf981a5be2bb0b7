import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readAnswer } from "../../src/backends/smtlib/answer.ts";
import { SolverPool } from "../../src/backends/z3/pool.ts";
import { cli } from "../helpers/cli.ts";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "neteq-cli-"));

describe("neteq check", () => {
  it("exits 1 when a claim does not meet its expectation", async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "wrong.neq"), "network R = mlp(2 -> 3 -> 1, relu)\ntheorem wrong: R ~ R after scale R.h1[0] by -2\n");
    const r = await cli(["check", "--no-cache", "wrong.neq"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ wrong");
    expect(r.stdout).toContain("(expected proved)");
  });

  it("a second run of an unchanged file is served by the cache; --clear-cache empties it", async () => {
    const dir = tmp();
    fs.copyFileSync(path.resolve("proofs/02_relu_scaling.neq"), path.join(dir, "a.neq"));
    const first = await cli(["check", "--reporter", "json", "a.neq"], dir);
    const second = await cli(["check", "--reporter", "json", "a.neq"], dir);
    const claims = (r: typeof first) => JSON.parse(r.stdout).files[0].claims as { verdict: string; obligations?: { distinct: number; cached: number } }[];
    expect(claims(first).map((c) => c.verdict)).toEqual(claims(second).map((c) => c.verdict));
    const proved = claims(second).filter((c) => c.verdict === "proved");
    expect(proved.length).toBeGreaterThan(0);
    for (const c of proved) expect(c.obligations!.cached).toBe(c.obligations!.distinct);
    const cleared = await cli(["check", "--reporter", "json", "--clear-cache", "a.neq"], dir);
    expect(claims(cleared).filter((c) => c.verdict === "proved").every((c) => c.obligations!.cached === 0)).toBe(true);
    expect(fs.existsSync(path.join(dir, ".neteq-cache"))).toBe(true);
  }, 120_000);

  it("shows a progress line on a terminal, and clears it at the end", async () => {
    const r = await cli(["check", "--no-cache", "proofs/03_tanh_flip.neq"], undefined, true);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[\d+\/5 claims\]/);
    expect(r.stderr).toMatch(/obligations \d+\/\d+ \(\d+ distinct\)/);
    expect(r.stderr.endsWith("\r\x1b[K")).toBe(true);
  }, 120_000);

  it("prints no progress line when stderr is not a terminal", async () => {
    const r = await cli(["check", "--no-cache", "proofs/06_width_sweep.neq"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  }, 120_000);
});

describe("neteq explain", () => {
  const pool = new SolverPool(1);
  afterAll(() => pool.close());

  it("prints SMT-LIB2 that a fresh solver accepts and refutes (every obligation unsat)", async () => {
    for (const [file, claim, strategy] of [
      ["proofs/04_sigmoid_flip.neq", "sigmoid_flip", "auto"],
      ["proofs/02_relu_scaling.neq", "relu_scaling", "monolithic"],
      ["proofs/07_properties_and_maps.neq", "every_sigmoidal_activation_flips", "auto"],
    ] as const) {
      const r = await cli(["explain", "--strategy", strategy, file, claim]);
      expect(r.code).toBe(0);
      const answer = await pool.run(r.stdout, 30_000);
      expect(answer.kind).toBe("output");
      const text = answer.kind === "output" ? answer.text : "";
      expect(text).not.toMatch(/\(error "(?!.*(model is not available|unsat core is not available))/);
      const results = text.split("\n").filter((l) => /^(sat|unsat|unknown)$/.test(l));
      expect(results.length).toBeGreaterThan(0);
      expect(new Set(results)).toEqual(new Set(["unsat"]));
      expect(readAnswer(text, 0).kind).toBe("unsat");
    }
  }, 120_000);
});

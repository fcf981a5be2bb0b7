/**
 * Regressions from the soundness review of the tensor representation: each gave a wrong
 * verdict or an internal error.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

async function run(text: string, ...flags: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-tensor-regression-"));
  fs.writeFileSync(path.join(dir, "a.neq"), text);
  const pretty = await cli(["check", "--no-cache", ...flags, "a.neq"], dir);
  const json = await cli(["check", "--no-cache", "--reporter", "json", ...flags, "a.neq"], dir);
  const claims = JSON.parse(json.stdout).files[0].claims as { name: string; verdict: string }[];
  return { code: pretty.code, stdout: pretty.stdout, verdict: (n: string) => claims.find((c) => c.name === n)?.verdict };
}

describe("sibling sums and maxima each get their own index slot", () => {
  it("a false claim over three sibling products is not proved (monolithic, auto)", async () => {
    const text = "network N {\n  input x[2]\n  param W[2,2], U[2,2], V[2,2], b[2]\n  out W x + U x + V b\n}\ntheorem wrong: N ~ N after { b[0] := b[0] + 1 }\n";
    expect((await run(text)).verdict("wrong")).toBe("refuted");
    expect((await run(text, "--strategy", "monolithic", "--no-falsify")).verdict("wrong")).not.toBe("proved");
  }, 60_000);

  it("a true claim with three sibling products is not refuted", async () => {
    const text = "network N {\n  input x[2]\n  param W[2,2], U[2,2], V[2,2], b[2], A[1,2]\n  h = relu(W b + U x + V b)\n  out A h\n}\ntheorem swap: N ~ N after { W := V; V := W }\n";
    expect((await run(text)).verdict("swap")).toBe("proved");
    expect((await run(text, "--strategy", "monolithic", "--no-falsify")).verdict("swap")).not.toBe("refuted");
  }, 60_000);

  it("three sibling products of the input evaluate (it crashed)", async () => {
    const r = await run("network N {\n  input x[2]\n  param W[2,2], U[2,2], V[2,2]\n  h = relu(W x + U x + V x)\n  out h\n}\nrefute vonly: N ~ N after permute rows of N.V by (0 1)\n");
    expect(r.code).toBe(0);
    expect(r.verdict("vonly")).toBe("refuted");
  }, 60_000);
});

describe("reports and divisions", () => {
  it("the pretty witness of a tensor network whose first axis is longer than a parameter's", async () => {
    const r = await run("network T {\n  input x[3, 2]\n  param W[2, 2]\n  out linear(x, W)\n}\nrefute rows: T ~ T after permute axis 0 of T.W by (0 1)\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("layer out");
  }, 60_000);

  it("a divisor that folds to zero is a located error, not an internal one", async () => {
    const r = await run("network D {\n  input x[1]\n  out[o:1] = x[0] / (1 - 1)\n}\n");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("a.neq:3:22: error ELB022: division by zero");
  }, 60_000);
});

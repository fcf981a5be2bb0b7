/**
 * Regressions from issue 7, section 2: verdicts that changed with things that should not
 * matter (a claim's name, the claims beside it, the number of units of a vector scalar).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

interface Claim {
  verdict: string;
  reason: string | null;
  ms: number;
  waitMs?: number;
  notes?: string[];
}

async function checkText(text: string, ...flags: string[]): Promise<Record<string, Claim>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-invariance-"));
  fs.writeFileSync(path.join(dir, "a.neq"), text);
  const r = await cli(["check", "--reporter", "json", "--no-cache", ...flags, "a.neq"], dir);
  const out: Record<string, Claim> = {};
  for (const f of JSON.parse(r.stdout).files) for (const c of f.claims) out[c.name] = c;
  return out;
}

describe("a verdict does not depend on the claim's name", () => {
  it("forty copies of an assignment-style ReLU rescaling, differing only in name, are all proved", async () => {
    // With draws seeded by the claim's name, 8 of these 40 came back unknown.
    const claims = Array.from({ length: 40 }, (_, i) => `theorem claim_${i}: Net ~ Net after custom`).join("\n");
    const text = `network Net = mlp(3 -> 4 -> 2, relu)\nsymmetry custom(c > 0) { W0[0,:] := c * W0[0,:]; b0[0] := c * b0[0]; W1[:,0] := W1[:,0] / c }\n${claims}\n`;
    const v = await checkText(text, "--strategy", "compositional");
    expect(Object.values(v).map((c) => c.verdict)).toEqual(Array(40).fill("proved"));
  }, 120_000);

  it("control: a broken rescaling (the column not divided) is never proved under any name", async () => {
    const claims = Array.from({ length: 10 }, (_, i) => `refute claim_${i}: Net ~ Net after broken`).join("\n");
    const text = `network Net = mlp(3 -> 4 -> 2, relu)\nsymmetry broken(c > 0) { W0[0,:] := c * W0[0,:]; b0[0] := c * b0[0] }\n${claims}\n`;
    const v = await checkText(text, "--strategy", "compositional", "--no-falsify");
    expect(Object.values(v).filter((c) => c.verdict === "proved")).toEqual([]);
  }, 120_000);
});

describe("a claim's time limit counts its own work, not its wait behind other claims", () => {
  it("a small proof beside large ones in the same file is proved within a limit that its own work fits", async () => {
    // The small claim's own work is a few milliseconds; the large ones take about a second
    // each. Counting wall time from the start of the file, it became unknown.
    const bigs = Array.from({ length: 6 }, (_, i) => `theorem big${i}: Big ~ Big after permute Big.h1 by (0 ${i + 1}) then permute Big.h2 by (2 ${i + 3})`).join("\n");
    const text = `network Big = mlp(256 -> 512 -> 512 -> 10, relu)\nnetwork Net = mlp(3 -> 4 -> 4 -> 2, sigmoid)\n${bigs}\ntheorem small: Net ~ Net after permute Net.h1 by (0 2)(1 3) then permute Net.h2 by [3, 0, 1, 2]\n`;
    const v = await checkText(text, "--timeout", "5");
    expect(v.small?.verdict).toBe("proved");
    // It did wait, and the report says so separately.
    expect(v.small!.waitMs).toBeGreaterThan(v.small!.ms);
  }, 120_000);
});

describe("the falsifier samples vector scalars entry by entry, and says when it cannot run", () => {
  it("a false claim scaling 64 tanh units is refuted (it needed every entry positive in one draw)", async () => {
    const text = "network T = mlp(3 -> 64 -> 2, tanh)\nsymmetry sc(c[64] > 0) = scale T.h1 by c\nrefute bad: T ~ T after sc\n";
    const v = await checkText(text, "--timeout", "20");
    expect(v.bad?.verdict).toBe("refuted");
  }, 60_000);

  it("when no values satisfy the side condition among those it tries, the report says the falsifier did not run", async () => {
    const text = "network T = mlp(2 -> 2 -> 1, tanh)\nsymmetry sc(c > 1000) = scale T.h1[0] by c\nrefute bad: T ~ T after sc\n";
    const v = await checkText(text, "--timeout", "5");
    expect(v.bad?.verdict).not.toBe("proved");
    expect(v.bad?.notes?.join(" ")).toMatch(/falsifier did not run to the end: no values of c satisfying c > 1000/);
  }, 60_000);
});

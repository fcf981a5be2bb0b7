/**
 * The whole-claim cache: an unchanged file is answered from it, with the same verdicts; any
 * change to the text, the seed or the strategy misses it (control); unknown is never stored.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ClaimCache, sourceTreeHash } from "../../src/backends/claims.ts";
import { cli } from "../helpers/cli.ts";

const TEXT = "network N = mlp(2 -> 3 -> 1, relu)\ntheorem p: N ~ N after permute N.h1 by (0 1)\nrefute r: N ~ N after permute rows of N.W0 by (0 1)\n";

async function run(dir: string, text: string, ...flags: string[]) {
  fs.writeFileSync(path.join(dir, "a.neq"), text);
  const r = await cli(["check", "--reporter", "json", "--cache-dir", "cache", ...flags, "a.neq"], dir);
  return JSON.parse(r.stdout).files[0].claims.map((c: { name: string; verdict: string; notes?: string[] }) => ({ name: c.name, verdict: c.verdict, cached: (c.notes ?? []).some((n) => n.includes("claim cache")) }));
}

describe("claim cache", () => {
  it("answers an unchanged file from the cache, with the same verdicts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-claims-"));
    const first = await run(dir, TEXT);
    expect(first.map((c: { cached: boolean }) => c.cached)).toEqual([false, false]);
    const second = await run(dir, TEXT);
    expect(second).toEqual(first.map((c: object) => ({ ...c, cached: true })));
  }, 60_000);

  it("control: a changed text, seed or strategy is not answered from the cache", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-claims-"));
    await run(dir, TEXT);
    expect((await run(dir, TEXT + "\n// changed\n")).some((c: { cached: boolean }) => c.cached)).toBe(false);
    expect((await run(dir, TEXT, "--seed", "2")).some((c: { cached: boolean }) => c.cached)).toBe(false);
    expect((await run(dir, TEXT, "--strategy", "monolithic")).some((c: { cached: boolean }) => c.cached)).toBe(false);
  }, 60_000);

  it("never stores unknown, and keys do not depend on where the files are", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-claims-"));
    const text = "network N = mlp(2 -> 2 -> 1, relu)\ntheorem u: N ~ N after scale N.h1[0] by 2 then permute rows of N.W0 by (0 1)\n";
    await run(dir, text, "--strategy", "compositional", "--no-falsify");
    const again = await run(dir, text, "--strategy", "compositional", "--no-falsify");
    expect(again[0]).toMatchObject({ verdict: "unknown", cached: false });
    const k = { sources: ["a", "b"], claim: "t", seed: 1, strategy: "auto", falsify: true };
    expect(ClaimCache.key(k)).toBe(ClaimCache.key({ ...k, sources: ["b", "a"] }));
    expect(ClaimCache.key(k)).not.toBe(ClaimCache.key({ ...k, claim: "t2" }));
  }, 60_000);

  it("is keyed by neteq's own code: a changed, added or renamed source changes the hash; the same tree gives the same hash", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-tree-"));
    fs.mkdirSync(path.join(dir, "sub"));
    fs.writeFileSync(path.join(dir, "a.ts"), "export const x = 1;\n");
    fs.writeFileSync(path.join(dir, "sub", "b.ts"), "export const y = 2;\n");
    const h0 = sourceTreeHash(dir);
    // Control: nothing changed, the same hash.
    expect(sourceTreeHash(dir)).toBe(h0);
    fs.writeFileSync(path.join(dir, "sub", "b.ts"), "export const y = 3;\n");
    const h1 = sourceTreeHash(dir);
    expect(h1).not.toBe(h0);
    fs.writeFileSync(path.join(dir, "c.ts"), "");
    const h2 = sourceTreeHash(dir);
    expect(h2).not.toBe(h1);
    fs.renameSync(path.join(dir, "c.ts"), path.join(dir, "d.ts"));
    expect(sourceTreeHash(dir)).not.toBe(h2);
  });
});

/**
 * Running parts of a suite: `--filter`, `--shard k/n` and `neteq merge-reports`. The shards
 * of proofs/ cover every claim exactly once, and merged they give the unsharded verdicts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { filterMatches, shardOf } from "../../src/cli/select.ts";
import { cli } from "../helpers/cli.ts";

interface JsonReport { files: { path: string; claims: { name: string; verdict: string; ok: boolean }[] }[]; summary: Record<string, number>; usage: string[] }
const SUITE = ["proofs", "--exclude", "proofs/large"];
const verdicts = (r: JsonReport) => Object.fromEntries(r.files.flatMap((f) => f.claims.map((c) => [`${f.path} ${c.name}`, `${c.verdict} ${c.ok}`])));
const claimCount = (r: JsonReport) => r.files.reduce((n, f) => n + f.claims.length, 0);
const withoutMs = (s: Record<string, number>) => Object.fromEntries(Object.entries(s).filter(([k]) => k !== "ms"));

describe("--shard and merge-reports", () => {
  it("shards of proofs/ cover every claim once, and merged equal the unsharded run", async () => {
    const whole = await cli(["check", "--reporter", "json", ...SUITE]);
    const all = JSON.parse(whole.stdout) as JsonReport;
    expect(claimCount(all)).toBeGreaterThan(40);
    // The unsharded run itself must pass (its failures, by name and reason, if not).
    const failing = all.files.flatMap((f) => f.claims.filter((c) => !c.ok).map((c) => `${f.path} ${c.name}: ${c.verdict} ${(c as { reason?: string }).reason ?? ""}`));
    expect(failing).toEqual([]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-shards-"));
    const n = 3;
    const parts: JsonReport[] = [];
    for (let k = 1; k <= n; k++) {
      const r = await cli(["check", "--reporter", "json", "--shard", `${k}/${n}`, ...SUITE]);
      expect(r.code).toBe(0);
      fs.writeFileSync(path.join(dir, `shard-${k}.json`), r.stdout);
      parts.push(JSON.parse(r.stdout));
    }
    const keys = parts.flatMap((p) => Object.keys(verdicts(p)));
    expect(parts.every((p) => claimCount(p) > 0)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(Object.keys(verdicts(all)).sort());

    const merged = await cli(["merge-reports", "--reporter", "json", ...[1, 2, 3].map((k) => path.join(dir, `shard-${k}.json`))]);
    expect(merged.code).toBe(whole.code);
    const m = JSON.parse(merged.stdout) as JsonReport;
    expect(verdicts(m)).toEqual(verdicts(all));
    expect(m.files.map((f) => f.path)).toEqual(all.files.map((f) => f.path));
    expect(withoutMs(m.summary)).toEqual(withoutMs(all.summary));
    // Pretty output of the merge ends with the same summary line as the unsharded run.
    const pretty = await cli(["merge-reports", ...[3, 1, 2].map((k) => path.join(dir, `shard-${k}.json`))]);
    expect(pretty.stdout).toMatch(new RegExp(`${all.summary.claims} claims: ${all.summary.ok} ok, 0 failed`));

    // The same shard twice is not a suite: exit 2, naming the claim.
    const twice = await cli(["merge-reports", "--reporter", "json", path.join(dir, "shard-1.json"), path.join(dir, "shard-1.json")]);
    expect(twice.code).toBe(2);
    expect(JSON.parse(twice.stdout).usage[0]).toMatch(/is in both .*shard-1\.json and .*shard-1\.json/);
  }, 300_000);

  it("carries failing claims into the merged exit code", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-shards-"));
    for (const [name, file] of [["ok", "test/golden/cases/verdicts.neq"], ["bad", "test/golden/cases/unknown.neq"]] as const) {
      const r = await cli(["check", "--strategy", "compositional", "--reporter", "json", file]);
      fs.writeFileSync(path.join(dir, `${name}.json`), r.stdout);
    }
    const r = await cli(["merge-reports", "--reporter", "json", path.join(dir, "ok.json"), path.join(dir, "bad.json")]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ claims: 5, failed: 1 });
  }, 120_000);

  it("assigns a claim to the same shard whatever else is in the suite", () => {
    const a = shardOf("proofs/01_permutation.neq", "depth1", 4);
    expect(shardOf("proofs/01_permutation.neq", "depth1", 4)).toBe(a);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(4);
    // Roughly even: 400 names over 4 shards, each between 60 and 140.
    const sizes = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++) sizes[shardOf("f.neq", `claim${i}`, 4)]!++;
    for (const s of sizes) expect(s).toBeGreaterThan(60);
  });

  it("rejects malformed shards", async () => {
    for (const bad of ["0/3", "4/3", "a/b", "1/0", "2"]) {
      const r = await cli(["check", "--shard", bad, "test/golden/cases/verdicts.neq"]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain(`error CLI003: --shard: expected k/n with 1 <= k <= n, got "${bad}"`);
    }
  });
});

describe("--filter", () => {
  it("matches claim names and file paths, with * for any characters", () => {
    expect(filterMatches("relu", "proofs/a.neq", "relu_scaling")).toBe(true);
    expect(filterMatches("02_relu", "proofs/02_relu_scaling.neq", "x")).toBe(true);
    expect(filterMatches("trans*[n=3]", "f.neq", "transposition[n=3]")).toBe(true);
    expect(filterMatches("trans*[n=3]", "f.neq", "transposition[n=4]")).toBe(false);
    expect(filterMatches("a.b", "f.neq", "axb")).toBe(false);
  });

  it("checks only the matching claims", async () => {
    const r = await cli(["check", "--no-cache", "--reporter", "json", "--filter", "rows", "--filter", "tanh_*", "test/golden/cases/verdicts.neq"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).files[0].claims.map((c: { name: string }) => c.name)).toEqual(["rows_only", "tanh_scaling"]);
  });

  it("is an error, not a success, when it matches nothing", async () => {
    const r = await cli(["check", "--reporter", "json", "--filter", "nosuch", "test/golden/cases/verdicts.neq"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error CLI003: --filter: no claim matches "nosuch"');
    expect(JSON.parse(r.stdout).usage).toEqual(['CLI003: --filter: no claim matches "nosuch"']);
  });
});

/**
 * `neteq check --replay <report.json>`: silent but for the summary when no verdict changed
 * against the recorded run; otherwise each changed, new or vanished claim, and exit 1.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";

const FILES = ["test/golden/cases/verdicts.neq", "test/golden/cases/unknown.neq"];
const OPTS = ["--strategy", "compositional"];

interface JsonReport { files: { path: string; claims: { name: string; verdict: string; line: number; column: number }[] }[] }

async function recorded(): Promise<{ dir: string; report: JsonReport }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-replay-"));
  const r = await cli(["check", ...OPTS, "--reporter", "json", ...FILES]);
  fs.writeFileSync(path.join(dir, "last.json"), r.stdout);
  return { dir, report: JSON.parse(r.stdout) };
}

describe("--replay", () => {
  it("prints one line and exits 0 when no verdict changed, even with a failing claim", async () => {
    const { dir } = await recorded();
    const base = path.join(dir, "last.json");
    const r = await cli(["check", ...OPTS, "--replay", base, ...FILES]);
    expect(r.stdout).toBe(`replay: 5 claims, no verdict changed against ${base}\n`);
    expect(r.code).toBe(0);
  }, 60_000);

  it("lists changed, new and vanished claims, and exits 1", async () => {
    const { dir, report } = await recorded();
    const [v, u] = report.files;
    const perm = v!.claims.find((c) => c.name === "permutation")!;
    perm.verdict = "unknown";
    v!.claims.push({ ...perm, name: "renamed_away", verdict: "proved" });
    u!.claims = [];
    fs.writeFileSync(path.join(dir, "edited.json"), JSON.stringify(report));
    const base = path.join(dir, "edited.json");
    const r = await cli(["check", ...OPTS, "--replay", base, ...FILES]);
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")).toEqual([
      `test/golden/cases/verdicts.neq:${perm.line}:${perm.column}: permutation: unknown -> proved`,
      expect.stringMatching(/^test\/golden\/cases\/unknown\.neq:9:1: rotation: new, unknown \(expected proved, got unknown: not applicable: .*\)$/),
      "test/golden/cases/verdicts.neq: renamed_away: proved, no longer in the suite",
      `replay: 5 claims, 3 changed against ${base}`,
      "",
    ]);
    // Claims this run does not check (here: outside the filter) do not count as vanished.
    const filtered = await cli(["check", ...OPTS, "--filter", "rows", "--replay", base, ...FILES]);
    expect(filtered.stdout).toBe(`replay: 1 claim, no verdict changed against ${base}\n`);
    expect(filtered.code).toBe(0);
  }, 60_000);

  it("refuses a recording it cannot read", async () => {
    const r = await cli(["check", "--replay", "no-such.json", ...FILES]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("neteq: error CLI001: --replay: cannot read no-such.json: no such file\n");
    expect(r.stdout).toBe("");
  });
});

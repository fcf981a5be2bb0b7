/**
 * Golden tests: every diagnostic code, every verdict kind and every report format, with
 * exit codes. Expected outputs live in test/golden/expected/; `UPDATE_GOLDEN=1 npx vitest
 * run test/golden` rewrites them (review the diff like code).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../../src/limits.ts";
import { registry } from "../../src/diagnostics/registry.ts";
import { cli, normalise, ROOT } from "../helpers/cli.ts";

const CASES = "test/golden/cases";
const EXPECTED = path.join(ROOT, "test/golden/expected");
/** Inputs too large to keep in the repository, written before the runs (git ignores them). */
const GENERATED = "test/golden/generated";

/** name -> arguments of `neteq`. */
const runs: Record<string, string[]> = {};
for (const f of fs.readdirSync(path.join(ROOT, CASES)).sort()) {
  if (/^(SYN|ELB)\d{3}\.neq$/.test(f)) runs[f.replace(".neq", "")] = ["check", `${CASES}/${f}`];
}
Object.assign(runs, {
  "verdicts.pretty": ["check", `${CASES}/verdicts.neq`],
  "tensors.pretty": ["check", `${CASES}/tensors.neq`],
  "tensors.json": ["check", "--reporter", "json", `${CASES}/tensors.neq`],
  "verdicts.json": ["check", "--reporter", "json", `${CASES}/verdicts.neq`],
  "verdicts.junit": ["check", "--reporter", "junit", `${CASES}/verdicts.neq`],
  "unknown.pretty": ["check", "--strategy", "compositional", `${CASES}/unknown.neq`],
  "unknown.json": ["check", "--strategy", "compositional", "--reporter", "json", `${CASES}/unknown.neq`],
  "unknown-auto.pretty": ["check", `${CASES}/unknown.neq`],
  "error_verdict.pretty": ["check", `${CASES}/error_verdict.neq`],
  "error_verdict.json": ["check", "--reporter", "json", `${CASES}/error_verdict.neq`],
  "bounds.pretty": ["check", `${CASES}/bounds.neq`],
  "bounds.json": ["check", "--reporter", "json", `${CASES}/bounds.neq`],
  "bounds.junit": ["check", "--reporter", "junit", `${CASES}/bounds.neq`],
  "SYN002.json": ["check", "--reporter", "json", `${CASES}/SYN002.neq`],
  "verdicts.github": ["check", "--reporter", "github", `${CASES}/verdicts.neq`],
  "verdicts.sarif": ["check", "--reporter", "sarif", `${CASES}/verdicts.neq`],
  "failing.github": ["check", "--reporter", "github", `${CASES}/failing.neq`],
  "failing.sarif": ["check", "--reporter", "sarif", `${CASES}/failing.neq`],
  "failing.junit": ["check", "--reporter", "junit", `${CASES}/failing.neq`],
  "failing.json": ["check", "--reporter", "json", `${CASES}/failing.neq`],
  "unknown.github": ["check", "--strategy", "compositional", "--reporter", "github", `${CASES}/unknown.neq`],
  "unknown.junit": ["check", "--strategy", "compositional", "--reporter", "junit", `${CASES}/unknown.neq`],
  "filter.pretty": ["check", "--filter", "rows", "--filter", "tanh_*", `${CASES}/verdicts.neq`],
  "filter.nomatch": ["check", "--filter", "nosuch", `${CASES}/verdicts.neq`],
  "shard.pretty": ["check", "--shard", "2/2", `${CASES}/verdicts.neq`, `${CASES}/bounds.neq`],
  "CLI003.shard": ["check", "--shard", "3/2", `${CASES}/verdicts.neq`],
  "merge-reports.pretty": ["merge-reports", `${CASES}/shard-2.json`, `${CASES}/shard-1.json`],
  "merge-reports.usage": ["merge-reports"],
  "outline.json": ["outline", `${CASES}/verdicts.neq`],
  "outline.usage": ["outline"],
  "replay.changed": ["check", "--strategy", "compositional", "--replay", `${CASES}/shard-1.json`, `${CASES}/verdicts.neq`, `${CASES}/unknown.neq`],
  "replay.unchanged": ["check", "--strategy", "compositional", "--shard", "1/2", "--replay", `${CASES}/shard-1.json`, `${CASES}/verdicts.neq`, `${CASES}/unknown.neq`],
  "merge-reports.not-json": ["merge-reports", `${CASES}/verdicts.neq`],
  "CLI003.github": ["check", "--reporter", "github", "--timeout", "0", `${CASES}/verdicts.neq`],
  "SYN002.junit": ["check", "--reporter", "junit", `${CASES}/SYN002.neq`],
  CLI001: ["check", `${CASES}/no-such-file.neq`],
  CLI002: ["check", "test/golden/empty"],
  CLI003: ["check", "--timeout=-1", "--reporter", "xml", "--jobs", "two", `${CASES}/verdicts.neq`],
  "CLI003.negative": ["check", "--timeout", "-1", `${CASES}/verdicts.neq`],
  "CLI003.unknown-flag": ["check", "--colour", `${CASES}/verdicts.neq`],
  CLI004: ["explain", `${CASES}/verdicts.neq`, "nosuch"],
  CLI005: ["check", "/dev/zero"],
  CLI006: ["check", `${GENERATED}/big.neq`],
  SYN007: ["check", `${GENERATED}/SYN007.neq`],
  SYN009: ["check", `${GENERATED}/SYN009.neq`],
  "explain.compositional": ["explain", `${CASES}/verdicts.neq`, "permutation"],
  "explain.monolithic": ["explain", "--strategy", "monolithic", `${CASES}/verdicts.neq`, "relu_rescale"],
  "bound.table": ["bound", "proofs/08_covering.neq", "Net"],
  "bound.usage": ["bound", "proofs/08_covering.neq"],
  help: ["--help"],
  "no-arguments": [],
  "unknown-command": ["prove", "proofs"],
});

const render = (args: string[], r: { code: number; stdout: string; stderr: string }) =>
  normalise(`$ neteq ${args.join(" ")}\nexit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`);

beforeAll(() => {
  const dir = path.join(ROOT, GENERATED);
  // big.neq: a comment just above the file-size limit (CLI006, and ELB026 when imported).
  fs.writeFileSync(path.join(dir, "big.neq"), `// ${"x".repeat(LIMITS.fileBytes - 3)}\n`);
  fs.writeFileSync(path.join(dir, "SYN007.neq"), `// SYN007: more declarations than the limit (${LIMITS.declarations})\n${Array.from({ length: LIMITS.declarations + 1 }, (_, i) => `activation a${i}`).join("\n")}\n`);
  const images = Array.from({ length: LIMITS.declarationTokens / 2 + 1 }, (_, i) => i);
  fs.writeFileSync(path.join(dir, "SYN009.neq"), `// SYN009: a declaration with more tokens than the limit (${LIMITS.declarationTokens})\nsymmetry s = permute rows of W by [${images.join(",\n")}]\n`);
});

describe("golden outputs", () => {
  for (const [name, args] of Object.entries(runs)) {
    it(name, async () => {
      // Without the cache: outputs must not depend on earlier runs.
      const actual = render(args, await cli(args[0] === "check" ? ["check", "--no-cache", ...args.slice(1)] : args));
      const file = path.join(EXPECTED, `${name}.txt`);
      if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, actual);
      expect(actual).toBe(fs.readFileSync(file, "utf8"));
    });
  }

  it("covers every diagnostic code", () => {
    const seen = new Set<string>();
    for (const f of fs.readdirSync(EXPECTED)) for (const m of fs.readFileSync(path.join(EXPECTED, f), "utf8").matchAll(/\b(SYN|ELB|CLI)\d{3}\b/g)) seen.add(m[0]);
    expect([...Object.keys(registry)].filter((c) => !seen.has(c))).toEqual([]);
  });

  it("covers every verdict kind", () => {
    const all = fs.readdirSync(EXPECTED).map((f) => fs.readFileSync(path.join(EXPECTED, f), "utf8")).join("\n");
    for (const v of ["proved", "refuted", "unknown", "error", "holds", "fails"]) expect(all).toContain(`"verdict": "${v}"`);
  });
});

/**
 * The CI reporters (github, sarif, junit) and the problem matcher, against real neteq
 * output: every failing claim and diagnostic of the JSON report must appear, at its
 * position, with its witness or reason; ok claims must not.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Log } from "sarif";
import { escapeData, escapeProperty, renderGithub } from "../../src/report/github.ts";
import { renderJunit } from "../../src/report/junit.ts";
import { renderSarif } from "../../src/report/sarif.ts";
import { summarise, type ClaimReport, type Report } from "../../src/report/types.ts";
import { cli, ROOT } from "../helpers/cli.ts";

const FAILING = "test/golden/cases/failing.neq";
const VERDICTS = "test/golden/cases/verdicts.neq";

interface JsonClaim { name: string; ok: boolean; verdict: string; line: number; column: number; endLine: number; endColumn: number; reason: string | null; witness: { input: Record<string, (string | number)[]> } | null }
interface JsonDiag { code: string; severity: string; line: number; column: number; endLine: number; endColumn: number; message: string; file: string }
interface JsonReport { files: { path: string; diagnostics: JsonDiag[]; claims: JsonClaim[] }[] }

const json = async (...files: string[]): Promise<JsonReport> => JSON.parse((await cli(["check", "--no-cache", "--reporter", "json", ...files])).stdout);

/** Undo GitHub's escaping (%XX). */
const unescape = (s: string) => s.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** Parse `::kind props::message` lines back into objects. */
function commands(out: string): { kind: string; props: Record<string, string>; message: string }[] {
  return out
    .split("\n")
    .filter((l) => l.startsWith("::"))
    .map((l) => {
      const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(l);
      expect(m, l).not.toBeNull();
      const props = Object.fromEntries((m![2] ?? "").split(",").filter(Boolean).map((p) => { const i = p.indexOf("="); return [p.slice(0, i), unescape(p.slice(i + 1))]; }));
      return { kind: m![1]!, props, message: unescape(m![3]!) };
    });
}

function syntheticReport(claim: Partial<ClaimReport>, file = "dir,with:odd%chars/a.neq"): Report {
  const c: ClaimReport = { name: "c", expect: "proved", verdict: "unknown", ok: false, ms: 0, strategy: null, axiomsUsed: [], witness: null, replayed: null, reason: "why", line: 2, column: 3, endLine: 2, endColumn: 9, ...claim };
  const files = [{ path: file, diagnostics: [], claims: [c] }];
  return { version: 1, seed: 1, z3: null, strategy: "auto", timeoutMs: 1000, files, usage: [], summary: summarise(files, 0) };
}

describe("--reporter github", () => {
  it("escapes %, CR, LF, and in properties also : and ,", () => {
    expect(escapeData("50% a\r\nb: c, d")).toBe("50%25 a%0D%0Ab: c, d");
    expect(escapeProperty("50% a\r\nb: c, d")).toBe("50%25 a%0D%0Ab%3A c%2C d");
  });

  it("keeps every line one command whose fields parse back to the original text", () => {
    const out = renderGithub(syntheticReport({ name: "odd, name: x", reason: "line one\r\nline two: 100% sure, really" }));
    const [cmd] = commands(out);
    expect(out.split("\n").filter((l) => l.startsWith("::"))).toHaveLength(1);
    expect(cmd!.props.file).toBe("dir,with:odd%chars/a.neq");
    expect(cmd!.props.title).toContain("odd, name: x");
    expect(cmd!.message).toBe("expected proved, got unknown: line one\r\nline two: 100% sure, really");
    expect(cmd!.props).toMatchObject({ line: "2", col: "3", endLine: "2", endColumn: "9" });
  });

  it("gives lines only for a span over several lines (GitHub ignores columns there)", () => {
    const [cmd] = commands(renderGithub(syntheticReport({ endLine: 4, endColumn: 2 })));
    expect(cmd!.props).toMatchObject({ line: "2", endLine: "4" });
    expect(cmd!.props.col).toBeUndefined();
    expect(cmd!.props.endColumn).toBeUndefined();
  });

  it("annotates every failing claim and diagnostic of a real run at its position, and nothing else", async () => {
    const report = await json(FAILING, VERDICTS);
    const out = (await cli(["check", "--no-cache", "--reporter", "github", FAILING, VERDICTS])).stdout;
    const cmds = commands(out);
    const expected = report.files.flatMap((f) => [
      ...f.diagnostics.map((d) => ({ file: d.file, line: d.line, col: d.column, endLine: d.endLine, endColumn: d.endColumn, code: d.code })),
      ...f.claims.filter((c) => !c.ok).map((c) => ({ file: f.path, line: c.line, col: c.column, endLine: c.endLine, endColumn: c.endColumn, code: c.name })),
    ]);
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect(cmds).toHaveLength(expected.length);
    for (const e of expected) {
      const hit = cmds.find((c) => c.props.file === e.file && c.props.line === String(e.line) && c.props.col === String(e.col) && c.props.title!.includes(e.code));
      expect(hit, JSON.stringify(e)).toBeDefined();
      expect(hit!.props.endLine).toBe(String(e.endLine));
      expect(hit!.props.endColumn).toBe(String(e.endColumn));
    }
    const refuted = report.files[0]!.claims.find((c) => c.verdict === "refuted" && !c.ok)!;
    const input = Object.values(refuted.witness!.input)[0]!;
    expect(cmds.find((c) => c.props.title!.includes(refuted.name))!.message).toContain(`input x = [${input.join(", ")}]`);
    for (const f of report.files) for (const c of f.claims.filter((c) => c.ok)) expect(cmds.some((x) => x.props.file === f.path && x.props.title!.includes(`${c.name} `))).toBe(false);
    expect(report.files[1]!.claims.filter((c) => c.ok)).toHaveLength(4);
  }, 60_000);
});

describe("--reporter sarif", () => {
  it("is a SARIF 2.1.0 log with one located result per failing claim and diagnostic", async () => {
    const report = await json(FAILING, VERDICTS);
    const log = JSON.parse((await cli(["check", "--no-cache", "--reporter", "sarif", FAILING, VERDICTS])).stdout) as Log;
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe("neteq");
    const rules = run.tool.driver.rules!;
    const results = run.results!;
    const failing = report.files.flatMap((f) => f.claims.filter((c) => !c.ok).map((c) => ({ f, c })));
    const diags = report.files.flatMap((f) => f.diagnostics);
    expect(results).toHaveLength(failing.length + diags.length);
    for (const r of results) {
      expect(rules[r.ruleIndex!]!.id).toBe(r.ruleId);
      expect(r.message.text!.length).toBeGreaterThan(0);
    }
    for (const d of diags) {
      const r = results.find((r) => r.ruleId === d.code)!;
      expect(r.locations![0]!.physicalLocation!.region).toEqual({ startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn });
      expect(r.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe(d.file);
    }
    for (const { f, c } of failing) {
      const r = results.find((r) => r.properties?.claim === c.name)!;
      expect(r.ruleId).toBe(`claim.${c.verdict}`);
      expect(r.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe(f.path);
      expect(r.locations![0]!.physicalLocation!.region).toEqual({ startLine: c.line, startColumn: c.column, endLine: c.endLine, endColumn: c.endColumn });
      if (c.reason) expect(r.message.text).toContain(c.reason);
    }
    expect(run.invocations![0]!.exitCode).toBe(2);
  }, 60_000);

  it("reports command-line problems as tool notifications", () => {
    const r = { ...syntheticReport({}), files: [], usage: ["CLI003: --timeout: bad"] };
    const log = JSON.parse(renderSarif({ ...r, summary: summarise([], 0) }, "0.0.0")) as Log;
    expect(log.runs[0]!.results).toEqual([]);
    expect(log.runs[0]!.invocations![0]!.toolExecutionNotifications![0]!.message.text).toBe("CLI003: --timeout: bad");
  });
});

describe("--reporter junit", () => {
  it("puts the witness of a refuted theorem in the failure message and body", async () => {
    const report = await json(FAILING);
    const xml = (await cli(["check", "--no-cache", "--reporter", "junit", FAILING])).stdout;
    const refuted = report.files[0]!.claims.find((c) => c.verdict === "refuted")!;
    const input = `input x = [${Object.values(refuted.witness!.input)[0]!.join(", ")}]`;
    const testcase = new RegExp(`<testcase [^>]*name="${refuted.name}"[^>]*>\\s*<failure message="([^"]*)" type="refuted">([^<]*)</failure>`).exec(xml);
    expect(testcase).not.toBeNull();
    expect(testcase![1]).toContain(input);
    expect(testcase![2]).toContain(input);
    expect(testcase![2]).toMatch(/layer h1:/);
  }, 60_000);

  it("puts the reason of an unknown in the failure message, escaped for XML", () => {
    const xml = renderJunit(syntheticReport({ reason: `a < b & "c"` }, "a.neq"));
    expect(xml).toContain(`<failure message="expected proved, got unknown: a &lt; b &amp; &quot;c&quot;" type="unknown">`);
  });
});

describe("the problem matcher", () => {
  const matcher = JSON.parse(fs.readFileSync(path.join(ROOT, ".github/neteq-problem-matcher.json"), "utf8")) as { problemMatcher: { owner: string; pattern: { regexp: string; file: number; line: number; column: number; severity: number; code: number; message: number }[] }[] };
  const pattern = matcher.problemMatcher[0]!.pattern[0]!;
  const re = new RegExp(pattern.regexp);

  it("matches exactly the diagnostic lines of real neteq output, with their fields", async () => {
    const files = [FAILING, "test/golden/cases/SYN002.neq", "test/golden/cases/ELB010.neq"];
    const report = await json(...files);
    const pretty = await cli(["check", "--no-cache", ...files]);
    const matched = (pretty.stdout + pretty.stderr).split("\n").flatMap((l) => {
      const m = re.exec(l);
      return m ? [{ file: m[pattern.file], line: Number(m[pattern.line]), column: Number(m[pattern.column]), severity: m[pattern.severity], code: m[pattern.code], message: m[pattern.message] }] : [];
    });
    const diags = report.files.flatMap((f) => f.diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, severity: d.severity, code: d.code, message: d.message })));
    expect(diags.length).toBeGreaterThanOrEqual(3);
    expect(matched).toEqual(diags);
  }, 60_000);

  it("does not match claim lines, headers or summaries", async () => {
    const pretty = await cli(["check", "--no-cache", VERDICTS]);
    expect(pretty.stdout.split("\n").filter((l) => re.test(l))).toEqual([]);
  }, 60_000);
});

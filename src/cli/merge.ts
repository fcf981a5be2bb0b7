/**
 * `neteq merge-reports <a.json> <b.json> ...`: the JSON reports of the shards of a suite
 * (`neteq check --shard k/n --reporter json`) as one report, in any output format, with
 * one exit code: 0 when every claim of every shard met its expectation, 1 when one did not,
 * 2 for input errors in a shard or reports that are not one suite's shards.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { resolveOptions } from "../options.ts";
import { mergeReports, readReport } from "../report/merge.ts";
import { exitCode, type Report } from "../report/types.ts";
import { argsError, render, type Io } from "./main.ts";

const fail = (io: Io, code: string, message: string): number => {
  io.stderr(`neteq: error ${code}: ${message}\nusage: neteq merge-reports <a.json> <b.json>... [--reporter pretty|json|junit|github|sarif]\n`);
  return 2;
};

export async function mergeCommand(args: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: { reporter: { type: "string" } }, allowPositionals: true, strict: true });
  } catch (e) {
    return fail(io, "CLI003", argsError(e));
  }
  const { options, diagnostics } = resolveOptions({ reporter: parsed.values.reporter, cache: false }, io.cwd);
  if (diagnostics.length > 0) return fail(io, "CLI003", diagnostics.map((d) => d.message).join("; "));
  if (parsed.positionals.length === 0) return fail(io, "CLI003", "merge-reports needs at least one JSON report");
  const reports: { name: string; report: Report }[] = [];
  for (const name of parsed.positionals) {
    let text: string;
    try {
      text = fs.readFileSync(path.resolve(io.cwd, name), "utf8");
    } catch {
      return fail(io, "CLI001", `cannot read ${name}: no such file`);
    }
    const report = readReport(text);
    if (typeof report === "string") return fail(io, "CLI001", `cannot read ${name}: ${report}`);
    reports.push({ name, report });
  }
  const merged = mergeReports(reports);
  io.stdout(render(merged, options, io));
  return exitCode(merged);
}

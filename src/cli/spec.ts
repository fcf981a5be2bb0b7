/**
 * `neteq spec check <spec.json> <file> <network>`: read a permutation spec (Git Re-Basin
 * or mergekit JSON), compare it with the network's derived permutation classes, and let the
 * checker prove the classes it names and the spec applied with random permutations. Exit 0
 * when the spec is proved, 1 when it is wrong (or not proved), 2 for input errors.
 */
import { parseArgs } from "node:util";
import { renderDiagnostic } from "../diagnostics/render.ts";
import { resolveOptions } from "../options.ts";
import { proveDerivation } from "../symmetries/proveDerivation.ts";
import { readSpec } from "../symmetries/readSpec.ts";
import { seconds } from "../report/table.ts";
import { specDerivation, specProblems } from "../symmetries/specCheck.ts";
import * as path from "node:path";
import { importReader, readCommandLineFile } from "./files.ts";
import { argsError, type Io } from "./main.ts";
import { loadNetwork } from "./symmetries.ts";

const fail = (io: Io, message: string): number => {
  io.stderr(`neteq: error CLI003: ${message}\nusage: neteq spec check <spec.json> <file> <network> [--json] [--seed n] [--timeout s] [--jobs n] [--no-cache]\n`);
  return 2;
};

export async function specCommand(args: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { json: { type: "boolean" }, seed: { type: "string" }, timeout: { type: "string" }, jobs: { type: "string" }, "no-cache": { type: "boolean" } } });
  } catch (e) {
    return fail(io, argsError(e));
  }
  const [sub, specFile, file, name, ...extra] = parsed.positionals;
  if (sub !== "check") return fail(io, sub === undefined ? "spec needs a subcommand: neteq spec check <spec.json> <file> <network>" : `unknown spec subcommand ${JSON.stringify(sub)}; the subcommand is check`);
  if (specFile === undefined || file === undefined || name === undefined || extra.length) return fail(io, "spec check takes a spec file, a proof file and a network name");
  const v = parsed.values;
  const { options, diagnostics } = resolveOptions({ seed: v.seed, timeout: v.timeout, jobs: v.jobs, cache: !v["no-cache"] }, io.cwd);
  if (diagnostics.length) return fail(io, diagnostics.map((d) => d.message).join("; "));
  const specText = readCommandLineFile(specFile, io.cwd);
  if ("diagnostic" in specText) {
    io.stderr(renderDiagnostic(specText.diagnostic, new Map()).replace(/^<command line>:1:1: /, "neteq: ") + "\n");
    return 2;
  }
  const found = loadNetwork(io, file, name, fail);
  if ("code" in found) return found.code;
  const net = found.net;
  const { spec, problems: readProblems } = readSpec(specText.text, new Map(net.params.map((p) => [p.name, p.shape.length])));
  if (!spec) return fail(io, `${specFile}: ${readProblems.join("; ")}`);
  const problems = [...readProblems, ...specProblems(net, spec)];
  // Names that do not exist leave nothing to prove: the spec is wrong as it stands.
  const provable = !problems.some((p) => / no such parameter | the spec gives \d+ axes/.test(p));
  const report = provable
    ? await proveDerivation(specDerivation(net, spec, options.seed), { file, virtualPath: path.join(path.dirname(file), `${net.name}.spec-check.neq`), importPath: path.basename(file), command: `neteq spec check ${specFile} ${file} ${name}` }, options, importReader(io.cwd))
    : null;
  const proved = report !== null && report.problems.length === 0 && report.generators.length > 0 && report.generators.every((g) => g.verdict === "proved") && report.controls.every((c) => c.ok);
  const verdict = problems.length === 0 && proved ? "proved" : problems.length > 0 || report?.generators.some((g) => g.verdict === "refuted") ? "refuted" : "unknown";
  if (v.json) {
    io.stdout(JSON.stringify({ version: 1, spec: specFile, format: spec.format, file, network: name, verdict, problems, checked: report?.generators.map((g) => ({ what: g.title, verdict: g.verdict, ms: g.ms })) ?? [], controls: report?.controls.map((c) => ({ what: c.description, verdict: c.verdict })) ?? [] }, null, 2) + "\n");
    return verdict === "proved" ? 0 : 1;
  }
  const out = [`neteq spec check · ${specFile} (${spec.format === "rebasin" ? "Git Re-Basin PermutationSpec" : "mergekit architecture"}) · ${file} · ${name}`, ""];
  if (problems.length) out.push("spec problems (in the spec's names):", ...problems.map((p) => `  ${p}`), "");
  if (report) {
    out.push("checked by the solver:");
    for (const g of report.generators) out.push(`  ${g.title}${g.group !== "-" ? ` (${g.group})` : ""}: ${g.verdict} ${seconds(g.ms)}`);
    for (const c of report.controls) out.push(`  control, ${c.description}: ${c.verdict}${c.ok ? "" : " (should be refuted)"}`);
    for (const p of report.problems) out.push(`  problem of the generated claims: ${p}`);
    out.push("");
  }
  out.push(verdict === "proved" ? "the spec is proved: any permutations consistent with it preserve the function" : verdict === "refuted" ? "the spec is wrong" : "the spec is not proved (see above)");
  io.stdout(out.join("\n") + "\n");
  return verdict === "proved" ? 0 : 1;
}

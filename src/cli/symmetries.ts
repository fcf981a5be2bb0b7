/**
 * `neteq symmetries <file> <network>`: derive the network's symmetry generators from its
 * structure, prove each with the checker (and refute a wrong candidate per rule), and print
 * the group; `--json` for scripts, `--emit neq` for the proved claims as a .neq file,
 * `--export rebasin|rebasin-python|mergekit` for the permutation spec other tools read.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { renderDiagnostic } from "../diagnostics/render.ts";
import { elaborate } from "../elaborate/elaborate.ts";
import type { Network } from "../elaborate/types.ts";
import { resolveOptions, type Options } from "../options.ts";
import { load } from "../syntax/load.ts";
import { derive } from "../symmetries/derive.ts";
import { emitNeq } from "../symmetries/emit.ts";
import { isIdent } from "../symmetries/naming.ts";
import { proveDerivation } from "../symmetries/proveDerivation.ts";
import { renderSymmetries, renderSymmetriesJson } from "../symmetries/render.ts";
import type { SymmetryReport } from "../symmetries/types.ts";
import { importReader, readCommandLineFile } from "./files.ts";
import { argsError, type Io } from "./main.ts";

const USAGE_LINE = "usage: neteq symmetries <file> <network> [--json] [--emit neq [-o out.neq]] [--export rebasin|rebasin-python|mergekit] [--timeout s] [--seed n] [--jobs n] [--no-cache]";

const fail = (io: Io, message: string): number => {
  io.stderr(`neteq: error CLI003: ${message}\n${USAGE_LINE}\n`);
  return 2;
};

const EXPORTS = ["rebasin", "rebasin-python", "mergekit"] as const;
export type ExportFormat = (typeof EXPORTS)[number];

/** The network named on the command line, elaborated, or an exit code after printing why not. */
export function loadNetwork(io: Io, file: string, name: string, fail: (io: Io, m: string) => number): { net: Network } | { code: number } {
  const source = readCommandLineFile(file, io.cwd);
  if ("diagnostic" in source) {
    io.stderr(renderDiagnostic(source.diagnostic, new Map()).replace(/^<command line>:1:1: /, "neteq: ") + "\n");
    return { code: 2 };
  }
  const loaded = load(file, source.text, importReader(io.cwd));
  const module = elaborate(loaded);
  const errors = module.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) {
    for (const d of errors) io.stderr(renderDiagnostic(d, loaded.sources) + "\n");
    return { code: 2 };
  }
  const net = module.networks.get(name);
  if (!net) return { code: fail(io, `${file} declares no network ${name}${module.networks.size ? `; its networks are ${[...module.networks.keys()].join(", ")}` : ""}`) };
  if (!isIdent(net.name)) return { code: fail(io, `the network ${name} comes from a sweep; name one network declared outside a \`for\``) };
  return { net };
}

/** Derive and prove the symmetries of `net`; the generated file is checked as if it lived in `outDir`. */
export async function symmetryReport(net: Network, file: string, outDir: string, options: Options, io: Io, command: string): Promise<{ report: SymmetryReport; importPath: string }> {
  let importPath = path.relative(outDir, path.resolve(io.cwd, file)).split(path.sep).join("/");
  // `std/...` names the standard library; a relative path must not look like one.
  if (importPath.startsWith("std/")) importPath = `./${importPath}`;
  const virtualPath = path.relative(io.cwd, path.join(outDir, `${net.name}.symmetries.neq`)) || `${net.name}.symmetries.neq`;
  const report = await proveDerivation(derive(net), { file, virtualPath, importPath, command }, options, importReader(io.cwd));
  return { report, importPath };
}

export async function symmetriesCommand(args: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { json: { type: "boolean" }, emit: { type: "string" }, o: { type: "string", short: "o" }, export: { type: "string" }, timeout: { type: "string" }, seed: { type: "string" }, jobs: { type: "string" }, "no-cache": { type: "boolean" }, "cache-dir": { type: "string" } },
    });
  } catch (e) {
    return fail(io, argsError(e));
  }
  const v = parsed.values;
  if (parsed.positionals.length !== 2) return fail(io, "symmetries takes a file and a network name");
  if (v.emit !== undefined && v.emit !== "neq") return fail(io, `--emit: expected neq, got ${JSON.stringify(v.emit)}`);
  if (v.export !== undefined && !(EXPORTS as readonly string[]).includes(v.export)) return fail(io, `--export: expected rebasin, rebasin-python or mergekit, got ${JSON.stringify(v.export)}`);
  if (v.o !== undefined && v.emit === undefined) return fail(io, "-o goes with --emit neq");
  if ([v.json, v.emit, v.export].filter((x) => x !== undefined).length > 1) return fail(io, "give at most one of --json, --emit and --export");
  const { options, diagnostics } = resolveOptions({ timeout: v.timeout, seed: v.seed, jobs: v.jobs, cache: !v["no-cache"], cacheDir: v["cache-dir"] }, io.cwd);
  if (diagnostics.length) return fail(io, diagnostics.map((d) => d.message).join("; "));
  const outFile = v.o === undefined ? null : path.resolve(io.cwd, v.o);
  if (outFile && v.o !== undefined) {
    const dir = path.dirname(outFile);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return fail(io, `-o: cannot write ${v.o}: the folder ${path.dirname(v.o)} does not exist`);
    if (fs.existsSync(outFile) && fs.statSync(outFile).isDirectory()) return fail(io, `-o: cannot write ${v.o}: it is a folder`);
  }
  const [file, name] = parsed.positionals as [string, string];
  const found = loadNetwork(io, file, name, fail);
  if ("code" in found) return found.code;
  const command = `neteq symmetries ${file} ${name}`;
  const { report, importPath } = await symmetryReport(found.net, file, outFile ? path.dirname(outFile) : io.cwd, options, io, command);
  const code = report.problems.length > 0 ? 1 : report.ok ? 0 : 1;
  if (v.emit === "neq") {
    const text = emitNeq(
      { network: report.network, candidates: report.generators, controls: report.controls, notClaimed: report.notClaimed },
      { importPath, command, candidates: (c) => report.generators.some((g) => g.id === c.id && g.verdict === "proved"), controls: (c) => report.controls.some((k) => k.id === c.id && k.ok) },
    );
    if (!outFile) {
      io.stdout(text);
      return code;
    }
    fs.writeFileSync(outFile, text);
    io.stdout(renderSymmetries(report) + `proved symmetries written to ${v.o ?? outFile}\n`);
    return code;
  }
  if (v.export !== undefined) {
    const { exportSpec } = await import("../symmetries/exportSpec.ts");
    io.stdout(exportSpec(found.net, report, v.export as ExportFormat));
    return code;
  }
  io.stdout(v.json ? renderSymmetriesJson(report) : renderSymmetries(report));
  return code;
}

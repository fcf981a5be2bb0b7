/**
 * The command line: `neteq check`, `neteq explain`, `neteq bound`. Exit codes: 0 every
 * claim met its expectation, 1 some did not, 2 usage or input errors (3 internal errors).
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { check } from "../check.ts";
import { renderDiagnostic } from "../diagnostics/render.ts";
import { error, InternalError, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { noSpan } from "../diagnostics/span.ts";
import { explain } from "../explain.ts";
import { resolveOptions, type Options } from "../options.ts";
import { renderJson } from "../report/json.ts";
import { renderGithub } from "../report/github.ts";
import { renderJunit } from "../report/junit.ts";
import { renderPretty } from "../report/pretty.ts";
import { renderSarif } from "../report/sarif.ts";
import { exitCode, summarise, type Report } from "../report/types.ts";
import type { Progress } from "../session.ts";
import { claimSelector } from "./select.ts";
import { readBaseline, replay } from "./replay.ts";
import { collect, importReader, readCommandLineFile } from "./files.ts";
import { fromRoot } from "../root.ts";

/** Where the CLI writes. */
export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** Whether stderr is a terminal (progress line). */
  readonly tty: boolean;
  readonly cwd: string;
}

/**
 * The usage text. It lives in usage.txt so that bin.mjs can print it (and the version)
 * without loading the TypeScript sources; a test checks its defaults against options.ts.
 */
export const USAGE = fs.readFileSync(fromRoot("src", "cli", "usage.txt"), "utf8");

/** The version, from package.json (bin.mjs reads it the same way). */
export const VERSION: string = (JSON.parse(fs.readFileSync(fromRoot("package.json"), "utf8")) as { version: string }).version;

function usageError(io: Io, message: string): number {
  io.stderr(`neteq: error CLI003: ${message}\nrun \`neteq --help\` for usage\n`);
  return 2;
}

/** node:util parseArgs errors in our words. */
export function argsError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const unknownOption = /^Unknown option '([^']+)'/.exec(msg);
  if (unknownOption) return `unknown option ${unknownOption[1]}`;
  const ambiguous = /^Option '(--[^']+)' argument is ambiguous/.exec(msg);
  if (ambiguous) return `${ambiguous[1]} needs a value (for a value starting with "-" write ${ambiguous[1]}=-...)`;
  const missing = /^Option '(--[^' ]+)[^']*' argument missing/.exec(msg);
  if (missing) return `${missing[1]} needs a value`;
  const positional = /^Unexpected argument '([^']+)'/.exec(msg);
  if (positional) return `unexpected argument ${positional[1]}`;
  return msg.replace(/\. To specify a positional argument.*$/s, "");
}

const printDiags = (io: Io, diags: readonly Diagnostic[], sources: ReadonlyMap<string, string> = new Map()) => {
  for (const d of diags) io.stderr(renderDiagnostic(d, sources).replace(/^<command line>:1:1: /, "neteq: ") + "\n");
};

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    const what = e instanceof InternalError ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    io.stderr(`neteq: ${what}\nThis is a bug in neteq; please report it with the input that caused it.\n`);
    if (process.env.NETEQ_DEBUG) io.stderr(`${e instanceof Error ? e.stack : ""}\n`);
    return 3;
  }
}

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    io.stdout(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-v") {
    io.stdout(`neteq ${VERSION}\n`);
    return 0;
  }
  if (command === "check") return checkCommand(rest, io);
  if (command === "explain") return explainCommand(rest, io);
  if (command === "bound") {
    const { boundCommand } = await import("./bound.ts");
    return boundCommand(rest, io);
  }
  if (command === "merge-reports") {
    const { mergeCommand } = await import("./merge.ts");
    return mergeCommand(rest, io);
  }
  if (command === "outline") {
    const { outlineCommand } = await import("./outline.ts");
    return outlineCommand(rest, io);
  }
  if (command === "spec") {
    const { specCommand } = await import("./spec.ts");
    return specCommand(rest, io);
  }
  if (command === "symmetries") {
    const { symmetriesCommand } = await import("./symmetries.ts");
    return symmetriesCommand(rest, io);
  }
  if (command === "import") {
    const { importCommand } = await import("./import.ts");
    return importCommand(rest, io);
  }
  if (command === "certify" || command === "recheck") {
    const { certifyCommand, recheckCommand } = await import("./certify.ts");
    return command === "certify" ? certifyCommand(rest, io) : recheckCommand(rest, io);
  }
  if (command === "align" || command === "canonicalise") {
    const { alignCommand, canonicaliseCommand } = await import("./align.ts");
    return command === "align" ? alignCommand(rest, io) : canonicaliseCommand(rest, io);
  }
  return usageError(io, `unknown command ${JSON.stringify(command)}; commands are check, explain, bound, merge-reports, outline, certify, recheck, symmetries, spec, import, align and canonicalise`);
}

function parse(args: readonly string[], io: Io, options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    usageError(io, argsError(e));
    return null;
  }
}

async function checkCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args, io, {
    reporter: { type: "string" },
    timeout: { type: "string" },
    seed: { type: "string" },
    strategy: { type: "string" },
    jobs: { type: "string" },
    exclude: { type: "string", multiple: true },
    filter: { type: "string", multiple: true },
    shard: { type: "string" },
    replay: { type: "string" },
    watch: { type: "boolean" },
    "no-cache": { type: "boolean" },
    "no-falsify": { type: "boolean" },
    "clear-cache": { type: "boolean" },
    "cache-dir": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (!parsed) return 2;
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (v.help) {
    io.stdout(USAGE);
    return 0;
  }
  const { options, diagnostics } = resolveOptions(
    {
      reporter: v.reporter as string | undefined,
      timeout: v.timeout as string | undefined,
      seed: v.seed as string | undefined,
      strategy: v.strategy as string | undefined,
      jobs: v.jobs as string | undefined,
      cache: !v["no-cache"],
      falsify: !v["no-falsify"],
      filter: v.filter as string[] | undefined,
      shard: v.shard as string | undefined,
      cacheDir: v["cache-dir"] as string | undefined,
      clearCache: Boolean(v["clear-cache"]),
      progress: io.tty,
    },
    io.cwd,
  );
  if (parsed.positionals.length === 0) return usageError(io, "check needs at least one file or folder");
  const found = collect(parsed.positionals, (v.exclude as string[] | undefined) ?? [], io.cwd);
  const problems = [...diagnostics, ...found.diagnostics];
  if (problems.length > 0) {
    printDiags(io, problems);
    if (["json", "github", "sarif"].includes(options.reporter) && diagnostics.every((d) => !d.message.startsWith("--reporter"))) io.stdout(render(usageReport(options, problems), options, io));
    return 2;
  }
  const read = found.files.map((f) => ({ path: f, ...readCommandLineFile(f, io.cwd) }));
  const unreadable = read.flatMap((f) => ("diagnostic" in f ? [f.diagnostic] : []));
  if (unreadable.length > 0) {
    printDiags(io, unreadable);
    return 2;
  }
  const files = read.map((f) => ({ path: f.path, text: "text" in f ? f.text : "" }));
  const baseline = typeof v.replay === "string" ? readBaseline(v.replay, io) : undefined;
  if (baseline === null) return 2;
  const selector = claimSelector(options.filter, options.shard, io.cwd);
  if (v.watch) {
    const { watchCommand } = await import("./watch.ts");
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    return watchCommand(parsed.positionals, (v.exclude as string[] | undefined) ?? [], options, io, selector.select, stop.signal);
  }
  const progress = options.progress ? progressLine(io) : null;
  const report = await check(files, options, { read: importReader(io.cwd), onProgress: progress?.update, select: selector.select });
  progress?.done();
  if (options.filter.length > 0 && selector.matched() === 0) {
    // A filter that matches nothing is a mistake (a typo, a renamed claim), not a success.
    const problem = error("CLI003", noSpan("<command line>"), `--filter: no claim matches ${options.filter.map((f) => JSON.stringify(f)).join(" or ")}`);
    printDiags(io, [problem]);
    if (["json", "github", "sarif"].includes(options.reporter)) io.stdout(render(usageReport(options, [problem]), options, io));
    return 2;
  }
  // A part of a suite shows only the files it has claims (or problems) in.
  const part = options.filter.length > 0 || options.shard !== null ? { ...report, files: report.files.filter((f) => f.claims.length > 0 || f.diagnostics.length > 0) } : report;
  if (baseline) return replay(io, part, baseline, v.replay as string, selector.selects);
  io.stdout(render(part, options, io));
  return exitCode(part);
}

function usageReport(options: Options, problems: readonly Diagnostic[]): Report {
  return { version: 1, seed: options.seed, z3: null, strategy: options.strategy, timeoutMs: options.timeoutMs, files: [], usage: problems.map((d) => `${d.code}: ${d.message}`), summary: summarise([], 0) };
}

/** The report in the chosen output format. */
export function render(report: Report, options: Options, io: Io): string {
  if (options.reporter === "json") return renderJson(report);
  if (options.reporter === "junit") return renderJunit(report);
  if (options.reporter === "github") return renderGithub(report);
  if (options.reporter === "sarif") return renderSarif(report, VERSION);
  return renderPretty(report, { color: io.tty && !process.env.NO_COLOR });
}

/** A single updating progress line on a terminal (stderr). */
function progressLine(io: Io): { update: (p: Progress) => void; done: () => void } {
  let last = 0;
  let shown = false;
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 100 && p.claimsDone < p.claimsTotal) return;
      last = now;
      shown = true;
      const obligations = p.obligationsTotal ? ` · obligations ${p.obligationsDone}/${p.obligationsTotal} (${p.distinct} distinct)` : "";
      io.stderr(`\r\x1b[K[${p.claimsDone}/${p.claimsTotal} claims]${obligations} · ${((now - p.startedAt) / 1000).toFixed(1)} s`);
    },
    done: () => {
      if (shown) io.stderr("\r\x1b[K");
    },
  };
}

async function explainCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args, io, { strategy: { type: "string" }, help: { type: "boolean", short: "h" } });
  if (!parsed) return 2;
  if (parsed.values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const { options, diagnostics } = resolveOptions({ strategy: parsed.values.strategy as string | undefined, cache: false }, io.cwd);
  if (diagnostics.length) {
    printDiags(io, diagnostics);
    return 2;
  }
  if (parsed.positionals.length !== 2) return usageError(io, "explain takes a file and a claim name: neteq explain <file> <claim>");
  const [file, claim] = parsed.positionals as [string, string];
  const source = readCommandLineFile(file, io.cwd);
  if ("diagnostic" in source) {
    printDiags(io, [source.diagnostic]);
    return 2;
  }
  const out = explain(file, source.text, claim, options.strategy, importReader(io.cwd));
  if (out.diagnostics.length) {
    printDiags(io, out.diagnostics, out.sources);
    return 2;
  }
  io.stdout(out.text);
  return 0;
}

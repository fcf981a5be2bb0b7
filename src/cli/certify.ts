/**
 * `neteq certify <files or folders...> -o <dir>`: check, and write the certificates of the
 * proved claims (src/certify/). `neteq recheck <dir> [--solver z3|cvc5|all]`: re-check a
 * certificate folder with native solvers found on PATH.
 *
 * Exit codes. certify: as `check` (0 every claim met its expectation, 1 some did not, 2
 * usage or input errors). recheck: 0 every file of every claim answered unsat (goal in the
 * core) by every chosen solver, 1 some did not or a file is missing or does not have the
 * manifest's hash, 2 usage errors, an unreadable manifest, or a solver not on PATH.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { readFileOrNull } from "../check.ts";
import { certify, type Certificates } from "../certify/certify.ts";
import { MANIFEST, readManifest } from "../certify/manifest.ts";
import { findSolver, INSTALL, SOLVER_NAMES, type NativeSolver, type SolverName } from "../certify/native.ts";
import { recheck, recheckOk, renderRecheck } from "../certify/recheck.ts";
import { unusableFolder, writeCertificates } from "../certify/write.ts";
import { renderDiagnostic } from "../diagnostics/render.ts";
import { resolveOptions } from "../options.ts";
import { renderPretty } from "../report/pretty.ts";
import { exitCode } from "../report/types.ts";
import { collect } from "./files.ts";
import { argsError, type Io } from "./main.ts";
import { claimSelector } from "./select.ts";

const CERTIFY_USAGE = "usage: neteq certify <files or folders...> -o <dir> [--timeout s] [--seed n] [--strategy s] [--jobs n] [--exclude p] [--filter p] [--no-cache] [--cache-dir d] [--no-falsify]";
const RECHECK_USAGE = "usage: neteq recheck <dir> [--solver z3|cvc5|all] [--timeout s] [--jobs n]";

/** Default time limit per certificate file and solver, in seconds. */
export const RECHECK_TIMEOUT_S = 60;

const fail = (io: Io, code: string, message: string, usage: string): number => {
  io.stderr(`neteq: error${code ? ` ${code}` : ""}: ${message}\n${usage}\n`);
  return 2;
};

function parse(args: readonly string[], io: Io, usage: string, options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>["options"]>) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    fail(io, "CLI003", argsError(e), usage);
    return null;
  }
}

export async function certifyCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args, io, CERTIFY_USAGE, {
    output: { type: "string", short: "o" },
    timeout: { type: "string" },
    seed: { type: "string" },
    strategy: { type: "string" },
    jobs: { type: "string" },
    exclude: { type: "string", multiple: true },
    filter: { type: "string", multiple: true },
    "no-cache": { type: "boolean" },
    "no-falsify": { type: "boolean" },
    "cache-dir": { type: "string" },
  });
  if (!parsed) return 2;
  const v = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const { options, diagnostics } = resolveOptions(
    {
      timeout: v.timeout as string | undefined,
      seed: v.seed as string | undefined,
      strategy: v.strategy as string | undefined,
      jobs: v.jobs as string | undefined,
      cache: !v["no-cache"],
      falsify: !v["no-falsify"],
      filter: v.filter as string[] | undefined,
      cacheDir: v["cache-dir"] as string | undefined,
    },
    io.cwd,
  );
  if (diagnostics.length > 0) return fail(io, "CLI003", diagnostics.map((d) => d.message).join("; "), CERTIFY_USAGE);
  const out = v.output as string | undefined;
  if (!out) return fail(io, "CLI003", "certify needs an output folder: -o <dir>", CERTIFY_USAGE);
  if (parsed.positionals.length === 0) return fail(io, "CLI003", "certify needs at least one file or folder", CERTIFY_USAGE);
  const unusable = unusableFolder(path.resolve(io.cwd, out));
  if (unusable) return fail(io, "CLI001", unusable, CERTIFY_USAGE);
  const found = collect(parsed.positionals, (v.exclude as string[] | undefined) ?? [], io.cwd);
  if (found.diagnostics.length > 0) {
    for (const d of found.diagnostics) io.stderr(renderDiagnostic(d, new Map()).replace(/^<command line>:1:1: /, "neteq: ") + "\n");
    return 2;
  }
  const files: { path: string; text: string }[] = [];
  for (const f of found.files) {
    try {
      files.push({ path: f, text: fs.readFileSync(path.resolve(io.cwd, f), "utf8") });
    } catch (e) {
      return fail(io, "CLI001", `cannot read ${f}: ${e instanceof Error ? e.message : String(e)}`, CERTIFY_USAGE);
    }
  }
  const selector = claimSelector(options.filter, null, io.cwd);
  const certs = await certify(files, options, { read: (f) => readFileOrNull(path.resolve(io.cwd, f)), select: selector.select });
  if (options.filter.length > 0 && selector.matched() === 0) return fail(io, "CLI003", `--filter: no claim matches ${options.filter.map((f) => JSON.stringify(f)).join(" or ")}`, CERTIFY_USAGE);
  const problem = writeCertificates(path.resolve(io.cwd, out), certs);
  if (problem) return fail(io, "CLI001", problem, CERTIFY_USAGE);
  const report = options.filter.length > 0 ? { ...certs.report, files: certs.report.files.filter((f) => f.claims.length > 0 || f.diagnostics.length > 0) } : certs.report;
  io.stdout(renderPretty(report) + "\n" + renderCertified(certs, out));
  return exitCode(report);
}

/** What certify wrote, claim by claim, and how to re-check it. */
export function renderCertified(c: Certificates, folder: string): string {
  const dir = folder.replace(/(.)[\\/]+$/, "$1");
  const lines = [`certificates in ${dir}/ (${MANIFEST}):`];
  let lastFile = "";
  for (const claim of c.manifest.claims) {
    if (claim.file !== lastFile) lines.push(`  ${(lastFile = claim.file)}`);
    const n = claim.obligations.length;
    lines.push(`    ${claim.claim.padEnd(18)} ${claim.strategy.padEnd(14)} ${n} obligation${n === 1 ? "" : "s"}`);
  }
  const proved = c.report.summary.proved;
  const n = c.manifest.claims.length;
  lines.push(`${n} of ${proved} proved claim${proved === 1 ? "" : "s"} certified · ${c.files.size} file${c.files.size === 1 ? "" : "s"} · re-check with: neteq recheck ${dir}`);
  return lines.join("\n") + "\n";
}

export async function recheckCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args, io, RECHECK_USAGE, { solver: { type: "string" }, timeout: { type: "string" }, jobs: { type: "string" } });
  if (!parsed) return 2;
  const v = parsed.values as Record<string, string | undefined>;
  const { options, diagnostics } = resolveOptions({ timeout: v.timeout ?? RECHECK_TIMEOUT_S, jobs: v.jobs, cache: false }, io.cwd);
  if (diagnostics.length > 0) return fail(io, "CLI003", diagnostics.map((d) => d.message).join("; "), RECHECK_USAGE);
  const choice = v.solver ?? "all";
  if (choice !== "all" && !(SOLVER_NAMES as readonly string[]).includes(choice)) return fail(io, "CLI003", `--solver: expected z3, cvc5 or all, got ${JSON.stringify(choice)}`, RECHECK_USAGE);
  if (parsed.positionals.length !== 1) return fail(io, "CLI003", "recheck takes one certificate folder (written by neteq certify -o <dir>)", RECHECK_USAGE);
  const dir = parsed.positionals[0]!;
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(io.cwd, dir, MANIFEST), "utf8");
  } catch {
    return fail(io, "CLI001", `cannot read ${path.join(dir, MANIFEST)}: not a certificate folder (write one with neteq certify -o ${dir})`, RECHECK_USAGE);
  }
  const manifest = readManifest(text);
  if (typeof manifest === "string") return fail(io, "CLI001", `${path.join(dir, MANIFEST)}: ${manifest}`, RECHECK_USAGE);
  const wanted: readonly SolverName[] = choice === "all" ? SOLVER_NAMES : [choice as SolverName];
  const solvers: NativeSolver[] = [];
  for (const name of wanted) {
    const s = await findSolver(name);
    // A missing solver must not pass silently: the user asked for its answers.
    if (!s) return fail(io, "", `${name} is not on PATH; install it: ${INSTALL}`, RECHECK_USAGE);
    solvers.push(s);
  }
  const r = await recheck(path.resolve(io.cwd, dir), manifest, solvers, { timeoutMs: options.timeoutMs, jobs: options.jobs });
  io.stdout(renderRecheck({ ...r, dir }));
  return recheckOk(r) ? 0 : 1;
}

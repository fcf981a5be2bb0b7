/**
 * The library entry: proof files in, a Report out.
 *
 *     text -> load (parse + imports) -> elaborate -> per claim: prove (falsify, obligations,
 *     solver, decide) -> report
 *
 * @example
 *   const report = await check([{ path: "a.neq", text }], resolveOptions({}).options);
 *   report.summary.failed === 0
 */
import * as fs from "node:fs";
import { elaborate } from "./elaborate/elaborate.ts";
import type { Module } from "./elaborate/types.ts";
import type { Options } from "./options.ts";
import { prove, type ClaimOutcome } from "./prove.ts";
import { claimReport, errorReport, reportDiagnostic } from "./report/build.ts";
import { summarise, type ClaimReport, type FileReport, type Report } from "./report/types.ts";
import { Session, type Progress } from "./session.ts";
import { load, type ReadFile } from "./syntax/load.ts";
import { bound } from "./bound.ts";

/** Read a file, or null (for imports). */
export const readFileOrNull: ReadFile = (f) => {
  try {
    return fs.readFileSync(f, "utf8");
  } catch {
    return null;
  }
};

export interface CheckHooks {
  readonly read?: ReadFile;
  readonly onProgress?: (p: Progress) => void;
  /** Called as each claim finishes. */
  readonly onClaim?: (file: string, c: ClaimReport) => void;
  /** Which claims to check (`--filter`, `--shard`); the others are left out of the report. Default: all. */
  readonly select?: (file: string, claim: string) => boolean;
}

/** A module with only the selected claims (each claim is asked about once). */
function selectClaims(module: Module, file: string, select: CheckHooks["select"]): Module {
  if (!select) return module;
  const keep = <C extends { readonly name: string }>(cs: readonly C[]) => cs.filter((c) => select(file, c.name));
  return { ...module, claims: keep(module.claims), bounds: keep(module.bounds), failed: keep(module.failed) };
}

/** Check every claim of every file. */
export async function check(files: readonly { path: string; text: string }[], options: Options, hooks: CheckHooks = {}): Promise<Report> {
  const session = new Session(options, hooks.onProgress);
  try {
    return await checkWith(session, files, hooks);
  } finally {
    await session.close();
  }
}

/** `check` on an existing session (its solver workers are reused; the caller closes it). */
export async function checkWith(session: Session, files: readonly { path: string; text: string }[], hooks: CheckHooks = {}): Promise<Report> {
  const started = Date.now();
  const options = session.options;
  {
    const modules = files.map((f) => ({ file: f, loaded: load(f.path, f.text, hooks.read ?? readFileOrNull) })).map((m) => ({ ...m, module: selectClaims(elaborate(m.loaded), m.file.path, hooks.select) }));
    session.tick({ claimsTotal: modules.reduce((n, m) => n + m.module.claims.length, 0) });
    const reports: FileReport[] = [];
    for (const { file, loaded, module } of modules) {
      const sources = loaded.sources;
      const outcomes = await Promise.all(
        module.claims.map(async (c): Promise<ClaimReport> => {
          const o: ClaimOutcome = await prove(c, session);
          session.tick({ claimsDone: 1 });
          const r = claimReport(c.name, c.expect, c.span, sources, o);
          hooks.onClaim?.(file.path, r);
          return r;
        }),
      );
      const failed = module.failed.map((f) => errorReport(f.name, f.expect, f.span, sources));
      const bounds = module.bounds.map((b) => {
        const r = bound(b, session.rng("bound"), sources);
        hooks.onClaim?.(file.path, r);
        return r;
      });
      const claims = [...outcomes, ...bounds, ...failed].sort((a, b) => a.line - b.line || a.column - b.column || (a.name < b.name ? -1 : 1));
      reports.push({ path: file.path, diagnostics: module.diagnostics.map((d) => reportDiagnostic(d, sources)), claims });
    }
    const z3 = reports.some((r) => r.claims.some((c) => c.strategy === "monolithic" || c.strategy === "compositional")) ? await session.pool.version() : null;
    return { version: 1, seed: options.seed, z3, strategy: options.strategy, timeoutMs: options.timeoutMs, files: reports, usage: [], summary: summarise(reports, Date.now() - started) };
  }
}

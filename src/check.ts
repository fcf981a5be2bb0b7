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
import { elaborate } from "./elaborate/elaborate.ts";
import type { Module } from "./elaborate/types.ts";
import type { Options } from "./options.ts";
import { prove, type ClaimOutcome } from "./prove.ts";
import { ClaimCache } from "./backends/claims.ts";
import type { Claim } from "./elaborate/types.ts";
import { claimReport, errorReport, reportDiagnostic } from "./report/build.ts";
import { summarise, type ClaimReport, type FileReport, type Report } from "./report/types.ts";
import { Session, type Progress } from "./session.ts";
import { load, readSource, type ReadFile } from "./syntax/load.ts";
import { bound } from "./bound.ts";

/** Read a file, or null (for imports). */
/**
 * Read a file for imports: regular files under the size limit only (a named pipe or a
 * device is refused at once, never waited on), each problem with its reason.
 */
export const readFileOrNull: ReadFile = (f) => readSource(f);

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

/**
 * A claim's outcome from the whole-claim cache (backends/claims.ts), or proved now and
 * stored when it is proved or refuted. The cache is skipped when a certificate observes the
 * session (it needs the obligations themselves).
 */
async function cachedProve(c: Claim, texts: readonly string[], session: Session): Promise<ClaimOutcome> {
  const o = session.options;
  const cache = session.onDischarged ? null : session.claimCache;
  const key = cache ? ClaimCache.key({ sources: texts, claim: c.name, seed: o.seed, strategy: o.strategy, falsify: o.falsify }) : "";
  const hit = cache?.get(key);
  if (hit) {
    if (hit.z3) session.cachedZ3 ??= hit.z3;
    const out = hit.outcome as ClaimOutcome;
    return { ...out, ms: 0, waitMs: 0, notes: [...out.notes, "verdict from the claim cache (unchanged files, options and versions)"], ...(out.obligations ? { obligations: { ...out.obligations, cached: out.obligations.distinct } } : {}) };
  }
  const outcome = await prove(c, session);
  if (cache && (outcome.verdict.kind === "proved" || outcome.verdict.kind === "refuted")) {
    const z3 = session.pool.started() ? await session.pool.version() : null;
    cache.put(key, { outcome, z3 });
  }
  return outcome;
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
      const texts = [...sources.values()];
      const outcomes = await Promise.all(
        module.claims.map(async (c): Promise<ClaimReport> => {
          const o: ClaimOutcome = await cachedProve(c, texts, session);
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
    // The Z3 version: from a running solver, or from the whole-claim cache when no solver ran.
    const usedSolver = reports.some((r) => r.claims.some((c) => c.strategy === "monolithic" || c.strategy === "compositional" || (c.strategy === "symbolic" && (c.obligations?.total ?? 0) > 0)));
    const z3 = !usedSolver ? null : session.pool.started() || !session.cachedZ3 ? await session.pool.version() : session.cachedZ3;
    return { version: 1, seed: options.seed, z3, strategy: options.strategy, timeoutMs: options.timeoutMs, files: reports, usage: [], summary: summarise(reports, Date.now() - started) };
  }
}

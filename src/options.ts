/**
 * Options: partial in, resolved once at the boundary (with messages that name the flag),
 * fully resolved everywhere downstream.
 */
import * as os from "node:os";
import * as path from "node:path";
import { error, type Diagnostic } from "./diagnostics/diagnostic.ts";
import { noSpan } from "./diagnostics/span.ts";
import { LIMITS } from "./limits.ts";

export type StrategyChoice = "auto" | "symbolic" | "compositional" | "monolithic";
export type ReporterName = "pretty" | "json" | "junit" | "github" | "sarif";

/** Everything the checker needs, resolved. */
export interface Options {
  /** Per-claim time limit in ms (hard: enforced by terminating the solver). */
  readonly timeoutMs: number;
  readonly seed: number;
  readonly strategy: StrategyChoice;
  /** Solver worker threads. */
  readonly jobs: number;
  readonly reporter: ReporterName;
  /** Folder of the obligation cache, or null when caching is off. */
  readonly cacheDir: string | null;
  readonly clearCache: boolean;
  /** Show a progress line (on a terminal). */
  readonly progress: boolean;
  /** Run the numeric falsifier before the solver. */
  readonly falsify: boolean;
  /** `--filter` patterns: check only claims whose name or file path contains one (`*`: any characters). */
  readonly filter: readonly string[];
  /** `--shard k/n`: check only the k-th (1-based) of n deterministic parts of the claims. */
  readonly shard: { readonly index: number; readonly count: number } | null;
}

/** Options as given (strings from the command line, or values from a library caller). */
export interface PartialOptions {
  readonly timeout?: string | number;
  readonly seed?: string | number;
  readonly strategy?: string;
  readonly jobs?: string | number;
  readonly reporter?: string;
  readonly cache?: boolean;
  readonly cacheDir?: string;
  readonly clearCache?: boolean;
  readonly progress?: boolean;
  readonly falsify?: boolean;
  readonly filter?: readonly string[];
  /** `k/n` */
  readonly shard?: string;
}

export const DEFAULT_TIMEOUT_S = 30;
export const DEFAULT_SEED = 1;
export const DEFAULT_CACHE_DIR = ".neteq-cache";

const bad = (flag: string, message: string): Diagnostic => error("CLI003", noSpan("<command line>"), `--${flag}: ${message}`);

function positive(v: string | number, flag: string, diags: Diagnostic[], integer: boolean, max: number): number | null {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    diags.push(bad(flag, `expected a positive ${integer ? "whole number" : "number"}, got ${JSON.stringify(String(v))}`));
    return null;
  }
  if (n > max) {
    diags.push(bad(flag, `at most ${max}, got ${JSON.stringify(String(v))}`));
    return null;
  }
  return n;
}

/** Resolve partial options; problems are CLI003 diagnostics naming the flag. */
export function resolveOptions(p: PartialOptions, cwd = process.cwd()): { options: Options; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const timeout = p.timeout === undefined ? DEFAULT_TIMEOUT_S : positive(p.timeout, "timeout", diags, false, LIMITS.timeoutSeconds) ?? DEFAULT_TIMEOUT_S;
  let seed = DEFAULT_SEED;
  if (p.seed === "random") seed = Math.floor(Math.random() * 2 ** 31);
  else if (p.seed !== undefined) {
    const n = Number(p.seed);
    if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) diags.push(bad("seed", `expected a whole number in 0..4294967295 or "random", got ${JSON.stringify(String(p.seed))}`));
    else seed = n;
  }
  const strategy = (p.strategy ?? "auto") as StrategyChoice;
  if (!["auto", "symbolic", "compositional", "monolithic"].includes(strategy)) diags.push(bad("strategy", `expected auto, symbolic, compositional or monolithic, got ${JSON.stringify(p.strategy)}`));
  const reporter = (p.reporter ?? "pretty") as ReporterName;
  if (!["pretty", "json", "junit", "github", "sarif"].includes(reporter)) diags.push(bad("reporter", `expected pretty, json, junit, github or sarif, got ${JSON.stringify(p.reporter)}`));
  const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const jobs = p.jobs === undefined ? cores : positive(p.jobs, "jobs", diags, true, LIMITS.jobs) ?? cores;
  const cacheDir = p.cache === false ? null : path.resolve(cwd, p.cacheDir ?? DEFAULT_CACHE_DIR);
  const filter = p.filter ?? [];
  if (filter.some((f) => f === "")) diags.push(bad("filter", "expected a non-empty pattern"));
  const shardMatch = p.shard === undefined ? null : /^(\d+)\/(\d+)$/.exec(p.shard.trim());
  const shard = shardMatch ? { index: Number(shardMatch[1]), count: Number(shardMatch[2]) } : null;
  if (p.shard !== undefined && (!shard || shard.count < 1 || shard.index < 1 || shard.index > shard.count)) diags.push(bad("shard", `expected k/n with 1 <= k <= n, got ${JSON.stringify(p.shard)}`));
  return {
    options: { timeoutMs: Math.max(1, Math.round(timeout * 1000)), seed, strategy, jobs, reporter, cacheDir, clearCache: p.clearCache ?? false, progress: p.progress ?? false, falsify: p.falsify ?? true, filter, shard },
    diagnostics: diags,
  };
}

/**
 * What one run shares across claims: the solver pool, the Z3 version, the realisations
 * admitted for activations with axioms, and progress counters.
 */
import { SolverPool, type RawAnswer } from "./backends/z3/pool.ts";
import { printObligation } from "./backends/smtlib/print.ts";
import { readAnswer } from "./backends/smtlib/answer.ts";
import type { Activation } from "./elaborate/types.ts";
import { admissibility } from "./obligations/admissible.ts";
import type { Admission, Admitted, Candidate } from "./numeric/realise.ts";
import { meaningOf } from "./elaborate/meaning.ts";
import { Rng } from "./numeric/rng.ts";
import { ObligationCache } from "./backends/cache.ts";
import { ClaimCache } from "./backends/claims.ts";
import type { Options } from "./options.ts";
import type { Obligation } from "./obligations/types.ts";
import type { Verdict } from "./verdicts/types.ts";

/** Progress of a run, for the progress line. */
export interface Progress {
  claimsDone: number;
  claimsTotal: number;
  obligationsDone: number;
  obligationsTotal: number;
  distinct: number;
  startedAt: number;
}

/**
 * Told of every obligation a claim's proof attempt discharged (solved or found in the
 * cache), with its verdict and canonical hash: `neteq certify` (src/certify/) collects the
 * proved ones as the claim's certificate. Only observes; never changes a verdict.
 */
export type DischargeObserver = (ob: Obligation, verdict: Verdict, hash: string) => void;

export class Session {
  readonly pool: SolverPool;
  readonly progress: Progress;
  /** See `DischargeObserver`; unset in ordinary runs. */
  onDischarged?: DischargeObserver;
  private readonly admittedByMeaning = new Map<string, Promise<readonly Candidate[]>>();
  private cachePromise: Promise<ObligationCache> | null = null;
  /** Whole-claim verdicts (backends/claims.ts). */
  readonly claimCache: ClaimCache;
  /** The Z3 version recorded with a cached claim (reported when no solver had to start). */
  cachedZ3: string | null = null;

  constructor(
    readonly options: Options,
    private readonly onProgress: (p: Progress) => void = () => {},
  ) {
    this.pool = new SolverPool(options.jobs);
    if (options.clearCache && options.cacheDir) ObligationCache.clear(options.cacheDir);
    this.claimCache = new ClaimCache(options.cacheDir);
    this.progress = { claimsDone: 0, claimsTotal: 0, obligationsDone: 0, obligationsTotal: 0, distinct: 0, startedAt: Date.now() };
  }

  /**
   * A generator for one purpose ("falsify", "infer", "bound"), reproducible from the run's
   * seed. Pass a purpose, never a claim's name: a verdict must not depend on names, order or
   * the other claims of the run, so every claim gets the same stream for the same purpose.
   */
  rng(name: string): Rng {
    let h = this.options.seed >>> 0;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h);
  }

  /** The obligation cache (keyed by the Z3 version, so it waits for a solver to start). */
  cache(): Promise<ObligationCache> {
    const root = this.options.cacheDir;
    if (root === null) return Promise.resolve(new ObligationCache(null, ""));
    this.cachePromise ??= this.pool.version().then((v) => new ObligationCache(v.startsWith("unavailable") ? null : root, v));
    return this.cachePromise;
  }

  /** Run a script on the pool with a hard limit (read when a worker starts it); `onStart` is told when. */
  solve(script: string, limitMs: number | (() => number), onStart?: () => void): Promise<RawAnswer> {
    return this.pool.run(script, limitMs, onStart);
  }

  tick(update: Partial<Progress>): void {
    for (const [k, v] of Object.entries(update)) (this.progress as unknown as Record<string, number>)[k] = ((this.progress as unknown as Record<string, number>)[k] ?? 0) + (v as number);
    this.onProgress(this.progress);
  }

  /**
   * Pool functions that provably satisfy the axioms of each given activation (for the
   * falsifier and replays). Computed once per meaning per run: declarations that say the
   * same thing share the solver's answers, and nothing else does (keys, names and files
   * never decide which facts an activation inherits).
   */
  async admitted(acts: readonly Activation[]): Promise<Admitted> {
    const out = new Map<string, Admission>();
    for (const a of acts) {
      if (a.kind !== "uninterpreted" || a.axioms.length === 0 || a.builtin) continue;
      const meaning = meaningOf(a);
      let p = this.admittedByMeaning.get(meaning);
      if (!p) {
        p = Promise.all(
          admissibility(a).map(async ({ candidate, obligation }) => {
            // Generous limits: an admission decides which functions may realise an activation,
            // so a slow machine must not turn it down (its limit starts when a worker takes it).
            const script = printObligation(obligation, { timeoutMs: 25_000, queries: false });
            const answer = await this.pool.run(script.text, 30_000);
            return answer.kind === "output" && readAnswer(answer.text, 0).kind === "unsat" ? candidate : null;
          }),
        ).then((cs) => cs.filter((c): c is Candidate => c !== null));
        this.admittedByMeaning.set(meaning, p);
      }
      out.set(a.key, { meaning, candidates: await p });
    }
    return out;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Laws: reusable fast-check properties with a printed seed, and their negative controls.
 *
 * A law states something that must hold on every draw ("this symmetry preserves f"); its
 * negative control runs the same law with a deliberately broken ingredient and must FAIL,
 * which shows the law has teeth. Seeds are fixed by default (reproducible CI) and can be
 * overridden with NETEQ_LAW_SEED=<n> to explore; every failure message prints the seed.
 * NETEQ_LAW_VERBOSE=1 also reports how each negative control failed.
 */
import fc from "fast-check";
import { checkWith } from "../../src/check.ts";
import type { Session } from "../../src/session.ts";

/** The default seed of every law, unless NETEQ_LAW_SEED is set. */
export const DEFAULT_SEED = 20240917;

/** The seed laws use: NETEQ_LAW_SEED when set, else DEFAULT_SEED. */
export function lawSeed(): number {
  const env = process.env.NETEQ_LAW_SEED;
  if (env === undefined || env === "") return DEFAULT_SEED;
  const n = Number(env);
  if (!Number.isInteger(n)) throw new Error(`NETEQ_LAW_SEED must be an integer, got ${env}`);
  return n;
}

export interface LawOptions {
  /** Fixed seed for this law (default: lawSeed()). */
  readonly seed?: number;
  readonly numRuns?: number;
}

/**
 * Assert that `predicate` holds on `numRuns` draws of `arbitrary`. On failure, throws with
 * the law's name, the seed, the (shrunk) counterexample and how to replay it.
 */
export function law<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => boolean, options: LawOptions = {}): void {
  const seed = options.seed ?? lawSeed();
  const details = fc.check(fc.property(arbitrary, predicate), { seed, numRuns: options.numRuns ?? 100 });
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? `\n  error: ${details.errorInstance.message}` : "";
    throw new Error(
      `law "${name}" failed (seed ${seed}, path ${details.counterexamplePath}) after ${details.numRuns} runs\n` +
        `  counterexample: ${fc.stringify(details.counterexample)}${cause}\n` +
        `  replay: NETEQ_LAW_SEED=${seed} npx vitest run test/covering`,
    );
  }
}

export interface NegativeControlOptions extends LawOptions {
  /**
   * Also require that at least this share of draws violate the law (e.g. 0.5 for "changes f on
   * most draws"), counted on `numRuns` draws with the same seed, without shrinking.
   */
  readonly minFailureShare?: number;
}

/** What a negative control observed. */
export interface NegativeControlResult {
  readonly seed: number;
  readonly counterexample: unknown;
  /** Share of violating draws, when `minFailureShare` was asked for. */
  readonly failureShare: number | null;
}

/**
 * Assert that the law `predicate` (built with a deliberately broken ingredient) FAILS on
 * draws of `arbitrary`. Throws, printing the seed, when the broken version survives.
 */
export function negativeControl<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => boolean, options: NegativeControlOptions = {}): NegativeControlResult {
  const seed = options.seed ?? lawSeed();
  const numRuns = options.numRuns ?? 100;
  const details = fc.check(fc.property(arbitrary, predicate), { seed, numRuns });
  if (!details.failed) throw new Error(`negative control "${name}" did not fail: the broken version passed ${details.numRuns} runs (seed ${seed})`);
  let failureShare: number | null = null;
  if (options.minFailureShare !== undefined) {
    const draws = fc.sample(arbitrary, { seed, numRuns });
    failureShare = draws.filter((d) => !safely(predicate, d)).length / draws.length;
    if (failureShare < options.minFailureShare)
      throw new Error(`negative control "${name}" failed on only ${(failureShare * 100).toFixed(1)}% of ${numRuns} draws, below ${(options.minFailureShare * 100).toFixed(0)}% (seed ${seed})`);
  }
  if (process.env.NETEQ_LAW_VERBOSE) console.info(`negative control "${name}" failed as required (seed ${seed}${failureShare === null ? "" : `, on ${(failureShare * 100).toFixed(0)}% of draws`})`);
  return { seed, counterexample: details.counterexample, failureShare };
}

function safely<T>(predicate: (value: T) => boolean, value: T): boolean {
  try {
    return predicate(value);
  } catch {
    return false;
  }
}

/** `law` for asynchronous predicates (e.g. ones that ask the solver). */
export async function lawAsync<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<boolean>, options: LawOptions = {}): Promise<void> {
  const seed = options.seed ?? lawSeed();
  const details = await fc.check(fc.asyncProperty(arbitrary, predicate), { seed, numRuns: options.numRuns ?? 100 });
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? `\n  error: ${details.errorInstance.message}` : "";
    throw new Error(
      `law "${name}" failed (seed ${seed}, path ${details.counterexamplePath}) after ${details.numRuns} runs\n` +
        `  counterexample: ${fc.stringify(details.counterexample)}${cause}\n` +
        `  replay: NETEQ_LAW_SEED=${seed} npx vitest run test/laws`,
    );
  }
}

/** `negativeControl` for asynchronous predicates: the broken version must FAIL. */
export async function negativeControlAsync<T>(name: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<boolean>, options: LawOptions = {}): Promise<{ seed: number; counterexample: unknown }> {
  const seed = options.seed ?? lawSeed();
  const details = await fc.check(fc.asyncProperty(arbitrary, predicate), { seed, numRuns: options.numRuns ?? 100, endOnFailure: true });
  if (!details.failed) throw new Error(`negative control "${name}" did not fail: the broken version passed ${details.numRuns} runs (seed ${seed})`);
  if (process.env.NETEQ_LAW_VERBOSE) console.info(`negative control "${name}" failed as required (seed ${seed})`);
  return { seed, counterexample: details.counterexample };
}

/**
 * The verdict of the single claim of a generated proof file, checked on `session`; a file
 * that does not elaborate is an error of the generator, not a verdict.
 */
export async function verdictOf(session: Session, text: string): Promise<string> {
  const r = await checkWith(session, [{ path: "law.neq", text }]);
  const f = r.files[0]!;
  if (f.diagnostics.some((d) => d.severity === "error")) throw new Error(`generated file does not elaborate:\n${text}\n${f.diagnostics.map((d) => d.message).join("\n")}`);
  return f.claims[0]!.verdict;
}

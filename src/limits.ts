/**
 * Limits on what neteq accepts, checked before any work that could exhaust the stack, the
 * memory or the patience of the user. Each limit has its own diagnostic code (see
 * src/diagnostics/registry.ts) and is listed in README.md ("Limits"); a test checks that the
 * README and these numbers agree.
 *
 * They are far above anything in proofs/ (2048 units, 8.41M parameters); the benchmark's
 * largest network is a Llama-style block at d_model 4096 (177M parameters).
 */
export const LIMITS = {
  /** Bytes of one proof file, checked with stat before it is read (CLI006, ELB026). */
  fileBytes: 1_000_000,
  /** Characters of one line (SYN005). */
  lineLength: 10_000,
  /** Top-level declarations in one file (SYN007). */
  declarations: 5_000,
  /** Tokens of one declaration (SYN009): a permutation array of the largest dimension fits. */
  declarationTokens: 40_000,
  /** Open `( [ {` at once (SYN006). */
  nesting: 64,
  /** Expression depth: operators chained within brackets, summed over the open brackets (SYN006). */
  expressionDepth: 500,
  /** Activations or symmetries defined in terms of each other, one inside the next (ELB031). */
  definitionDepth: 64,
  /** Units of one vector: widths, input sizes, each parameter dimension (ELB027). */
  dimension: 16_384,
  /**
   * Parameter entries of one network, and entries of one tensor (ELB027). Networks this large
   * are proved by the symbolic strategy (its cost does not grow with the widths); the numeric
   * falsifier does not run above FALSIFY_MAX_PARAMS (src/prove.ts).
   */
  parameters: 250_000_000,
  /** Hidden layers of an mlp, vectors of an explicit network (ELB028). */
  layers: 256,
  /** Instances of the declarations of one file's `for` sweeps, nested ones multiplied (ELB029). */
  sweepInstances: 10_000,
  /** Monte Carlo draws of a bound statement or `neteq bound --samples` (ELB017, CLI003). */
  samples: 10_000_000,
  /** Widths in `neteq bound --widths w1,w2,...` (CLI003). */
  widths: 100,
  /** Diagnostics shown per file; the rest are counted in one final ELB030 note. */
  diagnostics: 100,
  /** `--timeout`, in seconds (CLI003). */
  timeoutSeconds: 86_400,
  /** `--jobs` (CLI003). */
  jobs: 64,
} as const;

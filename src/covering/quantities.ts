/**
 * The numbers behind a `bound` statement: every name of QUANTITIES and FACTS for its network
 * and options, and the decision of its assertion.
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import type { FACTS } from "../elaborate/bounds.ts";
import type { BoundClaim } from "../elaborate/types.ts";
import { Rational } from "../numeric/rational.ts";
import type { Rng } from "../numeric/rng.ts";
import { activationConstants } from "./activationConstants.ts";
import { computeQuantities, volumeInInterval, type QuantityName } from "./computeQuantities.ts";
import { networkQuantities } from "./networkQuantities.ts";
import type { VolumeEstimate } from "./volumeMonteCarlo.ts";

export { evaluateAssertion } from "./evaluateAssertion.ts";

/** A name a `bound` statement may assert as a fact. */
export type FactName = (typeof FACTS)[number];

/** The quantities and facts of one bound statement. */
export interface BoundQuantities {
  /** Every name of QUANTITIES. */
  readonly values: Readonly<Record<QuantityName, number>>;
  /** Every name of FACTS. */
  readonly facts: Readonly<Record<FactName, boolean>>;
  readonly monteCarlo: VolumeEstimate | null;
  /** Caveats for the reader (e.g. an unknown sigma(0)). */
  readonly notes: readonly string[];
}

/**
 * The quantities of `claim` (options B, eps, rho, samples resolved by elaboration): an mlp by
 * the closed-form lemmas, any other network by `networkQuantities`; Monte Carlo draws from `rng`.
 * `volume_in_interval`: the exact volume 1/prod d_l! lies in the Monte Carlo 99.9% interval.
 */
export function boundQuantities(claim: BoundClaim, rng: Rng): BoundQuantities {
  const mlp = claim.network.mlp;
  const option = (name: string): Rational => {
    const v = claim.options[name];
    if (!v) throw new InternalError(`bound ${claim.name}: option ${name} was not resolved`);
    return v;
  };
  const samples = option("samples");
  if (!mlp) {
    // Elaboration refused networks without a rigorous Lambda, so a refusal here is a bug.
    const g = networkQuantities(claim.network, option("B"), option("eps"), Math.max(1, Math.round(samples.toNumber())), rng);
    if ("refusal" in g) throw new InternalError(`bound ${claim.name}: ${g.refusal}`);
    const inInterval = g.monteCarlo !== null && volumeInInterval(g.values.log10_volume, g.volumeExact, g.monteCarlo);
    return { values: g.values, facts: { volume_in_interval: inInterval }, monteCarlo: g.monteCarlo, notes: g.notes };
  }
  const q = computeQuantities(
    {
      widths: mlp.widths,
      B: option("B"),
      eps: option("eps"),
      rho: option("rho"),
      layers: mlp.activations.map(activationConstants),
      samples: Math.max(1, Math.round(samples.toNumber())),
    },
    rng,
  );
  const inInterval = q.monteCarlo !== null && volumeInInterval(q.values.log10_volume, q.volumeExact, q.monteCarlo);
  return { values: q.values, facts: { volume_in_interval: inInterval }, monteCarlo: q.monteCarlo, notes: q.notes };
}

/**
 * Every covering-number quantity of one MLP at one (B, eps, rho): the numbers behind `bound`
 * statements, the `neteq bound` table and the plot.
 */
import type { QUANTITIES } from "../elaborate/bounds.ts";
import { Rational } from "../numeric/rational.ts";
import type { Rng } from "../numeric/rng.ts";
import { coveringBounds } from "./coveringBounds.ts";
import { groupOrder } from "./groupOrder.ts";
import { gridSize } from "./gridSize.ts";
import { lipschitz, log10Rational, type LayerConstants } from "./lipschitz.ts";
import { paramCount } from "./paramCount.ts";
import { volumeFraction } from "./volumeFraction.ts";
import { volumeMonteCarlo, type VolumeEstimate } from "./volumeMonteCarlo.ts";

/** A name a `bound` statement may use. */
export type QuantityName = (typeof QUANTITIES)[number];

/** What the quantities are computed from. */
export interface QuantityInputs {
  readonly widths: readonly number[];
  readonly B: Rational;
  readonly eps: Rational;
  readonly rho: Rational;
  /** |sigma(0)| and boundedness per hidden layer; a null sigma0 means unknown. */
  readonly layers: readonly { readonly sigma0: Rational | null; readonly boundedByOne: boolean }[];
  /** Monte Carlo draws (0: skip, the Monte Carlo values are NaN). */
  readonly samples: number;
}

/** The quantities, the Monte Carlo estimate behind them, and notes for the reader. */
export interface Quantities {
  readonly values: Readonly<Record<QuantityName, number>>;
  /** Exact 1/|G| when it fits, for comparisons that must not underflow. */
  readonly volumeExact: Rational | null;
  readonly monteCarlo: VolumeEstimate | null;
  readonly notes: readonly string[];
}

/**
 * All quantities of `QUANTITIES`. Numbers that overflow a float are reported through their
 * log10 (m is Infinity past 1.8e308, volume underflows to 0); when sigma(0) of some layer is
 * unknown, Lambda and everything built on it is NaN and a note says why.
 */
export function computeQuantities(q: QuantityInputs, rng: Rng): Quantities {
  const notes: string[] = [];
  const widths = q.widths;
  const known = q.layers.every((c) => c.sigma0 !== null);
  if (!known) notes.push("sigma(0) of an activation is unknown, so Lemma 1's Lambda (and m and the covering bounds) cannot be computed");
  const constants: LayerConstants[] = q.layers.map((c) => ({ rho: q.rho, sigma0: c.sigma0 ?? Rational.ZERO, boundedByOne: c.boundedByOne }));
  const lambda = known ? lipschitz(widths, q.B, constants) : null;
  const grid = lambda ? gridSize(q.B, q.eps, lambda) : null;
  const bounds = grid ? coveringBounds(widths, grid) : null;
  const group = groupOrder(widths);
  const volume = volumeFraction(widths);
  const mc = q.samples > 0 ? volumeMonteCarlo(widths, q.samples, rng) : null;
  const values: Record<QuantityName, number> = {
    S: paramCount(widths),
    L: widths.length - 2,
    B: q.B.toNumber(),
    eps: q.eps.toNumber(),
    rho: q.rho.toNumber(),
    m: grid ? grid.mNumber : NaN,
    log10_m: grid ? grid.log10m : NaN,
    log10_Lambda: lambda ? log10Rational(lambda) : NaN,
    log10_classical: bounds ? bounds.log10Classical : NaN,
    log10_reduced: bounds ? bounds.log10Reduced : NaN,
    log10_reduced_simple: bounds ? bounds.log10ReducedSimple : NaN,
    log10_gain: bounds ? bounds.log10Gain : NaN,
    log10_group_order: group.log10,
    // m = 1 makes both bounds 1 (log10 0) and the gain 0: its share is 0, not 0/0.
    gain_share: bounds ? (bounds.log10Classical === 0 ? 0 : bounds.log10Gain / bounds.log10Classical) : NaN,
    volume: volume.exact ? volume.exact.toNumber() : 10 ** volume.log10,
    log10_volume: volume.log10,
    volume_mc: mc ? mc.estimate : NaN,
    volume_mc_low: mc ? mc.low : NaN,
    volume_mc_high: mc ? mc.high : NaN,
  };
  return { values, volumeExact: volume.exact, monteCarlo: mc, notes };
}

/**
 * Whether the exact volume 1/|G| lies in the Monte Carlo interval [low, high], decided without
 * underflow: exactly when 1/|G| is held exactly, otherwise by log10.
 */
export function volumeInInterval(log10Volume: number, exact: Rational | null, mc: VolumeEstimate): boolean {
  if (exact) return Rational.fromNumber(mc.low).cmp(exact) <= 0 && exact.cmp(Rational.fromNumber(mc.high)) <= 0;
  const aboveLow = mc.low === 0 || log10Volume >= Math.log10(mc.low);
  return aboveLow && mc.high > 0 && log10Volume <= Math.log10(mc.high);
}

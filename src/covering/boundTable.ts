/**
 * Covering quantities over a sweep of widths: rows for the `neteq bound` table and the plot.
 */
import type { Activation } from "../elaborate/types.ts";
import { Rational } from "../numeric/rational.ts";
import { Rng } from "../numeric/rng.ts";
import { activationConstants } from "./activationConstants.ts";
import { computeQuantities, type QuantityName } from "./computeQuantities.ts";

/** What to sweep and at which (B, eps, rho). */
export interface BoundTableSpec {
  /** One widths vector [d_0..d_{L+1}] per row (see `widthSweep`). */
  readonly sweep: readonly (readonly number[])[];
  /** The activation of every hidden layer. */
  readonly activation: Activation;
  /** Defaults: B = 1, eps = 1/100, rho = the activation's Lipschitz constant. */
  readonly B?: Rational;
  readonly eps?: Rational;
  readonly rho?: Rational;
  /** Monte Carlo draws per row (default 0: skipped). */
  readonly samples?: number;
  /** Seed of the Monte Carlo draws (default 1). */
  readonly seed?: number;
}

/** One row: the widths, the swept width (the widest hidden layer) and every quantity. */
export interface BoundRow {
  readonly widths: readonly number[];
  readonly width: number;
  readonly values: Readonly<Record<QuantityName, number>>;
}

/**
 * Rows of covering quantities for each widths vector of the sweep.
 *
 * @example boundTable({ sweep: widthSweep(784, 10, 2, [10, 100, 1000]), activation: builtin("relu") })
 */
export function boundTable(spec: BoundTableSpec): BoundRow[] {
  const c = activationConstants(spec.activation);
  const rho = spec.rho ?? c.rho;
  if (!rho) throw new RangeError(`boundTable: give rho, the Lipschitz constant of ${spec.activation.name} is not known`);
  const rng = new Rng(spec.seed ?? 1);
  return spec.sweep.map((widths) => {
    const q = computeQuantities(
      {
        widths,
        B: spec.B ?? Rational.ONE,
        eps: spec.eps ?? Rational.of(1, 100),
        rho,
        layers: widths.slice(1, -1).map(() => c),
        samples: spec.samples ?? 0,
      },
      rng.fork(),
    );
    return { widths, width: Math.max(...widths.slice(1, -1)), values: q.values };
  });
}

/**
 * Widths vectors [input, w, ..., w, output] with `depth` hidden layers of width w, for each w.
 *
 * @example widthSweep(784, 10, 2, [100]) // [[784, 100, 100, 10]]
 */
export function widthSweep(input: number, output: number, depth: number, hidden: readonly number[]): number[][] {
  return hidden.map((w) => [input, ...Array.from({ length: depth }, () => w), output]);
}

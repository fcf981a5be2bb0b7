/**
 * Check 7: the sort-and-round grid of Lemmas 2 and 3 is an eps-cover, measured on one theta.
 */
import type { Rational } from "../numeric/rational.ts";
import { canonicalise } from "./canonicalise.ts";
import { gridSize } from "./gridSize.ts";
import { lipschitz, type LayerConstants } from "./lipschitz.ts";
import type { MlpFunction } from "./mlpFunction.ts";
import { roundToGrid } from "./roundToGrid.ts";

/** The outcome of one cover check. */
export interface CoverCheck {
  readonly m: bigint;
  /** canonicalise(theta). */
  readonly canonical: number[];
  /** The grid point standing for theta: canonical rounded to cell centres. */
  readonly rounded: number[];
  /** max over the input grid and outputs of |f_theta(x) - f_rounded(x)|. */
  readonly gap: number;
  readonly eps: number;
  readonly covered: boolean;
}

/** The input grid {0, 1/(k-1), ..., 1}^{d_0}. */
export function inputGrid(d0: number, pointsPerAxis: number): number[][] {
  let grid: number[][] = [[]];
  for (let a = 0; a < d0; a++) grid = grid.flatMap((p) => Array.from({ length: pointsPerAxis }, (_, i) => [...p, pointsPerAxis === 1 ? 0 : i / (pointsPerAxis - 1)]));
  return grid;
}

/**
 * Sort (canonicalise) theta, round every coordinate to its cell centre with
 * m = ceil(B Lambda / eps), and measure the sup of |f_theta - f_rounded| over a dense input
 * grid of [0, 1]^{d_0}. Lemmas 1-3 say the gap is at most eps: sorting does not change f, and
 * rounding moves theta by at most B/m <= eps/Lambda.
 */
export function coverCheck(
  f: MlpFunction,
  theta: readonly number[],
  options: { readonly B: Rational; readonly eps: Rational; readonly constants: LayerConstants | readonly LayerConstants[]; readonly pointsPerAxis?: number; readonly m?: bigint },
): CoverCheck {
  const m = options.m ?? gridSize(options.B, options.eps, lipschitz(f.widths, options.B, options.constants)).m;
  const canonical = canonicalise(f.widths, theta);
  const rounded = roundToGrid(canonical, options.B.toNumber(), Number(m));
  let gap = 0;
  for (const x of inputGrid(f.widths[0]!, options.pointsPerAxis ?? 17)) {
    const a = f.float(theta, x);
    const b = f.float(rounded, x);
    a.forEach((v, i) => (gap = Math.max(gap, Math.abs(v - b[i]!))));
  }
  const eps = options.eps.toNumber();
  return { m, canonical, rounded, gap, eps, covered: gap <= eps };
}

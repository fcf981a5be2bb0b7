/**
 * Lemma 1: Lipschitz dependence of f_theta on theta, sup_x ||f_theta(x) - f_theta'(x)||_inf
 * <= Lambda ||theta - theta'||_inf on the box Theta_B with inputs ||x||_inf <= 1.
 */
import { Rational } from "../numeric/rational.ts";
import { log10BigInt } from "./log10BigInt.ts";

/** The activation constants Lemma 1 uses for one hidden layer. */
export interface LayerConstants {
  /** A Lipschitz constant of the activation. */
  readonly rho: Rational;
  /** |sigma(0)|. */
  readonly sigma0: Rational;
  /** |sigma(z)| <= 1 everywhere (then sigma0 does not matter, see below). */
  readonly boundedByOne: boolean;
}

/**
 * Lambda of Lemma 1, exactly, for widths [d_0..d_{L+1}], box radius B, and the constants of
 * each hidden layer (one entry for all layers, or one per layer).
 *
 * With sigma(0) = 0 this is Lambda = (L+1) (B v 1)^{L+1} (rho v 1)^L prod_{l=0..L} (d_l + 1).
 *
 * Variant for sigma(0) != 0 (derived here; the lemma's proof assumed |sigma(z)| <= rho|z|).
 * Write s = |sigma(0)|, so |sigma(z)| <= rho|z| + s, and r = (rho v 1)(B v 1) + s.
 * - Sizes: M_{l+1} <= rho B (d_l M_l + 1) + s <= r (d_l + 1) Q_l whenever M_l <= Q_l and
 *   Q_l >= 1, so M_l <= Q_l := r^l prod_{k<l} (d_k + 1) (Q_0 = 1 bounds ||x||_inf).
 * - Perturbations only use |sigma(a) - sigma(a')| <= rho |a - a'|, which s does not change:
 *   Delta_{l+1} <= rho B d_l Delta_l + rho delta (d_l M_l + 1) <= r (d_l + 1)(l + 1) Q_l delta,
 *   so Delta_l <= l Q_l delta as before.
 * - The affine output layer: Delta_out <= B d_L Delta_L + delta (d_L M_L + 1)
 *   <= (L + 1)(B v 1)(d_L + 1) Q_L delta.
 * Hence Lambda = (L+1) (B v 1) prod_{l<L} r_l  prod_{l=0..L} (d_l + 1), with r_l the r of
 * hidden layer l+1; s = 0 gives back the lemma. If |sigma| <= 1 (sigmoid, tanh) then
 * M_l <= 1 <= Q_l already holds with s = 0, so such layers use s = 0: for sigmoid the lemma's
 * formula (with rho = 1/4, so rho v 1 = 1) stays valid although sigma(0) = 1/2.
 *
 * @example lipschitz([1, 1, 1], Rational.ONE, [{ rho: Rational.ONE, sigma0: Rational.ZERO, boundedByOne: false }]) // 8
 */
export function lipschitz(widths: readonly number[], B: Rational, constants: LayerConstants | readonly LayerConstants[]): Rational {
  const L = widths.length - 2;
  if (L < 0) throw new RangeError("lipschitz: widths need an input and an output width");
  const layers = Array.isArray(constants) ? (constants as readonly LayerConstants[]) : Array.from({ length: L }, () => constants as LayerConstants);
  if (layers.length !== L) throw new RangeError(`lipschitz: ${layers.length} layer constants for ${L} hidden layers`);
  const b1 = max1(B);
  let lambda = Rational.of(L + 1).mul(b1);
  for (const c of layers) lambda = lambda.mul(max1(c.rho).mul(b1).add(c.boundedByOne ? Rational.ZERO : c.sigma0.abs()));
  for (const d of widths.slice(0, -1)) lambda = lambda.mul(Rational.of(d + 1));
  return lambda;
}

/** log10 Lambda (finite for any size). */
export function log10Lambda(widths: readonly number[], B: Rational, constants: LayerConstants | readonly LayerConstants[]): number {
  return log10Rational(lipschitz(widths, B, constants));
}

/** Lambda as a float, or null when it overflows. */
export function lambdaValue(widths: readonly number[], B: Rational, constants: LayerConstants | readonly LayerConstants[]): number | null {
  const v = lipschitz(widths, B, constants).toNumber();
  return Number.isFinite(v) ? v : null;
}

const max1 = (x: Rational): Rational => (x.cmp(Rational.ONE) >= 0 ? x : Rational.ONE);

/** log10 of a positive rational. */
export function log10Rational(x: Rational): number {
  if (x.sign() <= 0) throw new RangeError(`log10Rational: ${x} is not positive`);
  return log10BigInt(x.num) - log10BigInt(x.den);
}

/**
 * Monte Carlo estimate of Lemma 4's volume fraction, with a binomial confidence interval.
 */
import type { Rng } from "../numeric/rng.ts";

/** A Monte Carlo estimate and its Wilson score interval. */
export interface VolumeEstimate {
  readonly samples: number;
  readonly hits: number;
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  readonly confidence: number;
  readonly method: "wilson";
}

/**
 * The fraction of uniform draws from the box whose hidden biases are non-increasing in every
 * layer (Theta_0 up to a null set), with a two-sided Wilson score interval at `confidence`.
 *
 * Only the biases are drawn: membership depends on nothing else, and the other coordinates
 * are independent of them. Each layer's biases are drawn one at a time and the draw stops at
 * the first increase, which leaves the distribution of the outcome unchanged.
 *
 * Wilson rather than Clopper-Pearson: it needs only a normal quantile, stays inside [0, 1],
 * and behaves well for small p and zero hits (upper end z^2 / (n + z^2)); its coverage is
 * approximate, close to nominal for n p >= 10.
 *
 * @example volumeMonteCarlo([2, 3, 4, 1], 400_000, new Rng(1)).estimate // about 1/144
 */
export function volumeMonteCarlo(widths: readonly number[], samples: number, rng: Rng, confidence = 0.999): VolumeEstimate {
  if (!Number.isInteger(samples) || samples < 1) throw new RangeError(`volumeMonteCarlo: samples must be a positive integer, got ${samples}`);
  const hidden = widths.slice(1, -1);
  let hits = 0;
  for (let s = 0; s < samples; s++) if (drawIsOrdered(hidden, rng)) hits++;
  const { low, high } = wilsonInterval(hits, samples, confidence);
  return { samples, hits, estimate: hits / samples, low, high, confidence, method: "wilson" };
}

function drawIsOrdered(hidden: readonly number[], rng: Rng): boolean {
  for (const d of hidden) {
    let prev = rng.next();
    for (let i = 1; i < d; i++) {
      const b = rng.next();
      if (b > prev) return false;
      prev = b;
    }
  }
  return true;
}

/** The two-sided Wilson score interval for `hits` successes in `n` trials. */
export function wilsonInterval(hits: number, n: number, confidence: number): { low: number; high: number } {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = hits / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { low: hits === 0 ? 0 : Math.max(0, centre - half), high: hits === n ? 1 : Math.min(1, centre + half) };
}

/**
 * The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
 *
 * @example normalQuantile(0.9995) // 3.2905
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lowTail) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * Exact sup-distance between two 1-D-input ReLU / leaky ReLU networks on [0, 1], by tracking
 * every unit as a piecewise-linear function (exact rationals).
 */
import { Rational } from "../numeric/rational.ts";
import { biasIndex, thetaLayout, weightIndex } from "./thetaLayout.ts";

/**
 * Piecewise-linear functions on [0, 1] sharing one list of breakpoints `xs` (sorted, from 0
 * to 1): `values[u][k]` is function u at xs[k]; each is linear between breakpoints.
 */
export interface Pieces {
  readonly xs: readonly Rational[];
  readonly values: readonly (readonly Rational[])[];
}

/**
 * The outputs of the MLP with widths [1, d_1, ..., d_{L+1}] and activation
 * z -> z (z > 0), alpha z (z <= 0) (alpha = 0: ReLU) as exact piecewise-linear functions.
 * Each hidden layer inserts the zero crossings of its pre-activations as new breakpoints,
 * so afterwards the activation is linear on every piece.
 */
export function reluPieces(widths: readonly number[], theta: readonly Rational[], alpha: Rational = Rational.ZERO): Pieces {
  if (widths[0] !== 1) throw new RangeError("reluPieces: the input must be one-dimensional");
  const layout = thetaLayout(widths);
  let xs: Rational[] = [Rational.ZERO, Rational.ONE];
  let h: Rational[][] = [[Rational.ZERO, Rational.ONE]];
  const L = widths.length - 2;
  for (let l = 0; l <= L; l++) {
    const pre = Array.from({ length: widths[l + 1]! }, (_, i) =>
      xs.map((_, k) => h.reduce((s, hj, j) => s.add(theta[weightIndex(layout, l, i, j)]!.mul(hj[k]!)), theta[biasIndex(layout, l, i)]!)),
    );
    if (l === L) return { xs, values: pre };
    ({ xs, values: h } = withCrossings(xs, pre));
    h = h.map((v) => v.map((z) => (z.sign() > 0 ? z : alpha.mul(z))));
  }
  throw new Error("unreachable: the output layer returns");
}

/** Insert every zero crossing of every function as a breakpoint (all functions re-sampled). */
function withCrossings(xs: readonly Rational[], values: readonly (readonly Rational[])[]): { xs: Rational[]; values: Rational[][] } {
  const points: Rational[] = [...xs];
  for (const v of values) {
    for (let k = 0; k + 1 < xs.length; k++) {
      if (v[k]!.sign() * v[k + 1]!.sign() < 0) points.push(xs[k]!.add(xs[k + 1]!.sub(xs[k]!).mul(v[k]!).div(v[k]!.sub(v[k + 1]!))));
    }
  }
  const sorted = dedupe(points);
  return { xs: sorted, values: values.map((v) => sorted.map((x) => at({ xs, values: [v] }, 0, x))) };
}

/** Function u of `p` at x (linear interpolation). */
export function at(p: Pieces, u: number, x: Rational): Rational {
  const { xs } = p;
  const v = p.values[u]!;
  let k = 0;
  while (k + 2 < xs.length && xs[k + 1]!.cmp(x) <= 0) k++;
  const t = x.sub(xs[k]!).div(xs[k + 1]!.sub(xs[k]!));
  return v[k]!.add(v[k + 1]!.sub(v[k]!).mul(t));
}

function dedupe(points: Rational[]): Rational[] {
  const sorted = [...points].sort((a, b) => a.cmp(b));
  return sorted.filter((x, i) => i === 0 || !x.eq(sorted[i - 1]!));
}

/**
 * sup_{x in [0,1]} max_o |f_A(x)_o - f_B(x)_o| exactly: the difference is piecewise linear, so
 * its sup is attained at a breakpoint of one of the two networks.
 */
export function exactSupGap(widths: readonly number[], thetaA: readonly Rational[], thetaB: readonly Rational[], alpha: Rational = Rational.ZERO): Rational {
  const a = reluPieces(widths, thetaA, alpha);
  const b = reluPieces(widths, thetaB, alpha);
  let gap = Rational.ZERO;
  for (const x of dedupe([...a.xs, ...b.xs])) {
    for (let o = 0; o < a.values.length; o++) {
      const d = at(a, o, x).sub(at(b, o, x)).abs();
      if (d.cmp(gap) > 0) gap = d;
    }
  }
  return gap;
}

/**
 * Special functions in float64 for the built-in activations that have no exact form:
 * erf (for gelu), gelu, silu, softplus. Accurate to about 1e-15 absolute, far inside the
 * margin of the interval enclosures that replays use (numeric/interval.ts).
 */

/** erf by its Taylor series for |x| < 3 and Lentz's continued fraction for erfc beyond. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 3) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)); terms stay below 200 here.
    let term = a;
    let sum = a;
    for (let n = 1; n < 200; n++) {
      term *= (-a * a) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const v = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -v : v;
  }
  // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...)))).
  let f = a;
  let C = a;
  let D = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    D = a + an * D;
    D = D === 0 ? 1e-300 : 1 / D;
    C = a + an / C;
    if (C === 0) C = 1e-300;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

/** gelu(z) = z Phi(z), Phi the standard normal CDF (the exact form, not the tanh approximation). */
export const gelu = (z: number): number => 0.5 * z * (1 + erf(z / Math.SQRT2));

/** silu(z) = z sigmoid(z). */
export const silu = (z: number): number => z / (1 + Math.exp(-z));

/** softplus(z) = log(1 + exp(z)), without overflow for large z. */
export const softplus = (z: number): number => (z > 30 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/** 1/sqrt(z) for z > 0 and 1 elsewhere: the total function the built-in rsqrt denotes (README, Activations). */
export const rsqrt = (z: number): number => (z > 0 ? 1 / Math.sqrt(z) : 1);

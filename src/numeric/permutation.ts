/** Seeded permutations, for generated claims and benchmarks (deterministic in the seed). */

/** A Fisher-Yates shuffle of 0..n-1 driven by a 32-bit linear congruential generator. */
export function seededPermutation(n: number, seed: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

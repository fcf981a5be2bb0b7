/**
 * Residues of floats from their bits (exact.ts `residuesInto`, the hash colour refinement
 * uses): the residue of a float64 or float32 is that of the exact rational it denotes
 * (BigInt arithmetic on its fraction), for any finite bit pattern; with a multiplier w it
 * is w times that. Control: the residue of 2x is 2r mod p, so not r when r is not 0 (a
 * residue that ignored the value would fail the law).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dyadic, multiplier, PRIMES, residueOfNumber, residuesInto } from "../../src/align/exact.ts";

/** The residue of the rational x denotes, in BigInt arithmetic only: n d^(p-2) mod p. */
const exact = (x: number, k: 0 | 1) => {
  const [n, d] = dyadic(x);
  const p = BigInt(PRIMES[k]);
  let [inv, base, e] = [1n, d % p, p - 2n];
  for (; e > 0n; e >>= 1n, base = (base * base) % p) if (e & 1n) inv = (inv * base) % p;
  return Number((((n % p) + p) % p * inv) % p);
};

describe("residues from the bits of floats", () => {
  it("equal the residues of the exact rationals, for float64 and float32 patterns, times a multiplier", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: PRIMES[1] - 1 }), (xs, w) => {
        const f64 = Float64Array.from(xs);
        const f32 = Float32Array.from(xs.map((x) => Math.fround(x)).filter((x) => Number.isFinite(x)));
        for (const k of [0, 1] as const) {
          const out = new Float64Array(xs.length);
          residuesInto(f64, 0, f64.length, k, out);
          if (!Array.from(f64).every((x, i) => out[i] === exact(x, k) && residueOfNumber(x, k) === out[i])) return false;
          residuesInto(f32, 0, f32.length, k, out);
          if (!Array.from(f32).every((x, i) => out[i] === exact(x, k))) return false;
          residuesInto(f64, 0, f64.length, k, out, multiplier(w, k).pow);
          if (!Array.from(f64).every((x, i) => BigInt(out[i]!) === (BigInt(exact(x, k)) * BigInt(w)) % BigInt(PRIMES[k]))) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
  it("subnormals, extremes and signed zeros", () => {
    for (const x of [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -Number.MAX_SAFE_INTEGER, 1.401298464324817e-45, 3.4028234663852886e38])
      for (const k of [0, 1] as const) expect(residueOfNumber(x, k)).toBe(exact(x, k));
  });
  it("control: the residue of 2x is 2r mod p, not r", () => {
    for (const x of [0.3, -7.25, 1e-300]) {
      const r = residueOfNumber(x, 0);
      expect(r).not.toBe(0);
      expect(residueOfNumber(2 * x, 0)).toBe((2 * r) % PRIMES[0]);
      expect(residueOfNumber(2 * x, 0)).not.toBe(r);
    }
  });
});

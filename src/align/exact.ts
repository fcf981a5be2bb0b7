/**
 * Exact access to tensor values for matching and checking: each value as a fraction of
 * BigInts, and as residues modulo two primes (a hash that is a function of the rational
 * itself: equal rationals have equal residues, whatever float arithmetic would round).
 */
import { Rational } from "../numeric/rational.ts";
import type { Tensor } from "../weights/types.ts";

/** Two primes below 2^26, so that a product of residues is exact in a float64. */
export const PRIMES = [67108859, 67108837] as const;

const bits = new DataView(new ArrayBuffer(8));

/** x = m 2^e with m an integer (|m| < 2^53); x must be finite and non-zero. */
export function decompose(x: number): { m: number; e: number } {
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  const frac = (hi & 0xfffff) * 2 ** 32 + lo;
  const m = exp === 0 ? frac : frac + 2 ** 52;
  return { m: hi >>> 31 ? -m : m, e: exp === 0 ? -1074 : exp - 1075 };
}

/** The exact fraction [num, den] of a finite float64 (den a power of 2). */
export function dyadic(x: number): [bigint, bigint] {
  if (x === 0) return [0n, 1n];
  const { m, e } = decompose(x);
  return e >= 0 ? [BigInt(m) << BigInt(e), 1n] : [BigInt(m), 1n << BigInt(-e)];
}

const mulmod = (a: number, b: number, p: number) => (a * b) % p;

/** a^-1 mod p (a not 0 mod p), by the extended Euclidean algorithm. */
export function invmod(a: number, p: number): number {
  let [r0, r1, s0, s1] = [p, ((a % p) + p) % p, 0, 1];
  while (r1 !== 0) {
    const q = Math.floor(r0 / r1);
    [r0, r1, s0, s1] = [r1, r0 - q * r1, s1, s0 - q * s1];
  }
  return ((s0 % p) + p) % p;
}

/** 2^e mod p for e in [-1100, 1100]. */
const POW2 = PRIMES.map((p) => {
  const t = new Float64Array(2201);
  t[1100] = 1;
  const half = invmod(2, p);
  for (let e = 1; e <= 1100; e++) {
    t[1100 + e] = mulmod(t[1099 + e]!, 2, p);
    t[1100 - e] = mulmod(t[1101 - e]!, half, p);
  }
  return t;
});

/** The residue of a finite float64 modulo PRIMES[k]. */
export function residueOfNumber(x: number, k: 0 | 1): number {
  if (x === 0) return 0;
  const p = PRIMES[k];
  const { m, e } = decompose(x);
  const r = mulmod(((m % p) + p) % p, POW2[k]![1100 + e]!, p);
  return r;
}

/** The residue of a rational modulo PRIMES[k] (its denominator is never a multiple of the prime here: it is 2^a 5^b or comes from such values). */
export function residueOfRational(x: Rational, k: 0 | 1): number {
  const p = BigInt(PRIMES[k]);
  const n = Number(((x.num % p) + p) % p);
  const d = Number(x.den % p);
  return d === 0 ? -1 : mulmod(n, invmod(d, PRIMES[k]), PRIMES[k]);
}

/** Values of a tensor, exactly. */
export class ExactValues {
  constructor(readonly t: Tensor) {}
  get length(): number {
    return this.t.values.length;
  }
  /** Whether the value is exactly the float64 `values[i]`. */
  get floats(): boolean {
    return !this.t.exact;
  }
  sign(i: number): number {
    return this.t.exact ? this.t.exact[i]!.sign() : Math.sign(this.t.values[i]!);
  }
  isZero(i: number): boolean {
    return this.t.exact ? this.t.exact[i]!.isZero() : this.t.values[i] === 0;
  }
  rational(i: number): Rational {
    if (this.t.exact) return this.t.exact[i]!;
    const [n, d] = dyadic(this.t.values[i]!);
    return Rational.of(n, d);
  }
  /** [num, den], not necessarily in lowest terms. */
  fraction(i: number): [bigint, bigint] {
    if (this.t.exact) return [this.t.exact[i]!.num, this.t.exact[i]!.den];
    return dyadic(this.t.values[i]!);
  }
  residue(i: number, k: 0 | 1): number {
    return this.t.exact ? residueOfRational(this.t.exact[i]!, k) : residueOfNumber(this.t.values[i]!, k);
  }
}

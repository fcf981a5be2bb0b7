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

/** 1 / p for each prime, for `reduce`. */
export const INVERSES = [1 / PRIMES[0], 1 / PRIMES[1]] as const;

/**
 * x mod p (in [0, p)) for an integer x with |x| < 2^52, exactly, without a float `%` (a call to
 * fmod): the quotient's float estimate floor(x / p) is off by at most one (its relative error
 * is below 2^-52 and x / p < 2^26), q p is an integer below 2^53 so exact, and one correction
 * brings the remainder into [0, p).
 */
export function reduce(x: number, p: number, inv: number): number {
  const r = x - Math.floor(x * inv) * p;
  return r < 0 ? r + p : r >= p ? r - p : r;
}

/** a b mod p for residues a, b in [0, p) (the product is below 2^52, exact). */
const mulmod = (a: number, b: number, p: number) => reduce(a * b, p, 1 / p);

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

/** 2^32 mod p, for splitting a float64's 53-bit significand. */
const TWO32 = PRIMES.map((p) => 2 ** 32 % p);
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The residue of a finite float64 modulo PRIMES[k]. */
export function residueOfNumber(x: number, k: 0 | 1): number {
  SCRATCH[0] = x;
  residuesInto(SCRATCH, 0, 1, k, ONE);
  return ONE[0]!;
}
const SCRATCH = new Float64Array(1);
const ONE = new Float64Array(1);

/**
 * out[j] = the residue modulo PRIMES[k] of values[start + j] (finite), for j < count: one
 * loop over the bits, integer arithmetic exact in float64 (x = +-m 2^e, residue = +-(m mod p)
 * (2^e mod p) mod p; a float32's m is below 2^24 < p, a float64's is split at 2^32).
 */
export function residuesInto(values: Float64Array | Float32Array, start: number, count: number, k: 0 | 1, out: Float64Array, pow: Float64Array = POW2[k]!): void {
  const p = PRIMES[k];
  const inv = INVERSES[k];
  if (values instanceof Float32Array) {
    const u = new Uint32Array(values.buffer, values.byteOffset + 4 * start, count);
    for (let j = 0; j < count; j++) {
      const w = u[j]!;
      const exp = (w >>> 23) & 0xff;
      const m = exp ? (w & 0x7fffff) | 0x800000 : w & 0x7fffff;
      const r = m === 0 ? 0 : reduce(m * pow[exp ? 1100 + exp - 150 : 1100 - 149]!, p, inv);
      out[j] = w >>> 31 && r !== 0 ? p - r : r;
    }
    return;
  }
  const u = new Uint32Array(values.buffer, values.byteOffset + 8 * start, 2 * count);
  const [H, L] = LITTLE ? [1, 0] : [0, 1];
  const t32 = TWO32[k]!;
  for (let j = 0; j < count; j++) {
    const hi = u[2 * j + H]!;
    const lo = u[2 * j + L]!;
    const exp = (hi >>> 20) & 0x7ff;
    const mh = exp ? (hi & 0xfffff) + 0x100000 : hi & 0xfffff;
    // m mod p from m = mh 2^32 + lo: mh t32 + lo < 2^47 + 2^32.
    const mr = reduce(mh * t32 + lo, p, inv);
    const r = mr === 0 ? 0 : reduce(mr * pow[exp ? 1100 + exp - 1075 : 1100 - 1074]!, p, inv);
    out[j] = hi >>> 31 && r !== 0 ? p - r : r;
  }
}

/** Residues of w x instead of x (w a residue modulo PRIMES[k]): the table of w 2^e, made once for many calls. */
export interface Multiplier {
  readonly w: number;
  readonly k: 0 | 1;
  readonly pow: Float64Array;
}

export function multiplier(w: number, k: 0 | 1): Multiplier {
  const p = PRIMES[k];
  return { w, k, pow: POW2[k]!.map((x) => reduce(x * w, p, INVERSES[k])) };
}

/** The residue of a rational modulo PRIMES[k] (its denominator is never a multiple of the prime here: it is 2^a 5^b or comes from such values). */
export function residueOfRational(x: Rational, k: 0 | 1): number {
  const p = BigInt(PRIMES[k]);
  const n = Number(((x.num % p) + p) % p);
  const d = Number(x.den % p);
  return d === 0 ? -1 : mulmod(n, invmod(d, PRIMES[k]), PRIMES[k]);
}

/** out[j] = w out[j] mod p for j < count (a residue -1, of a denominator the prime divides, included). */
export function scaleResidues(out: Float64Array, count: number, times: Multiplier): void {
  const p = PRIMES[times.k];
  const inv = INVERSES[times.k];
  for (let j = 0; j < count; j++) out[j] = reduce(out[j]! * times.w, p, inv);
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
  /** out[j] = residue(start + j, k) for j < count (times w mod p, given `times`), in one loop. */
  residuesInto(start: number, count: number, k: 0 | 1, out: Float64Array, times?: Multiplier): void {
    const ex = this.t.exact;
    if (!ex) return residuesInto(this.t.values, start, count, k, out, times?.pow);
    for (let j = 0; j < count; j++) out[j] = residueOfRational(ex[start + j]!, k);
    if (times) scaleResidues(out, count, times);
  }
  residue(i: number, k: 0 | 1): number {
    return this.t.exact ? residueOfRational(this.t.exact[i]!, k) : residueOfNumber(this.t.values[i]!, k);
  }
}

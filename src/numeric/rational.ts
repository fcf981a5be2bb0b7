/**
 * Exact rational numbers over BigInt, always normalised (gcd 1, positive denominator).
 * Used for constants in proof files, exact replay of witnesses, and side conditions.
 *
 * @example Rational.parse("0.25").add(Rational.of(1, 4)).toString() === "1/2"
 */
export class Rational {
  private constructor(
    readonly num: bigint,
    readonly den: bigint,
  ) {}

  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  /** n/d for integers (number or bigint); d must not be 0. */
  static of(n: number | bigint, d: number | bigint = 1n): Rational {
    const nn = typeof n === "bigint" ? n : BigInt(n);
    const dd = typeof d === "bigint" ? d : BigInt(d);
    if (dd === 0n) throw new RangeError("Rational: zero denominator");
    return Rational.norm(nn, dd);
  }

  private static norm(n: bigint, d: bigint): Rational {
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    return g === 1n ? new Rational(n, d) : new Rational(n / g, d / g);
  }

  /**
   * Parse a decimal literal ("3", "0.01", "1e-3", "-2.5") or a fraction ("-3/4").
   * Returns null when the text is neither.
   */
  static parse(text: string): Rational | null {
    const frac = /^\s*(-?\d+)\s*\/\s*(\d+)\s*$/.exec(text);
    if (frac) return frac[2] === "0" ? null : Rational.of(BigInt(frac[1]!), BigInt(frac[2]!));
    const dec = /^\s*(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
    if (!dec) return null;
    const [, sign, int, fracPart = "", expText = "0"] = dec;
    let n = BigInt(int! + fracPart);
    let d = 10n ** BigInt(fracPart.length);
    const exp = Number(expText);
    if (Math.abs(exp) > 4000) return null;
    if (exp >= 0) n *= 10n ** BigInt(exp);
    else d *= 10n ** BigInt(-exp);
    return Rational.of(sign === "-" ? -n : n, d);
  }

  /**
   * The exact value of a finite float64 (every double is a dyadic rational).
   * Throws on NaN and infinities.
   */
  static fromNumber(x: number): Rational {
    if (!Number.isFinite(x)) throw new RangeError(`Rational.fromNumber: ${x}`);
    if (Number.isInteger(x)) return Rational.of(BigInt(x));
    let d = 1n;
    let y = x;
    while (!Number.isInteger(y)) {
      y *= 2;
      d *= 2n;
    }
    return Rational.of(BigInt(y), d);
  }

  add(o: Rational): Rational {
    return this.den === o.den ? Rational.norm(this.num + o.num, this.den) : Rational.norm(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return this.add(o.neg());
  }
  mul(o: Rational): Rational {
    return Rational.norm(this.num * o.num, this.den * o.den);
  }
  /** Throws RangeError on division by zero. */
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError("Rational: division by zero");
    return Rational.norm(this.num * o.den, this.den * o.num);
  }
  /** Bits of the numerator and denominator together (a measure of its size). */
  bits(): number {
    return (this.num < 0n ? -this.num : this.num).toString(2).length + this.den.toString(2).length;
  }

  /**
   * The nearest dyadic rational with about `bits` significant bits in direction `dir`
   * (-1: not above this value, 1: not below): a rigorous outward rounding for intervals.
   */
  round(bits: number, dir: -1 | 1): Rational {
    if (this.num === 0n) return this;
    const mag = (this.num < 0n ? -this.num : this.num).toString(2).length - this.den.toString(2).length;
    const s = bits - mag;
    // value = num / den; with s >= 0 take q = num 2^s / den and return q / 2^s, else
    // q = num / (den 2^-s) and return q 2^-s; q rounded toward `dir`.
    const n = s >= 0 ? this.num << BigInt(s) : this.num;
    const d = s >= 0 ? this.den : this.den << BigInt(-s);
    let q = n / d;
    // BigInt division truncates toward 0; fix it up to the floor or the ceiling.
    if (q * d !== n) {
      if (dir < 0 && n < 0n) q -= 1n;
      if (dir > 0 && n > 0n) q += 1n;
    }
    return s >= 0 ? Rational.of(q, 1n << BigInt(s)) : Rational.of(q << BigInt(-s), 1n);
  }

  neg(): Rational {
    return new Rational(-this.num, this.den);
  }
  abs(): Rational {
    return this.num < 0n ? this.neg() : this;
  }
  /** -1, 0 or 1. */
  sign(): number {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }
  cmp(o: Rational): number {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  eq(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }
  isZero(): boolean {
    return this.num === 0n;
  }
  isInteger(): boolean {
    return this.den === 1n;
  }
  /** Integer power (negative exponents allowed for non-zero values). */
  pow(k: number): Rational {
    if (k < 0) return Rational.ONE.div(this.pow(-k));
    return Rational.norm(this.num ** BigInt(k), this.den ** BigInt(k));
  }
  /** Nearest float64 (correctly rounded for moderate sizes). */
  toNumber(): number {
    const n = this.num;
    const d = this.den;
    if (d === 1n) return Number(n);
    // Scale so that the quotient has ~60 significant bits, then divide once.
    const nb = bitLength(n < 0n ? -n : n);
    const db = bitLength(d);
    const shift = 64 - (nb - db);
    const q = shift >= 0 ? (n << BigInt(shift)) / d : n / (d << BigInt(-shift));
    return Number(q) * 2 ** -shift;
  }
  /** "3", "-3/4". */
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
  /** SMT-LIB real literal: 3.0, (- 3.0), (/ 3.0 4.0), (- (/ 3.0 4.0)). */
  toSmt(): string {
    const a = this.num < 0n ? -this.num : this.num;
    const body = this.den === 1n ? `${a}.0` : `(/ ${a}.0 ${this.den}.0)`;
    return this.num < 0n ? `(- ${body})` : body;
  }
}

const SAFE = 2n ** 53n;

/**
 * gcd of two non-negative integers (1 for gcd(0, 0), so that normalising 0/d gives 0/1).
 * Euclid's algorithm, in float64 integers once both fit below 2^53 (exact there, and ten
 * times faster than BigInt remainders: float weights make millions of such fractions).
 */
function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) {
    if (a < SAFE && b < SAFE) return BigInt(smallGcd(Number(a), Number(b)));
    const t = a % b;
    a = b;
    b = t;
  }
  return a === 0n ? 1n : a;
}

function smallGcd(x: number, y: number): number {
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x === 0 ? 1 : x;
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

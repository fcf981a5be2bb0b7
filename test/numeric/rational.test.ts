import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rational } from "../../src/numeric/rational.ts";
import { law, negativeControl } from "../laws/law.ts";

const q = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1000 })).map(([n, d]) => Rational.of(n, d));

describe("Rational", () => {
  it("parses decimals and fractions exactly", () => {
    expect(Rational.parse("0.01")!.toString()).toBe("1/100");
    expect(Rational.parse("1e-3")!.toString()).toBe("1/1000");
    expect(Rational.parse("-3/6")!.toString()).toBe("-1/2");
    expect(Rational.parse("2.5e2")!.toString()).toBe("250");
    expect(Rational.parse("1/0")).toBeNull();
    expect(Rational.parse("abc")).toBeNull();
  });
  it("prints SMT-LIB literals", () => {
    expect(Rational.of(-3, 4).toSmt()).toBe("(- (/ 3.0 4.0))");
    expect(Rational.of(5).toSmt()).toBe("5.0");
  });
  it("fromNumber is exact for every double", () => {
    expect(Rational.fromNumber(0.1).toNumber()).toBe(0.1);
    expect(Rational.fromNumber(0.1).eq(Rational.of(1, 10))).toBe(false);
  });
  it("is a field (laws)", () => {
    law("(a + b) * c = a*c + b*c", fc.tuple(q, q, q), ([a, b, c]) => a.add(b).mul(c).eq(a.mul(c).add(b.mul(c))));
    law("a / b * b = a for b != 0", fc.tuple(q, q.filter((b) => !b.isZero())), ([a, b]) => a.div(b).mul(b).eq(a));
    law("toNumber is within one ulp of the float quotient", q, (a) => Math.abs(a.toNumber() - Number(a.num) / Number(a.den)) <= 2 * Number.EPSILON * Math.abs(a.toNumber()) + 1e-300);
  });
});

describe("outward rounding (interval endpoints)", () => {
  const big = fc.tuple(fc.bigInt({ min: -(1n << 300n), max: 1n << 300n }), fc.bigInt({ min: 1n, max: 1n << 300n })).map(([n, d]) => Rational.of(n, d));
  /** Significant bits of a dyadic rational's numerator (trailing zeros do not count). */
  const significant = (r: Rational) => (r.num < 0n ? -r.num : r.num).toString(2).replace(/0+$/, "").length;
  it("round(bits, -1) <= x <= round(bits, 1), both close to x, with about `bits` significant bits (law)", () => {
    law("outward rounding encloses", big, (x) => {
      const lo = x.round(64, -1);
      const hi = x.round(64, 1);
      const width = hi.sub(lo).abs();
      return lo.cmp(x) <= 0 && x.cmp(hi) <= 0 && significant(lo) <= 66 && significant(hi) <= 66 && (x.isZero() || width.cmp(x.abs().div(Rational.of(1n << 60n))) <= 0);
    });
  });
  it("negative control: rounding toward the other side does not enclose", () => {
    negativeControl("rounding up is a lower bound", big, (x) => x.round(64, 1).cmp(x) <= 0);
  });
});

describe("normalisation across the float64 fast path of gcd", () => {
  // Numerators and denominators on both sides of 2^53, with shared factors.
  const big = fc.tuple(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.bigInt({ min: 1n, max: 2n ** 70n }), fc.bigInt({ min: 1n, max: 2n ** 30n }), fc.constantFrom(1n, 2n ** 20n, 2n ** 60n));
  const refGcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : refGcd(b, a % b));
  const abs = (a: bigint) => (a < 0n ? -a : a);
  it("n/d is stored in lowest terms with the same value (law)", () => {
    law("Rational.of(n k, d k) = n/d in lowest terms", big, ([n, d, k, scale]) => {
      const r = Rational.of(n * k * scale, d * k);
      return refGcd(abs(r.num), r.den) === 1n && r.num * d === n * scale * r.den && r.den > 0n;
    });
  });
  it("negative control: the unreduced pair is not in lowest terms", () => {
    negativeControl("n k / d k is in lowest terms", big, ([n, d, k]) => refGcd(abs(n * k), d * k) === 1n);
  });
});

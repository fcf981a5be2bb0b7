/**
 * Rigorous evaluation where an activation has no exact value (tanh, sigmoid): intervals
 * with exact rational endpoints. Sums and products of intervals are exact; a real tanh or
 * sigmoid value is enclosed around its float64 value with a margin far above the error of
 * the platform's functions (a few ulps); a condition the interval cannot decide takes the
 * hull of both branches. A difference is then certain when the intervals of the two sides
 * are disjoint -- rounding can never produce a refutation.
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import type { SExpr, SFormula } from "../elaborate/types.ts";
import type { Field } from "./field.ts";
import { Rational } from "./rational.ts";

/** [lo, hi] with lo <= hi. */
export interface Interval {
  readonly lo: Rational;
  readonly hi: Rational;
}

const point = (r: Rational): Interval => ({ lo: r, hi: r });
const min = (...xs: Rational[]) => xs.reduce((a, b) => (a.cmp(b) <= 0 ? a : b));
const max = (...xs: Rational[]) => xs.reduce((a, b) => (a.cmp(b) >= 0 ? a : b));
export const hull = (a: Interval, b: Interval): Interval => ({ lo: min(a.lo, b.lo), hi: max(a.hi, b.hi) });
export const disjoint = (a: Interval, b: Interval): boolean => a.hi.cmp(b.lo) < 0 || b.hi.cmp(a.lo) < 0;
const mid = (a: Interval): number => a.lo.add(a.hi).div(Rational.of(2)).toNumber();

/** Thrown by `cmp` when the intervals overlap without being the same point. */
export class Undecided extends Error {}

/** Endpoints larger than this many bits are rounded outwards (to BITS significant bits). */
const LIMIT = 400;
const BITS = 160;

/**
 * Keep endpoints small: exact products of float enclosures grow without bound (and gcds on
 * huge integers dominate a replay). Rounding lo down and hi up only widens the interval, so
 * it stays an enclosure.
 */
const tidy = (x: Interval): Interval => (x.lo.bits() > LIMIT || x.hi.bits() > LIMIT ? { lo: x.lo.round(BITS, -1), hi: x.hi.round(BITS, 1) } : x);

export const interval: Field<Interval> = {
  exact: false,
  name: "float64",
  fromRational: point,
  add: (a, b) => tidy({ lo: a.lo.add(b.lo), hi: a.hi.add(b.hi) }),
  mul: (a, b) => {
    const ps = [a.lo.mul(b.lo), a.lo.mul(b.hi), a.hi.mul(b.lo), a.hi.mul(b.hi)];
    return tidy({ lo: min(...ps), hi: max(...ps) });
  },
  div: (a, b) => {
    if (b.lo.sign() <= 0 && b.hi.sign() >= 0) throw new RangeError("division by an interval that contains 0");
    return interval.mul(a, { lo: Rational.ONE.div(b.hi), hi: Rational.ONE.div(b.lo) });
  },
  neg: (a) => ({ lo: a.hi.neg(), hi: a.lo.neg() }),
  cmp: (a, b) => {
    if (a.hi.cmp(b.lo) < 0) return -1;
    if (a.lo.cmp(b.hi) > 0) return 1;
    if (a.lo.eq(a.hi) && b.lo.eq(b.hi) && a.lo.eq(b.lo)) return 0;
    throw new Undecided("interval comparison is undecided");
  },
  toNumber: mid,
  show: mid,
};

/**
 * An enclosure of a monotone increasing function f with a float64 implementation, on [lo, hi]:
 * [f(lo) - margin, f(hi) + margin]; `range` bounds f everywhere (used when a float overflows).
 */
export function monotone(f: (x: number) => number, range: Interval): (x: Interval) => Interval {
  const down = (x: Rational) => bound(f, x, -1);
  const up = (x: Rational) => bound(f, x, 1);
  return (x) => {
    const lo = down(x.lo);
    const hi = up(x.hi);
    return { lo: lo === null ? range.lo : max(lo, range.lo), hi: hi === null ? range.hi : min(hi, range.hi) };
  };
}

/**
 * f(x) rounded outwards in direction `dir`. The float argument differs from x by at most
 * half an ulp and f is at most 1-Lipschitz here (tanh, sigmoid), so a margin of 1e-12 times
 * (|f(x)| + |x| + 1) covers both that and the library's error many times over.
 */
function bound(f: (x: number) => number, x: Rational, dir: 1 | -1): Rational | null {
  const xf = x.toNumber();
  const y = f(xf);
  const margin = 1e-12 * (Math.abs(y) + Math.abs(xf) + 1);
  if (!Number.isFinite(y) || !Number.isFinite(margin)) return null;
  return Rational.fromNumber(y).add(Rational.fromNumber(margin).mul(Rational.of(dir)));
}

/**
 * An enclosure of a function with Lipschitz constant L and a float64 implementation:
 * f(m) +- (L r + margin) around the midpoint m of an interval of radius r.
 */
export function lipschitz(f: (x: number) => number, L: number): (x: Interval) => Interval {
  return (x) => {
    const m = x.lo.add(x.hi).div(Rational.of(2));
    const r = x.hi.sub(x.lo).div(Rational.of(2));
    const y = f(m.toNumber());
    const margin = 1e-12 * (Math.abs(y) + Math.abs(m.toNumber()) + 1);
    if (!Number.isFinite(y) || !Number.isFinite(margin)) throw new RangeError("the function overflows here");
    const w = r.mul(Rational.fromNumber(L)).add(Rational.fromNumber(margin));
    const c = Rational.fromNumber(y);
    return { lo: c.sub(w), hi: c.add(w) };
  };
}

/**
 * An increasing function with positive values whose float64 implementation has a small
 * *relative* error (exp, softplus): f(x) rounded outwards by a relative margin of 1e-12 (1 +
 * |x|), which covers the half-ulp error of the argument (relative error |x| 2^-53 in exp)
 * and the library's few ulps many times over, and never below 0. An absolute margin would
 * put 0 inside the enclosure of exp(-30) and make a softmax denominator undecidable.
 */
export function positiveIncreasing(f: (x: number) => number): (x: Interval) => Interval {
  const at = (x: Rational, dir: 1 | -1): Rational => {
    const xf = x.toNumber();
    const y = f(xf);
    const d = 1e-12 * (Math.abs(xf) + 1);
    if (!Number.isFinite(y) || !(d < 0.5)) throw new RangeError("the function overflows here");
    const r = Rational.fromNumber(y).mul(Rational.fromNumber(1 + dir * d));
    return dir < 0 && r.sign() < 0 ? Rational.ZERO : r;
  };
  return (x) => ({ lo: at(x.lo, -1), hi: at(x.hi, 1) });
}

/** A decreasing function on (0, infinity), defined as 1 at and below 0 (rsqrt). */
export function decreasingPositive(f: (x: number) => number): (x: Interval) => Interval {
  return (x) => {
    if (x.hi.sign() <= 0) return point(Rational.ONE);
    if (x.lo.sign() <= 0) throw new RangeError("an interval around 0 of 1/sqrt");
    const lo = bound(f, x.hi, -1);
    const hi = bound(f, x.lo, 1);
    if (lo === null || hi === null) throw new RangeError("the function overflows here");
    return { lo, hi };
  };
}

/** The range of an exact definition over an interval (hull of both branches when undecided). */
export function definitionRange(def: SExpr, param: string, x: Interval): Interval {
  const ev = (e: SExpr): Interval => {
    switch (e.k) {
      case "const":
        return point(e.v);
      case "var":
        if (e.name !== param) throw new InternalError(`unbound variable ${e.name}`);
        return x;
      case "add":
        return interval.add(ev(e.a), ev(e.b));
      case "sub":
        return interval.add(ev(e.a), interval.neg(ev(e.b)));
      case "mul":
        return interval.mul(ev(e.a), ev(e.b));
      case "div":
        return interval.div(ev(e.a), ev(e.b));
      case "neg":
        return interval.neg(ev(e.a));
      case "max": {
        const a = ev(e.a);
        const b = ev(e.b);
        return { lo: max(a.lo, b.lo), hi: max(a.hi, b.hi) };
      }
      case "min": {
        const a = ev(e.a);
        const b = ev(e.b);
        return { lo: min(a.lo, b.lo), hi: min(a.hi, b.hi) };
      }
      case "ite": {
        const c = decide(e.cond, ev);
        return c === null ? hull(ev(e.then), ev(e.else)) : c ? ev(e.then) : ev(e.else);
      }
      case "app":
        if (!e.act.definition) throw new InternalError(`${e.act.name} has no definition`);
        return definitionRange(e.act.definition, e.act.param, ev(e.arg));
      case "scalar":
      case "entry":
        throw new InternalError(`${e.k} inside an activation definition`);
    }
  };
  return ev(def);
}

/** true / false when the condition holds on the whole interval / nowhere; null otherwise. */
function decide(f: SFormula, ev: (e: SExpr) => Interval): boolean | null {
  switch (f.k) {
    case "cmp": {
      try {
        const c = interval.cmp(ev(f.a), ev(f.b));
        const op = f.op;
        return op === "=" ? c === 0 : op === "!=" ? c !== 0 : op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
      } catch (e) {
        if (e instanceof Undecided) return null;
        throw e;
      }
    }
    case "and": {
      const a = decide(f.a, ev);
      const b = decide(f.b, ev);
      return a === false || b === false ? false : a === true && b === true ? true : null;
    }
    case "or": {
      const a = decide(f.a, ev);
      const b = decide(f.b, ev);
      return a === true || b === true ? true : a === false && b === false ? false : null;
    }
    case "not": {
      const a = decide(f.a, ev);
      return a === null ? null : !a;
    }
    case "implies": {
      const a = decide(f.a, ev);
      const b = decide(f.b, ev);
      return a === false || b === true ? true : a === true && b === false ? false : null;
    }
  }
}

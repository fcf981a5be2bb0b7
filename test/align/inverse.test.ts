/**
 * Exact inverses in align (src/align/attentionExact.ts): A solved from S A = T has
 * A^-1 = T^-1 S, which align computes as one more solve instead of inverting A (whose
 * entries are far longer). Law: T^-1 S equals A's inverse computed directly, and A A^-1 = I;
 * negative control: S^-1 T (A itself) is not its inverse.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { inverse, solveExact } from "../../src/align/attentionExact.ts";
import { Rational } from "../../src/numeric/rational.ts";
import { law, negativeControl } from "../laws/law.ts";

const entry = fc.tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: 1, max: 4 })).map(([n, d]) => Rational.of(n, d));
const square = (k: number) => fc.array(fc.array(entry, { minLength: k, maxLength: k }), { minLength: k, maxLength: k });
const pair = (M: Rational[][]) => M.map((r) => r.map((x): [bigint, bigint] => [x.num, x.den]));
const cases = fc.integer({ min: 1, max: 4 }).chain((k) => fc.tuple(square(k), square(k)));
const same = (P: Rational[][] | null, Q: Rational[][] | null) => P !== null && Q !== null && P.every((r, i) => r.every((x, j) => x.eq(Q[i]![j]!)));

function check([S, T]: [Rational[][], Rational[][]], swapped: boolean): boolean {
  const A = solveExact(pair(S), pair(T));
  if (!A) return true;
  const direct = inverse(A.map((r) => [...r]));
  const viaSolve = swapped ? solveExact(pair(T), pair(S)) : solveExact(pair(S), pair(T));
  if (direct === null) return viaSolve === null || !swapped;
  const k = A.length;
  const identity = A.every((r, i) => r.every((_, j) => r.reduce((s, x, m) => s.add(x.mul(direct[m]![j]!)), Rational.ZERO).eq(Rational.of(i === j ? 1 : 0))));
  return identity && same(viaSolve, direct) && k > 0;
}

describe("exact inverses of solved matrices", () => {
  it("T^-1 S is the inverse of A = S^-1 T, and A A^-1 = I (law)", () => law("A^-1 = T^-1 S", cases, (c) => check(c, true), { numRuns: 200 }));
  it("negative control: S^-1 T is not A's inverse", () => negativeControl("A^-1 = S^-1 T", cases, (c) => check(c, false)));
});

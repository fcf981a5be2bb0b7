/**
 * The exact check B = g A, entry by entry: for every parameter W_l, b_l and every entry,
 * B[perm(i), perm(j)] = A[i, j] * r_i / s_j as rationals (r: the scales of the layer the
 * row feeds, s: of the layer the column reads; 1 at the input and the output).
 *
 * Arithmetic: when both factors are +-2^k and both tensors hold floats, A * 2^k is computed
 * in float64 and accepted only if it is exact (it scales back to A: no rounding happened);
 * otherwise the cross-multiplied BigInt fractions are compared. Both are exact.
 */
import { Rational } from "../numeric/rational.ts";
import type { ExactValues } from "./exact.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { ExactCheck, GroupElement, Mismatch } from "./types.ts";

interface Factor {
  readonly r: Rational;
  /** k when r = +-2^k, else null. */
  readonly log2: number | null;
}

const bitLength = (x: bigint) => (x < 0n ? -x : x).toString(2).length;
const isPow2 = (x: bigint) => x > 0n && (x & (x - 1n)) === 0n;

function factor(r: Rational): Factor {
  const n = r.num < 0n ? -r.num : r.num;
  return { r, log2: isPow2(n) && isPow2(r.den) ? bitLength(n) - bitLength(r.den) : null };
}

const ones = (n: number): Factor[] => Array.from({ length: n }, () => factor(Rational.ONE));
const identity = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Check B = g A exactly; counts every mismatch and keeps the first 20. */
export function verifyMlp(g: GroupElement, A: ParamValues, B: ParamValues): ExactCheck {
  const w = g.widths;
  const L = w.length - 1;
  let entries = 0;
  let mismatches = 0;
  const first: Mismatch[] = [];
  const note = (tensor: string, index: number[], expected: () => Rational, found: () => Rational) => {
    mismatches++;
    if (first.length < 20) first.push({ tensor, index, expected: expected(), found: found() });
  };
  for (let l = 0; l < L; l++) {
    const rows = w[l + 1]!;
    const cols = w[l]!;
    const rowMap = l + 1 < L ? g.layers[l]! : null;
    const colMap = l >= 1 ? g.layers[l - 1]! : null;
    const rp = rowMap ? rowMap.perm : identity(rows);
    const cp = colMap ? colMap.perm : identity(cols);
    const rf = rowMap ? rowMap.scales.map(factor) : ones(rows);
    const cf = colMap ? colMap.scales.map(factor) : ones(cols);
    const aW = A.get(`W${l}`)!;
    const bW = B.get(`W${l}`)!;
    const ab = A.get(`b${l}`)!;
    const bb = B.get(`b${l}`)!;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const bi = rp[i]! * cols + cp[j]!;
        if (!entryEqual(aW, i * cols + j, bW, bi, rf[i]!, cf[j]!)) note(`W${l}`, [rp[i]!, cp[j]!], () => aW.rational(i * cols + j).mul(rf[i]!.r).div(cf[j]!.r), () => bW.rational(bi));
      }
      if (!entryEqual(ab, i, bb, rp[i]!, rf[i]!, factor(Rational.ONE))) note(`b${l}`, [rp[i]!], () => ab.rational(i).mul(rf[i]!.r), () => bb.rational(rp[i]!));
    }
    entries += rows * cols + rows;
  }
  return { entries, mismatches, first };
}

/** Whether b[bi] = a[ai] * r / s exactly. */
function entryEqual(a: ExactValues, ai: number, b: ExactValues, bi: number, r: Factor, s: Factor): boolean {
  if (a.floats && b.floats && r.log2 !== null && s.log2 !== null) {
    const k = r.log2 - s.log2;
    const sign = r.r.sign() * s.r.sign();
    const x = a.t.values[ai]!;
    if (k === 0) return b.t.values[bi] === sign * x;
    if (Math.abs(k) < 1000) {
      const y = sign * x * 2 ** k;
      // Exact iff no rounding: y is finite and scales back to x (scaling up never rounds).
      if (Number.isFinite(y) && sign * y * 2 ** -k === x) return b.t.values[bi] === y;
    }
  }
  const [an, ad] = a.fraction(ai);
  const [bn, bd] = b.fraction(bi);
  // b = a r / s  <=>  bn ad rd sn = an bd rn sd
  return bn * ad * r.r.den * s.r.num === an * bd * r.r.num * s.r.den;
}

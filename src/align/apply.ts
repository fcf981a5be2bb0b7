/**
 * g A: the parameters of A transformed by g, exactly. Every result must be a float64 (true
 * for permutations, sign flips and power-of-two scales of float tensors); anything else is
 * refused with the parameter and entry, since no float file could hold it.
 */
import { Rational } from "../numeric/rational.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { GroupElement } from "./types.ts";

/** W_l, b_l of g A as float64 arrays, or the first entry that is not a float64. */
export function applyMlp(g: GroupElement, A: ParamValues): { params: Map<string, Float64Array> } | { problem: string } {
  const w = g.widths;
  const L = w.length - 1;
  const out = new Map<string, Float64Array>();
  const id = (n: number) => Array.from({ length: n }, (_, i) => i);
  for (let l = 0; l < L; l++) {
    const rows = w[l + 1]!;
    const cols = w[l]!;
    const rowMap = l + 1 < L ? g.layers[l]! : null;
    const colMap = l >= 1 ? g.layers[l - 1]! : null;
    const rp = rowMap?.perm ?? id(rows);
    const cp = colMap?.perm ?? id(cols);
    const aW = A.get(`W${l}`)!;
    const ab = A.get(`b${l}`)!;
    const W = new Float64Array(rows * cols);
    const b = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const r = rowMap?.scales[i] ?? Rational.ONE;
      for (let j = 0; j < cols; j++) {
        const s = colMap?.scales[j] ?? Rational.ONE;
        const v = toFloat(aW.rational(i * cols + j).mul(r).div(s));
        if (v === null) return { problem: `W${l}[${rp[i]}, ${cp[j]}] of g A is not a float64${r.abs().eq(Rational.ONE) && s.abs().eq(Rational.ONE) ? "" : " (scales that are not powers of two round)"}` };
        W[rp[i]! * cols + cp[j]!] = v;
      }
      const v = toFloat(ab.rational(i).mul(r));
      if (v === null) return { problem: `b${l}[${rp[i]}] of g A is not a float64` };
      b[rp[i]!] = v;
    }
    out.set(`W${l}`, W);
    out.set(`b${l}`, b);
  }
  return { params: out };
}

/** The float64 equal to x, or null. */
export function toFloat(x: Rational): number | null {
  const f = x.toNumber();
  return Number.isFinite(f) && Rational.fromNumber(f).eq(x) ? f : null;
}

/**
 * g A exactly, as rationals, for outputs that hold any rational (`-o out.json`): the
 * normalised scales of a canonical form (a row divided by its leading entry's size) are
 * rarely floats. Entries are computed on demand (`at`), so a large checkpoint is never held
 * as rationals whole.
 */
import type { Network } from "../elaborate/types.ts";
import { Rational } from "../numeric/rational.ts";
import type { PermClass } from "./classes.ts";
import type { ParamValues } from "./matchMlp.ts";
import { axisFactors, axisPerms } from "./permuteTensor.ts";
import type { GroupElement, TensorGroupElement } from "./types.ts";

/** One parameter of g A: `at(i)` is its entry i (row-major, in the network's layout). */
export interface ExactParam {
  readonly shape: readonly number[];
  at(i: number): Rational;
}

const inverse = (perm: readonly number[]) => {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
};

/** g A for an MLP: W_l[p(i), q(j)] = A's W_l[i, j] c_i / d_j, b_l[p(i)] = A's b_l[i] c_i. */
export function applyMlpExact(g: GroupElement, A: ParamValues): Map<string, ExactParam> {
  const w = g.widths;
  const L = w.length - 1;
  const out = new Map<string, ExactParam>();
  const id = (n: number) => Array.from({ length: n }, (_, i) => i);
  for (let l = 0; l < L; l++) {
    const [rows, cols] = [w[l + 1]!, w[l]!];
    const rowMap = l + 1 < L ? g.layers[l]! : null;
    const colMap = l >= 1 ? g.layers[l - 1]! : null;
    const ri = rowMap ? inverse(rowMap.perm) : id(rows);
    const ci = colMap ? inverse(colMap.perm) : id(cols);
    const [aW, ab] = [A.get(`W${l}`)!, A.get(`b${l}`)!];
    const rowScale = (i: number) => rowMap?.scales[i] ?? Rational.ONE;
    out.set(`W${l}`, {
      shape: [rows, cols],
      at: (k) => {
        const [i, j] = [ri[Math.floor(k / cols)]!, ci[k % cols]!];
        return aW.rational(i * cols + j).mul(rowScale(i)).div(colMap?.scales[j] ?? Rational.ONE);
      },
    });
    out.set(`b${l}`, { shape: [rows], at: (k) => ab.rational(ri[k]!).mul(rowScale(ri[k]!)) });
  }
  return out;
}

/** g A for a tensor network's permutations, scalings and flips (attention actions: see the caller). */
export function applyTensorExact(net: Network, classes: readonly PermClass[], g: TensorGroupElement, A: ParamValues): Map<string, ExactParam> {
  const perms = axisPerms(net, classes, g);
  const factors = axisFactors(net, classes, g);
  const out = new Map<string, ExactParam>();
  for (const p of net.params) {
    const a = A.get(p.name)!;
    const inv = perms.get(p.name)!.map((q) => (q ? inverse(q) : null));
    const fs = factors?.get(p.name) ?? p.shape.map(() => null);
    const shape = p.shape;
    out.set(p.name, {
      shape,
      at: (to) => {
        // The entry of A that g moves to `to`: each axis's index mapped back by its inverse permutation.
        let rest = to;
        let from = 0;
        let stride = 1;
        let f = Rational.ONE;
        for (let b = shape.length - 1; b >= 0; b--) {
          const i = rest % shape[b]!;
          rest = Math.floor(rest / shape[b]!);
          const src = inv[b] ? inv[b]![i]! : i;
          from += src * stride;
          stride *= shape[b]!;
          if (fs[b]) f = f.mul(fs[b]![src]!);
        }
        return f.eq(Rational.ONE) ? a.rational(from) : a.rational(from).mul(f);
      },
    });
  }
  return out;
}

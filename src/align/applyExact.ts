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
import { actionParams, attentionBlocks, fiberFactor, fibers, type AttentionBlock, type AxisFactors } from "./attention.ts";
import { inverse, MAX_CHECK_WORK } from "./attentionExact.ts";
import type { ParamAxis } from "./classes.ts";
import { axisFactors, axisPerms } from "./permuteTensor.ts";
import type { AttentionAction, GroupElement, TensorGroupElement } from "./types.ts";

/** One parameter of g A: `at(i)` is its entry i (row-major, in the network's layout). */
export interface ExactParam {
  readonly shape: readonly number[];
  at(i: number): Rational;
}

const inversePerm = (perm: readonly number[]) => {
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
    const ri = rowMap ? inversePerm(rowMap.perm) : id(rows);
    const ci = colMap ? inversePerm(colMap.perm) : id(cols);
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

/**
 * g A for a tensor network: permutations, scalings and flips entry by entry (on demand), and
 * the attention actions fiber by fiber (v -> v X on the query/value side, v -> v X^-T on the
 * key/output side, as verifyAttentionParam checks), those parameters computed whole; or why
 * not (a singular matrix, an action axis that g also permutes or rescales, too much work).
 */
export function applyTensorExact(net: Network, classes: readonly PermClass[], g: TensorGroupElement, A: ParamValues): { params: Map<string, ExactParam> } | { problem: string } {
  const perms = axisPerms(net, classes, g);
  const factors = axisFactors(net, classes, g);
  const out = new Map<string, ExactParam>();
  const moved = g.attention?.length ? actionParams(attentionBlocks(net, classes), g.attention) : new Map<string, never>();
  for (const p of net.params) {
    const m = moved.get(p.name);
    if (m) {
      const r = actedParam(net, A, m, perms.get(p.name)!, factors?.get(p.name));
      if ("problem" in r) return r;
      out.set(p.name, r.param);
      continue;
    }
    const a = A.get(p.name)!;
    const inv = perms.get(p.name)!.map((q) => (q ? inversePerm(q) : null));
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
  return { params: out };
}

/** One parameter an attention action multiplies, fiber by fiber: B's fiber = (A's fiber times g's other scales) M. */
function actedParam(net: Network, A: ParamValues, m: { block: AttentionBlock; action: AttentionAction; p: ParamAxis; left: boolean }, perms: readonly (readonly number[] | null)[], factors: AxisFactors): { param: ExactParam } | { problem: string } {
  const { p, action } = m;
  const K = action.dim;
  const shape = net.params.find((x) => x.name === p.param)!.shape;
  const length = shape.reduce((x, y) => x * y, 1);
  // Checked before the work: the exact check's own bound (fibers x d_head^2 products).
  if ((length / K) * K * K > MAX_CHECK_WORK) return { problem: `${p.param}: applying ${action.block}'s matrices takes ${(length / K) * K * K} exact products, more than ${MAX_CHECK_WORK} (too slow in exact rationals)` };
  const perm = perms[p.axis];
  if (perm && perm.some((x, i) => x !== i)) return { problem: `${p.param}: axis ${p.axis} is multiplied by ${action.block}'s matrices and also permuted by g; fold the permutation into the matrices` };
  if (factors?.[p.axis]) return { problem: `${p.param}: axis ${p.axis} is multiplied by ${action.block}'s matrices and also rescaled by g` };
  const Ms: Rational[][][] = [];
  for (const [h, X] of action.matrices.entries()) {
    const inv = inverse(X);
    if (!inv) return { problem: `${action.block}: the matrix of head ${h} is singular, so it is no element of GL(${K})` };
    Ms.push(m.left ? X.map((r) => [...r]) : X.map((_, j) => X.map((_, k) => inv[k]![j]!)));
  }
  const a = A.get(p.param)!;
  const values = new Array<Rational>(length);
  for (const f of fibers(net, p, m.block.headAxis.get(p.param), perms)) {
    const M = Ms[f.head]!;
    const c = fiberFactor(factors, f, p.axis);
    const v = Array.from({ length: K }, (_, j) => (c ? a.rational(f.a + j * f.stride).mul(c) : a.rational(f.a + j * f.stride)));
    for (let k = 0; k < K; k++) values[f.b + k * f.stride] = v.reduce((s, x, j) => (x.isZero() ? s : s.add(x.mul(M[j]![k]!))), Rational.ZERO);
  }
  return { param: { shape, at: (i) => values[i]! } };
}

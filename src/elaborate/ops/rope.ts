/**
 * rope(x[..., T, K], C[T, K/2], S[T, K/2]): rotary position embeddings in the half-split
 * convention (dimension m is paired with m + K/2, as in Llama's `rotate_half`):
 *
 *   y[t, m]       = x[t, m] C[t, m] - x[t, m + K/2] S[t, m]
 *   y[t, m + K/2] = x[t, m + K/2] C[t, m] + x[t, m] S[t, m]
 *
 * The tables C and S (cosines and sines of t * theta_m) are tensors of the network, usually
 * parameters that no symmetry moves; a claim proved for every table holds for the real one.
 */
import { add, guard, mul, plus, sub } from "../iexpr.ts";
import { at } from "./util.ts";
import { exactly, first, tvalue } from "./util.ts";
import type { Op, TValue } from "./types.ts";
import type { Affine } from "../types.ts";

/** Rotate the last axis of `x` (positions on the axis before it) by the tables C, S. */
export function rotate(x: TValue, C: TValue, S: TValue): TValue {
  const r = x.shape.length;
  const K = x.shape[r - 1]!;
  const half = K / 2;
  return tvalue(x.shape, x.axes, (idx) => {
    const lead = idx.slice(0, -1);
    const t = idx[r - 2]!;
    const k = idx[r - 1]!;
    const low: Affine = k;
    const high: Affine = plus(k, -half);
    const lower = sub(mul(x.at([...lead, low]), C.at([t, low])), mul(x.at([...lead, plus(low, half)]), S.at([t, low])));
    const upper = add(mul(x.at([...lead, k]), C.at([t, high])), mul(x.at([...lead, high]), S.at([t, high])));
    return add(guard(k, "<", at(half), lower), guard(at(half), "<=", k, upper));
  });
}

/** A message if x, C, S do not fit together. */
export function ropeProblem(x: TValue, C: TValue, S: TValue, what: string): string | null {
  const r = x.shape.length;
  if (r < 2) return `${what}: rope needs positions and a feature axis [..., T, K]`;
  const T = x.shape[r - 2]!;
  const K = x.shape[r - 1]!;
  if (K % 2 !== 0) return `${what}: rope pairs dimensions, so the feature axis must be even, but it has ${K}`;
  return first(exactly(C, [T, K / 2], `${what}: the cosine table`), exactly(S, [T, K / 2], `${what}: the sine table`));
}

export const rope: Op = {
  name: "rope",
  signature: "rope(x[..., T, K], C[T, K/2], S[T, K/2])",
  tensors: { min: 3, max: 3 },
  options: {},
  expand([x, C, S]) {
    return ropeProblem(x!, C!, S!, "rope") ?? rotate(x!, C!, S!);
  },
};

/**
 * Near-images: B = g A only up to float rounding (float32 after rescaling by a factor that is
 * not a power of two). Exact hashes do not match then, so units are matched by an assignment
 * on distances (the Hungarian algorithm, npm `munkres`), and the result is reported as an
 * image up to a per-tensor residual in ulps of B's storage type -- never as exact, and never
 * with a certificate.
 *
 * Tensor networks: a unit's feature is, for each parameter axis of its class, the sorted
 * values of its slice. Sorting forgets the order of every other axis, so the feature does not
 * depend on the other classes' permutations, and it moves by at most the rounding error
 * (sorting is 1-Lipschitz in the max norm). MLPs: layer by layer, each unit's incoming row and
 * bias in B's column order (the previous layer's g applied, its scales divided out), divided
 * by the row's norm for positively homogeneous units (or by its leading sign for odd ones);
 * the scale is then the least-squares factor between the matched rows.
 */
import munkres from "munkres";
import type { Network } from "../elaborate/types.ts";
import { Rational } from "../numeric/rational.ts";
import type { DType } from "../weights/types.ts";
import type { PermClass } from "./classes.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { GroupElement, LayerMap, TensorGroupElement, UnitAction } from "./types.ts";

/**
 * Limits of the near-image search, checked before any of its work: the widest class (or MLP
 * layer) whose units are assigned (the Hungarian algorithm is O(n^3) on an n x n cost
 * matrix), the parameter entries of one checkpoint (features and g A are float64 copies of
 * them: 16M entries = 128 MB each), and the distance terms of the cost matrices (per class,
 * its units times the entries of the slices it moves).
 */
export const NEAR_LIMITS = { units: 1024, entries: 16_000_000, terms: 4_000_000_000 } as const;

/**
 * Why the near-image search is too large, or null. `classes`: per class (or MLP layer), its
 * name, units, and the parameter entries its units' features hold (all units together).
 */
export function nearTooLarge(classes: readonly { readonly where: string; readonly units: number; readonly entries: number }[], entries: number): string | null {
  const limit = (what: string, n: number, max: number) => `too large for the near-image search: ${what} ${n}, above its limit of ${max} (NEAR_LIMITS, src/align/near.ts)`;
  const widest = classes.reduce<(typeof classes)[number] | null>((w, c) => (w === null || c.units > w.units ? c : w), null);
  if (widest && widest.units > NEAR_LIMITS.units) return limit(`${widest.where} has units`, widest.units, NEAR_LIMITS.units);
  if (entries > NEAR_LIMITS.entries) return limit("parameter entries", entries, NEAR_LIMITS.entries);
  const terms = classes.reduce((t, c) => t + c.units * c.entries, 0);
  if (terms > NEAR_LIMITS.terms) return limit("distance terms of the assignment", terms, NEAR_LIMITS.terms);
  return null;
}

/** The assignment minimising the total cost: perm[i] = the column row i gets. */
export function assign(cost: readonly Float64Array[]): number[] {
  const perm = new Array<number>(cost.length).fill(-1);
  for (const [r, c] of munkres(cost)) perm[r] = c;
  return perm;
}

const dist2 = (x: Float64Array, y: Float64Array) => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! - y[i]!) ** 2;
  return s;
};

/** Per unit of class c, its sorted slices, concatenated. */
function features(net: Network, c: PermClass, V: ParamValues): Float64Array[] {
  const out = Array.from({ length: c.size }, () => [] as number[]);
  for (const m of c.moves) {
    const shape = net.params.find((p) => p.name === m.param)!.shape;
    const v = V.get(m.param)!.t.values;
    const inner = shape.slice(m.axis + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, m.axis).reduce((a, b) => a * b, 1);
    for (let u = 0; u < c.size; u++) {
      const slice: number[] = [];
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) slice.push(v[(o * c.size + u) * inner + i]!);
      slice.sort((a, b) => a - b);
      for (const x of slice) out[u]!.push(x);
    }
  }
  return out.map((f) => Float64Array.from(f));
}

/** g for a tensor network by an assignment per class on the distances of sorted slices. */
export function nearMatchTensor(net: Network, classes: readonly PermClass[], A: ParamValues, B: ParamValues): TensorGroupElement {
  return {
    classes: classes.map((c) => {
      const fa = features(net, c, A);
      const fb = features(net, c, B);
      return { id: c.id, where: c.where, perm: assign(fa.map((x) => Float64Array.from(fb, (y) => dist2(x, y)))) };
    }),
  };
}

/** g for an MLP layer by layer: assignment on normalised rows, scales from the norms (as the floats they are). */
export function nearMatchMlp(widths: readonly number[], actions: readonly UnitAction[], A: ParamValues, B: ParamValues): GroupElement {
  const layers: LayerMap[] = [];
  for (let l = 1; l < widths.length - 1; l++) {
    const [n, inW] = [widths[l]!, widths[l - 1]!];
    const prev = layers[l - 2] ?? null;
    const rows = (V: ParamValues, mapped: boolean) =>
      Array.from({ length: n }, (_, i) => {
        const r = new Float64Array(inW + 1);
        const W = V.get(`W${l - 1}`)!.t.values;
        for (let j = 0; j < inW; j++) r[mapped && prev ? prev.perm[j]! : j] = mapped && prev ? W[i * inW + j]! / prev.scales[j]!.toNumber() : W[i * inW + j]!;
        r[inW] = V.get(`b${l - 1}`)!.t.values[i]!;
        return r;
      });
    const ra = rows(A, true);
    const rb = rows(B, false);
    const norm = (r: Float64Array) => Math.hypot(...r) || 1;
    const lead = (r: Float64Array) => Math.sign(r.find((x) => x !== 0) ?? 1);
    const normalise = (r: Float64Array) => (actions[l - 1] === "scale" ? r.map((x) => x / norm(r)) : actions[l - 1] === "flip" ? r.map((x) => x * lead(r)) : r);
    const na = ra.map(normalise);
    const nb = rb.map(normalise);
    const perm = assign(na.map((x) => Float64Array.from(nb, (y) => dist2(x, y))));
    // Least squares c = <a, b> / <a, a>: rounding errors average out over the row.
    const dot = (x: Float64Array, y: Float64Array) => x.reduce((s, v, k) => s + v * y[k]!, 0);
    const scales = perm.map((u, i) => (actions[l - 1] === "scale" ? Rational.fromNumber(dot(ra[i]!, rb[u]!) / (dot(ra[i]!, ra[i]!) || 1)) : actions[l - 1] === "flip" ? Rational.of(lead(ra[i]!) * lead(rb[u]!)) : Rational.ONE));
    layers.push({ layer: l, perm, scales });
  }
  return { widths, layers };
}

/** How far B is from g A in one tensor, in units in the last place of B's storage type. */
export interface Residual {
  readonly tensor: string;
  readonly dtype: DType;
  /** The largest |B - g A| over the tensor's entries, in ulps of the stored value. */
  readonly maxUlps: number;
  readonly maxAbs: number;
  /** Entries that differ at all. */
  readonly differing: number;
  readonly entries: number;
}

const MANTISSA: Record<DType, number> = { F64: 52, F32: 23, F16: 10, BF16: 7, decimal: 52 };
const MIN_EXP: Record<DType, number> = { F64: -1022, F32: -126, F16: -14, BF16: -126, decimal: -1022 };

/** The spacing of `dtype` floats at x (subnormal spacing near 0). */
export function ulp(x: number, dtype: DType): number {
  const e = x === 0 ? MIN_EXP[dtype] : Math.max(Math.floor(Math.log2(Math.abs(x))), MIN_EXP[dtype]);
  return 2 ** (e - MANTISSA[dtype]);
}

/** Per parameter, the residual of B against g A (g A given in float64, as close as float64 gets). */
export function residuals(gA: ReadonlyMap<string, Float64Array>, B: ParamValues): Residual[] {
  return [...gA].map(([name, expected]) => {
    const b = B.get(name)!;
    let maxUlps = 0;
    let maxAbs = 0;
    let differing = 0;
    for (let i = 0; i < expected.length; i++) {
      const found = b.t.values[i]!;
      const d = Math.abs(found - expected[i]!);
      if (d === 0) continue;
      differing++;
      maxAbs = Math.max(maxAbs, d);
      maxUlps = Math.max(maxUlps, d / ulp(Math.max(Math.abs(found), Math.abs(expected[i]!)), b.t.dtype));
    }
    return { tensor: name, dtype: b.t.dtype, maxUlps, maxAbs, differing, entries: expected.length };
  });
}

/** g A for an MLP in float64 arithmetic (rounded: for residuals only, never for an exact check). */
export function applyMlpRounded(g: GroupElement, A: ParamValues): Map<string, Float64Array> {
  const w = g.widths;
  const L = w.length - 1;
  const out = new Map<string, Float64Array>();
  for (let l = 0; l < L; l++) {
    const [rows, cols] = [w[l + 1]!, w[l]!];
    const rowMap = l + 1 < L ? g.layers[l]! : null;
    const colMap = l >= 1 ? g.layers[l - 1]! : null;
    const aW = A.get(`W${l}`)!.t.values;
    const ab = A.get(`b${l}`)!.t.values;
    const W = new Float64Array(rows * cols);
    const b = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      const ri = rowMap ? rowMap.perm[i]! : i;
      const r = rowMap ? rowMap.scales[i]!.toNumber() : 1;
      for (let j = 0; j < cols; j++) W[ri * cols + (colMap ? colMap.perm[j]! : j)] = (aW[i * cols + j]! * r) / (colMap ? colMap.scales[j]!.toNumber() : 1);
      b[ri] = ab[i]! * r;
    }
    out.set(`W${l}`, W);
    out.set(`b${l}`, b);
  }
  return out;
}

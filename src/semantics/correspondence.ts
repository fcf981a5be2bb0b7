/**
 * Correspondences between the hidden tensors of the two sides of a claim. A correspondence
 * acts on some axes of a tensor (its acted axes); a *unit* is one index along all of them
 * (flattened row-major over the acted axes). Unit u of tensor `node` of the right network,
 * at any indices along the other axes, equals
 *
 *     factor[u] * (unit perm[u] of tensor `source` of the left network, same other indices) + shift[u]
 *
 * for all parameters and inputs. A symmetry built from permute, scale and flip induces them
 * directly (this file); for assignments and maps they are inferred numerically
 * (obligations/infer.ts). Either way they are only proposals: the compositional strategy
 * proves each one.
 */
import type { Claim, Step, TensorDef } from "../elaborate/types.ts";
import { plainVar, reads } from "../elaborate/iexpr.ts";
import { compare } from "../obligations/identical.ts";
import { add, mul, neg, ONE, ZERO } from "./build.ts";
import { scalarTerm } from "./params.ts";
import { termOf } from "./sexpr.ts";
import type { Term } from "./types.ts";

export interface NodeCorrespondence {
  /** A hidden tensor of the right network. */
  readonly node: string;
  /** The hidden tensor of the left network it corresponds to. */
  readonly source: string;
  /** Acted axes, increasing. */
  readonly axes: readonly number[];
  /** Sizes of the acted axes. */
  readonly sizes: readonly number[];
  readonly perm: readonly number[];
  readonly factor: readonly Term[];
  readonly shift: readonly Term[];
  /**
   * Instead of perm and factor: a general linear map along one axis (the only acted axis):
   * unit u = sum_j matrix[u n + j] * (unit j of the source) + shift[u].
   */
  readonly linear?: { readonly axis: number; readonly n: number; readonly matrix: readonly Term[] };
}

/** By right-network tensor name. */
export type Correspondences = ReadonlyMap<string, NodeCorrespondence>;

const isUnitStep = (s: Step): s is Extract<Step, { k: "permuteAxes" | "scaleUnits" | "flipUnits" | "multiplyAxis" }> => s.k === "permuteAxes" || s.k === "scaleUnits" || s.k === "flipUnits" || s.k === "multiplyAxis";

/** The identity correspondence of a tensor (no acted axes: one unit). */
export const identity = (node: string, source = node): NodeCorrespondence => ({ node, source, axes: [], sizes: [], perm: [0], factor: [ONE], shift: [ZERO] });

/** `c` extended to also act on `axis` (of size n), trivially along it. */
export function withAxis(c: NodeCorrespondence, axis: number, n: number): NodeCorrespondence {
  if (c.axes.includes(axis)) return c;
  const axes = [...c.axes, axis].sort((a, b) => a - b);
  const pos = axes.indexOf(axis);
  const sizes = axes.map((a) => (a === axis ? n : c.sizes[c.axes.indexOf(a)]!));
  const total = sizes.reduce((a, b) => a * b, 1);
  const perm = new Array<number>(total);
  const factor = new Array<Term>(total);
  const shift = new Array<Term>(total);
  // Old unit of new unit u: drop the coordinate along `axis`.
  const split = (u: number, sz: readonly number[]) => {
    const out = new Array<number>(sz.length);
    for (let a = sz.length - 1; a >= 0; a--) {
      out[a] = u % sz[a]!;
      u = Math.floor(u / sz[a]!);
    }
    return out;
  };
  const join = (coords: readonly number[], sz: readonly number[]) => coords.reduce((acc, x, a) => acc * sz[a]! + x, 0);
  for (let u = 0; u < total; u++) {
    const coords = split(u, sizes);
    const oldCoords = coords.filter((_, a) => a !== pos);
    const old = join(oldCoords, c.sizes);
    const src = split(c.perm[old]!, c.sizes);
    const srcCoords = [...src.slice(0, pos), coords[pos]!, ...src.slice(pos)];
    perm[u] = join(srcCoords, sizes);
    factor[u] = c.factor[old]!;
    shift[u] = c.shift[old]!;
  }
  return { ...c, axes, sizes, perm, factor, shift };
}

/**
 * The correspondences a symmetry of permute / scale / flip steps induces, or null when the
 * claim has other steps (assignments, maps) and they must be inferred.
 *
 * - permute by sigma along an axis class: unit sigma(i) of every tensor in the class is unit i before;
 * - scale unit j by c: unit j is multiplied by c (the intended meaning for positively
 *   homogeneous activations; elsewhere the proof of the correspondence fails);
 * - flip unit j: unit j is negated, and with bias correction becomes 1 - (unit j).
 */
export function analyticCorrespondences(claim: Claim): Correspondences | null {
  if (claim.lhs !== claim.rhs || !claim.transform.steps.every(isUnitStep)) return null;
  const net = claim.lhs;
  const scalars = new Map(claim.transform.scalars.map((s) => [s.id, s]));
  const scalar = (id: string, i: number) => scalarTerm(scalars.get(id)!, i);
  const state = new Map<string, NodeCorrespondence>(net.nodes.map((n) => [n.name, identity(n.name)]));
  const shapeOf = (node: string) => net.nodes.find((n) => n.name === node)!.shape;
  const update = (node: string, axis: number, f: (c: NodeCorrespondence, coord: (u: number) => number, unitAt: (u: number, x: number) => number) => NodeCorrespondence) => {
    const c = withAxis(state.get(node)!, axis, shapeOf(node)[axis]!);
    const pos = c.axes.indexOf(axis);
    const stride = c.sizes.slice(pos + 1).reduce((a, b) => a * b, 1);
    const coord = (u: number) => Math.floor(u / stride) % c.sizes[pos]!;
    const unitAt = (u: number, x: number) => u + (x - coord(u)) * stride;
    state.set(node, f(c, coord, unitAt));
  };
  const linear = new Map<string, { axis: number; n: number; matrix: Term[] }>();
  /**
   * The last matrix applied to each tensor and the parameters it was applied through: a
   * tensor with several producers (W q + b) is mapped by M once when every producer is
   * multiplied by the same M, not once per producer.
   */
  const lastStep = new Map<string, { m: readonly Term[]; params: Set<string> }>();
  /**
   * P' = P x_axis M for a parameter P: every tensor D that P produces along axis b (P read with
   * D's free index there) gets D'[.., u, ..] = sum_j M[j][u] D[.., j, ..]. False when a tensor
   * would carry two kinds of action (not supported: the strategy then does not apply).
   */
  const mapProducers = (param: string, axis: number, n: number, m: readonly Term[]): boolean => {
    for (const d of net.nodes) {
      for (const r of reads(d.expr)) {
        if (r.src !== "param" || r.name !== param) continue;
        const v = plainVar(r.at[axis]!);
        const b = v === null ? -1 : d.vars.indexOf(v);
        if (b < 0) continue;
        if (state.get(d.name)!.axes.length > 0) return false;
        const prior = linear.get(d.name);
        if (prior && prior.axis !== b) return false;
        const last = lastStep.get(d.name);
        if (last && !last.params.has(param) && last.m.length === m.length && last.m.every((t, i) => compare(t, m[i]!) === 0)) {
          last.params.add(param);
          continue;
        }
        lastStep.set(d.name, { m, params: new Set([param]) });
        const base = prior?.matrix ?? identityMatrix(n);
        // (new)[u][j] = sum_k M[k][u] (base)[k][j]
        const next: Term[] = [];
        for (let u = 0; u < n; u++) for (let j = 0; j < n; j++) next.push(add(...Array.from({ length: n }, (_, k) => mul(m[k * n + u]!, base[k * n + j]!))));
        linear.set(d.name, { axis: b, n, matrix: next });
      }
    }
    return true;
  };
  for (const step of claim.transform.steps as Extract<Step, { k: "permuteAxes" | "scaleUnits" | "flipUnits" | "multiplyAxis" }>[]) {
    switch (step.k) {
      case "multiplyAxis":
        if (!mapProducers(step.param, step.axis, step.n, step.matrix.map((e) => termOf(e, { scalar })))) return null;
        break;
      case "permuteAxes":
        // A permutation of one parameter's axis (`permute axis a of P`) moves the tensors P
        // produces along that axis: the linear map of its permutation matrix, as a proposal.
        if (step.nodes.length === 0) {
          for (const r of step.params) {
            const n = step.perm.length;
            const m = Array.from({ length: n * n }, (_, i) => (step.perm[Math.floor(i / n)] === i % n ? ONE : ZERO));
            if (!mapProducers(r.name, r.axis, n, m)) return null;
          }
          break;
        }
        for (const r of step.nodes) {
          update(r.name, r.axis, (c, coord, unitAt) => {
            const perm = [...c.perm];
            const factor = [...c.factor];
            const shift = [...c.shift];
            for (let u = 0; u < c.perm.length; u++) {
              const to = unitAt(u, step.perm[coord(u)]!);
              perm[to] = c.perm[u]!;
              factor[to] = c.factor[u]!;
              shift[to] = c.shift[u]!;
            }
            return { ...c, perm, factor, shift };
          });
        }
        break;
      case "scaleUnits":
        update(step.layout.node, step.layout.axis, (c, coord) => {
          const by = new Map(step.units.map((j, k) => [j, termOf(step.factors[k]!, { scalar })]));
          const factor = c.factor.map((f, u) => (by.has(coord(u)) ? mul(by.get(coord(u))!, f) : f));
          const shift = c.shift.map((t, u) => (by.has(coord(u)) ? mul(by.get(coord(u))!, t) : t));
          return { ...c, factor, shift };
        });
        break;
      case "flipUnits":
        update(step.layout.node, step.layout.axis, (c, coord) => {
          const on = new Set(step.units);
          const factor = c.factor.map((f, u) => (on.has(coord(u)) ? neg(f) : f));
          const shift = c.shift.map((t, u) => (on.has(coord(u)) ? (step.correction ? add(ONE, neg(t)) : neg(t)) : t));
          return { ...c, factor, shift };
        });
        break;
    }
  }
  if (linear.size === 0) return state;
  for (const name of linear.keys()) if (state.get(name)!.axes.length > 0) return null;
  propagate(net.nodes, linear);
  for (const [name, l] of linear) {
    if (state.get(name)!.axes.length > 0) return null;
    state.set(name, { node: name, source: name, axes: [l.axis], sizes: [l.n], perm: Array.from({ length: l.n }, (_, i) => i), factor: Array.from({ length: l.n }, () => ONE), shift: Array.from({ length: l.n }, () => ZERO), linear: l });
  }
  return state;
}

const identityMatrix = (n: number): Term[] => Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === i % n ? ONE : ZERO));

/**
 * Propose linear maps for the tensors that read mapped ones along a free index: a tensor
 * whose index v (axis c) reads only tensors carrying the same map on the axis v indexes
 * (plainly, or with an offset as RoPE's pairs do), and no parameter, gets that map too.
 * These are proposals: an obligation per unit checks each.
 */
function propagate(defs: readonly TensorDef[], linear: Map<string, { axis: number; n: number; matrix: Term[] }>): void {
  for (const d of defs) {
    if (linear.has(d.name)) continue;
    d.vars.forEach((v, c) => {
      if (linear.has(d.name)) return;
      // Parameters indexed by v (RoPE's tables, a bias) are allowed: the map is only proposed.
      const rs = reads(d.expr).filter((r) => r.src !== "param" && r.at.some((a) => a.terms.some((t) => t.v === v)));
      if (rs.length === 0 || rs.some((r) => r.src !== "node")) return;
      const maps = rs.map((r) => {
        const l = linear.get(r.name);
        const b = r.at.findIndex((a) => a.terms.length === 1 && a.terms[0]!.v === v && a.terms[0]!.k === 1 && a.div === undefined && a.mod === undefined);
        return l && l.axis === b ? l : null;
      });
      const first = maps[0];
      if (first && maps.every((m) => m === first) && d.shape[c] === first.n) linear.set(d.name, { ...first, axis: c });
    });
  }
}

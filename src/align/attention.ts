/**
 * The continuous actions of attention (proofs/12): per head, W_Q -> W_Q A with
 * W_K -> W_K A^-T (biases likewise), and W_V -> W_V A with W_O -> A^-1 W_O. In the checker's
 * terms, `multiply axis a of P by X` sends every fiber v (the entries along the head_dim
 * axis, the other indices fixed) to v X: the query and value sides by A, the key and output
 * sides by A^-T, so that v_B A^T = v_A there.
 *
 * Matching: the heads are paired by an invariant of the action (for each head, u_Q . u_K
 * where u_Q, u_K are seeded random combinations of the head's query and key fibers, indexed
 * in B's order of the other classes; A cancels: u_Q A . u_K A^-T = u_Q . u_K), computed
 * exactly modulo two primes. Then A is solved per head, exactly, from K fibers of the query
 * (value) side that are linearly independent, and every entry of all four sides is checked
 * exactly (attentionExact.ts).
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import { paramsIndexedBy } from "../elaborate/iexpr.ts";
import type { Network } from "../elaborate/types.ts";
import { Rational } from "../numeric/rational.ts";
import { axisOwners, type ParamAxis, type PermClass } from "./classes.ts";
import { PRIMES } from "./exact.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { AttentionAction } from "./types.ts";
import { forEachIndex } from "./unitScales.ts";

/** One side of an action: parameter axes multiplied by A ("left") or by A^-T ("right"). */
export interface Side {
  readonly left: readonly ParamAxis[];
  readonly right: readonly ParamAxis[];
  /** The head_dim class it replaces (index in classes), or -1 when that axis has one entry. */
  readonly cls: number;
}

/** An attention operation of the network. */
export interface AttentionBlock {
  /** Its name ("a"), as in `a.q`. */
  readonly name: string;
  readonly heads: number;
  readonly dim: number;
  /** The heads class (index), or -1 for a single head. */
  readonly headsClass: number;
  /** Per parameter, its heads axis. */
  readonly headAxis: ReadonlyMap<string, number>;
  /** Null with RoPE (only plane rotations commute with it). */
  readonly qk: Side | null;
  readonly vo: Side | null;
}

/** The attention operations of `net` and the classes they touch. */
export function attentionBlocks(net: Network, classes: readonly PermClass[]): AttentionBlock[] {
  const node = (name: string) => net.nodes.find((d) => d.name === name);
  const owners = axisOwners(net, classes);
  const classOf = (p: ParamAxis) => owners.get(p.param)?.[p.axis] ?? -1;
  const out: AttentionBlock[] = [];
  for (const scores of net.nodes.filter((d) => d.name.endsWith(".scores"))) {
    const a = scores.name.slice(0, -".scores".length);
    const [q, k, v] = [node(`${a}.q`), node(`${a}.k`), node(`${a}.v`)];
    if (!q || !k || !v) continue;
    const last = q.shape.length - 1;
    const headParams = [...paramsIndexedBy(q, 0), ...paramsIndexedBy(k, 0), ...paramsIndexedBy(v, 0)];
    const headsClass = headParams.length ? classOf(headParams[0]!) : -1;
    const headAxis = new Map<string, number>();
    if (headsClass >= 0) for (const m of classes[headsClass]!.moves) headAxis.set(m.param, m.axis);
    const side = (left: ParamAxis[], right: ParamAxis[]): Side | null => {
      const all = [...left, ...right];
      const cls = all.length ? classOf(all[0]!) : -1;
      // Every moved axis must be in one head_dim class (or of size 1), exactly those axes.
      if (cls >= 0 ? !all.every((p) => classOf(p) === cls) || classes[cls]!.moves.length !== all.length : all.some((p) => classOf(p) >= 0)) return null;
      return left.length ? { left, right, cls } : null;
    };
    const qk = node(`${a}.q_rope`) ? null : side(paramsIndexedBy(q, last), paramsIndexedBy(k, k.shape.length - 1));
    const vLeft = paramsIndexedBy(v, v.shape.length - 1);
    const voCls = vLeft.length ? classOf(vLeft[0]!) : -1;
    const vRight = voCls >= 0 ? classes[voCls]!.moves.filter((m) => !vLeft.some((x) => x.param === m.param && x.axis === m.axis)) : [];
    out.push({ name: a, heads: q.shape[0]!, dim: q.shape[last]!, headsClass, headAxis, qk, vo: voCls >= 0 ? side(vLeft, vRight) : null });
  }
  return out;
}

/** A fiber: the entries of P along the action axis at one index of the other axes, in A and in B. */
export interface Fiber {
  readonly param: string;
  readonly head: number;
  /** Flat index of the fiber's first entry in A and in B; `stride` between its entries. */
  readonly a: number;
  readonly b: number;
  readonly stride: number;
  /** The fiber's index in B's order (without the heads axis), for hashing. */
  readonly key: number;
  /** Its multi-index in A (0 on the action axis). */
  readonly index: readonly number[];
}

/** Per axis of a parameter, the factor of each index (null: none), as g's scalings give them. */
export type AxisFactors = readonly ((readonly Rational[]) | null)[] | undefined;

/** The product of the factors at a fiber's other indices (the action axis is never scaled). */
export function fiberFactor(factors: AxisFactors, f: Fiber, axis: number): Rational | null {
  if (!factors) return null;
  if (factors[axis]) throw new InternalError(`${f.param}: the axis an attention action multiplies is also rescaled`);
  let out: Rational | null = null;
  factors.forEach((fs, b) => {
    if (fs) out = out ? out.mul(fs[f.index[b]!]!) : fs[f.index[b]!]!;
  });
  return out;
}

/** The fibers of `p` (A's head h, mapped by g's permutations into B's positions). */
export function fibers(net: Network, p: ParamAxis, headAxis: number | undefined, perms: readonly (readonly number[] | null)[]): Fiber[] {
  const shape = net.params.find((x) => x.name === p.param)!.shape;
  const strides = shape.map((_, b) => shape.slice(b + 1).reduce((x, y) => x * y, 1));
  const outer = shape.map((n, b) => (b === p.axis ? 1 : n));
  const out: Fiber[] = [];
  forEachIndex(outer, (_, idx) => {
    let a = 0;
    let b = 0;
    let key = 0;
    idx.forEach((i, ax) => {
      const j = perms[ax] ? perms[ax]![i]! : i;
      a += i * strides[ax]!;
      b += j * strides[ax]!;
      if (ax !== headAxis && ax !== p.axis) key = key * shape[ax]! + j;
    });
    out.push({ param: p.param, head: headAxis === undefined ? 0 : idx[headAxis]!, a, b, stride: strides[p.axis]!, key, index: [...idx] });
  });
  return out;
}

/** Seeded weight in [1, p) for a fiber key (the same for A and B: keys are in B's order). */
function weight(seed: number, k: 0 | 1): number {
  let s = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ (k ? 0x85ebca6b : 0xc2b2ae35);
  s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d);
  s ^= s >>> 13;
  return 1 + ((s >>> 0) % (PRIMES[k] - 1));
}

/** Per head, the invariant u_left . u_right modulo both primes (a string key). */
function headKeys(V: ParamValues, side: Side, fibersOf: (p: ParamAxis) => Fiber[], heads: number, dim: number, mapKeys: boolean): string[] {
  const acc = (ps: readonly ParamAxis[], salt: number) =>
    ([0, 1] as const).map((k) => {
      const u = Array.from({ length: heads }, () => new Float64Array(dim));
      ps.forEach((p, pi) => {
        const v = V.get(p.param)!;
        for (const f of fibersOf(p)) {
          const w = weight(salt + pi * 1_000_003 + f.key * 7919, k);
          const at = mapKeys ? f.a : f.b;
          const head = u[f.head]!;
          for (let j = 0; j < dim; j++) head[j] = (head[j]! + ((v.residue(at + j * f.stride, k) * w) % PRIMES[k])) % PRIMES[k];
        }
      });
      return u;
    });
  const [l, r] = [acc(side.left, 17), acc(side.right, 91)];
  return Array.from({ length: heads }, (_, h) =>
    ([0, 1] as const)
      .map((k) => {
        let s = 0;
        for (let j = 0; j < dim; j++) s = (s + ((l[k]![h]![j]! * r[k]![h]![j]!) % PRIMES[k])) % PRIMES[k];
        return s;
      })
      .join(":"),
  );
}

/**
 * The heads permutation that pairs A's heads with B's by the invariants of both actions, or
 * the first head of B without a counterpart. `mapped(p)` gives p's fibers with g's other
 * permutations applied (heads not yet permuted: the head is A's).
 */
export function matchHeads(block: AttentionBlock, A: ParamValues, B: ParamValues, fibersOf: (p: ParamAxis, mapped: boolean) => Fiber[]): { perm: number[]; tied: number } | { head: number } {
  const sides = [block.qk, block.vo].filter((s): s is Side => s !== null);
  const keyOf = (V: ParamValues, mapped: boolean) => {
    const parts = sides.map((s) => headKeys(V, s, (p) => fibersOf(p, mapped), block.heads, block.dim, mapped));
    return Array.from({ length: block.heads }, (_, h) => parts.map((x) => x[h]).join("|"));
  };
  const [ka, kb] = [keyOf(A, true), keyOf(B, false)];
  const buckets = new Map<string, number[]>();
  ka.forEach((key, h) => buckets.set(key, [...(buckets.get(key) ?? []), h]));
  const tied = [...buckets.values()].filter((x) => x.length > 1).reduce((n, x) => n + x.length, 0);
  const perm = new Array<number>(block.heads);
  for (let u = 0; u < block.heads; u++) {
    const h = buckets.get(kb[u]!)?.shift();
    if (h === undefined) return { head: u };
    perm[h] = u;
  }
  return { perm, tied };
}

/** The parameters an action moves with the side they are on. */
export function actionParams(blocks: readonly AttentionBlock[], actions: readonly AttentionAction[]): Map<string, { block: AttentionBlock; action: AttentionAction; p: ParamAxis; left: boolean }> {
  const out = new Map<string, { block: AttentionBlock; action: AttentionAction; p: ParamAxis; left: boolean }>();
  for (const action of actions) {
    const block = blocks.find((b) => b.name === action.block)!;
    const side = (action.kind === "qk" ? block.qk : block.vo)!;
    for (const p of side.left) out.set(p.param, { block, action, p, left: true });
    for (const p of side.right) out.set(p.param, { block, action, p, left: false });
  }
  return out;
}

/** Fibers of p with g's permutations (the heads class's too when `withHeads`). */
export function fibersWith(net: Network, block: AttentionBlock, p: ParamAxis, perms: readonly (readonly number[] | null)[]): Fiber[] {
  return fibers(net, p, block.headAxis.get(p.param), perms);
}

/** Whether every head uses the same matrix. */
export const sameInEveryHead = (a: AttentionAction) => a.matrices.every((X) => X.every((r, i) => r.every((x, j) => x.eq(a.matrices[0]![i]![j]!))));

/** Whether the matrices are all the identity. */
export const isIdentityAction = (a: AttentionAction) => a.matrices.every((X) => X.every((r, i) => r.every((x, j) => x.eq(i === j ? Rational.ONE : Rational.ZERO))));

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
 * exactly modulo two primes. Then A is solved per head, exactly in rationals, from K fibers
 * of the query (value) side that are linearly independent (chosen by float elimination,
 * confirmed by the exact one); a rank-deficient side leaves A undetermined, and that is said.
 * Every entry of all four sides is then checked exactly (verifyAttention).
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import { plainVar, reads } from "../elaborate/iexpr.ts";
import type { Network, TensorDef } from "../elaborate/types.ts";
import { Rational } from "../numeric/rational.ts";
import { axisOwners, type ParamAxis, type PermClass } from "./classes.ts";
import { PRIMES, type ExactValues } from "./exact.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { AttentionAction, Mismatch } from "./types.ts";
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

/**
 * Most work allowed per action: heads x d_head^3 big-integer steps to solve (8 heads of
 * d_head 64: about 15 s), and fibers x d_head^2 multiplications to check (8 heads of d_head
 * 64 at d_model 512: about 4 s per action). Above either, the action is not attempted.
 */
export const MAX_SOLVE_WORK = 2_200_000;
export const MAX_CHECK_WORK = 40_000_000;

function paramsIndexedBy(def: TensorDef, axis: number): ParamAxis[] {
  const v = def.vars[axis]!;
  const out: ParamAxis[] = [];
  for (const r of reads(def.expr)) {
    if (r.src !== "param") continue;
    r.at.forEach((ix, i) => {
      if (plainVar(ix) === v && !out.some((o) => o.param === r.name && o.axis === i)) out.push({ param: r.name, axis: i });
    });
  }
  return out;
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
interface Fiber {
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
function fiberFactor(factors: AxisFactors, f: Fiber, axis: number): Rational | null {
  if (!factors) return null;
  if (factors[axis]) throw new InternalError(`${f.param}: the axis an attention action multiplies is also rescaled`);
  let out: Rational | null = null;
  factors.forEach((fs, b) => {
    if (fs) out = out ? out.mul(fs[f.index[b]!]!) : fs[f.index[b]!]!;
  });
  return out;
}

/** The fibers of `p` (A's head h, mapped by g's permutations into B's positions). */
function fibers(net: Network, p: ParamAxis, headAxis: number | undefined, perms: readonly (readonly number[] | null)[]): Fiber[] {
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

/** Approximate rows (m x K) of the left side of one head, from A's fibers. */
function approxRows(A: ParamValues, fs: readonly Fiber[], dim: number): number[][] {
  return fs.map((f) => Array.from({ length: dim }, (_, j) => A.get(f.param)!.t.values[f.a + j * f.stride]!));
}

/** One fiber's entries as integers over a common denominator: v = ints / den. */
function fiberInts(V: ExactValues, at: number, stride: number, dim: number, c: Rational | null): { ints: bigint[]; den: bigint; fr: [bigint, bigint][] } {
  const fr = Array.from({ length: dim }, (_, j): [bigint, bigint] => {
    const [n, d] = V.fraction(at + j * stride);
    return c ? [n * c.num, d * c.den] : [n, d];
  });
  let den = 1n;
  for (const [, d] of fr) den = lcm(den, d);
  return { ints: fr.map(([n, d]) => n * (den / d)), den, fr };
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};
const lcm = (a: bigint, b: bigint) => (a / gcd(a, b)) * b;

/** K rows of `m` (approximately) linearly independent, by float elimination with partial pivoting; null when rank < K. */
function independentRows(m: readonly (readonly number[])[], dim: number): number[] | null {
  const rows = m.map((r) => Float64Array.from(r));
  const scale = Math.max(1e-300, ...m.flat().map(Math.abs));
  const chosen: number[] = [];
  const used = new Set<number>();
  for (let c = 0; c < dim; c++) {
    let best = -1;
    for (let i = 0; i < rows.length; i++) if (!used.has(i) && (best < 0 || Math.abs(rows[i]![c]!) > Math.abs(rows[best]![c]!))) best = i;
    if (best < 0 || Math.abs(rows[best]![c]!) <= 1e-12 * scale) return null;
    used.add(best);
    chosen.push(best);
    for (let i = 0; i < rows.length; i++) {
      if (used.has(i)) continue;
      const f = rows[i]![c]! / rows[best]![c]!;
      for (let j = c; j < dim; j++) rows[i]![j]! -= f * rows[best]![j]!;
    }
  }
  return chosen;
}

/**
 * X with S X = T exactly (S invertible, K x K), or null when S is singular: each row is
 * scaled to integers, then fraction-free Gauss-Jordan elimination (every division exact, the
 * diagonal ends as det S), so no rational is normalised until the answer.
 */
export function solveExact(S: readonly (readonly [bigint, bigint][])[], T: readonly (readonly [bigint, bigint][])[]): Rational[][] | null {
  const n = S.length;
  const m = S.map((r, i) => {
    const row = [...r, ...T[i]!];
    let den = 1n;
    for (const [, d] of row) den = lcm(den, d);
    return row.map(([x, d]) => x * (den / d));
  });
  let prev = 1n;
  for (let k = 0; k < n; k++) {
    const p = m.findIndex((r, i) => i >= k && r[k] !== 0n);
    if (p < 0) return null;
    [m[k], m[p]] = [m[p]!, m[k]!];
    const pivot = m[k]!;
    const akk = pivot[k]!;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const row = m[i]!;
      const aik = row[k]!;
      for (let j = 0; j < row.length; j++) if (j !== k) row[j] = (akk * row[j]! - aik * pivot[j]!) / prev;
      row[k] = 0n;
    }
    // The rows above keep the previous pivot's scale: bring them to this one.
    prev = akk;
  }
  return m.map((r, i) => r.slice(n).map((x) => Rational.of(x, r[i]!)));
}

/**
 * Per block side, A for every head (of A), solved exactly; or why not. `perms`: per
 * parameter, the permutation of each axis (the heads permutation included).
 */
export function solveActions(net: Network, blocks: readonly AttentionBlock[], A: ParamValues, B: ParamValues, perms: ReadonlyMap<string, readonly (readonly number[] | null)[]>, factors?: ReadonlyMap<string, AxisFactors>): { actions: AttentionAction[] } | { problem: string } {
  const actions: AttentionAction[] = [];
  for (const block of blocks) {
    for (const [kind, side] of [["qk", block.qk], ["vo", block.vo]] as const) {
      if (!side) continue;
      const K = block.dim;
      const rows = side.left.reduce((n, p) => n + net.params.find((x) => x.name === p.param)!.shape.reduce((x, y) => x * y, 1) / K, 0);
      const [solve, check] = [block.heads * K ** 3, 2 * rows * K * K];
      const what = kind === "qk" ? "W_Q A, W_K A^-T" : "W_V A, A^-1 W_O";
      if (solve > MAX_SOLVE_WORK) return { problem: `${block.name}: solving ${what} exactly takes about ${solve.toExponential(1)} big-integer steps (${block.heads} head${block.heads === 1 ? "" : "s"} of d_head ${K}), above the bound of ${MAX_SOLVE_WORK.toExponential(1)}; not attempted (too slow in exact rationals)` };
      if (check > MAX_CHECK_WORK) return { problem: `${block.name}: checking ${what} exactly takes about ${check.toExponential(1)} big-integer multiplications (d_head ${K}, ${rows} fibers), above the bound of ${MAX_CHECK_WORK.toExponential(1)}; not attempted (too slow in exact rationals)` };
      const all = side.left.flatMap((p) => fibers(net, p, block.headAxis.get(p.param), perms.get(p.param)!));
      const matrices: Rational[][][] = [];
      for (let h = 0; h < block.heads; h++) {
        const fs = all.filter((f) => f.head === h);
        const pick = independentRows(approxRows(A, fs, K), K);
        const row = (V: ParamValues, f: Fiber, at: number) => Array.from({ length: K }, (_, j) => V.get(f.param)!.fraction(at + j * f.stride));
        // g's scalings of the fiber's other indices multiply A's row: v_B = (v_A c) X.
        const scaledRow = (f: Fiber) => {
          const c = fiberFactor(factors?.get(f.param), f, side.left.find((x) => x.param === f.param)!.axis);
          return row(A, f, f.a).map(([n, d]): [bigint, bigint] => (c ? [n * c.num, d * c.den] : [n, d]));
        };
        const X = pick && solveExact(pick.map((i) => scaledRow(fs[i]!)), pick.map((i) => row(B, fs[i]!, fs[i]!.b)));
        const what = kind === "qk" ? "W_Q (with b_Q)" : "W_V (with b_V)";
        if (!X) return { problem: `${block.name}: ${what} of head ${h} has rank below d_head = ${K} (its rows do not span), so the matrix A of head ${h} is not determined by it; rank-deficient heads are not matched` };
        matrices.push(X);
      }
      actions.push({ block: block.name, kind, dim: K, matrices });
    }
  }
  return { actions };
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

/**
 * Check every entry of one moved parameter exactly: v_B = v_A X (left side) or v_B X^T = v_A
 * (right side, X^-T without an inverse), fiber by fiber with X of the fiber's head in A.
 */
export function verifyAttentionParam(net: Network, A: ParamValues, B: ParamValues, m: { block: AttentionBlock; action: AttentionAction; p: ParamAxis; left: boolean }, perms: readonly (readonly number[] | null)[], note: (x: Mismatch) => void, factors?: AxisFactors): number {
  const K = m.action.dim;
  const shape = net.params.find((x) => x.name === m.p.param)!.shape;
  const [va, vb] = [A.get(m.p.param)!, B.get(m.p.param)!];
  // Per head, X = Y / den with Y integer.
  const ints = m.action.matrices.map((X) => {
    let den = 1n;
    for (const r of X) for (const x of r) den = lcm(den, x.den);
    return { Y: X.map((r) => r.map((x) => x.num * (den / x.den))), den };
  });
  let entries = 0;
  for (const f of fibers(net, m.p, m.block.headAxis.get(m.p.param), perms)) {
    const { Y, den } = ints[f.head]!;
    // g's scalings of the fiber's other indices: B's fiber is (v_A c) X, so A's entries are taken times c.
    const c = fiberFactor(factors, f, m.p.axis);
    const a = fiberInts(va, f.a, f.stride, K, c);
    const b = fiberInts(vb, f.b, f.stride, K, null);
    for (let k = 0; k < K; k++) {
      entries++;
      // left: (v_A X)[k] = sum_j a_j Y[j][k] / (La den) against b_k; right: (v_B X^T)[k] = sum_j b_j Y[k][j] / (Lb den) against a_k.
      let s = 0n;
      for (let j = 0; j < K; j++) s += m.left ? a.ints[j]! * Y[j]![k]! : b.ints[j]! * Y[k]![j]!;
      const [n, d] = m.left ? b.fr[k]! : a.fr[k]!;
      const ok = n * (m.left ? a.den : b.den) * den === s * d;
      if (ok) continue;
      // What B should hold there: (v_A X)[k], or (v_A X^-T)[k] = sum_j a_j X^-1[k][j].
      const expected = m.left ? Rational.of(s, a.den * den) : rightExpected(m.action, f.head, a.fr, k);
      note({ tensor: m.p.param, index: unflat(f.b + k * f.stride, shape), expected, found: vb.rational(f.b + k * f.stride) });
    }
  }
  return entries;
}

const inverses = new WeakMap<AttentionAction, Map<number, Rational[][] | null>>();

/** (v_A X^-T)[k] for head h (X^-1 solved once per head, only for a mismatch). */
function rightExpected(action: AttentionAction, h: number, a: readonly [bigint, bigint][], k: number): Rational {
  const cache = inverses.get(action) ?? new Map<number, Rational[][] | null>();
  inverses.set(action, cache);
  if (!cache.has(h)) {
    const X = action.matrices[h]!;
    const I = X.map((_, i) => X.map((_, j): [bigint, bigint] => [i === j ? 1n : 0n, 1n]));
    cache.set(h, solveExact(X.map((r) => r.map((x): [bigint, bigint] => [x.num, x.den])), I));
  }
  const inv = cache.get(h)!;
  return inv ? a.reduce((acc, [n, d], j) => acc.add(Rational.of(n, d).mul(inv[k]![j]!)), Rational.ZERO) : Rational.ZERO;
}

const unflat = (flat: number, shape: readonly number[]) => {
  const out = new Array<number>(shape.length);
  for (let b = shape.length - 1; b >= 0; b--) {
    out[b] = flat % shape[b]!;
    flat = Math.floor(flat / shape[b]!);
  }
  return out;
};

/** Fibers of p with g's permutations (the heads class's too when `withHeads`). */
export function fibersWith(net: Network, block: AttentionBlock, p: ParamAxis, perms: readonly (readonly number[] | null)[]): Fiber[] {
  return fibers(net, p, block.headAxis.get(p.param), perms);
}

/** Whether every head uses the same matrix. */
export const sameInEveryHead = (a: AttentionAction) => a.matrices.every((X) => X.every((r, i) => r.every((x, j) => x.eq(a.matrices[0]![i]![j]!))));

/** Whether the matrices are all the identity. */
export const isIdentityAction = (a: AttentionAction) => a.matrices.every((X) => X.every((r, i) => r.every((x, j) => x.eq(i === j ? Rational.ONE : Rational.ZERO))));

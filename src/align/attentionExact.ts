/**
 * The exact part of the attention actions (attention.ts): per head, the matrix solved from
 * d_head independent rows of the query (value) side by fraction-free Gauss-Jordan elimination
 * over the integers, and every entry of the four sides checked by integer
 * cross-multiplication, with the work bounded before it starts.
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import { Rational } from "../numeric/rational.ts";
import type { Network } from "../elaborate/types.ts";
import { unflatten } from "../elaborate/interpret.ts";
import { fiberFactor, fibers, type AttentionBlock, type AxisFactors, type Fiber } from "./attention.ts";
import type { ParamAxis } from "./classes.ts";
import type { ExactValues } from "./exact.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { AttentionAction, Mismatch } from "./types.ts";

/**
 * Most work allowed per action: heads x d_head^3 big-integer steps to solve (8 heads of
 * d_head 64: about 15 s), and fibers x d_head^2 multiplications to check (8 heads of d_head
 * 64 at d_model 512: about 4 s per action). Above either, the action is not attempted.
 */
export const MAX_SOLVE_WORK = 2_200_000;
export const MAX_CHECK_WORK = 40_000_000;

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
        const what = kind === "qk" ? "W_Q (with b_Q)" : "W_V (with b_V)";
        const S = pick?.map((i) => scaledRow(fs[i]!));
        const T = pick?.map((i) => row(B, fs[i]!, fs[i]!.b));
        // The elimination runs on the rows of both sides: its cost as an inverse's.
        const costly0 = S && T ? inverseTooCostly(S.map((r, i) => [...r, ...T[i]!].map(([n, d]) => Rational.of(n, d)))) : null;
        if (costly0) return { problem: `${block.name}, head ${h}: solving for A from ${what}: ${costly0}` };
        const X = pick && solveExact(S!, T!);
        if (!X) return { problem: `${block.name}: ${what} of head ${h} has rank below d_head = ${K} (its rows do not span), so the matrix A of head ${h} is not determined by it; rank-deficient heads are not matched` };
        // The action is defined for invertible A only (GL(d_head)): a singular solution is no
        // group element. S A = T with S invertible, so A is invertible iff T is, and A^-1 =
        // T^-1 S: one more solve of the same size. (Inverting A itself is far costlier: its
        // entries share the denominator det S, and at d_head 32 it took 17 s against 0.13 s.)
        if (!rememberInverse(X, solveExact(T!, S!))) return { problem: `${block.name}: the matrix A solved for head ${h} from ${what} is singular (B's side has lower rank than A's), so B's head is not ${kind === "qk" ? "W_Q A, W_K A^-T" : "W_V A, A^-1 W_O"} of A's head ${h} for any invertible A, with the heads paired as matched; the GL(${K}) action needs A invertible` };
        matrices.push(X);
      }
      actions.push({ block: block.name, kind, dim: K, matrices });
    }
  }
  return { actions };
}

/**
 * Most work allowed for one exact inverse, and for all the inverses of one g.json, in the
 * units of `inverseCost`: d^3 big-integer steps on numbers of up to D bits cost about
 * d^3 D^2 / 2^k, where D bounds the determinant's bits (the elimination's numbers reach it):
 * the bits of each row scaled to integers, summed, plus Hadamard's log2(d)/2 per row. Measured
 * on 2 cores (seconds for an inverse): 1.2e10 -> 0.1, 1.0e12 -> 4.3, 2.5e12 -> 5.0 (d 64,
 * float-like entries), 4.1e12 -> 15.6, 8.3e12 -> 9.9 (d 128, 12-bit integers), 1.3e13 -> 49,
 * 5.4e13 -> 36 (d 256, 3-bit integers), 8.6e13 -> 119 (d 128, float-like).
 */
export const MAX_INVERSE_COST = 3e12;
export const MAX_INVERSES_COST = 2.4e13;

/** The cost of inverting X exactly, in the units of MAX_INVERSE_COST. */
export function inverseCost(X: readonly (readonly Rational[])[]): number {
  const d = X.length;
  let bits = 0;
  for (const r of X) {
    let den = 1n;
    for (const x of r) den = lcm(den, x.den);
    let most = 0;
    for (const x of r) {
      const v = x.num * (den / x.den);
      most = Math.max(most, (v < 0n ? -v : v).toString(2).length);
    }
    bits += most + Math.log2(Math.max(2, d)) / 2;
  }
  return d ** 3 * bits ** 2;
}

/** Why X is not inverted (too costly), or null. */
export function inverseTooCostly(X: readonly (readonly Rational[])[]): string | null {
  const cost = inverseCost(X);
  return cost > MAX_INVERSE_COST ? `inverting this ${X.length} x ${X.length} matrix exactly would take too long (d_head^3 x (its determinant's bits)^2 is about ${cost.toExponential(1)}, above the bound of ${MAX_INVERSE_COST.toExponential(1)}); not attempted` : null;
}

/** X^-1 exactly, or null when X is singular (cached per matrix). */
const inverses = new WeakMap<readonly (readonly Rational[])[], Rational[][] | null>();

/** X^-1 if it is already known (computed or checked), without computing it. */
export function knownInverse(X: readonly (readonly Rational[])[]): Rational[][] | null {
  return inverses.get(X) ?? null;
}

/**
 * Most work allowed to check X Y = I: d^3 products of integers of up to bx and by bits,
 * in units of d^3 bx by. Measured: A and A^-1 solved from 64 x 64 float32 rows, 7.5 x 10^11,
 * 0.64 s; so about 4 s for one matrix and 21 s for one g.json (16 such matrices are 1.2 x 10^13).
 */
export const MAX_PRODUCT_COST = 5e12;
/** The same for all the matrices of one g.json together. */
export const MAX_PRODUCTS_COST = 2.5e13;

/**
 * Whether Y is X's inverse, exactly: X's rows scaled to integers by a (X = diag(1/a) Xi), Y's
 * columns by b (Y = Yi diag(1/b)); X Y = I iff (Xi Yi)[i][j] is a_i b_i on the diagonal and
 * 0 elsewhere. Then Y is remembered as X^-1 (a square matrix with a right inverse is
 * invertible, and the inverse is unique). Null when the check would cost more than its bound,
 * alone or with what `spent` already counts (the other matrices of the same file).
 */
export function checkInverse(X: readonly (readonly Rational[])[], Y: readonly (readonly Rational[])[], spent = { cost: 0 }): boolean | null {
  const d = X.length;
  const a = X.map((r) => r.reduce((m, x) => lcm(m, x.den), 1n));
  const b = Y[0]!.map((_, j) => Y.reduce((m, r) => lcm(m, r[j]!.den), 1n));
  const Xi = X.map((r, i) => r.map((x) => x.num * (a[i]! / x.den)));
  const Yi = Y.map((r) => r.map((y, j) => y.num * (b[j]! / y.den)));
  const bits = (v: bigint) => (v < 0n ? -v : v).toString(2).length;
  const bx = Math.max(...Xi.map((r) => Math.max(...r.map(bits))));
  const by = Math.max(...Yi.map((r) => Math.max(...r.map(bits))));
  const cost = d ** 3 * bx * by;
  if (cost > MAX_PRODUCT_COST || spent.cost + cost > MAX_PRODUCTS_COST) return null;
  spent.cost += cost;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let s = 0n;
      for (let k = 0; k < d; k++) s += Xi[i]![k]! * Yi[k]![j]!;
      if (s !== (i === j ? a[i]! * b[i]! : 0n)) return false;
    }
  inverses.set(X, Y.map((r) => [...r]));
  return true;
}

/** Record X^-1 (null: X is singular), computed another way; returns it. */
function rememberInverse(X: readonly (readonly Rational[])[], inv: Rational[][] | null): Rational[][] | null {
  inverses.set(X, inv);
  return inv;
}

export function inverse(X: readonly (readonly Rational[])[]): Rational[][] | null {
  if (!inverses.has(X)) {
    const I = X.map((_, i) => X.map((_, j): [bigint, bigint] => [i === j ? 1n : 0n, 1n]));
    inverses.set(X, solveExact(X.map((r) => r.map((x): [bigint, bigint] => [x.num, x.den])), I));
  }
  return inverses.get(X)!;
}

/**
 * Check every entry of one moved parameter exactly, in the form the theorem states:
 * v_B = v_A X (left side) or v_B = v_A X^-T (right side), fiber by fiber with X of the
 * fiber's head in A. X must be invertible (solveActions refuses a singular one).
 */
export function verifyAttentionParam(net: Network, A: ParamValues, B: ParamValues, m: { block: AttentionBlock; action: AttentionAction; p: ParamAxis; left: boolean }, perms: readonly (readonly number[] | null)[], note: (x: Mismatch) => void, factors?: AxisFactors): number {
  const K = m.action.dim;
  const shape = net.params.find((x) => x.name === m.p.param)!.shape;
  const [va, vb] = [A.get(m.p.param)!, B.get(m.p.param)!];
  // Per head, the matrix M with v_B = v_A M (X, or X^-T), as M = Y / den with Y integer.
  const ints = m.action.matrices.map((X, h) => {
    const inv = inverse(X);
    if (!inv) throw new InternalError(`${m.action.block}: the matrix of head ${h} is singular; no group element has it`);
    const M = m.left ? X : X.map((_, j) => X.map((_, k) => inv[k]![j]!));
    let den = 1n;
    for (const r of M) for (const x of r) den = lcm(den, x.den);
    return { Y: M.map((r) => r.map((x) => x.num * (den / x.den))), den };
  });
  let entries = 0;
  for (const f of fibers(net, m.p, m.block.headAxis.get(m.p.param), perms)) {
    const { Y, den } = ints[f.head]!;
    // g's scalings of the fiber's other indices: B's fiber is (v_A c) M, so A's entries are taken times c.
    const c = fiberFactor(factors, f, m.p.axis);
    const a = fiberInts(va, f.a, f.stride, K, c);
    for (let k = 0; k < K; k++) {
      entries++;
      // (v_A M)[k] = sum_j a_j Y[j][k] / (La den) against b_k.
      let s = 0n;
      for (let j = 0; j < K; j++) s += a.ints[j]! * Y[j]![k]!;
      const [n, d] = vb.fraction(f.b + k * f.stride);
      if (n * a.den * den === s * d) continue;
      note({ tensor: m.p.param, index: unflatten(shape, f.b + k * f.stride), expected: Rational.of(s, a.den * den), found: vb.rational(f.b + k * f.stride) });
    }
  }
  return entries;
}

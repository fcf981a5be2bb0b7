/**
 * Colours of units: a hash of everything a unit of a permutation class owns, that does not
 * depend on how any class is ordered, so that units of A and B with equal colours are the
 * candidates for each other (colour refinement, as in Weisfeiler-Lehman).
 *
 * A unit u of class c owns, for each parameter axis (P, a) in c, the slice P[.., u, ..]. Its
 * entries are hashed exactly (residues of the rational value modulo two primes, exact.ts),
 * together with their positions along fixed axes (kernel taps, tokens, the input) and the
 * current colours of their indices along the other free axes; the slice's hash is the sum
 * (modulo 2^32) of its entries' hashes passed through a non-linear bijection, i.e. a hash of
 * the multiset, so it does not depend on the order of the other classes. All of it is exact
 * integer arithmetic (no float rounding decides anything). Round 1 knows no colours yet; each
 * round splits units by their neighbours' colours until nothing splits further. Colours are
 * a function of the orbit (relabelling units does not change them): sorting by colour is a
 * canonical order when no two units of a class share a colour.
 *
 * Collisions of the hash can only make a candidate match wrong or missing; the exact check
 * (verifyTensor) decides, so no collision can produce a certificate.
 */
import { multiplier, PRIMES } from "./exact.ts";
import type { ExactValues } from "./exact.ts";

/** What colouring needs of the network: each parameter's shape and the class owning each axis (-1: fixed). */
export interface ColourLayout {
  readonly params: readonly { readonly name: string; readonly shape: readonly number[]; readonly owners: readonly number[] }[];
  readonly sizes: readonly number[];
}

/** Per class, one colour per unit: a number below 2^52 (the two residues combined). */
export type Colours = Float64Array[];

const cube = (t: number, p: number) => (((t * t) % p) * t) % p;

/** Fixed pseudo-random weights in [1, p): keys must agree between A and B, and between runs. */
function weight(seed: number, k: 0 | 1): number {
  let s = (seed * 0x9e3779b1) ^ (k ? 0x85ebca6b : 0xc2b2ae35);
  s = Math.imul(s ^ (s >>> 16), 0x45d9f3b);
  s = Math.imul(s ^ (s >>> 16), 0x45d9f3b);
  s ^= s >>> 16;
  return 1 + ((s >>> 0) % (PRIMES[k] - 1));
}

/** One round for one checkpoint: the new colours from the old ones (residues per prime). */
function round(layout: ColourLayout, values: ReadonlyMap<string, ExactValues>, old: readonly (readonly Float64Array[])[]): Float64Array[][] {
  // Per class and prime, each unit's sum (modulo 2^32) of its entries' mixed hashes.
  const acc = layout.sizes.map((n) => [new Int32Array(n), new Int32Array(n)] as const);
  layout.params.forEach((P, pi) => {
    const owned = P.owners.map((o, a) => (o >= 0 ? a : -1)).filter((a) => a >= 0);
    if (owned.length === 0) return;
    const v = values.get(P.name)!;
    // Per prime, axis and index: the term an index contributes (its colour, or its position on a fixed axis).
    const terms = ([0, 1] as const).map((k) =>
      P.shape.map((n, b) => {
        const w = weight(pi * 64 + b + 1, k);
        const o = P.owners[b]!;
        return Float64Array.from({ length: n }, (_, i) => ((o >= 0 ? old[o]![k]![i]! : i + 1) * w) % PRIMES[k]);
      }),
    ) as [Float64Array[], Float64Array[]];
    const salts = ([0, 1] as const).map((k) => P.shape.map((_, a) => weight(pi * 64 + a + 32, k))) as [number[], number[]];
    hashParam(P.shape, owned, v, [weight(pi * 64 + 63, 0), weight(pi * 64 + 63, 1)], terms, salts, owned.map((a) => acc[P.owners[a]!]!));
  });
  return acc.map((ks, c) =>
    ks.map((a, k) => {
      const p = PRIMES[k as 0 | 1];
      const w = weight(1_000_003 + c, k as 0 | 1);
      return Float64Array.from(a, (x, u) => cube((((old[c]![k]![u]! * w) % p) + ((x >>> 0) % p) + 1) % p, p));
    }),
  );
}

/** A bijection of 32-bit integers that mixes every bit into every other (MurmurHash3's finaliser). */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** Entries whose residues are computed at a time (a row of a parameter, or a piece of a long row). */
const CHUNK = 1 << 16;

/**
 * For every entry f of one parameter (shape, value residues r_f modulo the two primes), per
 * prime: tot = (r_f wv mod p) + sum over axes b of term_b[index_b]; for each owned axis a
 * add mix(tot - term_a[u] + salt_a) to sink_a[u] modulo 2^32 (u the entry's index along a),
 * a hash of the multiset of the unit's entries with their other indices' colours. Every
 * step is exact integer arithmetic on the exact residues (`| 0` takes an integer below 2^53
 * modulo 2^32), so the result is a function of the exact values. Row by row, the last axis innermost, the
 * residues of a row computed in one loop over its bits.
 */
function hashParam(shape: readonly number[], owned: readonly number[], v: ExactValues, wv: readonly [number, number], terms: readonly [Float64Array[], Float64Array[]], salts: readonly [number[], number[]], sinks: readonly (readonly [Int32Array, Int32Array])[]): void {
  // The residues of wv times each value, wv folded into the tables of powers of 2.
  const [m0, m1] = [multiplier(wv[0], 0), multiplier(wv[1], 1)];
  const nd = shape.length;
  const last = nd - 1;
  const nl = shape[last]!;
  const rows = nl === 0 ? 0 : v.length / nl;
  const [tl0, tl1] = [terms[0][last]!, terms[1][last]!];
  // Owned axes before the last: one sink index per row, accumulated in acc0/acc1 along the row.
  const rowAxes = owned.filter((a) => a !== last);
  const rowSinks = rowAxes.map((a) => sinks[owned.indexOf(a)]!);
  const nr = rowAxes.length;
  const acc0 = new Int32Array(nr);
  const acc1 = new Int32Array(nr);
  const off0 = new Float64Array(nr);
  const off1 = new Float64Array(nr);
  const lastSink = owned.includes(last) ? sinks[owned.indexOf(last)]! : null;
  const [ls0, ls1] = lastSink ?? [new Int32Array(0), new Int32Array(0)];
  const [salt0, salt1] = [salts[0][last]!, salts[1][last]!];
  const r0 = new Float64Array(Math.min(nl, CHUNK));
  const r1 = new Float64Array(Math.min(nl, CHUNK));
  const idx = new Int32Array(nd);
  for (let row = 0; row < rows; row++) {
    let base0 = 0;
    let base1 = 0;
    for (let b = 0; b < last; b++) {
      base0 += terms[0][b]![idx[b]!]!;
      base1 += terms[1][b]![idx[b]!]!;
    }
    for (let q = 0; q < nr; q++) {
      const a = rowAxes[q]!;
      acc0[q] = 0;
      acc1[q] = 0;
      off0[q] = salts[0][a]! - terms[0][a]![idx[a]!]!;
      off1[q] = salts[1][a]! - terms[1][a]![idx[a]!]!;
    }
    for (let from = 0; from < nl; from += CHUNK) {
      const n = Math.min(CHUNK, nl - from);
      v.residuesInto(row * nl + from, n, 0, r0, m0);
      v.residuesInto(row * nl + from, n, 1, r1, m1);
      for (let i = 0; i < n; i++) {
        const j = from + i;
        // Integers below (nd + 2) p < 2^53: `| 0` (their value modulo 2^32) is exact.
        const tot0 = r0[i]! + base0 + tl0[j]!;
        const tot1 = r1[i]! + base1 + tl1[j]!;
        for (let q = 0; q < nr; q++) {
          acc0[q] = (acc0[q]! + mix((tot0 + off0[q]!) | 0)) | 0;
          acc1[q] = (acc1[q]! + mix((tot1 + off1[q]!) | 0)) | 0;
        }
        if (lastSink) {
          ls0[j] = (ls0[j]! + mix((tot0 - tl0[j]! + salt0) | 0)) | 0;
          ls1[j] = (ls1[j]! + mix((tot1 - tl1[j]! + salt1) | 0)) | 0;
        }
      }
    }
    for (let q = 0; q < nr; q++) {
      const [s0, s1] = rowSinks[q]!;
      const u = idx[rowAxes[q]!]!;
      s0[u] = (s0[u]! + acc0[q]!) | 0;
      s1[u] = (s1[u]! + acc1[q]!) | 0;
    }
    for (let b = last - 1; b >= 0; b--) {
      if (++idx[b]! < shape[b]!) break;
      idx[b] = 0;
    }
  }
}

const distinct = (cs: readonly (readonly Float64Array[])[]) => cs.map((ks) => new Set(Array.from(ks[0]!, (x, u) => x * PRIMES[1] + ks[1]![u]!)).size);

/**
 * Colours of every class's units in each checkpoint, refined jointly (the same number of
 * rounds for all, so colours are comparable) until no class splits further.
 */
export function unitColours(layout: ColourLayout, checkpoints: readonly ReadonlyMap<string, ExactValues>[], maxRounds = 12): { colours: Colours[]; rounds: number } {
  let state: Float64Array[][][] = checkpoints.map(() => layout.sizes.map((n) => [new Float64Array(n), new Float64Array(n)]));
  let counts = state.map(distinct).flat();
  let rounds = 0;
  while (rounds < maxRounds) {
    state = checkpoints.map((vals, i) => round(layout, vals, state[i]!));
    rounds++;
    const next = state.map(distinct).flat();
    const stable = next.every((x, i) => x === counts[i]);
    counts = next;
    // Discrete everywhere: nothing can split further.
    if (stable || counts.every((x, i) => x === layout.sizes[i % layout.sizes.length])) break;
  }
  const colours = state.map((cs) => cs.map(([a, b]) => a!.map((x, u) => x * PRIMES[1] + b![u]!)));
  return { colours, rounds };
}

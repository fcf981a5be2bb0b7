/**
 * Colours of units: a hash of everything a unit of a permutation class owns, that does not
 * depend on how any class is ordered, so that units of A and B with equal colours are the
 * candidates for each other (colour refinement, as in Weisfeiler-Lehman).
 *
 * A unit u of class c owns, for each parameter axis (P, a) in c, the slice P[.., u, ..]. Its
 * entries are hashed exactly (residues of the rational value modulo two primes, exact.ts),
 * together with their positions along fixed axes (kernel taps, tokens, the input) and the
 * current colours of their indices along the other free axes; the slice's hash is the sum
 * of its entries' hashes passed through a non-linear map, i.e. a hash of the multiset, so
 * it does not depend on the order of the other classes. Round 1 knows no colours yet; each
 * round splits units by their neighbours' colours until nothing splits further. Colours are
 * a function of the orbit (relabelling units does not change them): sorting by colour is a
 * canonical order when no two units of a class share a colour.
 *
 * Collisions of the hash can only make a candidate match wrong or missing; the exact check
 * (verifyTensor) decides, so no collision can produce a certificate.
 */
import { INVERSES, PRIMES, reduce } from "./exact.ts";
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
  const acc = layout.sizes.map((n) => [new Float64Array(n), new Float64Array(n)]);
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
    );
    const salts = ([0, 1] as const).map((k) => P.shape.map((_, a) => weight(pi * 64 + a + 32, k)));
    const sinks = owned.map((a) => acc[P.owners[a]!]!);
    for (const k of [0, 1] as const) hashParam(P.shape, owned, v, k, weight(pi * 64 + 63, k), terms[k]!, salts[k]!, sinks.map((s) => s[k]!));
  });
  return acc.map((ks, c) =>
    ks.map((a, k) => {
      const p = PRIMES[k as 0 | 1];
      const w = weight(1_000_003 + c, k as 0 | 1);
      return a.map((x, u) => cube((((old[c]![k]![u]! * w) % p) + x + 1) % p, p));
    }),
  );
}

/**
 * Modulo PRIMES[k], for every entry f of one parameter (shape, value residue r_f): with
 * tot = r_f wv + sum over axes b of term_b[index_b], add cube(tot - term_a[u] + salt_a) to
 * sink_a[u] for each owned axis a (u the entry's index along a). Row by row (the last axis
 * innermost), the residues of a row computed in one loop; all arithmetic on integers below
 * 2^53, reduced by `reduce` (exact), so the sums are the same residues as with `%`.
 */
/** Entries whose residues are computed at a time (a row of a parameter, or a piece of a long row). */
const CHUNK = 1 << 16;

function hashParam(shape: readonly number[], owned: readonly number[], v: ExactValues, k: 0 | 1, wv: number, terms: readonly Float64Array[], salts: readonly number[], sinks: readonly Float64Array[]): void {
  const p = PRIMES[k];
  const inv = INVERSES[k];
  const nd = shape.length;
  const last = nd - 1;
  const nl = shape[last]!;
  const rows = v.length / nl;
  const tl = terms[last]!;
  // Owned axes before the last: one sink index per row, accumulated in `rowAcc` along the row.
  const rowAxes = owned.filter((a) => a !== last);
  const rowSinks = rowAxes.map((a) => sinks[owned.indexOf(a)]!);
  const rowTerms = rowAxes.map((a) => terms[a]!);
  const rowSalts = rowAxes.map((a) => salts[a]!);
  const nr = rowAxes.length;
  const rowAcc = new Float64Array(nr);
  const rowOff = new Float64Array(nr);
  const lastSink = owned.includes(last) ? sinks[owned.indexOf(last)]! : null;
  const lastSalt = salts[last]!;
  const res = new Float64Array(Math.min(nl, CHUNK));
  // Sinks grow by less than (nr + 1) p per row; reduced before they could reach 2^52.
  const every = Math.max(1, Math.floor(2 ** 52 / ((nr + 1) * p)) - 1);
  const idx = new Int32Array(nd);
  for (let row = 0; row < rows; row++) {
    let base = 0;
    for (let b = 0; b < last; b++) base += terms[b]![idx[b]!]!;
    for (let q = 0; q < nr; q++) {
      rowAcc[q] = 0;
      rowOff[q] = rowSalts[q]! - rowTerms[q]![idx[rowAxes[q]!]!]!;
    }
    for (let from = 0; from < nl; from += CHUNK) {
      const n = Math.min(CHUNK, nl - from);
      v.residuesInto(row * nl + from, n, k, res);
      for (let i = 0; i < n; i++) {
        const j = from + i;
        // tot < (nd + 1) p; tot - term_a[u] >= 0, so every x below is a non-negative integer < 2^31.
        const tot = reduce(res[i]! * wv, p, inv) + base + tl[j]!;
        for (let q = 0; q < nr; q++) {
          const x = reduce(tot + rowOff[q]!, p, inv);
          rowAcc[q] += reduce(reduce(x * x, p, inv) * x, p, inv);
        }
        if (lastSink) {
          const x = reduce(tot - tl[j]! + lastSalt, p, inv);
          lastSink[j] += reduce(reduce(x * x, p, inv) * x, p, inv);
        }
      }
      // A chunk adds fewer than 2^16 values below p to rowAcc.
      for (let q = 0; q < nr; q++) rowAcc[q] = reduce(rowAcc[q]!, p, inv);
    }
    for (let q = 0; q < nr; q++) {
      const s = rowSinks[q]!;
      const u = idx[rowAxes[q]!]!;
      s[u] = s[u]! + rowAcc[q]!;
    }
    if ((row + 1) % every === 0) for (const s of sinks) for (let u = 0; u < s.length; u++) s[u] = reduce(s[u]!, p, inv);
    for (let b = last - 1; b >= 0; b--) {
      if (++idx[b]! < shape[b]!) break;
      idx[b] = 0;
    }
  }
  for (const s of sinks) for (let u = 0; u < s.length; u++) s[u] = reduce(s[u]!, p, inv);
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

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
import { PRIMES } from "./exact.ts";
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
    const nd = P.shape.length;
    const [p0, p1] = PRIMES;
    // Per prime, axis and index: the term an index contributes (its colour, or its position on a fixed axis).
    const terms = ([0, 1] as const).map((k) =>
      P.shape.map((n, b) => {
        const w = weight(pi * 64 + b + 1, k);
        const o = P.owners[b]!;
        return Float64Array.from({ length: n }, (_, i) => ((o >= 0 ? old[o]![k]![i]! : i + 1) * w) % PRIMES[k]);
      }),
    );
    const [t0, t1] = terms as [Float64Array[], Float64Array[]];
    const wv0 = weight(pi * 64 + 63, 0);
    const wv1 = weight(pi * 64 + 63, 1);
    const salts = ([0, 1] as const).map((k) => P.shape.map((_, a) => weight(pi * 64 + a + 32, k)));
    const sinks = owned.map((a) => [acc[P.owners[a]!]![0]!, acc[P.owners[a]!]![1]!] as const);
    const idx = new Int32Array(nd);
    const total = v.length;
    for (let f = 0; f < total; f++) {
      let tot0 = (v.residue(f, 0) * wv0) % p0;
      let tot1 = (v.residue(f, 1) * wv1) % p1;
      for (let b = 0; b < nd; b++) {
        tot0 += t0[b]![idx[b]!]!;
        tot1 += t1[b]![idx[b]!]!;
      }
      for (let q = 0; q < owned.length; q++) {
        const a = owned[q]!;
        const u = idx[a]!;
        const x0 = (((tot0 - t0[a]![u]! + salts[0]![a]!) % p0) + p0) % p0;
        const x1 = (((tot1 - t1[a]![u]! + salts[1]![a]!) % p1) + p1) % p1;
        const [s0, s1] = sinks[q]!;
        s0[u] = (s0[u]! + cube(x0, p0)) % p0;
        s1[u] = (s1[u]! + cube(x1, p1)) % p1;
      }
      for (let b = nd - 1; b >= 0; b--) {
        if (++idx[b]! < P.shape[b]!) break;
        idx[b] = 0;
      }
    }
  });
  return acc.map((ks, c) =>
    ks.map((a, k) => {
      const p = PRIMES[k as 0 | 1];
      const w = weight(1_000_003 + c, k as 0 | 1);
      return a.map((x, u) => cube((((old[c]![k]![u]! * w) % p) + x + 1) % p, p));
    }),
  );
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

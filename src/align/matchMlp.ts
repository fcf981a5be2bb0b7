/**
 * Recovering g with B = g A for an MLP, layer by layer: each hidden unit's incoming row and
 * bias, brought into B's column order by the previous layer's g, is hashed exactly (residues
 * of the rationals, after dividing by the first non-zero entry's size for scalable units or
 * multiplying by its sign for flippable ones), and B's units are matched to A's through a
 * hash table: linear in the layer's entries, with no float rounding in any key. A match is a
 * candidate only; `verifyMlp` checks every entry exactly afterwards.
 */
import { Rational } from "../numeric/rational.ts";
import { ExactValues, invmod, PRIMES } from "./exact.ts";
import type { GroupElement, LayerMap, NoMatch, Tie, UnitAction } from "./types.ts";

/** Parameters by name (W0, b0, ...), exactly. */
export type ParamValues = ReadonlyMap<string, ExactValues>;

/** Seeded position weights of the linear hash (fixed: keys must agree between A and B). */
function weights(n: number, k: 0 | 1): Float64Array {
  const w = new Float64Array(n);
  let s = 0x9e3779b9 ^ (k * 0x85ebca6b);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0;
    w[i] = 1 + ((s >>> 0) % (PRIMES[k] - 1));
  }
  return w;
}

interface Row {
  key: string;
  /** Position (in B's column order, the bias last) and value of the first non-zero entry. */
  pivot: Rational | null;
}

/**
 * Keys of hidden layer l's units. `prev` maps A's columns into B's order (null for the
 * input layer, whose columns are not moved); for B pass prev = null.
 */
function rowKeys(W: ExactValues, b: ExactValues, n: number, inW: number, prev: LayerMap | null, action: UnitAction): Row[] {
  const w = [weights(inW + 1, 0), weights(inW + 1, 1)];
  const pos = prev ? prev.perm : null;
  const inv = prev ? ([0, 1] as const).map((k) => prev.scales.map((c) => invmod(residue(c, k), PRIMES[k]))) : null;
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const h = [0, 0];
    let pivotPos = Infinity;
    let pivotCol = -1;
    for (let j = 0; j < inW; j++) {
      const at = i * inW + j;
      if (W.isZero(at)) continue;
      const q = pos ? pos[j]! : j;
      if (q < pivotPos) [pivotPos, pivotCol] = [q, j];
      for (const k of [0, 1] as const) {
        let r = W.residue(at, k);
        if (inv) r = (r * inv[k]![j]!) % PRIMES[k];
        h[k] = (h[k]! + ((r * w[k]![q]!) % PRIMES[k])) % PRIMES[k];
      }
    }
    if (!b.isZero(i)) for (const k of [0, 1] as const) h[k] = (h[k]! + ((b.residue(i, k) * w[k]![inW]!) % PRIMES[k])) % PRIMES[k];
    // The pivot: the first non-zero entry in B's column order (the bias if the row is zero).
    let pivot: Rational | null = null;
    if (pivotCol >= 0) pivot = prev ? W.rational(i * inW + pivotCol).div(prev.scales[pivotCol]!) : W.rational(i * inW + pivotCol);
    else if (!b.isZero(i)) pivot = b.rational(i);
    if (pivot === null) {
      rows.push({ key: "zero", pivot });
      continue;
    }
    const norm = action === "scale" ? pivot.abs() : action === "flip" ? Rational.of(pivot.sign()) : Rational.ONE;
    const key = ([0, 1] as const).map((k) => (h[k]! * invmod(residue(norm, k), PRIMES[k])) % PRIMES[k]);
    rows.push({ key: `${pivotPos === Infinity ? "b" : pivotPos}:${key[0]}:${key[1]}`, pivot });
  }
  return rows;
}

function residue(x: Rational, k: 0 | 1): number {
  const p = BigInt(PRIMES[k]);
  const n = Number(((x.num % p) + p) % p);
  return (n * invmod(Number(x.den % p), PRIMES[k])) % PRIMES[k];
}

/**
 * g with B = g A, found layer by layer, or the first unit of B without a counterpart in A.
 * `actions[l-1]` is what hidden layer l's units may do. With the candidate, what was not
 * forced by the weights: `ties` (units of A whose keys are equal, paired in index order) and
 * `free` (units whose incoming weights and bias are all zero, so their scale or sign is not
 * determined; 1 is taken). Without them g is the only candidate (every g with B = g A pairs
 * units with equal keys and takes the pivots' ratio), so a failed exact check, or a unit of B
 * without a counterpart, proves that no g maps A to B; with them it proves nothing.
 */
export function matchMlp(widths: readonly number[], actions: readonly UnitAction[], A: ParamValues, B: ParamValues): { g: GroupElement; ties: Tie[]; free: string[] } | { noMatch: NoMatch; ties: Tie[]; free: string[] } {
  const layers: LayerMap[] = [];
  const ties: Tie[] = [];
  const free: string[] = [];
  for (let l = 1; l < widths.length - 1; l++) {
    const n = widths[l]!;
    const inW = widths[l - 1]!;
    const prev = layers[l - 2] ?? null;
    const action = actions[l - 1]!;
    const a = rowKeys(A.get(`W${l - 1}`)!, A.get(`b${l - 1}`)!, n, inW, prev, action);
    const b = rowKeys(B.get(`W${l - 1}`)!, B.get(`b${l - 1}`)!, n, inW, null, action);
    const buckets = new Map<string, number[]>();
    for (let i = n - 1; i >= 0; i--) {
      const list = buckets.get(a[i]!.key);
      if (list) list.push(i);
      else buckets.set(a[i]!.key, [i]);
    }
    const perm = new Array<number>(n);
    const scales = new Array<Rational>(n);
    for (let u = 0; u < n; u++) {
      const i = buckets.get(b[u]!.key)?.pop();
      if (i === undefined) {
        const what = action === "scale" ? "up to a positive scale" : action === "flip" ? "up to sign" : "exactly";
        return { noMatch: { layer: l, unit: u, reason: `no unit of A has the incoming weights and bias of B's unit ${u} (${what}${l > 1 ? `, after layer h${l - 1}'s permutation and scales` : ""})` }, ties, free };
      }
      perm[i] = u;
      const pa = a[i]!.pivot;
      const pb = b[u]!.pivot;
      scales[i] = pa === null || pb === null || action === "none" ? Rational.ONE : action === "flip" ? Rational.of(pa.sign() * pb.sign()) : pb.div(pa);
    }
    const sizes = new Map<string, number>();
    for (const r of a) sizes.set(r.key, (sizes.get(r.key) ?? 0) + 1);
    const tied = [...sizes.values()].filter((x) => x > 1);
    if (tied.length) ties.push({ id: `h${l}`, where: `h${l}`, units: tied.reduce((x, y) => x + y, 0), largest: Math.max(...tied) });
    const zero = a.filter((r) => r.pivot === null).length;
    if (zero && action !== "none") free.push(`h${l}: ${zero} unit${zero === 1 ? " has" : "s have"} all-zero incoming weights and bias, so ${zero === 1 ? "its" : "their"} ${action === "scale" ? "scale" : "sign"} is not determined by them (1 was taken)`);
    layers.push({ layer: l, perm, scales });
  }
  return { g: { widths, layers }, ties, free };
}

/**
 * g acting on a tensor network's parameters: every parameter axis in a class is permuted by
 * that class's permutation (entry A[i0, i1, ..] goes to B[p0(i0), p1(i1), ..], identity on
 * fixed axes). `verifyTensor` checks B = g A entry by entry, exactly; `applyTensor` writes g A.
 */
import type { Network } from "../elaborate/types.ts";
import { toFloat } from "./apply.ts";
import { axisOwners, type PermClass } from "./classes.ts";
import type { ExactValues } from "./exact.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { ExactCheck, Mismatch, TensorGroupElement } from "./types.ts";
import { classScalings } from "./unitScales.ts";
import { actionParams, attentionBlocks } from "./attention.ts";
import { verifyAttentionParam } from "./attentionExact.ts";
import { Rational } from "../numeric/rational.ts";

/**
 * Calls `visit(from, to, index)` for every entry of parameter `shape`: `from` its flat index
 * in A, `to` its flat index in g A, `index` its (A) multi-index (reused: copy to keep).
 */
function forEachMoved(shape: readonly number[], perms: readonly (readonly number[] | null)[], visit: (from: number, to: number, index: readonly number[]) => void): void {
  const nd = shape.length;
  const strides = new Array<number>(nd);
  let s = 1;
  for (let b = nd - 1; b >= 0; b--) {
    strides[b] = s;
    s *= shape[b]!;
  }
  const idx = new Array<number>(nd).fill(0);
  // Contribution of each axis to the target index, updated incrementally.
  const part = idx.map((_, b) => (perms[b] ? perms[b]![0]! : 0) * strides[b]!);
  let to = part.reduce((x, y) => x + y, 0);
  for (let from = 0; from < s; from++) {
    visit(from, to, idx);
    for (let b = nd - 1; b >= 0; b--) {
      to -= part[b]!;
      if (++idx[b]! < shape[b]!) {
        part[b] = (perms[b] ? perms[b]![idx[b]!]! : idx[b]!) * strides[b]!;
        to += part[b]!;
        break;
      }
      idx[b] = 0;
      part[b] = (perms[b] ? perms[b]![0]! : 0) * strides[b]!;
      to += part[b]!;
    }
  }
}

/** As forEachMoved for a check of floats: a[from] === b[to] in a tight loop along the last axis, `differ` called for each entry that differs. */
function verifyFloatRows(shape: readonly number[], perms: readonly (readonly number[] | null)[], a: Float64Array | Float32Array, b: Float64Array | Float32Array, differ: (from: number, to: number, index: readonly number[]) => void): void {
  const nd = shape.length;
  const last = nd - 1;
  const nl = shape[last]!;
  const total = a.length;
  if (nl === 0 || total === 0) return;
  const strides = new Array<number>(nd);
  let s = 1;
  for (let b = nd - 1; b >= 0; b--) {
    strides[b] = s;
    s *= shape[b]!;
  }
  const pl = perms[last] ?? null;
  const idx = new Array<number>(nd).fill(0);
  for (let row = 0; row * nl < total; row++) {
    let toRow = 0;
    for (let b = 0; b < last; b++) toRow += (perms[b] ? perms[b]![idx[b]!]! : idx[b]!) * strides[b]!;
    const from0 = row * nl;
    for (let j = 0; j < nl; j++) {
      const to = toRow + (pl ? pl[j]! : j);
      if (a[from0 + j] !== b[to]) {
        idx[last] = j;
        differ(from0 + j, to, idx);
      }
    }
    idx[last] = 0;
    for (let b = last - 1; b >= 0; b--) {
      if (++idx[b]! < shape[b]!) break;
      idx[b] = 0;
    }
  }
}

/** Per parameter, the permutation of each axis (null: fixed). */
export function axisPerms(net: Network, classes: readonly PermClass[], g: TensorGroupElement): Map<string, (readonly number[] | null)[]> {
  const owners = axisOwners(net, classes);
  return new Map(net.params.map((p) => [p.name, owners.get(p.name)!.map((o) => (o >= 0 ? g.classes[o]!.perm : null))]));
}

/**
 * Per parameter, the factor of each axis's index (null: none): a class's scale where the
 * checker's `scale` multiplies that slice (producers), its inverse where it divides
 * (consumers). Null for every parameter when g scales nothing.
 */
export function axisFactors(net: Network, classes: readonly PermClass[], g: TensorGroupElement): Map<string, ((readonly Rational[]) | null)[]> | null {
  if (!g.classes.some((c) => c.scales && c.scales.some((x) => !x.eq(Rational.ONE)))) return null;
  const owners = axisOwners(net, classes);
  const { scalings } = classScalings(net, classes);
  return new Map(
    net.params.map((p) => [
      p.name,
      owners.get(p.name)!.map((o, b) => {
        const sc = o >= 0 ? g.classes[o]!.scales : undefined;
        const e = o >= 0 ? scalings[o]?.exps.get(p.name)?.get(b) : undefined;
        if (!sc || !e) return null;
        return e === 1 ? sc : sc.map((x) => Rational.ONE.div(x));
      }),
    ]),
  );
}

/** The product of the factors of entry `index` ([num, den]), or null when there are none. */
function entryFactor(factors: readonly ((readonly Rational[]) | null)[] | undefined, index: readonly number[]): Rational | null {
  if (!factors) return null;
  let f: Rational | null = null;
  factors.forEach((fs, b) => {
    if (fs) f = f ? f.mul(fs[index[b]!]!) : fs[index[b]!]!;
  });
  return f;
}

/** Whether b[bi] = a[ai] * f exactly. */
function scaledSame(a: ExactValues, ai: number, b: ExactValues, bi: number, f: Rational): boolean {
  const [an, ad] = a.fraction(ai);
  const [bn, bd] = b.fraction(bi);
  return bn * ad * f.den === an * bd * f.num;
}

/** Whether b[bi] = a[ai] exactly. */
function same(a: ExactValues, ai: number, b: ExactValues, bi: number): boolean {
  if (a.floats && b.floats) return a.t.values[ai] === b.t.values[bi];
  const [an, ad] = a.fraction(ai);
  const [bn, bd] = b.fraction(bi);
  return an * bd === bn * ad;
}

/** Check B = g A exactly in every entry of every parameter; counts mismatches and keeps the first 20. */
export function verifyTensor(net: Network, classes: readonly PermClass[], g: TensorGroupElement, A: ParamValues, B: ParamValues): ExactCheck {
  const perms = axisPerms(net, classes, g);
  const factors = axisFactors(net, classes, g);
  let entries = 0;
  let mismatches = 0;
  const first: Mismatch[] = [];
  const moved = g.attention?.length ? actionParams(attentionBlocks(net, classes), g.attention) : new Map();
  for (const p of net.params) {
    const a = A.get(p.name)!;
    const b = B.get(p.name)!;
    const byAction = moved.get(p.name);
    if (byAction) {
      const note = (x: Mismatch) => {
        mismatches++;
        if (first.length < 20) first.push(x);
      };
      entries += verifyAttentionParam(net, A, B, byAction, perms.get(p.name)!, note, factors?.get(p.name));
      continue;
    }
    const pf = factors?.get(p.name);
    const scaled = pf?.some((x) => x !== null) ?? false;
    if (!scaled && a.floats && b.floats && p.shape.length > 0) {
      // Floats compared as floats (=== on two float64s is equality of their exact values), row by row.
      entries += a.length;
      const pp = perms.get(p.name)!;
      verifyFloatRows(p.shape, pp, a.t.values, b.t.values, (from, to, index) => {
        mismatches++;
        if (first.length < 20) first.push({ tensor: p.name, index: index.map((i, k) => pp[k]?.[i] ?? i), expected: a.rational(from), found: b.rational(to) });
      });
      continue;
    }
    forEachMoved(p.shape, perms.get(p.name)!, (from, to, index) => {
      entries++;
      const f = scaled ? entryFactor(pf, index) : null;
      if (f ? scaledSame(a, from, b, to, f) : same(a, from, b, to)) return;
      mismatches++;
      if (first.length < 20) first.push({ tensor: p.name, index: index.map((i, k) => perms.get(p.name)![k]?.[i] ?? i), expected: f ? a.rational(from).mul(f) : a.rational(from), found: b.rational(to) });
    });
  }
  return { entries, mismatches, first };
}

/**
 * g A as float64 arrays, or the first value that is not a float64 (a JSON decimal such as
 * 0.1); with `rounded`, such values are rounded to the nearest float64 instead (for
 * residuals only, never to write or to check).
 */
export function applyTensor(net: Network, classes: readonly PermClass[], g: TensorGroupElement, A: ParamValues, rounded = false): { params: Map<string, Float64Array> } | { problem: string } {
  if (g.attention?.length) return { problem: "g includes continuous attention actions (W_Q A, W_K A^-T or W_V A, A^-1 W_O); writing g A is done only for permutations, scalings and flips" };
  const perms = axisPerms(net, classes, g);
  const factors = axisFactors(net, classes, g);
  const out = new Map<string, Float64Array>();
  for (const p of net.params) {
    const a = A.get(p.name)!;
    const values = new Float64Array(a.length);
    let bad = -1;
    const pf = factors?.get(p.name);
    const scaled = pf?.some((x) => x !== null) ?? false;
    forEachMoved(p.shape, perms.get(p.name)!, (from, to, index) => {
      if (a.floats && !scaled) values[to] = a.t.values[from]!;
      else {
        const k = scaled ? entryFactor(pf, index) : null;
        const x = k ? a.rational(from).mul(k) : a.rational(from);
        const f = rounded ? x.toNumber() : toFloat(x);
        if (f === null && bad < 0) bad = from;
        values[to] = f ?? 0;
      }
    });
    if (bad >= 0) return { problem: `${p.name} entry ${bad} of A is ${a.rational(bad)}, times its scale, which no float64 holds; g A cannot be written as safetensors` };
    out.set(p.name, values);
  }
  return { params: out };
}

/** Most entries of one unit whose implied scale `modeScales` reads (enough for a majority). */
const MODE_ENTRIES = 256;

/**
 * g with each scaled class's scales replaced, unit by unit, by the scale most of the unit's
 * slices imply (B's entry over g A's, up to MODE_ENTRIES entries of its producer and consumer
 * slices, the other classes' factors taken from g). For locating a difference after a failed
 * match (where B rescales a unit correctly in every slice but one), never for a verdict.
 */
export function modeScales(net: Network, classes: readonly PermClass[], g: TensorGroupElement, A: ParamValues, B: ParamValues): TensorGroupElement {
  const { scalings } = classScalings(net, classes);
  const perms = axisPerms(net, classes, g);
  const factors = axisFactors(net, classes, g);
  const shapes = new Map(net.params.map((p) => [p.name, p.shape]));
  return {
    ...g,
    classes: g.classes.map((c, k) => {
      const s = scalings[k];
      if (!s || !c.scales) return c;
      const counts = c.scales.map(() => new Map<string, { x: Rational; n: number }>());
      const seen = c.scales.map(() => 0);
      for (const [param, axes] of s.exps) {
        const [a, b] = [A.get(param)!, B.get(param)!];
        const pf = factors?.get(param);
        for (const [axis, e] of axes) {
          forEachMoved(shapes.get(param)!, perms.get(param)!, (from, to, index) => {
            const i = index[axis]!;
            if (seen[i]! >= MODE_ENTRIES || a.isZero(from) || b.isZero(to)) return;
            seen[i]!++;
            let other = Rational.ONE;
            pf?.forEach((fs, ax) => {
              if (fs && ax !== axis) other = other.mul(fs[index[ax]!]!);
            });
            // Producer: b = a c other; consumer: b = a other / c.
            const ga = a.rational(from).mul(other);
            const x = e === 1 ? b.rational(to).div(ga) : ga.div(b.rational(to));
            if (s.kind === "scale" ? x.sign() <= 0 : !x.abs().eq(Rational.ONE)) return;
            const key = x.toString();
            const got = counts[i]!.get(key);
            if (got) got.n++;
            else counts[i]!.set(key, { x, n: 1 });
          });
        }
      }
      const scales = c.scales.map((old, i) => [...counts[i]!.values()].reduce<{ x: Rational; n: number } | null>((best, y) => (!best || y.n > best.n ? y : best), null)?.x ?? old);
      return { ...c, scales };
    }),
  };
}

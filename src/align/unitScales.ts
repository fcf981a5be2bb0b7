/**
 * Per-unit scalings and sign flips of a tensor network's classes: a channel of a ReLU
 * convolution rescaled by c > 0 (its filter and bias times c, the next convolution's input
 * channel divided by c), a tanh channel flipped. Which slices move, and how, is what the
 * checker's `scale N.h by c` does (`tensorUnits`, elaborate/units.ts: producers times c,
 * consumers divided by c), so the action matched here is the action the cited theorem is
 * about. A class gets an action only where `tensorUnits` accepts its tensor (no pooling,
 * normalisation or residual sum reading it directly) and its activation allows one
 * (positively homogeneous: scale; odd: flip); otherwise it is not looked for.
 *
 * Matching: each checkpoint is normalised on its own, class by class in definition order,
 * so that B = (scale, permute) A becomes normalised B = permuted normalised A: a unit's
 * normaliser is the entry of largest size among its producer slices (with the earlier
 * classes' normalisers already divided out), or that entry's sign for flips. The largest
 * size is a function of the multiset of entries, so it does not depend on any class's order,
 * and it scales by c when the unit does. The colour matcher then runs on the normalised
 * residues, and each scale is the ratio of the two exact normalisers.
 */
import { axisClass } from "../elaborate/axes.ts";
import { tensorUnits } from "../elaborate/units.ts";
import type { Network } from "../elaborate/types.ts";
import { Rational } from "../numeric/rational.ts";
import { axisOwners, type PermClass } from "./classes.ts";
import { ExactValues, INVERSES, invmod, PRIMES, reduce, residueOfRational, scaleResidues, type Multiplier } from "./exact.ts";
import type { ParamValues } from "./matchMlp.ts";
import { unitAction } from "./theorem.ts";
import type { Tie } from "./types.ts";

/** What a class's units may do besides moving, and on which parameter axes (+1: times c, -1: divided by c). */
export interface ClassScaling {
  readonly kind: "scale" | "flip";
  readonly producers: readonly { readonly param: string; readonly axis: number }[];
  /** param -> axis -> exponent. */
  readonly exps: ReadonlyMap<string, ReadonlyMap<number, 1 | -1>>;
}

/** Per class, its scaling (null: permutations only), and why classes that might scale do not. */
export function classScalings(net: Network, classes: readonly PermClass[]): { scalings: (ClassScaling | null)[]; notes: string[] } {
  const owners = axisOwners(net, classes);
  const scalings: (ClassScaling | null)[] = [];
  const notes: string[] = [];
  classes.forEach((c, k) => {
    const units = tensorUnits(net, c.node, c.axis);
    if ("reason" in units) {
      scalings.push(null);
      return;
    }
    const act = units.activation;
    const kind = act === null ? "scale" : unitAction(act);
    if (kind === "none") {
      scalings.push(null);
      return;
    }
    // The checker's `scale` moves these slices; they must lie in this class's axes.
    const inClass = [...units.producers, ...units.consumers].every((p) => owners.get(p.param)?.[p.axis] === k);
    // The normaliser reads producer slices: their other axes must be fixed, permuted only, or normalised before.
    const ordered = units.producers.every((p) => owners.get(p.param)!.every((o, b) => b === p.axis || o < 0 || (o !== k && (o < k || !mayScale(net, classes[o]!)))));
    if (!inClass || !ordered || units.producers.length === 0) {
      notes.push(`${c.where}: ${kind === "scale" ? "scalings" : "sign flips"} not matched (its producers read a class that is normalised later, or its slices lie outside the class)`);
      scalings.push(null);
      return;
    }
    const exps = new Map<string, Map<number, 1 | -1>>();
    const set = (p: { param: string; axis: number }, e: 1 | -1) => exps.set(p.param, (exps.get(p.param) ?? new Map()).set(p.axis, e));
    units.producers.forEach((p) => set(p, 1));
    units.consumers.forEach((p) => set(p, -1));
    scalings.push({ kind, producers: units.producers, exps });
  });
  return { scalings, notes };
}

/** Whether a class might get an action (conservative: its tensor is accepted by `tensorUnits`). */
function mayScale(net: Network, c: PermClass): boolean {
  return !("reason" in tensorUnits(net, c.node, c.axis)) && !("reason" in axisClass(net, c.node, c.axis));
}

/** Calls visit(flat, index) for every entry of `shape` in row-major order (index reused). */
export function forEachIndex(shape: readonly number[], visit: (flat: number, index: readonly number[]) => void): void {
  const total = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let f = 0; f < total; f++) {
    visit(f, idx);
    for (let b = shape.length - 1; b >= 0; b--) {
      if (++idx[b]! < shape[b]!) break;
      idx[b] = 0;
    }
  }
}

/** Exact values with the residues of the normalised tensor (computed once; for hashing only). */
class Rescaled extends ExactValues {
  private readonly res: readonly [Float64Array, Float64Array];
  constructor(base: ExactValues, mult: readonly [Float64Array, Float64Array]) {
    super(base.t);
    this.res = ([0, 1] as const).map((k) => {
      const r = new Float64Array(base.length);
      base.residuesInto(0, base.length, k, r);
      const m = mult[k]!;
      // A residue of a rational whose denominator the prime divides is -1 (residueOfRational): reduce takes it too.
      for (let i = 0; i < r.length; i++) r[i] = reduce(r[i]! * m[i]!, PRIMES[k], INVERSES[k]);
      return r;
    }) as unknown as [Float64Array, Float64Array];
  }
  override residue(i: number, k: 0 | 1): number {
    return this.res[k][i]!;
  }
  override residuesInto(start: number, count: number, k: 0 | 1, out: Float64Array, times?: Multiplier): void {
    out.set(this.res[k].subarray(start, start + count));
    if (times) scaleResidues(out, count, times);
  }
}

/** A checkpoint normalised for matching: residues of the normalised values, and each class's normalisers. */
export interface Normalised {
  readonly values: ParamValues;
  /** Per class with a scaling, the normaliser of each unit (> 0 for scalings, +-1 for flips). */
  readonly norms: (Rational[] | null)[];
  /** Units whose normaliser is not determined by their producers (all zero, or signs that cancel). */
  readonly ambiguous: Tie[];
}

/** Normalise `V` class by class (see the file comment). */
export function normalise(net: Network, classes: readonly PermClass[], scalings: readonly (ClassScaling | null)[], V: ParamValues): Normalised {
  const owners = axisOwners(net, classes);
  const shapes = new Map(net.params.map((p) => [p.name, p.shape]));
  const norms: (Rational[] | null)[] = classes.map(() => null);
  const approx: (number[] | null)[] = classes.map(() => null);
  const ambiguous: Tie[] = [];
  // The factor of entry `index` of P from the classes normalised so far, except axis `skip`:
  // per axis (class, exponent) or null, resolved once per parameter.
  const axesOf = (P: string, skip: number) =>
    owners.get(P)!.map((o, b) => {
      const e = b === skip || o < 0 || !norms[o] ? undefined : scalings[o]!.exps.get(P)?.get(b);
      return e ? { o, e } : null;
    });
  const approxFactor = (axes: readonly ({ o: number; e: number } | null)[], index: readonly number[]): number => {
    let a = 1;
    for (let b = 0; b < axes.length; b++) {
      const x = axes[b];
      if (x) a *= x.e === 1 ? 1 / approx[x.o]![index[b]!]! : approx[x.o]![index[b]!]!;
    }
    return a;
  };
  const exactFactor = (axes: readonly ({ o: number; e: number } | null)[], index: readonly number[]): Rational =>
    axes.reduce((f, x, b) => (x ? f.mul(x.e === 1 ? Rational.ONE.div(norms[x.o]![index[b]!]!) : norms[x.o]![index[b]!]!) : f), Rational.ONE);
  classes.forEach((c, k) => {
    const s = scalings[k];
    if (!s) return;
    // Pass 1: the largest approximate size per unit; pass 2: the exact maximum among the near-largest.
    const best = new Float64Array(c.size);
    for (const p of s.producers) {
      const v = V.get(p.param)!;
      const axes = axesOf(p.param, p.axis);
      forEachIndex(shapes.get(p.param)!, (f, idx) => {
        const x = Math.abs(v.t.values[f]! * approxFactor(axes, idx));
        if (x > best[idx[p.axis]!]!) best[idx[p.axis]!] = x;
      });
    }
    const top: { size: Rational | null; signs: number; value: Rational | null }[] = Array.from({ length: c.size }, () => ({ size: null, signs: 0, value: null }));
    for (const p of s.producers) {
      const v = V.get(p.param)!;
      const axes = axesOf(p.param, p.axis);
      forEachIndex(shapes.get(p.param)!, (f, idx) => {
        const u = idx[p.axis]!;
        if (best[u] === 0 || Math.abs(v.t.values[f]! * approxFactor(axes, idx)) < best[u]! * (1 - 1e-9)) return;
        const x = v.rational(f).mul(exactFactor(axes, idx));
        const t = top[u]!;
        const cmp = t.size === null ? 1 : x.abs().cmp(t.size);
        if (cmp > 0) [t.size, t.signs, t.value] = [x.abs(), x.sign(), x];
        else if (cmp === 0) t.signs += x.sign();
      });
    }
    let unclear = 0;
    norms[k] = top.map((t) => {
      if (t.size === null || t.size.isZero() || (s.kind === "flip" && t.signs === 0)) {
        unclear++;
        return Rational.ONE;
      }
      return s.kind === "scale" ? t.size : Rational.of(Math.sign(t.signs));
    });
    approx[k] = norms[k]!.map((n) => n.toNumber());
    if (unclear) ambiguous.push({ id: c.id, where: c.where, units: unclear, largest: unclear });
  });
  // Residues of the normalised values: producers divided by their unit's normaliser, consumers multiplied.
  const values = new Map<string, ExactValues>();
  for (const p of net.params) {
    const v = V.get(p.name)!;
    const own = owners.get(p.name)!;
    const axes = own.map((o, b) => (o >= 0 && norms[o] && scalings[o]!.exps.get(p.name)?.get(b) ? { o, b, e: scalings[o]!.exps.get(p.name)!.get(b)! } : null)).filter((x) => x !== null);
    if (axes.length === 0) {
      values.set(p.name, v);
      continue;
    }
    const res = ([0, 1] as const).map((k) => axes.map(({ o, e }) => norms[o]!.map((n) => (e === 1 ? invmod(residueOfRational(n, k), PRIMES[k]) : residueOfRational(n, k)))));
    const mult: [Float64Array, Float64Array] = [new Float64Array(v.length), new Float64Array(v.length)];
    forEachIndex(p.shape, (f, idx) => {
      for (const k of [0, 1] as const) {
        let m = 1;
        axes.forEach(({ b }, q) => (m = (m * res[k]![q]![idx[b]!]!) % PRIMES[k]));
        mult[k][f] = m;
      }
    });
    values.set(p.name, new Rescaled(v, mult));
  }
  return { values, norms, ambiguous };
}

/**
 * The normalised checkpoint as floats (each entry divided by its producers' normalisers and
 * multiplied by its consumers', rounded): for the assignment on distances of near.ts only.
 */
export function normalisedFloats(net: Network, classes: readonly PermClass[], scalings: readonly (ClassScaling | null)[], V: ParamValues, norms: readonly (Rational[] | null)[]): ParamValues {
  const owners = axisOwners(net, classes);
  return new Map(
    net.params.map((p) => {
      const v = V.get(p.name)!;
      const axes = owners.get(p.name)!.map((o, b) => {
        const e = o >= 0 && norms[o] ? scalings[o]?.exps.get(p.name)?.get(b) : undefined;
        return e ? norms[o]!.map((n) => (e === 1 ? 1 / n.toNumber() : n.toNumber())) : null;
      });
      if (axes.every((x) => x === null)) return [p.name, v];
      const values = new Float64Array(v.length);
      forEachIndex(p.shape, (f, idx) => {
        let x = v.t.values[f]!;
        axes.forEach((m, b) => {
          if (m) x *= m[idx[b]!]!;
        });
        values[f] = x;
      });
      const { exact: _, ...t } = v.t;
      return [p.name, new ExactValues({ ...t, values })];
    }),
  );
}

/**
 * The symbolic strategy, part 1: a transformation's steps as *actions on axes*.
 *
 * Each axis of each parameter ends up acted on by a bijection (a composition of the
 * permutations of the steps, as symbols: never their values) and a diagonal (a product of
 * the steps' per-unit factors, as symbols with a class: positive, a sign, or non-zero):
 *
 *     T'[pi_1(i_1), ..., pi_r(i_r)] = prod_a prod_atoms f(prefix(i_a))^e * T[i_1, ..., i_r]
 *
 * where `prefix` is the composition of the permutations applied to that axis before the
 * factor's step. This is exactly what `semantics/params.ts` does with the concrete steps, with
 * every permutation replaced by an arbitrary bijection and every factor vector by an
 * arbitrary diagonal of its class. A proof from these actions therefore holds for every
 * bijection and every diagonal of the class -- the claim's own steps are one instance.
 *
 * Steps outside this table (assignments, maps between networks, `multiply`, a sign flip with
 * bias correction) make the strategy not applicable; it never guesses.
 */
import { Rational } from "../numeric/rational.ts";
import type { AxisRef, Claim, Scalar, SExpr, SFormula, Step } from "../elaborate/types.ts";

/** What a diagonal's entries are known to be: > 0, in {-1, 1}, or only non-zero. */
export type DiagClass = "pos" | "sign" | "nonzero";

/** One diagonal factor on an axis: symbol `id` read through the bijections `prefix`. */
export interface Atom {
  /** The step's diagonal ("d3"), unique per step. */
  readonly id: string;
  readonly cls: DiagClass;
  /** Permutation symbols applied to the axis before this factor, innermost first. */
  readonly prefix: readonly string[];
  readonly exp: number;
  /** For the user: "c (scale Net.h1 by c)". */
  readonly label: string;
}

/**
 * A linear action on an axis: T'[.., k, ..] = sum_j T[.., j, ..] X[j, k], where X is the
 * symbolic matrix `base`, its inverse, or their transposes (n x n).
 */
export interface Lin {
  readonly base: string;
  readonly inv: boolean;
  readonly tr: boolean;
  readonly n: number;
  readonly label: string;
}

/** X Y^T = I: the same matrix, one of them inverted and one transposed (A with A^-T, ...). */
export const contragredient = (x: Lin, y: Lin): boolean => x.base === y.base && x.n === y.n && x.inv !== y.inv && (x.tr !== y.tr || x.n === 1);
export const sameLin = (x: Lin, y: Lin): boolean => x.base === y.base && x.inv === y.inv && (x.tr === y.tr || x.n === 1);

/** The action on one axis: a bijection (composition of permutation symbols) and diagonal atoms, or a linear action. */
export interface AxisAction {
  readonly perm: readonly string[];
  readonly atoms: readonly Atom[];
  readonly lin?: readonly Lin[];
}

export const TRIVIAL: AxisAction = { perm: [], atoms: [] };
export const isTrivial = (a: AxisAction): boolean => a.perm.length === 0 && a.atoms.length === 0 && !a.lin?.length;

/** Actions on the axes of every parameter (absent: trivial), and the symbols' meanings. */
export interface Actions {
  readonly params: ReadonlyMap<string, readonly AxisAction[]>;
  /** Permutation symbols: "P1" -> what the user wrote. */
  readonly perms: ReadonlyMap<string, string>;
  readonly diags: ReadonlyMap<string, { readonly cls: DiagClass; readonly label: string }>;
}

/** The key of an atom without its exponent: the same diagonal read through the same bijections. */
export const atomKey = (a: { id: string; prefix: readonly string[] }): string => `${a.id}∘${a.prefix.join("∘")}`;

/**
 * The class of a factor, or null when its sign is not known from constants and the scalars'
 * side conditions (`c > 0`, `c != 0`, `s = 1 or s = -1`).
 */
export function factorClass(e: SExpr, scalars: ReadonlyMap<string, Scalar>): DiagClass | null {
  switch (e.k) {
    case "const":
      if (e.v.isZero()) return null;
      if (e.v.abs().eq(Rational.ONE)) return e.v.sign() > 0 ? "pos" : "sign";
      return e.v.sign() > 0 ? "pos" : "nonzero";
    case "scalar":
      return scalarClass(scalars.get(e.id)?.condition ?? null);
    case "neg": {
      const c = factorClass(e.a, scalars);
      return c === null ? null : c === "sign" ? "sign" : "nonzero";
    }
    case "mul":
    case "div": {
      const a = factorClass(e.a, scalars);
      const b = factorClass(e.b, scalars);
      if (a === null || b === null) return null;
      return a === b ? a : "nonzero";
    }
    default:
      return null;
  }
}

function isSelf(e: SExpr): boolean {
  return e.k === "var" && e.name === "self";
}

function scalarClass(c: SFormula | null): DiagClass | null {
  if (!c) return null;
  if (c.k === "cmp" && isSelf(c.a) && c.b.k === "const") {
    const s = c.b.v.sign();
    if ((c.op === ">" && s >= 0) || (c.op === ">=" && s > 0)) return "pos";
    if ((c.op === "<" && s <= 0) || (c.op === "<=" && s < 0) || (c.op === "!=" && s === 0)) return "nonzero";
    return null;
  }
  // s = 1 or s = -1 (either order).
  if (c.k === "or" && c.a.k === "cmp" && c.b.k === "cmp" && c.a.op === "=" && c.b.op === "=" && isSelf(c.a.a) && isSelf(c.b.a) && c.a.b.k === "const" && c.b.b.k === "const") {
    const vs = [c.a.b.v.toString(), c.b.b.v.toString()].sort();
    if (vs[0] === "-1" && vs[1] === "1") return "sign";
  }
  return null;
}

/** The actions of a claim's steps, or the reason the symbolic strategy does not apply. */
export function actionsOf(claim: Claim): Actions | { reason: string } {
  if (claim.lhs !== claim.rhs) return { reason: `the claim relates two different networks (${claim.lhs.name} and ${claim.rhs.name})` };
  const shapes = new Map(claim.lhs.params.map((p) => [p.name, p.shape]));
  const state = new Map<string, { perm: string[]; atoms: Atom[]; lin: Lin[] }[]>();
  const axis = (r: { name: string; axis: number }) => {
    let s = state.get(r.name);
    if (!s) {
      const shape = shapes.get(r.name) ?? [];
      s = shape.map(() => ({ perm: [], atoms: [], lin: [] }));
      state.set(r.name, s);
    }
    return s[r.axis]!;
  };
  const scalars = new Map(claim.transform.scalars.map((s) => [s.id, s]));
  const perms = new Map<string, string>();
  const diags = new Map<string, { cls: DiagClass; label: string }>();
  const stepText = (s: Step) => claim.transform.text || s.k;
  const once = (refs: readonly { param: string; axis: number }[], what: string): string | null => {
    const seen = new Set<string>();
    for (const r of refs) {
      if (seen.has(r.param)) return `${what} moves two axes of ${r.param}`;
      seen.add(r.param);
    }
    return null;
  };
  const byValue = new Map<string, string>();
  let k = 0;
  for (const step of claim.transform.steps) {
    k++;
    switch (step.k) {
      case "permuteAxes": {
        // The identity moves nothing. Steps with the same permutation share one symbol: the
        // proof then covers every bijection applied to all of their axes, and the claim is
        // still an instance of it.
        // A permutation variable of a whole-group claim is its own symbol, whatever its instance.
        if (step.symbol !== undefined) {
          const id = `P:${step.symbol}`;
          perms.set(id, step.symbol);
          for (const r of step.params) axis(r).perm.push(id);
          break;
        }
        if (step.perm.every((p, i) => p === i)) break;
        const value = step.perm.join(",");
        let id = byValue.get(value);
        if (id === undefined) {
          id = `P${k}`;
          byValue.set(value, id);
          perms.set(id, `the permutation of step ${k}`);
        }
        const moved: AxisRef[] = [...step.params];
        for (const r of moved) axis(r).perm.push(id);
        break;
      }
      case "scaleUnits":
      case "flipUnits": {
        if (step.k === "flipUnits" && step.correction) return { reason: "a sign flip with bias correction is affine, not a diagonal action (the symbolic rules cover permutations and diagonal scalings)" };
        const refs = [...step.layout.producers.map((r) => ({ ...r, exp: 1 })), ...step.layout.consumers.map((r) => ({ ...r, exp: -1 }))];
        const twice = once(refs.map((r) => ({ param: r.param, axis: r.axis })), `step ${k}`);
        if (twice) return { reason: twice };
        let cls: DiagClass;
        if (step.k === "flipUnits") cls = "sign";
        else {
          let c: DiagClass | null = null;
          for (const f of step.factors) {
            const fc = factorClass(f, scalars);
            if (fc === null) return { reason: `the sign of a factor of step ${k} is not known from its side conditions` };
            c = c === null || c === fc ? fc : "nonzero";
          }
          // Units the step does not list keep the factor 1, which is in every class.
          cls = c ?? "pos";
        }
        const id = `d${k}`;
        const label = `${step.k === "flipUnits" ? "the signs" : "the factors"} of step ${k} (${step.layout.node})`;
        diags.set(id, { cls, label });
        for (const r of refs) {
          const s = axis({ name: r.param, axis: r.axis });
          s.atoms.push({ id, cls, prefix: [...s.perm], exp: r.exp, label });
        }
        break;
      }
      case "multiplyAxis": {
        const lin = linOf(step.matrix, step.n, scalars);
        if (!lin) return { reason: `step ${k} multiplies an axis by a matrix that is not a symbolic matrix, its inverse or a transpose of them (${stepText(step)})` };
        axis({ name: step.param, axis: step.axis }).lin.push(lin);
        break;
      }
      case "assign":
        return { reason: `step ${k} assigns parameter entries: not an action on axes` };
    }
  }
  for (const [name, axes] of state) {
    for (const a of axes) {
      if (a.lin.length > 1) return { reason: `an axis of ${name} is multiplied by two matrices (the rules take one linear action per axis)` };
      if (a.lin.length === 1 && (a.perm.length > 0 || a.atoms.length > 0)) return { reason: `an axis of ${name} is both multiplied by a matrix and permuted or scaled (the rules take one kind of action per axis)` };
    }
  }
  return { params: state, perms, diags };
}

/** The matrix of a `multiply` step as a symbolic matrix, its inverse, or a transpose of them. */
function linOf(matrix: readonly SExpr[], n: number, scalars: ReadonlyMap<string, Scalar>): Lin | null {
  const first = matrix[0];
  if (!first || first.k !== "scalar") return null;
  const s = scalars.get(first.id);
  if (!s || s.shape.length !== 2 || s.shape[0] !== n || s.shape[1] !== n || matrix.length !== n * n) return null;
  const is = (tr: boolean) => matrix.every((e, i) => e.k === "scalar" && e.id === s.id && e.index === (tr ? (i % n) * n + Math.floor(i / n) : i));
  const tr = is(false) ? false : is(true) ? true : null;
  if (tr === null) return null;
  const base = s.inverseOf ?? s.id;
  const inv = s.inverseOf !== null;
  return { base, inv, tr: n === 1 ? false : tr, n, label: `${inv ? "inverse of " : ""}${s.label.split(" ")[0]!.replace(/^inverse\((.*)\)$/, "$1")}${tr && n > 1 ? ", transposed" : ""}` };
}

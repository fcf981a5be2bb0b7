/**
 * The symbolic strategy, part 2: pushing the actions through the network, layer by layer,
 * with a small table of rules (README, "The symbolic strategy"). Nothing here depends on the
 * widths: one pass over each definition's index expression, whatever the sizes.
 *
 * For every hidden tensor h, with definition h[o_1, ..., o_r] = E, the pass derives an action
 * (a bijection pi_a and a diagonal on every axis) such that, for all parameters and inputs,
 *
 *     h'[pi_1(o_1), ..., pi_r(o_r)] = M(o) * h[o]          (M: a product of diagonal atoms)
 *
 * where h' is h computed from the transformed parameters. It does so by computing, for each
 * subexpression e of E, a *factor* M_e with e' = M_e * e (e' being e with every read of a
 * transformed tensor T' at the moved indices), by these rules:
 *
 *   read    T[v_1, ..., v_k]: along an axis the action moves or scales, the index must be a
 *           bare index variable v, and v is then moved by that axis's bijection (every read
 *           must agree on each variable's bijection, and its range must be the axis's size);
 *           M = the product of the axes' diagonal atoms at v. Along an unmoved axis any affine
 *           index is allowed, and its variables are not moved.
 *   const   M = 1 (the constant 0: any factor).
 *   add     all (non-zero) terms have the same factor M: then M.
 *   mul     the product of the factors; neg: the factor.
 *   div     both factors 1: 1 (nothing changed). Otherwise the denominator must be non-zero by
 *           construction (a non-zero constant; exp, sigmoid, softplus, rsqrt and sums and
 *           products of those are positive): M_a / M_b.
 *   act     f(M z) = M f(z): M = 1 always; M > 0 (positive atoms) when f is positively
 *           homogeneous; M in {-1, 1} (sign atoms) when f is odd; otherwise both. Each use is
 *           an *activation lemma*, an obligation the solver must prove (never assumed).
 *   sum_v   reindex v by its bijection (a bijection of the whole range leaves a sum
 *           unchanged); the body's factor must not depend on v (its atoms at v cancel).
 *
 * Linear actions (`multiply axis a of P by X`): T'[.., k, ..] = sum_j T[.., j, ..] X[j, k].
 * A subexpression may be *linear at* an index k under X (e' at k = sum_j e at j times
 * X[j, k]): a read along such an axis at a bare k; sums and differences of terms linear at k
 * under the same X; a product with factors that do not read at k; a quotient by such a
 * factor; a sum over another index. A product of two factors linear at k under X and Y (and
 * no other factor reading at k) is a *pair* at k, and a sum over k of a pair with X Y^T = I
 * (A with A^-T: the query/key and value/output actions) is unchanged, since
 * sum_k (sum_j x_j X[j,k]) (sum_l y_l Y[l,k]) = sum_{j,l} x_j y_l (X Y^T)[j,l] = sum_j x_j y_j.
 * Anything else at k (an activation, a max, a mask, a lone sum over k, an added constant) is
 * outside the table.
 *   max_v   as sum, and the factor must be 1 (a permutation only).
 *   guard   its index variables are not moved; M = the body's factor.
 *
 * The claim holds when the output's action is the identity (no bijection, factor 1).
 */
import type { Activation, Affine, IExpr, Network, TensorDef } from "../elaborate/types.ts";
import { affineText, plainVar } from "../elaborate/iexpr.ts";
import { atomKey, contragredient, isTrivial, sameLin, TRIVIAL, type Actions, type Atom, type AxisAction, type DiagClass, type Lin } from "./actions.ts";

type DiagEntry = { readonly atom: Omit<Atom, "exp">; readonly v: string; readonly exp: number };

/**
 * A factor: diagonal atoms at index variables with exponents, linear actions and pairs at
 * index variables, and the index variables the subexpression reads at ("zero": the constant 0).
 */
type Factor =
  | {
      readonly diag: ReadonlyMap<string, DiagEntry>;
      readonly lin: ReadonlyMap<string, Lin>;
      readonly pairs: ReadonlyMap<string, readonly [Lin, Lin]>;
      readonly mentions: ReadonlySet<string>;
    }
  | "zero";

const ONE: Factor = { diag: new Map(), lin: new Map(), pairs: new Map(), mentions: new Set() };

/** An activation lemma the proof uses: positive homogeneity or oddness of `act`. */
export interface Lemma {
  readonly act: Activation;
  readonly kind: "pos" | "odd";
}

/** One line of the rule chain `explain` prints. */
export interface ChainLine {
  readonly tensor: string;
  readonly text: string;
}

export type PushResult =
  | { readonly ok: true; readonly lemmas: readonly Lemma[]; readonly chain: readonly ChainLine[]; readonly nodes: ReadonlyMap<string, readonly AxisAction[]> }
  | { readonly ok: false; readonly reason: string };

class NotCovered extends Error {}

function multiplyDiag(a: ReadonlyMap<string, DiagEntry>, b: ReadonlyMap<string, DiagEntry>, sign: 1 | -1): Map<string, DiagEntry> {
  const out = new Map(a);
  for (const [k, x] of b) {
    const prev = out.get(k);
    let exp = (prev?.exp ?? 0) + sign * x.exp;
    if (x.atom.cls === "sign") exp = ((exp % 2) + 2) % 2;
    if (exp === 0) out.delete(k);
    else out.set(k, { ...x, exp });
  }
  return out;
}

function sameDiag(a: ReadonlyMap<string, DiagEntry>, b: ReadonlyMap<string, DiagEntry>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, x] of a) if (b.get(k)?.exp !== x.exp) return false;
  return true;
}

function sameLinear(a: Exclude<Factor, "zero">, b: Exclude<Factor, "zero">): boolean {
  if (a.lin.size !== b.lin.size || a.pairs.size !== b.pairs.size) return false;
  for (const [v, x] of a.lin) {
    const y = b.lin.get(v);
    if (!y || !sameLin(x, y)) return false;
  }
  for (const [v, [x1, x2]] of a.pairs) {
    const y = b.pairs.get(v);
    if (!y || !((sameLin(x1, y[0]) && sameLin(x2, y[1])) || (sameLin(x1, y[1]) && sameLin(x2, y[0])))) return false;
  }
  return true;
}

const samePerm = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function permText(p: readonly string[]): string {
  return p.length === 0 ? "no permutation" : p.length === 1 ? p[0]! : `${[...p].reverse().join("∘")}`;
}

function diagText(d: ReadonlyMap<string, DiagEntry>): string {
  if (d.size === 0) return "1";
  return [...d.values()].map((x) => `${x.atom.id}[${x.atom.prefix.length ? `${permText(x.atom.prefix)}(${x.v})` : x.v}]${x.exp === 1 ? "" : `^${x.exp}`}`).join(" ");
}

export function factorText(f: Factor): string {
  return f === "zero" ? "0" : diagText(f.diag);
}

/** Whether `e` is non-zero for all parameters and inputs, by construction. */
function positive(e: IExpr): boolean {
  switch (e.k) {
    case "const":
      return e.v.sign() > 0;
    case "act":
      return e.act.builtin === "exp" || e.act.builtin === "sigmoid" || e.act.builtin === "softplus" || e.act.builtin === "rsqrt";
    case "add":
    case "mul":
      return e.args.length > 0 && e.args.every(positive);
    case "sum":
      return e.n > 0 && positive(e.body);
    default:
      return false;
  }
}
const nonzero = (e: IExpr): boolean => (e.k === "const" ? !e.v.isZero() : e.k === "neg" ? nonzero(e.a) : positive(e));

/**
 * Push the actions through `net`; `ok` with the lemmas used when the output's action is the
 * identity, else the first place a rule does not apply.
 */
export function push(net: Network, actions: Actions): PushResult {
  const nodeActions = new Map<string, readonly AxisAction[]>();
  const shapes = new Map<string, readonly number[]>([[`input:${net.input.name}`, net.input.shape], ...net.params.map((p) => [`param:${p.name}`, p.shape] as const), ...net.nodes.map((n) => [`node:${n.name}`, n.shape] as const)]);
  const lemmas = new Map<string, Lemma>();
  const chain: ChainLine[] = [];
  const actionOf = (src: string, name: string): readonly AxisAction[] | null => (src === "param" ? (actions.params.get(name) ?? null) : src === "node" ? (nodeActions.get(name) ?? null) : null);

  const analyse = (def: TensorDef): readonly AxisAction[] => {
    const bind = new Map<string, readonly string[]>();
    const range = new Map<string, number>();
    def.vars.forEach((v, a) => range.set(v, def.shape[a]!));
    const fail = (why: string): never => {
      throw new NotCovered(`${def.name}: ${why}`);
    };
    const bindVar = (v: string, perm: readonly string[], size: number | null, what: () => string) => {
      const prev = bind.get(v);
      if (prev !== undefined && !samePerm(prev, perm)) fail(`index ${v} is moved by ${permText(prev)} in one place and by ${permText(perm)} in ${what()}`);
      bind.set(v, perm);
      if (size !== null && range.get(v) !== size) fail(`index ${v} ranges over ${range.get(v)} values but reads ${what()} along an axis of ${size} that the symmetry acts on`);
    };
    const fixVars = (a: Affine, what: () => string, mentions: Set<string>) => {
      for (const t of a.terms) {
        bindVar(t.v, [], null, what);
        mentions.add(t.v);
      }
    };
    const linVars = (f: Exclude<Factor, "zero">) => [...f.lin.keys(), ...f.pairs.keys()];
    const factor = (e: IExpr): Factor => {
      switch (e.k) {
        case "const":
          return e.v.isZero() ? "zero" : ONE;
        case "read": {
          const acts = actionOf(e.src, e.name);
          const shape = shapes.get(`${e.src}:${e.name}`) ?? [];
          let diag = new Map<string, DiagEntry>();
          const lin = new Map<string, Lin>();
          const mentions = new Set<string>();
          // The read as text, for a reason only (built when a rule fails).
          const what = () => `${e.name}[${e.at.map(affineText).join(", ")}]`;
          e.at.forEach((idx, a) => {
            const act = acts?.[a] ?? TRIVIAL;
            if (isTrivial(act)) return fixVars(idx, what, mentions);
            const v = plainVar(idx);
            if (v === null) fail(`reads ${what()}, whose axis ${a} the symmetry acts on, at ${affineText(idx)} (only a bare index commutes with a permutation, a scaling of units or a matrix)`);
            mentions.add(v!);
            if (act.lin?.length) {
              if (lin.has(v!)) fail(`reads ${what()} with two axes under a matrix at the same index ${v}`);
              bindVar(v!, [], shape[a]!, what);
              lin.set(v!, act.lin[0]!);
              return;
            }
            bindVar(v!, act.perm, shape[a]!, what);
            const atoms = new Map(act.atoms.map((x) => [`${atomKey(x)}|${v}`, { atom: { id: x.id, cls: x.cls, prefix: x.prefix, label: x.label }, v: v!, exp: x.exp }]));
            diag = multiplyDiag(diag, atoms, 1);
          });
          for (const v of lin.keys()) if (diag.size && [...diag.values()].some((x) => x.v === v)) fail(`${what()} is scaled and multiplied by a matrix at the same index ${v}`);
          return { diag, lin, pairs: new Map(), mentions };
        }
        case "add": {
          let out: Factor = "zero";
          for (const x of e.args) {
            const f = factor(x);
            if (f === "zero") continue;
            if (out === "zero") {
              out = f;
              continue;
            }
            if (!sameDiag(out.diag, f.diag)) fail(`the terms of a sum change by different factors (${factorText(out)} and ${factorText(f)})`);
            if (!sameLinear(out, f)) fail(`the terms of a sum are not all linear under the same matrices at the same indices (${[...new Set([...linVars(out), ...linVars(f)])].join(", ")})`);
            out = { ...out, mentions: new Set([...out.mentions, ...f.mentions]) };
          }
          return out;
        }
        case "mul": {
          const fs = e.args.map(factor);
          if (fs.some((f) => f === "zero")) return "zero";
          const parts = fs as Exclude<Factor, "zero">[];
          let diag = new Map<string, DiagEntry>();
          const lin = new Map<string, Lin>();
          const pairs = new Map<string, readonly [Lin, Lin]>();
          const mentions = new Set<string>();
          for (const f of parts) {
            diag = multiplyDiag(diag, f.diag, 1);
            f.mentions.forEach((v) => mentions.add(v));
          }
          const vars = new Set(parts.flatMap(linVars));
          for (const v of vars) {
            const withLin = parts.filter((f) => f.lin.has(v));
            const withPair = parts.filter((f) => f.pairs.has(v));
            const reading = parts.filter((f) => f.mentions.has(v)).length;
            if (withPair.length === 1 && reading === 1) pairs.set(v, withPair[0]!.pairs.get(v)!);
            else if (withPair.length === 0 && withLin.length === 1 && reading === 1) lin.set(v, withLin[0]!.lin.get(v)!);
            else if (withPair.length === 0 && withLin.length === 2 && reading === 2) pairs.set(v, [withLin[0]!.lin.get(v)!, withLin[1]!.lin.get(v)!]);
            else fail(`a product reads at ${v}, where a matrix acts, in more than a pair of linear factors`);
          }
          return { diag, lin, pairs, mentions };
        }
        case "neg":
          return factor(e.a);
        case "div": {
          const a = factor(e.a);
          const b = factor(e.b);
          if (b === "zero") fail("divides by zero");
          const bb = b as Exclude<Factor, "zero">;
          if (a === "zero") return "zero";
          if (linVars(bb).length > 0) fail("divides by a quantity a matrix acts on");
          for (const v of linVars(a)) if (bb.mentions.has(v)) fail(`divides a quantity linear at ${v} by one that reads at ${v}`);
          const mentions = new Set([...a.mentions, ...bb.mentions]);
          if (a.diag.size === 0 && bb.diag.size === 0) return { ...a, mentions };
          if (!nonzero(e.b)) fail(`divides by a quantity that changes by the factor ${factorText(bb)} and is not known to be non-zero`);
          return { diag: multiplyDiag(a.diag, bb.diag, -1), lin: a.lin, pairs: a.pairs, mentions };
        }
        case "act": {
          const m = factor(e.a);
          if (m === "zero") return ONE;
          if (linVars(m).length > 0) fail(`applies ${e.act.name} to a quantity a matrix acts on (at ${linVars(m).join(", ")})`);
          if (m.diag.size === 0) return m;
          const classes = new Set<DiagClass>([...m.diag.values()].map((x) => x.atom.cls));
          const needPos = classes.has("pos") || classes.has("nonzero");
          const needOdd = classes.has("sign") || classes.has("nonzero");
          if (needPos) lemmas.set(`${e.act.key}|pos`, { act: e.act, kind: "pos" });
          if (needOdd) lemmas.set(`${e.act.key}|odd`, { act: e.act, kind: "odd" });
          return m;
        }
        case "sum":
        case "max": {
          const saved = bind.get(e.v);
          const savedRange = range.get(e.v);
          bind.delete(e.v);
          range.set(e.v, e.n);
          const m = factor(e.body);
          let out: Factor = m;
          if (m !== "zero") {
            for (const x of m.diag.values()) if (x.v === e.v) fail(`the factors of the terms of ${e.k === "sum" ? "a sum" : "a max"} over ${e.v} depend on ${e.v} (${factorText(m)}): they do not cancel`);
            if (e.k === "max" && m.diag.size > 0) fail(`a max over ${e.v} is taken of terms that change by the factor ${factorText(m)} (the rules move a max by a permutation only)`);
            if (e.k === "max" && linVars(m).length > 0) fail(`a max over ${e.v} is taken of terms a matrix acts on`);
            if (m.lin.has(e.v)) fail(`a sum over ${e.v} of terms linear at ${e.v} under ${m.lin.get(e.v)!.label} (a matrix cancels only against its inverse transposed)`);
            const pair = m.pairs.get(e.v);
            let pairs = m.pairs;
            if (pair) {
              if (!contragredient(pair[0], pair[1])) fail(`a sum over ${e.v} of a product under ${pair[0].label} and ${pair[1].label}, which do not cancel (one must be the inverse transposed of the other)`);
              pairs = new Map([...m.pairs].filter(([v]) => v !== e.v));
            }
            out = { diag: m.diag, lin: m.lin, pairs, mentions: new Set([...m.mentions].filter((v) => v !== e.v)) };
          }
          if (saved === undefined) bind.delete(e.v);
          else bind.set(e.v, saved);
          if (savedRange === undefined) range.delete(e.v);
          else range.set(e.v, savedRange);
          return out;
        }
        case "guard": {
          const mentions = new Set<string>();
          fixVars(e.lhs, () => "a condition", mentions);
          fixVars(e.rhs, () => "a condition", mentions);
          const m = factor(e.body);
          if (m === "zero") return m;
          for (const v of linVars(m)) if (mentions.has(v)) fail(`a condition on ${v}, where a matrix acts`);
          return { ...m, mentions: new Set([...m.mentions, ...mentions]) };
        }
      }
    };
    const m = factor(def.expr);
    if (m !== "zero") {
      for (const x of m.diag.values()) if (!def.vars.includes(x.v)) fail(`a factor at ${x.v} is left over`);
      for (const v of m.pairs.keys()) fail(`its entries at ${v} are products of two quantities a matrix acts on`);
      for (const v of m.lin.keys()) if (!def.vars.includes(v)) fail(`a matrix action at ${v} is left over`);
    }
    const axes: AxisAction[] = def.vars.map((v) => {
      const atoms: Atom[] = m === "zero" ? [] : [...m.diag.values()].filter((x) => x.v === v).map((x) => ({ ...x.atom, exp: x.exp }));
      const lin = m === "zero" ? undefined : m.lin.get(v);
      return lin ? { perm: [], atoms: [], lin: [lin] } : { perm: bind.get(v) ?? [], atoms };
    });
    const moved = axes
      .map((a, k) => {
        if (isTrivial(a)) return null;
        const name = def.axes[k] ?? def.vars[k];
        if (a.lin?.length) return `${name}: times ${a.lin[0]!.label}`;
        const here = m === "zero" ? new Map<string, DiagEntry>() : new Map([...m.diag].filter(([, x]) => x.v === def.vars[k]));
        return `${name}: ${permText(a.perm)}${a.atoms.length ? `, factor ${diagText(here)}` : ""}`;
      })
      .filter((x) => x !== null);
    chain.push({ tensor: def.name, text: moved.length ? moved.join("; ") : "unchanged" });
    return axes;
  };

  try {
    for (const n of net.nodes) nodeActions.set(n.name, analyse(n));
    const out = analyse(net.output);
    const moved = out.findIndex((a) => !isTrivial(a));
    if (moved >= 0) {
      const a = out[moved]!;
      const how = a.lin?.length ? `multiplied by ${a.lin[0]!.label}` : `${a.perm.length ? `moved by ${permText(a.perm)}` : ""}${a.atoms.length ? ` scaled by ${a.atoms.map((x) => x.label).join(", ")}` : ""}`;
      return { ok: false, reason: `the output is not restored: along its axis ${moved} it is ${how.trim()}` };
    }
  } catch (e) {
    if (e instanceof NotCovered) return { ok: false, reason: e.message };
    throw e;
  }
  return { ok: true, lemmas: [...lemmas.values()], chain, nodes: nodeActions };
}

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
 *   max_v   as sum, and the factor must be 1 (a permutation only).
 *   guard   its index variables are not moved; M = the body's factor.
 *
 * The claim holds when the output's action is the identity (no bijection, factor 1).
 */
import type { Activation, Affine, IExpr, Network, TensorDef } from "../elaborate/types.ts";
import { affineText, plainVar } from "../elaborate/iexpr.ts";
import { atomKey, isTrivial, TRIVIAL, type Actions, type Atom, type AxisAction, type DiagClass } from "./actions.ts";

/** A factor: atoms at index variables with exponents ("zero" for the constant 0). */
type Factor = ReadonlyMap<string, { readonly atom: Omit<Atom, "exp">; readonly v: string; readonly exp: number }> | "zero";

const ONE: Factor = new Map();

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

function multiply(a: Factor, b: Factor, sign: 1 | -1): Factor {
  if (a === "zero" || b === "zero") return "zero";
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

function sameFactor(a: Factor, b: Factor): boolean {
  if (a === "zero" || b === "zero") return a === b;
  if (a.size !== b.size) return false;
  for (const [k, x] of a) if (b.get(k)?.exp !== x.exp) return false;
  return true;
}

const samePerm = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function permText(p: readonly string[]): string {
  return p.length === 0 ? "no permutation" : p.length === 1 ? p[0]! : `${[...p].reverse().join("∘")}`;
}

export function factorText(f: Factor): string {
  if (f === "zero") return "0";
  if (f.size === 0) return "1";
  return [...f.values()].map((x) => `${x.atom.id}[${x.atom.prefix.length ? `${permText(x.atom.prefix)}(${x.v})` : x.v}]${x.exp === 1 ? "" : `^${x.exp}`}`).join(" ");
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
    const bindVar = (v: string, perm: readonly string[], size: number | null, what: string) => {
      const prev = bind.get(v);
      if (prev !== undefined && !samePerm(prev, perm)) throw new NotCovered(`${def.name}: index ${v} is moved by ${permText(prev)} in one place and by ${permText(perm)} in ${what}`);
      bind.set(v, perm);
      if (size !== null && range.get(v) !== size) throw new NotCovered(`${def.name}: index ${v} ranges over ${range.get(v)} values but reads ${what} along an axis of ${size} that the symmetry acts on`);
    };
    const fixVars = (a: Affine, what: string) => {
      for (const t of a.terms) bindVar(t.v, [], null, what);
    };
    const factor = (e: IExpr): Factor => {
      switch (e.k) {
        case "const":
          return e.v.isZero() ? "zero" : ONE;
        case "read": {
          const acts = actionOf(e.src, e.name);
          const shape = shapes.get(`${e.src}:${e.name}`) ?? [];
          let f: Factor = ONE;
          e.at.forEach((idx, a) => {
            const act = acts?.[a] ?? TRIVIAL;
            const what = `${e.name}[${e.at.map(affineText).join(", ")}]`;
            if (isTrivial(act)) return fixVars(idx, what);
            const v = plainVar(idx);
            if (v === null) throw new NotCovered(`${def.name}: reads ${what}, whose axis ${a} the symmetry acts on, at ${affineText(idx)} (only a bare index commutes with a permutation or a scaling of units)`);
            bindVar(v, act.perm, shape[a]!, what);
            const atoms: Factor = new Map(act.atoms.map((x) => [`${atomKey(x)}|${v}`, { atom: { id: x.id, cls: x.cls, prefix: x.prefix, label: x.label }, v, exp: x.exp }]));
            f = multiply(f, atoms, 1);
          });
          return f;
        }
        case "add": {
          let out: Factor = "zero";
          for (const x of e.args) {
            const f = factor(x);
            if (f === "zero") continue;
            if (out === "zero") out = f;
            else if (!sameFactor(out, f)) throw new NotCovered(`${def.name}: the terms of a sum change by different factors (${factorText(out)} and ${factorText(f)})`);
          }
          return out;
        }
        case "mul":
          return e.args.reduce<Factor>((acc, x) => multiply(acc, factor(x), 1), ONE);
        case "neg":
          return factor(e.a);
        case "div": {
          const a = factor(e.a);
          const b = factor(e.b);
          if (b === "zero") throw new NotCovered(`${def.name}: divides by zero`);
          if (a === "zero") return "zero";
          if (a.size === 0 && b.size === 0) return ONE;
          if (!nonzero(e.b)) throw new NotCovered(`${def.name}: divides by a quantity that changes by the factor ${factorText(b)} and is not known to be non-zero`);
          return multiply(a, b, -1);
        }
        case "act": {
          const m = factor(e.a);
          if (m === "zero" || m.size === 0) return ONE;
          const classes = new Set<DiagClass>([...m.values()].map((x) => x.atom.cls));
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
          if (m !== "zero") {
            for (const x of m.values()) if (x.v === e.v) throw new NotCovered(`${def.name}: the factors of the terms of ${e.k === "sum" ? "a sum" : "a max"} over ${e.v} depend on ${e.v} (${factorText(m)}): they do not cancel`);
            if (e.k === "max" && m.size > 0) throw new NotCovered(`${def.name}: a max over ${e.v} is taken of terms that change by the factor ${factorText(m)} (the rules move a max by a permutation only)`);
          }
          if (saved === undefined) bind.delete(e.v);
          else bind.set(e.v, saved);
          if (savedRange === undefined) range.delete(e.v);
          else range.set(e.v, savedRange);
          return m;
        }
        case "guard":
          fixVars(e.lhs, "a condition");
          fixVars(e.rhs, "a condition");
          return factor(e.body);
      }
    };
    const m = factor(def.expr);
    const axes: AxisAction[] = def.vars.map((v) => {
      const atoms: Atom[] = m === "zero" ? [] : [...m.values()].filter((x) => x.v === v).map((x) => ({ ...x.atom, exp: x.exp }));
      return { perm: bind.get(v) ?? [], atoms };
    });
    if (m !== "zero") for (const x of m.values()) if (!def.vars.includes(x.v)) throw new NotCovered(`${def.name}: a factor at ${x.v} is left over`);
    const moved = axes.map((a, k) => (isTrivial(a) ? null : `${def.axes[k] ?? def.vars[k]}: ${permText(a.perm)}${a.atoms.length ? `, factor ${factorText(m === "zero" ? ONE : new Map([...m].filter(([, x]) => x.v === def.vars[k])))}` : ""}`)).filter((x) => x !== null);
    chain.push({ tensor: def.name, text: moved.length ? moved.join("; ") : "unchanged" });
    return axes;
  };

  try {
    for (const n of net.nodes) nodeActions.set(n.name, analyse(n));
    const out = analyse(net.output);
    const moved = out.findIndex((a) => !isTrivial(a));
    if (moved >= 0) return { ok: false, reason: `the output is not restored: along its axis ${moved} it is ${out[moved]!.perm.length ? `moved by ${permText(out[moved]!.perm)}` : ""}${out[moved]!.atoms.length ? ` scaled by ${out[moved]!.atoms.map((a) => a.label).join(", ")}` : ""}` };
  } catch (e) {
    if (e instanceof NotCovered) return { ok: false, reason: e.message };
    throw e;
  }
  return { ok: true, lemmas: [...lemmas.values()], chain, nodes: nodeActions };
}

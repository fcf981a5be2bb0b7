/**
 * A rule that needs no solver: two terms that expand to the same polynomial are equal.
 *
 * Both sides are expanded into sums of monomials (a rational coefficient times a product of
 * atoms), distributing products over sums. Atoms are symbols, and -- taken as opaque -- an
 * activation applied to an argument, a quotient and a conditional: two atoms are the same
 * atom only when they are structurally identical (same symbol; same activation key and
 * identical argument; ...), so they denote the same value. Monomials are put in a canonical
 * order, equal ones merged, zero ones dropped. If the two sides give the same list, the
 * identity holds for every value of every symbol (the ring axioms are all that was used),
 * so its obligation is proved. Anything else -- a difference, or an expansion larger than
 * MAX_MONOMIALS -- answers false, and the obligation goes to the solver as before.
 *
 * The compositional strategy applies it to unit obligations before they are canonicalised:
 * for permutations of parameter axes both sides are the same sum of the same products, and
 * for rescalings the same up to distributing the factor, so most units of a large network
 * never reach the solver. test/obligations/identical.test.ts cross-checks the rule against
 * Z3 (whenever it says equal, Z3 proves the identity), with a negative control.
 */
import type { Rational } from "../numeric/rational.ts";
import { Rational as R } from "../numeric/rational.ts";
import type { Formula, Term } from "../semantics/types.ts";

/** Most monomials an expansion may reach before the rule gives up. */
const MAX_MONOMIALS = 50_000;

interface Monomial {
  coef: Rational;
  /** Atoms, sorted by `compare`. */
  readonly atoms: readonly Term[];
}

class TooLarge extends Error {}

/** Whether `a` and `b` expand to the same polynomial (false when unsure). */
export function identical(a: Term, b: Term): boolean {
  // A quotient is an opaque atom here, so identities that need it to cancel (a rescaling's
  // w / c times c) are never recognised: answer at once rather than expand for nothing.
  if (hasQuotient(a) || hasQuotient(b)) return false;
  try {
    const pa = normal(expand(a));
    const pb = normal(expand(b));
    if (pa.length !== pb.length) return false;
    for (let i = 0; i < pa.length; i++) {
      if (!pa[i]!.coef.eq(pb[i]!.coef) || compareAtoms(pa[i]!.atoms, pb[i]!.atoms) !== 0) return false;
    }
    return true;
  } catch (e) {
    if (e instanceof TooLarge) return false;
    throw e;
  }
}

/** Whether a quotient occurs in `x` (outside activation arguments and conditions, which are atoms). */
function hasQuotient(x: Term): boolean {
  const stack = [x];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.t === "div") return true;
    if (t.t === "add" || t.t === "mul") for (const a of t.args) stack.push(a);
  }
  return false;
}

function expand(x: Term): Monomial[] {
  switch (x.t) {
    case "const":
      return x.v.isZero() ? [] : [{ coef: x.v, atoms: [] }];
    case "add": {
      const out: Monomial[] = [];
      for (const a of x.args) {
        for (const m of expand(a)) out.push(m);
        if (out.length > MAX_MONOMIALS) throw new TooLarge();
      }
      return out;
    }
    case "mul": {
      let acc: Monomial[] = [{ coef: R.ONE, atoms: [] }];
      for (const a of x.args) {
        const f = expand(a);
        if (acc.length * f.length > MAX_MONOMIALS) throw new TooLarge();
        const next: Monomial[] = [];
        for (const m of acc) for (const n of f) next.push({ coef: m.coef.mul(n.coef), atoms: [...m.atoms, ...n.atoms] });
        acc = next;
      }
      return acc;
    }
    default:
      return [{ coef: R.ONE, atoms: [x] }];
  }
}

/** Sort atoms within monomials and monomials by atoms; merge equal monomials; drop zeros. */
function normal(ms: Monomial[]): Monomial[] {
  const sorted = ms.map((m) => ({ coef: m.coef, atoms: [...m.atoms].sort(compare) })).sort((p, q) => compareAtoms(p.atoms, q.atoms));
  const out: Monomial[] = [];
  for (const m of sorted) {
    const last = out[out.length - 1];
    if (last && compareAtoms(last.atoms, m.atoms) === 0) last.coef = last.coef.add(m.coef);
    else out.push({ coef: m.coef, atoms: m.atoms });
  }
  return out.filter((m) => !m.coef.isZero());
}

function compareAtoms(a: readonly Term[], b: readonly Term[]): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

const TAG: Record<Term["t"], number> = { const: 0, sym: 1, add: 2, mul: 3, div: 4, app: 5, ite: 6 };
const str = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A total order on terms; 0 only for structurally identical terms. */
export function compare(a: Term, b: Term): number {
  if (a === b) return 0;
  if (a.t !== b.t) return TAG[a.t] - TAG[b.t];
  switch (a.t) {
    case "const":
      return a.v.cmp((b as typeof a).v);
    case "sym": {
      const s = a.s;
      const u = (b as typeof a).s;
      if (s.kind !== u.kind) return str(s.kind, u.kind);
      // Parameter entries: by name and index, without building their keys.
      if (s.kind === "param" && u.kind === "param") return str(s.name, u.name) || s.index - u.index;
      return str(s.key, u.key);
    }
    case "add":
    case "mul": {
      const bs = (b as typeof a).args;
      if (a.args.length !== bs.length) return a.args.length - bs.length;
      for (let i = 0; i < a.args.length; i++) {
        const c = compare(a.args[i]!, bs[i]!);
        if (c !== 0) return c;
      }
      return 0;
    }
    case "div":
      return compare(a.a, (b as typeof a).a) || compare(a.b, (b as typeof a).b);
    case "app":
      return str(a.act.key, (b as typeof a).act.key) || compare(a.arg, (b as typeof a).arg);
    case "ite":
      return compareFormula(a.cond, (b as typeof a).cond) || compare(a.a, (b as typeof a).a) || compare(a.b, (b as typeof a).b);
  }
}

function compareFormula(f: Formula, g: Formula): number {
  if (f.f !== g.f) return str(f.f, g.f);
  switch (f.f) {
    case "cmp": {
      const h = g as typeof f;
      return str(f.op, h.op) || compare(f.a, h.a) || compare(f.b, h.b);
    }
    case "and":
    case "or": {
      const h = g as typeof f;
      if (f.args.length !== h.args.length) return f.args.length - h.args.length;
      for (let i = 0; i < f.args.length; i++) {
        const c = compareFormula(f.args[i]!, h.args[i]!);
        if (c !== 0) return c;
      }
      return 0;
    }
    case "not":
      return compareFormula(f.a, (g as typeof f).a);
    case "implies": {
      const h = g as typeof f;
      return compareFormula(f.a, h.a) || compareFormula(f.b, h.b);
    }
    default:
      return 0;
  }
}

/**
 * Whether divisions in transformations are safe: a divisor must be non-zero by the side
 * conditions of the scalars it uses (ELB012 otherwise).
 */
import { error } from "../diagnostics/diagnostic.ts";
import type { Span } from "../diagnostics/span.ts";
import type { Rational } from "../numeric/rational.ts";
import type { TransformCtx } from "./transformCtx.ts";
import type { Scalar, SExpr, SFormula } from "./types.ts";

/** Whether `e` is certainly non-zero given the scalars' side conditions. */
export function nonzero(e: SExpr, scalars: readonly Scalar[]): boolean {
  if (positive(e)) return true;
  switch (e.k) {
    case "const":
      return !e.v.isZero();
    case "neg":
      return nonzero(e.a, scalars);
    case "mul":
      return nonzero(e.a, scalars) && nonzero(e.b, scalars);
    case "div":
      return nonzero(e.a, scalars) && nonzero(e.b, scalars);
    case "scalar": {
      const s = scalars.find((x) => x.id === e.id);
      const cond = s?.condition;
      // s = a or s = b with a, b non-zero constants (a sign: s = 1 or s = -1).
      if (cond?.k === "or") return [cond.a, cond.b].every((c) => c.k === "cmp" && c.op === "=" && c.a.k === "var" && c.a.name === "self" && c.b.k === "const" && !c.b.v.isZero());
      if (!cond || cond.k !== "cmp") return false;
      const bound = constValue(cond.b);
      if (!bound) return false;
      const sign = bound.sign();
      return (cond.op === ">" && sign >= 0) || (cond.op === ">=" && sign > 0) || (cond.op === "<" && sign <= 0) || (cond.op === "<=" && sign < 0) || (cond.op === "!=" && sign === 0);
    }
    default:
      return false;
  }
}

/** Certainly positive whatever the scalars: a positive constant plus squares (1 + t t). */
function positive(e: SExpr): boolean {
  if (e.k === "const") return e.v.sign() > 0;
  if (e.k === "add") return (positive(e.a) && nonnegative(e.b)) || (nonnegative(e.a) && positive(e.b));
  return false;
}

function nonnegative(e: SExpr): boolean {
  if (e.k === "const") return e.v.sign() >= 0;
  if (e.k === "mul") return sameExpr(e.a, e.b);
  if (e.k === "add") return nonnegative(e.a) && nonnegative(e.b);
  return false;
}

function sameExpr(a: SExpr, b: SExpr): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case "const":
      return a.v.eq((b as typeof a).v);
    case "scalar":
      return a.id === (b as typeof a).id && a.index === (b as typeof a).index;
    case "var":
      return a.name === (b as typeof a).name;
    case "entry":
      return a.param === (b as typeof a).param && a.index === (b as typeof a).index;
    case "neg":
      return sameExpr(a.a, (b as typeof a).a);
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "max":
    case "min":
      return sameExpr(a.a, (b as typeof a).a) && sameExpr(a.b, (b as typeof a).b);
    default:
      return false;
  }
}

export function checkDivisions(e: SExpr, span: Span, ctx: TransformCtx): boolean {
  const walk = (x: SExpr): boolean => {
    switch (x.k) {
      case "div":
        if (!nonzero(x.b, ctx.scalars)) {
          const message = readsParameter(x.b)
            ? "this divides by a parameter entry, which may be 0 for some parameters; parameters range over all real values and cannot have side conditions. Divide by a symbolic scalar with a side condition instead (symmetry s(c > 0) = { ... / c }), or by a non-zero constant"
            : "this divides by an expression that may be 0; give the scalars side conditions that exclude 0 (c > 0, c < 0 or c != 0)";
          ctx.diags.push(error("ELB012", span, message));
          return false;
        }
        return walk(x.a) && walk(x.b);
      case "add":
      case "sub":
      case "mul":
      case "max":
      case "min":
        return walk(x.a) && walk(x.b);
      case "neg":
        return walk(x.a);
      case "ite":
        return walkF(x.cond) && walk(x.then) && walk(x.else);
      case "app":
        return walk(x.arg);
      default:
        return true;
    }
  };
  const walkF = (f: SFormula): boolean => (f.k === "cmp" ? walk(f.a) && walk(f.b) : f.k === "not" ? walkF(f.a) : walkF(f.a) && walkF(f.b));
  return walk(e);
}

/** Whether `e` reads a parameter entry. */
function readsParameter(e: SExpr): boolean {
  switch (e.k) {
    case "entry":
      return true;
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "max":
    case "min":
      return readsParameter(e.a) || readsParameter(e.b);
    case "neg":
      return readsParameter(e.a);
    case "ite":
      return readsParameter(e.then) || readsParameter(e.else);
    case "app":
      return readsParameter(e.arg);
    default:
      return false;
  }
}

/** The value of an expression without variables, scalars or entries. */
export function constValue(e: SExpr): Rational | null {
  switch (e.k) {
    case "const":
      return e.v;
    case "neg": {
      const a = constValue(e.a);
      return a && a.neg();
    }
    case "add":
    case "sub":
    case "mul":
    case "div": {
      const a = constValue(e.a);
      const b = constValue(e.b);
      if (!a || !b) return null;
      if (e.k === "div") return b.isZero() ? null : a.div(b);
      return e.k === "add" ? a.add(b) : e.k === "sub" ? a.sub(b) : a.mul(b);
    }
    default:
      return null;
  }
}

/**
 * Scalar and tensor expressions: activation definitions and axioms, symmetry factors, and
 * right-hand sides of assignments (`c * W1[0,:]`). Tensor values are elementwise lazily:
 * `at(position)` gives the scalar expression of one entry.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Span } from "../diagnostics/span.ts";
import { Rational } from "../numeric/rational.ts";
import type * as A from "../syntax/types.ts";
import { evalInt } from "./constants.ts";
import { constValue } from "./nonzero.ts";
import type { Scope } from "./scope.ts";
import { kindWord, unknown } from "./scope.ts";
import type { Activation, Network, Scalar, SExpr, SFormula, CmpOp } from "./types.ts";

/** What names mean inside an expression. */
export interface SEnv {
  readonly scope: Scope;
  /** Bound variables (an activation's argument, an axiom's `forall` variables). */
  readonly vars: ReadonlySet<string>;
  /** Symbolic scalars by written name (a Rational when an argument fixed its value). */
  readonly scalars: ReadonlyMap<string, Scalar | Rational>;
  /** Network whose parameters may be read (in assignments), if any. */
  readonly network: Network | null;
  /** Resolve an activation name (the activation being declared may refer to itself). */
  readonly activation: (name: A.Ident) => Activation | null;
}

/** A tensor-valued expression: `shape` [] for scalars; `at` is only called in range. */
export interface TVal {
  readonly shape: readonly number[];
  readonly at: (pos: readonly number[]) => SExpr;
  readonly span: Span;
}

export const c = (v: Rational): SExpr => ({ k: "const", v });

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);
export const shapeText = (s: readonly number[]) => (s.length === 0 ? "a scalar" : s.length === 1 ? `a vector of ${s[0]}` : `a ${s.join("x")} matrix`);

/** Flat row-major index of `pos` in `shape`. */
export const flat = (shape: readonly number[], pos: readonly number[]): number => pos.reduce((acc, p, i) => acc * shape[i]! + p, 0);

function broadcast(op: (a: SExpr, b: SExpr) => SExpr, a: TVal, b: TVal, span: Span, diags: Diagnostic[]): TVal | null {
  if (a.shape.length > 0 && b.shape.length > 0 && !sameShape(a.shape, b.shape)) {
    diags.push(error("ELB003", span, `cannot combine ${shapeText(a.shape)} with ${shapeText(b.shape)}`));
    return null;
  }
  const shape = a.shape.length > 0 ? a.shape : b.shape;
  return { shape, span, at: (p) => op(a.shape.length ? a.at(p) : a.at([]), b.shape.length ? b.at(p) : b.at([])) };
}

const scalarVal = (e: SExpr, span: Span): TVal => ({ shape: [], at: () => e, span });

/** Whether a divisor is the constant 0 (in every entry: a constant divisor is a scalar). */
function isZeroConstant(t: TVal): boolean {
  if (t.shape.length > 0) return false;
  const v = constValue(t.at([]));
  return v !== null && v.isZero();
}

/** Elaborate an expression to a tensor of scalar expressions. */
export function elabTensor(e: A.Expr, env: SEnv, diags: Diagnostic[]): TVal | null {
  switch (e.kind) {
    case "num": {
      const v = Rational.parse(e.text);
      if (!v) {
        diags.push(error("ELB022", e.span, `${e.text} is not a number neteq can represent exactly`));
        return null;
      }
      return scalarVal(c(v), e.span);
    }
    case "name":
      return nameVal(e.name, e.span, env, diags);
    case "neg": {
      const a = elabTensor(e.arg, env, diags);
      return a && { shape: a.shape, span: e.span, at: (p) => ({ k: "neg", a: a.at(p) }) };
    }
    case "binary": {
      if (!["+", "-", "*", "/"].includes(e.op)) {
        diags.push(error("ELB022", e.span, `a comparison or logical operator (${e.op}) cannot be used as a value`));
        return null;
      }
      const a = elabTensor(e.left, env, diags);
      const b = elabTensor(e.right, env, diags);
      if (!a || !b) return null;
      if (e.op === "/" && isZeroConstant(b)) {
        diags.push(error("ELB022", e.right.span, "division by zero"));
        return null;
      }
      const k = ({ "+": "add", "-": "sub", "*": "mul", "/": "div" } as const)[e.op as "+" | "-" | "*" | "/"];
      return broadcast((x, y) => ({ k, a: x, b: y }), a, b, e.span, diags);
    }
    case "call":
      return callVal(e, env, diags);
    case "index":
      return indexVal(e, env, diags);
    case "if": {
      const cond = elabFormula(e.cond, env, diags);
      const t = elabScalar(e.then, env, diags);
      const f = elabScalar(e.else, env, diags);
      return cond && t && f ? scalarVal({ k: "ite", cond, then: t, else: f }, e.span) : null;
    }
    case "juxt":
      diags.push(error("ELB022", e.span, "matrix-vector products belong in network definitions; here write entries and slices (W[0,:]) with + - * /"));
      return null;
    case "not":
      diags.push(error("ELB022", e.span, "`not` makes a condition, not a value"));
      return null;
    case "reduce":
      diags.push(error("ELB022", e.span, `${e.op}[...] reductions belong in network definitions; here write entries and slices (W[0,:]) with + - * /`));
      return null;
  }
}

function nameVal(name: string, span: Span, env: SEnv, diags: Diagnostic[]): TVal | null {
  if (env.vars.has(name)) return scalarVal({ k: "var", name }, span);
  const s = env.scalars.get(name);
  if (s instanceof Rational) return scalarVal(c(s), span);
  if (s) return s.vector ? { shape: s.shape, span, at: (p) => ({ k: "scalar", id: s.id, index: flat(s.shape, p) }) } : scalarVal({ k: "scalar", id: s.id, index: 0 }, span);
  const p = env.network?.params.find((q) => q.name === name);
  if (p) return { shape: p.shape, span, at: (pos) => ({ k: "entry", param: p.name, index: flat(p.shape, pos) }) };
  const entry = env.scope.lookup(name);
  if (entry?.kind === "int") return scalarVal(c(Rational.of(entry.value)), span);
  if (entry) diags.push(error("ELB006", span, `${name} is ${kindWord(entry)}, not a value${entry.kind === "builtin" || entry.kind === "activation" ? `; apply it: ${name}(...)` : ""}`));
  else unknown({ name, span }, "name", env.scope, diags);
  return null;
}

/**
 * Matrices built for transformations: `inverse(A)` of an invertible symbolic matrix,
 * `transpose(M)`, and `rotation(t)`, the rotation of each plane (m, m + n) of a 2n-dimensional
 * space by the angle whose half-tangent is t[m] (cos = (1 - t^2)/(1 + t^2),
 * sin = 2t/(1 + t^2): every rotation but the half-turn, with no side condition).
 */
function matrixCall(e: Extract<A.Expr, { kind: "call" }>, env: SEnv, diags: Diagnostic[]): TVal | null | undefined {
  const fn = e.callee.name;
  if (fn !== "inverse" && fn !== "transpose" && fn !== "rotation") return undefined;
  if (e.args.length !== 1) {
    diags.push(error("ELB009", e.span, `${fn} takes 1 argument, not ${e.args.length}`));
    return null;
  }
  const arg = e.args[0]!;
  if (fn === "inverse") {
    const inv = arg.kind === "name" ? env.scalars.get(`inverse ${arg.name}`) : undefined;
    if (!inv || inv instanceof Rational) {
      diags.push(error("ELB006", arg.span, "inverse(A) needs a matrix declared invertible, as in symmetry s(A[3, 3] invertible) = ..."));
      return null;
    }
    return { shape: inv.shape, span: e.span, at: (p) => ({ k: "scalar", id: inv.id, index: flat(inv.shape, p) }) };
  }
  const m = elabTensor(arg, env, diags);
  if (!m) return null;
  if (fn === "transpose") {
    if (m.shape.length !== 2) {
      diags.push(error("ELB003", arg.span, `transpose needs a matrix, but this is ${shapeText(m.shape)}`));
      return null;
    }
    return { shape: [m.shape[1]!, m.shape[0]!], span: e.span, at: (p) => m.at([p[1]!, p[0]!]) };
  }
  if (m.shape.length !== 1) {
    diags.push(error("ELB003", arg.span, `rotation takes a vector of half-angle tangents (one per plane), but this is ${shapeText(m.shape)}`));
    return null;
  }
  const n = m.shape[0]!;
  const one: SExpr = c(Rational.ONE);
  const cosOf = (t: SExpr): SExpr => ({ k: "div", a: { k: "sub", a: one, b: { k: "mul", a: t, b: t } }, b: { k: "add", a: one, b: { k: "mul", a: t, b: t } } });
  const sinOf = (t: SExpr): SExpr => ({ k: "div", a: { k: "mul", a: c(Rational.of(2)), b: t }, b: { k: "add", a: one, b: { k: "mul", a: t, b: t } } });
  // Row-vector convention (x -> x R): R[m][m] = R[m+n][m+n] = cos, R[m][m+n] = sin, R[m+n][m] = -sin.
  return {
    shape: [2 * n, 2 * n],
    span: e.span,
    at: ([i, j]) => {
      const pi = i! % n;
      if (pi !== j! % n) return c(Rational.ZERO);
      const t = m.at([pi]);
      if (i === j) return cosOf(t);
      return i! < n ? sinOf(t) : { k: "neg", a: sinOf(t) };
    },
  };
}

function callVal(e: Extract<A.Expr, { kind: "call" }>, env: SEnv, diags: Diagnostic[]): TVal | null {
  const fn = e.callee.name;
  const matrix = matrixCall(e, env, diags);
  if (matrix !== undefined) return matrix;
  if (fn === "max" || fn === "min") {
    if (e.args.length !== 2) {
      diags.push(error("ELB009", e.span, `${fn} takes 2 arguments, not ${e.args.length}`));
      return null;
    }
    const a = elabTensor(e.args[0]!, env, diags);
    const b = elabTensor(e.args[1]!, env, diags);
    return a && b && broadcast((x, y) => ({ k: fn, a: x, b: y }), a, b, e.span, diags);
  }
  if (env.network?.params.some((p) => p.name === fn)) {
    diags.push(error("ELB022", e.span, `${fn} is a parameter; index it with [ ], not ( )`));
    return null;
  }
  const act = env.activation(e.callee);
  if (!act) return null;
  if (e.args.length !== 1) {
    diags.push(error("ELB009", e.span, `activation ${fn} takes 1 argument, not ${e.args.length}`));
    return null;
  }
  const a = elabTensor(e.args[0]!, env, diags);
  return a && { shape: a.shape, span: e.span, at: (p) => ({ k: "app", act, arg: a.at(p) }) };
}

function indexVal(e: Extract<A.Expr, { kind: "index" }>, env: SEnv, diags: Diagnostic[]): TVal | null {
  if (e.target.kind !== "name") {
    diags.push(error("ELB022", e.span, "only parameters and symbolic scalar vectors can be indexed"));
    return null;
  }
  const base = nameVal(e.target.name, e.target.span, env, diags);
  if (!base) return null;
  if (base.shape.length !== e.indices.length) {
    diags.push(error("ELB003", e.span, `${e.target.name} is ${shapeText(base.shape)} and takes ${base.shape.length} ${base.shape.length === 1 ? "index" : "indices"}, not ${e.indices.length}`));
    return null;
  }
  const fixed: (number | null)[] = [];
  for (let i = 0; i < e.indices.length; i++) {
    const ix = e.indices[i]!;
    if (ix.kind === "all") fixed.push(null);
    else {
      const v = evalInt(ix.expr, env.scope, diags, "an index");
      if (v === null) return null;
      if (v >= base.shape[i]!) {
        diags.push(error("ELB005", ix.expr.span, `index ${v} is out of range: ${e.target.name} has ${base.shape[i]} ${i === 0 && base.shape.length === 2 ? "rows" : i === 1 ? "columns" : "entries"} (0..${base.shape[i]! - 1})`));
        return null;
      }
      fixed.push(v);
    }
  }
  const shape = base.shape.filter((_, i) => fixed[i] === null);
  return {
    shape,
    span: e.span,
    at: (p) => {
      let k = 0;
      return base.at(fixed.map((f) => (f === null ? p[k++]! : f)));
    },
  };
}

/** A scalar-valued expression. */
export function elabScalar(e: A.Expr, env: SEnv, diags: Diagnostic[]): SExpr | null {
  const t = elabTensor(e, env, diags);
  if (!t) return null;
  if (t.shape.length !== 0) {
    diags.push(error("ELB003", e.span, `expected a scalar, but this is ${shapeText(t.shape)}`));
    return null;
  }
  return t.at([]);
}

const CMP = new Set(["=", "!=", "<", "<=", ">", ">="]);

/** A condition: comparisons combined with and / or / not / =>. */
export function elabFormula(e: A.Expr, env: SEnv, diags: Diagnostic[]): SFormula | null {
  if (e.kind === "not") {
    const a = elabFormula(e.arg, env, diags);
    return a && { k: "not", a };
  }
  if (e.kind === "binary" && (e.op === "and" || e.op === "or" || e.op === "=>")) {
    const a = elabFormula(e.left, env, diags);
    const b = elabFormula(e.right, env, diags);
    if (!a || !b) return null;
    return e.op === "=>" ? { k: "implies", a, b } : { k: e.op, a, b };
  }
  if (e.kind === "binary" && CMP.has(e.op)) {
    const a = elabScalar(e.left, env, diags);
    const b = elabScalar(e.right, env, diags);
    return a && b && { k: "cmp", op: e.op as CmpOp, a, b };
  }
  diags.push(error("ELB020", e.span, "expected a condition: a comparison (=, !=, <, <=, >, >=), possibly combined with and, or, not, =>"));
  return null;
}

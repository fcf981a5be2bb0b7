/**
 * The abstract syntax of a `.neq` proof file, exactly as written (names unresolved, shapes
 * unchecked). Every node carries the span of the text it came from.
 */
import type { Span } from "../diagnostics/span.ts";

/** A name as written, with its place. */
export interface Ident {
  readonly name: string;
  readonly span: Span;
}

export type BinaryOp = "+" | "-" | "*" | "/" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "and" | "or" | "=>";
export type CmpOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

/** One index position: an expression, or `:` for "all". */
export type Index = { readonly kind: "at"; readonly expr: Expr } | { readonly kind: "all"; readonly span: Span };

/** Expressions: scalars, vectors, conditions and integer expressions share one syntax. */
export type Expr =
  | { readonly kind: "num"; readonly text: string; readonly span: Span }
  | { readonly kind: "name"; readonly name: string; readonly span: Span }
  | { readonly kind: "neg"; readonly arg: Expr; readonly span: Span }
  | { readonly kind: "not"; readonly arg: Expr; readonly span: Span }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly span: Span }
  /** Juxtaposition `W x` (matrix-vector product, or scalar times vector). */
  | { readonly kind: "juxt"; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: "call"; readonly callee: Ident; readonly args: readonly Expr[]; readonly span: Span }
  | { readonly kind: "index"; readonly target: Expr; readonly indices: readonly Index[]; readonly span: Span }
  | { readonly kind: "if"; readonly cond: Expr; readonly then: Expr; readonly else: Expr; readonly span: Span }
  /** `sum[c, a] body`, `max[a] body`: a reduction over index variables. */
  | { readonly kind: "reduce"; readonly op: "sum" | "max"; readonly vars: readonly BoundVar[]; readonly body: Expr; readonly span: Span };

/** An index variable with an optional range: `o`, `i:32`. */
export interface BoundVar {
  readonly name: Ident;
  readonly size: Expr | null;
  readonly span: Span;
}

/** An activation used in `mlp(...)`: `relu`, `leaky_relu(0.01)`. */
export interface ActRef {
  readonly name: Ident;
  readonly args: readonly Expr[];
  readonly span: Span;
}

/** `axiom name: forall z: body` (name and binder optional). */
export interface Axiom {
  readonly name: Ident | null;
  readonly vars: readonly Ident[];
  readonly body: Expr;
  readonly span: Span;
}

/** A statement of an explicit network block. */
export type Stmt =
  | { readonly kind: "input"; readonly name: Ident; readonly dims: readonly Expr[]; readonly span: Span }
  | { readonly kind: "param"; readonly decls: readonly { readonly name: Ident; readonly dims: readonly Expr[]; readonly span: Span }[]; readonly span: Span }
  /** `h = expr`, or in index notation `h[o, i] = expr` (indices non-null). */
  | { readonly kind: "let"; readonly name: Ident; readonly indices: readonly BoundVar[] | null; readonly expr: Expr; readonly span: Span }
  | { readonly kind: "out"; readonly indices: readonly BoundVar[] | null; readonly expr: Expr; readonly span: Span };

export type NetworkBody =
  | { readonly kind: "mlp"; readonly widths: readonly Expr[]; readonly activations: readonly ActRef[]; readonly span: Span }
  | { readonly kind: "block"; readonly stmts: readonly Stmt[]; readonly span: Span };

/**
 * `c`, `c > 0`, `c[4] > 0`, `A[3, 3] invertible`: a symbolic scalar (or vector or matrix of
 * scalars) of a symmetry.
 */
export interface ScalarDecl {
  readonly name: Ident;
  /** Sizes of its axes (null: a single scalar). */
  readonly dims: readonly Expr[] | null;
  /** A square matrix that is invertible; `inverse(A)` is then its inverse. */
  readonly invertible: boolean;
  readonly op: CmpOp | null;
  readonly bound: Expr | null;
  /** Every entry is 1 or -1 (`forall s: sign(n)`). */
  readonly sign?: boolean;
  /** Written as `forall c: pos(n)` (its condition is `c > 0`). */
  readonly pos?: boolean;
  readonly span: Span;
}

/**
 * A reference to units of a network: `Net.h1`, `Net.h1[2]`, `h1`, `Net.h axis c`,
 * `Net.y.q` (an auxiliary tensor of an operation). `path` is the dotted name as written;
 * elaboration decides whether its first part names a network.
 */
export interface UnitRef {
  readonly path: readonly Ident[];
  readonly unit: Expr | null;
  /** The axis (a name of the tensor's definition, or a number); the first when null. */
  readonly axis: Expr | null;
  readonly span: Span;
}

/** A permutation: cycles `(0 2)(1 3)` or one-line array notation `[2, 3, 0, 1]`. */
export type Perm =
  | { readonly kind: "cycles"; readonly cycles: readonly (readonly Expr[])[]; readonly span: Span }
  | { readonly kind: "array"; readonly images: readonly Expr[]; readonly span: Span }
  /** A permutation variable of a whole-group claim: `forall P: perm(n). ... by P`. */
  | { readonly kind: "name"; readonly name: Ident; readonly span: Span };

/**
 * A variable a claim quantifies over: a size (`forall n >= 1.`) or a group element
 * (`forall P: perm(n), c: pos(n), s: sign(n), A: gl(k).`).
 */
export type Binder =
  | { readonly kind: "size"; readonly name: Ident; readonly min: Expr | null; readonly span: Span }
  | { readonly kind: "group"; readonly name: Ident; readonly group: Ident; readonly args: readonly Expr[]; readonly span: Span };

/** `W1[0,:] := c * W1[0,:]` */
export interface Assign {
  readonly target: Expr;
  readonly value: Expr;
  readonly span: Span;
}

/** Transformations of parameters. */
export type TExpr =
  | { readonly kind: "ref"; readonly name: Ident; readonly args: readonly Expr[]; readonly span: Span }
  | { readonly kind: "permute"; readonly target: UnitRef; readonly perm: Perm; readonly span: Span }
  /** `permute rows of W`, `permute cols of W`, `permute axis 2 of K`. */
  | { readonly kind: "permuteAxis"; readonly axis: "rows" | "cols" | Expr; readonly network: Ident | null; readonly param: Ident; readonly perm: Perm; readonly span: Span }
  | { readonly kind: "scale"; readonly target: UnitRef; readonly factor: Expr; readonly span: Span }
  /** `multiply axis a of P by M`: P's entries along axis a become sum_j P[.., j, ..] M[j, k]. */
  | { readonly kind: "multiply"; readonly axis: Expr; readonly network: Ident | null; readonly param: Ident; readonly matrix: Expr; readonly span: Span }
  | { readonly kind: "flip"; readonly target: UnitRef; readonly correction: boolean; readonly span: Span }
  | { readonly kind: "then"; readonly first: TExpr; readonly second: TExpr; readonly span: Span }
  | { readonly kind: "assign"; readonly assigns: readonly Assign[]; readonly span: Span };

/** Options of a `bound` statement: `B = 1, eps = 1/100`. */
export interface BoundOption {
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/** Top-level (and sweep-body) declarations. */
export type Decl =
  | { readonly kind: "import"; readonly path: string; readonly span: Span }
  | {
      readonly kind: "activation";
      readonly name: Ident;
      readonly arg: Ident | null;
      readonly definition: Expr | null;
      /** `activation lrelu = leaky_relu(0.1)` */
      readonly alias: ActRef | null;
      readonly properties: readonly Ident[];
      readonly axioms: readonly Axiom[];
      readonly span: Span;
    }
  /** `network N(n, m) = ...` declares a family of networks over the sizes `params`. */
  | { readonly kind: "network"; readonly name: Ident; readonly params: readonly Ident[]; readonly body: NetworkBody; readonly span: Span }
  | {
      readonly kind: "symmetry";
      readonly keyword: "symmetry" | "map";
      readonly name: Ident;
      readonly scalars: readonly ScalarDecl[];
      readonly signature: { readonly from: Ident; readonly to: Ident } | null;
      readonly body: TExpr;
      readonly span: Span;
    }
  | {
      readonly kind: "claim";
      readonly expect: "proved" | "refuted";
      readonly name: Ident;
      /** `forall ...` prefixes, in order, each with its binders. */
      readonly quantifiers: readonly (readonly Binder[])[];
      readonly lhs: Ident;
      /** Sizes of a network family: `N(n, 4)`. */
      readonly lhsArgs: readonly Expr[] | null;
      readonly rhs: Ident;
      readonly rhsArgs: readonly Expr[] | null;
      readonly transform: TExpr | null;
      readonly span: Span;
    }
  | { readonly kind: "for"; readonly variable: Ident; readonly from: Expr; readonly to: Expr; readonly body: readonly Decl[]; readonly span: Span }
  | {
      readonly kind: "bound";
      readonly expect: "holds";
      readonly name: Ident;
      readonly network: Ident;
      readonly options: readonly BoundOption[];
      readonly assertion: Expr | null;
      readonly span: Span;
    };

/** A parsed file. */
export interface Program {
  readonly file: string;
  readonly decls: readonly Decl[];
}

/**
 * The elaborated model: names resolved, shapes checked, sweeps unrolled, transformations
 * flattened into steps. Everything here is plain data that later stages read but never
 * change.
 */
import type { Span } from "../diagnostics/span.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Rational } from "../numeric/rational.ts";

export type CmpOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

/**
 * Scalar expressions: activation definitions and axioms (over bound variables), symmetry
 * factors (over symbolic scalars), and assigned values (over parameter entries of the
 * source network).
 */
export type SExpr =
  | { readonly k: "const"; readonly v: Rational }
  /** A bound variable of an activation definition or axiom. */
  | { readonly k: "var"; readonly name: string }
  /** Entry `index` of symbolic scalar `id` (index 0 for a plain scalar). */
  | { readonly k: "scalar"; readonly id: string; readonly index: number }
  /** Entry of a parameter of the source network, flat row-major `index`. */
  | { readonly k: "entry"; readonly param: string; readonly index: number }
  | { readonly k: "add"; readonly a: SExpr; readonly b: SExpr }
  | { readonly k: "sub"; readonly a: SExpr; readonly b: SExpr }
  | { readonly k: "mul"; readonly a: SExpr; readonly b: SExpr }
  | { readonly k: "div"; readonly a: SExpr; readonly b: SExpr }
  | { readonly k: "neg"; readonly a: SExpr }
  | { readonly k: "max"; readonly a: SExpr; readonly b: SExpr }
  | { readonly k: "min"; readonly a: SExpr; readonly b: SExpr }
  | { readonly k: "ite"; readonly cond: SFormula; readonly then: SExpr; readonly else: SExpr }
  | { readonly k: "app"; readonly act: Activation; readonly arg: SExpr };

/** Conditions over scalar expressions. */
export type SFormula =
  | { readonly k: "cmp"; readonly op: CmpOp; readonly a: SExpr; readonly b: SExpr }
  | { readonly k: "and"; readonly a: SFormula; readonly b: SFormula }
  | { readonly k: "or"; readonly a: SFormula; readonly b: SFormula }
  | { readonly k: "not"; readonly a: SFormula }
  | { readonly k: "implies"; readonly a: SFormula; readonly b: SFormula };

export type Property = "odd" | "positively_homogeneous";
export type BuiltinName = "relu" | "leaky_relu" | "tanh" | "sigmoid" | "identity";

/** `forall vars: body`, with a name in the user's words ("tanh is odd"). */
export interface AxiomDef {
  readonly label: string;
  readonly vars: readonly string[];
  readonly body: SFormula;
  readonly span: Span;
}

/**
 * An activation function. `defined` ones have an exact definition over the variable
 * `param` (piecewise-linear or polynomial); `uninterpreted` ones are known only through
 * their properties and axioms (built-in tanh and sigmoid are uninterpreted with their true
 * axioms, and are evaluated with the real functions numerically).
 */
export interface Activation {
  /** Unique per declaration (also the SMT name stem): "relu", "leaky_relu(1/100)", "sigma@perm.neq:3". */
  readonly key: string;
  /** As the user wrote it. */
  readonly name: string;
  readonly kind: "defined" | "uninterpreted";
  readonly builtin: BuiltinName | null;
  readonly param: string;
  readonly definition: SExpr | null;
  readonly properties: readonly Property[];
  readonly axioms: readonly AxiomDef[];
  readonly span: Span;
}

/** Vector expressions of a network; `size` is the vector length. */
export type VExpr =
  | { readonly k: "input"; readonly name: string; readonly size: number; readonly span: Span }
  | { readonly k: "node"; readonly name: string; readonly size: number; readonly span: Span }
  | { readonly k: "param"; readonly name: string; readonly size: number; readonly span: Span }
  | { readonly k: "matvec"; readonly param: string; readonly arg: VExpr; readonly size: number; readonly span: Span }
  | { readonly k: "sum"; readonly terms: readonly { readonly sign: 1 | -1; readonly e: VExpr }[]; readonly size: number; readonly span: Span }
  | { readonly k: "act"; readonly act: Activation; readonly arg: VExpr; readonly size: number; readonly span: Span }
  | { readonly k: "scale"; readonly factor: Rational; readonly arg: VExpr; readonly size: number; readonly span: Span };

/** A parameter tensor: a vector `[n]` or a matrix `[rows, cols]`, stored row-major. */
export interface ParamDecl {
  readonly name: string;
  readonly shape: readonly number[];
  readonly span: Span;
}

/** A named intermediate vector (a hidden layer `h1`, a residual stream `s1`). */
export interface NodeDef {
  readonly name: string;
  readonly size: number;
  readonly expr: VExpr;
  readonly span: Span;
}

/** A network: one input vector, parameters, named vectors in definition order, one output. */
export interface Network {
  readonly name: string;
  readonly input: { readonly name: string; readonly size: number; readonly span: Span };
  readonly params: readonly ParamDecl[];
  readonly nodes: readonly NodeDef[];
  readonly output: { readonly expr: VExpr; readonly size: number; readonly span: Span };
  /** Present when declared with `mlp(...)`: widths d_0..d_{L+1}. */
  readonly mlp: { readonly widths: readonly number[]; readonly activations: readonly Activation[] } | null;
  readonly span: Span;
}

/**
 * Where the units of a hidden vector live among the parameters: the rows of `rows` and the
 * entries of `biases` compute them; the columns of `cols` read them. `corrections` says,
 * for each reader `sign * cols[i] h` that sits in a sum with a bias, which bias to adjust
 * for `flip ... with bias correction`.
 */
export interface UnitLayout {
  readonly node: string;
  readonly size: number;
  readonly rows: readonly string[];
  readonly biases: readonly string[];
  readonly cols: readonly string[];
  readonly corrections: readonly { readonly matrix: string; readonly sign: 1 | -1; readonly bias: string; readonly biasSign: 1 | -1 }[] | null;
  readonly activation: Activation | null;
}

/** A symbolic scalar of a transformation, universally quantified under its condition. */
export interface Scalar {
  /** Unique within a claim. */
  readonly id: string;
  /** For the user: "c", or "c (from s)" when several symmetries use the name. */
  readonly label: string;
  /** Number of entries (1 for a plain scalar). */
  readonly size: number;
  readonly vector: boolean;
  /** Condition on each entry, with the entry as `var "self"`. */
  readonly condition: SFormula | null;
  /** The condition as written ("c > 0"). */
  readonly conditionText: string | null;
  readonly span: Span;
}

/**
 * One step of a transformation of the parameters. Steps apply in order; within a step all
 * right-hand sides read the parameters as they were before the step.
 *
 * Permutation convention: `perm[i]` is the new position of unit i.
 */
export type Step =
  | { readonly k: "permuteUnits"; readonly layout: UnitLayout; readonly perm: readonly number[]; readonly span: Span }
  | { readonly k: "scaleUnits"; readonly layout: UnitLayout; readonly units: readonly number[]; readonly factors: readonly SExpr[]; readonly span: Span }
  | { readonly k: "flipUnits"; readonly layout: UnitLayout; readonly units: readonly number[]; readonly correction: boolean; readonly span: Span }
  | { readonly k: "permuteAxis"; readonly param: string; readonly axis: 0 | 1; readonly shape: readonly number[]; readonly perm: readonly number[]; readonly span: Span }
  /** Simultaneous assignment of entries; `copyFrom` starts a map between networks. */
  | {
      readonly k: "assign";
      readonly entries: readonly { readonly param: string; readonly index: number; readonly value: SExpr }[];
      readonly copy: readonly { readonly target: string; readonly source: string }[] | null;
      readonly span: Span;
    };

/** A transformation of the parameters of `from` into parameters of `to`. */
export interface Transform {
  readonly from: Network;
  readonly to: Network;
  readonly scalars: readonly Scalar[];
  readonly steps: readonly Step[];
  /** As written ("swap then permute Net.h2 by [3,0,1,2]"), or "" for the identity. */
  readonly text: string;
  readonly span: Span;
}

/**
 * A claim: for all parameters of `lhs` (and all scalars satisfying their conditions) and all
 * inputs, lhs(theta, x) = rhs(transform(theta), x). `expect` says which verdict the author
 * expects.
 */
export interface Claim {
  readonly name: string;
  readonly expect: "proved" | "refuted";
  readonly lhs: Network;
  readonly rhs: Network;
  readonly transform: Transform;
  readonly span: Span;
}

/** A `bound` statement: covering-number quantities of a network, optionally asserted. */
export interface BoundClaim {
  readonly name: string;
  readonly network: Network;
  readonly options: Readonly<Record<string, Rational>>;
  readonly optionSpans: Readonly<Record<string, Span>>;
  readonly assertion: BoundAssertion | null;
  readonly span: Span;
}

/** Conditions over the named quantities of a bound statement. */
export type BoundAssertion =
  | { readonly k: "cmp"; readonly op: CmpOp; readonly a: BoundTerm; readonly b: BoundTerm; readonly span: Span }
  | { readonly k: "and" | "or"; readonly a: BoundAssertion; readonly b: BoundAssertion; readonly span: Span }
  | { readonly k: "not"; readonly a: BoundAssertion; readonly span: Span }
  | { readonly k: "fact"; readonly name: string; readonly span: Span };

export type BoundTerm =
  | { readonly k: "const"; readonly v: Rational }
  | { readonly k: "quantity"; readonly name: string; readonly span: Span }
  | { readonly k: "add" | "sub" | "mul" | "div"; readonly a: BoundTerm; readonly b: BoundTerm }
  | { readonly k: "neg"; readonly a: BoundTerm };

/** Everything elaborated from one file (and the declarations it imports). */
export interface Module {
  readonly file: string;
  readonly claims: readonly Claim[];
  readonly bounds: readonly BoundClaim[];
  /** Claims that could not be elaborated (their verdict is `error`). */
  readonly failed: readonly { readonly name: string; readonly expect: "proved" | "refuted" | "holds"; readonly span: Span }[];
  readonly networks: ReadonlyMap<string, Network>;
  readonly diagnostics: readonly Diagnostic[];
}

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
export type BuiltinName = "relu" | "leaky_relu" | "tanh" | "sigmoid" | "identity" | "exp" | "rsqrt" | "gelu" | "silu" | "softplus";

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

/**
 * An affine index: sum of k * v over index variables v, plus c. Convolution taps (i + a),
 * strides (2 i + a) and padding (i + a - 1) are affine indices.
 */
export interface Affine {
  readonly terms: readonly { readonly v: string; readonly k: number }[];
  readonly c: number;
  /** Reshapes: the index is floor((sum + c) / div), then its remainder modulo `mod`. */
  readonly div?: number;
  readonly mod?: number;
}

/** Which kind of tensor a read refers to. */
export type Source = "input" | "param" | "node";

/**
 * Index expressions: the value of one entry of a tensor, written with index variables.
 * A definition `h[o, i] = e` has the free variables o, i; `sum` and `max` bind theirs.
 * This is the one exact core every network form elaborates to (`W x + b`, `mlp(...)`,
 * convolutions, normalisation, attention are built on it in src/ops/):
 *
 * - a read outside a tensor's bounds is 0 (zero padding);
 * - `guard` is its body where the index condition holds and 0 elsewhere (causal masks);
 * - `div` divides by a non-zero constant, or by a quantity the declaration's axioms make
 *   positive (a softmax denominator, variance + eps), so the facts used are in the
 *   axiom footprint of every proof.
 */
export type IExpr =
  | { readonly k: "const"; readonly v: Rational }
  | { readonly k: "read"; readonly src: Source; readonly name: string; readonly at: readonly Affine[] }
  | { readonly k: "add"; readonly args: readonly IExpr[] }
  | { readonly k: "mul"; readonly args: readonly IExpr[] }
  | { readonly k: "neg"; readonly a: IExpr }
  | { readonly k: "div"; readonly a: IExpr; readonly b: IExpr }
  | { readonly k: "act"; readonly act: Activation; readonly a: IExpr }
  | { readonly k: "sum"; readonly v: string; readonly n: number; readonly body: IExpr }
  | { readonly k: "max"; readonly v: string; readonly n: number; readonly body: IExpr }
  | { readonly k: "guard"; readonly lhs: Affine; readonly op: "<" | "<=" | "="; readonly rhs: Affine; readonly body: IExpr };

/**
 * A tensor of a network: its input, a parameter or a hidden tensor. `axes` names each axis
 * for the user (the index variables of its definition, or names an operation gives).
 */
export interface TensorDecl {
  readonly name: string;
  readonly shape: readonly number[];
  readonly axes: readonly string[];
  readonly span: Span;
}

/**
 * A hidden tensor (or the output): entry [i_1, ..., i_r] is `expr` with its free
 * variables `vars` bound to the indices.
 */
export interface TensorDef extends TensorDecl {
  readonly vars: readonly string[];
  readonly expr: IExpr;
}

/**
 * A network of tensors: one input, parameters, hidden tensors in definition order, and the
 * output (a definition like the others, whose value is the network's value).
 */
export interface Network {
  readonly name: string;
  readonly input: TensorDecl;
  readonly params: readonly TensorDecl[];
  readonly nodes: readonly TensorDef[];
  readonly output: TensorDef;
  /** Present when declared with `mlp(...)`: widths d_0..d_{L+1}. */
  readonly mlp: { readonly widths: readonly number[]; readonly activations: readonly Activation[] } | null;
  readonly span: Span;
}

/** An axis of a tensor: of the input, a parameter, a hidden tensor or the output. */
export interface AxisRef {
  readonly kind: "input" | "param" | "node" | "output";
  readonly name: string;
  readonly axis: number;
}

/**
 * Where the units along one axis of a hidden tensor live among the parameters
 * (elaborate/units.ts): producers are multiplied by a unit's factor, consumers divided;
 * `corrections` are the dense readers whose bias absorbs a sign flip's shift.
 */
export interface TensorUnits {
  readonly node: string;
  readonly axis: number;
  readonly size: number;
  readonly producers: readonly { readonly param: string; readonly axis: number }[];
  readonly consumers: readonly { readonly param: string; readonly axis: number }[];
  readonly corrections: readonly { readonly matrix: string; readonly bias: string; readonly sign: 1 | -1 }[] | null;
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
  /** Whether it has entries (a vector or a matrix of scalars). */
  readonly vector: boolean;
  /** Its axes: [] for a plain scalar, [n] for a vector, [n, n] for a matrix. */
  readonly shape: readonly number[];
  /** For the inverse of an invertible matrix: the id of that matrix (its values follow from it). */
  readonly inverseOf: string | null;
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
  /**
   * Permute the given parameter axes together (all of size perm.length); `nodes` are the
   * hidden tensors' axes this moves (empty for a low-level `permute axis a of P`).
   */
  | {
      readonly k: "permuteAxes";
      readonly params: readonly AxisRef[];
      readonly nodes: readonly AxisRef[];
      readonly perm: readonly number[];
      /** The permutation variable of a whole-group claim (`forall P: perm(n)`), when `perm` is its instance. */
      readonly symbol?: string;
      readonly span: Span;
    }
  | { readonly k: "scaleUnits"; readonly layout: TensorUnits; readonly units: readonly number[]; readonly factors: readonly SExpr[]; readonly span: Span }
  | { readonly k: "flipUnits"; readonly layout: TensorUnits; readonly units: readonly number[]; readonly correction: boolean; readonly span: Span }
  /** P[.., k, ..] := sum_j P[.., j, ..] M[j, k] along `axis`; `matrix` is M row-major (n x n). */
  | { readonly k: "multiplyAxis"; readonly param: string; readonly axis: number; readonly n: number; readonly matrix: readonly SExpr[]; readonly span: Span }
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
  /** Conditions that relate several scalar entries (A inverse(A) = I), with their labels. */
  readonly conditions: readonly { readonly label: string; readonly formula: SFormula }[];
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
  /**
   * A whole-group or every-width claim (`forall P: perm(n)`, `forall n >= 1`): this claim is
   * one instance (sizes and permutations fixed), `instances` the others the checker looks at.
   * Only the symbolic strategy proves such a claim (its proof holds for every permutation, and
   * is the same at every size); an instance's refutation refutes it.
   */
  readonly universal?: {
    readonly text: string;
    readonly sizes: readonly { readonly name: string; readonly min: number }[];
    readonly perms: readonly string[];
    readonly instances: readonly Claim[];
    /** Sizes of this instance, for reports: "n=2, m=3". */
    readonly at: string;
  };
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
  /**
   * The network families of the file (`network N(n, m) = ...`): their size names, and the
   * member at given sizes (null when it does not elaborate there). `networks` holds each
   * family's member at size 2.
   */
  readonly families?: ReadonlyMap<string, { readonly sizes: readonly string[]; readonly at: (sizes: readonly number[]) => Network | null }>;
  readonly diagnostics: readonly Diagnostic[];
}

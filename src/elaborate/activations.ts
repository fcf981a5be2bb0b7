/**
 * Activations: the built-ins with their true axioms, and user declarations
 * (uninterpreted, with properties, defined, with axioms, or aliases of a built-in).
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import * as path from "node:path";
import { noSpan, type Span } from "../diagnostics/span.ts";
import { LIMITS } from "../limits.ts";
import { Rational } from "../numeric/rational.ts";
import type * as A from "../syntax/types.ts";
import { evalConst } from "./constants.ts";
import { elabFormula, elabScalar, type SEnv } from "./sexpr.ts";
import { Scope, unknown } from "./scope.ts";
import type { Activation, AxiomDef, BuiltinName, Property, SExpr, SFormula } from "./types.ts";

const BUILTIN_SPAN: Span = noSpan("<built-in>");
const z: SExpr = { k: "var", name: "z" };
const k = (n: number): SExpr => ({ k: "const", v: Rational.of(n) });
const cmp = (op: "<" | ">", a: SExpr, b: SExpr): SFormula => ({ k: "cmp", op, a, b });

export const BUILTINS: readonly BuiltinName[] = ["relu", "leaky_relu", "tanh", "sigmoid", "identity", "exp", "rsqrt", "gelu", "silu", "softplus"];

/** The built-in activation `name` (leaky_relu takes its slope alpha). */
export function builtin(name: BuiltinName, alpha: Rational | null = null): Activation {
  const base = { name, builtin: name, param: "z", span: BUILTIN_SPAN };
  switch (name) {
    case "relu":
      return { ...base, key: "relu", kind: "defined", definition: { k: "ite", cond: cmp(">", z, k(0)), then: z, else: k(0) }, properties: ["positively_homogeneous"], axioms: [] };
    case "leaky_relu": {
      const a = alpha ?? Rational.of(1, 100);
      return {
        ...base,
        key: `leaky_relu(${a})`,
        name: `leaky_relu(${a})`,
        kind: "defined",
        definition: { k: "ite", cond: cmp(">", z, k(0)), then: z, else: { k: "mul", a: { k: "const", v: a }, b: z } },
        properties: ["positively_homogeneous"],
        axioms: [],
      };
    }
    case "identity":
      return { ...base, key: "identity", kind: "defined", definition: z, properties: ["odd", "positively_homogeneous"], axioms: [] };
    case "tanh": {
      const self: Activation = { ...base, key: "tanh", kind: "uninterpreted", definition: null, properties: ["odd"], axioms: [] };
      const t: SExpr = { k: "app", act: self, arg: z };
      const bounded: AxiomDef = { label: "-1 < tanh(z) < 1", vars: ["z"], body: { k: "and", a: cmp("<", k(-1), t), b: cmp("<", t, k(1)) }, span: BUILTIN_SPAN };
      (self.axioms as AxiomDef[]).push(bounded);
      return self;
    }
    case "exp": {
      const self: Activation = { ...base, key: "exp", kind: "uninterpreted", definition: null, properties: [], axioms: [] };
      const e = (arg: SExpr): SExpr => ({ k: "app", act: self, arg });
      const a: SExpr = { k: "var", name: "a" };
      const b: SExpr = { k: "var", name: "b" };
      (self.axioms as AxiomDef[]).push(
        { label: "exp(z) > 0", vars: ["z"], body: cmp(">", e(z), k(0)), span: BUILTIN_SPAN },
        // exp(a) = exp(b) exp(a - b): instantiated at pairs of arguments, it relates exp(s + c) to exp(s).
        { label: "exp(a) = exp(b) * exp(a - b)", vars: ["a", "b"], body: { k: "cmp", op: "=", a: e(a), b: { k: "mul", a: e(b), b: e({ k: "sub", a, b }) } }, span: BUILTIN_SPAN },
      );
      return self;
    }
    case "rsqrt": {
      const self: Activation = { ...base, key: "rsqrt", kind: "uninterpreted", definition: null, properties: [], axioms: [] };
      const r: SExpr = { k: "app", act: self, arg: z };
      const positive: SFormula = cmp(">", z, k(0));
      (self.axioms as AxiomDef[]).push(
        { label: "rsqrt(z) > 0 for z > 0", vars: ["z"], body: { k: "implies", a: positive, b: cmp(">", r, k(0)) }, span: BUILTIN_SPAN },
        { label: "rsqrt(z)^2 z = 1 for z > 0", vars: ["z"], body: { k: "implies", a: positive, b: { k: "cmp", op: "=", a: { k: "mul", a: { k: "mul", a: r, b: r }, b: z }, b: k(1) } }, span: BUILTIN_SPAN },
      );
      return self;
    }
    case "gelu":
    case "silu":
    case "softplus": {
      // Each is z * Phi(z), z * sigmoid(z) or log(1 + exp(z)); all satisfy f(z) - f(-z) = z, and none
      // is odd or positively homogeneous.
      const self: Activation = { ...base, key: name, kind: "uninterpreted", definition: null, properties: [], axioms: [] };
      const f = (arg: SExpr): SExpr => ({ k: "app", act: self, arg });
      (self.axioms as AxiomDef[]).push({ label: `${name}(z) - ${name}(-z) = z`, vars: ["z"], body: { k: "cmp", op: "=", a: { k: "sub", a: f(z), b: f({ k: "neg", a: z }) }, b: z }, span: BUILTIN_SPAN });
      return self;
    }
    case "sigmoid": {
      const self: Activation = { ...base, key: "sigmoid", kind: "uninterpreted", definition: null, properties: [], axioms: [] };
      const s = (arg: SExpr): SExpr => ({ k: "app", act: self, arg });
      (self.axioms as AxiomDef[]).push(
        { label: "sigmoid(-z) = 1 - sigmoid(z)", vars: ["z"], body: { k: "cmp", op: "=", a: s({ k: "neg", a: z }), b: { k: "sub", a: k(1), b: s(z) } }, span: BUILTIN_SPAN },
        { label: "0 < sigmoid(z) < 1", vars: ["z"], body: { k: "and", a: cmp("<", k(0), s(z)), b: cmp("<", s(z), k(1)) }, span: BUILTIN_SPAN },
      );
      return self;
    }
  }
}

const PROPERTIES: readonly Property[] = ["odd", "positively_homogeneous"];
const builtinCache = new Map<string, Activation>();

/** Resolve an activation reference `relu`, `leaky_relu(0.1)`, `sigma`. */
export function resolveActivation(ref: A.ActRef, scope: Scope, diags: Diagnostic[], sources: ReadonlyMap<string, string>): Activation | null {
  const entry = scope.lookup(ref.name.name);
  if (entry?.kind === "builtin") {
    const name = entry.name as BuiltinName;
    let alpha: Rational | null = null;
    if (name === "leaky_relu") {
      if (ref.args.length > 1) {
        diags.push(error("ELB009", ref.span, `leaky_relu takes one argument (its slope for z < 0), not ${ref.args.length}`));
        return null;
      }
      alpha = ref.args.length === 1 ? evalConst(ref.args[0]!, scope, diags) : Rational.of(1, 100);
      if (!alpha) return null;
    } else if (ref.args.length > 0) {
      diags.push(error("ELB009", ref.span, `${name} takes no arguments`));
      return null;
    }
    const key = `${name}:${alpha ?? ""}`;
    if (!builtinCache.has(key)) builtinCache.set(key, builtin(name, alpha));
    return builtinCache.get(key)!;
  }
  if (entry?.kind === "activation") {
    if (ref.args.length > 0) {
      diags.push(error("ELB009", ref.span, `${ref.name.name} takes no arguments`));
      return null;
    }
    return activationOf(entry, diags, sources);
  }
  if (entry) diags.push(error("ELB006", ref.name.span, `${ref.name.name} is not an activation`));
  else unknown(ref.name, "activation", scope, diags);
  return null;
}

/** Elaborate (once) the activation behind a scope entry. */
export function activationOf(entry: Extract<import("./scope.ts").Entry, { kind: "activation" }>, diags: Diagnostic[], sources: ReadonlyMap<string, string>): Activation | null {
  if (entry.memo !== undefined) return entry.memo;
  entry.memo = null; // guards against alias cycles
  if (!entry.decl) return null;
  // Each activation elaborates the ones it uses first: bound the chain, or a long one
  // would exhaust the stack here and in every stage that expands definitions.
  if (elaborating >= LIMITS.definitionDepth) {
    diags.push(error("ELB031", entry.decl.name.span, `${entry.decl.name.name} ends a chain of more than ${LIMITS.definitionDepth} activations defined in terms of each other`));
    return null;
  }
  elaborating++;
  try {
    entry.memo = declared(entry.decl, entry.scope, diags, sources);
  } finally {
    elaborating--;
  }
  return entry.memo;
}

/** Activations being elaborated, one inside the next. */
let elaborating = 0;

/** Depth of each defined activation's definition with the definitions it applies expanded. */
const expandedDepth = new WeakMap<Activation, number>();

/** The depth of `e` with the definitions of the activations it applies expanded (iterative). */
function depthExpanded(e: SExpr): number {
  let max = 0;
  const stack: [SExpr | SFormula, number][] = [[e, 1]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    max = Math.max(max, d);
    switch (x.k) {
      case "app":
        max = Math.max(max, d + (expandedDepth.get(x.act) ?? 0));
        stack.push([x.arg, d + 1]);
        break;
      case "ite":
        stack.push([x.cond, d + 1], [x.then, d + 1], [x.else, d + 1]);
        break;
      case "neg":
      case "not":
        stack.push([x.a, d + 1]);
        break;
      case "add":
      case "sub":
      case "mul":
      case "div":
      case "max":
      case "min":
      case "and":
      case "or":
      case "implies":
        stack.push([x.a, d + 1], [x.b, d + 1]);
        break;
      case "cmp":
        stack.push([x.a, d + 1], [x.b, d + 1]);
        break;
      default:
        break;
    }
  }
  return max;
}

function declared(d: Extract<A.Decl, { kind: "activation" }>, scope: Scope, diags: Diagnostic[], sources: ReadonlyMap<string, string>): Activation | null {
  const name = d.name.name;
  if (d.alias) {
    if (d.alias.name.name === name) {
      diags.push(error("ELB020", d.alias.span, `${name} cannot be an alias of itself`));
      return null;
    }
    return resolveActivation(d.alias, scope, diags, sources);
  }
  const properties: Property[] = [];
  for (const p of d.properties) {
    if ((PROPERTIES as readonly string[]).includes(p.name)) properties.push(p.name as Property);
    else diags.push(error("ELB008", p.span, `unknown property ${p.name}; activations may be declared odd or positively_homogeneous`));
  }
  // The key identifies this declaration, and nothing else: two activations with the same
  // name (in different files, even files with the same base name, or redeclared in a sweep
  // body) are different functions. The full path and the offset make it unique within a run.
  const key = `${name}@${path.resolve(d.name.span.file)}:${d.name.span.start}${scope.suffix}`;
  const self: Activation = { key, name, kind: d.definition ? "defined" : "uninterpreted", builtin: null, param: d.arg?.name ?? "z", definition: null, properties, axioms: [], span: d.name.span };
  const env = (vars: string[]): SEnv => ({
    scope,
    vars: new Set(vars),
    scalars: new Map(),
    network: null,
    activation: (n) => (n.name === name ? self : resolveActivation({ name: n, args: [], span: n.span }, scope, diags, sources)),
  });
  if (d.definition && d.arg) {
    const def = elabScalar(d.definition, { ...env([d.arg.name]), activation: (n) => defined(n) }, diags);
    if (!def) return null;
    if (dividesByVariable(def)) {
      diags.push(error("ELB020", d.definition.span, `${name} divides by an expression of ${d.arg.name}, which may be 0; definitions may divide only by non-zero constants`));
      return null;
    }
    const depth = depthExpanded(def);
    if (depth > LIMITS.expressionDepth) {
      diags.push(error("ELB031", d.definition.span, `with the definitions it uses expanded, ${name} is nested ${depth} deep; at most ${LIMITS.expressionDepth}`));
      return null;
    }
    expandedDepth.set(self, depth);
    (self as { definition: SExpr | null }).definition = def;
  }
  function defined(n: A.Ident): Activation | null {
    if (n.name === name) {
      diags.push(error("ELB020", n.span, `${name} cannot be defined in terms of itself`));
      return null;
    }
    const a = resolveActivation({ name: n, args: [], span: n.span }, scope, diags, sources);
    if (a && a.kind !== "defined") {
      diags.push(error("ELB020", n.span, `${n.name} has no definition, so ${name} cannot be defined with it (declare axioms instead)`));
      return null;
    }
    return a;
  }
  const axiomNames = new Map<string, Span>();
  let failedAxiom = false;
  for (const ax of d.axioms) {
    if (ax.name) {
      const prior = axiomNames.get(ax.name.name);
      if (prior) {
        diags.push(error("ELB002", ax.name.span, `${name} has two axioms named ${ax.name.name}`, [{ span: prior, message: "first declared here" }]));
        return null;
      }
      axiomNames.set(ax.name.name, ax.name.span);
    }
    const body = elabFormula(ax.body, env(ax.vars.map((v) => v.name)), diags);
    if (!body) {
      // Reported; an activation without one of its axioms would make claims about another function.
      failedAxiom = true;
      continue;
    }
    const text = sources.get(ax.body.span.file)?.slice(ax.body.span.start, ax.body.span.end) ?? "axiom";
    (self.axioms as AxiomDef[]).push({ label: ax.name ? ax.name.name : text, vars: ax.vars.map((v) => v.name), body, span: ax.span });
  }
  return failedAxiom ? null : self;
}

/** Whether `e` divides by anything but a non-zero constant. */
function dividesByVariable(e: SExpr): boolean {
  switch (e.k) {
    case "div":
      return !(e.b.k === "const" && !e.b.v.isZero()) || dividesByVariable(e.a);
    case "add":
    case "sub":
    case "mul":
    case "max":
    case "min":
      return dividesByVariable(e.a) || dividesByVariable(e.b);
    case "neg":
      return dividesByVariable(e.a);
    case "ite":
      return dividesByVariable(e.then) || dividesByVariable(e.else) || condDivides(e.cond);
    case "app":
      return dividesByVariable(e.arg);
    default:
      return false;
  }
}

function condDivides(f: SFormula): boolean {
  return f.k === "cmp" ? dividesByVariable(f.a) || dividesByVariable(f.b) : f.k === "not" ? condDivides(f.a) : condDivides(f.a) || condDivides(f.b);
}

/** The root scope: built-in activations. */
export function rootScope(): Scope {
  const s = new Scope(null, "");
  for (const b of BUILTINS) s.declare({ name: b, span: BUILTIN_SPAN }, { kind: "builtin", name: b, span: BUILTIN_SPAN }, []);
  return s;
}

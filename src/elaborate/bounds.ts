/**
 * `bound name: Net with B = 1, eps = 1/100 assert log10_reduced < log10_classical`
 *
 * Names the covering-number quantities of a network (computed by src/covering; an mlp by the
 * closed-form lemmas, any other network by its per-layer factors) and optionally
 * asserts a condition over them. This file only checks names and options; the numbers are
 * computed by the covering library.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Span } from "../diagnostics/span.ts";
import { LIMITS } from "../limits.ts";
import { Rational } from "../numeric/rational.ts";
import type * as A from "../syntax/types.ts";
import { networkLipschitz } from "../covering/networkLipschitz.ts";
import { evalConst } from "./constants.ts";
import type { Scope } from "./scope.ts";
import { suggest } from "./scope.ts";
import type { BoundAssertion, BoundClaim, BoundTerm, CmpOp, Network } from "./types.ts";

/** Numeric quantities a bound statement can use (see covering/quantities.ts). */
export const QUANTITIES = [
  "S", "L", "B", "eps", "rho", "m", "log10_m", "log10_Lambda", "log10_classical", "log10_reduced", "log10_reduced_simple",
  "log10_gain", "log10_group_order", "gain_share", "volume", "log10_volume", "volume_mc", "volume_mc_low", "volume_mc_high",
] as const;

/** Conditions a bound statement can assert by name. */
export const FACTS = ["volume_in_interval"] as const;

/** Options of a bound statement and their defaults (rho defaults to the activation's Lipschitz constant). */
export const OPTIONS: Readonly<Record<string, Rational | null>> = {
  B: Rational.ONE,
  eps: Rational.of(1, 100),
  rho: null,
  samples: Rational.of(100_000),
};

const CMP = new Set(["=", "!=", "<", "<=", ">", ">="]);

export function elabBound(d: Extract<A.Decl, { kind: "bound" }>, name: string, net: Network, scope: Scope, diags: Diagnostic[]): BoundClaim | null {
  const options: Record<string, Rational> = {};
  const optionSpans: Record<string, Span> = {};
  let ok = true;
  for (const o of d.options) {
    if (!(o.name.name in OPTIONS)) {
      diags.push(error("ELB001", o.name.span, `unknown bound option ${o.name.name}${suggest(o.name.name, Object.keys(OPTIONS))}; options are ${Object.keys(OPTIONS).join(", ")}`));
      ok = false;
      continue;
    }
    const prior = optionSpans[o.name.name];
    if (prior) {
      diags.push(error("ELB002", o.name.span, `the option ${o.name.name} is given twice`, [{ span: prior, message: "first given here" }]));
      ok = false;
      continue;
    }
    optionSpans[o.name.name] = o.span;
    const v = evalConst(o.value, scope, diags);
    if (!v) {
      ok = false;
      continue;
    }
    if (v.sign() <= 0) {
      diags.push(error("ELB017", o.value.span, `${o.name.name} must be positive`));
      ok = false;
      continue;
    }
    const problem = optionProblem(o.name.name, v);
    if (problem) {
      diags.push(error("ELB017", o.value.span, problem));
      ok = false;
      continue;
    }
    options[o.name.name] = v;
  }
  for (const [k, v] of Object.entries(OPTIONS)) if (!(k in options) && v) options[k] = v;
  if (!net.mlp) {
    // Any other network: Lambda comes from its operations (covering/networkLipschitz.ts), at
    // the box radius B; where no rigorous constant is known, say where and refuse.
    if (optionSpans.rho) {
      diags.push(error("ELB017", optionSpans.rho, `rho sets the activation constant of an mlp(...) network; the per-layer constants of ${net.name} come from its operations`));
      ok = false;
    }
    if (ok) {
      const lip = networkLipschitz(net, options.B!.toNumber());
      if ("refusal" in lip) {
        diags.push(error("ELB017", d.network.span, `no rigorous covering bound is known for ${net.name}: ${lip.refusal}`));
        ok = false;
      }
    }
  } else if (!("rho" in options)) {
    const rhos = net.mlp.activations.map(lipschitz);
    if (rhos.some((r) => r === null)) {
      diags.push(error("ELB017", d.span, `the activation of ${net.name} has no known Lipschitz constant; give one with \`rho = ...\``));
      ok = false;
    } else options.rho = rhos.reduce((a, b) => (a!.cmp(b!) >= 0 ? a : b), Rational.ZERO)!;
  }
  const assertion = d.assertion ? condition(d.assertion, diags) : null;
  if (d.assertion && !assertion) ok = false;
  return ok ? { name, network: net, options, optionSpans, assertion, span: d.span } : null;
}

/**
 * Why an option's value cannot be used (it must be positive), or null: samples must be a
 * whole number of draws within the limit; the others must be usable as float64 numbers.
 */
function optionProblem(name: string, v: Rational): string | null {
  if (name === "samples") {
    if (!v.isInteger()) return `samples must be a whole number of draws, but this is ${v}`;
    if (v.cmp(Rational.of(LIMITS.samples)) > 0) return `samples may be at most ${LIMITS.samples}`;
    return null;
  }
  const x = v.toNumber();
  if (!(x >= 1e-100 && x <= 1e100)) return `${name} must lie between 1e-100 and 1e100`;
  return null;
}

/** Lipschitz constants of the built-in activations (sigmoid: 1/4). */
function lipschitz(a: Network["mlp"] extends infer M ? (M extends { activations: readonly (infer X)[] } ? X : never) : never): Rational | null {
  switch (a.builtin) {
    case "relu":
    case "tanh":
    case "identity":
      return Rational.ONE;
    case "sigmoid":
      return Rational.of(1, 4);
    case "leaky_relu": {
      const def = a.definition;
      const alpha = def && def.k === "ite" && def.else.k === "mul" && def.else.a.k === "const" ? def.else.a.v.abs() : Rational.ONE;
      return alpha.cmp(Rational.ONE) > 0 ? alpha : Rational.ONE;
    }
    default:
      return null;
  }
}

function condition(e: A.Expr, diags: Diagnostic[]): BoundAssertion | null {
  if (e.kind === "not") {
    const a = condition(e.arg, diags);
    return a && { k: "not", a, span: e.span };
  }
  if (e.kind === "binary" && (e.op === "and" || e.op === "or")) {
    const a = condition(e.left, diags);
    const b = condition(e.right, diags);
    return a && b && { k: e.op, a, b, span: e.span };
  }
  if (e.kind === "binary" && CMP.has(e.op)) {
    const a = term(e.left, diags);
    const b = term(e.right, diags);
    return a && b && { k: "cmp", op: e.op as CmpOp, a, b, span: e.span };
  }
  if (e.kind === "name" && (FACTS as readonly string[]).includes(e.name)) return { k: "fact", name: e.name, span: e.span };
  diags.push(error("ELB020", e.span, `expected a condition over bound quantities (a comparison, and/or/not, or ${FACTS.join(", ")})`));
  return null;
}

function term(e: A.Expr, diags: Diagnostic[]): BoundTerm | null {
  switch (e.kind) {
    case "num": {
      const v = Rational.parse(e.text);
      return v && { k: "const", v };
    }
    case "name":
      if ((QUANTITIES as readonly string[]).includes(e.name)) return { k: "quantity", name: e.name, span: e.span };
      diags.push(error("ELB001", e.span, `unknown quantity ${e.name}${suggest(e.name, QUANTITIES)}; quantities are ${QUANTITIES.join(", ")}`));
      return null;
    case "neg": {
      const a = term(e.arg, diags);
      return a && { k: "neg", a };
    }
    case "binary": {
      const ops = { "+": "add", "-": "sub", "*": "mul", "/": "div" } as const;
      if (!(e.op in ops)) break;
      const a = term(e.left, diags);
      const b = term(e.right, diags);
      return a && b && { k: ops[e.op as keyof typeof ops], a, b };
    }
    default:
      break;
  }
  diags.push(error("ELB022", e.span, "expected a number, a quantity, or + - * / of these"));
  return null;
}

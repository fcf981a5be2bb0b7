/**
 * Obligations as SMT-LIB2 scripts. Shared subterms become `define-fun`s (named after the
 * hidden unit they compute where known, so `neteq explain` output is readable), tracked
 * assumptions become named assertions, and `echo` markers separate the parts of the answer.
 * The script is accepted by z3-solver and by standalone solvers (z3, cvc5).
 */
import { InternalError, unreachable } from "../../diagnostics/diagnostic.ts";
import type { Activation } from "../../elaborate/types.ts";
import type { Obligation } from "../../obligations/types.ts";
import { termOf } from "../../semantics/sexpr.ts";
import { freeSym } from "../../semantics/build.ts";
import type { Formula, Sym, Term } from "../../semantics/types.ts";
import { nodes } from "../../semantics/walk.ts";

/** A printed obligation and how to read its answer back. */
export interface Script {
  readonly text: string;
  /** The terms of the `get-value` command, in order. */
  readonly asked: readonly Term[];
}

export interface PrintOptions {
  /** Solver timeout in ms (soft; the pool enforces the hard limit). */
  readonly timeoutMs?: number;
  readonly seed?: number;
  /** Comments for humans (`neteq explain`). */
  readonly comments?: boolean;
  /** Commands to read the answer (check-sat only if false). */
  readonly queries?: boolean;
  /** Called now and then while printing; may throw to abandon a large script. */
  readonly stop?: () => void;
  /**
   * An independent certificate (`neteq certify`): the same declarations, definitions and
   * assertions, but only the commands every SMT-LIB solver reads alike (checked with
   * Debian's z3 4.8.12 and cvc5 1.0.3): no models, no solver-specific timeout or seed, and
   * after `(check-sat)` only the unsat core (`@core`), which must contain `goal`.
   * `timeoutMs`, `seed`, `comments` and `queries` are ignored. Off by default: the default
   * output is unchanged.
   */
  readonly certificate?: boolean;
}

/** `|W0[1,2]|`: a quoted SMT symbol (never shown to users in reports). */
// Injective: `_` is doubled, so the replacements of `|` and `\` cannot collide with text.
const quote = (s: string): string => `|${s.replace(/[_|\\]/g, (c) => (c === "_" ? "__" : c === "|" ? "_p" : "_b"))}|`;
export const symName = (s: Sym): string => quote(s.kind === "free" ? s.name : s.key);
const actName = (a: Activation): string => quote(`act.${a.key}`);

/** Activations applied in `roots`, dependencies of definitions first. */
function activations(roots: readonly (Term | Formula)[]): Activation[] {
  const out: Activation[] = [];
  const seen = new Set<string>();
  const visit = (a: Activation): void => {
    if (seen.has(a.key)) return;
    seen.add(a.key);
    if (a.definition) {
      for (const x of nodes([termOf(a.definition, { variable: (n) => freeSym(n) })])) if (x.t === "app") visit(x.act);
    }
    out.push(a);
  };
  for (const x of nodes(roots)) if (x.t === "app") visit(x.act);
  return out;
}

export function printObligation(ob: Obligation, opts: PrintOptions = {}): Script {
  // A certificate asks for no values: they would only add definitions.
  if (opts.certificate && ob.values.length > 0) ob = { ...ob, values: [] };
  const roots: (Term | Formula)[] = [ob.goal, ...ob.tracked.map((t) => t.formula), ...ob.values];
  const all = nodes(roots);
  // Count parents to find shared subterms.
  const refs = new Map<Term, number>();
  const bump = (x: Term) => refs.set(x, (refs.get(x) ?? 0) + 1);
  const bumpF = (f: Formula): void => {
    switch (f.f) {
      case "cmp":
        bump(f.a);
        bump(f.b);
        return;
      case "and":
      case "or":
        f.args.forEach(bumpF);
        return;
      case "not":
        bumpF(f.a);
        return;
      case "implies":
        bumpF(f.a);
        bumpF(f.b);
        return;
      default:
        return;
    }
  };
  for (const x of all) {
    if (x.t === "add" || x.t === "mul") x.args.forEach(bump);
    else if (x.t === "div") {
      bump(x.a);
      bump(x.b);
    } else if (x.t === "app") bump(x.arg);
    else if (x.t === "ite") {
      bumpF(x.cond);
      bump(x.a);
      bump(x.b);
    }
  }
  const wanted = new Set<Term>();
  for (const v of ob.values) {
    wanted.add(v);
    if (v.t === "app") wanted.add(v.arg);
  }
  const named = new Map<Term, string>();
  const used = new Set<string>();
  const defs: string[] = [];
  const leaf = (x: Term) => x.t === "const" || x.t === "sym";
  let counter = 0;
  const expr = (x: Term, depth = 0): string => {
    const n = named.get(x);
    if (n) return n;
    if (depth > 2000) throw new InternalError("term nesting too deep to print");
    switch (x.t) {
      case "const":
        return x.v.toSmt();
      case "sym":
        return symName(x.s);
      case "add":
        return `(+ ${x.args.map((a) => expr(a, depth + 1)).join(" ")})`;
      case "mul":
        return `(* ${x.args.map((a) => expr(a, depth + 1)).join(" ")})`;
      case "div":
        return `(/ ${expr(x.a, depth + 1)} ${expr(x.b, depth + 1)})`;
      case "app":
        return `(${actName(x.act)} ${expr(x.arg, depth + 1)})`;
      case "ite":
        return `(ite ${formula(x.cond, depth + 1)} ${expr(x.a, depth + 1)} ${expr(x.b, depth + 1)})`;
      default:
        return unreachable(x);
    }
  };
  const formula = (f: Formula, depth = 0): string => {
    switch (f.f) {
      case "cmp":
        return f.op === "!=" ? `(not (= ${expr(f.a, depth)} ${expr(f.b, depth)}))` : `(${f.op} ${expr(f.a, depth)} ${expr(f.b, depth)})`;
      case "and":
        return `(and ${f.args.map((g) => formula(g, depth + 1)).join(" ")})`;
      case "or":
        return `(or ${f.args.map((g) => formula(g, depth + 1)).join(" ")})`;
      case "not":
        return `(not ${formula(f.a, depth + 1)})`;
      case "implies":
        return `(=> ${formula(f.a, depth + 1)} ${formula(f.b, depth + 1)})`;
      case "true":
        return "true";
      case "false":
        return "false";
      default:
        return unreachable(f);
    }
  };
  // Children come before parents in `all`, so definitions appear in dependency order.
  for (const x of all) {
    if (leaf(x)) continue;
    if (opts.stop && defs.length % 4096 === 0) opts.stop();
    const label = "label" in x ? x.label : undefined;
    if ((refs.get(x) ?? 0) < 2 && label === undefined && !wanted.has(x)) continue;
    let name = quote(label ?? `t${counter++}`);
    while (used.has(name)) name = quote(`${label ?? "t"}#${counter++}`);
    used.add(name);
    defs.push(`(define-fun ${name} () Real ${expr(x)})`);
    named.set(x, name);
  }
  const syms = new Map<string, Sym>();
  for (const x of all) if (x.t === "sym") syms.set(symName(x.s), x.s);
  const lines: string[] = [];
  const comment = (s: string) => opts.comments && !opts.certificate && lines.push(`; ${s}`);
  comment(`obligation ${ob.id}`);
  comment(`unsat proves: ${ob.statement}`);
  const cert = opts.certificate === true;
  lines.push("(set-option :produce-unsat-cores true)");
  if (!cert) lines.push("(set-option :produce-models true)");
  if (opts.timeoutMs !== undefined && !cert) lines.push(`(set-option :timeout ${Math.max(1, Math.round(opts.timeoutMs))})`);
  if (opts.seed !== undefined && !cert) lines.push(`(set-option :random-seed ${opts.seed >>> 0})`);
  lines.push(`(set-logic ${ob.logic ?? "ALL"})`);
  for (const [name] of [...syms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) lines.push(`(declare-fun ${name} () Real)`);
  for (const a of activations(roots)) {
    if (a.kind === "defined" && a.definition) {
      const body = termOf(a.definition, { variable: (n) => freeSym(`$${n}`) });
      const text = expr(body).replaceAll(quote(`$${a.param}`), "z");
      lines.push(`(define-fun ${actName(a)} ((z Real)) Real ${text})`);
    } else lines.push(`(declare-fun ${actName(a)} (Real) Real)`);
  }
  lines.push(...defs);
  for (const t of ob.tracked) {
    comment(t.label);
    lines.push(`(assert (! ${formula(t.formula)} :named ${t.name}))`);
  }
  comment("the negation of the statement (named, so that an unsat core shows it was needed)");
  lines.push(`(assert (! ${formula(ob.goal)} :named goal))`, "(check-sat)");
  const asked: Term[] = [];
  if (cert) lines.push('(echo "@core")', "(get-unsat-core)");
  else if (opts.queries !== false) {
    lines.push('(echo "@reason")', "(get-info :reason-unknown)", '(echo "@core")', "(get-unsat-core)");
    for (const v of ob.values) {
      if (v.t === "app") asked.push(v.arg);
      asked.push(v);
    }
    if (asked.length > 0) {
      const list = asked.map((v) => expr(v)).join(" ");
      lines.push('(echo "@values")', `(get-value (${list}))`);
      lines.push("(set-option :pp.decimal true)", "(set-option :pp.decimal_precision 30)", '(echo "@decimal")', `(get-value (${list}))`);
    }
  }
  return { text: lines.join("\n") + "\n", asked };
}

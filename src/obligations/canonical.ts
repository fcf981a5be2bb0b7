/**
 * Canonical forms of obligations, for deduplication and the persistent cache: the
 * obligation printed with its symbols renamed in order of first occurrence, together with
 * the definitions, properties and axioms of the activations it applies (two files may give
 * the same name to different activations). Two obligations with the same canonical text
 * are the same formula up to a consistent renaming of free symbols, so one solver answer
 * settles both. Labels of tracked assumptions are not part of the form; tracked
 * assumptions are identified by position.
 *
 * - Activations are renamed too (f0, f1, ... in order of first occurrence), and the meaning
 *   of every activation the obligation reaches -- directly, or through definitions and
 *   axioms -- is part of the text, so two activations that share a name but not a meaning
 *   never share a form, and two different activations are never merged.
 * - A node used more than once is printed once, marked `#k=` where it is defined, and
 *   referred to as `#k` afterwards, so the text determines the formula.
 */
import { createHash } from "node:crypto";
import { unreachable } from "../diagnostics/diagnostic.ts";
import type { Activation, SExpr, SFormula } from "../elaborate/types.ts";
import type { Formula, Term } from "../semantics/types.ts";
import type { Obligation } from "./types.ts";

/** Canonical text and its SHA-256 (hex). */
export function canonical(ob: Obligation): { text: string; hash: string } {
  const names = new Map<string, string>();
  const shared = new Map<Term, string>();
  const refs = new Map<Term, number>();
  const acts = new Map<string, Activation>();
  const actNames = new Map<string, string>();
  const actName = (a: Activation): string => {
    let n = actNames.get(a.key);
    if (!n) {
      n = `f${actNames.size}`;
      actNames.set(a.key, n);
      acts.set(a.key, a);
    }
    return n;
  };
  const count = (x: Term): void => {
    if (x.t === "const" || x.t === "sym") return;
    const n = (refs.get(x) ?? 0) + 1;
    refs.set(x, n);
    if (n > 1) return;
    switch (x.t) {
      case "add":
      case "mul":
        x.args.forEach(count);
        return;
      case "div":
        count(x.a);
        count(x.b);
        return;
      case "app":
        count(x.arg);
        return;
      case "ite":
        countF(x.cond);
        count(x.a);
        count(x.b);
        return;
      default:
        return;
    }
  };
  const countF = (f: Formula): void => {
    if (f.f === "cmp") {
      count(f.a);
      count(f.b);
    } else if (f.f === "and" || f.f === "or") f.args.forEach(countF);
    else if (f.f === "not") countF(f.a);
    else if (f.f === "implies") {
      countF(f.a);
      countF(f.b);
    }
  };
  const roots = [ob.goal, ...ob.tracked.map((t) => t.formula)];
  roots.forEach(countF);
  const out: string[] = [];
  const term = (x: Term): void => {
    const s = shared.get(x);
    if (s) {
      out.push(s);
      return;
    }
    // A node used more than once is named where it is first printed (a DAG node never
    // contains itself, so registering it before its children is safe).
    if ((refs.get(x) ?? 0) > 1) {
      const ref = `#${shared.size}`;
      shared.set(x, ref);
      out.push(`${ref}=`);
    }
    switch (x.t) {
      case "const":
        out.push(x.v.toString());
        return;
      case "sym": {
        let n = names.get(x.s.key);
        if (!n) {
          n = `v${names.size}`;
          names.set(x.s.key, n);
        }
        out.push(n);
        return;
      }
      case "add":
      case "mul":
        out.push(x.t === "add" ? "(+" : "(*");
        for (const a of x.args) {
          out.push(" ");
          term(a);
        }
        out.push(")");
        break;
      case "div":
        out.push("(/ ");
        term(x.a);
        out.push(" ");
        term(x.b);
        out.push(")");
        break;
      case "app":
        out.push(`(${actName(x.act)} `);
        term(x.arg);
        out.push(")");
        break;
      case "ite":
        out.push("(ite ");
        formula(x.cond);
        out.push(" ");
        term(x.a);
        out.push(" ");
        term(x.b);
        out.push(")");
        break;
      default:
        unreachable(x);
    }
  };
  const formula = (f: Formula): void => {
    switch (f.f) {
      case "cmp":
        out.push(`(${f.op} `);
        term(f.a);
        out.push(" ");
        term(f.b);
        out.push(")");
        return;
      case "and":
      case "or":
        out.push(`(${f.f}`);
        for (const g of f.args) {
          out.push(" ");
          formula(g);
        }
        out.push(")");
        return;
      case "not":
        out.push("(not ");
        formula(f.a);
        out.push(")");
        return;
      case "implies":
        out.push("(=> ");
        formula(f.a);
        out.push(" ");
        formula(f.b);
        out.push(")");
        return;
      case "true":
      case "false":
        out.push(f.f);
        return;
      default:
        unreachable(f);
    }
  };
  out.push("goal ");
  formula(ob.goal);
  for (const t of ob.tracked) {
    out.push("\nassume ");
    formula(t.formula);
  }
  // The meaning of every activation reached, in order of first occurrence (new names may be
  // met while printing meanings; the loop runs until none is left).
  const meanings: string[] = [];
  for (let k = 0; k < acts.size; k++) {
    const a = [...acts.values()][k]!;
    meanings.push(`\n${actNames.get(a.key)} := ${activationText(a, actName)}`);
  }
  const text = out.join("") + meanings.join("");
  return { text, hash: createHash("sha256").update(text).digest("hex") };
}

/**
 * What an activation means, as text: built-ins by name (their meaning is fixed), others by
 * kind, properties, definition and axioms, with activations they use renamed by `name`.
 */
function activationText(a: Activation, name: (a: Activation) => string): string {
  if (a.builtin) return `builtin ${a.key}`;
  const parts = [a.kind, `props ${[...a.properties].sort().join(",")}`];
  if (a.definition) parts.push(`def ${a.param} ${sexpr(a.definition, name)}`);
  for (const ax of a.axioms) parts.push(`axiom ${ax.vars.join(",")} ${sformula(ax.body, name)}`);
  return parts.join(" | ");
}

function sexpr(e: SExpr, name: (a: Activation) => string): string {
  const r = (x: SExpr) => sexpr(x, name);
  switch (e.k) {
    case "const":
      return e.v.toString();
    case "var":
      return e.name;
    case "scalar":
      return `s:${e.id}[${e.index}]`;
    case "entry":
      return `e:${e.param}[${e.index}]`;
    case "neg":
      return `(- ${r(e.a)})`;
    case "ite":
      return `(ite ${sformula(e.cond, name)} ${r(e.then)} ${r(e.else)})`;
    case "app":
      return `(${name(e.act)} ${r(e.arg)})`;
    default:
      return `(${e.k} ${r(e.a)} ${r(e.b)})`;
  }
}

function sformula(f: SFormula, name: (a: Activation) => string): string {
  switch (f.k) {
    case "cmp":
      return `(${f.op} ${sexpr(f.a, name)} ${sexpr(f.b, name)})`;
    case "not":
      return `(not ${sformula(f.a, name)})`;
    default:
      return `(${f.k} ${sformula(f.a, name)} ${sformula(f.b, name)})`;
  }
}

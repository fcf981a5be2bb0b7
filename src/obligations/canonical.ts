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
 * - A node used more than once is printed once and referred to as `#k` afterwards, k being
 *   its position among the compound nodes in printing order, so the text determines the
 *   formula.
 */
import { createHash } from "node:crypto";
import { unreachable } from "../diagnostics/diagnostic.ts";
import type { Activation } from "../elaborate/types.ts";
import { sexpr, sformula } from "../elaborate/meaning.ts";
import type { Formula, Sym, Term } from "../semantics/types.ts";
import type { Obligation } from "./types.ts";

/** Canonical text and its SHA-256 (hex); `stop` is called now and then and may throw. */
export function canonical(ob: Obligation, stop: () => void = () => {}): { text: string; hash: string } {
  const names = new Map<string, string>();
  const shared = new Map<Term, string>();
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
  let out = "";
  // Parameter entries are named by (parameter, index) without building their key strings.
  const paramNames = new Map<string, Map<number, string>>();
  let paramCount = 0;
  const symName = (s: Sym): string => {
    if (s.kind === "param") {
      let byIndex = paramNames.get(s.name);
      if (!byIndex) paramNames.set(s.name, (byIndex = new Map()));
      let n = byIndex.get(s.index);
      if (n === undefined) byIndex.set(s.index, (n = `v${names.size + paramCount++}`));
      return n;
    }
    let n = names.get(s.key);
    if (n === undefined) names.set(s.key, (n = `v${names.size + paramCount}`));
    return n;
  };
  const term = (x: Term): void => {
    if (x.t === "sym") {
      out += symName(x.s);
      return;
    }
    if (x.t === "const") {
      out += x.v.toString();
      return;
    }
    const seen = shared.get(x);
    if (seen !== undefined) {
      out += seen;
      return;
    }
    // Every compound node is numbered implicitly, in the order its printing starts; a node
    // met again is written `#k` (k-th compound node). The text is a pre-order serialisation,
    // so it determines which subterm each reference stands for.
    shared.set(x, `#${shared.size}`);
    if (shared.size % 16384 === 0) stop();
    switch (x.t) {
      case "add":
      case "mul":
        out += x.t === "add" ? "(+" : "(*";
        for (const a of x.args) {
          out += " ";
          term(a);
        }
        out += ")";
        break;
      case "div":
        out += "(/ ";
        term(x.a);
        out += " ";
        term(x.b);
        out += ")";
        break;
      case "app":
        out += `(${actName(x.act)} `;
        term(x.arg);
        out += ")";
        break;
      case "ite":
        out += "(ite ";
        formula(x.cond);
        out += " ";
        term(x.a);
        out += " ";
        term(x.b);
        out += ")";
        break;
      default:
        unreachable(x);
    }
  };
  const formula = (f: Formula): void => {
    switch (f.f) {
      case "cmp":
        out += `(${f.op} `;
        term(f.a);
        out += " ";
        term(f.b);
        out += ")";
        return;
      case "and":
      case "or":
        out += `(${f.f}`;
        for (const g of f.args) {
          out += " ";
          formula(g);
        }
        out += ")";
        return;
      case "not":
        out += "(not ";
        formula(f.a);
        out += ")";
        return;
      case "implies":
        out += "(=> ";
        formula(f.a);
        out += " ";
        formula(f.b);
        out += ")";
        return;
      case "true":
      case "false":
        out += f.f;
        return;
      default:
        unreachable(f);
    }
  };
  out += "goal ";
  formula(ob.goal);
  for (const t of ob.tracked) {
    out += "\nassume ";
    formula(t.formula);
  }
  // The meaning of every activation reached, in order of first occurrence (new names may be
  // met while printing meanings; the loop runs until none is left).
  const meanings: string[] = [];
  for (let k = 0; k < acts.size; k++) {
    const a = [...acts.values()][k]!;
    meanings.push(`\n${actNames.get(a.key)} := ${activationText(a, actName)}`);
  }
  const text = out + meanings.join("");
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

/**
 * What an activation declaration says, as text: its kind, properties, definition and
 * axioms, with the activation itself written `self` and every other activation it mentions
 * by its unique key. Two declarations with the same meaning constrain a function in the
 * same way, so a fact proved about one (a pool function satisfies its axioms) holds for the
 * other; two with different meanings never share such facts, whatever their names, files
 * or lines.
 *
 * @example meaningOf(builtin("tanh")) === "builtin tanh"
 */
import type { Activation, SExpr, SFormula } from "./types.ts";

const memo = new WeakMap<Activation, string>();

/** The meaning of `a` (memoised per declaration). */
export function meaningOf(a: Activation): string {
  let m = memo.get(a);
  if (m === undefined) {
    m = text(a);
    memo.set(a, m);
  }
  return m;
}

function text(a: Activation): string {
  if (a.builtin) return `builtin ${a.key}`;
  const name = (b: Activation) => (b === a ? "self" : `<${b.key}>`);
  const parts = [a.kind, `props ${[...a.properties].sort().join(",")}`];
  if (a.definition) parts.push(`def ${a.param} ${sexpr(a.definition, name)}`);
  for (const ax of a.axioms) parts.push(`axiom ${ax.vars.join(",")} ${sformula(ax.body, name)}`);
  return parts.join(" | ");
}

/** An SExpr as text, activations named by `name`. */
export function sexpr(e: SExpr, name: (a: Activation) => string): string {
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

/** An SFormula as text, activations named by `name`. */
export function sformula(f: SFormula, name: (a: Activation) => string): string {
  switch (f.k) {
    case "cmp":
      return `(${f.op} ${sexpr(f.a, name)} ${sexpr(f.b, name)})`;
    case "not":
      return `(not ${sformula(f.a, name)})`;
    default:
      return `(${f.k} ${sformula(f.a, name)} ${sformula(f.b, name)})`;
  }
}

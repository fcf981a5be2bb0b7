/**
 * Assignment blocks (`{ W1[0,:] := c * W1[0,:] }`), maps between networks, and the
 * identity map by parameter names.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Span } from "../diagnostics/span.ts";
import type * as A from "../syntax/types.ts";
import { checkDivisions } from "./nonzero.ts";
import { elabTensor, shapeText } from "./sexpr.ts";
import { senv, type TransformCtx, type Where } from "./transformCtx.ts";
import type { Network, SExpr, Step } from "./types.ts";

/**
 * An assignment block: simultaneous; right-hand sides read parameters of `from`, left-hand
 * sides write parameters of `to`. For a map (`isMap`), parameters of `to` that are not fully
 * assigned are copied from the parameter of `from` with the same name and shape.
 */
export function assign(t: Extract<A.TExpr, { kind: "assign" }>, from: Network, to: Network, isMap: boolean, where: Where, ctx: TransformCtx): Step | null {
  const entries: { param: string; index: number; value: SExpr }[] = [];
  const written = new Map<string, Span>();
  let ok = true;
  for (const a of t.assigns) {
    const lhs = elabTensor(a.target, { ...senv(where, ctx, to), scalars: new Map() }, ctx.diags);
    const rhs = elabTensor(a.value, senv(where, ctx, from), ctx.diags);
    if (!lhs || !rhs) {
      ok = false;
      continue;
    }
    const base = a.target.kind === "index" ? a.target.target : a.target;
    const pname = base.kind === "name" ? base.name : "";
    const pdecl = to.params.find((p) => p.name === pname);
    if (!pdecl) {
      ctx.diags.push(error("ELB022", a.target.span, `the left side of := must be a parameter of ${to.name}, a row, a column or an entry of one`));
      ok = false;
      continue;
    }
    if (rhs.shape.length > 0 && (rhs.shape.length !== lhs.shape.length || rhs.shape.some((x, i) => x !== lhs.shape[i]))) {
      ctx.diags.push(error("ELB003", a.span, `cannot assign ${shapeText(rhs.shape)} to ${shapeText(lhs.shape)}`));
      ok = false;
      continue;
    }
    if (!checkDivisions(rhs.at(rhs.shape.map(() => 0)), a.value.span, ctx)) {
      ok = false;
      continue;
    }
    for (const pos of positions(lhs.shape)) {
      const slot = lhs.at(pos);
      if (slot.k !== "entry") throw new Error("left side of an assignment resolved to a non-entry");
      const key = `${slot.param}#${slot.index}`;
      if (written.has(key)) {
        ctx.diags.push(error("ELB002", a.target.span, `${slot.param} entry ${entryText(pdecl.shape, slot.index)} is assigned twice in one block`, [{ span: written.get(key)!, message: "first assigned here" }]));
        ok = false;
        break;
      }
      written.set(key, a.target.span);
      entries.push({ param: slot.param, index: slot.index, value: rhs.shape.length ? rhs.at(pos) : rhs.at([]) });
    }
  }
  if (!ok) return null;
  let copy: { target: string; source: string }[] | null = null;
  if (isMap) {
    copy = [];
    for (const p of to.params) {
      const size = p.shape.reduce((x, y) => x * y, 1);
      const assigned = entries.filter((e) => e.param === p.name).length;
      if (assigned === size) continue;
      const same = from.params.find((q) => q.name === p.name && q.shape.join() === p.shape.join());
      if (same) copy.push({ target: p.name, source: same.name });
      else {
        ctx.diags.push(error("ELB014", t.span, `${to.name}.${p.name} (${shapeText(p.shape)}) is ${assigned === 0 ? "not assigned" : "only partly assigned"}, and ${from.name} has no parameter ${p.name} of that shape to copy`));
        ok = false;
      }
    }
  }
  return ok ? { k: "assign", entries, copy, span: t.span } : null;
}

function positions(shape: readonly number[]): number[][] {
  if (shape.length === 0) return [[]];
  const out: number[][] = [];
  const rec = (prefix: number[], d: number) => {
    if (d === shape.length) {
      out.push(prefix);
      return;
    }
    for (let i = 0; i < shape[d]!; i++) rec([...prefix, i], d + 1);
  };
  rec([], 0);
  return out;
}

/** "[1,2]" for flat index 5 of a 2x3 matrix. */
export function entryText(shape: readonly number[], index: number): string {
  return shape.length === 2 ? `[${Math.floor(index / shape[1]!)},${index % shape[1]!}]` : `[${index}]`;
}

/** The identity map from `from` to `to` by parameter names (for claims between networks). */
export function nameMap(from: Network, to: Network, span: Span, diags: Diagnostic[]): Step | null {
  const copy: { target: string; source: string }[] = [];
  for (const p of to.params) {
    const q = from.params.find((x) => x.name === p.name);
    if (!q || q.shape.join() !== p.shape.join()) {
      diags.push(error("ELB014", span, `${to.name}.${p.name} (${shapeText(p.shape)}) has no parameter of the same name and shape in ${from.name}; relate them with a map (map m : ${from.name} -> ${to.name} { ${p.name} := ... })`));
      return null;
    }
    copy.push({ target: p.name, source: q.name });
  }
  return { k: "assign", entries: [], copy, span };
}

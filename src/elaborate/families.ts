/**
 * Network families (`network N(n, m) = ...`): where their sizes may be used.
 *
 * A size of a family may only be a whole dimension: a width of `mlp(...)`, a dimension of
 * `input`/`param`, or the range of an index variable (`o:n`); never inside arithmetic, an
 * index, a constant or an operation's option. Then a family's definitions depend on its
 * sizes only through what neteq's operations build from whole dimensions, which is what
 * makes an every-width proof carry over from the probed sizes to every size (README,
 * "Whole-group and every-width claims"): arithmetic such as `n + (n - m) * (n + m - 6)`
 * could agree with `n` at every probe and not elsewhere.
 */
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type * as A from "../syntax/types.ts";

/** Report every use of a family's sizes that is not a whole dimension; true if there is none. */
export function checkFamilyUses(d: Extract<A.Decl, { kind: "network" }>, diags: Diagnostic[]): boolean {
  const sizes = new Set(d.params.map((p) => p.name));
  if (sizes.size === 0) return true;
  const allowed = new Set<unknown>();
  const body = d.body;
  if (body.kind === "mlp") body.widths.forEach((w) => allowed.add(w));
  const before = diags.length;
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const y of x) visit(y);
      return;
    }
    if (x === null || typeof x !== "object") return;
    const o = x as Record<string, unknown>;
    if (o.kind === "input" && Array.isArray(o.dims)) (o.dims as unknown[]).forEach((e) => allowed.add(e));
    if (o.kind === "param" && Array.isArray(o.decls)) for (const p of o.decls as { dims: unknown[] }[]) p.dims.forEach((e) => allowed.add(e));
    // Index variables with a range: `h[o:n] = ...`, `sum[i:n] ...`.
    for (const key of ["indices", "vars"]) if (Array.isArray(o[key])) for (const v of o[key] as { size?: unknown }[]) if (v && typeof v === "object" && v.size) allowed.add(v.size);
    if (o.kind === "name" && typeof o.name === "string" && sizes.has(o.name) && !allowed.has(x)) {
      diags.push(error("ELB033", o.span as A.Expr["span"], `${o.name} is a size of the family ${d.name.name}; a size may only be used as a whole dimension (a width, a dimension of an input or parameter, or an index range such as o:${o.name}), not in arithmetic, an index or an option`));
    }
    for (const [k, v] of Object.entries(o)) if (k !== "span") visit(v);
  };
  visit(body);
  return diags.length === before;
}

/** In a claim over sizes, sizes given to a family or a group must be a size variable or a whole number. */
export function checkSizeArgs(args: readonly A.Expr[], diags: Diagnostic[]): boolean {
  let ok = true;
  for (const a of args) {
    if (a.kind === "name" || a.kind === "num") continue;
    diags.push(error("ELB033", a.span, "in a claim over sizes, a size is a size variable or a whole number, not arithmetic (state the claim for a family whose dimensions are whole sizes)"));
    ok = false;
  }
  return ok;
}

/**
 * The activations a network applies.
 */
import type { Activation, Network, VExpr } from "./types.ts";

/** Every activation a network applies directly (not those its definitions call). */
export function activationsOf(nets: readonly Network[]): Activation[] {
  const out = new Map<string, Activation>();
  const visit = (e: VExpr): void => {
    if (e.k === "act") out.set(e.act.key, e.act);
    if (e.k === "matvec" || e.k === "act" || e.k === "scale") visit(e.arg);
    if (e.k === "sum") e.terms.forEach((t) => visit(t.e));
  };
  for (const n of nets) {
    n.nodes.forEach((d) => visit(d.expr));
    visit(n.output.expr);
  }
  return [...out.values()];
}

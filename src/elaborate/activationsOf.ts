/**
 * The activations a network applies.
 */
import { activationsIn } from "./iexpr.ts";
import type { Activation, Network } from "./types.ts";

/** Every activation a network applies directly (not those its definitions call). */
export function activationsOf(nets: readonly Network[]): Activation[] {
  const out = new Map<string, Activation>();
  for (const n of nets) for (const d of [...n.nodes, n.output]) activationsIn(d.expr, out);
  return [...out.values()];
}

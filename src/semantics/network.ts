/**
 * A network evaluated symbolically: its hidden tensors and output as terms over the
 * parameter environment and the input terms (elaborate/interpret.ts in the term algebra).
 */
import type { Algebra } from "../elaborate/interpret.ts";
import { interpretNetwork, unflatten } from "../elaborate/interpret.ts";
import type { Network, TensorDef } from "../elaborate/types.ts";
import { add, app, cmp, div, ite, labelled, mul, neg, num, ZERO } from "./build.ts";
import type { ParamEnv } from "./params.ts";
import type { Term } from "./types.ts";

/** Terms as an algebra: sums are flat, shared subterms stay shared. */
export const termAlgebra: Algebra<Term> = {
  zero: ZERO,
  fromRational: num,
  add: (a, b) => add(a, b),
  mul: (a, b) => mul(a, b),
  neg,
  div,
  max: (a, b) => ite(cmp(">=", a, b), a, b),
  act: (a, x) => app(a, x),
  sum: (xs) => add(...xs),
};

/** Symbolic values of every hidden tensor and of the output. `side` prefixes entry labels. */
export function networkTerms(net: Network, env: ParamEnv, input: readonly Term[], side: string, stop: () => void = () => {}): { nodes: Map<string, Term[]>; output: Term[] } {
  // Entries are named where they are defined, so later definitions share the named terms.
  const label = (d: TensorDef, values: Term[]) => values.map((t, i) => labelled(t, `${side}.${d === net.output ? "out" : d.name}[${unflatten(d.shape, i).join(",")}]`));
  return interpretNetwork(net, termAlgebra, { input: (i) => input[i]!, param: (name) => (flat) => env.get(name, flat) }, { stop, label });
}

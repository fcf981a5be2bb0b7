/**
 * f_theta for an MLP, evaluated by the project's network evaluator (the one that replays
 * witnesses), so the covering checks test the same arithmetic the checker uses.
 */
import { noSpan } from "../diagnostics/span.ts";
import { mlpNetwork } from "../elaborate/networks.ts";
import type { Activation, Network } from "../elaborate/types.ts";
import { evaluateNetwork, type ActFn } from "../numeric/evaluate.ts";
import { exact as exactField, float64 } from "../numeric/field.ts";
import type { Rational } from "../numeric/rational.ts";
import { realisations, type Realisation } from "../numeric/realise.ts";
import { paramValues } from "./thetaLayout.ts";

/** An MLP as a function of (theta, x), in float64 and, when every activation allows it, exactly. */
export interface MlpFunction {
  readonly widths: readonly number[];
  readonly network: Network;
  /** True when every activation has an exact (rational) realisation. */
  readonly hasExact: boolean;
  float(theta: readonly number[], x: readonly number[]): number[];
  /** Throws when `hasExact` is false. */
  exact(theta: readonly Rational[], x: readonly Rational[]): Rational[];
}

/**
 * The function of the MLP with `widths` and one activation for all hidden layers or one per
 * hidden layer. theta is laid out as in `thetaLayout`.
 *
 * @example mlpFunction([1, 2, 1], builtin("relu")).float(theta, [0.5])
 */
export function mlpFunction(widths: readonly number[], activations: Activation | readonly Activation[]): MlpFunction {
  const L = widths.length - 2;
  const acts = Array.isArray(activations) ? (activations as readonly Activation[]) : Array.from({ length: L }, () => activations as Activation);
  if (acts.length !== L) throw new RangeError(`mlpFunction: ${acts.length} activations for ${L} hidden layers`);
  const network = mlpNetwork("f", widths, acts, noSpan("<covering>"));
  const real = new Map<Activation, Realisation>();
  for (const a of acts) {
    const r = realisations(a)[0];
    if (!r) throw new RangeError(`mlpFunction: activation ${a.name} has no concrete realisation`);
    real.set(a, r);
  }
  const hasExact = [...real.values()].every((r) => r.exact !== null);
  const floatAct: ActFn<number> = (a, x) => real.get(a)!.float(x);
  const exactAct: ActFn<Rational> = (a, x) => real.get(a)!.exact!(x);
  return {
    widths,
    network,
    hasExact,
    float: (theta, x) => evaluateNetwork(network, paramValues(widths, theta), x, float64, floatAct).output,
    exact: (theta, x) => {
      if (!hasExact) throw new RangeError("mlpFunction: an activation has no exact realisation");
      return evaluateNetwork(network, paramValues(widths, theta), x, exactField, exactAct).output;
    },
  };
}

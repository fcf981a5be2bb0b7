/**
 * What Lemma 1 needs to know about an activation: a Lipschitz constant rho, |sigma(0)|, and
 * whether |sigma| <= 1 everywhere.
 */
import type { Activation } from "../elaborate/types.ts";
import { Rational } from "../numeric/rational.ts";
import { realisations } from "../numeric/realise.ts";

/** Constants of one hidden layer's activation; null where unknown. */
export interface ActivationConstants {
  /** A Lipschitz constant (null: unknown, must be given as the `rho` option). */
  readonly rho: Rational | null;
  /** |sigma(0)| (null: unknown). */
  readonly sigma0: Rational | null;
  /** |sigma(z)| <= 1 for all z (tanh, sigmoid). */
  readonly boundedByOne: boolean;
}

/**
 * The constants of `act`. Built-ins are known; a user activation with an exact definition
 * gets sigma(0) by evaluating it; odd or positively homogeneous activations have sigma(0) = 0
 * (sigma(0) = -sigma(0), resp. sigma(0) = c sigma(0) for all c > 0).
 *
 * @example activationConstants(builtin("sigmoid")) // rho 1/4, sigma0 1/2, bounded
 */
export function activationConstants(act: Activation): ActivationConstants {
  switch (act.builtin) {
    case "relu":
    case "identity":
      return { rho: Rational.ONE, sigma0: Rational.ZERO, boundedByOne: false };
    case "tanh":
      return { rho: Rational.ONE, sigma0: Rational.ZERO, boundedByOne: true };
    case "sigmoid":
      return { rho: Rational.of(1, 4), sigma0: Rational.of(1, 2), boundedByOne: true };
    case "leaky_relu": {
      const def = act.definition;
      const alpha = def && def.k === "ite" && def.else.k === "mul" && def.else.a.k === "const" ? def.else.a.v.abs() : null;
      return { rho: alpha === null ? null : alpha.cmp(Rational.ONE) > 0 ? alpha : Rational.ONE, sigma0: Rational.ZERO, boundedByOne: false };
    }
    default:
      break;
  }
  if (act.properties.includes("odd") || act.properties.includes("positively_homogeneous")) return { rho: null, sigma0: Rational.ZERO, boundedByOne: false };
  const exact = act.kind === "defined" ? realisations(act)[0]?.exact : null;
  return { rho: null, sigma0: exact ? exact(Rational.ZERO).abs() : null, boundedByOne: false };
}

/**
 * The permutation classes `neteq align` matches on a tensor network: one per free axis class
 * of `src/elaborate/axes.ts` (the parameter axes that move together when one hidden axis is
 * permuted: a convolution's output channels with its batch norm and the next convolution's
 * input channels; a residual stream with every block that reads or writes it; the heads of
 * an attention with W_Q, W_K, W_V and W_O). The same `axisClass` is what the checker uses for
 * `permute N.<tensor> axis <a> by P`, so the parameter axes g moves here are exactly those
 * the cited theorem is about.
 */
import { axisClass } from "../elaborate/axes.ts";
import type { Network } from "../elaborate/types.ts";
import { slug, unitRef, whereText } from "../symmetries/naming.ts";

/** One parameter axis. */
export interface ParamAxis {
  readonly param: string;
  readonly axis: number;
}

/** A class of parameter axes that one permutation moves. */
export interface PermClass {
  /** Stable identifier (`s0_0`, `a_q_0`), used in JSON and claim names. */
  readonly id: string;
  /** For people: "s0 axis channels". */
  readonly where: string;
  /** For .neq text: "RC.s0 axis channels". */
  readonly ref: string;
  readonly size: number;
  readonly moves: readonly ParamAxis[];
  /** The hidden tensor and axis the class is named after (the first in definition order). */
  readonly node: string;
  readonly axis: number;
}

/** Hidden axes that cannot be permuted (for the report). */
export interface FixedAxis {
  readonly where: string;
  readonly reason: string;
}

/**
 * The free permutation classes of `net` with at least two units and one parameter axis,
 * in definition order, and the axes that are fixed.
 *
 * @example permutationClasses(rc).classes.map((c) => c.where) // ["s0 axis channels", "h axis channels"]
 */
export function permutationClasses(net: Network): { classes: PermClass[]; fixed: FixedAxis[] } {
  const classes: PermClass[] = [];
  const fixed: FixedAxis[] = [];
  const seen = new Set<string>();
  for (const def of net.nodes) {
    def.shape.forEach((n, axis) => {
      if (n < 2) return;
      const c = axisClass(net, def.name, axis);
      if ("reason" in c) {
        if (!fixed.some((f) => f.reason === c.reason)) fixed.push({ where: whereText(def, axis), reason: c.reason });
        return;
      }
      const moves = c.params.map((p) => ({ param: p.name, axis: p.axis }));
      const key = moves.map((m) => `${m.param}:${m.axis}`).sort().join(",");
      if (moves.length === 0 || seen.has(key)) return;
      seen.add(key);
      classes.push({ id: `${slug(def.name)}_${axis}`, where: whereText(def, axis), ref: unitRef(net, def, axis), size: n, moves, node: def.name, axis });
    });
  }
  return { classes, fixed };
}

/**
 * For each parameter, which class each of its axes belongs to (-1: the axis is fixed).
 * A parameter axis is in at most one class (the classes partition the axes).
 */
export function axisOwners(net: Network, classes: readonly PermClass[]): Map<string, number[]> {
  const owners = new Map(net.params.map((p) => [p.name, p.shape.map(() => -1)]));
  classes.forEach((c, k) => {
    for (const m of c.moves) owners.get(m.param)![m.axis] = k;
  });
  return owners;
}

/**
 * softmax(x; axis = last): exp(x_i) / sum_j exp(x_j) along one axis. `exp` is the built-in
 * exponential, known to the solver by its axioms (exp(z) > 0, exp(a + b) = exp(a) exp(b)),
 * so the denominator is positive by a stated fact. The exponentials and the denominators
 * are auxiliary tensors (`<name>.exp`, `<name>.den`).
 *
 * `masked(...)` (used by causal attention) keeps only the entries where a condition on the
 * indices holds: the others are 0 and do not count in the denominator.
 */
import { act, div, ix, sumOver } from "../iexpr.ts";
import type { Affine, IExpr } from "../types.ts";
import { int, materialise, tvalue } from "./util.ts";
import type { Op, OpContext, TValue } from "./types.ts";

/** Softmax of `x` along `axis`, where `keep(idx, e)` may mask entries (identity by default). */
export function softmaxAlong(x: TValue, axis: number, ctx: OpContext, keep: (idx: readonly Affine[], e: IExpr) => IExpr = (_i, e) => e): TValue {
  const exp = ctx.builtin("exp");
  const e = ctx.define("exp", tvalue(x.shape, x.axes, (idx) => keep(idx, act(exp, x.at(idx)))));
  const j = ctx.fresh("j");
  const n = x.shape[axis]!;
  const rest = (idx: readonly Affine[]) => idx.filter((_, a) => a !== axis);
  const den = ctx.define(
    "den",
    tvalue(
      x.shape.filter((_, a) => a !== axis),
      x.axes.filter((_, a) => a !== axis),
      (idx) => {
        const full: Affine[] = [];
        let k = 0;
        for (let a = 0; a < x.shape.length; a++) full.push(a === axis ? ix(j) : idx[k++]!);
        return sumOver(j, n, e.at(full));
      },
    ),
  );
  return tvalue(x.shape, x.axes, (idx) => div(e.at(idx), den.at(rest(idx))));
}

export const softmax: Op = {
  name: "softmax",
  signature: "softmax(x; axis = last)",
  tensors: { min: 1, max: 1 },
  options: { axis: { kind: "int", default: -1, doc: "the axis to normalise over (-1: the last)" } },
  expand([x], options, ctx) {
    const r = x!.shape.length;
    if (r === 0) return "softmax needs a tensor with at least one axis";
    let axis = int(options, "axis");
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r) return `softmax: axis ${int(options, "axis")} does not exist in a tensor with ${r} axes`;
    return softmaxAlong(materialise(x!, ctx), axis, ctx);
  },
};

/**
 * Normalisations. `rsqrt` is the built-in 1/sqrt, known to the solver by its axioms
 * (positive, and rsqrt(z)^2 z = 1, for z > 0): the facts a proof uses appear in its axiom
 * footprint. The statistics are auxiliary hidden tensors (`<name>.mean`, `<name>.var`), so
 * they are computed once and shared.
 *
 *   batchnorm(x[C, ...], mean[C], var[C], gamma[C], beta[C]; eps)   inference form, running statistics as parameters
 *   layernorm(x[..., n], gamma[n], beta[n]; eps)                     over the last axis
 *   rmsnorm(x[..., n], gamma[n]; eps)                                over the last axis
 */
import { Rational } from "../../numeric/rational.ts";
import { act, add, ix, konst, mul, sub, sumOver } from "../iexpr.ts";
import type { IExpr } from "../types.ts";
import { exactly, first, materialise, rational, tvalue } from "./util.ts";
import type { Op, OpContext, TValue } from "./types.ts";

const EPS = { eps: { kind: "rational", default: "1/100000", doc: "added to the variance (must be positive)" } } as const;

export const batchnorm: Op = {
  name: "batchnorm",
  signature: "batchnorm(x[C, ...], mean[C], var[C], gamma[C], beta[C]; eps = 1/100000)",
  tensors: { min: 5, max: 5 },
  options: EPS,
  expand([x, mean, variance, gamma, beta], options, ctx) {
    if (x!.shape.length < 1) return "the input of batchnorm must have a channel axis first";
    const C = x!.shape[0]!;
    const problem = first(exactly(mean!, [C], "batchnorm's mean"), exactly(variance!, [C], "batchnorm's var"), exactly(gamma!, [C], "batchnorm's gamma"), exactly(beta!, [C], "batchnorm's beta"));
    if (problem) return problem;
    const eps = rational(options, "eps");
    if (eps.sign() <= 0) return "batchnorm: eps must be positive";
    const rsqrt = ctx.builtin("rsqrt");
    return tvalue(x!.shape, x!.axes, (idx) => {
      const c = idx[0]!;
      return add(mul(gamma!.at([c]), sub(x!.at(idx), mean!.at([c])), act(rsqrt, add(variance!.at([c]), konst(eps)))), beta!.at([c]));
    });
  },
};

/** mean over the last axis and the mean of squares (centred or not), as auxiliary tensors. */
function statistics(x: TValue, centred: boolean, ctx: OpContext): { mean: TValue | null; second: TValue } {
  const n = x.shape[x.shape.length - 1]!;
  const j = ctx.fresh("j");
  const lead = x.shape.slice(0, -1);
  const axes = x.axes.slice(0, -1);
  const inv = konst(Rational.of(1, n));
  const mean = centred ? ctx.define("mean", tvalue(lead, axes, (idx) => mul(inv, sumOver(j, n, x.at([...idx, ix(j)]))))) : null;
  const second = ctx.define(
    centred ? "var" : "ms",
    tvalue(lead, axes, (idx) => {
      const d: IExpr = mean ? sub(x.at([...idx, ix(j)]), mean.at(idx)) : x.at([...idx, ix(j)]);
      return mul(inv, sumOver(j, n, mul(d, d)));
    }),
  );
  return { mean, second };
}

export const layernorm: Op = {
  name: "layernorm",
  signature: "layernorm(x[..., n], gamma[n], beta[n]; eps = 1/100000)",
  tensors: { min: 3, max: 3 },
  options: EPS,
  expand([x, gamma, beta], options, ctx) {
    if (x!.shape.length < 1) return "the input of layernorm must have at least one axis";
    const n = x!.shape[x!.shape.length - 1]!;
    const problem = first(exactly(gamma!, [n], "layernorm's gamma"), exactly(beta!, [n], "layernorm's beta"));
    if (problem) return problem;
    const eps = rational(options, "eps");
    if (eps.sign() <= 0) return "layernorm: eps must be positive";
    const xin = materialise(x!, ctx);
    const { mean, second } = statistics(xin, true, ctx);
    const rsqrt = ctx.builtin("rsqrt");
    return tvalue(x!.shape, x!.axes, (idx) => {
      const lead = idx.slice(0, -1);
      const i = idx[idx.length - 1]!;
      return add(mul(gamma!.at([i]), sub(xin.at(idx), mean!.at(lead)), act(rsqrt, add(second.at(lead), konst(eps)))), beta!.at([i]));
    });
  },
};

export const rmsnorm: Op = {
  name: "rmsnorm",
  signature: "rmsnorm(x[..., n], gamma[n]; eps = 1/100000)",
  tensors: { min: 2, max: 2 },
  options: EPS,
  expand([x, gamma], options, ctx) {
    if (x!.shape.length < 1) return "the input of rmsnorm must have at least one axis";
    const n = x!.shape[x!.shape.length - 1]!;
    const problem = exactly(gamma!, [n], "rmsnorm's gamma");
    if (problem) return problem;
    const eps = rational(options, "eps");
    if (eps.sign() <= 0) return "rmsnorm: eps must be positive";
    const xin = materialise(x!, ctx);
    const { second } = statistics(xin, false, ctx);
    const rsqrt = ctx.builtin("rsqrt");
    return tvalue(x!.shape, x!.axes, (idx) => mul(gamma!.at([idx[idx.length - 1]!]), xin.at(idx), act(rsqrt, add(second.at(idx.slice(0, -1)), konst(eps)))));
  },
};

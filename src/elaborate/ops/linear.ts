/**
 * linear(x[..., in], W[out, in], b[out]?) = sum_k W[o, k] x[..., k] + b[o]: PyTorch's layout
 * (weights are (out, in)); leading axes of x (tokens, positions) are carried along.
 */
import { add, ix, mul, sumOver } from "../iexpr.ts";
import { exactly, first, rank, tvalue } from "./util.ts";
import type { Op } from "./types.ts";

export const linear: Op = {
  name: "linear",
  signature: "linear(x[..., in], W[out, in], b[out]?)",
  tensors: { min: 2, max: 3 },
  options: {},
  expand([x, W, b], _options, ctx) {
    const problem = first(rank(W!, 2, "the weight of linear", "[out, in]"), x!.shape.length === 0 ? "the input of linear must have at least one axis" : null);
    if (problem) return problem;
    const [out, inn] = W!.shape as [number, number];
    const last = x!.shape[x!.shape.length - 1]!;
    if (last !== inn) return `linear's weight is [${out}, ${inn}] (out, in) but the input's last axis has ${last} entries${last === out ? " (is the weight transposed? neteq uses PyTorch's (out, in) layout)" : ""}`;
    if (b) {
      const bad = exactly(b, [out], "the bias of linear");
      if (bad) return bad;
    }
    const k = ctx.fresh("k");
    return tvalue([...x!.shape.slice(0, -1), out], [...x!.axes.slice(0, -1), "units"], (idx) => {
      const o = idx[idx.length - 1]!;
      const lead = idx.slice(0, -1);
      const product = sumOver(k, inn, mul(W!.at([o, ix(k)]), x!.at([...lead, ix(k)])));
      return b ? add(product, b.at([o])) : product;
    });
  },
};

/**
 * Pooling over the spatial axes of x[C, ...] (channels first, no batch axis):
 *
 *   maxpool1d / maxpool2d(x; kernel, stride = kernel)      max over each window
 *   avgpool1d / avgpool2d(x; kernel, stride = kernel, padding = 0)
 *                                                           window sum / kernel size (zeros count)
 *   gap(x[C, ...])                                          mean over every spatial position
 *
 * Max pooling takes no padding: PyTorch pads with -infinity there, which zero padding would
 * not reproduce.
 */
import { Rational } from "../../numeric/rational.ts";
import { ix, konst, maxOver, mul, sumOver } from "../iexpr.ts";
import type { IExpr } from "../types.ts";
import { int, tap, tvalue, windows } from "./util.ts";
import type { Op, OpContext, OptionValue, TValue } from "./types.ts";

function pool(kind: "max" | "avg", dims: 1 | 2, [x]: readonly TValue[], options: ReadonlyMap<string, OptionValue>, ctx: OpContext): TValue | string {
  const name = `${kind}pool${dims}d`;
  if (x!.shape.length !== dims + 1) return `the input of ${name} must have ${dims + 1} axes (channels first), but has ${x!.shape.length}`;
  const k = int(options, "kernel");
  const s = options.has("stride") ? int(options, "stride") : k;
  const p = kind === "avg" ? int(options, "padding") : 0;
  if (k < 1 || s < 1) return `${name}: kernel and stride must be at least 1`;
  if (p < 0 || 2 * p > k) return `${name}: padding must be between 0 and half the kernel`;
  const spatial = x!.shape.slice(1);
  const out = spatial.map((n) => windows(n, k, s, p));
  if (out.some((n) => n < 1)) return `${name}: a window of ${k} does not fit the input ${spatial.join("x")}`;
  const a = spatial.map((_, d) => ctx.fresh(d === 0 ? "a" : "d"));
  return tvalue([x!.shape[0]!, ...out], x!.axes, (idx) => {
    let e: IExpr = x!.at([idx[0]!, ...idx.slice(1).map((i, d) => tap(i, a[d]!, s, p))]);
    for (let d = a.length - 1; d >= 0; d--) e = kind === "max" ? maxOver(a[d]!, k, e) : sumOver(a[d]!, k, e);
    return kind === "max" ? e : mul(konst(Rational.of(1, k ** dims)), e);
  });
}

const MAX = { kernel: { kind: "int", default: null, doc: "window size" }, stride: { kind: "int", doc: "step between windows (default: the kernel)" } } as const;
const AVG = { ...MAX, padding: { kind: "int", default: 0, doc: "zeros added on each side (counted in the mean)" } } as const;

export const maxpool1d: Op = { name: "maxpool1d", signature: "maxpool1d(x[C, L]; kernel, stride = kernel)", tensors: { min: 1, max: 1 }, options: MAX, expand: (t, o, c) => pool("max", 1, t, o, c) };
export const maxpool2d: Op = { name: "maxpool2d", signature: "maxpool2d(x[C, H, W]; kernel, stride = kernel)", tensors: { min: 1, max: 1 }, options: MAX, expand: (t, o, c) => pool("max", 2, t, o, c) };
export const avgpool1d: Op = { name: "avgpool1d", signature: "avgpool1d(x[C, L]; kernel, stride = kernel, padding = 0)", tensors: { min: 1, max: 1 }, options: AVG, expand: (t, o, c) => pool("avg", 1, t, o, c) };
export const avgpool2d: Op = { name: "avgpool2d", signature: "avgpool2d(x[C, H, W]; kernel, stride = kernel, padding = 0)", tensors: { min: 1, max: 1 }, options: AVG, expand: (t, o, c) => pool("avg", 2, t, o, c) };

export const gap: Op = {
  name: "gap",
  signature: "gap(x[C, ...])",
  tensors: { min: 1, max: 1 },
  options: {},
  expand([x], _o, ctx) {
    if (x!.shape.length < 2) return `gap averages over the spatial axes of x[C, ...]; this input has shape [${x!.shape.join(", ")}]`;
    const spatial = x!.shape.slice(1);
    const vs = spatial.map((_, d) => ctx.fresh(`p${d}`));
    const n = spatial.reduce((a, b) => a * b, 1);
    return tvalue([x!.shape[0]!], ["channels"], (idx) => {
      let e: IExpr = x!.at([idx[0]!, ...vs.map((v) => ix(v))]);
      for (let d = vs.length - 1; d >= 0; d--) e = sumOver(vs[d]!, spatial[d]!, e);
      return mul(konst(Rational.of(1, n)), e);
    });
  },
};

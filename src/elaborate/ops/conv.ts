/**
 * Convolutions in PyTorch's layout, without a batch axis:
 *
 *   conv1d(x[C, L], K[O, C/g, k], b[O]?; stride, padding, groups)
 *   conv2d(x[C, H, W], K[O, C/g, kh, kw], b[O]?; stride, padding, groups)
 *
 * y[o, i] = sum_{c, a} K[o, c, a] x[g(o) C/g + c, s i + a - p] + b[o], where g(o) is the
 * group of output channel o; reads outside the input are 0 (zero padding). Groups are a sum
 * over groups guarded by the output channel's range, so every index stays affine.
 */
import { add, guard, ix, mul, plus, sumOver, times } from "../iexpr.ts";
import type { Affine, IExpr } from "../types.ts";
import { exactly, first, int, rank, tap, tvalue, windows } from "./util.ts";
import type { Op, OpContext, OptionValue, TValue } from "./types.ts";

const OPTIONS = {
  stride: { kind: "int", default: 1, doc: "step between windows" },
  padding: { kind: "int", default: 0, doc: "zeros added on each side of every spatial axis" },
  groups: { kind: "int", default: 1, doc: "channel groups (in and out channels split into this many groups)" },
} as const;

function conv(dims: 1 | 2, [x, K, b]: readonly TValue[], options: ReadonlyMap<string, OptionValue>, ctx: OpContext): TValue | string {
  const name = `conv${dims}d`;
  const layout = dims === 1 ? ["[C, L]", "[O, C/groups, k]"] : ["[C, H, W]", "[O, C/groups, kh, kw]"];
  const problem = first(rank(x!, dims + 1, `the input of ${name}`, layout[0]!), rank(K!, dims + 2, `the kernel of ${name}`, layout[1]!));
  if (problem) return problem;
  const s = int(options, "stride");
  const p = int(options, "padding");
  const g = int(options, "groups");
  if (s < 1) return `${name}: stride must be at least 1`;
  if (p < 0) return `${name}: padding must not be negative`;
  if (g < 1) return `${name}: groups must be at least 1`;
  const C = x!.shape[0]!;
  const O = K!.shape[0]!;
  const Cg = K!.shape[1]!;
  if (C % g !== 0 || O % g !== 0) return `${name}: ${C} input and ${O} output channels do not split into ${g} groups`;
  if (Cg !== C / g) return `${name}: the kernel has ${Cg} input channels per group, but the input has ${C} channels in ${g} group${g === 1 ? "" : "s"} (${C / g} each)`;
  const taps = K!.shape.slice(2);
  const spatial = x!.shape.slice(1);
  const out = spatial.map((n, d) => windows(n, taps[d]!, s, p));
  if (out.some((n) => n < 1)) return `${name}: the kernel ${taps.join("x")} with padding ${p} does not fit the input ${spatial.join("x")}`;
  if (b) {
    const bad = exactly(b, [O], `the bias of ${name}`);
    if (bad) return bad;
  }
  const c = ctx.fresh("c");
  const a = taps.map((_, d) => ctx.fresh(d === 0 ? "a" : "d"));
  const gi = ctx.fresh("g");
  const Og = O / g;
  return tvalue([O, ...out], ["channels", ...(dims === 1 ? ["positions"] : ["rows", "cols"])], (idx) => {
    const o = idx[0]!;
    const positions = idx.slice(1).map((i, d) => tap(i, a[d]!, s, p));
    const body = (channel: Affine): IExpr => {
      let e: IExpr = mul(K!.at([o, ix(c), ...a.map((v) => ix(v))]), x!.at([channel, ...positions]));
      for (let d = taps.length - 1; d >= 0; d--) e = sumOver(a[d]!, taps[d]!, e);
      return sumOver(c, Cg, e);
    };
    // Group gi holds output channels gi*O/g .. (gi+1)*O/g - 1 and reads input channels gi*C/g + c.
    const grouped = g === 1 ? body(ix(c)) : sumOver(gi, g, guard(times(ix(gi), Og), "<=", o, guard(o, "<", plus(times(ix(gi), Og), Og), body(plus(times(ix(gi), Cg), ix(c))))));
    return b ? add(grouped, b.at([o])) : grouped;
  });
}

export const conv1d: Op = {
  name: "conv1d",
  signature: "conv1d(x[C, L], K[O, C/groups, k], b[O]?; stride = 1, padding = 0, groups = 1)",
  tensors: { min: 2, max: 3 },
  options: OPTIONS,
  expand: (t, o, ctx) => conv(1, t, o, ctx),
};

export const conv2d: Op = {
  name: "conv2d",
  signature: "conv2d(x[C, H, W], K[O, C/groups, kh, kw], b[O]?; stride = 1, padding = 0, groups = 1)",
  tensors: { min: 2, max: 3 },
  options: OPTIONS,
  expand: (t, o, ctx) => conv(2, t, o, ctx),
};

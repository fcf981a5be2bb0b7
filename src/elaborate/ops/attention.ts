/**
 * Scaled dot-product attention over tokens x[T, D], heads as an axis (no batch axis):
 *
 *   mha(x[T, D], Wq[H, K, D], Wk[H, K, D], Wv[H, K, D], Wo[D, H, K];
 *       causal = 0, bq[H, K], bk[H, K], bv[H, K], bo[D], cos[T, K/2], sin[T, K/2])
 *   gqa(x[T, D], Wq[G, R, K, D], Wk[G, K, D], Wv[G, K, D], Wo[D, G, R, K]; causal = 0, cos, sin)
 *
 * q[h, t, k] = sum_d Wq[h, k, d] x[t, d] (+ bq), likewise k and v; with `cos` and `sin`, q and k
 * are rotated by RoPE; scores[h, t, s] = q . k / sqrt(K); weights = softmax over s (causal:
 * only s <= t); heads[h, t, k] = sum_s weights v; out[t, d] = sum_{h, k} Wo[d, h, k] heads + bo.
 * Grouped-query attention splits the query heads into G groups of R that share one key and
 * value head. The intermediate tensors are auxiliary hidden tensors (`<name>.q`, ...).
 *
 * Weights are stored per head ([H, K, D]) rather than as PyTorch's [H K, D]; `neteq import`
 * and the spec formats map between the two.
 */
import { Rational } from "../../numeric/rational.ts";
import { act, add, guard, ix, konst, mul, sumOver } from "../iexpr.ts";
import type { Affine, IExpr } from "../types.ts";
import { exactly, first, int, rank, tensor, tvalue } from "./util.ts";
import { rotate, ropeProblem } from "./rope.ts";
import { softmaxAlong } from "./softmax.ts";
import type { Op, OpContext, OptionValue, TValue } from "./types.ts";

const OPTIONS = {
  causal: { kind: "int", default: 0, doc: "1: token t attends only to tokens s <= t" },
  cos: { kind: "tensor", doc: "RoPE cosine table [T, K/2] (with sin: rotate q and k)" },
  sin: { kind: "tensor", doc: "RoPE sine table [T, K/2]" },
} as const;

/** 1/sqrt(K): exact when K is a square, else the built-in rsqrt at K. */
function scaleOf(K: number, ctx: OpContext): IExpr {
  const r = Math.round(Math.sqrt(K));
  return r * r === K ? konst(Rational.of(1, r)) : act(ctx.builtin("rsqrt"), konst(Rational.of(K)));
}

/**
 * The attention core over head axes `heads` (sizes), given projections: q over
 * [...heads, T, K], and k, v over [...kvHeads, T, K] read through `kv(headIdx)`.
 */
function core(q: TValue, k: TValue, v: TValue, kvOf: (h: readonly Affine[]) => Affine[], nHeads: number, options: ReadonlyMap<string, OptionValue>, ctx: OpContext): TValue {
  const T = q.shape[nHeads]!;
  const K = q.shape[nHeads + 1]!;
  const kk = ctx.fresh("k");
  const scale = scaleOf(K, ctx);
  const headAxes = q.axes.slice(0, nHeads);
  const scores = ctx.define(
    "scores",
    tvalue([...q.shape.slice(0, nHeads), T, T], [...headAxes, "query", "key"], (idx) => {
      const h = idx.slice(0, nHeads);
      const t = idx[nHeads]!;
      const s = idx[nHeads + 1]!;
      return mul(scale, sumOver(kk, K, mul(q.at([...h, t, ix(kk)]), k.at([...kvOf(h), s, ix(kk)]))));
    }),
  );
  const causal = int(options, "causal") !== 0;
  const weights = ctx.define("weights", softmaxAlong(scores, nHeads + 1, ctx, causal ? (idx, e) => guard(idx[nHeads + 1]!, "<=", idx[nHeads]!, e) : undefined));
  const s = ctx.fresh("s");
  return ctx.define(
    "heads",
    tvalue(q.shape, q.axes, (idx) => {
      const h = idx.slice(0, nHeads);
      return sumOver(s, T, mul(weights.at([...h, idx[nHeads]!, ix(s)]), v.at([...kvOf(h), ix(s), idx[nHeads + 1]!])));
    }),
  );
}

/** A projection p[...heads, t, k] = sum_d W[...heads, k, d] x[t, d] (+ b[...heads, k]). */
function project(x: TValue, W: TValue, b: TValue | null, nHeads: number, ctx: OpContext, name: string, headAxes: readonly string[]): TValue {
  const d = ctx.fresh("d");
  const D = x.shape[1]!;
  const shape = [...W.shape.slice(0, nHeads), x.shape[0]!, W.shape[nHeads]!];
  return ctx.define(
    name,
    tvalue(shape, [...headAxes, "tokens", "head_dim"], (idx) => {
      const h = idx.slice(0, nHeads);
      const product = sumOver(d, D, mul(W.at([...h, idx[nHeads + 1]!, ix(d)]), x.at([idx[nHeads]!, ix(d)])));
      return b ? add(product, b.at([...h, idx[nHeads + 1]!])) : product;
    }),
  );
}

function rotated(p: TValue, options: ReadonlyMap<string, OptionValue>, ctx: OpContext, name: string): TValue {
  const C = tensor(options, "cos");
  const S = tensor(options, "sin");
  return C && S ? ctx.define(name, rotate(p, C, S)) : p;
}

function ropeCheck(options: ReadonlyMap<string, OptionValue>, T: number, K: number, what: string): string | null {
  const C = tensor(options, "cos");
  const S = tensor(options, "sin");
  if (!C && !S) return null;
  if (!C || !S) return `${what}: give both cos and sin tables for RoPE`;
  return ropeProblem(tvalue([T, K], ["tokens", "head_dim"], () => konst(Rational.ZERO)), C, S, what);
}

export const mha: Op = {
  name: "mha",
  signature: "mha(x[T, D], Wq[H, K, D], Wk[H, K, D], Wv[H, K, D], Wo[D, H, K]; causal = 0, bq[H, K], bk[H, K], bv[H, K], bo[D], cos[T, K/2], sin[T, K/2])",
  tensors: { min: 5, max: 5 },
  options: { ...OPTIONS, bq: { kind: "tensor", doc: "query bias [H, K]" }, bk: { kind: "tensor", doc: "key bias [H, K]" }, bv: { kind: "tensor", doc: "value bias [H, K]" }, bo: { kind: "tensor", doc: "output bias [D]" } },
  expand([x, Wq, Wk, Wv, Wo], options, ctx) {
    const bad = first(rank(x!, 2, "the input of mha", "[T, D]"), rank(Wq!, 3, "Wq", "[H, K, D]"));
    if (bad) return bad;
    const [T, D] = x!.shape as [number, number];
    const [H, K] = Wq!.shape as [number, number, number];
    const problem = first(
      exactly(Wq!, [H, K, D], "Wq (heads, head_dim, d_model)"),
      exactly(Wk!, [H, K, D], "Wk (heads, head_dim, d_model)"),
      exactly(Wv!, [H, K, D], "Wv (heads, head_dim, d_model)"),
      exactly(Wo!, [D, H, K], "Wo (d_model, heads, head_dim)"),
      ...(["bq", "bk", "bv"] as const).map((n) => (tensor(options, n) ? exactly(tensor(options, n)!, [H, K], `mha's ${n}`) : null)),
      tensor(options, "bo") ? exactly(tensor(options, "bo")!, [D], "mha's bo") : null,
      ropeCheck(options, T, K, "mha"),
    );
    if (problem) return problem;
    const q = rotated(project(x!, Wq!, tensor(options, "bq"), 1, ctx, "q", ["heads"]), options, ctx, "q_rope");
    const k = rotated(project(x!, Wk!, tensor(options, "bk"), 1, ctx, "k", ["heads"]), options, ctx, "k_rope");
    const v = project(x!, Wv!, tensor(options, "bv"), 1, ctx, "v", ["heads"]);
    const heads = core(q, k, v, (h) => [...h], 1, options, ctx);
    const bo = tensor(options, "bo");
    const hh = ctx.fresh("h");
    const kk = ctx.fresh("k");
    return tvalue([T, D], ["tokens", "d_model"], ([t, d]) => {
      const mix = sumOver(hh, H, sumOver(kk, K, mul(Wo!.at([d!, ix(hh), ix(kk)]), heads.at([ix(hh), t!, ix(kk)]))));
      return bo ? add(mix, bo.at([d!])) : mix;
    });
  },
};

export const gqa: Op = {
  name: "gqa",
  signature: "gqa(x[T, D], Wq[G, R, K, D], Wk[G, K, D], Wv[G, K, D], Wo[D, G, R, K]; causal = 0, cos[T, K/2], sin[T, K/2])",
  tensors: { min: 5, max: 5 },
  options: OPTIONS,
  expand([x, Wq, Wk, Wv, Wo], options, ctx) {
    const bad = first(rank(x!, 2, "the input of gqa", "[T, D]"), rank(Wq!, 4, "Wq", "[G, R, K, D]"));
    if (bad) return bad;
    const [T, D] = x!.shape as [number, number];
    const [G, R, K] = Wq!.shape as [number, number, number, number];
    const problem = first(
      exactly(Wq!, [G, R, K, D], "Wq (groups, queries per group, head_dim, d_model)"),
      exactly(Wk!, [G, K, D], "Wk (groups, head_dim, d_model)"),
      exactly(Wv!, [G, K, D], "Wv (groups, head_dim, d_model)"),
      exactly(Wo!, [D, G, R, K], "Wo (d_model, groups, queries per group, head_dim)"),
      ropeCheck(options, T, K, "gqa"),
    );
    if (problem) return problem;
    const q = rotated(project(x!, Wq!, null, 2, ctx, "q", ["groups", "queries"]), options, ctx, "q_rope");
    const k = rotated(project(x!, Wk!, null, 1, ctx, "k", ["groups"]), options, ctx, "k_rope");
    const v = project(x!, Wv!, null, 1, ctx, "v", ["groups"]);
    const heads = core(q, k, v, (h) => [h[0]!], 2, options, ctx);
    const g = ctx.fresh("g");
    const r = ctx.fresh("r");
    const kk = ctx.fresh("k");
    return tvalue([T, D], ["tokens", "d_model"], ([t, d]) =>
      sumOver(g, G, sumOver(r, R, sumOver(kk, K, mul(Wo!.at([d!, ix(g), ix(r), ix(kk)]), heads.at([ix(g), ix(r), t!, ix(kk)]))))),
    );
  },
};

/**
 * Lemma 1 for any network: a rigorous Lambda with sup_x ||f_theta(x) - f_theta'(x)||_inf
 * <= Lambda ||theta - theta'||_inf for theta, theta' in the box ||.||_inf <= B and inputs
 * x in [0, 1]^n, read off the network's index expressions (elaborate/types.ts, IExpr).
 *
 * For every expression e we bound, uniformly over its entries, inputs and parameters:
 *   M(e) >= |e|,   D(e) >= |e(theta) - e(theta')| / delta   (delta = ||theta - theta'||_inf),
 * and where we can, a positive lower bound P(e) <= e (or the fact e >= 0). The rules (README,
 * "Covering-number lemmas", per-layer factors) are the triangle inequality and the product
 * rule: |ab - a'b'| <= |a| |b - b'| + |b'| |a - a'|; a sum of n terms multiplies both by n;
 * max over a window keeps both (max is 1-Lipschitz in the sup norm); an activation with
 * Lipschitz constant rho multiplies D by rho; exp(a) has M = D-factor = e^M(a) and
 * P = e^-M(a); 1/b needs P(b) > 0 (D(a/b) <= D(a)/P(b) + M(a) D(b)/P(b)^2); rsqrt(b) needs
 * P(b) > 0 and is bounded by P(b)^-1/2 with Lipschitz constant P(b)^-3/2 / 2 there. Where a
 * denominator or an rsqrt argument is not provably positive (batch norm's running variance
 * is a parameter, so var + eps can be 0 in the box, where rsqrt jumps; a masked softmax's
 * denominator), or an activation has no known constant, there is no rigorous constant from
 * these rules and the analysis refuses, naming the tensor.
 *
 * Numbers are kept as log10 (the bounds of attention reach e^(10^6)) and every step is
 * rounded outwards by a relative 1e-12, far above float64 error.
 */
import type { Activation, IExpr, Network } from "../elaborate/types.ts";

/** log10 bounds of one expression: -Infinity stands for 0; `pos` is log10 of a positive lower bound. */
interface Bounds {
  readonly M: number;
  readonly D: number;
  readonly nonneg: boolean;
  readonly pos: number | null;
}

/** Lambda as log10, or why no rigorous constant is known (naming the tensor). */
export type NetworkLipschitz = { readonly log10Lambda: number; readonly perTensor: readonly { readonly name: string; readonly log10M: number; readonly log10D: number }[] } | { readonly refusal: string };

const up = (v: number): number => (Number.isFinite(v) ? v + 1e-12 * (1 + Math.abs(v)) : v);
const down = (v: number): number => (Number.isFinite(v) ? v - 1e-12 * (1 + Math.abs(v)) : v);
/** log10(10^a + 10^b), rounded up. */
const ladd = (a: number, b: number): number => {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const hi = Math.max(a, b);
  return up(hi + Math.log10(1 + 10 ** (Math.min(a, b) - hi)));
};
const lsum = (xs: readonly number[]): number => xs.reduce(ladd, -Infinity);
const LOG10E = Math.LOG10E;

class Refusal extends Error {}

/** Constants of the activations the rules know: Lipschitz rho, and |f(z)| <= a |z| + c (or |f| <= 1). */
const ACTS: Readonly<Record<string, { rho: number; slope: number; c: number; bounded: boolean; nonneg: boolean }>> = {
  relu: { rho: 1, slope: 1, c: 0, bounded: false, nonneg: true },
  identity: { rho: 1, slope: 1, c: 0, bounded: false, nonneg: false },
  tanh: { rho: 1, slope: 1, c: 0, bounded: true, nonneg: false },
  sigmoid: { rho: 0.25, slope: 0, c: 1, bounded: true, nonneg: true },
  // |gelu'| <= 1.13 and |silu'| <= 1.1 (src/numeric/realise.ts); gelu(z) = z Phi(z), silu(z) = z s(z): |f(z)| <= |z|.
  gelu: { rho: 1.13, slope: 1, c: 0, bounded: false, nonneg: false },
  silu: { rho: 1.1, slope: 1, c: 0, bounded: false, nonneg: false },
  // softplus(z) <= |z| + ln 2, 1-Lipschitz, positive.
  softplus: { rho: 1, slope: 1, c: Math.LN2, bounded: false, nonneg: true },
};

function activation(act: Activation, a: Bounds, where: string): Bounds {
  const name = act.builtin ?? "";
  if (name === "exp") {
    const m = 10 ** a.M;
    const e = m * LOG10E;
    if (!Number.isFinite(e)) throw new Refusal(`${where}: exp of a value bounded only by 10^${a.M.toFixed(1)} overflows every bound`);
    return { M: up(e), D: up(e + a.D), nonneg: true, pos: down(-e) };
  }
  if (name === "rsqrt") {
    if (a.pos === null) throw new Refusal(`${where}: rsqrt of a value that is not provably positive (it jumps at 0, so no Lipschitz constant exists there)`);
    return { M: up(-a.pos / 2), D: up(Math.log10(0.5) - 1.5 * a.pos + a.D), nonneg: true, pos: down(-a.M / 2) };
  }
  if (name === "leaky_relu") {
    const def = act.definition;
    const alpha = def && def.k === "ite" && def.else.k === "mul" && def.else.a.k === "const" ? Math.abs(def.else.a.v.toNumber()) : null;
    if (alpha === null) throw new Refusal(`${where}: the slope of ${act.name} is not known`);
    const r = Math.max(1, alpha);
    return { M: up(a.M + Math.log10(r)), D: up(a.D + Math.log10(r)), nonneg: false, pos: null };
  }
  const k = ACTS[name];
  if (!k) throw new Refusal(`${where}: the activation ${act.name} has no known Lipschitz constant`);
  const M = k.bounded ? Math.min(0, ladd(a.M + Math.log10(Math.max(k.slope, 1e-300)), k.c > 0 ? Math.log10(k.c) : -Infinity)) : ladd(k.slope > 0 ? a.M + Math.log10(k.slope) : -Infinity, k.c > 0 ? Math.log10(k.c) : -Infinity);
  // sigmoid is at least sigmoid(-M(a)) > 0; softplus at least softplus(-M(a)) > 0.
  const m = 10 ** a.M;
  const pos = name === "sigmoid" ? down(Math.log10(1 / (1 + Math.exp(m)))) : name === "softplus" ? down(Math.log10(Math.log1p(Math.exp(-m)))) : null;
  return { M: up(M), D: up(a.D + Math.log10(k.rho)), nonneg: k.nonneg, pos: pos !== null && Number.isFinite(pos) ? pos : null };
}

/** The bounds of one expression, given those of the hidden tensors defined before it. */
function bounds(e: IExpr, ctx: { log10B: number; nodes: Map<string, Bounds>; where: string }): Bounds {
  const rec = (x: IExpr) => bounds(x, ctx);
  switch (e.k) {
    case "const": {
      const v = e.v.toNumber();
      return { M: up(Math.log10(Math.abs(v))), D: -Infinity, nonneg: v >= 0, pos: v > 0 ? down(Math.log10(v)) : null };
    }
    case "read":
      if (e.src === "input") return { M: 0, D: -Infinity, nonneg: true, pos: null };
      if (e.src === "param") return { M: ctx.log10B, D: 0, nonneg: false, pos: null };
      return ctx.nodes.get(e.name) ?? { M: Infinity, D: Infinity, nonneg: false, pos: null };
    case "add": {
      const as = e.args.map(rec);
      const nonneg = as.every((a) => a.nonneg);
      const ps = as.map((a) => a.pos).filter((p): p is number => p !== null);
      return { M: lsum(as.map((a) => a.M)), D: lsum(as.map((a) => a.D)), nonneg, pos: nonneg && ps.length ? Math.max(...ps) : null };
    }
    case "mul": {
      const as = e.args.map(rec);
      const M = up(as.reduce((s, a) => s + a.M, 0));
      // Product rule: D(prod a_i) <= sum_i D(a_i) prod_{j != i} M(a_j).
      const D = lsum(as.map((a, i) => a.D + as.reduce((s, b, j) => (j === i ? s : s + b.M), 0)));
      const square = e.args.length === 2 && e.args[0] === e.args[1];
      const nonneg = square || as.every((a) => a.nonneg);
      const pos = as.every((a) => a.pos !== null) ? down(as.reduce((s, a) => s + a.pos!, 0)) : null;
      return { M, D: up(D), nonneg, pos };
    }
    case "neg": {
      const a = rec(e.a);
      return { M: a.M, D: a.D, nonneg: a.M === -Infinity, pos: null };
    }
    case "div": {
      const a = rec(e.a);
      const b = rec(e.b);
      if (b.pos === null) throw new Refusal(`${ctx.where}: a division by a value that is not provably positive (a masked softmax, or a denominator that can vanish)`);
      return { M: up(a.M - b.pos), D: ladd(a.D - b.pos, a.M + b.D - 2 * b.pos), nonneg: a.nonneg, pos: a.pos !== null ? down(a.pos - b.M) : null };
    }
    case "act":
      return activation(e.act, rec(e.a), ctx.where);
    case "sum": {
      const a = rec(e.body);
      const n = Math.log10(e.n);
      return { M: up(a.M + n), D: up(a.D + n), nonneg: a.nonneg, pos: a.pos !== null ? down(a.pos + n) : null };
    }
    case "max":
      return rec(e.body);
    case "guard": {
      const a = rec(e.body);
      return { M: a.M, D: a.D, nonneg: a.nonneg, pos: null };
    }
    default: {
      const never: never = e;
      return never;
    }
  }
}

/**
 * log10 Lambda of `net` on the box of radius B (inputs in [0, 1]), or a refusal.
 *
 * @example networkLipschitz(net, 1) // { log10Lambda: 3.2, perTensor: [...] }
 */
export function networkLipschitz(net: Network, B: number): NetworkLipschitz {
  const log10B = Math.log10(B);
  const nodes = new Map<string, Bounds>();
  const perTensor: { name: string; log10M: number; log10D: number }[] = [];
  try {
    for (const def of [...net.nodes, net.output]) {
      const b = bounds(def.expr, { log10B, nodes, where: def === net.output ? `the output of ${net.name}` : `${def.name} of ${net.name}` });
      if (!Number.isFinite(b.M) && b.M !== -Infinity) throw new Refusal(`${def.name} of ${net.name}: its bound overflows`);
      nodes.set(def.name, b);
      perTensor.push({ name: def === net.output ? "out" : def.name, log10M: b.M, log10D: b.D });
    }
  } catch (e) {
    if (e instanceof Refusal) return { refusal: e.message };
    throw e;
  }
  const out = nodes.get(net.output.name)!;
  if (!Number.isFinite(out.D) && out.D !== -Infinity) return { refusal: `the output of ${net.name}: its Lipschitz bound overflows` };
  return { log10Lambda: out.D, perTensor };
}

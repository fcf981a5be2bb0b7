/**
 * When B is not g A: how differently do A and B compute? Both checkpoints' networks are
 * evaluated in float64 (numeric/evaluateFloat.ts) on the same inputs, and the largest output
 * difference found is reported with the input that gave it. This is evidence of a
 * difference (float arithmetic, a handful of inputs), never a proof of one, and it is
 * labelled so.
 *
 * Inputs, at most MAX_PAIRS pairs of evaluations (fewer when one evaluation is expensive):
 * 4 random normal inputs and 4 scaled by 8 (more units active), then for a mismatched entry
 * of a parameter that reads the input directly (W0[i, j] x[j]; a filter K[o, c, ..] on input
 * channel c) the inputs +-8 on the entries it reads, then a local search from the best input
 * so far (a random step, kept when the difference grows, halved when it does not): the
 * inputs are aimed at the difference rather than only drawn.
 */
import type { Network } from "../elaborate/types.ts";
import { plainVar, reads } from "../elaborate/iexpr.ts";
import { evaluationCost } from "../elaborate/interpret.ts";
import { evaluateFloat } from "../numeric/evaluateFloat.ts";
import { realisations } from "../numeric/realise.ts";
import { Rng } from "../numeric/rng.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { Mismatch } from "./types.ts";
import { forEachIndex } from "./unitScales.ts";

/** Pairs of evaluations (A and B on one input) at most. */
export const MAX_PAIRS = 20;
/** Operations allowed for all evaluations together (evaluationCost units). */
const BUDGET = 400_000_000;

/** The largest output difference found, and where. */
export interface OutputDifference {
  /** Pairs of float64 evaluations done (A and B on the same input). */
  readonly evaluations: number;
  /** max |f_A(x) - f_B(x)| over the outputs and the inputs tried. */
  readonly largest: number;
  /** Flat index of that output entry, and both values. */
  readonly output: number;
  readonly a: number;
  readonly b: number;
  /** The input (flat, row-major, of shape `inputShape`) and how it was chosen. */
  readonly input: readonly number[];
  readonly inputShape: readonly number[];
  readonly how: string;
}

/** Evaluate A and B on chosen inputs; or why that was not done. */
export function outputDifference(net: Network, A: ParamValues, B: ParamValues, mismatches: readonly Mismatch[], seed = 1): OutputDifference | { skipped: string } {
  const acts = new Map<string, (x: number) => number>();
  for (const d of [...net.nodes, net.output]) collectActs(d.expr, acts);
  for (const [name, f] of acts) if (!f) return { skipped: `${name} has no concrete function to evaluate` };
  const cost = 2 * Math.max(1, evaluationCost(net));
  const pairs = Math.min(MAX_PAIRS, Math.floor(BUDGET / cost));
  if (pairs < 1) return { skipped: `one evaluation of the network costs about ${cost.toExponential(1)} operations, above the budget of ${BUDGET.toExponential(0)}` };
  const floats = (V: ParamValues) => {
    const cache = new Map<string, Float64Array>();
    return (name: string) => {
      let v = cache.get(name);
      if (!v) cache.set(name, (v = Float64Array.from(V.get(name)!.t.values)));
      return v;
    };
  };
  const [pa, pb] = [floats(A), floats(B)];
  const act = (a: { key: string }, x: number) => acts.get(a.key)!(x);
  const n = net.input.shape.reduce((x, y) => x * y, 1);
  let best: OutputDifference | null = null;
  let done = 0;
  const tryInput = (input: Float64Array, how: string): number => {
    done++;
    const ya = evaluateFloat(net, { input, param: pa }, act);
    const yb = evaluateFloat(net, { input, param: pb }, act);
    let worst = -1;
    let at = 0;
    for (let k = 0; k < ya.length; k++) {
      const d = Math.abs(ya[k]! - yb[k]!);
      // NaN (an overflow) counts as no evidence.
      if (d > worst) [worst, at] = [d, k];
    }
    if (worst >= 0 && (!best || worst > best.largest)) best = { evaluations: 0, largest: worst, output: at, a: ya[at]!, b: yb[at]!, input: Array.from(input), inputShape: net.input.shape, how };
    return worst;
  };
  const rng = new Rng(seed);
  const random = (scale: number) => Float64Array.from({ length: n }, () => scale * rng.normal());
  for (let i = 0; i < 4 && done < pairs; i++) tryInput(random(1), "random normal input");
  for (let i = 0; i < 4 && done < pairs; i++) tryInput(random(8), "random normal input times 8");
  // A mismatched entry of a parameter that reads the input directly (W0[i, j] x[j], a filter
  // K[o, c, ..] on input channel c): +-8 on the input entries it reads, 0 elsewhere.
  for (const aim of aimedInputs(net, mismatches).slice(0, 2))
    for (const s of [8, -8]) {
      if (done >= pairs) break;
      const x = new Float64Array(n);
      forEachIndex(net.input.shape, (f, idx) => {
        if (aim.fixed.every((v, a) => v < 0 || idx[a] === v)) x[f] = s;
      });
      tryInput(x, `input ${s > 0 ? "+8" : "-8"} on the entries ${aim.what} reads, 0 elsewhere`);
    }
  let step = 1;
  for (let i = 0; done < pairs; i++) {
    const from = best as OutputDifference | null;
    if (!from) break;
    const x = Float64Array.from(from.input, (v) => v + step * rng.normal());
    if (tryInput(x, `local search from the best input (step ${i + 1})`) <= from.largest) step /= 2;
  }
  const found = best as OutputDifference | null;
  return found ? { ...found, evaluations: done } : { skipped: "no evaluation gave a finite output" };
}

/**
 * For the first mismatches in parameters that are read together with the input in one
 * definition: the input axes their index pins (an input axis indexed by the same variable as
 * one of the parameter's axes takes that axis's index; -1: free).
 */
export function aimedInputs(net: Network, mismatches: readonly Mismatch[]): { fixed: number[]; what: string }[] {
  const out: { fixed: number[]; what: string }[] = [];
  for (const m of mismatches) {
    for (const d of net.nodes) {
      const rs = reads(d.expr);
      const p = rs.find((r) => r.src === "param" && r.name === m.tensor);
      const x = rs.find((r) => r.src === "input");
      if (!p || !x) continue;
      const fixed = x.at.map((ax) => {
        const v = plainVar(ax);
        const pa = v === null ? -1 : p.at.findIndex((a) => plainVar(a) === v);
        return pa >= 0 ? m.index[pa]! : -1;
      });
      if (fixed.some((v) => v >= 0) && !out.some((o) => o.fixed.join() === fixed.join())) out.push({ fixed, what: `${m.tensor}[${m.index.join(", ")}]` });
      break;
    }
  }
  return out;
}

/** Float realisations of the network's activations (null when none is known). */
function collectActs(e: import("../elaborate/types.ts").IExpr, out: Map<string, (x: number) => number>): void {
  switch (e.k) {
    case "act": {
      if (!out.has(e.act.key)) {
        const r = realisations(e.act)[0];
        out.set(e.act.key, r ? (x: number) => r.float(x) : (null as unknown as (x: number) => number));
      }
      collectActs(e.a, out);
      return;
    }
    case "add":
    case "mul":
      e.args.forEach((a) => collectActs(a, out));
      return;
    case "neg":
      collectActs(e.a, out);
      return;
    case "div":
      collectActs(e.a, out);
      collectActs(e.b, out);
      return;
    case "sum":
    case "max":
    case "guard":
      collectActs(e.body, out);
      return;
    default:
      return;
  }
}

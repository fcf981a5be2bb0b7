/**
 * The covering quantities of any network (not only `mlp(...)`): Lemmas 1-4 with
 *   - Lambda from `networkLipschitz` (per-layer factors read off the index expressions),
 *   - S = the number of parameter entries,
 *   - the permutation group: one S_n per free axis class of elaborate/axes.ts that moves
 *     parameters and whose every permutation the symbolic rules prove to preserve the network
 *     (hidden units, channels, heads; a class tied to the input or output, or read with an
 *     offset, does not count),
 *   - the symmetry reduction of Lemma 3 over the *keyed* classes: those with a vector
 *     parameter of their own (a bias, a norm's shift), whose entries serve as the sorting key.
 *     Sorting every keyed class by its key is a symmetry, the keys of different classes are
 *     different coordinates, and rounding to cell centres keeps each key sorted, so
 *     N <= m^(S - sum d) prod C(m + d - 1, d) over the keyed classes, exactly as for an MLP.
 *     A class without such a vector is counted in the group order but gives no reduction.
 * An MLP declared with mlp(...) keeps its closed-form Lemma 1 (computeQuantities).
 */
import { axisClass } from "../elaborate/axes.ts";
import { TRIVIAL, type AxisAction } from "../symbolic/actions.ts";
import { push } from "../symbolic/rules.ts";
import type { QUANTITIES } from "../elaborate/bounds.ts";
import type { Network } from "../elaborate/types.ts";
import type { Rational } from "../numeric/rational.ts";
import type { Rng } from "../numeric/rng.ts";
import type { Quantities } from "./computeQuantities.ts";
import { log10Factorial } from "./log10Factorial.ts";
import { networkLipschitz } from "./networkLipschitz.ts";
import { log10RisingExcess } from "./orderedGridCount.ts";
import { volumeFraction } from "./volumeFraction.ts";
import { volumeMonteCarlo } from "./volumeMonteCarlo.ts";

type QuantityName = (typeof QUANTITIES)[number];

/** A free permutation class: its size, the parameter axes it moves, and its key vector (if any). */
export interface PermutationClass {
  readonly where: string;
  readonly size: number;
  readonly params: readonly string[];
  readonly key: string | null;
}

/** The free permutation classes of `net` that move parameters, each once. */
export function permutationClasses(net: Network): PermutationClass[] {
  const out: PermutationClass[] = [];
  const seen = new Set<string>();
  const shapes = new Map(net.params.map((p) => [p.name, p.shape]));
  for (const n of net.nodes) {
    n.shape.forEach((_, axis) => {
      const c = axisClass(net, n.name, axis);
      if ("reason" in c || c.params.length === 0 || c.size < 2) return;
      const id = [...c.nodes, ...c.params].map((r) => `${r.kind}:${r.name}#${r.axis}`).sort().join(" ");
      if (seen.has(id)) return;
      seen.add(id);
      // Counted only when the symbolic rules prove that every permutation of the class
      // preserves the function (a permutation needs no activation lemma, so the rule chain
      // alone is the proof: README, "The symbolic strategy").
      if (!everyPermutationPreserves(net, c.params, shapes)) return;
      const key = c.params.find((p) => shapes.get(p.name)?.length === 1)?.name ?? null;
      out.push({ where: n.shape.length === 1 ? n.name : `${n.name} axis ${n.axes[axis] ?? axis}`, size: c.size, params: c.params.map((p) => `${p.name}:${p.axis}`), key });
    });
  }
  return out;
}

/** Whether the symbolic rules prove that permuting these parameter axes together, by any one permutation, preserves `net`. */
function everyPermutationPreserves(net: Network, axes: readonly { name: string; axis: number }[], shapes: ReadonlyMap<string, readonly number[]>): boolean {
  const params = new Map<string, AxisAction[]>();
  for (const r of axes) {
    const acts = params.get(r.name) ?? (shapes.get(r.name) ?? []).map((): AxisAction => TRIVIAL);
    acts[r.axis] = { perm: ["P"], atoms: [] };
    params.set(r.name, acts);
  }
  const r = push(net, { params, perms: new Map([["P", "the class's permutation"]]), diags: new Map() });
  return r.ok && r.lemmas.length === 0;
}

/** The quantities of a network at (B, eps), or why no rigorous Lambda is known. */
export function networkQuantities(net: Network, B: Rational, eps: Rational, samples: number, rng: Rng): (Quantities & { readonly classes: readonly PermutationClass[] }) | { readonly refusal: string } {
  const lip = networkLipschitz(net, B.toNumber());
  if ("refusal" in lip) return lip;
  // A larger Lambda is still a Lipschitz constant: take at least 1 (a network that ignores its
  // parameters has Lambda 0, and one cell).
  const log10Lambda = Math.max(0, lip.log10Lambda);
  const y = Math.log10(B.toNumber()) + log10Lambda - Math.log10(eps.toNumber());
  // m = ceil(B Lambda / eps), from above: any m >= B Lambda / eps gives a cover.
  let mNumber: number;
  let log10m: number;
  if (y <= 0) {
    mNumber = 1;
    log10m = 0;
  } else if (y <= 15) {
    mNumber = Math.ceil(10 ** (y + 1e-12 * (1 + y)));
    log10m = Math.log10(mNumber);
  } else {
    log10m = y + 1e-12 * (1 + y) + 1e-14;
    mNumber = 10 ** log10m;
  }
  const S = net.params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
  const classes = permutationClasses(net);
  const keyed = classes.filter((c) => c.key !== null).map((c) => c.size);
  const log10Classical = S * log10m;
  let log10Gain = 0;
  let simpleExcess = 0;
  for (const d of keyed) {
    const full = log10Factorial(d);
    if (mNumber > 1) log10Gain += Math.min(full, Math.max(0, full - log10RisingExcess(mNumber, d)));
    simpleExcess += (d * (d - 1)) / mNumber;
  }
  const keyedOrder = keyed.reduce((s, d) => s + log10Factorial(d), 0);
  const pseudo = [1, ...keyed, 1];
  const volume = volumeFraction(pseudo);
  const mc = samples > 0 && keyed.length > 0 ? volumeMonteCarlo(pseudo, samples, rng) : null;
  const values: Record<QuantityName, number> = {
    S,
    L: net.nodes.length,
    B: B.toNumber(),
    eps: eps.toNumber(),
    rho: NaN,
    m: mNumber,
    log10_m: log10m,
    log10_Lambda: log10Lambda,
    log10_classical: log10Classical,
    log10_reduced: Math.max(0, log10Classical - log10Gain),
    log10_reduced_simple: log10Classical - keyedOrder + simpleExcess / Math.LN10,
    log10_gain: log10Gain,
    log10_group_order: classes.reduce((s, c) => s + log10Factorial(c.size), 0),
    gain_share: log10Classical === 0 ? 0 : log10Gain / log10Classical,
    volume: volume.exact ? volume.exact.toNumber() : 10 ** volume.log10,
    log10_volume: volume.log10,
    volume_mc: mc ? mc.estimate : NaN,
    volume_mc_low: mc ? mc.low : NaN,
    volume_mc_high: mc ? mc.high : NaN,
  };
  const unkeyed = classes.filter((c) => c.key === null);
  const notes = [
    `Lambda from the per-layer factors of ${net.name}'s ${net.nodes.length + 1} tensors (networkLipschitz)`,
    ...(unkeyed.length ? [`no reduction for ${unkeyed.map((c) => c.where).join(", ")} (no vector parameter of its own to sort by); counted in log10_group_order only`] : []),
  ];
  return { values, volumeExact: volume.exact, monteCarlo: mc, notes, classes };
}

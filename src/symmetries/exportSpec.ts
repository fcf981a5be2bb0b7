/**
 * The proved permutation structure in the formats other tools read:
 *
 * - Git Re-Basin's PermutationSpec: `axes_to_perm` maps each parameter to one entry per
 *   axis, a permutation name or None; `perm_to_axes` lists each permutation's (parameter,
 *   axis) pairs. As JSON (`rebasin`) and as the Python call it is written with
 *   (`rebasin-python`: `permutation_spec_from_axes_to_perm({...})`).
 * - mergekit's architecture JSON: every weight with the space of its output axis (axis 0)
 *   and of its input axis (axis 1) (`output_space`, `input_space`); vectors have one space
 *   and `is_vector`. These networks have no repeated layer index, so every weight is listed
 *   under `pre_weights`. Parameters of rank 3 or more (attention weights stored per head,
 *   convolution kernels) also carry `neteq_axes`, the space of every axis.
 *
 * Only proved permutation generators are exported; an axis no proved permutation moves is
 * None (rebasin) or has no space (mergekit). Parameter names are the network's own.
 */
import type { Network } from "../elaborate/types.ts";
import { slug } from "./naming.ts";
import type { SymmetryReport } from "./types.ts";

/** Permutation name of each proved permutation generator: "P_h1", "P_a_q_heads". */
export function permutationNames(r: SymmetryReport): Map<string, { name: string; moves: readonly { param: string; axis: number }[] }> {
  const out = new Map<string, { name: string; moves: readonly { param: string; axis: number }[] }>();
  for (const g of r.generators) if (g.kind === "permutation" && g.verdict === "proved") out.set(g.id, { name: `P_${slug(g.where.replace(" axis ", "_"))}`, moves: g.moves });
  return out;
}

/** parameter -> per-axis permutation name or null, in declaration order. */
export function axesToPerm(net: Network, r: SymmetryReport): Record<string, (string | null)[]> {
  const out: Record<string, (string | null)[]> = {};
  for (const p of net.params) out[p.name] = p.shape.map(() => null);
  for (const { name, moves } of permutationNames(r).values()) for (const m of moves) out[m.param]![m.axis] = name;
  return out;
}

function rebasinJson(net: Network, r: SymmetryReport): string {
  const axes = axesToPerm(net, r);
  const permToAxes: Record<string, [string, number][]> = {};
  for (const { name, moves } of permutationNames(r).values()) permToAxes[name] = moves.map((m) => [m.param, m.axis]);
  return JSON.stringify({ perm_to_axes: permToAxes, axes_to_perm: axes }, null, 2) + "\n";
}

function rebasinPython(net: Network, r: SymmetryReport): string {
  const axes = axesToPerm(net, r);
  const tuple = (xs: (string | null)[]) => `(${xs.map((x) => (x === null ? "None" : JSON.stringify(x))).join(", ")}${xs.length === 1 ? "," : ""})`;
  const lines = Object.entries(axes).map(([p, xs]) => `    ${JSON.stringify(p)}: ${tuple(xs)},`);
  return `# Permutation spec of ${net.name}, proved by \`neteq symmetries\` (Git Re-Basin format).\npermutation_spec_from_axes_to_perm({\n${lines.join("\n")}\n})\n`;
}

function mergekit(net: Network, r: SymmetryReport): string {
  const axes = axesToPerm(net, r);
  const weights = net.params.map((p) => {
    const a = axes[p.name]!;
    const w: Record<string, unknown> = { name: p.name };
    if (p.shape.length === 1) {
      if (a[0]) w.input_space = a[0];
      w.is_vector = true;
    } else {
      if (a[1]) w.input_space = a[1];
      if (a[0]) w.output_space = a[0];
      if (p.shape.length > 2) w.neteq_axes = a;
    }
    return w;
  });
  return JSON.stringify({ model_type: `neteq-${net.name}`, architectures: [net.name], pre_weights: weights, layer_templates: { weights: [] }, post_weights: [] }, null, 2) + "\n";
}

/** The spec text in the chosen format. */
export function exportSpec(net: Network, r: SymmetryReport, format: "rebasin" | "rebasin-python" | "mergekit"): string {
  if (format === "rebasin") return rebasinJson(net, r);
  if (format === "rebasin-python") return rebasinPython(net, r);
  return mergekit(net, r);
}

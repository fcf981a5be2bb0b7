/**
 * Reading a permutation spec someone else wrote, in Git Re-Basin's or mergekit's format,
 * into one form: parameter -> per-axis permutation name (or null). Problems are values, in
 * the spec's own names.
 *
 * - Re-Basin: `{ "axes_to_perm": { "W0": ["P_0", null], ... }, "perm_to_axes"?: {...} }`, or
 *   the `axes_to_perm` object alone.
 * - mergekit: `{ "pre_weights": [...], "layer_templates": { "weights": [...] },
 *   "post_weights": [...] }`, each weight `{ "name", "input_space"?, "output_space"?,
 *   "is_vector"? }`: axis 0 is the output space, axis 1 the input space, a vector's one axis
 *   its (input or output) space; `neteq_axes` (our export) gives every axis.
 */
export interface Spec {
  readonly format: "rebasin" | "mergekit";
  /** parameter -> per-axis permutation name or null (an axis the spec does not permute). */
  readonly axes: ReadonlyMap<string, readonly (string | null)[]>;
}

type Json = unknown;
const isObject = (x: Json): x is Record<string, Json> => typeof x === "object" && x !== null && !Array.isArray(x);

function rebasin(obj: Record<string, Json>, problems: string[]): Spec {
  const table = isObject(obj.axes_to_perm) ? obj.axes_to_perm : obj;
  const axes = new Map<string, (string | null)[]>();
  for (const [param, v] of Object.entries(table)) {
    if (!Array.isArray(v) || !v.every((x) => x === null || typeof x === "string")) {
      problems.push(`axes_to_perm["${param}"]: expected a list of permutation names or null, one per axis`);
      continue;
    }
    axes.set(param, v as (string | null)[]);
  }
  if (isObject(obj.perm_to_axes)) {
    for (const [perm, list] of Object.entries(obj.perm_to_axes)) {
      if (!Array.isArray(list)) {
        problems.push(`perm_to_axes["${perm}"]: expected a list of [parameter, axis] pairs`);
        continue;
      }
      for (const pair of list) {
        const ok = Array.isArray(pair) && typeof pair[0] === "string" && Number.isInteger(pair[1]);
        if (!ok) problems.push(`perm_to_axes["${perm}"]: expected [parameter, axis] pairs, got ${JSON.stringify(pair)}`);
        else if (axes.get(pair[0] as string)?.[pair[1] as number] !== perm) problems.push(`perm_to_axes["${perm}"] lists ${pair[0]} axis ${pair[1]}, but axes_to_perm gives that axis ${JSON.stringify(axes.get(pair[0] as string)?.[pair[1] as number] ?? null)}`);
      }
    }
  }
  return { format: "rebasin", axes };
}

function mergekit(obj: Record<string, Json>, problems: string[], ranks: ReadonlyMap<string, number>): Spec {
  const templates = isObject(obj.layer_templates) && Array.isArray(obj.layer_templates.weights) ? obj.layer_templates.weights : [];
  const all = [...(Array.isArray(obj.pre_weights) ? obj.pre_weights : []), ...templates, ...(Array.isArray(obj.post_weights) ? obj.post_weights : [])];
  const axes = new Map<string, (string | null)[]>();
  for (const w of all) {
    if (!isObject(w) || typeof w.name !== "string") {
      problems.push(`a weight without a name: ${JSON.stringify(w).slice(0, 80)}`);
      continue;
    }
    if (w.name.includes("${")) {
      problems.push(`${w.name}: layer templates are not expanded; list the network's weights by name`);
      continue;
    }
    const space = (k: string): string | null => (typeof w[k] === "string" ? (w[k] as string) : null);
    const rank = ranks.get(w.name) ?? (w.is_vector ? 1 : 2);
    let a: (string | null)[];
    if (Array.isArray(w.neteq_axes)) a = w.neteq_axes.map((x) => (typeof x === "string" ? x : null));
    else if (rank === 1) a = [space("input_space") ?? space("output_space")];
    else a = [space("output_space"), space("input_space"), ...Array(Math.max(0, rank - 2)).fill(null)];
    axes.set(w.name, a);
  }
  return { format: "mergekit", axes };
}

/**
 * Parse spec text. `ranks` (parameter -> rank) lets mergekit entries, which name only two
 * spaces, cover every axis of a parameter.
 */
export function readSpec(text: string, ranks: ReadonlyMap<string, number>): { spec: Spec | null; problems: string[] } {
  let obj: Json;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    return { spec: null, problems: [`not JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  if (!isObject(obj)) return { spec: null, problems: ["expected a JSON object (Re-Basin axes_to_perm, or mergekit weights)"] };
  const problems: string[] = [];
  const isMergekit = "pre_weights" in obj || "layer_templates" in obj || "post_weights" in obj;
  const spec = isMergekit ? mergekit(obj, problems, ranks) : rebasin(obj, problems);
  return { spec, problems };
}

/**
 * Putting a checkpoint's tensors onto a network's parameters: by name, or through a map
 * file `{ "W0": "fc1.weight", "W1": { "tensor": "dense_1/kernel", "transpose": true } }`
 * (PyTorch stores (out, in) like neteq; JAX/Flax kernels are (in, out) and need the
 * transpose). Every problem names the parameter and the tensor.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Rational } from "../numeric/rational.ts";
import { entries, type Checkpoint, type Tensor, type TensorInfo } from "./types.ts";

/** Where one parameter comes from: a tensor, and whether its two axes are swapped. */
export interface Source {
  readonly tensor: string;
  readonly transpose: boolean;
}

/**
 * A parameter of the network and where its values come from. Values are read on demand, in
 * the network's layout, by `read()` (each call reads the tensor again: nothing is kept here).
 */
export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly source: Source;
  /** The tensor's name (the parameter's), shape (the parameter's) and storage type. */
  readonly tensor: TensorInfo;
  read(): Tensor;
}

/** Read a --map file: parameter name -> tensor name or { tensor, transpose }. */
export function readMap(file: string, cwd: string): { map: Map<string, Source> } | { message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.resolve(cwd, file), "utf8"));
  } catch (e) {
    return { message: `--map ${file}: ${(e as { code?: string }).code === "ENOENT" ? "no such file" : `not valid JSON (${e instanceof Error ? e.message : String(e)})`}` };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { message: `--map ${file}: expected an object { "parameter": "tensor name" | { "tensor": name, "transpose": true } }` };
  const map = new Map<string, Source>();
  for (const [param, v] of Object.entries(raw)) {
    if (typeof v === "string") map.set(param, { tensor: v, transpose: false });
    else if (typeof v === "object" && v !== null && typeof (v as { tensor?: unknown }).tensor === "string" && ["boolean", "undefined"].includes(typeof (v as { transpose?: unknown }).transpose))
      map.set(param, { tensor: (v as { tensor: string }).tensor, transpose: Boolean((v as { transpose?: boolean }).transpose) });
    else return { message: `--map ${file}: parameter ${param}: expected a tensor name or { "tensor": name, "transpose": true }` };
  }
  return { map };
}

/**
 * The network's parameters from `ckpt`. Every parameter must find a tensor of its shape
 * (after the stated transpose) and every tensor of the file must be used: a certificate
 * about a network says nothing about tensors it does not read.
 */
export function mapParams(ckpt: Checkpoint, params: readonly { name: string; shape: readonly number[] }[], map: ReadonlyMap<string, Source>, network: string): { params: Param[] } | { messages: string[] } {
  const messages: string[] = [];
  const infos = new Map(ckpt.tensors.map((t) => [t.name, t]));
  const known = new Set(params.map((p) => p.name));
  for (const m of map.keys()) if (!known.has(m)) messages.push(`--map names ${m}, which is not a parameter of ${network} (its parameters: ${params.map((p) => p.name).join(", ")})`);
  const used = new Set<string>();
  const plan: { p: (typeof params)[number]; source: Source }[] = [];
  const imported = importedNames(ckpt.tensors);
  for (const p of params) {
    const source = map.get(p.name) ?? { tensor: infos.has(p.name) ? p.name : (imported.get(p.name) ?? p.name), transpose: false };
    const info = infos.get(source.tensor);
    const want = `[${p.shape.join(", ")}]`;
    if (!info) {
      const list = ckpt.tensors.slice(0, 12).map((t) => `${t.name} [${t.shape.join(", ")}]`).join(", ");
      messages.push(`${ckpt.file}: parameter ${p.name} ${want} of ${network}: no tensor ${source.tensor} in the file (map it with --map; the file has ${list}${ckpt.tensors.length > 12 ? ", ..." : ""})`);
      continue;
    }
    if (used.has(source.tensor)) messages.push(`${ckpt.file}: tensor ${source.tensor} is mapped onto two parameters`);
    used.add(source.tensor);
    if (source.transpose && info.shape.length !== 2) {
      messages.push(`${ckpt.file}: tensor ${source.tensor} [${info.shape.join(", ")}] has ${info.shape.length} axes; "transpose" swaps the two axes of a matrix`);
      continue;
    }
    const shape = source.transpose ? [info.shape[1]!, info.shape[0]!] : info.shape;
    if (shape.length !== p.shape.length || shape.some((d, i) => d !== p.shape[i])) {
      const hint = !source.transpose && info.shape.length === 2 && info.shape[0] === p.shape[1] && info.shape[1] === p.shape[0] ? ` (an (in, out) layout? state it with { "tensor": "${source.tensor}", "transpose": true } in a --map file)` : "";
      messages.push(`${ckpt.file}: tensor ${source.tensor} has shape [${info.shape.join(", ")}]${source.transpose ? " (transposed: [" + shape.join(", ") + "])" : ""}, but parameter ${p.name} of ${network} is ${want}${hint}`);
      continue;
    }
    plan.push({ p, source });
  }
  for (const t of ckpt.tensors) if (!used.has(t.name) && !plan.some((x) => x.source.tensor === t.name) && !messages.some((m) => m.includes(`tensor ${t.name} `))) messages.push(`${ckpt.file}: tensor ${t.name} [${t.shape.join(", ")}] is not a parameter of ${network} (map it with --map, or remove it)`);
  if (messages.length) return { messages };
  return {
    params: plan.map(({ p, source }) => ({
      name: p.name,
      shape: p.shape,
      source,
      tensor: { name: p.name, shape: p.shape, dtype: infos.get(source.tensor)!.dtype },
      read: () => layout(ckpt.read(source.tensor), source, p.name),
    })),
  };
}

/**
 * The identifier `neteq import` gives an ONNX name (`attn.q.weight` -> `attn_q_weight`: runs of
 * other characters become one underscore, trimmed), and the file tensor it names when exactly
 * one tensor of the file gets it. A parameter without a tensor of its own name finds its
 * tensor this way, so checkpoints align against a network `neteq import` wrote; names the
 * import had to change further (a clash, a reserved word) still need --map.
 */
function importedNames(tensors: readonly TensorInfo[]): Map<string, string> {
  const byId = new Map<string, string[]>();
  for (const t of tensors) {
    const id = t.name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").replace(/__+/g, "_");
    if (id && id !== t.name) byId.set(id, [...(byId.get(id) ?? []), t.name]);
  }
  return new Map([...byId].filter(([id, names]) => names.length === 1 && !tensors.some((t) => t.name === id)).map(([id, names]) => [id, names[0]!]));
}

/** The tensor in the network's layout (transposed when the source says so), named after the parameter. */
function layout(t: Tensor, source: Source, name: string): Tensor {
  if (!source.transpose) return { ...t, name };
  const [r, c] = t.shape as [number, number];
  const values = t.values instanceof Float64Array ? new Float64Array(entries(t.shape)) : new Float32Array(entries(t.shape));
  const exact: Rational[] | undefined = t.exact ? new Array<Rational>(values.length) : undefined;
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      values[j * r + i] = t.values[i * c + j]!;
      if (exact) exact[j * r + i] = t.exact![i * c + j]!;
    }
  return { name, shape: [c, r], dtype: t.dtype, values, ...(exact ? { exact } : {}) };
}

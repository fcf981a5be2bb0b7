/**
 * `neteq import model.onnx`: an ONNX model as a .neq network.
 *
 * The graph must have one input [batch, ...] (the first axis is the batch, of symbolic size
 * or 1; the network computes one sample) and one output. Initializers become parameters under
 * their own names (made into .neq identifiers, the mapping printed as a comment); every node
 * output that is computed becomes a hidden tensor, and shape plumbing is folded into how later
 * nodes read it (builder.ts). The operators are those of ops.ts and plumbing.ts; anything
 * else stops the import with an OnnxError naming the op type and the node.
 *
 * @example importOnnx(fs.readFileSync("mlp.onnx"), { file: "mlp.onnx" }).text // "network mlp { ... }"
 */
import { KEYWORDS } from "../syntax/lexer.ts";
import { BUILTINS } from "../elaborate/activations.ts";
import { OPS } from "../elaborate/ops/index.ts";
import { NetworkText, read, type Def, type Layout, type View } from "./builder.ts";
import { EMPTY_PLAN, findAttention } from "./attention.ts";
import { evaluate, type Val } from "./evaluate.ts";
import { dimsOfValue } from "./shapes.ts";
import { decodeOnnx, DATA_TYPES, OnnxError, tensorValues, type OnnxModel, type OnnxTensor } from "./onnxModel.ts";

export { OnnxError } from "./onnxModel.ts";

/** The oldest default-domain opset whose operator definitions the importer follows. */
export const MIN_OPSET = 11;

/** Operators the importer understands (README, "Importing from ONNX"). */
export { SUPPORTED_OPS } from "./evaluate.ts";

/** A .neq name and the ONNX name it stands for. */
export interface NameMapping {
  readonly neq: string;
  readonly onnx: string;
  readonly kind: "input" | "param" | "hidden";
  /** Parameters: the .neq dims; hidden tensors: the node that computes it. */
  readonly detail: string;
  /** Parameters read per head by `mha`: how the .neq entries are laid out from the initializer's. */
  readonly layout?: Layout;
}

export interface ImportResult {
  /** The .neq file. */
  readonly text: string;
  /** The network's name in it. */
  readonly network: string;
  readonly names: readonly NameMapping[];
  /** Where the attention pattern was only partly matched, and what was written instead. */
  readonly notes: readonly string[];
}

/** Words that .neq gives a meaning (keywords, activations, operations): never parameter names. */
const RESERVED: ReadonlySet<string> = new Set([...KEYWORDS, ...BUILTINS, ...OPS.keys(), "mlp", "inverse", "transpose", "rotation", "perm", "pos", "out", "x_"]);

/** A .neq network name from a file name: `models/my-mlp.onnx` -> `my_mlp`. */
export function networkName(file: string): string {
  const stem = file.replace(/^.*[\\/]/, "").replace(/\.onnx$/i, "");
  let base = stem.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "") || "Net";
  if (/^[0-9]/.test(base)) base = `N${base}`;
  if (RESERVED.has(base)) base = `${base}_net`;
  return base;
}

/**
 * Import an ONNX model. Throws OnnxError (with the op type and node name where one is at
 * fault) for anything outside the supported subset.
 */
export function importOnnx(data: Uint8Array, options: { file: string; network?: string }): ImportResult {
  const model = decodeOnnx(data);
  return convert(model, options.file, options.network ?? networkName(options.file));
}

/**
 * The initializers of an ONNX model: name -> dims, data type, and data (raw little-endian
 * bytes, or the typed fields), for checkpoint readers; `values` decodes them to float64.
 */
export function onnxInitializers(data: Uint8Array): Map<string, { dims: readonly number[]; dataType: string; raw: Uint8Array | null; floatData: readonly number[]; values: () => Float64Array }> {
  const out = new Map<string, { dims: readonly number[]; dataType: string; raw: Uint8Array | null; floatData: readonly number[]; values: () => Float64Array }>();
  for (const t of decodeOnnx(data).initializers) {
    out.set(t.name, { dims: t.dims, dataType: DATA_TYPES[t.dataType] ?? `type ${t.dataType}`, raw: t.raw, floatData: t.floatData, values: () => tensorValues(t) });
  }
  return out;
}

const FLOAT_TYPES = new Set([1, 10, 11, 16]);

function convert(model: OnnxModel, file: string, network: string): ImportResult {
  if (model.opset === null) throw new OnnxError("the model imports no version of the default ONNX operator set");
  if (model.opset < MIN_OPSET) throw new OnnxError(`the model uses opset ${model.opset}; neteq import follows the operator definitions from opset ${MIN_OPSET} on (re-export with a newer opset)`);
  if (model.sparseInitializers > 0) throw new OnnxError("sparse initializers are not supported");
  if (model.functions > 0) throw new OnnxError("model-local functions are not supported");
  const inits = new Map<string, OnnxTensor>(model.initializers.map((t) => [t.name, t]));
  const inputs = model.inputs.filter((i) => !inits.has(i.name));
  if (inputs.length !== 1) throw new OnnxError(`the graph has ${inputs.length} inputs (${inputs.map((i) => JSON.stringify(i.name)).join(", ") || "none"}); neteq networks have exactly one`);
  if (model.outputs.length !== 1) throw new OnnxError(`the graph has ${model.outputs.length} outputs; neteq networks have exactly one`);
  const inp = inputs[0]!;
  if (inp.elemType && !FLOAT_TYPES.has(inp.elemType)) throw new OnnxError(`the input ${JSON.stringify(inp.name)} has type ${DATA_TYPES[inp.elemType] ?? inp.elemType}; only real-valued inputs are supported`);
  if (!inp.dims || inp.dims.length < 2) throw new OnnxError(`the input ${JSON.stringify(inp.name)} must have a batch axis first and at least one data axis (its dims are ${inp.dims ? `[${inp.dims.join(", ")}]` : "not given"})`);
  const [batch, ...dataDims] = inp.dims;
  if (typeof batch === "number" && batch !== 1) throw new OnnxError(`the input ${JSON.stringify(inp.name)} has dims [${inp.dims.join(", ")}]: its first axis is read as the batch axis, which must be symbolic or 1`);
  if (dataDims.some((d) => typeof d !== "number")) throw new OnnxError(`the input ${JSON.stringify(inp.name)} has dims [${inp.dims.join(", ")}]: every axis after the batch axis needs a fixed size`);

  // Pass 1 imports every node as itself; where it finds multi-head attention in the standard
  // pattern, pass 2 writes that part as one `mha` (attention.ts), heads as an axis.
  const reserved = new Set([...RESERVED, network]);
  const first = evaluate(model, inits, inp.name, dataDims as number[], reserved, EMPTY_PLAN);
  const { plan, notes } = findAttention(model, inits, first.values);
  const { net, values, inputName } = plan.instances.length ? evaluate(model, inits, inp.name, dataDims as number[], reserved, plan) : first;

  const outName = model.outputs[0]!.name;
  const result = values.get(outName);
  if (!result || result.kind !== "view") throw new OnnxError(`the graph output ${JSON.stringify(outName)} is not computed from the input`);
  checkDeclaredDims(model, values);
  net.fuse(() => [result.ref]);
  const { line: outLine, def: outDef } = outputLine(result, net);
  const header = headerComment(model, file, inputName, inp.name, net);
  for (const note of notes) header.push(`// note: ${note}`);
  header.push(`// output: out <- ${JSON.stringify(outName)}${outDef ? ` (${outDef.from.join(" + ")})` : ""}`);
  const params = net.params.map((p) => `${p.name}[${p.dims.join(", ")}]`);
  const lines = [
    ...header,
    `network ${network} {`,
    `  input ${inputName}[${(dataDims as number[]).join(", ")}]`,
    ...(params.length ? [`  param ${params.join(", ")}`] : []),
    ...net.defs.map((d) => `  ${d.text}`),
    `  ${outLine}`,
    "}",
    "",
  ];
  const names: NameMapping[] = [
    { neq: inputName, onnx: inp.name, kind: "input", detail: `[${inp.dims.join(", ")}]` },
    ...net.params.map((p) => ({ neq: p.name, onnx: p.onnx, kind: "param" as const, detail: `[${p.dims.join(", ")}]`, ...(p.layout ? { layout: p.layout } : {}) })),
    ...net.defs.map((d) => ({ neq: d.name, onnx: d.onnx, kind: "hidden" as const, detail: d.from.join(" + ") })),
  ];
  return { text: lines.join("\n"), network, names, notes };
}

/**
 * A safety net: where the file declares a value's dims (the graph output, value_info), they
 * must be the dims the import derived, or some operator was read differently from the file's
 * producer and the import stops, naming the value. Symbolic and unknown declared dims, and the
 * batch axis, are not compared.
 */
function checkDeclaredDims(model: OnnxModel, values: ReadonlyMap<string, Val>): void {
  const output = new Set(model.outputs.map((o) => o.name));
  for (const info of [...model.outputs, ...model.valueInfo]) {
    const v = values.get(info.name);
    if (!info.dims || !v) continue;
    const derived = dimsOfValue(v);
    const agree = derived.length === info.dims.length && derived.every((d, a) => d === null || typeof info.dims![a] !== "number" || info.dims![a] === d);
    if (agree) continue;
    const what = output.has(info.name) ? "the graph output" : "the value";
    const declared = info.dims.map((d) => (d === null ? "?" : String(d))).join(", ");
    const mine = derived.map((d) => (d === null ? "batch" : String(d))).join(", ");
    throw new OnnxError(`${what} ${JSON.stringify(info.name)} is declared with dims [${declared}] in the file, but neteq import derives [${mine}] from the graph; the file is inconsistent or an operator is read differently, so nothing is imported`);
  }
}

/** `out[i:3] = h[i]`, or the last definition turned into the output when it is read plainly. */
function outputLine(v: View, net: NetworkText): { line: string; def: Def | null } {
  const last = net.defs[net.defs.length - 1];
  const isPlain = v.axes.every((a) => a.batch || a.parts.length <= 1) && v.axes.filter((a) => !a.batch && a.parts.length === 1).map((a) => (a as { parts: readonly number[] }).parts[0]).every((p, i) => p === i) && v.axes.filter((a) => !a.batch && a.parts.length === 1).length === v.shape.length;
  if (last && last.name === v.ref && isPlain && !net.defs.slice(0, -1).some((d) => new RegExp(`\\b${last.name}\\b`).test(d.text))) {
    net.defs.pop();
    const rhs = last.text.slice(last.name.length);
    return { line: rhs.startsWith(" = ") ? `out ${rhs.slice(3)}` : `out${rhs}`, def: last };
  }
  const heads: string[] = [];
  const ix = v.axes.map((a) => {
    if (a.batch) return "batch" as const;
    const vars = (a.parts.length ? a.parts.map((p) => v.shape[p]!) : [a.size]).map((s) => {
      const name = `i${heads.length}`;
      heads.push(`${name}:${s}`);
      return { name, size: s };
    });
    return { vars };
  });
  return { line: `out[${heads.join(", ")}] = ${read(v, ix, "the graph output")}`, def: null };
}

/** " per head: entry [i, j, k] = ONNX [k, 4 i + j]" (nothing for a plain copy). */
function layoutText(l: Layout): string {
  if (l.split.join() === l.onnxDims.join() && l.perm.every((p, i) => p === i)) return "";
  const letters = ["i", "j", "k", "l", "m", "n"];
  const varOf = (s: number) => letters[l.perm.indexOf(s)] ?? `v${l.perm.indexOf(s)}`;
  // The split axes grouped into the ONNX axes they refine (row-major), each an affine index.
  const onnx: string[] = [];
  let s = 0;
  for (const d of l.onnxDims) {
    const group: number[] = [];
    for (let prod = 1; (prod < d || group.length === 0) && s < l.split.length; ) {
      prod *= l.split[s]!;
      group.push(s++);
    }
    let stride = 1;
    const terms: string[] = [];
    for (let g = group.length - 1; g >= 0; g--) {
      terms.unshift(stride === 1 ? varOf(group[g]!) : `${stride} ${varOf(group[g]!)}`);
      stride *= l.split[group[g]!]!;
    }
    onnx.push(terms.join(" + "));
  }
  return ` per head: entry [${l.perm.map((_, i) => letters[i] ?? `v${i}`).join(", ")}] = ONNX [${onnx.join(", ")}]`;
}

function headerComment(model: OnnxModel, file: string, inputName: string, onnxInput: string, net: NetworkText): string[] {
  const q = (s: string) => JSON.stringify(s);
  const base = file.replace(/^.*[\\/]/, "");
  const lines = [
    `// Imported by \`neteq import ${base}\` (ONNX IR ${model.irVersion}, opset ${model.opset}${model.producer ? `, from ${model.producer}` : ""}).`,
    "// One sample: the ONNX batch axis (the input's first) is not an axis here.",
    `// input: ${inputName} <- ${q(onnxInput)}`,
  ];
  if (net.params.length) {
    lines.push("// parameters (ONNX initializers):");
    for (const p of net.params) lines.push(`//   ${p.name} <- ${q(p.onnx)} [${p.dims.join(", ")}]${p.layout ? layoutText(p.layout) : ""}`);
  }
  if (net.defs.length) {
    lines.push("// hidden tensors (ONNX node outputs):");
    for (const d of net.defs) lines.push(`//   ${d.name} <- ${q(d.onnx)} (${d.from.join(" + ")})`);
  }
  return lines;
}

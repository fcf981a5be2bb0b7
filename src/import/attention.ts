/**
 * Multi-head attention as PyTorch exports hand-written code: the projections
 * `MatMul(x, W) (+ Add b)`, the heads split by `Reshape [B, S, h, d]` and `Transpose
 * [0, 2, 1, 3]` (keys further transposed to [B, h, d, S]), the scores `MatMul(q, k)` scaled by
 * a constant, `Softmax` over the keys, `MatMul` with the values, `Transpose` back,
 * `Reshape [B, S, h d]` and the output projection. Found on the first import pass (whose
 * views give every tensor's dims), it is written on the second as one `mha(x, Wq, Wk, Wv, Wo,
 * bq = ..., bk = ..., bv = ..., bo = ...)` with the weights read per head (a Layout, the same
 * numbers in another order), so that `neteq symmetries` sees heads as an axis, exactly as in a
 * hand-written transformer.
 *
 * Soundness: `mha` computes q . k / sqrt(d) with the exact 1/sqrt(d), so the pattern is taken
 * only when the graph's scale is exactly that number; every intermediate tensor must be read
 * only inside the pattern (or by Shape); anything else is left to the node-by-node import
 * (heads as a strided read), with a note saying why.
 */
import { InternalError } from "../diagnostics/diagnostic.ts";
import { Rational } from "../numeric/rational.ts";
import { plain, type Const, type Layout, type NetworkText, type View } from "./builder.ts";
import type { OnnxModel, OnnxNode, OnnxTensor } from "./onnxModel.ts";
import { nodeText } from "./ops.ts";
import { dimsOfValue, type Ghost, type ShapeValue } from "./shapes.ts";

type Val = View | Const | ShapeValue | Ghost;

/** One attention found on the first pass. */
export interface AttentionInstance {
  /** The output projection's last node: where `mha` is written. */
  readonly final: OnnxNode;
  /** The ONNX name of the tensor the projections read. */
  readonly x: string;
  readonly heads: number;
  readonly headDim: number;
  readonly width: number;
  readonly weights: { readonly q: Projection; readonly k: Projection; readonly v: Projection; readonly o: Projection };
  readonly nodes: number;
}

interface Projection {
  readonly w: string;
  readonly b: string | null;
}

/** What the second pass does differently: nodes computed inside `mha` (ghosts, their output dims) and where `mha` is written. */
export interface AttentionPlan {
  readonly instances: readonly AttentionInstance[];
  readonly ghosts: ReadonlyMap<OnnxNode, (number | null)[]>;
}

export const EMPTY_PLAN: AttentionPlan = { instances: [], ghosts: new Map() };

const PLUMBING = new Set(["Transpose", "Identity", "Dropout"]);
const FLOAT = new Set([1, 10, 11, 16]);

/** The attentions of the graph (given the first pass's values), and a note for each one only partly matched. */
export function findAttention(model: OnnxModel, inits: ReadonlyMap<string, OnnxTensor>, values: ReadonlyMap<string, Val>): { plan: AttentionPlan; notes: string[] } {
  const producer = new Map<string, OnnxNode>();
  const consumers = new Map<string, OnnxNode[]>();
  const uses = new Map<string, number>();
  for (const n of model.nodes) {
    n.outputs.forEach((o) => o && producer.set(o, n));
    for (const i of n.inputs) {
      if (!i) continue;
      consumers.set(i, [...(consumers.get(i) ?? []), n]);
      uses.set(i, (uses.get(i) ?? 0) + 1);
    }
  }
  const g: GraphInfo = { model, inits, values, producer, consumers, uses };
  const instances: AttentionInstance[] = [];
  const ghosts = new Map<OnnxNode, (number | null)[]>();
  const notes: string[] = [];
  for (const sm of model.nodes.filter((n) => n.opType === "Softmax")) {
    const m = match(g, sm);
    if (m === null) continue;
    if (typeof m === "string") {
      notes.push(`the attention around ${nodeText(sm)} is not in the standard pattern (${m}); it is imported node by node, its heads read from a reshaped tensor, so no head symmetry is derived there`);
      continue;
    }
    instances.push(m.instance);
    for (const n of m.inside) if (n !== m.instance.final) ghosts.set(n, dimsOfValue(values.get(n.outputs[0]!)!));
  }
  return { plan: { instances, ghosts }, notes };
}

interface GraphInfo {
  readonly model: OnnxModel;
  readonly inits: ReadonlyMap<string, OnnxTensor>;
  readonly values: ReadonlyMap<string, Val>;
  readonly producer: ReadonlyMap<string, OnnxNode>;
  readonly consumers: ReadonlyMap<string, OnnxNode[]>;
  readonly uses: ReadonlyMap<string, number>;
}

const dimsOf = (g: GraphInfo, name: string): (number | null)[] | null => {
  const v = g.values.get(name);
  return v ? dimsOfValue(v) : null;
};
const isView = (g: GraphInfo, name: string | undefined): boolean => !!name && g.values.get(name)?.kind === "view";
const same = (a: readonly (number | null)[] | null, b: readonly (number | null)[]): boolean => !!a && a.length === b.length && a.every((x, i) => x === b[i]);
const permText = (p: readonly number[]) => `[${p.join(", ")}]`;

/** A Transpose's permutation (default: reversed). */
function permOf(n: OnnxNode, rank: number): number[] | null {
  if (n.opType !== "Transpose") return Array.from({ length: rank }, (_, i) => i);
  const a = n.attributes.find((x) => x.name === "perm");
  if (!a) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  return a.kind === "ints" ? a.ints.map(Number) : null;
}

/** Back from `name` through Transpose/Identity/Dropout to a Reshape: the nodes, and axis i of `name` = axis perm[i] of the Reshape's output. */
function back(g: GraphInfo, name: string): { reshape: OnnxNode; chain: OnnxNode[]; perm: number[] } | string {
  let perm = [0, 1, 2, 3];
  const chain: OnnxNode[] = [];
  for (let cur = name; ; ) {
    const p = g.producer.get(cur);
    if (!p) return `${JSON.stringify(cur)} is not computed by a Reshape of a projection`;
    if (p.opType === "Reshape") return { reshape: p, chain, perm };
    if (!PLUMBING.has(p.opType)) return `${nodeText(p)} stands where a Reshape or Transpose of the heads is expected`;
    const t = permOf(p, 4);
    if (!t) return `${nodeText(p)} has a perm that is not a list of integers`;
    perm = perm.map((i) => t[i]!);
    chain.push(p);
    cur = p.inputs[0]!;
  }
}

/** Forward from `name` along single consumers through Transpose/Identity/Dropout to a Reshape. */
function forward(g: GraphInfo, name: string): { reshape: OnnxNode; chain: OnnxNode[]; perm: number[] } | string {
  let perm = [0, 1, 2, 3];
  const chain: OnnxNode[] = [];
  for (let cur = name; ; ) {
    const cs = g.consumers.get(cur) ?? [];
    if (cs.length !== 1) return `${JSON.stringify(cur)} is read ${cs.length} times, not once`;
    const c = cs[0]!;
    if (c.opType === "Reshape" && c.inputs[0] === cur) return { reshape: c, chain, perm };
    if (!PLUMBING.has(c.opType)) return `${nodeText(c)} stands where the heads are merged back by Transpose and Reshape`;
    const t = permOf(c, 4);
    if (!t) return `${nodeText(c)} has a perm that is not a list of integers`;
    perm = t.map((i) => perm[i]!);
    chain.push(c);
    cur = c.outputs[0]!;
  }
}

/** A weight initializer used by this node only, of float type and these dims. */
function weight(g: GraphInfo, name: string | undefined, dims: readonly number[]): string | null {
  const t = name ? g.inits.get(name) : undefined;
  if (!t || !FLOAT.has(t.dataType) || t.external || g.uses.get(name!) !== 1 || !same(t.dims, dims)) return null;
  return name!;
}

/** `MatMul(x, W)`, optionally then `Add b` (either order): the weights, the input, the nodes. */
function projection(g: GraphInfo, out: string, width: number): { p: Projection; x: string; nodes: OnnxNode[] } | string {
  let node = g.producer.get(out);
  let b: string | null = null;
  const nodes: OnnxNode[] = [];
  if (node?.opType === "Add") {
    const k = node.inputs.findIndex((i) => g.inits.has(i));
    b = k < 0 ? null : weight(g, node.inputs[k], [width]);
    if (!b) return `the projection's ${nodeText(node)} does not add a bias of dims [${width}] used only there`;
    nodes.push(node);
    node = g.producer.get(node.inputs[1 - k]!);
  }
  if (node?.opType !== "MatMul") return `${JSON.stringify(out)} is not computed by MatMul with a weight (and Add of a bias)`;
  const xd = dimsOf(g, node.inputs[0]!);
  if (!xd || xd.length !== 3 || xd[0] !== null || !isView(g, node.inputs[0])) return `${nodeText(node)} does not read a [batch, tokens, features] tensor`;
  const w = weight(g, node.inputs[1], [xd[2]!, width]);
  if (!w) return `${nodeText(node)} does not multiply by a weight of dims [${xd[2]}, ${width}] used only there`;
  nodes.push(node);
  return { p: { w, b }, x: node.inputs[0]!, nodes };
}

/** The attention whose weights `sm` computes; null when `sm` is not attention-like at all, a reason when it is only partly matched. */
function match(g: GraphInfo, sm: OnnxNode): { instance: AttentionInstance; inside: OnnxNode[] } | string | null {
  const smOut = sm.outputs[0]!;
  // The scores: MatMul of two computed tensors, maybe scaled by a constant.
  let pre = g.producer.get(sm.inputs[0]!);
  let factor = Rational.ONE;
  const inside: OnnxNode[] = [sm];
  if (pre && (pre.opType === "Div" || pre.opType === "Mul")) {
    const k = pre.inputs.findIndex((i) => !isView(g, i));
    const c = k < 0 ? null : constantScalar(g, pre.inputs[k]!);
    if (c !== null && !(pre.opType === "Div" && k === 0) && c !== 0) {
      factor = pre.opType === "Div" ? Rational.ONE.div(Rational.fromNumber(c)) : Rational.fromNumber(c);
      inside.push(pre);
      pre = g.producer.get(pre.inputs[1 - k]!);
    }
  }
  if (!pre || pre.opType !== "MatMul" || !isView(g, pre.inputs[0]) || !isView(g, pre.inputs[1])) return null;
  const scores = pre;
  inside.push(scores);
  const sd = dimsOf(g, smOut);
  if (!sd || sd.length !== 4 || sd[0] !== null) return `the scores have dims [${(sd ?? []).map((d) => d ?? "batch").join(", ")}], not [batch, heads, queries, keys]`;
  const axisAttr = sm.attributes.find((a) => a.name === "axis");
  const axis = axisAttr?.kind === "int" ? Number(axisAttr.i) : g.model.opset! >= 13 ? -1 : 1;
  if (axis !== 3 && axis !== -1) return `the softmax is over axis ${axis}, not the keys (the last axis)`;
  const mixes = g.consumers.get(smOut) ?? [];
  const mix = mixes[0];
  if (mixes.length !== 1 || mix!.opType !== "MatMul" || mix!.inputs[0] !== smOut) return "the attention weights are not read once, by a MatMul with the values";
  inside.push(mix!);
  // q, k, v: a chain of Transposes back to the Reshape that splits the heads.
  const want = { q: [0, 2, 1, 3], k: [0, 2, 3, 1], v: [0, 2, 1, 3] };
  const from = { q: scores.inputs[0]!, k: scores.inputs[1]!, v: mix!.inputs[1]! };
  const sides: Record<"q" | "k" | "v", { p: Projection; x: string; H: number; K: number; T: number }> = {} as never;
  for (const s of ["q", "k", "v"] as const) {
    const b = back(g, from[s]);
    if (typeof b === "string") return `${s}: ${b}`;
    const rd = dimsOf(g, b.reshape.outputs[0]!);
    if (!rd || rd.length !== 4 || rd[0] !== null) return `${s}: ${nodeText(b.reshape)} does not split [batch, tokens, features] into [batch, tokens, heads, head_dim]`;
    const [, T, H, K] = rd as [null, number, number, number];
    if (b.perm.join() !== want[s].join()) return `${s}: the heads are rearranged by ${permText(b.perm)}, not ${permText(want[s])} (the standard split${s === "k" ? " with the keys transposed" : ""})`;
    const id = dimsOf(g, b.reshape.inputs[0]!);
    if (!same(id, [null, T, H * K])) return `${s}: ${nodeText(b.reshape)} does not split the features of a [batch, ${T}, ${H * K}] tensor`;
    const pr = projection(g, b.reshape.inputs[0]!, H * K);
    if (typeof pr === "string") return `${s}: ${pr}`;
    sides[s] = { p: pr.p, x: pr.x, H, K, T };
    inside.push(b.reshape, ...b.chain, ...pr.nodes);
  }
  const { q, k, v } = sides;
  if (q.x !== k.x || q.x !== v.x) return "q, k and v are not projections of one tensor (only self-attention is recognised)";
  if (q.H !== k.H || q.H !== v.H || q.K !== k.K || q.K !== v.K || q.T !== k.T || q.T !== v.T) return `q, k and v are split differently ([${q.H}, ${q.K}], [${k.H}, ${k.K}], [${v.H}, ${v.K}] heads by head_dim)`;
  const names = [q.p.w, k.p.w, v.p.w, q.p.b, k.p.b, v.p.b].filter((x) => x !== null);
  if (new Set(names).size !== names.length) return "q, k and v do not have weights of their own";
  const { H, K, T } = q;
  const D = dimsOf(g, q.x)![2]!;
  const r = Math.round(Math.sqrt(K));
  if (r * r !== K || !factor.eq(Rational.of(1, r))) return `the scores are scaled by ${factor.toNumber()} (exactly ${factor.toString()}); mha scales by exactly 1/sqrt(${K})${r * r === K ? ` = 1/${r}` : ""}, so it would be another function`;
  // Back to [batch, tokens, H K], then the output projection.
  const f = forward(g, mix!.outputs[0]!);
  if (typeof f === "string") return `output: ${f}`;
  if (f.perm.join() !== "0,2,1,3") return `output: the heads are merged after the rearrangement ${permText(f.perm)}, not [0, 2, 1, 3]`;
  if (!same(dimsOf(g, f.reshape.outputs[0]!), [null, T, H * K])) return `output: ${nodeText(f.reshape)} does not merge the heads into [batch, ${T}, ${H * K}]`;
  inside.push(...f.chain, f.reshape);
  const outs = g.consumers.get(f.reshape.outputs[0]!) ?? [];
  const om = outs[0];
  if (outs.length !== 1 || om!.opType !== "MatMul" || om!.inputs[0] !== f.reshape.outputs[0]) return "output: the merged heads are not read once, by the output projection's MatMul";
  const wo = weight(g, om!.inputs[1], [H * K, D]);
  if (!wo) return `output: ${nodeText(om!)} does not multiply by a weight of dims [${H * K}, ${D}] used only there (mha maps back to the width of its input)`;
  inside.push(om!);
  let final = om!;
  let bo: string | null = null;
  const after = g.consumers.get(om!.outputs[0]!) ?? [];
  if (after.length === 1 && after[0]!.opType === "Add") {
    const add = after[0]!;
    const kk = add.inputs.findIndex((i) => i !== om!.outputs[0] && g.inits.has(i));
    const b = kk < 0 ? null : weight(g, add.inputs[kk], [D]);
    if (b && add.inputs.length === 2) {
      bo = b;
      final = add;
      inside.push(add);
    }
  }
  const problem = leaks(g, inside, final);
  if (problem) return problem;
  return { instance: { final, x: q.x, heads: H, headDim: K, width: D, weights: { q: q.p, k: k.p, v: v.p, o: { w: wo, b: bo } }, nodes: new Set(inside).size }, inside: [...new Set(inside)] };
}

/** A tensor computed inside the pattern but read outside it (other than by Shape) or a graph output: the pattern cannot be replaced. */
function leaks(g: GraphInfo, inside: readonly OnnxNode[], final: OnnxNode): string | null {
  const set = new Set(inside);
  const outputs = new Set(g.model.outputs.map((o) => o.name));
  for (const n of inside) {
    if (n === final) continue;
    if (n.outputs.slice(1).some((o) => o)) return `${nodeText(n)} has a second output`;
    const o = n.outputs[0]!;
    if (outputs.has(o)) return `${JSON.stringify(o)} is a graph output`;
    const reader = (g.consumers.get(o) ?? []).find((c) => !set.has(c) && c.opType !== "Shape");
    if (reader) return `${JSON.stringify(o)} is also read by ${nodeText(reader)}`;
  }
  return null;
}

function constantScalar(g: GraphInfo, name: string): number | null {
  const v = g.values.get(name);
  if (v?.kind === "const") return v.values.length === 1 ? v.values[0]! : null;
  const t = g.inits.get(name);
  if (!t || t.dims.reduce((a, b) => a * b, 1) !== 1 || !FLOAT.has(t.dataType)) return null;
  const raw = t.raw;
  if (raw && t.dataType === 1 && raw.length === 4) return new DataView(raw.buffer, raw.byteOffset, 4).getFloat32(0, true);
  if (raw && t.dataType === 11 && raw.length === 8) return new DataView(raw.buffer, raw.byteOffset, 8).getFloat64(0, true);
  if (!raw && t.dataType === 1 && t.floatData.length === 1) return t.floatData[0]!;
  return null;
}

/**
 * Write one attention as `mha`: its input laid out plainly as [T, D], the weights declared
 * per head (Wq, Wk, Wv [H, K, D] from ONNX's [D, H K]; Wo [D, H, K] from [H K, D]; biases
 * [H, K] from [H K]).
 */
export function emitAttention(a: AttentionInstance, net: NetworkText, lookup: (name: string) => Val | undefined, declare: (name: string, dims: readonly number[], layout: Layout) => View): View {
  const xv = lookup(a.x);
  if (!xv || xv.kind !== "view") throw new InternalError(`the attention input ${a.x} is not a tensor on the second pass`);
  const X = plain(xv, net, a.x, a.final.name, "attention");
  const { heads: H, headDim: K, width: D } = a;
  const { q, k, v, o } = a.weights;
  // Declared in the order of mha's arguments: the weights, then the biases.
  const inProj = (w: string) => declare(w, [H, K, D], { onnxDims: [D, H * K], split: [D, H, K], perm: [1, 2, 0] }).ref;
  const args = [X.ref, inProj(q.w), inProj(k.w), inProj(v.w), declare(o.w, [D, H, K], { onnxDims: [H * K, D], split: [H, K, D], perm: [2, 0, 1] }).ref];
  const bias = (b: string) => declare(b, [H, K], { onnxDims: [H * K], split: [H, K], perm: [0, 1] }).ref;
  for (const [opt, b] of [["bq", q.b], ["bk", k.b], ["bv", v.b]] as const) if (b) args.push(`${opt} = ${bias(b)}`);
  if (o.b) args.push(`bo = ${declare(o.b, [D], { onnxDims: [D], split: [D], perm: [0] }).ref}`);
  const call = `mha(${args.join(", ")})`;
  return net.defineOp(a.final.outputs[0]!, a.final.name, `multi-head attention (${a.nodes} nodes) ending at`, X, call);
}

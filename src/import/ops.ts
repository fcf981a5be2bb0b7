/**
 * The ONNX operators `neteq import` understands, one handler each: its inputs as views (or
 * constants), its attributes checked against the ONNX definition, and its output written as
 * index notation or a library operation. Anything outside the documented subset (an unknown
 * attribute, a dilation, a padding a max pool would fill with -infinity, softmax over the
 * batch axis) is an OnnxError naming the op type and the node: never a guess.
 */
import type { OnnxAttribute, OnnxNode } from "./onnxModel.ts";
import { OnnxError } from "./onnxModel.ts";
import { Rational } from "../numeric/rational.ts";
import { number, partSizes, plain, rationalText, read, type Const, type Ix, type IxVar, type NetworkText, type OutAxis, type Value, type View, type ViewAxis } from "./builder.ts";

/** An initializer not yet declared as a parameter. */
export interface Init {
  readonly kind: "init";
  readonly name: string;
  readonly dims: readonly number[];
}

/** What a handler may ask of the importer. */
export interface OpEnv {
  readonly net: NetworkText;
  readonly opset: number;
  /** The value of input k (an initializer is `init` until a handler declares it), or null when absent. */
  input(k: number): Value | Init | null;
  /** Input k as a parameter (an initializer), declared on first use. */
  param(k: number): View;
  /** Input k as a constant (a Constant node or an initializer read as numbers). */
  constant(k: number): Const;
}

/** A handler: the values of the node's outputs (null: that output is not produced). */
export type Handler = (node: OnnxNode, env: OpEnv) => Value;

/** "node \"/fc1/Gemm\" (Gemm)" */
export const nodeText = (n: OnnxNode): string => `node ${JSON.stringify(n.name || n.outputs[0] || "?")} (${n.opType})`;

const fail = (n: OnnxNode, why: string): never => {
  throw new OnnxError(`${nodeText(n)}: ${why}`);
};

/** Attribute access with the ONNX defaults, refusing attributes the handler does not know. */
function attrs(n: OnnxNode, known: readonly string[]) {
  for (const a of n.attributes) if (!known.includes(a.name)) fail(n, `the attribute ${a.name} is not understood by neteq import`);
  const get = (name: string): OnnxAttribute | undefined => n.attributes.find((a) => a.name === name);
  return {
    int(name: string, dflt: number): number {
      const a = get(name);
      if (!a) return dflt;
      if (a.kind !== "int") return fail(n, `the attribute ${name} should be an integer`);
      return Number(a.i);
    },
    float(name: string, dflt: number): number {
      const a = get(name);
      if (!a) return dflt;
      if (a.kind !== "float") return fail(n, `the attribute ${name} should be a float`);
      return a.f;
    },
    ints(name: string): number[] | null {
      const a = get(name);
      if (!a) return null;
      if (a.kind !== "ints") return fail(n, `the attribute ${name} should be a list of integers`);
      return a.ints.map(Number);
    },
    string(name: string, dflt: string): string {
      const a = get(name);
      if (!a) return dflt;
      if (a.kind !== "string") return fail(n, `the attribute ${name} should be a string`);
      return a.s;
    },
  };
}

/** The value as a view (a data tensor), or an error naming the node. */
function view(n: OnnxNode, v: Value | Init | null, what: string): View {
  if (!v) return fail(n, `${what} is missing`);
  if (v.kind === "init") return fail(n, `${what} is the initializer ${JSON.stringify(v.name)}; neteq import expects a tensor computed from the input here`);
  if (v.kind !== "view") return fail(n, `${what} is a constant; neteq import expects a tensor computed from the input or a weight`);
  return v;
}

const hasBatch = (v: View): boolean => v.axes.some((a) => a.batch);
const size = (ax: ViewAxis): number => (ax.batch ? 0 : ax.size);
/** Factors for a result axis that copies axis `a` of `v`. */
const copy = (v: View, a: number): OutAxis => {
  const ax = v.axes[a]!;
  if (ax.batch) return { batch: true };
  const ps = partSizes(v, a);
  return { batch: false, factors: ps.length ? ps : [ax.size] };
};
const vars = (ix: Ix): readonly IxVar[] => (typeof ix === "object" && "vars" in ix ? ix.vars : []);
const sumText = (vs: readonly IxVar[], body: string): string => {
  const real = vs.filter((v) => v.size > 1);
  return real.length ? `(sum[${real.map((v) => `${v.name}:${v.size}`).join(", ")}] ${body})` : `(${body})`;
};

/** Contraction variables for an axis of `v` (its own .neq factorisation, so that it is read plainly). */
function contraction(v: View, a: number, env: { fresh(n: number): IxVar }): IxVar[] {
  const ps = partSizes(v, a);
  const ax = v.axes[a]!;
  return (ps.length ? ps : [size(ax)]).map((s) => env.fresh(s));
}

const GEMM: Handler = (n, env) => {
  const at = attrs(n, ["alpha", "beta", "transA", "transB"]);
  if (at.int("transA", 0) !== 0) fail(n, "transA = 1 (the input transposed, so the batch axis is contracted) is not supported");
  const A = view(n, env.input(0), "the input A");
  if (A.axes.length !== 2 || !A.axes[0]!.batch) fail(n, `the input A must be [batch, features], but its dims are ${dimsText(A)}`);
  const W = env.param(1);
  if (W.shape.length !== 2) fail(n, `the weight B must have 2 axes, but has dims [${W.shape.join(", ")}]`);
  const transB = at.int("transB", 0) !== 0;
  const [N, K] = transB ? [W.shape[0]!, W.shape[1]!] : [W.shape[1]!, W.shape[0]!];
  if (size(A.axes[1]!) !== K) fail(n, `A has ${size(A.axes[1]!)} features but B is [${W.shape.join(", ")}]${transB ? " (transB = 1)" : ""}`);
  const alpha = at.float("alpha", 1);
  const beta = at.float("beta", 1);
  const C = env.input(2) ? env.param(2) : null;
  if (C && !(C.shape.length === 1 && (C.shape[0] === N || C.shape[0] === 1)) && !(C.shape.length === 2 && C.shape[0] === 1 && (C.shape[1] === N || C.shape[1] === 1))) {
    fail(n, `the bias C has dims [${C.shape.join(", ")}]; neteq import reads C of dims [${N}] or [1, ${N}] (one bias per output, the same for every sample)`);
  }
  return env.net.define(n.outputs[0]!, n.name, n.opType, [{ batch: true }, { batch: false, factors: [N] }], (ix, vs) => {
    const o = vars(ix[1]!);
    const ks = contraction(A, 1, vs);
    const wIx: Ix[] = transB ? [{ vars: o }, { vars: ks }] : [{ vars: ks }, { vars: o }];
    let body = sumText(ks, `${read(W, wIx, nodeText(n))} * ${read(A, ["batch", { vars: ks }], nodeText(n))}`);
    if (alpha !== 1) body = `${number(alpha, `${nodeText(n)}: alpha`)} * ${body}`;
    if (C && beta !== 0) {
      const cIx: Ix[] = C.shape.map((d) => (d === 1 ? "zero" : { vars: o }));
      const c = read(C, cIx, nodeText(n));
      body = `${body} + ${beta === 1 ? c : `${number(beta, `${nodeText(n)}: beta`)} * ${c}`}`;
    }
    return body;
  });
};

const dimsText = (v: View): string => `[${v.axes.map((a) => (a.batch ? "batch" : a.size)).join(", ")}]`;

const MATMUL: Handler = (n, env) => {
  attrs(n, []);
  const a0 = env.input(0);
  const b0 = env.input(1);
  const A = view(n, a0, "the input A");
  const r = A.axes.length;
  if (r < 2) fail(n, `A must have at least 2 axes, but its dims are ${dimsText(A)}`);
  if (A.axes[r - 1]!.batch) fail(n, "A's last axis is the batch axis");
  const K = size(A.axes[r - 1]!);
  const B = b0?.kind === "init" ? env.param(1) : view(n, b0, "the input B");
  if (!hasBatch(B)) {
    // x W with a weight W[K, N]: a linear map of A's last axis.
    if (B.shape.length !== 2) fail(n, `the weight B must have 2 axes, but has dims [${B.shape.join(", ")}]`);
    if (B.shape[0] !== K) fail(n, `A's last axis has ${K} entries but the weight B is [${B.shape.join(", ")}]`);
    const out: OutAxis[] = [...A.axes.slice(0, -1).map((_, a) => copy(A, a)), { batch: false, factors: [B.shape[1]!] }];
    return env.net.define(n.outputs[0]!, n.name, n.opType, out, (ix, vs) => {
      const ks = contraction(A, r - 1, vs);
      return sumText(ks, `${read(A, [...ix.slice(0, -1), { vars: ks }], nodeText(n))} * ${read(B, [{ vars: ks }, ix[r - 1]!], nodeText(n))}`);
    });
  }
  // Two computed tensors (attention's q k^T and weights v): batched over the leading axes.
  if (B.axes.length !== r) fail(n, `A has dims ${dimsText(A)} and B ${dimsText(B)}; broadcasting between computed tensors is not supported`);
  for (let a = 0; a < r - 2; a++) {
    if (A.axes[a]!.batch !== B.axes[a]!.batch || size(A.axes[a]!) !== size(B.axes[a]!)) fail(n, `A ${dimsText(A)} and B ${dimsText(B)} differ in their leading axes`);
  }
  if (A.axes[r - 2]!.batch || B.axes[r - 1]!.batch || B.axes[r - 2]!.batch) fail(n, "the batch axis would be multiplied as a matrix axis");
  if (size(B.axes[r - 2]!) !== K) fail(n, `A ${dimsText(A)} and B ${dimsText(B)} do not fit (${K} against ${size(B.axes[r - 2]!)})`);
  const out: OutAxis[] = [...A.axes.slice(0, -1).map((_, a) => copy(A, a)), copy(B, r - 1)];
  return env.net.define(n.outputs[0]!, n.name, n.opType, out, (ix, vs) => {
    const aParts = partSizes(A, r - 1);
    const bParts = partSizes(B, r - 2);
    const use = aParts.length > 1 ? A : B;
    if (aParts.length > 1 && bParts.length > 1 && aParts.join() !== bParts.join()) fail(n, "the contracted axis is reshaped differently in A and B");
    const ks = contraction(use, use === A ? r - 1 : r - 2, vs);
    return sumText(ks, `${read(A, [...ix.slice(0, -1), { vars: ks }], nodeText(n))} * ${read(B, [...ix.slice(0, -2), { vars: ks }, ix[r - 1]!], nodeText(n))}`);
  });
};

/** Spatial attributes of Conv and the pools, checked: strides, pads (begin, end), kernel. */
function windowAttrs(n: OnnxNode, at: ReturnType<typeof attrs>, spatial: number, kernel: readonly number[]) {
  const pad = at.string("auto_pad", "NOTSET");
  if (pad !== "NOTSET" && pad !== "VALID") fail(n, `auto_pad = ${pad} is not supported (export with explicit pads)`);
  const strides = at.ints("strides") ?? Array(spatial).fill(1);
  const pads = pad === "VALID" ? Array(2 * spatial).fill(0) : (at.ints("pads") ?? Array(2 * spatial).fill(0));
  const dil = at.ints("dilations") ?? Array(spatial).fill(1);
  if (strides.length !== spatial || pads.length !== 2 * spatial || dil.length !== spatial) fail(n, "strides, pads or dilations do not match the number of spatial axes");
  if (strides.some((s) => s < 1) || pads.some((p) => p < 0) || dil.some((d) => d < 1)) fail(n, "strides and dilations must be positive and pads not negative");
  const ks = at.ints("kernel_shape") ?? kernel;
  if (ks.length !== spatial || ks.some((k, d) => k !== kernel[d])) fail(n, `kernel_shape [${ks.join(", ")}] does not match the kernel [${kernel.join(", ")}]`);
  return { strides, pads, dil };
}

/** Output length of a window: floor((len + pb + pe - dil (k - 1) - 1) / s) + 1. */
const outLen = (len: number, k: number, s: number, pb: number, pe: number, dil: number): number => Math.floor((len + pb + pe - dil * (k - 1) - 1) / s) + 1;

/** "s * i + d * a - p", simplified. */
const tapText = (i: IxVar, a: IxVar, s: number, dil: number, p: number): string => {
  const terms = [i.size > 1 ? (s === 1 ? i.name : `${s} * ${i.name}`) : null, a.size > 1 ? (dil === 1 ? a.name : `${dil} * ${a.name}`) : null].filter((t) => t !== null);
  let text = terms.length ? terms.join(" + ") : "0";
  if (p > 0) text = `${text} - ${p}`;
  return text;
};

const CONV: Handler = (n, env) => {
  const at = attrs(n, ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"]);
  const x = view(n, env.input(0), "the input X");
  if (!x.axes[0]!.batch || x.axes.length < 3 || x.axes.length > 4) fail(n, `the input must be [batch, channels, spatial...] with 1 or 2 spatial axes, but its dims are ${dimsText(x)}`);
  if (at.int("group", 1) !== 1) fail(n, "grouped convolution (group != 1) is not supported by neteq import");
  const X = plain(x, env.net, n.outputs[0]!, n.name, n.opType);
  const W = env.param(1);
  const spatial = X.axes.length - 2;
  const C = size(X.axes[1]!);
  if (W.shape.length !== spatial + 2 || W.shape[1] !== C) fail(n, `the kernel has dims [${W.shape.join(", ")}], but the input has ${C} channels and ${spatial} spatial axes`);
  const O = W.shape[0]!;
  const kernel = W.shape.slice(2);
  const { strides, pads, dil } = windowAttrs(n, at, spatial, kernel);
  const lens = X.axes.slice(2).map((ax, d) => outLen(size(ax), kernel[d]!, strides[d]!, pads[d]!, pads[d + spatial]!, dil[d]!));
  if (lens.some((l) => l < 1)) fail(n, "the kernel does not fit the input");
  const b = env.input(2) ? env.param(2) : null;
  if (b && (b.shape.length !== 1 || b.shape[0] !== O)) fail(n, `the bias has dims [${b.shape.join(", ")}], expected [${O}]`);
  return env.net.define(n.outputs[0]!, n.name, n.opType, [{ batch: true }, { batch: false, factors: [O] }, ...lens.map((l) => ({ batch: false as const, factors: [l] }))], (ix, vs) => {
    const o = vars(ix[1]!);
    const pos = ix.slice(2).map((s) => vars(s)[0]!);
    const c = vs.fresh(C);
    const taps = kernel.map((k) => vs.fresh(k));
    const xIx: Ix[] = ["batch", { vars: [c] }, ...pos.map((i, d) => ({ expr: tapText(i, taps[d]!, strides[d]!, dil[d]!, pads[d]!) }))];
    const body = sumText([c, ...taps], `${read(W, [{ vars: o }, { vars: [c] }, ...taps.map((t) => ({ vars: [t] }))], nodeText(n))} * ${read(X, xIx, nodeText(n))}`);
    return b ? `${body} + ${read(b, [{ vars: o }], nodeText(n))}` : body;
  });
};

function pool(kind: "max" | "avg"): Handler {
  return (n, env) => {
    const at = attrs(n, kind === "max" ? ["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"] : ["auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides"]);
    if (n.outputs.length > 1 && n.outputs[1]) fail(n, "the Indices output is not supported");
    const x = view(n, env.input(0), "the input X");
    if (!x.axes[0]!.batch || x.axes.length < 3 || x.axes.length > 4) fail(n, `the input must be [batch, channels, spatial...], but its dims are ${dimsText(x)}`);
    const X = plain(x, env.net, n.outputs[0]!, n.name, n.opType);
    const spatial = X.axes.length - 2;
    const kernel = at.ints("kernel_shape");
    if (!kernel) return fail(n, "kernel_shape is required");
    const { strides, pads, dil } = windowAttrs(n, at, spatial, kernel);
    if (dil.some((d) => d !== 1)) fail(n, "dilated pooling is not supported");
    // Max pooling pads with -infinity, and average pooling by default leaves the padding out
    // of the count: neither is zero padding, which is what index notation reads outside.
    if (pads.some((p) => p !== 0) && (kind === "max" || at.int("count_include_pad", 0) === 0)) fail(n, kind === "max" ? "padding (filled with -infinity by ONNX) is not supported" : "padding with count_include_pad = 0 is not supported");
    const lens = X.axes.slice(2).map((ax, d) => outLen(size(ax), kernel[d]!, strides[d]!, pads[d]!, pads[d + spatial]!, 1));
    if (at.int("ceil_mode", 0) !== 0) {
      const ceil = X.axes.slice(2).map((ax, d) => Math.ceil((size(ax) + pads[d]! + pads[d + spatial]! - kernel[d]!) / strides[d]!) + 1);
      if (ceil.some((c, d) => c !== lens[d])) fail(n, "ceil_mode = 1 with windows that overhang the input is not supported");
    }
    const C = size(X.axes[1]!);
    return env.net.define(n.outputs[0]!, n.name, n.opType, [{ batch: true }, { batch: false, factors: [C] }, ...lens.map((l) => ({ batch: false as const, factors: [l] }))], (ix, vs) => {
      const c = vars(ix[1]!);
      const pos = ix.slice(2).map((s) => vars(s)[0]!);
      const taps = kernel.map((k) => vs.fresh(k));
      const entry = read(X, ["batch", { vars: c }, ...pos.map((i, d) => ({ expr: tapText(i, taps[d]!, strides[d]!, 1, pads[d]!) }))], nodeText(n));
      const bound = taps.filter((t) => t.size > 1).map((t) => `${t.name}:${t.size}`);
      if (!bound.length) return entry;
      if (kind === "max") return `(max[${bound.join(", ")}] ${entry})`;
      const area = kernel.reduce((a, b) => a * b, 1);
      return `(1/${area}) * (sum[${bound.join(", ")}] ${entry})`;
    });
  };
}

const GLOBAL_AVG: Handler = (n, env) => {
  attrs(n, []);
  const x = view(n, env.input(0), "the input X");
  if (!x.axes[0]!.batch || x.axes.length < 3) fail(n, `the input must be [batch, channels, spatial...], but its dims are ${dimsText(x)}`);
  const X = plain(x, env.net, n.outputs[0]!, n.name, n.opType);
  const C = size(X.axes[1]!);
  const spatial = X.axes.slice(2).map(size);
  const area = spatial.reduce((a, b) => a * b, 1);
  return env.net.define(n.outputs[0]!, n.name, n.opType, [{ batch: true }, { batch: false, factors: [C] }, ...spatial.map(() => ({ batch: false as const, factors: [1] }))], (ix, vs) => {
    const ps = spatial.map((s) => vs.fresh(s));
    const entry = read(X, ["batch", ix[1]!, ...ps.map((p) => ({ vars: [p] }))], nodeText(n));
    return area === 1 ? entry : `(1/${area}) * ${sumText(ps, entry)}`;
  });
};

const EPS = (n: OnnxNode, eps: number): string => {
  if (!(eps > 0)) fail(n, `epsilon must be positive, got ${eps}`);
  // The attribute is a float32; its exact value is what ONNX adds.
  return number(eps, `${nodeText(n)}: epsilon`);
};

const BATCHNORM: Handler = (n, env) => {
  const at = attrs(n, ["epsilon", "momentum", "training_mode", "spatial"]);
  if (at.int("training_mode", 0) !== 0) fail(n, "training_mode = 1 (batch statistics) is not supported; export the model in eval mode");
  if (at.int("spatial", 1) !== 1) fail(n, "spatial = 0 is not supported");
  if (n.outputs.slice(1).some((o) => o)) fail(n, "the running-statistics outputs (training mode) are not supported");
  const x = view(n, env.input(0), "the input X");
  if (!x.axes[0]!.batch || x.axes.length < 2) fail(n, `the input must be [batch, channels, ...], but its dims are ${dimsText(x)}`);
  const X = plain(x, env.net, n.outputs[0]!, n.name, n.opType);
  const C = size(X.axes[1]!);
  const ps = [1, 2, 3, 4].map((k) => env.param(k));
  ps.forEach((p, k) => {
    if (p.shape.length !== 1 || p.shape[0] !== C) fail(n, `${["scale", "B", "mean", "var"][k]} has dims [${p.shape.join(", ")}], expected [${C}]`);
  });
  const [scale, bias, mean, variance] = ps as [View, View, View, View];
  return env.net.defineOp(n.outputs[0]!, n.name, n.opType, X, `batchnorm(${X.ref}, ${mean.ref}, ${variance.ref}, ${scale.ref}, ${bias.ref}, eps = ${EPS(n, at.float("epsilon", 1e-5))})`);
};

const LAYERNORM: Handler = (n, env) => {
  const at = attrs(n, ["axis", "epsilon", "stash_type"]);
  if (n.outputs.slice(1).some((o) => o)) fail(n, "the Mean and InvStdDev outputs are not supported");
  const x = view(n, env.input(0), "the input X");
  const r = x.axes.length;
  const axis = at.int("axis", -1);
  if ((axis < 0 ? axis + r : axis) !== r - 1) fail(n, `normalising over axes ${axis}..${r - 1} (more than the last axis) is not supported`);
  if (x.axes[r - 1]!.batch) fail(n, "normalising over the batch axis is not supported");
  const X = plain(x, env.net, n.outputs[0]!, n.name, n.opType);
  const D = size(X.axes[r - 1]!);
  if (!env.input(2)) fail(n, "LayerNormalization without a bias B is not supported");
  const scale = env.param(1);
  const bias = env.param(2);
  for (const [p, what] of [[scale, "Scale"], [bias, "B"]] as const) if (p.shape.length !== 1 || p.shape[0] !== D) fail(n, `${what} has dims [${p.shape.join(", ")}], expected [${D}]`);
  return env.net.defineOp(n.outputs[0]!, n.name, n.opType, X, `layernorm(${X.ref}, ${scale.ref}, ${bias.ref}, eps = ${EPS(n, at.float("epsilon", 1e-5))})`);
};

const SOFTMAX: Handler = (n, env) => {
  const at = attrs(n, ["axis"]);
  const x = view(n, env.input(0), "the input");
  const r = x.axes.length;
  // Before opset 13 Softmax flattened the axes from `axis` on (default 1) into one.
  const raw = at.int("axis", env.opset >= 13 ? -1 : 1);
  const axis = raw < 0 ? raw + r : raw;
  if (axis < 0 || axis >= r) fail(n, `axis ${raw} does not exist in a tensor with ${r} axes`);
  if (env.opset < 13 && axis !== r - 1) fail(n, `in opset ${env.opset} Softmax over axis ${raw} normalises over all axes from it on; only the last axis is supported`);
  if (x.axes[axis]!.batch) fail(n, "softmax over the batch axis is not supported");
  // The library's softmax normalises the last axis (its axis option cannot be written:
  // `axis` is a keyword), so the normalised axis is moved last and moved back in the view.
  const moved: View = { ...x, axes: [...x.axes.filter((_, a) => a !== axis), x.axes[axis]!] };
  const X = plain(moved, env.net, n.outputs[0]!, n.name, n.opType);
  const y = env.net.defineOp(n.outputs[0]!, n.name, n.opType, X, `softmax(${X.ref})`);
  const last = y.axes[y.axes.length - 1]!;
  return { ...y, axes: [...y.axes.slice(0, axis), last, ...y.axes.slice(axis, -1)] };
};

function activation(fn: string): Handler {
  return (n, env) => {
    const at = attrs(n, fn === "gelu" ? ["approximate"] : []);
    if (fn === "gelu" && at.string("approximate", "none") !== "none") fail(n, "the tanh approximation of GELU is not the built-in gelu");
    const x = view(n, env.input(0), "the input");
    return env.net.define(n.outputs[0]!, n.name, n.opType, x.axes.map((_, a) => copy(x, a)), (ix) => `${fn}(${read(x, ix, nodeText(n))})`, true);
  };
}

/** Add, Sub, Mul, Div with numpy broadcasting; constants must be single numbers, divisors constants. */
function binary(op: "+" | "-" | "*" | "/"): Handler {
  return (n, env) => {
    attrs(n, []);
    const vs: (View | Const)[] = [0, 1].map((k) => {
      const v = env.input(k);
      if (!v) return fail(n, `input ${k} is missing`);
      return v.kind === "init" ? (v.dims.length === 0 ? env.constant(k) : env.param(k)) : v;
    });
    const views = vs.filter((v): v is View => v.kind === "view");
    if (!views.some(hasBatch)) fail(n, "neither operand depends on the input; folding weights into constants is not supported");
    for (const c of vs) if (c.kind === "const" && c.values.length !== 1) fail(n, `a constant operand with ${c.values.length} entries is not supported (only single numbers)`);
    if (op === "/" && vs[1]!.kind !== "const") fail(n, "division by a computed tensor or a weight is not supported");
    const r = Math.max(...views.map((v) => v.axes.length));
    const aligned = (v: View, a: number): ViewAxis | null => v.axes[a - (r - v.axes.length)] ?? null;
    const out: OutAxis[] = [];
    for (let a = 0; a < r; a++) {
      const axes = views.map((v) => aligned(v, a));
      if (axes.some((x) => x?.batch)) {
        if (axes.some((x) => x && !x.batch && x.size !== 1)) fail(n, "the batch axis is broadcast against a data axis");
        out.push({ batch: true });
        continue;
      }
      const sizes = axes.map((x) => (x && !x.batch ? x.size : 1));
      const full = Math.max(...sizes);
      if (sizes.some((s) => s !== 1 && s !== full)) fail(n, `shapes ${views.map(dimsText).join(" and ")} do not broadcast`);
      // Only an operand that has this axis can lend it (a lower-rank operand is broadcast here).
      const from = views.findIndex((v, k) => sizes[k] === full && axes[k] !== null && partSizes(v, a - (r - v.axes.length)).length > 0);
      out.push(from >= 0 ? copy(views[from]!, a - (r - views[from]!.axes.length)) : { batch: false, factors: [full] });
    }
    const outSize = (a: number): number => {
      const o = out[a]!;
      return o.batch ? 0 : o.factors.reduce((x, y) => x * y, 1);
    };
    return env.net.define(n.outputs[0]!, n.name, n.opType, out, (ix) => {
      const texts = vs.map((v) => {
        if (v.kind === "const") return number(v.values[0]!, `${nodeText(n)}: a constant`);
        const off = r - v.axes.length;
        const at: Ix[] = v.axes.map((ax, a) => (ax.batch ? "batch" : ax.size === 1 && outSize(a + off) !== 1 ? "zero" : ix[a + off]!));
        return read(v, at, nodeText(n));
      });
      if (op === "/") {
        const c = Rational.fromNumber((vs[1] as Const).values[0]!);
        if (c.isZero()) fail(n, "division by zero");
        // x / c as x * (1/c), exactly.
        return `${texts[0]} * ${rationalText(Rational.ONE.div(c))}`;
      }
      return `${texts[0]} ${op} ${texts[1]}`;
    }, true);
  };
}

export const HANDLERS: Readonly<Record<string, Handler>> = {
  Gemm: GEMM,
  MatMul: MATMUL,
  Conv: CONV,
  MaxPool: pool("max"),
  AveragePool: pool("avg"),
  GlobalAveragePool: GLOBAL_AVG,
  BatchNormalization: BATCHNORM,
  LayerNormalization: LAYERNORM,
  Softmax: SOFTMAX,
  Relu: activation("relu"),
  Tanh: activation("tanh"),
  Sigmoid: activation("sigmoid"),
  Gelu: activation("gelu"),
  Add: binary("+"),
  Sub: binary("-"),
  Mul: binary("*"),
  Div: binary("/"),
};

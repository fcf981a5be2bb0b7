/**
 * Shape plumbing, folded into views (builder.ts): Identity, Dropout (inference), Flatten,
 * Reshape with a constant shape, Transpose, Constant. None of them writes a definition,
 * except a Reshape that splits an axis, which defines the finer tensor once.
 */
import { OnnxError, type OnnxNode } from "./onnxModel.ts";
import { affine, Vars, type Const, type NetworkText, type View, type ViewAxis } from "./builder.ts";
import { nodeText, type Init } from "./ops.ts";
import type { ShapeValue } from "./shapes.ts";

const fail = (n: OnnxNode, why: string): never => {
  throw new OnnxError(`${nodeText(n)}: ${why}`);
};

const known = (n: OnnxNode, names: readonly string[]) => {
  for (const a of n.attributes) if (!names.includes(a.name)) fail(n, `the attribute ${a.name} is not understood by neteq import`);
};

const intAttr = (n: OnnxNode, name: string, dflt: number): number => {
  const a = n.attributes.find((x) => x.name === name);
  if (!a) return dflt;
  if (a.kind !== "int") return fail(n, `the attribute ${name} should be an integer`);
  return Number(a.i);
};

/** The input as a computed tensor. */
function input(n: OnnxNode, v: View | Const | Init | null): View {
  if (!v) return fail(n, "its input is missing");
  if (v.kind !== "view") return fail(n, "its input is a constant or a weight; folding weights is not supported");
  return v;
}

/** Identity, and Dropout in inference (its mask output must be unused, no training_mode). */
export function passThrough(n: OnnxNode, v: View | Const | Init | null, extra: readonly (View | Const | Init | null)[]): View {
  known(n, n.opType === "Dropout" ? ["seed", "ratio", "is_test"] : []);
  if (n.opType === "Dropout") {
    if (n.outputs.slice(1).some((o) => o)) fail(n, "the mask output is not supported");
    const training = extra[1];
    if (training && !(training.kind === "const" && training.values.every((x) => x === 0))) fail(n, "training_mode must be a constant false (inference)");
  }
  return input(n, v);
}

/** Flatten with axis 1: [batch, d1, ..., dr] -> [batch, d1 ... dr], a view. */
export function flatten(n: OnnxNode, v: View | Const | Init | null): View {
  known(n, ["axis"]);
  const x = input(n, v);
  const axis = intAttr(n, "axis", 1);
  const r = x.axes.length;
  if ((axis < 0 ? axis + r : axis) !== 1 || !x.axes[0]!.batch) fail(n, `Flatten with axis ${axis} of dims [${x.axes.map((a) => (a.batch ? "batch" : a.size)).join(", ")}] merges the batch axis or keeps more than one leading axis; only axis = 1 after the batch axis is supported`);
  const rest = x.axes.slice(1) as Extract<ViewAxis, { batch: false }>[];
  if (rest.some((a) => (a as ViewAxis).batch)) fail(n, "the batch axis is not first");
  return { ...x, axes: [{ batch: true }, { batch: false, size: rest.reduce((p, a) => p * a.size, 1), parts: rest.flatMap((a) => a.parts) }] };
}

/** Transpose: the axes of the view permuted (default: reversed). */
export function transpose(n: OnnxNode, v: View | Const | Init | null): View {
  known(n, ["perm"]);
  const x = input(n, v);
  const a = n.attributes.find((t) => t.name === "perm");
  const perm = a ? (a.kind === "ints" ? a.ints.map(Number) : fail(n, "perm should be a list of integers")) : x.axes.map((_, i) => x.axes.length - 1 - i);
  if (perm.length !== x.axes.length || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) fail(n, `perm [${perm.join(", ")}] is not a permutation of the ${x.axes.length} axes`);
  return { ...x, axes: perm.map((p) => x.axes[p]!) };
}

/**
 * Reshape to a constant shape. The batch axis must stay first (shape[0] = 0, or -1 with every
 * other size known); the data axes are regrouped: each new axis is a run of the .neq axes in
 * ONNX order, after splitting .neq axes where a new axis boundary falls inside one (which
 * defines a finer copy of the tensor, read at affine indices). `allowzero = 1` is refused.
 */
export function reshape(n: OnnxNode, v: View | Const | Init | null, s: View | Const | ShapeValue | Init | null, net: NetworkText): View {
  known(n, ["allowzero"]);
  if (intAttr(n, "allowzero", 0) !== 0) fail(n, "allowzero = 1 is not supported");
  const x = input(n, v);
  if (!s || (s.kind !== "const" && s.kind !== "shape")) return fail(n, "the target shape is not a constant and not computed from shapes and constants only");
  // The symbolic batch size (from Shape) may stand only where the batch axis is kept.
  const target = s.kind === "shape" ? s.values.map((t, i) => (t === null ? (i === 0 ? 0 : fail(n, `the symbolic batch size reaches position ${i} of the target shape; only position 0 (the batch axis) may hold it`)) : t)) : [...s.values];
  if (s.dims.length !== 1) fail(n, `the target shape has dims [${s.dims.join(", ")}], not one axis`);
  if (target.some((t) => !Number.isSafeInteger(t))) fail(n, `the target shape [${target.join(", ")}] holds a number that is not a whole number`);
  if (!x.axes[0]!.batch || x.axes.slice(1).some((a) => a.batch)) fail(n, "the batch axis is not the first axis of its input");
  if (target.length < 1 || (target[0] !== 0 && target[0] !== -1)) fail(n, `the target shape [${target.join(", ")}] does not keep the batch axis first (write 0 or -1 there)`);
  const data = x.axes.slice(1) as Extract<ViewAxis, { batch: false }>[];
  const total = data.reduce((p, a) => p * a.size, 1);
  const rest = target.slice(1).map((t, i) => (t === 0 ? (data[i]?.size ?? fail(n, `0 at position ${i + 1} copies a dimension the input does not have`)) : t));
  const unknown = rest.filter((t) => t === -1).length;
  if (target[0] === -1 && unknown > 0) fail(n, "two dimensions are inferred (-1)");
  if (unknown > 1 || rest.some((t) => t < -1 || t === 0)) fail(n, `the target shape [${target.join(", ")}] is not understood`);
  const known_ = rest.filter((t) => t > 0).reduce((p, t) => p * t, 1);
  const dims = rest.map((t) => (t === -1 ? total / known_ : t));
  if (dims.some((d) => !Number.isInteger(d)) || dims.reduce((p, d) => p * d, 1) !== total) fail(n, `the data dims [${data.map((a) => a.size).join(", ")}] cannot be reshaped to [${dims.join(", ")}]`);
  // The .neq axes in ONNX order, and the refinement that also cuts at every new boundary.
  const seq = data.flatMap((a) => a.parts);
  const sizes = seq.map((p) => x.shape[p]!);
  const cuts = new Set<number>();
  let acc = 1;
  for (const s_ of sizes) cuts.add((acc *= s_));
  acc = 1;
  for (const d of dims) cuts.add((acc *= d));
  const chain = [...cuts].sort((a, b) => a - b);
  let prev = 1;
  for (const c of chain) {
    if (c % prev !== 0) fail(n, `reshaping [${data.map((a) => a.size).join(", ")}] to [${dims.join(", ")}] mixes entries of different axes, which neteq cannot express without div and mod`);
    prev = c;
  }
  const pieces: number[] = [];
  prev = 1;
  for (const c of chain) {
    if (c !== prev) pieces.push(c / prev);
    prev = c;
  }
  let src: View = x;
  let order = seq;
  if (pieces.length !== seq.filter((p) => x.shape[p]! > 1).length) {
    src = split(n, x, seq, pieces, net);
    order = pieces.map((_, i) => i);
  } else order = seq.filter((p) => x.shape[p]! > 1);
  // Group the (refined) axes into the new dims.
  const axes: ViewAxis[] = [{ batch: true }];
  let k = 0;
  for (const d of dims) {
    const parts: number[] = [];
    let prod = 1;
    while (prod < d) {
      const p = order[k++]!;
      parts.push(p);
      prod *= src.shape[p]!;
    }
    axes.push({ batch: false, size: d, parts });
  }
  return { ...src, axes };
}

/** A copy of x whose .neq axes are `pieces` (the finer sizes, in ONNX order), read at affine indices. */
function split(n: OnnxNode, x: View, seq: readonly number[], pieces: readonly number[], net: NetworkText): View {
  const vars = new Vars();
  const vs = pieces.map((p) => vars.fresh(p));
  const at: string[] = x.shape.map(() => "0");
  let k = 0;
  for (const p of seq) {
    if (x.shape[p]! === 1) continue;
    const mine = [];
    let prod = 1;
    while (prod < x.shape[p]!) {
      const v = vs[k++]!;
      mine.push(v);
      prod *= v.size;
    }
    at[p] = affine(mine);
  }
  const onnx = n.outputs[0]!;
  const name = net.name(`${onnx}_split`, "h");
  net.defs.push({ name, text: `${name}[${vs.map((v) => `${v.name}:${v.size}`).join(", ")}] = ${x.ref}[${at.join(", ")}]`, from: [`Reshape ${JSON.stringify(n.name)}, its axes split`], onnx });
  return { kind: "view", ref: name, shape: pieces, axes: [] };
}

/**
 * Constant folding of shape computations: the `Shape -> Gather -> Unsqueeze -> Concat ->
 * Reshape` chains that PyTorch's exporter writes for `x.view(x.size(0), -1)` and for head
 * splitting (`view(B, S, h, d)` with `d = D / h`). Every tensor computed only from shapes and
 * constants is evaluated at import time, with the static dims of the data tensors; the
 * symbolic batch size stays a symbol (`null`) that may only be copied around and must end in
 * the batch position of a Reshape target (plumbing.ts). Anything else (a data tensor read as
 * numbers, arithmetic on the batch symbol, an index out of range, a tensor too large to fold)
 * is an OnnxError naming the node: never a guess.
 *
 * @example Shape(x [batch, 2, 3]) = [null, 2, 3]; Gather(., 1) = 2; Unsqueeze(., [0]) = [2]
 */
import type { Const, View } from "./builder.ts";
import { DATA_TYPES, OnnxError, type OnnxNode } from "./onnxModel.ts";
import { nodeText } from "./ops.ts";

/** An integer tensor that holds the symbolic batch size (null) in some entries. */
export interface ShapeValue {
  readonly kind: "shape";
  readonly dims: readonly number[];
  readonly values: readonly (number | null)[];
}

/** A data tensor that the attention rewrite computes inside `mha` (attention.ts): only its dims are known. */
export interface Ghost {
  readonly kind: "ghost";
  readonly dims: readonly (number | null)[];
}

/** Entries of a folded tensor at most (shape tensors have a handful). */
export const FOLD_ENTRIES = 65_536;

/** Axes of a folded tensor at most (checked before the axes are walked). */
const MAX_RANK = 64;

/** The operators folded here (on constants and shapes only). */
export const SHAPE_OPS: readonly string[] = ["Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice", "ConstantOfShape"];

/** Arithmetic folded when no operand is a data tensor. */
export const ARITHMETIC = new Set(["Add", "Sub", "Mul", "Div"]);

type In = View | Const | ShapeValue | Ghost | null;
interface Folded {
  dims: number[];
  values: (number | null)[];
  integer: boolean;
  /** ONNX TensorProto.DataType of the tensor (0 when not known). */
  type: number;
}

const fail = (n: OnnxNode, why: string): never => {
  throw new OnnxError(`${nodeText(n)}: ${why}`);
};

const INTEGER_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);
const [FLOAT, INT64, DOUBLE] = [1, 7, 11];

const count = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** The dims of any value (a data tensor's batch axis as null). */
export function dimsOfValue(v: View | Const | ShapeValue | Ghost): (number | null)[] {
  if (v.kind === "view") return v.axes.map((a) => (a.batch ? null : a.size));
  return [...v.dims];
}

function folded(n: OnnxNode, v: In, what: string): Folded {
  if (!v) return fail(n, `${what} is missing`);
  if (v.kind === "view" || v.kind === "ghost") return fail(n, `${what} is a tensor computed from the input, not a shape or a constant; only shape computations are folded`);
  if (v.kind === "shape") return { dims: [...v.dims], values: [...v.values], integer: true, type: INT64 };
  return { dims: [...v.dims], values: [...v.values], integer: v.integer === true, type: v.dataType ?? 0 };
}

/** Whole-number entries (indices, axes, sizes) of a folded input with no batch symbol. */
function ints(n: OnnxNode, v: In, what: string): number[] {
  const f = folded(n, v, what);
  return f.values.map((x) => {
    if (x === null) return fail(n, `${what} holds the symbolic batch size, which cannot be an index or an axis`);
    if (!Number.isSafeInteger(x)) return fail(n, `${what} holds ${x}, not a whole number`);
    return x;
  });
}

function out(n: OnnxNode, f: Folded): Const | ShapeValue {
  if (count(f.dims) > FOLD_ENTRIES) fail(n, `its result would have ${count(f.dims)} entries; neteq import folds shape tensors of at most ${FOLD_ENTRIES}`);
  if (f.values.some((x) => x === null)) return { kind: "shape", dims: f.dims, values: f.values };
  return { kind: "const", dims: f.dims, values: Float64Array.from(f.values as number[]), integer: f.integer, ...(f.type ? { dataType: f.type } : {}) };
}

function attr(n: OnnxNode, known: readonly string[]) {
  for (const a of n.attributes) if (!known.includes(a.name)) fail(n, `the attribute ${a.name} is not understood by neteq import`);
  return {
    int(name: string, dflt: number | null): number | null {
      const a = n.attributes.find((x) => x.name === name);
      if (!a) return dflt;
      if (a.kind !== "int") return fail(n, `the attribute ${name} should be an integer`);
      return Number(a.i);
    },
    ints(name: string): number[] | null {
      const a = n.attributes.find((x) => x.name === name);
      if (!a) return null;
      if (a.kind !== "ints") return fail(n, `the attribute ${name} should be a list of integers`);
      return a.ints.map(Number);
    },
  };
}

/** An axis in [-r, r) as a number in [0, r). */
function axis(n: OnnxNode, a: number, r: number, what: string): number {
  if (a < -r || a >= r) fail(n, `${what} ${a} is outside a tensor with ${r} axes`);
  return a < 0 ? a + r : a;
}

/**
 * Fold one shape operator (`SHAPE_OPS`, or `ARITHMETIC` on constants). `inputs` are the
 * node's inputs (initializers already read as constants).
 */
export function foldShapeOp(n: OnnxNode, inputs: readonly In[], opset: number): Const | ShapeValue {
  switch (n.opType) {
    case "Shape": {
      const at = attr(n, ["start", "end"]);
      const v = inputs[0];
      if (!v) return fail(n, "its input is missing");
      const dims = dimsOfValue(v);
      const r = dims.length;
      const clamp = (x: number) => Math.min(r, Math.max(0, x < 0 ? x + r : x));
      const values = dims.slice(clamp(at.int("start", 0)!), clamp(at.int("end", r)!));
      return out(n, { dims: [values.length], values, integer: true, type: INT64 });
    }
    case "Gather": {
      const at = attr(n, ["axis"]);
      const data = folded(n, inputs[0]!, "the data input");
      if (data.dims.length !== 1) return fail(n, `Gather of a tensor with dims [${data.dims.join(", ")}] is not folded (only of a vector: a shape)`);
      axis(n, at.int("axis", 0)!, 1, "axis");
      const idx = folded(n, inputs[1]!, "the indices input");
      if (idx.dims.length > 1) fail(n, "indices with more than one axis are not folded");
      const len = data.dims[0]!;
      const values = ints(n, inputs[1]!, "the indices input").map((i) => data.values[axis(n, i, len, "the index")]!);
      return out(n, { dims: idx.dims, values, integer: data.integer, type: data.type });
    }
    case "Unsqueeze":
    case "Squeeze": {
      const squeeze = n.opType === "Squeeze";
      const at = attr(n, opset >= 13 ? [] : ["axes"]);
      const x = folded(n, inputs[0]!, "the input");
      const given = opset >= 13 ? (inputs[1] ? ints(n, inputs[1], "the axes input") : null) : at.ints("axes");
      if (x.dims.length + (given?.length ?? 0) > MAX_RANK) fail(n, `a tensor of more than ${MAX_RANK} axes is not folded`);
      if (!squeeze && !given) return fail(n, opset >= 13 ? "the axes input is missing" : "the axes attribute is missing");
      if (squeeze) {
        const r = x.dims.length;
        const drop = given ? given.map((a) => axis(n, a, r, "the axis")) : x.dims.flatMap((d, a) => (d === 1 ? [a] : []));
        if (drop.some((a) => x.dims[a] !== 1)) fail(n, `an axis to squeeze of dims [${x.dims.join(", ")}] is not of size 1`);
        return out(n, { ...x, dims: x.dims.filter((_, a) => !drop.includes(a)) });
      }
      const r = x.dims.length + given!.length;
      const at1 = given!.map((a) => axis(n, a, r, "the axis"));
      if (new Set(at1).size !== at1.length) fail(n, "an axis is given twice");
      const dims: number[] = [];
      let k = 0;
      for (let a = 0; a < r; a++) dims.push(at1.includes(a) ? 1 : x.dims[k++]!);
      return out(n, { ...x, dims });
    }
    case "Concat": {
      const at = attr(n, ["axis"]);
      const parts = inputs.map((v, k) => folded(n, v, `input ${k}`));
      if (parts.length === 0) return fail(n, "it has no input");
      if (parts.some((p) => p.dims.length !== 1)) fail(n, "only vectors (shapes) are concatenated by the folding");
      axis(n, at.int("axis", null) ?? fail(n, "the axis attribute is missing"), 1, "axis");
      const values = parts.flatMap((p) => p.values);
      // ONNX requires one type of all inputs; an unknown mix is never rounded as if it were known.
      const type = parts.every((p) => p.type === parts[0]!.type) ? parts[0]!.type : 0;
      return out(n, { dims: [values.length], values, integer: parts.every((p) => p.integer), type });
    }
    case "Cast": {
      const at = attr(n, ["to", "saturate"]);
      const to = at.int("to", null) ?? fail(n, "the attribute to is missing");
      const x = folded(n, inputs[0]!, "the input");
      if (INTEGER_TYPES.has(to)) {
        // ONNX casts a real to an integer by dropping the fraction; a boolean is x != 0.
        const values = x.values.map((v) => (v === null ? null : to === 9 ? Number(v !== 0) : Number.isFinite(v) ? Math.trunc(v) : fail(n, `${v} cannot be cast to an integer`)));
        if (to === 9 && x.values.includes(null)) fail(n, "the symbolic batch size is cast to a boolean");
        return out(n, { dims: x.dims, values, integer: true, type: to });
      }
      if (to !== 1 && to !== 11) return fail(n, `a cast to data type ${to} is not folded (only to integers, FLOAT and DOUBLE)`);
      if (to === 1 && x.values.some((v) => v !== null && Math.fround(v) !== v)) fail(n, "a cast to FLOAT that rounds a value is not folded");
      return out(n, { dims: x.dims, values: x.values, integer: false, type: to });
    }
    case "Slice": {
      attr(n, []);
      const x = folded(n, inputs[0]!, "the data input");
      if (x.dims.length !== 1) return fail(n, "only a vector (a shape) is sliced by the folding");
      const [start, end] = [1, 2].map((k) => ints(n, inputs[k]!, k === 1 ? "starts" : "ends"));
      if (start!.length !== 1 || end!.length !== 1) return fail(n, "starts and ends must have one entry");
      if (inputs[3]) ints(n, inputs[3], "axes").forEach((a) => axis(n, a, 1, "the axis"));
      const step = inputs[4] ? ints(n, inputs[4], "steps") : [1];
      if (step.length !== 1 || step[0] === 0) return fail(n, "steps must be one nonzero number");
      const len = x.dims[0]!;
      const s = step[0]!;
      // ONNX Slice-13: negative positions count from the end; then, stepping forwards, start
      // and end are clamped to [0, len]; stepping backwards, start to [0, len - 1] and end to
      // [-1, len - 1] (so that [len - 1, -1) reaches the first entry).
      const norm = (p: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, p < 0 ? p + len : p));
      const b = s > 0 ? norm(start![0]!, 0, len) : norm(start![0]!, 0, len - 1);
      const e = s > 0 ? norm(end![0]!, 0, len) : norm(end![0]!, -1, len - 1);
      const values: (number | null)[] = [];
      for (let i = b; s > 0 ? i < e : i > e; i += s) values.push(x.values[i]!);
      return out(n, { dims: [values.length], values, integer: x.integer, type: x.type });
    }
    case "ConstantOfShape": {
      const a = n.attributes.find((t) => t.name === "value");
      attr(n, ["value"]);
      const shape = ints(n, inputs[0]!, "the shape input");
      if (shape.some((d) => d < 0)) fail(n, `the shape [${shape.join(", ")}] has a negative size`);
      // Checked before anything is allocated: a hostile file may ask for 10^12 entries.
      if (shape.reduce((p, d) => p * d, 1) > FOLD_ENTRIES) fail(n, `the shape [${shape.join(", ")}] has more than ${FOLD_ENTRIES} entries, which neteq import does not fold`);
      // Without a value attribute ONNX fills with a float32 zero.
      let fill = 0;
      let integer = false;
      let type = FLOAT;
      if (a) {
        if (a.kind !== "tensor" || a.t.dims.reduce((p, d) => p * d, 1) !== 1) return fail(n, "the value attribute must be a tensor of one entry");
        fill = singleValue(n, a.t);
        integer = INTEGER_TYPES.has(a.t.dataType);
        type = a.t.dataType;
      }
      return out(n, { dims: shape, values: Array(shape.reduce((p, d) => p * d, 1)).fill(fill), integer, type });
    }
    case "Add":
    case "Sub":
    case "Mul":
    case "Div":
      return arithmetic(n, inputs);
    default:
      return fail(n, `the operator ${n.opType} is not folded`);
  }
}

function singleValue(n: OnnxNode, t: import("./onnxModel.ts").OnnxTensor): number {
  const raw = t.raw;
  if (raw) {
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    if (t.dataType === 7 && raw.length === 8) return Number(v.getBigInt64(0, true));
    if (t.dataType === 6 && raw.length === 4) return v.getInt32(0, true);
    if (t.dataType === 1 && raw.length === 4) return v.getFloat32(0, true);
    if (t.dataType === 11 && raw.length === 8) return v.getFloat64(0, true);
    return fail(n, "the value attribute's data is not understood");
  }
  const field = t.dataType === 1 ? t.floatData : t.dataType === 11 ? t.doubleData : t.dataType === 7 ? t.int64Data.map(Number) : t.int32Data;
  if (field.length !== 1) return fail(n, "the value attribute must hold one entry");
  return Number(field[0]);
}

/** Add, Sub, Mul, Div of shape tensors and constants (scalars broadcast against vectors). */
function arithmetic(n: OnnxNode, inputs: readonly In[]): Const | ShapeValue {
  attr(n, []);
  const [a, b] = [0, 1].map((k) => folded(n, inputs[k]!, `input ${k}`)) as [Folded, Folded];
  if (a.dims.length > 1 || b.dims.length > 1) fail(n, "only scalars and vectors are folded");
  const la = count(a.dims);
  const lb = count(b.dims);
  if (la !== lb && la !== 1 && lb !== 1) fail(n, `operands of dims [${a.dims.join(", ")}] and [${b.dims.join(", ")}] do not broadcast`);
  const dims = a.dims.length >= b.dims.length ? (la >= lb ? a.dims : b.dims) : b.dims;
  const len = Math.max(la, lb);
  const integer = a.integer && b.integer;
  const round = rounding(n, a, b, integer);
  const values: number[] = [];
  for (let i = 0; i < len; i++) {
    const x = a.values[la === 1 ? 0 : i]!;
    const y = b.values[lb === 1 ? 0 : i]!;
    if (x === null || y === null) return fail(n, `the symbolic batch size enters arithmetic (${n.opType}); it may only be copied into the batch position of a Reshape target`);
    let z: number;
    if (n.opType === "Add") z = x + y;
    else if (n.opType === "Sub") z = x - y;
    else if (n.opType === "Mul") z = x * y;
    else {
      if (y === 0) return fail(n, "division by zero");
      // ONNX's integer Div truncates (as C does); shapes are positive, where it agrees with floor.
      z = integer ? Math.trunc(x / y) : x / y;
    }
    if (integer && !Number.isSafeInteger(z)) return fail(n, `the result ${z} is too large`);
    values.push(round(z));
  }
  return out(n, { dims: [...dims], values, integer, type: a.type });
}

/**
 * How a folded result is rounded to its ONNX type: ONNX computes FLOAT arithmetic in float32.
 * The operands are float32 numbers, and the float64 sum, difference, product or quotient of
 * two float32 numbers rounded once more to float32 (Math.fround) is the correctly rounded
 * float32 result (float64 has more than 2 * 24 + 2 bits). DOUBLE is float64 itself.
 */
function rounding(n: OnnxNode, a: Folded, b: Folded, integer: boolean): (z: number) => number {
  const name = (t: number) => (t ? (DATA_TYPES[t] ?? `type ${t}`) : "a type not known to neteq");
  if (a.type !== b.type) return fail(n, `its operands have types ${name(a.type)} and ${name(b.type)}; ONNX requires one type, and neteq folds only that case`);
  if (integer) return (z) => z;
  if (a.type === FLOAT) return Math.fround;
  if (a.type === DOUBLE) return (z) => z;
  return fail(n, `arithmetic on constants of type ${name(a.type)} is not folded (only integers, FLOAT and DOUBLE)`);
}

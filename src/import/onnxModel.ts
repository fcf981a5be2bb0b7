/**
 * Decoding an ONNX file (a protobuf ModelProto) into plain data, with protobufjs and the
 * schema subset in onnx.proto. Malformed input is an `OnnxError` with the file's problem in
 * words; nothing here interprets the graph (that is onnx.ts).
 */
import * as fs from "node:fs";
import protobuf from "protobufjs";
import { fromRoot } from "../root.ts";

/** A problem with an ONNX file, in the user's words (the CLI prints it as CLI001). */
export class OnnxError extends Error {}

/** ONNX TensorProto.DataType values that the importer reads. */
export const DATA_TYPES: Readonly<Record<number, string>> = {
  1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64", 8: "STRING", 9: "BOOL",
  10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64", 14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16",
};

/** A tensor stored in the file: an initializer or a Constant node's value. */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** TensorProto.DataType (1 FLOAT, 7 INT64, 11 DOUBLE, ...). */
  readonly dataType: number;
  /** The little-endian bytes, when stored as raw_data. */
  readonly raw: Uint8Array | null;
  /** The typed fields, when not stored as raw_data. */
  readonly floatData: readonly number[];
  readonly doubleData: readonly number[];
  readonly int32Data: readonly number[];
  readonly int64Data: readonly bigint[];
  /** Stored in an external file (refused by the importer). */
  readonly external: boolean;
}

/** An attribute of a node, by kind. */
export type OnnxAttribute =
  | { readonly kind: "float"; readonly name: string; readonly f: number }
  | { readonly kind: "int"; readonly name: string; readonly i: bigint }
  | { readonly kind: "string"; readonly name: string; readonly s: string }
  | { readonly kind: "tensor"; readonly name: string; readonly t: OnnxTensor }
  | { readonly kind: "floats"; readonly name: string; readonly floats: readonly number[] }
  | { readonly kind: "ints"; readonly name: string; readonly ints: readonly bigint[] }
  | { readonly kind: "other"; readonly name: string; readonly what: string };

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly OnnxAttribute[];
}

/** A graph input or output: its element type and dimensions (a number, a symbol, or unknown). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly (number | string | null)[] | null;
}

export interface OnnxModel {
  readonly irVersion: number;
  /** The version of the default ("" or "ai.onnx") operator set. */
  readonly opset: number | null;
  readonly producer: string;
  readonly graphName: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  /** The graph's value_info: types and dims declared for values inside the graph (often by shape inference). */
  readonly valueInfo: readonly OnnxValueInfo[];
  readonly sparseInitializers: number;
  readonly functions: number;
}

let modelType: protobuf.Type | null = null;

/** The ModelProto message type of onnx.proto (parsed once). */
export function onnxSchema(): protobuf.Root {
  const text = fs.readFileSync(fromRoot("src", "import", "onnx.proto"), "utf8");
  return protobuf.parse(text, { keepCase: true }).root;
}

function model(): protobuf.Type {
  modelType ??= onnxSchema().lookupType("onnx.ModelProto");
  return modelType;
}

/** An int64 as a JS number, or an error when it is not a safe integer. */
function int(v: unknown, what: string): number {
  const b = big(v);
  if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) throw new OnnxError(`${what} ${b} is too large`);
  return Number(b);
}

function big(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "string") return BigInt(v);
  if (v && typeof v === "object" && "low" in v && "high" in v) return BigInt((v as { toString(): string }).toString());
  return 0n;
}

type Obj = Record<string, unknown>;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const bytes = (v: unknown): Uint8Array | null => (v instanceof Uint8Array && v.length > 0 ? v : null);

function tensor(o: Obj): OnnxTensor {
  const name = str(o.name);
  return {
    name,
    dims: arr(o.dims).map((d) => int(d, `a dimension of tensor ${JSON.stringify(name)} is`)),
    dataType: Number(o.data_type ?? 0),
    raw: bytes(o.raw_data),
    floatData: arr(o.float_data) as number[],
    doubleData: arr(o.double_data) as number[],
    int32Data: arr(o.int32_data) as number[],
    int64Data: arr(o.int64_data).map(big),
    external: Number(o.data_location ?? 0) === 1 || arr(o.external_data).length > 0,
  };
}

// AttributeProto.AttributeType: which field holds the value.
const ATTRIBUTE_TYPES: Readonly<Record<number, string>> = { 1: "FLOAT", 2: "INT", 3: "STRING", 4: "TENSOR", 5: "GRAPH", 6: "FLOATS", 7: "INTS", 8: "STRINGS", 9: "TENSORS", 10: "GRAPHS", 11: "SPARSE_TENSOR", 12: "SPARSE_TENSORS", 13: "TYPE_PROTO", 14: "TYPE_PROTOS" };

function attribute(o: Obj): OnnxAttribute {
  const name = str(o.name);
  const type = Number(o.type ?? 0);
  if (str(o.ref_attr_name)) return { kind: "other", name, what: "a reference to a function's attribute" };
  switch (type) {
    case 1:
      return { kind: "float", name, f: Number(o.f ?? 0) };
    case 2:
      return { kind: "int", name, i: big(o.i) };
    case 3:
      return { kind: "string", name, s: new TextDecoder().decode((o.s as Uint8Array | undefined) ?? new Uint8Array()) };
    case 4:
      return { kind: "tensor", name, t: tensor((o.t ?? {}) as Obj) };
    case 6:
      return { kind: "floats", name, floats: arr(o.floats) as number[] };
    case 7:
      return { kind: "ints", name, ints: arr(o.ints).map(big) };
    default:
      return { kind: "other", name, what: ATTRIBUTE_TYPES[type] ?? `attribute type ${type}` };
  }
}

function valueInfo(o: Obj): OnnxValueInfo {
  const t = ((o.type as Obj | undefined)?.tensor_type ?? null) as Obj | null;
  const shape = t ? ((t.shape as Obj | undefined) ?? null) : null;
  const dims = shape
    ? arr(shape.dim).map((d) => {
        const dd = d as Obj;
        if (str(dd.dim_param)) return str(dd.dim_param);
        const v = dd.dim_value === undefined ? 0 : int(dd.dim_value, `a dimension of ${JSON.stringify(str(o.name))} is`);
        return v > 0 ? v : null;
      })
    : null;
  return { name: str(o.name), elemType: t ? Number(t.elem_type ?? 0) : 0, dims };
}

/**
 * Decode an ONNX file's bytes.
 *
 * @example decodeOnnx(fs.readFileSync("mlp.onnx")).nodes.map((n) => n.opType) // ["Gemm", "Relu", "Gemm"]
 */
export function decodeOnnx(data: Uint8Array): OnnxModel {
  let o: Obj;
  try {
    const m = model();
    o = m.toObject(m.decode(data), { longs: String, defaults: false, arrays: true }) as Obj;
  } catch (e) {
    // A hostile file may nest deeply or end early: any decoder failure is the file's problem.
    throw new OnnxError(`not an ONNX model (protobuf: ${e instanceof Error ? e.message : String(e)})`);
  }
  const g = o.graph as Obj | undefined;
  if (!g) throw new OnnxError("not an ONNX model: it has no graph");
  const opsets = arr(o.opset_import) as Obj[];
  const main = opsets.find((s) => str(s.domain) === "" || str(s.domain) === "ai.onnx");
  return {
    irVersion: int(o.ir_version ?? 0, "ir_version"),
    opset: main ? int(main.version ?? 0, "the opset version") : null,
    producer: `${str(o.producer_name)}${o.producer_version ? ` ${str(o.producer_version)}` : ""}`,
    graphName: str(g.name),
    nodes: (arr(g.node) as Obj[]).map((n) => ({
      name: str(n.name),
      opType: str(n.op_type),
      domain: str(n.domain),
      inputs: arr(n.input).map(str),
      outputs: arr(n.output).map(str),
      attributes: (arr(n.attribute) as Obj[]).map(attribute),
    })),
    initializers: (arr(g.initializer) as Obj[]).map(tensor),
    inputs: (arr(g.input) as Obj[]).map(valueInfo),
    outputs: (arr(g.output) as Obj[]).map(valueInfo),
    valueInfo: (arr(g.value_info) as Obj[]).map(valueInfo),
    sparseInitializers: arr(g.sparse_initializer).length,
    functions: arr(o.functions).length,
  };
}

/** Entries of a tensor with these dims. */
export const count = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/**
 * The values of a numeric tensor as float64 (each float32, float16, bfloat16 or integer
 * value exactly), row-major; an error names the tensor when its data does not fit its dims
 * or its type is not numeric.
 */
export function tensorValues(t: OnnxTensor): Float64Array {
  const n = count(t.dims);
  const what = `tensor ${JSON.stringify(t.name)}`;
  if (t.external) throw new OnnxError(`${what} is stored in an external file, which neteq does not read`);
  const type = DATA_TYPES[t.dataType] ?? `data type ${t.dataType}`;
  const size: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };
  const width = size[t.dataType];
  if (width === undefined) throw new OnnxError(`${what} has type ${type}, which is not a real number type`);
  const out = new Float64Array(n);
  if (t.raw) {
    if (t.raw.length !== n * width) throw new OnnxError(`${what} has ${t.raw.length} bytes of raw data, but ${n} entries of ${type} need ${n * width}`);
    const v = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
    for (let i = 0; i < n; i++) out[i] = rawEntry(v, i * width, t.dataType);
    return out;
  }
  const field: readonly (number | bigint)[] =
    t.dataType === 1 ? t.floatData : t.dataType === 11 ? t.doubleData : t.dataType === 7 || t.dataType === 13 ? t.int64Data : t.dataType === 12 ? t.int64Data : t.int32Data;
  if (field.length !== n) throw new OnnxError(`${what} has ${field.length} stored entries, but its dims ${JSON.stringify(t.dims)} need ${n}`);
  for (let i = 0; i < n; i++) {
    const x = field[i]!;
    out[i] = t.dataType === 10 ? half(Number(x)) : t.dataType === 16 ? bfloat(Number(x)) : Number(x);
  }
  return out;
}

function rawEntry(v: DataView, at: number, type: number): number {
  switch (type) {
    case 1:
      return v.getFloat32(at, true);
    case 11:
      return v.getFloat64(at, true);
    case 10:
      return half(v.getUint16(at, true));
    case 16:
      return bfloat(v.getUint16(at, true));
    case 2:
    case 9:
      return v.getUint8(at);
    case 3:
      return v.getInt8(at);
    case 4:
      return v.getUint16(at, true);
    case 5:
      return v.getInt16(at, true);
    case 6:
      return v.getInt32(at, true);
    case 12:
      return v.getUint32(at, true);
    case 7:
      return Number(v.getBigInt64(at, true));
    case 13:
      return Number(v.getBigUint64(at, true));
    default:
      return NaN;
  }
}

/** IEEE half-precision bits to its (exact) value. */
function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** bfloat16 bits: the high half of a float32. */
function bfloat(bits: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setUint32(0, (bits & 0xffff) << 16);
  return v.getFloat32(0);
}

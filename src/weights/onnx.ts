/**
 * ONNX initializers as a checkpoint: each initializer of the model's graph
 * (GraphProto.initializer, decoded by src/import/onnxModel.ts, the reader `neteq import`
 * uses) is a named tensor. FLOAT, DOUBLE, FLOAT16 and BFLOAT16, stored as raw_data
 * (little-endian) or in the typed fields (float_data, double_data; the bits of FLOAT16 and
 * BFLOAT16 in int32_data, as ONNX stores them). Initializers of other data types (an INT64
 * shape for a Reshape, say) are not weights: they are left out of the checkpoint's tensors,
 * and a parameter mapped onto one is refused (`unreadInitializers`, align/load.ts).
 * Everything read is checked when the file is opened: external data, sparse initializers,
 * duplicate names and data that does not match the dims are refused, naming the file and
 * the initializer. Constant nodes are part of the graph, not initializers, and are not read.
 */
import { decodeOnnx, OnnxError, DATA_TYPES, type OnnxModel, type OnnxTensor } from "../import/onnxModel.ts";
import { DTYPE_BYTES, decodeFloats, firstNotFinite, type FloatArray } from "./floats.ts";
import { readWhole, sha256Files } from "./file.ts";
import { WEIGHT_LIMITS } from "./limits.ts";
import { checkShape } from "./shape.ts";
import { entries, WeightFileError, type Checkpoint, type Tensor, type TensorInfo } from "./types.ts";

/** ONNX TensorProto.DataType of the float types read, and their neteq dtype. */
const ONNX_DTYPES: Readonly<Record<number, "F32" | "F64" | "F16" | "BF16">> = { 1: "F32", 11: "F64", 10: "F16", 16: "BF16" };

interface Entry extends TensorInfo {
  readonly dtype: "F32" | "F64" | "F16" | "BF16";
  readonly source: OnnxTensor;
}

/** Check one initializer against its dims and type; `what` names it in messages. */
function entryOf(t: OnnxTensor, shown: string): Entry {
  const what = `initializer ${JSON.stringify(t.name)}`;
  const fail = (problem: string): never => {
    throw new WeightFileError(shown, `${what}: ${problem}`);
  };
  if (t.external) fail("its data is stored in an external file (data_location EXTERNAL); neteq reads only weights inside the .onnx file (save the model with its data embedded)");
  const dtype = ONNX_DTYPES[t.dataType];
  if (!dtype) fail(notAWeight(t.dataType));
  const shape = checkShape(t.dims, shown, t.name);
  const n = entries(shape);
  const typed = field(t);
  if (t.raw) {
    if (typed.length > 0) fail(`both raw_data and a typed data field are set`);
    if (t.raw.length !== n * DTYPE_BYTES[dtype!]) fail(`${t.raw.length} bytes of raw_data, but ${DATA_TYPES[t.dataType]} [${shape.join(", ")}] needs ${n * DTYPE_BYTES[dtype!]}`);
  } else if (typed.length !== n) fail(`${typed.length} values in ${fieldName(t.dataType)}, but its dims [${shape.join(", ")}] need ${n}`);
  return { name: t.name, shape, dtype: dtype!, source: t };
}

/** The typed field ONNX stores a type's values in when raw_data is not used. */
const field = (t: OnnxTensor): readonly number[] => (t.dataType === 1 ? t.floatData : t.dataType === 11 ? t.doubleData : t.int32Data);
const fieldName = (type: number) => (type === 1 ? "float_data" : type === 11 ? "double_data" : "int32_data");

/** The values of a checked initializer, exactly, in its own precision. */
function decode(e: Entry, shown: string): Tensor {
  const t = e.source;
  const n = entries(e.shape);
  let values: FloatArray;
  if (t.raw) values = decodeFloats(t.raw, e.dtype, n, shown, e.name);
  else if (e.dtype === "F32" || e.dtype === "F64") {
    // protobuf decodes a float field to the number its 32 bits denote: Float32Array.from is exact.
    values = e.dtype === "F32" ? Float32Array.from(t.floatData) : Float64Array.from(t.doubleData);
    const bad = firstNotFinite(values);
    if (bad >= 0) throw new WeightFileError(shown, `tensor ${e.name}: entry ${bad} is ${values[bad]} (not a finite number; no rational denotes it)`);
  } else {
    // FLOAT16 and BFLOAT16 in int32_data: one 16-bit pattern per value.
    const bits = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const b = t.int32Data[i]!;
      if (!Number.isInteger(b) || b < 0 || b > 0xffff) throw new WeightFileError(shown, `initializer ${JSON.stringify(e.name)}: int32_data entry ${i} is ${b}, not the 16 bits of a ${DATA_TYPES[t.dataType]}`);
      bits[i] = b;
    }
    const bytes = new Uint8Array(2 * n);
    const view = new DataView(bytes.buffer);
    bits.forEach((b, i) => view.setUint16(2 * i, b, true));
    values = decodeFloats(bytes, e.dtype, n, shown, e.name);
  }
  return { name: e.name, shape: e.shape, dtype: e.dtype, values };
}

/** Open an .onnx file's initializers as a checkpoint (the file is read whole, up to WEIGHT_LIMITS.onnxBytes). */
export function readOnnxWeights(file: string, shown = file): Checkpoint {
  const bytes = readWhole(file, WEIGHT_LIMITS.onnxBytes, ".onnx file", shown);
  let model: OnnxModel;
  try {
    model = decodeOnnx(bytes);
  } catch (e) {
    if (e instanceof OnnxError) throw new WeightFileError(shown, e.message);
    throw e;
  }
  if (model.sparseInitializers > 0) throw new WeightFileError(shown, `${model.sparseInitializers} sparse initializer(s), which neteq does not read`);
  if (model.initializers.length > WEIGHT_LIMITS.tensors) throw new WeightFileError(shown, `more than ${WEIGHT_LIMITS.tensors} initializers`);
  const byName = new Map<string, Entry>();
  const unread = new Map<string, string>();
  for (const t of model.initializers) {
    if (t.name === "") throw new WeightFileError(shown, "an initializer has no name");
    if (byName.has(t.name) || unread.has(t.name)) throw new WeightFileError(shown, `initializer ${JSON.stringify(t.name)} appears twice`);
    if (!ONNX_DTYPES[t.dataType]) unread.set(t.name, notAWeight(t.dataType));
    else byName.set(t.name, entryOf(t, shown));
  }
  const checkpoint: Checkpoint = {
    file: shown,
    format: "onnx",
    sha256: sha256Files([file]),
    tensors: [...byName.values()].map(({ name, shape, dtype }) => ({ name, shape, dtype })),
    read: (name) => {
      const e = byName.get(name);
      if (!e) throw new WeightFileError(shown, `no initializer ${name}`);
      return decode(e, shown);
    },
  };
  UNREAD.set(checkpoint, unread);
  return checkpoint;
}

const notAWeight = (type: number) => `data type ${DATA_TYPES[type] ?? type} is not a weight type neteq reads (FLOAT, DOUBLE, FLOAT16 or BFLOAT16)`;

const UNREAD = new WeakMap<Checkpoint, ReadonlyMap<string, string>>();

/** The initializers of an ONNX checkpoint left out as not weights, each with the reason (empty for other checkpoints). */
export function unreadInitializers(c: Checkpoint): ReadonlyMap<string, string> {
  return UNREAD.get(c) ?? new Map();
}

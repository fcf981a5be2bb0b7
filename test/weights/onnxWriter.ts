/**
 * ONNX files holding only initializers (no nodes), for the weight-reader tests, written with
 * protobufjs and the importer's schema subset (src/import/onnx.proto).
 */
import { onnxSchema } from "../../src/import/onnxModel.ts";

/** A TensorProto as a plain object (field names of onnx.proto). */
export type Init = Record<string, unknown> & { name: string; dims: number[]; data_type: number };

/** Little-endian raw bytes of `values` as FLOAT (1), DOUBLE (11), FLOAT16 (10, bits) or BFLOAT16 (16, bits). */
export function rawOf(type: 1 | 11 | 10 | 16, values: readonly number[]): Uint8Array {
  const size = type === 11 ? 8 : type === 1 ? 4 : 2;
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => (type === 1 ? v.setFloat32(4 * i, x, true) : type === 11 ? v.setFloat64(8 * i, x, true) : v.setUint16(2 * i, x, true)));
  return out;
}

/** The bytes of a ModelProto whose graph has these initializers (and `extra` graph fields). */
export function encodeOnnxWeights(initializer: readonly Init[], extra: Record<string, unknown> = {}): Uint8Array {
  const type = onnxSchema().lookupType("onnx.ModelProto");
  const model = { ir_version: 8, opset_import: [{ domain: "", version: 17 }], graph: { name: "weights", initializer, ...extra } };
  const problem = type.verify(model);
  if (problem) throw new Error(problem);
  return type.encode(type.fromObject(model)).finish();
}

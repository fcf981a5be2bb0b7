/**
 * NumPy .npy: magic "\x93NUMPY", version 1.x (2-byte header length) or 2.x/3.x (4-byte), a
 * Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, then
 * exactly the data. Float dtypes f2, f4, f8 in either byte order; Fortran order is
 * rearranged to row-major.
 */
import { DTYPE_BYTES, decodeFloats, type FloatArray } from "./floats.ts";
import { readWhole, sha256Files } from "./file.ts";
import { WEIGHT_LIMITS } from "./limits.ts";
import { checkShape } from "./shape.ts";
import { entries, WeightFileError, type Checkpoint, type Tensor } from "./types.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const DTYPE_OF: Record<string, "F16" | "F32" | "F64"> = { f2: "F16", f4: "F32", f8: "F64" };

/** Parse one .npy image (`bytes`) into a tensor named `name`; `shown` names the file in messages. */
export function parseNpy(bytes: Uint8Array, name: string, shown: string): Tensor {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw new WeightFileError(shown, `${where(name)}not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new WeightFileError(shown, `${where(name)}.npy version ${major}.${bytes[7]} is not supported (1, 2 or 3)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new WeightFileError(shown, `${where(name)}truncated in the header length`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > WEIGHT_LIMITS.npyHeaderBytes) throw new WeightFileError(shown, `${where(name)}header of ${headerLength} bytes is above the limit of ${WEIGHT_LIMITS.npyHeaderBytes}`);
  const start = 8 + lenBytes;
  if (start + headerLength > bytes.length) throw new WeightFileError(shown, `${where(name)}truncated: the header says ${headerLength} bytes, the file has ${bytes.length - start}`);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLength));
  const { dtype, bigEndian, fortran, shape } = parseHeader(header, name, shown);
  const count = entries(shape);
  const data = bytes.subarray(start + headerLength);
  const want = count * DTYPE_BYTES[dtype];
  if (data.length !== want) throw new WeightFileError(shown, `${where(name)}${data.length} bytes of data, but ${dtype} [${shape.join(", ")}] needs ${want}${data.length < want ? " (truncated)" : ""}`);
  let values = decodeFloats(data, dtype, count, shown, name, bigEndian);
  if (fortran && shape.length > 1) values = fromFortran(values, shape);
  return { name, shape, dtype, values };
}

const where = (name: string) => (name ? `${name}: ` : "");

function parseHeader(header: string, name: string, shown: string): { dtype: "F16" | "F32" | "F64"; bigEndian: boolean; fortran: boolean; shape: number[] } {
  const bad = (what: string) => new WeightFileError(shown, `${where(name)}${what} in the .npy header ${JSON.stringify(header.trim().slice(0, 200))}`);
  const keys = [...header.matchAll(/'([^']*)'\s*:/g)].map((m) => m[1]);
  if (keys.length !== 3 || !["descr", "fortran_order", "shape"].every((k) => keys.includes(k))) throw bad("expected exactly the keys descr, fortran_order and shape");
  const descr = /'descr'\s*:\s*'([<>|=])([a-zA-Z])(\d+)'/.exec(header);
  if (!descr) throw bad("unreadable descr");
  const dtype = descr[2] === "f" ? DTYPE_OF[`f${descr[3]}`] : undefined;
  if (!dtype) throw bad(`dtype ${descr[1]}${descr[2]}${descr[3]} is not supported (float16, float32 or float64)`);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  if (!fortran) throw bad("unreadable fortran_order");
  const shapeText = /'shape'\s*:\s*\(([^()]*)\)/.exec(header);
  if (!shapeText) throw bad("unreadable shape");
  const dims = shapeText[1]!.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (!dims.every((d) => /^\d+$/.test(d))) throw bad("unreadable shape");
  return { dtype, bigEndian: descr[1] === ">", fortran: fortran[1] === "True", shape: checkShape(dims.map(Number), shown, name || "(array)") };
}

/** Column-major values rearranged into row-major order. */
function fromFortran(values: FloatArray, shape: readonly number[]): FloatArray {
  const out = values instanceof Float64Array ? new Float64Array(values.length) : new Float32Array(values.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let r = 0; r < values.length; r++) {
    let f = 0;
    let stride = 1;
    for (let a = 0; a < shape.length; a++) {
      f += idx[a]! * stride;
      stride *= shape[a]!;
    }
    out[r] = values[f]!;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** Open a .npy file: one tensor, named by `name` (default: the file name without .npy). */
export function readNpy(file: string, name: string, shown = file): Checkpoint {
  const bytes = readWhole(file, WEIGHT_LIMITS.zipMemberBytes, ".npy file", shown);
  const t = parseNpy(bytes, name, shown);
  return { file: shown, format: "npy", sha256: sha256Files([file]), tensors: [{ name, shape: t.shape, dtype: t.dtype }], read: () => t };
}

/** The .npy image of a float64 or float32 tensor (C order, version 1.0). */
export function encodeNpy(shape: readonly number[], values: FloatArray, dtype: "F64" | "F32"): Uint8Array {
  const descr = dtype === "F64" ? "<f8" : "<f4";
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.map((d) => `${d},`).join(" ")}), }`;
  // The header (with magic, version and length) is padded to a multiple of 64 and ends in \n.
  header += " ".repeat(64 - ((10 + header.length + 1) % 64 || 64)) + "\n";
  const size = dtype === "F64" ? 8 : 4;
  const out = new Uint8Array(10 + header.length + values.length * size);
  out.set(MAGIC);
  out[6] = 1;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const at = 10 + header.length;
  values.forEach((x, i) => (dtype === "F64" ? view.setFloat64(at + 8 * i, x, true) : view.setFloat32(at + 4 * i, x, true)));
  return out;
}

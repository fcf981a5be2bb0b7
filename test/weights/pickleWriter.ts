/**
 * A minimal torch.save-style writer for tests: a protocol-2 pickle of an OrderedDict of
 * tensors (as torch writes it: _rebuild_tensor_v2 over persistent-id storages), zipped
 * with fflate under "archive/". `globalOverride` swaps a global to build hostile files.
 */
import { zipSync } from "fflate";

const enc = new TextEncoder();

class Pickle {
  bytes: number[] = [];
  op(...b: number[]) {
    this.bytes.push(...b);
    return this;
  }
  str(s: string) {
    const b = enc.encode(s);
    return b.length < 256 ? this.op(0x8c, b.length, ...b) : this.op(0x58, b.length & 255, (b.length >> 8) & 255, (b.length >> 16) & 255, b.length >>> 24, ...b);
  }
  int(n: number) {
    return n < 256 ? this.op(0x4b, n) : this.op(0x4a, n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255);
  }
  global(module: string, name: string) {
    return this.op(0x63, ...enc.encode(`${module}\n${name}\n`));
  }
  tuple(items: (() => void)[]) {
    this.op(0x28);
    items.forEach((f) => f());
    return this.op(0x74);
  }
}

export interface PtTensor {
  name: string;
  shape: number[];
  values: Float64Array;
  dtype: "F32" | "F64";
}

/** The bytes of a .pt zip checkpoint holding `tensors`. */
export function encodePt(tensors: PtTensor[], opts: { globalOverride?: [string, string]; storageBytesDelta?: number; strideOverride?: number[] } = {}): Uint8Array {
  const p = new Pickle().op(0x80, 2);
  p.global(...(opts.globalOverride ?? ["collections", "OrderedDict"])).op(0x29, 0x52); // OrderedDict()
  const files: Record<string, Uint8Array> = { "archive/data.pkl": new Uint8Array(0), "archive/byteorder": enc.encode("little") };
  tensors.forEach((t, k) => {
    p.str(t.name);
    p.global("torch._utils", "_rebuild_tensor_v2");
    const strides = opts.strideOverride ?? t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    p.tuple([
      () => {
        p.tuple([() => p.str("storage"), () => p.global("torch", t.dtype === "F32" ? "FloatStorage" : "DoubleStorage"), () => p.str(String(k)), () => p.str("cpu"), () => p.int(t.values.length)]);
        p.op(0x51); // BINPERSID
      },
      () => p.int(0),
      () => p.tuple(t.shape.map((d) => () => p.int(d))),
      () => p.tuple(strides.map((d) => () => p.int(d))),
      () => p.op(0x89),
      () => {
        p.global("collections", "OrderedDict").op(0x29, 0x52);
      },
    ]);
    p.op(0x52); // REDUCE
    p.op(0x73); // SETITEM
    const size = t.dtype === "F32" ? 4 : 8;
    const data = new Uint8Array(t.values.length * size + (opts.storageBytesDelta ?? 0));
    const view = new DataView(data.buffer);
    t.values.forEach((x, i) => (i * size + size > data.length ? 0 : t.dtype === "F32" ? view.setFloat32(4 * i, x, true) : view.setFloat64(8 * i, x, true)));
    files[`archive/data/${k}`] = data;
  });
  p.op(0x2e);
  files["archive/data.pkl"] = new Uint8Array(p.bytes);
  return zipSync(files, { level: 0 });
}

/**
 * A tiny float64 reference evaluator of ONNX graphs, written from the ONNX operator
 * definitions and independent of src/import (it shares only the protobuf decoding): dense
 * row-major tensors with the batch axis, numpy broadcasting, and the ops of the fixtures.
 * The data path is computed in float64 (the real-valued function that the import claims);
 * arithmetic on FLOAT constants is rounded to float32, as ONNX computes it, because its
 * result is a number that the network then holds exactly. The import test compares the
 * imported .neq network with it.
 */
import { decodeOnnx, tensorValues, type OnnxNode } from "../../src/import/onnxModel.ts";

export interface Tensor {
  readonly dims: number[];
  readonly data: Float64Array;
  /** Of an integer type (shapes, indices): Div truncates. */
  readonly int?: boolean;
  /** A FLOAT tensor computed from constants only: Add, Sub, Mul, Div of two such round to float32. */
  readonly f32?: boolean;
}

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
const strides = (dims: readonly number[]) => dims.map((_, i) => size(dims.slice(i + 1)));
const unravel = (f: number, dims: readonly number[]): number[] => {
  const st = strides(dims);
  return dims.map((d, i) => Math.floor(f / st[i]!) % d);
};
const tensor = (dims: number[], fill: (idx: number[]) => number): Tensor => {
  const data = new Float64Array(size(dims));
  for (let f = 0; f < data.length; f++) data[f] = fill(unravel(f, dims));
  return { dims, data };
};
const at = (t: Tensor, idx: readonly number[]): number => {
  const st = strides(t.dims);
  return t.data[idx.reduce((s, i, k) => s + i * st[k]!, 0)]!;
};

function broadcast(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const r = Math.max(a.dims.length, b.dims.length);
  const pa = [...Array(r - a.dims.length).fill(1), ...a.dims];
  const pb = [...Array(r - b.dims.length).fill(1), ...b.dims];
  const dims = pa.map((d, i) => Math.max(d, pb[i]!));
  return tensor(dims, (idx) => f(at({ dims: pa, data: a.data }, idx.map((i, k) => (pa[k] === 1 ? 0 : i))), at({ dims: pb, data: b.data }, idx.map((i, k) => (pb[k] === 1 ? 0 : i)))));
}

function matmul(a: Tensor, b: Tensor): Tensor {
  const r = a.dims.length;
  const K = a.dims[r - 1]!;
  const lead = a.dims.slice(0, -2);
  const bLead = b.dims.length === 2 ? null : b.dims.slice(0, -2);
  const dims = [...lead, a.dims[r - 2]!, b.dims[b.dims.length - 1]!];
  return tensor(dims, (idx) => {
    const l = idx.slice(0, -2);
    let s = 0;
    for (let k = 0; k < K; k++) s += at(a, [...l, idx[r - 2]!, k]) * at(b, [...(bLead ? l : []), k, idx[r - 1]!]);
    return s;
  });
}

const ints = (n: OnnxNode, name: string): number[] | null => {
  const a = n.attributes.find((x) => x.name === name);
  return a && a.kind === "ints" ? a.ints.map(Number) : null;
};
const int = (n: OnnxNode, name: string, d: number): number => {
  const a = n.attributes.find((x) => x.name === name);
  return a && a.kind === "int" ? Number(a.i) : d;
};
const float = (n: OnnxNode, name: string, d: number): number => {
  const a = n.attributes.find((x) => x.name === name);
  return a && a.kind === "float" ? a.f : d;
};

/** Sliding windows over [N, C, H, W]: `reduce(values)` per output entry; `pad` is the value outside. */
function windows(x: Tensor, k: number[], s: number[], p: number[], channelsOut: number, entry: (n: number, o: number, taps: (c: number, a: number, b: number) => number) => number): Tensor {
  const [N, , H, W] = x.dims as [number, number, number, number];
  const oh = Math.floor((H + p[0]! + p[2]! - k[0]!) / s[0]!) + 1;
  const ow = Math.floor((W + p[1]! + p[3]! - k[1]!) / s[1]!) + 1;
  return tensor([N, channelsOut, oh, ow], ([n, o, i, j]) =>
    entry(n!, o!, (c, a, b) => {
      const y = i! * s[0]! + a - p[0]!;
      const z = j! * s[1]! + b - p[1]!;
      return y < 0 || z < 0 || y >= H || z >= W ? NaN : at(x, [n!, c, y, z]);
    }),
  );
}

const INT_TYPES = new Set([2, 3, 4, 5, 6, 7, 9, 12, 13]);
const vec = (values: number[], int = true, dims: number[] = [values.length]): Tensor => ({ dims, data: Float64Array.from(values), int });

/** Add, Sub, Mul, Div (not of integers): of two FLOAT constants rounded to float32, as ONNX computes them. */
function arith(x: Tensor, y: Tensor, f: (a: number, b: number) => number): Tensor {
  const int = !!(x.int && y.int);
  const f32 = !!(x.f32 && y.f32);
  return { ...broadcast(x, y, f32 ? (a, b) => Math.fround(f(a, b)) : f), int, f32 };
}

function op(n: OnnxNode, ins: (Tensor | null)[], opset: number): Tensor {
  const [x, y, z] = ins;
  switch (n.opType) {
    case "Constant": {
      const a = n.attributes[0]!;
      if (a.kind !== "tensor") throw new Error("reference evaluator: Constant without a tensor");
      return { dims: [...a.t.dims], data: tensorValues(a.t), int: INT_TYPES.has(a.t.dataType), f32: a.t.dataType === 1 };
    }
    case "Identity":
      return x!;
    case "Shape":
      return vec(x!.dims);
    case "Gather": {
      // axis 0 of a vector (the shapes of the fixtures)
      const idx = [...y!.data].map((i) => (i < 0 ? i + x!.dims[0]! : i));
      return vec(idx.map((i) => x!.data[i]!), x!.int, y!.dims);
    }
    case "Unsqueeze": {
      const axes = opset >= 13 ? [...y!.data] : ints(n, "axes")!;
      const r = x!.dims.length + axes.length;
      const norm = axes.map((a) => (a < 0 ? a + r : a));
      const dims: number[] = [];
      let k = 0;
      for (let a = 0; a < r; a++) dims.push(norm.includes(a) ? 1 : x!.dims[k++]!);
      return { ...x!, dims };
    }
    case "Slice": {
      // One axis of a vector, step 1 or given (the shape slices of the tests). Slice-13: negative
      // positions count from the end; forwards both clamp to [0, len]; backwards the start
      // clamps to [0, len - 1] and the end to [-1, len - 1].
      const len = x!.dims[0]!;
      const step = ins[4] ? ins[4].data[0]! : 1;
      const clamp = (p: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, p < 0 ? p + len : p));
      const start = step > 0 ? clamp(y!.data[0]!, 0, len) : clamp(y!.data[0]!, 0, len - 1);
      const end = step > 0 ? clamp(z!.data[0]!, 0, len) : clamp(z!.data[0]!, -1, len - 1);
      const out: number[] = [];
      for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(x!.data[i]!);
      return vec(out, x!.int);
    }
    case "Squeeze":
      return { ...x!, dims: x!.dims.filter((d) => d !== 1) };
    case "Concat":
      return vec((ins as Tensor[]).flatMap((t) => [...t.data]), (ins as Tensor[]).every((t) => t.int));
    case "Cast": {
      const to = int(n, "to", 1);
      if (INT_TYPES.has(to)) return vec([...x!.data].map(Math.trunc), true, x!.dims);
      const constant = !!(x!.int || x!.f32);
      return to === 1 && constant ? { dims: x!.dims, data: x!.data.map(Math.fround), int: false, f32: true } : { ...x!, int: false, f32: false };
    }
    case "ConstantOfShape":
      return { dims: [...x!.data], data: new Float64Array(size([...x!.data])), int: false };
    case "Sub":
      return arith(x!, y!, (a, b) => a - b);
    case "Mul":
      return arith(x!, y!, (a, b) => a * b);
    case "Gemm": {
      const A = x!;
      const B = int(n, "transB", 0) ? tensor([y!.dims[1]!, y!.dims[0]!], ([i, j]) => at(y!, [j!, i!])) : y!;
      const prod = matmul(A, B);
      return z ? broadcast(prod, z, (p, c) => p + c) : prod;
    }
    case "MatMul":
      return matmul(x!, y!);
    case "Add":
      return arith(x!, y!, (a, b) => a + b);
    case "Div":
      return x!.int && y!.int ? { ...broadcast(x!, y!, (a, b) => Math.trunc(a / b)), int: true } : arith(x!, y!, (a, b) => a / b);
    case "Relu":
      return { dims: x!.dims, data: x!.data.map((v) => Math.max(0, v)) };
    case "Tanh":
      return { dims: x!.dims, data: x!.data.map(Math.tanh) };
    case "Sigmoid":
      return { dims: x!.dims, data: x!.data.map((v) => 1 / (1 + Math.exp(-v))) };
    case "Conv": {
      const K = y!;
      const p = ints(n, "pads") ?? [0, 0, 0, 0];
      const s = ints(n, "strides") ?? [1, 1];
      return windows(x!, K.dims.slice(2), s, p, K.dims[0]!, (_n, o, taps) => {
        let acc = z ? z.data[o]! : 0;
        for (let c = 0; c < K.dims[1]!; c++)
          for (let a = 0; a < K.dims[2]!; a++)
            for (let b = 0; b < K.dims[3]!; b++) {
              const v = taps(c, a, b);
              if (!Number.isNaN(v)) acc += at(K, [o, c, a, b]) * v;
            }
        return acc;
      });
    }
    case "MaxPool": {
      const k = ints(n, "kernel_shape")!;
      return windows(x!, k, ints(n, "strides") ?? [1, 1], ints(n, "pads") ?? [0, 0, 0, 0], x!.dims[1]!, (_n, o, taps) => {
        let m = -Infinity;
        for (let a = 0; a < k[0]!; a++) for (let b = 0; b < k[1]!; b++) m = Math.max(m, Number.isNaN(taps(o, a, b)) ? -Infinity : taps(o, a, b));
        return m;
      });
    }
    case "GlobalAveragePool": {
      const [N, C, H, W] = x!.dims as [number, number, number, number];
      return tensor([N, C, 1, 1], ([nn, c]) => {
        let s = 0;
        for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) s += at(x!, [nn!, c!, i, j]);
        return s / (H * W);
      });
    }
    case "Flatten":
      return { dims: [x!.dims[0]!, size(x!.dims.slice(1))], data: x!.data };
    case "Reshape": {
      const target = [...y!.data].map((v, i) => (v === 0 ? x!.dims[i]! : v));
      const known = target.filter((v) => v > 0).reduce((a, b) => a * b, 1);
      return { dims: target.map((v) => (v === -1 ? x!.data.length / known : v)), data: x!.data };
    }
    case "Transpose": {
      const perm = ints(n, "perm")!;
      return tensor(perm.map((p) => x!.dims[p]!), (idx) => {
        const src = new Array<number>(perm.length);
        perm.forEach((p, k) => (src[p] = idx[k]!));
        return at(x!, src);
      });
    }
    case "BatchNormalization": {
      const [, scale, bias, mean, variance] = ins as Tensor[];
      const eps = float(n, "epsilon", 1e-5);
      return tensor(x!.dims, (idx) => {
        const c = idx[1]!;
        return ((at(x!, idx) - mean!.data[c]!) / Math.sqrt(variance!.data[c]! + eps)) * scale!.data[c]! + bias!.data[c]!;
      });
    }
    case "LayerNormalization": {
      const eps = float(n, "epsilon", 1e-5);
      const D = x!.dims[x!.dims.length - 1]!;
      const out = new Float64Array(x!.data.length);
      for (let r = 0; r < x!.data.length / D; r++) {
        const row = x!.data.subarray(r * D, (r + 1) * D);
        const mu = row.reduce((a, b) => a + b, 0) / D;
        const v = row.reduce((a, b) => a + (b - mu) ** 2, 0) / D;
        for (let d = 0; d < D; d++) out[r * D + d] = ((row[d]! - mu) / Math.sqrt(v + eps)) * y!.data[d]! + (z ? z.data[d]! : 0);
      }
      return { dims: x!.dims, data: out };
    }
    case "Softmax": {
      // Softmax-13 normalises along `axis` (default -1). Before 13 the input is read as a matrix
      // [prod(dims[:axis]), prod(dims[axis:])] (default axis 1) and its rows are normalised.
      const r = x!.dims.length;
      const raw = int(n, "axis", opset >= 13 ? -1 : 1);
      const axis = raw < 0 ? raw + r : raw;
      const [outer, D, inner] = opset >= 13 ? [size(x!.dims.slice(0, axis)), x!.dims[axis]!, size(x!.dims.slice(axis + 1))] : [size(x!.dims.slice(0, axis)), size(x!.dims.slice(axis)), 1];
      const out = new Float64Array(x!.data.length);
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          const at = (d: number) => (o * D + d) * inner + i;
          const row = Array.from({ length: D }, (_, d) => x!.data[at(d)]!);
          const m = Math.max(...row);
          const e = row.map((v) => Math.exp(v - m));
          const s = e.reduce((a, b) => a + b, 0);
          for (let d = 0; d < D; d++) out[at(d)] = e[d]! / s;
        }
      return { dims: x!.dims, data: out };
    }
    default:
      throw new Error(`reference evaluator: ${n.opType} is not implemented`);
  }
}

/** Run the graph of an ONNX file on `input` (with its batch axis). */
export function evaluateOnnx(bytes: Uint8Array, input: Tensor): Tensor {
  const m = decodeOnnx(bytes);
  const values = new Map<string, Tensor>();
  for (const t of m.initializers) values.set(t.name, { dims: [...t.dims], data: tensorValues(t), f32: t.dataType === 1 });
  values.set(m.inputs.find((i) => !values.has(i.name))!.name, input);
  for (const t of m.initializers) if (INT_TYPES.has(t.dataType)) values.set(t.name, { dims: [...t.dims], data: tensorValues(t), int: true });
  for (const n of m.nodes) values.set(n.outputs[0]!, op(n, n.inputs.map((i) => (i ? values.get(i)! : null)), m.opset!));
  return values.get(m.outputs[0]!.name)!;
}

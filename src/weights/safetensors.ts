/**
 * safetensors, read by hand: an 8-byte little-endian header length N, N bytes of JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__"?: {...} }`, then the
 * data. Checked before any value is read: N within the limit and the file, the header an
 * object, each dtype F64/F32/F16/BF16, end - begin = dtype size x entries, and the tensors
 * tile the data exactly (sorted by offset: contiguous, from 0 to the end of the file).
 * Sharded checkpoints: `*.safetensors.index.json` with a `weight_map` { name: shard file }.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DTYPE_BYTES, decodeFloats, type FloatArray } from "./floats.ts";
import { fileSize, readRange, readWhole, sha256Files } from "./file.ts";
import { WEIGHT_LIMITS } from "./limits.ts";
import { checkShape } from "./shape.ts";
import { entries, WeightFileError, type Checkpoint, type DType, type Tensor, type TensorInfo } from "./types.ts";

interface Entry extends TensorInfo {
  readonly dtype: "F64" | "F32" | "F16" | "BF16";
  readonly begin: number;
  readonly end: number;
}

const DTYPES = new Set(["F64", "F32", "F16", "BF16"]);

/** The header of one safetensors file, fully validated; `dataStart` is 8 + N. */
export function safetensorsHeader(file: string, shown = file): { entries: Entry[]; dataStart: number } {
  const size = fileSize(file, shown);
  if (size < 8) throw new WeightFileError(shown, `truncated: ${size} bytes, shorter than the 8-byte header length`);
  const n = new DataView(readRange(file, 0, 8, shown).buffer).getBigUint64(0, true);
  if (n > BigInt(WEIGHT_LIMITS.safetensorsHeaderBytes)) throw new WeightFileError(shown, `header length ${n} bytes is above the limit of ${WEIGHT_LIMITS.safetensorsHeaderBytes}`);
  const headerBytes = Number(n);
  if (8 + headerBytes > size) throw new WeightFileError(shown, `truncated: the header says ${headerBytes} bytes of JSON but the file has ${size - 8} after the length`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(readRange(file, 8, headerBytes, shown)));
  } catch (e) {
    throw new WeightFileError(shown, `the header is not valid UTF-8 JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw new WeightFileError(shown, "the header is not a JSON object");
  const dataLength = size - 8 - headerBytes;
  const list: Entry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    if (list.length >= WEIGHT_LIMITS.tensors) throw new WeightFileError(shown, `more than ${WEIGHT_LIMITS.tensors} tensors`);
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== "object" || e === null) throw new WeightFileError(shown, `tensor ${name}: its header entry is not an object`);
    if (typeof e.dtype !== "string" || !DTYPES.has(e.dtype)) throw new WeightFileError(shown, `tensor ${name}: dtype ${JSON.stringify(e.dtype)} is not supported (F64, F32, F16 or BF16)`);
    const dtype = e.dtype as Entry["dtype"];
    const shape = checkShape(e.shape, shown, name);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => Number.isSafeInteger(x) && x >= 0) || off[0] > off[1])
      throw new WeightFileError(shown, `tensor ${name}: data_offsets ${JSON.stringify(off)} is not [begin, end] with 0 <= begin <= end`);
    const [begin, end] = off as [number, number];
    if (end > dataLength) throw new WeightFileError(shown, `tensor ${name}: data_offsets [${begin}, ${end}] go past the end of the data (${dataLength} bytes)`);
    const want = entries(shape) * DTYPE_BYTES[dtype];
    if (end - begin !== want) throw new WeightFileError(shown, `tensor ${name}: ${end - begin} bytes of data, but ${dtype} [${shape.join(", ")}] needs ${want}`);
    list.push({ name, dtype, shape, begin, end });
  }
  // The tensors must tile the data: no overlap (aliasing), no hidden gaps, nothing after.
  const sorted = [...list].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const t of sorted) {
    if (t.begin !== at) throw new WeightFileError(shown, `tensor ${t.name}: data starts at ${t.begin}, expected ${at} (tensors must be contiguous, without gaps or overlaps)`);
    at = t.end;
  }
  if (at !== dataLength) throw new WeightFileError(shown, `${dataLength - at} bytes after the last tensor's data (the data must end where the last tensor ends)`);
  return { entries: list, dataStart: 8 + headerBytes };
}

/** Open a safetensors file; values are read per tensor, on demand. */
export function readSafetensors(file: string, shown = file): Checkpoint {
  const { entries: list, dataStart } = safetensorsHeader(file, shown);
  const byName = new Map(list.map((e) => [e.name, e]));
  return {
    file: shown,
    format: "safetensors",
    sha256: sha256Files([file]),
    tensors: list.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
    read: (name) => readEntry(file, shown, dataStart, byName.get(name), name),
  };
}

function readEntry(file: string, shown: string, dataStart: number, e: Entry | undefined, name: string): Tensor {
  if (!e) throw new WeightFileError(shown, `no tensor ${name}`);
  const bytes = readRange(file, dataStart + e.begin, e.end - e.begin, shown);
  return { name: e.name, shape: e.shape, dtype: e.dtype, values: decodeFloats(bytes, e.dtype, entries(e.shape), shown, e.name) };
}

/**
 * Open a sharded checkpoint from its index file: every shard is a file name in the index's
 * folder (no paths: an index cannot point elsewhere), every tensor of the weight map is in its
 * shard and every tensor of a shard is in the weight map.
 */
export function readSafetensorsIndex(indexFile: string, shown = indexFile): Checkpoint {
  let index: unknown;
  try {
    index = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(readWhole(indexFile, WEIGHT_LIMITS.safetensorsHeaderBytes, "safetensors index", shown)));
  } catch (e) {
    if (e instanceof WeightFileError) throw e;
    throw new WeightFileError(shown, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const map = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== "object" || map === null || Array.isArray(map)) throw new WeightFileError(shown, "no weight_map object (a sharded safetensors index maps each tensor name to its shard file)");
  const shardOf = new Map<string, string>();
  for (const [name, shard] of Object.entries(map)) {
    if (typeof shard !== "string" || shard !== path.basename(shard) || shard === "." || shard === ".." || shard === "")
      throw new WeightFileError(shown, `tensor ${name}: shard ${JSON.stringify(shard)} is not a file name in the index's folder`);
    shardOf.set(name, shard);
  }
  const shards = [...new Set(shardOf.values())].sort();
  if (shards.length > WEIGHT_LIMITS.shards) throw new WeightFileError(shown, `${shards.length} shards (at most ${WEIGHT_LIMITS.shards})`);
  const dir = path.dirname(indexFile);
  const opened = new Map<string, { entries: Map<string, Entry>; dataStart: number; file: string; shown: string }>();
  for (const s of shards) {
    const f = path.join(dir, s);
    const sShown = path.join(path.dirname(shown), s);
    const h = safetensorsHeader(f, sShown);
    for (const e of h.entries) if (shardOf.get(e.name) !== s) throw new WeightFileError(sShown, `tensor ${e.name} is in this shard but the index ${shown} ${shardOf.has(e.name) ? `puts it in ${shardOf.get(e.name)}` : "does not list it"}`);
    opened.set(s, { entries: new Map(h.entries.map((e) => [e.name, e])), dataStart: h.dataStart, file: f, shown: sShown });
  }
  const tensors: TensorInfo[] = [];
  for (const [name, s] of shardOf) {
    const e = opened.get(s)!.entries.get(name);
    if (!e) throw new WeightFileError(shown, `tensor ${name}: the index puts it in ${s}, which has no such tensor`);
    tensors.push({ name, shape: e.shape, dtype: e.dtype });
  }
  return {
    file: shown,
    format: "safetensors",
    sha256: sha256Files([indexFile, ...shards.map((s) => path.join(dir, s))]),
    tensors,
    read: (name) => {
      const s = opened.get(shardOf.get(name) ?? "");
      if (!s) throw new WeightFileError(shown, `no tensor ${name}`);
      return readEntry(s.file, s.shown, s.dataStart, s.entries.get(name), name);
    },
  };
}

/** A tensor to write: its header entry, and its little-endian bytes produced when written. */
export interface TensorToWrite {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: Exclude<DType, "decimal">;
  readonly bytes: () => Uint8Array;
}

/** The header image (8-byte length, then JSON padded with spaces to a multiple of 8, as the reference writer does). */
function headerImage(tensors: readonly Omit<TensorToWrite, "bytes">[], metadata?: Record<string, string>): { head: Uint8Array; size: number } {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let at = 0;
  for (const t of tensors) {
    const size = DTYPE_BYTES[t.dtype] * entries(t.shape);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + size] };
    at += size;
  }
  const raw = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(8 + raw.length + ((8 - (raw.length % 8)) % 8)).fill(0x20);
  new DataView(head.buffer).setBigUint64(0, BigInt(head.length - 8), true);
  head.set(raw, 8);
  return { head, size: head.length + at };
}

const checked = (t: TensorToWrite): Uint8Array => {
  const b = t.bytes();
  if (b.length !== DTYPE_BYTES[t.dtype] * entries(t.shape)) throw new Error(`internal: tensor ${t.name}: ${b.length} bytes for ${t.dtype} [${t.shape.join(", ")}]`);
  return b;
};

/**
 * Write a safetensors file tensor by tensor: each tensor's bytes are produced, written and
 * dropped before the next, so the file is never held whole. Throws the fs error on failure.
 */
export function writeSafetensors(file: string, tensors: readonly TensorToWrite[], metadata?: Record<string, string>): void {
  const fd = fs.openSync(file, "w");
  try {
    const writeAll = (b: Uint8Array) => {
      for (let done = 0; done < b.length; ) done += fs.writeSync(fd, b, done, b.length - done);
    };
    writeAll(headerImage(tensors, metadata).head);
    for (const t of tensors) writeAll(checked(t));
  } finally {
    fs.closeSync(fd);
  }
}

/** The little-endian bytes of `values` as F64 or F32 (the caller checks that F32 rounds nothing). */
export function floatBytes(values: FloatArray, dtype: "F64" | "F32"): Uint8Array {
  const out = dtype === "F64" ? Float64Array.from(values) : Float32Array.from(values);
  if (!LITTLE_ENDIAN) {
    const view = new DataView(out.buffer);
    out.forEach((x, i) => (dtype === "F64" ? view.setFloat64(8 * i, x, true) : view.setFloat32(4 * i, x, true)));
  }
  return new Uint8Array(out.buffer);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A safetensors file's bytes for `tensors` in the given order (F32 where every value of a
 * tensor is a float32, else F64: nothing is rounded). Tensors with non-float values (`exact`
 * decimals) are refused by the caller before this. Held whole: `writeSafetensors` streams.
 */
export function encodeSafetensors(tensors: readonly { name: string; shape: readonly number[]; values: FloatArray; dtype: "F64" | "F32" }[], metadata?: Record<string, string>): Uint8Array {
  const list = tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, bytes: () => floatBytes(t.values, t.dtype) }));
  const { head, size } = headerImage(list, metadata);
  const out = new Uint8Array(size);
  out.set(head);
  let p = head.length;
  for (const t of list) {
    const b = checked(t);
    out.set(b, p);
    p += b.length;
  }
  return out;
}

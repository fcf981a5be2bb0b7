/**
 * PyTorch zip checkpoints (torch.save since 1.6): `<prefix>/data.pkl` (the pickled state dict,
 * read by the restricted unpickler), `<prefix>/data/<key>` (raw storages, little-endian) and
 * optionally `<prefix>/byteorder`. Nested dicts are flattened with "." ({"model": {"fc.weight"}}
 * gives "model.fc.weight"); numbers and strings beside the tensors (an epoch) are left out.
 */
import { DTYPE_BYTES, decodeFloats } from "./floats.ts";
import { readWhole, sha256Files } from "./file.ts";
import { WEIGHT_LIMITS } from "./limits.ts";
import { STORAGE_DTYPES, unpickle, type PyValue } from "./pickle.ts";
import { checkShape } from "./shape.ts";
import { entries, WeightFileError, type Checkpoint, type Tensor, type TensorInfo } from "./types.ts";
import { openZip } from "./zip.ts";

type TensorValue = Extract<PyValue, { k: "tensor" }>;

/** Open a .pt / .pth / .bin zip checkpoint. */
export function readPt(file: string, shown = file): Checkpoint {
  const bytes = readWhole(file, 4 * WEIGHT_LIMITS.zipMemberBytes, ".pt file", shown);
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new WeightFileError(shown, "not a zip checkpoint (torch.save's legacy non-zip format and TorchScript archives are not supported)");
  const zip = openZip(bytes, shown);
  const pkl = [...zip.members.keys()].filter((m) => /^[^/]+\/data\.pkl$/.test(m));
  if (pkl.length !== 1) throw new WeightFileError(shown, pkl.length ? `${pkl.length} data.pkl members` : "no <name>/data.pkl member: not a torch.save checkpoint");
  const prefix = pkl[0]!.slice(0, -"data.pkl".length);
  if (zip.members.has(`${prefix}byteorder`)) {
    const order = new TextDecoder().decode(zip.member(`${prefix}byteorder`));
    if (order !== "little") throw new WeightFileError(shown, `byteorder ${JSON.stringify(order)} is not supported (little)`);
  }
  if (zip.members.get(pkl[0]!)! > WEIGHT_LIMITS.pickleBytes) throw new WeightFileError(shown, `data.pkl of ${zip.members.get(pkl[0]!)} bytes (at most ${WEIGHT_LIMITS.pickleBytes})`);
  const root = unpickle(zip.member(pkl[0]!), shown);
  const found = new Map<string, TensorValue>();
  flatten(root, "", found, shown);
  const tensors: TensorInfo[] = [];
  for (const [name, t] of found) {
    const storage = t.storage as Extract<PyValue, { k: "storage" }>;
    tensors.push({ name, shape: checkShape(t.size, shown, name), dtype: STORAGE_DTYPES[storage.type]! });
  }
  const storages = new Map<string, Uint8Array>();
  return {
    file: shown,
    format: "pt",
    sha256: sha256Files([file]),
    tensors,
    read: (name) => {
      const t = found.get(name);
      if (!t) throw new WeightFileError(shown, `no tensor ${name}`);
      const s = t.storage as Extract<PyValue, { k: "storage" }>;
      let data = storages.get(s.key);
      if (!data) {
        const member = `${prefix}data/${s.key}`;
        if (!zip.members.has(member)) throw new WeightFileError(shown, `tensor ${name}: its storage ${member} is missing`);
        data = zip.member(member);
        storages.set(s.key, data);
      }
      return materialise(name, t, s, data, shown);
    },
  };
}

function flatten(v: PyValue, prefix: string, out: Map<string, TensorValue>, shown: string): void {
  if (typeof v !== "object" || v === null || !("k" in v) || v.k !== "dict") {
    if (prefix === "") throw new WeightFileError(shown, "the pickled object is not a dict of tensors (a state dict)");
    return;
  }
  for (const [key, value] of v.entries) {
    if (typeof key !== "string") throw new WeightFileError(shown, `a state dict key is not a string: ${String(key)}`);
    const name = prefix + key;
    if (typeof value === "object" && value !== null && "k" in value && value.k === "tensor") {
      if (out.has(name)) throw new WeightFileError(shown, `tensor ${name} appears twice`);
      out.set(name, value);
    } else if (typeof value === "object" && value !== null && "k" in value && value.k === "dict") flatten(value, `${name}.`, out, shown);
  }
}

/** The tensor's values, row-major, gathered through its offset and strides (each index checked). */
function materialise(name: string, t: TensorValue, s: Extract<PyValue, { k: "storage" }>, data: Uint8Array, shown: string): Tensor {
  const dtype = STORAGE_DTYPES[s.type]!;
  const size = DTYPE_BYTES[dtype];
  if (data.length !== s.numel * size) throw new WeightFileError(shown, `tensor ${name}: storage ${s.key} has ${data.length} bytes, but ${s.numel} ${dtype} values need ${s.numel * size}`);
  const shape = checkShape(t.size, shown, name);
  const count = entries(shape);
  if (t.offset < 0 || t.stride.some((x) => x < 0)) throw new WeightFileError(shown, `tensor ${name}: negative offset or stride`);
  const last = t.offset + shape.reduce((acc, d, i) => acc + (d > 0 ? (d - 1) * t.stride[i]! : 0), 0);
  if (count > 0 && last >= s.numel) throw new WeightFileError(shown, `tensor ${name}: offset ${t.offset}, shape [${shape.join(", ")}] and strides [${t.stride.join(", ")}] reach entry ${last} of a storage of ${s.numel}`);
  const all = decodeFloats(data, dtype, s.numel, shown, name);
  const values = all instanceof Float64Array ? new Float64Array(count) : new Float32Array(count);
  const idx = new Array<number>(shape.length).fill(0);
  for (let r = 0; r < count; r++) {
    let at = t.offset;
    for (let a = 0; a < shape.length; a++) at += idx[a]! * t.stride[a]!;
    values[r] = all[at]!;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a]! < shape[a]!) break;
      idx[a] = 0;
    }
  }
  return { name, shape, dtype, values };
}

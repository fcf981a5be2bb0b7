/** NumPy .npz: a zip archive of `name.npy` members (np.savez, compressed or not). */
import { readWhole, sha256Files } from "./file.ts";
import { WEIGHT_LIMITS } from "./limits.ts";
import { parseNpy } from "./npy.ts";
import { WeightFileError, type Checkpoint, type Tensor, type TensorInfo } from "./types.ts";
import { openZip } from "./zip.ts";

/** Open an .npz file; each member `x.npy` is the tensor `x`. Headers are read at once, values on demand. */
export function readNpz(file: string, shown = file): Checkpoint {
  const bytes = readWhole(file, 4 * WEIGHT_LIMITS.zipMemberBytes, ".npz file", shown);
  const zip = openZip(bytes, shown);
  if (zip.members.size > WEIGHT_LIMITS.tensors) throw new WeightFileError(shown, `${zip.members.size} members (at most ${WEIGHT_LIMITS.tensors})`);
  const tensors: TensorInfo[] = [];
  const cache = new Map<string, Tensor>();
  for (const member of zip.members.keys()) {
    if (!member.endsWith(".npy")) throw new WeightFileError(shown, `member ${member} is not a .npy array (an .npz holds only name.npy members)`);
    const name = member.slice(0, -4);
    // Parsing validates the header and the data length of every member up front.
    const t = parseNpy(zip.member(member), name, shown);
    tensors.push({ name, shape: t.shape, dtype: t.dtype });
    cache.set(name, t);
  }
  return {
    file: shown,
    format: "npz",
    sha256: sha256Files([file]),
    tensors,
    read: (name) => {
      const t = cache.get(name);
      if (!t) throw new WeightFileError(shown, `no tensor ${name}`);
      return t;
    },
  };
}

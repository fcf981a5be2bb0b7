/**
 * Limits on weight files, checked before the work they bound (allocation, decompression,
 * unpickling), so a hostile file is refused with a message instead of exhausting memory.
 */
import { LIMITS } from "../limits.ts";

export const WEIGHT_LIMITS = {
  /** Bytes of a safetensors JSON header (the format's own reference reader uses 100 MB). */
  safetensorsHeaderBytes: 100_000_000,
  /** Tensors in one file. */
  tensors: 100_000,
  /**
   * Entries of one tensor: as many as the parameters of one network (src/limits.ts), 1 GB as
   * float32. A file must also hold the bytes its shapes claim, so no header can make a reader
   * allocate more than the file's size (times 2 for F16/BF16, which are decoded to float32).
   */
  tensorEntries: LIMITS.parameters,
  /** Axes of one tensor. */
  rank: 16,
  /** Bytes of a .npy header. */
  npyHeaderBytes: 1_000_000,
  /** Bytes of a JSON weight file. */
  jsonBytes: 256_000_000,
  /** Characters of one exact number written as a string ("p/q") in a JSON weight file or a g.json. */
  exactStringChars: 20_000,
  /**
   * Work of reading the long exact numbers of one file: the sum of len^2 over number texts of
   * more than 1,000 characters (normalising p/q is a gcd, quadratic in the digits: 20,000
   * digits take about 0.16 s; later exact steps on such numbers cost several times more).
   * 4 x 10^9 is about 1.6 s of reading.
   */
  exactTextWork: 4e9,
  /** Bytes of one member of a zip archive (.npz, .pt) once decompressed. */
  zipMemberBytes: 1_000_000_000,
  /** Bytes of a pickle (data.pkl of a .pt checkpoint). */
  pickleBytes: 64_000_000,
  /** Bytes of an .onnx file read for its initializers (read whole; protobuf's own limit is 2 GB). */
  onnxBytes: 2_000_000_000,
  /** Shards of a sharded safetensors checkpoint. */
  shards: 10_000,
} as const;

/** The running cost of one file's long exact numbers, against WEIGHT_LIMITS.exactTextWork. */
export class ExactTextBudget {
  private used = 0;
  /** Count a number text of `chars` characters; false once the file's budget is spent. */
  spend(chars: number): boolean {
    if (chars > 1000) this.used += chars * chars;
    return this.used <= WEIGHT_LIMITS.exactTextWork;
  }
  static readonly refusal = `its long exact numbers together are too costly to read (the sum of the squares of the lengths of those above 1,000 characters exceeds ${WEIGHT_LIMITS.exactTextWork.toExponential(0)})`;
}

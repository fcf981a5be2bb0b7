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
  /** Characters of one exact number written as a string ("p/q") in a JSON weight file. */
  exactStringChars: 20_000,
  /** Bytes of one member of a zip archive (.npz, .pt) once decompressed. */
  zipMemberBytes: 1_000_000_000,
  /** Bytes of a pickle (data.pkl of a .pt checkpoint). */
  pickleBytes: 64_000_000,
  /** Bytes of an .onnx file read for its initializers (read whole; protobuf's own limit is 2 GB). */
  onnxBytes: 2_000_000_000,
  /** Shards of a sharded safetensors checkpoint. */
  shards: 10_000,
} as const;

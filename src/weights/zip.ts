/**
 * Zip archives (.npz, .pt) through fflate: members listed from the central directory, each
 * decompressed only when asked for and only after its declared size is checked.
 */
import { unzipSync } from "fflate";
import { WEIGHT_LIMITS } from "./limits.ts";
import { WeightFileError } from "./types.ts";

/** A zip archive's member names with their declared sizes, and a reader of one member. */
export interface Zip {
  readonly members: ReadonlyMap<string, number>;
  member(name: string): Uint8Array;
}

/** Open the zip image `bytes`; `shown` names the file in messages. */
export function openZip(bytes: Uint8Array, shown: string): Zip {
  const members = new Map<string, number>();
  try {
    // A filter that keeps nothing lists the central directory without decompressing.
    unzipSync(bytes, {
      filter: (f) => {
        members.set(f.name, f.originalSize);
        return false;
      },
    });
  } catch (e) {
    throw new WeightFileError(shown, `not a readable zip archive (${e instanceof Error ? e.message : String(e)})`);
  }
  return {
    members,
    member: (name) => {
      const size = members.get(name);
      if (size === undefined) throw new WeightFileError(shown, `the archive has no member ${name}`);
      if (size > WEIGHT_LIMITS.zipMemberBytes) throw new WeightFileError(shown, `member ${name} would decompress to ${size} bytes (at most ${WEIGHT_LIMITS.zipMemberBytes})`);
      let out: Record<string, Uint8Array>;
      try {
        out = unzipSync(bytes, { filter: (f) => f.name === name });
      } catch (e) {
        throw new WeightFileError(shown, `member ${name} cannot be decompressed (${e instanceof Error ? e.message : String(e)})`);
      }
      const data = out[name];
      if (!data) throw new WeightFileError(shown, `member ${name} cannot be read`);
      if (data.length !== size) throw new WeightFileError(shown, `member ${name}: ${data.length} bytes, but the archive declares ${size}`);
      return data;
    },
  };
}

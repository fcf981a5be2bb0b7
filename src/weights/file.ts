/** Reading weight files from disk: whole, in ranges, and hashing them without holding them. */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { WeightFileError } from "./types.ts";

const why = (e: unknown): string => {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  return code ?? String(e);
};

/** Size of a regular file; a folder, device or pipe is refused (never waited on). */
export function fileSize(file: string, shown = file): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new WeightFileError(shown, `cannot read: ${why(e)}`);
  }
  if (st.isDirectory()) throw new WeightFileError(shown, "cannot read: it is a folder");
  if (!st.isFile()) throw new WeightFileError(shown, "cannot read: not a regular file");
  return st.size;
}

/** `length` bytes at `position`; a short read (the file shrank) is an error. */
export function readRange(file: string, position: number, length: number, shown = file): Uint8Array {
  const out = new Uint8Array(length);
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (e) {
    throw new WeightFileError(shown, `cannot read: ${why(e)}`);
  }
  try {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, out, done, length - done, position + done);
      if (n === 0) throw new WeightFileError(shown, `truncated: expected ${length} bytes at offset ${position}, found ${done}`);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

/** The whole file (after checking its size against `limit`). */
export function readWhole(file: string, limit: number, what: string, shown = file): Uint8Array {
  const size = fileSize(file, shown);
  if (size > limit) throw new WeightFileError(shown, `${size} bytes; a ${what} may have at most ${limit}`);
  return readRange(file, 0, size, shown);
}

/** Hex SHA-256 of the files' bytes in order, read in 4 MiB chunks. */
export function sha256Files(files: readonly string[]): string {
  const h = createHash("sha256");
  const chunk = new Uint8Array(4 << 20);
  for (const f of files) {
    const fd = fs.openSync(f, "r");
    try {
      for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0; ) h.update(chunk.subarray(0, n));
    } finally {
      fs.closeSync(fd);
    }
  }
  return h.digest("hex");
}

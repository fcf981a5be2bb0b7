/**
 * The persistent cache of discharged obligations. Only proofs are cached (an unsat answer
 * whose core contains the goal): they stay valid whatever the seed or time limit. The key
 * is the obligation's canonical hash (obligations/canonical.ts), the Z3 version and the
 * cache format; entries are written to a temporary file and renamed into place, so an
 * interrupted run never leaves a half-written entry, and unreadable entries are ignored.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";

/** Bump when the meaning of cached entries or of canonical forms changes. */
const FORMAT = "v2";

export interface CacheEntry {
  /** Positions (in the obligation's tracked list) of the assumptions the proof used. */
  readonly core: readonly number[];
}

export class ObligationCache {
  private readonly dir: string | null;

  /** `root` null disables the cache. */
  constructor(root: string | null, z3Version: string) {
    this.dir = root === null ? null : path.join(root, FORMAT, z3Version.replace(/[^A-Za-z0-9.]+/g, "_"));
  }

  get enabled(): boolean {
    return this.dir !== null;
  }

  private file(hash: string): string {
    return path.join(this.dir!, hash.slice(0, 2), `${hash}.json`);
  }

  get(hash: string): CacheEntry | null {
    if (!this.dir) return null;
    try {
      const e = JSON.parse(fs.readFileSync(this.file(hash), "utf8")) as unknown;
      if (e && typeof e === "object" && Array.isArray((e as CacheEntry).core) && (e as CacheEntry).core.every((x) => Number.isInteger(x) && x >= 0)) return e as CacheEntry;
    } catch {
      // Missing or unreadable: not cached.
    }
    return null;
  }

  put(hash: string, entry: CacheEntry): void {
    if (this.dir) writeAtomically(this.file(hash), JSON.stringify(entry));
  }

  /** Remove every entry under `root` (all versions and formats). */
  static clear(root: string): void {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Write `text` to `target` through a temporary file renamed into place, so an interrupted
 * run never leaves a half-written entry. A cache that cannot be written only costs time.
 */
export function writeAtomically(target: string, text: string): void {
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, target);
  } catch {
    // Unwritable: the entry is simply not cached.
  }
}

/**
 * Choosing the claims a run checks: `--filter <pattern>` (repeatable) and `--shard k/n`.
 *
 * A pattern matches a claim when it occurs in the claim's name or in its file's path; `*`
 * stands for any characters. Shard k of n (1-based) holds the claims whose hash of
 * (file path relative to the working folder, with `/`, and claim name) is k - 1 modulo n,
 * so n jobs with the same files cover every claim exactly once, whatever the machine,
 * the order of files or the other claims.
 *
 * @example
 *   shardOf("proofs/01_permutation.neq", "depth1", 4)   // a number in 0..3, always the same
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { Options } from "../options.ts";

/** The shard (0-based) of a claim: the first 6 bytes of SHA-256 of `file\0claim`, modulo `count`. */
export function shardOf(file: string, claim: string, count: number): number {
  const digest = createHash("sha256").update(`${file}\0${claim}`).digest();
  return digest.readUIntBE(0, 6) % count;
}

/** Whether a `--filter` pattern matches a claim (its name or its file's path). */
export function filterMatches(pattern: string, file: string, claim: string): boolean {
  const re = new RegExp(pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*"));
  return re.test(claim) || re.test(file);
}

/** A claim predicate for `check`, and the number of claims the filters matched (before sharding). */
export function claimSelector(
  filter: readonly string[],
  shard: Options["shard"],
  cwd: string,
): { select: (file: string, claim: string) => boolean; selects: (file: string, claim: string) => boolean; matched: () => number } {
  let matched = 0;
  const relative = (file: string) => path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join("/");
  const filtered = (rel: string, claim: string) => filter.length === 0 || filter.some((p) => filterMatches(p, rel, claim));
  const inShard = (rel: string, claim: string) => shard === null || shardOf(rel, claim, shard.count) === shard.index - 1;
  /** For `check`: counts the claims the filters matched. */
  const select = (file: string, claim: string): boolean => {
    const rel = relative(file);
    if (!filtered(rel, claim)) return false;
    matched++;
    return inShard(rel, claim);
  };
  /** The same choice, without counting. */
  const selects = (file: string, claim: string): boolean => filtered(relative(file), claim) && inShard(relative(file), claim);
  return { select, selects, matched: () => matched };
}

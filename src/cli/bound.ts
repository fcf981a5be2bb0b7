/**
 * `neteq bound`: arrives with the covering library.
 */
import type { Io } from "./main.ts";

export async function boundCommand(_args: readonly string[], io: Io): Promise<number> {
  io.stderr("neteq: bound is not available yet\n");
  return 2;
}

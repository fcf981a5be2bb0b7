/**
 * The repository's root folder (package.json, src/std, src/cli/usage.txt, ...), for the files
 * neteq reads at run time. Run from the sources, it is found from this module's location;
 * run from the bundle (src/cli/bundle.mjs), `bin.mjs` sets `globalThis.__neteqRoot` before the
 * bundle loads, since the bundle lives elsewhere.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT: string = (globalThis as { __neteqRoot?: string }).__neteqRoot ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** A path under the root, from its parts ("src", "std"). */
export const fromRoot = (...parts: string[]): string => path.join(ROOT, ...parts);

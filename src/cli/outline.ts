/**
 * `neteq outline <file>`: the file's declarations (and its imports') as JSON, for editors:
 * `{ "file", "declarations": [ { "kind", "name", "file", "line", "column", "endLine",
 * "endColumn", "detail" } ] }`. Input errors do not stop it: what could be read is listed.
 */
import * as path from "node:path";
import { readFileOrNull } from "../check.ts";
import { outline } from "../outline.ts";
import type { Io } from "./main.ts";

export function outlineCommand(args: readonly string[], io: Io): number {
  if (args.length !== 1 || args[0]!.startsWith("-")) {
    io.stderr("neteq: error CLI003: outline takes one file: neteq outline <file>\n");
    return 2;
  }
  const file = args[0]!;
  const text = readFileOrNull(path.resolve(io.cwd, file));
  if (typeof text !== "string") {
    io.stderr(`neteq: error CLI001: cannot read ${file}: no such file\n`);
    return 2;
  }
  io.stdout(JSON.stringify(outline(file, text, (f) => readFileOrNull(path.resolve(io.cwd, f))), null, 2) + "\n");
  return 0;
}

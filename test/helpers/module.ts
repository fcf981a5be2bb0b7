/** Elaborating proof text in tests. */
import * as fs from "node:fs";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import type { Module } from "../../src/elaborate/types.ts";
import { load } from "../../src/syntax/load.ts";

const readOrNull = (f: string): string | null => {
  try {
    return fs.readFileSync(f, "utf8");
  } catch {
    return null;
  }
};

/** Elaborate `text` as file `t.neq` (imports resolve from the current directory and std/). */
export function module(text: string, file = "t.neq"): Module {
  return elaborate(load(file, text, readOrNull));
}

/** The codes of the module's diagnostics. */
export const codes = (m: Module): string[] => m.diagnostics.map((d) => d.code);

/**
 * Loading: read a proof file and, transitively, the files it imports; parse each once.
 *
 * Import paths are relative to the importing file; a path starting with `std/` names the
 * standard library shipped in src/std/.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "./parse.ts";
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Program } from "./types.ts";

/** Reads a file's text, or returns null when it cannot. */
export type ReadFile = (file: string) => string | null;

/** Where `std/...` imports resolve. */
export const STD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "std");

/** A parsed file with the files it imports. */
export interface Loaded {
  /** Programs in dependency order: every file comes after the files it imports; root last. */
  readonly programs: readonly Program[];
  readonly sources: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Resolve an import path as written in `from`. */
export function resolveImport(from: string, written: string): string {
  if (written.startsWith("std/")) return path.join(STD_DIR, written.slice(4));
  return path.join(path.dirname(from), written);
}

/**
 * Load `file` (already read as `text`) and its imports.
 *
 * @example load("a.neq", "import \"std/activations.neq\"", readFileOrNull)
 */
export function load(file: string, text: string, read: ReadFile): Loaded {
  const programs: Program[] = [];
  const sources = new Map<string, string>([[file, text]]);
  const diagnostics: Diagnostic[] = [];
  const done = new Set<string>();
  const active: string[] = [];

  const visit = (name: string, source: string): void => {
    active.push(name);
    const parsed = parse(source, name);
    diagnostics.push(...parsed.diagnostics);
    for (const d of parsed.program.decls) {
      if (d.kind !== "import") continue;
      const target = resolveImport(name, d.path);
      if (active.includes(target)) {
        diagnostics.push(error("ELB011", d.span, `importing "${d.path}" closes a cycle: ${[...active.slice(active.indexOf(target)), target].map((f) => path.basename(f)).join(" -> ")}`));
        continue;
      }
      if (done.has(target)) continue;
      const t = read(target);
      if (t === null) {
        diagnostics.push(error("ELB010", d.span, `cannot read "${d.path}" (looked for ${target})`));
        continue;
      }
      sources.set(target, t);
      visit(target, t);
    }
    done.add(name);
    programs.push(parsed.program);
    active.pop();
  };
  visit(file, text);
  return { programs, sources, diagnostics };
}

/**
 * Loading: read a proof file and, transitively, the files it imports; parse each once.
 *
 * Import paths are relative to the importing file, or absolute; a path starting with `std/`
 * names the standard library shipped in src/std/ and must stay inside it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "./parse.ts";
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { LIMITS } from "../limits.ts";
import type { Program } from "./types.ts";
import { fromRoot } from "../root.ts";

/** Why a file was not read: it does not exist, is not a regular file (or unreadable), or is too large. */
export interface ReadProblem {
  readonly problem: "missing" | "not-regular" | "too-large";
  readonly message: string;
}

/** Reads a file's text, or returns null (or why, see `readSource`) when it cannot. */
export type ReadFile = (file: string) => string | null | ReadProblem;

const why = (e: unknown): string => {
  const code = (e as { code?: string }).code;
  return code === "ENOENT" ? "no such file (or a dangling link)" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ELOOP" ? "a loop of symbolic links" : code === "EISDIR" ? "a folder" : code ?? String(e);
};

/**
 * Read a proof file safely: only a regular file (links followed), at most `LIMITS.fileBytes`
 * bytes, checked with stat before reading, so that a named pipe, a device or a huge file
 * never blocks or fills the memory.
 *
 * @example readSource("proofs/01_permutation.neq") // the text
 */
export function readSource(file: string): string | ReadProblem {
  let fd: number;
  try {
    // O_NONBLOCK: opening a named pipe without a writer must not wait.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return { problem: (e as { code?: string }).code === "ENOENT" ? "missing" : "not-regular", message: why(e) };
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) return { problem: "not-regular", message: "a folder, not a file" };
    if (!st.isFile()) return { problem: "not-regular", message: "not a regular file (a device, a named pipe or a socket)" };
    if (st.size > LIMITS.fileBytes) return { problem: "too-large", message: `${st.size} bytes; proof files may have at most ${LIMITS.fileBytes}` };
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < st.size) {
      const k = fs.readSync(fd, buf, n, st.size - n, n);
      if (k === 0) break;
      n += k;
    }
    return buf.subarray(0, n).toString("utf8");
  } catch (e) {
    return { problem: "not-regular", message: why(e) };
  } finally {
    fs.closeSync(fd);
  }
}

/** Where `std/...` imports resolve. */
export const STD_DIR = fromRoot("src", "std");

/** A parsed file with the files it imports. */
export interface Loaded {
  /** Programs in dependency order: every file comes after the files it imports; root last. */
  readonly programs: readonly Program[];
  readonly sources: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Resolve an import path as written in `from`: `std/...` in the standard library (null when
 * `..` would leave it), an absolute path as it is, anything else relative to `from`'s folder.
 */
export function resolveImport(from: string, written: string): string | null {
  if (written.startsWith("std/")) {
    const target = path.join(STD_DIR, written.slice(4));
    return target.startsWith(STD_DIR + path.sep) ? target : null;
  }
  if (path.isAbsolute(written)) return path.normalize(written);
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
      if (target === null) {
        diagnostics.push(error("ELB024", d.span, `"${d.path}" leaves the standard library folder; std/ imports name files inside it, such as "std/activations.neq"`));
        continue;
      }
      if (active.includes(target)) {
        diagnostics.push(error("ELB011", d.span, `importing "${d.path}" closes a cycle: ${[...active.slice(active.indexOf(target)), target].map((f) => path.basename(f)).join(" -> ")}`));
        continue;
      }
      if (done.has(target)) continue;
      const t = read(target);
      if (t === null || typeof t !== "string") {
        if (t?.problem === "too-large") diagnostics.push(error("ELB026", d.span, `cannot import "${d.path}": ${t.message}`));
        else if (t?.problem === "not-regular") diagnostics.push(error("ELB025", d.span, `cannot import "${d.path}": ${t.message}`));
        else diagnostics.push(error("ELB010", d.span, `cannot read "${d.path}" (looked for ${target})`));
        continue;
      }
      if (active.length >= LIMITS.definitionDepth) {
        diagnostics.push(error("ELB031", d.span, `imports nest more than ${LIMITS.definitionDepth} files deep here (each file imports the next)`));
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

/**
 * Collecting `.neq` files from the paths given on the command line, and reading them.
 *
 * Nothing here throws on a bad file system entry: unreadable files and folders (EACCES),
 * loops of symbolic links (ELOOP), dangling links, devices and named pipes become CLI005
 * diagnostics naming the path, files above the size limit CLI006.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { noSpan } from "../diagnostics/span.ts";
import { readSource } from "../syntax/load.ts";

const CLI = noSpan("<command line>");

const reason = (e: unknown): string => {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT") return "no such file or directory (or a dangling link)";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ELOOP") return "a loop of symbolic links";
  return code ?? String(e);
};

/** Files under `paths` (directories recursively, sorted), minus those under `exclude`. */
export function collect(paths: readonly string[], exclude: readonly string[], cwd: string): { files: string[]; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const out: string[] = [];
  const skip = exclude.map((e) => path.resolve(cwd, e));
  const excluded = (p: string) => skip.some((s) => p === s || p.startsWith(s + path.sep));
  // Real paths of the folders being walked: a link back to an enclosing folder is a loop.
  const walking = new Set<string>();
  const walk = (abs: string, shown: string, given: boolean) => {
    if (excluded(abs)) return;
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (given && code === "ENOENT" && !isLink(abs)) diags.push(error("CLI001", CLI, `cannot read ${shown}: no such file or directory`));
      else diags.push(error("CLI005", CLI, `cannot read ${shown}: ${reason(e)}`));
      return;
    }
    if (st.isDirectory()) {
      let real: string;
      let names: string[];
      try {
        real = fs.realpathSync(abs);
        names = fs.readdirSync(abs).sort();
      } catch (e) {
        diags.push(error("CLI005", CLI, `cannot read the folder ${shown}: ${reason(e)}`));
        return;
      }
      if (walking.has(real)) {
        diags.push(error("CLI005", CLI, `cannot read the folder ${shown}: a loop of symbolic links (it leads back to ${real})`));
        return;
      }
      walking.add(real);
      for (const name of names) {
        if (name === "node_modules" || name.startsWith(".")) continue;
        const child = path.join(abs, name);
        // Entries that are neither folders nor .neq files are skipped; stat problems of
        // .neq entries (dangling links, loops) are reported when they are walked.
        if (name.endsWith(".neq") || isFolder(child)) walk(child, path.join(shown, name), false);
      }
      walking.delete(real);
    } else if (st.isFile()) out.push(shown);
    else diags.push(error("CLI005", CLI, `cannot read ${shown}: not a regular file (a device, a named pipe or a socket)`));
  };
  for (const p of paths) walk(path.resolve(cwd, p), p, true);
  if (out.length === 0 && diags.length === 0) diags.push(error("CLI002", CLI, `no .neq files under ${paths.join(", ")}`));
  return { files: out, diagnostics: diags };
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Read a proof file named on the command line (resolved against `cwd`): its text, or a
 * CLI001 (missing), CLI005 (not a regular file, unreadable) or CLI006 (too large) diagnostic.
 */
export function readCommandLineFile(file: string, cwd: string): { text: string } | { diagnostic: Diagnostic } {
  const r = readSource(path.resolve(cwd, file));
  if (typeof r === "string") return { text: r };
  return { diagnostic: error(r.problem === "too-large" ? "CLI006" : r.problem === "missing" ? "CLI001" : "CLI005", CLI, `cannot read ${file}: ${r.message}`) };
}

/** A reader for imports, resolving relative paths against `cwd`. */
export const importReader = (cwd: string) => (f: string) => readSource(path.resolve(cwd, f));

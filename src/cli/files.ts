/**
 * Collecting `.neq` files from the paths given on the command line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { error, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { noSpan } from "../diagnostics/span.ts";

/** Files under `paths` (directories recursively, sorted), minus those under `exclude`. */
export function collect(paths: readonly string[], exclude: readonly string[], cwd: string): { files: string[]; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const out: string[] = [];
  const skip = exclude.map((e) => path.resolve(cwd, e));
  const excluded = (p: string) => skip.some((s) => p === s || p.startsWith(s + path.sep));
  const walk = (abs: string, shown: string) => {
    if (excluded(abs)) return;
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      diags.push(error("CLI001", noSpan("<command line>"), `cannot read ${shown}: no such file or directory`));
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(abs).sort()) {
        if (name === "node_modules" || name.startsWith(".")) continue;
        const child = path.join(abs, name);
        const childShown = path.join(shown, name);
        if (fs.statSync(child).isDirectory() || name.endsWith(".neq")) walk(child, childShown);
      }
    } else out.push(shown);
  };
  for (const p of paths) walk(path.resolve(cwd, p), p);
  if (out.length === 0 && diags.length === 0) diags.push(error("CLI002", noSpan("<command line>"), `no .neq files under ${paths.join(", ")}`));
  return { files: out, diagnostics: diags };
}

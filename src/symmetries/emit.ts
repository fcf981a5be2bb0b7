/**
 * A derivation as a .neq file: an import of the network's file, then one claim (or sweep)
 * per generator and, optionally, the negative controls. The text that `neteq symmetries`
 * checks is exactly this file, so `--emit neq` writes what was proved.
 */
import { movesText } from "./naming.ts";
import type { Candidate, Control, Derivation } from "./types.ts";

/** A .neq string literal. */
const quoted = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

export interface EmitOptions {
  /** The import path of the network's file, relative to where the emitted file lives. */
  readonly importPath: string;
  /** The command that derived it, for the header comment. */
  readonly command: string;
  /** Which candidates to write (default: all). */
  readonly candidates?: (c: Candidate) => boolean;
  /** Which controls to write (default: all). */
  readonly controls?: (c: Control) => boolean;
}

/**
 * @example emitNeq(derive(net), { importPath: "net.neq", command: "neteq symmetries net.neq N" })
 *   // 'import "net.neq"\n\n// permute h1: S_4 on W0:0, b0:0, W1:1\ntheorem derived_perm_h1_0_swap: ...'
 */
export function emitNeq(d: Derivation, o: EmitOptions): string {
  const lines: string[] = [`// Symmetries of ${d.network}, derived by \`${o.command}\`.`, `import ${quoted(o.importPath)}`];
  const candidates = d.candidates.filter(o.candidates ?? (() => true));
  const controls = d.controls.filter(o.controls ?? (() => true));
  for (const c of candidates) {
    lines.push("", `// ${c.title}: ${c.group} on ${movesText(c.moves)}`);
    for (const cl of c.claims) lines.push(...cl.declarations, cl.text);
  }
  if (controls.length > 0) lines.push("", "// Negative controls: wrong candidates, each refuted.");
  for (const c of controls) lines.push(`// ${c.description}`, ...c.claim.declarations, c.claim.text);
  return lines.join("\n") + "\n";
}

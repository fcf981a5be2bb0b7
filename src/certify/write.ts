/**
 * Writing a certificate folder: `obligations/<hash>.smt2` files, then `manifest.json` last
 * (a folder with a manifest is complete). A folder is only written into when it is new,
 * empty, or an earlier certificate folder, whose manifest and `.smt2` files are replaced.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Certificates } from "./certify.ts";
import { MANIFEST } from "./manifest.ts";

/** The manifest as written: two-space JSON and a final line break. */
export const manifestText = (c: Certificates): string => JSON.stringify(c.manifest, null, 2) + "\n";

/** Why certify may not write into `dir`, or null (checked before the claims are, and again when writing). */
export function unusableFolder(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  if (!fs.statSync(dir).isDirectory()) return `${dir} is not a folder`;
  const entries = fs.readdirSync(dir);
  if (entries.length > 0 && !entries.includes(MANIFEST)) return `${dir} is not empty and holds no ${MANIFEST}: choose a new or empty folder (certify replaces only an earlier certificate folder)`;
  return null;
}

/** Write `c` into `dir`; a message when the folder cannot be used. */
export function writeCertificates(dir: string, c: Certificates): string | null {
  const obligations = path.join(dir, "obligations");
  try {
    const problem = unusableFolder(dir);
    if (problem) return problem;
    if (fs.existsSync(dir)) {
      // An earlier certificate folder: remove what certify wrote there, nothing else.
      fs.rmSync(path.join(dir, MANIFEST), { force: true });
      if (fs.existsSync(obligations)) for (const f of fs.readdirSync(obligations)) if (f.endsWith(".smt2")) fs.rmSync(path.join(obligations, f));
    }
    fs.mkdirSync(obligations, { recursive: true });
    for (const [name, text] of c.files) fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(path.join(dir, MANIFEST), manifestText(c));
    return null;
  } catch (e) {
    return `cannot write ${dir}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

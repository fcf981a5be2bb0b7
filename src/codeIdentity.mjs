// The identity of neteq's code: a SHA-256 of every file under src/ (path and contents). Plain
// JavaScript, so that bin.mjs can take it before any TypeScript loads (one walk serves both
// the bundle's freshness check and the whole-claim cache key), and claims.ts when neteq is
// used as a library.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/** The SHA-256 of every file under `dir`, by its path relative to `dir` ("/"-separated), in sorted order. */
export function hashTree(dir) {
  const out = new Map();
  const walk = (rel) => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.set(r, sha256(fs.readFileSync(path.join(dir, r))));
    }
  };
  walk("");
  return out;
}

/** One hash of a tree's file hashes (as `hashTree` gives them): a changed, added or renamed file changes it. */
export function treeHash(hashes) {
  const h = createHash("sha256");
  for (const [r, x] of hashes) h.update(`${r}\0${x}\0`);
  return h.digest("hex");
}

/**
 * The cache of whole claims: a proved or refuted verdict, keyed by everything it depends
 * on -- the text of the checked file and of every file it imports, the claim's name, the
 * seed, the strategy, whether the falsifier runs, the versions of neteq and of the packages
 * it runs on (z3-solver, nearley, ...), and a hash of neteq's own sources (src/). It is consulted before any obligation is built, so an unchanged suite is
 * re-checked without building a term. Verdicts do not depend on file paths, on other files
 * of the run or on the time limit (a proof found within a short limit is a proof), so those
 * are not part of the key. `unknown` is never cached: it may depend on the machine's load.
 * Entries are written to a temporary file and renamed into place.
 */
import { createHash } from "node:crypto";
import { hashTree, treeHash } from "../codeIdentity.mjs";
import { writeAtomically } from "./cache.ts";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT as root } from "../root.ts";

/** Bump when the meaning of cached entries changes. */
const FORMAT = "claims-v1";

/** What is stored: the outcome as the checker computed it (JSON), and the Z3 version that found it. */
export interface ClaimEntry {
  readonly outcome: unknown;
  readonly z3: string | null;
}

/** What a claim's verdict depends on. */
export interface ClaimKey {
  readonly sources: readonly string[];
  readonly claim: string;
  readonly seed: number;
  readonly strategy: string;
  readonly falsify: boolean;
}

/**
 * A hash of every file under `dir` (its path relative to `dir` and its contents, in sorted
 * order): the identity of the code that computed a verdict. A cached verdict is reused only
 * by the same code, so fixing a bug in src/ (a soundness bug above all) invalidates every
 * verdict the old code cached, version number or not.
 */
export function sourceTreeHash(dir: string): string {
  return treeHash(hashTree(dir));
}

/**
 * The code's identity, taken when the code loads, not when the first key is made: an edit to
 * src/ during a long run must not file the old code's verdicts under the new code's key.
 * bin.mjs takes it before loading the code (from the hashes that checked the bundle);
 * otherwise this module does, when it loads.
 */
const CODE = (globalThis as { __neteqCode?: string }).__neteqCode ?? sourceTreeHash(path.join(root, "src"));

let versions: string | null = null;
/** neteq's version and code, and the versions of the packages it runs on (z3-solver, nearley, ...), read once. */
function toolVersions(): string {
  if (versions === null) {
    const read = (p: string): { version?: string; dependencies?: Record<string, string> } => {
      try {
        return JSON.parse(fs.readFileSync(p, "utf8")) as { version?: string; dependencies?: Record<string, string> };
      } catch {
        return {};
      }
    };
    const pkg = read(path.join(root, "package.json"));
    const deps = Object.keys(pkg.dependencies ?? {}).sort().map((d) => `${d}@${read(path.join(root, "node_modules", d, "package.json")).version ?? "?"}`);
    versions = `${pkg.version ?? "?"}/${deps.join(",")}/${CODE}`;
  }
  return versions;
}

export class ClaimCache {
  private readonly dir: string | null;

  /** `root` null disables the cache. */
  constructor(root: string | null) {
    this.dir = root === null ? null : path.join(root, FORMAT);
  }

  /** The key of a claim: a SHA-256 over everything its verdict depends on. */
  static key(k: ClaimKey): string {
    const h = createHash("sha256");
    h.update(`${FORMAT}\0${toolVersions()}\0${k.claim}\0${k.seed}\0${k.strategy}\0${k.falsify}\0`);
    // Contents only, in a fixed order: the same files give the same key wherever they are.
    for (const s of [...k.sources].map((t) => createHash("sha256").update(t).digest("hex")).sort()) h.update(s);
    return h.digest("hex");
  }

  private file(key: string): string {
    return path.join(this.dir!, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): ClaimEntry | null {
    if (!this.dir) return null;
    try {
      const e = JSON.parse(fs.readFileSync(this.file(key), "utf8")) as ClaimEntry;
      return e && typeof e === "object" && "outcome" in e ? e : null;
    } catch {
      return null;
    }
  }

  put(key: string, entry: ClaimEntry): void {
    if (this.dir) writeAtomically(this.file(key), JSON.stringify(entry));
  }
}

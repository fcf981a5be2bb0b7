// The CLI's bundle: every TypeScript module of `neteq` in one JavaScript file, so that a run
// loads one file instead of compiling and resolving about 200 modules through tsx (about half
// of a small run's wall time). It is made with esbuild (tsx's own compiler) into
// node_modules/.cache/neteq/, next to a manifest with the SHA-256 of every source it was made
// from (the bytes esbuild compiled, and tsconfig.json and esbuild's version). `bin.mjs` uses
// it only when every one of those is unchanged; otherwise it
// makes a new one (or, if that fails, runs the sources through tsx). So the code that runs is
// always the code in src/: a stale bundle is never used.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { hashTree, sha256, treeHash } from "../codeIdentity.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const DIR = path.join(ROOT, "node_modules", ".cache", "neteq");
const MANIFEST = path.join(DIR, "bundle.json");

/**
 * The hashes of `files` (paths relative to the root), or null if one cannot be read; a file
 * under src/ is taken from `src` (hashTree of src/) when given, so one walk serves all.
 */
function hashes(files, src = null) {
  const out = {};
  for (const f of files) {
    const known = src && f.startsWith("src/") ? src.get(f.slice(4)) : undefined;
    if (known !== undefined) {
      out[f] = known;
      continue;
    }
    try {
      out[f] = sha256(fs.readFileSync(path.join(ROOT, f)));
    } catch {
      return null;
    }
  }
  return out;
}

/**
 * The bundle made from exactly the current sources, or null: `manifest` lists each source
 * with its hash, and every one must match.
 */
export function freshBundle(manifestPath = MANIFEST, src = null) {
  let m;
  try {
    m = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  } catch {
    return null;
  }
  if (!m || typeof m.bundle !== "string" || !m.inputs || typeof m.inputs !== "object" || Object.keys(m.inputs).length === 0) return null;
  const now = hashes(Object.keys(m.inputs), src);
  if (!now || Object.entries(m.inputs).some(([f, h]) => now[f] !== h)) return null;
  const file = path.join(path.dirname(manifestPath), path.basename(m.bundle));
  return fs.existsSync(file) ? file : null;
}

/** Write `text` to `file` atomically (a reader sees the old file or the new one, never half of one). */
function writeAtomically(file, text) {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Files that change the compiled code without being compiled themselves. */
const SETTINGS = ["tsconfig.json", "node_modules/esbuild/package.json"];

/**
 * Make the bundle of src/cli/main.ts and its manifest; returns the bundle's path. The
 * manifest lists the hash of the very bytes esbuild compiled (a plugin reads each source,
 * hashes it and hands the same bytes to esbuild), so a source edited during the build is
 * recorded as it was compiled and the next run sees the difference; the settings
 * (tsconfig.json, esbuild's version) are hashed before and after, and a change meanwhile
 * writes nothing.
 */
export async function buildBundle() {
  const esbuild = await import("esbuild");
  const settings = hashes(SETTINGS);
  const compiled = {};
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ["src/cli/main.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    // As tsx compiles them: function and class names are kept.
    keepNames: true,
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "hash-what-is-compiled",
        setup(build) {
          const loaders = { ".ts": "ts", ".mts": "ts", ".js": "js", ".mjs": "js", ".json": "json" };
          build.onLoad({ filter: /.*/ }, async (args) => {
            const rel = path.relative(ROOT, args.path).split(path.sep).join("/");
            if (path.isAbsolute(rel) || rel.startsWith("..")) throw new Error(`the bundle would include ${args.path}, outside the repository`);
            const loader = loaders[path.extname(args.path)];
            if (!loader) throw new Error(`the bundle would include ${rel}, a kind of file it does not hash`);
            const contents = await fs.promises.readFile(args.path);
            compiled[rel] = sha256(contents);
            return { contents, loader };
          });
        },
      },
    ],
  });
  const after = hashes(SETTINGS);
  if (!settings || !after || SETTINGS.some((f) => settings[f] !== after[f])) throw new Error("tsconfig.json or esbuild changed while the bundle was made");
  if (!compiled["src/cli/main.ts"]) throw new Error("esbuild did not read src/cli/main.ts");
  const code = result.outputFiles[0].text;
  fs.mkdirSync(DIR, { recursive: true });
  const name = `neteq-${sha256(code).slice(0, 16)}.mjs`;
  writeAtomically(path.join(DIR, name), code);
  const inputs = Object.fromEntries(Object.entries({ ...compiled, ...settings }).sort(([x], [y]) => (x < y ? -1 : 1)));
  writeAtomically(MANIFEST, JSON.stringify({ bundle: name, inputs }, null, 1));
  for (const f of fs.readdirSync(DIR)) if (f.startsWith("neteq-") && f.endsWith(".mjs") && f !== name) fs.rmSync(path.join(DIR, f), { force: true });
  return { file: path.join(DIR, name), compiled };
}

/**
 * The bundle to run (the fresh one, else a new one, else null: bin.mjs then uses tsx) and
 * the identity of the code that runs (codeIdentity.mjs: src/ as the bundle was made from it),
 * from one walk over src/.
 */
export async function bundle() {
  const src = hashTree(path.join(ROOT, "src"));
  const fresh = freshBundle(MANIFEST, src);
  if (fresh) return { file: fresh, code: treeHash(src) };
  try {
    const { file, compiled } = await buildBundle();
    // The sources as compiled (one may have changed since the walk), the rest as walked.
    for (const [f, h] of Object.entries(compiled)) if (f.startsWith("src/")) src.set(f.slice(4), h);
    return { file, code: treeHash(src) };
  } catch {
    return { file: null, code: treeHash(src) };
  }
}

// `node src/cli/bundle.mjs` (npm's prepare step, after `npm ci`): make it now, and say so. A
// failure is not an error (the command then runs the sources through tsx).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { file } = await buildBundle();
    process.stdout.write(`neteq: bundle written to ${path.relative(ROOT, file)}\n`);
  } catch (e) {
    process.stdout.write(`neteq: no bundle (${e instanceof Error ? e.message : e}); the command will run the sources through tsx\n`);
  }
}

/**
 * The CLI's bundle (src/cli/bundle.mjs): used only when made from exactly the current
 * sources, and it behaves as the sources run through tsx do.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain JavaScript module without type declarations
import { bundle, buildBundle, freshBundle } from "../../src/cli/bundle.mjs";
import { normalise, ROOT } from "../helpers/cli.ts";
import { sourceTreeHash } from "../../src/backends/claims.ts";

const hash = (f: string) => createHash("sha256").update(fs.readFileSync(path.join(ROOT, f))).digest("hex");

/** A manifest in a temporary folder, with a (dummy) bundle file beside it. */
function manifest(inputs: Record<string, string>, bundleFile = true): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-bundle-"));
  if (bundleFile) fs.writeFileSync(path.join(dir, "neteq-x.mjs"), "");
  const file = path.join(dir, "bundle.json");
  fs.writeFileSync(file, JSON.stringify({ bundle: "neteq-x.mjs", inputs }));
  return file;
}

describe("the bundle is used only when made from the current sources", () => {
  const files = ["src/root.ts", "src/cli/main.ts"];
  it("fresh: every listed source has the listed hash", () => {
    const m = manifest(Object.fromEntries(files.map((f) => [f, hash(f)])));
    expect(freshBundle(m)).toBe(path.join(path.dirname(m), "neteq-x.mjs"));
  });
  it("negative controls: one source changed, missing, no sources, no bundle file, not JSON", () => {
    expect(freshBundle(manifest({ ...Object.fromEntries(files.map((f) => [f, hash(f)])), "src/root.ts": hash("src/cli/main.ts") }))).toBeNull();
    expect(freshBundle(manifest({ "src/no-such-file.ts": "0" }))).toBeNull();
    expect(freshBundle(manifest({}))).toBeNull();
    expect(freshBundle(manifest(Object.fromEntries(files.map((f) => [f, hash(f)])), false))).toBeNull();
    const bad = manifest({});
    fs.writeFileSync(bad, "{");
    expect(freshBundle(bad)).toBeNull();
  });
  it("a new bundle lists every source it was made from, with its hash", async () => {
    const { file } = (await buildBundle()) as { file: string };
    const m = JSON.parse(fs.readFileSync(path.join(path.dirname(file), "bundle.json"), "utf8")) as { bundle: string; inputs: Record<string, string> };
    expect(m.bundle).toBe(path.basename(file));
    expect(Object.keys(m.inputs)).toContain("src/cli/main.ts");
    expect(Object.keys(m.inputs)).toContain("src/symbolic/structure.ts");
    for (const [f, h] of Object.entries(m.inputs)) expect(h, f).toBe(hash(f));
  }, 60_000);
});

describe("the bundle behaves as the sources do", () => {
  const bin = (args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "src/cli/bin.mjs"), ...args], { encoding: "utf8", cwd: ROOT, env: { ...process.env, ...env } });
    return { code: r.status, stdout: normalise(r.stdout), stderr: normalise(r.stderr) };
  };
  it("check (proved, refuted, a located error), explain and the std library give the same output", async () => {
    // Not vacuous: the bundled runs do use a bundle.
    const b = (await bundle()) as { file: string | null; code: string };
    expect(b.file).not.toBeNull();
    // The code identity bin.mjs hands the claim cache is the one it would compute itself.
    expect(b.code).toBe(sourceTreeHash(path.join(ROOT, "src")));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "neteq-bundle-")), "bad.neq");
    fs.writeFileSync(file, 'import "std/activations.neq"\nnetwork N = mlp(2 -> 3 -> 1, relu6)\ntheorem t: N ~ N after permute N.h1 by (0 1)\ntheorem u: N ~ N after scale N.h1[0] by 2\nnetwork M = mlp(2 -> 3 -> 1, nope)\n');
    for (const args of [["check", "proofs/03_tanh_flip.neq", "--no-cache"], ["check", file, "--no-cache"], ["explain", "proofs/large/mlp_784x1024x3.neq", "every_hidden_unit", "--strategy", "symbolic"]]) {
      const bundled = bin(args);
      const sources = bin(args, { NETEQ_NO_BUNDLE: "1" });
      expect(bundled, args.join(" ")).toEqual(sources);
    }
  }, 120_000);
});

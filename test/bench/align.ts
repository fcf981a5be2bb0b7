/**
 * Benchmark of `neteq align` (npm run bench -- --only align): a 784-512-512-512-10 ReLU MLP
 * in float32 safetensors with a planted permutation and power-of-two scaling of every hidden
 * unit, aligned and certified by the CLI in a fresh process (target: under 5 s; the first
 * run also proves the generator theorems, later runs find them in the claim cache), then 100
 * planted images of one checkpoint recovered in-process (target: 100 of 100).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ExactValues } from "../../src/align/exact.ts";
import { matchMlp } from "../../src/align/matchMlp.ts";
import { verifyMlp } from "../../src/align/verifyMlp.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { randomGroupElement, randomMlp, transform, writePlanted } from "../weights/fixtures/planted.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const WIDTHS = [784, 512, 512, 512, 10];

export function alignTargets(log: (s: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-bench-align-"));
  writePlanted(dir, WIDTHS, "relu", 1);
  const cache = path.join(dir, "cache");
  const runOnce = (): { ms: number; certified: boolean } => {
    const started = Date.now();
    let out = "";
    try {
      out = execFileSync(process.execPath, [path.join(ROOT, "src/cli/bin.mjs"), "align", "A.safetensors", "B.safetensors", "--net", "net.neq:N", "--cache-dir", cache], { cwd: dir, encoding: "utf8" });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? "");
    }
    return { ms: Date.now() - started, certified: out.includes("verdict: functionally identical for all inputs") };
  };
  const cold = runOnce();
  log(`784-512-512-512-10 relu, planted permutation + scales, fresh process, cold claim cache: ${cold.certified ? "certified" : "NOT certified"} in ${(cold.ms / 1000).toFixed(1)} s`);
  const warm = [runOnce(), runOnce(), runOnce()].sort((a, b) => a.ms - b.ms)[1]!;
  log(`same, theorems from the claim cache (median of 3): ${warm.certified ? "certified" : "NOT certified"} in ${(warm.ms / 1000).toFixed(1)} s (target: under 5 s)`);

  const rng = new Rng(2);
  const A = randomMlp(WIDTHS, rng);
  const values = (p: Map<string, Float64Array>) => new Map([...p].map(([name, v]) => [name, new ExactValues({ name, shape: [v.length], dtype: "F64", values: v })]));
  const av = values(A);
  let recovered = 0;
  let ms = 0;
  for (let k = 0; k < 100; k++) {
    const g = randomGroupElement(WIDTHS, "scale", rng);
    const bv = values(transform(g, A));
    const started = Date.now();
    const found = matchMlp(WIDTHS, ["scale", "scale", "scale"], av, bv);
    const ok = "g" in found && verifyMlp(found.g, av, bv).mismatches === 0 && found.g.layers.every((m, l) => m.perm.every((p, i) => p === g.layers[l]!.perm[i]) && m.scales.every((c, i) => c.eq(g.layers[l]!.scales[i]!)));
    ms += Date.now() - started;
    if (ok) recovered++;
  }
  log(`planted images recovered exactly (match + exact check, in-process): ${recovered} of 100, ${(ms / 100).toFixed(0)} ms each (target: 100 of 100)`);
  fs.rmSync(dir, { recursive: true, force: true });
}

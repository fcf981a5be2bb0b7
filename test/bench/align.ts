/**
 * Benchmark of `neteq align` (npm run bench -- --only align), each checkpoint pair aligned and
 * certified by the CLI in a fresh process (cold claim cache, then the median of 3 warm runs)
 * and 100 planted images recovered in-process (match + exact check):
 * - a 784-512-512-512-10 ReLU MLP in float32 safetensors with a planted permutation and
 *   power-of-two scaling of every hidden unit (target: under 5 s, 100 of 100);
 * - a CIFAR ResNet-20 (test/bench/networks.ts, batch norm, projection shortcuts) in float32
 *   safetensors, generated here, with a random permutation of every channel class (residual
 *   streams matched jointly) (target: under 5 s, 100 of 100);
 * - a Llama-style block (d_model 512, GQA with RoPE, SwiGLU) with every class permuted;
 * - the same block at d_model 4096 (177M parameters, BF16, 355 MB per checkpoint), generated
 *   here into a temporary folder one tensor at a time (largeCheckpoint.ts), aligned once by
 *   the CLI in a fresh process with a fresh claim cache; wall time and peak RSS (the child's
 *   process.resourceUsage().maxRSS) against the targets of 60 s and 2 GiB, and the recovered
 *   g compared with the planted one.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { permutationClasses } from "../../src/align/classes.ts";
import { ExactValues } from "../../src/align/exact.ts";
import { matchMlp } from "../../src/align/matchMlp.ts";
import { matchTensor } from "../../src/align/matchTensor.ts";
import { verifyTensor } from "../../src/align/permuteTensor.ts";
import { verifyMlp } from "../../src/align/verifyMlp.ts";
import { Rng } from "../../src/numeric/rng.ts";
import { randomGroupElement, randomMlp, transform, writePlanted } from "../weights/fixtures/planted.ts";
import { exactValues, networkOf, paramsSafetensors, permuteParams, randomParams, randomTensorGroup } from "../weights/fixtures/plantedTensor.ts";
import { writeLargePlanted } from "./largeCheckpoint.ts";
import { llamaBlock, resnet20 } from "./networks.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const WIDTHS = [784, 512, 512, 512, 10];

/** Cold and warm CLI times for `align A B --net spec` in `dir`. */
function cliTimes(dir: string, spec: string): { cold: { ms: number; certified: boolean }; warm: { ms: number; certified: boolean } } {
  const cache = path.join(dir, "cache");
  const runOnce = (): { ms: number; certified: boolean } => {
    const started = Date.now();
    let out = "";
    try {
      out = execFileSync(process.execPath, [path.join(ROOT, "src/cli/bin.mjs"), "align", "A.safetensors", "B.safetensors", "--net", spec, "--cache-dir", cache], { cwd: dir, encoding: "utf8" });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? "");
    }
    return { ms: Date.now() - started, certified: out.includes("verdict: functionally identical for all inputs") };
  };
  const cold = runOnce();
  const warm = [runOnce(), runOnce(), runOnce()].sort((a, b) => a.ms - b.ms)[1]!;
  return { cold, warm };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const yes = (c: boolean) => (c ? "certified" : "NOT certified");

/** A tensor network's file (the network only) with planted A, B in a fresh folder. */
function plantTensor(text: string, seed: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-bench-align-"));
  const file = path.join(dir, "net.neq");
  fs.writeFileSync(file, text);
  const net = networkOf(file, text, "N");
  const { classes } = permutationClasses(net);
  const rng = new Rng(seed);
  const A = randomParams(net, rng);
  fs.writeFileSync(path.join(dir, "A.safetensors"), paramsSafetensors(net, A));
  fs.writeFileSync(path.join(dir, "B.safetensors"), paramsSafetensors(net, permuteParams(net, classes, randomTensorGroup(classes, rng), A)));
  return dir;
}

/** 100 planted images of one random tensor network, recovered in-process. */
function hundredTensor(text: string): { recovered: number; ms: number } {
  const net = networkOf("net.neq", text, "N");
  const { classes } = permutationClasses(net);
  const rng = new Rng(3);
  const A = randomParams(net, rng);
  const av = exactValues(A);
  let recovered = 0;
  let ms = 0;
  for (let k = 0; k < 100; k++) {
    const g = randomTensorGroup(classes, rng);
    const bv = exactValues(permuteParams(net, classes, g, A));
    const started = Date.now();
    const found = matchTensor(net, classes, av, bv);
    const ok = "g" in found && verifyTensor(net, classes, found.g, av, bv).mismatches === 0 && found.g.classes.every((c, i) => c.perm.every((p, j) => p === g.classes[i]!.perm[j]));
    ms += Date.now() - started;
    if (ok) recovered++;
  }
  return { recovered, ms: ms / 100 };
}

/** Prints the process's peak resident set size (kB) on exit; loaded into the child with --import. */
const MAXRSS_HOOK = 'data:text/javascript,process.on("exit",()=>process.stderr.write("neteq-bench-maxrss-kb "+process.resourceUsage().maxRSS+"\\n"))';

/** The d_model 4096 Llama block: planted, aligned once in a fresh process; time, peak RSS, and whether g is the planted one. */
export function largeLlama(log: (s: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-bench-align-large-"));
  try {
    const text = networkOnly(llamaBlock(4, 4096, 8, 4, 128, 11008, 8));
    fs.writeFileSync(path.join(dir, "net.neq"), text);
    const net = networkOf("net.neq", text, "N");
    let started = Date.now();
    const planted = writeLargePlanted(dir, net, "BF16", 1);
    const bytes = fs.statSync(path.join(dir, "A.safetensors")).size;
    log(`Llama block d=4096: A and B written (BF16, ${(bytes / 1e6).toFixed(0)} MB each) in ${s(Date.now() - started)}`);
    started = Date.now();
    const r = spawnSync(process.execPath, ["--import", MAXRSS_HOOK, path.join(ROOT, "src/cli/bin.mjs"), "align", "A.safetensors", "B.safetensors", "--net", "net.neq:N", "--json", "--cache-dir", path.join(dir, "cache")], { cwd: dir, encoding: "utf8", maxBuffer: 1 << 28 });
    const ms = Date.now() - started;
    const kb = Number(/neteq-bench-maxrss-kb (\d+)/.exec(r.stderr)?.[1] ?? NaN);
    let out: { verdict?: string; g?: { classes: { id: string; perm: number[] }[] }; ms?: number } = {};
    try {
      out = JSON.parse(r.stdout);
    } catch {
      log(`  the CLI printed no JSON (exit ${r.status}): ${r.stderr.slice(0, 400)}`);
    }
    const certified = out.verdict === "functionally identical for all inputs";
    const recovered = out.g?.classes.every((c, k) => c.id === planted.classes[k]!.id && c.perm.every((p, j) => p === planted.classes[k]!.perm[j])) ?? false;
    const params = net.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
    log(`Llama block d=4096 (${params} parameters, ${permutationClasses(net).classes.length} classes): ${yes(certified)}, g ${recovered ? "= planted" : "NOT the planted one"}, ${s(ms)} wall (after loading: ${out.ms === undefined ? "-" : s(out.ms)}), peak RSS ${(kb / 1024 ** 2).toFixed(2)} GiB`);
    log(`targets: under 60 s: ${certified && ms < 60_000 ? "met" : "NOT met"}; peak RSS under 2 GiB: ${kb < 2 * 1024 ** 2 ? "met" : "NOT met"}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const networkOnly = (text: string) => text.slice(0, text.indexOf("\ntheorem")) + "\n";

export function alignTargets(log: (s: string) => void): void {
  const rows: string[][] = [["network", "parameters", "classes", "cold cache", "warm (median of 3)", "100 planted (in-process)"]];
  const mlpDir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-bench-align-"));
  writePlanted(mlpDir, WIDTHS, "relu", 1);
  const m = cliTimes(mlpDir, "net.neq:N");
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
    const ok = "g" in found && verifyMlp(found.g, av, bv).mismatches === 0 && found.g.layers.every((l, i) => l.perm.every((p, j) => p === g.layers[i]!.perm[j]) && l.scales.every((c, j) => c.eq(g.layers[i]!.scales[j]!)));
    ms += Date.now() - started;
    if (ok) recovered++;
  }
  const mlpParams = WIDTHS.slice(1).reduce((n, w, i) => n + w * (WIDTHS[i]! + 1), 0);
  rows.push(["MLP 784-512-512-512-10 relu (perm + scales)", String(mlpParams), "3 layers", `${yes(m.cold.certified)} ${s(m.cold.ms)}`, `${yes(m.warm.certified)} ${s(m.warm.ms)}`, `${recovered}/100, ${(ms / 100).toFixed(0)} ms each`]);
  for (const [name, text] of [
    ["CIFAR ResNet-20 (channel perms)", networkOnly(resnet20())],
    ["Llama block d=512 (all classes)", networkOnly(llamaBlock())],
  ] as const) {
    const net = networkOf("net.neq", text, "N");
    const params = net.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
    const dir = plantTensor(text, 1);
    const t = cliTimes(dir, "net.neq:N");
    const h = hundredTensor(text);
    rows.push([name, String(params), String(permutationClasses(net).classes.length), `${yes(t.cold.certified)} ${s(t.cold.ms)}`, `${yes(t.warm.certified)} ${s(t.warm.ms)}`, `${h.recovered}/100, ${h.ms.toFixed(0)} ms each`]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.rmSync(mlpDir, { recursive: true, force: true });
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) log(r.map((x, c) => x.padEnd(widths[c]!)).join("  "));
  log("targets: certified in under 5 s in a fresh process; 100 of 100 planted images recovered");
  largeLlama(log);
}

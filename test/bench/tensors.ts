/**
 * Tensor targets of the benchmark (issue 8): well-known architectures proved in a fresh
 * process, start-up included, and the monolithic and compositional strategies side by side
 * on convolution and attention families of growing size.
 *
 *   npm run bench -- --only tensors
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { checkWith } from "../../src/check.ts";
import { resolveOptions } from "../../src/options.ts";
import { Session } from "../../src/session.ts";
import * as nets from "./networks.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface TargetRow {
  readonly network: string;
  readonly claim: string;
  readonly target: string;
  readonly seconds: number;
  readonly verdict: string;
  readonly met: boolean;
}

/** Check one generated file in a fresh process (start-up included); verdicts of its claims. */
export function fresh(text: string, timeoutS: number, root = ROOT): { seconds: number; verdicts: string[] } {
  return freshFile(writeTemp(text), timeoutS, root);
}

/** `text` as net.neq in a new temporary folder; its path. */
export function writeTemp(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "neteq-bench-")), "net.neq");
  fs.writeFileSync(file, text);
  return file;
}

/** A claim of a fresh run's JSON report: what the benchmarks read. */
export interface FreshClaim {
  readonly name: string;
  readonly verdict: string;
  readonly ms: number;
  readonly strategy: string | null;
  readonly obligations?: { readonly total: number; readonly distinct: number; readonly cached: number };
}

/**
 * Check a file or folder in a fresh process of the checkout at `root` (start-up included),
 * with `extra` options (e.g. a strategy), no cache unless `cacheDir` is given; a process still running a minute past its time
 * limit is stopped (no verdict).
 */
export function freshFile(file: string, timeoutS: number, root = ROOT, extra: readonly string[] = [], cacheDir: string | null = null): { seconds: number; verdicts: string[]; claims: FreshClaim[] } {
  const started = process.hrtime.bigint();
  let out = "";
  try {
    out = execFileSync(process.execPath, [path.join(root, "src/cli/bin.mjs"), "check", ...(cacheDir ? ["--cache-dir", cacheDir] : ["--no-cache"]), "--reporter", "json", "--timeout", String(timeoutS), ...extra, file], { encoding: "utf8", maxBuffer: 1 << 28, cwd: root, timeout: (timeoutS + 60) * 1000 });
  } catch (e) {
    out = (e as { stdout?: string }).stdout ?? "";
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const claims: FreshClaim[] = out ? (JSON.parse(out).files[0]?.claims ?? []) : [];
  const verdicts = out ? claims.map((c) => c.verdict) : ["error"];
  return { seconds, verdicts, claims };
}

/** The architecture targets. */
export function architectureTargets(log: (s: string) => void, baseline: string | null = null): TargetRow[] {
  const targets: { network: string; claim: string; text: () => string; limit: number | null }[] = [
    { network: "CIFAR ResNet-20 (16/32/64, batch norm)", claim: "every permutation class together", text: nets.resnet20, limit: 10 },
    { network: "VGG-16 (CIFAR widths)", claim: "every permutation class together", text: nets.vgg16, limit: 30 },
    { network: "BERT-base layer (768, 12 heads, 3072)", claim: "heads, within-head, stream and MLP permutations", text: () => nets.bertLayer(), limit: 30 },
    { network: "attention head, d_head 64", claim: "Q/K and V/O actions, symbolic invertible matrices", text: () => nets.attentionActions(), limit: null },
    { network: "Llama-style block (d_model 512, GQA, RoPE, SwiGLU)", claim: "groups, queries, head_dim, MLP and stream permutations", text: () => nets.llamaBlock(), limit: 60 },
  ];
  const rows: TargetRow[] = [];
  for (const t of targets) {
    const text = t.text();
    // With a baseline checkout, it runs first on the same file: the two figures side by side.
    const before = baseline ? fresh(text, 120, baseline) : null;
    const r = fresh(text, 120);
    const verdict = r.verdicts.every((v) => v === "proved") ? "proved" : r.verdicts.join(", ");
    const row = { network: t.network, claim: t.claim, target: t.limit === null ? "proved" : `< ${t.limit} s`, seconds: r.seconds, verdict, met: verdict === "proved" && (t.limit === null || r.seconds < t.limit) };
    rows.push(row);
    const was = before ? `  (baseline ${before.seconds.toFixed(1)} s ${before.verdicts.every((v) => v === "proved") ? "proved" : before.verdicts.join(", ")})` : "";
    log(`${row.network.padEnd(52)} ${row.claim.padEnd(52)} ${row.seconds.toFixed(1).padStart(7)} s  ${verdict.padEnd(10)} target ${row.target}: ${row.met ? "met" : "not met"}${was}`);
  }
  return rows;
}

export interface RatioRow {
  readonly family: string;
  readonly size: number;
  readonly params: number;
  readonly monolithicMs: number | null;
  readonly compositionalMs: number;
  readonly monolithic: string;
  readonly compositional: string;
}

/** Monolithic vs compositional on one family, growing until monolithic stops answering within 60 s. */
export async function sideBySide(log: (s: string) => void): Promise<RatioRow[]> {
  const rows: RatioRow[] = [];
  const families: { family: string; sizes: number[]; text: (n: number) => string; params: (n: number) => number }[] = [
    { family: "conv2d channel permutation", sizes: [2, 4, 8, 16, 32, 64, 128], text: (c) => nets.smallCnn(c), params: (c) => c * 18 + c + c * c * 9 + c + 2 * c + 2 },
    { family: "conv2d per-channel ReLU scaling", sizes: [1, 2, 4, 8, 16, 32], text: (c) => nets.smallCnnScaling(c), params: (c) => c * 18 + c + c * c * 9 + c + 2 * c + 2 },
    { family: "attention head permutation", sizes: [4, 8, 16, 32, 64, 128, 256], text: (d) => nets.smallAttention(d), params: (d) => 4 * d * 2 * Math.floor(d / 2) },
  ];
  // One session per strategy, warmed up (solver workers started) before measuring, as for the
  // MLP table: the figures compare the strategies, not the start of Z3's WebAssembly.
  const sessions = {
    monolithic: new Session(resolveOptions({ strategy: "monolithic", timeout: 60, cache: false, falsify: false }).options),
    compositional: new Session(resolveOptions({ strategy: "compositional", timeout: 120, cache: false, falsify: false }).options),
  };
  for (const session of Object.values(sessions)) await checkWith(session, [{ path: "warm-up.neq", text: "network N = mlp(2 -> 2 -> 1, tanh)\ntheorem t: N ~ N after flip N.h1[0]\n" }]);
  try {
    for (const f of families) await family(f);
  } finally {
    await Promise.all(Object.values(sessions).map((s) => s.close()));
  }
  return rows;

  async function family(f: (typeof families)[number]): Promise<void> {
    let monolithicAlive = true;
    for (const n of f.sizes) {
      const run = async (strategy: "monolithic" | "compositional") => {
        const t = Date.now();
        const r = await checkWith(sessions[strategy], [{ path: "bench.neq", text: f.text(n) }]);
        return { ms: Date.now() - t, verdict: r.files[0]!.claims[0]?.verdict ?? "error" };
      };
      const comp = await run("compositional");
      const mono = monolithicAlive ? await run("monolithic") : null;
      if (mono && mono.verdict !== "proved") monolithicAlive = false;
      const row: RatioRow = { family: f.family, size: n, params: f.params(n), monolithicMs: mono?.verdict === "proved" ? mono.ms : null, compositionalMs: comp.ms, monolithic: mono?.verdict ?? "not run", compositional: comp.verdict };
      rows.push(row);
      const ratio = row.monolithicMs !== null ? `${(row.monolithicMs / Math.max(1, row.compositionalMs)).toFixed(0)}x` : "";
      log(`${f.family.padEnd(30)} ${String(n).padStart(4)}  ${String(row.params).padStart(8)}  ${(row.monolithicMs === null ? row.monolithic : `${row.monolithicMs} ms`).padStart(14)}  ${`${row.compositionalMs} ms`.padStart(10)} ${row.compositional.padEnd(8)} ${ratio}`);
    }
  }
}

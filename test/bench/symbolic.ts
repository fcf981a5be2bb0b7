/**
 * Symbolic-strategy targets of the benchmark (issue 9), side by side with the compositional
 * strategy in the same run, each claim in a fresh process (start-up included) without cache:
 *
 * - proofs/large (784-1024-1024-1024-10, permutation and scaling of every hidden layer):
 *   symbolic at least 100x faster than compositional;
 * - ResNet-20, BERT layer, VGG-16: symbolic vs compositional;
 * - a Llama-style block at d_model 4096 (177M parameters): symbolic in under 5 s;
 * - the whole-group, every-width claims of proofs/14 (MLP, residual, CNN, attention): each
 *   under 1 s, start-up excluded (the claim's own time).
 *
 *   npm run bench -- --only symbolic
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as nets from "./networks.ts";
import { freshFile, writeTemp, type FreshClaim } from "./tensors.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

interface Run {
  readonly wall: number;
  readonly claims: readonly FreshClaim[];
}

/** `neteq check` of a file in a fresh process, no cache, with a strategy; wall seconds and the claims' reports. */
function run(file: string, strategy: string, timeoutS: number): Run {
  const r = freshFile(file, timeoutS, ROOT, ["--strategy", strategy]);
  return { wall: r.seconds, claims: r.claims };
}

const verdictOf = (r: Run) => (r.claims.length > 0 && r.claims.every((c) => c.verdict === "proved") ? "proved" : r.claims.map((c) => c.verdict).join(", ") || "no verdict");

export function symbolicTargets(log: (s: string) => void): void {
  log("\nsymbolic vs compositional, side by side (fresh process each, no cache; wall seconds, start-up included)");
  log("(claim: the claim's own time from the report, start-up and the solver's start excluded)");
  log(`${"network".padEnd(52)} ${"symbolic".padStart(9)} ${"claim".padStart(7)} ${"compositional".padStart(14)} ${"claim".padStart(8)} ${"ratio".padStart(7)} ${"claim ratio".padStart(11)}  verdicts`);
  const pairs: { network: string; file: string; target: number | null }[] = [
    { network: "proofs/large 784-1024-1024-1024-10 (perm + scaling)", file: path.join(ROOT, "proofs/large"), target: 100 },
    { network: "CIFAR ResNet-20", file: writeTemp(nets.resnet20()), target: null },
    { network: "BERT-base layer (768, 12 heads, 3072)", file: writeTemp(nets.bertLayer()), target: null },
    { network: "VGG-16 (CIFAR widths)", file: writeTemp(nets.vgg16()), target: null },
    { network: "Q/K and V/O actions, d_head 64", file: writeTemp(nets.attentionActions()), target: null },
  ];
  for (const p of pairs) {
    const s = run(p.file, "symbolic", 120);
    const c = run(p.file, "compositional", 120);
    const ratio = c.wall / s.wall;
    const own = (r: Run) => Math.max(1, r.claims.reduce((a, x) => a + x.ms, 0)) / 1000;
    // A compositional run without a verdict has no claim time: its wall time is a lower bound.
    const claimRatio = (verdictOf(c) === "proved" ? own(c) : c.wall) / own(s);
    const cText = verdictOf(c) === "proved" ? c.wall.toFixed(2) : `>${c.wall.toFixed(0)} (${verdictOf(c)})`;
    const met = p.target === null ? "" : verdictOf(s) === "proved" && verdictOf(c) === "proved" ? `  target >= ${p.target}x: wall ${ratio >= p.target ? "met" : "NOT met"}, claim ${claimRatio >= p.target ? "met" : "NOT met"}` : "";
    log(`${p.network.padEnd(52)} ${s.wall.toFixed(2).padStart(9)} ${own(s).toFixed(2).padStart(7)} ${cText.padStart(14)} ${own(c).toFixed(2).padStart(8)} ${`${ratio.toFixed(0)}x`.padStart(7)} ${`${verdictOf(c) === "proved" ? "" : ">"}${claimRatio.toFixed(0)}x`.padStart(11)}  ${verdictOf(s)} / ${verdictOf(c)}${met}`);
  }

  warmLemma(log);

  const llama = run(writeTemp(nets.llamaBlock(4, 4096, 8, 4, 128, 11008, 8)), "auto", 60);
  log(`\nLlama-style block, d_model 4096 (177M parameters), auto: ${llama.wall.toFixed(2)} s wall, ${verdictOf(llama)} by ${llama.claims[0]?.strategy ?? "-"}; target < 5 s: ${verdictOf(llama) === "proved" && llama.wall < 5 ? "met" : "NOT met"}`);

  const every = run(path.join(ROOT, "proofs/14_every_width.neq"), "auto", 30);
  log("\nwhole-group, every-width claims (proofs/14), the claim's own time (start-up excluded); target < 1 s each");
  for (const c of every.claims) log(`  ${c.name.padEnd(24)} ${c.verdict.padEnd(9)} ${(c.ms / 1000).toFixed(2).padStart(6)} s  ${c.strategy ?? ""}${c.verdict === "proved" ? (c.ms < 1000 ? "  met" : "  NOT met") : ""}`);
}

/** `neteq check` in a fresh process with the obligation cache in `cacheDir`; wall seconds and the claims. */
function runCached(file: string, strategy: string, cacheDir: string, timeoutS: number): Run {
  const r = freshFile(file, timeoutS, ROOT, ["--strategy", strategy], cacheDir);
  return { wall: r.seconds, claims: r.claims };
}

/**
 * proofs/large again, the way a regression suite runs it: the obligation cache on, after
 * another file's claim about a ReLU network has run (here a 3-4-2 rescaling), so ReLU's
 * positive homogeneity is already a cached solver answer. Neither strategy has proofs/large's
 * own claim in a cache (the whole-claim cache is keyed by the file's content and the strategy).
 */
function warmLemma(log: (s: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-bench-cache-"));
  try {
    const small = writeTemp("network R = mlp(3 -> 4 -> 2, relu)\nsymmetry s(c > 0) = scale R.h1[2] by c\ntheorem relu_scaling: R ~ R after s\n");
    const first = runCached(small, "auto", dir, 60);
    const large = path.join(ROOT, "proofs/large");
    const s = runCached(large, "symbolic", dir, 120);
    const c = runCached(large, "compositional", dir, 120);
    const own = (r: Run) => Math.max(1, r.claims.reduce((a, x) => a + x.ms, 0)) / 1000;
    const ok = verdictOf(first) === "proved" && verdictOf(s) === "proved" && verdictOf(c) === "proved";
    const ratio = own(c) / own(s);
    log(`\nproofs/large with the obligation cache on, after a small ReLU claim of another file (the state of a suite that has run before):`);
    log(`  symbolic ${s.wall.toFixed(2)} s wall, claim ${own(s).toFixed(3)} s (lemmas cached: ${s.claims[0]?.obligations?.cached ?? 0}); compositional ${c.wall.toFixed(2)} s wall, claim ${own(c).toFixed(2)} s; claim ratio ${ratio.toFixed(0)}x, wall ratio ${(c.wall / s.wall).toFixed(0)}x${ok ? `; target >= 100x (claim): ${ratio >= 100 ? "met" : "NOT met"}` : `; verdicts ${verdictOf(first)} / ${verdictOf(s)} / ${verdictOf(c)}`}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

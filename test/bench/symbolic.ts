/**
 * Symbolic-strategy targets of the benchmark (issue 9), side by side with the compositional
 * strategy in the same run, each claim in a fresh process (start-up included) without cache:
 *
 * - proofs/large (784-1024-1024-1024-10, permutation and scaling of every hidden layer):
 *   symbolic at least 100x faster than compositional;
 * - ResNet-20 and BERT layer: likewise at least 100x; VGG-16 and the Q/K, V/O actions: the ratio;
 * - a Llama-style block at d_model 4096 (177M parameters): symbolic in under 5 s;
 * - the whole-group, every-width claims of proofs/14 (MLP, residual, CNN, attention): each
 *   under 1 s, start-up excluded (the claim's own time).
 *
 *   npm run bench -- --only symbolic
 */
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
  log("(claim: the claim's own time from the report, start-up and the solver's start excluded; medians of 3 alternating runs)");
  log(`${"network".padEnd(52)} ${"symbolic".padStart(9)} ${"claim".padStart(7)} ${"compositional".padStart(14)} ${"claim".padStart(8)} ${"ratio".padStart(7)} ${"claim ratio".padStart(11)}  verdicts`);
  const pairs: { network: string; file: string; target: number | null }[] = [
    { network: "proofs/large 784-1024-1024-1024-10 (perm + scaling)", file: path.join(ROOT, "proofs/large"), target: 100 },
    { network: "CIFAR ResNet-20", file: writeTemp(nets.resnet20()), target: 100 },
    { network: "BERT-base layer (768, 12 heads, 3072)", file: writeTemp(nets.bertLayer()), target: 100 },
    { network: "VGG-16 (CIFAR widths)", file: writeTemp(nets.vgg16()), target: null },
    { network: "Q/K and V/O actions, d_head 64", file: writeTemp(nets.attentionActions()), target: null },
  ];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const p of pairs) {
    // Three runs of each, alternating, and the medians: a claim of a few milliseconds is
    // easily doubled by one busy moment of the machine.
    const runs = p.network.startsWith("Q/K") ? 1 : 3;
    const sr: Run[] = [];
    const cr: Run[] = [];
    for (let i = 0; i < runs; i++) {
      sr.push(run(p.file, "symbolic", 120));
      cr.push(run(p.file, "compositional", 120));
    }
    const s = sr[0]!;
    const c = cr[0]!;
    const own = (r: Run) => Math.max(1, r.claims.reduce((a, x) => a + x.ms, 0)) / 1000;
    const sWall = median(sr.map((r) => r.wall));
    const cWall = median(cr.map((r) => r.wall));
    const sOwn = median(sr.map(own));
    const cOwn = median(cr.map(own));
    const ratio = cWall / sWall;
    const proved = (rs: Run[]) => rs.every((r) => verdictOf(r) === "proved");
    // A compositional run without a verdict has no claim time: its wall time is a lower bound.
    const claimRatio = (proved(cr) ? cOwn : cWall) / sOwn;
    const cText = proved(cr) ? cWall.toFixed(2) : `>${cWall.toFixed(0)} (${verdictOf(c)})`;
    const met = p.target === null ? "" : proved(sr) && proved(cr) ? `  target >= ${p.target}x (claim): ${claimRatio >= p.target ? "met" : "NOT met"}` : "";
    log(`${p.network.padEnd(52)} ${sWall.toFixed(2).padStart(9)} ${sOwn.toFixed(3).padStart(7)} ${cText.padStart(14)} ${cOwn.toFixed(2).padStart(8)} ${`${ratio.toFixed(0)}x`.padStart(7)} ${`${proved(cr) ? "" : ">"}${claimRatio.toFixed(0)}x`.padStart(11)}  ${verdictOf(s)} / ${verdictOf(c)}${met}`);
  }

  const llama = run(writeTemp(nets.llamaBlock(4, 4096, 8, 4, 128, 11008, 8)), "auto", 60);
  log(`\nLlama-style block, d_model 4096 (177M parameters), auto: ${llama.wall.toFixed(2)} s wall, ${verdictOf(llama)} by ${llama.claims[0]?.strategy ?? "-"}; target < 5 s: ${verdictOf(llama) === "proved" && llama.wall < 5 ? "met" : "NOT met"}`);

  const every = run(path.join(ROOT, "proofs/14_every_width.neq"), "auto", 30);
  log("\nwhole-group, every-width claims (proofs/14), the claim's own time (start-up excluded); target < 1 s each");
  for (const c of every.claims) log(`  ${c.name.padEnd(24)} ${c.verdict.padEnd(9)} ${(c.ms / 1000).toFixed(2).padStart(6)} s  ${c.strategy ?? ""}${c.verdict === "proved" ? (c.ms < 1000 ? "  met" : "  NOT met") : ""}`);
}

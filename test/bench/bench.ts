/**
 * neteq benchmark: monolithic vs compositional, side by side in one run, on the same
 * claims -- permutation, ReLU positive scaling and tanh sign flip of every hidden layer --
 * for MLPs w -> w -> ... -> w -> 10 of depth 1, 2, 4, 8 and widths 2 .. 4096.
 *
 *   npm run bench                     the table, then the targets
 *   npm run bench -- --json           one JSON object per row
 *   npm run bench -- --quick          depths 1, 2 and widths up to 256
 *   npm run bench -- --max-params N   largest network for the compositional strategy (default 9e6)
 *   npm run bench -- --kinds a,b      only these claim families (permutation, relu-scaling,
 *                                     relu-scaling-2, tanh-flip, permutation+relu-scaling)
 *   npm run bench -- --only tensors   only the tensor targets (tensors.ts): architectures in a
 *                                     fresh process, and conv / attention side by side
 *   npm run bench -- --only mlp       only the MLP table
 *   npm run bench -- --only startup   only start-up and rerun times (startup.ts)
 *   npm run bench -- --only align     only neteq align on a planted 784-512-512-512-10 MLP (align.ts)
 *   npm run bench -- --only symbolic  only the symbolic strategy against compositional (symbolic.ts)
 *   npm run bench -- --only large     only proofs/large in a fresh process
 *   npm run bench -- --only ratios    only monolithic vs compositional on conv / attention
 *   npm run bench -- --baseline DIR   also run the fresh-process rows (proofs/large, the
 *                                     architectures) with the checkout at DIR (e.g. a
 *                                     `git worktree` of main with node_modules), side by side
 *
 * The monolithic strategy gets a 60 s wall per claim; after its first failure at a depth it
 * is not run on wider networks of that depth. The last row checks proofs/large (2.9M
 * parameters) in a fresh process, start-up included.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { checkWith } from "../../src/check.ts";
import { resolveOptions } from "../../src/options.ts";
import { Session } from "../../src/session.ts";
import { architectureTargets, freshFile, sideBySide } from "./tensors.ts";
import { permutation } from "./networks.ts";
import { startupTargets } from "./startup.ts";
import { alignTargets } from "./align.ts";
import { symbolicTargets } from "./symbolic.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const json = args.includes("--json");
const quick = args.includes("--quick");
const maxParamsArg = args.indexOf("--max-params");
const MAX_PARAMS = maxParamsArg >= 0 ? Number(args[maxParamsArg + 1]) : 9e6;
const MONOLITHIC_WALL_S = 60;
const baselineArg = args.indexOf("--baseline");
/** A second checkout to run the fresh-process rows with, side by side (absolute path). */
const BASELINE = baselineArg >= 0 ? path.resolve(args[baselineArg + 1]!) : null;

/**
 * relu-scaling: every hidden unit by its own symbolic factor c > 0 (the strongest claim);
 * relu-scaling-2: every hidden unit by the constant 2 (gives the monolithic strategy a chance).
 */
type Kind = "permutation" | "relu-scaling" | "relu-scaling-2" | "tanh-flip" | "permutation+relu-scaling";
const ALL_KINDS: Kind[] = ["permutation", "relu-scaling", "relu-scaling-2", "tanh-flip", "permutation+relu-scaling"];
const kindsArg = args.indexOf("--kinds");
const KINDS: Kind[] = kindsArg >= 0 ? (args[kindsArg + 1]!.split(",") as Kind[]).filter((k) => ALL_KINDS.includes(k)) : ALL_KINDS;
const DEPTHS = quick ? [1, 2] : [1, 2, 4, 8];
const WIDTHS = Array.from({ length: quick ? 8 : 12 }, (_, i) => 2 ** (i + 1));

interface Row {
  case: string;
  kind: Kind;
  depth: number;
  width: number;
  strategy: "monolithic" | "compositional";
  params: number;
  obligations: number;
  distinct: number;
  ms: number;
  verdict: string;
  reason?: string;
}

const paramsOf = (w: number, depth: number) => depth * (w * w + w) + (10 * w + 10);

function claimText(kind: Kind, w: number, depth: number): string {
  const widths = [w, ...Array(depth).fill(w), 10].join(" -> ");
  const layers = Array.from({ length: depth }, (_, l) => l + 1);
  const act = kind === "tanh-flip" ? "tanh" : kind === "permutation" ? "sigma" : "relu";
  const perms = layers.map((l) => `permute N.h${l} by [${permutation(w, l).join(", ")}]`).join(" then ");
  const head = `${kind === "permutation" ? "activation sigma\n" : ""}network N = mlp(${widths}, ${act})\n`;
  if (kind === "permutation") return head + `theorem t: N ~ N after ${perms}\n`;
  if (kind === "permutation+relu-scaling")
    return head + `symmetry s(${layers.map((l) => `c${l}[${w}] > 0`).join(", ")}) = ${perms} then ${layers.map((l) => `scale N.h${l} by c${l}`).join(" then ")}\ntheorem t: N ~ N after s\n`;
  if (kind === "tanh-flip") return head + `theorem t: N ~ N after ${layers.map((l) => `flip N.h${l}`).join(" then ")}\n`;
  if (kind === "relu-scaling-2") return head + `theorem t: N ~ N after ${layers.map((l) => `scale N.h${l} by 2`).join(" then ")}\n`;
  return head + `symmetry s(${layers.map((l) => `c${l}[${w}] > 0`).join(", ")}) = ${layers.map((l) => `scale N.h${l} by c${l}`).join(" then ")}\ntheorem t: N ~ N after s\n`;
}

async function measure(session: Session, kind: Kind, w: number, depth: number): Promise<Row> {
  const text = claimText(kind, w, depth);
  const started = Date.now();
  const report = await checkWith(session, [{ path: `${kind}-d${depth}-w${w}.neq`, text }]);
  const ms = Date.now() - started;
  const c = report.files[0]!.claims[0]!;
  const strategy = session.options.strategy as Row["strategy"];
  return {
    case: `${kind} depth ${depth} width ${w}`,
    kind,
    depth,
    width: w,
    strategy,
    params: paramsOf(w, depth),
    obligations: c.obligations?.total ?? 1,
    distinct: c.obligations?.distinct ?? 1,
    ms,
    verdict: c.verdict,
    ...(c.reason ? { reason: c.reason } : {}),
  };
}

const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n));
const cols = ["case", "params", "obligations", "distinct", "monolithic ms", "compositional ms", "ratio"];
const widthsOf = [34, 9, 12, 9, 22, 17, 9];
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widthsOf[i]!) : c.padStart(widthsOf[i]!))).join(" ");

async function main(): Promise<void> {
  const jobs = undefined;
  // The falsifier is off in both: the table compares the strategies themselves.
  const mono = new Session(resolveOptions({ strategy: "monolithic", timeout: MONOLITHIC_WALL_S, cache: false, jobs, falsify: false }).options);
  const comp = new Session(resolveOptions({ strategy: "compositional", timeout: 600, cache: false, jobs, falsify: false }).options);
  const rows: Row[] = [];
  // Warm up both sessions (start their solver workers) before measuring.
  for (const sess of [mono, comp]) await checkWith(sess, [{ path: "warm-up.neq", text: claimText("tanh-flip", 2, 1) }]);
  if (!json) {
    console.log(`neteq benchmark: w -> (w x depth) -> 10 MLPs; monolithic wall ${MONOLITHIC_WALL_S} s; compositional up to ${fmt(MAX_PARAMS)} parameters; falsifier off; cache off`);
    console.log(line(cols));
  }
  try {
    for (const kind of KINDS) {
      for (const depth of DEPTHS) {
        let monolithicStopped = false;
        for (const w of WIDTHS) {
          const params = paramsOf(w, depth);
          if (params > MAX_PARAMS && monolithicStopped) break;
          const m = monolithicStopped ? null : await measure(mono, kind, w, depth);
          if (m && m.verdict !== "proved") monolithicStopped = true;
          const c = params <= MAX_PARAMS ? await measure(comp, kind, w, depth) : null;
          for (const r of [m, c]) if (r) rows.push(r);
          if (json) for (const r of [m, c]) r && console.log(JSON.stringify(r));
          else {
            const ratio = m && c && m.verdict === "proved" && c.verdict === "proved" ? `${(m.ms / c.ms).toFixed(1)}x` : "";
            const monoCell = m ? (m.verdict === "proved" ? String(m.ms) : `${m.verdict} (${(m.ms / 1000).toFixed(0)} s)`) : "-";
            const compCell = c ? (c.verdict === "proved" ? String(c.ms) : c.verdict) : "-";
            console.log(line([`${kind} d${depth} w${w}`, fmt(params), String(c?.obligations ?? m?.obligations ?? ""), String(c?.distinct ?? ""), monoCell, compCell, ratio]));
          }
        }
      }
    }
  } finally {
    await Promise.all([mono.close(), comp.close()]);
  }
  largeTarget();
  if (!json) summarise(rows);
}

/**
 * The headline target: proofs/large (784-1024-1024-1024-10, permutation and per-unit ReLU
 * scaling) in a fresh process, start-up included, under `auto` (the symbolic strategy first)
 * and under `--strategy compositional` (issue 12's target: 10x the 27.9 s the issue measured,
 * so under 2.8 s); with --baseline, the baseline checkout and this one alternately (3 runs
 * each, medians), side by side.
 */
function largeTarget(): void {
  const file = path.join(ROOT, "proofs/large");
  const runs = BASELINE ? 3 : 1;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const strategy of ["auto", "compositional"]) {
    const extra = strategy === "auto" ? [] : ["--strategy", strategy];
    const now: number[] = [];
    const was: number[] = [];
    let verdict = "";
    let before = "";
    for (let i = 0; i < runs; i++) {
      if (BASELINE) {
        const b = freshFile(file, 120, BASELINE, extra);
        was.push(b.seconds);
        before = b.verdicts.join(", ");
      }
      const r = freshFile(file, 120, ROOT, extra);
      now.push(r.seconds);
      verdict = r.verdicts.join(", ");
    }
    const row = { case: "proofs/large (784-1024-1024-1024-10, cold start)", strategy: `${strategy} (CLI)`, params: 2_919_434, ms: Math.round(median(now) * 1000), verdict, ...(BASELINE ? { baselineMs: Math.round(median(was) * 1000), baselineVerdict: before } : {}) };
    if (json) {
      console.log(JSON.stringify(row));
      continue;
    }
    const side = BASELINE ? `; baseline ${before} in ${median(was).toFixed(1)} s, ${(median(was) / median(now)).toFixed(1)}x (medians of ${runs}, alternating)` : "";
    const target = strategy === "auto" ? "target: under 60 s" : `target: under 2.8 s (10x the issue's 27.9 s): ${verdict === "proved" && median(now) < 2.8 ? "met" : "NOT met"}`;
    console.log(`\n${row.case}, ${row.strategy}: ${verdict} in ${median(now).toFixed(1)} s${side} (${target})`);
  }
}

/** The targets: linear growth of the compositional time; speed-up at monolithic's limit. */
function summarise(rows: Row[]): void {
  for (const kind of KINDS) {
    const comp = rows.filter((r) => r.kind === kind && r.strategy === "compositional" && r.verdict === "proved" && r.params >= 1e5);
    if (comp.length >= 2) {
      const xs = comp.map((r) => Math.log(r.params));
      const ys = comp.map((r) => Math.log(r.ms));
      const mx = xs.reduce((a, b) => a + b) / xs.length;
      const my = ys.reduce((a, b) => a + b) / ys.length;
      const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
      const rate = comp.map((r) => r.ms / (r.params / 1e6));
      console.log(`${kind}: compositional time ~ params^${slope.toFixed(2)} over ${comp.length} networks with >= 100k parameters (${Math.min(...rate).toFixed(0)}-${Math.max(...rate).toFixed(0)} ms per million parameters)`);
    }
    const both = rows.filter((r) => r.kind === kind && r.strategy === "monolithic" && r.verdict === "proved");
    const largest = both.sort((a, b) => b.params - a.params)[0];
    if (largest) {
      const c = rows.find((r) => r.strategy === "compositional" && r.case === largest.case);
      if (c) console.log(`${kind}: at the largest network monolithic proves within ${MONOLITHIC_WALL_S} s (${largest.case}, ${fmt(largest.params)} parameters): monolithic ${largest.ms} ms, compositional ${c.ms} ms, ${(largest.ms / c.ms).toFixed(1)}x`);
    }
  }
}

const only = args.indexOf("--only") >= 0 ? args[args.indexOf("--only") + 1] : null;
if (only === null || only === "mlp") await main();
if (only === "large") largeTarget();
if (only === null || only === "startup") {
  console.log("\nStart-up and reruns (whole processes, median wall time):");
  startupTargets((s) => console.log(s));
}
if (only === null || only === "tensors") {
  console.log("\nTensor targets (fresh process each, start-up included; 120 s per claim):");
  architectureTargets((s) => console.log(s), BASELINE);
}
if (only === null || only === "tensors" || only === "ratios") {
  console.log("\nMonolithic vs compositional, side by side (falsifier and cache off; monolithic wall 60 s; warm sessions):");
  console.log(`${"family".padEnd(30)} ${"size".padStart(4)}  ${"params".padStart(8)}  ${"monolithic".padStart(14)}  ${"compositional".padStart(10)}`);
  await sideBySide((s) => console.log(s));
}
if (only === null || only === "symbolic") symbolicTargets((s) => console.log(s));
if (only === null || only === "align") {
  console.log("\nneteq align targets:");
  alignTargets((s) => console.log(s));
}

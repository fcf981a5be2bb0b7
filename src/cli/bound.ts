/**
 * `neteq bound <file> <network>`: covering-number bounds (Lemmas 1-4) of an mlp, for the
 * network as declared or over a sweep of hidden widths, as a table, JSON, or an SVG plot; and
 * of any other network as declared (one row, its permutation classes listed).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { boundTable, widthSweep, type BoundRow } from "../covering/boundTable.ts";
import { boundPanels, renderPlot } from "../covering/plot.ts";
import { formatNumber } from "../covering/renderBoundTable.ts";
import { renderDiagnostic } from "../diagnostics/render.ts";
import { elaborate } from "../elaborate/elaborate.ts";
import { networkQuantities } from "../covering/networkQuantities.ts";
import type { Module, Network } from "../elaborate/types.ts";
import { Rational } from "../numeric/rational.ts";
import { Rng } from "../numeric/rng.ts";
import { load } from "../syntax/load.ts";
import { LIMITS } from "../limits.ts";
import { importReader, readCommandLineFile } from "./files.ts";
import { argsError, type Io } from "./main.ts";
import { table } from "../report/table.ts";

const fail = (io: Io, message: string): number => {
  io.stderr(`neteq: error CLI003: ${message}\nusage: neteq bound <file> <network> [--B b] [--eps e] [--rho r] [--widths a..b | w1,w2,...] [--samples n] [--json] [--plot out.svg]\n`);
  return 2;
};

/** "10..1000": about a dozen widths spaced geometrically; "8,16,32": exactly these. */
export function parseWidths(text: string): number[] | null {
  const range = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(text);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (a < 1 || b < a) return null;
    const steps = Math.min(12, b - a + 1);
    const out = new Set<number>();
    for (let k = 0; k < steps; k++) out.add(Math.round(steps === 1 ? a : a * (b / a) ** (k / (steps - 1))));
    return [...out].sort((x, y) => x - y);
  }
  const list = text.split(",").map((x) => Number(x.trim()));
  return list.length > 0 && list.every((x) => Number.isInteger(x) && x >= 1) ? list : null;
}

function rational(io: Io, flag: string, v: string | undefined): Rational | null | undefined {
  if (v === undefined) return undefined;
  const r = Rational.parse(v);
  if (!r || r.sign() <= 0) {
    fail(io, `--${flag}: expected a positive number, got ${JSON.stringify(v)}`);
    return null;
  }
  return r;
}

/** Why an SVG cannot be written to `target` (checked before any computation), or null. */
function plotTargetProblem(target: string): string | null {
  try {
    if (fs.statSync(target).isDirectory()) return "it is a folder";
  } catch {
    // does not exist yet: its folder must
  }
  try {
    if (!fs.statSync(path.dirname(target)).isDirectory()) return `${path.dirname(target)} is not a folder`;
  } catch {
    return `the folder ${path.dirname(target)} does not exist`;
  }
  return null;
}

/**
 * Any network not declared with mlp(...): one row, Lambda from its per-layer factors and the
 * group from its free permutation classes (covering/networkQuantities.ts); a network without a
 * rigorous Lambda is refused with the reason, naming the tensor.
 */
function otherNetwork(io: Io, net: Network, name: string, o: { B: Rational | undefined; eps: Rational | undefined; rho: Rational | undefined; samples: number; seed: number; sweep: boolean; json: boolean; widths: string | undefined; plot: string | undefined }, family: Family | undefined): number {
  if (o.rho) return fail(io, `--rho sets the activation constant of an mlp(...) network; the per-layer constants of ${name} come from its operations`);
  if (o.sweep) {
    if (!family) return fail(io, `--widths and --plot sweep the hidden widths of an mlp(...) network, or the sizes of a network family (network ${name}(n) = ...); ${name} is neither`);
    return familySweep(io, name, family, o);
  }
  const B = o.B ?? Rational.ONE;
  const eps = o.eps ?? Rational.of(1, 100);
  const q = networkQuantities(net, B, eps, o.samples, new Rng(o.seed));
  if ("refusal" in q) {
    io.stderr(`neteq: error CLI003: no rigorous covering bound is known for ${name}: ${q.refusal}\n`);
    return 2;
  }
  const classes = q.classes.map((c) => ({ where: c.where, size: c.size, key: c.key, params: c.params }));
  if (o.json) {
    io.stdout(JSON.stringify({ network: name, B: String(B), eps: String(eps), rows: [{ classes, ...q.values }], notes: q.notes }, null, 2) + "\n");
    return 0;
  }
  const v = q.values;
  const mc = o.samples > 0 && q.monteCarlo ? `${formatNumber(v.volume_mc)} [${formatNumber(v.volume_mc_low)}, ${formatNumber(v.volume_mc_high)}]` : "-";
  const head = ["S", "log10 Lambda", "log10 N classical", "log10 N reduced", "gap (log10)", "log10 |G|", "volume fraction", "MC estimate [99.9%]"];
  const row = [formatNumber(v.S), formatNumber(v.log10_Lambda), formatNumber(v.log10_classical), formatNumber(v.log10_reduced), formatNumber(v.log10_gain), formatNumber(v.log10_group_order), v.volume > 0 ? formatNumber(v.volume) : `10^${formatNumber(v.log10_volume)}`, mc];
  const classTable = classes.length ? table([["permutation class", "size", "sorted by", "parameter axes"], ...classes.map((c) => [c.where, String(c.size), c.key ?? "- (no reduction)", c.params.join(", ")])]) : "no free permutation class";
  io.stdout(`${name}: B = ${B}, eps = ${eps}; Lambda from the per-layer factors (README, Covering-number lemmas)\n${table([head, row])}\n${classTable}\n${q.notes.slice(1).map((n) => `note: ${n}\n`).join("")}`);
  return 0;
}

type Family = NonNullable<Module["families"]> extends ReadonlyMap<string, infer F> ? F : never;

/**
 * A network family swept over its sizes (every size equal to the swept width): one row per
 * width, each member's quantities as for any network (`networkQuantities`), as a table, JSON
 * or the plot of an mlp(...) sweep.
 */
function familySweep(io: Io, name: string, family: Family, o: { B: Rational | undefined; eps: Rational | undefined; samples: number; seed: number; json: boolean; widths: string | undefined; plot: string | undefined }): number {
  const ws = parseWidths(o.widths ?? "1..64");
  if (!ws) return fail(io, `--widths: expected a range a..b or a list w1,w2,..., got ${JSON.stringify(o.widths)}`);
  if (ws.length > LIMITS.widths) return fail(io, `--widths: at most ${LIMITS.widths} widths, got ${ws.length}`);
  if (ws.some((w) => w > LIMITS.dimension)) return fail(io, `--widths: widths may be at most ${LIMITS.dimension}, got ${Math.max(...ws)}`);
  const B = o.B ?? Rational.ONE;
  const eps = o.eps ?? Rational.of(1, 100);
  const sizes = family.sizes.join(" = ");
  const rows: (BoundRow & { classes: number })[] = [];
  for (const w of ws) {
    const member = family.at(family.sizes.map(() => w));
    if (!member) return fail(io, `${name}(${family.sizes.map(() => w).join(", ")}) does not elaborate (${sizes} = ${w}); sweep sizes where the family is defined`);
    const q = networkQuantities(member, B, eps, o.samples, new Rng(o.seed));
    if ("refusal" in q) {
      io.stderr(`neteq: error CLI003: no rigorous covering bound is known for ${name} at ${sizes} = ${w}: ${q.refusal}\n`);
      return 2;
    }
    rows.push({ widths: [w], width: w, values: q.values as BoundRow["values"], classes: q.classes.length });
  }
  if (o.plot) {
    const svg = renderPlot(boundPanels(rows, true), { title: `Covering numbers of the family ${name}(${family.sizes.join(", ")})`, subtitle: `B = ${B}, eps = ${eps}; every size ${sizes} = w; classical m^S (Lemma 2) vs symmetry-reduced (Lemma 3)`, xLabel: `${sizes} = w` });
    try {
      fs.writeFileSync(path.resolve(io.cwd, o.plot), svg);
    } catch (e) {
      return fail(io, `--plot: cannot write ${o.plot}: ${(e as { code?: string }).code ?? String(e)}`);
    }
  }
  if (o.json) {
    io.stdout(JSON.stringify({ network: name, sizes: family.sizes, B: String(B), eps: String(eps), rows: rows.map((r) => ({ size: r.width, classes: r.classes, ...r.values })) }, null, 2) + "\n");
    return 0;
  }
  const head = [sizes, "S", "log10 Lambda", "log10 N classical", "log10 N reduced", "gap (log10)", "log10 |G|", "volume fraction"];
  const body = rows.map((r) => {
    const v = r.values;
    return [String(r.width), formatNumber(v.S), formatNumber(v.log10_Lambda), formatNumber(v.log10_classical), formatNumber(v.log10_reduced), formatNumber(v.log10_gain), formatNumber(v.log10_group_order), v.volume > 0 ? formatNumber(v.volume) : `10^${formatNumber(v.log10_volume)}`];
  });
  io.stdout(`${name}(${family.sizes.join(", ")}): B = ${B}, eps = ${eps}; every size equal to the swept width; Lambda from the per-layer factors\n${table([head, ...body])}\n`);
  if (o.plot) io.stdout(`plot written to ${o.plot}\n`);
  return 0;
}

export async function boundCommand(args: readonly string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { B: { type: "string" }, eps: { type: "string" }, rho: { type: "string" }, widths: { type: "string" }, samples: { type: "string" }, json: { type: "boolean" }, plot: { type: "string" }, seed: { type: "string" } },
    });
  } catch (e) {
    return fail(io, argsError(e));
  }
  const v = parsed.values;
  if (parsed.positionals.length !== 2) return fail(io, "bound takes a file and a network name");
  const [file, netName] = parsed.positionals as [string, string];
  const B = rational(io, "B", v.B);
  const eps = rational(io, "eps", v.eps);
  const rho = rational(io, "rho", v.rho);
  if (B === null || eps === null || rho === null) return 2;
  const samples = v.samples === undefined ? 20_000 : Number(v.samples);
  if (!Number.isInteger(samples) || samples < 0) return fail(io, `--samples: expected a whole number, got ${JSON.stringify(v.samples)}`);
  if (samples > LIMITS.samples) return fail(io, `--samples: at most ${LIMITS.samples} draws, got ${v.samples}`);
  const seed = v.seed === undefined ? 1 : Number(v.seed);
  if (!Number.isInteger(seed) || seed < 0) return fail(io, `--seed: expected a whole number, got ${JSON.stringify(v.seed)}`);
  if (v.plot !== undefined) {
    const problem = plotTargetProblem(path.resolve(io.cwd, v.plot));
    if (problem) return fail(io, `--plot: cannot write ${v.plot}: ${problem}`);
  }
  const source = readCommandLineFile(file, io.cwd);
  if ("diagnostic" in source) {
    io.stderr(renderDiagnostic(source.diagnostic, new Map()).replace(/^<command line>:1:1: /, "neteq: ") + "\n");
    return 2;
  }
  const loaded = load(file, source.text, importReader(io.cwd));
  const module = elaborate(loaded);
  const errors = module.diagnostics.filter((d) => d.severity === "error");
  if (errors.length) {
    for (const d of errors) io.stderr(renderDiagnostic(d, loaded.sources) + "\n");
    return 2;
  }
  const net = module.networks.get(netName);
  if (!net) return fail(io, `${file} declares no network ${netName}${module.networks.size ? `; its networks are ${[...module.networks.keys()].join(", ")}` : ""}`);
  const family = module.families?.get(netName);
  if (!net.mlp || family) return otherNetwork(io, net, netName, { B, eps, rho, samples, seed, sweep: v.widths !== undefined || v.plot !== undefined, json: v.json === true, widths: v.widths as string | undefined, plot: v.plot as string | undefined }, family);
  const widths = net.mlp.widths;
  const depth = widths.length - 2;
  let sweep: number[][] = [[...widths]];
  if (v.widths !== undefined) {
    const ws = parseWidths(v.widths);
    if (!ws) return fail(io, `--widths: expected a range a..b or a list w1,w2,..., got ${JSON.stringify(v.widths)}`);
    if (ws.length > LIMITS.widths) return fail(io, `--widths: at most ${LIMITS.widths} widths, got ${ws.length}`);
    if (ws.some((w) => w > LIMITS.dimension)) return fail(io, `--widths: widths may be at most ${LIMITS.dimension}, got ${Math.max(...ws)}`);
    if (depth === 0) return fail(io, `${netName} has no hidden layer to sweep`);
    sweep = widthSweep(widths[0]!, widths[widths.length - 1]!, depth, ws);
  }
  let rows: BoundRow[];
  let plotSweep: BoundRow[] | null = null;
  try {
    rows = boundTable({ sweep, activation: net.mlp.activations[0]!, ...(B ? { B } : {}), ...(eps ? { eps } : {}), ...(rho ? { rho } : {}), samples, seed });
  } catch (e) {
    return fail(io, e instanceof RangeError ? `${e.message} (give --rho)` : String(e));
  }
  if (v.plot) {
    // A plot against width needs several widths: without --widths, sweep around the
    // declared width (from w/32 to 2w, including w).
    if (v.widths === undefined && depth > 0) {
      const w = Math.max(...widths.slice(1, -1));
      const ws = [...new Set([...parseWidths(`${Math.max(1, Math.round(w / 32))}..${2 * w}`)!, w])].sort((a, b) => a - b);
      const plotRows = boundTable({ sweep: widthSweep(widths[0]!, widths[widths.length - 1]!, depth, ws), activation: net.mlp.activations[0]!, ...(B ? { B } : {}), ...(eps ? { eps } : {}), ...(rho ? { rho } : {}), samples: 0, seed });
      plotSweep = plotRows;
    }
    const title = `Covering numbers of ${sweep.length > 1 ? `${widths[0]}-${Array(depth).fill("w").join("-")}-${widths[widths.length - 1]}` : widths.join("-")} ${net.mlp.activations[0]!.name} networks`;
    const subtitle = `B = ${B ?? 1}, eps = ${eps ?? "1/100"}; classical bound m^S (Lemma 2) vs symmetry-reduced (Lemma 3); effective volume 1/prod d_l! (Lemma 4)`;
    const swept = plotSweep !== null;
    const plotTitle = swept ? `Covering numbers of ${widths[0]}-${Array(depth).fill("w").join("-")}-${widths[widths.length - 1]} ${net.mlp.activations[0]!.name} networks (declared: w = ${Math.max(...widths.slice(1, -1))})` : title;
    const svg = renderPlot(boundPanels(plotSweep ?? rows, true), { title: plotTitle, subtitle, xLabel: "hidden width w" });
    try {
      fs.writeFileSync(path.resolve(io.cwd, v.plot), svg);
    } catch (e) {
      return fail(io, `--plot: cannot write ${v.plot}: ${(e as { code?: string }).code ?? String(e)}`);
    }
  }
  if (v.json) {
    io.stdout(JSON.stringify({ network: netName, B: String(B ?? 1), eps: String(eps ?? "1/100"), rows: rows.map((r) => ({ widths: r.widths, ...r.values })) }, null, 2) + "\n");
    return 0;
  }
  const head = ["widths", "S", "log10 Lambda", "log10 N classical", "log10 N reduced", "gap (log10)", "gap share", "volume fraction", "MC estimate [99.9%]"];
  const body = rows.map((r) => {
    const q = r.values;
    const mc = samples > 0 ? `${formatNumber(q.volume_mc)} [${formatNumber(q.volume_mc_low)}, ${formatNumber(q.volume_mc_high)}]` : "-";
    return [r.widths.join("-"), formatNumber(q.S), formatNumber(q.log10_Lambda), formatNumber(q.log10_classical), formatNumber(q.log10_reduced), formatNumber(q.log10_gain), formatNumber(q.gain_share), q.volume > 0 ? formatNumber(q.volume) : `10^${formatNumber(q.log10_volume)}`, mc];
  });
  io.stdout(`${netName}: B = ${B ?? 1}, eps = ${eps ?? "1/100"}, rho = ${rho ?? "the activation's Lipschitz constant"}\n${table([head, ...body])}\n`);
  if (v.plot) io.stdout(`plot written to ${v.plot}\n`);
  return 0;
}

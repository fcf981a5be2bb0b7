/**
 * `neteq align <A> <B> --net <file>:<network>`: is B = g A for a symmetry g of the network?
 * Exit 0 when certified functionally identical, 1 when not (or not certified), 2 on input
 * errors. `neteq align --apply g.json <A> -o out.safetensors` writes g A;
 * `neteq canonicalise <A> --net ... -o out.json` writes A's orbit representative.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadNetwork, loadParams, type Loaded } from "../align/load.ts";
import { residuals, type Residual } from "../align/near.ts";
import { outputDifference, type OutputDifference } from "../align/difference.ts";
import { planFor, type AnyGroup, type Plan, type Theorem, type Unmatched } from "../align/plan.ts";
import type { ExactCheck, Tie } from "../align/types.ts";
import { resolveOptions } from "../options.ts";
import { table } from "../report/table.ts";
import { readMap, type Source } from "../weights/mapping.ts";
import { allFloat32 } from "../weights/floats.ts";
import { floatBytes, writeSafetensors } from "../weights/safetensors.ts";
import { jsonTooLarge, writeJsonWeights } from "../weights/writeJson.ts";
import { WEIGHT_LIMITS } from "../weights/limits.ts";
import { importReader } from "./files.ts";
import { argsError, type Io } from "./main.ts";

/** Default tolerance for near-images: B within this many ulps of g A in every tensor. */
const DEFAULT_ULPS = 8;

const USAGE_ALIGN = "usage: neteq align <A> <B> --net <file>:<network> [--map m.json] [--map-b m.json] [--json] [--no-cache] [--ulps N]\n       neteq align --apply <g.json> <A> --net <file>:<network> -o <out.safetensors|out.json>\n       neteq canonicalise <A> --net <file>:<network> -o <out.json|out.safetensors> [--keep-scales]";

const fail = (io: Io, message: string, code = "CLI003"): number => {
  io.stderr(`neteq: error ${code}: ${message}\n${USAGE_ALIGN}\n`);
  return 2;
};
const inputErrors = (io: Io, messages: readonly string[]): number => {
  for (const m of messages) io.stderr(`neteq: error CLI001: ${m}\n`);
  return 2;
};

function parse(args: readonly string[], io: Io) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: { net: { type: "string" }, map: { type: "string" }, "map-b": { type: "string" }, json: { type: "boolean" }, apply: { type: "string" }, o: { type: "string", short: "o" }, "no-cache": { type: "boolean" }, "cache-dir": { type: "string" }, ulps: { type: "string" }, "keep-scales": { type: "boolean" } },
    });
  } catch (e) {
    fail(io, argsError(e));
    return null;
  }
}

function maps(io: Io, v: { map?: string; "map-b"?: string }): { a: Map<string, Source>; b: Map<string, Source> } | null {
  const read = (f: string | undefined) => (f === undefined ? { map: new Map<string, Source>() } : readMap(f, io.cwd));
  const a = read(v.map);
  const b = v["map-b"] === undefined ? a : read(v["map-b"]);
  if ("message" in a || "message" in b) {
    inputErrors(io, ["message" in a ? a.message : (b as { message: string }).message]);
    return null;
  }
  return { a: a.map, b: b.map };
}

/** Why `out` cannot be written, checked before any work. */
function outputProblem(out: string | undefined, cwd: string): string | null {
  if (out === undefined) return "-o <out.json> or -o <out.safetensors> is required";
  if (!out.endsWith(".safetensors") && !out.endsWith(".json")) return `-o ${out}: the output is written as JSON (exact rationals) or safetensors (floats); name it *.json or *.safetensors`;
  const dir = path.dirname(path.resolve(cwd, out));
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return `-o ${out}: the folder ${path.dirname(out)} does not exist`;
  return null;
}

export async function alignCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args, io);
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.net === undefined) return fail(io, "--net <file>:<network> is required (the network whose symmetries are used)");
  if (v.apply !== undefined) return applyCommand(v.apply, parsed.positionals, v, io);
  if (parsed.positionals.length !== 2) return fail(io, "align takes two weight files A and B");
  if (v.o !== undefined) return fail(io, "-o is for --apply (align itself writes nothing)");
  const tolerance = v.ulps === undefined ? DEFAULT_ULPS : Number(v.ulps);
  if (!Number.isFinite(tolerance) || tolerance < 0) return fail(io, `--ulps: expected a number of ulps >= 0, got ${JSON.stringify(v.ulps)}`);
  const m = maps(io, v);
  if (!m) return 2;
  const netR = loadNetwork(v.net, io.cwd);
  if ("messages" in netR) return inputErrors(io, netR.messages);
  const net = netR.net;
  const plan = planFor(net, netR.file, io.cwd, importReader(io.cwd));
  const [fa, fb] = parsed.positionals as [string, string];
  const a = loadParams(fa, net, m.a, io.cwd);
  const b = loadParams(fb, net, m.b, io.cwd);
  const problems = [...("messages" in a ? a.messages : []), ...("messages" in b ? b.messages : [])];
  if (problems.length || "messages" in a || "messages" in b) return inputErrors(io, problems);
  const started = Date.now();
  const files = { A: { path: fa, sha256: a.loaded.checkpoint.sha256 }, B: { path: fb, sha256: b.loaded.checkpoint.sha256 } };
  const A = a.loaded.values;
  const B = b.loaded.values;
  const found = plan.match(A, B);
  const exact = "g" in found ? plan.verify(found.g, A, B) : null;
  if ("g" in found && exact && exact.mismatches === 0) {
    const { options } = resolveOptions({ cache: !v["no-cache"], ...(v["cache-dir"] ? { cacheDir: v["cache-dir"] } : {}) }, io.cwd);
    const theorem = await plan.theorem(found.g, options);
    return report(io, v, plan, { network: net.name, files, g: found.g, ties: found.ties, exact, theorem, near: null, noMatch: null, started, tolerance, difference: null, notes: [], undecided: null });
  }
  // No exact g: the nearest one by assignment, reported with its residual (never as exact).
  // Only JSON decimals can hold values that are not floats: other tensors are not read for this.
  const floats = [a.loaded, b.loaded].every((l) => l.params.every((p) => p.tensor.dtype !== "decimal" || l.values.get(p.name)!.floats));
  // Checked before any of its work: over NEAR_LIMITS, near-images are not searched (undecided below).
  const tooLarge = floats ? plan.nearTooLarge() : null;
  const near = floats && tooLarge === null ? plan.near(A, B) : null;
  // Where B and the nearest g A differ, entry by entry (exactly), to locate the difference;
  // only for permutations (an MLP's nearest scales are float estimates: every entry would differ).
  const nearReport = near && near.gA.size ? { g: near.g, residuals: residuals(near.gA, B), check: near.g.kind === "tensor" ? plan.verify(near.g, A, B) : null } : null;
  // Evidence of how differently A and B compute (float64 evaluations, not a proof).
  const difference = outputDifference(net, A, B, exact?.first ?? nearReport?.check?.first ?? []);
  const exactUndecided = ("g" in found ? found.undecided : found.noMatch.undecided) ?? null;
  // No exact image, and B = g A up to rounding not searched: nothing is decided.
  const undecided = tooLarge === null ? exactUndecided : `${exactUndecided ?? "no g maps A to B exactly (that search was exhaustive)"}; whether B = g A up to rounding was not searched: ${tooLarge}`;
  return report(io, v, plan, { network: net.name, files, g: "g" in found ? found.g : null, ties: "g" in found ? found.ties : [], exact, theorem: null, near: nearReport, noMatch: "noMatch" in found ? found.noMatch : null, started, tolerance, difference, notes: "g" in found ? (found.notes ?? []) : [], undecided });
}

/** Everything one alignment found, for the text and JSON reports. */
interface Outcome {
  readonly network: string;
  readonly files: unknown;
  readonly g: AnyGroup | null;
  readonly ties: readonly Tie[];
  readonly exact: ExactCheck | null;
  readonly theorem: Theorem | null;
  readonly near: { readonly g: AnyGroup; readonly residuals: readonly Residual[]; readonly check: ExactCheck | null } | null;
  readonly noMatch: Unmatched | null;
  readonly started: number;
  readonly tolerance: number;
  readonly difference: OutputDifference | { readonly skipped: string } | null;
  readonly notes: readonly string[];
  /** Why the matcher's failure does not prove that B is no image (plan.ts `Found`); null when it does. */
  readonly undecided: string | null;
}

/**
 * The verdict: only an exact image with a proved theorem is "functionally identical"; "not
 * an image" only when the matcher's search was exhaustive (its candidate was the only
 * possible g, or a unit of B has no counterpart in A); otherwise "undecided", with the reason.
 */
function verdictOf(o: Outcome): { verdict: string; code: number } {
  const proved = o.theorem !== null && ("identity" in o.theorem || ("proved" in o.theorem && o.theorem.proved));
  if (o.exact && o.exact.mismatches === 0) return proved ? { verdict: "functionally identical for all inputs", code: 0 } : { verdict: "exact image, theorem not proved", code: 1 };
  const worst = o.near ? Math.max(0, ...o.near.residuals.map((r) => r.maxUlps)) : Infinity;
  if (o.near && worst <= o.tolerance) return { verdict: `image up to a per-tensor residual of ${ulpsText(worst)} ulps`, code: 1 };
  if (o.undecided !== null) return { verdict: "undecided", code: 1 };
  return { verdict: "not an image", code: 1 };
}

const ulpsText = (x: number) => (Number.isInteger(x) ? String(x) : x < 10 ? x.toPrecision(2) : x.toFixed(0));

function report(io: Io, v: { json?: boolean }, plan: Plan, o: Outcome): number {
  const { verdict, code } = verdictOf(o);
  const ms = Date.now() - o.started;
  if (v.json) {
    const near = o.near && { g: plan.toJson(o.near.g), residuals: o.near.residuals, check: o.near.check && jsonExact(o.near.check), maxUlps: Math.max(0, ...o.near.residuals.map((r) => r.maxUlps)), tolerance: o.tolerance };
    io.stdout(JSON.stringify({ network: o.network, files: o.files, verdict, ...(verdict === "undecided" ? { undecided: o.undecided } : {}), g: o.g && plan.toJson(o.g), ties: o.ties, exact: o.exact && jsonExact(o.exact), theorem: o.theorem && jsonTheorem(o.theorem), near, noMatch: o.noMatch, notes: o.notes, outputDifference: o.difference && jsonDifference(o.difference), ms }, null, 2) + "\n");
    return code;
  }
  const shown = o.g ?? o.near?.g ?? null;
  if (shown) io.stdout(table([plan.header, ...plan.rows(shown, o.ties)]) + "\n");
  for (const t of o.ties) io.stdout(`ties: ${t.where}: ${t.units} units share their content with another unit (largest group ${t.largest}); they were paired in index order\n`);
  if (o.exact && o.exact.mismatches === 0) {
    io.stdout(`residual: 0 (exact)\nexact check: B = g A in all ${o.exact.entries} entries (exact rationals)\n`);
    const t = o.theorem!;
    if ("identity" in t) io.stdout("theorem: none needed (g is the identity: B equals A entry by entry)\n");
    else if ("problem" in t) io.stdout(`theorem: none (${t.problem})\n`);
    else for (const gen of t.generators) io.stdout(`theorem ${gen.claim}: ${o.network} ~ ${o.network} after ${gen.statement}: ${gen.verdict}\n`);
    io.stdout(code === 0 ? `verdict: functionally identical for all inputs (B = g A exactly, and g is a product of symmetries proved for all parameters and inputs) · ${ms} ms\n` : "verdict: exact image, but the symmetry theorem is not proved: no certificate\n");
    return code;
  }
  for (const n of o.notes) io.stdout(`note: ${n}\n`);
  if (o.noMatch) io.stdout(`no exact g: ${o.noMatch.where}, unit ${o.noMatch.unit}: ${o.noMatch.reason}\n`);
  if (o.exact && o.exact.mismatches > 0) {
    io.stdout(`B differs from g A in ${o.exact.mismatches} of ${o.exact.entries} entries, first:\n`);
    for (const x of o.exact.first.slice(0, 10)) io.stdout(`  ${x.tensor}[${x.index.join(", ")}]: g A has ${x.expected}, B has ${x.found}\n`);
  }
  if (o.near) {
    io.stdout(`nearest g by assignment on distances: residual per tensor (|B - g A| in ulps of B's type)\n`);
    io.stdout(table([["tensor", "dtype", "max ulps", "max |diff|", "entries differing"], ...o.near.residuals.map((r) => [r.tensor, r.dtype, ulpsText(r.maxUlps), r.maxAbs.toPrecision(3), `${r.differing} of ${r.entries}`])]) + "\n");
    if (!o.exact && o.near.check && o.near.check.mismatches > 0) {
      io.stdout(`B differs from the nearest g A in ${o.near.check.mismatches} of ${o.near.check.entries} entries (exact rationals), first:\n`);
      for (const x of o.near.check.first.slice(0, 5)) io.stdout(`  ${x.tensor}[${x.index.join(", ")}]: g A has ${x.expected}, B has ${x.found}\n`);
    }
  }
  if (o.difference) io.stdout(differenceText(o.difference));
  const why = verdict.startsWith("image up to")
    ? `B = g A only after rounding; nothing is certified. --ulps ${o.tolerance} is the tolerance`
    : verdict === "undecided"
      ? `no g was found, but the search was not exhaustive: ${o.undecided}`
      : `B is not a symmetry image of A under ${o.network}'s ${plan.group}: the search was exhaustive${o.near ? ` (the nearest g leaves ${ulpsText(Math.max(...o.near.residuals.map((r) => r.maxUlps)))} ulps, above --ulps ${o.tolerance})` : ""}`;
  io.stdout(`verdict: ${verdict} (${why})\n`);
  return code;
}

const NOT_A_PROOF = "float64 evaluation: evidence of a difference, not a proof";
const jsonDifference = (d: OutputDifference | { readonly skipped: string }) => ("skipped" in d ? { kind: NOT_A_PROOF, skipped: d.skipped } : { kind: NOT_A_PROOF, ...d });
const vectorText = (x: readonly number[]) => (x.length <= 8 ? `[${x.map((v) => v.toPrecision(4)).join(", ")}]` : `[${x.slice(0, 6).map((v) => v.toPrecision(4)).join(", ")}, ... (${x.length} entries; --json has all)]`);
function differenceText(d: OutputDifference | { readonly skipped: string }): string {
  if ("skipped" in d) return `output difference: not evaluated (${d.skipped})\n`;
  return `largest output difference found (${NOT_A_PROOF}): |f_A - f_B| = ${d.largest.toPrecision(4)} at output entry ${d.output} (A gives ${d.a.toPrecision(6)}, B ${d.b.toPrecision(6)}), on the ${d.how} ${vectorText(d.input)}; ${d.evaluations} inputs, each network evaluated once per input\n`;
}
const jsonExact = (e: ExactCheck) => ({ entries: e.entries, mismatches: e.mismatches, first: e.first.map((x) => ({ tensor: x.tensor, index: x.index, expected: x.expected.toString(), found: x.found.toString() })) });
const jsonTheorem = (t: Theorem) => ("identity" in t ? { proved: true, generators: [], note: "g is the identity" } : "problem" in t ? { proved: false, problem: t.problem } : { proved: t.proved, generators: t.generators, file: t.text });

async function applyCommand(gFile: string, positionals: readonly string[], v: { net?: string; map?: string; o?: string }, io: Io): Promise<number> {
  if (positionals.length !== 1) return fail(io, "--apply takes one weight file A");
  const outProblem = outputProblem(v.o, io.cwd);
  if (outProblem) return fail(io, outProblem);
  const m = maps(io, v);
  if (!m) return 2;
  const netR = loadNetwork(v.net!, io.cwd);
  if ("messages" in netR) return inputErrors(io, netR.messages);
  const plan = planFor(netR.net, netR.file, io.cwd, importReader(io.cwd));
  let raw: unknown;
  try {
    // A g.json holds permutations, scales and attention matrices: no more than a JSON weight file.
    const st = fs.statSync(path.resolve(io.cwd, gFile));
    if (st.isDirectory()) return inputErrors(io, [`--apply ${gFile}: a folder, not a file`]);
    // A device or a pipe has no size to check: refused (it could be endless).
    if (!st.isFile()) return inputErrors(io, [`--apply ${gFile}: not a regular file`]);
    if (st.size > WEIGHT_LIMITS.jsonBytes) return inputErrors(io, [`--apply ${gFile}: ${st.size} bytes; a g.json may have at most ${WEIGHT_LIMITS.jsonBytes}`]);
    raw = JSON.parse(fs.readFileSync(path.resolve(io.cwd, gFile), "utf8"));
  } catch (e) {
    const code = (e as { code?: string }).code;
    return inputErrors(io, [`--apply ${gFile}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a folder, not a file" : code ? `cannot read (${code})` : "not valid JSON"}`]);
  }
  const g = plan.fromJson(raw);
  if ("problem" in g) return inputErrors(io, [`--apply ${gFile}: ${g.problem}`]);
  const a = loadParams(positionals[0]!, netR.net, m.a, io.cwd);
  if ("messages" in a) return inputErrors(io, a.messages);
  return write(io, plan, g.g, a.loaded, v.o!, `g A written to ${v.o}`);
}

/**
 * Write g A under A's tensor names and layouts, so the file replaces A wherever A was used:
 * `*.json` exactly (every entry the rational it is, writeJson.ts); `*.safetensors` only when
 * every entry is a float64 (F32 where every entry of a tensor is a float32), else refused
 * with the first entry that is not and `hint`: nothing is ever rounded.
 */
function write(io: Io, plan: Plan, g: AnyGroup, A: Loaded, out: string, done: string, hint = ""): number {
  const file = path.resolve(io.cwd, out);
  if (out.endsWith(".json")) {
    const tooLarge = jsonTooLarge(A.params);
    if (tooLarge) return inputErrors(io, [`-o ${out}: ${tooLarge}`]);
    const exact = plan.applyExact(g, A.values);
    if ("problem" in exact) return inputErrors(io, [`-o ${out}: ${exact.problem}`]);
    const tensors = A.params.map((p) => {
      const x = exact.params.get(p.name)!;
      if (!p.source.transpose) return { name: p.source.tensor, shape: p.shape, at: x.at };
      const [r, c] = p.shape as [number, number];
      // The file's tensor is the transpose: its entry (j, i) is the network's (i, j).
      return { name: p.source.tensor, shape: [c, r], at: (k: number) => x.at((k % r) * c + Math.floor(k / r)) };
    });
    try {
      writeJsonWeights(file, tensors);
    } catch (e) {
      return inputErrors(io, [`-o ${out}: cannot write (${(e as { code?: string }).code ?? (e as Error).message})`]);
    }
    io.stdout(done + "\n");
    return 0;
  }
  const applied = plan.apply(g, A.values);
  if ("problem" in applied) return inputErrors(io, [`-o ${out}: ${applied.problem}${hint}`]);
  const tensors = A.params.map((p) => {
    let values = applied.params.get(p.name)!;
    let shape = p.shape;
    if (p.source.transpose) {
      const [r, c] = p.shape as [number, number];
      const t = new Float64Array(values.length);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = values[i * c + j]!;
      values = t;
      shape = [c, r];
    }
    return { name: p.source.tensor, shape, values, dtype: (p.tensor.dtype === "F64" || !allFloat32(values) ? "F64" : "F32") as "F64" | "F32" };
  });
  try {
    // Streamed tensor by tensor: the file's image is never held whole next to g A.
    writeSafetensors(file, tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, bytes: () => floatBytes(t.values, t.dtype) })));
  } catch (e) {
    return inputErrors(io, [`-o ${out}: cannot write (${(e as { code?: string }).code ?? String(e)})`]);
  }
  io.stdout(done + "\n");
  return 0;
}

/**
 * `neteq canonicalise <A> --net ... -o out`: writes A's orbit representative (sorted units,
 * normalised scales and signs), exactly. The normalised scales are rarely floats, so
 * safetensors is written only when every entry is one; `--keep-scales` leaves positive
 * scalings alone (a form canonical under permutations and sign flips only).
 */
export async function canonicaliseCommand(args: readonly string[], io: Io): Promise<number> {
  const parsed = parse(args, io);
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.net === undefined) return fail(io, "--net <file>:<network> is required");
  if (parsed.positionals.length !== 1) return fail(io, "canonicalise takes one weight file");
  const outProblem = outputProblem(v.o, io.cwd);
  if (outProblem) return fail(io, outProblem);
  const m = maps(io, v);
  if (!m) return 2;
  const netR = loadNetwork(v.net, io.cwd);
  if ("messages" in netR) return inputErrors(io, netR.messages);
  const a = loadParams(parsed.positionals[0]!, netR.net, m.a, io.cwd);
  if ("messages" in a) return inputErrors(io, a.messages);
  const plan = planFor(netR.net, netR.file, io.cwd, importReader(io.cwd));
  const keepScales = v["keep-scales"] === true;
  const c = plan.canonical(a.loaded.values, keepScales);
  if (v.json) io.stdout(JSON.stringify({ g: plan.toJson(c.g), ties: c.ties, undetermined: c.undetermined, keepScales }, null, 2) + "\n");
  for (const t of c.ties) io.stderr(`neteq: warning: ${t.where}: ${t.units} units tie and are ordered by index; the form written is not guaranteed canonical there\n`);
  for (const t of c.undetermined) io.stderr(`neteq: warning: ${t.where}: the scale or sign of ${t.units} unit(s) is not determined by their incoming weights (all zero, or signs that cancel); they are left as they are, so the form written is not guaranteed canonical there\n`);
  const under = `permutations${plan.group.includes("flip") ? " and sign flips" : ""}`;
  const exact = `-o ${v.o!.replace(/\.safetensors$/, ".json")}`;
  const scales = plan.group.includes("positive scalings") && !keepScales;
  const hint = scales
    ? `; the canonical form normalises scales to values no float holds: write it exactly with ${exact}, or keep A's scales with --keep-scales (canonical under ${under} only)`
    : `; A's own entries are not all float64: write the form exactly with ${exact}`;
  const what = keepScales ? `canonical form under ${under} (scales kept)` : "canonical form";
  return write(io, plan, c.g, a.loaded, v.o!, `${what} written to ${v.o} (align it with the input to certify it)`, hint);
}

/**
 * `neteq align <A> <B> --net <file>:<network>`: is B = g A for a symmetry g of the network?
 * Exit 0 when certified functionally identical, 1 when not (or not certified), 2 on input
 * errors. `neteq align --apply g.json <A> -o out.safetensors` writes g A;
 * `neteq canonicalise <A> --net ... -o out.safetensors` writes A's orbit representative.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { applyMlp } from "../align/apply.ts";
import { canonicalGroupElement } from "../align/canonicalise.ts";
import { groupFromJson, groupToJson } from "../align/groupJson.ts";
import { loadNetwork, loadParams, type Loaded } from "../align/load.ts";
import { matchMlp } from "../align/matchMlp.ts";
import { proveTheorem, theoremFile, unitAction, type TheoremOutcome } from "../align/theorem.ts";
import type { ExactCheck, GroupElement } from "../align/types.ts";
import { verifyMlp } from "../align/verifyMlp.ts";
import { resolveOptions } from "../options.ts";
import { table } from "../report/table.ts";
import { readMap, type Source } from "../weights/mapping.ts";
import { allFloat32 } from "../weights/floats.ts";
import { encodeSafetensors } from "../weights/safetensors.ts";
import { argsError, type Io } from "./main.ts";

const USAGE_ALIGN = "usage: neteq align <A> <B> --net <file>:<network> [--map m.json] [--map-b m.json] [--json] [--no-cache]\n       neteq align --apply <g.json> <A> --net <file>:<network> -o <out.safetensors>\n       neteq canonicalise <A> --net <file>:<network> -o <out.safetensors>";

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
      options: { net: { type: "string" }, map: { type: "string" }, "map-b": { type: "string" }, json: { type: "boolean" }, apply: { type: "string" }, o: { type: "string", short: "o" }, "no-cache": { type: "boolean" }, "cache-dir": { type: "string" } },
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
  if (out === undefined) return "-o <out.safetensors> is required";
  if (!out.endsWith(".safetensors")) return `-o ${out}: the output is written as safetensors; name it *.safetensors`;
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
  const m = maps(io, v);
  if (!m) return 2;
  const netR = loadNetwork(v.net, io.cwd);
  if ("messages" in netR) return inputErrors(io, netR.messages);
  const net = netR.net;
  const [fa, fb] = parsed.positionals as [string, string];
  const a = loadParams(fa, net, m.a, io.cwd);
  const b = loadParams(fb, net, m.b, io.cwd);
  const problems = [...("messages" in a ? a.messages : []), ...("messages" in b ? b.messages : [])];
  if (problems.length || "messages" in a || "messages" in b) return inputErrors(io, problems);
  const started = Date.now();
  const widths = net.mlp.widths;
  const actions = net.mlp.activations.map(unitAction);
  const found = matchMlp(widths, actions, a.loaded.values, b.loaded.values);
  const files = { A: { path: fa, sha256: a.loaded.checkpoint.sha256 }, B: { path: fb, sha256: b.loaded.checkpoint.sha256 } };
  if ("noMatch" in found) {
    const report = { network: net.name, widths, files, verdict: "not an image", noMatch: found.noMatch, ms: Date.now() - started };
    if (v.json) io.stdout(JSON.stringify(report, null, 2) + "\n");
    else io.stdout(`${fb} is not a symmetry image of ${fa} under ${net.name}'s permutations${actions.includes("scale") ? " and positive scalings" : actions.includes("flip") ? " and sign flips" : ""}:\n  layer h${found.noMatch.layer}, unit ${found.noMatch.unit}: ${found.noMatch.reason}\n`);
    return 1;
  }
  return certify(io, v, net.name, widths, net.mlp.activations, found.g, a.loaded, b.loaded, files, started);
}

async function certify(io: Io, v: { json?: boolean; "no-cache"?: boolean; "cache-dir"?: string }, network: string, widths: readonly number[], activations: Parameters<typeof theoremFile>[1], g: GroupElement, A: Loaded, B: Loaded, files: unknown, started: number): Promise<number> {
  const exact = verifyMlp(g, A.values, B.values);
  let theorem: TheoremOutcome | { problem: string } | { identity: true } = { identity: true };
  if (exact.mismatches === 0) {
    const file = theoremFile(widths, activations, g);
    if ("problem" in file) theorem = file;
    else if (file.generators.length > 0) {
      const { options } = resolveOptions({ cache: !v["no-cache"], ...(v["cache-dir"] ? { cacheDir: v["cache-dir"] } : {}) }, io.cwd);
      theorem = await proveTheorem(file.text, file.generators, options);
    }
  }
  const proved = "identity" in theorem || ("proved" in theorem && theorem.proved);
  const identical = exact.mismatches === 0 && proved;
  const verdict = identical ? "functionally identical for all inputs" : exact.mismatches > 0 ? "not an image" : "exact image, theorem not proved";
  const ms = Date.now() - started;
  if (v.json) {
    io.stdout(JSON.stringify({ network, widths, files, verdict, g: groupToJson(g), exact: jsonExact(exact), theorem: jsonTheorem(theorem), ms }, null, 2) + "\n");
    return identical ? 0 : 1;
  }
  io.stdout(renderTable(g, exact) + "\n");
  if (exact.mismatches > 0) {
    io.stdout(`B differs from g A in ${exact.mismatches} of ${exact.entries} entries, first:\n`);
    for (const x of exact.first.slice(0, 10)) io.stdout(`  ${x.tensor}[${x.index.join(", ")}]: g A has ${x.expected}, B has ${x.found}\n`);
    io.stdout(`verdict: not an image (the units were matched, but ${describe(exact)})\n`);
    return 1;
  }
  io.stdout(`exact check: B = g A in all ${exact.entries} entries (exact rationals)\n`);
  if ("identity" in theorem) io.stdout("theorem: none needed (g is the identity: B equals A entry by entry)\n");
  else if ("problem" in theorem) io.stdout(`theorem: none (${theorem.problem})\n`);
  else for (const gen of theorem.generators) io.stdout(`theorem ${gen.claim}: ${network} ~ ${network} after ${gen.statement}: ${gen.verdict}\n`);
  io.stdout(identical ? `verdict: functionally identical for all inputs (B = g A exactly, and g is a product of symmetries proved for all parameters and inputs) · ${ms} ms\n` : "verdict: exact image, but the symmetry theorem is not proved: no certificate\n");
  return identical ? 0 : 1;
}

const describe = (e: ExactCheck) => `${e.mismatches} entries differ; the first in ${e.first[0]?.tensor}`;
const jsonExact = (e: ExactCheck) => ({ entries: e.entries, mismatches: e.mismatches, first: e.first.map((x) => ({ tensor: x.tensor, index: x.index, expected: x.expected.toString(), found: x.found.toString() })) });
const jsonTheorem = (t: TheoremOutcome | { problem: string } | { identity: true }) => ("identity" in t ? { proved: true, generators: [], note: "g is the identity" } : "problem" in t ? { proved: false, problem: t.problem } : { proved: t.proved, generators: t.generators, file: t.text });

function renderTable(g: GroupElement, exact: ExactCheck): string {
  const rows = g.layers.map((m) => {
    const moved = m.perm.filter((p, i) => p !== i).length;
    const distinct = [...new Set(m.scales.map((c) => c.toString()))];
    const neg = m.scales.filter((c) => c.sign() < 0).length;
    const scales = distinct.length === 1 ? `all ${distinct[0]}` : `${distinct.length} distinct (${distinct.slice(0, 3).join(", ")}${distinct.length > 3 ? ", ..." : ""})`;
    return [`h${m.layer}`, String(m.perm.length), `${moved} moved`, m.perm.length <= 8 ? `[${m.perm.join(", ")}]` : `[${m.perm.slice(0, 6).join(", ")}, ...]`, scales, String(neg)];
  });
  return table([["layer", "units", "permutation", "perm", "scales", "sign flips"], ...rows]) + `\nresidual: ${exact.mismatches === 0 ? "0 (exact)" : `${exact.mismatches} entries differ`}`;
}

async function applyCommand(gFile: string, positionals: readonly string[], v: { net?: string; map?: string; o?: string }, io: Io): Promise<number> {
  if (positionals.length !== 1) return fail(io, "--apply takes one weight file A");
  const outProblem = outputProblem(v.o, io.cwd);
  if (outProblem) return fail(io, outProblem);
  const m = maps(io, v);
  if (!m) return 2;
  const netR = loadNetwork(v.net!, io.cwd);
  if ("messages" in netR) return inputErrors(io, netR.messages);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.resolve(io.cwd, gFile), "utf8"));
  } catch (e) {
    return inputErrors(io, [`--apply ${gFile}: ${(e as { code?: string }).code === "ENOENT" ? "no such file" : "not valid JSON"}`]);
  }
  const g = groupFromJson(raw, netR.net.mlp.widths);
  if ("problem" in g) return inputErrors(io, [`--apply ${gFile}: ${g.problem}`]);
  const a = loadParams(positionals[0]!, netR.net, m.a, io.cwd);
  if ("messages" in a) return inputErrors(io, a.messages);
  return write(io, g.g, a.loaded, v.o!, `g A written to ${v.o}`);
}

function write(io: Io, g: GroupElement, A: Loaded, out: string, done: string): number {
  const applied = applyMlp(g, A.values);
  if ("problem" in applied) return inputErrors(io, [applied.problem]);
  // Written under A's tensor names and layouts, so the file replaces A wherever A was used.
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
    fs.writeFileSync(path.resolve(io.cwd, out), encodeSafetensors(tensors));
  } catch (e) {
    return inputErrors(io, [`-o ${out}: cannot write (${(e as { code?: string }).code ?? String(e)})`]);
  }
  io.stdout(done + "\n");
  return 0;
}

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
  const g = canonicalGroupElement(netR.net.mlp.widths, netR.net.mlp.activations.map(unitAction), a.loaded.values);
  if (v.json) io.stdout(JSON.stringify({ g: groupToJson(g) }, null, 2) + "\n");
  return write(io, g, a.loaded, v.o!, `canonical form written to ${v.o} (align it with the input to certify it)`);
}

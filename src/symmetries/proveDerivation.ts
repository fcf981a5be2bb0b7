/**
 * Prove a derivation with the checker: its claims are written as one .neq file (emit.ts)
 * and checked by `check`, exactly as `neteq check` would check that file. A generator is
 * proved only when the checker proves every one of its claims; a control is ok only when
 * the checker refutes it. Nothing else makes a verdict here.
 */
import { check } from "../check.ts";
import type { Options } from "../options.ts";
import type { ClaimReport } from "../report/types.ts";
import type { ReadFile } from "../syntax/load.ts";
import { emitNeq } from "./emit.ts";
import { orderText } from "./naming.ts";
import type { CheckedControl, Derivation, ProvedCandidate, SymmetryReport, SymVerdict } from "./types.ts";

export interface ProveInput {
  /** The network's file as the user named it. */
  readonly file: string;
  /** Where the generated file is checked (its imports resolve from there). */
  readonly virtualPath: string;
  readonly importPath: string;
  readonly command: string;
}

const verdictOf = (c: ClaimReport): SymVerdict => (c.verdict === "proved" || c.verdict === "refuted" || c.verdict === "unknown" ? c.verdict : "error");

/** The reason or the witness's first line, for the JSON report. */
const reasonOf = (c: ClaimReport): string | null => c.reason ?? (c.witness ? "refuted with a witness (run `neteq check` on the --emit neq file to see it)" : null);

/** All proved beats any refuted beats unknown beats error (a missing claim is an error). */
function combine(vs: readonly SymVerdict[]): SymVerdict {
  if (vs.length === 0 || vs.includes("error")) return "error";
  if (vs.includes("refuted")) return "refuted";
  if (vs.includes("unknown")) return "unknown";
  return "proved";
}

/** Check every candidate and control of `d`; the report lists each with its verdict. */
export async function proveDerivation(d: Derivation, input: ProveInput, options: Options, read: ReadFile): Promise<SymmetryReport> {
  const started = Date.now();
  const text = emitNeq(d, { importPath: input.importPath, command: input.command });
  const report = await check([{ path: input.virtualPath, text }], options, { read });
  const file = report.files[0];
  const claims = file?.claims ?? [];
  const problems = (file?.diagnostics ?? []).map((x) => `${x.file}:${x.line}:${x.column}: ${x.code}: ${x.message}`);
  const of = (name: string) => claims.filter((c) => c.name === name || c.name.startsWith(`${name}[`));
  const generators: ProvedCandidate[] = d.candidates.map((c) => {
    const results = c.claims.flatMap((cl) => {
      const found = of(cl.name).map((r) => ({ name: r.name, verdict: verdictOf(r), ms: r.ms, reason: reasonOf(r) }));
      // A sweep that produced fewer claims than it should have is not a proof of the factor.
      return found.length === cl.count ? found : [...found, { name: cl.name, verdict: "error" as const, ms: 0, reason: `expected ${cl.count} claims, the checker reported ${found.length}` }];
    });
    return { ...c, verdict: combine(results.map((r) => r.verdict)), ms: results.reduce((s, r) => s + r.ms, 0), results };
  });
  const controls: CheckedControl[] = d.controls.map((c) => {
    const found = of(c.claim.name);
    const verdict = found.length === 1 ? verdictOf(found[0]!) : "error";
    return { ...c, verdict, ok: verdict === "refuted", ms: found[0]?.ms ?? 0, reason: verdict === "refuted" ? null : found[0] ? reasonOf(found[0]) : "the claim is missing from the checker's report" };
  });
  const proved = generators.filter((g) => g.verdict === "proved");
  const log10Order = proved.reduce((s, g) => s + (g.log10Order ?? 0), 0);
  const exact = proved.every((g) => g.order === null || /^\d+$/.test(g.order)) && log10Order < 30 ? proved.reduce((p, g) => p * (g.order !== null ? BigInt(g.order) : 1n), 1n).toString() : null;
  return {
    version: 1,
    file: input.file,
    network: d.network,
    seed: report.seed,
    z3: report.z3,
    generators,
    controls,
    notClaimed: d.notClaimed,
    group: { factors: proved.map((g) => g.group), log10Order, order: orderText(exact, log10Order), dimension: proved.reduce((s, g) => s + (g.dimension ?? 0), 0) },
    problems,
    ok: problems.length === 0 && generators.every((g) => g.verdict === "proved") && controls.every((c) => c.ok),
    ms: Date.now() - started,
  };
}

/**
 * `neteq merge-reports`: the JSON reports of several runs (the shards of a suite) as one
 * report. Files are merged by path, in path order (folder by folder, as `neteq check` walks a
 * folder: a shard leaves out files it has no claims in); a file's claims are the
 * union of the shards' claims in source order, its diagnostics are shown once. The runs must
 * agree on seed, strategy, timeout and Z3 version, and no claim may appear in two reports
 * (as when one shard is given twice): those are problems of the merge, reported as usage
 * errors (exit code 2). The merged time is the longest run's (shards run side by side).
 */
import { summarise, type ClaimReport, type FileReport, type Report, type ReportDiagnostic } from "./types.ts";

/** A report read back from `--reporter json` output, or why it is not one. */
export function readReport(text: string): Report | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const r = doc as Partial<Report> | null;
  if (!r || typeof r !== "object" || r.version !== 1 || !Array.isArray(r.files) || !r.summary || !Array.isArray(r.usage)) return "not a neteq JSON report (version 1)";
  // The JSON form leaves out the caret snippets of diagnostics.
  const files = (r.files as FileReport[]).map((f) => ({ ...f, diagnostics: f.diagnostics.map((d) => ({ ...d, snippet: d.snippet ?? "" })) }));
  return { ...(r as Report), files };
}

/** Path order component by component, as a sorted folder walk visits files. */
function comparePaths(a: string, b: string): number {
  const x = a.split(/[\\/]/);
  const y = b.split(/[\\/]/);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
}

const diagnosticKey = (d: ReportDiagnostic) => `${d.file}:${d.line}:${d.column}:${d.code}:${d.message}`;

/** Merge named reports; what makes them not one suite's shards becomes usage errors of the result. */
export function mergeReports(reports: readonly { readonly name: string; readonly report: Report }[]): Report {
  const problems: string[] = [];
  const first = reports[0]?.report;
  for (const { name, report } of reports.slice(1)) {
    for (const key of ["seed", "strategy", "timeoutMs"] as const) {
      if (report[key] !== first![key]) problems.push(`${name} has ${key} ${JSON.stringify(report[key])}, ${reports[0]!.name} has ${JSON.stringify(first![key])}`);
    }
  }
  const z3s = [...new Set(reports.map((r) => r.report.z3).filter((z): z is string => z !== null))];
  if (z3s.length > 1) problems.push(`the reports come from different solvers: ${z3s.join(", ")}`);

  const files = new Map<string, { diagnostics: Map<string, ReportDiagnostic>; claims: Map<string, { from: string; claim: ClaimReport }> }>();
  for (const { name, report } of reports) {
    for (const f of report.files) {
      let into = files.get(f.path);
      if (!into) files.set(f.path, (into = { diagnostics: new Map(), claims: new Map() }));
      for (const d of f.diagnostics) into.diagnostics.set(diagnosticKey(d), d);
      for (const c of f.claims) {
        const key = `${c.name}@${c.line}:${c.column}`;
        const seen = into.claims.get(key);
        if (seen) problems.push(`claim ${c.name} of ${f.path} is in both ${seen.from} and ${name}`);
        else into.claims.set(key, { from: name, claim: c });
      }
    }
  }
  const merged: FileReport[] = [...files].sort(([a], [b]) => comparePaths(a, b)).map(([path, f]) => ({
    path,
    diagnostics: [...f.diagnostics.values()],
    claims: [...f.claims.values()].map((c) => c.claim).sort((a, b) => a.line - b.line || a.column - b.column || (a.name < b.name ? -1 : 1)),
  }));
  const ms = Math.max(0, ...reports.map((r) => r.report.summary.ms));
  return {
    version: 1,
    seed: first?.seed ?? 0,
    z3: z3s[0] ?? null,
    strategy: first?.strategy ?? "auto",
    timeoutMs: first?.timeoutMs ?? 0,
    files: merged,
    usage: [...new Set([...reports.flatMap((r) => r.report.usage), ...problems])],
    summary: summarise(merged, ms),
  };
}

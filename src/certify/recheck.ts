/**
 * `neteq recheck`: re-check a certificate folder with native solvers. Every file the
 * manifest names must exist, have the SHA-256 hash the manifest gives, and get `unsat` with
 * `goal` in the unsat core from every chosen solver. A claim is rechecked when all of its
 * files are. Returns plain data; `renderRecheck` prints it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { seconds } from "../report/table.ts";
import { sha256 } from "./certify.ts";
import type { Manifest } from "./manifest.ts";
import { solveFile, type NativeAnswer, type NativeSolver } from "./native.ts";

/** What went wrong with one file of a claim. */
export interface Failure {
  readonly file: string;
  /** "hash", "missing", or a solver's name. */
  readonly by: string;
  readonly answer: string;
  readonly detail: string;
}

export interface RecheckedClaim {
  readonly file: string;
  readonly claim: string;
  readonly obligations: number;
  readonly failures: readonly Failure[];
}

export interface Recheck {
  readonly dir: string;
  readonly solvers: readonly NativeSolver[];
  readonly timeoutMs: number;
  readonly claims: readonly RecheckedClaim[];
  /** Distinct certificate files, and solver runs by answer. */
  readonly files: number;
  readonly runs: number;
  readonly unsat: number;
  readonly ms: number;
}

/** Run `jobs` tasks at a time, results in order. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, tasks.length)) }, worker));
  return out;
}

/** Check every file of `manifest` (read from `dir`) with every solver. */
export async function recheck(dir: string, manifest: Manifest, solvers: readonly NativeSolver[], opts: { readonly timeoutMs: number; readonly jobs: number }): Promise<Recheck> {
  const started = Date.now();
  // The hash each file must have (every claim that names a file must agree on it).
  const expected = new Map<string, Set<string>>();
  for (const c of manifest.claims) for (const o of c.obligations) expected.set(o.file, (expected.get(o.file) ?? new Set()).add(o.sha256));
  const fileProblem = new Map<string, Failure>();
  const runnable: string[] = [];
  for (const [file, hashes] of expected) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, file), "utf8");
    } catch {
      fileProblem.set(file, { file, by: "missing", answer: "missing", detail: "the file named by the manifest does not exist" });
      continue;
    }
    const actual = sha256(text);
    if (hashes.size !== 1 || !hashes.has(actual)) {
      // A changed file proves nothing about the claim it was made for: never run it.
      fileProblem.set(file, { file, by: "hash", answer: "hash mismatch", detail: `the file's SHA-256 is ${actual}, the manifest says ${[...hashes].join(" or ")}` });
      continue;
    }
    runnable.push(file);
  }
  const tasks = runnable.flatMap((file) => solvers.map((s) => async (): Promise<[string, NativeSolver, NativeAnswer]> => [file, s, await solveFile(s, path.join(dir, file), opts.timeoutMs)]));
  const answers = await pool(tasks, opts.jobs);
  const failed = new Map<string, Failure[]>();
  for (const [file, s, a] of answers) if (!a.ok) failed.set(file, [...(failed.get(file) ?? []), { file, by: s.name, answer: a.answer, detail: a.detail }]);
  const claims = manifest.claims.map((c) => {
    const files = [...new Set(c.obligations.map((o) => o.file))];
    const failures = files.flatMap((f) => (fileProblem.has(f) ? [fileProblem.get(f)!] : (failed.get(f) ?? [])));
    return { file: c.file, claim: c.claim, obligations: files.length, failures };
  });
  return { dir, solvers, timeoutMs: opts.timeoutMs, claims, files: expected.size, runs: answers.length, unsat: answers.filter(([, , a]) => a.ok).length, ms: Date.now() - started };
}

/** Whether every claim was rechecked. */
export const recheckOk = (r: Recheck): boolean => r.claims.every((c) => c.failures.length === 0);

/** The result as text: one line per claim (and one per failure), then a summary. */
export function renderRecheck(r: Recheck): string {
  const out = [`neteq recheck ${r.dir} · ${r.solvers.map((s) => s.version).join(" · ")} · timeout ${r.timeoutMs / 1000} s per file`, ""];
  let lastFile = "";
  const names = r.solvers.map((s) => s.name).join(", ");
  for (const c of r.claims) {
    if (c.file !== lastFile) {
      if (lastFile) out.push("");
      out.push(c.file);
      lastFile = c.file;
    }
    const count = `${c.obligations} obligation${c.obligations === 1 ? "" : "s"}`;
    const ok = c.obligations === 0 ? "nothing for a solver: proved by the symbolic rule chain and activation lemmas by structure (README, \"The symbolic strategy\")" : `unsat (${names})`;
    out.push(`  ${c.failures.length === 0 ? "✓" : "✗"} ${c.claim.padEnd(18)} ${count.padEnd(15)} ${c.failures.length === 0 ? ok : "NOT rechecked"}`);
    for (const f of c.failures) {
      const what = f.by === "hash" || f.by === "missing" ? f.answer : f.answer === "timeout" ? `${f.by} timed out` : `${f.by} answered ${f.answer}`;
      out.push(`      ${f.file}: ${what}: ${f.detail}`);
    }
  }
  if (r.claims.length > 0) out.push("");
  const bad = r.claims.filter((c) => c.failures.length > 0).length;
  out.push(`${r.claims.length} claim${r.claims.length === 1 ? "" : "s"}: ${r.claims.length - bad} rechecked, ${bad} failed · ${r.files} file${r.files === 1 ? "" : "s"}, ${r.runs} solver run${r.runs === 1 ? "" : "s"}, ${r.unsat} unsat · ${seconds(r.ms)}`);
  return out.join("\n") + "\n";
}

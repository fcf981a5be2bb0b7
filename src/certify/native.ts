/**
 * Native SMT solvers on PATH (`z3`, `cvc5`), run as child processes on one certificate file
 * each, with a time limit that is both passed to the solver and enforced from outside (the
 * process is killed a little after it). The answer is read with the reader the Z3 backend
 * uses (backends/smtlib/answer.ts), which accepts z3's bare and cvc5's quoted echo lines.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { readAnswer } from "../backends/smtlib/answer.ts";

export type SolverName = "z3" | "cvc5";
export const SOLVER_NAMES: readonly SolverName[] = ["z3", "cvc5"];

/** A solver found on PATH. */
export interface NativeSolver {
  readonly name: SolverName;
  readonly path: string;
  /** "z3 4.8.12", "cvc5 1.0.3". */
  readonly version: string;
}

/** How one solver answered one file. `ok` only for unsat with `goal` in the unsat core. */
export interface NativeAnswer {
  readonly ok: boolean;
  /** "unsat", "sat", "unknown", "timeout", "error", "vacuous" (unsat without goal in the core). */
  readonly answer: string;
  /** For a failure: what the solver said (reason, error message). */
  readonly detail: string;
  readonly ms: number;
}

const ARGS: Readonly<Record<SolverName, (file: string, limitMs: number) => string[]>> = {
  // -T: a hard limit in whole seconds.
  z3: (file, limitMs) => ["-smt2", `-T:${Math.max(1, Math.ceil(limitMs / 1000))}`, file],
  cvc5: (file, limitMs) => ["--lang=smt2", `--tlimit=${Math.max(1, Math.round(limitMs))}`, file],
};

/** How to install a missing solver (Debian and Ubuntu package names). */
export const INSTALL = "apt-get install z3 cvc5 (Debian, Ubuntu), or put the solvers' executables on PATH";

/** Where an executable is on PATH, or null. */
export function onPath(name: string, envPath = process.env.PATH ?? ""): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function run(file: string, args: readonly string[], limitMs: number): Promise<{ stdout: string; stderr: string; killed: boolean }> {
  return new Promise((resolve) => {
    execFile(file, [...args], { timeout: limitMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
      const killed = Boolean(err && (err as { killed?: boolean }).killed);
      resolve({ stdout: String(stdout ?? ""), stderr: String(stderr ?? "") || (err && !killed && !stdout ? err.message : ""), killed });
    });
  });
}

/** Find a solver on PATH and read its version; null when it is not there. */
export async function findSolver(name: SolverName, envPath?: string): Promise<NativeSolver | null> {
  const exe = onPath(name, envPath);
  if (!exe) return null;
  const out = await run(exe, ["--version"], 10_000);
  const v = /version\s+([0-9][0-9A-Za-z.\-+]*)/.exec(out.stdout);
  return { name, path: exe, version: `${name} ${v ? v[1] : "(unknown version)"}` };
}

/**
 * Run a solver on a certificate file (print.ts, `certificate: true`) with a time limit in ms
 * (the process is killed 2 s after it, if the solver's own limit did not stop it).
 */
export async function solveFile(solver: NativeSolver, file: string, limitMs: number): Promise<NativeAnswer> {
  const started = Date.now();
  const out = await run(solver.path, ARGS[solver.name](file, limitMs), limitMs + 2000);
  const ms = Date.now() - started;
  if (out.killed) return { ok: false, answer: "timeout", detail: `no answer within ${Math.round(limitMs / 1000)} s`, ms };
  const r = readAnswer(out.stdout, 0);
  switch (r.kind) {
    case "unsat":
      return r.core.includes("goal") ? { ok: true, answer: "unsat", detail: "", ms } : { ok: false, answer: "vacuous", detail: "unsat, but goal is not in the unsat core: the assumptions alone are contradictory", ms };
    case "sat":
      return { ok: false, answer: "sat", detail: "the goal is satisfiable: the obligation does not hold", ms };
    case "unknown": {
      // A solver stopped by its own limit says unknown (z3 also prints "timeout").
      const timedOut = /timeout/i.test(out.stdout + out.stderr) || ms >= limitMs;
      return { ok: false, answer: timedOut ? "timeout" : "unknown", detail: timedOut ? `no answer within ${Math.round(limitMs / 1000)} s` : r.reason, ms };
    }
    case "error": {
      const said = (out.stdout + out.stderr).trim().split("\n")[0] ?? "";
      const timedOut = ms >= limitMs || /timeout|interrupted by timeout/i.test(said);
      return { ok: false, answer: timedOut ? "timeout" : "error", detail: timedOut ? `no answer within ${Math.round(limitMs / 1000)} s` : r.message || said || "no answer", ms };
    }
  }
}

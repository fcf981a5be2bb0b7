/**
 * Start-up and reruns (issue 12): wall times of whole processes, side by side in one run.
 *
 * - `neteq --version` and `--help` against bare `node -e 0`;
 * - the first verdict on a small file (one claim, no cache);
 * - the proofs/ suite, proofs/large included: a cold run (empty cache), then the unchanged
 *   suite again (served by the whole-claim cache).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "src/cli/bin.mjs");

/** Median wall time of `runs` runs of a command, in seconds. */
function wall(args: string[], runs = 5): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    try {
      execFileSync(process.execPath, args, { stdio: "pipe", cwd: ROOT });
    } catch {
      // A failing claim still measures the time to its verdict.
    }
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

export interface StartupRow {
  readonly what: string;
  readonly seconds: number;
  readonly target: string;
  readonly met: boolean;
}

export function startupTargets(log: (s: string) => void): StartupRow[] {
  const rows: StartupRow[] = [];
  const add = (what: string, seconds: number, limit: number | null, target = limit === null ? "" : `< ${limit} s`) => {
    const row = { what, seconds, target, met: limit === null || seconds < limit };
    rows.push(row);
    log(`${what.padEnd(60)} ${seconds.toFixed(2).padStart(7)} s  ${target}${limit === null ? "" : row.met ? " met" : " not met"}`);
  };
  add("bare node (node -e 0), for comparison", wall(["-e", "0"]), null);
  add("neteq --version", wall([BIN, "--version"]), 0.3);
  add("neteq --help", wall([BIN, "--help"]), 0.3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-startup-"));
  const small = path.join(dir, "small.neq");
  fs.writeFileSync(small, "activation sigma\nnetwork N = mlp(3 -> 4 -> 2, sigma)\ntheorem t: N ~ N after permute N.h1 by (0 1)\n");
  add("first verdict on a one-claim file (no cache)", wall([BIN, "check", "--no-cache", small]), 1);
  const cache = path.join(dir, "cache");
  add("proofs/ with proofs/large, cold (empty cache)", wall([BIN, "check", "--cache-dir", cache, "proofs"], 1), null);
  add("the same suite unchanged, again (claim cache)", wall([BIN, "check", "--cache-dir", cache, "proofs"], 3), 2);
  return rows;
}

/**
 * Running the CLI in-process (no child process, no tsx start-up) and normalising the
 * volatile parts of its output for golden comparisons.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../../src/cli/main.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `neteq <args>` from the repository root. */
export async function cli(args: readonly string[], cwd = ROOT, tty = false): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), tty, cwd });
  return { code, stdout, stderr };
}

/** Replace times, durations and versions, which change from run to run. */
export function normalise(text: string): string {
  return text
    .replace(/\d+\.\d\d s\b/g, "<t> s")
    .replace(/within \d+\.\d s\b/g, "within <t> s")
    .replace(/"ms": \d+/g, '"ms": 0')
    .replace(/"waitMs": \d+/g, '"waitMs": 0')
    .replace(/time="[\d.]+"/g, 'time="0"')
    .replace(/Z3 \d+\.\d+\.\d+(\.\d+)?/g, "Z3 <version>")
    .split(ROOT + path.sep)
    .join("");
}

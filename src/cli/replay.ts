/**
 * `neteq check --replay <report.json>`: read the recorded run, and after checking print only
 * what changed (src/report/replay.ts). Exit codes: 0 no verdict changed, 1 some did,
 * 2 input errors or an unreadable recording.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readReport } from "../report/merge.ts";
import { compareVerdicts, renderReplay } from "../report/replay.ts";
import { exitCode, type Report } from "../report/types.ts";
import type { Io } from "./main.ts";

/** The recorded report, or null after printing why it cannot be read. */
export function readBaseline(file: string, io: Io): Report | null {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(io.cwd, file), "utf8");
  } catch {
    io.stderr(`neteq: error CLI001: --replay: cannot read ${file}: no such file\n`);
    return null;
  }
  const r = readReport(text);
  if (typeof r === "string") {
    io.stderr(`neteq: error CLI001: --replay: cannot read ${file}: ${r}\n`);
    return null;
  }
  return r;
}

/** Print the changes against `baseline`; resolves to the exit code. */
export function replay(io: Io, current: Report, baseline: Report, baselineName: string, checked: (file: string, claim: string) => boolean): number {
  const changes = compareVerdicts(baseline, current, checked);
  io.stdout(renderReplay(changes, current, baselineName));
  if (exitCode(current) === 2) return 2;
  return changes.length > 0 ? 1 : 0;
}

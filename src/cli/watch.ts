/**
 * `neteq check --watch`: check everything once, then re-check the claims of every file whose
 * text or whose imports (direct or not) changed, and of new files, until interrupted. One
 * checker session serves every run, so solver workers and the cache stay warm. Changes are
 * found by polling sizes and modification times (the same on every platform and file
 * system, shared folders included); files are listed again on each poll, so new files under
 * a watched folder are picked up.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkWith, readFileOrNull } from "../check.ts";
import { renderDiagnostic } from "../diagnostics/render.ts";
import type { Options } from "../options.ts";
import { exitCode } from "../report/types.ts";
import { Session } from "../session.ts";
import { load } from "../syntax/load.ts";
import { collect } from "./files.ts";
import { render, type Io } from "./main.ts";

/** How often files are polled, in ms. */
export const POLL_MS = 300;

/** What a file's verdicts depend on: its own text and those of the files it imports. */
interface Watched {
  readonly deps: readonly string[];
  readonly stamps: string;
}

const stamp = (abs: string): string => {
  try {
    const st = fs.statSync(abs);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return "missing";
  }
};

/**
 * Watch `paths` until `signal` aborts; resolves to the exit code of the last run. Each run
 * prints its report (in the chosen format) for the files it re-checked.
 */
export async function watchCommand(paths: readonly string[], exclude: readonly string[], options: Options, io: Io, select: (file: string, claim: string) => boolean, signal?: AbortSignal): Promise<number> {
  const session = new Session(options);
  const watched = new Map<string, Watched>();
  const abs = (f: string) => path.resolve(io.cwd, f);
  const read = (f: string) => readFileOrNull(abs(f));
  const readText = (f: string): string | null => {
    try {
      return fs.readFileSync(abs(f), "utf8");
    } catch {
      return null;
    }
  };
  let last = 0;

  const run = async (files: readonly string[], why: string) => {
    const inputs = files.flatMap((f) => {
      const text = readText(f);
      return text === null ? [] : [{ path: f, text }];
    });
    for (const f of inputs) {
      // The stamps are taken before checking: a change during the run triggers another.
      const deps = [...load(f.path, f.text, read).sources.keys()].map(abs);
      watched.set(f.path, { deps, stamps: deps.map(stamp).join("|") });
    }
    if (why) io.stderr(`neteq: ${why}; re-checking ${inputs.length} file${inputs.length === 1 ? "" : "s"}\n`);
    const report = await checkWith(session, inputs, { read, select });
    io.stdout(render(report, options, io));
    last = exitCode(report);
  };

  const list = (): string[] | null => {
    const found = collect(paths, exclude, io.cwd);
    if (found.diagnostics.length > 0) {
      for (const d of found.diagnostics) io.stderr(renderDiagnostic(d, new Map()).replace(/^<command line>:1:1: /, "neteq: ") + "\n");
      return null;
    }
    return found.files;
  };

  try {
    await run(list() ?? [], "");
    io.stderr(`neteq: watching ${watched.size} file${watched.size === 1 ? "" : "s"} and their imports (Ctrl-C stops)\n`);
    while (!signal?.aborted) {
      await new Promise<void>((resolve) => {
        const onAbort = () => (clearTimeout(t), resolve());
        const t = setTimeout(() => (signal?.removeEventListener("abort", onAbort), resolve()), POLL_MS);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
      if (signal?.aborted) break;
      const files = list();
      if (!files) continue;
      for (const f of [...watched.keys()]) if (!files.includes(f)) watched.delete(f);
      const fresh = files.filter((f) => !watched.has(f));
      const changed = files.filter((f) => {
        const w = watched.get(f);
        return w !== undefined && w.deps.map(stamp).join("|") !== w.stamps;
      });
      if (fresh.length + changed.length === 0) continue;
      const why = [changed.length ? `changed (or their imports did): ${changed.join(", ")}` : "", fresh.length ? `new: ${fresh.join(", ")}` : ""].filter(Boolean).join("; ");
      await run([...changed, ...fresh], why);
    }
    return last;
  } finally {
    await session.close();
  }
}

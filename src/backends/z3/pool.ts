/**
 * A pool of solver worker threads (worker.mjs). Every job has a hard wall-clock limit
 * enforced from outside: Z3's own timeout is advisory (it answers late), so a job that
 * overruns has its worker terminated and replaced. A worker that dies (the WASM build
 * aborts on out-of-memory or a memory fault) costs only its current job, which is answered
 * `crash`; the rest of the run continues on a fresh worker.
 */
import { Worker } from "node:worker_threads";
import { fromRoot } from "../../root.ts";
import { pathToFileURL } from "node:url";

/** What came back for one script. */
export type RawAnswer =
  | { readonly kind: "output"; readonly text: string; readonly ms: number }
  | { readonly kind: "timeout"; readonly ms: number }
  | { readonly kind: "crash"; readonly message: string; readonly ms: number };

interface Job {
  readonly id: number;
  readonly script: string;
  /** The hard limit, or a function giving it when the job starts (time spent queued does not count). */
  readonly limitMs: number | (() => number);
  /** Called when a worker starts the job. */
  readonly onStart: (() => void) | undefined;
  readonly resolve: (a: RawAnswer) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  started: number;
  timer: NodeJS.Timeout | null;
  jobsDone: number;
  stderr: string;
}

const WORKER_URL = pathToFileURL(fromRoot("src", "backends", "z3", "worker.mjs"));
/** Recycle a worker after this many jobs (contexts keep some memory after `(reset)`). */
const RECYCLE_AFTER = 400;

export class SolverPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private closed = false;
  private versionText: string | null = null;
  private versionWaiters: ((v: string) => void)[] = [];

  /** `jobs`: how many solver threads may run at once. */
  constructor(private readonly jobs: number) {}

  /**
   * Run one script; never rejects. The hard limit counts from the moment a worker starts
   * the job; given as a function, it is read then (a limit of 0 answers `timeout` at once).
   * The answer's `ms` is the time the job ran.
   */
  run(script: string, limitMs: number | (() => number), onStart?: () => void): Promise<RawAnswer> {
    return new Promise((resolve) => {
      if (this.closed) {
        resolve({ kind: "crash", message: "solver pool closed", ms: 0 });
        return;
      }
      this.queue.push({ id: this.nextId++, script, limitMs, onStart, resolve });
      this.pump();
    });
  }

  /** Whether a solver worker has been started. */
  started(): boolean {
    return this.slots.length > 0 || this.versionText !== null;
  }

  /** The Z3 version string of the workers (starts one if none is running). */
  version(): Promise<string> {
    if (this.versionText) return Promise.resolve(this.versionText);
    if (this.slots.length === 0) this.spawn();
    return new Promise((r) => this.versionWaiters.push(r));
  }

  /** Terminate every worker; pending jobs are answered `crash`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const j of this.queue.splice(0)) j.resolve({ kind: "crash", message: "solver pool closed", ms: 0 });
    await Promise.all(this.slots.splice(0).map((s) => this.retire(s, "solver pool closed")));
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL, { stdout: true, stderr: true });
    const slot: Slot = { worker, ready: false, job: null, started: 0, timer: null, jobsDone: 0, stderr: "" };
    // Keep the tail of stderr for crash messages; never let a worker print on our terminal.
    worker.stdout.on("data", () => {});
    worker.stderr.on("data", (d: Buffer) => {
      slot.stderr = (slot.stderr + d.toString()).slice(-4000);
    });
    worker.on("message", (m: { kind: string; id?: number; text?: string; ms?: number; version?: string; message?: string }) => {
      if (m.kind === "log") {
        slot.stderr = (slot.stderr + (m.text ?? "") + "\n").slice(-4000);
        return;
      }
      if (m.kind === "ready") {
        slot.ready = true;
        this.versionText ??= m.version ?? "unknown";
        for (const w of this.versionWaiters.splice(0)) w(this.versionText);
        this.pump();
        return;
      }
      const job = slot.job;
      if (!job || m.id !== job.id) return;
      this.finish(slot, m.kind === "done" ? { kind: "output", text: m.text ?? "", ms: m.ms ?? 0 } : { kind: "crash", message: m.message ?? "solver error", ms: m.ms ?? 0 });
      slot.jobsDone++;
      if (slot.jobsDone >= RECYCLE_AFTER) this.replace(slot, "recycled");
      else this.pump();
    });
    const died = (why: string) => {
      if (!this.slots.includes(slot)) return;
      const job = slot.job;
      const detail = lastLine(slot.stderr) || why;
      if (job) this.finish(slot, { kind: "crash", message: detail, ms: Date.now() - slot.started });
      this.remove(slot);
      if (!slot.ready) for (const w of this.versionWaiters.splice(0)) w(`unavailable (${detail})`);
      this.pump();
    };
    worker.on("error", (e) => died(String(e.message ?? e)));
    worker.on("exit", (code) => died(`solver worker exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      const free = this.slots.find((s) => s.ready && !s.job);
      if (!free) {
        if (this.slots.length < this.jobs) this.spawn();
        return;
      }
      const job = this.queue.shift()!;
      const limit = typeof job.limitMs === "function" ? job.limitMs() : job.limitMs;
      if (!(limit > 0)) {
        job.resolve({ kind: "timeout", ms: 0 });
        continue;
      }
      job.onStart?.();
      free.job = job;
      free.started = Date.now();
      // setTimeout overflows (and fires at once) above 2^31 - 1 ms.
      free.timer = setTimeout(() => {
        this.finish(free, { kind: "timeout", ms: Date.now() - free.started });
        this.replace(free, "hard time limit");
      }, Math.min(limit, 2 ** 31 - 1));
      free.worker.postMessage({ id: job.id, script: job.script });
    }
  }

  private finish(slot: Slot, answer: RawAnswer): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const job = slot.job;
    slot.job = null;
    job?.resolve(answer);
  }

  private remove(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  private replace(slot: Slot, why: string): void {
    this.remove(slot);
    void this.retire(slot, why);
    this.pump();
  }

  private async retire(slot: Slot, why: string): Promise<void> {
    if (slot.job) this.finish(slot, { kind: "crash", message: why, ms: Date.now() - slot.started });
    slot.worker.removeAllListeners("exit");
    slot.worker.removeAllListeners("error");
    slot.worker.on("error", () => {});
    await slot.worker.terminate();
  }
}

/** The reason a worker died, in words, from the tail of what it printed. */
function lastLine(text: string): string {
  if (/Cannot enlarge memory|OOM/.test(text)) return "out of memory (the WebAssembly build of Z3 has a fixed 2 GiB heap)";
  if (/memory access out of bounds/.test(text)) return "memory fault inside the solver (memory access out of bounds)";
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const abort = lines.reverse().find((l) => /Aborted|RuntimeError/.test(l));
  return (abort ?? lines[0] ?? "").slice(0, 300);
}

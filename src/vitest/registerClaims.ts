/**
 * `neteq/vitest`: run the claims of .neq files as vitest test cases, one line in a test file.
 *
 * @example
 *   // test/theory.test.ts
 *   import { registerClaims } from "neteq/vitest";
 *   registerClaims("proofs", { exclude: ["proofs/large"] });
 *
 * Every .neq file under the paths becomes a `describe` block and every claim (theorem,
 * refute, bound statement) an `it` that passes when its verdict meets its expectation;
 * a failing claim's error message is its evidence (the witness of a refutation, the reason
 * of an unknown). A file with input errors gets a failing `(diagnostics)` case.
 *
 * Claim names are known when the test file is collected (files are parsed and elaborated
 * then, which is fast); solving starts when a file's first test runs and checks all of
 * that file's claims at once, and each test waits for its own claim. All files share one
 * checker session (solver workers, cache), closed after the last test.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, it } from "vitest";
import { checkWith, readFileOrNull } from "../check.ts";
import { collect } from "../cli/files.ts";
import { renderDiagnostic } from "../diagnostics/render.ts";
import { elaborate } from "../elaborate/elaborate.ts";
import { resolveOptions, type PartialOptions } from "../options.ts";
import { renderReportDiagnostic } from "../report/pretty.ts";
import { failureDetail, failureMessage } from "../report/failure.ts";
import type { ClaimReport, FileReport } from "../report/types.ts";
import { Session } from "../session.ts";
import { load } from "../syntax/load.ts";

/** Options of `registerClaims`: the checker's options (as for `check`) and the selection of files. */
export interface RegisterOptions extends Omit<PartialOptions, "reporter" | "progress"> {
  /** Skip files under these paths (relative to `cwd`). */
  readonly exclude?: readonly string[];
  /** Where relative paths start; default process.cwd(). */
  readonly cwd?: string;
  /** vitest timeout of each test case in ms; default: the claim timeout times the file's claims, plus 60 s. */
  readonly testTimeout?: number;
}

/** A claim that did not meet its expectation; its message is the evidence. */
export class ClaimFailure extends Error {
  constructor(
    readonly claim: ClaimReport,
    file: string,
  ) {
    super(`${file}:${claim.line}:${claim.column}: ${claim.name}: ${failureMessage(claim)}\n${failureDetail(claim)}`);
    this.name = "ClaimFailure";
    // The place that matters is in the proof file (in the message), not in this helper.
    this.stack = `${this.name}: ${this.message}`;
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** The part of a test framework's API that registering needs (vitest's by default). */
export interface TestApi {
  readonly describe: (name: string, body: () => void) => void;
  readonly it: (name: string, body: () => Promise<void>, timeout: number) => void;
  readonly afterAll: (body: () => Promise<void>) => void;
}

/**
 * Register one vitest test per claim of every .neq file under `paths` (a folder, a file,
 * or a list of them). Call it at the top level of a test file or inside a `describe`.
 */
export function registerClaims(paths: string | readonly string[], opts: RegisterOptions = {}): void {
  registerClaimsWith({ describe, it, afterAll }, paths, opts);
}

/** `registerClaims` with another test API (tests of the helper itself use a recording one). */
export function registerClaimsWith({ describe, it, afterAll }: TestApi, paths: string | readonly string[], opts: RegisterOptions = {}): void {
  const cwd = opts.cwd ?? process.cwd();
  const list = typeof paths === "string" ? [paths] : paths;
  const { options, diagnostics } = resolveOptions({ ...opts, reporter: "pretty", progress: false }, cwd);
  const found = collect(list, opts.exclude ?? [], cwd);
  const problems = [...diagnostics, ...found.diagnostics];
  if (problems.length > 0) throw new Error(`neteq/vitest: ${problems.map((d) => renderDiagnostic(d, new Map())).join("\n")}`);

  let session: Session | null = null;
  const sessionOf = () => (session ??= new Session(options));
  afterAll(async () => {
    await session?.close();
  });
  const read = (f: string) => readFileOrNull(path.resolve(cwd, f));

  for (const file of found.files) {
    const text = fs.readFileSync(path.resolve(cwd, file), "utf8");
    const module = elaborate(load(file, text, read));
    const names = [...module.claims, ...module.bounds, ...module.failed].map((c) => c.name);
    const claims = new Map(names.map((n) => [n, deferred<ClaimReport>()]));
    const report = deferred<FileReport>();
    let started = false;
    const start = () => {
      if (started) return;
      started = true;
      checkWith(sessionOf(), [{ path: file, text }], { read, onClaim: (_f, c) => claims.get(c.name)?.resolve(c) }).then(
        (r) => {
          const f = r.files[0]!;
          // Claims that could not be elaborated are reported only with the file.
          for (const c of f.claims) claims.get(c.name)?.resolve(c);
          report.resolve(f);
        },
        (e) => {
          for (const d of claims.values()) d.reject(e);
          report.reject(e);
        },
      );
    };
    const timeout = opts.testTimeout ?? options.timeoutMs * Math.max(1, names.length) + 60_000;
    describe(file, () => {
      if (module.diagnostics.some((d) => d.severity === "error")) {
        it("(diagnostics)", async () => {
          start();
          const f = await report.promise;
          const e = new Error(f.diagnostics.map(renderReportDiagnostic).join("\n"));
          e.stack = `Error: ${e.message}`;
          throw e;
        }, timeout);
      }
      for (const [name, d] of claims) {
        it(name, async () => {
          start();
          const c = await d.promise;
          if (!c.ok) throw new ClaimFailure(c, file);
        }, timeout);
      }
    });
  }
}

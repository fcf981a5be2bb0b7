/**
 * Fuzzing the front end and the checker with bad input (issue 7, section 5): random
 * token-level mutations of every proofs/ file, and random garbage. Whatever the input,
 * neteq must answer with located diagnostics (exit 2) or a normal report (exit 0 or 1):
 * never an exception (exit 3), never a stack trace, never more than a few seconds.
 *
 * Seeded and time-bounded: the seed is printed; NETEQ_FUZZ_SEED=<n> explores others. Every
 * case goes through loading and elaboration, where bad input lands; a sample also goes
 * through the whole check (falsifier, obligations, solver) with a 1 s timeout per claim
 * (mutants of proofs/large only through the front end: a valid one takes 20 s to prove).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { checkWith } from "../../src/check.ts";
import { importReader } from "../../src/cli/files.ts";
import { renderDiagnostic } from "../../src/diagnostics/render.ts";
import { elaborate } from "../../src/elaborate/elaborate.ts";
import { resolveOptions } from "../../src/options.ts";
import { exitCode } from "../../src/report/types.ts";
import { Session } from "../../src/session.ts";
import { load } from "../../src/syntax/load.ts";
import { ROOT } from "../helpers/cli.ts";

const SEED = Number(process.env.NETEQ_FUZZ_SEED ?? 20261201);
console.log(`fuzz seed ${SEED} (NETEQ_FUZZ_SEED=<n> to explore others)`);

function neqFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? neqFiles(path.join(dir, e.name)) : e.name.endsWith(".neq") ? [path.join(dir, e.name)] : []));
}

const FILES = neqFiles(path.join(ROOT, "proofs")).sort();

/** Layout, comments, strings, numbers, names and punctuation: the pieces mutations move. */
const TOKEN = /\s+|\/\/[^\n]*|\/\*[^]*?\*\/|"[^"\n]*"|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|:=|->|\.\.|=>|!=|<=|>=|[^]/g;
const tokens = (text: string): string[] => text.match(TOKEN) ?? [];

/** What a mutation may insert: the language's words and symbols, and values that once broke neteq. */
const VOCAB = [
  ...["activation", "network", "symmetry", "map", "theorem", "refute", "for", "in", "import", "input", "param", "out", "permute", "scale", "flip", "by", "then"],
  ...["after", "axiom", "forall", "if", "else", "and", "or", "not", "bound", "assert", "rows", "cols", "of", "with", "bias", "correction", "mlp"],
  ...[":=", "->", "..", "=>", "!=", "<=", ">=", "~", "+", "-", "*", "/", "=", "<", ">", ":", ";", ",", ".", "(", ")", "[", "]", "{", "}"],
  ...["N", "Net", "h1", "h2", "W0", "b0", "W1", "x", "c", "n", "relu", "tanh", "sigmoid", "sigma", "leaky_relu", "identity", "max", "min", "samples", "B", "eps"],
  ...["0", "1", "2", "3", "1/0", "0.5", "1e309", "1e-400", "99999999999999999999", "1000000", "100000000", "-1"],
  // Amplifiers: long chains and deep nesting that once overflowed the stack or hung the parser.
  ...["(\n".repeat(3000), "not\n".repeat(2000), " +\n z".repeat(2000), "-\n".repeat(2000), "W\n".repeat(2000), "\nthen permute N.h1 by (0 1)".repeat(600), "not\n".repeat(20_000), "(".repeat(200_000)],
  ...['"std/activations.neq"', '"std/../../package.json"', '"\\q"', '"/dev/zero"', '"\\u12"', '"a\tb"', '"."', '"', "/*", "//", "\n", "\t", "\u00e9", "\u0000"],
];

type Mutation = { kind: "delete" | "duplicate" | "swap" | "replace" | "insert"; at: number; token: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom("delete", "duplicate", "swap", "replace", "insert"),
  at: fc.nat(),
  token: fc.constantFrom(...VOCAB),
});

function mutate(text: string, ms: readonly Mutation[]): string {
  const ts = tokens(text);
  for (const m of ms) {
    if (ts.length === 0) ts.push(m.token);
    const i = m.at % ts.length;
    if (m.kind === "delete") ts.splice(i, 1);
    else if (m.kind === "duplicate") ts.splice(i, 0, ts[i]!);
    else if (m.kind === "swap" && i + 1 < ts.length) [ts[i], ts[i + 1]] = [ts[i + 1]!, ts[i]!];
    else if (m.kind === "replace") ts[i] = m.token;
    else ts.splice(i, 0, m.token);
  }
  return ts.join("");
}

/** A proof file as the fuzzer changed it: where it came from (for imports) and its text. */
type Case = { file: string; text: string };

const mutant: fc.Arbitrary<Case> = fc
  .record({ file: fc.constantFrom(...FILES), ms: fc.array(mutation, { minLength: 1, maxLength: 6 }) })
  .map(({ file, ms }) => ({ file, text: mutate(fs.readFileSync(file, "utf8"), ms) }));

const garbage: fc.Arbitrary<Case> = fc
  .oneof(
    fc.string({ unit: "binary", maxLength: 400 }),
    fc.array(fc.constantFrom(...VOCAB), { maxLength: 120 }).map((ts) => ts.join(" ")),
    fc.array(fc.constantFrom(...VOCAB), { maxLength: 120 }).map((ts) => ts.join("")),
  )
  .map((text) => ({ file: path.join(ROOT, "proofs", "garbage.neq"), text }));

const anyCase = fc.oneof({ arbitrary: mutant, weight: 3 }, { arbitrary: garbage, weight: 1 });

const show = (c: Case) => `${path.relative(ROOT, c.file)}:\n${c.text.length > 2000 ? `${c.text.slice(0, 2000)}...` : c.text}`;

/** Load and elaborate: no exception, every diagnostic located inside its file, quickly. */
function frontEnd(c: Case): void {
  const started = Date.now();
  const loaded = load(c.file, c.text, importReader(ROOT));
  const module = elaborate(loaded);
  for (const d of module.diagnostics) {
    const source = loaded.sources.get(d.span.file);
    expect(source, `${d.code} ${d.message} in a file that was not loaded\n${show(c)}`).toBeDefined();
    expect(0 <= d.span.start && d.span.start <= d.span.end && d.span.end <= source!.length + 1, `${d.code} span ${d.span.start}..${d.span.end}\n${show(c)}`).toBe(true);
    expect(renderDiagnostic(d, loaded.sources)).toMatch(/:\d+:\d+: (error|warning) [A-Z]{3}\d{3}: /);
  }
  // A guard against hangs (the bugs never ended), generous for a loaded machine.
  expect(Date.now() - started, show(c)).toBeLessThan(15_000);
}

const session = new Session(resolveOptions({ jobs: 2, cache: false, timeout: 1 }).options);
afterAll(() => session.close());

describe("fuzz", () => {
  it("mutated proof files and garbage: the front end reports located diagnostics, never throws", () => {
    fc.assert(
      fc.property(anyCase, (c) => frontEnd(c)),
      { seed: SEED, numRuns: 400, interruptAfterTimeLimit: 40_000 },
    );
  }, 60_000);

  it("the whole check: exit 0, 1 or 2 (2 exactly when a diagnostic is an error), never an exception, in a few seconds", async () => {
    const small = FILES.filter((f) => !f.includes(`${path.sep}large${path.sep}`));
    const smallMutant = fc
      .record({ file: fc.constantFrom(...small), ms: fc.array(mutation, { minLength: 1, maxLength: 6 }) })
      .map(({ file, ms }) => ({ file, text: mutate(fs.readFileSync(file, "utf8"), ms) }));
    await fc.assert(
      fc.asyncProperty(fc.oneof({ arbitrary: smallMutant, weight: 3 }, { arbitrary: garbage, weight: 1 }), async (c) => {
        const started = Date.now();
        let report;
        try {
          report = await checkWith(session, [{ path: c.file, text: c.text }], { read: importReader(ROOT) });
        } catch (e) {
          throw new Error(`check threw ${e instanceof Error ? e.stack : String(e)}\n${show(c)}`);
        }
        const code = exitCode(report);
        const errors = report.files.flatMap((f) => f.diagnostics.filter((d) => d.severity === "error"));
        expect(code, show(c)).toBe(errors.length > 0 ? 2 : report.summary.failed > 0 ? 1 : 0);
        for (const d of errors) expect(d.line >= 1 && d.column >= 1, show(c)).toBe(true);
        expect(() => JSON.stringify(report)).not.toThrow();
        expect(Date.now() - started, show(c)).toBeLessThan(20_000);
      }),
      { seed: SEED, numRuns: 40, interruptAfterTimeLimit: 60_000 },
    );
  }, 120_000);
});

/**
 * The `neteq/vitest` helper itself, with a recording test API: it registers one case per
 * claim, ok claims pass, and a failing claim's error carries its witness or reason.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ClaimFailure, registerClaimsWith, type TestApi } from "../../src/vitest/registerClaims.ts";
import { cli } from "../helpers/cli.ts";

interface Recorded { readonly suite: string; readonly name: string; readonly body: () => Promise<void> }

function record(paths: string | string[], opts: Parameters<typeof registerClaimsWith>[2] = {}): { cases: Recorded[]; cleanup: (() => Promise<void>)[] } {
  const cases: Recorded[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  let suite = "";
  const api: TestApi = {
    describe: (name, body) => {
      suite = name;
      body();
    },
    it: (name, body) => cases.push({ suite, name, body }),
    afterAll: (body) => cleanup.push(body),
  };
  registerClaimsWith(api, paths, opts);
  return { cases, cleanup };
}

/** Run a case: "ok" or its error. */
const outcome = (c: Recorded) => c.body().then(() => "ok" as const, (e: unknown) => e as Error);

describe("neteq/vitest", () => {
  const recorded = record(["test/golden/cases/failing.neq", "test/golden/cases/verdicts.neq", "test/golden/cases/bounds.neq"], { cache: false });
  afterAll(() => Promise.all(recorded.cleanup.map((f) => f())));

  it("registers one case per claim; ok claims pass and failing ones fail with their evidence", async () => {
    const { cases } = recorded;
    const report = JSON.parse((await cli(["check", "--no-cache", "--reporter", "json", "test/golden/cases/failing.neq", "test/golden/cases/verdicts.neq", "test/golden/cases/bounds.neq"])).stdout) as { files: { path: string; diagnostics: unknown[]; claims: { name: string; ok: boolean; verdict: string; reason: string | null }[] }[] };
    const expected = report.files.flatMap((f) => [...(f.diagnostics.length ? [`${f.path} (diagnostics)`] : []), ...f.claims.map((c) => `${f.path} ${c.name}`)]);
    expect(cases.map((c) => `${c.suite} ${c.name}`).sort()).toEqual(expected.sort());
    for (const f of report.files) {
      for (const c of f.claims) {
        const result = await outcome(cases.find((x) => x.suite === f.path && x.name === c.name)!);
        if (c.ok) expect(result, `${f.path} ${c.name}`).toBe("ok");
        else {
          expect(result).toBeInstanceOf(ClaimFailure);
          expect((result as Error).message).toContain(`${c.name}: `);
          if (c.verdict === "refuted") expect((result as Error).message).toMatch(/expected proved, got refuted \(numeric falsifier, replayed exactly\): input x = \[/);
          if (c.reason) expect((result as Error).message).toContain(c.reason);
        }
      }
    }
    expect(report.files.flatMap((f) => f.claims).filter((c) => !c.ok).length).toBeGreaterThanOrEqual(3);
    const diagnostics = await outcome(cases.find((x) => x.suite === "test/golden/cases/failing.neq" && x.name === "(diagnostics)")!);
    expect((diagnostics as Error).message).toMatch(/failing\.neq:7:39: error ELB013/);
  }, 120_000);

  it("refuses a path with no .neq files, naming the problem", () => {
    expect(() => record("test/golden/empty")).toThrow(/CLI002/);
  });
});

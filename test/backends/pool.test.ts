/**
 * The solver pool: hard time limits enforced from outside, crashes contained, scripts read
 * intact under load.
 */
import { afterAll, describe, expect, it } from "vitest";
import { readAnswer } from "../../src/backends/smtlib/answer.ts";
import { SolverPool } from "../../src/backends/z3/pool.ts";

const pool = new SolverPool(2);
afterAll(() => pool.close());

/** A problem Z3 does not finish (x^3 + y^3 + z^3 = 33 over the integers). */
const HARD = "(declare-fun x () Int)(declare-fun y () Int)(declare-fun z () Int)(assert (= (+ (* x x x) (* y y y) (* z z z)) 33))(check-sat)";
/** Exhausts the 2 GiB WASM heap in about two seconds. */
const OOM = "(declare-fun x () (_ BitVec 200000000))(assert (= (bvmul x x) (bvadd x #b1)))(check-sat)";

describe("solver pool", () => {
  it("answers scripts", async () => {
    const r = await pool.run("(declare-fun x () Real)(assert (> x 1))(assert (< x 0))(check-sat)", 10_000);
    expect(r.kind === "output" && r.text.trim()).toBe("unsat");
    expect(await pool.version()).toMatch(/^Z3 \d/);
  });

  it("enforces the hard limit even though the solver has no timeout of its own", async () => {
    const t = Date.now();
    const r = await pool.run(HARD, 1500);
    expect(r.kind).toBe("timeout");
    expect(Date.now() - t).toBeLessThan(20_000); // stopped, not waited out (the job alone would run for minutes)
    const after = await pool.run("(declare-fun x () Real)(assert (> x 1))(check-sat)", 10_000);
    expect(after.kind === "output" && after.text.trim()).toBe("sat");
  });

  it("contains a crash: the job is answered `crash` and the next job runs on a fresh worker", async () => {
    const r = await pool.run(OOM, 60_000);
    expect(r).toMatchObject({ kind: "crash", message: expect.stringContaining("out of memory") });
    const after = await pool.run("(declare-fun x () Real)(assert (> x 1))(check-sat)", 10_000);
    expect(after.kind === "output" && after.text.trim()).toBe("sat");
  }, 60_000);

  it("reads every script intact while many run (regression: scripts were freed from the WASM stack mid-check)", async () => {
    const script = (k: number) => {
      const decls = Array.from({ length: 40 }, (_, i) => `(declare-fun v${i} () Real)`).join("");
      const sum = Array.from({ length: 40 }, (_, i) => `(* v${i} v${(i + k) % 40})`).join(" ");
      return `(set-option :produce-unsat-cores true)${decls}(assert (! (> (+ ${sum}) 1.0) :named a0))(assert (! (< (+ ${sum}) 0.0) :named goal))(check-sat)(echo "@reason")(get-info :reason-unknown)(echo "@core")(get-unsat-core)(echo "@end-${k}")`;
    };
    const answers = await Promise.all(Array.from({ length: 40 }, (_, k) => pool.run(script(k), 30_000)));
    answers.forEach((a, k) => {
      expect(a.kind).toBe("output");
      const text = a.kind === "output" ? a.text : "";
      expect(text).toContain(`@end-${k}`);
      expect(readAnswer(text, 0)).toEqual({ kind: "unsat", core: expect.arrayContaining(["goal"]) });
    });
  }, 60_000);

  it("a job's limit is read when a worker starts it, so time spent queued does not count against it", async () => {
    const one = new SolverPool(1);
    try {
      await one.version();
      const blocker = one.run(HARD, 1500);
      let readAt = 0;
      let startedAt = 0;
      const queued = Date.now();
      const r = await one.run("(declare-fun x () Real)(assert (> x 1))(check-sat)", () => ((readAt = Date.now()), 10_000), () => (startedAt = Date.now()));
      expect((await blocker).kind).toBe("timeout");
      expect(r.kind === "output" && r.text.trim()).toBe("sat");
      // Read and started after the blocker's 1.5 s, not when queued.
      expect(readAt - queued).toBeGreaterThanOrEqual(1400);
      expect(startedAt).toBeGreaterThanOrEqual(readAt);
      // Control: a limit of 0 when the job starts answers timeout without running it.
      let ran = false;
      expect(await one.run("(check-sat)", () => 0, () => (ran = true))).toEqual({ kind: "timeout", ms: 0 });
      expect(ran).toBe(false);
    } finally {
      await one.close();
    }
  }, 30_000);
});

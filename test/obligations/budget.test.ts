import { describe, expect, it } from "vitest";
import { Budget } from "../../src/obligations/budget.ts";

/** A budget on a clock the test moves by hand. */
function clocked(total: number) {
  let t = 0;
  const b = new Budget(total, () => t);
  return { b, advance: (ms: number) => (t += ms) };
}

describe("a claim's budget counts its own work only", () => {
  it("time between its steps (waiting behind other claims) is not counted", () => {
    const { b, advance } = clocked(100);
    b.run(() => advance(30));
    advance(1000); // another claim runs
    b.run(() => advance(30));
    expect(b.spentMs()).toBe(60);
    expect(b.wallMs()).toBe(1060);
    expect(b.exhausted()).toBe(false);
    expect(b.remainingMs()).toBe(40);
  });

  it("overlapping work (two solver jobs at once, a step while a job runs) is counted once", () => {
    const { b, advance } = clocked(100);
    b.enter(); // job 1 starts
    advance(10);
    b.enter(); // job 2 starts
    advance(20);
    b.leave(); // job 1 ends
    advance(5);
    b.leave(); // job 2 ends
    expect(b.spentMs()).toBe(35);
  });

  it("control: work past the total exhausts it, and unmatched leaves do not give time back", () => {
    const { b, advance } = clocked(50);
    b.run(() => advance(60));
    b.leave();
    expect(b.spentMs()).toBe(60);
    expect(b.exhausted()).toBe(true);
    expect(b.remainingMs()).toBe(0);
  });
});

/**
 * A claim's time budget. It counts the claim's own work only: the time during which one of
 * its synchronous steps runs on the main thread or one of its solver jobs runs on a worker
 * (overlapping intervals counted once), never the time it waits behind other claims for
 * the main thread or for a solver worker. So a claim's verdict does not depend on which
 * other claims share its run; the waiting time is reported separately.
 *
 * @example
 *   const b = new Budget(30_000);
 *   const obs = b.run(() => build());      // counted
 *   await pool.run(script, () => b.remainingMs(), () => b.enter());  // counted from start
 *   b.leave();
 */
export class Budget {
  private busy = 0;
  private since = 0;
  private spent = 0;
  readonly startedAt: number;

  constructor(
    readonly totalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  /** Own work starts (nested and overlapping starts are counted once). */
  enter(): void {
    if (this.busy++ === 0) this.since = this.now();
  }

  /** Own work started by the matching `enter` ends. */
  leave(): void {
    if (this.busy <= 0) return;
    if (--this.busy === 0) this.spent += this.now() - this.since;
  }

  /** Milliseconds of own work so far. */
  spentMs(): number {
    return this.spent + (this.busy > 0 ? this.now() - this.since : 0);
  }

  remainingMs(): number {
    return Math.max(0, this.totalMs - this.spentMs());
  }

  exhausted(): boolean {
    return this.spentMs() >= this.totalMs;
  }

  /** Milliseconds since the claim started, own work or not. */
  wallMs(): number {
    return this.now() - this.startedAt;
  }

  /** Run a synchronous step as own work. */
  run<T>(step: () => T): T {
    this.enter();
    try {
      return step();
    } finally {
      this.leave();
    }
  }
}

/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same
 * sequence on every machine, so falsifier runs and witnesses are reproducible.
 */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  /**
   * Fill `a` with (uniform integers in [lo, hi]) / div: the values, and the state after,
   * are exactly those of calling `int(lo, hi) / div` for each entry in order (one loop with
   * the state in a local, for arrays of millions of entries).
   */
  fillInts(a: Float64Array, lo: number, hi: number, div: number): void {
    const span = hi - lo + 1;
    let state = this.state;
    for (let i = 0; i < a.length; i++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      a[i] = (lo + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * span)) / div;
    }
    this.state = state;
  }
  /** One element of a non-empty array. */
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** A standard normal sample (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  /** An independent generator derived from this one (for sub-tasks). */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 4294967296));
  }
}

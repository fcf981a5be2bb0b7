/**
 * Deduplication: obligations with the same canonical form (canonical.ts) are discharged
 * once. Each group keeps its first obligation as representative and, for reporting, the
 * distinct lists of tracked labels of its members (so "axioms used" speaks of every member).
 */
import { canonical } from "./canonical.ts";
import type { Obligation } from "./types.ts";

export interface Group {
  readonly hash: string;
  readonly representative: Obligation;
  count: number;
  /** Distinct label lists of the members' tracked assumptions (by position). */
  readonly labels: Map<string, readonly string[]>;
}

export class Dedup {
  readonly groups = new Map<string, Group>();
  total = 0;
  /** Obligations proved by expansion (identical.ts), never canonicalised or solved. */
  identities = 0;

  /** An obligation whose two sides expand to the same polynomial. */
  addIdentity(): void {
    this.total++;
    this.identities++;
  }

  /** Canonical hashes of obligations already added (the compositional strategy adds one object once per unit with the same signature). */
  private readonly hashes = new WeakMap<Obligation, { hash: string; labels: readonly string[]; key: string }>();

  add(ob: Obligation): void {
    this.total++;
    let known = this.hashes.get(ob);
    if (known === undefined) {
      const labels = ob.tracked.map((t) => t.label);
      known = { hash: canonical(ob).hash, labels, key: labels.join("\u0000") };
      this.hashes.set(ob, known);
    }
    const { hash, labels, key } = known;
    const g = this.groups.get(hash);
    if (g) {
      g.count++;
      if (!g.labels.has(key) && g.labels.size < 64) g.labels.set(key, labels);
      return;
    }
    this.groups.set(hash, { hash, representative: ob, count: 1, labels: new Map([[key, labels]]) });
  }

  get distinct(): number {
    return this.groups.size;
  }
}

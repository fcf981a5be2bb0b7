/**
 * Units already built, by signature (signature.ts): an exact lookup -- a hash picks
 * candidates, the whole record is compared -- so two units share an entry only when their
 * records are equal.
 */
export class SignatureTable<V> {
  private readonly buckets = new Map<number, { tokens: Int32Array; value: V }[]>();
  private stored = 0;

  constructor(private readonly capacity = 512) {}

  get(tokens: Int32Array): V | undefined {
    const bucket = this.buckets.get(hash(tokens));
    if (!bucket) return undefined;
    for (const e of bucket) if (equal(e.tokens, tokens)) return e.value;
    return undefined;
  }

  /** Keep `value` under a copy of `tokens` (until the table is full: then not kept). */
  set(tokens: Int32Array, value: V): void {
    if (this.stored >= this.capacity) return;
    this.stored++;
    const h = hash(tokens);
    const bucket = this.buckets.get(h) ?? [];
    bucket.push({ tokens: tokens.slice(), value });
    this.buckets.set(h, bucket);
  }
}

function hash(a: Int32Array): number {
  let h = 0x811c9dc5 ^ a.length;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a[i]!, 0x01000193);
  return h >>> 0;
}

function equal(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

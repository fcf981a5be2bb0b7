/**
 * Lists built by the parser in linear time.
 *
 * nearley keeps the data of every parse state, and a list rule may complete after every
 * item (the list could end there). Its repetition rules (`x:*`, `x:+`) copy the list so far
 * at each item, and a postprocessor that builds an array at each completion does the same,
 * so a list of n items cost n^2/2 in time and in memory (25,000 permutation images took
 * 34 s and gigabytes). Here the repetition rules build a `Seq`, which shares the items
 * before it, and list postprocessors build a `LazyList`; both take constant time. After a
 * declaration is parsed, `materialise` turns every one of them into the array the syntax
 * types promise, once. Spans need only a list's first and last item, which both keep.
 */
import type nearley from "nearley";

/** The items of a repetition, each sharing the ones before it. */
export class Seq {
  readonly length: number;
  readonly first: unknown;
  constructor(
    readonly before: Seq | readonly unknown[],
    readonly last: unknown,
  ) {
    this.length = before.length + 1;
    this.first = before.length === 0 ? last : before instanceof Seq ? before.first : before[0];
  }

  /** The items in order (iterative: lists can be long). */
  toArray(): unknown[] {
    const out: unknown[] = new Array(this.length);
    let node: Seq | readonly unknown[] = this;
    let i = this.length;
    while (node instanceof Seq) {
      out[--i] = node.last;
      node = node.before;
    }
    for (let k = 0; k < i; k++) out[k] = node[k];
    return out;
  }

  /** For postprocessors that read a short list once (`.map` of an array). */
  map<U>(f: (x: any, i: number) => U): U[] {
    return this.toArray().map(f);
  }
}

/** `head` then `pick` of every item of `rest`: an array once materialised. */
export class LazyList {
  constructor(
    readonly head: readonly unknown[],
    readonly rest: Seq | readonly unknown[],
    readonly pick: (x: any) => unknown,
  ) {}

  get first(): unknown {
    if (this.head.length > 0) return this.head[0];
    return this.rest.length === 0 ? undefined : this.pick(this.rest instanceof Seq ? this.rest.first : this.rest[0]);
  }

  get last(): unknown {
    if (this.rest.length === 0) return this.head[this.head.length - 1];
    return this.pick(this.rest instanceof Seq ? this.rest.last : this.rest[this.rest.length - 1]);
  }

  toArray(): unknown[] {
    const rest = this.rest instanceof Seq ? this.rest.toArray() : this.rest;
    return [...this.head, ...rest.map(this.pick)];
  }
}

/** Make every left-recursive repetition rule of `g` (`x$ebnf$n -> x$ebnf$n item`) build a Seq. */
export function linearRepetitions(g: nearley.Grammar): nearley.Grammar {
  for (const rule of g.rules) {
    if (/\$ebnf\$\d+$/.test(rule.name) && rule.symbols.length === 2 && rule.symbols[0] === rule.name) {
      (rule as { postprocess?: nearley.Postprocessor }).postprocess = (d: unknown[]) => new Seq(d[0] as Seq | unknown[], d[1]);
    }
  }
  return g;
}

/** `x` with every Seq and LazyList inside it turned into an array (iterative: trees can be deep). */
export function materialise<T>(x: T): T {
  const done = new Set<object>();
  const fix = (v: unknown): unknown => (v instanceof Seq || v instanceof LazyList ? v.toArray() : v);
  const root = fix(x);
  const todo: unknown[] = [root];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v !== "object" || v === null || done.has(v)) continue;
    done.add(v);
    const record = v as Record<string, unknown>;
    for (const k of Object.keys(record)) {
      const fixed = fix(record[k]);
      if (fixed !== record[k]) record[k] = fixed;
      todo.push(fixed);
    }
  }
  return root as T;
}

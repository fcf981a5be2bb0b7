/**
 * Names visible during elaboration. Declarations are registered first and elaborated on
 * demand (memoised), so a file may use a name before the line that declares it. A `for`
 * body gets a child scope per value of its variable.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { error } from "../diagnostics/diagnostic.ts";
import type { Span } from "../diagnostics/span.ts";
import { LIMITS } from "../limits.ts";
import type * as A from "../syntax/types.ts";
import type { Activation, Network } from "./types.ts";

/** What a name can refer to. */
export type Entry =
  | { readonly kind: "activation"; readonly decl: Extract<A.Decl, { kind: "activation" }> | null; readonly scope: Scope; memo: Activation | null | undefined; readonly span: Span }
  | { readonly kind: "builtin"; readonly name: string; readonly span: Span }
  | { readonly kind: "network"; readonly decl: Extract<A.Decl, { kind: "network" }>; readonly scope: Scope; memo: Network | null | undefined; readonly span: Span }
  | { readonly kind: "symmetry"; readonly decl: Extract<A.Decl, { kind: "symmetry" }>; readonly scope: Scope; readonly span: Span }
  | { readonly kind: "int"; readonly value: number; readonly span: Span }
  /**
   * A permutation variable of a whole-group claim: `value` is the instance the concrete
   * strategies and the falsifier use, `symbol` identifies the variable (steps that use it
   * share one symbolic bijection, and only those).
   */
  | { readonly kind: "perm"; readonly value: readonly number[]; readonly symbol: string; readonly span: Span };

/** Words for an entry kind, in messages. */
export const kindWord = (e: Entry): string =>
  e.kind === "builtin" || e.kind === "activation" ? "an activation" : e.kind === "int" ? "a sweep variable" : e.kind === "perm" ? "a permutation variable" : e.kind === "network" ? "a network" : e.decl.keyword === "map" ? "a map" : "a symmetry";

export class Scope {
  private readonly names = new Map<string, Entry>();
  constructor(
    readonly parent: Scope | null,
    /** Suffix for claim names declared here, e.g. "[n=3]". */
    readonly suffix: string,
  ) {}

  /** Register a name; reports a duplicate in this scope or a clash with a built-in. */
  declare(name: A.Ident, entry: Entry, diags: Diagnostic[]): void {
    const prior = this.names.get(name.name) ?? this.root().names.get(name.name);
    if (prior) {
      const why = prior.kind === "builtin" ? `${name.name} is a built-in activation` : `${name.name} is already declared as ${kindWord(prior)}`;
      diags.push(error("ELB002", name.span, why, prior.kind === "builtin" ? [] : [{ span: prior.span, message: "first declared here" }]));
      return;
    }
    this.names.set(name.name, entry);
  }

  /** The entry declared in this scope itself (not a parent). */
  lookupHere(name: string): Entry | undefined {
    return this.names.get(name);
  }

  lookup(name: string): Entry | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }

  /** All names visible here (for "did you mean" hints), or those whose entry passes `keep`. */
  visible(keep: (e: Entry) => boolean = () => true): string[] {
    const here = [...this.names].filter(([, e]) => keep(e)).map(([n]) => n);
    return [...new Set([...here, ...(this.parent?.visible(keep) ?? [])])];
  }

  private root(): Scope {
    return this.parent ? this.parent.root() : this;
  }
}

/** The closest visible name to `name`, if any is close (edit distance <= 2). */
export function suggest(name: string, candidates: readonly string[]): string {
  let best = "";
  let bestD = 3;
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) >= bestD) continue; // the distance is at least the length difference
    const d = distance(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best ? `; did you mean ${best}?` : "";
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** "unknown network Nett; did you mean Net?" */
export function unknown(name: A.Ident, what: string, scope: Scope, diags: Diagnostic[]): void {
  // Suggest only names of the kind asked for: a network is never "did you mean n?" for a sweep variable.
  const kinds: Record<string, readonly Entry["kind"][]> = { network: ["network"], activation: ["activation", "builtin"], symmetry: ["symmetry"] };
  const wanted = kinds[what];
  // Suggestions cost a scan of every visible name; past the diagnostics a file can show, skip them.
  const hint = diags.length < 2 * LIMITS.diagnostics ? suggest(name.name, scope.visible((e) => wanted === undefined || wanted.includes(e.kind))) : "";
  diags.push(error("ELB001", name.span, `unknown ${what} ${name.name}${hint}`));
}

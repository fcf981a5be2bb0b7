/**
 * `neteq explain`: the obligations of one claim as SMT-LIB2 scripts, with comments, that a
 * standalone solver (z3, cvc5) accepts.
 */
import { printObligation } from "./backends/smtlib/print.ts";
import { error, type Diagnostic } from "./diagnostics/diagnostic.ts";
import { noSpan } from "./diagnostics/span.ts";
import { elaborate } from "./elaborate/elaborate.ts";
import { monolithic } from "./obligations/monolithic.ts";
import type { Obligation } from "./obligations/types.ts";
import type { StrategyChoice } from "./options.ts";
import { claimModel } from "./semantics/claim.ts";
import { load, type ReadFile } from "./syntax/load.ts";

export interface Explained {
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
}

/** Obligations of `claimName` in the file, for `strategy`. */
export function obligationsOf(strategy: StrategyChoice, model: ReturnType<typeof claimModel>): Obligation[] {
  void strategy;
  return [monolithic(model)];
}

export function explain(path: string, text: string, claimName: string, strategy: StrategyChoice, read: ReadFile): Explained {
  const loaded = load(path, text, read);
  const module = elaborate(loaded);
  const errors = module.diagnostics.filter((d) => d.severity === "error");
  const claim = module.claims.find((c) => c.name === claimName);
  if (!claim) {
    const known = [...module.claims.map((c) => c.name), ...module.failed.map((f) => f.name)];
    const failed = module.failed.find((f) => f.name === claimName);
    const why = failed ? `claim ${claimName} could not be elaborated` : `${path} has no claim ${claimName}${known.length ? `; its claims are ${known.join(", ")}` : ""}`;
    return { text: "", diagnostics: [...errors, error("CLI004", noSpan("<command line>"), why)], sources: loaded.sources };
  }
  const model = claimModel(claim);
  const scripts = obligationsOf(strategy, model).map((ob) => printObligation(ob, { comments: true }).text);
  const head = `; neteq explain ${path} ${claimName}\n; Symbols: parameter entries |W0[i,j]|, input |x[i]|, scalars of the transformation,\n; activations |act.NAME|. unsat means the claim holds; see the README for the proof rule.\n`;
  return { text: head + scripts.join("\n"), diagnostics: [], sources: loaded.sources };
}

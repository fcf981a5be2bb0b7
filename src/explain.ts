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
import { claimModel, type ClaimModel } from "./semantics/claim.ts";
import { compositionalObligations } from "./obligations/compositional.ts";
import { Rng } from "./numeric/rng.ts";
import { load, type ReadFile } from "./syntax/load.ts";
import { structuralText, symbolicPlan } from "./symbolic/strategy.ts";
import type { Claim } from "./elaborate/types.ts";

export interface Explained {
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
}

/**
 * The obligations `strategy` would send for a claim, with how many obligations each stands
 * for: the distinct compositional ones (monolithic when compositional does not apply).
 */
export function obligationsOf(strategy: StrategyChoice, model: ClaimModel): { ob: Obligation; count: number; note: string }[] {
  if (strategy !== "monolithic") {
    const dedup = compositionalObligations(model, new Rng(1), new Map(), () => false, false);
    if (!("reason" in dedup)) return [...dedup.groups.values()].map((g) => ({ ob: g.representative, count: g.count, note: "" }));
    if (strategy === "compositional") return [];
  }
  return [{ ob: monolithic(model), count: 1, note: strategy === "auto" ? "compositional strategy not applicable; " : "" }];
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
  if (strategy === "symbolic") return explainSymbolic(path, claim, loaded.sources);
  const obs = obligationsOf(strategy, model);
  if (obs.length === 0) return { text: "", diagnostics: [error("CLI004", noSpan("<command line>"), `the compositional strategy does not apply to ${claimName}; try --strategy monolithic`)], sources: loaded.sources };
  const scripts = obs.map(({ ob, count, note }) => `; ${note}${count > 1 ? `this obligation stands for ${count} obligations identical up to renaming` : `${ob.strategy} obligation`}\n${printObligation(ob, { comments: true }).text}`);
  const head = `; neteq explain ${path} ${claimName}\n; Symbols: parameter entries |W0[i,j]|, input |x[i]|, scalars of the transformation,\n; activations |act.NAME|. unsat means the claim holds; see the README for the proof rule.\n`;
  // `(reset)` between obligations, so that the whole output is one script a solver accepts.
  return { text: head + scripts.join("\n(reset)\n"), diagnostics: [], sources: loaded.sources };
}

/** The symbolic strategy's rule chain as comments, then its activation lemmas as scripts. */
function explainSymbolic(path: string, claim: Claim, sources: ReadonlyMap<string, string>): Explained {
  const plan = symbolicPlan(claim);
  if ("reason" in plan) return { text: "", diagnostics: [error("CLI004", noSpan("<command line>"), `the symbolic strategy does not apply to ${claim.name}: ${plan.reason.replace(/^not applicable: /, "")}`)], sources };
  const head = [
    `; neteq explain ${path} ${claim.name} --strategy symbolic`,
    "; The rule chain (README, \"The symbolic strategy\"): for every tensor, the action derived",
    "; from the steps (P<k>: the bijection of step k; d<k>: its diagonal, at an index).",
    ...plan.chain.map((c) => `;   ${c.tensor}: ${c.text}`),
    ...plan.structural.map((l) => `; Activation lemma by structure (README, "Activation lemmas by structure"): ${structuralText(l)}`),
    plan.obligations.length ? `; Activation lemmas for the solver (each must be unsat): ${plan.obligations.length}` : `; No activation lemma for the solver: the rules alone prove the claim.`,
  ].join("\n");
  const scripts = plan.obligations.map((ob) => printObligation(ob, { comments: true }).text);
  return { text: `${head}\n${scripts.join("\n(reset)\n")}`, diagnostics: [], sources };
}

/**
 * Checking one claim: the numeric falsifier first, then the solver strategy, every piece
 * of evidence turned into a verdict by `decide`.
 */
import { printObligation } from "./backends/smtlib/print.ts";
import type { Claim } from "./elaborate/types.ts";
import { falsify } from "./obligations/falsify.ts";
import { monolithic } from "./obligations/monolithic.ts";
import { claimModel } from "./semantics/claim.ts";
import type { Session } from "./session.ts";
import { decide } from "./verdicts/decide.ts";
import { activationsOf, replay } from "./verdicts/replay.ts";
import type { Verdict } from "./verdicts/types.ts";

/** A claim's verdict and how it was reached. */
export interface ClaimOutcome {
  readonly verdict: Verdict;
  /** "numeric falsifier", "monolithic", "compositional". */
  readonly strategy: string;
  readonly ms: number;
  readonly obligations?: { readonly total: number; readonly distinct: number; readonly cached: number };
}

/** Slack between the solver's own (soft) timeout and the hard limit that kills it. */
const GRACE_MS = 1000;

export async function prove(claim: Claim, session: Session): Promise<ClaimOutcome> {
  const started = Date.now();
  const deadline = started + session.options.timeoutMs;
  const model = claimModel(claim);
  const admitted = await session.admitted(activationsOf([claim.lhs, claim.rhs]));
  const check = (c: Parameters<typeof replay>[1]) => replay(model, c, admitted);

  const candidate = falsify(model, session.rng(claim.name), admitted);
  if (candidate) {
    const ob = monolithic(model);
    const v = decide(ob, { kind: "numeric", candidate }, check);
    if (v.kind === "refuted") return { verdict: v, strategy: "numeric falsifier", ms: Date.now() - started };
  }

  const ob = monolithic(model);
  const remaining = Math.max(1, deadline - Date.now());
  const script = printObligation(ob, { timeoutMs: Math.max(1, remaining - GRACE_MS), seed: session.options.seed });
  session.tick({ obligationsTotal: 1, distinct: 1 });
  const answer = await session.solve(script.text, remaining);
  session.tick({ obligationsDone: 1 });
  const verdict = decide(ob, { kind: "solver", answer, script }, check);
  return { verdict, strategy: "monolithic", ms: Date.now() - started };
}

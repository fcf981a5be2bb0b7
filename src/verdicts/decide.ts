/**
 * `decide`: the one place where evidence becomes a verdict.
 *
 * - solver `unsat` -> proved, with the tracked assumptions in the unsat core; but if the
 *   core does not contain the goal, the assumptions alone are contradictory and the claim
 *   holds only vacuously -> unknown;
 * - solver `sat` -> the model's values are a candidate; refuted only if it replays;
 * - numeric falsifier candidate -> refuted only if it replays;
 * - anything else (unknown, timeout, crash, error, a candidate that does not replay) ->
 *   unknown, with the reason.
 */
import type { RawAnswer } from "../backends/z3/pool.ts";
import { readAnswer } from "../backends/smtlib/answer.ts";
import type { Script } from "../backends/smtlib/print.ts";
import type { Obligation } from "../obligations/types.ts";
import type { Rational } from "../numeric/rational.ts";
import type { Candidate } from "./replay.ts";
import type { ReplayResult } from "./replay.ts";
import type { Verdict } from "./types.ts";

/** The tracked name of the goal assertion (see backends/smtlib/print.ts). */
export const GOAL = "goal";

export type Evidence =
  | { readonly kind: "solver"; readonly answer: RawAnswer; readonly script: Script }
  | { readonly kind: "numeric"; readonly candidate: Candidate };

/** Turn evidence about `ob` into a verdict; `replay` checks a candidate against the claim. */
export function decide(ob: Obligation, evidence: Evidence, replay: (c: Candidate) => ReplayResult): Verdict {
  if (evidence.kind === "numeric") {
    const r = replay(evidence.candidate);
    return r.ok ? { kind: "refuted", witness: r.witness } : { kind: "unknown", reason: `the falsifier's counterexample did not replay: ${r.reason}` };
  }
  const { answer, script } = evidence;
  switch (answer.kind) {
    case "timeout":
      return { kind: "unknown", reason: answer.ms === 0 ? "timeout: the claim's time budget was used up before this obligation could start" : `timeout: the solver did not answer within ${(answer.ms / 1000).toFixed(1)} s` };
    case "crash":
      return { kind: "unknown", reason: `solver crashed: ${answer.message}` };
    case "output":
      break;
  }
  const result = readAnswer(answer.text, script.asked.length);
  switch (result.kind) {
    case "unsat": {
      if (!result.core.includes(GOAL)) {
        return { kind: "unknown", reason: "the side conditions contradict each other, so the claim holds only vacuously" };
      }
      const labels = new Map(ob.tracked.map((t) => [t.name, t.label]));
      const core = result.core.filter((n) => n !== GOAL);
      const used = [...new Set(core.map((n) => labels.get(n) ?? n))].sort();
      return { kind: "proved", strategy: ob.strategy, axiomsUsed: used, detail: ob.statement, core };
    }
    case "sat": {
      // An obligation that asks for no values (a compositional step) has no witness to
      // replay: its stand-ins range over all values, reachable or not.
      if (ob.values.length === 0) return { kind: "unknown", reason: "the solver found values of the stand-ins that violate this step (such values may be unreachable in the network)" };
      const r = replay(candidateOf(script, result.values, result.approximated));
      return r.ok ? { kind: "refuted", witness: r.witness } : { kind: "unknown", reason: `the solver's counterexample did not replay: ${r.reason}` };
    }
    case "unknown":
      return { kind: "unknown", reason: result.reason === "timeout" || result.reason === "canceled" ? "timeout: the solver gave up at its time limit" : `the solver could not decide (${result.reason})` };
    case "error":
      return { kind: "unknown", reason: `solver error: ${result.message}` };
  }
}

/** Values of a `sat` answer as a replay candidate: symbols, and activation tables. */
function candidateOf(script: Script, values: readonly (Rational | null)[], approximated: boolean): Candidate {
  const syms = new Map<string, Rational>();
  const tables = new Map<string, { arg: Rational; value: Rational }[]>();
  for (let i = 0; i < script.asked.length; i++) {
    const t = script.asked[i]!;
    const v = values[i];
    if (v === null || v === undefined) continue;
    if (t.t === "sym") syms.set(t.s.key, v);
    if (t.t === "app") {
      const arg = values[i - 1];
      if (arg === null || arg === undefined) continue;
      const list = tables.get(t.act.key) ?? [];
      list.push({ arg, value: v });
      tables.set(t.act.key, list);
    }
  }
  return { source: "solver model", values: syms, tables, realisations: new Map(), approximated };
}

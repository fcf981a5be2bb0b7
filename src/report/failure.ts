/**
 * Why a claim failed, in words, for the CI reporters (github, sarif, junit) and the
 * vitest helper: the expectation, the verdict, and its evidence (the witness of a
 * refutation, the reason of an unknown or error). The wording comes from the report; only
 * long vectors are shortened.
 *
 * @example
 *   failureMessage(c) === "expected proved, got refuted (numeric falsifier, replayed exactly): input x = [1, 0]; outputs: left [3/2], right [1/2]"
 */
import type { Shown, Witness } from "../verdicts/types.ts";
import { renderClaim } from "./pretty.ts";
import { showValue } from "./table.ts";
import type { ClaimReport } from "./types.ts";

/** Entries of a vector shown in a one-line summary before "...". */
const MAX_ENTRIES = 6;

const vec = (xs: readonly Shown[]): string =>
  `[${xs.slice(0, MAX_ENTRIES).map(showValue).join(", ")}${xs.length > MAX_ENTRIES ? `, ... (${xs.length} values)` : ""}]`;

/** A witness on one line: input, outputs, scalars and activation realisations. */
export function witnessSummary(w: Witness): string {
  const parts: string[] = [];
  for (const [name, xs] of Object.entries(w.input)) parts.push(`input ${name} = ${vec(xs)}`);
  parts.push(`outputs: left ${vec(w.outputs.lhs)}, right ${vec(w.outputs.rhs)}`);
  for (const [name, v] of Object.entries(w.scalars)) parts.push(`scalar ${name} = ${Array.isArray(v) ? vec(v) : showValue(v)}`);
  for (const [name, a] of Object.entries(w.activations)) parts.push(`${name} realised as ${a.realisation}`);
  return parts.join("; ");
}

/** One line: what was expected, what came, and the evidence. Empty for a claim that is ok. */
export function failureMessage(c: ClaimReport): string {
  if (c.ok) return "";
  const head = c.verdict === "error" ? `claim ${c.name} has errors` : `expected ${c.expect}, got ${c.verdict}`;
  if (c.verdict === "refuted" && c.witness) return `${head} (${c.witness.source}, replayed ${c.witness.replay === "exact" ? "exactly" : "in float64"}): ${witnessSummary(c.witness)}`;
  if (c.verdict === "proved") return `${head} (${c.strategy ?? "solver"}; axioms: ${c.axiomsUsed.length ? c.axiomsUsed.join("; ") : "none"})`;
  return c.reason ? `${head}: ${c.reason}` : head;
}

/** Several lines: the pretty claim line with the whole witness (per-layer tables). */
export function failureDetail(c: ClaimReport): string {
  return renderClaim(c)
    .split("\n")
    .map((l) => l.replace(/^ {2}/, ""))
    .join("\n");
}

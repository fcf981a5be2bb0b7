/**
 * Checking a `bound` statement: compute the covering quantities of its network
 * (src/covering) and decide its assertion. These are numeric computations of derived
 * lemmas, not solver proofs: the verdict is `holds` or `fails`, never `proved`.
 */
import { boundQuantities, evaluateAssertion } from "./covering/quantities.ts";
import { location, type Sources } from "./diagnostics/render.ts";
import type { BoundClaim } from "./elaborate/types.ts";
import type { Rng } from "./numeric/rng.ts";
import type { ClaimReport } from "./report/types.ts";

export function bound(b: BoundClaim, rng: Rng, sources: Sources): ClaimReport {
  const started = Date.now();
  const q = boundQuantities(b, rng);
  const holds = b.assertion ? evaluateAssertion(b.assertion, q.values, q.facts) : true;
  const at = location(b.span, sources);
  const assertion = b.assertion ? (sources.get(b.assertion.span.file)?.slice(b.assertion.span.start, b.assertion.span.end) ?? "the assertion") : null;
  const reason = [assertion ? `${assertion}: ${holds ? "holds" : "fails"}` : "quantities computed (no assertion)", ...q.notes].join("; ");
  return {
    name: b.name,
    expect: "holds",
    verdict: holds ? "holds" : "fails",
    ok: holds,
    ms: Date.now() - started,
    strategy: "covering lemmas",
    axiomsUsed: [],
    witness: null,
    replayed: null,
    reason,
    line: at.line,
    column: at.column,
    values: { ...q.values, ...Object.fromEntries(Object.entries(q.facts).map(([k, v]) => [k, v ? 1 : 0])) },
  };
}

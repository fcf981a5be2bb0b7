/**
 * Checking one claim: the numeric falsifier first, then the strategies, every piece of
 * evidence turned into a verdict by `decide`.
 *
 * - compositional: correspondences (derived from permute/scale/flip, or inferred
 *   numerically), one obligation per unit, output and activation lemma, deduplicated by
 *   canonical form, each distinct one discharged once (or found in the cache);
 * - monolithic: one obligation for the whole network;
 * - auto: compositional, and if it does not prove the claim, monolithic with the time left.
 * A compositional failure is never a refutation: only a replayed witness refutes.
 */
import { printObligation } from "./backends/smtlib/print.ts";
import type { Claim } from "./elaborate/types.ts";
import { canonical } from "./obligations/canonical.ts";
import { compositionalObligations } from "./obligations/compositional.ts";
import { Dedup, type Group } from "./obligations/dedup.ts";
import { falsify } from "./obligations/falsify.ts";
import { monolithic } from "./obligations/monolithic.ts";
import { splitLinear } from "./obligations/linear.ts";
import { TimeLimit, type Obligation } from "./obligations/types.ts";
import { Budget } from "./obligations/budget.ts";
import { admittedCandidates, type Admitted } from "./numeric/realise.ts";
import { claimModel, type ClaimModel } from "./semantics/claim.ts";
import type { Session } from "./session.ts";
import { decide } from "./verdicts/decide.ts";
import { replay, type Candidate } from "./verdicts/replay.ts";
import { activationsOf } from "./elaborate/activationsOf.ts";
import type { Verdict } from "./verdicts/types.ts";
import { chainText, structuralText, symbolicPlan } from "./symbolic/strategy.ts";
import { networkSkeleton } from "./symbolic/skeleton.ts";

/** A claim's verdict and how it was reached. */
export interface ClaimOutcome {
  readonly verdict: Verdict;
  /** "numeric falsifier", "monolithic", "compositional". */
  readonly strategy: string;
  /** Milliseconds of the claim's own work (what its time limit counts). */
  readonly ms: number;
  /** Milliseconds it waited behind other claims (for the main thread or a solver worker). */
  readonly waitMs: number;
  /** What the reader should know beside the verdict (e.g. the falsifier could not run). */
  readonly notes: readonly string[];
  /** For a whole-group or every-width claim: what it quantifies over. */
  readonly holdsFor?: string;
  /** Obligations: all, distinct among those sent to the solver, served from the cache, proved by expansion. */
  readonly obligations?: { readonly total: number; readonly distinct: number; readonly cached: number; readonly identities?: number };
}

/** Slack between the solver's own (soft) timeout and the hard limit that stops it. */
const GRACE_MS = 1000;

/**
 * Above this many parameters the monolithic strategy is not attempted: one query over the
 * whole network never finishes at that size (see README, "Strategies"), and building it
 * costs gigabytes.
 */
export const MONOLITHIC_MAX_PARAMS = 200_000;

/** Above this many parameter entries the numeric falsifier is not run (its draws alone would take gigabytes). */
export const FALSIFY_MAX_PARAMS = 20_000_000;

interface Ctx {
  readonly session: Session;
  readonly model: ClaimModel;
  readonly budget: Budget;
  readonly replayer: (c: Candidate) => ReturnType<typeof replay>;
  readonly admitted: Admitted;
}

/**
 * Check one claim. Its random draws come from the run's seed alone (never from its name,
 * its file or the other claims), and its time limit counts its own work (obligations/budget.ts).
 */
export async function prove(claim: Claim, session: Session): Promise<ClaimOutcome> {
  const budget = new Budget(session.options.timeoutMs);
  const model = budget.run(() => claimModel(claim));
  const admitted = await session.admitted(activationsOf([claim.lhs, claim.rhs]));
  const ctx: Ctx = { session, model, budget, replayer: (c) => replay(model, c, admitted), admitted };
  const notes: string[] = [];
  const done = (o: Omit<ClaimOutcome, "ms" | "waitMs" | "notes">): ClaimOutcome => {
    const ms = Math.round(budget.spentMs());
    return { ...o, ms, waitMs: Math.max(0, Math.round(budget.wallMs()) - ms), notes, ...(claim.universal?.text ? { holdsFor: claim.universal.text } : {}) };
  };

  // A proof that uses axioms no known function satisfies could hold only vacuously (if the
  // axioms contradict each other): report it as unknown.
  const unsupported = activationsOf([claim.lhs, claim.rhs]).filter((a) => a.kind === "uninterpreted" && !a.builtin && a.axioms.length > 0 && admittedCandidates(a, admitted).length === 0);
  const finish = (o: Omit<ClaimOutcome, "ms" | "waitMs" | "notes">): ClaimOutcome => {
    const v = o.verdict;
    const bad = v.kind === "proved" ? unsupported.find((a) => a.axioms.some((ax) => v.axiomsUsed.includes(ax.label))) : undefined;
    if (!bad) return done(o);
    return done({ ...o, verdict: { kind: "unknown", reason: `proved from the axioms of ${bad.name}, but no known function satisfies them (none of neteq's candidate functions could be shown to), so they might contradict each other and the proof hold only vacuously` } });
  };
  const overdue = () => budget.exhausted();
  const choice = session.options.strategy;
  const u = claim.universal;
  if (u && (u.sizes.length > 0 || u.perms.length > 0)) return finish(await universalProof(ctx, u, notes));
  // The symbolic strategy first: its cost does not grow with the widths, and a claim it
  // proves needs no falsifier. Certificates (session.onDischarged) come from the strategies
  // whose obligations carry the whole proof, so it is skipped there.
  let symbolicReason = "";
  if ((choice === "auto" || choice === "symbolic") && !session.onDischarged) {
    const s = await symbolicProof(ctx);
    if (s.verdict.kind === "proved") return finish(s);
    if (choice === "symbolic" && !session.options.falsify) return finish(s);
    symbolicReason = s.verdict.kind === "unknown" ? s.verdict.reason : "";
  }
  const params = claim.lhs.params.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  if ((choice === "auto" || choice === "compositional") && params >= WARM_SOLVER_PARAMS) warmSolver(session);
  if (session.options.falsify && params > FALSIFY_MAX_PARAMS) notes.push(`the numeric falsifier was not run: ${params} parameter entries (more than ${FALSIFY_MAX_PARAMS})`);
  else if (session.options.falsify) {
    const found = budget.run(() => falsify(model, session.rng("falsify"), admitted, overdue));
    if (found.kind === "skipped") notes.push(`the numeric falsifier did not run to the end: ${found.reason}`);
    if (found.kind === "candidate") {
      const v = budget.run(() => decide(monolithicShell(claim), { kind: "numeric", candidate: found.candidate }, ctx.replayer));
      if (v.kind === "refuted") return done({ verdict: v, strategy: "numeric falsifier" });
      if (v.kind === "unknown") notes.push(v.reason);
    }
  }
  if (choice === "symbolic") return done({ verdict: { kind: "unknown", reason: symbolicReason }, strategy: "symbolic" });
  let compositionalReason = "";
  if (choice !== "monolithic") {
    const c = await compositionalProof(ctx);
    if (c.verdict.kind === "proved" || choice === "compositional") return finish(c);
    compositionalReason = c.verdict.kind === "unknown" ? c.verdict.reason : "";
  }
  // The size guard applies to auto's fallback; an explicit --strategy monolithic is tried.
  const tooLarge = choice === "auto" && params > MONOLITHIC_MAX_PARAMS;
  const skip = overdue() ? "the time limit was reached" : tooLarge ? `not attempted for ${params} parameters (more than ${MONOLITHIC_MAX_PARAMS})` : null;
  if (skip) {
    const reason = compositionalReason ? `compositional: ${compositionalReason}; monolithic: ${skip}` : skip;
    return done({ verdict: { kind: "unknown", reason }, strategy: compositionalReason ? "compositional" : "monolithic" });
  }
  const m = await monolithicProof(ctx);
  if (m.verdict.kind === "unknown" && compositionalReason) {
    return done({ ...m, verdict: { kind: "unknown", reason: `compositional: ${compositionalReason}; monolithic: ${m.verdict.reason}` } });
  }
  return finish(m);
}

/** The monolithic obligation's identity, without building its terms (for the falsifier's verdict). */
function monolithicShell(claim: Claim): Obligation {
  return { id: `${claim.name}/monolithic`, claim: claim.name, strategy: "monolithic", origin: claim.span, statement: "", tracked: [], goal: { f: "true" }, values: [] };
}

type Partial = Omit<ClaimOutcome, "ms" | "waitMs" | "notes">;

/**
 * A claim over every size or every permutation (README, "Whole-group and every-width
 * claims"): proved only by the symbolic strategy, with the same rule chain and lemmas at every
 * probed size; refuted by a replayed witness at the reported instance; else unknown. The
 * concrete strategies would prove one instance only, so they are not used.
 */
async function universalProof(ctx: Ctx, u: NonNullable<Claim["universal"]>, notes: string[]): Promise<Partial> {
  const { session, model, budget } = ctx;
  const main = budget.run(() => symbolicPlan(model.claim));
  const s = await symbolicProof(ctx, main);
  if (s.verdict.kind === "proved" && !("reason" in main)) {
    // A 1 x 1 matrix is its own transpose: whether an action was written transposed cannot
    // be seen at size 1, so the comparison leaves it out.
    const signature = (p: { chain: readonly { tensor: string; text: string }[]; obligations: readonly { statement: string }[]; structural: readonly { statement: string }[] }) => `${chainText(p.chain).replaceAll(", transposed", "")} | ${[...p.structural, ...p.obligations].map((o) => o.statement).join("; ")}`;
    const skeleton = networkSkeleton(model.claim.lhs);
    for (const inst of u.instances) {
      const at = inst.universal?.at ?? sizesOf(inst, u);
      if (networkSkeleton(inst.lhs) !== skeleton) return { verdict: { kind: "unknown", reason: `proved at ${u.at}, but at ${at} the network's definitions differ in more than their sizes, so the proof is not the same at every size` }, strategy: "symbolic" };
      const plan = budget.run(() => symbolicPlan(inst));
      if ("reason" in plan) return { verdict: { kind: "unknown", reason: `proved at ${u.at}, but at ${at} the symbolic strategy does not apply: ${plan.reason}` }, strategy: "symbolic" };
      if (signature(plan) !== signature(main)) return { verdict: { kind: "unknown", reason: `proved at ${u.at}, but at ${at} the rule chain differs (${chainText(plan.chain)}), so the proof is not the same at every size` }, strategy: "symbolic" };
    }
    const probed = [u.at, ...u.instances.map((i) => sizesOf(i, u))].filter(Boolean);
    const v = s.verdict;
    return { ...s, verdict: { ...v, detail: `${u.text}: ${v.detail}${probed.length > 1 ? ` (the same rule chain at ${probed.join("; ")})` : ""}` } };
  }
  const why = s.verdict.kind === "unknown" ? s.verdict.reason : "";
  const instance = `at ${[u.at, ...u.perms.map((p) => `${p} = ${permValue(model.claim, p)}`)].filter(Boolean).join(", ")}`;
  if (session.options.falsify) {
    const found = budget.run(() => falsify(model, session.rng("falsify"), ctx.admitted, () => budget.exhausted()));
    if (found.kind === "skipped") notes.push(`the numeric falsifier did not run to the end: ${found.reason}`);
    if (found.kind === "candidate") {
      const v = budget.run(() => decide(monolithicShell(model.claim), { kind: "numeric", candidate: found.candidate }, ctx.replayer));
      if (v.kind === "refuted") {
        notes.push(`refuted ${instance}`);
        return { verdict: v, strategy: "numeric falsifier" };
      }
      if (v.kind === "unknown") notes.push(v.reason);
    }
  }
  return { verdict: { kind: "unknown", reason: `only the symbolic strategy proves a claim ${u.text} (the others would prove one instance), and ${why.replace(/^not applicable: /, "it does not apply: ")}; no counterexample was found ${instance}` }, strategy: "symbolic" };
}

/** "n=3, m=2" of an instance, from its networks' sizes as the claim was elaborated. */
function sizesOf(inst: Claim, u: NonNullable<Claim["universal"]>): string {
  return inst.universal?.at ?? (u.sizes.length ? `another size (${inst.lhs.params.map((p) => p.shape.join("x")).join(", ")})` : "");
}

/** The instance a permutation variable has in this claim (for the report of a refutation). */
function permValue(claim: Claim, name: string): string {
  const step = claim.transform.steps.find((x) => x.k === "permuteAxes" && x.symbol?.endsWith(`.${name}`));
  return step && step.k === "permuteAxes" ? `[${step.perm.join(", ")}]` : "?";
}

/**
 * The symbolic strategy (src/symbolic/): the rule chain, and each activation lemma it used
 * discharged by the solver. Its failure is never a refutation.
 */
async function symbolicProof(ctx: Ctx, plan = ctx.budget.run(() => symbolicPlan(ctx.model.claim))): Promise<Partial> {
  const { session } = ctx;
  if ("reason" in plan) return { verdict: { kind: "unknown", reason: plan.reason }, strategy: "symbolic" };
  session.tick({ obligationsTotal: plan.obligations.length, distinct: plan.obligations.length });
  let cached = 0;
  const used = new Set<string>();
  for (const ob of plan.obligations) {
    const r = await discharge(ob, ctx, false);
    session.tick({ obligationsDone: 1 });
    if (r.cached) cached++;
    if (r.verdict.kind !== "proved") {
      const why = r.verdict.kind === "unknown" ? r.verdict.reason : "the solver found a counterexample to it";
      return { verdict: { kind: "unknown", reason: `the activation lemma ${ob.statement}: ${why}` }, strategy: "symbolic", obligations: { total: plan.obligations.length, distinct: plan.obligations.length, cached } };
    }
    r.verdict.axiomsUsed.forEach((a) => used.add(a));
  }
  plan.structural.forEach((l) => l.axioms.forEach((a) => used.add(a)));
  const statements = [...plan.structural.map(structuralText), ...plan.obligations.map((o) => o.statement)];
  const lemmas = statements.length ? `; lemmas: ${statements.join("; ")}` : "";
  return {
    verdict: { kind: "proved", strategy: "symbolic", axiomsUsed: [...used].sort(), detail: `rule chain: ${chainText(plan.chain)}${lemmas}`, core: [] },
    strategy: "symbolic",
    obligations: { total: plan.obligations.length, distinct: plan.obligations.length, cached },
  };
}

async function monolithicProof(ctx: Ctx): Promise<Partial> {
  const stop = () => {
    if (ctx.budget.exhausted()) throw new TimeLimit("building the monolithic obligation");
  };
  let ob: Obligation;
  try {
    ob = ctx.budget.run(() => monolithic(ctx.model, stop));
  } catch (e) {
    if (e instanceof TimeLimit) return { verdict: { kind: "unknown", reason: e.message }, strategy: "monolithic" };
    throw e;
  }
  ctx.session.tick({ obligationsTotal: 1, distinct: 1 });
  const v = await discharge(ob, ctx, true);
  ctx.session.tick({ obligationsDone: 1 });
  return { verdict: v.verdict, strategy: "monolithic", obligations: { total: 1, distinct: 1, cached: v.cached ? 1 : 0 } };
}

/** One obligation: from the cache, or by the solver (proofs are then cached). */
async function discharge(ob: Obligation, ctx: Ctx, values: boolean): Promise<{ verdict: Verdict; cached: boolean; hash: string }> {
  const { session, budget } = ctx;
  const stop = () => {
    if (budget.exhausted()) throw new TimeLimit("preparing the obligation");
  };
  let hash: string;
  try {
    hash = budget.run(() => canonical(ob, stop).hash);
  } catch (e) {
    if (e instanceof TimeLimit) return { verdict: { kind: "unknown", reason: e.message }, cached: false, hash: "" };
    throw e;
  }
  const cache = await session.cache();
  const hit = cache.get(hash);
  if (hit && hit.core.every((i) => i >= 0 && i < ob.tracked.length)) {
    const core = hit.core.map((i) => ob.tracked[i]!.name);
    const axiomsUsed = [...new Set(hit.core.map((i) => ob.tracked[i]!.label))].sort();
    const verdict: Verdict = { kind: "proved", strategy: ob.strategy, axiomsUsed, detail: ob.statement, core };
    session.onDischarged?.(ob, verdict, hash);
    return { verdict, cached: true, hash };
  }
  let script: ReturnType<typeof printObligation>;
  try {
    script = budget.run(() => printObligation(values ? ob : { ...ob, values: [] }, { timeoutMs: Math.max(1, budget.remainingMs() - GRACE_MS), seed: session.options.seed, stop }));
  } catch (e) {
    if (e instanceof TimeLimit) return { verdict: { kind: "unknown", reason: e.message }, cached: false, hash };
    throw e;
  }
  // The hard limit is what is left of the budget when a worker starts the job: time spent
  // queued behind other claims' obligations is not this claim's.
  let started = false;
  const answer = await session.solve(script.text, () => Math.floor(budget.remainingMs()), () => {
    started = true;
    budget.enter();
  });
  if (started) budget.leave();
  const verdict = budget.run(() => decide(ob, { kind: "solver", answer, script }, ctx.replayer));
  if (verdict.kind === "proved") cache.put(hash, { core: verdict.core.map((n) => ob.tracked.findIndex((t) => t.name === n)).filter((i) => i >= 0) });
  session.onDischarged?.(ob, verdict, hash);
  return { verdict, cached: false, hash };
}

/**
 * From this many parameters on, a solver worker is started before the falsifier and the
 * compositional obligations: preparing them takes longer than a worker takes to start
 * (WebAssembly, about half a second) and to answer its first nonlinear query (Z3 sets up its
 * nonlinear arithmetic on first use: about 0.3 s more), so both overlap the preparation
 * instead of following it. One worker only: the preparation keeps one core busy, and the
 * pool starts the others when jobs queue up, while the main thread waits. Smaller claims
 * start a worker only when they first need one.
 */
export const WARM_SOLVER_PARAMS = 100_000;

/** A tiny nonlinear query (a quotient cancelled under a positive divisor); its answer is not read. */
const WARM_SCRIPT = "(declare-fun c () Real)(declare-fun s () Real)(assert (> c 0.0))(assert (not (= (* (/ (* c s) c) c) (* c s))))(check-sat)";

/** Start a solver worker now, warmed by a nonlinear query (unless one has started). */
function warmSolver(session: Session): void {
  if (!session.pool.started()) void session.solve(WARM_SCRIPT, 10_000);
}

/**
 * The variables an identity must hold for every value of: the compositional strategy's
 * stand-ins for vectors, and the input.
 */
const isStandIn = (s: { kind: string; name?: string }) => s.kind === "input" || (s.kind === "free" && (s.name ?? "").startsWith("z."));

/**
 * Discharge an obligation, through its coefficient obligations when it is a linear
 * identity in the stand-ins (obligations/linear.ts): each distinct coefficient identity
 * once; all proved proves the whole.
 */
async function dischargeSplit(ob: Obligation, ctx: Ctx): Promise<{ verdict: Verdict; cached: boolean }> {
  const parts = splitLinear(ob, isStandIn);
  if (!parts || parts.length <= 1) return discharge(ob, ctx, false);
  const dedup = new Dedup();
  parts.forEach((p) => dedup.add(p));
  // The parts share `ob`'s tracked assumptions (same names), so a part's core names `ob`'s.
  const core = new Set<string>();
  let cached = true;
  for (const g of dedup.groups.values()) {
    const r = await discharge(g.representative, ctx, false);
    cached &&= r.cached;
    if (r.verdict.kind !== "proved") return { verdict: r.verdict, cached: false };
    r.verdict.core.forEach((n) => core.add(n));
  }
  const labels = new Map(ob.tracked.map((t) => [t.name, t.label]));
  const axiomsUsed = [...new Set([...core].map((n) => labels.get(n) ?? n))].sort();
  return { verdict: { kind: "proved", strategy: ob.strategy, axiomsUsed, detail: ob.statement, core: [...core] }, cached };
}

async function compositionalProof(ctx: Ctx): Promise<Partial> {
  const { model, session, budget } = ctx;
  const unknown = (reason: string): Partial => ({ verdict: { kind: "unknown", reason }, strategy: "compositional" });
  // A certificate (session.onDischarged) must see every obligation, identities included.
  const dedup = budget.run(() => compositionalObligations(model, session.rng("infer"), ctx.admitted, () => budget.exhausted(), !session.onDischarged));
  if ("reason" in dedup) return unknown(dedup.reason);
  const groups = [...dedup.groups.values()];
  session.tick({ obligationsTotal: groups.length, distinct: groups.length });
  let cached = 0;
  let failure: { group: Group; verdict: Verdict } | null = null;
  const used = new Set<string>();
  const queue = [...groups];
  const worker = async () => {
    while (queue.length > 0 && !failure) {
      const g = queue.shift()!;
      const r = await dischargeSplit(g.representative, ctx);
      session.tick({ obligationsDone: 1 });
      if (r.cached) cached++;
      if (r.verdict.kind !== "proved") {
        failure ??= { group: g, verdict: r.verdict };
        continue;
      }
      // Report the assumptions in every member's own words.
      const positions = r.verdict.core.map((n) => g.representative.tracked.findIndex((t) => t.name === n));
      for (const labels of g.labels.values()) for (const p of positions) if (p >= 0 && labels[p]) used.add(labels[p]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(session.options.jobs * 2, groups.length)) }, worker));
  const obligations = { total: dedup.total, distinct: dedup.distinct, cached, ...(dedup.identities ? { identities: dedup.identities } : {}) };
  if (failure) {
    const f = failure as { group: Group; verdict: Verdict };
    const why = f.verdict.kind === "unknown" ? f.verdict.reason : "the solver found a counterexample to this step (which may be unreachable)";
    return { ...unknown(`${f.group.representative.statement}: ${why}`), obligations };
  }
  return {
    verdict: { kind: "proved", strategy: "compositional", axiomsUsed: [...used].sort(), detail: `${dedup.total} obligations (${dedup.distinct} distinct)`, core: [] },
    strategy: "compositional",
    obligations,
  };
}

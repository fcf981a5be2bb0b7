/**
 * `neteq certify`: check proof files as `check` does and, for every proved claim, keep the
 * obligations its proof rests on as independent certificates: one SMT-LIB2 script per
 * distinct obligation, which any SMT solver can re-check (`neteq recheck`), and a manifest
 * (manifest.ts) with the composition rule that turns their unsat answers into the claim.
 *
 * The obligations are not rebuilt: the session reports every obligation the proof
 * discharged (`Session.onDischarged`), solved or served from the cache, so a certificate
 * holds exactly what the verdict rested on, coefficient splits and deduplication included.
 *
 * @example
 *   const { manifest, files } = await certify([{ path: "a.neq", text }], options);
 *   files.get(manifest.claims[0].obligations[0].file) // "(set-option :produce-unsat-cores true)\n..."
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { printObligation } from "../backends/smtlib/print.ts";
import { checkWith, readFileOrNull, type CheckHooks } from "../check.ts";
import { InternalError } from "../diagnostics/diagnostic.ts";
import { activationsOf } from "../elaborate/activationsOf.ts";
import { elaborate } from "../elaborate/elaborate.ts";
import { admissibility } from "../obligations/admissible.ts";
import type { Obligation, Strategy } from "../obligations/types.ts";
import { admittedCandidates } from "../numeric/realise.ts";
import { load, type ReadFile } from "../syntax/load.ts";
import type { Options } from "../options.ts";
import { summarise, type ClaimReport, type Report } from "../report/types.ts";
import { Session } from "../session.ts";
import type { Verdict } from "../verdicts/types.ts";
import { AXIOMS_RULE, EXPECTED_ANSWER, FORMAT, RULES, type CertifiedClaim, type CertifiedObligation, type Manifest } from "./manifest.ts";
import { fromRoot } from "../root.ts";

/** The outcome of `certify`: the check's report, the manifest and the certificate texts. */
export interface Certificates {
  readonly report: Report;
  readonly manifest: Manifest;
  /** Certificate texts by path relative to the folder (`obligations/<hash>.smt2`). */
  readonly files: ReadonlyMap<string, string>;
}

interface Discharged {
  readonly ob: Obligation;
  readonly verdict: Verdict;
  readonly hash: string;
}

export const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** "neteq 0.1.0", from package.json. */
export function toolVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(fromRoot("package.json"), "utf8")) as { version: string };
  return `neteq ${pkg.version}`;
}

/** Check `files` and collect the certificates of every proved claim. */
export async function certify(files: readonly { path: string; text: string }[], options: Options, hooks: Pick<CheckHooks, "read" | "select" | "onProgress"> = {}): Promise<Certificates> {
  const started = Date.now();
  const session = new Session(options, hooks.onProgress);
  let discharged = new Map<string, Discharged[]>();
  session.onDischarged = (ob, verdict, hash) => {
    const list = discharged.get(ob.claim) ?? [];
    list.push({ ob, verdict, hash });
    discharged.set(ob.claim, list);
  };
  const texts = new Map<string, string>();
  const claims: CertifiedClaim[] = [];
  const reports: Report[] = [];
  try {
    // One file at a time: claim names are unique within a file, so the observed
    // obligations of a claim are exactly those of the claim with that name in this file.
    for (const file of files) {
      discharged = new Map();
      const report = await checkWith(session, [file], { read: hooks.read ?? readFileOrNull, select: hooks.select });
      reports.push(report);
      const proved = report.files.flatMap((f) => f.claims.filter((c) => c.verdict === "proved"));
      const witnesses = proved.some((c) => c.axiomsUsed.length > 0) ? await axiomWitnesses(session, file, hooks.read ?? readFileOrNull, proved) : new Map<string, Obligation[]>();
      for (const f of report.files) {
        for (const c of f.claims) if (c.verdict === "proved") claims.push(certifiedClaim(f.path, c, discharged.get(c.name) ?? [], witnesses.get(c.name) ?? [], texts));
      }
    }
  } finally {
    session.onDischarged = undefined;
    await session.close();
  }
  const all = reports.flatMap((r) => r.files);
  const report: Report = { version: 1, seed: options.seed, z3: reports.find((r) => r.z3 !== null)?.z3 ?? null, strategy: options.strategy, timeoutMs: options.timeoutMs, files: all, usage: [], summary: summarise(all, Date.now() - started) };
  const manifest: Manifest = { format: FORMAT, version: 1, tool: toolVersion(), z3: report.z3, seed: options.seed, strategy: options.strategy, answer: EXPECTED_ANSWER, claims };
  return { report, manifest, files: texts };
}

/**
 * For each proved claim that used the axioms of a user activation: the admissibility
 * obligation of a pool function the run admitted for it ("f satisfies the axioms", which Z3
 * answered unsat), so the certificate shows the axioms consistent. prove.ts reports such a
 * proof as unknown when no function is admitted; the same test picks the activations here.
 * The admissions are the session's own (asked once per meaning, answered from its memo).
 */
async function axiomWitnesses(session: Session, file: { path: string; text: string }, read: ReadFile, proved: readonly ClaimReport[]): Promise<Map<string, Obligation[]>> {
  const module = elaborate(load(file.path, file.text, read));
  const out = new Map<string, Obligation[]>();
  for (const c of proved) {
    const claim = module.claims.find((k) => k.name === c.name);
    if (!claim) continue;
    const acts = activationsOf([claim.lhs, claim.rhs]).filter((a) => a.kind === "uninterpreted" && !a.builtin && a.axioms.some((ax) => c.axiomsUsed.includes(ax.label)));
    if (acts.length === 0) continue;
    const admitted = await session.admitted(acts);
    out.set(
      c.name,
      acts.map((a) => {
        const ok = admittedCandidates(a, admitted);
        const entry = admissibility(a).find((e) => ok.some((k) => k.description === e.candidate.description));
        if (!entry) throw new InternalError(`claim ${c.name} was proved from the axioms of ${a.name}, but no function was admitted for them`);
        return entry.obligation;
      }),
    );
  }
  return out;
}

/** A proved claim's certificate: the proved obligations of the strategy that proved it, one per canonical form, and the consistency of the user axioms it used. */
function certifiedClaim(file: string, c: ClaimReport, observed: readonly Discharged[], witnesses: readonly Obligation[], texts: Map<string, string>): CertifiedClaim {
  const strategy = c.strategy as Strategy;
  if (strategy !== "monolithic" && strategy !== "compositional" && strategy !== "symbolic") throw new InternalError(`claim ${c.name} was proved by ${c.strategy}, which has no obligations to certify`);
  // Under --strategy auto, a compositional attempt that failed may have discharged some
  // obligations before the monolithic one proved the claim: only the winning strategy's count.
  const mine = observed.filter((d) => d.ob.strategy === strategy);
  // A symbolic proof may rest on the rule chain alone (no activation lemma): its certificate
  // then lists no obligation, and says so by its rule.
  if (mine.length === 0 && strategy !== "symbolic") throw new InternalError(`no discharged obligations were observed for the proved claim ${c.name}`);
  const unproved = mine.find((d) => d.verdict.kind !== "proved");
  if (unproved) throw new InternalError(`claim ${c.name} was proved, but its obligation ${unproved.ob.id} was not`);
  const byForm = new Map<string, Discharged[]>();
  for (const d of [...mine].sort((a, b) => (a.ob.id < b.ob.id ? -1 : a.ob.id > b.ob.id ? 1 : 0))) {
    const group = byForm.get(d.hash) ?? [];
    group.push(d);
    byForm.set(d.hash, group);
  }
  const obligations: CertifiedObligation[] = [];
  const add = (ob: Obligation, covers: readonly string[]) => {
    const text = printObligation(ob, { certificate: true }).text;
    const hash = sha256(text);
    const name = `obligations/${hash.slice(0, 16)}.smt2`;
    const known = texts.get(name);
    if (known !== undefined && known !== text) throw new InternalError(`two certificate texts share the file name ${name}`);
    texts.set(name, text);
    obligations.push({ id: ob.id, statement: ob.statement, file: name, sha256: hash, covers });
  };
  for (const [, group] of byForm) add(group[0]!.ob, [...new Set(group.slice(1).map((d) => d.ob.id).filter((id) => id !== group[0]!.ob.id))]);
  for (const ob of witnesses) add(ob, []);
  return {
    file,
    claim: c.name,
    line: c.line,
    strategy,
    rule: witnesses.length > 0 ? `${RULES[strategy]} ${AXIOMS_RULE}` : RULES[strategy],
    axiomsUsed: c.axiomsUsed,
    ...(c.obligations ? { counts: { total: c.obligations.total, distinct: c.obligations.distinct } } : {}),
    obligations,
  };
}

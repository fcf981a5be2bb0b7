/**
 * `--reporter sarif`: a SARIF 2.1.0 log for code scanning (GitHub's upload-sarif action and
 * other SARIF viewers), built with node-sarif-builder. One run; one result per diagnostic
 * (rule = its code) and per claim that did not meet its expectation (rule = `claim.<verdict>`,
 * message = the witness summary or the reason). Claims that are ok are not results.
 * Command-line problems are tool execution notifications.
 */
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from "node-sarif-builder";
import { registry } from "../diagnostics/registry.ts";
import { failureMessage } from "./failure.ts";
import { exitCode, type Report } from "./types.ts";

/** The rules of failing claims, by verdict. */
const CLAIM_RULES: Readonly<Record<string, { readonly summary: string; readonly explanation: string }>> = {
  "claim.refuted": { summary: "claim refuted", explanation: "A theorem was refuted: a counterexample was found and replayed numerically. The message gives its input and outputs; `neteq check` prints every parameter." },
  "claim.proved": { summary: "claim proved", explanation: "A claim stated with `refute` was proved, so the expected counterexample does not exist." },
  "claim.unknown": { summary: "claim neither proved nor refuted", explanation: "The claim could be neither proved nor refuted (timeout, solver limits, a counterexample that did not replay); the message gives the reason." },
  "claim.error": { summary: "claim has errors", explanation: "The claim could not be elaborated; the file's diagnostics say why." },
  "claim.fails": { summary: "bound statement fails", explanation: "The assertion of a bound statement is false for the computed covering quantities." },
};

const uri = (file: string): string => file.split("\\").join("/");

/** The report as a SARIF 2.1.0 log (indented JSON). */
export function renderSarif(r: Report, toolVersion: string): string {
  const run = new SarifRunBuilder().initSimple({ toolDriverName: "neteq", toolDriverVersion: toolVersion });
  const rules = new Set<string>();
  const addRule = (id: string, info: { readonly summary: string; readonly explanation: string }) => {
    if (rules.has(id)) return;
    rules.add(id);
    run.addRule(new SarifRuleBuilder().initSimple({ ruleId: id, shortDescriptionText: info.summary, fullDescriptionText: info.explanation }));
  };
  for (const f of r.files) {
    for (const d of f.diagnostics) {
      addRule(d.code, (registry as Record<string, { summary: string; explanation: string }>)[d.code] ?? { summary: d.code, explanation: d.code });
      run.addResult(
        new SarifResultBuilder().initSimple({ level: d.severity, messageText: d.message, ruleId: d.code, fileUri: uri(d.file), startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn }),
      );
    }
    for (const c of f.claims) {
      if (c.ok) continue;
      const ruleId = `claim.${c.verdict}`;
      addRule(ruleId, CLAIM_RULES[ruleId] ?? { summary: ruleId, explanation: ruleId });
      const result = new SarifResultBuilder().initSimple({
        level: "error",
        messageText: `${c.name}: ${failureMessage(c)}`,
        ruleId,
        fileUri: uri(f.path),
        startLine: c.line,
        startColumn: c.column,
        endLine: c.endLine ?? c.line,
        endColumn: c.endColumn ?? c.column,
      });
      result.result.properties = { claim: c.name, expect: c.expect, verdict: c.verdict };
      run.addResult(result);
    }
  }
  run.run.invocations = [
    {
      executionSuccessful: exitCode(r) < 2,
      exitCode: exitCode(r),
      toolExecutionNotifications: r.usage.map((u) => ({ level: "error" as const, message: { text: u } })),
    },
  ];
  const log = new SarifBuilder();
  log.addRun(run);
  return log.buildSarifJsonString({ indent: true }) + "\n";
}

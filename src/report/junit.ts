/**
 * `--reporter junit`: JUnit XML, one testsuite per file and one testcase per claim, so
 * that CI systems show proof files like test suites. Input errors are a testcase
 * `(diagnostics)` with an <error>. A claim that did not meet its expectation has a
 * <failure> (or <error>) whose message is the one-line summary with the witness or the
 * reason, and whose body is the claim as `neteq check` prints it, witness tables included.
 */
import { failureDetail, failureMessage } from "./failure.ts";
import { renderReportDiagnostic } from "./pretty.ts";
import type { ClaimReport, Report } from "./types.ts";

const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function testcase(file: string, c: ClaimReport): string {
  const open = `    <testcase classname="${esc(file)}" name="${esc(c.name)}" time="${(c.ms / 1000).toFixed(3)}"`;
  if (c.ok) return `${open}/>`;
  const what = c.verdict === "error" ? "error" : "failure";
  return `${open}>\n      <${what} message="${esc(failureMessage(c))}" type="${c.verdict}">${esc(failureDetail(c))}</${what}>\n    </testcase>`;
}

export function renderJunit(r: Report): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="neteq" tests="${r.summary.claims}" failures="${r.summary.failed}" time="${(r.summary.ms / 1000).toFixed(3)}">`];
  for (const f of r.files) {
    const errors = f.diagnostics.filter((d) => d.severity === "error");
    const failures = f.claims.filter((c) => !c.ok && c.verdict !== "error").length;
    const errs = f.claims.filter((c) => c.verdict === "error").length + (errors.length ? 1 : 0);
    lines.push(`  <testsuite name="${esc(f.path)}" tests="${f.claims.length + (errors.length ? 1 : 0)}" failures="${failures}" errors="${errs}">`);
    if (errors.length) {
      lines.push(`    <testcase classname="${esc(f.path)}" name="(diagnostics)">`);
      lines.push(`      <error message="${esc(`${errors.length} error(s) in the file`)}" type="input">${esc(errors.map(renderReportDiagnostic).join("\n"))}</error>`);
      lines.push("    </testcase>");
    }
    for (const c of f.claims) lines.push(testcase(f.path, c));
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return lines.join("\n") + "\n";
}

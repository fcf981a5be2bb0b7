/**
 * `--reporter github`: GitHub Actions workflow commands, so that failing claims and input
 * errors show as annotations on the proof file's lines in a pull request:
 *
 *     ::error file=proofs/a.neq,line=9,col=1,endLine=9,endColumn=60,title=neteq: rows_only expected proved, got refuted::expected proved, got refuted (numeric falsifier, ...): input x = [...]; ...
 *
 * One command per diagnostic (`error` or `warning`, titled with its code) and per claim
 * that did not meet its expectation (titled with the claim's name; the message carries the
 * witness summary or the unknown reason). Claims that are ok print nothing; the run ends
 * with the plain summary line. Values are escaped as GitHub's toolkit does.
 */
import { seconds } from "./table.ts";
import { failureMessage } from "./failure.ts";
import type { Report } from "./types.ts";

/** Escape a command's message: %, CR and LF. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escape a property value: as a message, plus the delimiters `:` and `,`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

interface Where {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

/** One workflow command. GitHub uses columns only within one line, so multi-line spans give lines only. */
export function command(kind: "error" | "warning" | "notice", at: Where | null, title: string, message: string): string {
  const props: string[] = [];
  if (at) {
    const endLine = at.endLine ?? at.line;
    props.push(`file=${escapeProperty(at.file)}`, `line=${at.line}`);
    if (endLine === at.line) props.push(`col=${at.column}`);
    props.push(`endLine=${endLine}`);
    if (endLine === at.line && at.endColumn !== undefined) props.push(`endColumn=${at.endColumn}`);
  }
  props.push(`title=${escapeProperty(title)}`);
  return `::${kind} ${props.join(",")}::${escapeData(message)}`;
}

export function renderGithub(r: Report): string {
  const out: string[] = [];
  for (const u of r.usage) out.push(command("error", null, "neteq: usage", u));
  for (const f of r.files) {
    for (const d of f.diagnostics) out.push(command(d.severity, d, `neteq ${d.code}`, d.message));
    for (const c of f.claims) if (!c.ok) out.push(command("error", { file: f.path, ...c }, `neteq: ${c.name} ${c.verdict === "error" ? "has errors" : `expected ${c.expect}, got ${c.verdict}`}`, failureMessage(c)));
  }
  const s = r.summary;
  out.push(`neteq: ${s.claims} claim${s.claims === 1 ? "" : "s"}: ${s.ok} ok, ${s.failed} failed · ${s.proved} proved, ${s.refuted} refuted, ${s.unknown} unknown, ${s.errors} errors · ${seconds(s.ms)}`);
  return out.join("\n") + "\n";
}

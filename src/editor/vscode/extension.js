// The neteq VS Code extension: on save of a .neq file, run `neteq check --reporter json <file>`
// in the workspace folder and show its diagnostics and failing claims as VS Code
// diagnostics; go to definition and hover (with network shapes) from `neteq outline <file>`.
// `reportToDiagnostics`, `nameAt`, `findDeclaration` and `hoverText` are plain data in, plain
// data out (no `vscode`), so they are tested without VS Code (test/editor/vscode.test.ts).
"use strict";

const childProcess = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

/** Entries of a vector shown before "..." in a message. */
const MAX_ENTRIES = 6;

const vec = (xs) => `[${xs.slice(0, MAX_ENTRIES).join(", ")}${xs.length > MAX_ENTRIES ? `, ... (${xs.length} values)` : ""}]`;

/** A failing claim's message: expectation, verdict, and its witness or reason. */
function claimMessage(c) {
  const head = c.verdict === "error" ? `${c.name}: the claim could not be elaborated` : `${c.name}: expected ${c.expect}, got ${c.verdict}`;
  if (c.verdict === "refuted" && c.witness) {
    const w = c.witness;
    const parts = [
      ...Object.entries(w.input).map(([n, xs]) => `input ${n} = ${vec(xs)}`),
      `outputs: left ${vec(w.outputs.lhs)}, right ${vec(w.outputs.rhs)}`,
      ...Object.entries(w.scalars).map(([n, v]) => `scalar ${n} = ${Array.isArray(v) ? vec(v) : v}`),
      ...Object.entries(w.activations).map(([n, a]) => `${n} realised as ${a.realisation}`),
    ];
    return `${head} (${w.source}, replayed ${w.replay === "exact" ? "exactly" : "in float64"})\n${parts.join("\n")}`;
  }
  if (c.verdict === "proved") return `${head} (${c.strategy}; axioms: ${c.axiomsUsed.length ? c.axiomsUsed.join("; ") : "none"})`;
  return c.reason && c.verdict !== "error" ? `${head}: ${c.reason}` : head;
}

/** 1-based line/column (end column just past the last character) to a 0-based range. */
function range(line, column, endLine, endColumn) {
  const start = { line: Math.max(0, line - 1), character: Math.max(0, column - 1) };
  let end = endLine === undefined ? null : { line: Math.max(0, endLine - 1), character: Math.max(0, endColumn - 1) };
  // A span without an end, or an empty one, still marks one character.
  if (end === null || (end.line === start.line && end.character <= start.character)) end = { line: start.line, character: start.character + 1 };
  return { start, end };
}

/**
 * The diagnostics of a neteq JSON report, per absolute file path:
 * `[{ file, diagnostics: [{ range: { start: { line, character }, end }, severity, message, code, source }] }]`,
 * positions 0-based, severity "error" | "warning". Input problems are reported in the file
 * they are in (an import, or the file itself); claims that did not meet their expectation
 * are errors over their statement; command-line problems go to `fallbackFile`.
 */
function reportToDiagnostics(report, cwd, fallbackFile) {
  const byFile = new Map();
  const add = (file, d) => {
    const abs = path.resolve(cwd, file);
    if (!byFile.has(abs)) byFile.set(abs, []);
    byFile.get(abs).push({ source: "neteq", ...d });
  };
  for (const f of report.files) {
    for (const d of f.diagnostics) add(d.file, { range: range(d.line, d.column, d.endLine, d.endColumn), severity: d.severity, message: d.message, code: d.code });
    for (const c of f.claims) {
      if (c.ok) continue;
      add(f.path, { range: range(c.line, c.column, c.endLine, c.endColumn), severity: "error", message: claimMessage(c), code: `claim.${c.verdict}` });
    }
  }
  if (fallbackFile) for (const u of report.usage ?? []) add(fallbackFile, { range: range(1, 1), severity: "error", message: u, code: "usage" });
  return [...byFile].map(([file, diagnostics]) => ({ file, diagnostics }));
}

/** The name under `character` of a line, with the network before a dot (`Net.h1` -> { name: "h1", owner: "Net" }). */
function nameAt(lineText, character) {
  const re = /[A-Za-z_][A-Za-z0-9_]*/g;
  let m;
  while ((m = re.exec(lineText)) !== null) {
    if (character >= m.index && character <= m.index + m[0].length) {
      const before = lineText.slice(0, m.index);
      const owner = /([A-Za-z_][A-Za-z0-9_]*)\.$/.exec(before);
      return { name: m[0], owner: owner ? owner[1] : null, start: m.index, end: m.index + m[0].length };
    }
  }
  return null;
}

/** The declaration a name refers to: the last one of that name (the checked file comes after its imports). */
function findDeclaration(outline, name) {
  const all = outline.declarations.filter((d) => d.name === name);
  return all.length ? all[all.length - 1] : null;
}

/** Hover text for a name: its declaration's detail, or a network member's shape. */
function hoverText(outline, at) {
  if (!at) return null;
  if (at.owner) {
    const net = findDeclaration(outline, at.owner);
    const member = net && net.members ? net.members.find((m) => m.name === at.name) : null;
    if (member) return `${member.role} ${at.owner}.${member.name}: ${member.role === "parameter" ? `[${member.shape.join(",")}]` : `${member.shape[0]} units`}`;
  }
  const d = findDeclaration(outline, at.name);
  return d ? d.detail : null;
}

/** The executable and leading arguments that run neteq in `folder`. */
function neteqCommand(folder, configured) {
  if (configured) return { file: configured, args: [] };
  const local = path.join(folder, "node_modules", ".bin", process.platform === "win32" ? "neteq.cmd" : "neteq");
  if (fs.existsSync(local)) return { file: local, args: [] };
  const checkout = path.join(folder, "src", "cli", "bin.mjs");
  if (fs.existsSync(checkout)) return { file: "node", args: [checkout] };
  return { file: "neteq", args: [] };
}

/** VS Code calls `activate(context)`; tests pass a stand-in for the `vscode` module. */
function activate(context, vscode = require("vscode")) {
  const collection = vscode.languages.createDiagnosticCollection("neteq");
  const output = vscode.window.createOutputChannel("neteq");
  const running = new Map();
  /** Files that got diagnostics from a check of each checked file (imports included). */
  const shown = new Map();
  const severity = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning };

  const check = (doc) => {
    if (doc.languageId !== "neq" || doc.uri.scheme !== "file") return;
    const file = doc.uri.fsPath;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? path.dirname(file);
    const config = vscode.workspace.getConfiguration("neteq", doc.uri);
    const cmd = neteqCommand(folder, config.get("command"));
    const args = [...cmd.args, "check", "--reporter", "json", ...config.get("extraArgs", []), path.relative(folder, file)];
    running.get(file)?.kill();
    const child = childProcess.execFile(cmd.file, args, { cwd: folder, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (running.get(file) === child) running.delete(file);
      if (child.killed) return;
      let report;
      try {
        report = JSON.parse(stdout);
      } catch {
        output.appendLine(`neteq ${args.join(" ")}: no report${err ? ` (${err.message})` : ""}\n${stderr}`);
        return;
      }
      for (const f of shown.get(file) ?? []) collection.delete(vscode.Uri.file(f));
      collection.delete(doc.uri);
      const entries = reportToDiagnostics(report, folder, file);
      shown.set(file, entries.map((e) => e.file));
      for (const { file: f, diagnostics } of entries) {
        collection.set(
          vscode.Uri.file(f),
          diagnostics.map((d) => {
            const r = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
            const diag = new vscode.Diagnostic(r, d.message, severity[d.severity] ?? vscode.DiagnosticSeverity.Error);
            diag.source = d.source;
            diag.code = d.code;
            return diag;
          }),
        );
      }
      const s = report.summary;
      output.appendLine(`${path.relative(folder, file)}: ${s.claims} claims: ${s.ok} ok, ${s.failed} failed`);
    });
    running.set(file, child);
  };

  // Outlines of saved files, by path; a save or an edit makes a file's outline stale.
  const outlines = new Map();
  const outlineOf = (doc) => {
    const file = doc.uri.fsPath;
    if (!outlines.has(file)) {
      const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? path.dirname(file);
      const cmd = neteqCommand(folder, vscode.workspace.getConfiguration("neteq", doc.uri).get("command"));
      outlines.set(
        file,
        new Promise((resolve) => {
          childProcess.execFile(cmd.file, [...cmd.args, "outline", path.relative(folder, file)], { cwd: folder, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
            try {
              const o = JSON.parse(stdout);
              for (const d of o.declarations) d.file = path.resolve(folder, d.file);
              resolve(o);
            } catch {
              outlines.delete(file);
              resolve(null);
            }
          });
        }),
      );
    }
    return outlines.get(file);
  };
  const selector = { language: "neq", scheme: "file" };

  context.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((e) => outlines.delete(e.document.uri.fsPath)),
    vscode.languages.registerDefinitionProvider(selector, {
      provideDefinition: async (doc, position) => {
        const at = nameAt(doc.lineAt(position.line).text, position.character);
        const outline = at && (await outlineOf(doc));
        const d = outline && findDeclaration(outline, at.name);
        return d ? new vscode.Location(vscode.Uri.file(d.file), new vscode.Range(d.line - 1, d.column - 1, d.endLine - 1, d.endColumn - 1)) : null;
      },
    }),
    vscode.languages.registerHoverProvider(selector, {
      provideHover: async (doc, position) => {
        const at = nameAt(doc.lineAt(position.line).text, position.character);
        const outline = at && (await outlineOf(doc));
        const text = outline && hoverText(outline, at);
        return text ? new vscode.Hover(new vscode.MarkdownString().appendCodeblock(text, "neq")) : null;
      },
    }),
    collection,
    output,
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (vscode.workspace.getConfiguration("neteq", doc.uri).get("checkOnSave", true)) check(doc);
    }),
    vscode.commands.registerCommand("neteq.checkFile", () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (doc) check(doc);
    }),
    { dispose: () => running.forEach((c) => c.kill()) },
  );
}

function deactivate() {}

module.exports = { activate, deactivate, reportToDiagnostics, claimMessage, neteqCommand, nameAt, findDeclaration, hoverText };

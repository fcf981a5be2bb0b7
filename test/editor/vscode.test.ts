/**
 * The VS Code extension (src/editor/vscode/): its manifest, TextMate grammar and language
 * configuration agree with the lexer, its problem matcher is the repository's, and its
 * JSON-to-diagnostics mapping works on a real report produced the way the extension runs
 * neteq (a child process, `check --reporter json <file>`).
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { KEYWORDS } from "../../src/syntax/lexer.ts";
import { ROOT } from "../helpers/cli.ts";

const DIR = path.join(ROOT, "src/editor/vscode");
const readJson = (f: string) => JSON.parse(fs.readFileSync(path.join(DIR, f), "utf8"));

interface Pattern { name?: string; match?: string; begin?: string; end?: string; captures?: Record<string, { name: string }>; include?: string }
interface Mapped { file: string; diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; severity: string; message: string; code: string; source: string }[] }
interface Declaration { kind: string; name: string; file: string; line: number; column: number; endLine: number; endColumn: number; detail: string }
interface Outline { declarations: Declaration[] }
interface At { name: string; owner: string | null }
const extension = createRequire(import.meta.url)(path.join(DIR, "extension.js")) as {
  reportToDiagnostics: (report: unknown, cwd: string, fallbackFile?: string) => Mapped[];
  neteqCommand: (folder: string, configured?: string) => { file: string; args: string[] };
  nameAt: (line: string, character: number) => At | null;
  findDeclaration: (o: Outline, name: string) => Declaration | null;
  hoverText: (o: Outline, at: At | null) => string | null;
};

const manifest = readJson("package.json");
const grammar = readJson("syntaxes/neq.tmLanguage.json") as { scopeName: string; patterns: Pattern[]; repository: Record<string, { patterns: Pattern[] }> };
const all = (): Pattern[] => Object.values(grammar.repository).flatMap((r) => r.patterns);
/** The words of a `\b(a|b|c)\b` pattern. */
const words = (re: string) => /^\\b\(([a-z_|]+)\)\\b$/.exec(re)?.[1]!.split("|") ?? [];

describe("VS Code extension: grammar and manifest", () => {
  it("the manifest's files exist and name the grammar and configuration", () => {
    expect(manifest.main).toBe("./extension.js");
    expect(fs.existsSync(path.join(DIR, manifest.main))).toBe(true);
    const [lang] = manifest.contributes.languages;
    expect(lang.extensions).toEqual([".neq"]);
    expect(fs.existsSync(path.join(DIR, lang.configuration))).toBe(true);
    const [g] = manifest.contributes.grammars;
    expect(g.language).toBe(lang.id);
    expect(g.scopeName).toBe(grammar.scopeName);
    expect(path.resolve(DIR, g.path)).toBe(path.join(DIR, "syntaxes/neq.tmLanguage.json"));
  });

  it("highlights exactly the lexer's keywords as keywords", () => {
    const keywordWords = grammar.repository.keywords!.patterns.flatMap((p) => {
      expect(p.name).toMatch(/^keyword\./);
      return words(p.match!);
    });
    expect([...keywordWords].sort()).toEqual([...KEYWORDS].sort());
    expect(new Set(keywordWords).size).toBe(keywordWords.length);
    // Declaration patterns name keywords only, and no other group claims a keyword.
    for (const p of grammar.repository.declarations!.patterns) for (const w of words(p.match!.replace(/\\s\+.*$/, ""))) expect(KEYWORDS).toContain(w);
    for (const p of grammar.repository.builtins!.patterns) for (const w of words(p.match!)) expect(KEYWORDS).not.toContain(w);
  });

  it("every pattern compiles, and includes name repository entries", () => {
    for (const p of all()) for (const re of [p.match, p.begin, p.end]) if (re !== undefined) expect(() => new RegExp(re)).not.toThrow();
    for (const p of grammar.patterns) expect(grammar.repository[p.include!.slice(1)]).toBeDefined();
  });

  it("matches comments, numbers, keywords and names as the lexer reads them", () => {
    const scope = (text: string): string | null => {
      for (const inc of grammar.patterns) {
        for (const p of grammar.repository[inc.include!.slice(1)]!.patterns) {
          const re = new RegExp(p.match ?? p.begin!, "y");
          const m = re.exec(text);
          if (m) return m[0] === text || p.begin ? (p.name ?? Object.values(p.captures!)[0]!.name) : null;
        }
      }
      return null;
    };
    expect(scope("// a comment")).toBe("comment.line.double-slash.neq");
    expect(scope("/* block")).toBe("comment.block.neq");
    for (const n of ["2", "0.5", "1e-3", "12.5E+2"]) expect(scope(n)).toBe("constant.numeric.neq");
    expect(scope("theorem")).toBe("keyword.declaration.neq");
    expect(scope("permute")).toBe("keyword.control.neq");
    expect(scope("theorems")).toBe("variable.other.neq");
    expect(scope("W0")).toBe("variable.other.neq");
    expect(scope("relu")).toBe("support.function.builtin.neq");
    expect(scope('"std/activations.neq"')).toBe("string.quoted.double.neq");
    expect(new RegExp(grammar.repository.declarations!.patterns[0]!.match!).exec("theorem swap_ok: Net ~ Net")![2]).toBe("swap_ok");
  });

  it("the language configuration has the lexer's comments and the brackets", () => {
    const conf = readJson("language-configuration.json");
    expect(conf.comments).toEqual({ lineComment: "//", blockComment: ["/*", "*/"] });
    expect(conf.brackets).toEqual([["{", "}"], ["[", "]"], ["(", ")"]]);
  });

  it("contributes the repository's problem matcher pattern", () => {
    const repo = JSON.parse(fs.readFileSync(path.join(ROOT, ".github/neteq-problem-matcher.json"), "utf8"));
    const { regexp, ...groups } = repo.problemMatcher[0].pattern[0];
    const [pm] = manifest.contributes.problemMatchers;
    expect(pm.owner).toBe("neteq");
    expect(pm.pattern).toEqual({ regexp, ...groups });
  });
});

describe("VS Code extension: diagnostics from a real report", () => {
  it("maps every diagnostic and failing claim to a 0-based range with its message", () => {
    const files = ["test/golden/cases/failing.neq", "test/golden/cases/verdicts.neq"];
    const cmd = extension.neteqCommand(ROOT, "");
    expect(cmd.args).toEqual([path.join(ROOT, "src/cli/bin.mjs")]);
    const run = childProcess.spawnSync(cmd.file === "node" ? process.execPath : cmd.file, [...cmd.args, "check", "--no-cache", "--reporter", "json", ...files], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(2);
    const report = JSON.parse(run.stdout);
    const mapped = extension.reportToDiagnostics(report, ROOT, path.join(ROOT, files[0]!));
    expect(mapped.map((m) => m.file)).toEqual([path.join(ROOT, files[0]!)]);
    const diags = mapped[0]!.diagnostics;
    const f = report.files[0];
    const failing = f.claims.filter((c: { ok: boolean }) => !c.ok);
    expect(diags).toHaveLength(f.diagnostics.length + failing.length);
    for (const d of f.diagnostics) {
      expect(diags).toContainEqual({ source: "neteq", code: d.code, severity: d.severity, message: d.message, range: { start: { line: d.line - 1, character: d.column - 1 }, end: { line: d.endLine - 1, character: d.endColumn - 1 } } });
    }
    for (const c of failing) {
      const d = diags.find((x) => x.message.startsWith(`${c.name}: `))!;
      expect(d.range.start).toEqual({ line: c.line - 1, character: c.column - 1 });
      expect(d.code).toBe(`claim.${c.verdict}`);
      if (c.verdict === "refuted") expect(d.message).toContain(`input x = [${c.witness.input.x.join(", ")}]`);
    }
    expect(diags.some((d) => d.message.startsWith("rows_only: expected proved, got refuted (numeric falsifier, replayed exactly)\ninput x = ["))).toBe(true);
  }, 60_000);

  it("puts command-line problems on the checked file, and problems in imports on the import", () => {
    const report = {
      usage: ["CLI003: --timeout: expected a positive number"],
      files: [{ path: "a.neq", diagnostics: [{ code: "ELB001", severity: "error", line: 3, column: 5, endLine: 3, endColumn: 5, message: "unknown name", file: "lib/b.neq" }], claims: [] }],
      summary: {},
    };
    const mapped = extension.reportToDiagnostics(report, "/w", "/w/a.neq");
    expect(mapped.map((m) => m.file)).toEqual(["/w/lib/b.neq", "/w/a.neq"]);
    // An empty span still marks one character.
    expect(mapped[0]!.diagnostics[0]!.range).toEqual({ start: { line: 2, character: 4 }, end: { line: 2, character: 5 } });
    expect(mapped[1]!.diagnostics[0]!.message).toBe("CLI003: --timeout: expected a positive number");
  });
});

describe("VS Code extension: on save", () => {
  it("runs neteq on a saved .neq file and sets the diagnostics (with a stand-in vscode API)", async () => {
    const sets: { file: string; diagnostics: { range: number[]; message: string; severity: number; code: string }[] }[] = [];
    let onSave: ((doc: unknown) => void) | null = null;
    type Provider = Record<string, (doc: unknown, position: { line: number; character: number }) => Promise<unknown>>;
    const providers: Record<string, Provider> = {};
    let settled: () => void = () => {};
    const done = new Promise<void>((r) => (settled = r));
    const vscode = {
      DiagnosticSeverity: { Error: 0, Warning: 1 },
      Range: class { constructor(...args: number[]) { return args; } },
      Diagnostic: class { source = ""; code = ""; constructor(readonly range: number[], readonly message: string, readonly severity: number) {} },
      Uri: { file: (f: string) => ({ fsPath: f }) },
      Location: class { constructor(readonly uri: { fsPath: string }, readonly range: number[]) {} },
      Hover: class { constructor(readonly contents: { text: string }) {} },
      MarkdownString: class { text = ""; appendCodeblock(t: string) { this.text += t; return this; } },
      languages: {
        createDiagnosticCollection: () => ({ set: (uri: { fsPath: string }, diagnostics: never[]) => { sets.push({ file: uri.fsPath, diagnostics }); }, delete: () => {}, dispose: () => {} }),
        registerDefinitionProvider: (_s: unknown, p: Provider) => ((providers.definition = p), { dispose: () => {} }),
        registerHoverProvider: (_s: unknown, p: Provider) => ((providers.hover = p), { dispose: () => {} }),
      },
      window: { createOutputChannel: () => ({ appendLine: () => settled(), dispose: () => {} }), activeTextEditor: undefined },
      workspace: {
        onDidSaveTextDocument: (f: (doc: unknown) => void) => ((onSave = f), { dispose: () => {} }),
        onDidChangeTextDocument: () => ({ dispose: () => {} }),
        getWorkspaceFolder: () => ({ uri: { fsPath: ROOT } }),
        getConfiguration: () => ({ get: (key: string, dflt?: unknown) => (key === "extraArgs" ? ["--no-cache"] : key === "command" ? "" : dflt) }),
      },
      commands: { registerCommand: () => ({ dispose: () => {} }) },
    };
    const context = { subscriptions: [] as unknown[] };
    (extension as unknown as { activate: (c: unknown, v: unknown) => void }).activate(context, vscode);
    const file = path.join(ROOT, "test/golden/cases/failing.neq");
    onSave!({ languageId: "neq", uri: { scheme: "file", fsPath: file } });
    onSave!({ languageId: "typescript", uri: { scheme: "file", fsPath: path.join(ROOT, "README.md") } });
    await done;
    expect(sets.map((s) => s.file)).toEqual([file]);
    const messages = sets[0]!.diagnostics.map((d) => `${d.code} ${d.range.join(",")} ${d.message.split("\n")[0]}`);
    expect(messages).toEqual([
      "ELB013 6,38,6,40 cannot permute units of N.h2: N has no hidden tensor h2; its hidden tensors are h1",
      "claim.refuted 4,0,4,60 rows_only: expected proved, got refuted (numeric falsifier, replayed exactly)",
      "claim.proved 5,0,5,53 permutation: expected refuted, got proved (symbolic; axioms: none)",
      "claim.error 6,0,6,49 broken: the claim could not be elaborated",
    ]);
    // Go to definition and hover, through the providers the extension registered.
    const text = fs.readFileSync(file, "utf8").split("\n");
    const doc = { languageId: "neq", uri: { scheme: "file", fsPath: file }, lineAt: (n: number) => ({ text: text[n]! }) };
    const use = { line: 4, character: text[4]!.indexOf("N ~") };
    const location = (await providers.definition!.provideDefinition!(doc, use)) as { uri: { fsPath: string }; range: number[] };
    expect(location.uri.fsPath).toBe(file);
    expect(location.range).toEqual([3, 8, 3, 9]);
    expect(text[3]!.slice(8, 9)).toBe("N");
    const hover = (await providers.hover!.provideHover!(doc, { line: 4, character: text[4]!.indexOf("W0") })) as { contents: { text: string } };
    expect(hover.contents.text).toBe("parameter N.W0: [3,2]");
    for (const d of context.subscriptions as { dispose: () => void }[]) d.dispose();
  }, 60_000);
});

describe("VS Code extension: go to definition and hover", () => {
  const file = "proofs/07_properties_and_maps.neq";
  const run = childProcess.spawnSync(process.execPath, [path.join(ROOT, "src/cli/bin.mjs"), "outline", file], { cwd: ROOT, encoding: "utf8" });
  const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const outline = JSON.parse(run.stdout) as Outline;
  /** The position of the `k`-th occurrence of `word` (as a whole name) in the file. */
  const find = (word: string, k = 0) => {
    let seen = 0;
    for (let line = 0; line < lines.length; line++) {
      for (const m of lines[line]!.matchAll(new RegExp(`\\b${word}\\b`, "g"))) if (seen++ === k) return { line, character: m.index! + 1 };
    }
    throw new Error(`${word} not in ${file}`);
  };

  it("finds the word under the cursor, with the network before a dot", () => {
    expect(extension.nameAt("theorem t: Net ~ Net after permute Net.h1 by (0 1)", 39)).toMatchObject({ name: "h1", owner: "Net" });
    expect(extension.nameAt("theorem t: Net ~ Net after permute Net.h1 by (0 1)", 12)).toMatchObject({ name: "Net", owner: null });
    expect(extension.nameAt("  ~  ", 2)).toBeNull();
  });

  it("goes from a use of a network to its declaration", () => {
    expect(run.status).toBe(0);
    const use = find("E", 1);
    const at = extension.nameAt(lines[use.line]!, use.character);
    const d = extension.findDeclaration(outline, at!.name)!;
    const decl = find("E", 0);
    expect({ line: d.line - 1, character: d.column - 1 }).toEqual({ line: decl.line, character: decl.character - 1 });
    expect(d.file).toBe(file);
    expect(lines[d.line - 1]!.slice(d.column - 1, d.endColumn - 1)).toBe("E");
  });

  it("goes to activations declared in the standard library", () => {
    const d = extension.findDeclaration(outline, "hardtanh")!;
    expect(d.file).toBe(path.join(ROOT, "src/std/activations.neq"));
    const std = fs.readFileSync(d.file, "utf8").split("\n");
    expect(std[d.line - 1]!.slice(d.column - 1, d.endColumn - 1)).toBe("hardtanh");
  });

  it("shows a network's shapes, and a member's shape after a dot", () => {
    expect(extension.hoverText(outline, { name: "E", owner: null })).toBe("network E: input x[2]; parameters W1[3,2], b1[3], W2[1,3], b2[1]; vectors h[3]; output [1]");
    expect(extension.hoverText(outline, { name: "W1", owner: "E" })).toBe("parameter E.W1: [3,2]");
    expect(extension.hoverText(outline, { name: "h", owner: "E" })).toBe("vector E.h: 3 units");
    expect(extension.hoverText(outline, { name: "nosuch", owner: null })).toBeNull();
  });
});

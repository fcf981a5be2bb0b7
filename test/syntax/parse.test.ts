import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { lex } from "../../src/syntax/lexer.ts";
import { parse } from "../../src/syntax/parse.ts";
import type { Decl, Expr } from "../../src/syntax/types.ts";
import { ROOT } from "../helpers/cli.ts";

const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v) => (k === "span" ? undefined : v)));
const one = (text: string): Decl => {
  const r = parse(text, "t.neq");
  expect(r.diagnostics).toEqual([]);
  expect(r.program.decls).toHaveLength(1);
  return r.program.decls[0]!;
};

function neqFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? neqFiles(path.join(dir, e.name)) : e.name.endsWith(".neq") ? [path.join(dir, e.name)] : []));
}

describe("parse", () => {
  it("parses every proof file, the standard library and the golden cases unambiguously", () => {
    const files = [...neqFiles(path.join(ROOT, "proofs")), ...neqFiles(path.join(ROOT, "src/std")), ...neqFiles(path.join(ROOT, "test/golden/cases")).filter((f) => !/SYN\d+/.test(f))];
    expect(files.length).toBeGreaterThan(30);
    for (const f of files) {
      // An ambiguous grammar throws an InternalError here.
      const r = parse(fs.readFileSync(f, "utf8"), f);
      expect(r.diagnostics, f).toEqual([]);
    }
  });

  it("juxtaposition is a right-associative product that binds tighter than +", () => {
    const d = one("network N { input x[2]; param A[2,2], B[2,2], b[2]; out A B x + b }");
    const out = (d as Extract<Decl, { kind: "network" }>).body;
    expect(strip(out.kind === "block" ? out.stmts[2] : null)).toEqual({
      kind: "out",
      indices: null,
      expr: { kind: "binary", op: "+", left: { kind: "juxt", left: { kind: "name", name: "A" }, right: { kind: "juxt", left: { kind: "name", name: "B" }, right: { kind: "name", name: "x" } } }, right: { kind: "name", name: "b" } },
    });
  });

  it("a parenthesised right operand is a call, not a product", () => {
    const d = one("network N { input x[2]; param A[2,2]; out A (x + x) }") as Extract<Decl, { kind: "network" }>;
    const stmt = d.body.kind === "block" ? d.body.stmts[2]! : null;
    expect(stmt && stmt.kind === "out" ? (stmt.expr as Expr).kind : null).toBe("call");
  });

  it("reads cycles with expressions of the sweep variable", () => {
    const d = one("for n in 2..4: symmetry s = permute N.h1 by (0 n-1)(1 (n + 2))");
    expect(strip(d)).toMatchObject({ kind: "for", body: [{ kind: "symmetry", body: { kind: "permute", perm: { kind: "cycles", cycles: [[{ kind: "num", text: "0" }, { kind: "binary", op: "-" }], [{ kind: "num" }, { kind: "binary", op: "+" }]] } } }] });
  });

  it("precedence: and binds tighter than or; comparison tighter than and", () => {
    const d = one("activation f { axiom forall z: f(z) > 0 or f(z) < 1 and not f(0) = 0 }") as Extract<Decl, { kind: "activation" }>;
    const body = d.axioms[0]!.body as Extract<Expr, { kind: "binary" }>;
    expect(body.op).toBe("or");
    expect((body.right as Extract<Expr, { kind: "binary" }>).op).toBe("and");
  });

  it("reports every syntax error in a file, each at its place", () => {
    const r = parse("theorem a: N ~\nnetwork M = mlp(2 -> , relu)\nactivation ok\ntheorem b N ~ N\n", "t.neq");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["SYN003", "SYN002", "SYN002"]);
    expect(r.program.decls.map((d) => d.kind)).toEqual(["activation"]);
    expect(r.diagnostics[1]!.message).toBe("unexpected `,`; expected one of `(`, `-`, `if`, `max`, `not`, `sum`, a name, a number");
  });
});

describe("line breaks", () => {
  const texts = (src: string) => lex(src, "t.neq").tokens.map((t) => t.text).join(" ");
  it("separate statements when a line ends an expression and the next starts a statement", () => {
    expect(texts("network N {\n input x[2]\n param W[2,2]\n h = W x\n out h\n}")).toBe("network N { input x [ 2 ] ; param W [ 2 , 2 ] ; h = W x ; out h }");
  });
  it("continue a line that ends with an operator or is followed by `then`", () => {
    expect(texts("symmetry s = a\n  then b\ntheorem t: N ~ N after s +\n  1")).toBe("symmetry s = a then b ; theorem t : N ~ N after s + 1");
  });
  it("always start a new declaration at a declaration keyword, except after `:`", () => {
    expect(texts("theorem t: N ~ N after\ntheorem u: N ~ N")).toBe("theorem t : N ~ N after ; theorem u : N ~ N");
    expect(texts("for n in 1..2:\n theorem u: N ~ N")).toBe("for n in 1 .. 2 : theorem u : N ~ N");
  });
  it("are ignored inside brackets", () => {
    expect(texts("network N = mlp(2 ->\n 3 ->\n 1,\n relu)")).toBe("network N = mlp ( 2 -> 3 -> 1 , relu )");
  });
});

describe("layout", () => {
  it("a byte-order mark at the start of a file is layout, not an unexpected character", () => {
    const r = parse("\uFEFFactivation sigma\n", "t.neq");
    expect(r.diagnostics).toEqual([]);
    expect(r.program.decls).toHaveLength(1);
  });
});

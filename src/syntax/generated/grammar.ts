// Generated automatically by nearley, version 2.20.1
// http://github.com/Hardmath123/nearley
// Bypasses TS6133. Allow declared but unused functions.
// @ts-ignore
function id(d: any[]): any { return d[0]; }
declare var string: any;
declare var number: any;
declare var ident: any;

// GENERATED from grammar/neteq.ne by `npm run grammar`. Do not edit: test/syntax/grammarFresh.test.ts fails when this file is stale.
import { tokenTypes as lexer } from "../tokenTypes.ts";
import * as b from "../build.ts";
import type * as A from "../types.ts";

interface NearleyToken {
  value: any;
  [key: string]: any;
};

interface NearleyLexer {
  reset: (chunk: string, info: any) => void;
  next: () => NearleyToken | undefined;
  save: () => any;
  formatError: (token: never) => string;
  has: (tokenType: string) => boolean;
};

interface NearleyRule {
  name: string;
  symbols: NearleySymbol[];
  postprocess?: (d: any[], loc?: number, reject?: {}) => any;
};

type NearleySymbol = string | { literal: any } | { test: (token: any) => boolean };

interface Grammar {
  Lexer: NearleyLexer | undefined;
  ParserRules: NearleyRule[];
  ParserStart: string;
};

const grammar: Grammar = {
  Lexer: lexer,
  ParserRules: [
    {"name": "decl", "symbols": ["importDecl"], "postprocess": id},
    {"name": "decl", "symbols": ["activationDecl"], "postprocess": id},
    {"name": "decl", "symbols": ["networkDecl"], "postprocess": id},
    {"name": "decl", "symbols": ["symmetryDecl"], "postprocess": id},
    {"name": "decl", "symbols": ["claimDecl"], "postprocess": id},
    {"name": "decl", "symbols": ["forDecl"], "postprocess": id},
    {"name": "decl", "symbols": ["boundDecl"], "postprocess": id},
    {"name": "importDecl", "symbols": [{"literal":"import"}, (lexer.has("string") ? {type: "string"} : string)], "postprocess": ([k, s]): A.Decl => ({ kind: "import", path: b.str(s), span: b.spanOf(k, s) })},
    {"name": "activationDecl", "symbols": [{"literal":"activation"}, "ident"], "postprocess": ([k, n]): A.Decl => ({ kind: "activation", name: n, arg: null, definition: null, alias: null, properties: [], axioms: [], span: b.spanOf(k, n) })},
    {"name": "activationDecl", "symbols": [{"literal":"activation"}, "ident", {"literal":":"}, "identList"], "postprocess": ([k, n, , ps]): A.Decl => ({ kind: "activation", name: n, arg: null, definition: null, alias: null, properties: ps, axioms: [], span: b.spanOf(k, ps) })},
    {"name": "activationDecl", "symbols": [{"literal":"activation"}, "ident", {"literal":"("}, "ident", {"literal":")"}, {"literal":"="}, "expr"], "postprocess": ([k, n, , a, , , e]): A.Decl => ({ kind: "activation", name: n, arg: a, definition: e, alias: null, properties: [], axioms: [], span: b.spanOf(k, e) })},
    {"name": "activationDecl", "symbols": [{"literal":"activation"}, "ident", {"literal":"="}, "actRef"], "postprocess": ([k, n, , r]): A.Decl => ({ kind: "activation", name: n, arg: null, definition: null, alias: r, properties: [], axioms: [], span: b.spanOf(k, r) })},
    {"name": "activationDecl$ebnf$1$subexpression$1", "symbols": [{"literal":":"}, "identList"]},
    {"name": "activationDecl$ebnf$1", "symbols": ["activationDecl$ebnf$1$subexpression$1"], "postprocess": id},
    {"name": "activationDecl$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "activationDecl$ebnf$2", "symbols": []},
    {"name": "activationDecl$ebnf$2$subexpression$1", "symbols": [{"literal":";"}, "axiom"]},
    {"name": "activationDecl$ebnf$2", "symbols": ["activationDecl$ebnf$2", "activationDecl$ebnf$2$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "activationDecl", "symbols": [{"literal":"activation"}, "ident", "activationDecl$ebnf$1", {"literal":"{"}, "axiom", "activationDecl$ebnf$2", {"literal":"}"}], "postprocess": ([k, n, ps, , a, as, c]): A.Decl => ({ kind: "activation", name: n, arg: null, definition: null, alias: null, properties: ps ? ps[1] : [], axioms: [a, ...as.map((x: any) => x[1])], span: b.spanOf(k, c) })},
    {"name": "axiom$ebnf$1$subexpression$1", "symbols": ["ident", {"literal":":"}]},
    {"name": "axiom$ebnf$1", "symbols": ["axiom$ebnf$1$subexpression$1"], "postprocess": id},
    {"name": "axiom$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "axiom$ebnf$2$subexpression$1", "symbols": [{"literal":"forall"}, "identList", {"literal":":"}]},
    {"name": "axiom$ebnf$2", "symbols": ["axiom$ebnf$2$subexpression$1"], "postprocess": id},
    {"name": "axiom$ebnf$2", "symbols": [], "postprocess": () => null},
    {"name": "axiom", "symbols": [{"literal":"axiom"}, "axiom$ebnf$1", "axiom$ebnf$2", "expr"], "postprocess": ([k, n, q, e]): A.Axiom => ({ name: n ? n[0] : null, vars: q ? q[1] : [], body: e, span: b.spanOf(k, e) })},
    {"name": "networkDecl$ebnf$1$subexpression$1", "symbols": [{"literal":"->"}, "expr"]},
    {"name": "networkDecl$ebnf$1", "symbols": ["networkDecl$ebnf$1$subexpression$1"]},
    {"name": "networkDecl$ebnf$1$subexpression$2", "symbols": [{"literal":"->"}, "expr"]},
    {"name": "networkDecl$ebnf$1", "symbols": ["networkDecl$ebnf$1", "networkDecl$ebnf$1$subexpression$2"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "networkDecl", "symbols": [{"literal":"network"}, "ident", {"literal":"="}, {"literal":"mlp"}, {"literal":"("}, "expr", "networkDecl$ebnf$1", {"literal":","}, "actSpec", {"literal":")"}], "postprocess":  ([k, n, , m, , w, ws, , acts, c]): A.Decl => ({ kind: "network", name: n,
        body: { kind: "mlp", widths: [w, ...ws.map((x: any) => x[1])], activations: acts, span: b.spanOf(m, c) }, span: b.spanOf(k, c) }) },
    {"name": "networkDecl$ebnf$2", "symbols": []},
    {"name": "networkDecl$ebnf$2$subexpression$1", "symbols": [{"literal":";"}, "stmt"]},
    {"name": "networkDecl$ebnf$2", "symbols": ["networkDecl$ebnf$2", "networkDecl$ebnf$2$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "networkDecl", "symbols": [{"literal":"network"}, "ident", {"literal":"{"}, "stmt", "networkDecl$ebnf$2", {"literal":"}"}], "postprocess":  ([k, n, o, s, ss, c]): A.Decl => ({ kind: "network", name: n,
        body: { kind: "block", stmts: [s, ...ss.map((x: any) => x[1])], span: b.spanOf(o, c) }, span: b.spanOf(k, c) }) },
    {"name": "actSpec", "symbols": ["actRef"], "postprocess": (d) => [d[0]]},
    {"name": "actSpec$ebnf$1", "symbols": []},
    {"name": "actSpec$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "actRef"]},
    {"name": "actSpec$ebnf$1", "symbols": ["actSpec$ebnf$1", "actSpec$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "actSpec", "symbols": [{"literal":"["}, "actRef", "actSpec$ebnf$1", {"literal":"]"}], "postprocess": ([, a, as]) => b.list(a, as)},
    {"name": "actRef", "symbols": ["ident"], "postprocess": ([n]): A.ActRef => ({ name: n, args: [], span: n.span })},
    {"name": "actRef", "symbols": ["ident", {"literal":"("}, "exprList", {"literal":")"}], "postprocess": ([n, , as, c]): A.ActRef => ({ name: n, args: as, span: b.spanOf(n, c) })},
    {"name": "stmt", "symbols": [{"literal":"input"}, "ident", {"literal":"["}, "expr", {"literal":"]"}], "postprocess": ([k, n, , e, c]): A.Stmt => ({ kind: "input", name: n, size: e, span: b.spanOf(k, c) })},
    {"name": "stmt$ebnf$1", "symbols": []},
    {"name": "stmt$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "paramDecl"]},
    {"name": "stmt$ebnf$1", "symbols": ["stmt$ebnf$1", "stmt$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "stmt", "symbols": [{"literal":"param"}, "paramDecl", "stmt$ebnf$1"], "postprocess": ([k, p, ps]): A.Stmt => { const decls = b.list(p, ps); return { kind: "param", decls, span: b.spanOf(k, decls) }; }},
    {"name": "stmt", "symbols": ["ident", {"literal":"="}, "expr"], "postprocess": ([n, , e]): A.Stmt => ({ kind: "let", name: n, expr: e, span: b.spanOf(n, e) })},
    {"name": "stmt", "symbols": [{"literal":"out"}, "expr"], "postprocess": ([k, e]): A.Stmt => ({ kind: "out", expr: e, span: b.spanOf(k, e) })},
    {"name": "paramDecl", "symbols": ["ident", {"literal":"["}, "exprList", {"literal":"]"}], "postprocess": ([n, , ds, c]) => ({ name: n, dims: ds, span: b.spanOf(n, c) })},
    {"name": "symmetryDecl$ebnf$1", "symbols": ["scalarDecls"], "postprocess": id},
    {"name": "symmetryDecl$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "symmetryDecl$ebnf$2$subexpression$1", "symbols": [{"literal":":"}, "ident", {"literal":"->"}, "ident"]},
    {"name": "symmetryDecl$ebnf$2", "symbols": ["symmetryDecl$ebnf$2$subexpression$1"], "postprocess": id},
    {"name": "symmetryDecl$ebnf$2", "symbols": [], "postprocess": () => null},
    {"name": "symmetryDecl", "symbols": ["symKeyword", "ident", "symmetryDecl$ebnf$1", "symmetryDecl$ebnf$2", "symBody"], "postprocess":  ([k, n, sc, sig, body]): A.Decl => ({ kind: "symmetry", keyword: k.text, name: n, scalars: sc ?? [],
        signature: sig ? { from: sig[1], to: sig[3] } : null, body, span: b.spanOf(k, body) }) },
    {"name": "symKeyword", "symbols": [{"literal":"symmetry"}], "postprocess": id},
    {"name": "symKeyword", "symbols": [{"literal":"map"}], "postprocess": id},
    {"name": "symBody", "symbols": [{"literal":"="}, "transform"], "postprocess": (d) => d[1]},
    {"name": "symBody", "symbols": ["assignBlock"], "postprocess": id},
    {"name": "scalarDecls$ebnf$1", "symbols": []},
    {"name": "scalarDecls$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "scalarDecl"]},
    {"name": "scalarDecls$ebnf$1", "symbols": ["scalarDecls$ebnf$1", "scalarDecls$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "scalarDecls", "symbols": [{"literal":"("}, "scalarDecl", "scalarDecls$ebnf$1", {"literal":")"}], "postprocess": ([, s, ss]) => b.list(s, ss)},
    {"name": "scalarDecl$ebnf$1$subexpression$1", "symbols": [{"literal":"["}, "expr", {"literal":"]"}]},
    {"name": "scalarDecl$ebnf$1", "symbols": ["scalarDecl$ebnf$1$subexpression$1"], "postprocess": id},
    {"name": "scalarDecl$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "scalarDecl$ebnf$2$subexpression$1", "symbols": ["cmpOp", "sum"]},
    {"name": "scalarDecl$ebnf$2", "symbols": ["scalarDecl$ebnf$2$subexpression$1"], "postprocess": id},
    {"name": "scalarDecl$ebnf$2", "symbols": [], "postprocess": () => null},
    {"name": "scalarDecl", "symbols": ["ident", "scalarDecl$ebnf$1", "scalarDecl$ebnf$2"], "postprocess": ([n, sz, c]): A.ScalarDecl => ({ name: n, size: sz ? sz[1] : null, op: c ? c[0].text : null, bound: c ? c[1] : null, span: b.spanOf(n, sz, c ? c[1] : null) })},
    {"name": "transform", "symbols": ["transform", {"literal":"then"}, "tprim"], "postprocess": ([a, , c]): A.TExpr => ({ kind: "then", first: a, second: c, span: b.spanOf(a, c) })},
    {"name": "transform", "symbols": ["tprim"], "postprocess": id},
    {"name": "tprim", "symbols": [{"literal":"permute"}, "unitRef", {"literal":"by"}, "perm"], "postprocess": ([k, t, , p]): A.TExpr => ({ kind: "permute", target: t, perm: p, span: b.spanOf(k, p) })},
    {"name": "tprim$ebnf$1$subexpression$1", "symbols": [{"literal":"."}, "ident"]},
    {"name": "tprim$ebnf$1", "symbols": ["tprim$ebnf$1$subexpression$1"], "postprocess": id},
    {"name": "tprim$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "tprim", "symbols": [{"literal":"permute"}, "axisWord", {"literal":"of"}, "ident", "tprim$ebnf$1", {"literal":"by"}, "perm"], "postprocess": ([k, ax, , n1, n2, , p]): A.TExpr => ({ kind: "permuteAxis", axis: ax.text, network: n2 ? n1 : null, param: n2 ? n2[1] : n1, perm: p, span: b.spanOf(k, p) })},
    {"name": "tprim", "symbols": [{"literal":"scale"}, "unitRef", {"literal":"by"}, "prod"], "postprocess": ([k, t, , f]): A.TExpr => ({ kind: "scale", target: t, factor: f, span: b.spanOf(k, f) })},
    {"name": "tprim", "symbols": [{"literal":"flip"}, "unitRef"], "postprocess": ([k, t]): A.TExpr => ({ kind: "flip", target: t, correction: false, span: b.spanOf(k, t) })},
    {"name": "tprim", "symbols": [{"literal":"flip"}, "unitRef", {"literal":"with"}, {"literal":"bias"}, {"literal":"correction"}], "postprocess": ([k, t, , , c]): A.TExpr => ({ kind: "flip", target: t, correction: true, span: b.spanOf(k, c) })},
    {"name": "tprim", "symbols": ["ident"], "postprocess": ([n]): A.TExpr => ({ kind: "ref", name: n, args: [], span: n.span })},
    {"name": "tprim", "symbols": ["ident", {"literal":"("}, "exprList", {"literal":")"}], "postprocess": ([n, , as, c]): A.TExpr => ({ kind: "ref", name: n, args: as, span: b.spanOf(n, c) })},
    {"name": "tprim", "symbols": ["assignBlock"], "postprocess": id},
    {"name": "tprim", "symbols": [{"literal":"("}, "transform", {"literal":")"}], "postprocess": (d) => d[1]},
    {"name": "axisWord", "symbols": [{"literal":"rows"}], "postprocess": id},
    {"name": "axisWord", "symbols": [{"literal":"cols"}], "postprocess": id},
    {"name": "unitRef$ebnf$1$subexpression$1", "symbols": [{"literal":"."}, "ident"]},
    {"name": "unitRef$ebnf$1", "symbols": ["unitRef$ebnf$1$subexpression$1"], "postprocess": id},
    {"name": "unitRef$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "unitRef$ebnf$2$subexpression$1", "symbols": [{"literal":"["}, "expr", {"literal":"]"}]},
    {"name": "unitRef$ebnf$2", "symbols": ["unitRef$ebnf$2$subexpression$1"], "postprocess": id},
    {"name": "unitRef$ebnf$2", "symbols": [], "postprocess": () => null},
    {"name": "unitRef", "symbols": ["ident", "unitRef$ebnf$1", "unitRef$ebnf$2"], "postprocess": ([a, bb, u]): A.UnitRef => ({ network: bb ? a : null, node: bb ? bb[1] : a, unit: u ? u[1] : null, span: b.spanOf(a, bb, u) })},
    {"name": "perm$ebnf$1", "symbols": ["cycle"]},
    {"name": "perm$ebnf$1", "symbols": ["perm$ebnf$1", "cycle"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "perm", "symbols": ["perm$ebnf$1"], "postprocess": ([cs]): A.Perm => ({ kind: "cycles", cycles: cs.map((c: any) => c.elems), span: b.spanOf(cs.map((c: any) => c.tokens)) })},
    {"name": "perm", "symbols": [{"literal":"["}, "exprList", {"literal":"]"}], "postprocess": ([o, es, c]): A.Perm => ({ kind: "array", images: es, span: b.spanOf(o, c) })},
    {"name": "cycle$ebnf$1", "symbols": ["cycleElem"]},
    {"name": "cycle$ebnf$1", "symbols": ["cycle$ebnf$1", "cycleElem"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "cycle", "symbols": [{"literal":"("}, "cycle$ebnf$1", {"literal":")"}], "postprocess": ([o, es, c]) => ({ elems: es, tokens: [o, c] })},
    {"name": "cycleElem", "symbols": [(lexer.has("number") ? {type: "number"} : number)], "postprocess": ([t]) => b.num(t)},
    {"name": "cycleElem", "symbols": ["ident"], "postprocess": ([n]) => ({ kind: "name", name: n.name, span: n.span })},
    {"name": "cycleElem", "symbols": ["ident", "plusMinus", (lexer.has("number") ? {type: "number"} : number)], "postprocess": ([n, op, t]) => b.binary({ kind: "name", name: n.name, span: n.span }, op, b.num(t))},
    {"name": "cycleElem", "symbols": [{"literal":"("}, "expr", {"literal":")"}], "postprocess": (d) => d[1]},
    {"name": "plusMinus", "symbols": [{"literal":"+"}], "postprocess": id},
    {"name": "plusMinus", "symbols": [{"literal":"-"}], "postprocess": id},
    {"name": "assignBlock$ebnf$1", "symbols": []},
    {"name": "assignBlock$ebnf$1$subexpression$1", "symbols": [{"literal":";"}, "assign"]},
    {"name": "assignBlock$ebnf$1", "symbols": ["assignBlock$ebnf$1", "assignBlock$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "assignBlock", "symbols": [{"literal":"{"}, "assign", "assignBlock$ebnf$1", {"literal":"}"}], "postprocess": ([o, a, as, c]): A.TExpr => ({ kind: "assign", assigns: b.list(a, as), span: b.spanOf(o, c) })},
    {"name": "assign", "symbols": ["postfix", {"literal":":="}, "expr"], "postprocess": ([t, , v]): A.Assign => ({ target: t, value: v, span: b.spanOf(t, v) })},
    {"name": "claimDecl$ebnf$1$subexpression$1", "symbols": [{"literal":"after"}, "transform"]},
    {"name": "claimDecl$ebnf$1", "symbols": ["claimDecl$ebnf$1$subexpression$1"], "postprocess": id},
    {"name": "claimDecl$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "claimDecl", "symbols": ["claimKeyword", "ident", {"literal":":"}, "ident", {"literal":"~"}, "ident", "claimDecl$ebnf$1"], "postprocess":  ([k, n, , l, , r, t]): A.Decl => ({ kind: "claim", expect: k.text === "theorem" ? "proved" : "refuted", name: n, lhs: l, rhs: r,
        transform: t ? t[1] : null, span: b.spanOf(k, r, t ? t[1] : null) }) },
    {"name": "claimKeyword", "symbols": [{"literal":"theorem"}], "postprocess": id},
    {"name": "claimKeyword", "symbols": [{"literal":"refute"}], "postprocess": id},
    {"name": "forDecl", "symbols": [{"literal":"for"}, "ident", {"literal":"in"}, "sum", {"literal":".."}, "sum", {"literal":":"}, "decl"], "postprocess": ([k, v, , a, , z, , d]): A.Decl => ({ kind: "for", variable: v, from: a, to: z, body: [d], span: b.spanOf(k, d) })},
    {"name": "forDecl$ebnf$1", "symbols": []},
    {"name": "forDecl$ebnf$1$subexpression$1", "symbols": [{"literal":";"}, "decl"]},
    {"name": "forDecl$ebnf$1", "symbols": ["forDecl$ebnf$1", "forDecl$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "forDecl", "symbols": [{"literal":"for"}, "ident", {"literal":"in"}, "sum", {"literal":".."}, "sum", {"literal":"{"}, "decl", "forDecl$ebnf$1", {"literal":"}"}], "postprocess": ([k, v, , a, , z, , d, ds, c]): A.Decl => ({ kind: "for", variable: v, from: a, to: z, body: b.list(d, ds), span: b.spanOf(k, c) })},
    {"name": "boundDecl$ebnf$1$subexpression$1$ebnf$1", "symbols": []},
    {"name": "boundDecl$ebnf$1$subexpression$1$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "boundOption"]},
    {"name": "boundDecl$ebnf$1$subexpression$1$ebnf$1", "symbols": ["boundDecl$ebnf$1$subexpression$1$ebnf$1", "boundDecl$ebnf$1$subexpression$1$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "boundDecl$ebnf$1$subexpression$1", "symbols": [{"literal":"with"}, "boundOption", "boundDecl$ebnf$1$subexpression$1$ebnf$1"]},
    {"name": "boundDecl$ebnf$1", "symbols": ["boundDecl$ebnf$1$subexpression$1"], "postprocess": id},
    {"name": "boundDecl$ebnf$1", "symbols": [], "postprocess": () => null},
    {"name": "boundDecl$ebnf$2$subexpression$1", "symbols": [{"literal":"assert"}, "expr"]},
    {"name": "boundDecl$ebnf$2", "symbols": ["boundDecl$ebnf$2$subexpression$1"], "postprocess": id},
    {"name": "boundDecl$ebnf$2", "symbols": [], "postprocess": () => null},
    {"name": "boundDecl", "symbols": [{"literal":"bound"}, "ident", {"literal":":"}, "ident", "boundDecl$ebnf$1", "boundDecl$ebnf$2"], "postprocess":  ([k, n, , net, w, a]): A.Decl => { const options = w ? b.list(w[1], w[2]) : [];
        return { kind: "bound", expect: "holds", name: n, network: net, options, assertion: a ? a[1] : null, span: b.spanOf(k, net, options, a ? a[1] : null) }; } },
    {"name": "boundOption", "symbols": ["ident", {"literal":"="}, "sum"], "postprocess": ([n, , v]): A.BoundOption => ({ name: n, value: v, span: b.spanOf(n, v) })},
    {"name": "expr", "symbols": [{"literal":"if"}, "expr", {"literal":"then"}, "expr", {"literal":"else"}, "expr"], "postprocess": ([k, c, , t, , e]): A.Expr => ({ kind: "if", cond: c, then: t, else: e, span: b.spanOf(k, e) })},
    {"name": "expr", "symbols": ["implies"], "postprocess": id},
    {"name": "implies", "symbols": ["orExpr", {"literal":"=>"}, "implies"], "postprocess": ([a, op, c]) => b.binary(a, op, c)},
    {"name": "implies", "symbols": ["orExpr"], "postprocess": id},
    {"name": "orExpr", "symbols": ["orExpr", {"literal":"or"}, "andExpr"], "postprocess": ([a, op, c]) => b.binary(a, op, c)},
    {"name": "orExpr", "symbols": ["andExpr"], "postprocess": id},
    {"name": "andExpr", "symbols": ["andExpr", {"literal":"and"}, "notExpr"], "postprocess": ([a, op, c]) => b.binary(a, op, c)},
    {"name": "andExpr", "symbols": ["notExpr"], "postprocess": id},
    {"name": "notExpr", "symbols": [{"literal":"not"}, "notExpr"], "postprocess": ([k, a]): A.Expr => ({ kind: "not", arg: a, span: b.spanOf(k, a) })},
    {"name": "notExpr", "symbols": ["cmp"], "postprocess": id},
    {"name": "cmp", "symbols": ["sum", "cmpOp", "sum"], "postprocess": ([a, op, c]) => b.binary(a, op, c)},
    {"name": "cmp", "symbols": ["sum"], "postprocess": id},
    {"name": "cmpOp", "symbols": [{"literal":"="}], "postprocess": id},
    {"name": "cmpOp", "symbols": [{"literal":"!="}], "postprocess": id},
    {"name": "cmpOp", "symbols": [{"literal":"<"}], "postprocess": id},
    {"name": "cmpOp", "symbols": [{"literal":"<="}], "postprocess": id},
    {"name": "cmpOp", "symbols": [{"literal":">"}], "postprocess": id},
    {"name": "cmpOp", "symbols": [{"literal":">="}], "postprocess": id},
    {"name": "sum", "symbols": ["sum", {"literal":"+"}, "prod"], "postprocess": ([a, op, c]) => b.binary(a, op, c)},
    {"name": "sum", "symbols": ["sum", {"literal":"-"}, "prod"], "postprocess": ([a, op, c]) => b.binary(a, op, c)},
    {"name": "sum", "symbols": ["prod"], "postprocess": id},
    {"name": "prod", "symbols": ["prod", {"literal":"*"}, "unary"], "postprocess": ([a, op, c]) => b.binary(a, op, c)},
    {"name": "prod", "symbols": ["prod", {"literal":"/"}, "unary"], "postprocess": ([a, op, c]) => b.binary(a, op, c)},
    {"name": "prod", "symbols": ["unary"], "postprocess": id},
    {"name": "unary", "symbols": [{"literal":"-"}, "unary"], "postprocess": ([k, a]): A.Expr => ({ kind: "neg", arg: a, span: b.spanOf(k, a) })},
    {"name": "unary", "symbols": ["juxt"], "postprocess": id},
    {"name": "juxt", "symbols": ["postfix"], "postprocess": id},
    {"name": "juxt", "symbols": ["postfix", "juxtRight"], "postprocess": ([a, c]): A.Expr => ({ kind: "juxt", left: a, right: c, span: b.spanOf(a, c) })},
    {"name": "juxtRight", "symbols": ["bare"], "postprocess": id},
    {"name": "juxtRight", "symbols": ["bare", "juxtRight"], "postprocess": ([a, c]): A.Expr => ({ kind: "juxt", left: a, right: c, span: b.spanOf(a, c) })},
    {"name": "postfix", "symbols": ["postfix", {"literal":"["}, "indexList", {"literal":"]"}], "postprocess": ([t, , is, c]) => b.index(t, is, c)},
    {"name": "postfix", "symbols": ["atom"], "postprocess": id},
    {"name": "bare", "symbols": ["bare", {"literal":"["}, "indexList", {"literal":"]"}], "postprocess": ([t, , is, c]) => b.index(t, is, c)},
    {"name": "bare", "symbols": ["bareAtom"], "postprocess": id},
    {"name": "atom", "symbols": ["bareAtom"], "postprocess": id},
    {"name": "atom", "symbols": [{"literal":"("}, "expr", {"literal":")"}], "postprocess": (d) => d[1]},
    {"name": "bareAtom", "symbols": [(lexer.has("number") ? {type: "number"} : number)], "postprocess": ([t]) => b.num(t)},
    {"name": "bareAtom", "symbols": ["ident"], "postprocess": ([n]): A.Expr => ({ kind: "name", name: n.name, span: n.span })},
    {"name": "bareAtom", "symbols": ["ident", {"literal":"("}, "exprList", {"literal":")"}], "postprocess": ([n, , as, c]): A.Expr => ({ kind: "call", callee: n, args: as, span: b.spanOf(n, c) })},
    {"name": "indexList$ebnf$1", "symbols": []},
    {"name": "indexList$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "index"]},
    {"name": "indexList$ebnf$1", "symbols": ["indexList$ebnf$1", "indexList$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "indexList", "symbols": ["index", "indexList$ebnf$1"], "postprocess": ([i, is]) => b.list(i, is)},
    {"name": "index", "symbols": ["expr"], "postprocess": ([e]): A.Index => ({ kind: "at", expr: e })},
    {"name": "index", "symbols": [{"literal":":"}], "postprocess": ([t]): A.Index => ({ kind: "all", span: b.spanOf(t) })},
    {"name": "exprList$ebnf$1", "symbols": []},
    {"name": "exprList$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "expr"]},
    {"name": "exprList$ebnf$1", "symbols": ["exprList$ebnf$1", "exprList$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "exprList", "symbols": ["expr", "exprList$ebnf$1"], "postprocess": ([e, es]) => b.list(e, es)},
    {"name": "identList$ebnf$1", "symbols": []},
    {"name": "identList$ebnf$1$subexpression$1", "symbols": [{"literal":","}, "ident"]},
    {"name": "identList$ebnf$1", "symbols": ["identList$ebnf$1", "identList$ebnf$1$subexpression$1"], "postprocess": (d) => d[0].concat([d[1]])},
    {"name": "identList", "symbols": ["ident", "identList$ebnf$1"], "postprocess": ([i, is]) => b.list(i, is)},
    {"name": "ident", "symbols": [(lexer.has("ident") ? {type: "ident"} : ident)], "postprocess": ([t]) => b.ident(t)}
  ],
  ParserStart: "decl",
};

export default grammar;

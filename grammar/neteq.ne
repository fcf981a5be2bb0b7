# The grammar of neteq proof files (.neq).
#
# Tokens come from src/syntax/lexer.ts, which has already dropped layout and comments and
# normalised statement separators to ";". src/syntax/parse.ts splits a file at top-level ";"
# and parses each declaration with this grammar, so one bad declaration does not hide the
# errors of the others. Keep one rule per precedence level: the grammar must stay
# unambiguous (test/syntax checks that every example has exactly one parse).
#
# Lists are built in linear time (src/syntax/lists.ts): repetitions `x:*` and `x:+` become
# shared sequences, and `b.list` / `b.mapped` lazy lists; src/syntax/parse.ts turns them into
# arrays once a declaration is parsed. Postprocessors may call `.map` on a repetition only
# where the rule completes once (at a closing bracket), never at every item.
#
# Regenerate with `npm run grammar`; never edit src/syntax/generated/ by hand.

@preprocessor typescript

@{%
// GENERATED from grammar/neteq.ne by `npm run grammar`. Do not edit: test/syntax/grammarFresh.test.ts fails when this file is stale.
import { tokenTypes as lexer } from "../tokenTypes.ts";
import * as b from "../build.ts";
import type * as A from "../types.ts";
%}

@lexer lexer

decl -> importDecl {% id %}
      | activationDecl {% id %}
      | networkDecl {% id %}
      | symmetryDecl {% id %}
      | claimDecl {% id %}
      | forDecl {% id %}
      | boundDecl {% id %}

# ---------------------------------------------------------------- imports
importDecl -> "import" %string
  {% ([k, s]): A.Decl => ({ kind: "import", path: b.str(s), span: b.spanOf(k, s) }) %}

# ---------------------------------------------------------------- activations
activationDecl ->
    "activation" ident
      {% ([k, n]): A.Decl => ({ kind: "activation", name: n, arg: null, definition: null, alias: null, properties: [], axioms: [], span: b.spanOf(k, n) }) %}
  | "activation" ident ":" identList
      {% ([k, n, , ps]): A.Decl => ({ kind: "activation", name: n, arg: null, definition: null, alias: null, properties: ps, axioms: [], span: b.spanOf(k, ps) }) %}
  | "activation" ident "(" ident ")" "=" expr
      {% ([k, n, , a, , , e]): A.Decl => ({ kind: "activation", name: n, arg: a, definition: e, alias: null, properties: [], axioms: [], span: b.spanOf(k, e) }) %}
  | "activation" ident "=" actRef
      {% ([k, n, , r]): A.Decl => ({ kind: "activation", name: n, arg: null, definition: null, alias: r, properties: [], axioms: [], span: b.spanOf(k, r) }) %}
  | "activation" ident (":" identList):? "{" axiom (";" axiom):* "}"
      {% ([k, n, ps, , a, as, c]): A.Decl => ({ kind: "activation", name: n, arg: null, definition: null, alias: null, properties: ps ? ps[1] : [], axioms: [a, ...as.map((x: any) => x[1])], span: b.spanOf(k, c) }) %}

axiom -> "axiom" (ident ":"):? ("forall" identList ":"):? expr
  {% ([k, n, q, e]): A.Axiom => ({ name: n ? n[0] : null, vars: q ? q[1] : [], body: e, span: b.spanOf(k, e) }) %}

# ---------------------------------------------------------------- networks
networkDecl ->
    "network" ident sizeParams:? "=" "mlp" "(" expr ("->" expr):+ "," actSpec ")"
      {% ([k, n, ps, , m, , w, ws, , acts, c]): A.Decl => ({ kind: "network", name: n, params: ps ?? [],
           body: { kind: "mlp", widths: [w, ...ws.map((x: any) => x[1])], activations: acts, span: b.spanOf(m, c) }, span: b.spanOf(k, c) }) %}
  | "network" ident sizeParams:? "{" stmt (";" stmt):* "}"
      {% ([k, n, ps, o, s, ss, c]): A.Decl => ({ kind: "network", name: n, params: ps ?? [],
           body: { kind: "block", stmts: [s, ...ss.map((x: any) => x[1])], span: b.spanOf(o, c) }, span: b.spanOf(k, c) }) %}

# The sizes of a network family: `network N(n, m) = mlp(3 -> n -> m -> 1, relu)`.
sizeParams -> "(" identList ")" {% (d) => d[1] %}

actSpec -> actRef {% (d) => [d[0]] %}
         | "[" actRef ("," actRef):* "]" {% ([, a, as]) => b.list(a, as) %}

actRef -> ident {% ([n]): A.ActRef => ({ name: n, args: [], span: n.span }) %}
        | ident "(" exprList ")" {% ([n, , as, c]): A.ActRef => ({ name: n, args: as, span: b.spanOf(n, c) }) %}

stmt ->
    "input" ident "[" exprList "]"
      {% ([k, n, , es, c]): A.Stmt => ({ kind: "input", name: n, dims: es, span: b.spanOf(k, c) }) %}
  | "param" paramDecl ("," paramDecl):*
      {% ([k, p, ps]): A.Stmt => { const decls = b.list(p, ps); return { kind: "param", decls, span: b.spanOf(k, decls) }; } %}
  | ident "=" expr
      {% ([n, , e]): A.Stmt => ({ kind: "let", name: n, indices: null, expr: e, span: b.spanOf(n, e) }) %}
  | ident "[" boundList "]" "=" expr
      {% ([n, , is, , , e]): A.Stmt => ({ kind: "let", name: n, indices: is, expr: e, span: b.spanOf(n, e) }) %}
  | "out" expr
      {% ([k, e]): A.Stmt => ({ kind: "out", indices: null, expr: e, span: b.spanOf(k, e) }) %}
  | "out" "[" boundList "]" "=" expr
      {% ([k, , is, , , e]): A.Stmt => ({ kind: "out", indices: is, expr: e, span: b.spanOf(k, e) }) %}

# Index variables of an index-notation definition or a reduction, each with an optional
# range: `h[o, i:32] = ...`, `sum[c, a:3] ...`.
boundList -> boundVar ("," boundVar):* {% ([v, vs]) => b.list(v, vs) %}
boundVar -> ident {% ([n]): A.BoundVar => ({ name: n, size: null, span: n.span }) %}
          | ident ":" sum {% ([n, , s]): A.BoundVar => ({ name: n, size: s, span: b.spanOf(n, s) }) %}

paramDecl -> ident "[" exprList "]" {% ([n, , ds, c]) => ({ name: n, dims: ds, span: b.spanOf(n, c) }) %}

# ---------------------------------------------------------------- symmetries and maps
symmetryDecl -> symKeyword ident scalarDecls:? (":" ident "->" ident):? symBody
  {% ([k, n, sc, sig, body]): A.Decl => ({ kind: "symmetry", keyword: k.text, name: n, scalars: sc ?? [],
       signature: sig ? { from: sig[1], to: sig[3] } : null, body, span: b.spanOf(k, body) }) %}

symKeyword -> "symmetry" {% id %} | "map" {% id %}

symBody -> "=" transform {% (d) => d[1] %}
         | assignBlock {% id %}

scalarDecls -> "(" scalarDecl ("," scalarDecl):* ")" {% ([, s, ss]) => b.list(s, ss) %}

# `c`, `c > 0`, `c[4] > 0`, `A[3, 3] invertible` (then `inverse(A)` names its inverse).
scalarDecl -> ident ("[" exprList "]"):? (cmpOp sum):?
  {% ([n, sz, c]): A.ScalarDecl => ({ name: n, dims: sz ? sz[1] : null, op: c ? c[0].text : null, bound: c ? c[1] : null, invertible: false, span: b.spanOf(n, sz, c ? c[1] : null) }) %}
  | ident "[" exprList "]" "invertible"
  {% ([n, , ds, , k]): A.ScalarDecl => ({ name: n, dims: ds, op: null, bound: null, invertible: true, span: b.spanOf(n, k) }) %}

transform -> transform "then" tprim {% ([a, , c]): A.TExpr => ({ kind: "then", first: a, second: c, span: b.spanOf(a, c) }) %}
           | tprim {% id %}

tprim ->
    "permute" unitRef "by" perm
      {% ([k, t, , p]): A.TExpr => ({ kind: "permute", target: t, perm: p, span: b.spanOf(k, p) }) %}
  | "permute" axisWord "of" ident ("." ident):? "by" perm
      {% ([k, ax, , n1, n2, , p]): A.TExpr => ({ kind: "permuteAxis", axis: ax.text, network: n2 ? n1 : null, param: n2 ? n2[1] : n1, perm: p, span: b.spanOf(k, p) }) %}
  | "permute" "axis" axisName "of" ident ("." ident):? "by" perm
      {% ([k, , ax, , n1, n2, , p]): A.TExpr => ({ kind: "permuteAxis", axis: ax, network: n2 ? n1 : null, param: n2 ? n2[1] : n1, perm: p, span: b.spanOf(k, p) }) %}
  | "multiply" "axis" axisName "of" ident ("." ident):? "by" prod
      {% ([k, , ax, , n1, n2, , m]): A.TExpr => ({ kind: "multiply", axis: ax, network: n2 ? n1 : null, param: n2 ? n2[1] : n1, matrix: m, span: b.spanOf(k, m) }) %}
  | "scale" unitRef "by" prod
      {% ([k, t, , f]): A.TExpr => ({ kind: "scale", target: t, factor: f, span: b.spanOf(k, f) }) %}
  | "flip" unitRef
      {% ([k, t]): A.TExpr => ({ kind: "flip", target: t, correction: false, span: b.spanOf(k, t) }) %}
  | "flip" unitRef "with" "bias" "correction"
      {% ([k, t, , , c]): A.TExpr => ({ kind: "flip", target: t, correction: true, span: b.spanOf(k, c) }) %}
  | ident
      {% ([n]): A.TExpr => ({ kind: "ref", name: n, args: [], span: n.span }) %}
  | ident "(" exprList ")"
      {% ([n, , as, c]): A.TExpr => ({ kind: "ref", name: n, args: as, span: b.spanOf(n, c) }) %}
  | assignBlock {% id %}
  | "(" transform ")" {% (d) => d[1] %}

axisWord -> "rows" {% id %} | "cols" {% id %}

# `Net.h1`, `h1`, `Net.y.q` (an operation's auxiliary tensor), with an optional unit and axis.
unitRef -> ident ("." ident):* ("[" expr "]"):? ("axis" axisName):?
  {% ([a, rest, u, ax]): A.UnitRef => ({ path: [a, ...rest.map((x: any) => x[1])], unit: u ? u[1] : null, axis: ax ? ax[1] : null, span: b.spanOf(a, rest, u, ax ? ax[1].span : null) }) %}

# An axis by name (an index variable of the tensor's definition) or by number.
axisName -> ident {% ([n]): A.Expr => ({ kind: "name", name: n.name, span: n.span }) %}
          | %number {% ([t]) => b.num(t) %}

perm -> cycle:+ {% ([cs]): A.Perm => ({ kind: "cycles", cycles: b.mapped(cs, (c: any) => c.elems), span: b.spanOf(cs) }) %}
      | "[" exprList "]" {% ([o, es, c]): A.Perm => ({ kind: "array", images: es, span: b.spanOf(o, c) }) %}
      | ident {% ([n]): A.Perm => ({ kind: "name", name: n, span: n.span }) %}

cycle -> "(" cycleElem:+ ")" {% ([o, es, c]) => ({ elems: es, span: b.spanOf(o, c) }) %}

cycleElem -> %number {% ([t]) => b.num(t) %}
           | ident {% ([n]) => ({ kind: "name", name: n.name, span: n.span }) %}
           | ident plusMinus %number {% ([n, op, t]) => b.binary({ kind: "name", name: n.name, span: n.span }, op, b.num(t)) %}
           | "(" expr ")" {% (d) => d[1] %}

plusMinus -> "+" {% id %} | "-" {% id %}

assignBlock -> "{" assign (";" assign):* "}"
  {% ([o, a, as, c]): A.TExpr => ({ kind: "assign", assigns: b.list(a, as), span: b.spanOf(o, c) }) %}

assign -> postfix ":=" expr {% ([t, , v]): A.Assign => ({ target: t, value: v, span: b.spanOf(t, v) }) %}

# ---------------------------------------------------------------- claims
claimDecl -> claimKeyword ident ":" quantifier:* ident sizeArgs:? "~" ident sizeArgs:? ("after" transform):?
  {% ([k, n, , qs, l, la, , r, ra, t]): A.Decl => ({ kind: "claim", expect: k.text === "theorem" ? "proved" : "refuted", name: n,
       quantifiers: qs, lhs: l, lhsArgs: la ? la.args : null, rhs: r, rhsArgs: ra ? ra.args : null,
       transform: t ? t[1] : null, span: b.spanOf(k, r, ra ? ra.span : null, t ? t[1] : null) }) %}

sizeArgs -> "(" exprList ")" {% ([o, es, c]) => ({ args: es, span: b.spanOf(o, c) }) %}

# `forall n, m >= 1.` (sizes; a bound applies to the names before it) or
# `forall P: perm(n), c: pos(n).` (group elements).
quantifier -> "forall" binder ("," binder):* "." {% ([, x, xs]) => b.list(x, xs) %}

binder -> ident {% ([n]): A.Binder => ({ kind: "size", name: n, min: null, span: n.span }) %}
        | ident ">=" sum {% ([n, , m]): A.Binder => ({ kind: "size", name: n, min: m, span: b.spanOf(n, m) }) %}
        | ident ":" ident "(" exprList ")" {% ([n, , g, , as, c]): A.Binder => ({ kind: "group", name: n, group: g, args: as, span: b.spanOf(n, c) }) %}

claimKeyword -> "theorem" {% id %} | "refute" {% id %}

forDecl ->
    "for" ident "in" sum ".." sum ":" decl
      {% ([k, v, , a, , z, , d]): A.Decl => ({ kind: "for", variable: v, from: a, to: z, body: [d], span: b.spanOf(k, d) }) %}
  | "for" ident "in" sum ".." sum "{" decl (";" decl):* "}"
      {% ([k, v, , a, , z, , d, ds, c]): A.Decl => ({ kind: "for", variable: v, from: a, to: z, body: b.list(d, ds), span: b.spanOf(k, c) }) %}

# bound gain: Net with B = 1, eps = 1/100 assert reduced < classical
boundDecl -> "bound" ident ":" ident ("with" boundOption ("," boundOption):*):? ("assert" expr):?
  {% ([k, n, , net, w, a]): A.Decl => { const options = w ? b.list(w[1], w[2]) : [];
       return { kind: "bound", expect: "holds", name: n, network: net, options, assertion: a ? a[1] : null, span: b.spanOf(k, net, options, a ? a[1] : null) }; } %}

boundOption -> ident "=" sum {% ([n, , v]): A.BoundOption => ({ name: n, value: v, span: b.spanOf(n, v) }) %}

# ---------------------------------------------------------------- expressions
# One rule per precedence level, loosest first.
expr -> "if" expr "then" expr "else" expr
          {% ([k, c, , t, , e]): A.Expr => ({ kind: "if", cond: c, then: t, else: e, span: b.spanOf(k, e) }) %}
      | implies {% id %}

implies -> orExpr "=>" implies {% ([a, op, c]) => b.binary(a, op, c) %}
         | orExpr {% id %}

orExpr -> orExpr "or" andExpr {% ([a, op, c]) => b.binary(a, op, c) %}
        | andExpr {% id %}

andExpr -> andExpr "and" notExpr {% ([a, op, c]) => b.binary(a, op, c) %}
         | notExpr {% id %}

notExpr -> "not" notExpr {% ([k, a]): A.Expr => ({ kind: "not", arg: a, span: b.spanOf(k, a) }) %}
         | cmp {% id %}

cmp -> sum cmpOp sum {% ([a, op, c]) => b.binary(a, op, c) %}
     | sum {% id %}

cmpOp -> "=" {% id %} | "!=" {% id %} | "<" {% id %} | "<=" {% id %} | ">" {% id %} | ">=" {% id %}

sum -> sum "+" prod {% ([a, op, c]) => b.binary(a, op, c) %}
     | sum "-" prod {% ([a, op, c]) => b.binary(a, op, c) %}
     | prod {% id %}

# A reduction `sum[c, a] body` or `max[a] body` takes the whole product after it as its body
# (so `sum[k] W[o, k] * x[k] + b[o]` sums the product only); it cannot be the left operand of
# * or /, which keeps the grammar unambiguous.
prod -> factors {% id %}
      | reduction {% id %}

reduction -> ("sum" | "max") "[" boundList "]" prod
  {% ([[k], , vs, , body]): A.Expr => ({ kind: "reduce", op: k.text, vars: vs, body, span: b.spanOf(k, body) }) %}

factors -> factors "*" unary {% ([a, op, c]) => b.binary(a, op, c) %}
         | factors "/" unary {% ([a, op, c]) => b.binary(a, op, c) %}
         | unary {% id %}

unary -> "-" unary {% ([k, a]): A.Expr => ({ kind: "neg", arg: a, span: b.spanOf(k, a) }) %}
       | juxt {% id %}

# Juxtaposition is matrix-vector product (or scalar times vector), right-associative:
# `W2 W1 x` is W2 (W1 x). Its right operand never starts with "(": `W (x + y)` is a call.
juxt -> postfix {% id %}
      | postfix juxtRight {% ([a, c]): A.Expr => ({ kind: "juxt", left: a, right: c, span: b.spanOf(a, c) }) %}

juxtRight -> bare {% id %}
           | bare juxtRight {% ([a, c]): A.Expr => ({ kind: "juxt", left: a, right: c, span: b.spanOf(a, c) }) %}

postfix -> postfix "[" indexList "]" {% ([t, , is, c]) => b.index(t, is, c) %}
         | atom {% id %}

bare -> bare "[" indexList "]" {% ([t, , is, c]) => b.index(t, is, c) %}
      | bareAtom {% id %}

atom -> bareAtom {% id %}
      | "(" expr ")" {% (d) => d[1] %}

bareAtom -> %number {% ([t]) => b.num(t) %}
          | ident {% ([n]): A.Expr => ({ kind: "name", name: n.name, span: n.span }) %}
          | ident "(" exprList ")" {% ([n, , as, c]): A.Expr => ({ kind: "call", callee: n, args: as, span: b.spanOf(n, c) }) %}
          | "max" "(" exprList ")" {% ([k, , as, c]): A.Expr => ({ kind: "call", callee: b.ident(k), args: as, span: b.spanOf(k, c) }) %}
          # The keyword `axis` is also the name of an operation's option: `softmax(x, axis = 0)`.
          | "axis" {% ([k]): A.Expr => ({ kind: "name", name: "axis", span: b.spanOf(k) }) %}

indexList -> index ("," index):* {% ([i, is]) => b.list(i, is) %}

index -> expr {% ([e]): A.Index => ({ kind: "at", expr: e }) %}
       | ":" {% ([t]): A.Index => ({ kind: "all", span: b.spanOf(t) }) %}

exprList -> expr ("," expr):* {% ([e, es]) => b.list(e, es) %}

identList -> ident ("," ident):* {% ([i, is]) => b.list(i, is) %}

ident -> %ident {% ([t]) => b.ident(t) %}

/**
 * Elaboration stage entry: parsed files -> Module (claims ready for the checker).
 *
 * All loaded files share one scope (a file sees what it imports, transitively); only the
 * root file's claims and bounds are checked. Declarations may be used before the line that
 * declares them. Every problem becomes a diagnostic; a claim that cannot be elaborated is
 * listed in `failed` and gets the verdict `error`.
 */
import { capDiagnostics, error, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { inlineRelated } from "../diagnostics/render.ts";
import type { Loaded } from "../syntax/load.ts";
import type * as A from "../syntax/types.ts";
import { activationOf, rootScope } from "./activations.ts";
import { elabBound } from "./bounds.ts";
import { evalInt } from "./constants.ts";
import { LIMITS } from "../limits.ts";
import { elabNetwork } from "./networks.ts";
import { Scope, kindWord, unknown, type Entry } from "./scope.ts";
import { elabTransform, nameMap, type TransformCtx } from "./transforms.ts";
import type { BoundClaim, Claim, Module, Network, Step } from "./types.ts";

type Sources = ReadonlyMap<string, string>;

interface State {
  readonly diags: Diagnostic[];
  readonly sources: Sources;
  readonly claims: Claim[];
  readonly bounds: BoundClaim[];
  readonly failed: { name: string; expect: "proved" | "refuted" | "holds"; span: A.Decl["span"] }[];
  readonly claimNames: Map<string, A.Decl["span"]>;
  readonly networks: Map<string, Network>;
  readonly symmetries: { decl: Extract<A.Decl, { kind: "symmetry" }>; scope: Scope }[];
  /** Sweep instances created so far; `overflow` once the limit was reported. */
  readonly sweep: { instances: number; overflow: boolean };
}

/**
 * Elaborate the loaded files (root file last, as `load` returns them).
 *
 * @example elaborate(load("a.neq", text, read)).claims.map(c => c.name)
 */
export function elaborate(loaded: Loaded): Module {
  const root = loaded.programs[loaded.programs.length - 1]!;
  const st: State = { diags: [], sources: loaded.sources, claims: [], bounds: [], failed: [], claimNames: new Map(), networks: new Map(), symmetries: [], sweep: { instances: 0, overflow: false } };
  const scope = new Scope(rootScope(), "");
  const work: { decls: readonly A.Decl[]; scope: Scope }[] = [];
  for (const p of loaded.programs) {
    const isRoot = p === root;
    register(p.decls, scope, isRoot, st, work);
  }
  // Elaborate every declaration, used or not, so that all mistakes are reported.
  for (const { decls, scope: s } of work) {
    for (const d of decls) {
      if (d.kind === "activation" || d.kind === "network") {
        const e = s.lookup(d.name.name);
        if (e?.kind === "activation" && e.decl === d) activationOf(e, st.diags, st.sources);
        if (e?.kind === "network" && e.decl === d) {
          const net = networkOf(e, st);
          if (net && s.suffix === "" && loaded.programs[loaded.programs.length - 1]!.file === d.span.file) st.networks.set(net.name, net);
        }
      }
    }
  }
  const used = new Set<A.Decl>();
  for (const { decls, scope: s } of work) {
    for (const d of decls) {
      if (d.kind === "claim") claim(d, s, st, used);
      if (d.kind === "bound") bound(d, s, st);
    }
  }
  // The networks declared in each scope, computed once (linear in the number of declarations).
  const networksByScope = new Map<Scope, A.Ident[]>();
  for (const w of work) {
    for (const d of w.decls) {
      if (d.kind !== "network") continue;
      const list = networksByScope.get(w.scope) ?? [];
      list.push(d.name);
      networksByScope.set(w.scope, list);
    }
  }
  const networksIn = (s: Scope) => networksByScope.get(s) ?? [];
  for (const { decl, scope: s } of st.symmetries) if (!used.has(decl)) checkUnused(decl, s, st, networksIn(s));
  return { file: root.file, claims: st.claims, bounds: st.bounds, failed: st.failed, networks: st.networks, diagnostics: shown([...loaded.diagnostics, ...st.diags], loaded.sources) };
}

/** The diagnostics as reported: sorted, related notes in the message, at most LIMITS.diagnostics of them. */
function shown(ds: readonly Diagnostic[], sources: Sources): Diagnostic[] {
  return capDiagnostics(sortDiagnostics(ds), LIMITS.diagnostics).map((d) => inlineRelated(d, sources));
}

function register(decls: readonly A.Decl[], scope: Scope, isRoot: boolean, st: State, work: { decls: readonly A.Decl[]; scope: Scope }[]): void {
  work.push({ decls: isRoot ? decls : decls.filter((d) => d.kind !== "claim" && d.kind !== "bound" && d.kind !== "for"), scope });
  for (const d of decls) {
    switch (d.kind) {
      case "import":
        if (scope.suffix !== "") st.diags.push(error("ELB023", d.span, "imports belong at the top level of a file, not inside a for"));
        break;
      case "activation":
        scope.declare(d.name, { kind: "activation", decl: d, scope, memo: undefined, span: d.name.span }, st.diags);
        break;
      case "network":
        scope.declare(d.name, { kind: "network", decl: d, scope, memo: undefined, span: d.name.span }, st.diags);
        break;
      case "symmetry":
        scope.declare(d.name, { kind: "symmetry", decl: d, scope, span: d.name.span }, st.diags);
        st.symmetries.push({ decl: d, scope });
        break;
      case "for":
        if (isRoot) sweep(d, scope, st, work);
        break;
      case "claim":
      case "bound":
        break;
    }
  }
}

function sweep(d: Extract<A.Decl, { kind: "for" }>, scope: Scope, st: State, work: { decls: readonly A.Decl[]; scope: Scope }[]): void {
  const from = evalInt(d.from, scope, st.diags, "a sweep bound");
  const to = evalInt(d.to, scope, st.diags, "a sweep bound");
  if (from === null || to === null) return;
  if (to < from) {
    st.diags.push(error("ELB021", d.span, `the range ${from}..${to} is empty`));
    return;
  }
  const shadowed = scope.lookup(d.variable.name);
  if (shadowed) {
    st.diags.push(error("ELB002", d.variable.span, `the sweep variable ${d.variable.name} hides ${kindWord(shadowed)} of the same name; choose another name`, shadowed.span.file === "<built-in>" ? [] : [{ span: shadowed.span, message: "first declared here" }]));
    return;
  }
  if (st.sweep.overflow) return;
  // Nested sweeps multiply: count every instance, and stop at the limit before creating it.
  if (st.sweep.instances + (to - from + 1) > LIMITS.sweepInstances) {
    st.sweep.overflow = true;
    st.diags.push(error("ELB029", d.span, `the sweeps of this file would create more than ${LIMITS.sweepInstances} instances of their declarations (nested sweeps multiply); a file may have at most ${LIMITS.sweepInstances}`));
    return;
  }
  st.sweep.instances += to - from + 1;
  for (let v = from; v <= to; v++) {
    const inner = scope.suffix ? `${scope.suffix.slice(1, -1)},${d.variable.name}=${v}` : `${d.variable.name}=${v}`;
    const child = new Scope(scope, `[${inner}]`);
    child.declare(d.variable, { kind: "int", value: v, span: d.variable.span }, st.diags);
    register(d.body, child, true, st, work);
  }
}

/** The network behind a scope entry, elaborated once. */
export function networkOf(e: Extract<Entry, { kind: "network" }>, st: { diags: Diagnostic[]; sources: Sources }): Network | null {
  if (e.memo === undefined) e.memo = elabNetwork(e.decl, e.scope, st.diags, st.sources);
  return e.memo;
}

function resolveNetwork(id: A.Ident, scope: Scope, st: State): Network | null {
  const e = scope.lookup(id.name);
  if (!e) {
    unknown(id, "network", scope, st.diags);
    return null;
  }
  if (e.kind !== "network") {
    st.diags.push(error("ELB006", id.span, `${id.name} is ${kindWord(e)}, not a network`));
    return null;
  }
  return networkOf(e, st);
}

function transformCtx(st: State): TransformCtx {
  return { diags: st.diags, sources: st.sources, networkOf: (e) => networkOf(e, st), scalars: [], conditions: [], active: [] };
}

/** Mark the symmetries `t` refers to, directly or through others (iterative: chains can be long). */
function markUsed(t: A.TExpr | null, scope: Scope, used: Set<A.Decl>): void {
  const todo: { t: A.TExpr; scope: Scope }[] = t ? [{ t, scope }] : [];
  while (todo.length > 0) {
    const { t: x, scope: s } = todo.pop()!;
    if (x.kind === "then") todo.push({ t: x.first, scope: s }, { t: x.second, scope: s });
    else if (x.kind === "ref") {
      const e = s.lookup(x.name.name);
      if (e?.kind === "symmetry" && !used.has(e.decl)) {
        used.add(e.decl);
        todo.push({ t: e.decl.body, scope: e.scope });
      }
    }
  }
}

function claim(d: Extract<A.Decl, { kind: "claim" }>, scope: Scope, st: State, used: Set<A.Decl>): void {
  const name = d.name.name + scope.suffix;
  const before = st.diags.length;
  const fail = (): void => {
    st.failed.push({ name, expect: d.expect, span: d.span });
  };
  const prior = st.claimNames.get(name);
  if (prior) {
    st.diags.push(error("ELB002", d.name.span, `claim ${name} is already declared`, [{ span: prior, message: "first declared here" }]));
    return;
  }
  st.claimNames.set(name, d.name.span);
  markUsed(d.transform, scope, used);
  const lhs = resolveNetwork(d.lhs, scope, st);
  const rhs = resolveNetwork(d.rhs, scope, st);
  if (!lhs || !rhs) return fail();
  const shape = (s: readonly number[]) => `[${s.join(", ")}]`;
  if (shape(lhs.input.shape) !== shape(rhs.input.shape) || shape(lhs.output.shape) !== shape(rhs.output.shape)) {
    st.diags.push(error("ELB016", d.span, `${lhs.name} maps inputs ${shape(lhs.input.shape)} to outputs ${shape(lhs.output.shape)}, but ${rhs.name} maps ${shape(rhs.input.shape)} to ${shape(rhs.output.shape)}`));
    return fail();
  }
  const ctx = transformCtx(st);
  let steps: Step[] = [];
  let to = lhs;
  if (d.transform) {
    const t = elabTransform(d.transform, lhs, scope, ctx);
    if (!t) return fail();
    steps = t.steps;
    to = t.to;
  }
  if (to !== rhs) {
    if (to !== lhs) {
      st.diags.push(error("ELB015", d.transform!.span, `this transformation produces parameters of ${to.name}, but the claim compares with ${rhs.name}`));
      return fail();
    }
    const m = nameMap(lhs, rhs, d.span, st.diags);
    if (!m) return fail();
    steps.push(m);
  }
  if (st.diags.length > before && st.diags.slice(before).some((x) => x.severity === "error")) return fail();
  const text = d.transform ? (st.sources.get(d.transform.span.file)?.slice(d.transform.span.start, d.transform.span.end) ?? "") : "";
  st.claims.push({ name, expect: d.expect, lhs, rhs, transform: { from: lhs, to: rhs, scalars: ctx.scalars, conditions: ctx.conditions, steps, text, span: d.transform?.span ?? d.span }, span: d.span });
}

function bound(d: Extract<A.Decl, { kind: "bound" }>, scope: Scope, st: State): void {
  const name = d.name.name + scope.suffix;
  const prior = st.claimNames.get(name);
  if (prior) {
    st.diags.push(error("ELB002", d.name.span, `claim ${name} is already declared`, [{ span: prior, message: "first declared here" }]));
    return;
  }
  st.claimNames.set(name, d.name.span);
  const net = resolveNetwork(d.network, scope, st);
  const b = net && elabBound(d, name, net, scope, st.diags);
  if (b) st.bounds.push(b);
  else st.failed.push({ name, expect: "holds", span: d.span });
}

/** The network a symmetry names (first qualified target or signature), if any. */
function namedNetwork(t: A.TExpr): A.Ident | null {
  switch (t.kind) {
    case "then":
      return namedNetwork(t.first) ?? namedNetwork(t.second);
    case "permute":
    case "scale":
    case "flip":
      return t.target.path.length > 1 ? t.target.path[0]! : null;
    case "permuteAxis":
      return t.network;
    default:
      return null;
  }
}

/**
 * Report mistakes in a symmetry that no claim uses, against the network it names (or the
 * only network of its scope, for a symmetry that names none).
 */
function checkUnused(d: Extract<A.Decl, { kind: "symmetry" }>, scope: Scope, st: State, networks: readonly A.Ident[]): void {
  const netId = d.signature?.from ?? namedNetwork(d.body) ?? (networks.length === 1 ? networks[0]! : null);
  if (!netId) return;
  const e = scope.lookup(netId.name);
  if (e?.kind !== "network") return;
  const net = networkOf(e, st);
  if (!net) return;
  elabTransform({ kind: "ref", name: d.name, args: [], span: d.name.span }, net, scope, transformCtx(st));
}

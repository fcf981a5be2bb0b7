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
import { checkFamilyUses, checkSizeArgs } from "./families.ts";
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
  const families = new Map<string, { sizes: readonly string[]; at: (sizes: readonly number[]) => Network | null }>();
  // Elaborate every declaration, used or not, so that all mistakes are reported.
  for (const { decls, scope: s } of work) {
    for (const d of decls) {
      if (d.kind === "activation" || d.kind === "network") {
        const e = s.lookup(d.name.name);
        if (e?.kind === "activation" && e.decl === d) activationOf(e, st.diags, st.sources);
        if (e?.kind === "network" && e.decl === d) {
          const net = networkOf(e, st);
          const inRoot = s.suffix === "" && loaded.programs[loaded.programs.length - 1]!.file === d.span.file;
          if (net && inRoot) st.networks.set(net.name, net);
          if (net && inRoot && d.params.length > 0) families.set(d.name.name, { sizes: d.params.map((p) => p.name), at: (sizes) => (sizes.length === d.params.length ? familyInstance(e, sizes, st, []) : null) });
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
  return { file: root.file, claims: st.claims, bounds: st.bounds, failed: st.failed, networks: st.networks, families, diagnostics: shown([...loaded.diagnostics, ...st.diags], loaded.sources) };
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

/**
 * The network behind a scope entry, elaborated once. A family (`network N(n) = ...`) is
 * elaborated here at size 2 for every size, so that its mistakes are reported; claims use
 * `familyInstance` for the sizes they name.
 */
export function networkOf(e: Extract<Entry, { kind: "network" }>, st: { diags: Diagnostic[]; sources: Sources }): Network | null {
  if (e.memo === undefined) {
    if (e.decl.params.length > 0 && !familyOk.has(e.decl)) familyOk.set(e.decl, checkFamilyUses(e.decl, st.diags));
    e.memo = e.decl.params.length > 0 ? familyInstance(e, e.decl.params.map(() => 2), st, st.diags) : elabNetwork(e.decl, e.scope, st.diags, st.sources);
  }
  return e.memo;
}

/** Whether a family uses its sizes as whole dimensions only (checked once, with networkOf). */
const familyOk = new WeakMap<A.Decl, boolean>();

/** Instances of network families, by declaration and sizes. */
const familyInstances = new WeakMap<A.Decl, Map<string, Network | null>>();

/** The member of a network family at `sizes` (its declaration elaborated with the sizes bound). */
function familyInstance(e: Extract<Entry, { kind: "network" }>, sizes: readonly number[], st: { sources: Sources }, diags: Diagnostic[]): Network | null {
  if (!familyOk.has(e.decl)) familyOk.set(e.decl, checkFamilyUses(e.decl, diags));
  if (familyOk.get(e.decl) === false) return null;
  const memo = familyInstances.get(e.decl) ?? new Map<string, Network | null>();
  familyInstances.set(e.decl, memo);
  const key = sizes.join(",");
  if (memo.has(key)) return memo.get(key)!;
  const child = new Scope(e.scope, e.scope.suffix);
  e.decl.params.forEach((p, i) => child.declare(p, { kind: "int", value: sizes[i]!, span: p.span }, diags));
  const net = elabNetwork(e.decl, child, diags, st.sources);
  memo.set(key, net);
  return net;
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
  const q = quantifiers(d, scope, st.diags);
  if (!q) return fail();
  if (q.sizes.length === 0 && q.groups.length === 0) {
    const c = claimInstance(d, scope, st, name, st.diags, new Map());
    if (!c || st.diags.slice(before).some((x) => x.severity === "error")) return fail();
    st.claims.push(c);
    return;
  }
  // A whole-group or every-width claim: one instance per probe of the sizes (README,
  // "Whole-group and every-width claims"); the first is the one reported.
  const probes = probeSizes(q.sizes);
  const instances: Claim[] = [];
  for (const sizes of probes) {
    const scratch: Diagnostic[] = [];
    const c = claimInstance(d, scope, st, name, instances.length === 0 ? st.diags : scratch, sizes, q.groups);
    const errors = (instances.length === 0 ? st.diags.slice(before) : scratch).filter((x) => x.severity === "error");
    if (!c || errors.length > 0) {
      if (instances.length > 0) st.diags.push(error("ELB032", d.span, `at ${sizeText(sizes)} this claim does not elaborate: ${errors[0]?.message ?? "see the errors above"}`));
      return fail();
    }
    instances.push({ ...c, universal: { text: "", sizes: q.sizes, perms: [], instances: [], at: sizeText(sizes) } });
  }
  const [main, ...rest] = instances;
  const range = q.sizes.map((x) => `${x.name} >= ${x.min}`).join(", ");
  const groupText = q.groups.map((g) => `${g.name.name}: ${g.group.name}(${g.args.map((a) => text(a.span, st.sources)).join(", ")})`).join(", ");
  const what = [range && `every ${range}`, groupText && `every ${groupText}`].filter(Boolean).join(" and ");
  st.claims.push({
    ...main!,
    universal: { text: `for ${what}`, sizes: q.sizes, perms: q.groups.filter((g) => g.group.name === "perm").map((g) => g.name.name), instances: rest, at: sizeText(probes[0]!) },
  });
}

const text = (span: A.Decl["span"], sources: Sources): string => sources.get(span.file)?.slice(span.start, span.end) ?? "";
const sizeText = (sizes: ReadonlyMap<string, number>): string => [...sizes].map(([k, v]) => `${k}=${v}`).join(", ");

/** The sizes and group elements a claim quantifies over, checked. */
function quantifiers(d: Extract<A.Decl, { kind: "claim" }>, scope: Scope, diags: Diagnostic[]): { sizes: { name: string; min: number }[]; groups: Extract<A.Binder, { kind: "group" }>[] } | null {
  const sizes: { name: string; min: number }[] = [];
  const groups: Extract<A.Binder, { kind: "group" }>[] = [];
  const seen = new Map<string, A.Decl["span"]>();
  let ok = true;
  for (const quantifier of d.quantifiers) {
    let pending: string[] = [];
    for (const b of quantifier) {
      const prior = seen.get(b.name.name);
      if (prior) {
        diags.push(error("ELB002", b.name.span, `${b.name.name} is quantified twice`, [{ span: prior, message: "first quantified here" }]));
        ok = false;
        continue;
      }
      seen.set(b.name.name, b.name.span);
      if (b.kind === "group") {
        if (!["perm", "pos", "sign", "gl"].includes(b.group.name)) {
          diags.push(error("ELB006", b.group.span, `unknown group ${b.group.name}; a claim quantifies over perm(n) (permutations), pos(n) (positive diagonal scalings), sign(n) (sign flips) or gl(k) (invertible matrices)`));
          ok = false;
        } else if (b.args.length !== 1) {
          diags.push(error("ELB009", b.span, `${b.group.name} takes one size, e.g. ${b.group.name}(n)`));
          ok = false;
        }
        groups.push(b);
        continue;
      }
      pending.push(b.name.name);
      if (b.min) {
        const m = evalInt(b.min, scope, diags, "a size's lower bound", 1);
        if (m === null) ok = false;
        for (const n of pending) sizes.push({ name: n, min: m ?? 1 });
        pending = [];
      }
    }
    for (const n of pending) sizes.push({ name: n, min: 1 });
  }
  if (sizes.length > 4) {
    diags.push(error("ELB029", d.span, `a claim may quantify over at most 4 sizes, not ${sizes.length}`));
    ok = false;
  }
  return ok ? { sizes, groups } : null;
}

/**
 * The sizes a quantified claim is elaborated at: every size one above its lower bound (the
 * instance reported and falsified), at its bound, two above, and each size alone three above.
 */
function probeSizes(sizes: readonly { name: string; min: number }[]): Map<string, number>[] {
  const at = (f: (x: { name: string; min: number }, i: number) => number) => new Map(sizes.map((x, i) => [x.name, f(x, i)] as const));
  const probes = [at((x) => x.min + 1), at((x) => x.min), at((x) => x.min + 2), ...sizes.map((_, j) => at((x, i) => x.min + (i === j ? 3 : 1)))];
  const seen = new Set<string>();
  return probes.filter((p) => {
    const k = sizeText(p);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * One instance of a claim: sizes bound, permutation variables fixed to an instance (the
 * k-th one shifts units by k), scalar group elements as the scalars of a symmetry.
 */
function claimInstance(d: Extract<A.Decl, { kind: "claim" }>, scope: Scope, st: State, name: string, diags: Diagnostic[], sizes: ReadonlyMap<string, number>, groups: readonly Extract<A.Binder, { kind: "group" }>[] = []): Claim | null {
  const inst = sizes.size > 0 || groups.length > 0 || d.lhsArgs || d.rhsArgs ? new Scope(scope, scope.suffix) : scope;
  for (const [k, v] of sizes) inst.declare({ name: k, span: d.span }, { kind: "int", value: v, span: d.span }, diags);
  const stLocal = { ...st, diags };
  // Networks, with the sizes of a family (declared in the instance scope, so that the
  // transformation's `N.h1` names this member).
  const resolve = (id: A.Ident, args: readonly A.Expr[] | null): Network | null => {
    const e = scope.lookup(id.name);
    if (e?.kind !== "network") return resolveNetwork(id, scope, stLocal);
    if (e.decl.params.length === 0) {
      if (args) {
        diags.push(error("ELB009", id.span, `${id.name} is a network, not a family of networks: write ${id.name} without sizes`));
        return null;
      }
      return networkOf(e, stLocal);
    }
    if (!args || args.length !== e.decl.params.length) {
      diags.push(error("ELB009", id.span, `${id.name} is a family of networks over (${e.decl.params.map((p) => p.name).join(", ")}): write ${id.name}(${e.decl.params.map((p) => p.name).join(", ")}) with ${e.decl.params.length} size${e.decl.params.length === 1 ? "" : "s"}`));
      return null;
    }
    const values: number[] = [];
    for (const a of args) {
      const v = evalInt(a, inst, diags, "a network size", 1);
      if (v === null) return null;
      values.push(v);
    }
    const net = familyInstance(e, values, st, diags);
    if (net && inst !== scope && !inst.lookupHere(id.name)) inst.declare(id, { kind: "network", decl: e.decl, scope: e.scope, memo: net, span: id.span }, diags);
    else if (net && inst.lookupHere(id.name)?.kind === "network" && (inst.lookupHere(id.name) as { memo: Network | null }).memo !== net) {
      diags.push(error("ELB015", id.span, `${id.name} is used at two different sizes in one claim`));
      return null;
    }
    return net;
  };
  if (sizes.size > 0 && !checkSizeArgs([...(d.lhsArgs ?? []), ...(d.rhsArgs ?? []), ...groups.flatMap((g) => g.args)], diags)) return null;
  const lhs = resolve(d.lhs, d.lhsArgs);
  const rhs = resolve(d.rhs, d.rhsArgs);
  if (!lhs || !rhs) return null;
  // Group elements: permutations fixed to an instance, scalars as a symmetry's scalars.
  let k = 0;
  const scalarDecls: A.ScalarDecl[] = [];
  for (const g of groups) {
    const n = evalInt(g.args[0]!, inst, diags, "a group's size", 1);
    if (n === null) return null;
    if (g.group.name === "perm") {
      k++;
      const value = Array.from({ length: n }, (_, i) => (i + k) % n);
      inst.declare(g.name, { kind: "perm", value, symbol: `${name}.${g.name.name}`, span: g.name.span }, diags);
    } else {
      const dims = g.group.name === "gl" ? [g.args[0]!, g.args[0]!] : [g.args[0]!];
      const zero: A.Expr = { kind: "num", text: "0", span: g.span };
      scalarDecls.push({ name: g.name, dims, invertible: g.group.name === "gl", op: g.group.name === "pos" ? ">" : null, bound: g.group.name === "pos" ? zero : null, sign: g.group.name === "sign", pos: g.group.name === "pos", span: g.span });
    }
  }
  let transform = d.transform;
  if (scalarDecls.length > 0 && transform) {
    const sym: A.Ident = { name: `forall`, span: d.name.span };
    inst.declare(sym, { kind: "symmetry", decl: { kind: "symmetry", keyword: "symmetry", name: sym, scalars: scalarDecls, signature: null, body: transform, span: d.span }, scope: inst, span: d.span }, diags);
    transform = { kind: "ref", name: sym, args: [], span: transform.span };
  }
  return claimBody(d, inst, stLocal, name, lhs, rhs, transform);
}

function claimBody(d: Extract<A.Decl, { kind: "claim" }>, scope: Scope, st: State, name: string, lhs: Network, rhs: Network, transform: A.TExpr | null): Claim | null {
  const shape = (s: readonly number[]) => `[${s.join(", ")}]`;
  if (shape(lhs.input.shape) !== shape(rhs.input.shape) || shape(lhs.output.shape) !== shape(rhs.output.shape)) {
    st.diags.push(error("ELB016", d.span, `${lhs.name} maps inputs ${shape(lhs.input.shape)} to outputs ${shape(lhs.output.shape)}, but ${rhs.name} maps ${shape(rhs.input.shape)} to ${shape(rhs.output.shape)}`));
    return null;
  }
  const ctx = transformCtx(st);
  let steps: Step[] = [];
  let to = lhs;
  if (transform) {
    const t = elabTransform(transform, lhs, scope, ctx);
    if (!t) return null;
    steps = t.steps;
    to = t.to;
  }
  if (to !== rhs) {
    if (to !== lhs) {
      st.diags.push(error("ELB015", d.transform!.span, `this transformation produces parameters of ${to.name}, but the claim compares with ${rhs.name}`));
      return null;
    }
    const m = nameMap(lhs, rhs, d.span, st.diags);
    if (!m) return null;
    steps.push(m);
  }
  const text = d.transform ? (st.sources.get(d.transform.span.file)?.slice(d.transform.span.start, d.transform.span.end) ?? "") : "";
  return { name, expect: d.expect, lhs, rhs, transform: { from: lhs, to: rhs, scalars: ctx.scalars, conditions: ctx.conditions, steps, text, span: d.transform?.span ?? d.span }, span: d.span };
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

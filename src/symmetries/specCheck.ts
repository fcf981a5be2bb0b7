/**
 * Checking a permutation spec against an architecture.
 *
 * Group level (`specProblems`): every parameter the spec names must exist with that many
 * axes, and every permutation name must move exactly the parameter axes of one derived
 * permutation class (elaborate/axes.ts) -- no axis missing (a batch-norm statistic left
 * unpermuted), none assigned another permutation, none fixed, no two classes joined.
 * Function level (`specDerivation`): the derived classes the spec names, each with its
 * claims that prove the whole S_n and its negative control, plus one claim applying a
 * concrete random permutation for every permutation name exactly as the spec says; all go
 * to the checker. A spec is correct when it has no problem and the checker proves all.
 */
import { seededPermutation } from "../numeric/permutation.ts";
import { reads } from "../elaborate/iexpr.ts";
import type { IExpr, Network } from "../elaborate/types.ts";
import { derive } from "./derive.ts";
import { movesText } from "./naming.ts";
import type { Spec } from "./readSpec.ts";
import type { Candidate, Derivation, ParamAxis } from "./types.ts";

const key = (m: ParamAxis) => `${m.param}#${m.axis}`;

/** Parameters read as a normalisation statistic (inside rsqrt, or subtracted), for messages. */
function statistics(net: Network): Set<string> {
  const out = new Set<string>();
  const visit = (e: IExpr): void => {
    if (e.k === "act" && e.act.builtin === "rsqrt") for (const r of reads(e.a)) if (r.src === "param" && r.at.length === 1) out.add(r.name);
    if (e.k === "neg" && e.a.k === "read" && e.a.src === "param" && e.a.at.length === 1) out.add(e.a.name);
    if (e.k === "add" || e.k === "mul") e.args.forEach(visit);
    else if (e.k === "neg" || e.k === "act") visit(e.a);
    else if (e.k === "div") (visit(e.a), visit(e.b));
    else if (e.k === "sum" || e.k === "max" || e.k === "guard") visit(e.body);
  };
  for (const d of [...net.nodes, net.output]) visit(d.expr);
  return out;
}

/** The permutation names of a spec with the parameter axes each moves. */
export function specPermutations(spec: Spec): Map<string, ParamAxis[]> {
  const perms = new Map<string, ParamAxis[]>();
  for (const [param, axes] of spec.axes) axes.forEach((p, axis) => p !== null && perms.set(p, [...(perms.get(p) ?? []), { param, axis }]));
  return perms;
}

/** Problems of the spec against the derived permutation classes, in the spec's names. */
export function specProblems(net: Network, spec: Spec): string[] {
  const problems: string[] = [];
  const params = new Map(net.params.map((p) => [p.name, p]));
  for (const [param, axes] of spec.axes) {
    const p = params.get(param);
    if (!p) problems.push(`${param}: no such parameter in ${net.name} (its parameters are ${net.params.map((x) => x.name).join(", ")})`);
    else if (axes.length !== p.shape.length) problems.push(`${param}: the spec gives ${axes.length} axes, ${net.name}.${param} has ${p.shape.length} ([${p.shape.join(", ")}])`);
  }
  if (problems.length) return problems;
  const classes = derive(net).candidates.filter((c) => c.kind === "permutation");
  const classOf = new Map<string, Candidate>();
  for (const c of classes) for (const m of c.moves) classOf.set(key(m), c);
  const assigned = (m: ParamAxis) => spec.axes.get(m.param)?.[m.axis] ?? null;
  const stats = statistics(net);
  const what = (m: ParamAxis) => `${m.param} axis ${m.axis}${stats.has(m.param) ? " (a normalisation statistic)" : ""}`;
  for (const [perm, moves] of specPermutations(spec)) {
    const fixed = moves.filter((m) => !classOf.has(key(m)));
    for (const m of fixed) problems.push(`${perm}: ${what(m)} cannot be permuted (no derived permutation class contains it: it is tied to the input or output, or read with an offset, a stride, a reshape or a condition)`);
    // The class holding most of the permutation's axes is the one it means; axes of other
    // classes are assigned the wrong permutation.
    const byClass = new Map<Candidate, ParamAxis[]>();
    for (const m of moves) {
      const c = classOf.get(key(m));
      if (c) byClass.set(c, [...(byClass.get(c) ?? []), m]);
    }
    const ranked = [...byClass.entries()].sort((a, b) => b[1].length - a[1].length);
    if (ranked.length === 0) continue;
    const main = ranked[0]![0];
    for (const [c, ms] of ranked.slice(1)) for (const m of ms) problems.push(`${perm}: ${what(m)} is assigned ${perm}, but it belongs to class ${c.where}, not to ${perm}'s class ${main.where}`);
    for (const m of main.moves) {
      const a = assigned(m);
      if (a === null) problems.push(`${perm}: missing axis ${what(m)}, which moves with ${perm} (class ${main.where}: ${movesText(main.moves)})`);
      else if (a !== perm) problems.push(`${perm}: ${what(m)} is assigned permutation ${a}, but it moves with ${perm} (class ${main.where})`);
    }
  }
  return problems;
}

/** A permutation of 0..n-1 from a seeded generator, never the identity when n > 1. */
function randomPermutation(n: number, seed: number): number[] {
  const p = seededPermutation(n, seed);
  if (n > 1 && p.every((x, i) => x === i)) p.push(p.shift()!);
  return p;
}

/**
 * What the checker must prove for the spec: the classes it names (each with the claims
 * that prove S_n, and its control) and one claim applying random permutations exactly as
 * the spec assigns them. Permutation names whose axes differ in size get no claim (the
 * problems say why).
 */
export function specDerivation(net: Network, spec: Spec, seed: number): Derivation {
  const d = derive(net);
  const perms = specPermutations(spec);
  const shape = (m: ParamAxis) => net.params.find((p) => p.name === m.param)?.shape[m.axis];
  const named = new Set([...perms.values()].flat().map(key));
  const classes = d.candidates.filter((c) => c.kind === "permutation" && c.moves.some((m) => named.has(key(m))));
  const steps: string[] = [];
  let k = 0;
  for (const [, moves] of perms) {
    const sizes = new Set(moves.map(shape));
    if (sizes.size !== 1 || [...sizes][0] === undefined) continue;
    const p = randomPermutation([...sizes][0]!, seed + 7919 * ++k);
    for (const m of moves) steps.push(`permute axis ${m.axis} of ${net.name}.${m.param} by [${p.join(", ")}]`);
  }
  const instance: Candidate = {
    id: "spec_instance",
    kind: "permutation",
    title: "the spec with random permutations",
    where: `${perms.size} permutation names`,
    moves: [...perms.values()].flat(),
    group: "-",
    size: 0,
    order: null,
    log10Order: null,
    dimension: null,
    claims: steps.length ? [{ name: "spec_instance", declarations: [], text: `theorem spec_instance: ${net.name} ~ ${net.name} after ${steps.join("\n  then ")}`, count: 1 }] : [],
    note: null,
  };
  const ids = new Set(classes.map((c) => c.id));
  return { network: net.name, candidates: [...classes, ...(steps.length ? [instance] : [])], controls: d.controls.filter((c) => ids.has(c.of)), notClaimed: [] };
}

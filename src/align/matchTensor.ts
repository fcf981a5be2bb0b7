/**
 * Recovering g with B = g A for a tensor network, one permutation per class: units of A and
 * B are coloured (colour.ts) and each unit of B is matched with a unit of A of the same
 * colour, in index order. Equal colours within A are ties (reported: the pairing among tied
 * units is arbitrary); a colour of B missing from A means no permutation of the classes maps
 * A onto B. A match is a candidate only; `verifyTensor` checks every entry exactly.
 */
import { axisOwners, type PermClass } from "./classes.ts";
import { unitColours, type ColourLayout } from "./colour.ts";
import type { ParamValues } from "./matchMlp.ts";
import type { ClassNoMatch, Tie, TensorGroupElement } from "./types.ts";
import type { Network } from "../elaborate/types.ts";
import { normalise, type ClassScaling, type Normalised } from "./unitScales.ts";

/** Why the normalised checkpoints are not determined by their orbits (units whose normaliser is not determined), or null. */
export function ambiguity(na: Normalised, nb: Normalised): string | null {
  const all = [...na.ambiguous.map((t) => ["A", t] as const), ...nb.ambiguous.map((t) => ["B", t] as const)];
  return all.length ? `the scale or sign of ${all.map(([w, t]) => `${t.units} unit(s) of ${w}'s ${t.where}`).join(", ")} is not determined by their producers (all zero, or signs that cancel), so their normalised values are a choice` : null;
}

/** The colouring layout of `net` for `classes`. */
export function colourLayout(net: Network, classes: readonly PermClass[], exclude: ReadonlySet<string> = new Set()): ColourLayout {
  const owners = axisOwners(net, classes);
  return { params: net.params.filter((p) => !exclude.has(p.name)).map((p) => ({ name: p.name, shape: p.shape, owners: owners.get(p.name)! })), sizes: classes.map((c) => c.size) };
}

/** Ties of one class from its colours in A. */
export function tiesOf(c: PermClass, colours: Float64Array): Tie | null {
  const groups = new Map<number, number>();
  for (const x of colours) groups.set(x, (groups.get(x) ?? 0) + 1);
  const tied = [...groups.values()].filter((n) => n > 1);
  return tied.length ? { id: c.id, where: c.where, units: tied.reduce((s, n) => s + n, 0), largest: Math.max(...tied) } : null;
}

/**
 * g with B = g A as far as colours tell, the ties, and the colouring rounds; or the first
 * unit of B (class by class) whose colour no unit of A has.
 */
export function matchTensor(net: Network, classes: readonly PermClass[], A: ParamValues, B: ParamValues, exclude?: ReadonlySet<string>): { g: TensorGroupElement; ties: Tie[]; rounds: number } | { noMatch: ClassNoMatch } {
  const { colours, rounds } = unitColours(colourLayout(net, classes, exclude), [A, B]);
  const [ca, cb] = colours as [Float64Array[], Float64Array[]];
  const perms = [];
  const ties: Tie[] = [];
  for (let k = 0; k < classes.length; k++) {
    const c = classes[k]!;
    const buckets = new Map<number, number[]>();
    ca[k]!.forEach((x, i) => {
      const list = buckets.get(x);
      if (list) list.push(i);
      else buckets.set(x, [i]);
    });
    const perm = new Array<number>(c.size);
    for (let u = 0; u < c.size; u++) {
      const i = buckets.get(cb[k]![u]!)?.shift();
      if (i === undefined) return { noMatch: { id: c.id, where: c.where, unit: u, reason: `no unit of A has the parameters of B's unit ${u} (the slices ${c.moves.map((m) => `${m.param}:${m.axis}`).join(", ")}, up to the permutations of the other classes)` } };
      perm[i] = u;
    }
    const tie = tiesOf(c, ca[k]!);
    if (tie) ties.push(tie);
    perms.push({ id: c.id, where: c.where, perm });
  }
  return { g: { classes: perms }, ties, rounds };
}

/**
 * As `matchTensor`, with the scalings and flips of `scalings` (unitScales.ts): both
 * checkpoints are normalised, the normalised ones matched, and each unit's scale is the ratio
 * of its exact normalisers in B and A. Units whose normaliser is not determined are ties.
 */
export function matchTensorScaled(net: Network, classes: readonly PermClass[], scalings: readonly (ClassScaling | null)[], A: ParamValues, B: ParamValues): { g: TensorGroupElement; ties: Tie[] } | { noMatch: ClassNoMatch } {
  if (scalings.every((s) => s === null)) return matchTensor(net, classes, A, B);
  const na = normalise(net, classes, scalings, A);
  const nb = normalise(net, classes, scalings, B);
  const r = matchTensor(net, classes, na.values, nb.values);
  if (!("g" in r)) {
    const s = scalings[classes.findIndex((c) => c.id === r.noMatch.id)];
    const noMatch = s ? { ...r.noMatch, reason: `${r.noMatch.reason}, up to ${s.kind === "scale" ? "a positive scale" : "sign"} per unit` } : r.noMatch;
    // Colours are a function of the normalised orbit only where every normaliser is determined.
    const why = ambiguity(na, nb);
    return { noMatch: why ? { ...noMatch, undecided: why } : noMatch };
  }
  const perms = r.g.classes.map((c, k) => {
    const s = scalings[k];
    if (!s) return c;
    const [a, b] = [na.norms[k]!, nb.norms[k]!];
    return { ...c, action: s.kind, scales: c.perm.map((u, i) => b[u]!.div(a[i]!)) };
  });
  const ties = [...r.ties];
  for (const t of [...na.ambiguous, ...nb.ambiguous]) if (!ties.some((x) => x.id === t.id)) ties.push(t);
  return { g: { classes: perms }, ties };
}

/**
 * Matching with the continuous attention actions (attention.ts): the classes outside the
 * attention operations are coloured without the attention's parameters (their values are
 * mixed by the unknown matrices), the heads are paired by the action's invariants, the
 * head_dim permutations are absorbed into the matrices (a permutation is one), and the
 * matrices are solved exactly per head. A candidate only: the exact check decides.
 */
import type { Network } from "../elaborate/types.ts";
import { attentionBlocks, matchHeads, fibersWith, type AttentionBlock } from "./attention.ts";
import { solveActions } from "./attentionExact.ts";
import type { PermClass } from "./classes.ts";
import type { ParamValues } from "./matchMlp.ts";
import { ambiguity, matchTensor } from "./matchTensor.ts";
import { axisFactors, axisPerms } from "./permuteTensor.ts";
import { normalise, type ClassScaling } from "./unitScales.ts";
import type { ClassNoMatch, Tie, TensorGroupElement } from "./types.ts";

/** The attention operations whose two actions can be matched (RoPE: not; see attention.ts). */
export function matchableBlocks(net: Network, classes: readonly PermClass[]): { blocks: AttentionBlock[]; skipped: string[] } {
  const all = attentionBlocks(net, classes);
  return { blocks: all.filter((b) => b.qk && b.vo), skipped: all.filter((b) => !(b.qk && b.vo)).map((b) => `${b.name}: ${b.qk ? "the value/output axis is tied elsewhere" : "RoPE (only its plane rotations commute with it)"}; continuous actions not matched`) };
}

/** g with the attention actions, or why none was found. */
export function matchAttention(net: Network, classes: readonly PermClass[], blocks: readonly AttentionBlock[], A: ParamValues, B: ParamValues, scalings: readonly (ClassScaling | null)[] = []): { g: TensorGroupElement; ties: Tie[] } | { noMatch: ClassNoMatch } | { problem: string } {
  // Classes that rescale (a ReLU MLP beside the attention) are matched on normalised values, as in matchTensorScaled.
  const scaled = scalings.some((x) => x !== null);
  const na = scaled ? normalise(net, classes, scalings, A) : null;
  const nb = scaled ? normalise(net, classes, scalings, B) : null;
  const [VA, VB] = [na?.values ?? A, nb?.values ?? B];
  const inBlocks = new Set(blocks.flatMap((b) => [...b.qk!.left, ...b.qk!.right, ...b.vo!.left, ...b.vo!.right].map((p) => p.param)));
  const absorbed = new Set(blocks.flatMap((b) => [b.headsClass, b.qk!.cls, b.vo!.cls]).filter((k) => k >= 0));
  for (const b of blocks) for (const k of [b.headsClass]) if (k >= 0) for (const m of classes[k]!.moves) inBlocks.add(m.param);
  const r = matchTensor(net, classes, VA, VB, inBlocks);
  if ("noMatch" in r) {
    if (absorbed.has(classes.findIndex((c) => c.id === r.noMatch.id))) return { problem: "internal: an attention class was matched by colour" };
    const why = na && nb ? ambiguity(na, nb) : null;
    return why ? { noMatch: { ...r.noMatch, undecided: why } } : r;
  }
  const classesOut = r.g.classes.map((c, k) => {
    if (absorbed.has(k)) return { ...c, perm: c.perm.map((_, i) => i) };
    const s = scalings[k];
    return s && na && nb ? { ...c, action: s.kind, scales: c.perm.map((u, i) => nb.norms[k]![u]!.div(na.norms[k]![i]!)) } : c;
  });
  const ties = r.ties.filter((t) => !absorbed.has(classes.findIndex((c) => c.id === t.id)));
  for (const t of [...(na?.ambiguous ?? []), ...(nb?.ambiguous ?? [])]) if (!ties.some((x) => x.id === t.id)) ties.push(t);
  for (const b of blocks) {
    if (b.headsClass < 0) continue;
    const g0: TensorGroupElement = { classes: classesOut };
    const mapped = axisPerms(net, classes, g0);
    const id = new Map(net.params.map((p) => [p.name, p.shape.map(() => null)]));
    const heads = matchHeads(b, VA, VB, (p, m) => fibersWith(net, b, p, (m ? mapped : id).get(p.param)!));
    const c = classes[b.headsClass]!;
    // The invariants are read with the other classes' pairing: only when no unit tied is that pairing the only one.
    const undecided = ties.length ? { undecided: `the heads were compared with the other classes paired as matched, and units tie (${ties.map((t) => `${t.where}: ${t.units}`).join(", ")}); another pairing might give B's heads a counterpart` } : {};
    if ("head" in heads) return { noMatch: { id: c.id, where: c.where, unit: heads.head, reason: `no head of A has the query/key and value/output products of B's head ${heads.head} (W_Q^T W_K and W_O W_V with their biases, invariant under the continuous actions)`, ...undecided } };
    classesOut[b.headsClass] = { ...classesOut[b.headsClass]!, perm: heads.perm };
    if (heads.tied) ties.push({ id: c.id, where: c.where, units: heads.tied, largest: heads.tied });
  }
  const g0 = { classes: classesOut };
  const solved = solveActions(net, blocks, A, B, axisPerms(net, classes, g0), axisFactors(net, classes, g0) ?? undefined);
  if ("problem" in solved) return solved;
  return { g: { classes: classesOut, attention: solved.actions }, ties };
}

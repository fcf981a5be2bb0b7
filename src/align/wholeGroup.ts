/**
 * The theorems an alignment cites, as whole-group claims first: one claim per hidden layer or
 * permutation class that holds for every element of its group at once,
 *
 *   theorem group_h1: forall P: perm(512), c: pos(512). N ~ N after scale N.h1 by c then permute N.h1 by P
 *   theorem perm_s0_0: forall P: perm(16). N ~ N after permute N.s0 axis channels by P
 *
 * which the checker's symbolic strategy proves by one rule chain (proofs/14_every_width.neq;
 * README, "The symbolic strategy"): exactly the group g is drawn from, and fast. Where such a claim is not
 * proved (the symbolic strategy does not apply, a timeout), that layer or class falls back to
 * building blocks that generate the group (a transposition and an n-cycle for S_n; scaling
 * by a symbolic c > 0; one flip). g A preserves the function when every layer or class it
 * touches is covered by proved claims: g is a product of their elements.
 */
import { check } from "../check.ts";
import type { Activation } from "../elaborate/types.ts";
import type { Options } from "../options.ts";
import type { ReadFile } from "../syntax/load.ts";
import type { PermClass } from "./classes.ts";
import { theoremFile, unitAction, type Generator, type TheoremOutcome } from "./theorem.ts";
import type { GroupElement, TensorGroupElement } from "./types.ts";
import { Rational } from "../numeric/rational.ts";
import { slug } from "../symmetries/naming.ts";
import { isIdentityAction, type AttentionBlock } from "./attention.ts";

/** A generated proof file and the claims it makes. */
export interface ClaimFile {
  readonly path: string;
  readonly text: string;
  readonly generators: readonly Generator[];
}

const moved = (perm: readonly number[]) => perm.some((p, i) => p !== i);

/** Whole-group claims for an MLP's g: per hidden layer it touches, its permutations with the scales or signs g uses. */
export function mlpWholeGroup(widths: readonly number[], activations: readonly Activation[], g: GroupElement): ClaimFile | { problem: string } {
  // The building-block file states the conditions (builtin, one activation, signs only for odd ones).
  const blocks = theoremFile(widths, activations, g);
  if ("problem" in blocks) return blocks;
  const header = blocks.text.split("\n").filter((l) => l.startsWith("activation") || l.startsWith("network"));
  const lines = [...header];
  const generators: Generator[] = [];
  const flip = unitAction(activations[0]!) === "flip";
  for (const m of g.layers) {
    const n = m.perm.length;
    const scaled = m.scales.some((c) => c.num !== c.den);
    if (!moved(m.perm) && !scaled) continue;
    const vars = [`P: perm(${n})`, ...(scaled ? [flip ? `s: sign(${n})` : `c: pos(${n})`] : [])];
    const steps = [...(scaled ? [`scale N.h${m.layer} by ${flip ? "s" : "c"}`] : []), `permute N.h${m.layer} by P`];
    lines.push(`theorem group_h${m.layer}: forall ${vars.join(", ")}. N ~ N after ${steps.join(" then ")}`);
    const what = scaled ? (flip ? ` with every sign pattern ({+-1}^${n} x S_${n})` : ` with every positive scaling ((R_>0)^${n} x S_${n})`) : ` (S_${n})`;
    generators.push({ claim: `group_h${m.layer}`, statement: `every permutation of N.h${m.layer}${what}`, unit: `h${m.layer}` });
  }
  return { path: "neteq-align-theorem.neq", text: lines.join("\n") + "\n", generators };
}

const scaled = (c: { scales?: readonly Rational[] }) => c.scales?.some((x) => !x.eq(Rational.ONE)) ?? false;

/**
 * Whole-group claims for a tensor network's g, per class it moves or scales:
 * `forall P: perm(n). N ~ N after permute <class> by P`, with `c: pos(n)` and `scale <class>
 * by c then` before it where g rescales the class (`s: sign(n)` where its units flip).
 */
export function tensorWholeGroup(network: string, importPath: string, classes: readonly PermClass[], g: TensorGroupElement, blocks: readonly AttentionBlock[] = []): ClaimFile {
  const lines = [`import "${importPath}"`];
  const generators: Generator[] = [];
  classes.forEach((c, k) => {
    const gc = g.classes[k]!;
    if (scaled(gc)) {
      const flip = gc.action === "flip";
      const v = flip ? "s" : "c";
      lines.push(`theorem group_${c.id}: forall P: perm(${c.size}), ${v}: ${flip ? "sign" : "pos"}(${c.size}). ${network} ~ ${network} after scale ${c.ref} by ${v} then permute ${c.ref} by P`);
      const what = flip ? `with every sign pattern ({+-1}^${c.size} x S_${c.size})` : `with every positive scaling ((R_>0)^${c.size} x S_${c.size})`;
      generators.push({ claim: `group_${c.id}`, statement: `every permutation of ${c.where} ${what}`, unit: c.id });
      return;
    }
    if (!moved(gc.perm)) return;
    lines.push(`theorem perm_${c.id}: forall P: perm(${c.size}). ${network} ~ ${network} after permute ${c.ref} by P`);
    generators.push({ claim: `perm_${c.id}`, statement: `every permutation of ${c.where} (S_${c.size})`, unit: c.id });
  });
  // The attention actions, one matrix shared by every head (the caller checks that it is).
  for (const a of g.attention ?? []) {
    if (isIdentityAction(a)) continue;
    const b = blocks.find((x) => x.name === a.block)!;
    const side = (a.kind === "qk" ? b.qk : b.vo)!;
    const steps = [...side.left.map((m) => `multiply axis ${m.axis} of ${network}.${m.param} by M`), ...side.right.map((m) => `multiply axis ${m.axis} of ${network}.${m.param} by transpose(inverse(M))`)];
    const id = `${a.kind}_${slug(a.block)}`;
    lines.push(`theorem ${id}: forall M: gl(${a.dim}). ${network} ~ ${network} after ${steps.join(" then ")}`);
    generators.push({ claim: id, statement: `${a.kind === "qk" ? "W_Q A, W_K A^-T" : "W_V A, A^-1 W_O"} of ${a.block} for every invertible A (GL(${a.dim}), one A in every head)`, unit: id });
  }
  return { path: "neteq-align-theorem.neq", text: lines.join("\n") + "\n", generators };
}

/**
 * Building blocks for the classes in `units`: a transposition and the n-cycle (they generate
 * S_n); where g rescales, scaling every unit by its own symbolic c > 0, or flipping unit 0.
 */
export function tensorBlocks(network: string, importPath: string, classes: readonly PermClass[], units: ReadonlySet<string>, g?: TensorGroupElement): ClaimFile {
  const lines = [`import "${importPath}"`];
  const generators: Generator[] = [];
  classes.forEach((c, k) => {
    if (!units.has(c.id)) return;
    const gc = g?.classes[k];
    const flips = gc !== undefined && scaled(gc) && gc.action === "flip";
    if (c.size >= 2 && (!gc || moved(gc.perm) || flips)) {
      lines.push(`theorem swap_${c.id}: ${network} ~ ${network} after permute ${c.ref} by (0 1)`);
      generators.push({ claim: `swap_${c.id}`, statement: `permute ${c.where} by (0 1)`, unit: c.id });
      if (c.size >= 3) {
        lines.push(`theorem cycle_${c.id}: ${network} ~ ${network} after permute ${c.ref} by (${Array.from({ length: c.size }, (_, i) => i).join(" ")})`);
        generators.push({ claim: `cycle_${c.id}`, statement: `permute ${c.where} by the cycle (0 1 ... ${c.size - 1})`, unit: c.id });
      }
    }
    if (gc && scaled(gc) && !flips) {
      lines.push(`symmetry scale_${c.id}_by(c[${c.size}] > 0) = scale ${c.ref} by c`, `theorem scale_${c.id}: ${network} ~ ${network} after scale_${c.id}_by`);
      generators.push({ claim: `scale_${c.id}`, statement: `scale every unit of ${c.where} by its own c > 0`, unit: c.id });
    }
    if (flips) {
      lines.push(`theorem flip_${c.id}: ${network} ~ ${network} after flip ${unitAt(c.ref, 0)}`);
      generators.push({ claim: `flip_${c.id}`, statement: `flip the sign of unit 0 of ${c.where}`, unit: c.id });
    }
  });
  return { path: "neteq-align-blocks.neq", text: lines.join("\n") + "\n", generators };
}

/** "RC.s0 axis channels" with unit j: "RC.s0[j] axis channels". */
function unitAt(ref: string, j: number): string {
  const at = ref.indexOf(" axis ");
  return at < 0 ? `${ref}[${j}]` : `${ref.slice(0, at)}[${j}]${ref.slice(at)}`;
}

type Verdicts = (Generator & { readonly verdict: string; readonly ms: number })[];

async function run(file: ClaimFile, options: Options, read: ReadFile | undefined): Promise<{ out: Verdicts; errors: number }> {
  const report = await check([{ path: file.path, text: file.text }], options, read ? { read } : {});
  const claims = report.files.flatMap((f) => f.claims);
  const errors = report.files.flatMap((f) => f.diagnostics).filter((d) => d.severity === "error").length;
  const out = file.generators.map((gen) => {
    const c = claims.find((x) => x.name === gen.claim);
    return { ...gen, verdict: errors ? "error" : (c?.verdict ?? "error"), ms: c?.ms ?? 0 };
  });
  return { out, errors };
}

/**
 * Prove the whole-group file; units whose claim is not proved fall back to `blocks(units)`.
 * `proved` when every unit the whole-group file names is covered by proved claims.
 */
export async function proveWithFallback(whole: ClaimFile, blocks: (units: ReadonlySet<string>) => ClaimFile | { problem: string }, options: Options, read?: ReadFile): Promise<TheoremOutcome> {
  const first = await run(whole, options, read);
  const failed = new Set(first.out.filter((x) => x.verdict !== "proved").map((x) => x.unit!));
  if (failed.size === 0) return { proved: first.out.length > 0, generators: first.out, text: whole.text };
  const fb = blocks(failed);
  if ("problem" in fb) return { proved: false, generators: first.out, text: whole.text };
  const second = await run(fb, options, read);
  const covered = [...failed].every((u) => {
    const gens = second.out.filter((x) => x.unit === u);
    return gens.length > 0 && gens.every((x) => x.verdict === "proved");
  });
  return { proved: covered && first.out.length > 0, generators: [...first.out, ...second.out], text: `${whole.text}\n// fallback building blocks\n${fb.text}` };
}

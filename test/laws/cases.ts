/**
 * Random claims for the checker's laws: small MLPs with a built-in activation, a random
 * composition of symmetries that are valid for that activation, and optionally one
 * breakage that is certainly not a symmetry. Rendered as .neq text.
 */
import fc from "fast-check";

export type Act = "relu" | "leaky_relu(1/10)" | "tanh" | "sigmoid" | "identity";
export const ACTIVATIONS: readonly Act[] = ["relu", "leaky_relu(1/10)", "tanh", "sigmoid", "identity"];

/** A symmetry step (valid for the case's activation). */
export type Step =
  | { readonly k: "permute"; readonly layer: number; readonly perm: readonly number[] }
  | { readonly k: "scale"; readonly layer: number; readonly unit: number; readonly factor: string }
  | { readonly k: "flip"; readonly layer: number; readonly unit: number; readonly correction: boolean };

/** A step that is never a symmetry of the case's network (for every activation listed). */
export type Breakage =
  | { readonly k: "outputBias" }
  | { readonly k: "rowsOnly"; readonly layer: number }
  | { readonly k: "scale"; readonly layer: number; readonly unit: number; readonly factor: string }
  | { readonly k: "flip"; readonly layer: number; readonly unit: number; readonly correction: boolean };

export interface Case {
  readonly widths: readonly number[];
  readonly act: Act;
  readonly steps: readonly Step[];
}

const homogeneous = (a: Act) => a === "relu" || a === "leaky_relu(1/10)" || a === "identity";
const odd = (a: Act) => a === "tanh" || a === "identity";

/** Widths: input 1..3, 1..3 hidden layers of 1..5 units, output 1..2. */
export const widthsArb = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 2 }))
  .map(([i, h, o]) => [i, ...h, o]);

const permutationOf = (n: number) => fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: n, maxLength: n });

/** Valid steps for `act` on hidden layers of `widths` (layers numbered 1..L). */
function stepArb(widths: readonly number[], act: Act): fc.Arbitrary<Step> {
  const L = widths.length - 2;
  const unitOf = fc.integer({ min: 1, max: L }).chain((layer) => fc.integer({ min: 0, max: widths[layer]! - 1 }).map((unit) => ({ layer, unit })));
  const options: fc.Arbitrary<Step>[] = [fc.integer({ min: 1, max: L }).chain((layer) => permutationOf(widths[layer]!).map((perm): Step => ({ k: "permute", layer, perm })))];
  if (homogeneous(act)) options.push(fc.tuple(unitOf, fc.constantFrom("2", "1/2", "3", "c")).map(([u, factor]): Step => ({ k: "scale", ...u, factor })));
  if (act === "identity") options.push(fc.tuple(unitOf, fc.constantFrom("-2", "-1/3")).map(([u, factor]): Step => ({ k: "scale", ...u, factor })));
  if (odd(act)) options.push(unitOf.map((u): Step => ({ k: "flip", ...u, correction: false })));
  if (act === "sigmoid") options.push(unitOf.map((u): Step => ({ k: "flip", ...u, correction: true })));
  return fc.oneof(...options);
}

/** Breakages for `act`: each changes the function for some parameters and input. */
function breakageArb(widths: readonly number[], act: Act): fc.Arbitrary<Breakage> {
  const L = widths.length - 2;
  const unitOf = fc.integer({ min: 1, max: L }).chain((layer) => fc.integer({ min: 0, max: widths[layer]! - 1 }).map((unit) => ({ layer, unit })));
  const options: fc.Arbitrary<Breakage>[] = [fc.constant({ k: "outputBias" } as Breakage)];
  const wide = Array.from({ length: L }, (_, l) => l + 1).filter((l) => widths[l]! >= 2);
  if (wide.length > 0) options.push(fc.constantFrom(...wide).map((layer): Breakage => ({ k: "rowsOnly", layer })));
  if (act === "relu" || act === "leaky_relu(1/10)") options.push(unitOf.map((u): Breakage => ({ k: "scale", ...u, factor: "-2" })), unitOf.map((u): Breakage => ({ k: "flip", ...u, correction: false })));
  if (act === "tanh" || act === "sigmoid") options.push(unitOf.map((u): Breakage => ({ k: "scale", ...u, factor: "2" })));
  if (act === "sigmoid") options.push(unitOf.map((u): Breakage => ({ k: "flip", ...u, correction: false })));
  if (act === "tanh") options.push(unitOf.map((u): Breakage => ({ k: "flip", ...u, correction: true })));
  return fc.oneof(...options);
}

/** A valid case: widths, activation and 1..4 valid steps. */
export const validArb: fc.Arbitrary<Case> = fc
  .tuple(widthsArb, fc.constantFrom(...ACTIVATIONS))
  .chain(([widths, act]) => fc.array(stepArb(widths, act), { minLength: 1, maxLength: 4 }).map((steps) => ({ widths, act, steps })));

/** A valid case with one breakage inserted at a random position. */
export const brokenArb: fc.Arbitrary<Case & { readonly breakage: Breakage; readonly at: number }> = validArb.chain((c) =>
  fc.tuple(breakageArb(c.widths, c.act), fc.integer({ min: 0, max: c.steps.length })).map(([breakage, at]) => ({ ...c, breakage, at })),
);

function stepText(s: Step | Breakage, widths: readonly number[]): string {
  const L = widths.length - 2;
  switch (s.k) {
    case "permute":
      return `permute N.h${s.layer} by [${s.perm.join(", ")}]`;
    case "scale":
      return s.factor === "c" ? `s` : `scale N.h${s.layer}[${s.unit}] by ${s.factor}`;
    case "flip":
      return `flip N.h${s.layer}[${s.unit}]${s.correction ? " with bias correction" : ""}`;
    case "outputBias":
      return `{ b${L}[0] := b${L}[0] + 1 }`;
    case "rowsOnly":
      return `permute rows of N.W${s.layer - 1} by (0 1)`;
  }
}

/** The case as a proof file with one claim named `t` (expecting `expect`). */
export function render(c: Case & { readonly breakage?: Breakage; readonly at?: number }, expect: "theorem" | "refute" = "theorem"): string {
  const steps: (Step | Breakage)[] = [...c.steps];
  if (c.breakage) steps.splice(c.at ?? 0, 0, c.breakage);
  const scaled = steps.find((s): s is Extract<Step, { k: "scale" }> => s.k === "scale" && s.factor === "c");
  const lines = [`network N = mlp(${c.widths.join(" -> ")}, ${c.act})`];
  if (scaled) lines.push(`symmetry s(c > 0) = scale N.h${scaled.layer}[${scaled.unit}] by c`);
  lines.push(`${expect} t: N ~ N after ${steps.map((s) => stepText(s, c.widths)).join(" then ")}`);
  return lines.join("\n") + "\n";
}

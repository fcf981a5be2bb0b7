/** g as JSON (`neteq align --json`, `--apply g.json`): permutations and rational scales as strings. */
import { Rational } from "../numeric/rational.ts";
import type { GroupElement } from "./types.ts";

/** The JSON form: { widths, layers: [{ layer, perm, scales: ["1", "-1/2", ...] }] }. */
export function groupToJson(g: GroupElement): unknown {
  return { widths: g.widths, layers: g.layers.map((m) => ({ layer: m.layer, perm: m.perm, scales: m.scales.map((c) => c.toString()) })) };
}

/** Parse and check g against the network's widths; messages name the field. */
export function groupFromJson(raw: unknown, widths: readonly number[]): { g: GroupElement } | { problem: string } {
  const o = raw as { widths?: unknown; layers?: unknown; g?: unknown } | null;
  const src = (o && typeof o === "object" && "g" in o ? (o.g as typeof o) : o) ?? null;
  if (!src || !Array.isArray(src.layers) || !Array.isArray(src.widths)) return { problem: "expected { widths, layers: [{ layer, perm, scales }] } (as written by neteq align --json)" };
  if (src.widths.length !== widths.length || src.widths.some((w, i) => w !== widths[i])) return { problem: `widths ${JSON.stringify(src.widths)} are not the network's ${JSON.stringify(widths)}` };
  if (src.layers.length !== widths.length - 2) return { problem: `${src.layers.length} layers; the network has ${widths.length - 2} hidden layers` };
  const layers = [];
  for (let l = 1; l <= widths.length - 2; l++) {
    const m = src.layers[l - 1] as { layer?: unknown; perm?: unknown; scales?: unknown };
    const n = widths[l]!;
    if (m?.layer !== l) return { problem: `layers[${l - 1}].layer must be ${l}` };
    const perm = m.perm;
    if (!Array.isArray(perm) || perm.length !== n || !perm.every((p) => Number.isInteger(p) && p >= 0 && p < n) || new Set(perm).size !== n) return { problem: `layer ${l}: perm is not a permutation of 0..${n - 1}` };
    if (!Array.isArray(m.scales) || m.scales.length !== n) return { problem: `layer ${l}: scales must list ${n} numbers` };
    const scales: Rational[] = [];
    for (const s of m.scales) {
      const r = typeof s === "string" || typeof s === "number" ? Rational.parse(String(s)) : null;
      if (!r || r.isZero()) return { problem: `layer ${l}: scale ${JSON.stringify(s)} is not a non-zero number or fraction` };
      scales.push(r);
    }
    layers.push({ layer: l, perm: perm as number[], scales });
  }
  return { g: { widths, layers } };
}

/**
 * The size of theta's orbit under the hidden-unit permutation group G (check 2).
 */
import { groupOrder } from "./groupOrder.ts";
import { biasIndex, thetaLayout, weightIndex, type ThetaLayout } from "./thetaLayout.ts";

/**
 * |G theta| = |G| / |Stab(theta)| exactly (orbit-stabiliser). For distinct biases in every
 * layer the stabiliser is trivial and the orbit has prod d_l! elements; ties (units with
 * identical parameters, including ties that only show up through later layers) shrink it.
 *
 * @example orbitSize([1, 2, 1], [1, 1, 0, 0, 3, 3, 0]) === 1n // the two units are identical
 */
export function orbitSize(widths: readonly number[], theta: readonly number[]): bigint {
  const g = groupOrder(widths).exact;
  if (g === null) throw new RangeError("orbitSize: the group is too large to count exactly");
  return g / stabiliserSize(widths, theta);
}

/**
 * |Stab(theta)|, the number of g in G with g theta = theta, by a stabiliser chain: for hidden
 * units u_1..u_n, |Stab| = prod_t |orbit of u_t under the elements fixing u_1..u_{t-1}|, and
 * "v is in that orbit" is decided by a backtracking search for one such element. Colour
 * refinement (bias, then weighted neighbour colours in both directions) prunes the search.
 */
export function stabiliserSize(widths: readonly number[], theta: readonly number[]): bigint {
  const net = unitGraph(widths, theta);
  const colour = refineColours(net);
  let size = 1n;
  const pins = new Map<number, number>();
  for (let u = 0; u < net.units.length; u++) {
    let orbit = 0;
    for (let v = 0; v < net.units.length; v++) {
      if (net.units[v]!.layer !== net.units[u]!.layer || colour[v] !== colour[u] || [...pins.values()].includes(v)) continue;
      if (v === u || automorphismExists(net, colour, new Map([...pins, [u, v]]))) orbit++;
    }
    size *= BigInt(orbit);
    pins.set(u, u);
  }
  return size;
}

interface UnitGraph {
  readonly layout: ThetaLayout;
  readonly theta: readonly number[];
  /** Hidden units in layer order. */
  readonly units: readonly { readonly layer: number; readonly index: number }[];
  /** first[l] = global id of unit 0 of hidden layer l. */
  readonly first: readonly number[];
}

function unitGraph(widths: readonly number[], theta: readonly number[]): UnitGraph {
  const layout = thetaLayout(widths);
  const units: { layer: number; index: number }[] = [];
  const first: number[] = [0];
  for (let l = 1; l <= widths.length - 2; l++) {
    first[l] = units.length;
    for (let i = 0; i < widths[l]!; i++) units.push({ layer: l, index: i });
  }
  return { layout, theta, units, first };
}

const W = (g: UnitGraph, l: number, row: number, col: number): number => g.theta[weightIndex(g.layout, l, row, col)]!;
const bias = (g: UnitGraph, l: number, row: number): number => g.theta[biasIndex(g.layout, l, row)]!;

/** Colours preserved by every element of the stabiliser (inputs and outputs are fixed points). */
function refineColours(g: UnitGraph): number[] {
  const widths = g.layout.widths;
  const L = widths.length - 2;
  let colour = g.units.map((u) => `${u.layer}|${String(bias(g, u.layer - 1, u.index))}`);
  const colourOf = (layer: number, index: number, c: readonly string[]): string =>
    layer === 0 ? `in${index}` : layer === L + 1 ? `out${index}` : c[g.first[layer]! + index]!;
  for (let classes = new Set(colour).size; ; ) {
    const next = g.units.map((u, id) => {
      const incoming = Array.from({ length: widths[u.layer - 1]! }, (_, j) => `${String(W(g, u.layer - 1, u.index, j))}:${colourOf(u.layer - 1, j, colour)}`).sort();
      const outgoing = Array.from({ length: widths[u.layer + 1]! }, (_, k) => `${String(W(g, u.layer, k, u.index))}:${colourOf(u.layer + 1, k, colour)}`).sort();
      return `${colour[id]}/${incoming.join(",")}/${outgoing.join(",")}`;
    });
    const ids = new Map<string, string>();
    colour = next.map((s) => {
      if (!ids.has(s)) ids.set(s, `c${ids.size}`);
      return ids.get(s)!;
    });
    if (ids.size === classes) break;
    classes = ids.size;
  }
  const ids = new Map<string, number>();
  return colour.map((c) => {
    if (!ids.has(c)) ids.set(c, ids.size);
    return ids.get(c)!;
  });
}

/** Is there g in Stab(theta) mapping each pinned unit to its pin? Depth-first, layer by layer. */
function automorphismExists(g: UnitGraph, colour: readonly number[], pins: ReadonlyMap<number, number>): boolean {
  const n = g.units.length;
  const L = g.layout.widths.length - 2;
  const image = new Array<number>(n).fill(-1);
  const used = new Array<boolean>(n).fill(false);
  const consistent = (u: number, v: number): boolean => {
    const { layer: l, index: i } = g.units[u]!;
    const k = g.units[v]!.index;
    if (bias(g, l - 1, k) !== bias(g, l - 1, i)) return false;
    for (let j = 0; j < g.layout.widths[l - 1]!; j++) {
      const pj = l === 1 ? j : g.units[image[g.first[l - 1]! + j]!]!.index;
      if (W(g, l - 1, k, pj) !== W(g, l - 1, i, j)) return false;
    }
    if (l === L) for (let o = 0; o < g.layout.widths[L + 1]!; o++) if (W(g, L, o, k) !== W(g, L, o, i)) return false;
    return true;
  };
  const pinned = new Set(pins.values());
  const search = (u: number): boolean => {
    if (u === n) return true;
    const pin = pins.get(u);
    const candidates = pin !== undefined ? [pin] : g.units.map((_, v) => v).filter((v) => g.units[v]!.layer === g.units[u]!.layer && colour[v] === colour[u] && !pinned.has(v));
    for (const v of candidates) {
      if (used[v] || !consistent(u, v)) continue;
      used[v] = true;
      image[u] = v;
      if (search(u + 1)) return true;
      used[v] = false;
      image[u] = -1;
    }
    return false;
  };
  return search(0);
}

/**
 * Brute-force orbit enumeration for tiny widths: the reference orbitSize is tested against.
 */
import { applyPermutations } from "./permuteUnits.ts";

/** All permutations of 0..n-1. */
export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let at = 0; at <= p.length; at++) out.push([...p.slice(0, at), n - 1, ...p.slice(at)]);
  return out;
}

/**
 * The distinct parameter vectors g theta over all g in G (-0 and 0 count as equal).
 * Refuses groups larger than `limit` elements.
 */
export function enumerateOrbit(widths: readonly number[], theta: readonly number[], limit = 200_000): number[][] {
  const perLayer = widths.slice(1, -1).map(permutations);
  const total = perLayer.reduce((p, ps) => p * ps.length, 1);
  if (total > limit) throw new RangeError(`enumerateOrbit: |G| = ${total} exceeds ${limit}`);
  const seen = new Map<string, number[]>();
  const walk = (l: number, chosen: number[][]): void => {
    if (l === perLayer.length) {
      const image = applyPermutations(widths, theta, chosen);
      const key = image.map(String).join(",");
      if (!seen.has(key)) seen.set(key, image);
      return;
    }
    for (const p of perLayer[l]!) walk(l + 1, [...chosen, p]);
  };
  walk(0, []);
  return [...seen.values()];
}

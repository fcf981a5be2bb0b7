/**
 * How derived generators are written for the user and in .neq text: tensor axes by their
 * declared names, parameter axes as `W0:0`, group orders exactly where they fit.
 */
import type { Network, TensorDef } from "../elaborate/types.ts";
import type { ParamAxis } from "./types.ts";

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a name can be written as a .neq identifier. */
export const isIdent = (s: string): boolean => IDENT.test(s);

/** The axis as written after `axis` in a unit reference: its name when unique, else its number. */
export function axisWord(def: TensorDef, axis: number): string {
  const name = def.axes[axis];
  if (name !== undefined && isIdent(name) && def.axes.filter((a) => a === name).length === 1) return name;
  return String(axis);
}

/** `N.h1`, `N.a.q axis heads` (no axis for a vector). */
export function unitRef(net: Network, def: TensorDef, axis: number, unit: string | null = null): string {
  const u = unit === null ? "" : `[${unit}]`;
  return def.shape.length === 1 ? `${net.name}.${def.name}${u}` : `${net.name}.${def.name}${u} axis ${axisWord(def, axis)}`;
}

/** For the table: "h1", "a.q axis heads". */
export const whereText = (def: TensorDef, axis: number): string => (def.shape.length === 1 ? def.name : `${def.name} axis ${axisWord(def, axis)}`);

/** "W0:0, b0:0, W1:1" */
export const movesText = (moves: readonly ParamAxis[]): string => moves.map((m) => `${m.param}:${m.axis}`).join(", ");

/** An identifier fragment for generated names: "a.q" -> "a_q". */
export const slug = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, "_");

/** "(0 1)" */
export const transposition = "(0 1)";

/** "(0 1 2 ... n-1)": with a transposition, generates S_n. */
export const fullCycle = (n: number): string => `(${Array.from({ length: n }, (_, i) => i).join(" ")})`;

/** n! exactly when it has at most 30 digits, else null; and its log10. */
export function factorial(n: number): { exact: string | null; log10: number } {
  let log10 = 0;
  for (let k = 2; k <= n; k++) log10 += Math.log10(k);
  if (log10 >= 30) return { exact: null, log10 };
  let f = 1n;
  for (let k = 2n; k <= BigInt(n); k++) f *= k;
  return { exact: f.toString(), log10 };
}

/** 2^n exactly when it has at most 30 digits, else null; and its log10. */
export function powerOfTwo(n: number): { exact: string | null; log10: number } {
  const log10 = n * Math.log10(2);
  return { exact: log10 >= 30 ? null : (1n << BigInt(n)).toString(), log10 };
}

/** An order for display: "24", or "10^89.1" beyond exact range. */
export const orderText = (exact: string | null, log10: number): string => exact ?? `10^${log10.toFixed(1)}`;

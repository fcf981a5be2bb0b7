/**
 * A plain-text table of bound rows (for the terminal).
 */
import type { BoundRow } from "./boundTable.ts";
import type { QuantityName } from "./computeQuantities.ts";

/** The default columns of the table. */
export const TABLE_COLUMNS: readonly QuantityName[] = ["S", "log10_m", "log10_classical", "log10_reduced", "log10_gain", "gain_share", "log10_volume"];

/**
 * Rows as an aligned text table, one line per widths vector.
 *
 * @example renderBoundTable(boundTable(spec)) // "widths  S  log10_m ..."
 */
export function renderBoundTable(rows: readonly BoundRow[], columns: readonly QuantityName[] = TABLE_COLUMNS): string {
  const header = ["widths", ...columns];
  const body = rows.map((r) => [r.widths.join("-"), ...columns.map((c) => formatNumber(r.values[c]))]);
  const sizes = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(sizes[i]!) : c.padStart(sizes[i]!))).join("  ");
  return [line(header), ...body.map(line)].join("\n") + "\n";
}

/** Integers as they are, other values with 4 significant digits (exponent form when tiny or huge). */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "n/a";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e9)) return v.toExponential(3);
  return Number(v.toPrecision(6)).toString();
}

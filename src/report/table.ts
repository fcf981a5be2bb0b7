/**
 * Plain-text tables with aligned columns.
 */

/** Render rows (first row = header) with columns padded to equal width. */
export function table(rows: readonly (readonly string[])[], indent = ""): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i]! - [...c].length))).join("  ").trimEnd()).join("\n");
}

/** A value for display: exact strings as is; floats with 6 significant digits. */
export function showValue(v: string | number): string {
  if (typeof v === "string") return v;
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(6)).toString();
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

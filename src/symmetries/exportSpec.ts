/** Placeholder replaced below. */
import type { Network } from "../elaborate/types.ts";
import type { SymmetryReport } from "./types.ts";
export function exportSpec(_net: Network, _r: SymmetryReport, _f: string): string {
  return "";
}

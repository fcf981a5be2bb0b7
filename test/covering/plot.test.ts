/**
 * The SVG figure: deterministic, self-contained, labelled; golden file under
 * test/covering/golden (refresh with UPDATE_GOLDEN=1 and review the diff like code).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { boundTable, widthSweep } from "../../src/covering/boundTable.ts";
import { boundPanels, niceTicks, renderPlot } from "../../src/covering/plot.ts";
import { renderBoundTable } from "../../src/covering/renderBoundTable.ts";
import { ACTIVATIONS } from "./arbitraries.ts";

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden");

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing; create it with UPDATE_GOLDEN=1`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

const rows = boundTable({ sweep: widthSweep(784, 10, 2, [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]), activation: ACTIVATIONS.relu });
const options = { title: "Covering numbers of 784-w-w-10 ReLU networks", subtitle: "B = 1, ε = 1/100; permutation symmetry of hidden units", xLabel: "hidden width w" };

describe("renderPlot", () => {
  it("is deterministic and self-contained", () => {
    const a = renderPlot(boundPanels(rows), options);
    expect(renderPlot(boundPanels(rows), options)).toBe(a);
    expect(a.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(a.trimEnd().endsWith("</svg>")).toBe(true);
    expect(a).not.toMatch(/NaN|Infinity|href|<script|<image/);
  });

  it("has a title, both panels, axis labels, ticks and a legend", () => {
    const svg = renderPlot(boundPanels(rows), options);
    for (const text of ["Covering numbers of 784-w-w-10 ReLU networks", "Covering number bounds", "Effective parameter space", "hidden width w (log scale)", "log10 N(F, ε) (log scale)", "classical m^S (Lemma 2)", "reduced by d1!...dL! (Lemma 3)", "1 / (d1!...dL!) (Lemma 4)"]) expect(svg).toContain(text);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect((svg.match(/<text /g) ?? []).length).toBeGreaterThan(25);
    // Tags balance (a cheap well-formedness check).
    const opened = (svg.match(/<(svg|text|tspan)[ >]/g) ?? []).length;
    const closed = (svg.match(/<\/(svg|text|tspan)>/g) ?? []).length;
    expect(opened).toBe(closed);
  });

  it("escapes text and skips non-finite points", () => {
    const svg = renderPlot([{ title: "a < b & c", yLabel: "y", lines: [{ label: "l", points: [{ x: 1, y: 1 }, { x: 2, y: NaN }, { x: 3, y: Infinity }, { x: 4, y: 2 }] }] }], { title: "t", xLabel: "x" });
    expect(svg).toContain("a &lt; b &amp; c");
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(renderPlot([{ title: "empty", yLabel: "y", lines: [] }], { title: "t", xLabel: "x" })).toContain("no finite data");
  });

  it("nice ticks", () => {
    expect(niceTicks(0, 10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-32700, 0)).toEqual([-40000, -30000, -20000, -10000, 0]);
    expect(niceTicks(0.1, 0.5)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it("golden figure and table", () => {
    golden("mlp-784-w-w-10.svg", renderPlot(boundPanels(rows, true), options));
    golden("mlp-784-w-w-10.txt", renderBoundTable(rows));
  });
});

import { describe, expect, it } from "vitest";
import { axisClass } from "../../src/elaborate/axes.ts";
import { tensorUnits } from "../../src/elaborate/units.ts";
import type { Step } from "../../src/elaborate/types.ts";
import { codes, module } from "../helpers/module.ts";

describe("networks", () => {
  it("mlp(d0 -> ... -> dL+1) has W0,b0..WL,bL and hidden vectors h1..hL", () => {
    const m = module("network N = mlp(3 -> 4 -> 5 -> 2, relu)");
    const n = m.networks.get("N")!;
    expect(n.params.map((p) => `${p.name}[${p.shape}]`)).toEqual(["W0[4,3]", "b0[4]", "W1[5,4]", "b1[5]", "W2[2,5]", "b2[2]"]);
    expect(n.nodes.map((x) => `${x.name}:${x.shape}`)).toEqual(["h1:4", "h2:5"]);
    expect(n.output.shape).toEqual([2]);
  });

  it("per-layer activations", () => {
    const n = module("network N = mlp(3 -> 4 -> 5 -> 2, [relu, tanh])").networks.get("N")!;
    expect(n.mlp!.activations.map((a) => a.name)).toEqual(["relu", "tanh"]);
    expect(codes(module("network N = mlp(3 -> 4 -> 5 -> 2, [relu, tanh, relu])"))).toEqual(["ELB009"]);
  });

  it("explicit blocks: sums with signs, constants, aliases of parameterised built-ins", () => {
    const m = module("activation lr = leaky_relu(1/5)\nnetwork R { input x[2]; param W[2,2], b[2]; h = lr(W x - b); out 2 * h - x / 4 }");
    expect(m.diagnostics).toEqual([]);
    const r = m.networks.get("R")!;
    expect(r.nodes[0]!.expr.k).toBe("act");
    expect(r.nodes[0]!.expr.k === "act" && r.nodes[0]!.expr.act.key).toBe("leaky_relu(1/5)");
  });
});

describe("transformations", () => {
  const steps = (text: string): Step[] => {
    const m = module(`activation sigma\nnetwork N = mlp(2 -> 4 -> 3 -> 1, sigma)\n${text}`);
    expect(m.diagnostics).toEqual([]);
    return [...m.claims[0]!.transform.steps];
  };

  it("cycle (a b c) sends a to b, b to c, c to a; arrays list each unit's new position", () => {
    const [c] = steps("theorem t: N ~ N after permute N.h1 by (0 2 3)");
    expect(c!.k === "permuteAxes" && c!.perm).toEqual([2, 1, 3, 0]);
    const [a] = steps("theorem t: N ~ N after permute N.h1 by [2, 1, 3, 0]");
    expect(a!.k === "permuteAxes" && a!.perm).toEqual([2, 1, 3, 0]);
  });

  it("`then` composes left to right, through declared symmetries", () => {
    const s = steps("symmetry a = permute h1 by (0 1)\nsymmetry b = a then flip N.h2[1]\ntheorem t: N ~ N after b then scale N.h1[0] by 2");
    expect(s.map((x) => x.k)).toEqual(["permuteAxes", "flipUnits", "scaleUnits"]);
  });

  it("each use of a symmetry gets its own scalars; clashing names are told apart", () => {
    const m = module("network R = mlp(2 -> 3 -> 1, relu)\nsymmetry s(c > 0) = scale R.h1[0] by c\ntheorem t: R ~ R after s then s");
    expect(m.claims[0]!.transform.scalars.map((x) => x.label)).toEqual(["c", "c (from s, use 2)"]);
  });

  it("a sweep unrolls its body, suffixing claim names", () => {
    const m = module("activation sigma\nfor n in 2..4 {\n network N = mlp(2 -> n -> 1, sigma)\n theorem p: N ~ N after permute N.h1 by (0 n-1)\n}");
    expect(m.claims.map((c) => c.name)).toEqual(["p[n=2]", "p[n=3]", "p[n=4]"]);
    expect(m.claims.map((c) => c.lhs.nodes[0]!.shape[0])).toEqual([2, 3, 4]);
  });

  it("imports the standard library", () => {
    const m = module('import "std/activations.neq"\nnetwork N = mlp(2 -> 2 -> 1, hardtanh)\ntheorem t: N ~ N after flip N.h1[0]');
    expect(m.diagnostics).toEqual([]);
    expect(m.claims[0]!.lhs.mlp!.activations[0]!.kind).toBe("defined");
  });

  it("maps between networks copy same-name parameters and assign the rest", () => {
    const m = module("network A = mlp(2 -> 3 -> 1, relu)\nnetwork B { input x[2]; param W0[3,2], b0[3], V[1,3], d[1]; out V relu(W0 x + b0) + d }\nmap m : A -> B { V := W1; d := b1 }\ntheorem t: A ~ B after m");
    expect(m.diagnostics).toEqual([]);
    const step = m.claims[0]!.transform.steps[0]!;
    expect(step.k === "assign" && step.copy).toEqual([
      { target: "W0", source: "W0" },
      { target: "b0", source: "b0" },
    ]);
  });

  it("reports mistakes in symmetries no claim uses", () => {
    expect(codes(module("network N = mlp(2 -> 3 -> 1, relu)\nsymmetry s = permute N.h1 by (0 5)"))).toEqual(["ELB005"]);
  });

  it("division by a scalar needs a side condition that excludes zero", () => {
    expect(codes(module("network N = mlp(2 -> 3 -> 1, relu)\nsymmetry s(c >= 0) = scale N.h1[0] by c"))).toEqual(["ELB012"]);
    expect(codes(module("network N = mlp(2 -> 3 -> 1, relu)\nsymmetry s(c != 0) = scale N.h1[0] by c"))).toEqual([]);
    expect(codes(module("network N = mlp(2 -> 3 -> 1, relu)\nsymmetry s(c < -1) = scale N.h1[0] by c"))).toEqual([]);
  });
});

describe("unit layouts", () => {
  const net = module("network R { input x[3]; param A[4,3], a[4], U[5,4], c[5], V[4,5]; s0 = A x + a; h = relu(U s0 + c); s1 = s0 + V h; out s1 }").networks.get("R")!;
  it("a branch's hidden vector: rows and bias in, columns out", () => {
    expect(tensorUnits(net, "h", 0)).toMatchObject({ producers: [{ param: "U", axis: 0 }, { param: "c", axis: 0 }], consumers: [{ param: "V", axis: 1 }] });
    expect(axisClass(net, "h", 0)).toMatchObject({ size: 5, params: expect.arrayContaining([{ kind: "param", name: "U", axis: 0 }, { kind: "param", name: "c", axis: 0 }, { kind: "param", name: "V", axis: 1 }]) });
  });
  it("a residual stream cannot be reparameterised unit by unit, nor permuted when it reaches the output", () => {
    expect(tensorUnits(net, "s0", 0)).toHaveProperty("reason");
    expect(axisClass(net, "s0", 0)).toMatchObject({ reason: expect.stringContaining("the output of R") });
  });
});

/**
 * Error messages a new user found confusing (issue 7, section 4): each says what is wrong
 * where it is wrong, once.
 */
import { describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.ts";
import { module } from "../helpers/module.ts";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const messages = (text: string) => module(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

describe("calls in a network", () => {
  it("an unknown function is named as unknown, not as an activation with 2 arguments", () => {
    // conv1d is an operation of the library: a wrong call says what is wrong with its arguments.
    expect(messages("network N { input x[2]; param K1[2,2]; h = conv1d(K1, x); out h }")[0]).toMatch(/^ELB003: the kernel of conv1d must have 3 axes/);
    const ms = messages("network N { input x[2]; param K1[2,2]; h = conv3d(K1, x); out h }");
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatch(/^ELB001: unknown function conv3d/);
    expect(ms[0]).not.toContain("leaky_relu");
  });

  it("max and min are explained as functions of scalars", () => {
    const ms = messages("network N { input x[2]; param W[2,2]; h = max(W x, x); out h }");
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatch(/^ELB001: max is not a function of vectors/);
    expect(ms[0]).toContain("activation m(z) = max(z, 0)");
  });

  it("an activation given two vectors says which activation; the leaky_relu hint only for leaky_relu", () => {
    expect(messages("network N { input x[2]; param W[2,2]; h = relu(W x, x); out h }")).toEqual(["ELB009: activation relu is applied to one tensor, not 2"]);
    expect(messages("network N { input x[2]; param W[2,2]; h = leaky_relu(W x, x); out h }")[0]).toContain("declare `activation lrelu = leaky_relu(0.1)`");
  });
});

describe("a failed definition is reported once", () => {
  it("uses of a vector whose definition failed are not reported as unknown", () => {
    const ms = messages("network N { input x[2]; param W[2,3]; h = W x; g = relu(h); out g + h }");
    expect(ms).toEqual(["ELB003: W is 2x3 but the vector it multiplies has 2 entries"]);
  });

  it("a parameter whose size failed is not reported again where it is used", () => {
    const ms = messages("network N { input x[2]; param W[2, 0]; out W x }");
    expect(ms).toHaveLength(1);
    expect(ms[0]).toMatch(/^ELB007: a parameter dimension must be at least 1/);
  });

  it("an unknown vector is still reported when nothing failed", () => {
    expect(messages("network N { input x[2]; param W[2,2]; out W y }")[0]).toMatch(/^ELB001: unknown tensor y/);
  });
});

describe("ELB012 when the divisor is a parameter", () => {
  it("says that parameters cannot have side conditions, and what to do instead", () => {
    const ms = messages("network N = mlp(1 -> 2 -> 1, relu)\nsymmetry s = { W0[0,:] := W0[0,:] / b0[0] }\ntheorem t: N ~ N after s");
    expect(ms).toHaveLength(1);
    expect(ms[0]).toContain("ELB012: this divides by a parameter entry");
    expect(ms[0]).toContain("cannot have side conditions");
    expect(ms[0]).toContain("symmetry s(c > 0)");
  });

  it("keeps the side-condition advice for a scalar divisor", () => {
    const ms = messages("network N = mlp(1 -> 2 -> 1, relu)\nsymmetry s(c) = { W0[0,:] := W0[0,:] / c }\ntheorem t: N ~ N after s");
    expect(ms[0]).toContain("give the scalars side conditions that exclude 0");
  });
});

describe("the note of a duplicate name reaches every output", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "neteq-messages-"));
  fs.writeFileSync(path.join(dir, "dup.neq"), "network N = mlp(1 -> 2 -> 1, relu)\nnetwork N = mlp(1 -> 3 -> 1, relu)\n");

  it("pretty", async () => {
    const r = await cli(["check", "--no-cache", "dup.neq"], dir);
    expect(r.stdout).toContain("dup.neq:2:9: error ELB002: N is already declared as a network (first declared here: dup.neq:1:9)");
  });

  it("JSON", async () => {
    const r = await cli(["check", "--no-cache", "--reporter", "json", "dup.neq"], dir);
    const d = JSON.parse(r.stdout).files[0].diagnostics[0];
    expect(d.message).toContain("first declared here: dup.neq:1:9");
  });
});

describe("suggestions name things of the kind asked for", () => {
  it("an unknown network is not matched with a sweep variable", () => {
    const ms = messages("for n in 1..2 {\n  theorem t: N ~ N\n}");
    expect(ms[0]).toMatch(/^ELB001: unknown network N$/);
  });

  it("an unknown network is matched with a network", () => {
    expect(messages("network Net = mlp(1 -> 2 -> 1, relu)\ntheorem t: Nte ~ Net")[0]).toBe("ELB001: unknown network Nte; did you mean Net?");
  });
});

/** Operation options named by a keyword (`axis`) parse like any other `name = value` option. */
import { describe, expect, it } from "vitest";
import { codes, module } from "../helpers/module.ts";

describe("options named axis", () => {
  it("softmax(x, axis = 0) and concat(a, b, axis = 1) elaborate, with the option's effect", () => {
    const m = module("network L { input x[2, 3]; param W[2, 2]; out softmax(W x, axis = 0) }\nnetwork C { input x[2, 3]; out concat(x, x, axis = 1) }\n");
    expect(codes(m)).toEqual([]);
    expect(m.networks.get("L")!.output.shape).toEqual([2, 3]);
    expect(m.networks.get("C")!.output.shape).toEqual([2, 6]);
  });

  it("negative control: a misspelt option is an error, located", () => {
    const m = module("network L { input x[2, 3]; param W[2, 2]; out softmax(W x, axes = 0) }\n");
    expect(codes(m).length).toBeGreaterThan(0);
  });
});

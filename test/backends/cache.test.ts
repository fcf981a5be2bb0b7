import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ObligationCache } from "../../src/backends/cache.ts";

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), "neteq-cache-"));
const hash = "ab".repeat(32);

describe("obligation cache", () => {
  it("stores and finds proofs by hash and Z3 version", () => {
    const root = dir();
    new ObligationCache(root, "Z3 5.1.0.0").put(hash, { core: [0, 2] });
    expect(new ObligationCache(root, "Z3 5.1.0.0").get(hash)).toEqual({ core: [0, 2] });
    expect(new ObligationCache(root, "Z3 9.9.9.9").get(hash)).toBeNull();
  });
  it("leaves no temporary files and ignores unreadable entries", () => {
    const root = dir();
    const c = new ObligationCache(root, "Z3 5");
    c.put(hash, { core: [] });
    const files = fs.readdirSync(root, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const entry = files.find((f) => f.endsWith(".json"))!;
    fs.writeFileSync(path.join(root, entry), '{"core": [1, ');
    expect(c.get(hash)).toBeNull();
    fs.writeFileSync(path.join(root, entry), '{"core": ["x"]}');
    expect(c.get(hash)).toBeNull();
  });
  it("is off without a folder, and clear removes everything", () => {
    expect(new ObligationCache(null, "Z3").get(hash)).toBeNull();
    const root = dir();
    new ObligationCache(root, "Z3").put(hash, { core: [] });
    ObligationCache.clear(root);
    expect(fs.existsSync(root)).toBe(false);
  });
});

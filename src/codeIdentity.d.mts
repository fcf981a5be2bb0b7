export declare const sha256: (data: string | Uint8Array) => string;
export declare function hashTree(dir: string): Map<string, string>;
export declare function treeHash(hashes: ReadonlyMap<string, string>): string;

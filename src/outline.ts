/**
 * `neteq outline`: the declarations of a proof file and of the files it imports, with the
 * place of each name and, for the file's networks, their shapes. Editors use it for go to
 * definition and hover (src/editor/vscode/).
 *
 * @example
 *   outline("a.neq", "network Net = mlp(3 -> 4 -> 2, relu)", read).declarations[0]
 *   // { kind: "network", name: "Net", file: "a.neq", line: 1, column: 9, endLine: 1, endColumn: 12,
 *   //   detail: "network Net = mlp(3 -> 4 -> 2): input x[3]; parameters W0[4,3], b0[4], W1[2,4], b1[2]; vectors h1[4]; output [2]" }
 */
import { elaborate } from "./elaborate/elaborate.ts";
import type { Network } from "./elaborate/types.ts";
import { unreachable } from "./diagnostics/diagnostic.ts";
import { location } from "./diagnostics/render.ts";
import type { Span } from "./diagnostics/span.ts";
import type { Decl } from "./syntax/types.ts";
import { load, type ReadFile } from "./syntax/load.ts";

export type DeclarationKind = "activation" | "network" | "symmetry" | "map" | "theorem" | "refute" | "bound";

/** A declared name: where it is (1-based; endColumn just past the name) and what it is. */
export interface Declaration {
  readonly kind: DeclarationKind;
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** One line for a hover: the kind and name, and a network's shapes when known. */
  readonly detail: string;
  /** A network's input, parameters and vectors with their shapes, when known. */
  readonly members?: readonly { readonly name: string; readonly role: "input" | "parameter" | "vector"; readonly shape: readonly number[] }[];
}

export interface Outline {
  readonly file: string;
  readonly declarations: readonly Declaration[];
}

const dims = (shape: readonly number[]) => `[${shape.join(",")}]`;

/** A network's shapes on one line. */
export function networkDetail(n: Network): string {
  const head = n.mlp ? `network ${n.name} = mlp(${n.mlp.widths.join(" -> ")})` : `network ${n.name}`;
  const params = n.params.map((p) => `${p.name}${dims(p.shape)}`).join(", ");
  const vectors = n.nodes.map((v) => `${v.name}${dims(v.shape)}`).join(", ");
  return `${head}: input ${n.input.name}${dims(n.input.shape)}; parameters ${params}${vectors ? `; vectors ${vectors}` : ""}; output ${dims(n.output.shape)}`;
}

function members(n: Network): NonNullable<Declaration["members"]> {
  return [
    { name: n.input.name, role: "input", shape: n.input.shape },
    ...n.params.map((p) => ({ name: p.name, role: "parameter" as const, shape: p.shape })),
    ...n.nodes.map((v) => ({ name: v.name, role: "vector" as const, shape: v.shape })),
  ];
}

/** Every declaration of `path` and its imports, in file order (imports first). */
export function outline(path: string, text: string, read: ReadFile): Outline {
  const loaded = load(path, text, read);
  const module = elaborate(loaded);
  const declarations: Declaration[] = [];
  const at = (name: { readonly span: Span }) => {
    const start = location(name.span, loaded.sources);
    const end = location({ ...name.span, start: name.span.end }, loaded.sources);
    return { file: name.span.file, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  };
  const visit = (d: Decl, sweep: string): void => {
    switch (d.kind) {
      case "import":
        return;
      case "for":
        for (const inner of d.body) visit(inner, ` (for ${d.variable.name} in a sweep)`);
        return;
      case "activation":
        declarations.push({ kind: "activation", name: d.name.name, ...at(d.name), detail: `activation ${d.name.name}${d.properties.length ? ` : ${d.properties.map((p) => p.name).join(", ")}` : ""}${sweep}` });
        return;
      case "network": {
        const net = sweep ? undefined : module.networks.get(d.name.name);
        if (net && net.span.file === d.span.file) declarations.push({ kind: "network", name: d.name.name, ...at(d.name), detail: networkDetail(net), members: members(net) });
        else declarations.push({ kind: "network", name: d.name.name, ...at(d.name), detail: `network ${d.name.name}${sweep}` });
        return;
      }
      case "symmetry": {
        const scalars = d.scalars.length ? `(${d.scalars.map((s) => s.name.name).join(", ")})` : "";
        const sig = d.signature ? ` : ${d.signature.from.name} -> ${d.signature.to.name}` : "";
        declarations.push({ kind: d.keyword, name: d.name.name, ...at(d.name), detail: `${d.keyword} ${d.name.name}${scalars}${sig}${sweep}` });
        return;
      }
      case "claim": {
        const kind = d.expect === "proved" ? "theorem" : "refute";
        declarations.push({ kind, name: d.name.name, ...at(d.name), detail: `${kind} ${d.name.name}: ${d.lhs.name} ~ ${d.rhs.name}${sweep}` });
        return;
      }
      case "bound":
        declarations.push({ kind: "bound", name: d.name.name, ...at(d.name), detail: `bound ${d.name.name}: ${d.network.name}${sweep}` });
        return;
      default:
        unreachable(d);
    }
  };
  for (const p of loaded.programs) for (const d of p.decls) visit(d, "");
  return { file: path, declarations };
}

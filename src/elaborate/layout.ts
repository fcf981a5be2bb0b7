/**
 * Unit layouts: which parameter rows, bias entries and columns belong to the units of a
 * hidden vector. This is what makes `permute Net.h1`, `scale Net.h1[0]` and `flip Net.h1[0]`
 * reparameterisations: moving the rows, biases and columns of a unit together changes the
 * parameters but (for the right activation) not the function.
 */
import type { Network, UnitLayout, VExpr } from "./types.ts";

/** Every VExpr of the network (node definitions and output), with a label for messages. */
function roots(net: Network): { where: string; e: VExpr }[] {
  return [...net.nodes.map((n) => ({ where: `the definition of ${n.name}`, e: n.expr })), { where: "the output", e: net.output.expr }];
}

/** How often each parameter occurs in the network. */
function paramUses(net: Network): Map<string, number> {
  const uses = new Map<string, number>();
  const visit = (e: VExpr): void => {
    switch (e.k) {
      case "param":
        uses.set(e.name, (uses.get(e.name) ?? 0) + 1);
        return;
      case "matvec":
        uses.set(e.param, (uses.get(e.param) ?? 0) + 1);
        visit(e.arg);
        return;
      case "sum":
        e.terms.forEach((t) => visit(t.e));
        return;
      case "act":
      case "scale":
        visit(e.arg);
        return;
      case "input":
      case "node":
        return;
    }
  };
  roots(net).forEach((r) => visit(r.e));
  return uses;
}

const describe = (e: VExpr): string =>
  e.k === "input" ? `the input ${e.name}` : e.k === "node" ? `the vector ${e.name}` : e.k === "act" ? `an activation ${e.act.name}(...)` : e.k === "scale" ? "a scaled vector" : e.k === "sum" ? "a sum" : e.k === "param" ? `the bias ${e.name}` : `the product ${e.param} (...)`;

/**
 * The layout of hidden vector `node` of `net`, or the reason (in the user's words) why its
 * units cannot be moved by changing parameters.
 */
export function unitLayout(net: Network, node: string): UnitLayout | { reason: string } {
  if (node === net.input.name) return { reason: `${node} is the input of ${net.name}; inputs are fixed and their units cannot be reparameterised` };
  if (net.params.some((p) => p.name === node)) return { reason: `${node} is a parameter, not a vector of units; use \`permute rows of ${net.name}.${node} by ...\` or assignments` };
  const def = net.nodes.find((n) => n.name === node);
  if (!def) return { reason: `${net.name} has no vector ${node}; its vectors are ${net.nodes.map((n) => n.name).join(", ") || "(none)"}` };
  const activation = def.expr.k === "act" ? def.expr.act : null;
  const pre = def.expr.k === "act" ? def.expr.arg : def.expr;
  const terms = pre.k === "sum" ? pre.terms : [{ sign: 1 as const, e: pre }];
  const rows: string[] = [];
  const biases: string[] = [];
  for (const t of terms) {
    if (t.e.k === "matvec") rows.push(t.e.param);
    else if (t.e.k === "param") biases.push(t.e.name);
    else return { reason: `${node} adds ${describe(t.e)} directly, so its units are tied to that vector; only products W u and bias vectors can be reparameterised (use explicit assignments)` };
  }
  const uses = paramUses(net);
  for (const p of [...rows, ...biases]) {
    if ((uses.get(p) ?? 0) > 1) return { reason: `${p} is used in more than one place, so its rows cannot move with the units of ${node} alone` };
  }
  const cols: string[] = [];
  const corrections: { matrix: string; sign: 1 | -1; bias: string; biasSign: 1 | -1 }[] = [];
  let correctable = true;
  let problem: string | null = null;
  const visit = (e: VExpr, where: string, parent: Extract<VExpr, { k: "sum" }> | null, sign: 1 | -1): void => {
    if (problem) return;
    switch (e.k) {
      case "node":
        if (e.name === node) problem = `${node} is read directly in ${where} (not through a matrix), so permuting or rescaling its units would change that reader`;
        return;
      case "matvec":
        if (e.arg.k === "node" && e.arg.name === node) {
          cols.push(e.param);
          const bias = parent?.terms.find((t) => t.e.k === "param");
          if (bias && bias.e.k === "param") corrections.push({ matrix: e.param, sign, bias: bias.e.name, biasSign: bias.sign });
          else correctable = false;
          return;
        }
        visit(e.arg, where, null, 1);
        return;
      case "sum":
        e.terms.forEach((t) => visit(t.e, where, e, t.sign));
        return;
      case "act":
      case "scale":
        visit(e.arg, where, null, 1);
        return;
      case "param":
      case "input":
        return;
    }
  };
  for (const r of roots(net)) visit(r.e, r.where, null, 1);
  if (problem) return { reason: problem };
  for (const p of cols) {
    if ((uses.get(p) ?? 0) > 1) return { reason: `${p} is used in more than one place, so its columns cannot move with the units of ${node} alone` };
  }
  // A bias that absorbs a correction must not be read anywhere else, or the correction
  // would change those readers too.
  if (corrections.some((c) => (uses.get(c.bias) ?? 0) > 1)) correctable = false;
  return { node, size: def.size, rows, biases, cols, corrections: correctable ? corrections : null, activation };
}

/**
 * Random tensor networks for the soundness laws: small 1-D convolutional networks (channels,
 * kernels, padding, strides, optional batch normalisation, global average pooling) and
 * small attention networks (heads, head dimensions, optional layer normalisation, a causal
 * mask), each with a random valid action, and optionally one breakage that is certainly not
 * a symmetry. Rendered as .neq text.
 */
import fc from "fast-check";

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

const perm = (n: number) => fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: n, maxLength: n });
/** A permutation of n >= 2 elements that moves something. */
const moving = (n: number) => perm(n).filter((p) => p.some((x, i) => x !== i));

export interface TensorCase {
  /** The network declaration. */
  readonly network: string;
  /** The transformation after `after`, and the symmetry declarations it needs. */
  readonly transform: string;
  readonly decls: readonly string[];
}

type Act = "relu" | "tanh" | "identity";

/** conv1d(x[C0, L]) -> act -> conv1d -> act -> gap -> linear, with an optional batch norm. */
const convNet = fc.record({
  c0: fc.integer({ min: 1, max: 2 }),
  c1: fc.integer({ min: 2, max: 3 }),
  c2: fc.integer({ min: 2, max: 3 }),
  length: fc.integer({ min: 3, max: 5 }),
  k1: fc.integer({ min: 1, max: 3 }),
  k2: fc.integer({ min: 1, max: 2 }),
  padding: fc.integer({ min: 0, max: 1 }),
  stride: fc.integer({ min: 1, max: 2 }),
  bn: fc.boolean(),
  act: fc.constantFrom<Act>("relu", "tanh", "identity"),
})
  // The second convolution's kernel must fit the first one's output.
  .filter((c) => c.length + 2 * c.padding - c.k1 + 1 >= c.k2);

function convText(c: ValueOf<typeof convNet>): string {
  const bn = c.bn ? `, m1[${c.c1}], v1[${c.c1}], g1[${c.c1}], e1[${c.c1}]` : "";
  const first = `conv1d(x, K1, b1, padding = ${c.padding})`;
  return [
    "network N {",
    `  input x[${c.c0}, ${c.length}]`,
    `  param K1[${c.c1}, ${c.c0}, ${c.k1}], b1[${c.c1}], K2[${c.c2}, ${c.c1}, ${c.k2}], b2[${c.c2}], V[2, ${c.c2}], d[2]${bn}`,
    `  h1 = ${c.act}(${c.bn ? `batchnorm(${first}, m1, v1, g1, e1)` : first})`,
    `  h2 = ${c.act}(conv1d(h1, K2, b2, stride = ${c.stride}))`,
    "  out V gap(h2) + d",
    "}",
  ].join("\n");
}

/** A valid action on a convolutional network. */
const convValid: fc.Arbitrary<TensorCase> = convNet.chain((c) => {
  const options: fc.Arbitrary<TensorCase>[] = [
    moving(c.c1).map((p) => ({ network: convText(c), transform: `permute N.h1 by [${p.join(", ")}]`, decls: [] })),
    moving(c.c2).map((p) => ({ network: convText(c), transform: `permute N.h2 by [${p.join(", ")}]`, decls: [] })),
  ];
  // Rescaling a channel commutes with a positively homogeneous activation; h2 is read only
  // by the average pooling and V, so it is a unit of its own (h1 may feed a batch norm).
  if (c.act !== "tanh") options.push(fc.integer({ min: 0, max: c.c2 - 1 }).map((u) => ({ network: convText(c), transform: `s`, decls: [`symmetry s(a > 0) = scale N.h2[${u}] by a`] })));
  if (c.act !== "relu") options.push(fc.integer({ min: 0, max: c.c2 - 1 }).map((u) => ({ network: convText(c), transform: `flip N.h2[${u}]`, decls: [] })));
  return fc.oneof(...options);
});

/** A breakage of a convolutional network: never a symmetry. */
const convBroken: fc.Arbitrary<TensorCase> = convNet.chain((c) => {
  const options: fc.Arbitrary<TensorCase>[] = [
    // The filters move without the channels they feed.
    moving(c.c1).map((p) => ({ network: convText(c), transform: `permute axis 0 of N.K1 by [${p.join(", ")}]`, decls: [] })),
    // The next layer's input channels move without the filters that produce them.
    moving(c.c1).map((p) => ({ network: convText(c), transform: `permute axis 1 of N.K2 by [${p.join(", ")}]`, decls: [] })),
    fc.constant({ network: convText(c), transform: `{ d[0] := d[0] + 1 }`, decls: [] }),
  ];
  if (c.act === "relu") options.push(fc.integer({ min: 0, max: c.c2 - 1 }).map((u) => ({ network: convText(c), transform: `flip N.h2[${u}]`, decls: [] })));
  if (c.act === "tanh") options.push(fc.integer({ min: 0, max: c.c2 - 1 }).map((u) => ({ network: convText(c), transform: `scale N.h2[${u}] by 2`, decls: [] })));
  if (c.bn) options.push(moving(c.c1).map((p) => ({ network: convText(c), transform: `permute axis 0 of N.K1 by [${p.join(", ")}] then permute axis 1 of N.K2 by [${p.join(", ")}] then permute axis 0 of N.b1 by [${p.join(", ")}]`, decls: [] })));
  return fc.oneof(...options);
});

/**
 * mha(x[T, D]) with H heads of K dimensions, optional layer norm and causal mask. At least
 * two tokens: with one, the attention weights are all 1 and the output does not depend on
 * W_Q or W_K at all, so "breaking" them would not break anything.
 */
const attnNet = fc.record({
  t: fc.integer({ min: 2, max: 3 }),
  d: fc.integer({ min: 2, max: 3 }),
  h: fc.integer({ min: 1, max: 2 }),
  k: fc.integer({ min: 1, max: 2 }),
  ln: fc.boolean(),
  causal: fc.integer({ min: 0, max: 1 }),
});

function attnText(a: ValueOf<typeof attnNet>): string {
  const input = a.ln ? "layernorm(x, g, e)" : "x";
  return [
    "network N {",
    `  input x[${a.t}, ${a.d}]`,
    `  param Wq[${a.h}, ${a.k}, ${a.d}], Wk[${a.h}, ${a.k}, ${a.d}], Wv[${a.h}, ${a.k}, ${a.d}], Wo[${a.d}, ${a.h}, ${a.k}], g[${a.d}], e[${a.d}]`,
    `  y = mha(${input}, Wq, Wk, Wv, Wo, causal = ${a.causal})`,
    "  out y",
    "}",
  ].join("\n");
}

const attnValid: fc.Arbitrary<TensorCase> = attnNet.chain((a) => {
  const options: fc.Arbitrary<TensorCase>[] = [fc.constant({ network: attnText(a), transform: "qk", decls: [`symmetry qk(M[${a.k}, ${a.k}] invertible) = multiply axis 1 of Wq by M then multiply axis 1 of Wk by transpose(inverse(M))`] })];
  if (a.h >= 2) options.push(moving(a.h).map((p) => ({ network: attnText(a), transform: `permute N.y.q axis 0 by [${p.join(", ")}]`, decls: [] })));
  if (a.k >= 2) {
    options.push(moving(a.k).map((p) => ({ network: attnText(a), transform: `permute N.y.q axis 2 by [${p.join(", ")}]`, decls: [] })));
    options.push(moving(a.k).map((p) => ({ network: attnText(a), transform: `permute N.y.v axis 2 by [${p.join(", ")}]`, decls: [] })));
  }
  return fc.oneof(...options);
});

const attnBroken: fc.Arbitrary<TensorCase> = attnNet.chain((a) => {
  const options: fc.Arbitrary<TensorCase>[] = [fc.constant({ network: attnText(a), transform: "sc", decls: [`symmetry sc(c > 1) = { Wv[0, 0, 0] := c * Wv[0, 0, 0] }`] })];
  // A^-1 where A^-T belongs: a breakage only above 1 x 1 (where the two coincide).
  if (a.k >= 2) options.push(fc.constant({ network: attnText(a), transform: "qk", decls: [`symmetry qk(M[${a.k}, ${a.k}] invertible) = multiply axis 1 of Wq by M then multiply axis 1 of Wk by inverse(M)`] }));
  if (a.h >= 2) options.push(moving(a.h).map((p) => ({ network: attnText(a), transform: `permute axis 0 of N.Wq by [${p.join(", ")}]`, decls: [] })));
  if (a.k >= 2) options.push(moving(a.k).map((p) => ({ network: attnText(a), transform: `permute axis 1 of N.Wq by [${p.join(", ")}]`, decls: [] })));
  return fc.oneof(...options);
});

/**
 * Several convolutions of one input added together (a ResNet shortcut, an inception block):
 * sibling sums in one definition, which must each get their own index slot.
 */
const branchNet = fc.record({ branches: fc.integer({ min: 2, max: 4 }), c: fc.integer({ min: 2, max: 3 }), length: fc.integer({ min: 3, max: 4 }) });

function branchText(b: ValueOf<typeof branchNet>): string {
  const ks = Array.from({ length: b.branches }, (_, i) => `K${i}[${b.c}, 2, ${i === 0 ? 1 : 3}]`);
  const sum = Array.from({ length: b.branches }, (_, i) => `conv1d(x, K${i}${i === 0 ? "" : ", padding = 1"})`).join(" + ");
  return ["network N {", `  input x[2, ${b.length}]`, `  param ${ks.join(", ")}, V[2, ${b.c}], d[2]`, `  h = relu(${sum})`, "  out V gap(h) + d", "}"].join("\n");
}

const branchValid: fc.Arbitrary<TensorCase> = branchNet.chain((b) => moving(b.c).map((p) => ({ network: branchText(b), transform: `permute N.h by [${p.join(", ")}]`, decls: [] })));
const branchBroken: fc.Arbitrary<TensorCase> = branchNet.chain((b) =>
  fc.tuple(fc.integer({ min: 0, max: b.branches - 1 }), moving(b.c)).map(([i, p]) => ({ network: branchText(b), transform: `permute axis 0 of N.K${i} by [${p.join(", ")}]`, decls: [] })),
);

/** A valid action on a random small tensor network. */
export const tensorValidArb: fc.Arbitrary<TensorCase> = fc.oneof(convValid, attnValid, branchValid);
/** A breakage of a random small tensor network. */
export const tensorBrokenArb: fc.Arbitrary<TensorCase> = fc.oneof(convBroken, attnBroken, branchBroken);

/** The case as a proof file with one claim `t`. */
export function renderTensor(c: TensorCase, expect: "theorem" | "refute" = "theorem"): string {
  return [c.network, ...c.decls, `${expect} t: N ~ N after ${c.transform}`].join("\n") + "\n";
}

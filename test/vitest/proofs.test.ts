/**
 * The proof suite as vitest tests, through the `neteq/vitest` helper: one test per claim of
 * proofs/ (proofs/large is checked by `npx neteq check proofs/large`).
 */
import { registerClaims } from "neteq/vitest";

registerClaims("proofs", { exclude: ["proofs/large"] });

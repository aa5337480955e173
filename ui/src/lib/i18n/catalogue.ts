// What a language's catalogue holds: the shape of the English one (en.ts). Another language is
// one more file typed `Catalogue`, so the type checker refuses it while a key is missing, has
// another shape, or is not English's; a kind of problem without a text is refused the same way.

import type { Problem } from "../bindings";
import type { en } from "./en";

/** The kinds of problem Rust reports (the generated union's tags). */
export type ProblemKind = Problem["kind"];

/** A sentence for each kind of problem, from the parameters Rust sends with it. */
export type ProblemTexts = {
  [K in ProblemKind]: (problem: Extract<Problem, { kind: K }>) => string;
};

export type Catalogue = typeof en;

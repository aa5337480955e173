// What a language's catalogue holds. A second language is one more file that fills in this type:
// the type checker refuses it while a kind of problem has no text.

import type { CallbackProblem, Problem } from "../bindings";

/** The kinds of problem Rust reports (the generated union's tags). */
export type ProblemKind = Problem["kind"];

/** A sentence for each kind of problem, from the parameters Rust sends with it. */
export type ProblemTexts = {
  [K in ProblemKind]: (problem: Extract<Problem, { kind: K }>) => string;
};

export interface Catalogue {
  problems: ProblemTexts;
  /** Why a pasted address or a link was not the sign-in's answer; `parameter` names the culprit. */
  callbackProblems: Record<CallbackProblem, (parameter: string | null) => string>;
  /** For a failure that is not one of Rust's problems (a Tauri failure, a bug). */
  somethingWentWrong: string;
}

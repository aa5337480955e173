// What went wrong, in the user's words: Rust sends a `Problem` (a kind and its parameters, the
// generated union), the catalogue of the language in use writes the sentence.

import type { Problem } from "./bindings";
import type { Catalogue } from "./i18n/catalogue";
import { en } from "./i18n/en";

/** Whether `value` is a problem Rust reported (what a failed command throws). */
export function isProblem(value: unknown, t: Catalogue = en): value is Problem {
  if (typeof value !== "object" || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === "string" && Object.hasOwn(t.problems, kind);
}

export function describeProblem(problem: Problem, t: Catalogue = en): string {
  // Each text takes its own kind's parameters; `problem.kind` picked the matching one.
  const text = t.problems[problem.kind] as (problem: Problem) => string;
  return text(problem);
}

/** A sentence for the user, whatever was thrown. */
export function errorMessage(error: unknown, t: Catalogue = en): string {
  if (isProblem(error, t)) return describeProblem(error, t);
  if (error instanceof Error) return error.message;
  // Tauri's own failures (a command it does not know, a denied permission) are strings.
  if (typeof error === "string") return error;
  return t.somethingWentWrong;
}

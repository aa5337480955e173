// The language the window speaks: the user's choice (kept by Rust, which makes the tray speak it
// too), or the system's, which the webview knows as `navigator.languages`.

import type { LanguageChoice } from "../bindings";
import type { Catalogue } from "./catalogue";
import { en } from "./en";
import { fr } from "./fr";

export const catalogues = { en, fr } satisfies Record<string, Catalogue>;
export type Code = keyof typeof catalogues;

/** The first of the system's languages that Hearth speaks; English when none is. */
export function systemLanguage(tags: readonly string[]): Code {
  for (const tag of tags) {
    const base = tag.split(/[-_]/)[0]?.toLowerCase() ?? "";
    if (Object.hasOwn(catalogues, base)) return base as Code;
  }
  return "en";
}

const systemTags = (): readonly string[] =>
  typeof navigator === "undefined" ? [] : navigator.languages.length > 0 ? navigator.languages : [navigator.language];

class Language {
  choice = $state<LanguageChoice>("system");
  /** The system's language as Rust reads it from the environment, once known: the tray speaks
   * it, and the webview may not know the locale (one that is not installed). */
  system = $state<Code | null>(null);
  readonly code: Code = $derived(
    this.choice !== "system" ? this.choice : (this.system ?? systemLanguage(systemTags())),
  );
  /** The catalogue of the language in use: components read their words from `i18n.t`. */
  readonly t: Catalogue = $derived(catalogues[this.code]);
}

export const i18n = new Language();

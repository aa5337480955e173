// Every language has every key of the window, and every key is used somewhere: the type checker
// refuses a catalogue with a key missing or too many (`fr: Catalogue`), and this test also
// catches a key that no component reads any more, a string left in English, and French
// typography mistakes.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Catalogue } from "./catalogue";
import { catalogues, systemLanguage } from "./language.svelte";

/** Every path to a string or a function in `value`, except the problems and the callback's
 * problems (problems.test.ts checks those against Rust's kinds). */
function keys(value: object, prefix = ""): string[] {
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (path === "problems" || path === "callbackProblems") return [];
    return typeof child === "object" && child !== null ? keys(child as object, path) : [path];
  });
}

/** Every leaf of `value` (problems included) as [path, text]; functions called with samples. */
function texts(value: object, prefix = ""): [string, string][] {
  return Object.entries(value).flatMap(([key, child]): [string, string][] => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (typeof child === "string") return [[path, child]];
    if (typeof child === "function") {
      const sample = new Proxy(
        {},
        {
          get: (_, name) =>
            name === "candidates"
              ? ["a", "b"]
              : name === "detail"
                ? ""
                : name === "reason"
                  ? path === "problems.energy_offer"
                    ? "bad_price"
                    : "malformed"
                  : name === "period"
                    ? "hp"
                    : "X",
        },
      );
      const args = Array.from({ length: (child as (...a: unknown[]) => string).length }, (_, index) =>
        path.startsWith("problems.") ? sample : index === 1 && path === "account.validFor" ? new Date(0) : 2,
      );
      return [[path, String((child as (...a: unknown[]) => string)(...args))]];
    }
    return typeof child === "object" && child !== null ? texts(child as object, path) : [];
  });
}

/** The UI's sources (components and helpers), tests and catalogues left out. */
function sources(dir = new URL("../..", import.meta.url).pathname): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .flatMap((path) => {
      if (statSync(path).isDirectory()) return path.endsWith("i18n") ? [] : [sources(path)];
      return /\.(svelte|ts)$/.test(path) && !/\.test\.ts$|bindings\.ts$/.test(path)
        ? [readFileSync(path, "utf8")]
        : [];
    })
    .join("\n");
}

const english = keys(catalogues.en);

describe("the window's catalogues", () => {
  it("list enough keys to be the window's words", () => {
    expect(english.length).toBeGreaterThan(100);
    expect(english).toContain("lights.allOff");
  });

  for (const [code, catalogue] of Object.entries(catalogues) as [string, Catalogue][]) {
    it(`${code}: has every key of English, and no other`, () => {
      expect(keys(catalogue).sort()).toEqual([...english].sort());
      expect(Object.keys(catalogue.problems).sort()).toEqual(Object.keys(catalogues.en.problems).sort());
      expect(catalogue.locale).toBe(code);
    });
  }

  it("each key is used by the window, and each key used exists", () => {
    const code = sources();
    // A key is used as `t.section.key`, or through its section by a value Rust sends
    // (`t.receivers[kind]`, `t.app.screens[id]`).
    const unused = english.filter((path) => {
      const escaped = path.replace(/\./g, "\\.").replace(/-/g, "\\-");
      const direct = new RegExp(`\\bt\\.${escaped}(?![\\w-])`);
      const section = path.slice(0, path.lastIndexOf("."));
      const byValue = section !== "" && code.includes(`t.${section}[`);
      return !direct.test(code) && !byValue;
    });
    expect(unused).toEqual([]);
    const used = [...code.matchAll(/\bi18n\.t\.([\w.]+)|\bt\.((?:app|links|connection|receivers|account|confirm|lights|group|setup|remote|energy)\.[\w.]+)/g)]
      .map((match) => (match[1] ?? match[2] ?? "").replace(/\.$/, ""));
    expect(used.length).toBeGreaterThan(50);
    const known = new Set([...english, ...english.flatMap((path) => prefixes(path)), "problems", "locale"]);
    expect(used.filter((path) => !known.has(path))).toEqual([]);
  });

  it("French is French: no English sentence left, and French typography", () => {
    const en = new Map(texts(catalogues.en));
    // Words that are the same in both languages.
    const same = new Set([
      "app.languages.en",
      "app.languages.fr",
      "lights.zones",
      "remote.cloud",
      "app.demo",
      "settings.notifications",
      // A scene and its room, in parentheses: no words of its own.
      "favourites.scene",
    ]);
    const french = texts(catalogues.fr);
    expect(french.length).toBe(en.size);
    for (const [path, text] of french) {
      if (!same.has(path) && !/^\w+$/.test(text)) {
        expect(text, path).not.toBe(en.get(path));
      }
      // A no-break space before : ; ? ! and inside guillemets, an ellipsis character.
      expect(text, path).not.toMatch(/ [:;?!](?:\s|$)| »|« |\.\.\./);
      expect(text, path).not.toMatch(/[^\s\u00a0\u202f/][;?!](?:\s|$)/);
      expect(text, path).not.toMatch(/\w'/);
    }
  });

  it("formats numbers, plurals and dates per language", () => {
    expect(catalogues.en.group.lightsOn(1, 1234)).toBe("1 of 1,234 on");
    expect(catalogues.fr.group.lightsOn(1, 1234)).toBe("1 sur 1\u202f234 allumée");
    expect(catalogues.fr.group.lightsOn(2, 3)).toBe("2 sur 3 allumées");
    expect(catalogues.en.group.brightness(45)).toBe("45%");
    expect(catalogues.fr.group.brightness(45)).toBe("45\u00a0%");
    const until = new Date(Date.UTC(2026, 11, 3, 12));
    expect(catalogues.en.account.validFor(1, until)).toMatch(/valid 1 more day, until Dec 3, 2026/);
    expect(catalogues.fr.account.validFor(3, until)).toMatch(/encore 3 jours, jusqu’au 3 déc\. 2026/);
    expect(catalogues.fr.problems.timeout({ kind: "timeout", address: "a", after_ms: 1500 })).toContain("1,5\u00a0s");
  });

  it("picks the first system language it speaks", () => {
    expect(systemLanguage(["fr-FR", "en-US"])).toBe("fr");
    expect(systemLanguage(["de-DE", "fr-CH"])).toBe("fr");
    expect(systemLanguage(["de-DE"])).toBe("en");
    expect(systemLanguage([])).toBe("en");
    expect(systemLanguage(["en-GB", "fr"])).toBe("en");
  });
});

function prefixes(path: string): string[] {
  const parts = path.split(".");
  return parts.slice(1).map((_, index) => parts.slice(0, index + 1).join("."));
}

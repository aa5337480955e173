import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Problem } from "./bindings";
import type { Catalogue } from "./i18n/catalogue";
import { en } from "./i18n/en";
import { describeProblem, errorMessage, isProblem } from "./problems";

const bindings = readFileSync(new URL("./bindings.ts", import.meta.url), "utf8");

/** The declaration of a generated type, up to the blank line after it. */
function declaration(name: string): string {
  const start = bindings.indexOf(`\nexport type ${name} =`);
  if (start < 0) throw new Error(`bindings.ts has no \`${name}\` type`);
  return bindings.slice(start, bindings.indexOf("\n\n", start));
}

/** The kinds in the generated `Problem` union, read from the file Rust wrote. */
function generatedKinds(): string[] {
  return [...declaration("Problem").matchAll(/kind: "([a-z_]+)"/g)].map((match) => match[1] ?? "");
}

/** The generated `CallbackProblem` union's members. */
function callbackReasons(): string[] {
  const [, union = ""] = declaration("CallbackProblem").split("=");
  return [...union.matchAll(/"([a-z_]+)"/g)].map((match) => match[1] ?? "");
}

/** A problem of `kind` whose parameters are placeholders (lists hold two). */
function sample(kind: string): Problem {
  return new Proxy({ kind } as Problem, {
    get: (target, key) =>
      key in target
        ? target[key as keyof Problem]
        : key === "candidates"
          ? ["a", "b"]
          : key === "reason"
            ? kind === "proxy_setting"
              ? "not_https"
              : kind === "energy_offer"
                ? "bad_price"
                : "wrong_state"
            : key === "period"
              ? "hp"
              : "<param>",
    has: () => true,
  });
}

const catalogues: Record<string, Catalogue> = { en };

describe("the catalogues", () => {
  const kinds = generatedKinds();

  it("see every kind of problem Rust reports", () => {
    expect(kinds.length).toBeGreaterThan(40);
    expect(kinds).toContain("not_found");
  });

  for (const [language, catalogue] of Object.entries(catalogues)) {
    it(`${language}: has a sentence for every kind, and nothing else`, () => {
      expect(Object.keys(catalogue.problems).sort()).toEqual([...kinds].sort());
      for (const kind of kinds) {
        const text = describeProblem(sample(kind), catalogue);
        expect(text, kind).not.toMatch(/undefined|\[object/);
        expect(text.length, kind).toBeGreaterThan(5);
      }
    });

    it(`${language}: has a sentence for every reason a sign-in answer is refused`, () => {
      const reasons = callbackReasons();
      expect(reasons).toContain("wrong_state");
      expect(Object.keys(catalogue.callbackProblems).sort()).toEqual([...reasons].sort());
      for (const reason of reasons) {
        const text = catalogue.callbackProblems[reason as keyof Catalogue["callbackProblems"]]("state");
        expect(text, reason).not.toMatch(/undefined|null/);
      }
    });
  }
});

describe("the energy proxy's refusals", () => {
  it("each reason Rust gives has its own sentence, in each language", async () => {
    const [, union = ""] = declaration("ProxyProblem").split("=");
    const reasons = [...union.matchAll(/"([a-z_]+)"/g)].map((match) => match[1] ?? "");
    expect(reasons).toContain("not_https");
    const { fr } = await import("./i18n/fr");
    for (const catalogue of [en, fr]) {
      const sentences = reasons.map((reason) =>
        describeProblem({ kind: "proxy_setting", reason } as Problem, catalogue),
      );
      for (const sentence of sentences) expect(sentence).not.toMatch(/undefined/);
      expect(new Set(sentences).size).toBe(reasons.length);
    }
  });
});

describe("a refused offer", () => {
  it("each reason Rust gives has its own sentence, in each language, with the period and value", async () => {
    const [, union = ""] = declaration("OfferReason").split("=");
    const reasons = [...union.matchAll(/"([a-z_]+)"/g)].map((match) => match[1] ?? "");
    expect(reasons).toContain("bad_price");
    const { fr } = await import("./i18n/fr");
    for (const catalogue of [en, fr]) {
      const sentences = reasons.map((reason) =>
        describeProblem({ kind: "energy_offer", detail: "", reason, period: "red_hp", value: "0,2x" } as Problem, catalogue),
      );
      for (const sentence of sentences) expect(sentence).not.toMatch(/undefined|null/);
      expect(new Set(sentences).size).toBe(reasons.length);
    }
    const missing = { kind: "energy_offer", detail: "", reason: "missing_price", period: "red_hp", value: null } as const;
    expect(describeProblem(missing, en)).toBe("Enter the price of red day, peak.");
    expect(describeProblem({ ...missing, reason: "bad_price", value: "0,2x" }, fr)).toContain("«\u00a00,2x\u00a0»");
  });
});

describe("errorMessage", () => {
  it("writes a command's problem from its kind and parameters", () => {
    expect(errorMessage({ kind: "not_found", name: "Attic" })).toBe("Nothing is called “Attic”.");
    expect(errorMessage({ kind: "button_not_pressed", seconds: 30 })).toMatch(/within 30 s/);
  });

  it("falls back for anything else", () => {
    expect(errorMessage(new Error("boom"))).toBe("boom");
    expect(errorMessage("Command foo not found")).toBe("Command foo not found");
    expect(errorMessage({ kind: "no_such_kind" })).toBe("Something went wrong.");
    expect(errorMessage(42)).toBe("Something went wrong.");
    expect(errorMessage(null)).toBe("Something went wrong.");
  });
});

describe("isProblem", () => {
  it("needs a kind the catalogue knows", () => {
    expect(isProblem({ kind: "starting" })).toBe(true);
    expect(isProblem({ kind: "starting ", message: "x" })).toBe(false);
    expect(isProblem({ kind: 1 })).toBe(false);
    expect(isProblem({ kind: "toString" })).toBe(false);
  });
});

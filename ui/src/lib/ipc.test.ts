import { describe, expect, it } from "vitest";
import { en } from "./i18n/en";
import { fr } from "./i18n/fr";
import { describeAccount, describeConnection, describeLink } from "./ipc";

describe("describeLink", () => {
  it("names each kind of link", () => {
    expect(describeLink({ kind: "open", screen: null })).toBe("Opened Hearth");
    expect(describeLink({ kind: "open", screen: "remote" })).toBe("Opened “Remote access”");
    expect(describeLink({ kind: "open", screen: "remote" }, fr)).toBe("Écran «\u00a0Lien à distance\u00a0» ouvert");
    expect(describeLink({ kind: "open", screen: "energy" }, fr)).toBe("Écran «\u00a0Énergie\u00a0» ouvert");
    expect(describeLink({ kind: "oauth_callback", outcome: { result: "code" } })).toBe(
      "Received a sign-in callback",
    );
    expect(
      describeLink({ kind: "oauth_callback", outcome: { result: "error", error: "access_denied" } }),
    ).toBe("Sign-in was not completed (access_denied)");
  });
});

describe("describeAccount", () => {
  const now = Date.UTC(2026, 10, 22);
  it("says how long the current access lasts, and that it renews itself", () => {
    const inThreeDays = now / 1000 + 3 * 86_400;
    expect(
      describeAccount({ state: "linked", expires_at: inThreeDays, expiring_soon: false }, en, now),
    ).toBe("Linked (current access valid 3 more days, until Nov 25, 2026, 12:00 AM, renewed by itself)");
    expect(
      describeAccount({ state: "linked", expires_at: inThreeDays, expiring_soon: false }, fr, now),
    ).toBe(
      "Lié (accès actuel valable encore 3 jours, jusqu’au 25 nov. 2026, 00:00, renouvelé automatiquement)",
    );
    expect(
      describeAccount({ state: "linked", expires_at: now / 1000 + 86_400, expiring_soon: false }, en, now),
    ).toMatch(/^Linked \(current access valid 1 more day, until Nov 23, 2026/);
    expect(describeAccount({ state: "linked", expires_at: null, expiring_soon: true }, en, now)).toBe(
      "Linked; the access is being renewed",
    );
  });

  it("tells what to do when the link is gone", () => {
    expect(describeAccount({ state: "not_linked" })).toBe("Not linked");
    expect(describeAccount({ state: "needs_relink" })).toBe("The link expired or was revoked: link again");
  });
});

describe("describeConnection", () => {
  it("says why a bridge is offline in the catalogue's words, from the problem's parameters", () => {
    expect(
      describeConnection({ state: "offline", problem: { kind: "unauthorized" } }),
    ).toBe("Offline: The bridge does not accept Hearth's app key: pair with it again.");
    expect(
      describeConnection({
        state: "reconnecting",
        attempt: 2,
        retry_in_ms: 500,
        problem: { kind: "timeout", address: "192.0.2.7", after_ms: 10_000 },
      }),
    ).toBe("Reconnecting (attempt 2): The bridge at 192.0.2.7 did not answer within 10\u00a0s.");
  });
});

import { describe, expect, it } from "vitest";
import { describeAccount, describeLink, errorMessage, isCommandError } from "./ipc";

describe("errorMessage", () => {
  it("shows a command error's message, not its kind", () => {
    expect(errorMessage({ kind: "internal", message: "The bridge did not answer." })).toBe(
      "The bridge did not answer.",
    );
  });

  it("falls back for anything else", () => {
    expect(errorMessage(new Error("boom"))).toBe("boom");
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage(42)).toBe("Something went wrong.");
    expect(errorMessage(null)).toBe("Something went wrong.");
  });
});

describe("isCommandError", () => {
  it("needs both fields as strings", () => {
    expect(isCommandError({ kind: "a", message: "b" })).toBe(true);
    expect(isCommandError({ kind: "a" })).toBe(false);
    expect(isCommandError({ kind: 1, message: "b" })).toBe(false);
  });
});

describe("describeLink", () => {
  it("names each kind of link", () => {
    expect(describeLink({ kind: "open", screen: null })).toBe("Opened Hearth");
    expect(describeLink({ kind: "open", screen: "remote" })).toBe("Opened the remote screen");
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
      describeAccount({ state: "linked", expires_at: inThreeDays, expiring_soon: false }, now),
    ).toBe("Linked (current access valid 3 more days, renewed by itself)");
    expect(
      describeAccount({ state: "linked", expires_at: now / 1000 + 86_400, expiring_soon: false }, now),
    ).toBe("Linked (current access valid 1 more day, renewed by itself)");
    expect(describeAccount({ state: "linked", expires_at: null, expiring_soon: true }, now)).toBe(
      "Linked; the access is being renewed",
    );
  });

  it("tells what to do when the link is gone", () => {
    expect(describeAccount({ state: "not_linked" })).toBe("Not linked");
    expect(describeAccount({ state: "needs_relink" })).toBe("The link expired or was revoked: link again");
  });
});

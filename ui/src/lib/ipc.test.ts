import { describe, expect, it } from "vitest";
import { describeLink, errorMessage, isCommandError } from "./ipc";

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

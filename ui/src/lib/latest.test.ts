import { describe, expect, it } from "vitest";
import { latestWins } from "./latest";

/** A send whose calls resolve only when the test says so. */
function controlledSend() {
  const sent: number[] = [];
  const waiting: (() => void)[] = [];
  const send = (value: number) =>
    new Promise<void>((resolve) => {
      sent.push(value);
      waiting.push(resolve);
    });
  const answer = async () => {
    waiting.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { sent, send, answer };
}

describe("latestWins", () => {
  it("sends the first value at once and only the last of those that came meanwhile", async () => {
    const { sent, send, answer } = controlledSend();
    const push = latestWins(send, () => {});
    void push(1);
    void push(2);
    void push(3);
    void push(4);
    expect(sent).toEqual([1]);
    await answer();
    expect(sent).toEqual([1, 4]);
    await answer();
    expect(sent).toEqual([1, 4]);
    void push(5);
    expect(sent).toEqual([1, 4, 5]);
  });

  it("reports a failed send and goes on with the next value", async () => {
    const errors: unknown[] = [];
    const sent: number[] = [];
    const push = latestWins(
      async (value: number) => {
        sent.push(value);
        if (value === 1) throw { kind: "unreachable", message: "no" };
      },
      (error) => errors.push(error),
    );
    await push(1);
    await push(2);
    expect(sent).toEqual([1, 2]);
    expect(errors).toEqual([{ kind: "unreachable", message: "no" }]);
  });
});

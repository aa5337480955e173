// A slider moves faster than a bridge answers. `latestWins` sends one value at a time and, when
// the call returns, only the newest value that arrived meanwhile: the last value is always sent,
// the ones in between are dropped. (Rust's pacer coalesces too; this keeps IPC quiet.)

export function latestWins<T>(
  send: (value: T) => Promise<unknown>,
  onError: (error: unknown) => void,
): (value: T) => Promise<void> {
  let pending: { value: T } | null = null;
  let busy = false;
  return async (value: T) => {
    pending = { value };
    if (busy) return;
    busy = true;
    try {
      while (pending !== null) {
        const next: T = pending.value;
        pending = null;
        try {
          await send(next);
        } catch (error) {
          onError(error);
        }
      }
    } finally {
      busy = false;
    }
  };
}

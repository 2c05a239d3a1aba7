import type { CliIO } from "./io.js";

/** Run with Ctrl-C wired to an AbortSignal: the first press finishes writing and stops; the second exits at once. */
export async function withInterrupt<T>(io: CliIO, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let presses = 0;
  const onSignal = () => {
    presses++;
    if (presses === 1) {
      io.stderr("\nstopping: finishing what is done (Ctrl-C again to quit at once)…\n");
      controller.abort(new Error("interrupted"));
    } else process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

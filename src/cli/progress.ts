import cliProgress from "cli-progress";
import type { RunTally } from "../run/executor.js";
import type { CliIO } from "./io.js";

/** A progress bar with ETA, errors and cost on a TTY; a plain line every few percent otherwise. */
export function createProgress(io: CliIO, total: number): { update(t: RunTally): void; stop(): void } {
  if (io.isTTY && total > 0) {
    const bar = new cliProgress.SingleBar(
      {
        format: " {bar} {value}/{total} trials | ETA {eta_formatted} | errors {errors} | {cost}",
        hideCursor: true,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { errors: 0, cost: "$0.00" });
    return {
      update: (t) => bar.update(t.done, { errors: t.errors, cost: `$${t.costUsd.toFixed(2)}` }),
      stop: () => bar.stop(),
    };
  }
  const step = Math.max(1, Math.ceil(total / 10));
  let next = step;
  const started = Date.now();
  return {
    update(t) {
      if (t.done < next && t.done !== total) return;
      next = t.done + step;
      const secs = (Date.now() - started) / 1000;
      const eta = t.done ? Math.round((secs / t.done) * (total - t.done)) : 0;
      io.stderr(`progress: ${t.done}/${total} trials, ${t.errors} errors, $${t.costUsd.toFixed(2)}, eta ${eta}s\n`);
    },
    stop() {},
  };
}

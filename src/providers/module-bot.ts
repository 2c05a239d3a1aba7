import path from "node:path";
import { pathToFileURL } from "node:url";
import { BotTurn, type Candidate, ProviderError, type RespondRequest } from "./types.js";

/** What a local bot module exports: `(request) => reply`, where a reply is text or a BotTurn. */
export type BotFunction = (req: RespondRequest) => BotTurn | string | Promise<BotTurn | string>;

/**
 * Waits for an asynchronous answer at most timeoutMs: a local bot's thrown error is a bug in the
 * bot and is not retried, but a call that never settles must not hold its trial (and the run) for
 * ever. A synchronous answer needs no timer, which matters for bots that answer in microseconds.
 */
async function within<T>(answer: Promise<T>, timeoutMs: number, id: string): Promise<T> {
  if (timeoutMs <= 0) return answer;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProviderError("timeout", `${id}: no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === "function";

/** `module:./bot.js`: a local function as a candidate (default export or a named `respond`). */
export async function createModuleCandidate(
  spec: string,
  cwd: string,
  id = `module:${spec}`,
  options: { timeoutMs?: number } = {},
): Promise<Candidate> {
  const timeoutMs = options.timeoutMs ?? 0;
  const file = path.resolve(cwd, spec);
  let mod: { default?: unknown; respond?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as typeof mod;
  } catch (err) {
    const hint = /\.(c|m)?ts$/.test(file)
      ? " (this Node cannot import TypeScript directly; Node 22.18+ can, or compile it to .js)"
      : "";
    throw new ProviderError(
      "config",
      `cannot load bot module ${spec}: ${(err as Error).message.split("\n")[0]}${hint}`,
    );
  }
  const fn = (typeof mod.respond === "function" ? mod.respond : mod.default) as BotFunction | undefined;
  if (typeof fn !== "function")
    throw new ProviderError("config", `${spec} must export a function (default export or \`respond\`)`);
  return {
    id,
    async respond(req) {
      const answer = fn(req);
      const out = isPromise(answer) ? await within(Promise.resolve(answer), timeoutMs, id) : answer;
      if (typeof out === "string") return { text: out };
      const parsed = BotTurn.safeParse(out);
      if (!parsed.success)
        throw new ProviderError(
          "bad_response",
          `${spec} returned an invalid reply: ${parsed.error.issues[0]?.message}`,
        );
      return parsed.data;
    },
  };
}

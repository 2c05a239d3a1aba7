import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { redactDeep } from "./redact.js";
import { BotTurn, type Candidate, type RespondRequest } from "./types.js";

/** A content-addressed on-disk cache of candidate calls, so an unchanged re-run costs nothing. */

export const DEFAULT_CACHE_DIR = ".supportbench-cache";

/** Bumped when the key material or the entry format changes, so old entries are ignored. */
const CACHE_VERSION = 1;

export interface CacheOptions {
  /** Default `.supportbench-cache/`. */
  dir?: string;
  /** What shapes the answer but is not in the request: model, temperature, seed, base URL, prompt version… */
  params?: Record<string, unknown>;
  /**
   * "conversation" (default) keys each call also by the conversation id, so the trials of one
   * scenario stay independent samples while a re-run of the same trials hits; "content" shares
   * answers between identical requests (deterministic judges).
   */
  scope?: "conversation" | "content";
  env?: NodeJS.ProcessEnv;
}

export interface CacheStats {
  hits: number;
  misses: number;
  writes: number;
  /** Entries that could not be stored (disk full, permissions); the answer is still returned. */
  writeErrors: number;
  /**
   * Answers not stored because they hold secret-like text: an entry is written only when it can
   * be replayed exactly as answered, and secrets never reach the disk.
   */
  unstorable: number;
  lastWriteError?: string;
}

export type CachedCandidate<C extends Candidate = Candidate> = C & { readonly cacheStats: CacheStats };

/** JSON with sorted keys, so equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** The sha256 key of one call: provider, parameters, system, messages, tools and tool choice. */
export function cacheKey(
  candidateId: string,
  req: RespondRequest,
  params: Record<string, unknown> = {},
  scope: "conversation" | "content" = "conversation",
): string {
  const material = {
    v: CACHE_VERSION,
    provider: candidateId,
    params,
    system: req.system ?? null,
    messages: req.messages,
    tools: req.tools,
    toolChoice: req.toolChoice ?? null,
    temperature: req.temperature ?? null,
    maxTokens: req.maxTokens ?? null,
    conversation: scope === "conversation" ? req.context.conversationId : null,
  };
  let json = canonicalJson(material);
  for (const v of req.volatile ?? []) if (v) json = json.split(v).join("\u0000volatile\u0000");
  return createHash("sha256").update(json).digest("hex");
}

function entryPath(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key}.json`);
}

async function readEntry(path: string): Promise<{ turn: BotTurn; elapsedMs?: number } | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as { v?: unknown; turn?: unknown; elapsed_ms?: unknown };
    if (entry.v !== CACHE_VERSION) return undefined;
    const turn = BotTurn.safeParse(entry.turn);
    if (!turn.success) return undefined;
    return typeof entry.elapsed_ms === "number"
      ? { turn: turn.data, elapsedMs: entry.elapsed_ms }
      : { turn: turn.data };
  } catch {
    // A torn or hand-edited entry is a miss; the next answer overwrites it.
    return undefined;
  }
}

/** Writes through a temporary file and a rename, so readers see a whole entry or none. */
async function writeEntry(path: string, content: string): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, content, "utf8");
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

/** Wraps a candidate so answers are stored on disk and replayed, marked cached (with the price and time they took when bought). */
export function withCache<C extends Candidate>(candidate: C, options: CacheOptions = {}): CachedCandidate<C> {
  const dir = options.dir ?? DEFAULT_CACHE_DIR;
  const env = options.env ?? process.env;
  const stats: CacheStats = { hits: 0, misses: 0, writes: 0, writeErrors: 0, unstorable: 0 };

  async function respond(req: RespondRequest): Promise<BotTurn> {
    const key = cacheKey(candidate.id, req, options.params, options.scope);
    const path = entryPath(dir, key);
    const stored = await readEntry(path);
    if (stored) {
      stats.hits++;
      const { turn, elapsedMs } = stored;
      return {
        ...turn,
        usage: {
          inputTokens: turn.usage?.inputTokens ?? 0,
          outputTokens: turn.usage?.outputTokens ?? 0,
          ...(turn.usage?.costUsd !== undefined ? { costUsd: turn.usage.costUsd } : {}),
          cached: true,
          ...(elapsedMs !== undefined ? { latencyMs: elapsedMs } : {}),
        },
      };
    }
    stats.misses++;
    const started = performance.now();
    const turn = await candidate.respond(req);
    const elapsed = Math.round(performance.now() - started);
    // A replay must equal the answer; an answer holding secret-like text is not stored at all.
    const safe = redactDeep(turn, env);
    if (JSON.stringify(safe) !== JSON.stringify(turn)) {
      stats.unstorable++;
      return turn;
    }
    // The call's own time, without the disk work below, is what a replay will report too.
    const timed: BotTurn = turn.usage
      ? { ...turn, usage: { ...turn.usage, latencyMs: turn.usage.latencyMs ?? elapsed } }
      : turn;
    const entry = {
      v: CACHE_VERSION,
      key,
      candidate: candidate.id,
      created: new Date().toISOString(),
      elapsed_ms: timed.usage?.latencyMs ?? elapsed,
      turn,
    };
    try {
      await writeEntry(path, `${JSON.stringify(entry, null, 1)}\n`);
      stats.writes++;
    } catch (err) {
      // The call is paid for already; losing its answer over a cache problem would waste it.
      stats.writeErrors++;
      stats.lastWriteError = err instanceof Error ? err.message : String(err);
    }
    return timed;
  }

  // Own properties such as `family` or an HTTP bot's `runsOwnTools` stay visible through the wrapper.
  const cached: CachedCandidate<C> = { ...candidate, respond, cacheStats: stats };
  if (candidate.close) cached.close = () => candidate.close?.() ?? Promise.resolve();
  return cached;
}

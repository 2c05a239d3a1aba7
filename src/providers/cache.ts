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
  return createHash("sha256").update(canonicalJson(material)).digest("hex");
}

function entryPath(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key}.json`);
}

async function readEntry(path: string): Promise<BotTurn | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    const entry = JSON.parse(text) as { v?: unknown; turn?: unknown };
    if (entry.v !== CACHE_VERSION) return undefined;
    const turn = BotTurn.safeParse(entry.turn);
    return turn.success ? turn.data : undefined;
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

/** Wraps a candidate so answers are stored on disk and replayed, marked cached and free. */
export function withCache<C extends Candidate>(candidate: C, options: CacheOptions = {}): CachedCandidate<C> {
  const dir = options.dir ?? DEFAULT_CACHE_DIR;
  const env = options.env ?? process.env;
  const stats: CacheStats = { hits: 0, misses: 0, writes: 0, writeErrors: 0 };

  async function respond(req: RespondRequest): Promise<BotTurn> {
    const key = cacheKey(candidate.id, req, options.params, options.scope);
    const path = entryPath(dir, key);
    const stored = await readEntry(path);
    if (stored) {
      stats.hits++;
      return {
        ...stored,
        usage: {
          inputTokens: stored.usage?.inputTokens ?? 0,
          outputTokens: stored.usage?.outputTokens ?? 0,
          costUsd: 0,
          cached: true,
        },
      };
    }
    stats.misses++;
    const turn = await candidate.respond(req);
    const entry = {
      v: CACHE_VERSION,
      key,
      candidate: candidate.id,
      created: new Date().toISOString(),
      turn: redactDeep(turn, env),
    };
    try {
      await writeEntry(path, `${JSON.stringify(entry, null, 1)}\n`);
      stats.writes++;
    } catch (err) {
      // The call is paid for already; losing its answer over a cache problem would waste it.
      stats.writeErrors++;
      stats.lastWriteError = err instanceof Error ? err.message : String(err);
    }
    return turn;
  }

  // Own properties such as `family` or an HTTP bot's `runsOwnTools` stay visible through the wrapper.
  const cached: CachedCandidate<C> = { ...candidate, respond, cacheStats: stats };
  if (candidate.close) cached.close = () => candidate.close?.() ?? Promise.resolve();
  return cached;
}

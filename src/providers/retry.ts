import { redact } from "./redact.js";
import type { BotTurn, Candidate, RespondRequest } from "./types.js";
import { ProviderError } from "./types.js";

/** Retries with backoff, Retry-After and a per-call timeout, and the classification of failures. */

/** A failure to reach the server at all (reset, refused, DNS): worth another try. */
export class NetworkError extends ProviderError {
  constructor(message: string) {
    super("candidate_error", message);
    this.name = "NetworkError";
  }
}

/**
 * An answer that arrived whole but lacks what it must hold (a response mapping that leads nowhere,
 * a JSON body of the wrong shape): deterministic, so another try would only repeat it.
 */
export class ResponseShapeError extends ProviderError {
  constructor(message: string) {
    super("bad_response", message);
    this.name = "ResponseShapeError";
  }
}

/** Something that has response headers: a fetch Headers object or a plain record. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined> | null | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as milliseconds to wait: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The wait a response asks for: `retry-after-ms` (OpenAI) first, then `retry-after`. */
export function retryAfterFromHeaders(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const ms = header(headers, "retry-after-ms");
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  return parseRetryAfter(header(headers, "retry-after"), now);
}

/** Classifies an HTTP error status; the message must already be redacted. */
export function errorFromStatus(status: number, message: string, headers?: HeaderSource): ProviderError {
  const retryAfterMs = retryAfterFromHeaders(headers);
  if (status === 429) return new ProviderError("rate_limit", message, retryAfterMs, status);
  if (status === 408) return new ProviderError("timeout", message, retryAfterMs, status);
  // A wrong key, a missing permission or a wrong URL or model name will not fix itself.
  if (status === 401 || status === 403 || status === 404) {
    return new ProviderError("config", message, undefined, status);
  }
  return new ProviderError("candidate_error", message, retryAfterMs, status);
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/** Failures to connect at all: the request certainly never reached the server. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function errorCode(err: unknown, codes: ReadonlySet<string> = NETWORK_CODES): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 8; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && codes.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when the request certainly never reached the server (refused, unknown host, unreachable). */
export function neverSent(err: ProviderError): boolean {
  return err instanceof NetworkError && errorCode(err, NOT_SENT_CODES) !== undefined;
}

/** A copy of a ProviderError with another message, of the same class. */
function withMessage(err: ProviderError, message: string): ProviderError {
  if (err instanceof NetworkError) return new NetworkError(message);
  if (err instanceof ResponseShapeError) return new ResponseShapeError(message);
  return new ProviderError(err.kind, message, err.retryAfterMs, err.status);
}

/** Turns any failure of a candidate into a ProviderError with a redacted message. */
export function classifyError(err: unknown, label = "candidate"): ProviderError {
  if (err instanceof ProviderError) return withCause(withMessage(err, redact(err.message)), err);
  const message = redact(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  if (err instanceof SyntaxError) return withCause(new ProviderError("bad_response", `${label}: ${message}`), err);
  const code = errorCode(err);
  if (code || (err instanceof TypeError && /fetch failed|terminated|socket/i.test(err.message))) {
    return withCause(new NetworkError(`${label}: ${message}${code ? ` (${code})` : ""}`), err);
  }
  return withCause(new ProviderError("candidate_error", `${label}: ${message}`), err);
}

function withCause<E extends Error>(error: E, cause: unknown): E {
  if (cause !== error) error.cause = cause;
  return error;
}

/**
 * Whether another attempt can help: never for config errors, 4xx answers other than 408/409/425/429,
 * or an answer of the wrong shape.
 */
export function isRetryable(err: ProviderError): boolean {
  switch (err.kind) {
    case "config":
      return false;
    case "timeout":
    case "rate_limit":
      return true;
    case "bad_response":
      return !(err instanceof ResponseShapeError);
    case "candidate_error":
      if (err instanceof NetworkError) return true;
      return err.status !== undefined && (err.status >= 500 || [408, 409, 425].includes(err.status));
  }
}

export interface RetryOptions {
  /** Further attempts after the first (default 3). */
  retries?: number;
  /** The backoff ceiling of the first retry; it doubles each time (default 500 ms). */
  baseDelayMs?: number;
  /** The largest backoff wait (default 30 s). */
  maxDelayMs?: number;
  /** Limit of one attempt; 0 disables it (default 60 s). */
  timeoutMs?: number;
  /** A Retry-After longer than this ends the retries at once (default 120 s). */
  maxRetryAfterMs?: number;
  /** Waits; tests pass one that records and returns at once. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1), for the jitter. */
  random?: () => number;
  /** Told about every retry, e.g. for the progress line. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * The candidate keeps state between calls (an HTTP bot with `session: stateful`): a request that
   * may have reached it is never sent again, or it would see the customer's message twice. Only a
   * request that never left (connection refused, unknown host) and a 429 are retried.
   */
  stateful?: boolean;
}

/** Whether a failed request of a stateful candidate may be sent again: only when the server cannot have acted on it. */
export function isRepeatableForStatefulBot(err: ProviderError): boolean {
  return err.kind === "rate_limit" || neverSent(err);
}

export interface RetryEvent {
  candidate: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  error: ProviderError;
  delayMs: number;
}

/** Waits ms, or rejects with the signal's reason when it aborts first. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Full-jitter exponential backoff: uniform in [0, min(max, base·2^(attempt-1))). */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Wraps a candidate with per-call timeouts and retries; failures surface as classified ProviderErrors. */
export function withRetries<C extends Candidate>(candidate: C, options: RetryOptions = {}): C {
  const retries = options.retries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;

  async function respond(req: RespondRequest): Promise<BotTurn> {
    for (let attempt = 1; ; attempt++) {
      let error: ProviderError;
      try {
        const started = performance.now();
        const turn = await attemptOnce(candidate, req, timeoutMs);
        // After a retry, the bot's time is the attempt that answered, not the failed attempts
        // and the waits between them (a 429's Retry-After is not the bot being slow).
        return attempt === 1 ? turn : withLatency(turn, Math.round(performance.now() - started));
      } catch (err) {
        // Cancellation by the caller (Ctrl-C) is not a failure of the candidate.
        if (req.signal.aborted) throw req.signal.reason;
        error = classifyError(err, candidate.id);
      }
      if (isRetryable(error) && options.stateful && !isRepeatableForStatefulBot(error)) {
        throw finalError(
          withCause(
            withMessage(error, `${error.message} (not retried: the bot keeps state and may have received the request)`),
            error.cause ?? error,
          ),
          attempt,
        );
      }
      if (!isRetryable(error) || attempt > retries) throw finalError(error, attempt);
      if (error.retryAfterMs !== undefined && error.retryAfterMs > maxRetryAfterMs) {
        throw finalError(
          new ProviderError(
            error.kind,
            `${error.message} (asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s, more than the ${Math.ceil(maxRetryAfterMs / 1000)} s allowed)`,
            error.retryAfterMs,
            error.status,
          ),
          attempt,
        );
      }
      const delayMs = error.retryAfterMs ?? backoffDelay(attempt, baseDelayMs, maxDelayMs, random);
      options.onRetry?.({ candidate: candidate.id, attempt, error, delayMs });
      await sleep(delayMs, req.signal);
    }
  }

  // Own properties such as `family` or an HTTP bot's `runsOwnTools` stay visible through the wrapper.
  const wrapped: C = { ...candidate, respond };
  if (candidate.close) wrapped.close = () => candidate.close?.() ?? Promise.resolve();
  return wrapped;
}

function withLatency(turn: BotTurn, latencyMs: number): BotTurn {
  return { ...turn, usage: { ...(turn.usage ?? { inputTokens: 0, outputTokens: 0 }), latencyMs } };
}

function finalError(error: ProviderError, attempts: number): ProviderError {
  if (attempts <= 1) return error;
  return withCause(withMessage(error, `${error.message} (after ${attempts} attempts)`), error.cause ?? error);
}

/** One call under its own timeout; stops waiting even for a candidate that ignores its signal. */
async function attemptOnce(candidate: Candidate, req: RespondRequest, timeoutMs: number): Promise<BotTurn> {
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(req.signal.reason);
  if (req.signal.aborted) throw req.signal.reason;
  req.signal.addEventListener("abort", onOuterAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs > 0) {
    timer = setTimeout(() => {
      controller.abort(new ProviderError("timeout", `${candidate.id}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  }
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
  });
  const call = new Promise<BotTurn>((resolve) => resolve(candidate.respond({ ...req, signal: controller.signal })));
  // The loser of the race may still settle; its rejection is already accounted for.
  call.catch(() => {});
  aborted.catch(() => {});
  try {
    return await Promise.race([call, aborted]);
  } catch (err) {
    if (controller.signal.aborted && !req.signal.aborted) throw controller.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    req.signal.removeEventListener("abort", onOuterAbort);
  }
}

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { seededRng } from "../../src/analysis/random.js";

/** The shared part of the local protocol servers: loopback listener, recording, fault injection. */

/** One injected failure, decided per request. */
export type Fault =
  /** 429 with a Retry-After header (a number is seconds; a string is sent as is, e.g. an HTTP date). */
  | { kind: "rate_limit"; retryAfter?: number | string }
  /** A 5xx answer (500 unless told), optionally with Retry-After. */
  | { kind: "server_error"; status?: number; retryAfter?: number | string }
  /** The normal answer, but only after ms (longer than the client's timeout, typically). */
  | { kind: "delay"; ms: number }
  /** 200 with a body that is not valid JSON (or a broken SSE event when streaming). */
  | { kind: "malformed" }
  /** The connection is dropped without an answer. */
  | { kind: "reset" };
export type FaultKind = Fault["kind"];
export const FAULT_KINDS: readonly FaultKind[] = ["rate_limit", "server_error", "delay", "malformed", "reset"];

/** Probabilities per request; their sum must not exceed 1. */
export type FaultRates = Partial<Record<FaultKind, number>>;

export type FaultPlan =
  /** Fault of request i (0-based, counting every request); beyond the list, none. */
  | readonly (Fault | null | undefined)[]
  /** Decided by the test from the request. */
  | ((index: number, body: unknown) => Fault | null | undefined)
  /** Drawn from a seeded generator, so a run is reproducible. */
  | { seed: number; rates: FaultRates; delayMs?: number; retryAfter?: number | string; status?: number };

export interface ServerStats {
  /** Every request received, faulted or not. */
  requests: number;
  /** Requests answered normally (a delayed answer counts when it is sent). */
  answered: number;
  faults: Record<FaultKind, number>;
}

export interface TestServer<Body = unknown> {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Request bodies in arrival order (parsed JSON, or the raw text when it is not JSON). */
  requests: Body[];
  /** Request headers, in the same order. */
  headers: IncomingHttpHeaders[];
  stats: ServerStats;
  close(): Promise<void>;
}

/** What a protocol server does with one request that drew no fault (or a delay). */
export interface RequestContext<Body> {
  body: Body;
  headers: IncomingHttpHeaders;
  method: string;
  path: string;
  /** Index among all requests. */
  index: number;
  /** Index among requests that reach the script (no fault, or a delay): the position in an array script; -1 for a malformed answer. */
  answerIndex: number;
  res: ServerResponse;
}

export interface HarnessOptions<Body> {
  faults?: FaultPlan | undefined;
  /** The protocol's error body for a status (OpenAI and Anthropic shape these differently). */
  errorBody(status: number, message: string): unknown;
  /** The protocol's answer to a malformed fault; default: truncated JSON. */
  malformed?(ctx: RequestContext<Body>): void;
  handle(ctx: RequestContext<Body>): Promise<void> | void;
  /** Extra latency on every answer, e.g. a bot that thinks for 200 ms. */
  latencyMs?: number | undefined;
}

/** The analysis' seeded generator spreads faults reproducibly. */
export const seededRandom = seededRng;

function faultPicker(plan: FaultPlan | undefined): (index: number, body: unknown) => Fault | null | undefined {
  if (!plan) return () => null;
  if (typeof plan === "function") return plan;
  if (!("seed" in plan)) return (index) => plan[index];
  const { seed, rates, delayMs = 5_000, retryAfter, status } = plan;
  const random = seededRandom(seed);
  return () => {
    const r = random();
    let edge = 0;
    for (const kind of FAULT_KINDS) {
      edge += rates[kind] ?? 0;
      if (r < edge) return makeFault(kind, { delayMs, retryAfter, status });
    }
    return null;
  };
}

function makeFault(
  kind: FaultKind,
  o: { delayMs: number; retryAfter: number | string | undefined; status: number | undefined },
): Fault {
  switch (kind) {
    case "rate_limit":
      return o.retryAfter === undefined ? { kind } : { kind, retryAfter: o.retryAfter };
    case "server_error":
      return o.status === undefined ? { kind } : { kind, status: o.status };
    case "delay":
      return { kind, ms: o.delayMs };
    case "malformed":
    case "reset":
      return { kind };
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text).toString(),
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Starts a loopback server on a free port that records, injects faults and hands the rest to `handle`. */
export async function startHarness<Body>(options: HarnessOptions<Body>): Promise<TestServer<Body>> {
  const pickFault = faultPicker(options.faults);
  const requests: Body[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const stats: ServerStats = {
    requests: 0,
    answered: 0,
    faults: { rate_limit: 0, server_error: 0, delay: 0, malformed: 0, reset: 0 },
  };
  const timers = new Set<NodeJS.Timeout>();
  let answerIndex = 0;
  let closing = false;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: unknown = raw;
      try {
        body = raw === "" ? undefined : JSON.parse(raw);
      } catch {
        // Recorded raw: the protocol server decides whether that is an error.
      }
      const index = stats.requests++;
      requests.push(body as Body);
      headers.push(req.headers);
      const fault = pickFault(index, body) ?? null;
      if (fault) stats.faults[fault.kind]++;
      const ctx = (answer: number): RequestContext<Body> => ({
        body: body as Body,
        headers: req.headers,
        method: req.method ?? "GET",
        path: (req.url ?? "/").split("?")[0] ?? "/",
        index,
        answerIndex: answer,
        res,
      });
      switch (fault?.kind) {
        case "rate_limit":
        case "server_error": {
          const status = fault.kind === "rate_limit" ? 429 : (fault.status ?? 500);
          const extra: Record<string, string> = {};
          if (fault.retryAfter !== undefined) extra["retry-after"] = String(fault.retryAfter);
          const message =
            fault.kind === "rate_limit" ? "Rate limit reached (injected)" : "Internal server error (injected)";
          return sendJson(res, status, options.errorBody(status, message), extra);
        }
        case "reset":
          return req.socket.destroy();
        case "malformed": {
          if (options.malformed) return options.malformed(ctx(-1));
          res.writeHead(200, { "content-type": "application/json" });
          return res.end('{"id": "truncated", "choices": [{"index": 0, "message": {"role": "assi');
        }
        case "delay":
          await wait(fault.ms);
          break;
        default:
          break;
      }
      if (options.latencyMs) await wait(options.latencyMs);
      if (closing || res.destroyed) return;
      await options.handle(ctx(answerIndex++));
      stats.answered++;
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, options.errorBody(500, `test server bug: ${String(err)}`));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    headers,
    stats,
    close: async () => {
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A rough token count (4 characters a token), so usage figures move with the text. */
export function roughTokens(value: unknown): number {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? "");
  return Math.max(1, Math.ceil(text.length / 4));
}

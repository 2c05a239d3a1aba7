import http from "node:http";
import https from "node:https";

/**
 * One HTTP exchange with a whole-text answer, over keep-alive connections. Webhook bots are called
 * thousands of times a run; node:http costs a fraction of the CPU of `fetch` per call (no web
 * streams, Request or Response objects), which decides how many conversations two cores can hold
 * open at once (docs/benchmarks.md, concurrency).
 */

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface HttpRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** A client with its own pool of keep-alive connections; `close` ends them. */
export interface HttpClient {
  request(url: string, init: HttpRequestInit): Promise<HttpAnswer>;
  close(): void;
}

export function createHttpClient(): HttpClient {
  const agents = {
    "http:": new http.Agent({ keepAlive: true }),
    "https:": new https.Agent({ keepAlive: true }),
  };

  function request(target: string, init: HttpRequestInit): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const url = new URL(target);
      const transport = url.protocol === "https:" ? https : url.protocol === "http:" ? http : undefined;
      if (!transport) {
        reject(new TypeError(`unsupported protocol ${url.protocol} (use http: or https:)`));
        return;
      }
      const headers: Record<string, string | number> = { ...init.headers };
      if (init.body !== undefined) headers["content-length"] = Buffer.byteLength(init.body);
      const req = transport.request(
        url,
        { method: init.method, headers, agent: agents[url.protocol as "http:" | "https:"], signal: init.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString("utf8"),
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(init.body);
    });
  }

  return {
    request,
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}

import v8 from "node:v8";

/**
 * How far V8 may grow the heap over what a full collection left alive, in percent, while trials
 * stream to disk. V8 otherwise lets a cheap-to-collect heap grow to several times its live size,
 * and a long run with a small live heap (the plan, the domain, the language model) then holds
 * hundreds of megabytes of garbage: 100,000 trials peaked at 486 MB, against 249 MB with this
 * setting (docs/benchmarks.md). Garbage is collected a little more often instead.
 */
const RUN_HEAP_GROWING_PERCENT = 20;

/**
 * Runs `fn` with V8's heap growth held to RUN_HEAP_GROWING_PERCENT, then gives V8 back its own
 * judgement (0), because the report stage holds every line and should grow freely. The flag is
 * read at every full collection, so setting it on a running process takes effect at the next one.
 */
export async function withCompactHeap<T>(fn: () => Promise<T>): Promise<T> {
  v8.setFlagsFromString(`--heap-growing-percent=${RUN_HEAP_GROWING_PERCENT}`);
  try {
    return await fn();
  } finally {
    v8.setFlagsFromString("--heap-growing-percent=0");
  }
}

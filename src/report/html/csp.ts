import { createHash } from "node:crypto";

/** The CSP source expression allowing exactly this inline block's text. */
export function sha256Source(blockText: string): string {
  return `'sha256-${createHash("sha256").update(blockText, "utf8").digest("base64")}'`;
}

/**
 * A policy that forbids everything except the page's own inline script and style blocks, by hash.
 * No network, no images, no frames, no forms; `<base>` cannot redirect anything.
 */
export function contentSecurityPolicy(blocks: { scripts: readonly string[]; styles: readonly string[] }): string {
  return [
    "default-src 'none'",
    `script-src ${blocks.scripts.map(sha256Source).join(" ")}`,
    `style-src ${blocks.styles.map(sha256Source).join(" ")}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

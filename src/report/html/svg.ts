import type { ScoreDistribution } from "../../analysis/schema.js";
import { confidenceLabel, percent, percentRange } from "./format.js";
import { html, join, type SafeHtml } from "./html.js";

/** Small inline SVG charts; colours come from CSS classes so that print and themes stay consistent. */

const round = (x: number): number => Math.round(x * 10) / 10;
const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** A 0–100% track with the rate as a bar and its interval as a whisker. */
export function intervalBar(
  rate: number | null,
  low: number | null,
  high: number | null,
  options: { width?: number; label?: string; confidence?: number } = {},
): SafeHtml {
  const width = options.width ?? 160;
  const height = 18;
  if (rate === null) {
    return html`<svg class="chart interval" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="no estimate"><rect class="track" x="0" y="5" width="${width}" height="8" rx="2"></rect></svg>`;
  }
  const x = (v: number): number => round(clamp01(v) * width);
  const label = `${options.label ? `${options.label}: ` : ""}${percent(rate)} (${options.confidence === undefined ? "" : `${confidenceLabel(options.confidence)} `}interval ${percentRange(low, high)})`;
  const whisker =
    low !== null && high !== null
      ? html`<line class="whisker" x1="${x(low)}" x2="${x(high)}" y1="9" y2="9"></line><line class="whisker" x1="${x(low)}" x2="${x(low)}" y1="3" y2="15"></line><line class="whisker" x1="${x(high)}" x2="${x(high)}" y1="3" y2="15"></line>`
      : null;
  return html`<svg class="chart interval" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}"><title>${label}</title><rect class="track" x="0" y="5" width="${width}" height="8" rx="2"></rect><rect class="bar" x="0" y="5" width="${x(rate)}" height="8" rx="2"></rect>${whisker}</svg>`;
}

/** One horizontal bar split into shares (which sum to 1), each drawn with its CSS class. */
export function shareBar(parts: readonly { share: number; className: string; label: string }[], width = 560): SafeHtml {
  const height = 28;
  let offset = 0;
  const rects = parts.map((part) => {
    const w = round(clamp01(part.share) * width);
    const rect = html`<rect class="${part.className}" x="${round(offset)}" y="0" width="${w}" height="${height}"><title>${part.label}: ${percent(part.share)}</title></rect>`;
    offset += w;
    return rect;
  });
  const description = parts.map((p) => `${p.label} ${percent(p.share)}`).join(", ");
  return html`<svg class="chart shares" width="100%" height="${height}" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="${description}">${rects}</svg>`;
}

/** Bars per bin of a score distribution, with the scale's ends marked underneath. */
export function histogram(dist: ScoreDistribution, width = 220): SafeHtml {
  const height = 70;
  const plot = 52;
  const bins = dist.histogram;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const slot = bins.length > 0 ? width / bins.length : width;
  const bars = bins.map((bin, i) => {
    const h = round((bin.count / max) * plot);
    const from = Number.isInteger(bin.from) ? String(bin.from) : bin.from.toFixed(1);
    return html`<rect class="bar" x="${round(i * slot + 1)}" y="${round(plot - h)}" width="${round(Math.max(1, slot - 2))}" height="${h}"><title>${from}: ${bin.count}</title></rect>`;
  });
  const axis = html`<line class="axis" x1="0" x2="${width}" y1="${plot + 0.5}" y2="${plot + 0.5}"></line>`;
  // Integer levels (1–5) are labelled under their bars; other scales only at their ends.
  const levels = bins.length > 0 && bins.length <= 10 && bins.every((b) => Number.isInteger(b.from));
  const labels = levels
    ? join(
        bins.map(
          (bin, i) =>
            html`<text class="tick mid" x="${round((i + 0.5) * slot)}" y="${height - 3}">${String(bin.from)}</text>`,
        ),
      )
    : join([
        html`<text class="tick" x="0" y="${height - 3}">${String(dist.scale[0])}</text>`,
        html`<text class="tick end" x="${width}" y="${height - 3}">${String(dist.scale[1])}</text>`,
      ]);
  const label = `Distribution of ${dist.criterion} scores (${dist.kind}), n=${dist.n}`;
  return html`<svg class="chart histogram" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}"><title>${label}</title>${bars}${axis}${labels}</svg>`;
}

/** A median dot and a p95 whisker on a shared scale, for latency. */
export function rangeDot(p50: number | null, p95: number | null, max: number, width = 200): SafeHtml {
  const height = 18;
  if (p50 === null || max <= 0) {
    return html`<svg class="chart range" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="no data"></svg>`;
  }
  const x = (v: number): number => round(clamp01(v / max) * (width - 6) + 3);
  const tail =
    p95 !== null
      ? html`<line class="whisker" x1="${x(p50)}" x2="${x(p95)}" y1="9" y2="9"></line><line class="whisker" x1="${x(p95)}" x2="${x(p95)}" y1="4" y2="14"></line>`
      : null;
  return html`<svg class="chart range" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="median and 95th percentile"><line class="track-line" x1="3" x2="${width - 3}" y1="9" y2="9"></line>${tail}<circle class="dot" cx="${x(p50)}" cy="9" r="4"></circle></svg>`;
}

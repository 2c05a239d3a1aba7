import { pairedScenariosToDistinguish, scenariosToDistinguish } from "../analysis/stats.js";

/**
 * How many scenarios a gate rule needs before it can see a drop: the figures docs/ci.md prints, from the
 * analysis' power helpers, so the guide and the code cannot drift apart (a test compares them).
 */

export const POWER_DROPS = [0.05, 0.1, 0.15] as const;
export const POWER_THRESHOLDS = [0.95, 0.9, 0.8, 0.7] as const;
/** Shares of scenarios on which two versions of a bot disagree (one passes, the other fails). */
export const POWER_DISCORDANCE = [0.1, 0.2, 0.3] as const;

/** Scenarios for a threshold rule to catch a bot whose true pass rate is `drop` below `threshold`. */
export function thresholdScenarios(threshold: number, drop: number, alpha = 0.05, power = 0.8): number {
  return scenariosToDistinguish(threshold - drop, threshold, alpha, power);
}

/**
 * Shared scenarios for the paired baseline test to catch a drop, when the versions disagree on a share
 * `discordance` of scenarios; null when that drop is impossible with so few disagreements.
 */
export function pairedScenarios(discordance: number, drop: number, alpha = 0.05, power = 0.8): number | null {
  if (drop > discordance) return null;
  // A drop d with discordance δ means the old version wins a share (1 + d/δ)/2 of the disagreements.
  const favour = (1 + drop / discordance) / 2;
  return pairedScenariosToDistinguish(discordance, favour, alpha, power);
}

function points(x: number): string {
  return `${Math.round(x * 100)} points`;
}

function percent(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** The two Markdown tables of docs/ci.md (α 0.05, power 80%, one trial per scenario). */
export function renderPowerTables(alpha = 0.05, power = 0.8): string {
  const threshold = [
    `| true pass rate below the threshold by | ${POWER_THRESHOLDS.map((t) => `threshold ${percent(t)}`).join(" | ")} |`,
    `|---|${POWER_THRESHOLDS.map(() => "---:").join("|")}|`,
    ...POWER_DROPS.map(
      (d) =>
        `| ${points(d)} | ${POWER_THRESHOLDS.map((t) => String(thresholdScenarios(t, d, alpha, power))).join(" | ")} |`,
    ),
  ];
  const paired = [
    `| drop against the baseline | ${POWER_DISCORDANCE.map((q) => `versions disagree on ${percent(q)}`).join(" | ")} |`,
    `|---|${POWER_DISCORDANCE.map(() => "---:").join("|")}|`,
    ...POWER_DROPS.map(
      (d) =>
        `| ${points(d)} | ${POWER_DISCORDANCE.map((q) => {
          const n = pairedScenarios(q, d, alpha, power);
          return n === null ? "impossible" : String(n);
        }).join(" | ")} |`,
    ),
  ];
  return `${threshold.join("\n")}\n\n${paired.join("\n")}\n`;
}

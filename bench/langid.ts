/**
 * Language-identification benchmark for the reply-language grader: accuracy (overall and per
 * language), speed and installed size of candidate libraries on the hand-written corpus in
 * langid-samples.ts, then the same figures for the grader built on the chosen library.
 *
 * Run (Node 20 has no TypeScript stripping, so compile first; see docs/langid.md):
 *   npx tsc bench/langid.ts --outDir .supportbench-cache/bench --module nodenext --target es2023 \
 *     --strict --skipLibCheck --types node && node .supportbench-cache/bench/bench/langid.js
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  acceptedLanguages,
  createLanguageIdentifier,
  detectLanguage,
  IDENTIFIABLE_LANGUAGES,
  isReplyInLanguage,
  type LanguageCheck,
  type LanguageIdOptions,
  SUPPORTED_LANGUAGES,
  stripNonLinguistic,
  toPrimarySubtag,
} from "../src/graders/language-id.js";
import { LANGID_SAMPLES } from "./langid-samples.js";

type Detect = (text: string) => string | null;

interface Candidate {
  name: string;
  /** npm packages whose installed size counts for this candidate (the package and its dependencies). */
  packages: string[];
  /** The module imported; variants of an already imported module show no load time of their own. */
  entry: string;
  load: () => Promise<Detect>;
}

interface Sample {
  language: string;
  text: string;
}

const require = createRequire(import.meta.url);
const NODE_MODULES = join(process.cwd(), "node_modules");
const SPEED_PASSES = 3;
// Candidates worth a per-language and per-length look (the others lose on the summary already).
const DETAILED = [
  "franc, suite langs only",
  "tinyld (normal)",
  "eld/extrasmall",
  "eld/small",
  "eld/large",
  "eld/extrasmall, suite langs only",
  "eld/large, suite langs only",
];

// ISO 639-3 codes of the suite languages, for the libraries that can be restricted to a list.
const SUITE_ISO639_3 = [
  ..."eng deu fra spa ita nld por pol swe dan nob fin ces ron hun ell tur rus ukr arb heb hin jpn kor cmn".split(" "),
  ..."ind vie tha zlm tgl bul hrv slk slv lit ekk lvs cat".split(" "),
];

function samples(): Sample[] {
  return Object.entries(LANGID_SAMPLES).flatMap(([language, texts]) => texts.map((text) => ({ language, text })));
}

function francCandidate(name: string, pkg: string, only?: string[]): Candidate {
  return {
    name,
    packages: [pkg, "trigram-utils", "n-gram", "collapse-white-space"],
    entry: pkg,
    load: async () => {
      const { franc } = (await import(pkg)) as { franc: (text: string, options?: object) => string };
      const options = only ? { only, minLength: 1 } : { minLength: 1 };
      return (text) => {
        const code = franc(text, options);
        return code === "und" ? null : toPrimarySubtag(code);
      };
    },
  };
}

function tinyldCandidate(name: string, entry: string, only?: boolean): Candidate {
  return {
    name,
    packages: ["tinyld"],
    entry,
    load: async () => {
      const tinyld = (await import(entry)) as { detect: (text: string, opts?: object) => string };
      const opts = only
        ? { only: SUPPORTED_LANGUAGES.map((tag) => (tag === "fil" ? "tl" : tag === "nb" ? "no" : tag)) }
        : {};
      return (text) => {
        const code = tinyld.detect(text, opts);
        return code ? toPrimarySubtag(code) : null;
      };
    },
  };
}

interface EldModule {
  eld: {
    detect: (text: string) => { language: string };
    setLanguageSubset: (languages: string[] | boolean) => unknown;
    newInstance: () => EldModule["eld"];
  };
}

function eldCandidate(name: string, entry: string, subset?: boolean): Candidate {
  return {
    name,
    packages: ["eld"],
    entry,
    load: async () => {
      const eld = ((await import(entry)) as EldModule).eld.newInstance();
      if (subset)
        eld.setLanguageSubset(SUPPORTED_LANGUAGES.map((tag) => (tag === "fil" ? "tl" : tag === "nb" ? "no" : tag)));
      return (text) => {
        const code = eld.detect(text).language;
        return code ? toPrimarySubtag(code) : null;
      };
    },
  };
}

const CANDIDATES: Candidate[] = [
  francCandidate("franc", "franc"),
  francCandidate("franc, suite langs only", "franc", SUITE_ISO639_3),
  francCandidate("franc-min", "franc-min"),
  francCandidate("franc-all", "franc-all"),
  francCandidate("franc-all, suite langs only", "franc-all", SUITE_ISO639_3),
  tinyldCandidate("tinyld (normal)", "tinyld"),
  tinyldCandidate("tinyld (normal), suite langs only", "tinyld", true),
  tinyldCandidate("tinyld/heavy", "tinyld/heavy"),
  tinyldCandidate("tinyld/light", "tinyld/light"),
  eldCandidate("eld/extrasmall", "eld/extrasmall"),
  eldCandidate("eld/small", "eld/small"),
  eldCandidate("eld/medium", "eld/medium"),
  eldCandidate("eld/large", "eld/large"),
  eldCandidate("eld/large, suite langs only", "eld/large", true),
  eldCandidate("eld/extrasmall, suite langs only", "eld/extrasmall", true),
  {
    name: "languagedetect",
    entry: "languagedetect",
    packages: ["languagedetect"],
    load: async () => {
      const LanguageDetect = require("languagedetect") as new () => {
        setLanguageType: (type: string) => void;
        detect: (text: string, limit?: number) => [string, number][];
      };
      const detector = new LanguageDetect();
      detector.setLanguageType("iso2");
      return (text) => {
        const code = detector.detect(text, 1)[0]?.[0];
        return code ? toPrimarySubtag(code) : null;
      };
    },
  },
  {
    name: "lande",
    entry: "lande",
    packages: ["lande", "toygrad"],
    load: async () => {
      const lande = ((await import("lande")) as { default: (text: string) => [string, number][] }).default;
      return (text) => {
        const code = lande(text)[0]?.[0];
        return code ? toPrimarySubtag(code) : null;
      };
    },
  },
  {
    name: "@nlpjs/language-min",
    entry: "@nlpjs/language-min",
    packages: ["@nlpjs/language-min"],
    load: async () => {
      const { Language } = require("@nlpjs/language-min") as {
        Language: new () => { guess: (text: string) => { alpha3: string }[] };
      };
      const language = new Language();
      return (text) => {
        const code = language.guess(text)[0]?.alpha3;
        return code ? toPrimarySubtag(code) : null;
      };
    },
  },
];

/** Import time and heap growth of a module in a fresh Node process, so that nothing is cached. */
function coldLoad(entry: string): { ms: number; heapMb: number } {
  const script = [
    "globalThis.gc?.();",
    "const heap = process.memoryUsage().heapUsed;",
    "const start = performance.now();",
    `await import(${JSON.stringify(entry)});`,
    "const ms = performance.now() - start;",
    "globalThis.gc?.();",
    "console.log(JSON.stringify({ ms, heapMb: (process.memoryUsage().heapUsed - heap) / 1048576 }));",
  ].join("\n");
  const output = execFileSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script], {
    cwd: process.cwd(),
    encoding: "utf8",
  });
  return JSON.parse(output) as { ms: number; heapMb: number };
}

/** A library that throws on some input (one does, on Greek) counts as detecting nothing there. */
function crashSafe(detect: Detect): Detect {
  return (text) => {
    try {
      return detect(text);
    } catch {
      return null;
    }
  };
}

function directorySize(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += directorySize(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

function installedSize(packages: string[]): number {
  return packages.reduce((sum, name) => {
    try {
      return sum + directorySize(join(NODE_MODULES, name));
    } catch {
      return sum;
    }
  }, 0);
}

function installScripts(name: string): string {
  const manifest = JSON.parse(readFileSync(join(NODE_MODULES, name, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const scripts = Object.keys(manifest.scripts ?? {}).filter((key) => /^(pre|post)?install$/.test(key));
  return scripts.length ? scripts.join("+") : "none";
}

interface Score {
  correct: number;
  accepted: number;
  total: number;
  perLanguage: Map<string, { correct: number; total: number }>;
  confusions: Map<string, number>;
}

function score(detect: Detect, data: Sample[], prepare: (text: string) => string): Score {
  const result: Score = { correct: 0, accepted: 0, total: 0, perLanguage: new Map(), confusions: new Map() };
  for (const { language, text } of data) {
    const detected = detect(prepare(text));
    const row = result.perLanguage.get(language) ?? { correct: 0, total: 0 };
    row.total += 1;
    result.total += 1;
    if (detected === language) {
      row.correct += 1;
      result.correct += 1;
    } else {
      const key = `${language}→${detected ?? "none"}`;
      result.confusions.set(key, (result.confusions.get(key) ?? 0) + 1);
    }
    if (detected !== null && acceptedLanguages(language).includes(detected)) result.accepted += 1;
    result.perLanguage.set(language, row);
  }
  return result;
}

function msPerCall(detect: Detect, data: Sample[]): number {
  const texts = data.map((sample) => stripNonLinguistic(sample.text));
  for (const text of texts.slice(0, 20)) detect(text);
  const start = performance.now();
  for (let pass = 0; pass < SPEED_PASSES; pass += 1) for (const text of texts) detect(text);
  return (performance.now() - start) / (texts.length * SPEED_PASSES);
}

const percent = (part: number, whole: number): string => (whole ? ((100 * part) / whole).toFixed(1) : "-");
const megabytes = (bytes: number): string => (bytes / 1_048_576).toFixed(2);

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
  console.log();
}

function topConfusions(result: Score, count: number): string {
  return [...result.confusions.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([pair, n]) => `${pair}×${n}`)
    .join(", ");
}

/** Word prefixes of every sample, to see how accuracy falls with length and where "too short" starts. */
function prefixes(data: Sample[]): Sample[] {
  return data.flatMap(({ language, text }) => {
    const stripped = stripNonLinguistic(text);
    const words = stripped.split(" ");
    // Scripts without spaces between words are cut by characters instead.
    const units = words.length >= 3 ? words : [...stripped];
    const joiner = words.length >= 3 ? " " : "";
    return [1, 2, 3, 4, 6, 8, 12].flatMap((n) =>
      n < units.length ? [{ language, text: units.slice(0, n).join(joiner) }] : [],
    );
  });
}

const LENGTH_BINS = [0, 5, 10, 15, 20, 30, 50, Number.POSITIVE_INFINITY];

function letterCount(text: string): number {
  return (text.match(/\p{L}/gu) ?? []).length;
}

function lengthProfile(detect: Detect, data: Sample[]): string[][] {
  const rows: string[][] = [];
  for (let bin = 0; bin < LENGTH_BINS.length - 1; bin += 1) {
    const low = LENGTH_BINS[bin] ?? 0;
    const high = LENGTH_BINS[bin + 1] ?? Number.POSITIVE_INFINITY;
    const inBin = data.filter((sample) => {
      const letters = letterCount(sample.text);
      return letters > low && letters <= high;
    });
    const result = score(detect, inBin, (text) => text);
    rows.push([
      `${low + 1}–${high === Number.POSITIVE_INFINITY ? "∞" : high}`,
      String(inBin.length),
      percent(result.correct, inBin.length),
      percent(result.accepted, inBin.length),
    ]);
  }
  return rows;
}

type Check = (text: string, expected: string) => LanguageCheck;

interface CheckTally {
  rightOk: number;
  rightNull: number;
  rightFalse: number;
  wrongFalse: number;
  wrongNull: number;
  wrongOk: number;
  falseAlarms: string[];
  misses: string[];
}

/** Checks every text against its own language and against the given wrong ones. */
function tallyChecks(check: Check, data: Sample[], wrongLanguages: (language: string) => string[]): CheckTally {
  const tally: CheckTally = {
    rightOk: 0,
    rightNull: 0,
    rightFalse: 0,
    wrongFalse: 0,
    wrongNull: 0,
    wrongOk: 0,
    falseAlarms: [],
    misses: [],
  };
  for (const { language, text } of data) {
    const own = check(text, language);
    if (own.ok === true) tally.rightOk += 1;
    else if (own.ok === null) tally.rightNull += 1;
    else {
      tally.rightFalse += 1;
      tally.falseAlarms.push(`${language} "${text.slice(0, 50)}": ${own.reason}`);
    }
    for (const other of wrongLanguages(language)) {
      const verdict = check(text, other);
      if (verdict.ok === false) tally.wrongFalse += 1;
      else if (verdict.ok === null) tally.wrongNull += 1;
      else {
        tally.wrongOk += 1;
        tally.misses.push(`${language} "${text.slice(0, 50)}" passed as ${other}: ${verdict.reason}`);
      }
    }
  }
  return tally;
}

const otherLanguages = (language: string): string[] =>
  SUPPORTED_LANGUAGES.filter((other) => !acceptedLanguages(language).includes(other));

// The wrong languages a bot most plausibly slips into: the closest suite languages, plus English
// (German for English), the usual fallback of a model that loses the customer's language.
const NEIGHBOURS: Readonly<Record<string, string>> = {
  en: "de nl fr",
  de: "en nl da",
  fr: "en es it ca",
  es: "en pt ca it",
  it: "en es pt ca",
  nl: "en de da",
  pt: "en es ca it",
  pl: "en cs sk hr",
  sv: "en da nb",
  da: "en sv de",
  nb: "en sv de",
  fi: "en et hu",
  cs: "en sk pl sl",
  ro: "en it es ca",
  hu: "en fi et",
  el: "en ru bg",
  tr: "en de",
  ru: "en uk bg",
  uk: "en ru bg",
  ar: "en he",
  he: "en ar",
  hi: "en",
  ja: "en zh ko",
  ko: "en ja zh",
  zh: "en ja ko",
  id: "en fil vi",
  vi: "en id",
  th: "en",
  ms: "en fil",
  fil: "en id es",
  bg: "en ru uk",
  hr: "en sl sk cs",
  sk: "en cs pl sl",
  sl: "en hr sk cs",
  lt: "en lv pl",
  et: "en fi lv",
  lv: "en lt et",
  ca: "en es fr pt it",
};

const neighbours = (language: string): string[] =>
  (NEIGHBOURS[language] ?? "en").split(" ").filter((other) => !acceptedLanguages(language).includes(other));

const SETTINGS: readonly [string, Partial<LanguageIdOptions>][] = [
  ["default", {}],
  ["minLetters 8", { minLetters: 8 }],
  ["minLetters 12", { minLetters: 12 }],
  ["minLetters 20", { minLetters: 20 }],
  ["minMargin 0 (any lead decides)", { minMargin: 0, minMarginCyrillic: 0 }],
  ["minMargin 0.02", { minMargin: 0.02 }],
  ["minMargin 0.08", { minMargin: 0.08 }],
  ["minMarginCyrillic 0.04", { minMarginCyrillic: 0.04 }],
  ["minMarginCyrillic 0.005", { minMarginCyrillic: 0.005 }],
  ["shortTextLetters 0 (flat margin)", { shortTextLetters: 0 }],
  ["shortTextLetters 20", { shortTextLetters: 20 }],
  ["shortTextLetters 45", { shortTextLetters: 45 }],
  ["no orthography rules", { orthography: false }],
  ["no script shortcuts", { scriptShortcuts: false }],
  ["all eld languages", { languages: [...IDENTIFIABLE_LANGUAGES] }],
];

async function main(): Promise<void> {
  const data = samples();
  console.log(`Corpus: ${data.length} replies in ${Object.keys(LANGID_SAMPLES).length} languages.\n`);

  const measured: { candidate: Candidate; detect: Detect; raw: Score; stripped: Score }[] = [];
  const summaryRows: string[][] = [];
  const loadedEntries = new Set<string>();
  for (const candidate of CANDIDATES) {
    const detect = crashSafe(await candidate.load());
    const cold = loadedEntries.has(candidate.entry) ? undefined : coldLoad(candidate.entry);
    loadedEntries.add(candidate.entry);
    const raw = score(detect, data, (text) => text);
    const stripped = score(detect, data, stripNonLinguistic);
    measured.push({ candidate, detect, raw, stripped });
    summaryRows.push([
      candidate.name,
      percent(raw.correct, raw.total),
      percent(stripped.correct, stripped.total),
      percent(stripped.accepted, stripped.total),
      msPerCall(detect, data).toFixed(3),
      cold ? cold.ms.toFixed(0) : "(same)",
      cold ? cold.heapMb.toFixed(1) : "(same)",
      megabytes(installedSize(candidate.packages)),
      installScripts(candidate.packages[0] ?? ""),
    ]);
  }
  console.log("## Libraries (exact = detected tag equals the expected one; accepted = within the grader's groups)\n");
  printTable(
    [
      "library",
      "exact raw %",
      "exact stripped %",
      "accepted stripped %",
      "ms/call",
      "load ms",
      "heap MB",
      "installed MB",
      "install scripts",
    ],
    summaryRows,
  );

  console.log("## Most frequent confusions on stripped text\n");
  printTable(
    ["library", "confusions (expected→detected×count)"],
    measured.map(({ candidate, stripped }) => [candidate.name, topConfusions(stripped, 8)]),
  );

  const shown = measured.filter(({ candidate }) => DETAILED.includes(candidate.name));
  console.log("## Exact accuracy per language on stripped text, %\n");
  printTable(
    ["lang", ...shown.map(({ candidate }) => candidate.name), "grader"],
    Object.keys(LANGID_SAMPLES).map((language) => {
      const graderRow = score(
        (text) => detectLanguage(text).language,
        data,
        (text) => text,
      ).perLanguage.get(language);
      return [
        language,
        ...shown.map(({ stripped }) => {
          const row = stripped.perLanguage.get(language);
          return row ? percent(row.correct, row.total) : "-";
        }),
        graderRow ? percent(graderRow.correct, graderRow.total) : "-",
      ];
    }),
  );

  console.log("## Accuracy by length (letters after stripping) on word prefixes of the corpus\n");
  const short = prefixes(data);
  for (const { candidate, detect } of shown) {
    console.log(`### ${candidate.name}\n`);
    printTable(["letters", "texts", "exact %", "accepted %"], lengthProfile(detect, short));
    console.log(
      `confusions: ${topConfusions(
        score(detect, short, (text) => text),
        16,
      )}\n`,
    );
  }

  console.log("## The grader (src/graders/language-id.ts), default settings\n");
  const judged = data.map(({ language, text }) => ({ language, result: detectLanguage(text) }));
  const decided = judged.filter(({ result }) => result.language !== null);
  const exact = decided.filter(({ language, result }) => result.language === language).length;
  const graderStart = performance.now();
  for (let pass = 0; pass < SPEED_PASSES; pass += 1) for (const { text } of data) detectLanguage(text);
  const graderMs = (performance.now() - graderStart) / (data.length * SPEED_PASSES);
  const all = tallyChecks(isReplyInLanguage, data, otherLanguages);
  const hard = tallyChecks(isReplyInLanguage, data, neighbours);
  printTable(
    ["figure", "value"],
    [
      ["judged (not too short)", `${decided.length}/${data.length}`],
      ["exact detection on judged %", percent(exact, decided.length)],
      ["ms per detectLanguage call", graderMs.toFixed(3)],
      [
        "reply checked against its own language: ok=true / null / false",
        `${all.rightOk} / ${all.rightNull} / ${all.rightFalse}`,
      ],
      [
        "checked against every other language: ok=false / null / true",
        `${all.wrongFalse} / ${all.wrongNull} / ${all.wrongOk}`,
      ],
      [
        "checked against a neighbour language: ok=false / null / true",
        `${hard.wrongFalse} / ${hard.wrongNull} / ${hard.wrongOk}`,
      ],
    ],
  );
  for (const line of [...all.falseAlarms, ...all.misses].slice(0, 20)) console.log(`- ${line}`);

  console.log("\n## The grader by length (word prefixes; neighbour languages as the wrong ones)\n");
  printTable(
    [
      "letters",
      "texts",
      "own: true %",
      "own: null %",
      "own: false %",
      "wrong: false %",
      "wrong: null %",
      "wrong: true %",
    ],
    LENGTH_BINS.slice(0, -1).map((low, bin) => {
      const high = LENGTH_BINS[bin + 1] ?? Number.POSITIVE_INFINITY;
      const inBin = short.filter(({ text }) => {
        const letters = letterCount(text);
        return letters > low && letters <= high;
      });
      const t = tallyChecks(isReplyInLanguage, inBin, neighbours);
      const own = t.rightOk + t.rightNull + t.rightFalse;
      const wrong = t.wrongFalse + t.wrongNull + t.wrongOk;
      return [
        `${low + 1}–${high === Number.POSITIVE_INFINITY ? "∞" : high}`,
        String(inBin.length),
        percent(t.rightOk, own),
        percent(t.rightNull, own),
        percent(t.rightFalse, own),
        percent(t.wrongFalse, wrong),
        percent(t.wrongNull, wrong),
        percent(t.wrongOk, wrong),
      ];
    }),
  );

  console.log("## Grader settings compared (full replies + word prefixes; neighbour languages as the wrong ones)\n");
  const settingsRows: string[][] = [];
  for (const [label, options] of SETTINGS) {
    const identifier = createLanguageIdentifier(options);
    for (const [setName, set] of [
      ["replies", data],
      ["prefixes", short],
    ] as const) {
      const t = tallyChecks(identifier.check, set, neighbours);
      const own = t.rightOk + t.rightNull + t.rightFalse;
      const wrong = t.wrongFalse + t.wrongNull + t.wrongOk;
      settingsRows.push([
        label,
        setName,
        percent(t.rightOk, own),
        percent(t.rightNull, own),
        String(t.rightFalse),
        percent(t.wrongFalse, wrong),
        String(t.wrongOk),
      ]);
    }
  }
  printTable(
    ["setting", "texts", "own: true %", "own: null %", "false alarms", "wrong: false %", "missed"],
    settingsRows,
  );
  const prefixTally = tallyChecks(isReplyInLanguage, short, neighbours);
  console.log("False alarms on prefixes (default settings):");
  for (const line of prefixTally.falseAlarms.slice(0, 25)) console.log(`- ${line}`);
  console.log("Missed wrong languages on prefixes (default settings):");
  for (const line of prefixTally.misses.slice(0, 25)) console.log(`- ${line}`);
}

await main();

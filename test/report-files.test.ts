import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/analysis/analyze.js";
import { readScopePolicy } from "../src/analysis/read-policy.js";
import { RunsInputError } from "../src/analysis/read-run.js";
import { Analysis } from "../src/analysis/schema.js";
import { htmlRenderer, renderHtmlReport } from "../src/report/html/index.js";
import { renderJUnit, xmlEscape } from "../src/report/junit.js";
import { mdCode, mdText, renderMarkdown } from "../src/report/markdown.js";
import { parseSummaryJson, renderSummaryJson } from "../src/report/summary-json.js";
import { writeReports } from "../src/report/write.js";
import { ResultLine } from "../src/run/schema.js";
import { runCli } from "./helpers/cli.js";
import { makeResultLines, makeRunMeta } from "./helpers/synthetic-results.js";

/** A minimal XML element tree: enough to prove junit.xml is well-formed and to read it back. */
interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const ENTITY: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, at: number): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === "<") throw new Error(`raw '<' in text near ${at + i}`);
    if (ch !== "&") {
      out += ch;
      continue;
    }
    const end = raw.indexOf(";", i);
    if (end < 0) throw new Error(`unterminated entity near ${at + i}`);
    const name = raw.slice(i + 1, end);
    if (name.startsWith("#x")) out += String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    else if (name.startsWith("#")) out += String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    else if (name in ENTITY) out += ENTITY[name];
    else throw new Error(`unknown entity &${name}; near ${at + i}`);
    i = end;
  }
  return out;
}

const NAME_START = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === ":";
const NAME_CHAR = (c: string) => NAME_START(c) || (c >= "0" && c <= "9") || c === "-" || c === ".";
const SPACE = (c: string | undefined) => c === " " || c === "\n" || c === "\t" || c === "\r";

/** Parse a document with elements, attributes, text and an XML declaration; throws on anything malformed. */
function parseXml(doc: string): XmlNode {
  let i = 0;
  if (doc.startsWith("<?xml")) {
    i = doc.indexOf("?>") + 2;
    if (i < 2) throw new Error("unterminated XML declaration");
  }
  const root: XmlNode = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlNode[] = [root];
  const readName = () => {
    const start = i;
    if (!NAME_START(doc[i] ?? "")) throw new Error(`bad name at ${i}`);
    while (i < doc.length && NAME_CHAR(doc[i]!)) i++;
    return doc.slice(start, i);
  };
  while (i < doc.length) {
    const lt = doc.indexOf("<", i);
    const textEnd = lt < 0 ? doc.length : lt;
    const text = decode(doc.slice(i, textEnd), i);
    const top = stack.at(-1)!;
    if (top === root && text.trim() !== "") throw new Error(`text outside the root element at ${i}`);
    top.text += text;
    if (lt < 0) break;
    i = lt + 1;
    if (doc[i] === "/") {
      i++;
      const name = readName();
      while (SPACE(doc[i])) i++;
      if (doc[i] !== ">") throw new Error(`bad end tag at ${i}`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const node: XmlNode = { name: readName(), attrs: {}, children: [], text: "" };
    for (;;) {
      const hadSpace = SPACE(doc[i]);
      while (SPACE(doc[i])) i++;
      if (doc[i] === "/" && doc[i + 1] === ">") {
        i += 2;
        top.children.push(node);
        break;
      }
      if (doc[i] === ">") {
        i++;
        top.children.push(node);
        stack.push(node);
        break;
      }
      if (!hadSpace) throw new Error(`attributes need a space before them at ${i}`);
      const attr = readName();
      if (doc[i] !== "=") throw new Error(`attribute ${attr} without a value at ${i}`);
      const quote = doc[i + 1];
      if (quote !== '"' && quote !== "'") throw new Error(`unquoted attribute ${attr} at ${i}`);
      const end = doc.indexOf(quote, i + 2);
      if (end < 0) throw new Error(`unterminated attribute ${attr}`);
      if (attr in node.attrs) throw new Error(`duplicate attribute ${attr}`);
      node.attrs[attr] = decode(doc.slice(i + 2, end), i + 2);
      i = end + 1;
    }
    if (stack.length === 1 && root.children.length > 1) throw new Error("more than one root element");
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (root.children.length !== 1) throw new Error("no single root element");
  return root.children[0]!;
}

function all(node: XmlNode, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const walk = (n: XmlNode) => {
    if (n.name === name) out.push(n);
    n.children.forEach(walk);
  };
  walk(node);
  return out;
}

function elementNames(node: XmlNode): Set<string> {
  const names = new Set<string>();
  const walk = (n: XmlNode) => {
    names.add(n.name);
    n.children.forEach(walk);
  };
  walk(node);
  return names;
}

describe("the XML checker itself", () => {
  it("rejects malformed documents", () => {
    expect(() => parseXml("<a><b></a></b>")).toThrow();
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/);
    expect(() => parseXml("<a>1 < 2</a>")).toThrow();
    expect(() => parseXml("<a>&nbsp;</a>")).toThrow(/entity/);
    expect(() => parseXml("<a/><b/>")).toThrow();
    expect(() => parseXml("<a x=1/>")).toThrow(/unquoted/);
    expect(parseXml('<a x="&lt;&#10;"><b>t&amp;</b></a>').children[0]!.text).toBe("t&");
  });
});

describe("junit.xml", () => {
  const lines = makeResultLines({
    candidates: ["good", "bad"],
    scenarios: 30,
    trials: 2,
    seed: 6,
    hostile: true,
    errorRate: 0.05,
  });

  it("is well-formed with one testcase per scenario × candidate and consistent counts", () => {
    const xml = renderJUnit(lines);
    const doc = parseXml(xml);
    expect(doc.name).toBe("testsuites");
    expect([...elementNames(doc)].sort()).toEqual(["error", "failure", "testcase", "testsuite", "testsuites"]);
    const suites = all(doc, "testsuite");
    expect(suites.map((s) => s.attrs.name)).toEqual(["good", "bad"]);
    const cases = all(doc, "testcase");
    expect(cases).toHaveLength(60);
    expect(Number(doc.attrs.tests)).toBe(60);
    expect(all(doc, "failure").length).toBe(Number(doc.attrs.failures));
    expect(all(doc, "error").length).toBe(Number(doc.attrs.errors));
    for (const s of suites) {
      const own = all(s, "testcase");
      expect(Number(s.attrs.tests)).toBe(own.length);
      expect(Number(s.attrs.failures)).toBe(all(s, "failure").length);
    }
  });

  it("fails a testcase when any trial failed, naming the failed criteria and their reasons", () => {
    const doc = parseXml(renderJUnit(lines));
    const byCase = new Map<string, ResultLine[]>();
    for (const l of lines)
      byCase.set(`${l.candidate}|${l.scenario}`, [...(byCase.get(`${l.candidate}|${l.scenario}`) ?? []), l]);
    for (const tc of all(doc, "testcase")) {
      const candidate = tc.attrs.classname!.split(".synthetic.")[0]!;
      const scenario = tc.attrs.name!.split(" ")[0]!;
      const trials = byCase.get(`${candidate}|${scenario}`)!;
      const failed = trials.filter((l) => l.verdict === "fail");
      const failure = tc.children.find((c) => c.name === "failure");
      const error = tc.children.find((c) => c.name === "error");
      if (failed.length > 0) {
        expect(failure).toBeDefined();
        const criteria = new Set(
          failed.flatMap((l) => l.grades.filter((g) => g.pass === false).map((g) => g.criterion)),
        );
        for (const c of criteria) expect(failure!.attrs.message).toContain(c);
        const reason = failed[0]!.grades.find((g) => g.pass === false)!.reason;
        expect(failure!.text).toContain(reason);
      } else if (trials.some((l) => l.verdict === "error")) {
        expect(error).toBeDefined();
        expect(error!.attrs.message).toMatch(/in \d of 2 trial/);
      } else {
        expect(tc.children).toHaveLength(0);
      }
    }
  });

  it("escapes markup and drops characters XML cannot carry", () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    expect(xmlEscape("a\u0000b\u001bc\uD800")).toBe("a\uFFFDb\uFFFDc\uFFFD");
    const [base] = makeResultLines({ candidates: ["x"], scenarios: 1, seed: 1, errorRate: 0 });
    const nasty: ResultLine = {
      ...base!,
      candidate: 'x"/><testcase name="injected',
      verdict: "fail",
      grades: [
        {
          ...base!.grades[0]!,
          pass: false,
          reason: "]]></failure><script>alert(1)</script>\u0007 & done",
        },
      ],
    };
    const doc = parseXml(renderJUnit([nasty]));
    expect(all(doc, "testcase")).toHaveLength(1);
    expect(all(doc, "script")).toHaveLength(0);
    expect(all(doc, "failure")[0]!.text).toContain("]]></failure><script>alert(1)</script>\uFFFD & done");
    expect(all(doc, "testsuite")[0]!.attrs.name).toBe('x"/><testcase name="injected');
  });
});

describe("summary.md", () => {
  const lines = makeResultLines({
    candidates: ["openai:gpt-4.1", "builtin:faq-bot"],
    scenarios: 60,
    seed: 12,
    hostile: true,
  });
  const analysis = analyze(lines, [makeRunMeta(lines)], { bootstrapResamples: 200 });
  const md = renderMarkdown(analysis);

  it("has the headline, the candidate table, the comparison, the scope and the failures", () => {
    expect(md).toMatch(/^# supportbench: synthetic-12\n/);
    expect(md).toContain(`**Recommendation.** ${mdText(analysis.recommendation)}`);
    expect(md).toMatch(/\| Candidate \| Pass rate \(95% CI\) \| Scenarios \|/);
    for (const c of analysis.candidates) {
      const row = md.split("\n").find((l) => l.startsWith(`| ${mdCode(c.candidate)} |`));
      expect(row, c.candidate).toBeDefined();
      expect(row).toContain(`${(c.pass.rate! * 100).toFixed(1)}%`);
    }
    expect(md).toContain("## Paired comparison");
    expect(md).toMatch(/## Automation scope: `/);
    expect(md).toMatch(/\| Intent \| de \| en \| fr \| sv \|/);
    expect(md).toContain("## Top failures");
    // Every table row has as many cells as its header.
    const tables = md
      .split("\n\n")
      .map((b) => b.trim())
      .filter((b) => b.startsWith("|"));
    expect(tables.length).toBeGreaterThanOrEqual(5);
    for (const t of tables) {
      const rows = t.split("\n").map((r) => r.replace(/\\\|/g, "").split("|").length);
      expect(new Set(rows).size, t.slice(0, 80)).toBe(1);
    }
  });

  it("carries no live markup from the runs", () => {
    expect(md).not.toMatch(/<script|<img|<a /i);
    expect(mdText("a|b <b>x</b>\n*y*")).toBe("a\\|b &lt;b&gt;x&lt;/b&gt; \\*y\\*");
    expect(mdCode("a|b`c")).toBe("`a\\|b'c`");
  });

  it("shows insufficient evidence instead of a number", () => {
    const few = makeResultLines({ candidates: ["x"], scenarios: 3, seed: 2, errorRate: 0 });
    const text = renderMarkdown(analyze(few, []));
    expect(text).toMatch(/\d+\/3 \(too few scenarios\)/);
  });
});

describe("writeReports", () => {
  async function runDir(lines: readonly ResultLine[], meta = true): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "sb-report-"));
    await writeFile(join(dir, "results.jsonl"), `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    if (meta) await writeFile(join(dir, "run.json"), JSON.stringify(makeRunMeta([...lines])));
    return dir;
  }

  it("writes summary.json, summary.md, junit.xml and index.html from run directories", async () => {
    const lines = makeResultLines({ candidates: ["a", "b"], scenarios: 25, seed: 3 });
    const baselineLines = makeResultLines({ candidates: ["a"], scenarios: 25, seed: 4, run: "base" });
    const dir = await runDir(lines);
    const base = await runDir(baselineLines);
    const out = join(await mkdtemp(join(tmpdir(), "sb-out-")), "report");
    let seen: { lines: number; metas: number } | null = null;
    const result = await writeReports({
      runDirs: [dir],
      outDir: out,
      baselineDir: base,
      policyPath: join(import.meta.dirname, "..", "policies", "scope.yaml"),
      renderHtml: (a, l, m) => {
        seen = { lines: l.length, metas: m.length };
        return `<!doctype html><title>${a.candidates.length}</title>`;
      },
      analysis: { bootstrapResamples: 100 },
      now: () => new Date("2026-02-01T12:00:00Z"),
    });
    expect(result.files.map((f) => f.slice(out.length + 1))).toEqual([
      "summary.json",
      "summary.md",
      "junit.xml",
      "index.html",
    ]);
    expect(seen).toEqual({ lines: lines.length, metas: 1 });
    const summary = parseSummaryJson(await readFile(join(out, "summary.json"), "utf8"));
    expect(Analysis.parse(summary)).toEqual(result.analysis);
    expect(summary.generated_at).toBe("2026-02-01T12:00:00.000Z");
    expect(summary.settings.policy).toMatch(/scope\.yaml$/);
    expect(summary.baseline).toHaveLength(2);
    expect(await readFile(join(out, "index.html"), "utf8")).toBe("<!doctype html><title>2</title>");
    expect(parseXml(await readFile(join(out, "junit.xml"), "utf8")).name).toBe("testsuites");
    expect(await readFile(join(out, "summary.md"), "utf8")).toContain("## Against the baseline");
  });

  it("refuses unusable input with the file and line, and passes warnings on", async () => {
    const lines = makeResultLines({ candidates: ["a"], scenarios: 5, seed: 3 });
    const dir = await runDir(lines, false);
    await writeFile(join(dir, "results.jsonl"), `${JSON.stringify(lines[0])}\nnot json\n`);
    const error = await writeReports({ runDirs: [dir], outDir: join(dir, "out") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunsInputError);
    expect(String((error as Error).message)).toContain(`${join(dir, "results.jsonl")}:2`);
    const ok = await runDir(lines, false);
    const r = await writeReports({ runDirs: [ok], outDir: join(ok, "out") });
    expect(r.files).toHaveLength(3);
    expect(r.warnings.map((w) => w.message)).toEqual(["no run.json: run metadata unknown"]);
  });

  it("reads slim lines, yet writes exactly the reports that whole lines give", async () => {
    const lines = makeResultLines({ candidates: ["a", "b"], scenarios: 30, trials: 2, seed: 9 });
    const baselineLines = makeResultLines({ candidates: ["a"], scenarios: 30, trials: 2, seed: 10, run: "base" });
    const dir = await runDir(lines);
    const base = await runDir(baselineLines);
    const out = await mkdtemp(join(tmpdir(), "sb-out-"));
    const policyPath = join(import.meta.dirname, "..", "policies", "scope.yaml");
    const generatedAt = "2026-02-01T12:00:00.000Z";
    await writeReports({
      runDirs: [dir],
      outDir: out,
      baselineDir: base,
      policyPath,
      renderHtml: htmlRenderer({ maxConversations: 25 }),
      analysis: { bootstrapResamples: 100 },
      now: () => new Date(generatedAt),
    });
    const metas = [makeRunMeta([...lines])];
    const analysis = analyze(lines, metas, {
      bootstrapResamples: 100,
      policy: await readScopePolicy(policyPath),
      policySource: policyPath,
      baseline: { lines: baselineLines, metas: [makeRunMeta([...baselineLines])] },
      generatedAt,
    });
    const read = (f: string) => readFile(join(out, f), "utf8");
    expect(await read("summary.json")).toBe(renderSummaryJson(analysis));
    expect(await read("summary.md")).toBe(renderMarkdown(analysis));
    expect(await read("junit.xml")).toBe(renderJUnit(lines));
    // As read from a file: validated, so in the schema's key order.
    const stored = lines.map((l) => ResultLine.parse(JSON.parse(JSON.stringify(l))));
    expect(await read("index.html")).toBe(renderHtmlReport(analysis, stored, metas, { maxConversations: 25 }));
  });

  it("supportbench report: writes the four files, embedding as many conversations as --max-conversations says", async () => {
    const lines = makeResultLines({ candidates: ["a", "b"], scenarios: 20, seed: 5 });
    const dir = await runDir(lines);
    const r = await runCli(["report", dir, "--max-conversations", "7"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const f of ["summary.json", "summary.md", "junit.xml", "index.html"]) expect(r.stdout).toContain(f);
    const page = await readFile(join(dir, "index.html"), "utf8");
    expect(page).toContain(`This report embeds 7 of the ${lines.length} conversations`);
    const bad = await runCli(["report", dir, "--max-conversations", "some"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--max-conversations takes a whole number ≥ 0, got "some"');
    const all = await runCli(["report", dir]);
    expect(all.code).toBe(0);
    expect(await readFile(join(dir, "index.html"), "utf8")).not.toContain("This report embeds");
  });
});

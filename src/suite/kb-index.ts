import type { KbArticle } from "./domain-schema.js";

/** BM25 over help-centre articles: the retrieval behind search_help_center and builtin:faq-bot. */

const K1 = 1.2;
const B = 0.75;

/** Lower-cased word tokens; CJK and Thai text falls back to character bigrams. */
export function tokenize(text: string): string[] {
  const lower = text.normalize("NFKC").toLowerCase();
  const out: string[] = [];
  for (const m of lower.matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = m[0];
    if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u.test(w)) {
      const chars = [...w];
      if (chars.length === 1) out.push(w);
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
    } else if (w.length > 1 || /\p{N}/u.test(w)) {
      // A crude stem: long words share their first six letters across inflections.
      out.push(w.length > 7 ? w.slice(0, 6) : w);
    }
  }
  return out;
}

export interface KbHit {
  article: KbArticle;
  score: number;
}

export interface KbIndex {
  search(query: string, limit?: number): KbHit[];
  size: number;
}

/** Build an index over articles (callers pick the language subset). */
export function buildKbIndex(articles: KbArticle[]): KbIndex {
  const docs = articles.map((a) => {
    const tokens = tokenize(`${a.title} ${a.title} ${a.body}`);
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { article: a, tf, length: tokens.length };
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const avg = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length);
  const n = docs.length;
  return {
    size: n,
    search(query, limit = 3) {
      const q = [...new Set(tokenize(query))];
      const hits: KbHit[] = [];
      for (const d of docs) {
        let score = 0;
        for (const t of q) {
          const f = d.tf.get(t);
          if (!f) continue;
          const idf = Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
          score += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.length) / avg));
        }
        if (score > 0) hits.push({ article: d.article, score });
      }
      return hits.sort((a, b) => b.score - a.score || a.article.id.localeCompare(b.article.id)).slice(0, limit);
    },
  };
}

/** The articles in a language (by primary subtag), or English when there are none. */
export function articlesFor(articles: KbArticle[], language: string): { articles: KbArticle[]; language: string } {
  const primary = language.split("-")[0]!.toLowerCase();
  const own = articles.filter((a) => a.language.split("-")[0]!.toLowerCase() === primary);
  if (own.length) return { articles: own, language: primary };
  return { articles: articles.filter((a) => a.language === "en"), language: "en" };
}

const cache = new WeakMap<KbArticle[], Map<string, { index: KbIndex; language: string }>>();

/** The index of a domain's articles in a language, built once per article list and language. */
export function kbIndexFor(articles: KbArticle[], language: string): { index: KbIndex; language: string } {
  let byLang = cache.get(articles);
  if (!byLang) {
    byLang = new Map();
    cache.set(articles, byLang);
  }
  const primary = language.split("-")[0]!.toLowerCase();
  let entry = byLang.get(primary);
  if (!entry) {
    const subset = articlesFor(articles, primary);
    entry = { index: buildKbIndex(subset.articles), language: subset.language };
    byLang.set(primary, entry);
  }
  return entry;
}

/**
 * Tokenising Chinese for SQLite FTS5.
 *
 * FTS5's trigram tokenizer cannot match a term shorter than three characters, and most
 * Chinese words have two. Chinese has no spaces, so instead of segmenting words we index
 * overlapping character bigrams of every run of CJK characters ("红心猕猴桃" → 红心 心猕 猕猴
 * 猴桃), plus each single character in a separate column for one-character queries. A
 * query becomes the phrase of its own bigrams, which matches exactly the texts that contain
 * the query as a substring, through the index. Latin words and numbers stay whole (lower-cased).
 */

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
// Latin/other runs must stop at a CJK character ("5斤装" → "5" + "斤装"), or the CJK part
// would be indexed as one opaque word and never match a bigram query.
const RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|(?:(?![\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[\p{L}\p{N}])+/gu;

function isCjk(s: string): boolean {
  return CJK.test(s[0]);
}

export type Tokens = { grams: string; chars: string };

/** Text → the space-separated tokens stored in the FTS columns. */
export function tokenizeForIndex(text: string): Tokens {
  const grams: string[] = [];
  const chars: string[] = [];
  for (const run of text.normalize("NFKC").toLowerCase().match(RUN) ?? []) {
    if (isCjk(run)) {
      const cs = Array.from(run);
      chars.push(...cs);
      if (cs.length === 1) grams.push(cs[0]);
      for (let i = 0; i + 1 < cs.length; i++) grams.push(cs[i] + cs[i + 1]);
    } else {
      grams.push(run);
    }
  }
  return { grams: grams.join(" "), chars: chars.join(" ") };
}

/**
 * A user's query → an FTS5 MATCH expression, or null when it has nothing searchable.
 * Each term (CJK run or Latin word) must appear; CJK terms of two or more characters
 * are phrases of bigrams, single characters search the `chars` column, Latin words
 * match as prefixes ("app" finds "apple").
 */
export function buildMatchQuery(query: string): string | null {
  return matchQuery(query, "{title_grams body_grams}");
}

/**
 * The same query with every term in the title (the first ranking tier of a search), or null
 * when it cannot be said of the title alone: no terms, or a single character (the `chars`
 * column mixes title and body).
 */
export function buildTitleMatchQuery(query: string): string | null {
  return matchQuery(query, "{title_grams}");
}

function matchQuery(query: string, columns: string): string | null {
  const parts: string[] = [];
  for (const run of query.normalize("NFKC").toLowerCase().match(RUN) ?? []) {
    if (isCjk(run)) {
      const cs = Array.from(run);
      if (cs.length === 1) {
        if (columns !== "{title_grams body_grams}") return null;
        parts.push(`chars : "${cs[0]}"`);
      } else {
        const bigrams: string[] = [];
        for (let i = 0; i + 1 < cs.length; i++) bigrams.push(cs[i] + cs[i + 1]);
        parts.push(`${columns} : "${bigrams.join(" ")}"`);
      }
    } else {
      // Only letters and digits reach here, so quoting is safe.
      parts.push(`${columns} : "${run}"*`);
    }
    if (parts.length >= 8) break; // bound the work a long query can cause
  }
  return parts.length ? parts.join(" AND ") : null;
}

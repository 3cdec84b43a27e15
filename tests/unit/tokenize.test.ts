import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildMatchQuery, tokenizeForIndex } from "../../market/search/tokenize";

describe("tokenizeForIndex", () => {
  test("CJK runs become overlapping bigrams, plus single characters", () => {
    expect(tokenizeForIndex("红心猕猴桃")).toEqual({ grams: "红心 心猕 猕猴 猴桃", chars: "红 心 猕 猴 桃" });
  });

  test("a lone CJK character is its own gram", () => {
    expect(tokenizeForIndex("桃")).toEqual({ grams: "桃", chars: "桃" });
  });

  test("Latin words and numbers stay whole, lower-cased; punctuation splits runs", () => {
    expect(tokenizeForIndex("Fuji 苹果，5斤装!")).toEqual({ grams: "fuji 苹果 5 斤装", chars: "苹 果 斤 装" });
  });

  test("full-width Latin is normalised", () => {
    expect(tokenizeForIndex("ＡＰＰＬＥ").grams).toBe("apple");
  });

  test("punctuation only gives nothing", () => {
    expect(tokenizeForIndex("，。！?")).toEqual({ grams: "", chars: "" });
  });
});

describe("buildMatchQuery", () => {
  test("two or more CJK characters → a phrase of bigrams", () => {
    expect(buildMatchQuery("猕猴桃")).toBe('{title_grams body_grams} : "猕猴 猴桃"');
  });

  test("one CJK character searches the chars column", () => {
    expect(buildMatchQuery("桃")).toBe('chars : "桃"');
  });

  test("Latin words are prefix searches", () => {
    expect(buildMatchQuery("App")).toBe('{title_grams body_grams} : "app"*');
  });

  test("every term must match", () => {
    expect(buildMatchQuery("洛川 苹果")).toBe('{title_grams body_grams} : "洛川" AND {title_grams body_grams} : "苹果"');
  });

  test.each(["", "   ", "，。！", '"*()', "-:^"])("%j has nothing searchable → null", (q) => {
    expect(buildMatchQuery(q)).toBeNull();
  });

  test("long queries are bounded to 8 terms", () => {
    expect(buildMatchQuery(Array.from({ length: 20 }, (_, i) => `w${i}`).join(" "))!.split(" AND ")).toHaveLength(8);
  });
});

describe("matching against the real FTS5 table", () => {
  let sqlite: Database.Database;
  const docs = [
    { id: 1, title: "洛川红富士苹果 5斤装", body: "陕西洛川县苹果专业合作社直供" },
    { id: 2, title: "蒲江红心猕猴桃", body: "家庭农场种植，酸甜适中" },
    { id: 3, title: "Organic Apple Juice 有机苹果汁", body: "" },
    { id: 4, title: "五常大米", body: "东北稻花香" },
  ];

  beforeAll(() => {
    sqlite = new Database(":memory:");
    // The committed migration, so the test breaks if the table and the tokenizer drift apart.
    const migration = fs.readFileSync(path.resolve("db/migrations/0001_listing_search.sql"), "utf8");
    sqlite.exec(migration.replace(/--> statement-breakpoint/g, ""));
    const insert = sqlite.prepare("insert into listing_search (rowid, title_grams, body_grams, chars) values (?, ?, ?, ?)");
    for (const d of docs) {
      const t = tokenizeForIndex(d.title);
      const b = tokenizeForIndex(d.body);
      insert.run(d.id, t.grams, b.grams, `${t.chars} ${b.chars}`);
    }
  });

  afterAll(() => sqlite.close());

  function search(q: string): number[] {
    const match = buildMatchQuery(q);
    if (!match) return [];
    return sqlite
      .prepare("select rowid as id from listing_search where listing_search match ? order by rowid")
      .all(match)
      .map((r) => (r as { id: number }).id);
  }

  test("苹果 finds 红富士苹果 (and the apple juice)", () => {
    expect(search("苹果")).toEqual([1, 3]);
  });

  test("猕猴桃 finds 红心猕猴桃", () => {
    expect(search("猕猴桃")).toEqual([2]);
  });

  test("大苹果 does not match 红富士苹果: the whole query must be a substring", () => {
    expect(search("大苹果")).toEqual([]);
  });

  test("one character finds every text containing it", () => {
    expect(search("桃")).toEqual([2]);
    expect(search("米")).toEqual([4]);
  });

  test("CJK right after a number is still searchable (5斤装)", () => {
    expect(search("斤装")).toEqual([1]);
  });

  test("a word from the body matches", () => {
    expect(search("合作社")).toEqual([1]);
  });

  test("Latin prefix, case-insensitive", () => {
    expect(search("app")).toEqual([3]);
    expect(search("ORGANIC juice")).toEqual([3]);
    expect(search("pear")).toEqual([]);
  });

  test("terms combine with AND", () => {
    expect(search("洛川 苹果")).toEqual([1]);
    expect(search("洛川 猕猴桃")).toEqual([]);
  });

  test("quotes and FTS operators in the query cannot break the MATCH syntax", () => {
    expect(() => search('苹果" OR "x')).not.toThrow();
    expect(() => search("NEAR(苹果 桃) *")).not.toThrow();
  });
});

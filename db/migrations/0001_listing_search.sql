-- Full-text search for listings that works for Chinese.
-- FTS5's trigram tokenizer cannot match terms shorter than three characters and most
-- Chinese words have two, so the application tokenises text itself (app/search/tokenize.ts):
-- CJK runs become overlapping character bigrams in `grams`, single characters in `chars`
-- (for one-character queries), and Latin words stay whole. The unicode61 tokenizer then
-- just splits on the spaces we put in. rowid = listings.id.
CREATE VIRTUAL TABLE `listing_search` USING fts5(
  `title_grams`,
  `body_grams`,
  `chars`,
  tokenize = 'unicode61 remove_diacritics 2'
);

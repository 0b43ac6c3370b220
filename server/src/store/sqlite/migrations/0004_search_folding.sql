-- Search matches folded text, as the directory does: full-width and half-width characters,
-- katakana and hiragana, upper and lower case are the same, and spaces don't count, so
-- 「120」 finds 「１２０」 and 「ｶﾛﾅｰﾙ」 finds 「カロナール」. SQLite cannot fold Japanese, so the
-- server writes the folded copy of each body (tsunagu_api::kana::fold) to posts.search_text and
-- the index holds that. Rows written before this migration get theirs when the server starts
-- (db::fold_search_texts); until then the body itself is indexed.
ALTER TABLE posts ADD COLUMN search_text TEXT;

DROP TRIGGER posts_fts_insert;
DROP TRIGGER posts_fts_update;

CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts
WHEN NEW.system IS NULL AND NEW.deleted_at_ms IS NULL
BEGIN
    INSERT INTO post_search_keys (post_id) VALUES (NEW.id);
    INSERT INTO posts_fts (rowid, body)
    SELECT fts_rowid, COALESCE(NEW.search_text, NEW.body) FROM post_search_keys
    WHERE post_id = NEW.id;
END;

-- An edit (or the folded copy arriving) replaces the indexed text; a deletion removes it.
CREATE TRIGGER posts_fts_update AFTER UPDATE OF body, search_text, deleted_at_ms ON posts
WHEN NEW.system IS NULL
BEGIN
    DELETE FROM posts_fts
    WHERE rowid = (SELECT fts_rowid FROM post_search_keys WHERE post_id = NEW.id);
    INSERT INTO posts_fts (rowid, body)
    SELECT fts_rowid, COALESCE(NEW.search_text, NEW.body) FROM post_search_keys
    WHERE post_id = NEW.id AND NEW.deleted_at_ms IS NULL;
END;

-- The fold (tsunagu_api::kana::fold) now drops control characters. Posts folded before kept
-- them, and SQLite ends text at a NUL, so the index and LIKE never saw what followed one. Clear
-- those posts' folded text; the server writes it anew at start (db::fold_search_texts).
-- instr on the BLOB finds a NUL byte, which text functions cannot; GLOB finds the others.
UPDATE posts SET search_text = NULL
WHERE system IS NULL AND deleted_at_ms IS NULL AND search_text IS NOT NULL
  AND (instr(CAST(search_text AS BLOB), x'00') > 0
       OR search_text GLOB ('*[' || char(1) || '-' || char(31) || char(127) || ']*'));

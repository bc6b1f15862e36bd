-- Named queries of the SQLite store's records (see the records tables in schema.sql).

-- name: upsert_record
-- A replaced record keeps its created_at: the listing order never moves under a reader.
INSERT INTO records (kind, id, owner, data, idx, created_at, updated_at)
VALUES (:kind, :id, :owner, :data, :idx, :now, :now)
ON CONFLICT (kind, id) DO UPDATE SET
    owner = excluded.owner, data = excluded.data, idx = excluded.idx,
    updated_at = excluded.updated_at
RETURNING created_at, updated_at;

-- name: insert_index_entry
INSERT INTO record_index (kind, name, value, created_at, id)
VALUES (:kind, :name, :value, :created_at, :id);

-- name: delete_index_entries
DELETE FROM record_index WHERE kind = :kind AND id = :id;

-- name: delete_record
DELETE FROM records WHERE kind = :kind AND id = :id;

-- name: get_record
SELECT * FROM records WHERE kind = :kind AND id = :id;

-- name: get_records
-- :ids is a JSON array of ids.
SELECT * FROM records WHERE kind = :kind AND id IN (SELECT value FROM json_each(:ids));

-- name: records_of_kind
SELECT * FROM records WHERE kind = :kind
ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :skip;

-- name: count_of_kind
SELECT COUNT(*) FROM records WHERE kind = :kind;

-- name: records_of_owner
SELECT * FROM records WHERE kind = :kind AND owner = :owner
ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :skip;

-- name: count_of_owner
SELECT COUNT(*) FROM records WHERE kind = :kind AND owner = :owner;

-- name: records_where
-- Walks the index entries of one `where` field (:name = :value) newest first; the other
-- fields (:rest, a JSON object) and the owner (NULL for any) are checked per entry.
SELECT r.* FROM record_index AS i
JOIN records AS r ON r.kind = i.kind AND r.id = i.id
WHERE i.kind = :kind AND i.name = :name AND i.value = :value
  AND (:owner IS NULL OR r.owner = :owner)
  AND NOT EXISTS (
      SELECT 1 FROM json_each(:rest) AS w
      WHERE NOT EXISTS (
          SELECT 1 FROM record_index AS o
          WHERE o.kind = i.kind AND o.id = i.id AND o.name = w.key AND o.value = w.value))
ORDER BY i.created_at DESC, i.id DESC LIMIT :limit OFFSET :skip;

-- name: count_where
SELECT COUNT(*) FROM record_index AS i
JOIN records AS r ON r.kind = i.kind AND r.id = i.id
WHERE i.kind = :kind AND i.name = :name AND i.value = :value
  AND (:owner IS NULL OR r.owner = :owner)
  AND NOT EXISTS (
      SELECT 1 FROM json_each(:rest) AS w
      WHERE NOT EXISTS (
          SELECT 1 FROM record_index AS o
          WHERE o.kind = i.kind AND o.id = i.id AND o.name = w.key AND o.value = w.value));

-- name: records_of_owner_where
-- Walks the owner's records newest first, checking every `where` field (:rest) per record:
-- chosen when the owner has fewer records than any of the fields has entries.
SELECT r.* FROM records AS r
WHERE r.kind = :kind AND r.owner = :owner
  AND NOT EXISTS (
      SELECT 1 FROM json_each(:rest) AS w
      WHERE NOT EXISTS (
          SELECT 1 FROM record_index AS o
          WHERE o.kind = r.kind AND o.id = r.id AND o.name = w.key AND o.value = w.value))
ORDER BY r.created_at DESC, r.id DESC LIMIT :limit OFFSET :skip;

-- name: count_of_owner_where
SELECT COUNT(*) FROM records AS r
WHERE r.kind = :kind AND r.owner = :owner
  AND NOT EXISTS (
      SELECT 1 FROM json_each(:rest) AS w
      WHERE NOT EXISTS (
          SELECT 1 FROM record_index AS o
          WHERE o.kind = r.kind AND o.id = r.id AND o.name = w.key AND o.value = w.value));

-- name: size_of_field
-- How many index entries a field value has, counted up to :cap (a bounded look).
SELECT COUNT(*) FROM (
    SELECT 1 FROM record_index WHERE kind = :kind AND name = :name AND value = :value
    LIMIT :cap
);

-- name: size_of_owner
SELECT COUNT(*) FROM (SELECT 1 FROM records WHERE kind = :kind AND owner = :owner LIMIT :cap);

-- Time-ordered row ids (RFC 9562 UUID version 7), docs/adr/0021-time-ordered-ids.md: the first
-- 48 bits are the Unix time in milliseconds, then the version (7), 74 random bits and the
-- variant. New rows of remediation_actions and remediation_events then land on the right-hand
-- leaf of their primary-key (and actionId) indexes instead of a random leaf, so an insert dirties
-- one hot page rather than one cold page per index, and the WAL carries fewer full-page images.
-- The app mints ids in JavaScript (uuid's v7); this function is for ids minted inside a
-- statement (one event per moved row) and for history written after the fact (`at`). It is
-- gen_random_uuid() with its first six bytes replaced by the time and its version nibble turned
-- from 4 into 7 (set_bit counts bits from the right of each byte: bits 52 and 53 are 0x10 and
-- 0x20 of byte 6). PostgreSQL 18 has uuidv7(), 15-17 have not: one definition serves both.
-- Ids already stored stay as they are; both kinds are valid uuids and nothing orders by id alone.
CREATE OR REPLACE FUNCTION "time_ordered_uuid"(at timestamptz DEFAULT clock_timestamp()) RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              PLACING substring(int8send(floor(extract(epoch FROM at) * 1000)::bigint) FROM 3)
              FROM 1 FOR 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;

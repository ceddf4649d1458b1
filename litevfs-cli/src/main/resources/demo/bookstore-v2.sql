-- The demo database, version 2: version 1 plus a day of business. Generated with:
--   cp bookstore-v1.db bookstore-v2.db && sqlite3 bookstore-v2.db < bookstore-v2.sql
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 3001 UNION ALL SELECT i + 1 FROM n WHERE i < 3500)
INSERT INTO orders(id, book_id, qty, placed_at)
SELECT i, 1 + (i * 13) % 400, 1 + i % 3, '2026-11-21 12:00:00' FROM n;
UPDATE books SET price = round(price * 1.1, 2) WHERE year < 1970;
DELETE FROM orders WHERE id % 97 = 0;
COMMIT;

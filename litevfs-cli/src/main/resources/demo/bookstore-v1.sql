-- The demo database, version 1. Generated with the sqlite3 shell (3.40.1):
--   sqlite3 bookstore-v1.db < bookstore-v1.sql
PRAGMA page_size = 4096;
PRAGMA journal_mode = DELETE;
CREATE TABLE authors(id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT);
CREATE TABLE books(id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), title TEXT NOT NULL,
                   year INTEGER, price REAL);
CREATE TABLE orders(id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL REFERENCES books(id), qty INTEGER NOT NULL,
                    placed_at TEXT NOT NULL);
CREATE INDEX books_by_author ON books(author_id);
CREATE INDEX orders_by_book ON orders(book_id);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
INSERT INTO authors(id, name, country)
SELECT i, 'Author ' || i, CASE i % 4 WHEN 0 THEN 'NL' WHEN 1 THEN 'DE' WHEN 2 THEN 'FR' ELSE 'IT' END FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
INSERT INTO books(id, author_id, title, year, price)
SELECT i, 1 + (i * 7) % 50, 'Book number ' || i || ' of the demo shelf', 1950 + i % 75, round(5 + (i * 37) % 4000 / 100.0, 2)
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO orders(id, book_id, qty, placed_at)
SELECT i, 1 + (i * 13) % 400, 1 + i % 3, datetime('2026-01-01', '+' || (i * 17 % 300) || ' days') FROM n;
COMMIT;

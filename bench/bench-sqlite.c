/* bench-sqlite.c: the durability floor.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A store opened the valgkit way (vk_db_open: WAL, synchronous=FULL), and
 * a table shaped like the journal's (device, seq, hash, a 300-byte
 * COSE blob).  One row per transaction is what a check-in costs at the
 * least: every commit waits for the WAL's fsync, so this rate bounds
 * vk_journal_append() from above on this disk.  Batched (1,000 rows per
 * transaction) is what the count server pays per entry of a pushed batch.
 *
 * Usage: bench-sqlite [SECONDS] [DIR]   (DIR: where the database goes;
 * default a fresh directory under $TMPDIR, on the disk being measured)
 */

#include "vk-bench.h"
#include "vk-db.h"

#define BENCH "bench-sqlite"

static gboolean
insert_rows (VkDb *db, sqlite3_stmt *st, guint64 *seq, guint n, const guint8 *blob, GError **error)
{
  for (guint i = 0; i < n; i++)
    {
      guint8 hash[32];

      ++*seq;
      vk_sha256 ((const guint8 *)seq, sizeof *seq, hash);
      sqlite3_bind_text (st, 1, "bord-1", -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 2, (sqlite3_int64)*seq);
      sqlite3_bind_blob (st, 3, hash, 32, SQLITE_TRANSIENT);
      sqlite3_bind_blob (st, 4, blob, 300, SQLITE_STATIC);
      if (!vk_db_step_done (db, st, error))
        return FALSE;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 3.0;
  g_autofree char *dir = argc > 2 ? g_strdup (argv[2]) : g_dir_make_tmp ("vk-bench-sqlite-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) lat = g_array_new (FALSE, FALSE, sizeof (double));
  guint8 blob[300];
  guint64 seq = 0, rows;
  VkDb *db;
  sqlite3_stmt *st;
  double start, t, rate;

  memset (blob, 0xa5, sizeof blob);
  db = vk_db_open (path, 0x564B4252u /* 'VKBR' */, VK_DB_CREATE | VK_DB_WAL, &error);
  if (db == NULL)
    g_error ("%s", error->message);
  if (!vk_db_exec (db,
                   "CREATE TABLE entry (device_id TEXT NOT NULL, seq INTEGER NOT NULL, hash BLOB NOT NULL, "
                   "cose BLOB NOT NULL, PRIMARY KEY (device_id, seq)) STRICT",
                   &error))
    g_error ("%s", error->message);
  st = vk_db_prepare (db, "INSERT INTO entry (device_id, seq, hash, cose) VALUES (?1, ?2, ?3, ?4)", &error);
  if (st == NULL)
    g_error ("%s", error->message);

  /* One row per transaction. */
  start = vk_bench_now ();
  do
    {
      double t1 = vk_bench_now (), dt;

      if (!vk_db_begin_immediate (db, &error) || !insert_rows (db, st, &seq, 1, blob, &error)
          || !vk_db_commit (db, &error))
        g_error ("%s", error->message);
      dt = (vk_bench_now () - t1) * 1e3;
      g_array_append_val (lat, dt);
    }
  while ((t = vk_bench_now () - start) < seconds);
  rate = seq / t;
  g_array_sort (lat, vk_bench_compare_double);
  {
    double p50 = vk_bench_quantile (lat, 0.5), p99 = vk_bench_quantile (lat, 0.99);
    printf ("%s: 1 row per transaction: %" G_GUINT64_FORMAT " commits in %.2f s: %.0f/s, p50 %.2f ms, p99 %.2f ms\n",
            BENCH, seq, t, rate, p50, p99);
    vk_bench_result (BENCH, "insert_1_per_txn", rate, "rows/s", -1, "-",
                     "SQLite insert, 1 row per transaction, WAL + synchronous=FULL");
    vk_bench_result (BENCH, "commit_p99", p99, "ms", 20, "max",
                     "SQLite commit latency p99, 1 row (floor of check-in latency; goal < 20 ms)");
  }

  /* 1,000 rows per transaction. */
  rows = 0;
  start = vk_bench_now ();
  do
    {
      if (!vk_db_begin_immediate (db, &error) || !insert_rows (db, st, &seq, 1000, blob, &error)
          || !vk_db_commit (db, &error))
        g_error ("%s", error->message);
      rows += 1000;
    }
  while ((t = vk_bench_now () - start) < seconds);
  rate = rows / t;
  printf ("%s: 1,000 rows per transaction: %" G_GUINT64_FORMAT " rows in %.2f s: %.0f rows/s\n", BENCH, rows, t, rate);
  vk_bench_result (BENCH, "insert_batched", rate, "rows/s", -1, "-",
                   "SQLite insert, 1,000 rows per transaction, WAL + synchronous=FULL");

  sqlite3_finalize (st);
  vk_db_close (db);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    (void)g_unlink (wal);
    (void)g_unlink (shm);
    (void)g_unlink (path);
  }
  if (argc <= 2)
    (void)g_rmdir (dir);
  return 0;
}

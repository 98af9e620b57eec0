/* test-count-durable.c: the count server's group commit (vk-count-durable.c).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The count database commits with synchronous=NORMAL and the engine
 * flushes the WAL itself, outside its lock, one flush for every push
 * that committed meanwhile (issue 14).  What must hold: no receipt
 * leaves vk_count_ingest() before a flush that started after its commit
 * has finished, also when other threads commit at the same time; a
 * batch already held costs no commit and no flush; and once a flush
 * cannot be trusted, nothing more is stored or acknowledged.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vk-count.h"
#include "vk-error.h"
#include "vk-test-journals.h"

#define N_TABLES 6
#define PUSHES 30

typedef struct
{
  VkTestElection *te;
  char *db_path;
  VkCount *count;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  /* The fake election has 4 areas: two tables share some, each
   * checking in voters of its own. */
  f->te = vk_test_election_new (2 * PUSHES);
  for (guint i = 0; i < N_TABLES; i++)
    {
      g_autofree char *id = g_strdup_printf ("bord-%u", i + 1);
      guint area = i % 4 + 1;

      vk_test_add_device (f->te, id, "valgbord", area);
      vk_test_open (f->te, id, f->te->t0 - 60000);
      for (guint k = 1; k <= PUSHES; k++)
        vk_test_checkin (f->te, id, f->te->t0 + k * 6000, area, (i / 4) * PUSHES + k);
    }
  vk_test_add_device (f->te, "server-1", "server", VK_PACKAGE_NO_AREA);
  f->db_path = g_build_filename (f->te->dir, "count.db", NULL);
  f->count = vk_count_open (f->db_path, f->te->package, vk_test_get_key (f->te, "server-1"), &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->count, vk_count_close);
  g_clear_pointer (&f->te, vk_test_election_free);
  g_free (f->db_path);
}

typedef struct
{
  guint commits;
  guint durable;
  guint syncs;
} Stats;

static Stats
stats (VkCount *count)
{
  Stats s;

  vk_count_get_sync_stats (count, &s.commits, &s.durable, &s.syncs);
  return s;
}

static gboolean
push (VkCount *count, GBytes *batch, VkCountReceipt **ret_receipt, GError **error)
{
  return vk_count_ingest (count, g_bytes_get_data (batch, NULL), g_bytes_get_size (batch), "test", ret_receipt, error);
}

/* One push at a time: each stores, commits once and is flushed once
 * before its receipt comes back; a batch already held changes nothing. */
static void
test_one_by_one (Fixture *f, gconstpointer data)
{
  Stats before = stats (f->count), after;

  for (guint64 seq = 1; seq <= 5; seq++)
    {
      g_autoptr (GBytes) batch = vk_test_batch (f->te, "bord-1", seq, seq);
      g_autoptr (VkCountReceipt) r = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_true (push (f->count, batch, &r, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (r->seq, ==, seq);
      g_assert_cmpuint (r->stored, ==, 1);
      after = stats (f->count);
      g_assert_cmpuint (after.commits, ==, before.commits + 1);
      g_assert_cmpuint (after.syncs, ==, before.syncs + 1);
      g_assert_cmpuint (after.durable, ==, after.commits);
      before = after;
    }

  /* Replayed: answered from what is held, nothing to commit or flush. */
  {
    g_autoptr (GBytes) batch = vk_test_batch (f->te, "bord-1", 1, 5);
    g_autoptr (VkCountReceipt) r = NULL;
    g_autoptr (GError) error = NULL;

    g_assert_true (push (f->count, batch, &r, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (r->stored, ==, 0);
    g_assert_cmpuint (r->seq, ==, 5);
    after = stats (f->count);
    g_assert_cmpuint (after.commits, ==, before.commits);
    g_assert_cmpuint (after.syncs, ==, before.syncs);
  }

  /* What was acknowledged is what a restart finds. */
  g_clear_pointer (&f->count, vk_count_close);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VkCount) ro = vk_count_open_read_only (f->db_path, f->te->package, &error);
    g_autoptr (GPtrArray) held = NULL;

    g_assert_no_error (error);
    held = vk_count_dup_entries (ro, "bord-1", 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (held->len, ==, 5);
  }
}

typedef struct
{
  Fixture *f;
  char *device;
  guint late; /* receipts returned before their commit was flushed */
  guint failed;
} Table;

static gpointer
table_thread (gpointer data)
{
  Table *t = data;

  for (guint64 seq = 1; seq <= PUSHES + 1; seq++)
    {
      g_autoptr (GBytes) batch = vk_test_batch (t->f->te, t->device, seq, seq);
      g_autoptr (VkCountReceipt) r = NULL;
      g_autoptr (GError) error = NULL;
      /* This push's commit comes after every commit counted now. */
      guint before = stats (t->f->count).commits;

      if (!push (t->f->count, batch, &r, &error) || r->seq != seq)
        {
          t->failed++;
          continue;
        }
      if ((gint)(stats (t->f->count).durable - (before + 1)) < 0)
        t->late++;
    }
  return NULL;
}

/* Tables pushing at once, each its own journal entry by entry: every
 * receipt follows a flush that covers its commit, and no push is lost. */
static void
test_concurrent (Fixture *f, gconstpointer data)
{
  Table tables[N_TABLES] = { 0 };
  GThread *threads[N_TABLES];
  Stats before = stats (f->count), after;

  for (guint i = 0; i < N_TABLES; i++)
    {
      tables[i].f = f;
      tables[i].device = g_strdup_printf ("bord-%u", i + 1);
      threads[i] = g_thread_new ("table", table_thread, &tables[i]);
    }
  for (guint i = 0; i < N_TABLES; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) held = NULL;

      g_thread_join (threads[i]);
      g_assert_cmpuint (tables[i].failed, ==, 0);
      g_assert_cmpuint (tables[i].late, ==, 0);
      held = vk_count_dup_entries (f->count, tables[i].device, 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (held->len, ==, PUSHES + 1);
      g_free (tables[i].device);
    }
  after = stats (f->count);
  g_assert_cmpuint (after.commits - before.commits, ==, N_TABLES * (PUSHES + 1));
  g_assert_cmpuint (after.durable, ==, after.commits);
  g_assert_cmpuint (after.syncs - before.syncs, >=, 1);
  g_assert_cmpuint (after.syncs - before.syncs, <=, N_TABLES * (PUSHES + 1));
  g_test_message ("%u commits, %u flushes", after.commits - before.commits, after.syncs - before.syncs);
}

/* A WAL the engine cannot flush (here: removed under it) gives no
 * receipt, and from then on nothing is stored or acknowledged. */
static void
test_flush_lost (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) first = vk_test_batch (f->te, "bord-1", 1, 1);
  g_autoptr (GBytes) second = vk_test_batch (f->te, "bord-1", 2, 2);
  g_autoptr (GBytes) other = vk_test_batch (f->te, "bord-2", 1, 1);
  g_autofree char *wal = g_strconcat (f->db_path, "-wal", NULL);
  g_autoptr (VkCountReceipt) r = NULL;
  g_autoptr (GError) error = NULL;
  Stats s;

  g_assert_true (push (f->count, first, &r, &error));
  g_assert_no_error (error);
  g_clear_pointer (&r, vk_count_receipt_free);

  g_assert_cmpint (g_unlink (wal), ==, 0);
  g_assert_false (push (f->count, second, &r, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_IO);
  g_assert_null (r);
  g_clear_error (&error);

  s = stats (f->count);
  g_assert_false (push (f->count, other, &r, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_IO);
  g_assert_null (r);
  g_clear_error (&error);
  g_assert_cmpuint (stats (f->count).commits, ==, s.commits);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (vk_crypto_init (NULL));
  g_test_add ("/count-durable/one-by-one", Fixture, NULL, fixture_set_up, test_one_by_one, fixture_tear_down);
  g_test_add ("/count-durable/concurrent", Fixture, NULL, fixture_set_up, test_concurrent, fixture_tear_down);
  g_test_add ("/count-durable/flush-lost", Fixture, NULL, fixture_set_up, test_flush_lost, fixture_tear_down);
  return g_test_run ();
}

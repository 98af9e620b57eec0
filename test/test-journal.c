/* test-journal.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "vk-cose.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-journal.h"
#include "vk-text.h"
#include "vk-test-util.h"

static const guint8 election_id[VK_ELECTION_ID_BYTES] = {
  0x45, 0x4c, 0x45, 0x43, 0x54, 0x49, 0x4f, 0x4e, 1,  2,  3,  4,  5,  6,  7,  8,
  9,    10,   11,   12,   13,   14,   15,   16,   17, 18, 19, 20, 21, 22, 23, 24,
};

static const guint8 seed_a[VK_SEED_BYTES] = { 'a', 'a', 'a', 'a' };
static const guint8 seed_b[VK_SEED_BYTES] = { 'b', 'b', 'b', 'b' };

/* The enrolment the tests verify against: device "bord-1" with key A. */
typedef struct
{
  const char *device_id;
  const guint8 *public_key;
  guint64 valid_from;
  guint64 valid_to;
} Enrolment;

static gboolean
lookup_cb (const char *device_id, VkDeviceInfo *ret_info, gpointer user_data)
{
  const Enrolment *e = user_data;

  if (g_strcmp0 (device_id, e->device_id) != 0)
    return FALSE;
  memcpy (ret_info->public_key, e->public_key, VK_PUBLIC_KEY_BYTES);
  ret_info->role = g_strdup ("valgbord");
  ret_info->area = 1;
  ret_info->valid_from = e->valid_from;
  ret_info->valid_to = e->valid_to;
  return TRUE;
}

static VkCbor *
checkin_body (guint64 loebenummer)
{
  VkCbor *body = vk_cbor_new_map ();

  vk_cbor_map_set_uint (body, "area", 1);
  vk_cbor_map_set_uint (body, "loebenummer", loebenummer);
  vk_cbor_map_set_text (body, "method", "scan");
  return body;
}

/* A journal of n entries by device bord-1 with key A, in a fresh database. */
static GPtrArray *
make_entries (guint n, char **ret_db_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "station.db", NULL);
  g_autoptr (VkKeypair) key = vk_keypair_new_from_seed (seed_a);
  g_autoptr (VkJournal) journal = vk_journal_open (path, election_id, "bord-1", &error);
  GPtrArray *entries;

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (VkCbor) body = checkin_body (100 + i);
      g_autoptr (VkEntry) entry
          = vk_journal_append_at (journal, key, 1763452800000 + i * 1000, "checkin", body, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (entry->seq, ==, i + 1);
    }
  entries = vk_journal_dup_entries (journal, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, n);
  if (ret_db_path != NULL)
    *ret_db_path = g_steal_pointer (&path);
  return entries;
}

static gboolean
verify (GPtrArray *entries, VkVerifyFlags flags, GError **error)
{
  g_autoptr (VkKeypair) key = vk_keypair_new_from_seed (seed_a);
  Enrolment e = { "bord-1", vk_keypair_get_public_key (key), 0, 0 };

  return vk_journal_verify (entries, election_id, lookup_cb, &e, flags, NULL, error);
}

static void
test_journal_append_verify (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) entries = make_entries (5, &path);
  g_autoptr (VkKeypair) key = vk_keypair_new_from_seed (seed_a);
  Enrolment e = { "bord-1", vk_keypair_get_public_key (key), 0, 0 };
  VkVerifyReport report;
  VkEntry *first = g_ptr_array_index (entries, 0);
  VkEntry *last = g_ptr_array_index (entries, 4);
  guint8 digest[32];

  g_assert_true (vk_journal_verify (entries, election_id, lookup_cb, &e, VK_VERIFY_DEFAULT, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.entries, ==, 5);
  g_assert_cmpuint (report.head_seq, ==, 5);
  g_assert_cmpmem (report.head_hash, 32, last->hash, 32);

  /* The entry's fields come back as they were appended. */
  g_assert_cmpstr (first->device_id, ==, "bord-1");
  g_assert_cmpstr (first->type, ==, "checkin");
  g_assert_cmpuint (first->time_ms, ==, 1763452800000);
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_text (first->body, "loebenummer")), ==, 100);
  /* The hash is the SHA-256 of the payload, and each prev is the hash of the one before. */
  vk_sha256 (g_bytes_get_data (first->payload, NULL), g_bytes_get_size (first->payload), digest);
  g_assert_cmpmem (digest, 32, first->hash, 32);
  for (guint i = 1; i < entries->len; i++)
    g_assert_cmpmem (((VkEntry *)g_ptr_array_index (entries, i))->prev, 32,
                     ((VkEntry *)g_ptr_array_index (entries, i - 1))->hash, 32);

  /* Reopening continues the chain where it ended. */
  {
    g_autoptr (VkJournal) journal = vk_journal_open (path, election_id, "bord-1", &error);
    g_autoptr (VkCbor) body = checkin_body (999);
    g_autoptr (VkEntry) entry = NULL;
    g_autoptr (GPtrArray) all = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (vk_journal_get_head_seq (journal), ==, 5);
    g_assert_cmpmem (vk_journal_get_head_hash (journal), 32, last->hash, 32);
    /* An earlier clock is clamped: time never runs backwards. */
    entry = vk_journal_append_at (journal, key, 1000, "checkin", body, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entry->seq, ==, 6);
    g_assert_cmpuint (entry->time_ms, ==, last->time_ms);
    all = vk_journal_dup_entries (journal, 0, &error);
    g_assert_no_error (error);
    g_assert_true (verify (all, VK_VERIFY_DEFAULT, &error));
    g_assert_no_error (error);
  }
}

static void
test_journal_bound (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) entries = make_entries (1, &path);
  guint8 other_election[VK_ELECTION_ID_BYTES] = { 9 };
  VkJournal *journal;

  journal = vk_journal_open (path, other_election, "bord-1", &error);
  g_assert_null (journal);
  g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
  g_assert_nonnull (strstr (error->message, "another election"));
  g_clear_error (&error);

  journal = vk_journal_open (path, election_id, "bord-2", &error);
  g_assert_null (journal);
  g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
  g_assert_nonnull (strstr (error->message, "another device"));
}

static void
test_journal_file_roundtrip (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr (GPtrArray) entries = make_entries (4, &db_path);
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *file = g_build_filename (dir, "bord-1.vkj", NULL);
  g_autoptr (GPtrArray) read = NULL;
  g_autoptr (GBytes) a = vk_journal_serialize (entries);
  g_autoptr (GBytes) b = NULL;

  g_assert_true (vk_journal_write_file (entries, file, &error));
  g_assert_no_error (error);
  read = vk_journal_read_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 4);
  b = vk_test_read_file (file);
  g_assert_true (g_bytes_equal (a, b));
  g_assert_true (verify (read, VK_VERIFY_DEFAULT, &error));
  g_assert_no_error (error);

  /* The export of the database is the same file. */
  {
    g_autoptr (VkJournal) journal = vk_journal_open (db_path, election_id, "bord-1", &error);
    g_autofree char *file2 = g_build_filename (dir, "export.vkj", NULL);
    g_autoptr (GBytes) c = NULL;

    g_assert_no_error (error);
    g_assert_true (vk_journal_export (journal, file2, &error));
    g_assert_no_error (error);
    c = vk_test_read_file (file2);
    g_assert_true (g_bytes_equal (a, c));
  }

  /* A missing file names the file. */
  {
    g_autoptr (GPtrArray) none = vk_journal_read_file ("/nonexistent/x.vkj", &error);
    g_assert_null (none);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "/nonexistent/x.vkj"));
  }
}

/* Flip every bit of a small signed journal file in turn: either the file
 * no longer parses or it no longer verifies.  Never both pass. */
static void
test_journal_tamper_every_bit (void)
{
  g_autoptr (GPtrArray) entries = make_entries (3, NULL);
  g_autoptr (GBytes) bytes = vk_journal_serialize (entries);
  gsize len = g_bytes_get_size (bytes);
  g_autofree guint8 *buf = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  guint parse_fail = 0, verify_fail = 0;

  for (gsize i = 0; i < len * 8; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) parsed = NULL;

      buf[i / 8] ^= (guint8)(1u << (i % 8));
      parsed = vk_journal_parse (buf, len, "tampered.vkj", &error);
      if (parsed == NULL)
        {
          g_assert_nonnull (error);
          g_assert_nonnull (strstr (error->message, "tampered.vkj"));
          parse_fail++;
        }
      else
        {
          g_assert_no_error (error);
          if (verify (parsed, VK_VERIFY_DEFAULT, &error))
            g_error ("bit %" G_GSIZE_FORMAT " flipped and the journal still verifies", i);
          g_assert_nonnull (error);
          verify_fail++;
        }
      buf[i / 8] ^= (guint8)(1u << (i % 8));
    }
  g_test_message ("%" G_GSIZE_FORMAT " bits: %u failed to parse, %u failed to verify", len * 8, parse_fail,
                  verify_fail);
  g_assert_cmpuint (parse_fail + verify_fail, ==, len * 8);
  /* Both layers are exercised: signature bytes parse but do not verify. */
  g_assert_cmpuint (verify_fail, >, 0);
  g_assert_cmpuint (parse_fail, >, 0);
}

/* Cut the file at every byte: a cut inside an entry is a clean parse
 * error; a cut between entries gives a shorter journal that still
 * verifies as a prefix (only the count server's receipts can tell it is
 * short, see the audit). */
static void
test_journal_truncate (void)
{
  g_autoptr (GPtrArray) entries = make_entries (3, NULL);
  g_autoptr (GBytes) bytes = vk_journal_serialize (entries);
  gsize len = g_bytes_get_size (bytes);
  const guint8 *data = g_bytes_get_data (bytes, NULL);
  gsize boundary[4] = { 0 };

  for (guint i = 0; i < 3; i++)
    boundary[i + 1] = boundary[i] + g_bytes_get_size (((VkEntry *)g_ptr_array_index (entries, i))->cose);
  g_assert_cmpuint (boundary[3], ==, len);

  for (gsize cut = 1; cut < len; cut++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree guint8 *copy = g_memdup2 (data, cut); /* exact size: ASan sees any over-read */
      g_autoptr (GPtrArray) parsed = vk_journal_parse (copy, cut, "cut.vkj", &error);

      if (cut == boundary[1] || cut == boundary[2])
        {
          g_assert_no_error (error);
          g_assert_cmpuint (parsed->len, ==, cut == boundary[1] ? 1 : 2);
          g_assert_true (verify (parsed, VK_VERIFY_DEFAULT, &error));
          g_assert_no_error (error);
        }
      else
        {
          g_assert_null (parsed);
          g_assert_error (error, VK_ERROR, VK_ERROR_TRUNCATED);
          g_assert_nonnull (strstr (error->message, "cut.vkj: entry"));
        }
    }
}

/* A second array over the same entries, which does not free them. */
static GPtrArray *
borrowed_copy (GPtrArray *entries)
{
  GPtrArray *copy = g_ptr_array_copy (entries, NULL, NULL);

  g_ptr_array_set_free_func (copy, NULL);
  return copy;
}

static void
test_journal_verify_failures (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = make_entries (4, NULL);
  g_autoptr (VkKeypair) key_a = vk_keypair_new_from_seed (seed_a);
  g_autoptr (VkKeypair) key_b = vk_keypair_new_from_seed (seed_b);
  VkVerifyReport report;

  /* A dropped entry breaks seq contiguity at the entry after it. */
  {
    g_autoptr (GPtrArray) dropped = borrowed_copy (entries);
    g_ptr_array_remove_index (dropped, 1);
    Enrolment e = { "bord-1", vk_keypair_get_public_key (key_a), 0, 0 };
    g_assert_false (vk_journal_verify (dropped, election_id, lookup_cb, &e, 0, &report, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_CHAIN);
    g_assert_cmpuint (report.failed_seq, ==, 3);
    g_clear_error (&error);
  }
  /* Two entries swapped. */
  {
    g_autoptr (GPtrArray) swapped = borrowed_copy (entries);
    gpointer tmp = swapped->pdata[1];
    swapped->pdata[1] = swapped->pdata[2];
    swapped->pdata[2] = tmp;
    g_assert_false (verify (swapped, 0, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_CHAIN);
    g_clear_error (&error);
  }
  /* The first entry missing: a full journal starts at 1, a batch may not. */
  {
    g_autoptr (GPtrArray) tail = borrowed_copy (entries);
    g_ptr_array_remove_index (tail, 0);
    g_assert_false (verify (tail, 0, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_CHAIN);
    g_clear_error (&error);
    g_assert_true (verify (tail, VK_VERIFY_PARTIAL, &error));
    g_assert_no_error (error);
  }
  /* Enrolled with another key: the key id does not match. */
  {
    Enrolment e = { "bord-1", vk_keypair_get_public_key (key_b), 0, 0 };
    g_assert_false (vk_journal_verify (entries, election_id, lookup_cb, &e, 0, &report, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
    g_assert_cmpuint (report.failed_seq, ==, 1);
    g_clear_error (&error);
  }
  /* Not enrolled at all. */
  {
    Enrolment e = { "bord-9", vk_keypair_get_public_key (key_a), 0, 0 };
    g_assert_false (vk_journal_verify (entries, election_id, lookup_cb, &e, 0, NULL, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
    g_assert_nonnull (strstr (error->message, "not enrolled"));
    g_clear_error (&error);
  }
  /* Outside the enrolment's validity window. */
  {
    Enrolment e = { "bord-1", vk_keypair_get_public_key (key_a), 0, 1763452801000 };
    g_assert_false (vk_journal_verify (entries, election_id, lookup_cb, &e, 0, &report, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
    g_assert_cmpuint (report.failed_seq, ==, 3);
    g_clear_error (&error);
  }
  /* Another election. */
  {
    guint8 other[VK_ELECTION_ID_BYTES] = { 1 };
    Enrolment e = { "bord-1", vk_keypair_get_public_key (key_a), 0, 0 };
    g_assert_false (vk_journal_verify (entries, other, lookup_cb, &e, 0, NULL, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
    g_clear_error (&error);
  }
  /* Empty. */
  {
    g_autoptr (GPtrArray) empty = g_ptr_array_new ();
    g_assert_false (verify (empty, 0, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_clear_error (&error);
  }
}

/* Builds an entry from raw fields and signs it: for journals that the
 * appender would never write (time running backwards, a re-signed
 * entry). */
static VkEntry *
forge_entry (const VkKeypair *key, const char *device, guint64 seq, const guint8 prev[32], guint64 time_ms,
             guint64 loebenummer)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) payload = vk_cbor_new_array ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) cose = NULL;
  VkEntry *entry;

  vk_cbor_array_append (payload, vk_cbor_new_uint (1));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (election_id, 32));
  vk_cbor_array_append (payload, vk_cbor_new_text (device, -1));
  vk_cbor_array_append (payload, vk_cbor_new_uint (seq));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (prev, 32));
  vk_cbor_array_append (payload, vk_cbor_new_uint (time_ms));
  vk_cbor_array_append (payload, vk_cbor_new_text ("checkin", -1));
  vk_cbor_array_append (payload, checkin_body (loebenummer));
  bytes = vk_cbor_encode (payload);
  cose = vk_cose_sign1_create (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), key, &error);
  g_assert_no_error (error);
  entry = vk_entry_decode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose), &error);
  g_assert_no_error (error);
  return entry;
}

static void
test_journal_time_backwards (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = vk_keypair_new_from_seed (seed_a);
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
  VkEntry *e1, *e2;
  static const guint8 zero[32] = { 0 };

  e1 = forge_entry (key, "bord-1", 1, zero, 2000, 1);
  g_ptr_array_add (entries, e1);
  e2 = forge_entry (key, "bord-1", 2, e1->hash, 1000, 2);
  g_ptr_array_add (entries, e2);
  g_assert_false (verify (entries, 0, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_CHAIN);
  g_assert_nonnull (strstr (error->message, "time runs backwards"));
}

/* FAST mode checks the chain and the last signature only: a bad
 * signature in the middle passes FAST but not the full check, while a
 * changed payload in the middle breaks the chain either way. */
static void
test_journal_fast_mode (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key_a = vk_keypair_new_from_seed (seed_a);
  g_autoptr (VkKeypair) key_b = vk_keypair_new_from_seed (seed_b);
  g_autoptr (GPtrArray) entries = make_entries (3, NULL);
  g_autoptr (GPtrArray) mixed = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
  VkEntry *e1 = g_ptr_array_index (entries, 0);
  VkEntry *e2 = g_ptr_array_index (entries, 1);
  VkEntry *e3 = g_ptr_array_index (entries, 2);
  g_autoptr (GBytes) cose2 = NULL;
  g_autoptr (VkEntry) resigned = NULL;
  VkVerifyReport report;
  Enrolment e = { "bord-1", vk_keypair_get_public_key (key_a), 0, 0 };

  /* Entry 2 with the same payload but signed by key B, and its key id
   * forged to A's: only a full check sees it. */
  cose2 = vk_cose_sign1_create (g_bytes_get_data (e2->payload, NULL), g_bytes_get_size (e2->payload), key_b, &error);
  g_assert_no_error (error);
  {
    g_autofree guint8 *raw = g_memdup2 (g_bytes_get_data (cose2, NULL), g_bytes_get_size (cose2));
    gsize n = g_bytes_get_size (cose2);
    guint8 *kid = memmem (raw, n, vk_keypair_get_key_id (key_b), VK_KEY_ID_BYTES);
    g_assert_nonnull (kid);
    memcpy (kid, vk_keypair_get_key_id (key_a), VK_KEY_ID_BYTES);
    resigned = vk_entry_decode (raw, n, &error);
    g_assert_no_error (error);
  }
  g_ptr_array_add (mixed, vk_entry_decode (g_bytes_get_data (e1->cose, NULL), g_bytes_get_size (e1->cose), NULL));
  g_ptr_array_add (mixed, g_steal_pointer (&resigned));
  g_ptr_array_add (mixed, vk_entry_decode (g_bytes_get_data (e3->cose, NULL), g_bytes_get_size (e3->cose), NULL));

  g_assert_true (vk_journal_verify (mixed, election_id, lookup_cb, &e, VK_VERIFY_FAST, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (vk_journal_verify (mixed, election_id, lookup_cb, &e, VK_VERIFY_DEFAULT, &report, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_SIGNATURE);
  g_assert_cmpuint (report.failed_seq, ==, 2);
  g_clear_error (&error);

  /* A different entry 2, properly signed, no longer chains to entry 3. */
  {
    g_autoptr (GPtrArray) forked = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
    g_ptr_array_add (forked, vk_entry_decode (g_bytes_get_data (e1->cose, NULL), g_bytes_get_size (e1->cose), NULL));
    g_ptr_array_add (forked, forge_entry (key_a, "bord-1", 2, e1->hash, e2->time_ms, 4242));
    g_ptr_array_add (forked, vk_entry_decode (g_bytes_get_data (e3->cose, NULL), g_bytes_get_size (e3->cose), NULL));
    g_assert_false (vk_journal_verify (forked, election_id, lookup_cb, &e, VK_VERIFY_FAST, &report, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_CHAIN);
    g_assert_cmpuint (report.failed_seq, ==, 3);
  }
}

/* VK_VERIFY_PARALLEL (every signature on every core) decides exactly as
 * the one-thread check, and reports the same first failure: a zeroed
 * signature at the start, in the middle and at the end of a journal
 * larger than one chunk. */
static void
test_journal_parallel_verify (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = make_entries (150, NULL);
  g_autoptr (VkKeypair) key = vk_keypair_new_from_seed (seed_a);
  guint64 before = vk_journal_signatures_verified ();
  const guint bad[] = { 0, 37, 149 };
  VkVerifyReport report;

  g_assert_true (verify (entries, VK_VERIFY_PARALLEL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vk_journal_signatures_verified () - before, ==, 150);

  for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
    {
      g_autoptr (GPtrArray) copy = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
      g_autoptr (GError) e1 = NULL;
      g_autoptr (GError) e2 = NULL;
      g_autofree guint8 *ok = g_malloc (entries->len);
      Enrolment en = { "bord-1", vk_keypair_get_public_key (key), 0, 0 };
      guint64 seq1, seq2;

      for (guint i = 0; i < entries->len; i++)
        {
          const VkEntry *e = g_ptr_array_index (entries, i);
          gsize n = g_bytes_get_size (e->cose);
          g_autofree guint8 *raw = g_memdup2 (g_bytes_get_data (e->cose, NULL), n);

          if (i == bad[b])
            memset (raw + n - VK_SIGNATURE_BYTES, 0, VK_SIGNATURE_BYTES);
          g_ptr_array_add (copy, vk_entry_decode (raw, n, &error));
          g_assert_no_error (error);
        }
      g_assert_false (vk_journal_verify_signatures (copy, 0, copy->len, vk_keypair_get_public_key (key), ok));
      for (guint i = 0; i < copy->len; i++)
        g_assert_cmpuint (ok[i], ==, i == bad[b] ? 0 : 1);
      /* A range that leaves the bad entry out verifies. */
      if (bad[b] > 0)
        g_assert_true (vk_journal_verify_signatures (copy, 0, bad[b], vk_keypair_get_public_key (key), NULL));

      g_assert_false (vk_journal_verify (copy, election_id, lookup_cb, &en, VK_VERIFY_DEFAULT, &report, &e1));
      seq1 = report.failed_seq;
      g_assert_false (
          vk_journal_verify (copy, election_id, lookup_cb, &en, VK_VERIFY_DEFAULT | VK_VERIFY_PARALLEL, &report, &e2));
      seq2 = report.failed_seq;
      g_assert_error (e1, VK_ERROR, VK_ERROR_SIGNATURE);
      g_assert_error (e2, VK_ERROR, VK_ERROR_SIGNATURE);
      g_assert_cmpstr (e1->message, ==, e2->message);
      g_assert_cmpuint (seq1, ==, bad[b] + 1);
      g_assert_cmpuint (seq2, ==, seq1);
    }

  /* Another device's key: nothing verifies. */
  {
    g_autoptr (VkKeypair) other = vk_keypair_new_from_seed (seed_b);
    g_autofree guint8 *ok = g_malloc (entries->len);

    g_assert_false (vk_journal_verify_signatures (entries, 0, entries->len, vk_keypair_get_public_key (other), ok));
    for (guint i = 0; i < entries->len; i++)
      g_assert_cmpuint (ok[i], ==, 0);
  }
}

/* Two journals of the same device that agree up to seq 2 and differ at
 * seq 3: fork evidence. */
static void
test_journal_fork (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = vk_keypair_new_from_seed (seed_a);
  g_autoptr (GPtrArray) a = make_entries (4, NULL);
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);
  VkEntry *fa = NULL, *fb = NULL;
  VkEntry *e2 = g_ptr_array_index (a, 1);

  for (guint i = 0; i < a->len; i++)
    {
      VkEntry *e = g_ptr_array_index (a, i);
      g_ptr_array_add (all, vk_entry_decode (g_bytes_get_data (e->cose, NULL), g_bytes_get_size (e->cose), &error));
    }
  /* The same entries twice are no fork. */
  for (guint i = 0; i < 2; i++)
    {
      VkEntry *e = g_ptr_array_index (a, i);
      g_ptr_array_add (all, vk_entry_decode (g_bytes_get_data (e->cose, NULL), g_bytes_get_size (e->cose), &error));
    }
  g_assert_false (vk_journal_find_fork (all, &fa, &fb));

  g_ptr_array_add (all, forge_entry (key, "bord-1", 3, e2->hash, e2->time_ms + 1, 777));
  g_assert_true (vk_journal_find_fork (all, &fa, &fb));
  g_assert_cmpuint (fa->seq, ==, 3);
  g_assert_cmpuint (fb->seq, ==, 3);
  g_assert_cmpstr (fa->device_id, ==, "bord-1");
  g_assert_true (memcmp (fa->hash, fb->hash, 32) != 0);
}

/* The crash test.  A child appends entries and reports each seq on
 * stdout after vk_journal_append returned; the parent kills it with
 * SIGKILL at a random moment.  After every kill the database opens,
 * verifies and holds every entry the child reported. */
static int
crash_child (const char *db_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = vk_keypair_new_from_seed (seed_a);
  g_autoptr (VkJournal) journal = vk_journal_open (db_path, election_id, "bord-1", &error);

  if (journal == NULL)
    {
      fprintf (stderr, "child: %s\n", error->message);
      return 1;
    }
  for (guint64 i = 0;; i++)
    {
      g_autoptr (VkCbor) body = checkin_body (i);
      g_autoptr (VkEntry) entry = vk_journal_append (journal, key, "checkin", body, &error);
      if (entry == NULL)
        {
          fprintf (stderr, "child: %s\n", error->message);
          return 1;
        }
      printf ("%" G_GUINT64_FORMAT "\n", entry->seq);
      fflush (stdout);
    }
}

static void
test_journal_crash (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *db_path = g_build_filename (dir, "crash.db", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20251118);
  guint rounds = g_test_slow () ? 40 : 12;
  guint64 acked_total = 0;

  for (guint round = 0; round < rounds; round++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
      const char *child_argv[] = { self, "--crash-child", db_path, NULL };
      GPid pid;
      int out_fd = -1;
      int status;
      GString *out = g_string_new (NULL);
      guint64 acked = 0;
      char buf[4096];
      ssize_t n;
      gint64 deadline;

      g_assert_true (g_spawn_async_with_pipes (NULL, (char **)child_argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                               &pid, NULL, &out_fd, NULL, &error));
      g_assert_no_error (error);

      /* Let it run for a random time, reading what it acknowledged. */
      deadline = g_get_monotonic_time () + g_rand_int_range (rand, 20, 250) * 1000;
      g_unix_set_fd_nonblocking (out_fd, TRUE, NULL);
      while (g_get_monotonic_time () < deadline)
        {
          n = read (out_fd, buf, sizeof buf);
          if (n > 0)
            g_string_append_len (out, buf, n);
          else
            g_usleep (500);
        }
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      g_spawn_close_pid (pid);
      g_unix_set_fd_nonblocking (out_fd, FALSE, NULL);
      while ((n = read (out_fd, buf, sizeof buf)) > 0)
        g_string_append_len (out, buf, n);
      close (out_fd);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

      /* The last complete line is the highest seq the child saw returned. */
      {
        g_auto (GStrv) lines = g_strsplit (out->str, "\n", -1);
        for (guint i = 0; lines[i] != NULL; i++)
          if (lines[i + 1] != NULL && *lines[i] != '\0') /* complete lines only */
            acked = g_ascii_strtoull (lines[i], NULL, 10);
      }
      g_string_free (out, TRUE);

      {
        g_autoptr (VkJournal) journal = vk_journal_open (db_path, election_id, "bord-1", &error);
        g_autoptr (GPtrArray) entries = NULL;
        g_assert_no_error (error);
        entries = vk_journal_dup_entries (journal, 0, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (vk_journal_get_head_seq (journal), >=, acked);
        g_assert_cmpuint (vk_journal_get_head_seq (journal), >=, acked_total);
        g_assert_cmpuint (entries->len, ==, vk_journal_get_head_seq (journal));
        /* Killed before its first append returned: nothing to verify. */
        if (entries->len == 0)
          {
            g_assert_cmpuint (acked, ==, 0);
            continue;
          }
        if (!verify (entries, VK_VERIFY_DEFAULT, &error))
          g_error ("after kill %u: %s", round, error->message);
        acked_total = vk_journal_get_head_seq (journal);
      }
    }
  g_test_message ("%u kills, %" G_GUINT64_FORMAT " entries survived", rounds, acked_total);
  g_assert_cmpuint (acked_total, >, 0);
}

/* Issue 12, item 8: a journal file is read as untrusted.  Only a regular
 * file, not a link (to the server key, /etc/passwd), not a device
 * (/dev/zero read until memory ran out), not a FIFO (hung), not a
 * directory; no larger than VK_FILE_MAX_JOURNAL_BYTES (a 1 GiB file was
 * read whole), checked before reading.  Names in errors are escaped. */
static void
test_journal_read_untrusted (void)
{
  g_autoptr (GPtrArray) entries = make_entries (3, NULL);
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *good = g_build_filename (dir, "bord-1.vkj", NULL);
  g_autofree char *link = g_build_filename (dir, "link.vkj", NULL);
  g_autofree char *passwd = g_build_filename (dir, "passwd.vkj", NULL);
  g_autofree char *big = g_build_filename (dir, "big.vkj", NULL);
  g_autofree char *evil = g_build_filename (dir, "evil\x1b]0;owned\x07\x1b[2J\n.vkj", NULL);
  g_autoptr (GError) error = NULL;
  int fd;

  g_assert_true (vk_journal_write_file (entries, good, &error));
  g_assert_no_error (error);
  /* Who voted: an exported journal is the owner's only (item 9). */
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (good, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
  g_assert_cmpint (symlink (good, link), ==, 0);
  g_assert_cmpint (symlink ("/etc/passwd", passwd), ==, 0);
  fd = open (big, O_WRONLY | O_CREAT | O_EXCL, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t)VK_FILE_MAX_JOURNAL_BYTES + 1), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);

  {
    const char *paths[] = { link, passwd, dir, "/dev/null", big };
    const char *why[] = { "symbolic link", "symbolic link", "directory", "character device", "too large" };

    for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autoptr (GPtrArray) read = vk_journal_read_file (paths[i], &error);

        g_assert_null (read);
        g_assert_error (error, VK_ERROR, VK_ERROR_IO);
        g_assert_nonnull (strstr (error->message, why[i]));
        g_clear_error (&error);
      }
  }
  /* The regular file itself still reads. */
  {
    g_autoptr (GPtrArray) read = vk_journal_read_file (good, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (read->len, ==, 3);
  }

  /* A name with escape sequences: never raw in a message. */
  g_assert_true (g_file_set_contents_full (evil, "\xa1", 1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  {
    g_autoptr (GPtrArray) read = vk_journal_read_file (evil, &error);

    g_assert_null (read);
    g_assert_nonnull (error);
    g_assert_null (strchr (error->message, '\x1b'));
    g_assert_null (strchr (error->message, '\x07'));
    g_assert_null (strchr (error->message, '\n'));
    g_assert_nonnull (strstr (error->message, "evil\\x1B]0;owned\\x07\\x1B[2J\\x0A.vkj"));
    g_clear_error (&error);
  }
  g_assert_cmpint (g_unlink (evil), ==, 0);
  g_assert_cmpint (symlink (good, evil), ==, 0);
  {
    g_autoptr (GPtrArray) read = vk_journal_read_file (evil, &error);

    g_assert_null (read);
    g_assert_null (strchr (error->message, '\x1b'));
    g_assert_nonnull (strstr (error->message, "symbolic link"));
    g_clear_error (&error);
  }

  /* The one escaping helper. */
  {
    g_autofree char *a = vk_text_escape_controls ("a\x01\x1f\x7f\\ \xc3\xa6\xc3\xb8\xc3\xa5~\t\r");
    g_autofree char *b = vk_text_escape_controls ("");
    g_autofree char *c = vk_text_escape_controls (NULL);

    g_assert_cmpstr (a, ==, "a\\x01\\x1F\\x7F\\ \xc3\xa6\xc3\xb8\xc3\xa5~\\x09\\x0D");
    g_assert_cmpstr (b, ==, "");
    g_assert_cmpstr (c, ==, "");
  }
}

/* A payload [1, eid, "bord-1", seq, prev, time, "checkin", body] as
 * bytes, each head in the form given (0: shortest). */
static GByteArray *
payload_with (guint64 seq, guint seq_extra, const char *device, gsize device_len, guint64 time_ms, gboolean trailing)
{
  GByteArray *out = g_byte_array_new ();
  g_autoptr (VkCbor) body = vk_cbor_new_map ();
  g_autoptr (GBytes) enc = NULL;
  guint8 b[32];
  guint8 h[9];

  vk_cbor_map_set_uint (body, "area", 1);
  vk_cbor_map_set_uint (body, "loebenummer", 5);
  enc = vk_cbor_encode (body);
  g_byte_array_append (out, (const guint8 *)"\x88\x01\x58\x20", 4);
  memset (b, 0xe1, sizeof b);
  g_byte_array_append (out, b, 32);
  h[0] = (guint8)(0x60 | device_len);
  g_byte_array_append (out, h, 1);
  g_byte_array_append (out, (const guint8 *)device, (guint)device_len);
  if (seq_extra == 1)
    {
      /* one form longer than needed */
      h[0] = 0x18, h[1] = (guint8)seq;
      g_byte_array_append (out, h, 2);
    }
  else if (seq < 24)
    {
      h[0] = (guint8)seq;
      g_byte_array_append (out, h, 1);
    }
  else
    {
      h[0] = 0x1b;
      for (guint i = 0; i < 8; i++)
        h[1 + i] = (guint8)(seq >> (56 - 8 * i));
      g_byte_array_append (out, h, 9);
    }
  g_byte_array_append (out, (const guint8 *)"\x58\x20", 2);
  memset (b, 0x5a, sizeof b);
  g_byte_array_append (out, b, 32);
  h[0] = 0x1a;
  for (guint i = 0; i < 4; i++)
    h[1 + i] = (guint8)(time_ms >> (24 - 8 * i));
  g_byte_array_append (out, h, 5);
  g_byte_array_append (out,
                       (const guint8 *)"\x67"
                                       "checkin",
                       8);
  g_byte_array_append (out, g_bytes_get_data (enc, NULL), (guint)g_bytes_get_size (enc));
  if (trailing)
    g_byte_array_append (out, (const guint8 *)"\x00", 1);
  return out;
}

/* The payload read in place (vk-journal-payload.c) gives what was
 * written; whatever it declines, the decoder still refuses with its own
 * error: heads longer than needed, NUL bytes or invalid UTF-8 in a text,
 * a seq beyond int64, trailing bytes. */
static void
test_journal_payload_fixed (void)
{
  g_autoptr (VkKeypair) key = vk_keypair_generate ();
  struct
  {
    guint64 seq;
    guint seq_extra;
    const char *device;
    gsize device_len;
    gboolean trailing;
    int code; /* -1: accepted */
  } cases[] = {
    { 5, 0, "bord-1", 6, FALSE, -1 },
    { G_GUINT64_CONSTANT (1) << 40, 0, "bord-1", 6, FALSE, -1 },
    { 5, 1, "bord-1", 6, FALSE, VK_ERROR_NOT_DETERMINISTIC },
    { 5, 0,
      "bord\0"
      "1",
      6, FALSE, VK_ERROR_INVALID },
    { 5, 0,
      "bord\xff"
      "1",
      6, FALSE, VK_ERROR_INVALID },
    { 5, 0, "", 0, FALSE, VK_ERROR_INVALID },
    { G_GUINT64_CONSTANT (1) << 63, 0, "bord-1", 6, FALSE, VK_ERROR_INVALID },
    { 0, 0, "bord-1", 6, FALSE, VK_ERROR_INVALID },
    { 5, 0, "bord-1", 6, TRUE, VK_ERROR_INVALID },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GByteArray) payload = payload_with (cases[i].seq, cases[i].seq_extra, cases[i].device,
                                                     cases[i].device_len, 1700000000, cases[i].trailing);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) cose = vk_cose_sign1_create (payload->data, payload->len, key, &error);
      g_autoptr (VkEntry) e = NULL;
      guint8 hash[32];

      g_assert_no_error (error);
      e = vk_entry_decode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose), &error);
      if (cases[i].code >= 0)
        {
          if (e != NULL)
            g_error ("case %" G_GSIZE_FORMAT " was accepted", i);
          g_assert_error (error, VK_ERROR, cases[i].code);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (e);
      g_assert_cmpstr (e->device_id, ==, "bord-1");
      g_assert_cmpuint (e->seq, ==, cases[i].seq);
      g_assert_cmpuint (e->time_ms, ==, 1700000000);
      g_assert_cmpstr (e->type, ==, "checkin");
      g_assert_cmpuint (e->election_id[0], ==, 0xe1);
      g_assert_cmpuint (e->prev[31], ==, 0x5a);
      g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_text (e->body, "loebenummer")), ==, 5);
      g_assert_cmpmem (g_bytes_get_data (e->payload, NULL), g_bytes_get_size (e->payload), payload->data, payload->len);
      vk_sha256 (payload->data, payload->len, hash);
      g_assert_cmpmem (e->hash, 32, hash, 32);
      g_assert_true (vk_entry_verify_signature (e, vk_keypair_get_public_key (key), &error));
      g_assert_no_error (error);
    }
}

int
main (int argc, char **argv)
{
  if (argc == 3 && strcmp (argv[1], "--crash-child") == 0)
    return crash_child (argv[2]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/journal/append-verify", test_journal_append_verify);
  g_test_add_func ("/journal/bound", test_journal_bound);
  g_test_add_func ("/journal/file-roundtrip", test_journal_file_roundtrip);
  g_test_add_func ("/journal/read-untrusted", test_journal_read_untrusted);
  g_test_add_func ("/journal/tamper-every-bit", test_journal_tamper_every_bit);
  g_test_add_func ("/journal/payload-fixed", test_journal_payload_fixed);
  g_test_add_func ("/journal/truncate", test_journal_truncate);
  g_test_add_func ("/journal/verify-failures", test_journal_verify_failures);
  g_test_add_func ("/journal/time-backwards", test_journal_time_backwards);
  g_test_add_func ("/journal/fast-mode", test_journal_fast_mode);
  g_test_add_func ("/journal/fork", test_journal_fork);
  g_test_add_func ("/journal/parallel-verify", test_journal_parallel_verify);
  g_test_add_func ("/journal/crash", test_journal_crash);
  return g_test_run ();
}

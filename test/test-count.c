/* test-count.c: the count engine: ingest, receipts, pending, forks, restart.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vk-cose.h"
#include "vk-count.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-station.h"
#include "vk-tally.h"
#include "vk-test-journals.h"

#define DAY_MS (G_GUINT64_CONSTANT (24) * 3600 * 1000)

typedef struct
{
  VkTestElection *te;
  VkStation *bord1;
  char *db_path;
  VkCount *count;
} Fixture;

/* The election, a count server, and bord-1 (area 1) with a device.open
 * and 19 check-ins made through the station engine: 20 entries. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *station_db = NULL;

  f->te = vk_test_election_new (60);
  vk_test_add_device (f->te, "bord-1", "valgbord", 1);
  vk_test_add_device (f->te, "bord-2", "valgbord", 2);
  vk_test_add_device (f->te, "brev-1", "brevstemmested", VK_PACKAGE_NO_AREA);
  vk_test_add_device (f->te, "hjem-1", "hjemmebesoeg", VK_PACKAGE_NO_AREA);
  vk_test_add_device (f->te, "fin-1", "fintaelling", VK_PACKAGE_NO_AREA);
  vk_test_add_device (f->te, "server-1", "server", VK_PACKAGE_NO_AREA);

  station_db = g_build_filename (f->te->dir, "station-bord-1.db", NULL);
  f->bord1 = vk_station_open (f->te->package, station_db, "bord-1", vk_test_get_key (f->te, "bord-1"), &error);
  g_assert_no_error (error);
  vk_test_borrow_journal (f->te, "bord-1", vk_station_get_journal (f->bord1));
  for (guint lnr = 1; lnr <= 19; lnr++)
    {
      vk_station_check_in (f->bord1, lnr, VK_CHECKIN_SCAN, lnr == 7, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (f->bord1)), ==, 20);

  f->db_path = g_build_filename (f->te->dir, "count.db", NULL);
  f->count = vk_count_open (f->db_path, f->te->package, vk_test_get_key (f->te, "server-1"), &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->count, vk_count_close);
  g_clear_pointer (&f->bord1, vk_station_close);
  g_clear_pointer (&f->te, vk_test_election_free);
  g_free (f->db_path);
}

static void
reopen (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&f->count, vk_count_close);
  f->count = vk_count_open (f->db_path, f->te->package, vk_test_get_key (f->te, "server-1"), &error);
  g_assert_no_error (error);
}

static VkCountReceipt *
ingest_ok (Fixture *f, GBytes *batch, const char *name)
{
  g_autoptr (GError) error = NULL;
  VkCountReceipt *r = NULL;

  gboolean ok = vk_count_ingest (f->count, g_bytes_get_data (batch, NULL), g_bytes_get_size (batch), name, &r, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_nonnull (r);
  return r;
}

static guint64
held_seq (Fixture *f, const char *device)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) e = vk_count_dup_entries (f->count, device, 0, &error);

  g_assert_no_error (error);
  return e->len;
}

static guint64
server_seq (Fixture *f)
{
  return held_seq (f, "server-1");
}

/* The receipt's COSE is the server's journal entry: it verifies with the
 * enrolled server key and names device, seq and head. */
static void
check_receipt (Fixture *f, const VkCountReceipt *r)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkEntry) e = NULL;
  const VkDevice *server = vk_package_lookup_device (f->te->package, "server-1");
  const guint8 *head;
  gsize n = 0;
  guint64 seq = 0;

  g_assert_nonnull (r->cose);
  e = vk_entry_decode (g_bytes_get_data (r->cose, NULL), g_bytes_get_size (r->cose), &error);
  g_assert_no_error (error);
  g_assert_true (vk_entry_verify_signature (e, server->public_key, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (e->type, ==, "receipt");
  g_assert_cmpstr (e->device_id, ==, "server-1");
  g_assert_cmpuint (e->seq, ==, r->server_seq);
  g_assert_cmpstr (vk_cbor_map_get_text_field (e->body, "device", NULL), ==, r->device_id);
  g_assert_true (vk_cbor_map_get_uint_field (e->body, "seq", &seq, NULL));
  g_assert_cmpuint (seq, ==, r->seq);
  head = vk_cbor_map_get_bytes_field (e->body, "head", &n, NULL);
  g_assert_cmpuint (n, ==, 32);
  g_assert_cmpmem (head, 32, r->head, 32);
}

static void
test_ingest (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) batch = vk_test_batch (f->te, "bord-1", 1, 0);
  g_autoptr (VkCountReceipt) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) served = NULL;
  g_autoptr (JsonNode) status = NULL;
  JsonObject *area1;
  VkJournal *j = vk_station_get_journal (f->bord1);

  r = ingest_ok (f, batch, "bord-1.vkj");
  g_assert_cmpstr (r->device_id, ==, "bord-1");
  g_assert_cmpuint (r->seq, ==, 20);
  g_assert_cmpmem (r->head, 32, vk_journal_get_head_hash (j), 32);
  g_assert_cmpuint (r->stored, ==, 20);
  g_assert_cmpuint (r->held, ==, 0);
  check_receipt (f, r);

  /* Served back byte for byte. */
  served = vk_count_dup_journal_bytes (f->count, "bord-1", 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (served, batch));
  g_clear_pointer (&served, g_bytes_unref);
  served = vk_count_dup_journal_bytes (f->count, "bord-1", 15, &error);
  {
    g_autoptr (GBytes) tail = vk_test_batch (f->te, "bord-1", 16, 0);
    g_assert_true (g_bytes_equal (served, tail));
  }
  g_assert_null (vk_count_dup_entries (f->count, "nobody", 0, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The server's own journal verifies as a journal of an enrolled device. */
  {
    g_autoptr (GPtrArray) sj = vk_count_dup_entries (f->count, "server-1", 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (sj->len, ==, 2); /* device.open, receipt */
    g_assert_true (vk_journal_verify (sj, vk_package_get_election_id (f->te->package), vk_package_device_lookup,
                                      f->te->package, VK_VERIFY_DEFAULT, NULL, &error));
    g_assert_no_error (error);
  }

  status = vk_count_status (f->count);
  area1 = json_array_get_object_element (json_object_get_array_member (json_node_get_object (status), "areas"), 0);
  g_assert_cmpint (json_object_get_int_member (area1, "area"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (area1, "checkins"), ==, 19);
  g_assert_cmpint (json_object_get_int_member (area1, "eligible"), ==, 60);
  g_assert_cmpstr (json_object_get_string_member (area1, "foreloebig"), ==, "none");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (area1, "devices"), 0), ==, "bord-1");
}

static void
test_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) batch = vk_test_batch (f->te, "bord-1", 1, 0);
  g_autoptr (GBytes) part = vk_test_batch (f->te, "bord-1", 5, 12);
  g_autoptr (VkCountReceipt) r1 = NULL;
  g_autoptr (VkCountReceipt) r2 = NULL;
  g_autoptr (VkCountReceipt) r3 = NULL;
  guint64 s1;

  r1 = ingest_ok (f, batch, "push 1");
  s1 = server_seq (f);
  r2 = ingest_ok (f, batch, "push 2");
  g_assert_cmpuint (r2->stored, ==, 0);
  g_assert_cmpuint (r2->seq, ==, r1->seq);
  g_assert_true (g_bytes_equal (r1->cose, r2->cose));
  g_assert_cmpuint (server_seq (f), ==, s1);
  g_assert_cmpuint (held_seq (f, "bord-1"), ==, 20);
  /* A sub-range already held is a repeat too. */
  r3 = ingest_ok (f, part, "push 3");
  g_assert_true (g_bytes_equal (r1->cose, r3->cose));
  g_assert_cmpuint (server_seq (f), ==, s1);
}

static void
test_out_of_order (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) first = vk_test_batch (f->te, "bord-1", 1, 10);
  g_autoptr (GBytes) second = vk_test_batch (f->te, "bord-1", 11, 20);
  g_autoptr (VkCountReceipt) r1 = NULL;
  g_autoptr (VkCountReceipt) r2 = NULL;
  g_autoptr (VkCountReceipt) r3 = NULL;
  g_autoptr (GPtrArray) heads = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) served = NULL;
  g_autoptr (GBytes) all = vk_test_batch (f->te, "bord-1", 1, 0);

  r1 = ingest_ok (f, second, "late batch");
  g_assert_cmpuint (r1->seq, ==, 0);
  g_assert_cmpuint (r1->held, ==, 10);
  g_assert_null (r1->cose);
  g_assert_cmpuint (held_seq (f, "bord-1"), ==, 0); /* held, not served */
  /* The held batch survives a restart and a repeat. */
  reopen (f);
  r2 = ingest_ok (f, second, "late batch again");
  g_assert_cmpuint (r2->held, ==, 10);

  r3 = ingest_ok (f, first, "early batch");
  g_assert_cmpuint (r3->seq, ==, 20);
  g_assert_cmpuint (r3->held, ==, 0);
  g_assert_cmpmem (r3->head, 32, vk_journal_get_head_hash (vk_station_get_journal (f->bord1)), 32);
  check_receipt (f, r3);
  served = vk_count_dup_journal_bytes (f->count, "bord-1", 0, &error);
  g_assert_true (g_bytes_equal (served, all));
  heads = vk_count_dup_heads (f->count);
  for (guint i = 0; i < heads->len; i++)
    g_assert_cmpuint (((VkCountHead *)heads->pdata[i])->pending, ==, 0);
  g_assert_cmpuint (vk_fold_get_n_entries (vk_count_get_fold (f->count)), >=, 20);
}

static void
assert_refused_in (Fixture *f, GBytes *batch, const char *name, GQuark domain, int code, const char *what)
{
  g_autoptr (GError) error = NULL;
  VkCountReceipt *r = NULL;

  g_assert_false (
      vk_count_ingest (f->count, g_bytes_get_data (batch, NULL), g_bytes_get_size (batch), name, &r, &error));
  g_assert_null (r);
  g_assert_nonnull (error);
  if (code >= 0)
    g_assert_error (error, domain, code);
  g_assert_nonnull (strstr (error->message, name));
  if (what != NULL && strstr (error->message, what) == NULL)
    g_error ("expected \"%s\" in: %s", what, error->message);
}

static void
assert_refused (Fixture *f, GBytes *batch, const char *name, int code, const char *what)
{
  assert_refused_in (f, batch, name, VK_ERROR, code, what);
}

static gboolean has_rule (GPtrArray *findings, guint rule, const char *device, guint64 seq);

static void
test_tampered (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) batch = vk_test_batch (f->te, "bord-1", 1, 3);
  gsize len = g_bytes_get_size (batch);
  const guint8 *orig = g_bytes_get_data (batch, NULL);
  g_autoptr (GPtrArray) entries = vk_journal_parse (orig, len, "batch", NULL);
  gsize last_start = len - g_bytes_get_size (((VkEntry *)entries->pdata[2])->cose);
  guint tried = 0;

  /* Every byte of the last entry, and every byte of the earlier ones
   * except their signatures (test_zeroed_signatures covers those).  Each
   * flip must be refused and leave nothing stored. */
  for (gsize i = 0; i < len; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (orig, len);
      g_autoptr (GError) error = NULL;
      gsize item_end = 0;
      gboolean in_early_signature = FALSE;

      for (guint k = 0; k + 1 < entries->len; k++)
        {
          item_end += g_bytes_get_size (((VkEntry *)entries->pdata[k])->cose);
          if (i < item_end && i >= item_end - 64)
            in_early_signature = TRUE;
        }
      if (in_early_signature || (i < last_start && i % 3 != 0))
        continue; /* every third byte of the early entries keeps the test quick */
      copy[i] ^= 0x01;
      g_assert_false (vk_count_ingest (f->count, copy, len, "tampered", NULL, &error));
      g_assert_nonnull (error);
      tried++;
    }
  g_assert_cmpuint (tried, >, 100);
  g_assert_cmpuint (held_seq (f, "bord-1"), ==, 0);
  g_assert_cmpuint (server_seq (f), ==, 1); /* only its device.open */
  reopen (f);
  g_assert_cmpuint (held_seq (f, "bord-1"), ==, 0);

  /* Truncated and garbage input. */
  {
    g_autoptr (GBytes) cut = g_bytes_new (orig, len - 5);
    g_autoptr (GBytes) empty = g_bytes_new ("", 0);
    g_autoptr (GBytes) junk = g_bytes_new ("\xff\x00garbage", 9);
    assert_refused (f, cut, "cut.vkj", -1, NULL);
    assert_refused (f, empty, "empty.vkj", VK_ERROR_INVALID, "no entries");
    assert_refused (f, junk, "junk.vkj", -1, NULL);
  }
  /* Bytes nobody signed say nothing about bord-1: no D01 under its name,
   * one aggregate D21 warning counting them. */
  {
    g_autoptr (GPtrArray) findings = vk_count_discrepancies (f->count, NULL, NULL);
    gboolean d01 = FALSE;
    const VkFinding *d21 = NULL;

    for (guint i = 0; i < findings->len; i++)
      {
        const VkFinding *fd = findings->pdata[i];
        d01 |= fd->rule == 1 || fd->rule == 3;
        if (fd->rule == 21)
          d21 = fd;
      }
    g_assert_false (d01);
    g_assert_nonnull (d21);
    g_assert_cmpint (d21->severity, ==, VK_SEVERITY_WARNING);
    g_assert_nonnull (strstr (d21->message_en, "unverified batches refused from 4 sources"));
  }
}

/* Every entry's signature but the last zeroed, the chain intact: the
 * fast mode (last signature only) took this and stored the zeroed
 * signatures, and the genuine journal pushed later added nothing. */
static GPtrArray *
zero_signatures_but_last (GPtrArray *entries)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_entry_free);

  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      gsize len = g_bytes_get_size (e->cose);
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (e->cose, NULL), len);
      g_autoptr (GError) error = NULL;
      VkEntry *z;

      if (i + 1 < entries->len)
        memset (copy + len - VK_SIGNATURE_BYTES, 0, VK_SIGNATURE_BYTES);
      z = vk_entry_decode (copy, len, &error);
      g_assert_no_error (error);
      g_ptr_array_add (out, z);
    }
  return out;
}

static void
test_zeroed_signatures (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) genuine = vk_journal_dup_entries (vk_station_get_journal (f->bord1), 0, &error);
  g_autoptr (GPtrArray) zeroed = zero_signatures_but_last (genuine);
  g_autoptr (GBytes) bad = vk_journal_serialize (zeroed);
  g_autoptr (GBytes) good = vk_journal_serialize (genuine);
  g_autoptr (VkCountReceipt) r = NULL;
  g_autoptr (GBytes) served = NULL;
  g_autoptr (GPtrArray) findings = NULL;

  g_assert_cmpuint (genuine->len, ==, 20);
  assert_refused (f, bad, "zeroed.vkj", VK_ERROR_SIGNATURE, "entry 1 ");
  g_assert_cmpuint (held_seq (f, "bord-1"), ==, 0);
  g_assert_cmpuint (server_seq (f), ==, 1);
  /* The genuine journal is then stored in full, and served byte for byte. */
  r = ingest_ok (f, good, "genuine.vkj");
  g_assert_cmpuint (r->stored, ==, 20);
  g_assert_cmpuint (r->seq, ==, 20);
  served = vk_count_dup_journal_bytes (f->count, "bord-1", 0, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (served, good));
  /* The zeroed batch names bord-1 but bord-1 did not sign it. */
  findings = vk_count_discrepancies (f->count, NULL, NULL);
  g_assert_false (has_rule (findings, 1, "bord-1", 0));
  reopen (f);
  g_assert_cmpuint (held_seq (f, "bord-1"), ==, 20);
}

/* Forged batches (valid CBOR naming a real device, a wrong key or a
 * garbage signature) never become findings about that device; they are
 * counted per source (D21), and a flood of them grows nothing but one
 * counter per source. */
static void
test_forged (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) genuine = vk_journal_dup_entries (vk_station_get_journal (f->bord1), 0, &error);
  g_autoptr (GPtrArray) one = g_ptr_array_new ();
  g_autoptr (GPtrArray) findings = NULL;
  g_autoptr (GBytes) garbage = NULL;
  const VkFinding *d21 = NULL;

  /* The genuine entry 1 with a garbage signature. */
  {
    const VkEntry *e = g_ptr_array_index (genuine, 0);
    gsize len = g_bytes_get_size (e->cose);
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (e->cose, NULL), len);
    g_autoptr (VkEntry) z = NULL;

    for (gsize i = 0; i < VK_SIGNATURE_BYTES; i++)
      copy[len - VK_SIGNATURE_BYTES + i] = (guint8)(i * 7 + 1);
    z = vk_entry_decode (copy, len, &error);
    g_assert_no_error (error);
    g_ptr_array_add (one, z);
    garbage = vk_journal_serialize (one);
    g_ptr_array_set_size (one, 0);
  }
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *src = g_strdup_printf ("POST from 192.0.2.%u", i % 5);
      assert_refused (f, garbage, src, VK_ERROR_SIGNATURE, NULL);
    }
  findings = vk_count_discrepancies (f->count, NULL, NULL);
  g_assert_false (has_rule (findings, 1, "bord-1", 0));
  g_assert_false (has_rule (findings, 3, "bord-1", 0));
  for (guint i = 0; i < findings->len; i++)
    if (((VkFinding *)findings->pdata[i])->rule == 21)
      d21 = findings->pdata[i];
  g_assert_nonnull (d21);
  g_assert_nonnull (strstr (d21->message_en, "50 unverified batches refused from 5 sources"));

  /* The count survives a restart (written at most once a second, and at
   * close). */
  reopen (f);
  g_clear_pointer (&findings, g_ptr_array_unref);
  findings = vk_count_discrepancies (f->count, NULL, NULL);
  d21 = NULL;
  for (guint i = 0; i < findings->len; i++)
    if (((VkFinding *)findings->pdata[i])->rule == 21)
      d21 = findings->pdata[i];
  g_assert_nonnull (d21);
  g_assert_nonnull (strstr (d21->message_en, "50 unverified batches refused from 5 sources"));

  /* The genuine journal is unaffected. */
  {
    g_autoptr (GBytes) good = vk_journal_serialize (genuine);
    g_autoptr (VkCountReceipt) r = ingest_ok (f, good, "genuine.vkj");
    g_assert_cmpuint (r->stored, ==, 20);
  }
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64)st.st_size : 0;
}

/* A 4 MB device id is refused when the entry is parsed: nothing about it
 * is stored, in memory or in the database. */
/* An entry (signed by bord-2's key) naming a device id of id_len bytes. */
static GBytes *
entry_with_id_length (Fixture *f, gsize id_len)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *long_id = g_malloc (id_len + 1);
  g_autoptr (VkCbor) payload = vk_cbor_new_array ();
  g_autoptr (VkCbor) body = vk_cbor_new_map ();
  g_autoptr (GBytes) payload_bytes = NULL;
  GBytes *cose;
  guint8 zero[32] = { 0 };

  memset (long_id, 'b', id_len);
  long_id[id_len] = '\0';
  vk_cbor_map_set_uint (body, "area", 1);
  vk_cbor_array_append (payload, vk_cbor_new_uint (1));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (vk_package_get_election_id (f->te->package), 32));
  vk_cbor_array_append (payload, vk_cbor_new_text (long_id, -1));
  vk_cbor_array_append (payload, vk_cbor_new_uint (1));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (zero, 32));
  vk_cbor_array_append (payload, vk_cbor_new_uint (f->te->t0));
  vk_cbor_array_append (payload, vk_cbor_new_text ("device.open", -1));
  vk_cbor_array_append (payload, vk_cbor_ref (body));
  payload_bytes = vk_cbor_encode (payload);
  cose = vk_cose_sign1_create (g_bytes_get_data (payload_bytes, NULL), g_bytes_get_size (payload_bytes),
                               vk_test_get_key (f->te, "bord-2"), &error);
  g_assert_no_error (error);
  return cose;
}

/* A 4 MB device id is refused from the entry's head, before it is
 * decoded; a 200-byte one when the payload is parsed (ids are 1 to 128
 * bytes).  Nothing about them is stored, in memory or in the database. */
static void
test_long_device_id (Fixture *f, gconstpointer data)
{
  g_autofree char *wal = g_strdup_printf ("%s-wal", f->db_path);
  g_autoptr (GBytes) huge = entry_with_id_length (f, 4 * 1024 * 1024);
  g_autoptr (GBytes) longer = entry_with_id_length (f, 200);
  g_autoptr (GBytes) longest_ok = entry_with_id_length (f, 128);
  g_autoptr (GPtrArray) findings = NULL;
  guint64 before;

  before = file_size (f->db_path) + file_size (wal);
  for (guint i = 0; i < 20; i++)
    assert_refused (f, huge, "long-id.vkj", VK_ERROR_INVALID, "more than the 1048576 an entry may hold");
  for (guint i = 0; i < 20; i++)
    assert_refused (f, longer, "long-id.vkj", VK_ERROR_INVALID, "device id is 200 bytes, more than 128");
  /* 128 bytes parse (and are refused as not enrolled, unsigned by it). */
  assert_refused (f, longest_ok, "long-id.vkj", VK_ERROR_KEY, "not enrolled");
  g_assert_cmpuint (file_size (f->db_path) + file_size (wal), <, before + 256 * 1024);
  findings = vk_count_discrepancies (f->count, NULL, NULL);
  for (guint i = 0; i < findings->len; i++)
    {
      const VkFinding *fd = findings->pdata[i];
      g_assert_cmpuint (strlen (fd->message_en), <, 4096);
      g_assert_cmpuint (fd->rule, !=, 1);
      g_assert_cmpuint (fd->rule, !=, 3);
    }
}

static gboolean
has_rule (GPtrArray *findings, guint rule, const char *device, guint64 seq)
{
  for (guint i = 0; i < findings->len; i++)
    {
      const VkFinding *fd = findings->pdata[i];
      if (fd->rule != rule)
        continue;
      for (guint k = 0; k < fd->evidence->len; k++)
        {
          const VkEvidence *e = fd->evidence->pdata[k];
          if (strcmp (e->device_id, device) == 0 && (seq == 0 || e->seq == seq))
            return TRUE;
        }
    }
  return FALSE;
}

static void
test_unenrolled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) ghost_key = vk_test_key_for ("ghost");
  g_autofree char *path = g_build_filename (f->te->dir, "ghost.db", NULL);
  g_autoptr (VkJournal) ghost = vk_journal_open (path, vk_package_get_election_id (f->te->package), "ghost", &error);
  g_autoptr (VkCbor) body = vk_cbor_new_map ();
  g_autoptr (VkEntry) e = NULL;
  g_autoptr (GBytes) batch = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) findings = NULL;

  vk_cbor_map_set_uint (body, "area", 1);
  vk_cbor_map_set_uint (body, "loebenummer", 1);
  vk_cbor_map_set_text (body, "method", "scan");
  e = vk_journal_append_at (ghost, ghost_key, f->te->t0, "checkin", body, &error);
  g_assert_no_error (error);
  entries = vk_journal_dup_entries (ghost, 0, &error);
  batch = vk_journal_serialize (entries);
  assert_refused (f, batch, "ghost.vkj", VK_ERROR_KEY, "not enrolled");

  /* bord-2's id with another key. */
  {
    g_autofree char *p2 = g_build_filename (f->te->dir, "fake-bord-2.db", NULL);
    g_autoptr (VkJournal) fake = vk_journal_open (p2, vk_package_get_election_id (f->te->package), "bord-2", &error);
    g_autoptr (VkEntry) e2 = NULL;
    g_autoptr (GPtrArray) en2 = NULL;
    g_autoptr (GBytes) b2 = NULL;

    vk_cbor_map_set_uint (body, "area", 2);
    e2 = vk_journal_append_at (fake, ghost_key, f->te->t0, "checkin", body, &error);
    g_assert_no_error (error);
    en2 = vk_journal_dup_entries (fake, 0, &error);
    b2 = vk_journal_serialize (en2);
    assert_refused (f, b2, "fake-bord-2.vkj", VK_ERROR_KEY, "key");
  }
  g_assert_cmpuint (held_seq (f, "bord-2"), ==, 0);

  /* The server's own device id is not for others to push. */
  {
    g_autofree char *p3 = g_build_filename (f->te->dir, "fake-server.db", NULL);
    g_autoptr (VkJournal) fs = vk_journal_open (p3, vk_package_get_election_id (f->te->package), "server-1", &error);
    g_autoptr (VkCbor) rb = vk_cbor_new_map ();
    g_autoptr (VkEntry) e3 = NULL;
    g_autoptr (GPtrArray) en3 = NULL;
    g_autoptr (GBytes) b3 = NULL;

    vk_cbor_map_set_text (rb, "role", "server");
    vk_cbor_map_insert_text (rb, "area", vk_cbor_new_null ());
    vk_cbor_map_set_text (rb, "software", "x");
    e3 = vk_journal_append (fs, vk_test_get_key (f->te, "server-1"), "device.open", rb, &error);
    g_assert_no_error (error);
    en3 = vk_journal_dup_entries (fs, 0, &error);
    b3 = vk_journal_serialize (en3);
    assert_refused (f, b3, "fake-server.vkj", VK_ERROR_KEY, "own device");
  }

  /* Neither ghost (not enrolled) nor bord-2's id under another key is a
   * finding about a device: nobody enrolled signed them (D21). */
  findings = vk_count_discrepancies (f->count, NULL, NULL);
  g_assert_false (has_rule (findings, 3, "ghost", 0));
  g_assert_false (has_rule (findings, 3, "bord-2", 0));
  g_assert_false (has_rule (findings, 1, "bord-2", 0));
  {
    gboolean d21 = FALSE;
    for (guint i = 0; i < findings->len; i++)
      d21 |= ((VkFinding *)findings->pdata[i])->rule == 21;
    g_assert_true (d21);
  }
}

static void
test_wrong_election_real (Fixture *f, gconstpointer data)
{
  g_autoptr (VkTestElection) other = vk_test_election_new (10);
  g_autoptr (GBytes) batch = NULL;
  g_autoptr (GPtrArray) findings = NULL;

  /* The same device id and key, enrolled in another election. */
  vk_test_add_device (other, "bord-1", "valgbord", 1);
  vk_test_open (other, "bord-1", other->t0);
  vk_test_checkin (other, "bord-1", other->t0, 1, 1);
  batch = vk_test_batch (other, "bord-1", 1, 0);
  assert_refused (f, batch, "other-election.vkj", VK_ERROR_KEY, "another election");
  g_assert_cmpuint (held_seq (f, "bord-1"), ==, 0);
  findings = vk_count_discrepancies (f->count, NULL, NULL);
  g_assert_true (has_rule (findings, 1, "bord-1", 1));
}

static void
test_role (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) b1 = NULL;
  g_autoptr (GBytes) b2 = NULL;
  g_autoptr (GBytes) b3 = NULL;
  g_autoptr (GPtrArray) findings = NULL;

  /* A brevstemme from a valgbord (bord-2 journal kept by the helper). */
  vk_test_open (f->te, "bord-2", f->te->t0);
  vk_test_brev (f->te, "bord-2", f->te->t0, 2, 5, f->te->t0, NULL);
  b1 = vk_test_batch (f->te, "bord-2", 1, 0);
  assert_refused_in (f, b1, "bord-2.vkj", VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE, "may not write");

  /* A check-in for another area than the enrolment. */
  vk_test_open (f->te, "brev-1", f->te->t0);
  vk_test_add_device (f->te, "bord-3", "valgbord", 3);
  vk_test_open (f->te, "bord-3", f->te->t0);
  vk_test_checkin (f->te, "bord-3", f->te->t0, 3, 1);
  vk_test_checkin (f->te, "bord-3", f->te->t0, 4, 1);
  b2 = vk_test_batch (f->te, "bord-3", 1, 0);
  assert_refused_in (f, b2, "bord-3.vkj", VK_ENTRY_ERROR, VK_ENTRY_ERROR_AREA, "area 4");
  g_assert_cmpuint (held_seq (f, "bord-3"), ==, 0);

  /* A tally from a hjemmebesoeg device. */
  vk_test_open (f->te, "hjem-1", f->te->t0);
  vk_test_signoff (f->te, "hjem-1", f->te->t0, "foreloebig", 1, vk_test_counts (f->te, 20, 0), NULL, 2, FALSE);
  b3 = vk_test_batch (f->te, "hjem-1", 1, 0);
  assert_refused_in (f, b3, "hjem-1.vkj", VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE, "hjemmebesoeg");
  g_assert_cmpuint (held_seq (f, "hjem-1"), ==, 0);

  findings = vk_count_discrepancies (f->count, NULL, NULL);
  g_assert_true (has_rule (findings, 3, "bord-2", 1));
  g_assert_true (has_rule (findings, 3, "bord-3", 1));
  g_assert_true (has_rule (findings, 3, "hjem-1", 1));
}

static void
test_fork (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) batch = vk_test_batch (f->te, "bord-1", 1, 5);
  g_autoptr (VkCountReceipt) r = NULL;
  g_autofree char *path = g_build_filename (f->te->dir, "bord-1-copy.db", NULL);
  g_autoptr (VkJournal) copy = vk_journal_open (path, vk_package_get_election_id (f->te->package), "bord-1", &error);
  g_autoptr (GPtrArray) mine = NULL;
  g_autoptr (GBytes) other = NULL;
  g_autoptr (GPtrArray) findings = NULL;
  g_autoptr (GBytes) rest = vk_test_batch (f->te, "bord-1", 6, 0);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;

  r = ingest_ok (f, batch, "bord-1 part 1");
  g_assert_cmpuint (r->seq, ==, 5);

  /* A restored backup of the station that went on differently: entries
   * 1–2 the same, 3 onwards other check-ins. */
  mine = vk_journal_dup_entries (vk_station_get_journal (f->bord1), 0, &error);
  for (guint i = 0; i < 7; i++)
    {
      const VkEntry *e = mine->pdata[i];
      g_autoptr (VkEntry) c = NULL;
      g_autoptr (VkCbor) body = NULL;

      if (i < 2)
        body = vk_cbor_ref (e->body);
      else
        {
          body = vk_cbor_new_map ();
          vk_cbor_map_set_uint (body, "area", 1);
          vk_cbor_map_set_uint (body, "loebenummer", 40 + i);
          vk_cbor_map_set_text (body, "method", "search");
        }
      c = vk_journal_append_at (copy, vk_test_get_key (f->te, "bord-1"), e->time_ms, e->type, body, &error);
      g_assert_no_error (error);
    }
  {
    g_autoptr (GPtrArray) ce = vk_journal_dup_entries (copy, 0, &error);
    other = vk_journal_serialize (ce);
  }
  assert_refused (f, other, "bord-1 backup", VK_ERROR_FORK, "evidence");
  g_assert_cmpuint (held_seq (f, "bord-1"), ==, 5);

  findings = vk_count_discrepancies (f->count, NULL, NULL);
  g_assert_true (has_rule (findings, 2, "bord-1", 3));
  g_clear_pointer (&findings, g_ptr_array_unref);

  /* Both COSE items are kept. */
  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT seq, held_cose, other_cose FROM fork", -1, &st, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (st, 0), ==, 3);
  {
    const VkEntry *held = mine->pdata[2];
    g_assert_cmpmem (sqlite3_column_blob (st, 1), sqlite3_column_bytes (st, 1), g_bytes_get_data (held->cose, NULL),
                     g_bytes_get_size (held->cose));
    g_assert_cmpint (sqlite3_column_bytes (st, 2), >, 0);
  }
  sqlite3_finalize (st);
  sqlite3_close (db);

  /* The evidence survives a restart, and the real journal still goes on. */
  reopen (f);
  g_clear_pointer (&r, vk_count_receipt_free);
  r = ingest_ok (f, rest, "bord-1 part 2");
  g_assert_cmpuint (r->seq, ==, 20);
  findings = vk_count_discrepancies (f->count, NULL, NULL);
  g_assert_true (has_rule (findings, 2, "bord-1", 3));
}

static void
test_restart (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) batch = vk_test_batch (f->te, "bord-1", 1, 0);
  g_autoptr (VkCountReceipt) r1 = NULL;
  g_autoptr (VkCountReceipt) r2 = NULL;
  g_autoptr (JsonNode) s1 = NULL;
  g_autoptr (JsonNode) s2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) served = NULL;
  JsonArray *a1, *a2;

  r1 = ingest_ok (f, batch, "before");
  s1 = vk_count_status (f->count);
  reopen (f);
  s2 = vk_count_status (f->count);
  a1 = json_object_get_array_member (json_node_get_object (s1), "areas");
  a2 = json_object_get_array_member (json_node_get_object (s2), "areas");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (a1, 0), "checkins"), ==,
                   json_object_get_int_member (json_array_get_object_element (a2, 0), "checkins"));
  served = vk_count_dup_journal_bytes (f->count, "bord-1", 0, &error);
  g_assert_true (g_bytes_equal (served, batch));
  r2 = ingest_ok (f, batch, "after");
  g_assert_true (g_bytes_equal (r1->cose, r2->cose));
  /* device.open, receipt, device.open after the restart. */
  g_assert_cmpuint (server_seq (f), ==, 3);
}

/* SIGKILL in the middle of ingesting: what a receipt acknowledged is there
 * after a restart, and the database is consistent. */
static void
test_kill (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) b1 = vk_test_batch (f->te, "bord-1", 1, 10);
  g_autoptr (GBytes) b2 = vk_test_batch (f->te, "bord-1", 11, 20);
  g_autoptr (VkCountReceipt) r = NULL;
  int pipefd[2];
  pid_t pid;
  char ack = 0;
  int status = 0;

  g_clear_pointer (&f->count, vk_count_close);
  g_assert_cmpint (pipe (pipefd), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      g_autoptr (GError) error = NULL;
      VkCount *c = vk_count_open (f->db_path, f->te->package, vk_test_get_key (f->te, "server-1"), &error);
      VkCountReceipt *rc = NULL;

      if (c == NULL || !vk_count_ingest (c, g_bytes_get_data (b1, NULL), g_bytes_get_size (b1), "child", &rc, &error))
        _exit (3);
      /* Acknowledged: tell the parent, then keep ingesting until killed. */
      if (write (pipefd[1], "a", 1) != 1)
        _exit (4);
      for (;;)
        (void)vk_count_ingest (c, g_bytes_get_data (b2, NULL), g_bytes_get_size (b2), "child", NULL, NULL);
    }
  close (pipefd[1]);
  g_assert_cmpint (read (pipefd[0], &ack, 1), ==, 1);
  g_usleep (20000);
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  close (pipefd[0]);

  reopen (f);
  g_assert_cmpuint (held_seq (f, "bord-1"), >=, 10);
  r = ingest_ok (f, b2, "after the kill");
  g_assert_cmpuint (r->seq, ==, 20);
  check_receipt (f, r);
}

static void
test_results (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkResults) fl = NULL;
  g_autoptr (VkResults) fi = NULL;
  g_autoptr (VkSeatAllocation) seats = NULL;
  g_autoptr (VkCountReceipt) r = NULL;
  g_autoptr (GBytes) fin = NULL;
  g_autoptr (GBytes) b1 = NULL;
  g_autoptr (JsonNode) status = NULL;
  guint n_areas = f->te->election->areas->len;
  guint64 total_cast = 0;

  g_assert_null (vk_count_mandates (f->count, NULL, VK_RESULT_FINTAELLING, NULL, NULL, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* bord-1 signs its foreløbig count; fin-1 the fintælling of every area. */
  vk_test_signoff (f->te, "bord-1", (guint64)(g_get_real_time () / 1000), "foreloebig", 1,
                   vk_test_counts (f->te, 19, 0), NULL, 2, TRUE);
  b1 = vk_test_batch (f->te, "bord-1", 1, 0);
  g_clear_pointer (&r, vk_count_receipt_free);
  r = ingest_ok (f, b1, "bord-1");
  vk_test_open (f->te, "fin-1", f->te->t0 + DAY_MS);
  for (guint a = 1; a <= n_areas; a++)
    {
      /* Distinct totals (no lot draw): list k gets 100 + 20k + a votes,
       * its candidate j has j + 1 personal votes, the rest are listestemmer. */
      VkCbor *counts = vk_cbor_new_map ();
      VkCbor *lists = vk_cbor_new_map ();
      VkCbor *ls = vk_cbor_new_map ();
      VkCbor *cands = vk_cbor_new_map ();
      guint64 valid = 0;

      for (guint k = 0; k < f->te->election->lists->len; k++)
        {
          const VkList *l = g_ptr_array_index (f->te->election->lists, k);
          guint64 v = 100 + 20 * k + a, personal = 0;

          for (guint j = 0; j < l->candidates->len; j++)
            {
              const VkCandidate *c = g_ptr_array_index (l->candidates, j);
              vk_cbor_map_set_uint (cands, c->id, j + 1);
              personal += j + 1;
            }
          vk_cbor_map_set_uint (lists, l->id, v);
          vk_cbor_map_set_uint (ls, l->id, v - personal);
          valid += v;
        }
      vk_cbor_map_set_uint (counts, "cast", valid + 1);
      vk_cbor_map_set_uint (counts, "valid", valid);
      vk_cbor_map_set_uint (counts, "blank_fremmoedte", 1);
      vk_cbor_map_set_uint (counts, "blank_brev", 0);
      vk_cbor_map_insert_text (counts, "invalid", vk_cbor_new_map ());
      vk_cbor_map_insert_text (counts, "lists", lists);
      vk_cbor_map_insert_text (counts, "listestemmer", ls);
      vk_cbor_map_insert_text (counts, "candidates", cands);
      total_cast += valid + 1;
      vk_test_signoff (f->te, "fin-1", f->te->t0 + DAY_MS + a, "fintaelling", a, counts, NULL, 2, TRUE);
    }
  fin = vk_test_batch (f->te, "fin-1", 1, 0);
  g_clear_pointer (&r, vk_count_receipt_free);
  r = ingest_ok (f, fin, "fin-1");

  fl = vk_count_results (f->count, NULL, VK_RESULT_FORELOEBIG, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fl->areas->len, ==, 1);
  g_assert_cmpuint (fl->total->cast, ==, 19);
  fi = vk_count_results (f->count, NULL, VK_RESULT_FINTAELLING, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fi->areas->len, ==, n_areas);
  g_assert_cmpuint (fi->total->cast, ==, total_cast);
  g_assert_cmpuint (((VkAreaResult *)fi->areas->pdata[0])->eligible, ==, 60);
  {
    g_autoptr (GPtrArray) failures = vk_results_check (fi);
    for (guint i = 0; i < failures->len; i++)
      g_test_message ("%s", ((VkCheckFailure *)failures->pdata[i])->message);
    g_assert_cmpuint (failures->len, ==, 0);
  }
  seats = vk_count_mandates (f->count, NULL, VK_RESULT_FINTAELLING, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seats->seats->len, ==, f->te->election->seats);

  status = vk_count_status (f->count);
  {
    JsonArray *areas = json_object_get_array_member (json_node_get_object (status), "areas");
    JsonObject *a1 = json_array_get_object_element (areas, 0);
    JsonObject *a2 = json_array_get_object_element (areas, 1);
    g_assert_cmpstr (json_object_get_string_member (a1, "foreloebig"), ==, "signed");
    g_assert_cmpstr (json_object_get_string_member (a2, "foreloebig"), ==, "none");
    g_assert_cmpstr (json_object_get_string_member (a2, "fintaelling"), ==, "signed");
  }

  /* result.published names every journal held. */
  {
    guint8 digest[32] = { 1, 2, 3 };
    g_autoptr (VkEntry) pub = vk_count_publish_result (f->count, NULL, VK_RESULT_FINTAELLING, digest, &error);
    VkCbor *journals;

    g_assert_no_error (error);
    g_assert_cmpstr (pub->type, ==, "result.published");
    journals = vk_cbor_map_lookup_text (pub->body, "journals");
    g_assert_cmpuint (vk_cbor_array_get_length (journals), ==, 2);
  }
}

/* A fintælling count of area a with distinct totals: list k gets
 * 100 + 20k + a votes, its candidate j has j + 1 personal votes, the rest
 * are listestemmer; one blank ballot. */
static VkCbor *
fin_counts (VkTestElection *te, guint a)
{
  VkCbor *counts = vk_cbor_new_map ();
  VkCbor *lists = vk_cbor_new_map ();
  VkCbor *ls = vk_cbor_new_map ();
  VkCbor *cands = vk_cbor_new_map ();
  guint64 valid = 0;

  for (guint k = 0; k < te->election->lists->len; k++)
    {
      const VkList *l = g_ptr_array_index (te->election->lists, k);
      guint64 v = 100 + 20 * k + a, personal = 0;

      for (guint j = 0; j < l->candidates->len; j++)
        {
          const VkCandidate *c = g_ptr_array_index (l->candidates, j);
          vk_cbor_map_set_uint (cands, c->id, j + 1);
          personal += j + 1;
        }
      vk_cbor_map_set_uint (lists, l->id, v);
      vk_cbor_map_set_uint (ls, l->id, v - personal);
      valid += v;
    }
  vk_cbor_map_set_uint (counts, "cast", valid + 1);
  vk_cbor_map_set_uint (counts, "valid", valid);
  vk_cbor_map_set_uint (counts, "blank_fremmoedte", 1);
  vk_cbor_map_set_uint (counts, "blank_brev", 0);
  vk_cbor_map_insert_text (counts, "invalid", vk_cbor_new_map ());
  vk_cbor_map_insert_text (counts, "lists", lists);
  vk_cbor_map_insert_text (counts, "listestemmer", ls);
  vk_cbor_map_insert_text (counts, "candidates", cands);
  return counts;
}

/* Doubtful ballots decided at the fintælling table are outside the count
 * it signed; the count server's result adds each decision (J6): to a
 * list's listestemmer, to a candidate's personal votes and the list's
 * total, or to the invalid ballots by reason; always to the ballots cast.
 * A decision that refers to no `ballot.doubtful` of the area is left out. */
static void
test_doubtful (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) counts = fin_counts (f->te, 1);
  g_autoptr (VkAreaResult) signed_result = NULL;
  g_autoptr (VkResults) fi = NULL;
  g_autoptr (GBytes) batch = NULL;
  g_autoptr (VkCountReceipt) r = NULL;
  const VkList *list = g_ptr_array_index (f->te->election->lists, 1);
  const VkList *cand_list = g_ptr_array_index (f->te->election->lists, 0);
  const VkCandidate *cand = g_ptr_array_index (cand_list->candidates, 0);
  const VkAreaResult *got;
  const VkListResult *lr, *lr0, *cr, *cr0;
  guint64 t = f->te->t0 + DAY_MS, ref, ref2, signoff, bad_ref, too_many, unknown;

  signed_result = vk_rules_counts_to_result (f->te->election, VK_RESULT_FINTAELLING, 1, counts, &error);
  g_assert_no_error (error);
  vk_test_open (f->te, "fin-1", t);
  {
    VkCbor *b = vk_cbor_new_map ();
    vk_cbor_map_set_uint (b, "area", 1);
    vk_cbor_map_set_uint (b, "count", 4);
    vk_cbor_map_set_text (b, "note", "Kryds mellem to felter");
    ref = vk_test_append (f->te, "fin-1", t + 1, "ballot.doubtful", b);
    b = vk_cbor_new_map ();
    vk_cbor_map_set_uint (b, "area", 2);
    vk_cbor_map_set_uint (b, "count", 1);
    vk_cbor_map_set_text (b, "note", "Påskrift");
    ref2 = vk_test_append (f->te, "fin-1", t + 2, "ballot.doubtful", b);
  }
  signoff = vk_test_signoff (f->te, "fin-1", t + 3, "fintaelling", 1, vk_cbor_ref (counts), NULL, 2, TRUE);
  /* Decided after the sign-off: 2 to a list, 1 to a candidate, 1 invalid (code 5). */
  vk_test_append (f->te, "fin-1", t + 4, "ballot.decision",
                  vk_test_doubt_decision_body (1, ref, 2, "list", list->id, 0));
  vk_test_append (f->te, "fin-1", t + 5, "ballot.decision",
                  vk_test_doubt_decision_body (1, ref, 1, "candidate", cand->id, 0));
  vk_test_append (f->te, "fin-1", t + 6, "ballot.decision",
                  vk_test_doubt_decision_body (1, ref, 1, "invalid", NULL, 5));
  /* Left out: another area's doubtful ballot; refused by the fold (D03):
   * a ref that is a sign-off, and a fifth ballot of the four set aside. */
  vk_test_append (f->te, "fin-1", t + 7, "ballot.decision",
                  vk_test_doubt_decision_body (2, ref2, 1, "list", list->id, 0));
  bad_ref = vk_test_append (f->te, "fin-1", t + 8, "ballot.decision",
                            vk_test_doubt_decision_body (1, signoff, 7, "list", list->id, 0));
  too_many = vk_test_append (f->te, "fin-1", t + 9, "ballot.decision",
                             vk_test_doubt_decision_body (1, ref, 1, "list", list->id, 0));

  batch = vk_test_batch (f->te, "fin-1", 1, 0);
  r = ingest_ok (f, batch, "fin-1 with doubtful ballots");
  fi = vk_count_results (f->count, NULL, VK_RESULT_FINTAELLING, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fi->areas->len, ==, 1);
  got = fi->areas->pdata[0];
  g_assert_cmpuint (got->area_number, ==, 1);
  g_assert_cmpuint (got->cast, ==, signed_result->cast + 4);
  g_assert_cmpuint (got->valid, ==, signed_result->valid + 3);
  g_assert_cmpuint (got->blank_in_person, ==, signed_result->blank_in_person);
  g_assert_cmpuint (got->other_invalid, ==, signed_result->other_invalid + 1);
  g_assert_cmpuint (vk_area_result_get_invalid (got, 5), ==, vk_area_result_get_invalid (signed_result, 5) + 1);
  lr = g_hash_table_lookup (got->lists_by_id, list->id);
  lr0 = g_hash_table_lookup (signed_result->lists_by_id, list->id);
  g_assert_cmpuint (lr->votes, ==, lr0->votes + 2);
  g_assert_cmpuint (lr->list_votes, ==, lr0->list_votes + 2);
  cr = g_hash_table_lookup (got->lists_by_id, cand_list->id);
  cr0 = g_hash_table_lookup (signed_result->lists_by_id, cand_list->id);
  g_assert_cmpuint (cr->votes, ==, cr0->votes + 1);
  g_assert_cmpuint (cr->list_votes, ==, cr0->list_votes);
  g_assert_cmpuint (vk_area_result_get_candidate_votes (got, cand->id), ==,
                    vk_area_result_get_candidate_votes (signed_result, cand->id) + 1);
  {
    /* Still a consistent result: list totals = listestemmer + personal votes. */
    g_autoptr (GPtrArray) failures = vk_results_check (fi);
    for (guint i = 0; i < failures->len; i++)
      g_test_message ("%s", ((VkCheckFailure *)failures->pdata[i])->message);
    g_assert_cmpuint (failures->len, ==, 0);
  }
  {
    /* The two refused decisions are D03 findings with their entry as evidence. */
    g_autoptr (GPtrArray) findings = vk_count_discrepancies (f->count, NULL, &error);
    guint64 seen = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < findings->len; i++)
      {
        const VkFinding *fd = findings->pdata[i];
        const VkEvidence *ev = fd->evidence->len > 0 ? fd->evidence->pdata[0] : NULL;

        if (fd->rule == 3 && ev != NULL && g_strcmp0 (ev->device_id, "fin-1") == 0)
          {
            g_assert_true (ev->seq == bad_ref || ev->seq == too_many);
            g_assert_cmpint (fd->severity, ==, VK_SEVERITY_BLOCKING);
            seen |= ev->seq == bad_ref ? 1 : 2;
          }
      }
    g_assert_cmpuint (seen, ==, 3);
  }
  /* A decision naming a list the election does not have: the count server
   * refuses the batch, as the schema says (VK_ENTRY_ERROR_UNKNOWN_ID). */
  {
    g_autoptr (GBytes) bad = NULL;

    unknown = vk_test_append (f->te, "fin-1", t + 10, "ballot.decision",
                              vk_test_doubt_decision_body (1, ref2, 1, "list", "9999", 0));
    bad = vk_test_batch (f->te, "fin-1", unknown, 0);
    assert_refused_in (f, bad, "fin-1 unknown list", VK_ENTRY_ERROR, VK_ENTRY_ERROR_UNKNOWN_ID, "9999");
  }
}

/* Many devices, many entries: the rate, against raw Ed25519 verification. */
static void
test_throughput (void)
{
  g_autoptr (VkTestElection) te = vk_test_election_new (3000);
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;
  g_autoptr (VkCount) count = NULL;
  g_autoptr (GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  guint n_dev = 4, per_dev = 2500, n_entries = 0;
  gint64 t_start, t_end;
  g_autoptr (VkKeypair) k = vk_test_key_for ("bench");
  guint8 msg[200] = { 0 };
  guint8 sig[64];
  guint n_verify = 2000;
  double ingest_rate, verify_rate;

  vk_test_add_device (te, "server-1", "server", VK_PACKAGE_NO_AREA);
  for (guint d = 0; d < n_dev; d++)
    {
      g_autofree char *id = g_strdup_printf ("bord-%u", d + 1);
      const guint8 *eid = vk_package_get_election_id (te->package);
      VkKeypair *key = vk_test_add_device (te, id, "valgbord", d + 1);
      g_autoptr (GByteArray) out = g_byte_array_new ();
      guint8 prev[32] = { 0 };

      /* Entries made in memory (no fsync per entry), exactly as J2/J3 say. */
      for (guint s = 1; s <= per_dev; s++)
        {
          g_autoptr (VkCbor) p = vk_cbor_new_array ();
          g_autoptr (VkCbor) body = vk_cbor_new_map ();
          g_autoptr (GBytes) payload = NULL;
          g_autoptr (GBytes) cose = NULL;

          vk_cbor_map_set_uint (body, "area", d + 1);
          vk_cbor_map_set_uint (body, "loebenummer", s);
          vk_cbor_map_set_text (body, "method", "scan");
          vk_cbor_array_append (p, vk_cbor_new_uint (1));
          vk_cbor_array_append (p, vk_cbor_new_bytes (eid, 32));
          vk_cbor_array_append (p, vk_cbor_new_text (id, -1));
          vk_cbor_array_append (p, vk_cbor_new_uint (s));
          vk_cbor_array_append (p, vk_cbor_new_bytes (prev, 32));
          vk_cbor_array_append (p, vk_cbor_new_uint (te->t0 + s * 1000));
          vk_cbor_array_append (p, vk_cbor_new_text ("checkin", -1));
          vk_cbor_array_append (p, vk_cbor_ref (body));
          payload = vk_cbor_encode (p);
          vk_sha256 (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), prev);
          cose = vk_cose_sign1_create (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), key, &error);
          g_assert_no_error (error);
          g_byte_array_append (out, g_bytes_get_data (cose, NULL), (guint)g_bytes_get_size (cose));
          /* Pushed in batches of 500, as a station that was offline would. */
          if (s % 500 == 0)
            {
              g_ptr_array_add (batches, g_bytes_new (out->data, out->len));
              g_byte_array_set_size (out, 0);
            }
          n_entries++;
        }
    }
  db = g_build_filename (te->dir, "count.db", NULL);
  count = vk_count_open (db, te->package, vk_test_get_key (te, "server-1"), &error);
  g_assert_no_error (error);

  t_start = g_get_monotonic_time ();
  for (guint i = 0; i < batches->len; i++)
    {
      GBytes *b = batches->pdata[i];
      g_autoptr (VkCountReceipt) r = NULL;

      g_assert_true (vk_count_ingest (count, g_bytes_get_data (b, NULL), g_bytes_get_size (b), "bench", &r, &error));
      g_assert_no_error (error);
    }
  t_end = g_get_monotonic_time ();
  ingest_rate = n_entries / ((t_end - t_start) / 1e6);

  g_assert_true (vk_keypair_sign (k, msg, sizeof msg, sig, &error));
  t_start = g_get_monotonic_time ();
  for (guint i = 0; i < n_verify; i++)
    g_assert_true (vk_ed25519_verify (vk_keypair_get_public_key (k), msg, sizeof msg, sig));
  t_end = g_get_monotonic_time ();
  verify_rate = n_verify / ((t_end - t_start) / 1e6);
  g_test_message ("ingest: %u entries in %u batches: %.0f entries/s; raw Ed25519 verify: %.0f/s", n_entries,
                  batches->len, ingest_rate, verify_rate);

  {
    g_autoptr (GPtrArray) heads = vk_count_dup_heads (count);
    g_assert_cmpuint (heads->len, ==, n_dev + 1);
    for (guint i = 0; i < heads->len; i++)
      if (strcmp (((VkCountHead *)heads->pdata[i])->device_id, "server-1") != 0)
        g_assert_cmpuint (((VkCountHead *)heads->pdata[i])->seq, ==, per_dev);
  }
}

/* The station's own tally service (close, double entry, sign-off) feeds
 * the count server: the result is the station's, and the rules about the
 * count (D07, D12, D16, D18, D19) find nothing in area 1. */
static void
test_station_tally (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) counts = vk_test_counts (f->te, 19, 0);
  g_autoptr (VkAreaResult) result
      = vk_rules_counts_to_result (f->te->election, VK_RESULT_FORELOEBIG, 1, counts, &error);
  VkBallotAccount ballots = { 0 };
  VkSigner signers[] = { { "Anne", NULL }, { "Bo", NULL } };
  g_autoptr (GBytes) batch = NULL;
  g_autoptr (VkCountReceipt) r = NULL;
  g_autoptr (VkResults) res = NULL;
  g_autoptr (GPtrArray) findings = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_close_poll (f->bord1, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_enter (f->bord1, NULL, VK_RESULT_FORELOEBIG, 1, 1, "Anne", result, &ballots, &error), >,
                    0);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_enter (f->bord1, NULL, VK_RESULT_FORELOEBIG, 1, 2, "Bo", result, &ballots, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_sign_off (f->bord1, NULL, VK_RESULT_FORELOEBIG, 1, signers, 2, NULL, 19, 60, &error), >,
                    0);
  g_assert_no_error (error);

  batch = vk_test_batch (f->te, "bord-1", 1, 0);
  r = ingest_ok (f, batch, "bord-1 with its count");
  g_assert_cmpuint (r->seq, ==, 24);
  res = vk_count_results (f->count, NULL, VK_RESULT_FORELOEBIG, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (res->areas->len, ==, 1);
  g_assert_cmpuint (res->total->cast, ==, 19);
  g_assert_cmpuint (res->total->valid, ==, result->valid);
  findings = vk_count_discrepancies (f->count, NULL, &error);
  for (guint i = 0; i < findings->len; i++)
    {
      const VkFinding *fd = findings->pdata[i];
      if (fd->area != 1)
        continue;
      g_assert_true (fd->rule != 7 && fd->rule != 12 && fd->rule != 16 && fd->rule != 18 && fd->rule != 19);
    }
}

/* The joint KV + RV event: one check-in per voter, two counts per area.
 * Each contest is entered, signed off, ingested and computed on its own;
 * a sign-off of KV leaves the RV count missing (D09 naming RV); a contest
 * the package does not have is refused at the table and by the schema. */
static void
test_joint (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkTestElection) te = vk_test_election_new_joint (40);
  g_autofree char *station_db = NULL;
  g_autofree char *db = NULL;
  g_autoptr (VkStation) bord = NULL;
  g_autoptr (VkCount) count = NULL;
  const VkElection *rv = vk_election_get_contest (te->election, "RV");
  g_autoptr (VkCbor) kv_counts = NULL;
  g_autoptr (VkCbor) rv_counts = NULL;
  g_autoptr (VkAreaResult) kv = NULL;
  g_autoptr (VkAreaResult) rvr = NULL;
  VkSigner signers[] = { { "Anne", NULL }, { "Bo", NULL } };
  gboolean rv_missing = FALSE, kv_missing = FALSE;

  g_assert_nonnull (rv);
  g_assert_cmpuint (vk_election_get_n_contests (vk_package_get_election (te->package)), ==, 2);
  vk_test_add_device (te, "bord-1", "valgbord", 1);
  vk_test_add_device (te, "server-1", "server", VK_PACKAGE_NO_AREA);
  station_db = g_build_filename (te->dir, "station-bord-1.db", NULL);
  bord = vk_station_open (te->package, station_db, "bord-1", vk_test_get_key (te, "bord-1"), &error);
  g_assert_no_error (error);
  vk_test_borrow_journal (te, "bord-1", vk_station_get_journal (bord));
  for (guint lnr = 1; lnr <= 19; lnr++)
    {
      vk_station_check_in (bord, lnr, VK_CHECKIN_SCAN, FALSE, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (vk_tally_close_poll (bord, &error), >, 0);
  g_assert_no_error (error);

  kv_counts = vk_test_counts (te, 19, 0);
  kv = vk_rules_counts_to_result (te->election, VK_RESULT_FORELOEBIG, 1, kv_counts, &error);
  g_assert_no_error (error);
  /* One voter handed in only the KV ballot: 18 RV ballots. */
  rv_counts = vk_test_counts_for (rv, 18, 0);
  rvr = vk_rules_counts_to_result (rv, VK_RESULT_FORELOEBIG, 1, rv_counts, &error);
  g_assert_no_error (error);

  /* A contest the package does not have. */
  g_assert_cmpuint (vk_tally_enter (bord, "EP", VK_RESULT_FORELOEBIG, 1, 1, "Anne", kv, NULL, &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_UNKNOWN_CONTEST);
  g_clear_error (&error);
  /* RV counts entered as KV: the RV lists are not the KV contest's. */
  g_assert_cmpuint (vk_tally_enter (bord, "KV", VK_RESULT_FORELOEBIG, 1, 1, "Anne", rvr, NULL, &error), ==, 0);
  g_assert_nonnull (error);
  g_clear_error (&error);

  for (guint round = 1; round <= 2; round++)
    {
      g_assert_cmpuint (
          vk_tally_enter (bord, "KV", VK_RESULT_FORELOEBIG, 1, round, round == 1 ? "Anne" : "Bo", kv, NULL, &error), >,
          0);
      g_assert_no_error (error);
      g_assert_cmpuint (
          vk_tally_enter (bord, "RV", VK_RESULT_FORELOEBIG, 1, round, round == 1 ? "Anne" : "Bo", rvr, NULL, &error), >,
          0);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (vk_tally_sign_off (bord, "KV", VK_RESULT_FORELOEBIG, 1, signers, 2, NULL, 19, 40, &error), >, 0);
  g_assert_no_error (error);
  /* The KV sign-off did not sign off RV. */
  {
    g_autoptr (VkTally) t = vk_tally_dup_station_tally (bord, "RV", VK_RESULT_FORELOEBIG, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (vk_tally_get_state (t), ==, VK_TALLY_AGREED);
  }
  /* RV: 18 ballots against 19 marked voters needs the explanation. */
  g_assert_cmpuint (vk_tally_sign_off (bord, "RV", VK_RESULT_FORELOEBIG, 1, signers, 2, NULL, 19, 40, &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NO_EXPLANATION);
  g_clear_error (&error);

  db = g_build_filename (te->dir, "count.db", NULL);
  count = vk_count_open (db, te->package, vk_test_get_key (te, "server-1"), &error);
  g_assert_no_error (error);
  {
    g_autoptr (GBytes) batch = vk_test_batch (te, "bord-1", 1, 0);
    g_autoptr (VkCountReceipt) r = NULL;
    gboolean ok
        = vk_count_ingest (count, g_bytes_get_data (batch, NULL), g_bytes_get_size (batch), "bord-1", &r, &error);
    g_assert_no_error (error);
    g_assert_true (ok);
  }
  {
    g_autoptr (VkResults) k = vk_count_results (count, "KV", VK_RESULT_FORELOEBIG, &error);
    g_autoptr (VkResults) p = vk_count_results (count, NULL, VK_RESULT_FORELOEBIG, &error);
    g_autoptr (VkResults) r = vk_count_results (count, "RV", VK_RESULT_FORELOEBIG, &error);
    g_autoptr (GPtrArray) findings = vk_count_discrepancies (count, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (k->areas->len, ==, 1);
    g_assert_cmpuint (p->areas->len, ==, 1);
    g_assert_cmpuint (k->total->cast, ==, 19);
    g_assert_cmpuint (r->areas->len, ==, 0);
    for (guint i = 0; i < findings->len; i++)
      {
        const VkFinding *fd = findings->pdata[i];
        if (fd->rule == 9 && fd->area == 1 && fd->severity == VK_SEVERITY_BLOCKING)
          {
            rv_missing |= g_strcmp0 (fd->contest, "RV") == 0 && strstr (fd->message_da, "(RV)") != NULL;
            kv_missing |= g_strcmp0 (fd->contest, "KV") == 0;
          }
      }
    g_assert_true (rv_missing);
    g_assert_false (kv_missing);
  }

  g_assert_cmpuint (vk_tally_sign_off (bord, "RV", VK_RESULT_FORELOEBIG, 1, signers, 2,
                                       "En vælger afleverede kun kommunalvalgets stemmeseddel.", 19, 40, &error),
                    >, 0);
  g_assert_no_error (error);
  {
    guint64 head = vk_journal_get_head_seq (vk_station_get_journal (bord));
    g_autoptr (GBytes) batch = vk_test_batch (te, "bord-1", head, head);
    g_autoptr (VkCountReceipt) r = NULL;
    g_autoptr (VkResults) res = NULL;
    g_autoptr (JsonNode) status = NULL;
    g_autoptr (GError) bad = NULL;
    g_autoptr (GPtrArray) findings = NULL;
    g_autoptr (VkSeatAllocation) seats = NULL;
    JsonObject *a0;

    g_assert_true (
        vk_count_ingest (count, g_bytes_get_data (batch, NULL), g_bytes_get_size (batch), "bord-1", &r, &error));
    g_assert_no_error (error);
    res = vk_count_results (count, "RV", VK_RESULT_FORELOEBIG, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (res->areas->len, ==, 1);
    g_assert_cmpuint (res->total->cast, ==, 18);
    for (guint i = 0; i < rv->lists->len; i++)
      {
        const VkList *l = g_ptr_array_index (rv->lists, i);
        g_assert_cmpuint (vk_area_result_get_list_votes (res->total, l->id), ==,
                          vk_area_result_get_list_votes (rvr, l->id));
      }
    /* The area's eligible voters for RV are the contest's own. */
    g_assert_cmpuint (res->areas->len, ==, 1);
    status = vk_count_status (count);
    a0 = json_array_get_object_element (json_object_get_array_member (json_node_get_object (status), "areas"), 0);
    g_assert_cmpstr (
        json_object_get_string_member (
            json_object_get_object_member (json_object_get_object_member (a0, "contests"), "RV"), "foreloebig"),
        ==, "signed");
    g_assert_cmpstr (json_object_get_string_member (a0, "foreloebig"), ==, "signed");
    /* D07 for RV with its explanation is a warning naming RV, not blocking. */
    findings = vk_count_discrepancies (count, NULL, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < findings->len; i++)
      {
        const VkFinding *fd = findings->pdata[i];
        if (fd->rule == 7 && fd->area == 1)
          {
            g_assert_cmpstr (fd->contest, ==, "RV");
            g_assert_cmpint (fd->severity, ==, VK_SEVERITY_WARNING);
          }
        if (fd->area == 1)
          g_assert_true (fd->rule != 12 && fd->rule != 18 && fd->rule != 19 && fd->rule != 20);
      }
    /* The KV council is allocated (19 votes for 15 seats end in a lot
     * draw, which is the allocation running on the KV contest's lists). */
    seats = vk_count_mandates (count, "KV", VK_RESULT_FORELOEBIG, NULL, NULL, &error);
    if (seats == NULL)
      {
        g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
        g_assert_nonnull (strstr (error->message, "Valgforbund 1"));
        g_clear_error (&error);
      }
    else
      g_assert_cmpuint (seats->n_seats, ==, te->election->seats);
    g_assert_null (vk_count_results (count, "EP", VK_RESULT_FORELOEBIG, &bad));
    g_assert_error (bad, VK_ERROR, VK_ERROR_NOT_FOUND);
  }
  /* The schema refuses a count of a contest the package does not have. */
  {
    g_autoptr (VkCbor) body = vk_cbor_new_map ();
    VkEntry e = { 0 };

    vk_cbor_map_set_text (body, "contest", "FV");
    vk_cbor_map_set_text (body, "kind", "foreloebig");
    vk_cbor_map_set_uint (body, "area", 1);
    vk_cbor_map_set_uint (body, "round", 1);
    vk_cbor_map_set_text (body, "by", "Anne");
    vk_cbor_map_insert_text (body, "counts", vk_test_counts (te, 19, 0));
    e.device_id = (char *)"bord-1";
    e.seq = 99;
    e.type = (char *)"tally";
    e.body = body;
    g_assert_false (vk_entry_schema_check (vk_package_lookup_device (te->package, "bord-1"), te->election, &e, &error));
    g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD);
    g_assert_nonnull (strstr (error->message, "FV"));
  }
}

static char *
export_journal (Fixture *f, const char *id, guint64 from, guint64 to)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) b = vk_test_batch (f->te, id, from, to);
  g_autofree char *name = g_strdup_printf ("%s-%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ".vkj", id, from, to);
  char *path = g_build_filename (f->te->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (b, NULL), (gssize)g_bytes_get_size (b), &error));
  g_assert_no_error (error);
  return path;
}

/* `valgkit import` and `valgkit discrepancies`: the same code path as a
 * push, per-file verdicts, exit statuses. */
static void
test_cli (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *key_path = g_build_filename (f->te->dir, "server.key", NULL);
  g_autofree char *db = g_build_filename (f->te->dir, "cli-count.db", NULL);
  g_autofree char *good = export_journal (f, "bord-1", 1, 0);
  g_autofree char *late = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  const char *pkg = vk_package_get_path (f->te->package);
  JsonArray *arr;
  gboolean saw_d21 = FALSE;
  int status;

  g_assert_true (vk_keypair_save (vk_test_get_key (f->te, "server-1"), key_path, "test-pass", VK_KDF_INTERACTIVE,
                                  "server", "server-1", &error));
  g_assert_no_error (error);
  g_setenv ("VALGKIT_PASSPHRASE", "test-pass", TRUE);

  /* A tampered copy: the last byte (in the last signature) flipped. */
  {
    g_autofree char *bytes = NULL;
    gsize len = 0;
    g_assert_true (g_file_get_contents (good, &bytes, &len, NULL));
    bytes[len - 1] ^= 0x40;
    /* Its name holds an escape sequence: printed escaped, never raw. */
    bad = g_build_filename (f->te->dir, "bad\x1b[31m.vkj", NULL);
    g_assert_true (g_file_set_contents (bad, bytes, (gssize)len, NULL));
  }
  {
    const char *argv[]
        = { vk_test_valgkit (), "import", "--db", db, "--election", pkg, "--key", key_path, good, bad, NULL };
    status = vk_test_spawn (argv, &out, &err);
  }
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (out, "accepted: device bord-1, held up to entry 20"));
  g_assert_nonnull (strstr (err, "bad\\x1B[31m.vkj: REFUSED"));
  g_assert_null (strchr (err, '\x1b'));
  g_assert_nonnull (strstr (err, "signature"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Everything accepted: 0.  A held batch says so. */
  vk_test_open (f->te, "bord-2", (guint64)(g_get_real_time () / 1000));
  for (guint i = 1; i <= 4; i++)
    vk_test_checkin (f->te, "bord-2", (guint64)(g_get_real_time () / 1000), 2, i);
  late = export_journal (f, "bord-2", 3, 0);
  {
    const char *argv[] = { vk_test_valgkit (), "import", "--db", db, "--election", pkg, "--key", key_path, late, NULL };
    status = vk_test_spawn (argv, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "held up to entry 0"));
  g_assert_nonnull (strstr (out, "3 waiting"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage errors: 2. */
  {
    const char *argv[] = { vk_test_valgkit (), "import", "--db", db, good, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 2);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[] = { vk_test_valgkit (), "discrepancies", "--db", "/nonexistent/x.db", "--election", pkg, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 2);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* The refusal is signed by nobody: not a D01 about bord-1 but one D21
   * warning; no area has a count (D09). */
  {
    const char *argv[] = { vk_test_valgkit (), "discrepancies", "--db", db, "--election", pkg, "--json", NULL };
    status = vk_test_spawn (argv, &out, &err);
  }
  g_assert_cmpint (status, ==, 1);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  arr = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *o = json_array_get_object_element (arr, i);
      g_assert_cmpstr (json_object_get_string_member (o, "rule"), !=, "D01");
      if (strcmp (json_object_get_string_member (o, "rule"), "D21") == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (o, "severity"), ==, "warning");
          g_assert_nonnull (
              strstr (json_object_get_string_member (o, "en"), "1 unverified batches refused from 1 sources"));
          saw_d21 = TRUE;
        }
    }
  g_assert_true (saw_d21);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { vk_test_valgkit (), "discrepancies", "--db", db, "--election", pkg, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 1);
    g_assert_nonnull (strstr (out, "D21 warning"));
    g_assert_nonnull (strstr (out, "\\x1B[31m.vkj"));
    g_assert_null (strchr (out, '\x1b'));
  }
}

/* Runs valgkit with a time limit and, outside sanitizer builds (ASan
 * reserves terabytes of address space), a 2 GiB address-space limit, so
 * that a hang or a runaway read fails the test, not the machine. */
static int
spawn_bounded (const char *const *args, char **ret_out, char **ret_err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
#if defined(__SANITIZE_ADDRESS__)
  const char *script = "exec timeout -k 5 30 \"$@\"";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  const char *script = "exec timeout -k 5 30 \"$@\"";
#else
  const char *script = "ulimit -v 2097152 2>/dev/null; exec timeout -k 5 30 \"$@\"";
#endif
#else
  const char *script = "ulimit -v 2097152 2>/dev/null; exec timeout -k 5 30 \"$@\"";
#endif

  g_ptr_array_add (argv, (gpointer) "/bin/sh");
  g_ptr_array_add (argv, (gpointer) "-c");
  g_ptr_array_add (argv, (gpointer)script);
  g_ptr_array_add (argv, (gpointer) "sh");
  g_ptr_array_add (argv, (gpointer)vk_test_valgkit ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);
  return vk_test_spawn ((const char *const *)argv->pdata, ret_out, ret_err);
}

/* Issue 12, items 8 and 9: `valgkit import` from a hostile USB stick.  A
 * link to the server key, a FIFO (hung), /dev/zero (read until memory ran
 * out), a 1 GiB file (read whole) and a directory are refused by name
 * without being read; a file name with escape sequences is printed
 * escaped; `--key` refuses /dev/zero, a FIFO and a key others can read;
 * the count database is created 0600. */
static void
test_cli_untrusted (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *usb = g_build_filename (f->te->dir, "usb", NULL);
  g_autofree char *key_path = g_build_filename (f->te->dir, "server.key", NULL);
  g_autofree char *open_key = g_build_filename (f->te->dir, "server-0644.key", NULL);
  g_autofree char *db = g_build_filename (f->te->dir, "untrusted-count.db", NULL);
  g_autofree char *good = export_journal (f, "bord-1", 1, 0);
  g_autofree char *link = g_build_filename (usb, "link.vkj", NULL);
  g_autofree char *fifo = g_build_filename (usb, "fifo.vkj", NULL);
  g_autofree char *big = g_build_filename (usb, "big.vkj", NULL);
  g_autofree char *evil = g_build_filename (usb, "evil\x1b]0;owned\x07\x1b[2J\n.vkj", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *pkg = vk_package_get_path (f->te->package);
  gsize len = 0;
  GStatBuf st;
  int fd;

  g_assert_cmpint (g_mkdir (usb, 0700), ==, 0);
  g_assert_true (vk_keypair_save (vk_test_get_key (f->te, "server-1"), key_path, "test-pass", VK_KDF_INTERACTIVE,
                                  "server", "server-1", &error));
  g_assert_no_error (error);
  g_assert_true (vk_keypair_save (vk_test_get_key (f->te, "server-1"), open_key, "test-pass", VK_KDF_INTERACTIVE,
                                  "server", "server-1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (open_key, 0644), ==, 0);
  g_setenv ("VALGKIT_PASSPHRASE", "test-pass", TRUE);

  g_assert_cmpint (symlink (key_path, link), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  fd = open (big, O_WRONLY | O_CREAT | O_EXCL, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t)1 << 30), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);
  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (evil, contents, (gssize)len, NULL));

  {
    const char *args[]
        = { "import", "--db", db, "--election", pkg, "--key", key_path, link, fifo, "/dev/zero", big, usb, evil, NULL };
    /* Unreadable input is exit 2, as a missing file is. */
    g_assert_cmpint (spawn_bounded (args, &out, &err), ==, 2);
  }
  g_assert_nonnull (strstr (err, "link.vkj: REFUSED: "));
  g_assert_nonnull (strstr (err, "link.vkj: is a symbolic link"));
  g_assert_nonnull (strstr (err, "fifo.vkj: is a FIFO"));
  g_assert_nonnull (strstr (err, "/dev/zero: is a character device"));
  g_assert_nonnull (strstr (err, "big.vkj: is too large"));
  g_assert_nonnull (strstr (err, "usb: is a directory"));
  /* The genuine journal under the evil name is accepted, its name escaped. */
  g_assert_nonnull (strstr (out, "evil\\x1B]0;owned\\x07\\x1B[2J\\x0A.vkj: accepted: device bord-1"));
  g_assert_null (strchr (out, '\x1b'));
  g_assert_null (strchr (err, '\x1b'));
  g_assert_null (strchr (out, '\x07'));
  g_assert_null (strchr (err, '\x07'));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The count database holds who voted: 0600. */
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* --key: a device, a FIFO, a key file others can read. */
  {
    const char *keys[] = { "/dev/zero", fifo, open_key };
    const char *why[] = { "character device", "is a FIFO", "UNPROTECTED SECRET KEY FILE" };

    for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
      {
        const char *args[] = { "import", "--db", db, "--election", pkg, "--key", keys[i], good, NULL };

        g_assert_cmpint (spawn_bounded (args, &out, &err), ==, 2);
        g_assert_nonnull (strstr (err, why[i]));
        g_clear_pointer (&out, g_free);
        g_clear_pointer (&err, g_free);
      }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (vk_crypto_init (NULL));

#define ADD(path, fn) g_test_add ("/count/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("ingest", test_ingest);
  ADD ("idempotent", test_idempotent);
  ADD ("out-of-order", test_out_of_order);
  ADD ("tampered", test_tampered);
  ADD ("unenrolled", test_unenrolled);
  ADD ("zeroed-signatures", test_zeroed_signatures);
  ADD ("forged", test_forged);
  ADD ("long-device-id", test_long_device_id);
  ADD ("wrong-election", test_wrong_election_real);
  ADD ("role", test_role);
  ADD ("fork", test_fork);
  ADD ("restart", test_restart);
  ADD ("kill", test_kill);
  ADD ("results", test_results);
  ADD ("doubtful", test_doubtful);
  ADD ("cli", test_cli);
  ADD ("cli-untrusted", test_cli_untrusted);
  ADD ("station-tally", test_station_tally);
#undef ADD
  g_test_add_func ("/count/throughput", test_throughput);
  g_test_add_func ("/count/joint", test_joint);
  return g_test_run ();
}

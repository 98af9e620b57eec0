/* test-publish.c: `valgkit publish`, the act that makes a result public.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A count database with a signed-off foreløbig count of area 1; `valgkit
 * publish --kind foreloebig` journals a `result.published` entry whose
 * digest is the one `print results` would take (vk_result_data_digest()
 * over the total and its seats), and vk_count_is_published() then says
 * so for that kind only.
 */
#include "vk-count.h"
#include "vk-error.h"
#include "vk-result-sheet.h"
#include "vk-test-journals.h"

#define PASSPHRASE "prøvevalg-publish"

/* Irregular list totals (no lot draw): list k gets 1003 + 211k + 17k² votes. */
static VkCbor *
distinct_counts (VkTestElection *te)
{
  VkCbor *counts = vk_cbor_new_map ();
  VkCbor *lists = vk_cbor_new_map ();
  guint64 valid = 0;

  for (guint k = 0; k < te->election->lists->len; k++)
    {
      const VkList *l = g_ptr_array_index (te->election->lists, k);
      guint64 v = 1003 + 211 * k + 17 * k * k;

      vk_cbor_map_set_uint (lists, l->id, v);
      valid += v;
    }
  vk_cbor_map_set_uint (counts, "cast", valid + 1);
  vk_cbor_map_set_uint (counts, "valid", valid);
  vk_cbor_map_set_uint (counts, "blank_fremmoedte", 1);
  vk_cbor_map_set_uint (counts, "blank_brev", 0);
  vk_cbor_map_insert_text (counts, "invalid", vk_cbor_new_map ());
  vk_cbor_map_insert_text (counts, "lists", lists);
  return counts;
}

static int
run (const char *kind, const char *contest, VkTestElection *te, const char *db, const char *key, char **ret_out,
     char **ret_err)
{
  g_autofree char *pkg = g_build_filename (te->dir, "election.vkp", NULL);
  const char *argv[] = { vk_test_valgkit (),
                         "publish",
                         "--db",
                         db,
                         "--election",
                         pkg,
                         "--key",
                         key,
                         "--kind",
                         kind,
                         contest != NULL ? "--contest" : NULL,
                         contest,
                         NULL };

  return vk_test_spawn (argv, ret_out, ret_err);
}

static void
test_publish_cli (void)
{
  g_autoptr (VkTestElection) te = vk_test_election_new (20);
  g_autoptr (GError) error = NULL;
  g_autofree char *db = g_build_filename (te->dir, "count.db", NULL);
  g_autofree char *key = g_build_filename (te->dir, "server-1.key", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GBytes) batch = NULL;
  guint8 digest[32];

  vk_test_add_device (te, "bord-1", "valgbord", 1);
  vk_test_add_device (te, "server-1", "server", VK_PACKAGE_NO_AREA);
  g_assert_true (vk_keypair_save (vk_test_get_key (te, "server-1"), key, PASSPHRASE, VK_KDF_INTERACTIVE, "server",
                                  "server-1", &error));
  g_assert_no_error (error);
  g_setenv ("VALGKIT_PASSPHRASE", PASSPHRASE, TRUE);

  vk_test_open (te, "bord-1", te->t0);
  vk_test_signoff (te, "bord-1", te->t0 + 1, "foreloebig", 1, distinct_counts (te), NULL, 2, TRUE);
  batch = vk_test_batch (te, "bord-1", 1, 0);
  {
    g_autoptr (VkCount) count = vk_count_open (db, te->package, vk_test_get_key (te, "server-1"), &error);
    g_autoptr (VkCountReceipt) r = NULL;
    g_autoptr (VkResults) results = NULL;
    g_autoptr (VkSeatAllocation) seats = NULL;

    g_assert_no_error (error);
    g_assert_true (
        vk_count_ingest (count, g_bytes_get_data (batch, NULL), g_bytes_get_size (batch), "test", &r, &error));
    g_assert_no_error (error);
    g_assert_false (vk_count_is_published (count, NULL, VK_RESULT_FORELOEBIG));
    /* The digest print results would publish. */
    results = vk_count_results (count, NULL, VK_RESULT_FORELOEBIG, &error);
    g_assert_no_error (error);
    seats = vk_count_mandates (count, NULL, VK_RESULT_FORELOEBIG, NULL, NULL, &error);
    g_assert_no_error (error);
    vk_result_data_digest (results->total, seats, digest);
  }

  /* Bad arguments: exit 2, nothing journaled. */
  g_assert_cmpint (run ("bogus", NULL, te, db, key, NULL, NULL), ==, 2);
  g_assert_cmpint (run ("foreloebig", "XX", te, db, key, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "not a contest"));
  g_clear_pointer (&err, g_free);
  /* No fintælling yet: exit 1. */
  g_assert_cmpint (run ("fintaelling", NULL, te, db, key, NULL, &err), ==, 1);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run ("foreloebig", NULL, te, db, key, &out, &err), ==, 0);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_str_has_prefix (out, "published KV foreloebig: entry "));
  {
    g_autofree char *hex = vk_hex_encode (digest, sizeof digest);
    g_assert_nonnull (strstr (out, hex));
  }
  {
    g_autoptr (VkCount) count = vk_count_open_read_only (db, te->package, &error);
    g_autoptr (GPtrArray) entries = NULL;
    const VkEntry *last;
    gsize len = 0;
    const guint8 *published;

    g_assert_no_error (error);
    g_assert_true (vk_count_is_published (count, NULL, VK_RESULT_FORELOEBIG));
    g_assert_true (vk_count_is_published (count, "KV", VK_RESULT_FORELOEBIG));
    g_assert_false (vk_count_is_published (count, NULL, VK_RESULT_FINTAELLING));
    entries = vk_count_dup_entries (count, "server-1", 0, &error);
    g_assert_no_error (error);
    last = g_ptr_array_index (entries, entries->len - 1);
    g_assert_cmpstr (last->type, ==, "result.published");
    published = vk_cbor_map_get_bytes_field (last->body, "digest", &len, NULL);
    g_assert_cmpmem (published, len, digest, sizeof digest);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/publish/cli", test_publish_cli);
  return g_test_run ();
}

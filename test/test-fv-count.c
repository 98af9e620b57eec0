/* test-fv-count.c: the count server's side of a folketingsvalg and a
 * folkeafstemning: valg.dk files (FV- and FA-Valgresultater, turnout),
 * the signed municipality result the national level tallies, the result
 * sheets and the audit.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bornholm (kommune 400, 10 areas, two opstillingskredse in storkreds 4)
 * from ../shared/data/fv2026 is built into an FV + FA package with
 * `valgkit election import`; one table per area checks in its voters
 * and counts both contests (foreløbig), a fintælling table counts every
 * area again; the journals go into a count database.  The expected
 * numbers are computed here from the voters and the counts entered, not
 * read back from valgkit.
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "vk-contest-result.h"
#include "vk-count-export.h"
#include "vk-count.h"
#include "vk-election-import.h"
#include "vk-error.h"
#include "vk-keys.h"
#include "vk-package.h"
#include "vk-rules.h"
#include "vk-seats.h"
#include "vk-station.h"
#include "vk-tally.h"
#include "vk-valgdk-delivery.h"
#include "vk-valgdk-export.h"
#include "vk-test-util.h"

#define N_AREAS 10
#define PASSPHRASE "fv-count-test-passphrase"

/* Area a has 3 + a voters who get both ballots, one who gets FV only and
 * two who get FA only; all of them vote. */
#define BOTH(a) (3u + (a))
#define FV_VOTERS(a) (BOTH (a) + 1u)
#define FA_VOTERS(a) (BOTH (a) + 2u)
#define ALL_VOTERS(a) (BOTH (a) + 3u)

static char *
fv2026_path (const char *name)
{
  const char *kv = vk_test_data_dir ();
  char *path;

  if (kv == NULL)
    return NULL;
  path = g_build_filename (kv, "..", "fv2026", name, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_free (path);
      return NULL;
    }
  return path;
}

static VkKeypair *
key_from_seed (guint8 fill)
{
  guint8 seed[VK_SEED_BYTES];

  memset (seed, fill, sizeof seed);
  return vk_keypair_new_from_seed (seed);
}

static void
spawn_ok (const char *const *argv, char **ret_out)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = vk_test_spawn (argv, &out, &err);

  if (status != 0)
    g_error ("%s %s failed (%d):\n%s%s", argv[1], argv[2] != NULL ? argv[2] : "", status, out, err);
  if (ret_out != NULL)
    *ret_out = g_steal_pointer (&out);
}

/* A counts map of a contest: the valid votes (cast − 2) over the lists in
 * turn (the first lists get the rest), one blank, one invalid (reason 8). */
static VkCbor *
counts_for (const VkElection *contest, guint64 cast)
{
  VkCbor *c = vk_cbor_new_map ();
  VkCbor *lists = vk_cbor_new_map ();
  VkCbor *inv = vk_cbor_new_map ();
  guint64 valid = cast - 2;

  for (guint i = 0; i < contest->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (contest->lists, i);

      vk_cbor_map_set_uint (lists, l->id, valid / contest->lists->len + (i < valid % contest->lists->len ? 1 : 0));
    }
  vk_cbor_map_set_uint (inv, "8", 1);
  vk_cbor_map_set_uint (c, "cast", cast);
  vk_cbor_map_set_uint (c, "valid", valid);
  vk_cbor_map_set_uint (c, "blank_fremmoedte", 1);
  vk_cbor_map_set_uint (c, "blank_brev", 0);
  vk_cbor_map_insert_text (c, "invalid", inv);
  vk_cbor_map_insert_text (c, "lists", lists);
  return c;
}

/* The FV fintælling: counts_for()'s totals, one personal vote for each of
 * the first candidates on the area's ballot, the rest partistemmer. */
static VkCbor *
fv_fintaelling_counts (const VkElection *fv, guint area, guint64 cast)
{
  VkCbor *c = counts_for (fv, cast);
  VkCbor *lists = vk_cbor_map_lookup_text (c, "lists");
  VkCbor *listestemmer = vk_cbor_new_map ();
  VkCbor *candidates = vk_cbor_new_map ();

  for (guint i = 0; i < fv->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (fv->lists, i);
      g_autoptr (GPtrArray) ballot = vk_election_dup_ballot_candidates (fv, l, area);
      guint64 total = vk_cbor_get_uint (vk_cbor_map_lookup_text (lists, l->id));
      guint64 personal = MIN (total, ballot->len);

      for (guint k = 0; k < ballot->len; k++)
        vk_cbor_map_set_uint (candidates, ((VkCandidate *)g_ptr_array_index (ballot, k))->id, k < personal ? 1 : 0);
      vk_cbor_map_set_uint (listestemmer, l->id, total - personal);
    }
  vk_cbor_map_insert_text (c, "listestemmer", listestemmer);
  vk_cbor_map_insert_text (c, "candidates", candidates);
  return c;
}

static void
enter_and_sign (VkStation *st, const VkElection *contest, VkResultKind kind, guint area, VkCbor *counts, gint64 marked)
{
  static const VkSigner signers[] = { { "Anne", NULL }, { "Bo", NULL } };
  g_autoptr (GError) error = NULL;
  g_autoptr (VkAreaResult) r = vk_rules_counts_to_result (contest, kind, area, counts, &error);
  const char *cid = vk_election_contest_id (contest);

  g_assert_no_error (error);
  for (guint round = 1; round <= 2; round++)
    {
      g_assert_cmpuint (vk_tally_enter (st, cid, kind, area, round, round == 1 ? "Anne" : "Bo", r, NULL, &error), >, 0);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (vk_tally_sign_off (st, cid, kind, area, signers, 2, NULL, marked,
                                       vk_election_lookup_area (contest, area)->eligible, &error),
                    >, 0);
  g_assert_no_error (error);
}

/* Reads the latest version of a delivery file. */
static JsonObject *
read_delivery (JsonParser *parser, const char *dir, const char *contest, const char *kind, guint area)
{
  g_autofree char *stem = g_strdup_printf ("400-%03u", area);
  g_autofree char *kdir = g_build_filename (dir, contest, kind, NULL);
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (vk_valgdk_latest_version (kdir, stem, &path), >=, 1);
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
validate (const char *schema, const char *dir, guint n_files)
{
  g_autofree char *schemas = g_build_filename (vk_test_data_dir (), "..", "valgdk-schemas", NULL);
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "valgdk-validate-kind.py", NULL);
  const char *python = g_getenv ("PYTHON3") != NULL ? g_getenv ("PYTHON3") : "python3";
  g_autofree char *out = NULL, *err = NULL, *want = g_strdup_printf ("%u %s files, 0 errors", n_files, schema);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *flat = vk_test_tmpdir ();
  const char *argv[] = { python, script, schemas, schema, flat, NULL };
  const char *name;
  int status;

  /* Only the latest version of each area's file. */
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *stem = g_strndup (name, 7);
      g_autofree char *latest = NULL, *data = NULL, *copy = NULL;

      if (!g_str_has_prefix (name, "400-") || !g_str_has_suffix (name, ".v1.json"))
        continue;
      g_assert_cmpuint (vk_valgdk_latest_version (dir, stem, &latest), >=, 1);
      g_assert_true (g_file_get_contents (latest, &data, NULL, NULL));
      copy = g_strconcat (flat, G_DIR_SEPARATOR_S, stem, ".json", NULL);
      g_assert_true (g_file_set_contents (copy, data, -1, NULL));
    }
  status = vk_test_spawn (argv, &out, &err);
  if (status == 77)
    {
      g_test_skip ("Python's jsonschema module is not installed (apt-get install python3-jsonschema)");
      return;
    }
  g_test_message ("%s", out);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, want));
}

/* valg.dk's own Nummer and Dagi_id of one afstemningsområde of kommune
 * 400, read from the geografi file (not from valgkit). */
static void
geografi_area (const char *geografi, const char *name, gint64 *ret_number, gint64 *ret_dagi)
{
  g_autoptr (GDir) d = g_dir_open (geografi, 0, NULL);
  const char *file;
  gboolean found = FALSE;

  g_assert_nonnull (d);
  while ((file = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (geografi, file, NULL);
      g_autoptr (JsonParser) p = json_parser_new ();
      JsonArray *arr;

      if (!g_str_has_prefix (file, "Afstemningsomraade-"))
        continue;
      g_assert_true (json_parser_load_from_file (p, path, NULL));
      arr = json_node_get_array (json_parser_get_root (p));
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonObject *o = json_array_get_object_element (arr, i);

          if (json_object_get_int_member (o, "Kommunekode") != 400
              || g_strcmp0 (json_object_get_string_member (o, "Navn"), name) != 0)
            continue;
          *ret_number = json_object_get_int_member (o, "Nummer");
          *ret_dagi = g_ascii_strtoll (json_object_get_string_member (o, "Dagi_id"), NULL, 10);
          found = TRUE;
        }
    }
  g_assert_true (found);
}

static void
test_fv_fa_count (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *geografi = fv2026_path ("geografi");
  g_autofree char *kd = fv2026_path ("kandidat-data");
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *csv = g_build_filename (dir, "voters.csv", NULL);
  g_autofree char *key_path = g_build_filename (dir, "election.key", NULL);
  g_autofree char *server_key_path = g_build_filename (dir, "server.key", NULL);
  g_autofree char *vkp = g_build_filename (dir, "fvfa.vkp", NULL);
  g_autofree char *count_db = g_build_filename (dir, "count.db", NULL);
  g_autofree char *valgdk = g_build_filename (dir, "valgdk", NULL);
  g_autofree char *journals = g_build_filename (dir, "journals", NULL);
  g_autofree char *trust = g_build_filename (dir, "trust.txt", NULL);
  g_autofree char *sheets = g_build_filename (dir, "sheets", NULL);
  g_autofree char *fv_sheet = g_build_filename (sheets, "resultat-fintaelling-kommune.pdf", NULL);
  g_autofree char *want_fa = NULL;
  g_autoptr (GString) voters = g_string_new ("afstemningsomraade,loebenummer,navn,adresse,foedselsdato,valg\n");
  g_autoptr (VkKeypair) election_key = NULL;
  g_autoptr (VkKeypair) server_key = key_from_seed (0x70);
  g_autoptr (VkKeypair) fint_key = key_from_seed (0x71);
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (VkStation) fint = NULL;
  g_autoptr (VkCount) count = NULL;
  guint64 now = (guint64)(g_get_real_time () / 1000);
  const VkElection *fv, *fa;
  guint64 ja = 0, nej = 0, fa_eligible = 0, fv_valid = 0;

  if (geografi == NULL || kd == NULL)
    {
      g_test_skip ("FV2026 data missing");
      return;
    }
  /* The package, with valgkit's own CLI. */
  for (guint a = 1; a <= N_AREAS; a++)
    for (guint n = 1; n <= ALL_VOTERS (a); n++)
      g_string_append_printf (voters, "%u,%u,Vælger %u-%u,Vej %u,1970-01-01,%s\n", a, n, a, n, n,
                              n <= BOTH (a)       ? ""
                              : n == BOTH (a) + 1 ? "FV"
                                                  : "FA");
  g_assert_true (g_file_set_contents (csv, voters->str, -1, NULL));
  g_setenv ("VALGKIT_PASSPHRASE", PASSPHRASE, TRUE);
  {
    const char *argv[]
        = { vk_test_valgkit (), "key", "new", "--role", "election", "--device", "Bornholm", "--out", key_path, NULL };
    spawn_ok (argv, NULL);
  }
  {
    g_autofree char *out = NULL;
    const char *argv[] = { vk_test_valgkit (),
                           "election",
                           "import",
                           "--geografi",
                           geografi,
                           "--kommune",
                           "400",
                           "--fv-kandidatdata",
                           kd,
                           "--fa",
                           "Skal Danmark deltage i forsvarssamarbejdet?",
                           "--voters",
                           csv,
                           "--key",
                           key_path,
                           "--out",
                           vkp,
                           NULL };
    spawn_ok (argv, &out);
    g_test_message ("%s", out);
  }
  election_key = vk_keypair_load (key_path, PASSPHRASE, &error);
  g_assert_no_error (error);
  pkg = vk_package_open (vkp, &error);
  g_assert_no_error (error);
  fv = vk_package_get_election (pkg);
  g_assert_cmpint (fv->type, ==, VK_ELECTION_FV);
  g_assert_cmpuint (fv->areas->len, ==, N_AREAS);
  /* The storkreds, stored at import (Storkreds-*.json). */
  g_assert_cmpstr (fv->region, ==, "Bornholm");
  g_assert_cmpstr (fv->region_dagi_id, ==, "4");
  fa = vk_election_get_contest (fv, "FA");
  g_assert_nonnull (fa);
  g_assert_cmpstr (fa->region, ==, "Bornholm");

  /* Devices: a table per area, a fintælling table, the server. */
  for (guint a = 1; a <= N_AREAS; a++)
    {
      g_autoptr (VkKeypair) k = key_from_seed ((guint8)a);
      g_autofree char *id = g_strdup_printf ("bord-%u", a);

      g_assert_true (vk_package_enroll (pkg, election_key, id, "valgbord", a, vk_keypair_get_public_key (k),
                                        now - 3600000, now + 86400000, &error));
      g_assert_no_error (error);
    }
  g_assert_true (vk_package_enroll (pkg, election_key, "fintaelling-1", "fintaelling", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (fint_key), now - 3600000, now + 86400000, &error));
  g_assert_true (vk_package_enroll (pkg, election_key, "server-1", "server", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (server_key), now - 3600000, now + 86400000, &error));
  g_assert_no_error (error);
  g_clear_pointer (&pkg, vk_package_free);
  pkg = vk_package_open (vkp, &error);
  g_assert_no_error (error);
  fv = vk_package_get_election (pkg);
  fa = vk_election_get_contest (fv, "FA");
  count = vk_count_open (count_db, pkg, server_key, &error);
  g_assert_no_error (error);
  {
    g_autofree char *fint_db = g_build_filename (dir, "fint.db", NULL);
    fint = vk_station_open (pkg, fint_db, "fintaelling-1", fint_key, &error);
    g_assert_no_error (error);
  }

  /* Each area: check-in, foreløbig of both contests, into the count DB;
   * the fintælling table counts both again. */
  for (guint a = 1; a <= N_AREAS; a++)
    {
      g_autoptr (VkKeypair) k = key_from_seed ((guint8)a);
      g_autofree char *id = g_strdup_printf ("bord-%u", a);
      g_autofree char *db = g_strdup_printf ("%s/bord-%u.db", dir, a);
      g_autofree char *jfile = g_strdup_printf ("%s/bord-%u.cbor", dir, a);
      g_autoptr (VkStation) bord = vk_station_open (pkg, db, id, k, &error);
      g_autoptr (VkCountReceipt) receipt = NULL;
      guint64 fa_valid = FA_VOTERS (a) - 2;

      g_assert_no_error (error);
      for (guint n = 1; n <= ALL_VOTERS (a); n++)
        {
          g_assert_cmpuint (vk_station_check_in (bord, n, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
          g_assert_no_error (error);
        }
      g_assert_cmpuint (vk_tally_close_poll (bord, &error), >, 0);
      g_assert_no_error (error);
      {
        g_autoptr (VkCbor) c1 = counts_for (fv, FV_VOTERS (a));
        g_autoptr (VkCbor) c2 = counts_for (fa, FA_VOTERS (a));
        enter_and_sign (bord, fv, VK_RESULT_FORELOEBIG, a, c1, vk_station_count_checked_in_for (bord, "FV"));
        enter_and_sign (bord, fa, VK_RESULT_FORELOEBIG, a, c2, vk_station_count_checked_in_for (bord, "FA"));
      }
      {
        g_autoptr (VkCbor) c1 = fv_fintaelling_counts (fv, a, FV_VOTERS (a));
        g_autoptr (VkCbor) c2 = counts_for (fa, FA_VOTERS (a));
        enter_and_sign (fint, fv, VK_RESULT_FINTAELLING, a, c1, -1);
        enter_and_sign (fint, fa, VK_RESULT_FINTAELLING, a, c2, -1);
      }
      g_assert_true (vk_journal_export (vk_station_get_journal (bord), jfile, &error));
      g_assert_true (vk_count_ingest_file (count, jfile, &receipt, &error));
      g_assert_no_error (error);
      /* Ja is the first list: it gets the odd vote. */
      ja += fa_valid / 2 + fa_valid % 2;
      nej += fa_valid / 2;
      fa_eligible += FA_VOTERS (a);
      fv_valid += FV_VOTERS (a) - 2;
    }
  {
    g_autofree char *jfile = g_build_filename (dir, "fintaelling-1.cbor", NULL);
    g_autoptr (VkCountReceipt) receipt = NULL;

    g_assert_true (vk_journal_export (vk_station_get_journal (fint), jfile, &error));
    g_assert_true (vk_count_ingest_file (count, jfile, &receipt, &error));
    g_assert_no_error (error);
  }

  /* The signed municipality results, written by the server. */
  {
    g_autofree char *fa_signed = g_build_filename (dir, "fa-400.vkr", NULL);
    g_autofree char *fv_signed = g_build_filename (dir, "fv-400.vkr", NULL);
    g_autofree char *fa_out = g_build_filename (dir, "fa.json", NULL);
    g_autofree char *hex = NULL, *line = NULL, *out = NULL;
    g_autoptr (GPtrArray) keys = NULL;
    const guint8 *pk = vk_keypair_get_public_key (election_key);
    g_autoptr (GString) h = g_string_new (NULL);

    {
      gboolean ok = vk_count_write_valgdk_result (count, "FA", VK_RESULT_FINTAELLING, server_key, fa_signed, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
    }
    {
      gboolean ok = vk_count_write_valgdk_result (count, "FV", VK_RESULT_FINTAELLING, server_key, fv_signed, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
    }
    for (guint i = 0; i < 32; i++)
      g_string_append_printf (h, "%02x", pk[i]);
    line = g_strdup_printf ("400 %s Bornholm\n", h->str);
    g_assert_true (g_file_set_contents (trust, line, -1, NULL));
    {
      const char *argv[] = { vk_test_valgkit (),
                             "folkeafstemning",
                             "--signed",
                             fa_signed,
                             "--trust",
                             trust,
                             "--rule",
                             "42",
                             "--out",
                             fa_out,
                             NULL };
      spawn_ok (argv, &out);
    }
    g_test_message ("%s", out);
    want_fa
        = g_strdup_printf ("Ja %" G_GUINT64_FORMAT ", Nej %" G_GUINT64_FORMAT ", stemmeberettigede %" G_GUINT64_FORMAT,
                           ja, nej, fa_eligible);
    g_assert_nonnull (strstr (out, want_fa));
    /* The FV file verifies under the same trust (what `valgkit
     * folketingsvalg --signed` reads), and holds every area. */
    keys = vk_trusted_keys_load (trust, &error);
    g_assert_no_error (error);
    {
      g_autoptr (VkContestResult) r = vk_valgdk_result_read (fv_signed, keys, "FV", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (r->files->len, ==, N_AREAS);
    }
    /* Under another municipality's key: refused. */
    {
      g_autofree char *other = g_build_filename (dir, "other.txt", NULL);
      g_autofree char *o = NULL;
      g_autofree char *e = NULL;
      const char *argv[] = { vk_test_valgkit (),
                             "folkeafstemning",
                             "--signed",
                             fa_signed,
                             "--trust",
                             other,
                             "--rule",
                             "42",
                             "--out",
                             fa_out,
                             NULL };

      g_assert_true (g_file_set_contents (
          other, "400 0000000000000000000000000000000000000000000000000000000000000001 X\n", -1, NULL));
      g_assert_cmpint (vk_test_spawn (argv, &o, &e), !=, 0);
    }
    /* Only FV, FA and EP are signed this way. */
    g_assert_false (vk_count_write_valgdk_result (count, "KV", VK_RESULT_FINTAELLING, server_key, fa_signed, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  /* Each contest's eligible voters are its own (the FA-only voters are
   * not the FV's, the primary's). */
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr (VkResults) res = vk_count_results (count, k == 0 ? "FV" : "FA", VK_RESULT_FINTAELLING, &error);
      guint64 want = 0;

      g_assert_no_error (error);
      for (guint a = 1; a <= N_AREAS; a++)
        want += k == 0 ? FV_VOTERS (a) : FA_VOTERS (a);
      g_assert_cmpuint (res->total->eligible, ==, want);
    }
  /* No municipal seats for FV or FA. */
  {
    g_autoptr (VkTie) tie = NULL;
    g_autoptr (VkSeatAllocation) seats = vk_count_mandates (count, "FV", VK_RESULT_FINTAELLING, NULL, &tie, &error);
    g_assert_null (seats);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_clear_error (&error);
  }
  g_clear_pointer (&count, vk_count_close);

  /* The result sheets: FV votes per party and candidate, FA Ja/Nej, no
   * seats; the fintælling result is journaled as published. */
  {
    g_autofree char *out = NULL;
    const char *argv[] = { vk_test_valgkit (), "print", "results", "--db", count_db, "--election", vkp, "--key",
                           server_key_path,    "--out", sheets,    NULL };
    g_autoptr (GDir) d = NULL;
    const char *name;
    guint n_pdf = 0;

    g_assert_true (
        vk_keypair_save (server_key, server_key_path, PASSPHRASE, VK_KDF_INTERACTIVE, "server", "server-1", &error));
    g_assert_no_error (error);
    spawn_ok (argv, &out);
    g_test_message ("%s", out);
    for (guint k = 0; k < 2; k++)
      {
        g_autofree char *sub = k == 0 ? g_strdup (sheets) : g_build_filename (sheets, "fa", NULL);
        g_clear_pointer (&d, g_dir_close);
        d = g_dir_open (sub, 0, &error);
        g_assert_no_error (error);
        while ((name = g_dir_read_name (d)) != NULL)
          n_pdf += g_str_has_suffix (name, ".pdf");
        g_test_message ("%s", sub);
      }
    g_assert_cmpuint (n_pdf, >, 0);
    /* print results also signs the FV and FA valg.dk results. */
    {
      g_autofree char *fv_vkv = g_build_filename (sheets, "resultat.vkv", NULL);
      g_autofree char *fa_vkv = g_build_filename (sheets, "fa", "resultat.vkv", NULL);
      g_autofree char *fa_out = g_build_filename (dir, "fa-printed.json", NULL);
      g_autofree char *o = NULL;
      const char *fargv[] = { vk_test_valgkit (),
                              "folkeafstemning",
                              "--signed",
                              fa_vkv,
                              "--trust",
                              trust,
                              "--rule",
                              "42",
                              "--out",
                              fa_out,
                              NULL };

      g_assert_true (g_file_test (fv_vkv, G_FILE_TEST_IS_REGULAR));
      spawn_ok (fargv, &o);
      g_assert_nonnull (strstr (o, want_fa));
    }
    /* VK_KEEP_SHEETS=DIR keeps the municipality's two fintælling sheets
     * (to look at them: pdftoppm -png). */
    if (g_getenv ("VK_KEEP_SHEETS") != NULL)
      for (guint k = 0; k < 2; k++)
        {
          g_autofree char *from
              = g_build_filename (sheets, k == 0 ? "" : "fa", "resultat-fintaelling-kommune.pdf", NULL);
          g_autofree char *to = g_build_filename (g_getenv ("VK_KEEP_SHEETS"), k == 0 ? "fv.pdf" : "fa.pdf", NULL);
          g_autofree char *data = NULL;
          gsize len = 0;

          g_assert_true (g_file_get_contents (from, &data, &len, NULL));
          g_assert_true (g_file_set_contents (to, data, (gssize)len, NULL));
        }
  }
  count = vk_count_open (count_db, pkg, server_key, &error);
  g_assert_no_error (error);
  g_assert_true (vk_count_export_journals (count, journals, &error) > 0);
  g_assert_no_error (error);
  g_clear_pointer (&count, vk_count_close);

  /* valgkit report: FV- and FA-Valgresultater per area, both counts. */
  {
    g_autofree char *out = NULL;
    const char *argv[] = { vk_test_valgkit (), "report", "--db", count_db, "--election", vkp, "--out", valgdk, "--key",
                           server_key_path,    NULL };
    spawn_ok (argv, &out);
    g_test_message ("%s", out);
  }
  {
    static const char *const kinds[] = { "foreloebig", "fintaelling" };

    for (guint k = 0; k < 2; k++)
      {
        g_autofree char *fvdir = g_build_filename (valgdk, "FV", kinds[k], NULL);
        g_autofree char *fadir = g_build_filename (valgdk, "FA", kinds[k], NULL);
        guint64 sum_ja = 0, sum_nej = 0, sum_fv = 0;

        validate ("FV-Valgresultater", fvdir, N_AREAS);
        validate ("FA-Valgresultater", fadir, N_AREAS);
        for (guint a = 1; a <= N_AREAS; a++)
          {
            g_autoptr (JsonParser) p1 = json_parser_new ();
            g_autoptr (JsonParser) p2 = json_parser_new ();
            JsonObject *f = read_delivery (p1, valgdk, "FV", kinds[k], a);
            JsonObject *q = read_delivery (p2, valgdk, "FA", kinds[k], a);
            JsonArray *parties = json_object_get_array_member (f, "IndenforParti");

            g_assert_cmpstr (json_object_get_string_member (f, "Storkreds"), ==, "Bornholm");
            g_assert_cmpint (json_object_get_int_member (f, "Storkredsnummer"), ==, 4);
            g_assert_cmpstr (json_object_get_string_member (f, "Opstillingskreds"), ==,
                             (a <= 6 || a == 10) ? "Aakirkeby" : "Rønne");
            g_assert_cmpstr (json_object_get_string_member (q, "Storkreds"), ==, "Bornholm");
            /* Christiansø (valg.dk's Nummer 0) is valgkit's area 10
             * inside valgkit; valg.dk's files carry valg.dk's own
             * number and DAGI id. */
            if (a < 10)
              g_assert_cmpint (json_object_get_int_member (f, "AfstemningsområdeNummer"), ==, a);
            else
              {
                gint64 number = -1, dagi = -1;

                geografi_area (geografi, "Christiansø", &number, &dagi);
                g_assert_cmpint (number, ==, 0);
                g_assert_cmpstr (json_object_get_string_member (f, "Afstemningsområde"), ==, "Christiansø");
                g_assert_cmpint (json_object_get_int_member (f, "AfstemningsområdeNummer"), ==, number);
                g_assert_cmpint (json_object_get_int_member (q, "AfstemningsområdeNummer"), ==, number);
                g_assert_cmpint (json_object_get_int_member (f, "AfstemningsområdeDagiId"), ==, dagi);
                g_assert_cmpint (json_object_get_int_member (q, "AfstemningsområdeDagiId"), ==, dagi);
              }
            g_assert_cmpint (json_object_get_int_member (q, "StemmerForJa"), ==,
                             (FA_VOTERS (a) - 2) / 2 + (FA_VOTERS (a) - 2) % 2);
            sum_ja += (guint64)json_object_get_int_member (q, "StemmerForJa");
            sum_nej += (guint64)json_object_get_int_member (q, "StemmerForNej");
            for (guint i = 0; i < json_array_get_length (parties); i++)
              sum_fv += (guint64)json_object_get_int_member (json_array_get_object_element (parties, i), "Stemmer");
            {
              JsonArray *udenfor = json_object_get_array_member (f, "UdenforParti");
              for (guint i = 0; udenfor != NULL && i < json_array_get_length (udenfor); i++)
                sum_fv += (guint64)json_object_get_int_member (json_array_get_object_element (udenfor, i), "Stemmer");
            }
          }
        g_assert_cmpuint (sum_ja, ==, ja);
        g_assert_cmpuint (sum_nej, ==, nej);
        g_assert_cmpuint (sum_fv, ==, fv_valid);
      }
    /* Turnout per contest (the election day has passed: every announced
     * time is due). */
    {
      g_autofree char *t1 = g_build_filename (valgdk, "FV", "valgdeltagelse", NULL);
      g_autofree char *t2 = g_build_filename (valgdk, "FA", "valgdeltagelse", NULL);
      validate ("Valgdeltagelse", t1, N_AREAS);
      validate ("Valgdeltagelse", t2, N_AREAS);
      /* Each contest's own eligible voters (FV-only voters are not FA's). */
      for (guint a = 1; a <= N_AREAS; a++)
        for (guint k = 0; k < 2; k++)
          {
            g_autoptr (JsonParser) p = json_parser_new ();
            JsonObject *o = read_delivery (p, valgdk, k == 0 ? "FV" : "FA", "valgdeltagelse", a);
            JsonArray *points = json_object_get_array_member (o, "Valgdeltagelse");

            g_assert_cmpuint (json_array_get_length (points), >, 0);
            if (a == 10)
              g_assert_cmpint (json_object_get_int_member (o, "AfstemningsområdeNummer"), ==, 0);
            g_assert_cmpint (
                json_object_get_int_member (json_array_get_object_element (points, 0), "AntalStemmeberretigedeVælgere"),
                ==, (k == 0 ? FV_VOTERS (a) : FA_VOTERS (a)));
          }
    }
    /* With --key, each contest's signed municipality result beside its
     * area files: exactly their delivered bytes, verified by the national
     * commands under the municipality's trusted key. */
    for (guint k = 0; k < 2; k++)
      {
        static const char *const kind_dirs[] = { "foreloebig", "fintaelling" };
        g_autoptr (GPtrArray) keys = vk_trusted_keys_load (trust, &error);

        g_assert_no_error (error);
        for (guint c = 0; c < 2; c++)
          {
            const char *cid = c == 0 ? "FV" : "FA";
            g_autofree char *stem = g_strconcat ("resultat-", kind_dirs[k], NULL);
            g_autofree char *cdir = g_build_filename (valgdk, cid, NULL);
            g_autofree char *vkv = NULL;
            g_autoptr (VkContestResult) r = NULL;

            g_assert_cmpuint (vk_valgdk_latest_version_ext (cdir, stem, ".vkv", &vkv), ==, 1);
            r = vk_valgdk_result_read (vkv, keys, cid, &error);
            g_assert_no_error (error);
            g_assert_cmpint (r->kind, ==, k == 0 ? VK_RESULT_FORELOEBIG : VK_RESULT_FINTAELLING);
            g_assert_cmpuint (r->files->len, ==, N_AREAS);
            for (guint a = 1; a <= N_AREAS; a++)
              {
                const VkValgdkFile *f = g_ptr_array_index (r->files, a - 1);
                g_autofree char *fstem = g_strdup_printf ("400-%03u", a);
                g_autofree char *name = g_strconcat (fstem, ".json", NULL);
                g_autofree char *kdir = g_build_filename (cdir, kind_dirs[k], NULL);
                g_autofree char *latest = NULL, *data = NULL;

                g_assert_cmpuint (vk_valgdk_latest_version (kdir, fstem, &latest), >=, 1);
                g_assert_true (g_file_get_contents (latest, &data, NULL, NULL));
                g_assert_cmpstr (f->name, ==, name);
                g_assert_cmpstr (f->json, ==, data);
              }
          }
      }
    {
      g_autofree char *fa_vkv = g_build_filename (valgdk, "FA", "resultat-fintaelling.v1.vkv", NULL);
      g_autofree char *fa_v2 = g_build_filename (valgdk, "FA", "resultat-fintaelling.v2.vkv", NULL);
      g_autofree char *fa_out = g_build_filename (dir, "fa-delivered.json", NULL);
      g_autofree char *o = NULL, *e = NULL, *data = NULL;
      const char *fargv[] = { vk_test_valgkit (),
                              "folkeafstemning",
                              "--signed",
                              fa_vkv,
                              "--trust",
                              trust,
                              "--rule",
                              "42",
                              "--out",
                              fa_out,
                              NULL };
      const char *rargv[]
          = { vk_test_valgkit (), "report", "--db", count_db, "--election", vkp, "--out", valgdk, "--key",
              server_key_path,    NULL };
      gsize len = 0;

      spawn_ok (fargv, &o);
      g_assert_nonnull (strstr (o, want_fa));
      /* Nothing changed: no new version of anything. */
      g_clear_pointer (&o, g_free);
      spawn_ok (rargv, &o);
      g_assert_nonnull (strstr (o, "0 files written"));
      g_assert_false (g_file_test (fa_v2, G_FILE_TEST_EXISTS));
      /* One flipped byte: the national command refuses it, naming the
       * file; the next report finds the latest version no longer says
       * what it must and signs it again as version 2, which verifies. */
      g_assert_true (g_file_get_contents (fa_vkv, &data, &len, NULL));
      data[len / 2] ^= 0x01;
      g_assert_true (g_file_set_contents (fa_vkv, data, (gssize)len, NULL));
      g_clear_pointer (&o, g_free);
      g_assert_cmpint (vk_test_spawn (fargv, &o, &e), !=, 0);
      g_assert_nonnull (strstr (e, "resultat-fintaelling.v1.vkv"));
      g_clear_pointer (&o, g_free);
      spawn_ok (rargv, &o);
      g_assert_nonnull (strstr (o, "1 file written"));
      g_assert_true (g_file_test (fa_v2, G_FILE_TEST_IS_REGULAR));
      fargv[3] = fa_v2;
      g_clear_pointer (&o, g_free);
      spawn_ok (fargv, &o);
      g_assert_nonnull (strstr (o, want_fa));
    }
    /* The count server's own delivery (`valgkit serve --valgdk DIR`)
     * with the server's key: its first run writes the same signed
     * results, which verify; a second run adds no version. */
    {
      g_autofree char *served = g_build_filename (dir, "served", NULL);
      g_autofree char *fvdir = g_build_filename (served, "FV", NULL);
      g_autofree char *fadir = g_build_filename (served, "FA", NULL);
      g_autoptr (GPtrArray) keys = vk_trusted_keys_load (trust, &error);
      VkValgdkDeliveryOptions o = { 0 };

      g_assert_no_error (error);
      o.server_key = server_key;
      for (guint run = 0; run < 2; run++)
        {
          g_autoptr (VkValgdkDelivery) d = vk_valgdk_delivery_new (vkp, count_db, served, &o, &error);

          g_assert_no_error (error);
          g_assert_true (vk_valgdk_delivery_start (d, &error));
          g_assert_no_error (error);
        }
      for (guint c = 0; c < 2; c++)
        {
          g_autofree char *vkv = NULL;
          g_autoptr (VkContestResult) r = NULL;

          g_assert_cmpuint (vk_valgdk_latest_version_ext (c == 0 ? fvdir : fadir, "resultat-fintaelling", ".vkv", &vkv),
                            ==, 1);
          r = vk_valgdk_result_read (vkv, keys, c == 0 ? "FV" : "FA", &error);
          g_assert_no_error (error);
          g_assert_cmpuint (r->files->len, ==, N_AREAS);
        }
    }
    /* No mandatfordeling: FV's seats and FA's outcome are national. */
    {
      g_autofree char *m1 = g_build_filename (valgdk, "FV", "mandatfordeling-fintaelling.v1.json", NULL);
      g_autofree char *m2 = g_build_filename (valgdk, "FA", "mandatfordeling-fintaelling.v1.json", NULL);
      g_assert_false (g_file_test (m1, G_FILE_TEST_EXISTS));
      g_assert_false (g_file_test (m2, G_FILE_TEST_EXISTS));
    }
  }

  /* The audit, per contest, over every journal; then one flipped byte. */
  {
    g_autofree char *out = NULL, *err = NULL;
    const char *argv[]
        = { vk_test_valgkit (), "audit", "--election", vkp, "--journals", journals, "--sheet", fv_sheet, NULL };
    g_autofree char *victim = g_build_filename (journals, "bord-3.vkj", NULL);
    g_autofree char *data = NULL;
    gsize len = 0;

    spawn_ok (argv, &out);
    g_test_message ("%s", out);
    /* Per contest, and no seat allocation for either. */
    g_assert_nonnull (strstr (out, "A9 FA "));
    g_assert_nonnull (strstr (out, "A11 FA "));
    g_assert_null (strstr (out, "A10"));
    /* The FV sheet's signed QR re-verified and recomputed. */
    g_assert_nonnull (strstr (out, "every number equals the recomputed result"));
    g_assert_true (g_file_get_contents (victim, &data, &len, NULL));
    g_assert_cmpuint (len, >, 200);
    data[len / 2] ^= 0x01;
    g_assert_true (g_file_set_contents (victim, data, (gssize)len, NULL));
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), !=, 0);
    g_assert_nonnull (strstr (out, "the signature does not verify"));
    g_test_message ("after the flip: %s%s", out, err);
  }
}

/* An EP + FA event (synthetic EV-Kandidatdata, as valg.dk's shape): one
 * area counted at the table and at fintælling; the report writes that
 * area's EV-Valgresultater (schema-valid, the storkreds from the
 * package, the votes entered) and no mandatfordeling; the signed result
 * waits for the other areas. */
static void
test_ep_count (void)
{
  static const char ev[]
      = "{\"Valgdag\":\"25-05-2014\",\"Valgart\":\"Europa-Parlamentsvalg\","
        "\"FrigivelsesTidspunktUTC\":\"01-05-2014 10:00:00\",\"OpdateringsTidspunktUTC\":\"01-05-2014 10:00:00\","
        "\"Valgforbund\":[],\"Kandidatlister\":["
        "{\"KandidatlisteId\":\"ep-a\",\"Stemmeseddelsplacering\":1,\"Bogstavbetegnelse\":\"A\",\"Navn\":\"Parti A\","
        "\"Opstillingsform\":\"Partiliste\",\"Kandidater\":[{\"Id\":\"ep-a-1\",\"Navn\":\"Anna A\","
        "\"Stemmeseddelnavn\":\"Anna A\",\"Stilling\":\"Jurist\",\"Stemmeseddelsplacering\":1},"
        "{\"Id\":\"ep-a-2\",\"Navn\":\"Asger A\",\"Stemmeseddelnavn\":\"Asger A\",\"Stilling\":null,"
        "\"Stemmeseddelsplacering\":2}]},"
        "{\"KandidatlisteId\":\"ep-b\",\"Stemmeseddelsplacering\":2,\"Bogstavbetegnelse\":\"B\",\"Navn\":\"Parti B\","
        "\"Opstillingsform\":\"Sideordnet\",\"Kandidater\":[{\"Id\":\"ep-b-1\",\"Navn\":\"Bo B\","
        "\"Stemmeseddelnavn\":\"Bo B\",\"Stilling\":null,\"Stemmeseddelsplacering\":1}]}]}";
  g_autoptr (GError) error = NULL;
  g_autofree char *geografi = fv2026_path ("geografi");
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *ev_path = g_build_filename (dir, "ev.json", NULL);
  g_autofree char *csv = g_build_filename (dir, "voters.csv", NULL);
  g_autofree char *key_path = g_build_filename (dir, "election.key", NULL);
  g_autofree char *vkp = g_build_filename (dir, "ep.vkp", NULL);
  g_autofree char *count_db = g_build_filename (dir, "count.db", NULL);
  g_autofree char *valgdk = g_build_filename (dir, "valgdk", NULL);
  g_autoptr (GString) voters = g_string_new ("afstemningsomraade,loebenummer,navn,adresse,foedselsdato,valg\n");
  g_autoptr (VkKeypair) election_key = NULL;
  g_autoptr (VkKeypair) server_key = key_from_seed (0x80);
  g_autoptr (VkKeypair) bord_key = key_from_seed (0x81);
  g_autoptr (VkKeypair) fint_key = key_from_seed (0x82);
  g_autoptr (VkPackage) pkg = NULL;
  guint64 now = (guint64)(g_get_real_time () / 1000);
  const VkElection *ep;
  const guint cast = 9; /* 7 valid: A 4, B 3 */

  if (geografi == NULL)
    {
      g_test_skip ("FV2026 data missing");
      return;
    }
  g_assert_true (g_file_set_contents (ev_path, ev, -1, NULL));
  for (guint n = 1; n <= cast; n++)
    g_string_append_printf (voters, "1,%u,Vælger %u,Vej %u,1970-01-01,\n", n, n, n);
  g_string_append (voters, "2,1,Vælger,Vej 1,1970-01-01,\n");
  g_assert_true (g_file_set_contents (csv, voters->str, -1, NULL));
  g_setenv ("VALGKIT_PASSPHRASE", PASSPHRASE, TRUE);
  {
    const char *argv[]
        = { vk_test_valgkit (), "key", "new", "--role", "election", "--device", "Bornholm", "--out", key_path, NULL };
    spawn_ok (argv, NULL);
  }
  {
    const char *argv[] = { vk_test_valgkit (),
                           "election",
                           "import",
                           "--ep-kandidatdata",
                           ev_path,
                           "--geografi",
                           geografi,
                           "--kommune",
                           "400",
                           "--fa",
                           "Patentdomstolen",
                           "--voters",
                           csv,
                           "--key",
                           key_path,
                           "--out",
                           vkp,
                           NULL };
    spawn_ok (argv, NULL);
  }
  election_key = vk_keypair_load (key_path, PASSPHRASE, &error);
  g_assert_no_error (error);
  pkg = vk_package_open (vkp, &error);
  g_assert_no_error (error);
  g_assert_true (vk_package_enroll (pkg, election_key, "bord-1", "valgbord", 1, vk_keypair_get_public_key (bord_key),
                                    now - 3600000, now + 86400000, &error));
  g_assert_true (vk_package_enroll (pkg, election_key, "fintaelling-1", "fintaelling", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (fint_key), now - 3600000, now + 86400000, &error));
  g_assert_true (vk_package_enroll (pkg, election_key, "server-1", "server", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (server_key), now - 3600000, now + 86400000, &error));
  g_assert_no_error (error);
  g_clear_pointer (&pkg, vk_package_free);
  pkg = vk_package_open (vkp, &error);
  g_assert_no_error (error);
  ep = vk_package_get_election (pkg);
  g_assert_cmpint (ep->type, ==, VK_ELECTION_EP);
  g_assert_cmpstr (ep->region, ==, "Bornholm");
  {
    g_autofree char *bdb = g_build_filename (dir, "bord.db", NULL);
    g_autofree char *fdb = g_build_filename (dir, "fint.db", NULL);
    g_autofree char *bj = g_build_filename (dir, "bord.cbor", NULL);
    g_autofree char *fj = g_build_filename (dir, "fint.cbor", NULL);
    g_autoptr (VkStation) bord = vk_station_open (pkg, bdb, "bord-1", bord_key, &error);
    g_autoptr (VkStation) fint = NULL;
    g_autoptr (VkCount) count = NULL;
    g_autoptr (VkCountReceipt) r1 = NULL, r2 = NULL;
    g_autoptr (VkCbor) c1 = counts_for (ep, cast);
    g_autoptr (VkCbor) c2 = fv_fintaelling_counts (ep, 1, cast);

    g_assert_no_error (error);
    fint = vk_station_open (pkg, fdb, "fintaelling-1", fint_key, &error);
    g_assert_no_error (error);
    for (guint n = 1; n <= cast; n++)
      g_assert_cmpuint (vk_station_check_in (bord, n, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
    g_assert_no_error (error);
    g_assert_cmpuint (vk_tally_close_poll (bord, &error), >, 0);
    enter_and_sign (bord, ep, VK_RESULT_FORELOEBIG, 1, c1, vk_station_count_checked_in_for (bord, "EP"));
    enter_and_sign (fint, ep, VK_RESULT_FINTAELLING, 1, c2, -1);
    g_assert_true (vk_journal_export (vk_station_get_journal (bord), bj, &error));
    g_assert_true (vk_journal_export (vk_station_get_journal (fint), fj, &error));
    count = vk_count_open (count_db, pkg, server_key, &error);
    g_assert_no_error (error);
    g_assert_true (vk_count_ingest_file (count, bj, &r1, &error));
    g_assert_true (vk_count_ingest_file (count, fj, &r2, &error));
    g_assert_no_error (error);
    /* One area of ten: no signed result yet. */
    {
      g_autofree char *vkv = g_build_filename (dir, "ep.vkv", NULL);
      g_assert_false (vk_count_write_valgdk_result (count, "EP", VK_RESULT_FINTAELLING, server_key, vkv, &error));
      g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }
  }
  {
    const char *argv[] = { vk_test_valgkit (), "report", "--db", count_db, "--election", vkp, "--out", valgdk, NULL };
    spawn_ok (argv, NULL);
  }
  for (guint k = 0; k < 2; k++)
    {
      const char *kind = k == 0 ? "foreloebig" : "fintaelling";
      g_autofree char *kdir = g_build_filename (valgdk, "EP", kind, NULL);
      g_autofree char *m = g_strdup_printf ("%s/EP/mandatfordeling-%s.v1.json", valgdk, kind);
      g_autoptr (JsonParser) p = json_parser_new ();
      JsonObject *o;
      JsonArray *lists;
      guint64 a_votes = 0;

      validate ("EV-Valgresultater", kdir, 1);
      o = read_delivery (p, valgdk, "EP", kind, 1);
      g_assert_cmpstr (json_object_get_string_member (o, "Storkreds"), ==, "Bornholm");
      g_assert_cmpint (json_object_get_int_member (o, "GyldigeStemmer"), ==, cast - 2);
      lists = json_object_get_array_member (o, "Kandidatlister");
      g_assert_cmpuint (json_array_get_length (lists), ==, 2);
      for (guint i = 0; i < 2; i++)
        {
          JsonObject *l = json_array_get_object_element (lists, i);
          if (g_strcmp0 (json_object_get_string_member (l, "PartiId"), "ep-a") == 0)
            a_votes = (guint64)json_object_get_int_member (l, "Stemmer");
        }
      g_assert_cmpuint (a_votes, ==, 4);
      g_assert_false (g_file_test (m, G_FILE_TEST_EXISTS));
    }
}

/* The storkreds at import: Bornholm's is "Bornholm", 4; a municipality
 * whose kredse lie in two storkredse, and geografi without a Storkreds
 * file, are refused. */
static void
test_storkreds_import (void)
{
  g_autofree char *geografi = fv2026_path ("geografi");
  g_autofree char *dir = vk_test_tmpdir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = NULL;
  const char *name;

  if (geografi == NULL)
    {
      g_test_skip ("FV2026 data missing");
      return;
    }
  {
    g_autoptr (VkElection) geo = vk_election_new ();
    g_assert_true (vk_election_import_geografi (geo, geografi, "400", &error));
    g_assert_no_error (error);
    g_assert_cmpstr (geo->region, ==, "Bornholm");
    g_assert_cmpstr (geo->region_dagi_id, ==, "4");
  }
  /* A copy whose Aakirkeby kreds lies in storkreds 3. */
  d = g_dir_open (geografi, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *from = g_build_filename (geografi, name, NULL);
      g_autofree char *to = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;

      g_assert_true (g_file_get_contents (from, &data, NULL, NULL));
      if (g_str_has_prefix (name, "Opstillingskreds-"))
        {
          char *at = strstr (data, "\"Dagi_id\":\"403551\"");
          char *code;

          g_assert_nonnull (at);
          code = strstr (at, "\"Storkredskode\":4");
          g_assert_nonnull (code);
          code[strlen ("\"Storkredskode\":")] = '3';
        }
      g_assert_true (g_file_set_contents (to, data, -1, NULL));
    }
  {
    g_autoptr (VkElection) geo = vk_election_new ();
    g_assert_false (vk_election_import_geografi (geo, dir, "400", &error));
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "two storkredse"));
    g_clear_error (&error);
  }
  /* Without the Storkreds file. */
  {
    g_autoptr (VkElection) geo = vk_election_new ();
    g_autoptr (GDir) d2 = g_dir_open (dir, 0, NULL);
    g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);

    while ((name = g_dir_read_name (d2)) != NULL)
      if (g_str_has_prefix (name, "Storkreds-") || g_str_has_prefix (name, "Opstillingskreds-"))
        g_ptr_array_add (gone, g_build_filename (dir, name, NULL));
    for (guint i = 0; i < gone->len; i++)
      {
        const char *path = g_ptr_array_index (gone, i);
        if (strstr (path, "/Storkreds-") != NULL)
          g_assert_cmpint (g_unlink (path), ==, 0);
        else
          {
            g_autofree char *orig = g_build_filename (geografi, strrchr (path, '/') + 1, NULL);
            g_autofree char *data = NULL;
            g_assert_true (g_file_get_contents (orig, &data, NULL, NULL));
            g_assert_true (g_file_set_contents (path, data, -1, NULL));
          }
      }
    g_assert_false (vk_election_import_geografi (geo, dir, "400", &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "Storkreds-"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fv-count/storkreds-import", test_storkreds_import);
  g_test_add_func ("/fv-count/fv-fa", test_fv_fa_count);
  g_test_add_func ("/fv-count/ep", test_ep_count);
  return g_test_run ();
}

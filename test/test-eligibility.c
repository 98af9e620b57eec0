/* test-eligibility.c: per-voter eligibility (package format 3) and the
 * events of folketingsvalg, europa-parlamentsvalg and folkeafstemning.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "vk-election-import.h"
#include "vk-entry-schema.h"
#include "vk-count.h"
#include "vk-counts.h"
#include "vk-error.h"
#include "vk-finding.h"
#include "vk-rules.h"
#include "vk-station-error.h"
#include "vk-station.h"
#include "vk-tally.h"
#include "vk-fake.h"
#include "vk-package.h"
#include "vk-test-util.h"
#include "vk-voters.h"

static VkKeypair *
key_from_seed (guint8 fill)
{
  guint8 seed[VK_SEED_BYTES];

  memset (seed, fill, sizeof seed);
  return vk_keypair_new_from_seed (seed);
}

/* Runs SQL on a package behind valgkit's back. */
static void
tamper (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  char *msg = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  g_assert_cmpint (sqlite3_changes (db), >, 0);
  sqlite3_close (db);
}

static char *
copy_file (const char *path, const char *name)
{
  g_autofree char *dir = g_path_get_dirname (path);
  char *copy = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_true (g_file_set_contents (copy, data, (gssize)len, NULL));
  return copy;
}

/* ---- the voter list's valg column -------------------------------------- */

static void
test_csv_valg (void)
{
  static const char csv[] = "afstemningsomraade,loebenummer,navn,adresse,foedselsdato,valg\n"
                            "1,1,Anne Jensen,Skovvej 1,1950-03-04,FV;FA\n"
                            "1,2,Pierre Dubois,Torvet 2,1980-01-02,ep\n"
                            "1,3,Søren Hansen,Torvet 3,1970-05-06,\n"
                            "1,4,Ingen Stemmeret,Torvet 4,1970-05-06,-\n"
                            "2,1,Bo Berg,Vej 5,1990-07-08, fa ; FV ; FA \n";
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterList) list = vk_voter_list_parse_csv ("v.csv", csv, strlen (csv), &error);
  g_autoptr (VkVoterList) again = NULL;
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "v.csv", NULL);
  g_autofree char *written = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (vk_voter_list_lookup (list, 1, 1)->contests, ==, "FV;FA");
  g_assert_cmpstr (vk_voter_list_lookup (list, 1, 2)->contests, ==, "EP");
  g_assert_cmpstr (vk_voter_list_lookup (list, 1, 3)->contests, ==, "");
  g_assert_cmpstr (vk_voter_list_lookup (list, 1, 4)->contests, ==, "-");
  g_assert_cmpstr (vk_voter_list_lookup (list, 2, 1)->contests, ==, "FV;FA");

  /* Written back with the column, read back the same. */
  g_assert_true (vk_voter_list_write_csv (list, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
  g_assert_true (g_str_has_prefix (written, "afstemningsomraade,loebenummer,navn,adresse,foedselsdato,valg\n"));
  again = vk_voter_list_import_csv (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < vk_voter_list_get_length (list); i++)
    {
      const VkVoter *a = vk_voter_list_get (list, i);
      const VkVoter *b = vk_voter_list_lookup (again, a->area, a->loebenummer);

      g_assert_nonnull (b);
      g_assert_cmpstr (a->contests, ==, b->contests);
    }

  /* Without the column every voter has "" (every contest), and it is not written. */
  {
    static const char plain[] = "afstemningsomraade,loebenummer,navn,adresse,foedselsdato\n1,1,A,B,1950-03-04\n";
    g_autoptr (VkVoterList) p = vk_voter_list_parse_csv ("p.csv", plain, strlen (plain), &error);
    g_autofree char *ppath = g_build_filename (dir, "p.csv", NULL);
    g_autofree char *pw = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (vk_voter_list_get (p, 0)->contests, ==, "");
    g_assert_true (vk_voter_list_write_csv (p, ppath, &error));
    g_assert_true (g_file_get_contents (ppath, &pw, NULL, NULL));
    g_assert_cmpstr (pw, ==, plain);
  }

  /* A bad value names the line. */
  {
    static const char bad[] = "navn,valg,adresse,foedselsdato,loebenummer,afstemningsomraade\n"
                              "A,FV,B,1950-03-04,1,1\n"
                              "C,FV;XX,D,1950-03-04,2,1\n";
    g_autoptr (VkVoterList) b = vk_voter_list_parse_csv ("bad.csv", bad, strlen (bad), &error);

    g_assert_null (b);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_true (g_str_has_prefix (error->message, "bad.csv:3: valg \"FV;XX\""));
    g_clear_error (&error);
  }
  {
    static const char shortrow[]
        = "afstemningsomraade,loebenummer,navn,adresse,foedselsdato,valg\n1,1,A,B,1950-03-04\n";
    g_autoptr (VkVoterList) b = vk_voter_list_parse_csv ("short.csv", shortrow, strlen (shortrow), &error);

    g_assert_null (b);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_cmpstr (error->message, ==, "short.csv:2: 5 columns, expected 6");
  }
}

/* ---- an event of two contests with per-voter eligibility --------------- */

/* Læsø's KV2025 areas and lists with a second contest of the given type
 * (one list of one candidate), and a few voters with their contests. */
static VkElection *
two_contest_event (VkElectionType second)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kd = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *areas = vk_test_data_path ("Læsø", "fintaelling", NULL);
  VkElection *e;
  VkElection *c = vk_election_new ();
  VkList *l;

  e = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (e, areas, &error));
  g_assert_no_error (error);
  e->seats = 9;
  c->type = second;
  c->seats = 41;
  l = vk_election_add_list (c, "second-list-1", "A", "Liste A", 1, VK_LIST_PARTILISTE);
  vk_election_add_candidate (c, l, "second-cand-1", "Kandidat Et", "Kandidat Et", 1);
  vk_election_copy_areas (c, e);
  g_assert_true (vk_election_add_contest (e, c, &error));
  g_assert_no_error (error);
  return e;
}

static VkVoterList *
voters_with (const VkElection *e, const char *const *contests, guint n)
{
  g_autoptr (GError) error = NULL;
  VkVoterList *v = vk_voter_list_new ();
  guint area = ((VkArea *)g_ptr_array_index (e->areas, 0))->number;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("Vælger %u", i + 1);

      g_assert_true (vk_voter_list_add_full (v, area, i + 1, name, "Vestergade 1", "1960-01-01", contests[i], &error));
      g_assert_no_error (error);
    }
  return v;
}

static void
test_package_eligibility (void)
{
  static const char *const contests[] = { "", "KV", "RV", "KV;RV", "EP", "-", "KV;EP" };
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = two_contest_event (VK_ELECTION_RV);
  g_autoptr (VkVoterList) voters = voters_with (e, contests, G_N_ELEMENTS (contests));
  g_autoptr (VkKeypair) key = key_from_seed (0x51);
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "e.vkp", NULL);
  g_autofree char *path2 = g_build_filename (dir, "e2.vkp", NULL);
  g_autoptr (VkPackage) pkg = vk_package_create (path, e, voters, key, &error);
  g_autoptr (VkPackage) reopened = NULL;
  g_autoptr (VkVoterList) back = NULL;
  g_autoptr (VkVoterList) changed = NULL;
  g_autoptr (VkPackage) pkg2 = NULL;
  guint area = ((VkArea *)g_ptr_array_index (e->areas, 0))->number;
  /* As stored: only the event's contests, "" for all of them, "-" for none. */
  static const char *const stored[] = { "", "KV", "RV", "", "-", "-", "KV" };
  static const char *const labels[] = { "KV + RV", "KV", "RV", "KV + RV", "", "", "KV" };

  g_assert_no_error (error);
  g_assert_nonnull (pkg);
  g_clear_pointer (&pkg, vk_package_free);
  reopened = vk_package_open (path, &error);
  g_assert_no_error (error);
  back = vk_package_dup_voters (reopened, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (contests); i++)
    {
      const VkVoter *v = vk_voter_list_lookup (back, area, i + 1);
      g_autoptr (VkVoter) one = vk_package_lookup_voter (reopened, area, i + 1, &error);
      g_autofree char *label = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (v->contests, ==, stored[i]);
      g_assert_cmpstr (one->contests, ==, stored[i]);
      label = vk_election_dup_voter_contests_label (vk_package_get_election (reopened), v->contests);
      g_assert_cmpstr (label, ==, labels[i]);
    }

  /* The eligibility is in the election id: one voter's change gives
   * another id (same key, same everything else). */
  {
    static const char *const other[] = { "", "KV", "RV", "KV;RV", "EP", "-", "KV;RV" };

    changed = voters_with (e, other, G_N_ELEMENTS (other));
    pkg2 = vk_package_create (path2, e, changed, key, &error);
    g_assert_no_error (error);
    g_assert_true (
        memcmp (vk_package_get_election_id (pkg2), vk_package_get_election_id (reopened), VK_ELECTION_ID_BYTES) != 0);
  }

  /* Changing it behind valgkit's back breaks the signature, naming the voters. */
  {
    g_autofree char *copy = copy_file (path, "tampered.vkp");
    g_autoptr (VkPackage) bad = NULL;

    tamper (copy, "UPDATE voter SET contests = '' WHERE contests = 'RV'");
    bad = vk_package_open (copy, &error);
    g_assert_null (bad);
    g_assert_error (error, VK_ERROR, VK_ERROR_SIGNATURE);
    g_assert_nonnull (strstr (error->message, "voters"));
    g_clear_error (&error);
  }

  /* A package of format 2 is refused, naming the file. */
  {
    g_autofree char *copy = copy_file (path, "format-2.vkp");
    g_autofree char *expected = NULL;
    g_autoptr (VkPackage) old = NULL;

    tamper (copy, "PRAGMA user_version = 2; UPDATE package SET format = 'valgkit-package-v2'");
    old = vk_package_open (copy, &error);
    g_assert_null (old);
    g_assert_error (error, VK_ERROR, VK_ERROR_VERSION);
    expected
        = g_strdup_printf ("%s: was written by an older valgkit (package format 2); import the election again", copy);
    g_assert_cmpstr (error->message, ==, expected);
    g_clear_error (&error);
  }

  /* A value that is not a list of contests is not written. */
  {
    g_autofree char *bad_path = g_build_filename (dir, "bad.vkp", NULL);
    VkVoter *v = (VkVoter *)vk_voter_list_get (voters, 0);
    g_autoptr (VkPackage) bad = NULL;

    v->contests = (char *)"XX";
    bad = vk_package_create (bad_path, e, voters, key, &error);
    v->contests = (char *)"";
    g_assert_null (bad);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (g_file_test (bad_path, G_FILE_TEST_EXISTS));
  }
}

/* ---- FV, FA and EP in the package --------------------------------------- */

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
      g_test_skip ("FV2026 data missing");
      g_free (path);
      return NULL;
    }
  return path;
}

/* The municipality's areas and kredse, straight from the geografi file. */
static guint
count_geo_areas (const char *geografi, guint kommune, GHashTable *ret_kreds_by_dagi)
{
  g_autoptr (GDir) d = g_dir_open (geografi, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, "Afstemningsomraade-"))
      {
        g_autofree char *path = g_build_filename (geografi, name, NULL);
        g_autoptr (JsonParser) parser = json_parser_new ();
        JsonArray *arr;

        g_assert_true (json_parser_load_from_file (parser, path, NULL));
        arr = json_node_get_array (json_parser_get_root (parser));
        for (guint i = 0; i < json_array_get_length (arr); i++)
          {
            JsonObject *o = json_array_get_object_element (arr, i);

            if ((guint)json_object_get_int_member (o, "Kommunekode") != kommune)
              continue;
            n++;
            g_hash_table_insert (ret_kreds_by_dagi, g_strdup (json_object_get_string_member (o, "Dagi_id")),
                                 g_strdup (json_object_get_string_member (o, "Opstillingskreds_Dagi_id")));
          }
      }
  return n;
}

/* København (101) from FV2026's files: every area with its opstillingskreds,
 * the parties as lettered lists, the independents nominated in its kredse
 * as lists of one, each candidate on the ballots of their kredse only. */
static void
test_fv_import (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *geografi = fv2026_path ("geografi");
  g_autofree char *kd = fv2026_path ("kandidat-data");
  g_autofree char *kbh = NULL;
  g_autoptr (GHashTable) kreds_by_dagi = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (VkElection) geo = vk_election_new ();
  g_autoptr (VkElection) fv = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *outside;
  guint n_lettered = 0, n_independent = 0, n_expected_independent = 0;

  if (geografi == NULL || kd == NULL)
    return;
  kbh = g_build_filename (kd, "kandidat-data-Folketingsvalg-1-København-150320261120.json", NULL);
  g_assert_true (vk_election_import_geografi (geo, geografi, "101", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (geo->municipality, ==, "København");
  g_assert_cmpuint (geo->areas->len, ==, count_geo_areas (geografi, 101, kreds_by_dagi));
  for (guint i = 0; i < geo->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (geo->areas, i);

      g_assert_cmpstr (a->kreds, ==, g_hash_table_lookup (kreds_by_dagi, a->dagi_id));
      g_assert_cmpstr (a->kreds_name, !=, "");
    }

  /* The folder: the other storkredse's files are skipped. */
  fv = vk_election_import_fv_kandidatdata (geo, kd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fv->type, ==, VK_ELECTION_FV);
  g_assert_cmpstr (fv->date, ==, "2026-03-24");
  g_assert_cmpuint (fv->seats, ==, VK_FV_SEATS);
  g_assert_cmpuint (fv->areas->len, ==, geo->areas->len);

  /* The independents of the file nominated (OpstilletIKreds) in a kreds of København. */
  g_assert_true (json_parser_load_from_file (parser, kbh, NULL));
  outside = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "UdenforParti");
  for (guint i = 0; i < json_array_get_length (outside); i++)
    {
      JsonObject *c = json_array_get_object_element (outside, i);
      JsonArray *entries = json_object_get_array_member (c, "Opstillingskredse");
      g_autofree char *list_id = g_strconcat ("udenfor-", json_object_get_string_member (c, "Id"), NULL);
      const VkList *l = vk_election_lookup_list (fv, list_id);
      const VkCandidate *cand;

      n_expected_independent++;
      g_assert_nonnull (l);
      g_assert_cmpstr (l->letter, ==, "");
      g_assert_cmpuint (l->candidates->len, ==, 1);
      cand = g_ptr_array_index (l->candidates, 0);
      /* On the ballot of exactly the areas of the kreds where nominated. */
      for (guint k = 0; k < json_array_get_length (entries); k++)
        {
          JsonObject *e = json_array_get_object_element (entries, k);
          const char *kreds = json_object_get_string_member (e, "OpstillingskredsDagiId");
          gboolean nominated = json_object_get_boolean_member (e, "OpstilletIKreds");

          for (guint a = 0; a < fv->areas->len; a++)
            {
              const VkArea *area = g_ptr_array_index (fv->areas, a);
              g_autoptr (GPtrArray) ballot = NULL;

              if (strcmp (area->kreds, kreds) != 0)
                continue;
              ballot = vk_election_dup_ballot_candidates (fv, l, area->number);
              g_assert_cmpuint (ballot->len, ==, nominated ? 1 : 0);
              if (nominated)
                g_assert_true (g_ptr_array_index (ballot, 0) == cand);
            }
        }
    }
  for (guint i = 0; i < fv->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (fv->lists, i);

      if (*l->letter != '\0')
        n_lettered++;
      else
        n_independent++;
      /* Ballot order: parties first, then the independents. */
      if (i > 0)
        g_assert_cmpuint (((VkList *)g_ptr_array_index (fv->lists, i - 1))->position, <, l->position);
      if (i > 0 && *l->letter != '\0')
        g_assert_cmpstr (((VkList *)g_ptr_array_index (fv->lists, i - 1))->letter, !=, "");
    }
  g_assert_cmpuint (n_independent, ==, n_expected_independent);
  g_assert_cmpuint (n_lettered, ==,
                    json_array_get_length (json_object_get_array_member (
                        json_node_get_object (json_parser_get_root (parser)), "IndenforParti")));

  /* A party's ballot in one area follows KandidatsPlacering of that kreds. */
  {
    const VkList *a_list = g_ptr_array_index (fv->lists, 0);
    const VkArea *area = g_ptr_array_index (fv->areas, 0);
    g_autoptr (GPtrArray) ballot = vk_election_dup_ballot_candidates (fv, a_list, area->number);

    g_assert_cmpuint (ballot->len, >, 0);
    for (guint i = 1; i < ballot->len; i++)
      g_assert_cmpuint (vk_candidate_lookup_kreds (g_ptr_array_index (ballot, i - 1), area->kreds)->position, <=,
                        vk_candidate_lookup_kreds (g_ptr_array_index (ballot, i), area->kreds)->position);
  }

  /* Personal votes of an area's count: only for the candidates of its
   * kreds (an independent nominated in another kreds is refused). */
  {
    const VkList *ind = NULL;
    const VkArea *on = NULL, *off = NULL;

    for (guint i = 0; i < fv->lists->len && ind == NULL; i++)
      if (*((VkList *)g_ptr_array_index (fv->lists, i))->letter == '\0')
        ind = g_ptr_array_index (fv->lists, i);
    g_assert_nonnull (ind);
    for (guint a = 0; a < fv->areas->len; a++)
      {
        const VkArea *area = g_ptr_array_index (fv->areas, a);
        g_autoptr (GPtrArray) ballot = vk_election_dup_ballot_candidates (fv, ind, area->number);

        if (ballot->len > 0 && on == NULL)
          on = area;
        else if (ballot->len == 0 && off == NULL)
          off = area;
      }
    g_assert_nonnull (on);
    g_assert_nonnull (off);
    for (guint k = 0; k < 2; k++)
      {
        const VkArea *area = k == 0 ? on : off;
        g_autoptr (VkCbor) c = vk_cbor_new_map ();
        VkCbor *lists = vk_cbor_new_map ();
        VkCbor *ls = vk_cbor_new_map ();
        VkCbor *cands = vk_cbor_new_map ();
        g_autoptr (VkAreaResult) r = NULL;

        vk_cbor_map_set_uint (lists, ind->id, 1);
        vk_cbor_map_set_uint (ls, ind->id, 0);
        vk_cbor_map_set_uint (cands, ((VkCandidate *)g_ptr_array_index (ind->candidates, 0))->id, 1);
        vk_cbor_map_set_uint (c, "cast", 1);
        vk_cbor_map_set_uint (c, "valid", 1);
        vk_cbor_map_set_uint (c, "blank_fremmoedte", 0);
        vk_cbor_map_set_uint (c, "blank_brev", 0);
        vk_cbor_map_insert_text (c, "invalid", vk_cbor_new_map ());
        vk_cbor_map_insert_text (c, "lists", lists);
        vk_cbor_map_insert_text (c, "listestemmer", ls);
        vk_cbor_map_insert_text (c, "candidates", cands);
        r = vk_counts_from_cbor (c, fv, VK_RESULT_FINTAELLING, area->number, area->name, NULL, &error);
        if (k == 0)
          {
            g_assert_no_error (error);
            g_assert_nonnull (r);
          }
        else
          {
            g_assert_null (r);
            g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
            g_assert_nonnull (strstr (error->message, "does not stand in the opstillingskreds"));
            g_clear_error (&error);
          }
      }
  }

  /* Another municipality's storkreds file alone has no candidate in København's kredse. */
  {
    g_autofree char *bornholm
        = g_build_filename (kd, "kandidat-data-Folketingsvalg-4-Bornholm-150320261120.json", NULL);
    g_autoptr (VkElection) none = vk_election_import_fv_kandidatdata (geo, bornholm, &error);

    g_assert_null (none);
    g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "no candidate stands in opstillingskreds"));
    g_clear_error (&error);
  }
  /* An unknown kommunekode. */
  {
    g_autoptr (VkElection) bad = vk_election_new ();

    g_assert_false (vk_election_import_geografi (bad, geografi, "9999", &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

/* FV + two folkeafstemning questions for Bornholm, through a package:
 * kredse, the candidates' places per kreds, contest ids and titles
 * survive, and are signed. */
static void
test_fv_fa_package (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *geografi = fv2026_path ("geografi");
  g_autofree char *kd = fv2026_path ("kandidat-data");
  g_autoptr (VkElection) geo = vk_election_new ();
  g_autoptr (VkElection) fv = NULL;
  g_autoptr (VkVoterList) voters = vk_voter_list_new ();
  g_autoptr (VkKeypair) key = key_from_seed (0x52);
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "fv.vkp", NULL);
  g_autoptr (VkPackage) pkg = NULL;
  const VkElection *back;
  VkElection *fa2;

  if (geografi == NULL || kd == NULL)
    return;
  g_assert_true (vk_election_import_geografi (geo, geografi, "400", &error));
  g_assert_no_error (error);
  /* Christiansø, valg.dk's Nummer 0, follows the others. */
  g_assert_cmpstr (((VkArea *)g_ptr_array_index (geo->areas, geo->areas->len - 1))->name, ==, "Christiansø");
  fv = vk_election_import_fv_kandidatdata (geo, kd, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vk_election_add_fa_question (fv, "Første spørgsmål", &error));
  fa2 = vk_election_add_fa_question (fv, "Andet spørgsmål", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vk_election_contest_id (fa2), ==, "FA2");
  g_assert_null (vk_election_add_fa_question (fv, "  ", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  {
    g_autofree char *label = vk_election_dup_contests_label (fv);
    g_autofree char *fa_only = vk_election_dup_voter_contests_label (fv, "FA");

    g_assert_cmpstr (label, ==, "FV + FA + FA2");
    g_assert_cmpstr (fa_only, ==, "FA + FA2");
  }
  for (guint i = 0; i < fv->areas->len; i++)
    {
      guint area = ((VkArea *)g_ptr_array_index (fv->areas, i))->number;

      g_assert_true (vk_voter_list_add_full (voters, area, 1, "Dansk Vælger", "Vej 1", "1950-01-01", "", &error));
      g_assert_true (vk_voter_list_add_full (voters, area, 2, "EU-borger", "Vej 2", "1950-01-01", "EP", &error));
      g_assert_true (vk_voter_list_add_full (voters, area, 3, "Kun FA", "Vej 3", "1950-01-01", "FA", &error));
      g_assert_no_error (error);
    }
  vk_election_count_eligible (fv, voters);
  g_assert_cmpuint (((VkArea *)g_ptr_array_index (fv->areas, 0))->eligible, ==, 1);
  g_assert_cmpuint (((VkArea *)g_ptr_array_index (fa2->areas, 0))->eligible, ==, 2);

  pkg = vk_package_create (path, fv, voters, key, &error);
  g_assert_no_error (error);
  g_clear_pointer (&pkg, vk_package_free);
  pkg = vk_package_open (path, &error);
  g_assert_no_error (error);
  back = vk_package_get_election (pkg);
  g_assert_cmpuint (vk_election_get_n_contests (back), ==, 3);
  g_assert_cmpstr (vk_election_get_contest (back, "FA2")->title, ==, "Andet spørgsmål");
  g_assert_cmpstr (vk_election_get_contest (back, "FA")->title, ==, "Første spørgsmål");
  g_assert_nonnull (vk_election_lookup_list (vk_election_get_contest (back, "FA2"), "FA2-nej"));
  for (guint i = 0; i < fv->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (fv->areas, i);
      const VkArea *b = vk_election_lookup_area (back, a->number);

      g_assert_cmpstr (a->kreds, ==, b->kreds);
      g_assert_cmpstr (a->kreds_name, ==, b->kreds_name);
      for (guint l = 0; l < fv->lists->len; l++)
        {
          const VkList *la = g_ptr_array_index (fv->lists, l);
          g_autoptr (GPtrArray) x = vk_election_dup_ballot_candidates (fv, la, a->number);
          g_autoptr (GPtrArray) y
              = vk_election_dup_ballot_candidates (back, vk_election_lookup_list (back, la->id), a->number);

          g_assert_cmpuint (x->len, ==, y->len);
          for (guint c = 0; c < x->len; c++)
            g_assert_cmpstr (((VkCandidate *)g_ptr_array_index (x, c))->id, ==,
                             ((VkCandidate *)g_ptr_array_index (y, c))->id);
        }
    }
  {
    g_autoptr (VkVoter) v = vk_package_lookup_voter (pkg, 1, 3, &error);
    g_autofree char *label = vk_election_dup_voter_contests_label (back, v->contests);

    g_assert_cmpstr (v->contests, ==, "FA");
    g_assert_cmpstr (label, ==, "FA + FA2");
  }
  g_clear_pointer (&pkg, vk_package_free);

  /* A candidate's place in a kreds and a question's title are signed. */
  {
    g_autofree char *copy = copy_file (path, "kreds.vkp");
    g_autoptr (VkPackage) bad = NULL;

    tamper (copy, "UPDATE candidate_kreds SET position = position + 1 WHERE (candidate_id, kreds) IN "
                  "(SELECT candidate_id, kreds FROM candidate_kreds LIMIT 1)");
    bad = vk_package_open (copy, &error);
    g_assert_null (bad);
    g_assert_error (error, VK_ERROR, VK_ERROR_SIGNATURE);
    g_assert_nonnull (strstr (error->message, "candidates"));
    g_clear_error (&error);
  }
  {
    g_autofree char *copy = copy_file (path, "title.vkp");
    g_autoptr (VkPackage) bad = NULL;

    tamper (copy, "UPDATE contest SET title = 'Noget andet' WHERE id = 'FA2'");
    bad = vk_package_open (copy, &error);
    g_assert_null (bad);
    g_assert_error (error, VK_ERROR, VK_ERROR_SIGNATURE);
    g_clear_error (&error);
  }
}

/* EP + FA (the 2014 case) from a synthetic EV-Kandidatdata in valg.dk's
 * schema, with the CLI: an EU citizen ("EP") gets the EP ballot only. */
static void
test_ep_fa_cli (void)
{
  static const char ev[]
      = "{\"Valgdag\":\"25-05-2014\",\"Valgart\":\"Europa-Parlamentsvalg\","
        "\"FrigivelsesTidspunktUTC\":\"01-05-2014 10:00:00\",\"OpdateringsTidspunktUTC\":\"01-05-2014 10:00:00\","
        "\"Valgforbund\":[{\"ValgforbundId\":\"vf-1\",\"Kandidatlister\":[\"ep-a\",\"ep-b\"]}],"
        "\"Kandidatlister\":["
        "{\"KandidatlisteId\":\"ep-a\",\"Stemmeseddelsplacering\":1,\"Bogstavbetegnelse\":\"A\",\"Navn\":\"Parti A\","
        "\"Opstillingsform\":\"Partiliste\",\"Kandidater\":[{\"Id\":\"ep-a-1\",\"Navn\":\"Anna A\","
        "\"Stemmeseddelnavn\":\"Anna A\",\"Stilling\":\"Jurist\",\"Stemmeseddelsplacering\":1}]},"
        "{\"KandidatlisteId\":\"ep-b\",\"Stemmeseddelsplacering\":2,\"Bogstavbetegnelse\":\"B\",\"Navn\":\"Parti B\","
        "\"Opstillingsform\":\"Sideordnet\",\"Kandidater\":[{\"Id\":\"ep-b-1\",\"Navn\":\"Bo B\","
        "\"Stemmeseddelnavn\":\"Bo B\",\"Stilling\":null,\"Stemmeseddelsplacering\":1}]}]}";
  g_autofree char *geografi = fv2026_path ("geografi");
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *ev_path = g_build_filename (dir, "ev.json", NULL);
  g_autofree char *csv = g_build_filename (dir, "v.csv", NULL);
  g_autofree char *key = g_build_filename (dir, "e.key", NULL);
  g_autofree char *out = g_build_filename (dir, "ep.vkp", NULL);
  g_autofree char *std_out = NULL, *std_err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  const VkElection *e;

  if (geografi == NULL)
    return;
  g_assert_true (g_file_set_contents (ev_path, ev, -1, NULL));
  g_assert_true (g_file_set_contents (csv,
                                      "afstemningsomraade,loebenummer,navn,adresse,foedselsdato,valg\n"
                                      "1,1,Dansk Vælger,Vej 1,1950-01-01,\n"
                                      "1,2,EU-borger,Vej 2,1960-01-01,KV;RV;EP\n",
                                      -1, NULL));
  g_setenv ("VALGKIT_PASSPHRASE", "eligibility-test-passphrase", TRUE);
  {
    const char *argv[]
        = { vk_test_valgkit (), "key", "new", "--role", "election", "--device", "Bornholm", "--out", key, NULL };

    g_assert_cmpint (vk_test_spawn (argv, &std_out, &std_err), ==, 0);
    g_clear_pointer (&std_out, g_free);
    g_clear_pointer (&std_err, g_free);
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
                           key,
                           "--out",
                           out,
                           NULL };

    g_assert_cmpint (vk_test_spawn (argv, &std_out, &std_err), ==, 0);
    g_assert_nonnull (strstr (std_out, "EP + FA Bornholm"));
    g_clear_pointer (&std_out, g_free);
    g_clear_pointer (&std_err, g_free);
  }
  pkg = vk_package_open (out, &error);
  g_assert_no_error (error);
  e = vk_package_get_election (pkg);
  g_assert_cmpint (e->type, ==, VK_ELECTION_EP);
  g_assert_cmpuint (e->seats, ==, VK_EP_SEATS);
  g_assert_cmpstr (e->municipality, ==, "Bornholm");
  g_assert_cmpuint (e->valgforbund->len, ==, 1);
  g_assert_cmpstr (vk_election_get_contest (e, "FA")->title, ==, "Patentdomstolen");
  /* Eligible voters from the list: both get EP, only the Dane FA. */
  g_assert_cmpuint (vk_election_lookup_area (e, 1)->eligible, ==, 2);
  g_assert_cmpuint (vk_election_lookup_area (vk_election_get_contest (e, "FA"), 1)->eligible, ==, 1);
  {
    g_autoptr (VkVoter) v = vk_package_lookup_voter (pkg, 1, 2, &error);
    g_autofree char *label = vk_election_dup_voter_contests_label (e, v->contests);

    g_assert_cmpstr (label, ==, "EP");
  }

  /* election show names the question. */
  {
    const char *argv[] = { vk_test_valgkit (), "election", "show", "--json", out, NULL };

    g_clear_pointer (&std_out, g_free);
    g_clear_pointer (&std_err, g_free);
    g_assert_cmpint (vk_test_spawn (argv, &std_out, &std_err), ==, 0);
    g_assert_nonnull (strstr (std_out, "\"title\" : \"Patentdomstolen\""));
    g_clear_pointer (&std_out, g_free);
    g_clear_pointer (&std_err, g_free);
  }

  /* KV options do not mix with an FV/EP/FA event. */
  {
    g_autofree char *out2 = g_build_filename (dir, "mixed.vkp", NULL);
    const char *argv[]
        = { vk_test_valgkit (), "election",   "import",  "--fa", "X",     "--geografi", geografi, "--kommune", "400",
            "--date",           "2014-05-25", "--seats", "9",    "--key", key,          "--out",  out2,        NULL };

    g_assert_cmpint (vk_test_spawn (argv, &std_out, &std_err), ==, 2);
    g_assert_nonnull (strstr (std_err, "make an FV/EP/FA event"));
  }
}

/* ---- at the table: check-in with eligibility, counts, sign-off ---------- */

/* A counts map of a contest: n_lists votes on each list in turn (the
 * first lists get the rest), one blank, one invalid (reason 8). */
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

/* An FV fintælling count of one area: counts_for()'s list totals, split
 * into one personal vote for each of the first candidates on the area's
 * ballot (the area's opstillingskreds's) and the rest as partistemmer. */
static VkCbor *
fv_fintaelling_counts (const VkElection *fv, guint area, guint64 cast, guint *ret_personal)
{
  VkCbor *c = counts_for (fv, cast);
  VkCbor *lists = vk_cbor_map_lookup_text (c, "lists");
  VkCbor *listestemmer = vk_cbor_new_map ();
  VkCbor *candidates = vk_cbor_new_map ();

  *ret_personal = 0;
  for (guint i = 0; i < fv->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (fv->lists, i);
      g_autoptr (GPtrArray) ballot = vk_election_dup_ballot_candidates (fv, l, area);
      guint64 total = 0;
      guint64 personal;

      total = vk_cbor_get_uint (vk_cbor_map_lookup_text (lists, l->id));
      personal = MIN (total, ballot->len);
      for (guint k = 0; k < ballot->len; k++)
        vk_cbor_map_set_uint (candidates, ((VkCandidate *)g_ptr_array_index (ballot, k))->id, k < personal ? 1 : 0);
      vk_cbor_map_set_uint (listestemmer, l->id, total - personal);
      *ret_personal += (guint)personal;
    }
  vk_cbor_map_insert_text (c, "listestemmer", listestemmer);
  vk_cbor_map_insert_text (c, "candidates", candidates);
  return c;
}

/* The station's last entry is a checkin whose "contests" names only
 * expected (NULL: no "contests", every contest's ballot). */
static void
assert_last_checkin (VkStation *station, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_station_get_journal (station), 0, &error);
  const VkEntry *e;
  const VkCbor *ids;

  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, 0);
  e = g_ptr_array_index (entries, entries->len - 1);
  g_assert_cmpstr (e->type, ==, "checkin");
  ids = vk_cbor_map_lookup_text (e->body, "contests");
  if (expected == NULL)
    {
      g_assert_null (ids);
      return;
    }
  g_assert_nonnull (ids);
  g_assert_cmpuint (vk_cbor_array_get_length (ids), ==, 1);
  g_assert_cmpstr (vk_cbor_get_text (vk_cbor_array_get (ids, 0), NULL), ==, expected);
}

/* Bornholm's FV + FA: the table hands out exactly the ballots each voter
 * may receive, refuses a voter who may receive none, and each contest is
 * counted, entered twice and signed off against its own marked voters. */
static void
test_station_fv_fa (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *geografi = fv2026_path ("geografi");
  g_autofree char *kd = fv2026_path ("kandidat-data");
  g_autoptr (VkElection) geo = vk_election_new ();
  g_autoptr (VkElection) fv = NULL;
  g_autoptr (VkVoterList) voters = vk_voter_list_new ();
  g_autoptr (VkKeypair) key = key_from_seed (0x53);
  g_autoptr (VkKeypair) bord_key = key_from_seed (0x54);
  g_autoptr (VkKeypair) fint_key = key_from_seed (0x55);
  g_autoptr (VkKeypair) server_key = key_from_seed (0x56);
  g_autoptr (VkKeypair) brev_key = key_from_seed (0x57);
  g_autofree char *fint_db = NULL;
  g_autoptr (VkStation) fint = NULL;
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "fvfa.vkp", NULL);
  g_autofree char *db = g_build_filename (dir, "bord.db", NULL);
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (VkStation) bord = NULL;
  /* Voters 1–12 get both ballots, 13–15 FV only, 16–17 and 20 FA only (as
   * the register may say), 18–19 none (EU citizens: KV;RV;EP); 20 votes
   * by letter. */
  const char *contests_of[21] = { NULL };
  g_autofree char *envelope = NULL;
  g_autofree char *brev_file = NULL;
  guint64 now = (guint64)(g_get_real_time () / 1000);
  VkSigner signers[] = { { "Anne", NULL }, { "Bo", NULL } };
  const VkElection *event, *fa;

  if (geografi == NULL || kd == NULL)
    return;
  g_assert_true (vk_election_import_geografi (geo, geografi, "400", &error));
  fv = vk_election_import_fv_kandidatdata (geo, kd, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vk_election_add_fa_question (fv, "Skal Danmark deltage i forsvarssamarbejdet?", &error));
  for (guint i = 1; i <= 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("Vælger %u", i);

      contests_of[i] = i <= 12 ? "" : i <= 15 ? "FV" : i <= 17 || i == 20 ? "FA" : "KV;RV;EP";
      g_assert_true (vk_voter_list_add_full (voters, 1, i, name, "Vej 1", "1960-02-03", contests_of[i], &error));
    }
  vk_election_count_eligible (fv, voters);
  pkg = vk_package_create (path, fv, voters, key, &error);
  g_assert_no_error (error);
  g_assert_true (vk_package_enroll (pkg, key, "bord-1", "valgbord", 1, vk_keypair_get_public_key (bord_key),
                                    now - 3600000, now + 86400000, &error));
  g_assert_true (vk_package_enroll (pkg, key, "fintaelling-1", "fintaelling", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (fint_key), now - 3600000, now + 86400000, &error));
  g_assert_true (vk_package_enroll (pkg, key, "brev-1", "brevstemmested", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (brev_key), now - 3600000, now + 86400000, &error));
  g_assert_true (vk_package_enroll (pkg, key, "server-1", "server", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (server_key), now - 3600000, now + 86400000, &error));
  g_assert_no_error (error);
  g_clear_pointer (&pkg, vk_package_free);
  pkg = vk_package_open (path, &error);
  g_assert_no_error (error);
  event = vk_package_get_election (pkg);
  fa = vk_election_get_contest (event, "FA");
  bord = vk_station_open (pkg, db, "bord-1", bord_key, &error);
  g_assert_no_error (error);

  for (guint i = 1; i <= 19; i++)
    {
      g_autoptr (VkVoterStatus) st = vk_station_dup_voter_status (bord, 1, i);
      g_autofree char *label = vk_voter_status_dup_contests_label (st);
      const char *expected = i <= 12 ? "FV + FA" : i <= 15 ? "FV" : i <= 17 ? "FA" : "";
      guint64 seq;

      g_assert_cmpint (st->state, ==, VK_VOTER_FREE);
      g_assert_cmpstr (label, ==, expected);
      seq = vk_station_check_in (bord, i, VK_CHECKIN_SCAN, FALSE, &error);
      if (i >= 18)
        {
          g_assert_cmpuint (seq, ==, 0);
          g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_ELIGIBLE);
          g_assert_nonnull (strstr (error->message, "(FV + FA)"));
          g_clear_error (&error);
          g_assert_false (vk_station_is_checked_in (bord, i));
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (seq, >, 0);
      assert_last_checkin (bord, i <= 12 ? NULL : i <= 15 ? "FV" : "FA");
    }
  /* By letter: the same eligibility (voter 18 refused); voter 20's
   * envelope holds the FA ballot only, and the bord accepts it. */
  {
    g_autofree char *brev_db = g_build_filename (dir, "brev.db", NULL);
    g_autoptr (VkStation) brev = vk_station_open (pkg, brev_db, "brev-1", brev_key, &error);
    static const char *const receivers[] = { "Eva Modtager", NULL };
    static const char *const valgstyrere[] = { "Anne", "Bo", NULL };
    g_autoptr (GDateTime) cast = g_date_time_new_utc (2026, 3, 10, 10, 0, 0);
    VkBrevstemmeInput in = { 1, 18, NULL, "borgerservice", receivers, (guint64)g_date_time_to_unix (cast) * 1000 };
    g_autoptr (GPtrArray) entries = NULL;
    const VkCbor *ids;

    g_assert_no_error (error);
    g_assert_null (vk_station_receive_brevstemme (brev, &in, NULL, &error));
    g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_ELIGIBLE);
    g_clear_error (&error);
    in.loebenummer = 20;
    envelope = vk_station_receive_brevstemme (brev, &in, NULL, &error);
    g_assert_no_error (error);
    entries = vk_journal_dup_entries (vk_station_get_journal (brev), 0, &error);
    ids = vk_cbor_map_lookup_text (((VkEntry *)g_ptr_array_index (entries, entries->len - 1))->body, "contests");
    g_assert_nonnull (ids);
    g_assert_cmpstr (vk_cbor_get_text (vk_cbor_array_get (ids, 0), NULL), ==, "FA");
    brev_file = g_build_filename (dir, "brev-1.cbor", NULL);
    g_assert_true (vk_journal_export (vk_station_get_journal (brev), brev_file, &error));
    g_assert_true (vk_station_ingest_file (bord, brev_file, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (vk_station_decide_brevstemme (bord, envelope, TRUE, 0, valgstyrere, &error), >, 0);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (vk_station_count_brevstemmer_for (bord, "FV"), ==, 0);
  g_assert_cmpuint (vk_station_count_brevstemmer_for (bord, "FA"), ==, 1);
  g_assert_cmpuint (vk_station_get_checked_in_count (bord), ==, 17);
  g_assert_cmpuint (vk_station_count_checked_in_for (bord, "FV"), ==, 15);
  g_assert_cmpuint (vk_station_count_checked_in_for (bord, "FA"), ==, 14);
  g_assert_cmpuint (vk_station_count_checked_in_for (bord, "EP"), ==, 0);
  g_assert_cmpuint (vk_tally_close_poll (bord, &error), >, 0);
  g_assert_no_error (error);

  /* FV foreløbig: the parties (and independents) only; FA: Ja, Nej. */
  {
    g_autoptr (VkCbor) fv_counts = counts_for (event, 15);
    g_autoptr (VkCbor) fa_counts = counts_for (fa, 15); /* 14 in person, 1 by letter */
    g_autoptr (VkAreaResult) fvr = vk_rules_counts_to_result (event, VK_RESULT_FORELOEBIG, 1, fv_counts, &error);
    g_autoptr (VkAreaResult) far = NULL;

    g_assert_no_error (error);
    far = vk_rules_counts_to_result (fa, VK_RESULT_FORELOEBIG, 1, fa_counts, &error);
    g_assert_no_error (error);
    for (guint round = 1; round <= 2; round++)
      {
        const char *by = round == 1 ? "Anne" : "Bo";

        g_assert_cmpuint (vk_tally_enter (bord, "FV", VK_RESULT_FORELOEBIG, 1, round, by, fvr, NULL, &error), >, 0);
        g_assert_no_error (error);
        g_assert_cmpuint (vk_tally_enter (bord, "FA", VK_RESULT_FORELOEBIG, 1, round, by, far, NULL, &error), >, 0);
        g_assert_no_error (error);
      }
    /* FA counted as FV: its lists are not the FV contest's. */
    g_assert_cmpuint (vk_tally_enter (bord, "FV", VK_RESULT_FORELOEBIG, 1, 1, "Anne", far, NULL, &error), ==, 0);
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  /* Each contest against its own marked voters: 15 FV ballots, 14 FA. */
  g_assert_cmpuint (vk_tally_sign_off (bord, "FV", VK_RESULT_FORELOEBIG, 1, signers, 2, NULL,
                                       vk_station_count_checked_in_for (bord, "FV"),
                                       vk_election_lookup_area (event, 1)->eligible, &error),
                    >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (
      vk_tally_sign_off (bord, "FA", VK_RESULT_FORELOEBIG, 1, signers, 2, NULL,
                         vk_station_count_checked_in_for (bord, "FA") + vk_station_count_brevstemmer_for (bord, "FA"),
                         vk_election_lookup_area (fa, 1)->eligible, &error),
      >, 0);
  g_assert_no_error (error);
  {
    g_autoptr (VkTally) t = vk_tally_dup_station_tally (bord, "FA", VK_RESULT_FORELOEBIG, 1, &error);

    g_assert_no_error (error);
    g_assert_cmpint (vk_tally_get_state (t), ==, VK_TALLY_SIGNED);
  }
  /* The count rules on the table's journal: D07 (ballots against marked
   * voters) holds for each contest with its own marked voters. */
  {
    g_autoptr (GPtrArray) findings = vk_rules_run (vk_station_get_fold (bord), NULL);

    for (guint i = 0; i < findings->len; i++)
      {
        const VkFinding *f = g_ptr_array_index (findings, i);

        g_test_message ("D%02u %s: %s", f->rule, f->contest != NULL ? f->contest : "-", f->message_en);
        g_assert_cmpuint (f->rule, !=, 7);
      }
  }
  /* The FV fintælling: party votes and personal votes of the area's
   * kreds's candidates, double entry and sign-off at a fintælling table. */
  {
    guint personal = 0;
    g_autoptr (VkCbor) counts = fv_fintaelling_counts (event, 1, 15, &personal);
    g_autoptr (VkAreaResult) r = vk_rules_counts_to_result (event, VK_RESULT_FINTAELLING, 1, counts, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (personal, >, 0);
    fint_db = g_build_filename (dir, "fint.db", NULL);
    fint = vk_station_open (pkg, fint_db, "fintaelling-1", fint_key, &error);
    g_assert_no_error (error);
    for (guint round = 1; round <= 2; round++)
      {
        g_assert_cmpuint (
            vk_tally_enter (fint, "FV", VK_RESULT_FINTAELLING, 1, round, round == 1 ? "Cai" : "Dea", r, NULL, &error),
            >, 0);
        g_assert_no_error (error);
      }
    g_assert_cmpuint (vk_tally_sign_off (fint, "FV", VK_RESULT_FINTAELLING, 1, signers, 2, NULL, -1,
                                         vk_election_lookup_area (event, 1)->eligible, &error),
                      >, 0);
    g_assert_no_error (error);
  }
  /* The count server: the table's journal ingested, each contest's
   * foreløbig result its own, no D07 with each contest's marked voters. */
  {
    g_autofree char *count_db = g_build_filename (dir, "count.db", NULL);
    g_autofree char *jfile = g_build_filename (dir, "bord-1.cbor", NULL);
    g_autoptr (VkCount) count = vk_count_open (count_db, pkg, server_key, &error);
    g_autoptr (VkCountReceipt) receipt = NULL;
    g_autoptr (VkResults) fvres = NULL;
    g_autoptr (VkResults) fares = NULL;
    g_autoptr (GPtrArray) findings = NULL;

    g_assert_no_error (error);
    g_assert_true (vk_journal_export (vk_station_get_journal (bord), jfile, &error));
    g_assert_true (vk_count_ingest_file (count, jfile, &receipt, &error));
    g_assert_no_error (error);
    g_clear_pointer (&receipt, vk_count_receipt_free);
    g_assert_true (vk_count_ingest_file (count, brev_file, &receipt, &error));
    g_assert_no_error (error);
    fvres = vk_count_results (count, "FV", VK_RESULT_FORELOEBIG, &error);
    g_assert_no_error (error);
    fares = vk_count_results (count, "FA", VK_RESULT_FORELOEBIG, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (fvres->total->cast, ==, 15);
    g_assert_cmpuint (fares->total->cast, ==, 15);
    findings = vk_count_discrepancies (count, NULL, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < findings->len; i++)
      {
        g_test_message ("server D%02u %s", ((VkFinding *)g_ptr_array_index (findings, i))->rule,
                        ((VkFinding *)g_ptr_array_index (findings, i))->message_en);
        g_assert_cmpuint (((VkFinding *)g_ptr_array_index (findings, i))->rule, !=, 7);
      }
  }
  /* The eligible voters of the package are the list's: 15 FV, 15 FA. */
  g_assert_cmpuint (vk_election_lookup_area (event, 1)->eligible, ==, 15);
  g_assert_cmpuint (vk_election_lookup_area (fa, 1)->eligible, ==, 15);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/eligibility/csv-valg", test_csv_valg);
  g_test_add_func ("/eligibility/package", test_package_eligibility);
  g_test_add_func ("/eligibility/fv-import", test_fv_import);
  g_test_add_func ("/eligibility/fv-fa-package", test_fv_fa_package);
  g_test_add_func ("/eligibility/ep-fa-cli", test_ep_fa_cli);
  g_test_add_func ("/eligibility/station-fv-fa", test_station_fv_fa);
  return g_test_run ();
}

/* test-eligibility.c: per-voter eligibility (package format 3) and the
 * events of folketingsvalg, europa-parlamentsvalg and folkeafstemning.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "vk-error.h"
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/eligibility/csv-valg", test_csv_valg);
  g_test_add_func ("/eligibility/package", test_package_eligibility);
  return g_test_run ();
}

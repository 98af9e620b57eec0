/* test-package-interop.c: an election package checked by an independent verifier.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test/interop/package_verify.py recomputes the election id and checks
 * the signatures with Python's sqlite3, cbor2 and PyNaCl, following
 * docs/package-format.md only.  If it agrees with valgkit, the spec is
 * complete and the C code follows it.
 */
#include <sqlite3.h>
#include <string.h>

#include "vk-election-import.h"
#include "vk-error.h"
#include "vk-fake.h"
#include "vk-package.h"
#include "vk-test-util.h"

static int
run_verifier (const char *path, char **ret_out, char **ret_err)
{
  const char *python = g_getenv ("PYTHON3");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "interop", "package_verify.py", NULL);
  const char *argv[] = { python, script, path, NULL };

  g_assert_nonnull (python);
  return vk_test_spawn (argv, ret_out, ret_err);
}

/* What package_verify.py prints for a package of this election: the id,
 * one line per contest, one per device. */
static char *
expected_output (VkPackage *pkg, const VkElection *election)
{
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autofree char *id_hex = vk_hex_encode (vk_package_get_election_id (pkg), VK_ELECTION_ID_BYTES);
  g_autoptr (GPtrArray) devices = vk_package_list_devices (pkg);

  g_string_append_printf (expected, "election_id %s\n", id_hex);
  for (guint i = 0; i < vk_election_get_n_contests (election); i++)
    {
      const VkElection *c = vk_election_get_contest_nth (election, i);
      guint64 eligible = 0;

      for (guint j = 0; j < c->areas->len; j++)
        eligible += ((VkArea *)g_ptr_array_index (c->areas, j))->eligible;
      g_string_append_printf (expected, "contest %s %s %u %u %u %" G_GUINT64_FORMAT "\n", vk_election_contest_id (c),
                              vk_election_type_to_string (c->type), c->seats, c->lists->len, c->areas->len, eligible);
    }
  for (guint i = 0; i < devices->len; i++)
    {
      const VkDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *key_hex = vk_hex_encode (d->public_key, 32);
      g_autofree char *area = d->area == VK_PACKAGE_NO_AREA ? g_strdup ("-") : g_strdup_printf ("%u", d->area);

      g_autofree char *tls_hex = d->has_tls ? vk_hex_encode (d->tls_sha256, VK_TLS_PIN_BYTES) : NULL;

      g_string_append_printf (expected, "device %s %s %s %s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "%s%s\n",
                              d->device_id, d->role, area, key_hex, d->valid_from, d->valid_to,
                              tls_hex != NULL ? " tls " : "", tls_hex != NULL ? tls_hex : "");
    }
  return g_string_free (g_steal_pointer (&expected), FALSE);
}

static void
test_package_interop (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kandidatdata = vk_test_data_path ("Aarhus", "kandidat-data.json", NULL);
  g_autofree char *areas = vk_test_data_path ("Aarhus", "fintaelling", NULL);
  g_autofree char *dir = NULL, *path = NULL, *out = NULL, *err = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkVoterList) voters = NULL;
  g_autoptr (VkKeypair) key = vk_keypair_generate ();
  g_autoptr (VkPackage) pkg = NULL;
  sqlite3 *db = NULL;
  int status;

  if (kandidatdata == NULL || areas == NULL)
    return;
  election = vk_election_import_kandidatdata (kandidatdata, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (election, areas, &error));
  election->seats = 31;
  voters = vk_voters_generate_for_election (election, 25, 11);
  dir = vk_test_tmpdir ();
  path = g_build_filename (dir, "aarhus.vkp", NULL);
  pkg = vk_package_create (path, election, voters, key, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (VkKeypair) dev = vk_keypair_generate ();
      g_autofree char *id = g_strdup_printf ("enhed-%u-æøå", i);
      guint area = i == 3 ? VK_PACKAGE_NO_AREA : ((VkArea *)g_ptr_array_index (election->areas, i))->number;

      guint8 pin[VK_TLS_PIN_BYTES];

      /* The server pins its TLS certificate (§5 "tls"). */
      vk_sha256 ((const guint8 *)id, strlen (id), pin);
      g_assert_true (vk_package_enroll_with_tls (pkg, key, id, i == 3 ? "server" : "valgbord", area,
                                                 vk_keypair_get_public_key (dev), i == 3 ? pin : NULL, 1000 * i,
                                                 G_GUINT64_CONSTANT (1) << 40, &error));
      g_assert_no_error (error);
    }

  expected = expected_output (pkg, election);
  g_clear_pointer (&pkg, vk_package_free);

  status = run_verifier (path, &out, &err);
  if (status != 0)
    g_error ("package_verify.py failed: %s", err);
  g_assert_cmpstr (out, ==, expected);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The independent verifier rejects a changed certificate pin... */
  g_assert_nonnull (strstr (expected, " tls "));
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (db, "UPDATE device SET tls_sha256 = zeroblob (32) WHERE role = 'server'", NULL, NULL, NULL), ==,
      SQLITE_OK);
  sqlite3_close (db);
  status = run_verifier (path, &out, &err);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "columns differ from the signed enrolment"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* ...and a changed voter. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE voter SET address = 'Skovvej 2' WHERE loebenummer = 5", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  status = run_verifier (path, &out, &err);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "content does not match"));
}

/* Læsø KV + Region Nordjylland RV, one event: the verifier recomputes
 * the contests section and checks every contest's rows. */
static void
test_package_interop_joint (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kv_kd = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *kv_areas = vk_test_data_path ("Læsø", "fintaelling", NULL);
  g_autofree char *rv_kd = NULL, *dir = NULL, *path = NULL, *out = NULL, *err = NULL, *expected = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkVoterList) voters = NULL;
  g_autoptr (VkKeypair) key = vk_keypair_generate ();
  g_autoptr (VkPackage) pkg = NULL;
  VkElection *rv;
  sqlite3 *db = NULL;
  int status;

  if (kv_kd == NULL || kv_areas == NULL)
    return;
  {
    g_autofree char *data = g_path_get_dirname (g_getenv ("VK_DATA_DIR"));
    rv_kd = g_build_filename (data, "rv2025", "Region_Nordjylland", "kandidat-data.json", NULL);
  }
  if (!g_file_test (rv_kd, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("RV2025 data missing");
      return;
    }
  election = vk_election_import_kandidatdata (kv_kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (election, kv_areas, &error));
  election->seats = 9;
  rv = vk_election_import_kandidatdata (rv_kd, &error);
  g_assert_no_error (error);
  rv->seats = 25;
  vk_election_copy_areas (rv, election);
  /* Another eligible count than the KV's, to see it is the RV's that is hashed. */
  ((VkArea *)g_ptr_array_index (rv->areas, 0))->eligible += 3;
  g_assert_true (vk_election_add_contest (election, rv, &error));
  voters = vk_voters_generate_for_election (election, 25, 11);
  dir = vk_test_tmpdir ();
  path = g_build_filename (dir, "laesoe.vkp", NULL);
  pkg = vk_package_create (path, election, voters, key, &error);
  g_assert_no_error (error);
  expected = expected_output (pkg, election);
  g_assert_nonnull (strstr (expected, "contest RV RV 25 "));
  g_clear_pointer (&pkg, vk_package_free);

  status = run_verifier (path, &out, &err);
  if (status != 0)
    g_error ("package_verify.py failed: %s", err);
  g_assert_cmpstr (out, ==, expected);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* It rejects a changed RV eligible count. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE area_contest SET eligible = eligible - 1", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);
  status = run_verifier (path, &out, &err);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (err, "content does not match"));
}

/* Format 3 read by the independent verifier: Bornholm's FV (areas with
 * their opstillingskreds, candidates with their kredse), two questions
 * (FA, FA2 with titles) and voters with their contests; a changed
 * candidate place or voter eligibility is caught. */
static void
test_package_interop_fv (void)
{
  g_autoptr (GError) error = NULL;
  const char *kv = vk_test_data_dir ();
  g_autofree char *geografi = kv != NULL ? g_build_filename (kv, "..", "fv2026", "geografi", NULL) : NULL;
  g_autofree char *kd = kv != NULL ? g_build_filename (kv, "..", "fv2026", "kandidat-data", NULL) : NULL;
  g_autofree char *dir = NULL, *path = NULL, *out = NULL, *err = NULL, *expected = NULL;
  g_autoptr (VkElection) geo = vk_election_new ();
  g_autoptr (VkElection) fv = NULL;
  g_autoptr (VkVoterList) voters = vk_voter_list_new ();
  g_autoptr (VkKeypair) key = vk_keypair_generate ();
  g_autoptr (VkPackage) pkg = NULL;
  static const char *const tampering[] = {
    "UPDATE candidate_kreds SET position = position + 7",
    "UPDATE voter SET contests = 'FA' WHERE contests = 'FV'",
    "UPDATE area SET kreds_name = 'Et andet sted'",
    "UPDATE contest SET title = 'Et andet spørgsmål' WHERE id = 'FA2'",
  };

  if (geografi == NULL || !g_file_test (geografi, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("FV2026 data missing");
      return;
    }
  g_assert_true (vk_election_import_geografi (geo, geografi, "400", &error));
  fv = vk_election_import_fv_kandidatdata (geo, kd, &error);
  g_assert_no_error (error);
  g_assert_nonnull (vk_election_add_fa_question (fv, "Første spørgsmål", &error));
  g_assert_nonnull (vk_election_add_fa_question (fv, "Andet spørgsmål", &error));
  for (guint i = 1; i <= 6; i++)
    g_assert_true (vk_voter_list_add_full (voters, 1 + i % 3, i, "Vælger", "Vej 1", "1970-01-01",
                                           i % 3 == 0   ? "FV"
                                           : i % 3 == 1 ? "-"
                                                        : "",
                                           &error));
  vk_election_count_eligible (fv, voters);
  dir = vk_test_tmpdir ();
  for (guint t = 0; t <= G_N_ELEMENTS (tampering); t++)
    {
      sqlite3 *db = NULL;
      int status;

      g_free (path);
      path = g_strdup_printf ("%s/fv-%u.vkp", dir, t);
      pkg = vk_package_create (path, fv, voters, key, &error);
      g_assert_no_error (error);
      g_free (expected);
      expected = expected_output (pkg, fv);
      g_clear_pointer (&pkg, vk_package_free);
      if (t > 0)
        {
          g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
          g_assert_cmpint (sqlite3_exec (db, tampering[t - 1], NULL, NULL, NULL), ==, SQLITE_OK);
          g_assert_cmpint (sqlite3_changes (db), >, 0);
          sqlite3_close (db);
        }
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      status = run_verifier (path, &out, &err);
      if (t == 0)
        {
          if (status != 0)
            g_error ("package_verify.py failed: %s", err);
          g_assert_cmpstr (out, ==, expected);
          g_assert_nonnull (strstr (out, "contest FA2 FA 0 2 "));
        }
      else
        {
          g_assert_cmpint (status, !=, 0);
          g_assert_nonnull (strstr (err, "content does not match"));
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/package/interop", test_package_interop);
  g_test_add_func ("/package/interop-joint", test_package_interop_joint);
  g_test_add_func ("/package/interop-fv", test_package_interop_fv);
  return g_test_run ();
}

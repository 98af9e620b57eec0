/* test-cli.c: the `valgkit` command line, run as a user would.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>

#include "vk-error.h"
#include "vk-fake.h"
#include "vk-package.h"
#include "vk-station.h"
#include "vk-test-util.h"
#include "vk-voters.h"

#define PASS "test-passphrase-æøå"

/* Runs valgkit with the given arguments; returns the exit status. */
static int
run (char **ret_out, char **ret_err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  va_list ap;
  int status;

  g_ptr_array_add (argv, (gpointer)vk_test_valgkit ());
  va_start (ap, ret_err);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  status = vk_test_spawn ((const char *const *)argv->pdata, ret_out, ret_err);
  return status;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_cli_help (void)
{
  static const char *const commands[][2] = {
    { "key", "new" },        { "key", "show" },         { "election", "import" },
    { "election", "show" },  { "election", "devices" }, { "enroll", NULL },
    { "journal", "verify" }, { "journal", "show" },     { "demo", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = commands[i][1] != NULL ? run (&out, &err, commands[i][0], commands[i][1], "--help", NULL)
                                          : run (&out, &err, commands[i][0], "--help", NULL);
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (out, "Usage"));
    }
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_assert_cmpint (run (&out, &err, "no-such-command", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "unknown command"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run (&out, &err, "--help", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "journal"));
  }
}

typedef struct
{
  char *dir;
  char *election_key;
  char *package;
  char *device_key;
  char *device_pub;
} Fixture;

static void
fixture_clear (Fixture *f)
{
  g_free (f->dir);
  g_free (f->election_key);
  g_free (f->package);
  g_free (f->device_key);
  g_free (f->device_pub);
}

/* key new ×2, election import (Aarhus + synthetic voters), enroll. */
static gboolean
fixture_setup (Fixture *f)
{
  g_autofree char *kd = vk_test_data_path ("Aarhus", "kandidat-data.json", NULL);
  g_autofree char *areas = vk_test_data_path ("Aarhus", "fintaelling", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkVoterList) voters = NULL;

  if (kd == NULL || areas == NULL)
    return FALSE;
  f->dir = vk_test_tmpdir ();
  f->election_key = g_build_filename (f->dir, "election.key", NULL);
  f->package = g_build_filename (f->dir, "aarhus.vkp", NULL);
  f->device_key = g_build_filename (f->dir, "bord.key", NULL);
  f->device_pub = g_build_filename (f->dir, "bord.pub", NULL);
  csv = g_build_filename (f->dir, "voters.csv", NULL);

  /* Voters for the real Aarhus areas, 30 per area. */
  election = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (election, areas, &error));
  voters = vk_voters_generate_for_election (election, 30, 7);
  g_assert_true (vk_voter_list_write_csv (voters, csv, &error));
  g_assert_no_error (error);

  g_assert_cmpint (
      run (&out, &err, "key", "new", "--role", "election", "--device", "Aarhus", "--out", f->election_key, NULL), ==,
      0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "key", "new", "--role", "valgbord", "--device", "aarhus-09-bord-1", "--out",
                        f->device_key, NULL),
                   ==, 0);
  g_assert_true (g_file_test (f->device_pub, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "election", "import", "--kandidatdata", kd, "--areas", areas, "--voters", csv,
                        "--seats", "31", "--key", f->election_key, "--out", f->package, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "election id"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "enroll", f->package, "--device-key", f->device_pub, "--role", "valgbord", "--area",
                        "9", "--key", f->election_key, NULL),
                   ==, 0);
  return TRUE;
}

static void
test_cli_keys (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *key = g_build_filename (dir, "t.key", NULL);
  g_autofree char *pub = g_build_filename (dir, "t.pub", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  struct stat st;

  g_assert_cmpint (run (&out, &err, "key", "new", "--device", "x", "--out", key, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--role"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (&out, &err, "key", "new", "--role", "nonsense", "--device", "x", "--out", key, NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (&out, &err, "key", "new", "--role", "valgbord", "--device", "omr1-bord1", "--out", key, NULL),
                   ==, 0);
  g_assert_cmpint (g_stat (key, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);
  /* Never overwrite a key. */
  g_assert_cmpint (run (&out, &err, "key", "new", "--role", "valgbord", "--device", "y", "--out", key, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "refusing to overwrite"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run (&out, &err, "key", "show", pub, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "device: omr1-bord1"));
  g_assert_nonnull (strstr (out, "role: valgbord"));
}

static void
test_cli_election (void)
{
  Fixture f = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonNode) show = NULL;
  g_autoptr (JsonNode) devices = NULL;
  JsonObject *o;
  JsonArray *a;
  guint8 pk[VK_PUBLIC_KEY_BYTES];
  g_autofree char *pk_hex = NULL;
  g_autoptr (GError) error = NULL;

  if (!fixture_setup (&f))
    return;

  g_assert_cmpint (run (&out, &err, "election", "show", f.package, "--json", NULL), ==, 0);
  show = parse_json (out);
  o = json_node_get_object (show);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "election_id")), ==, 64);
  g_assert_cmpstr (json_object_get_string_member (o, "municipality"), ==, "Aarhus");
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "KV");
  g_assert_cmpint (json_object_get_int_member (o, "seats"), ==, 31);
  g_assert_cmpint (json_object_get_int_member (o, "areas"), ==, 49);
  g_assert_cmpint (json_object_get_int_member (o, "voters"), ==, 49 * 30);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "election", "devices", f.package, "--json", NULL), ==, 0);
  devices = parse_json (out);
  a = json_node_get_array (devices);
  g_assert_cmpuint (json_array_get_length (a), ==, 1);
  o = json_array_get_object_element (a, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "device"), ==, "aarhus-09-bord-1");
  g_assert_cmpstr (json_object_get_string_member (o, "role"), ==, "valgbord");
  g_assert_cmpint (json_object_get_int_member (o, "area"), ==, 9);
  g_assert_true (vk_public_key_load (f.device_pub, pk, NULL, NULL, &error));
  g_assert_no_error (error);
  pk_hex = vk_hex_encode (pk, sizeof pk);
  g_assert_cmpstr (json_object_get_string_member (o, "public_key"), ==, pk_hex);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The same device twice is refused; so is a wrong passphrase. */
  g_assert_cmpint (run (&out, &err, "enroll", f.package, "--device-key", f.device_pub, "--role", "valgbord", "--area",
                        "9", "--key", f.election_key, NULL),
                   !=, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_setenv ("VALGKIT_PASSPHRASE", "wrong", TRUE);
  g_assert_cmpint (run (&out, &err, "enroll", f.package, "--device-key", f.device_pub, "--device", "other", "--role",
                        "valgbord", "--area", "9", "--key", f.election_key, NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "wrong passphrase"));
  g_setenv ("VALGKIT_PASSPHRASE", PASS, TRUE);
  fixture_clear (&f);
}

static void
test_cli_import_errors (void)
{
  g_autofree char *kd = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *key = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *bad_json = NULL;
  g_autofree char *pkg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) whole = NULL;

  if (kd == NULL)
    return;
  dir = vk_test_tmpdir ();
  key = g_build_filename (dir, "e.key", NULL);
  csv = g_build_filename (dir, "voters.csv", NULL);
  bad_json = g_build_filename (dir, "kandidat-data.json", NULL);
  pkg = g_build_filename (dir, "e.vkp", NULL);
  g_assert_cmpint (run (&out, &err, "key", "new", "--role", "election", "--device", "Læsø", "--out", key, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A bad birth date on line 3: nothing is written, the line is named. */
  g_assert_true (g_file_set_contents (csv,
                                      "afstemningsomraade,loebenummer,navn,adresse,foedselsdato\n"
                                      "1,1,\"Hansen, Åse\",Vestergade 1,1950-02-03\n"
                                      "1,2,Bo Ørum,Østergade 2,1950-02-30\n",
                                      -1, &error));
  g_assert_cmpint (
      run (&out, &err, "election", "import", "--kandidatdata", kd, "--voters", csv, "--key", key, "--out", pkg, NULL),
      ==, 2);
  g_assert_nonnull (strstr (err, "voters.csv:3"));
  g_assert_false (g_file_test (pkg, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A truncated kandidat-data.json: the file is named. */
  whole = vk_test_read_file (kd);
  g_assert_true (
      g_file_set_contents (bad_json, g_bytes_get_data (whole, NULL), (gssize)g_bytes_get_size (whole) / 2, &error));
  g_assert_cmpint (run (&out, &err, "election", "import", "--kandidatdata", bad_json, "--key", key, "--out", pkg, NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "kandidat-data.json"));
  g_assert_false (g_file_test (pkg, G_FILE_TEST_EXISTS));
}

/* The RV files of rv2025/<region>/fintaelling (every municipality of
 * the region) that belong to municipality code: their count and the sum
 * of their eligible voters. */
static guint
rv_files_of (const char *dir, gint64 code, guint64 *ret_eligible, const char *skip)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;
  guint n = 0;

  g_assert_nonnull (d);
  *ret_eligible = 0;
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *root;

      if (!g_str_has_suffix (entry, ".json") || g_strcmp0 (entry, skip) == 0)
        continue;
      g_assert_true (json_parser_load_from_file (parser, path, NULL));
      root = json_node_get_object (json_parser_get_root (parser));
      if (json_object_get_int_member (root, "Kommunekode") != code)
        continue;
      n++;
      *ret_eligible += (guint64)json_object_get_int_member (root, "AntalStemmeberettigedeVælgere");
    }
  return n;
}

/* Albertslund KV2025 + Region Østdanmark RV2025 in one package: the RV
 * contest's lists and eligible voters as in the official files; the
 * region's files of other municipalities are skipped; a missing area,
 * a KV file as RV, and --rv-kandidatdata without --rv-seats are refused. */
static void
test_cli_election_joint (void)
{
  g_autofree char *kd = vk_test_data_path ("Albertslund", "kandidat-data.json", NULL);
  g_autofree char *areas = vk_test_data_path ("Albertslund", "fintaelling", NULL);
  g_autofree char *rv_kd = NULL, *rv_areas = NULL, *dir = NULL, *key = NULL, *pkg = NULL, *partial_dir = NULL;
  g_autofree char *out = NULL, *err = NULL, *first_name = NULL;
  g_autoptr (JsonNode) show = NULL;
  g_autoptr (JsonParser) rv_parser = json_parser_new ();
  g_autoptr (JsonParser) kv_area_parser = json_parser_new ();
  JsonArray *contests;
  JsonObject *kv, *rv;
  guint64 eligible = 0;
  gint64 code;
  guint n_files;

  if (kd == NULL || areas == NULL)
    return;
  {
    g_autofree char *data = g_path_get_dirname (g_getenv ("VK_DATA_DIR"));
    rv_kd = g_build_filename (data, "rv2025", "Region_Østdanmark", "kandidat-data.json", NULL);
    rv_areas = g_build_filename (data, "rv2025", "Region_Østdanmark", "fintaelling", NULL);
  }
  if (!g_file_test (rv_kd, G_FILE_TEST_EXISTS) || !g_file_test (rv_areas, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("RV2025 data missing");
      return;
    }
  /* The municipality's code, from its KV files. */
  {
    g_autoptr (GDir) d = g_dir_open (areas, 0, NULL);
    g_autofree char *first = g_build_filename (areas, g_dir_read_name (d), NULL);

    g_assert_true (json_parser_load_from_file (kv_area_parser, first, NULL));
    code = json_object_get_int_member (json_node_get_object (json_parser_get_root (kv_area_parser)), "Kommunekode");
  }
  n_files = rv_files_of (rv_areas, code, &eligible, NULL);
  g_assert_cmpuint (n_files, >, 1);
  g_assert_true (json_parser_load_from_file (rv_parser, rv_kd, NULL));

  dir = vk_test_tmpdir ();
  key = g_build_filename (dir, "e.key", NULL);
  pkg = g_build_filename (dir, "albertslund.vkp", NULL);
  g_assert_cmpint (run (&out, &err, "key", "new", "--role", "election", "--device", "Albertslund", "--out", key, NULL),
                   ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "election", "import", "--kandidatdata", kd, "--areas", areas, "--seats", "21",
                        "--rv-kandidatdata", rv_kd, "--rv-seats", "47", "--rv-areas", rv_areas, "--key", key, "--out",
                        pkg, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "KV + RV Albertslund"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "election", "show", pkg, "--json", NULL), ==, 0);
  show = parse_json (out);
  contests = json_object_get_array_member (json_node_get_object (show), "contests");
  g_assert_cmpuint (json_array_get_length (contests), ==, 2);
  kv = json_array_get_object_element (contests, 0);
  rv = json_array_get_object_element (contests, 1);
  g_assert_cmpstr (json_object_get_string_member (kv, "id"), ==, "KV");
  g_assert_cmpint (json_object_get_int_member (kv, "seats"), ==, 21);
  g_assert_cmpstr (json_object_get_string_member (rv, "id"), ==, "RV");
  g_assert_cmpstr (json_object_get_string_member (rv, "region"), ==,
                   json_object_get_string_member (json_node_get_object (json_parser_get_root (rv_parser)), "Region"));
  g_assert_cmpint (json_object_get_int_member (rv, "seats"), ==, 47);
  g_assert_cmpint (json_object_get_int_member (rv, "lists"), ==,
                   json_array_get_length (json_object_get_array_member (
                       json_node_get_object (json_parser_get_root (rv_parser)), "Kandidatlister")));
  g_assert_cmpint (json_object_get_int_member (rv, "eligible"), ==, (gint64)eligible);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "election", "show", pkg, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "contest RV (Region Østdanmark): 47 seats"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* --rv-kandidatdata needs --rv-seats. */
  g_assert_cmpint (run (&out, &err, "election", "import", "--kandidatdata", kd, "--rv-kandidatdata", rv_kd, "--key",
                        key, "--out", pkg, NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "--rv-seats"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A KV file given as the RV's. */
  {
    g_autofree char *other = g_build_filename (dir, "kv-as-rv.vkp", NULL);

    g_assert_cmpint (run (&out, &err, "election", "import", "--kandidatdata", kd, "--rv-kandidatdata", kd, "--rv-seats",
                          "47", "--key", key, "--out", other, NULL),
                     !=, 0);
    g_assert_nonnull (strstr (err, "not a regionsrådsvalg"));
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* The RV files of the municipality without one area's: refused, naming it. */
  partial_dir = g_build_filename (dir, "rv-partial", NULL);
  g_assert_cmpint (g_mkdir (partial_dir, 0700), ==, 0);
  {
    g_autoptr (GDir) d = g_dir_open (rv_areas, 0, NULL);
    g_autofree char *other = g_build_filename (dir, "partial.vkp", NULL);
    g_autofree char *code_prefix = g_strdup_printf ("%" G_GINT64_FORMAT "-", code);
    const char *entry;
    guint64 unused;

    while ((entry = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *from = g_build_filename (rv_areas, entry, NULL);
        g_autofree char *to = g_build_filename (partial_dir, entry, NULL);
        g_autofree char *data = NULL;
        gsize len;

        if (g_str_has_prefix (entry, code_prefix) && first_name == NULL)
          {
            first_name = g_strdup (entry); /* left out */
            continue;
          }
        g_assert_true (g_file_get_contents (from, &data, &len, NULL));
        g_assert_true (g_file_set_contents (to, data, (gssize)len, NULL));
      }
    g_assert_nonnull (first_name);
    g_assert_cmpuint (rv_files_of (partial_dir, code, &unused, NULL), ==, n_files - 1);
    g_assert_cmpint (run (&out, &err, "election", "import", "--kandidatdata", kd, "--areas", areas, "--rv-kandidatdata",
                          rv_kd, "--rv-seats", "47", "--rv-areas", partial_dir, "--key", key, "--out", other, NULL),
                     !=, 0);
    g_assert_nonnull (strstr (err, "no RV file for afstemningsområde"));
    g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  }
}

static void
test_cli_journal (void)
{
  Fixture f = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *vkj = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonNode) shown = NULL;
  JsonArray *a;

  if (!fixture_setup (&f))
    return;
  db = g_build_filename (f.dir, "bord.db", NULL);
  vkj = g_build_filename (f.dir, "bord.vkj", NULL);
  bad = g_build_filename (f.dir, "bad.vkj", NULL);

  /* The table checks three voters in through the station engine. */
  {
    g_autoptr (VkPackage) package = vk_package_open (f.package, &error);
    g_autoptr (VkKeypair) key = NULL;
    g_autoptr (VkStation) station = NULL;

    g_assert_no_error (error);
    key = vk_keypair_load (f.device_key, PASS, &error);
    g_assert_no_error (error);
    station = vk_station_open (package, db, "aarhus-09-bord-1", key, &error);
    g_assert_no_error (error);
    for (guint lnr = 1; lnr <= 3; lnr++)
      g_assert_cmpuint (vk_station_check_in (station, lnr, VK_CHECKIN_SCAN, FALSE, &error), ==, lnr + 1);
    g_assert_no_error (error);
    /* Not on the list: refused, nothing journaled. */
    g_assert_cmpuint (vk_station_check_in (station, 9999, VK_CHECKIN_SCAN, FALSE, &error), ==, 0);
    g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_ON_LIST);
    g_clear_error (&error);
    /* Twice: refused. */
    g_assert_cmpuint (vk_station_check_in (station, 2, VK_CHECKIN_SEARCH, FALSE, &error), ==, 0);
    g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_ALREADY_CHECKED_IN);
    g_clear_error (&error);
    g_assert_true (vk_journal_export (vk_station_get_journal (station), vkj, &error));
  }

  g_assert_cmpint (run (&out, &err, "journal", "verify", "--election", f.package, vkj, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "4 entries"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "journal", "verify", "--fast", "--election", f.package, vkj, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "journal", "show", vkj, "--json", NULL), ==, 0);
  shown = parse_json (out);
  a = json_node_get_array (shown);
  g_assert_cmpuint (json_array_get_length (a), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (a, 0), "type"), ==, "device.open");
  g_assert_cmpint (json_object_get_int_member (
                       json_object_get_object_member (json_array_get_object_element (a, 3), "body"), "loebenummer"),
                   ==, 3);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "journal", "show", vkj, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "checkin"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* One byte of the third entry changed: exit 1, the entry is named. */
  {
    g_autoptr (GBytes) bytes = vk_test_read_file (vkj);
    gsize len = g_bytes_get_size (bytes);
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
    copy[len - 70] ^= 0x02; /* inside the last entry, before its signature */
    g_assert_true (g_file_set_contents (bad, (const char *)copy, (gssize)len, &error));
  }
  g_assert_cmpint (run (&out, &err, "journal", "verify", "--election", f.package, bad, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "FAILED"));
  g_assert_nonnull (strstr (err, "entry 4"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Missing arguments and a missing file are usage errors. */
  g_assert_cmpint (run (&out, &err, "journal", "verify", vkj, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "journal", "show", "/nonexistent.vkj", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "/nonexistent.vkj"));
  fixture_clear (&f);
}

/* A self-signed certificate for 127.0.0.1 made with openssl: NAME.pem and
 * NAME-key.pem in dir; returns its SHA-256 (hex). */
static char *
make_certificate (const char *openssl, const char *dir, const char *name, char **ret_cert, char **ret_key)
{
  g_autofree char *cert_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *key_name = g_strconcat (name, "-key.pem", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;

  *ret_cert = g_build_filename (dir, cert_name, NULL);
  *ret_key = g_build_filename (dir, key_name, NULL);
  {
    const char *argv[] = { openssl,
                           "req",
                           "-x509",
                           "-newkey",
                           "ec",
                           "-pkeyopt",
                           "ec_paramgen_curve:prime256v1",
                           "-nodes",
                           "-keyout",
                           *ret_key,
                           "-out",
                           *ret_cert,
                           "-days",
                           "2",
                           "-subj",
                           "/CN=127.0.0.1",
                           "-addext",
                           "subjectAltName=IP:127.0.0.1",
                           NULL };
    if (vk_test_spawn (argv, &out, &err) != 0)
      g_error ("openssl: %s", err);
  }
  /* The DER from openssl itself, not from GLib's TLS backend (which this
   * process does not load; see vk_tls_tests in meson.build). */
  {
    g_autofree char *der_path = g_strconcat (*ret_cert, ".der", NULL);
    const char *argv[] = { openssl, "x509", "-in", *ret_cert, "-outform", "DER", "-out", der_path, NULL };
    g_autofree char *der = NULL;
    gsize len = 0;
    guint8 digest[32];

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    if (vk_test_spawn (argv, &out, &err) != 0)
      g_error ("openssl: %s", err);
    g_assert_true (g_file_get_contents (der_path, &der, &len, &error));
    vk_sha256 ((const guint8 *)der, len, digest);
    return vk_hex_encode (digest, sizeof digest);
  }
}

/* enroll --tls-cert pins the count server's certificate (package-format.md
 * §5 "tls"); devices and show print it; serve refuses another one. */
static void
test_cli_tls_pin (void)
{
  Fixture f = { 0 };
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *timeout = g_find_program_in_path ("timeout");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *cert_a = NULL, *key_a = NULL, *cert_b = NULL, *key_b = NULL, *pin_a = NULL, *pin_b = NULL;
  g_autofree char *server_key = NULL, *server_pub = NULL, *junk = NULL, *count_db = NULL;
  g_autoptr (JsonNode) devices = NULL;
  g_autoptr (JsonNode) show = NULL;
  JsonArray *a;
  gboolean found = FALSE;
  g_autofree char *asan_options = g_strdup (g_getenv ("ASAN_OPTIONS"));

  if (openssl == NULL || timeout == NULL)
    {
      g_test_skip ("openssl and timeout are needed");
      return;
    }
  if (!fixture_setup (&f))
    return;
  /* enroll --tls-cert and serve --tls-cert load GnuTLS: they run without
   * LeakSanitizer's leak check, whose tracer crashes at the exit of such a
   * process (test/meson.build, vk_tls_tests). */
  g_setenv ("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1", TRUE);
  pin_a = make_certificate (openssl, f.dir, "server-a", &cert_a, &key_a);
  pin_b = make_certificate (openssl, f.dir, "server-b", &cert_b, &key_b);
  server_key = g_build_filename (f.dir, "server.key", NULL);
  server_pub = g_build_filename (f.dir, "server.pub", NULL);
  junk = g_build_filename (f.dir, "junk.pem", NULL);
  count_db = g_build_filename (f.dir, "count.db", NULL);
  g_assert_true (g_file_set_contents (junk, "-----BEGIN CERTIFICATE-----\nnot base64\n", -1, NULL));
  g_assert_cmpint (
      run (&out, &err, "key", "new", "--role", "server", "--device", "taelleserver", "--out", server_key, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Only for a server; only a certificate. */
  g_assert_cmpint (run (&out, &err, "enroll", f.package, "--device-key", f.device_pub, "--device", "bord-2", "--role",
                        "valgbord", "--area", "9", "--tls-cert", cert_a, "--key", f.election_key, NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "--tls-cert is for a device of role server"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "enroll", f.package, "--device-key", server_pub, "--role", "server", "--tls-cert",
                        junk, "--key", f.election_key, NULL),
                   !=, 0);
  g_assert_nonnull (strstr (err, "junk.pem: not a PEM certificate"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "enroll", f.package, "--device-key", server_pub, "--role", "server", "--tls-cert",
                        cert_a, "--key", f.election_key, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "Enrolled taelleserver as server"));
  g_assert_nonnull (strstr (out, pin_a));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* devices and show print the pin. */
  g_assert_cmpint (run (&out, &err, "election", "devices", f.package, "--json", NULL), ==, 0);
  devices = parse_json (out);
  a = json_node_get_array (devices);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      if (g_str_equal (json_object_get_string_member (o, "device"), "taelleserver"))
        {
          g_assert_cmpstr (json_object_get_string_member (o, "tls_sha256"), ==, pin_a);
          found = TRUE;
        }
      else
        g_assert_true (json_object_get_null_member (o, "tls_sha256"));
    }
  g_assert_true (found);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "election", "devices", f.package, NULL), ==, 0);
  g_assert_nonnull (strstr (out, pin_a));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "election", "show", f.package, NULL), ==, 0);
  {
    g_autofree char *line = g_strconcat ("count server taelleserver: TLS certificate SHA-256 ", pin_a, NULL);
    g_assert_nonnull (strstr (out, line));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (&out, &err, "election", "show", f.package, "--json", NULL), ==, 0);
  show = parse_json (out);
  {
    JsonArray *pins = json_object_get_array_member (json_node_get_object (show), "tls_pins");
    g_assert_cmpuint (json_array_get_length (pins), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (pins, 0), "tls_sha256"), ==, pin_a);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* serve refuses certificate B at start (within the time limit)... */
  {
    const char *argv[]
        = { timeout, "30",       vk_test_valgkit (), "serve",       "--election", f.package, "--db",      count_db,
            "--key", server_key, "--listen",         "127.0.0.1:0", "--tls-cert", cert_b,    "--tls-key", key_b,
            NULL };
    int status = vk_test_spawn (argv, &out, &err);

    g_test_message ("serve B: %d %s", status, err);
    g_assert_cmpint (status, !=, 0);
    g_assert_cmpint (status, !=, 124);
    g_assert_null (strstr (out, "listening on"));
    g_assert_nonnull (strstr (err, "is not the one the enrolment of taelleserver pins"));
    g_assert_nonnull (strstr (err, pin_b));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* ...and serves A until stopped. */
  {
    const char *argv[]
        = { timeout, "3",        vk_test_valgkit (), "serve",       "--election", f.package, "--db",      count_db,
            "--key", server_key, "--listen",         "127.0.0.1:0", "--tls-cert", cert_a,    "--tls-key", key_a,
            NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 124);
    g_assert_nonnull (strstr (out, "listening on https://127.0.0.1:"));
    g_assert_nonnull (strstr (out, pin_a));
  }
  if (asan_options != NULL)
    g_setenv ("ASAN_OPTIONS", asan_options, TRUE);
  else
    g_unsetenv ("ASAN_OPTIONS");
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("VALGKIT_PASSPHRASE", PASS, TRUE);
  g_test_add_func ("/cli/help", test_cli_help);
  g_test_add_func ("/cli/keys", test_cli_keys);
  g_test_add_func ("/cli/election", test_cli_election);
  g_test_add_func ("/cli/import-errors", test_cli_import_errors);
  g_test_add_func ("/cli/election-joint", test_cli_election_joint);
  g_test_add_func ("/cli/journal", test_cli_journal);
  g_test_add_func ("/cli/tls-pin", test_cli_tls_pin);
  return g_test_run ();
}

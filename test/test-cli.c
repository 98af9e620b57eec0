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
  g_assert_false (json_object_get_boolean_member (o, "test"));
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
                        pkg, "--test", NULL),
                   ==, 0);
  g_assert_nonnull (strstr (out, "KV + RV Albertslund"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "election", "show", pkg, "--json", NULL), ==, 0);
  show = parse_json (out);
  contests = json_object_get_array_member (json_node_get_object (show), "contests");
  g_assert_cmpuint (json_array_get_length (contests), ==, 2);
  /* --test: a test election, signed into the package. */
  g_assert_true (json_object_get_boolean_member (json_node_get_object (show), "test"));
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

/* The pages of a PDF as pdftotext reads them (-layout), split at the form
 * feeds pdftotext puts between pages; NULL (test skipped) without it. */
static GStrv
pdf_pages (const char *pdf)
{
  g_autofree char *tool = g_find_program_in_path ("pdftotext");
  g_autofree char *out = NULL, *err = NULL;
  g_auto (GStrv) pages = NULL;
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  if (tool == NULL)
    {
      g_test_skip ("pdftotext is not installed");
      return NULL;
    }
  {
    const char *argv[] = { tool, "-layout", "-enc", "UTF-8", pdf, "-", NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
  }
  pages = g_strsplit (out, "\f", -1);
  for (guint i = 0; pages[i] != NULL; i++)
    if (*g_strstrip (pages[i]) != '\0')
      g_strv_builder_add (b, pages[i]);
  return g_strv_builder_end (b);
}

static guint
count_of (const char *text, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* The number in the last column of the line that starts with label. */
static guint64
row_number (const char *text, const char *label)
{
  const char *line = strstr (text, label);
  g_autofree char *copy = NULL;
  g_autofree char *digits = NULL;
  GString *d = g_string_new (NULL);
  const char *end;

  g_assert_nonnull (line);
  end = strchr (line, '\n');
  copy = g_strndup (line + strlen (label), end != NULL ? (gsize)(end - line) - strlen (label) : strlen (line));
  for (const char *p = copy; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (d, *p);
  digits = g_string_free (d, FALSE);
  g_assert_cmpstr (digits, !=, "");
  return g_ascii_strtoull (digits, NULL, 10);
}

/* `valgkit demo` prints every area's afstemningsbog at its first table:
 * PRØVEVALG on every page, the opening once, the undone check-ins with
 * their reasons, the brevstemmer by outcome, personal assistance, both
 * entries and the correction, and signature lines with name and date.
 * The books' numbers add up to what the demo says it did. */
static void
test_cli_demo_afstemningsbog (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *out_dir = g_build_filename (dir, "demo", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *tool = g_find_program_in_path ("pdftotext");
  guint64 accepted = 0, rejected = 0, undone = 0, n_books = 0;
  guint64 want_accepted, want_rejected, want_undone;
  gboolean corrected = FALSE, restarted = FALSE;
  const char *line;

  if (tool == NULL)
    {
      g_test_skip ("pdftotext is not installed");
      return;
    }
  g_assert_cmpint (run (&out, &err, "demo", "--out", out_dir, NULL), ==, 0);
  /* "[6/8] Election day: N check-ins (U undone: …), A brevstemmer accepted, R rejected; …" */
  line = strstr (out, "[6/8]");
  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (strstr (line, "("), "(%" G_GUINT64_FORMAT " undone", &want_undone), ==, 1);
  g_assert_cmpint (sscanf (strstr (line, "), ") + 3, "%" G_GUINT64_FORMAT " brevstemmer accepted, %" G_GUINT64_FORMAT,
                           &want_accepted, &want_rejected),
                   ==, 2);
  g_assert_nonnull (strstr (out, "afstemningsbog-*.pdf"));
  /* The first area's valgstyrer key is kept beside the package (where
   * valgkit-station's valgstyrer mode looks: keys/ID.key), named in the
   * summary, unlocks with the demo's passphrase and is enrolled as a
   * valgstyrer of area 1: valgstyrer mode can be tried on the demo. */
  {
    g_autofree char *vs_path = g_build_filename (out_dir, "keys", "omr01-valgstyrer1.key", NULL);
    g_autofree char *pkg_path = g_build_filename (out_dir, "election.vkp", NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (VkKeypair) key = NULL;
    g_autoptr (VkPackage) package = NULL;
    const VkDevice *dev;

    g_assert_nonnull (strstr (out, vs_path));
    key = vk_keypair_load (vs_path, PASS, &error);
    g_assert_no_error (error);
    package = vk_package_open (pkg_path, &error);
    g_assert_no_error (error);
    dev = vk_package_lookup_device_by_key_id (package, vk_keypair_get_key_id (key));
    g_assert_nonnull (dev);
    g_assert_cmpint (dev->role_id, ==, VK_ROLE_VALGSTYRER);
    g_assert_cmpuint (dev->area, ==, 1);
  }

  for (guint area = 1;; area++)
    {
      g_autofree char *name = g_strdup_printf ("afstemningsbog-%u.pdf", area);
      g_autofree char *pdf = g_build_filename (out_dir, "pdf", name, NULL);
      g_autofree char *title = g_strdup_printf ("Afstemningsbog – afstemningsområde %u", area);
      g_auto (GStrv) pages = NULL;
      g_autofree char *text = NULL;

      if (!g_file_test (pdf, G_FILE_TEST_EXISTS))
        break;
      n_books++;
      pages = pdf_pages (pdf);
      g_assert_nonnull (pages);
      g_assert_cmpuint (g_strv_length (pages), >=, 2);
      for (guint i = 0; pages[i] != NULL; i++)
        g_assert_nonnull (strstr (pages[i], "PRØVEVALG"));
      text = g_strjoinv ("\n", pages);
      g_assert_nonnull (strstr (text, title));
      /* Opened once; no reference to the project's docs. */
      g_assert_cmpuint (count_of (text, "Valgbordet åbnet"), ==, 1);
      g_assert_null (strstr (text, "docs/"));
      g_assert_nonnull (strstr (text, "Afstemningen åbnet"));
      g_assert_nonnull (strstr (text, "Personlig bistand ydet"));
      g_assert_nonnull (strstr (text, "Valgstyrer Hansen"));
      /* Undone check-ins, each with the valgstyrer's reason. */
      g_assert_nonnull (strstr (text, "Fortrudte afkrydsninger"));
      g_assert_nonnull (strstr (text, "Forkert vælger valgt ved navnesøgning"));
      undone += count_of (text, "Forkert vælger valgt ved navnesøgning")
                + count_of (text, "Vælgeren var allerede afkrydset ved et");
      /* Brevstemmer by outcome: received = accepted + rejected + undecided. */
      {
        guint64 rec = row_number (text, "Brevstemmer modtaget til afstemningsområdet");
        guint64 acc = row_number (text, "Godkendt (vælgeren afkrydset i valglisten)");
        guint64 rej = row_number (text, "Ikke godkendt");
        guint64 und = row_number (text, "Ikke afgjort");
        g_assert_cmpuint (rec, ==, acc + rej + und);
        g_assert_cmpuint (und, ==, 0);
        accepted += acc;
        rejected += rej;
      }
      /* Both entries, each once, and a correction where there was one. */
      g_assert_cmpuint (count_of (text, "Foreløbig optælling, 1. indtastning (Tilforordnet Jensen)"), ==, 1);
      g_assert_cmpuint (count_of (text, "Foreløbig optælling, 2. indtastning (Tilforordnet Madsen)"), ==, 1);
      corrected = corrected || strstr (text, "Foreløbig optælling, rettelse af 2. indtastning") != NULL;
      restarted = restarted || strstr (text, "Valgbordets program startet igen") != NULL;
      /* Signature lines with name and date fields. */
      g_assert_nonnull (strstr (text, "Valgstyrernes underskrifter"));
      g_assert_cmpuint (count_of (text, "Dato:"), >=, 2);
    }
  g_assert_cmpuint (n_books, ==, 4);
  g_assert_true (corrected);
  g_assert_true (restarted);
  g_assert_cmpuint (accepted, ==, want_accepted);
  g_assert_cmpuint (rejected, ==, want_rejected);
  g_assert_cmpuint (undone, ==, want_undone);
}

/* A tie that needs a lot draw is described in Danish (Læsø 2025: two
 * candidates of list C with 11 personal votes each). */
static void
test_cli_mandates_tie_danish (void)
{
  g_autofree char *kd = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *fin = vk_test_data_path ("Læsø", "fintaelling", NULL);
  g_autofree char *official = vk_test_data_path ("Læsø", "mandatfordeling.json", NULL);
  g_autofree char *seats = NULL, *out = NULL, *err = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;

  if (official == NULL || !g_file_get_contents (official, &json, NULL, NULL))
    {
      g_test_skip ("no Læsø data");
      return;
    }
  root = parse_json (json);
  seats = g_strdup_printf (
      "%u", json_array_get_length (json_object_get_array_member (json_node_get_object (root), "PersonligeMandater")));
  g_assert_cmpint (run (&out, &err, "mandates", "--kandidatdata", kd, "--resultater", fin, "--seats", seats, NULL), ==,
                   3);
  g_assert_nonnull (strstr (err, "Lodtrækning nødvendig (liste C, mandat nr. "));
  g_assert_nonnull (strstr (err, " på listen: 11 personlige stemmer hver: "));
  g_assert_null (strstr (err, "seat"));
  g_assert_null (strstr (err, "personal votes"));
}

/* The joint KV + RV demo (Læsø with Region Nordjylland, the official
 * files): the area's afstemningsbog has a section per contest, each with
 * its entries, sign-off and signature lines, PRØVEVALG on every page.
 * Læsø needs a lot draw; its winner is the one the official result
 * elected (mandatfordeling.json). */
static void
test_cli_demo_joint_afstemningsbog (void)
{
  g_autofree char *data = vk_test_data_path ("Læsø", NULL);
  g_autofree char *rv = vk_test_data_path ("..", "rv2025", "Region_Nordjylland", NULL);
  g_autofree char *kd = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *fin = vk_test_data_path ("Læsø", "fintaelling", NULL);
  g_autofree char *official = vk_test_data_path ("Læsø", "mandatfordeling.json", NULL);
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *out_dir = g_build_filename (dir, "joint", NULL);
  g_autofree char *lots = g_build_filename (dir, "lots.json", NULL);
  g_autofree char *pdf_dir = NULL, *found = NULL, *json = NULL, *seats = NULL, *out = NULL, *err = NULL;
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GString) draws = NULL;
  g_auto (GStrv) pages = NULL;
  JsonArray *elected;
  const char *tied, *end;

  if (official == NULL || rv == NULL || !g_file_test (rv, G_FILE_TEST_IS_DIR)
      || !g_file_get_contents (official, &json, NULL, NULL))
    {
      g_test_skip ("no Læsø or Region Nordjylland data");
      return;
    }
  root = parse_json (json);
  elected = json_object_get_array_member (json_node_get_object (root), "PersonligeMandater");
  seats = g_strdup_printf ("%u", json_array_get_length (elected));
  /* The lot draws: valgkit mandates names each tie in turn; the official result says who won it. */
  draws = g_string_new ("{\"draws\":[");
  for (guint round = 0;; round++)
    {
      g_autofree char *lots_text = g_strdup_printf ("%s]}", draws->str);
      g_autoptr (JsonNode) tmpl = NULL;
      JsonObject *draw;
      JsonArray *ids;
      int status;

      g_assert_true (g_file_set_contents (lots, lots_text, -1, NULL));
      g_clear_pointer (&out, g_free);
      g_clear_pointer (&err, g_free);
      status = run (&out, &err, "mandates", "--kandidatdata", kd, "--resultater", fin, "--seats", seats, "--lots", lots,
                    NULL);
      if (status == 0)
        break;
      g_assert_cmpint (status, ==, 3);
      g_assert_cmpuint (round, <, 10);
      tied = strstr (err, "{\"draws\":");
      g_assert_nonnull (tied);
      end = strchr (tied, '\n');
      {
        g_autofree char *line = g_strndup (tied, end != NULL ? (gsize)(end - tied) : strlen (tied));
        tmpl = parse_json (line);
      }
      draw = json_array_get_object_element (json_object_get_array_member (json_node_get_object (tmpl), "draws"), 0);
      ids = json_object_get_array_member (draw, "tied");
      {
        const char *winner = NULL;
        g_autoptr (GString) one = g_string_new ("{\"tied\":[");
        for (guint k = 0; k < json_array_get_length (ids); k++)
          {
            const char *id = json_array_get_string_element (ids, k);
            g_string_append_printf (one, "%s\"%s\"", k > 0 ? "," : "", id);
            for (guint i = 0; i < json_array_get_length (elected) && winner == NULL; i++)
              if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (elected, i), "KandidatId"),
                             id)
                  == 0)
                winner = id;
          }
        /* A tie among substitutes only: the first in ballot order. */
        if (winner == NULL)
          winner = json_array_get_string_element (ids, 0);
        g_string_append_printf (one, "],\"winner\":\"%s\"}", winner);
        g_string_append_printf (draws, "%s%s", round > 0 ? "," : "", one->str);
      }
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run (&out, &err, "demo", "--data", data, "--rv", rv, "--lots", lots, "--out", out_dir, NULL), ==, 0);
  pdf_dir = g_build_filename (out_dir, "pdf", NULL);
  {
    g_autoptr (GDir) d = g_dir_open (pdf_dir, 0, NULL);
    const char *name;
    g_assert_nonnull (d);
    while ((name = g_dir_read_name (d)) != NULL)
      if (g_str_has_prefix (name, "afstemningsbog-"))
        {
          g_assert_null (found); /* Læsø has one area */
          found = g_build_filename (pdf_dir, name, NULL);
        }
  }
  g_assert_nonnull (found);
  pages = pdf_pages (found);
  if (pages == NULL)
    return;
  for (guint i = 0; pages[i] != NULL; i++)
    g_assert_nonnull (strstr (pages[i], "PRØVEVALG"));
  text = g_strjoinv ("\n", pages);
  g_assert_cmpuint (count_of (text, "Valgbordet åbnet"), ==, 1);
  g_assert_nonnull (strstr (text, "Kommunalvalg (KV) – foreløbig optælling"));
  g_assert_nonnull (strstr (text, "Regionsrådsvalg (RV) – foreløbig optælling"));
  for (const char *const *c = (const char *const[]){ "KV", "RV", NULL }; *c != NULL; c++)
    {
      g_autofree char *first = g_strdup_printf ("Foreløbig optælling %s, 1. indtastning", *c);
      g_autofree char *second = g_strdup_printf ("Foreløbig optælling %s, 2. indtastning", *c);
      g_autofree char *signed_ = g_strdup_printf ("Foreløbig optælling %s underskrevet", *c);
      g_assert_cmpuint (count_of (text, first), ==, 1);
      g_assert_cmpuint (count_of (text, second), ==, 1);
      g_assert_cmpuint (count_of (text, signed_), ==, 1);
    }
  g_assert_nonnull (strstr (text, "Valgstyrernes underskrifter – Kommunalvalg (KV)"));
  g_assert_nonnull (strstr (text, "Valgstyrernes underskrifter – Regionsrådsvalg (RV)"));
  g_assert_nonnull (strstr (text, "Fortrudte afkrydsninger"));
  g_assert_nonnull (strstr (text, "Brevstemmer modtaget til afstemningsområdet"));
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
  g_test_add_func ("/cli/mandates-tie-danish", test_cli_mandates_tie_danish);
  g_test_add_func ("/cli/demo-afstemningsbog", test_cli_demo_afstemningsbog);
  g_test_add_func ("/cli/demo-joint-afstemningsbog", test_cli_demo_joint_afstemningsbog);
  g_test_add_func ("/cli/tls-pin", test_cli_tls_pin);
  return g_test_run ();
}

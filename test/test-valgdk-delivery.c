/* test-valgdk-delivery.c: `valgkit serve --valgdk DIR` writes the valg.dk
 * delivery by itself, as each file becomes due.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A synthetic municipality (vk-fake-election, four areas) on its election
 * day 2029-11-20, replayed with a simulated journal clock: two polling
 * tables and a fintælling table push to a real server on 127.0.0.1 whose
 * delivery clock starts just before 11:00 (--valgdk-clock).  Without ever
 * running `valgkit report`:
 *   - at 11:00 the turnout files appear, counting exactly the check-ins
 *     journalled before 11:00; the area whose table had not pushed is
 *     marked (status file) and left without the 11:00 point;
 *   - that table's late push makes a second version, the first unchanged;
 *   - a signed-off foreløbig count makes the area's foreløbig file, the
 *     fintælling of every area the fintælling files and the mandatfordeling;
 *   - every file validates against valg.dk's schemas;
 *   - a restart adds no version;
 *   - the collector reads the files, a table's key and no key do not.
 */
#include <json-glib/json-glib.h>

#include "vk-journal.h"
#include "vk-station.h"
#include "vk-tally.h"
#include "vk-test-stations.h"
#include "vk-valgdk-export.h"
#include "vk-valgdk-turnout.h"

#define DATE "2029-11-20"
#define WAIT_MS 30000

static guint64 sim_ms;

static guint64
sim_clock (gpointer user_data)
{
  return sim_ms;
}

static guint64
at (const char *date, guint hour, guint minute)
{
  gint64 t = vk_valgdk_local_time_ms (date, hour * 60 + minute);
  g_assert_cmpint (t, >, 0);
  return (guint64)t;
}

typedef struct
{
  VkTestElection f;
  VkElection *election;
  VkResults *foreloebig;
  VkResults *fintaelling;
  char *valgdk;
  char *count_db;
  VkKeypair *key_table_now; /* fintaelling-2: a table enrolled today, to try to read the delivery */
} Fixture;

static void
fixture_setup (Fixture *x)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterList) voters = NULL;
  g_autoptr (VkKeypair) election_key = vk_test_key (0xe1);
  VkTestElection *f = &x->f;
  guint64 now = (guint64)(g_get_real_time () / 1000);
  guint64 day_from = at ("2029-11-19", 0, 0), day_to = at ("2029-11-30", 0, 0);
  guint64 far = at ("2029-12-31", 0, 0);

  memset (x, 0, sizeof *x);
  x->election = vk_fake_election_new (VK_TEST_SEED);
  g_assert_cmpstr (x->election->date, ==, DATE);
  /* valg.dk names areas and the municipality by DAGI id. */
  g_free (x->election->municipality_dagi_id);
  x->election->municipality_dagi_id = g_strdup ("389999");
  for (guint a = 0; a < x->election->areas->len; a++)
    {
      VkArea *area = g_ptr_array_index (x->election->areas, a);
      g_free (area->dagi_id);
      area->dagi_id = g_strdup_printf ("70%04u", area->number);
    }
  vk_fake_results_new (x->election, VK_TEST_SEED, &x->foreloebig, &x->fintaelling);
  voters = vk_voters_generate_for_election (x->election, 30, VK_TEST_SEED);
  f->dir = vk_test_tmpdir ();
  f->pkg_path = g_build_filename (f->dir, "election.vkp", NULL);
  f->package = vk_package_create (f->pkg_path, x->election, voters, election_key, &error);
  g_assert_no_error (error);
  f->area = 1;
  f->other_area = 2;
  f->key_a = vk_test_key (0xa1); /* bord-1, area 1 */
  f->key_b = vk_test_key (0xb1); /* bord-2, area 2 */
  f->key_x = vk_test_key (0xc1); /* fintaelling-1 */
  f->key_server = vk_test_key (0x51);
  f->key_stranger = vk_test_key (0x77); /* valg.dk's collector */
  /* The tables work on the simulated election day; the server and the
   * collector sign with today's real clock too. */
  g_assert_true (vk_package_enroll (f->package, election_key, "bord-1", "valgbord", 1,
                                    vk_keypair_get_public_key (f->key_a), day_from, day_to, &error));
  g_assert_true (vk_package_enroll (f->package, election_key, "bord-2", "valgbord", 2,
                                    vk_keypair_get_public_key (f->key_b), day_from, day_to, &error));
  g_assert_true (vk_package_enroll (f->package, election_key, "fintaelling-1", "fintaelling", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (f->key_x), day_from, day_to, &error));
  g_assert_true (vk_package_enroll (f->package, election_key, "taelleserver", "server", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (f->key_server), now - 24 * 3600 * 1000ull, far, &error));
  g_assert_true (vk_package_enroll (f->package, election_key, "valgdk-indsamler", "collector", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (f->key_stranger), now - 24 * 3600 * 1000ull, far,
                                    &error));
  x->key_table_now = vk_test_key (0xd1);
  g_assert_true (vk_package_enroll (f->package, election_key, "fintaelling-2", "fintaelling", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (x->key_table_now), now - 24 * 3600 * 1000ull, far,
                                    &error));
  g_assert_no_error (error);
  vk_package_free (f->package);
  f->package = vk_package_open (f->pkg_path, &error);
  g_assert_no_error (error);
  f->server_key_path = g_build_filename (f->dir, "taelleserver.key", NULL);
  g_assert_true (vk_keypair_save (f->key_server, f->server_key_path, VK_TEST_PASSPHRASE, VK_KDF_INTERACTIVE, "server",
                                  "taelleserver", &error));
  g_assert_no_error (error);
  x->valgdk = g_build_filename (f->dir, "valgdk", NULL);
  x->count_db = g_build_filename (f->dir, "count.db", NULL);
  vk_journal_set_default_clock (sim_clock, NULL);
}

static void
fixture_clear (Fixture *x)
{
  vk_journal_set_default_clock (NULL, NULL);
  vk_test_election_clear (&x->f);
  g_clear_pointer (&x->election, vk_election_free);
  g_clear_pointer (&x->foreloebig, vk_results_free);
  g_clear_pointer (&x->fintaelling, vk_results_free);
  g_clear_pointer (&x->valgdk, g_free);
  g_clear_pointer (&x->count_db, g_free);
  g_clear_pointer (&x->key_table_now, vk_keypair_free);
}

static VkStation *
open_station (Fixture *x, const char *device, const VkKeypair *key)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("%s.db", device);
  g_autofree char *db = vk_test_election_path (&x->f, name);
  VkStation *station = vk_station_open (x->f.package, db, device, key, &error);

  g_assert_no_error (error);
  return station;
}

static void
check_in (VkStation *station, guint area, guint index, guint64 when)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterList) voters = vk_package_dup_voters (vk_station_get_package (station), area, &error);

  g_assert_no_error (error);
  sim_ms = when;
  g_assert_cmpuint (
      vk_station_check_in (station, vk_voter_list_get (voters, index)->loebenummer, VK_CHECKIN_SCAN, FALSE, &error), >,
      0);
  g_assert_no_error (error);
}

static const VkAreaResult *
result_of (VkResults *results, guint area)
{
  for (guint i = 0; i < results->areas->len; i++)
    {
      const VkAreaResult *r = g_ptr_array_index (results->areas, i);
      if (r->area_number == area)
        return r;
    }
  g_assert_not_reached ();
}

/* Both rounds and the sign-off of one count, from when on. */
static void
count_and_sign (Fixture *x, VkStation *station, VkResultKind kind, guint area, guint64 when)
{
  g_autoptr (GError) error = NULL;
  const VkAreaResult *r = result_of (kind == VK_RESULT_FORELOEBIG ? x->foreloebig : x->fintaelling, area);
  VkSigner signers[] = { { "Valgstyrer Anne", NULL }, { "Valgstyrer Bo", NULL } };

  sim_ms = when;
  g_assert_cmpuint (vk_tally_enter (station, NULL, kind, area, 1, "Anne", r, NULL, &error), >, 0);
  g_assert_no_error (error);
  sim_ms = when + 60 * 1000;
  g_assert_cmpuint (vk_tally_enter (station, NULL, kind, area, 2, "Bo", r, NULL, &error), >, 0);
  g_assert_no_error (error);
  sim_ms = when + 120 * 1000;
  g_assert_cmpuint (vk_tally_sign_off (station, NULL, kind, area, signers, 2, "Prøvevalg: optalt fra testdata", -1,
                                       r->eligible, &error),
                    >, 0);
  g_assert_no_error (error);
}

/* Pushes the station's entries after seq *pushed; returns their count. */
static guint
push (VkTestServer *s, VkStation *station, guint64 *pushed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_station_get_journal (station), *pushed, &error);
  g_autoptr (GBytes) body = NULL;
  g_autofree char *url = g_strconcat (s->url, "/v1/journals", NULL);
  guint n;

  g_assert_no_error (error);
  n = entries->len;
  g_assert_cmpuint (n, >, 0);
  body = vk_journal_serialize (entries);
  g_assert_cmpuint (vk_test_http ("POST", url, "application/cbor-seq", body, NULL), ==, 200);
  *pushed += n;
  return n;
}

/* DIR/rel exists within WAIT_MS. */
static void
wait_for_file (const char *dir, const char *rel)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64)WAIT_MS * 1000;

  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s did not appear within %u ms", path, WAIT_MS);
      g_usleep (20 * 1000);
    }
}

/* Every file under dir (relative path → its bytes). */
static void
snapshot_into (GHashTable *out, const char *dir, const char *rel)
{
  g_autofree char *path = rel != NULL ? g_build_filename (dir, rel, NULL) : g_strdup (dir);
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *sub = rel != NULL ? g_build_filename (rel, name, NULL) : g_strdup (name);
      g_autofree char *full = g_build_filename (dir, sub, NULL);

      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        snapshot_into (out, dir, sub);
      else
        g_hash_table_insert (out, g_steal_pointer (&sub), vk_test_read_file (full));
    }
}

static GHashTable *
snapshot (const char *dir)
{
  GHashTable *out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
  snapshot_into (out, dir, NULL);
  return out;
}

static void
assert_same_snapshot (GHashTable *a, GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GBytes *other = g_hash_table_lookup (b, key);
      if (other == NULL || !g_bytes_equal (value, other))
        g_error ("%s changed", (const char *)key);
    }
}

static JsonObject *
load_object (const char *dir, const char *rel, JsonParser *parser)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autoptr (GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* Validates the folder against valg.dk's schemas (skipped without them or
 * without python3-jsonschema). */
static void
validate (const char *dir)
{
  const char *kv = vk_test_data_dir ();
  g_autofree char *schemas = kv != NULL ? g_build_filename (kv, "..", "valgdk-schemas", NULL) : NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "valgdk-validate.py", NULL);
  const char *python = g_getenv ("PYTHON3") != NULL ? g_getenv ("PYTHON3") : "python3";
  g_autofree char *out = NULL, *err = NULL;
  const char *argv[] = { python, script, schemas, dir, NULL };
  int status;

  if (schemas == NULL || !g_file_test (schemas, G_FILE_TEST_IS_DIR))
    {
      g_test_message ("valg.dk's schemas are not present: not validated");
      return;
    }
  status = vk_test_spawn (argv, &out, &err);
  if (status == 77)
    {
      g_test_message ("python3-jsonschema is not installed: not validated");
      return;
    }
  if (status != 0)
    g_error ("schema validation of %s failed (%d):\n%s%s", dir, status, out, err);
  g_test_message ("%s", out);
}

/* The newest version of dir/<stem>.vN.json: its path (relative to dir). */
static char *
latest_path (const char *dir, const char *stem, guint *ret_version)
{
  g_autofree char *path = NULL;
  guint n = vk_valgdk_latest_version (dir, stem, &path);

  g_assert_cmpuint (n, >, 0);
  if (ret_version != NULL)
    *ret_version = n;
  return g_path_get_basename (path);
}

/* The newest turnout status says that at 11:00 only area 2 (bord-2) had
 * not delivered. */
static gboolean
only_bord2_missing (const char *turnout)
{
  g_autofree char *path = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonArray *times, *missing;
  JsonObject *m;

  if (vk_valgdk_latest_version (turnout, "status", &path) == 0 || !json_parser_load_from_file (parser, path, NULL))
    return FALSE;
  times = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "Tidspunkter");
  if (json_array_get_length (times) != 1)
    return FALSE;
  missing = json_object_get_array_member (json_array_get_object_element (times, 0), "IkkeLeveret");
  if (json_array_get_length (missing) != 1)
    return FALSE;
  m = json_array_get_object_element (missing, 0);
  return json_object_get_int_member (m, "AfstemningsområdeNummer") == 2
         && g_strcmp0 (json_object_get_string_member (m, "Borde"), "bord-2") == 0;
}

static void
start_server (Fixture *x, VkTestServer *s, const char *clock)
{
  g_autofree char *err = NULL;
  const char *extra[] = { "--valgdk", x->valgdk, "--valgdk-clock", clock, NULL };

  if (!vk_test_server_try_start (s, &x->f, x->count_db, "127.0.0.1:0", extra, &err))
    g_error ("valgkit serve did not start: %s", err);
}

static guint
get_status (const char *url, const VkKeypair *key, const char *device, GBytes **ret_body)
{
  if (key == NULL)
    return vk_test_http ("GET", url, NULL, NULL, ret_body);
  return vk_test_http_signed ("GET", url, NULL, NULL, key, device, ret_body);
}

static void
test_delivery_day (void)
{
  Fixture x;
  VkTestServer server;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) bord1 = NULL, bord2 = NULL, fin = NULL;
  g_autoptr (GHashTable) before_restart = NULL, after_restart = NULL;
  g_autoptr (GBytes) t2_v1 = NULL;
  guint t2_version = 0;
  g_autofree char *turnout = NULL, *kv = NULL;
  guint64 pushed1 = 0, pushed2 = 0, pushed_fin = 0;
  guint64 at11 = at (DATE, 11, 0);
  gint64 started;

  fixture_setup (&x);
  kv = g_build_filename (x.valgdk, "KV", NULL);
  turnout = g_build_filename (kv, "valgdeltagelse", NULL);

  /* The day at the tables: bord-1 checks in three voters before 11:00
   * and one after; bord-2 one before and one after. */
  sim_ms = at (DATE, 8, 0);
  bord1 = open_station (&x, "bord-1", x.f.key_a);
  bord2 = open_station (&x, "bord-2", x.f.key_b);
  check_in (bord1, 1, 0, at (DATE, 9, 0));
  check_in (bord1, 1, 1, at (DATE, 10, 0));
  check_in (bord1, 1, 2, at (DATE, 10, 59) + 59 * 1000);
  check_in (bord1, 1, 3, at11); /* at 11:00 sharp: not before it */
  check_in (bord2, 2, 0, at (DATE, 10, 30));
  check_in (bord2, 2, 1, at (DATE, 11, 15));

  /* The server's delivery clock starts a few seconds before 11:00. */
  started = g_get_monotonic_time ();
  start_server (&x, &server, DATE " 10:59:55");
  g_assert_nonnull (strstr (server.first_lines, "listening on"));
  push (&server, bord1, &pushed1);
  /* Nothing is due before 11:00 (the push took less than the 5 s). */
  if (g_get_monotonic_time () - started < 4 * G_USEC_PER_SEC)
    g_assert_false (g_file_test (turnout, G_FILE_TEST_EXISTS));

  /* 11:00: the turnout files, without anyone running valgkit report. */
  /* The status file is the last a run writes: once the latest one says
   * only bord-2 is missing at 11:00, that run's area files are there.  (A
   * server that started slowly may have passed 11:00 before bord-1's
   * push: then that push made a second version, and the latest counts.) */
  {
    gint64 deadline = g_get_monotonic_time () + (gint64)WAIT_MS * 1000;
    while (!only_bord2_missing (turnout))
      {
        if (g_get_monotonic_time () > deadline)
          g_error ("no turnout status naming only bord-2 within %u ms", WAIT_MS);
        g_usleep (20 * 1000);
      }
  }
  {
    g_autoptr (JsonParser) p1 = json_parser_new ();
    g_autoptr (JsonParser) p2 = json_parser_new ();
    g_autofree char *path1 = latest_path (turnout, "999-001", NULL);
    g_autofree char *path2 = latest_path (turnout, "999-002", &t2_version);
    JsonObject *o1 = load_object (turnout, path1, p1);
    JsonObject *o2 = load_object (turnout, path2, p2);
    JsonArray *points = json_object_get_array_member (o1, "Valgdeltagelse");
    JsonObject *p11;

    g_assert_cmpuint (json_array_get_length (points), ==, 1);
    p11 = json_array_get_object_element (points, 0);
    g_assert_cmpstr (json_object_get_string_member (p11, "Tidspunkt"), ==, "11:00");
    /* Three check-ins were journalled before 11:00; the fourth at 11:00. */
    g_assert_cmpint (json_object_get_int_member (p11, "AfgivneStemmer"), ==, 3);
    g_assert_cmpint (json_object_get_int_member (p11, "AntalStemmeberretigedeVælgere"), ==,
                     vk_package_count_voters (x.f.package, 1, NULL));
    /* bord-2 had not pushed: area 2 has no 11:00 point. */
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o2, "Valgdeltagelse")), ==, 0);
    {
      g_autofree char *full2 = g_build_filename (turnout, path2, NULL);
      t2_v1 = vk_test_read_file (full2);
    }
  }

  /* The evening: bord-1 closes, counts and signs off; its foreløbig file
   * appears (the delivery's clock still says 11:00: a sign-off is due when
   * it arrives). */
  sim_ms = at (DATE, 20, 0);
  g_assert_cmpuint (vk_tally_close_poll (bord1, &error), >, 0);
  g_assert_no_error (error);
  count_and_sign (&x, bord1, VK_RESULT_FORELOEBIG, 1, at (DATE, 20, 30));
  push (&server, bord1, &pushed1);
  wait_for_file (kv, "foreloebig/999-001.v1.json");
  {
    g_autofree char *fore = g_build_filename (kv, "foreloebig", NULL);
    g_autoptr (JsonParser) p = json_parser_new ();
    JsonObject *o = load_object (fore, "999-001.v1.json", p);

    g_assert_cmpint (json_object_get_int_member (o, "AfstemningsområdeDagiId"), ==, 700001);
    g_assert_cmpuint (vk_valgdk_latest_version (fore, "999-002", NULL), ==, 0);
  }

  /* bord-2's late push: area 2's turnout gets a second version with its
   * 11:00 point, and the first version is left as it was. */
  sim_ms = at (DATE, 20, 0);
  g_assert_cmpuint (vk_tally_close_poll (bord2, &error), >, 0);
  count_and_sign (&x, bord2, VK_RESULT_FORELOEBIG, 2, at (DATE, 20, 40));
  push (&server, bord2, &pushed2);
  {
    g_autofree char *next = g_strdup_printf ("999-002.v%u.json", t2_version + 1);
    wait_for_file (turnout, next);
  }
  wait_for_file (kv, "foreloebig/999-002.v1.json");
  {
    g_autofree char *name = g_strdup_printf ("999-002.v%u.json", t2_version);
    g_autofree char *next = g_strdup_printf ("999-002.v%u.json", t2_version + 1);
    g_autofree char *path = g_build_filename (turnout, name, NULL);
    g_autoptr (GBytes) now = vk_test_read_file (path);
    g_autoptr (JsonParser) p = json_parser_new ();
    JsonObject *o = load_object (turnout, next, p);
    JsonArray *points = json_object_get_array_member (o, "Valgdeltagelse");

    g_assert_true (g_bytes_equal (now, t2_v1));
    g_assert_cmpuint (json_array_get_length (points), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (points, 0), "AfgivneStemmer"), ==, 1);
  }

  /* The day after: the fintælling of every area, then the seats. */
  sim_ms = at ("2029-11-21", 9, 0);
  fin = open_station (&x, "fintaelling-1", x.f.key_x);
  for (guint area = 1; area <= x.election->areas->len; area++)
    count_and_sign (&x, fin, VK_RESULT_FINTAELLING, area, at ("2029-11-21", 9, 0) + area * 600 * 1000);
  push (&server, fin, &pushed_fin);
  wait_for_file (kv, "mandatfordeling-fintaelling.v1.json");
  for (guint area = 1; area <= x.election->areas->len; area++)
    {
      g_autofree char *fdir = g_build_filename (kv, "fintaelling", NULL);
      g_autofree char *stem = g_strdup_printf ("999-%03u", area);
      g_assert_cmpuint (vk_valgdk_latest_version (fdir, stem, NULL), ==, 1);
    }
  {
    g_autofree char *fore = g_build_filename (kv, "foreloebig", NULL);
    g_autofree char *path = g_build_filename (fore, "999-001.v1.json", NULL);
    /* The foreløbig files are untouched by the fintælling. */
    g_assert_cmpuint (vk_valgdk_latest_version (fore, "999-001", NULL), ==, 1);
    g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  }
  validate (x.valgdk);

  /* The collector reads the files; a table's key and no key do not. */
  {
    g_autofree char *url = g_strconcat (server.url, "/v1/valgdk/KV/foreloebig/999-001.v1.json", NULL);
    g_autofree char *list = g_strconcat (server.url, "/v1/valgdk", NULL);
    g_autofree char *path = g_build_filename (kv, "foreloebig", "999-001.v1.json", NULL);
    g_autoptr (GBytes) body = NULL, want = vk_test_read_file (path);

    g_assert_cmpuint (get_status (url, x.f.key_stranger, "valgdk-indsamler", &body), ==, 200);
    g_assert_true (g_bytes_equal (body, want));
    g_clear_pointer (&body, g_bytes_unref);
    g_assert_cmpuint (get_status (list, x.f.key_stranger, "valgdk-indsamler", &body), ==, 200);
    g_assert_nonnull (
        g_strstr_len (g_bytes_get_data (body, NULL), (gssize)g_bytes_get_size (body), "KV/valgdeltagelse/999-002.v"));
    g_clear_pointer (&body, g_bytes_unref);
    g_assert_cmpuint (get_status (url, x.key_table_now, "fintaelling-2", NULL), ==, 403);
    g_assert_cmpuint (get_status (url, NULL, NULL, NULL), ==, 401);
    g_assert_cmpuint (get_status (list, NULL, NULL, NULL), ==, 401);
  }

  /* A restart (the same day, later) finds nothing changed: no version is
   * added, no file touched. */
  vk_test_server_stop (&server, FALSE);
  before_restart = snapshot (x.valgdk);
  start_server (&x, &server, DATE " 12:00");
  after_restart = snapshot (x.valgdk);
  assert_same_snapshot (before_restart, after_restart);
  /* Nor does a push that repeats what the server holds. */
  {
    guint64 again = 0;
    push (&server, bord1, &again);
    g_usleep (1500 * 1000);
    g_clear_pointer (&after_restart, g_hash_table_unref);
    after_restart = snapshot (x.valgdk);
    assert_same_snapshot (before_restart, after_restart);
  }
  vk_test_server_stop (&server, FALSE);
  fixture_clear (&x);
}

/* Options that make no sense are refused before anything is served. */
static void
test_delivery_options (void)
{
  Fixture x;
  VkTestServer server;
  g_autofree char *err = NULL;
  const char *no_dir[] = { "--valgdk-clock", "11:00", NULL };
  const char *bad_clock[] = { "--valgdk", NULL, "--valgdk-clock", "25:00", NULL };
  const char *bad_times[] = { "--valgdk", NULL, "--turnout-times", "17:00,11:00", NULL };

  fixture_setup (&x);
  bad_clock[1] = x.valgdk;
  bad_times[1] = x.valgdk;
  g_assert_false (vk_test_server_try_start (&server, &x.f, x.count_db, "127.0.0.1:0", no_dir, &err));
  g_assert_nonnull (strstr (err, "need --valgdk"));
  g_clear_pointer (&err, g_free);
  g_assert_false (vk_test_server_try_start (&server, &x.f, x.count_db, "127.0.0.1:0", bad_clock, &err));
  g_assert_nonnull (strstr (err, "--valgdk-clock 25:00"));
  g_clear_pointer (&err, g_free);
  g_assert_false (vk_test_server_try_start (&server, &x.f, x.count_db, "127.0.0.1:0", bad_times, &err));
  g_assert_nonnull (strstr (err, "not after"));
  fixture_clear (&x);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/valgdk-delivery/options", test_delivery_options);
  g_test_add_func ("/valgdk-delivery/day", test_delivery_day);
  return g_test_run ();
}

/* test-valgdk-report.c: what a municipality delivers to valg.dk.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo replays Albertslund's KV2025 (and Læsø's joint KV + RV night)
 * from the official files; its OUT/valgdk/ must validate against valg.dk's
 * own schemas (python3-jsonschema), its fintælling per area must equal the
 * official file's numbers, its mandatfordeling the official one, and its
 * turnout at 11:00 must count exactly the check-ins journalled before
 * 11:00 (counted here straight from the journals, not by the fold).
 * `valgkit report` run again writes nothing new; a later time writes a new
 * version and leaves the old one as it was; a count changed after its
 * sign-off is refused at the table and so never reaches valg.dk.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vk-cbor.h"
#include "vk-count-export.h"
#include "vk-count.h"
#include "vk-error.h"
#include "vk-journal.h"
#include "vk-keys.h"
#include "vk-package.h"
#include "vk-results.h"
#include "vk-seats.h"
#include "vk-station.h"
#include "vk-tally.h"
#include "vk-test-util.h"
#include "vk-valgdk-export.h"
#include "vk-valgdk-mandates.h"
#include "vk-valgdk-previous.h"
#include "vk-valgdk-turnout.h"

static int
run (char **ret_out, char **ret_err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  va_list ap;

  g_ptr_array_add (argv, (gpointer)vk_test_valgkit ());
  va_start (ap, ret_err);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  return vk_test_spawn ((const char *const *)argv->pdata, ret_out, ret_err);
}

static JsonNode *
load_json (const char *path)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* A name in a new temporary folder (removed at exit). */
static char *
tmp_path (const char *name)
{
  g_autofree char *dir = vk_test_tmpdir ();
  return g_build_filename (dir, name, NULL);
}

/* ../shared/data/<sub>, or NULL (test skipped). */
static char *
shared_data (const char *sub)
{
  const char *kv = vk_test_data_dir ();
  char *path;

  if (kv == NULL)
    return NULL;
  path = g_build_filename (kv, "..", sub, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip_printf ("%s not present", path);
      g_free (path);
      return NULL;
    }
  return path;
}

/* Validates a delivery folder against valg.dk's schemas; FALSE (skipped)
 * without python3-jsonschema. */
static gboolean
validate (const char *dir)
{
  g_autofree char *schemas = shared_data ("valgdk-schemas");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "valgdk-validate.py", NULL);
  const char *python = g_getenv ("PYTHON3") != NULL ? g_getenv ("PYTHON3") : "python3";
  g_autofree char *out = NULL, *err = NULL;
  const char *argv[] = { python, script, schemas, dir, NULL };
  int status;

  if (schemas == NULL)
    return FALSE;
  status = vk_test_spawn (argv, &out, &err);
  if (status == 77)
    {
      g_test_skip ("Python's jsonschema module is not installed (apt-get install python3-jsonschema)");
      return FALSE;
    }
  if (status != 0)
    g_error ("schema validation of %s failed (%d):\n%s%s", dir, status, out, err);
  g_test_message ("%s", out);
  return TRUE;
}

/* The demo's output folder of a municipality (and region), made once. */
static const char *
demo_out (const char *name, const char *region)
{
  static GHashTable *made;
  g_autofree char *key = g_strconcat (name, "|", region != NULL ? region : "", NULL);
  g_autofree char *data = vk_test_data_path (name, NULL);
  g_autofree char *out = NULL, *err = NULL;
  char *dir;

  if (made == NULL)
    made = g_hash_table_new (g_str_hash, g_str_equal);
  dir = g_hash_table_lookup (made, key);
  if (dir != NULL)
    return dir;
  if (data == NULL)
    return NULL;
  dir = tmp_path ("out");
  if (region == NULL)
    g_assert_cmpint (run (&out, &err, "demo", "--data", data, "--out", dir, NULL), ==, 0);
  else
    {
      g_autofree char *rv = shared_data (region);
      g_autofree char *lots = g_test_build_filename (G_TEST_DIST, "valgdk-laesoe-lots.json", NULL);
      if (rv == NULL)
        return NULL;
      if (run (&out, &err, "demo", "--data", data, "--rv", rv, "--lots", lots, "--out", dir, NULL) != 0)
        g_error ("demo failed:\n%s\n%s", out, err);
    }
  g_hash_table_insert (made, g_steal_pointer (&key), dir);
  return dir;
}

/* The latest version of each area file in dir, by area number. */
static GHashTable *
latest_by_area (const char *dir)
{
  GHashTable *out = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)json_node_unref);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *stem = NULL, *path = NULL;
      JsonNode *node;
      guint area;

      if (!g_str_has_suffix (name, ".v1.json") || g_str_has_prefix (name, "status"))
        continue;
      stem = g_strndup (name, strlen (name) - strlen (".v1.json"));
      g_assert_cmpuint (vk_valgdk_latest_version (dir, stem, &path), >=, 1);
      node = load_json (path);
      area = (guint)json_object_get_int_member (json_node_get_object (node), "AfstemningsområdeNummer");
      g_assert_false (g_hash_table_contains (out, GUINT_TO_POINTER (area)));
      g_hash_table_insert (out, GUINT_TO_POINTER (area), node);
    }
  return out;
}

static void
assert_int_member (JsonObject *ours, JsonObject *official, const char *member, const char *where)
{
  gint64 a = json_object_get_int_member (ours, member), b = json_object_get_int_member (official, member);
  if (a != b)
    g_error ("%s: %s is %" G_GINT64_FORMAT ", the official file says %" G_GINT64_FORMAT, where, member, a, b);
}

/* The numbers of two area result files: totals, lists, candidates, invalid
 * reasons.  Returns the number of numbers compared. */
static guint
compare_counts (JsonObject *ours, JsonObject *official, const char *where)
{
  static const char *const totals[] = { "AfgivneStemmer",
                                        "GyldigeStemmer",
                                        "UgyldigeStemmerUdoverBlanke",
                                        "BlankeUgyldigeFremmødteStemmer",
                                        "BlankeUgyldigeBrevstemmer",
                                        "AntalStemmeberettigedeVælgere",
                                        "AfstemningsområdeDagiId" };
  static const char *const reasons[] = { "UgyldigeFremmødteStemmerÅrsager", "UgyldigeBrevstemmerÅrsager" };
  g_autoptr (GHashTable) numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonArray *lists;
  guint n = 0, matched = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (totals); i++, n++)
    assert_int_member (ours, official, totals[i], where);
  g_assert_cmpstr (json_object_get_string_member (ours, "Resultatart"), ==,
                   json_object_get_string_member (official, "Resultatart"));
  /* Every official number keyed by what it counts, then ours looked up. */
  lists = json_object_get_array_member (official, "Kandidatlister");
  for (guint i = 0; i < json_array_get_length (lists); i++)
    {
      JsonObject *l = json_array_get_object_element (lists, i);
      JsonNode *cands = json_object_get_member (l, "Kandidater");
      const char *id = json_object_get_string_member (l, "KandidatlisteId");
      g_hash_table_insert (numbers, g_strconcat ("L", id, NULL),
                           g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (l, "Stemmer")));
      if (!json_object_get_null_member (l, "Listestemmer"))
        g_hash_table_insert (numbers, g_strconcat ("S", id, NULL),
                             g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (l, "Listestemmer")));
      if (cands != NULL && JSON_NODE_HOLDS_ARRAY (cands))
        for (guint k = 0; k < json_array_get_length (json_node_get_array (cands)); k++)
          {
            JsonObject *c = json_array_get_object_element (json_node_get_array (cands), k);
            g_hash_table_insert (numbers, g_strconcat ("C", json_object_get_string_member (c, "Id"), NULL),
                                 g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (c, "Stemmer")));
          }
    }
  for (gsize r = 0; r < G_N_ELEMENTS (reasons); r++)
    {
      JsonArray *arr = json_object_get_array_member (official, reasons[r]);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonObject *o = json_array_get_object_element (arr, i);
          g_hash_table_insert (numbers, g_strdup_printf ("R%" G_GINT64_FORMAT, json_object_get_int_member (o, "Id")),
                               g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "Antal")));
        }
    }
  lists = json_object_get_array_member (ours, "Kandidatlister");
  for (guint i = 0; i < json_array_get_length (lists); i++)
    {
      JsonObject *l = json_array_get_object_element (lists, i);
      JsonNode *cands = json_object_get_member (l, "Kandidater");
      const char *id = json_object_get_string_member (l, "KandidatlisteId");
      g_autofree char *lk = g_strconcat ("L", id, NULL), *sk = g_strconcat ("S", id, NULL);
      g_autofree char *lv = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (l, "Stemmer"));

      g_assert_cmpstr (lv, ==, g_hash_table_lookup (numbers, lk));
      matched++;
      if (g_hash_table_contains (numbers, sk))
        {
          g_autofree char *sv = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (l, "Listestemmer"));
          g_assert_cmpstr (sv, ==, g_hash_table_lookup (numbers, sk));
          matched++;
        }
      if (cands != NULL && JSON_NODE_HOLDS_ARRAY (cands))
        for (guint k = 0; k < json_array_get_length (json_node_get_array (cands)); k++)
          {
            JsonObject *c = json_array_get_object_element (json_node_get_array (cands), k);
            g_autofree char *ck = g_strconcat ("C", json_object_get_string_member (c, "Id"), NULL);
            g_autofree char *cv = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (c, "Stemmer"));
            const char *want = g_hash_table_lookup (numbers, ck);
            /* valgkit writes every candidate; the official file may
             * leave one without votes out. */
            g_assert_cmpstr (cv, ==, want != NULL ? want : "0");
            matched++;
          }
    }
  for (gsize r = 0; r < G_N_ELEMENTS (reasons); r++)
    {
      JsonArray *arr = json_object_get_array_member (ours, reasons[r]);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonObject *o = json_array_get_object_element (arr, i);
          g_autofree char *k = g_strdup_printf ("R%" G_GINT64_FORMAT, json_object_get_int_member (o, "Id"));
          g_autofree char *v = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "Antal"));
          g_assert_cmpstr (v, ==, g_hash_table_lookup (numbers, k));
          matched++;
        }
    }
  return n + matched;
}

/* Our latest fintælling of every area equals the official file's numbers
 * (official: the folder, kommunekode: the municipality's files only). */
static guint
compare_with_official (const char *ours_dir, const char *official_dir, gint64 kommunekode, guint expect_areas)
{
  g_autoptr (GHashTable) ours = latest_by_area (ours_dir);
  g_autoptr (GDir) d = g_dir_open (official_dir, 0, NULL);
  const char *name;
  guint areas = 0, numbers = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (official_dir, name, NULL);
      g_autoptr (JsonNode) off = NULL;
      JsonObject *o;
      JsonNode *mine;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      off = load_json (path);
      o = json_node_get_object (off);
      if (json_object_get_int_member (o, "Kommunekode") != kommunekode)
        continue;
      mine = g_hash_table_lookup (ours,
                                  GUINT_TO_POINTER ((guint)json_object_get_int_member (o, "AfstemningsområdeNummer")));
      g_assert_nonnull (mine);
      numbers += compare_counts (json_node_get_object (mine), o, name);
      areas++;
    }
  g_assert_cmpuint (areas, ==, expect_areas);
  g_assert_cmpuint (g_hash_table_size (ours), ==, expect_areas);
  g_test_message ("%u areas, %u numbers equal to the official files", areas, numbers);
  return numbers;
}

/* (Nummer, KandidatlisteId) of every list seat and (Nummer, KandidatId)
 * of every personal seat. */
static int
cmp_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* (Nummer, KandidatlisteId) of every list seat and (Nummer, KandidatId)
 * of every personal seat, sorted (the official file's order is not ours). */
static char *
seat_key (JsonObject *m)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  JsonArray *l = json_object_get_array_member (m, "ListeMandater");
  JsonArray *p = json_object_get_array_member (m, "PersonligeMandater");

  for (guint i = 0; i < json_array_get_length (l); i++)
    {
      JsonObject *o = json_array_get_object_element (l, i);
      g_ptr_array_add (keys, g_strdup_printf ("L%03" G_GINT64_FORMAT ":%s", json_object_get_int_member (o, "Nummer"),
                                              json_object_get_string_member (o, "KandidatlisteId")));
    }
  for (guint i = 0; i < json_array_get_length (p); i++)
    {
      JsonObject *o = json_array_get_object_element (p, i);
      g_ptr_array_add (keys, g_strdup_printf ("P%03" G_GINT64_FORMAT ":%s", json_object_get_int_member (o, "Nummer"),
                                              json_object_get_string_member (o, "KandidatId")));
    }
  g_ptr_array_sort (keys, cmp_str);
  g_ptr_array_add (keys, NULL);
  return g_strjoinv (" ", (char **)keys->pdata);
}

static void
check_mandates (const char *contest_dir, const char *official_path, guint n_areas)
{
  g_autofree char *path = NULL;
  g_autoptr (JsonNode) ours = NULL, official = NULL;
  g_autofree char *a = NULL, *b = NULL;
  JsonArray *based;

  g_assert_cmpuint (vk_valgdk_latest_version (contest_dir, "mandatfordeling-fintaelling", &path), ==, 1);
  ours = load_json (path);
  official = load_json (official_path);
  a = seat_key (json_node_get_object (ours));
  b = seat_key (json_node_get_object (official));
  g_assert_cmpstr (a, ==, b);
  based = json_object_get_array_member (json_node_get_object (ours), "BaseretPåOptællinger");
  g_assert_cmpuint (json_array_get_length (based), ==, n_areas);
  for (guint i = 0; i < n_areas; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (based, i), "Resultatart"), ==,
                     "Fintælling");
}

static void
test_albertslund (void)
{
  const char *out = demo_out ("Albertslund", NULL);
  g_autofree char *valgdk = NULL, *kv = NULL, *fin = NULL, *official = NULL, *seats = NULL;

  if (out == NULL)
    return;
  valgdk = g_build_filename (out, "valgdk", NULL);
  kv = g_build_filename (valgdk, "KV", NULL);
  fin = g_build_filename (kv, "fintaelling", NULL);
  official = vk_test_data_path ("Albertslund", "fintaelling", NULL);
  seats = vk_test_data_path ("Albertslund", "mandatfordeling.json", NULL);
  compare_with_official (fin, official, 165, 5);
  check_mandates (kv, seats, 5);
  {
    g_autofree char *fore = g_build_filename (kv, "foreloebig", NULL);
    g_autoptr (GHashTable) f = latest_by_area (fore);
    g_assert_cmpuint (g_hash_table_size (f), ==, 5);
  }
  validate (valgdk);
}

/* The check-ins journalled before at_ms in area, counted from the
 * entries themselves: check-ins minus undos, plus voters whose
 * brevstemme was accepted. */
static guint64
count_before (VkCount *count, guint area, guint64 at_ms)
{
  g_autoptr (GPtrArray) heads = vk_count_dup_heads (count);
  g_autoptr (GHashTable) brev = g_hash_table_new (g_direct_hash, g_direct_equal);
  gint64 n = 0;

  for (guint i = 0; i < heads->len; i++)
    {
      const VkCountHead *h = g_ptr_array_index (heads, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) entries = vk_count_dup_entries (count, h->device_id, 0, &error);

      g_assert_no_error (error);
      for (guint k = 0; k < entries->len; k++)
        {
          const VkEntry *e = g_ptr_array_index (entries, k);
          VkCbor *a;

          if (e->time_ms >= at_ms)
            continue;
          a = vk_cbor_map_lookup_text (e->body, "area");
          if (a == NULL || vk_cbor_get_type (a) != VK_CBOR_UINT || vk_cbor_get_uint (a) != area)
            continue;
          if (strcmp (e->type, "checkin") == 0)
            n++;
          else if (strcmp (e->type, "checkin.undo") == 0)
            n--;
          else if (strcmp (e->type, "brevstemme.decision") == 0)
            {
              gboolean accepted = FALSE;
              guint lnr = (guint)vk_cbor_get_uint (vk_cbor_map_lookup_text (e->body, "loebenummer"));
              g_assert_true (vk_cbor_get_bool (vk_cbor_map_lookup_text (e->body, "accepted"), &accepted));
              if (accepted)
                g_hash_table_add (brev, GUINT_TO_POINTER (lnr));
            }
        }
    }
  g_assert_cmpint (n, >=, 0);
  return (guint64)n + g_hash_table_size (brev);
}

static void
test_turnout (void)
{
  const char *out = demo_out ("Albertslund", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL, *vkp = NULL, *tdir = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkCount) count = NULL;
  g_autoptr (GHashTable) files = NULL;
  gint64 at11, at17;
  guint64 total11 = 0, total17 = 0;

  if (out == NULL)
    return;
  db = g_build_filename (out, "count.db", NULL);
  vkp = g_build_filename (out, "election.vkp", NULL);
  tdir = g_build_filename (out, "valgdk", "KV", "valgdeltagelse", NULL);
  package = vk_package_open (vkp, &error);
  g_assert_no_error (error);
  count = vk_count_open_read_only (db, package, &error);
  g_assert_no_error (error);
  at11 = vk_valgdk_local_time_ms (vk_count_get_election (count)->date, 11 * 60);
  at17 = vk_valgdk_local_time_ms (vk_count_get_election (count)->date, 17 * 60);
  /* 18 November is winter time: 11:00 in Denmark is 10:00 UTC. */
  g_assert_cmpint (at11 % (24 * 3600 * 1000), ==, 10 * 3600 * 1000);

  files = latest_by_area (tdir);
  g_assert_cmpuint (g_hash_table_size (files), ==, 5);
  for (guint area = 1; area <= 5; area++)
    {
      JsonObject *o = json_node_get_object (g_hash_table_lookup (files, GUINT_TO_POINTER (area)));
      JsonArray *points = json_object_get_array_member (o, "Valgdeltagelse");
      JsonObject *p11, *p17;
      guint64 want11 = count_before (count, area, (guint64)at11), want17 = count_before (count, area, (guint64)at17);

      g_assert_cmpuint (json_array_get_length (points), ==, 2);
      p11 = json_array_get_object_element (points, 0);
      p17 = json_array_get_object_element (points, 1);
      g_assert_cmpstr (json_object_get_string_member (p11, "Tidspunkt"), ==, "11:00");
      g_assert_cmpstr (json_object_get_string_member (p17, "Tidspunkt"), ==, "17:00");
      g_assert_cmpint (json_object_get_int_member (p11, "AfgivneStemmer"), ==, (gint64)want11);
      g_assert_cmpint (json_object_get_int_member (p17, "AfgivneStemmer"), ==, (gint64)want17);
      g_assert_cmpuint (want11, >, 0);
      g_assert_cmpuint (want17, >, want11);
      g_assert_cmpint (json_object_get_int_member (p11, "AntalStemmeberretigedeVælgere"), ==,
                       vk_package_count_voters (package, area, NULL));
      total11 += want11;
      total17 += want17;
    }
  g_test_message ("turnout: %" G_GUINT64_FORMAT " votes by 11:00, %" G_GUINT64_FORMAT " by 17:00", total11, total17);

  /* A minute either side of 11:00 gives another count: the boundary is
   * the entries' time. */
  {
    g_autoptr (GPtrArray) before = vk_count_turnout (count, NULL, at11 - 60 * 1000, &error);
    g_autoptr (GPtrArray) after = vk_count_turnout (count, NULL, at11 + 60 * 1000, &error);
    guint64 b = 0, a = 0;
    g_assert_no_error (error);
    for (guint i = 0; i < before->len; i++)
      {
        const VkCountTurnout *tb = g_ptr_array_index (before, i), *ta = g_ptr_array_index (after, i);
        g_assert_true (tb->complete && ta->complete);
        g_assert_cmpuint (tb->checkins + tb->brevstemmer, ==, count_before (count, tb->area, (guint64)at11 - 60000));
        b += tb->checkins + tb->brevstemmer;
        a += ta->checkins + ta->brevstemmer;
      }
    g_assert_cmpuint (b, <, total11);
    g_assert_cmpuint (a, >, total11);
  }
}

/* valgkit report: again writes nothing; as of 11:00 only the turnout;
 * then as of 17:00 a second version beside the first, which is kept. */
static void
test_report_versions (void)
{
  const char *out = demo_out ("Albertslund", NULL);
  g_autofree char *db = NULL, *vkp = NULL, *valgdk = NULL, *fresh = NULL, *o = NULL, *e = NULL;
  g_autofree char *v1 = NULL, *v2 = NULL, *kvdir = NULL, *fore_dir = NULL, *turnout_dir = NULL;
  g_autoptr (GBytes) v1_before = NULL, v1_after = NULL;

  if (out == NULL)
    return;
  db = g_build_filename (out, "count.db", NULL);
  vkp = g_build_filename (out, "election.vkp", NULL);
  valgdk = g_build_filename (out, "valgdk", NULL);
  g_assert_cmpint (run (&o, &e, "report", "--db", db, "--election", vkp, "--out", valgdk, NULL), ==, 0);
  g_assert_nonnull (strstr (o, "0 files written, 18 unchanged"));
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);

  fresh = tmp_path ("delivery");
  g_assert_cmpint (run (&o, &e, "report", "--db", db, "--election", vkp, "--out", fresh, "--at", "11:00", NULL), ==, 0);
  g_assert_nonnull (strstr (o, "6 files written, 0 unchanged"));
  kvdir = g_build_filename (fresh, "KV", NULL);
  fore_dir = g_build_filename (kvdir, "foreloebig", NULL);
  turnout_dir = g_build_filename (kvdir, "valgdeltagelse", NULL);
  g_assert_false (g_file_test (fore_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (vk_valgdk_latest_version (turnout_dir, "165-001", &v1), ==, 1);
  v1_before = vk_test_read_file (v1);
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);

  g_assert_cmpint (run (&o, &e, "report", "--db", db, "--election", vkp, "--out", fresh, "--at", "17:00", NULL), ==, 0);
  g_assert_cmpuint (vk_valgdk_latest_version (turnout_dir, "165-001", &v2), ==, 2);
  v1_after = vk_test_read_file (v1);
  g_assert_true (g_bytes_equal (v1_before, v1_after));
  {
    g_autoptr (JsonNode) n = load_json (v2);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (n), "Valgdeltagelse")),
                      ==, 2);
  }
  validate (fresh);

  /* Bad times are refused with the item named. */
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);
  g_assert_cmpint (
      run (&o, &e, "report", "--db", db, "--election", vkp, "--out", fresh, "--turnout-times", "17:00,11:00", NULL), ==,
      2);
  g_assert_nonnull (strstr (e, "not after"));
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);
  g_assert_cmpint (run (&o, &e, "report", "--db", db, "--election", vkp, "--out", fresh, "--at", "25:00", NULL), ==, 2);
  g_assert_nonnull (strstr (e, "--at 25:00"));
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);
  g_assert_cmpint (run (&o, &e, "report", "--db", db, "--out", fresh, NULL), ==, 2);

  /* The day after, at noon: the fintælling is due too (signed off in
   * the morning), as a first version beside the turnout's second. */
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);
  g_assert_cmpint (
      run (&o, &e, "report", "--db", db, "--election", vkp, "--out", fresh, "--at", "2025-11-19 12:00", NULL), ==, 0);
  {
    g_autofree char *fin = g_build_filename (kvdir, "fintaelling", NULL);
    g_assert_cmpuint (vk_valgdk_latest_version (fin, "165-001", NULL), ==, 1);
    g_assert_cmpuint (vk_valgdk_latest_version (kvdir, "mandatfordeling-fintaelling", NULL), ==, 1);
  }
}

/* A count changed after its sign-off is refused at the table (the demo's
 * own station for area 1), so the delivery stays as it was. */
static void
test_signed_refused (void)
{
  const char *out = demo_out ("Albertslund", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *vkp = NULL, *keyfile = NULL, *stdb = NULL, *official = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkStation) station = NULL;
  g_autoptr (VkAreaResult) counts = NULL;
  g_autoptr (VkElection) e = NULL;
  VkBallotAccount ballots = { 0 };

  if (out == NULL)
    return;
  vkp = g_build_filename (out, "election.vkp", NULL);
  keyfile = g_build_filename (out, "keys", "fintaelling-1.key", NULL);
  stdb = g_build_filename (out, "devices", "fintaelling-1.db", NULL);
  package = vk_package_open (vkp, &error);
  g_assert_no_error (error);
  key = vk_keypair_load (
      keyfile, g_getenv ("VALGKIT_PASSPHRASE") != NULL ? g_getenv ("VALGKIT_PASSPHRASE") : "prøvevalg", &error);
  g_assert_no_error (error);
  station = vk_station_open (package, stdb, "fintaelling-1", key, &error);
  if (station == NULL)
    {
      /* The demo's enrolment window lies in 2025; today is outside it. */
      g_test_skip_printf ("the demo's fintælling table cannot be opened today: %s", error->message);
      return;
    }
  e = vk_package_dup_election (package, &error);
  g_assert_no_error (error);
  official = vk_test_data_path ("Albertslund", "fintaelling", "Herstedøster_Skole.json", NULL);
  counts = vk_area_result_import (e, official, &error);
  g_assert_no_error (error);
  counts->cast++;
  counts->other_invalid++;
  g_assert_cmpuint (vk_tally_enter (station, NULL, VK_RESULT_FINTAELLING, counts->area_number, 1, "Tilforordnet",
                                    counts, &ballots, &error),
                    ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_SIGNED);
}

/* A table whose journal the server holds only up to 10:30, with no push
 * since: its area's turnout is marked as not delivered (naming the
 * table) at any later instant the server cannot vouch for, and the other
 * areas are not. */
static void
test_not_delivered (void)
{
  const char *out = demo_out ("Albertslund", NULL);
  const char *pass = g_getenv ("VALGKIT_PASSPHRASE") != NULL ? g_getenv ("VALGKIT_PASSPHRASE") : "prøvevalg";
  g_autoptr (GError) error = NULL;
  g_autofree char *vkp = NULL, *keyfile = NULL, *jdir = NULL, *db = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkCount) count = NULL;
  g_autoptr (GDir) d = NULL;
  g_autoptr (GPtrArray) later = NULL;
  const char *name;
  gint64 cut;
  guint64 partial_checkins = 0;

  if (out == NULL)
    return;
  vkp = g_build_filename (out, "election.vkp", NULL);
  keyfile = g_build_filename (out, "keys", "taelleserver.key", NULL);
  jdir = g_build_filename (out, "journals", NULL);
  db = tmp_path ("count.db");
  package = vk_package_open (vkp, &error);
  g_assert_no_error (error);
  key = vk_keypair_load (keyfile, pass, &error);
  g_assert_no_error (error);
  count = vk_count_open (db, package, key, &error);
  g_assert_no_error (error);
  cut = vk_valgdk_local_time_ms (vk_count_get_election (count)->date, 10 * 60 + 30);
  d = g_dir_open (jdir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (jdir, name, NULL);

      if (!g_str_has_suffix (name, ".vkj") || g_str_has_prefix (name, "taelleserver"))
        continue;
      if (strcmp (name, "omr01-bord1.vkj") == 0)
        {
          g_autoptr (GPtrArray) entries = vk_journal_read_file (path, &error);
          g_autoptr (GBytes) bytes = NULL;
          guint keep = 0;

          g_assert_no_error (error);
          while (keep < entries->len && ((VkEntry *)g_ptr_array_index (entries, keep))->time_ms < (guint64)cut)
            {
              if (strcmp (((VkEntry *)g_ptr_array_index (entries, keep))->type, "checkin") == 0)
                partial_checkins++;
              keep++;
            }
          g_assert_cmpuint (keep, <, entries->len);
          g_ptr_array_set_size (entries, keep);
          bytes = vk_journal_serialize (entries);
          g_assert_true (
              vk_count_ingest (count, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), name, NULL, &error));
        }
      else
        g_assert_true (vk_count_ingest_file (count, path, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (partial_checkins, >, 0);

  /* The push came after 11:00 of election day (it came today), and a push
   * carries the whole journal as of then: 11:00 is complete everywhere. */
  {
    g_autoptr (GPtrArray) at11
        = vk_count_turnout (count, NULL, vk_valgdk_local_time_ms (vk_count_get_election (count)->date, 660), &error);
    g_assert_no_error (error);
    for (guint i = 0; i < at11->len; i++)
      g_assert_true (((VkCountTurnout *)g_ptr_array_index (at11, i))->complete);
  }
  /* An hour from now nothing vouches for omr01-bord1 (no entry, push or
   * poll.close since 10:30); every other table closed its poll. */
  later = vk_count_turnout (count, NULL, g_get_real_time () / 1000 + 3600 * 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (later->len, ==, 5);
  for (guint i = 0; i < later->len; i++)
    {
      const VkCountTurnout *t = g_ptr_array_index (later, i);
      if (t->area == 1)
        {
          g_assert_false (t->complete);
          g_assert_cmpstr (t->missing, ==, "omr01-bord1");
        }
      else
        {
          g_assert_true (t->complete);
          g_assert_null (t->missing);
        }
    }
}

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (from, &data, &len, NULL))
    return; /* -wal and -shm may be absent */
  g_assert_true (g_file_set_contents (to, data, (gssize)len, NULL));
}

/* The count server serves the delivery folder at /v1/valgdk to valg.dk's
 * collector (an enrolled key of role collector), and to no table and no
 * unsigned request; the collector reads no journal. */
static void
test_collector (void)
{
  const char *out = demo_out ("Albertslund", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL, *pkg = NULL, *db = NULL, *ckey = NULL, *cpub = NULL, *url = NULL, *o = NULL, *e = NULL;
  g_autofree char *valgdk = NULL, *ekey = NULL, *skey = NULL, *tkey = NULL, *file = NULL, *want = NULL;
  g_autoptr (GString) line = g_string_new (NULL);
  const char *suffixes[] = { "", "-wal", "-shm" };
  GPid pid;
  int out_fd = -1, status = 0;
  char c;

  if (out == NULL)
    return;
  dir = vk_test_tmpdir ();
  pkg = g_build_filename (dir, "election.vkp", NULL);
  db = g_build_filename (dir, "count.db", NULL);
  {
    g_autofree char *from = g_build_filename (out, "election.vkp", NULL);
    copy_file (from, pkg);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (out, "/count.db", suffixes[i], NULL);
      g_autofree char *to = g_strconcat (db, suffixes[i], NULL);
      copy_file (from, to);
    }
  ckey = g_build_filename (dir, "indsamler.key", NULL);
  cpub = g_build_filename (dir, "indsamler.pub", NULL);
  ekey = g_build_filename (out, "keys", "election.key", NULL);
  skey = g_build_filename (out, "keys", "taelleserver.key", NULL);
  tkey = g_build_filename (out, "keys", "omr01-bord1.key", NULL);
  valgdk = g_build_filename (out, "valgdk", NULL);
  g_assert_cmpint (
      run (&o, &e, "key", "new", "--role", "collector", "--device", "valgdk-indsamler", "--out", ckey, NULL), ==, 0);
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);
  if (run (&o, &e, "enroll", pkg, "--device-key", cpub, "--role", "collector", "--key", ekey, NULL) != 0)
    g_error ("enroll: %s%s", o, e);
  g_clear_pointer (&o, g_free);
  g_clear_pointer (&e, g_free);

  {
    const char *argv[] = { vk_test_valgkit (), "serve",       "--election", pkg,    "--db", db, "--key", skey,
                           "--listen",         "127.0.0.1:0", "--valgdk",   valgdk, NULL };
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    g_assert_true (g_spawn_async_with_pipes (NULL, (char **)argv, NULL,
                                             G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid,
                                             NULL, &out_fd, NULL, &error));
    g_assert_no_error (error);
    while (g_get_monotonic_time () < deadline && read (out_fd, &c, 1) == 1)
      {
        if (c != '\n')
          {
            g_string_append_c (line, c);
            continue;
          }
        if (strstr (line->str, "http://") != NULL)
          {
            url = g_strdup (strstr (line->str, "http://"));
            break;
          }
        g_string_truncate (line, 0);
      }
    g_assert_nonnull (url);
  }

  {
    g_autofree char *list = g_strconcat (url, "/v1/valgdk", NULL);
    g_autofree char *one = g_strconcat (url, "/v1/valgdk/KV/fintaelling/165-001.v1.json", NULL);
    g_autofree char *partial = g_strconcat (url, "/v1/valgdk/KV/fintaelling/165-001.v1.json.partial", NULL);
    g_autofree char *journal = g_strconcat (url, "/v1/journals/omr01-bord1", NULL);
    g_autoptr (JsonParser) parser = json_parser_new ();
    JsonArray *files;
    gboolean found = FALSE;

    g_assert_cmpint (run (&o, &e, "http-get", "--key", ckey, list, NULL), ==, 0);
    g_assert_true (json_parser_load_from_data (parser, o, -1, NULL));
    files = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "files");
    g_assert_cmpuint (json_array_get_length (files), ==, 18);
    for (guint i = 0; i < json_array_get_length (files); i++)
      found = found || g_str_equal (json_array_get_string_element (files, i), "KV/fintaelling/165-001.v1.json");
    g_assert_true (found);
    g_clear_pointer (&o, g_free);
    g_clear_pointer (&e, g_free);

    g_assert_cmpint (run (&o, &e, "http-get", "--key", ckey, one, NULL), ==, 0);
    file = g_build_filename (valgdk, "KV", "fintaelling", "165-001.v1.json", NULL);
    g_assert_true (g_file_get_contents (file, &want, NULL, NULL));
    g_assert_cmpstr (o, ==, want);
    g_clear_pointer (&o, g_free);
    g_clear_pointer (&e, g_free);

    /* Not a file valgkit delivers: not found. */
    g_assert_cmpint (run (&o, &e, "http-get", "--key", ckey, partial, NULL), ==, 1);
    g_assert_nonnull (strstr (e, "404"));
    g_clear_pointer (&o, g_free);
    g_clear_pointer (&e, g_free);
    /* No signature, a table's key: refused. */
    g_assert_cmpint (run (&o, &e, "http-get", one, NULL), ==, 1);
    g_assert_null (strstr (o, "Kandidatlister"));
    g_clear_pointer (&o, g_free);
    g_clear_pointer (&e, g_free);
    g_assert_cmpint (run (&o, &e, "http-get", "--key", tkey, one, NULL), ==, 1);
    g_assert_nonnull (strstr (e, "403"));
    g_clear_pointer (&o, g_free);
    g_clear_pointer (&e, g_free);
    /* The collector reads no journal (who voted is personal data). */
    g_assert_cmpint (run (&o, &e, "http-get", "--key", ckey, journal, NULL), ==, 1);
    g_assert_nonnull (strstr (e, "403"));
    g_clear_pointer (&o, g_free);
    g_clear_pointer (&e, g_free);
  }
  kill (pid, SIGTERM);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  close (out_fd);
}

/* The joint night: both contests delivered, each fintælling equal to the
 * official files (RV: Læsø's areas of Region Nordjylland's files). */
static void
test_joint_laesoe (void)
{
  const char *out = demo_out ("Læsø", "rv2025/Region_Nordjylland");
  g_autofree char *valgdk = NULL, *kvfin = NULL, *rvfin = NULL, *kvoff = NULL, *rvoff = NULL, *seats = NULL;
  g_autofree char *kvdir = NULL, *rvdir = NULL;

  if (out == NULL)
    return;
  valgdk = g_build_filename (out, "valgdk", NULL);
  kvdir = g_build_filename (valgdk, "KV", NULL);
  rvdir = g_build_filename (valgdk, "RV", NULL);
  kvfin = g_build_filename (kvdir, "fintaelling", NULL);
  rvfin = g_build_filename (rvdir, "fintaelling", NULL);
  kvoff = vk_test_data_path ("Læsø", "fintaelling", NULL);
  rvoff = shared_data ("rv2025/Region_Nordjylland/fintaelling");
  seats = vk_test_data_path ("Læsø", "mandatfordeling.json", NULL);
  if (rvoff == NULL)
    return;
  compare_with_official (kvfin, kvoff, 825, 1);
  compare_with_official (rvfin, rvoff, 825, 1);
  check_mandates (kvdir, seats, 1);
  /* The region allocates the RV seats, not the municipality. */
  g_assert_cmpuint (vk_valgdk_latest_version (rvdir, "mandatfordeling-fintaelling", NULL), ==, 0);
  {
    g_autofree char *t = g_build_filename (rvdir, "valgdeltagelse", NULL);
    g_assert_cmpuint (vk_valgdk_latest_version (t, "825-015", NULL), ==, 1);
  }
  validate (valgdk);
}

/* A regionsrådsvalg's mandatfordeling (the region's allocation, from the
 * official files of Region Nordjylland's 11 municipalities) validates
 * against the schema, has the official seats and rests on every area. */
static void
test_rv_mandates (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kd = shared_data ("rv2025/Region_Nordjylland/kandidat-data.json");
  g_autofree char *fin = shared_data ("rv2025/Region_Nordjylland/fintaelling");
  g_autofree char *official = shared_data ("rv2025/Region_Nordjylland/mandatfordeling.json");
  g_autofree char *dir = NULL, *cdir = NULL, *json = NULL, *path = NULL, *a = NULL, *b = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkResults) r = NULL;
  g_autoptr (VkSeatAllocation) seats = NULL;
  g_autoptr (VkTie) tie = NULL;
  g_autoptr (JsonNode) off = NULL, ours = NULL;
  g_autoptr (GArray) refs = g_array_new (FALSE, TRUE, sizeof (VkValgdkCountRef));
  JsonArray *based_ours, *based_off;
  g_autoptr (GHashTable) dagi = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (kd == NULL || fin == NULL || official == NULL)
    return;
  e = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  r = vk_results_import_region_dir (e, fin, &error);
  g_assert_no_error (error);
  off = load_json (official);
  seats = vk_seats_allocate (
      e, json_array_get_length (json_object_get_array_member (json_node_get_object (off), "PersonligeMandater")),
      r->total, NULL, &tie, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < e->areas->len; i++)
    {
      VkValgdkCountRef ref = { g_ptr_array_index (e->areas, i), VK_RESULT_FINTAELLING, 1763542800000 };
      g_array_append_val (refs, ref);
    }
  json = vk_valgdk_mandates_to_json (seats, (const VkValgdkCountRef *)(void *)refs->data, refs->len, &error);
  g_assert_no_error (error);
  dir = vk_test_tmpdir ();
  cdir = g_build_filename (dir, "RV", NULL);
  g_assert_true (vk_valgdk_write_version (cdir, "mandatfordeling-fintaelling", json, NULL, NULL, &path, &error));
  g_assert_no_error (error);
  ours = load_json (path);
  a = seat_key (json_node_get_object (ours));
  b = seat_key (json_node_get_object (off));
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (ours), "Region"), ==, "Region Nordjylland");
  based_ours = json_object_get_array_member (json_node_get_object (ours), "BaseretPåOptællinger");
  based_off = json_object_get_array_member (json_node_get_object (off), "BaseretPåOptællinger");
  g_assert_cmpuint (json_array_get_length (based_ours), ==, json_array_get_length (based_off));
  for (guint i = 0; i < json_array_get_length (based_off); i++)
    g_hash_table_add (dagi, g_strdup_printf ("%" G_GINT64_FORMAT,
                                             json_object_get_int_member (json_array_get_object_element (based_off, i),
                                                                         "AfstemningsområdeDagiId")));
  for (guint i = 0; i < json_array_get_length (based_ours); i++)
    {
      g_autofree char *id = g_strdup_printf (
          "%" G_GINT64_FORMAT,
          json_object_get_int_member (json_array_get_object_element (based_ours, i), "AfstemningsområdeDagiId"));
      g_assert_true (g_hash_table_contains (dagi, id));
    }
  validate (dir);

  /* An area without a DAGI id cannot be named: refused. */
  {
    VkArea bare = { 0 };
    VkValgdkCountRef ref = { &bare, VK_RESULT_FINTAELLING, 1763542800000 };
    g_autofree char *none = NULL;
    bare.name = (char *)"Uden DAGI";
    bare.dagi_id = (char *)"";
    none = vk_valgdk_mandates_to_json (seats, &ref, 1, &error);
    g_assert_null (none);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  }
}

/* Versions: the same content is not written again, whatever its time of
 * writing; other content is the next version and the first is kept. */
static void
test_write_version (void)
{
  g_autofree char *dir = tmp_path ("v");
  g_autoptr (GError) error = NULL;
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *text = NULL, *partial = NULL;
  gboolean written = FALSE;
  guint version = 0;

  g_assert_true (vk_valgdk_write_version (dir, "165-001",
                                          "{\"A\":1,\"FrigivelsesTidspunktUTC\":\"19-11-2025 12:00:00\"}", &version,
                                          &written, &p1, &error));
  g_assert_no_error (error);
  g_assert_true (written);
  g_assert_cmpuint (version, ==, 1);
  g_assert_true (g_str_has_suffix (p1, "165-001.v1.json"));
  g_assert_true (vk_valgdk_write_version (dir, "165-001",
                                          "{\"A\":1,\"FrigivelsesTidspunktUTC\":\"19-11-2025 13:00:00\"}", &version,
                                          &written, &p2, &error));
  g_assert_false (written);
  g_assert_cmpuint (version, ==, 1);
  g_assert_cmpstr (p1, ==, p2);
  g_assert_true (vk_valgdk_write_version (dir, "165-001",
                                          "{\"A\":2,\"FrigivelsesTidspunktUTC\":\"19-11-2025 14:00:00\"}", &version,
                                          &written, &p3, &error));
  g_assert_true (written);
  g_assert_cmpuint (version, ==, 2);
  g_assert_true (g_file_get_contents (p1, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "{\"A\":1,\"FrigivelsesTidspunktUTC\":\"19-11-2025 12:00:00\"}");
  /* Another stem and a look-alike name are not versions of this one. */
  g_assert_cmpuint (vk_valgdk_latest_version (dir, "165-00", NULL), ==, 0);
  /* A link planted at the temporary name is refused, not followed. */
  partial = g_build_filename (dir, "165-001.v3.json.partial", NULL);
  g_assert_cmpint (symlink ("/dev/null", partial), ==, 0);
  g_assert_false (vk_valgdk_write_version (dir, "165-001", "{\"A\":3}", &version, &written, NULL, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_IO);
  g_clear_error (&error);
  g_assert_false (vk_valgdk_write_version (dir, "165-001", "not json", NULL, NULL, NULL, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
}

/* Differences from the previous election: from Albertslund's foreløbig
 * files as "the previous election", each difference is fintælling minus
 * foreløbig; without a previous election they are null. */
static void
test_previous (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kd = vk_test_data_path ("Albertslund", "kandidat-data.json", NULL);
  g_autofree char *fin = vk_test_data_path ("Albertslund", "fintaelling", NULL);
  g_autofree char *fore = vk_test_data_path ("Albertslund", "foreloebig", NULL);
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkValgdkPrevious) prev = NULL;
  g_autoptr (VkResults) fin_r = NULL, fore_r = NULL;
  guint lists_compared = 0;

  if (kd == NULL || fin == NULL || fore == NULL)
    return;
  e = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (e, fin, &error));
  fin_r = vk_results_import_dir (e, fin, &error);
  g_assert_no_error (error);
  fore_r = vk_results_import_dir (e, fore, &error);
  g_assert_no_error (error);
  prev = vk_valgdk_previous_load (fore, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_valgdk_previous_get_n_areas (prev), ==, 5);
  for (guint i = 0; i < fin_r->areas->len; i++)
    {
      const VkAreaResult *r = g_ptr_array_index (fin_r->areas, i);
      const VkAreaResult *f = g_ptr_array_index (fore_r->areas, i);
      const VkArea *a = vk_election_lookup_area (e, r->area_number);
      g_autofree char *with = vk_valgdk_area_result_to_json_full (e, a, r, 0, prev, &error);
      g_autofree char *without = vk_valgdk_area_result_to_json (e, a, r, 0, &error);
      g_autoptr (JsonParser) pw = json_parser_new (), po = json_parser_new ();
      JsonObject *ow, *oo;
      JsonArray *lists;

      g_assert_no_error (error);
      g_assert_cmpuint (f->area_number, ==, r->area_number);
      g_assert_true (json_parser_load_from_data (pw, with, -1, NULL));
      g_assert_true (json_parser_load_from_data (po, without, -1, NULL));
      ow = json_node_get_object (json_parser_get_root (pw));
      oo = json_node_get_object (json_parser_get_root (po));
      g_assert_cmpint (json_object_get_int_member (ow, "AfgivneStemmerDifferenceFraForrigeValg"), ==,
                       (gint64)r->cast - (gint64)f->cast);
      g_assert_cmpint (json_object_get_int_member (ow, "GyldigeStemmerDifferenceFraForrigeValg"), ==,
                       (gint64)r->valid - (gint64)f->valid);
      g_assert_cmpint (json_object_get_int_member (ow, "BlankeStemmerDifferenceFraForrigeValg"), ==,
                       (gint64)(r->blank_in_person + r->blank_postal) - (gint64)(f->blank_in_person + f->blank_postal));
      g_assert_cmpint (json_object_get_int_member (ow, "UgyldigeStemmerDifferenceFraForrigeValg"), ==,
                       (gint64)r->other_invalid - (gint64)f->other_invalid);
      g_assert_true (json_object_get_null_member (oo, "AfgivneStemmerDifferenceFraForrigeValg"));
      lists = json_object_get_array_member (ow, "Kandidatlister");
      for (guint k = 0; k < json_array_get_length (lists); k++)
        {
          JsonObject *l = json_array_get_object_element (lists, k);
          const char *id = json_object_get_string_member (l, "KandidatlisteId");
          g_assert_cmpint (json_object_get_int_member (l, "StemmerDifferenceFraForrigeValg"), ==,
                           (gint64)vk_area_result_get_list_votes (r, id)
                               - (gint64)vk_area_result_get_list_votes (f, id));
          lists_compared++;
        }
    }
  g_assert_cmpuint (lists_compared, >, 20);

  /* A previous election's file that is not one is refused, named. */
  {
    g_autofree char *dir = vk_test_tmpdir ();
    g_autofree char *bad = g_build_filename (dir, "x.json", NULL);
    g_autoptr (VkValgdkPrevious) none = NULL;
    g_assert_true (g_file_set_contents (bad, "{\"AfstemningsområdeDagiId\": \"7\"}", -1, NULL));
    none = vk_valgdk_previous_load (dir, &error);
    g_assert_null (none);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "x.json"));
    g_clear_error (&error);
  }
  /* A list whose letter is not text is not matched, and nothing breaks. */
  {
    g_autofree char *dir = vk_test_tmpdir ();
    g_autofree char *odd = g_build_filename (dir, "y.json", NULL);
    g_autoptr (VkValgdkPrevious) one = NULL;
    g_assert_true (g_file_set_contents (
        odd,
        "{\"AfstemningsområdeDagiId\": 7, \"AfgivneStemmer\": 1, \"GyldigeStemmer\": 1, "
        "\"UgyldigeStemmerUdoverBlanke\": 0, \"BlankeUgyldigeFremmødteStemmer\": 0, \"BlankeUgyldigeBrevstemmer\": 0, "
        "\"AntalStemmeberettigedeVælgere\": 2, \"Kandidatlister\": [{\"Bogstavbetegnelse\": {\"x\": 1}, \"Stemmer\": "
        "1}]}",
        -1, NULL));
    one = vk_valgdk_previous_load (dir, &error);
    g_assert_no_error (error);
    g_assert_nonnull (vk_valgdk_previous_lookup (one, "7"));
    g_assert_cmpuint (g_hash_table_size (vk_valgdk_previous_lookup (one, "7")->letters), ==, 0);
  }
}

/* Turnout: a point whose tables had not delivered is left out; times are
 * parsed strictly. */
static void
test_turnout_json (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) times = vk_valgdk_parse_times (VK_VALGDK_TURNOUT_TIMES_DEFAULT, &error);
  g_autoptr (GArray) none = NULL;
  g_autofree char *kd = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *fin = vk_test_data_path ("Læsø", "fintaelling", NULL);
  g_autoptr (VkElection) e = NULL;
  g_autofree char *json = NULL;
  VkTurnoutPoint points[2] = { { 660, 1500, 400, TRUE }, { 1020, 1500, 900, FALSE } };
  guint minute = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (times->len, ==, 2);
  g_assert_cmpuint (g_array_index (times, guint, 0), ==, 660);
  g_assert_cmpuint (g_array_index (times, guint, 1), ==, 1020);
  g_assert_false (vk_valgdk_parse_time ("24:00", &minute));
  g_assert_false (vk_valgdk_parse_time ("1:00", &minute));
  g_assert_false (vk_valgdk_parse_time ("11:00x", &minute));
  none = vk_valgdk_parse_times ("11:00,\x1b[2J", &error);
  g_assert_null (none);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_null (strchr (error->message, '\x1b'));
  g_clear_error (&error);
  if (kd == NULL || fin == NULL)
    return;
  e = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (e, fin, &error));
  json = vk_valgdk_turnout_to_json (e, g_ptr_array_index (e->areas, 0), points, 2, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "\"Tidspunkt\":\"11:00\""));
  g_assert_null (strstr (json, "17:00"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The demo's passphrase, for the keys the tests make beside its own. */
  if (g_getenv ("VALGKIT_PASSPHRASE") == NULL)
    g_setenv ("VALGKIT_PASSPHRASE", "prøvevalg", TRUE);
  g_test_add_func ("/valgdk-report/write-version", test_write_version);
  g_test_add_func ("/valgdk-report/previous", test_previous);
  g_test_add_func ("/valgdk-report/turnout-json", test_turnout_json);
  g_test_add_func ("/valgdk-report/rv-mandates", test_rv_mandates);
  g_test_add_func ("/valgdk-report/albertslund", test_albertslund);
  g_test_add_func ("/valgdk-report/turnout-1100", test_turnout);
  g_test_add_func ("/valgdk-report/versions", test_report_versions);
  g_test_add_func ("/valgdk-report/signed-refused", test_signed_refused);
  g_test_add_func ("/valgdk-report/not-delivered", test_not_delivered);
  g_test_add_func ("/valgdk-report/collector", test_collector);
  g_test_add_func ("/valgdk-report/joint-laesoe", test_joint_laesoe);
  return g_test_run ();
}

/* test-valgdk-export.c: one area's result exported in valg.dk's KVRV-Valgresultater shape.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every official file is imported with valgkit's importer, exported
 * again, validated against valg.dk's own schema and compared with the
 * official file field by field: every number, id, name and letter equal;
 * only the previous-election differences (which valgkit does not know:
 * null) and FrigivelsesTidspunktUTC (the time of writing) differ.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vk-election.h"
#include "vk-error.h"
#include "vk-results.h"
#include "vk-test-util.h"
#include "vk-valgdk-export.h"

/* ../shared/data/<sub>, or NULL with the test skipped. */
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

/* The KV event of a municipality (kv2025/<name>): lists from its
 * kandidat-data.json, areas from its fintælling folder. */
static VkElection *
load_kv_event (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kd = vk_test_data_path (name, "kandidat-data.json", NULL);
  g_autofree char *areas = vk_test_data_path (name, "fintaelling", NULL);
  VkElection *e;

  if (kd == NULL || areas == NULL)
    return NULL;
  e = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (e, areas, &error));
  g_assert_no_error (error);
  return e;
}

/* The official RV files of one municipality in a region's folder (the
 * region's folder holds every municipality's). */
static GPtrArray *
rv_files (const char *region, const char *kind, const char *code)
{
  g_autofree char *rv = shared_data ("rv2025");
  g_autofree char *dir = NULL;
  g_autofree char *prefix = g_strconcat (code, "-", NULL);
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  GDir *d;
  const char *e;

  if (rv == NULL)
    return files;
  dir = g_build_filename (rv, region, kind, NULL);
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((e = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (e, prefix) && g_str_has_suffix (e, ".json"))
      g_ptr_array_add (files, g_build_filename (dir, e, NULL));
  g_dir_close (d);
  g_ptr_array_sort (files, (GCompareFunc)g_strcmp0);
  return files;
}

/* The event with its RV contest added: the region's lists, and the areas
 * (with RV's own eligible voters) from that municipality's RV files. */
static VkElection *
add_rv_contest (VkElection *event, const char *region, const char *code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kd = g_build_filename (vk_test_data_dir (), "..", "rv2025", region, "kandidat-data.json", NULL);
  g_autofree char *tmp = vk_test_tmpdir ();
  g_autoptr (GPtrArray) files = rv_files (region, "fintaelling", code);
  VkElection *rv;

  rv = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rv->type, ==, VK_ELECTION_RV);
  g_assert_true (vk_election_add_contest (event, rv, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, >, 0);
  /* Copies, not links: the importer does not follow links. */
  for (guint i = 0; i < files->len; i++)
    {
      const char *f = g_ptr_array_index (files, i);
      g_autofree char *base = g_path_get_basename (f);
      g_autofree char *to = g_build_filename (tmp, base, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (f, &contents, &len, &error));
      g_assert_true (g_file_set_contents (to, contents, (gssize)len, &error));
    }
  g_assert_true (vk_election_import_areas_dir (rv, tmp, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rv->municipality_code, ==, code);
  return rv;
}

/* "19-11-2025 08:19:21" (UTC) → ms since the epoch, or -1 for null. */
static gint64
parse_valgdk_time (JsonObject *o, const char *member)
{
  JsonNode *n = json_object_get_member (o, member);
  guint d, m, y, hh, mm, ss;
  g_autoptr (GDateTime) dt = NULL;

  g_assert_nonnull (n);
  if (JSON_NODE_HOLDS_NULL (n))
    return -1;
  g_assert_cmpint (sscanf (json_node_get_string (n), "%u-%u-%u %u:%u:%u", &d, &m, &y, &hh, &mm, &ss), ==, 6);
  dt = g_date_time_new_utc ((gint)y, (gint)m, (gint)d, (gint)hh, (gint)mm, ss);
  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * 1000;
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

/* The id an array element is matched by: KandidatlisteId for a list, Id
 * for a candidate or an invalid-vote reason; NULL for anything else. */
static char *
element_key (JsonNode *n)
{
  JsonObject *o;

  if (!JSON_NODE_HOLDS_OBJECT (n))
    return NULL;
  o = json_node_get_object (n);
  if (json_object_has_member (o, "KandidatlisteId"))
    return json_to_string (json_object_get_member (o, "KandidatlisteId"), FALSE);
  if (json_object_has_member (o, "Id"))
    return json_to_string (json_object_get_member (o, "Id"), FALSE);
  return NULL;
}

static guint n_compared;

/* Official vs ours, recursively; path names the field in a failure. */
static void
compare (JsonNode *official, JsonNode *ours, const char *path)
{
  g_assert_nonnull (ours);
  if (JSON_NODE_TYPE (official) != JSON_NODE_TYPE (ours))
    g_error ("%s: official is %s, ours is %s", path, json_node_type_name (official), json_node_type_name (ours));
  if (JSON_NODE_HOLDS_OBJECT (official))
    {
      JsonObject *oo = json_node_get_object (official), *uo = json_node_get_object (ours);
      g_autoptr (GList) members = json_object_get_members (oo);

      if (json_object_get_size (oo) != json_object_get_size (uo))
        g_error ("%s: official has %u members, ours %u", path, json_object_get_size (oo), json_object_get_size (uo));
      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;
          g_autofree char *sub = g_strdup_printf ("%s.%s", path, name);
          JsonNode *u = json_object_get_member (uo, name);

          if (u == NULL)
            g_error ("%s: missing in ours", sub);
          if (g_str_has_suffix (name, "DifferenceFraForrigeValg"))
            {
              /* The previous election is not known to valgkit. */
              if (!JSON_NODE_HOLDS_NULL (u))
                g_error ("%s: ours is not null", sub);
              continue;
            }
          if (strcmp (name, "FrigivelsesTidspunktUTC") == 0)
            {
              /* The time of writing; its pattern is the schema's. */
              g_assert_true (JSON_NODE_HOLDS_VALUE (u));
              continue;
            }
          compare (json_object_get_member (oo, name), u, sub);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (official))
    {
      JsonArray *oa = json_node_get_array (official), *ua = json_node_get_array (ours);
      g_autoptr (GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      if (json_array_get_length (oa) != json_array_get_length (ua))
        g_error ("%s: official has %u elements, ours %u", path, json_array_get_length (oa), json_array_get_length (ua));
      for (guint i = 0; i < json_array_get_length (ua); i++)
        {
          char *key = element_key (json_array_get_element (ua, i));
          if (key != NULL)
            g_assert_true (g_hash_table_insert (by_key, key, json_array_get_element (ua, i)));
        }
      for (guint i = 0; i < json_array_get_length (oa); i++)
        {
          JsonNode *o = json_array_get_element (oa, i);
          g_autofree char *key = element_key (o);
          g_autofree char *sub = g_strdup_printf ("%s[%s]", path, key != NULL ? key : "?");
          JsonNode *u = key != NULL ? g_hash_table_lookup (by_key, key) : json_array_get_element (ua, i);

          if (u == NULL)
            g_error ("%s: missing in ours", sub);
          compare (o, u, sub);
        }
    }
  else if (JSON_NODE_HOLDS_VALUE (official))
    {
      if (json_node_get_value_type (official) != json_node_get_value_type (ours))
        g_error ("%s: official is %s, ours is %s", path, g_type_name (json_node_get_value_type (official)),
                 g_type_name (json_node_get_value_type (ours)));
      if (json_node_get_value_type (official) == G_TYPE_INT64)
        {
          if (json_node_get_int (official) != json_node_get_int (ours))
            g_error ("%s: official %" G_GINT64_FORMAT ", ours %" G_GINT64_FORMAT, path, json_node_get_int (official),
                     json_node_get_int (ours));
        }
      else if (json_node_get_value_type (official) == G_TYPE_STRING)
        {
          if (strcmp (json_node_get_string (official), json_node_get_string (ours)) != 0)
            g_error ("%s: official \"%s\", ours \"%s\"", path, json_node_get_string (official),
                     json_node_get_string (ours));
        }
      else
        g_error ("%s: unexpected %s", path, g_type_name (json_node_get_value_type (official)));
      n_compared++;
    }
}

/* Imports an official file into contest, writes it to out, compares the
 * written file with the official one; returns the written path. */
static char *
export_and_compare (const VkElection *contest, const char *official_path, const char *out, VkResultKind kind)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkAreaResult) r = vk_area_result_import (contest, official_path, &error);
  g_autoptr (JsonNode) official = load_json (official_path);
  g_autoptr (JsonNode) ours = NULL;
  g_autofree char *expected_name = NULL, *base = NULL, *partial = NULL;
  const VkArea *area;
  char *path = NULL;
  JsonObject *oo;

  g_assert_no_error (error);
  g_assert_cmpint (r->kind, ==, kind);
  area = vk_election_lookup_area (contest, r->area_number);
  g_assert_nonnull (area);
  oo = json_node_get_object (official);
  g_assert_true (vk_valgdk_write_area_result (out, contest, area, r, parse_valgdk_time (oo, "GodkendelsesDatoUTC"),
                                              &path, &error));
  g_assert_no_error (error);

  /* <Kommunekode>-<area number>.json, from the official file's numbers. */
  expected_name = g_strdup_printf ("%" G_GINT64_FORMAT "-%03" G_GINT64_FORMAT ".json",
                                   json_object_get_int_member (oo, "Kommunekode"),
                                   json_object_get_int_member (oo, "AfstemningsområdeNummer"));
  base = g_path_get_basename (path);
  g_assert_cmpstr (base, ==, expected_name);
  partial = g_strconcat (path, ".partial", NULL);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));

  ours = load_json (path);
  compare (official, ours, base);
  return path;
}

/* Runs Python's jsonschema on files against valg.dk's schema: 0 when all
 * are valid, 77 when that module (or the schema) is missing, 1 otherwise;
 * *ret_output is what it printed. */
static int
run_schema_check (GPtrArray *files, char **ret_output)
{
  static const char script[] = "import json, sys\n"
                               "try:\n"
                               "    import jsonschema\n"
                               "except ImportError:\n"
                               "    sys.exit(77)\n"
                               "with open(sys.argv[1], encoding='utf-8') as f:\n"
                               "    v = jsonschema.Draft4Validator(json.load(f))\n"
                               "bad = 0\n"
                               "for p in sys.argv[2:]:\n"
                               "    with open(p, encoding='utf-8') as f:\n"
                               "        for e in v.iter_errors(json.load(f)):\n"
                               "            print(p, list(e.absolute_path), e.message)\n"
                               "            bad += 1\n"
                               "print(len(sys.argv) - 2, 'valid' if bad == 0 else 'INVALID')\n"
                               "sys.exit(1 if bad else 0)\n";
  g_autofree char *schema = shared_data ("valgdk-schemas/KVRV-Valgresultater.schema.json");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  const char *python = g_getenv ("PYTHON3");
  int status;

  if (schema == NULL)
    return 77;
  g_ptr_array_add (argv, (gpointer)(python != NULL ? python : "python3"));
  g_ptr_array_add (argv, (gpointer) "-c");
  g_ptr_array_add (argv, (gpointer)script);
  g_ptr_array_add (argv, schema);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (files, i));
  g_ptr_array_add (argv, NULL);
  status = vk_test_spawn ((const char *const *)argv->pdata, &out, &err);
  *ret_output = g_strconcat (out, err, NULL);
  return status;
}

/* Validates files against valg.dk's schema; FALSE (test skipped) when
 * Python's jsonschema is missing. */
static gboolean
validate_schema (GPtrArray *files)
{
  g_autofree char *out = NULL;
  int status = run_schema_check (files, &out);

  if (status == 77)
    {
      g_test_skip ("Python's jsonschema module is not installed (apt-get install python3-jsonschema)");
      return FALSE;
    }
  if (status != 0)
    g_error ("schema validation failed (%d):\n%s", status, out);
  g_test_message ("%s", out);
  return TRUE;
}

static void
check_files (const VkElection *contest, GPtrArray *officials, VkResultKind kind)
{
  g_autofree char *out = vk_test_tmpdir ();
  g_autoptr (GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  guint before = n_compared;

  g_assert_cmpuint (officials->len, >, 0);
  for (guint i = 0; i < officials->len; i++)
    g_ptr_array_add (written, export_and_compare (contest, g_ptr_array_index (officials, i), out, kind));
  g_test_message ("%u files, %u values compared", officials->len, n_compared - before);
  /* Every list's Stemmer at least, and at fintælling much more. */
  g_assert_cmpuint (n_compared - before, >, officials->len * contest->lists->len);
  validate_schema (written);
}

typedef struct
{
  const char *kv;     /* kv2025 folder */
  const char *region; /* rv2025 folder */
  const char *code;   /* Kommunekode */
} Municipality;

static const Municipality laesoe = { "Læsø", "Region_Nordjylland", "825" };
static const Municipality albertslund = { "Albertslund", "Region_Østdanmark", "165" };

static void
test_rv (gconstpointer data, const char *kind_dir, VkResultKind kind)
{
  const Municipality *m = data;
  g_autoptr (VkElection) event = load_kv_event (m->kv);
  g_autoptr (GPtrArray) files = NULL;
  VkElection *rv;

  if (event == NULL || g_test_failed ())
    return;
  files = rv_files (m->region, kind_dir, m->code);
  if (files->len == 0)
    return;
  rv = add_rv_contest (event, m->region, m->code);
  g_assert_true (vk_election_get_contest (event, "RV") == rv);
  check_files (rv, files, kind);
}

static void
test_rv_fintaelling (gconstpointer data)
{
  test_rv (data, "fintaelling", VK_RESULT_FINTAELLING);
}

static void
test_rv_foreloebig (gconstpointer data)
{
  test_rv (data, "foreloebig", VK_RESULT_FORELOEBIG);
}

static void
test_kv (gconstpointer data, const char *kind_dir, VkResultKind kind)
{
  const Municipality *m = data;
  g_autoptr (VkElection) event = load_kv_event (m->kv);
  g_autofree char *dir = NULL;
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  GDir *d;
  const char *e;

  if (event == NULL)
    return;
  dir = vk_test_data_path (m->kv, kind_dir, NULL);
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((e = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (files, g_build_filename (dir, e, NULL));
  g_dir_close (d);
  g_assert_cmpint (event->type, ==, VK_ELECTION_KV);
  check_files (event, files, kind);
}

static void
test_kv_fintaelling (gconstpointer data)
{
  test_kv (data, "fintaelling", VK_RESULT_FINTAELLING);
}

static void
test_kv_foreloebig (gconstpointer data)
{
  test_kv (data, "foreloebig", VK_RESULT_FORELOEBIG);
}

/* The official files themselves pass the schema (so a failure of ours is
 * ours, not a mismatch between the schema and valg.dk's practice). */
static void
test_official_valid (void)
{
  g_autoptr (GPtrArray) files = rv_files (laesoe.region, "fintaelling", laesoe.code);
  g_autoptr (GPtrArray) more = rv_files (albertslund.region, "foreloebig", albertslund.code);
  g_autofree char *kv = vk_test_data_path ("Læsø", "fintaelling", "Læsø.json", NULL);

  if (files->len == 0 || kv == NULL)
    return;
  for (guint i = 0; i < more->len; i++)
    g_ptr_array_add (files, g_strdup (g_ptr_array_index (more, i)));
  g_ptr_array_add (files, g_steal_pointer (&kv));
  validate_schema (files);
}

/* The schema check has teeth: a file without Valgdag, with Kommunekode as
 * text or with an unknown member fails it. */
static void
test_schema_rejects (void)
{
  static const char *const bad[][2] = {
    { "\"Valgdag\":\"18-11-2025\",", "" },
    { "\"Kommunekode\":825", "\"Kommunekode\":\"825\"" },
    { "\"Storkreds\":null", "\"Storkreds\":null,\"Region\":\"Region Nordjylland\"" },
  };
  g_autofree char *path = vk_test_data_path ("Læsø", "fintaelling", "Læsø.json", NULL);
  g_autofree char *dir = vk_test_tmpdir ();
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *orig = NULL, *out = NULL;
  g_autoptr (GError) error = NULL;

  if (path == NULL)
    return;
  g_assert_true (g_file_get_contents (path, &orig, NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *f = g_strdup_printf ("%s/bad-%u.json", dir, i);
      g_autoptr (GString) s = g_string_new (orig);

      g_assert_cmpuint (g_string_replace (s, bad[i][0], bad[i][1], 1), ==, 1);
      g_assert_true (g_file_set_contents (f, s->str, (gssize)s->len, &error));
      g_ptr_array_add (files, g_steal_pointer (&f));
    }
  /* One at a time: each must fail on its own. */
  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr (GPtrArray) one = g_ptr_array_new ();
      int status;

      g_ptr_array_add (one, g_ptr_array_index (files, i));
      g_clear_pointer (&out, g_free);
      status = run_schema_check (one, &out);
      if (status == 77)
        {
          g_test_skip ("Python's jsonschema module is not installed (apt-get install python3-jsonschema)");
          return;
        }
      g_test_message ("%s", out);
      g_assert_cmpint (status, ==, 1);
    }
}

/* A result imported from Læsø's KV fintælling, for the error cases. */
static VkAreaResult *
laesoe_kv_result (VkElection **ret_event)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = vk_test_data_path ("Læsø", "fintaelling", "Læsø.json", NULL);
  VkElection *event = load_kv_event ("Læsø");
  VkAreaResult *r;

  if (path == NULL || event == NULL)
    return NULL;
  r = vk_area_result_import (event, path, &error);
  g_assert_no_error (error);
  *ret_event = event;
  return r;
}

static void
expect_error (const VkElection *contest, const VkArea *area, const VkAreaResult *r, const char *field)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = vk_valgdk_area_result_to_json (contest, area, r, -1, &error);

  g_assert_null (json);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, field));
  g_assert_nonnull (strstr (error->message, area->name));
}

static void
test_bad_input (void)
{
  g_autoptr (VkElection) event = NULL;
  g_autoptr (VkAreaResult) r = laesoe_kv_result (&event);
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL, *saved = NULL;
  VkArea *area;
  VkListResult *l;
  guint64 cast;

  if (r == NULL)
    return;
  area = vk_election_lookup_area (event, r->area_number);
  g_assert_nonnull (area);
  json = vk_valgdk_area_result_to_json (event, area, r, -1, &error);
  g_assert_no_error (error);
  /* Not approved yet: GodkendelsesDatoUTC is null. */
  g_assert_nonnull (strstr (json, "\"GodkendelsesDatoUTC\":null"));

  /* A result of another area. */
  r->area_number++;
  expect_error (event, area, r, "AfstemningsområdeNummer");
  r->area_number--;

  /* A name from a file with a terminal escape is escaped in the error. */
  {
    g_autofree char *name = g_steal_pointer (&area->name);
    g_autoptr (GError) e2 = NULL;
    g_autofree char *j = NULL;

    area->name = g_strdup ("L\x1b[2J");
    r->area_number++;
    j = vk_valgdk_area_result_to_json (event, area, r, -1, &e2);
    g_assert_null (j);
    g_assert_null (strchr (e2->message, '\x1b'));
    r->area_number--;
    g_free (area->name);
    area->name = g_steal_pointer (&name);
  }

  /* No DAGI id anywhere; then two different ones. */
  saved = g_steal_pointer (&area->dagi_id);
  area->dagi_id = g_strdup ("");
  g_free (r->dagi_id);
  r->dagi_id = g_strdup ("");
  expect_error (event, area, r, "AfstemningsområdeDagiId");
  g_free (r->dagi_id);
  r->dagi_id = g_strdup ("1");
  g_free (area->dagi_id);
  area->dagi_id = g_strdup (saved);
  expect_error (event, area, r, "AfstemningsområdeDagiId");
  g_free (r->dagi_id);
  r->dagi_id = g_strdup (saved);

  /* No Kommunekode. */
  g_free (g_steal_pointer (&saved));
  saved = g_steal_pointer (&event->municipality_code);
  event->municipality_code = g_strdup ("");
  expect_error (event, area, r, "Kommunekode");
  g_free (event->municipality_code);
  event->municipality_code = g_steal_pointer (&saved);

  /* A number beyond int32. */
  cast = r->cast;
  r->cast = (guint64)G_MAXINT32 + 1;
  expect_error (event, area, r, "AfgivneStemmer");
  r->cast = cast;

  /* A list that is not the contest's; a candidate on the wrong list. */
  l = vk_area_result_add_list (r, "00000000-0000-0000-0000-000000000000", 1, 0);
  expect_error (event, area, r, "not in the KV contest");
  g_hash_table_remove (r->lists_by_id, l->list_id);
  g_ptr_array_remove (r->lists, l);
  {
    const VkList *a = g_ptr_array_index (event->lists, 0), *b = g_ptr_array_index (event->lists, 1);
    const VkCandidate *c = g_ptr_array_index (a->candidates, 0);
    gpointer key = NULL;

    g_assert_true (g_hash_table_lookup_extended (r->candidate_votes, c->id, &key, NULL));
    g_hash_table_insert (r->candidate_list, key, b->id);
    expect_error (event, area, r, "is not on list");
  }

  /* A contest valg.dk publishes in another shape. */
  g_clear_pointer (&json, g_free);
  event->type = VK_ELECTION_FV;
  expect_error (event, area, r, "Valgart");
  event->type = VK_ELECTION_KV;
}

static void
test_write (void)
{
  g_autoptr (VkElection) event = NULL;
  g_autoptr (VkAreaResult) r = laesoe_kv_result (&event);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL, *path = NULL, *path2 = NULL, *partial = NULL, *target = NULL, *contents = NULL;
  g_autofree char *missing = NULL;
  g_autoptr (JsonNode) node = NULL;
  VkArea *area;

  if (r == NULL)
    return;
  area = vk_election_lookup_area (event, r->area_number);
  dir = vk_test_tmpdir ();

  g_assert_true (vk_valgdk_write_area_result (dir, event, area, r, 0, &path, &error));
  g_assert_no_error (error);
  /* Overwritten in place by a newer count (here: one more valid vote). */
  r->valid++;
  g_assert_true (vk_valgdk_write_area_result (dir, event, area, r, 1000, &path2, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, path2);
  node = load_json (path);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (node), "GyldigeStemmer"), ==, (gint64)r->valid);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "GodkendelsesDatoUTC"), ==,
                   "01-01-1970 00:00:01");
  partial = g_strconcat (path, ".partial", NULL);
  g_assert_false (g_file_test (partial, G_FILE_TEST_EXISTS));

  /* A link planted at the .partial name is not followed. */
  target = g_build_filename (dir, "target", NULL);
  g_assert_true (g_file_set_contents (target, "untouched", -1, &error));
  g_assert_cmpint (symlink (target, partial), ==, 0);
  g_assert_false (vk_valgdk_write_area_result (dir, event, area, r, 0, NULL, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (target, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, "untouched");

  /* A folder that does not exist. */
  missing = g_build_filename (dir, "missing", NULL);
  g_assert_false (vk_valgdk_write_area_result (missing, event, area, r, 0, NULL, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_IO);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/valgdk-export/official-valid", test_official_valid);
  g_test_add_data_func ("/valgdk-export/rv-fintaelling/laesoe", &laesoe, test_rv_fintaelling);
  g_test_add_data_func ("/valgdk-export/rv-fintaelling/albertslund", &albertslund, test_rv_fintaelling);
  g_test_add_data_func ("/valgdk-export/rv-foreloebig/laesoe", &laesoe, test_rv_foreloebig);
  g_test_add_data_func ("/valgdk-export/rv-foreloebig/albertslund", &albertslund, test_rv_foreloebig);
  g_test_add_data_func ("/valgdk-export/kv-fintaelling/laesoe", &laesoe, test_kv_fintaelling);
  g_test_add_data_func ("/valgdk-export/kv-fintaelling/albertslund", &albertslund, test_kv_fintaelling);
  g_test_add_data_func ("/valgdk-export/kv-foreloebig/laesoe", &laesoe, test_kv_foreloebig);
  g_test_add_func ("/valgdk-export/schema-rejects", test_schema_rejects);
  g_test_add_func ("/valgdk-export/bad-input", test_bad_input);
  g_test_add_func ("/valgdk-export/write", test_write);
  return g_test_run ();
}

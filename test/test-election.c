/* test-election.c: the election model and the valg.dk importers.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-election.h"
#include "vk-error.h"
#include "vk-test-util.h"

/* The municipalities present in VK_DATA_DIR, sorted. */
static GPtrArray *
list_municipalities (void)
{
  const char *dir = vk_test_data_dir ();
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *d;
  const char *e;

  if (dir == NULL)
    return names;
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((e = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *k = g_build_filename (dir, e, "kandidat-data.json", NULL);
      if (g_file_test (k, G_FILE_TEST_EXISTS))
        g_ptr_array_add (names, g_strdup (e));
    }
  g_dir_close (d);
  return names;
}

static JsonObject *
parse_file (JsonParser *parser, const char *path)
{
  g_autoptr (GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_import_all (void)
{
  g_autoptr (GPtrArray) munis = list_municipalities ();

  if (munis->len == 0)
    return;
  g_assert_cmpuint (munis->len, >=, 7);
  for (guint m = 0; m < munis->len; m++)
    {
      const char *name = g_ptr_array_index (munis, m);
      g_autofree char *path = vk_test_data_path (name, "kandidat-data.json", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (VkElection) e = vk_election_import_kandidatdata (path, &error);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *root = parse_file (parser, path);
      JsonArray *lists = json_object_get_array_member (root, "Kandidatlister");
      JsonArray *vfs = json_object_get_array_member (root, "Valgforbund");
      guint n_cands_json = 0, n_cands = 0, n_vf_lists_json = 0;

      g_assert_no_error (error);
      g_assert_nonnull (e);
      g_assert_cmpstr (e->municipality, ==, json_object_get_string_member (root, "Kommune"));
      g_assert_cmpstr (e->municipality_dagi_id, ==, json_object_get_string_member (root, "KommuneDagiId"));
      g_assert_cmpint (e->type, ==, VK_ELECTION_KV);
      g_assert_cmpstr (e->date, ==, "2025-11-18");
      g_assert_cmpuint (e->seats, ==, 0);
      g_assert_cmpuint (e->lists->len, ==, json_array_get_length (lists));
      g_assert_cmpuint (e->valgforbund->len, ==, json_array_get_length (vfs));

      for (guint i = 0; i < json_array_get_length (lists); i++)
        {
          JsonObject *lo = json_array_get_object_element (lists, i);
          JsonArray *cands = json_object_get_array_member (lo, "Kandidater");
          VkList *l = vk_election_lookup_list (e, json_object_get_string_member (lo, "KandidatlisteId"));
          const char *form = json_object_get_string_member (lo, "Opstillingsform");

          g_assert_nonnull (l);
          g_assert_cmpstr (l->letter, ==, json_object_get_string_member (lo, "Bogstavbetegnelse"));
          g_assert_cmpstr (l->name, ==, json_object_get_string_member (lo, "Navn"));
          g_assert_cmpuint (l->position, ==, json_object_get_int_member (lo, "Stemmeseddelsplacering"));
          g_assert_cmpint (l->form, ==, strcmp (form, "Partiliste") == 0 ? VK_LIST_PARTILISTE : VK_LIST_SIDEORDNET);
          g_assert_cmpuint (l->candidates->len, ==, json_array_get_length (cands));
          n_cands_json += json_array_get_length (cands);
          for (guint k = 0; k < json_array_get_length (cands); k++)
            {
              JsonObject *co = json_array_get_object_element (cands, k);
              VkCandidate *c = vk_election_lookup_candidate (e, json_object_get_string_member (co, "Id"));

              g_assert_nonnull (c);
              g_assert_true (c->list == l);
              g_assert_cmpstr (c->name, ==, json_object_get_string_member (co, "Navn"));
              g_assert_cmpstr (c->ballot_name, ==, json_object_get_string_member (co, "Stemmeseddelnavn"));
              g_assert_cmpstr (c->occupation, ==, json_object_get_string_member (co, "Stilling"));
              g_assert_cmpuint (c->position, ==, json_object_get_int_member (co, "Stemmeseddelsplacering"));
            }
        }
      /* Lists and candidates are in ballot order. */
      for (guint i = 0; i < e->lists->len; i++)
        {
          VkList *l = g_ptr_array_index (e->lists, i);
          if (i > 0)
            g_assert_cmpuint (((VkList *)g_ptr_array_index (e->lists, i - 1))->position, <, l->position);
          for (guint k = 1; k < l->candidates->len; k++)
            g_assert_cmpuint (((VkCandidate *)g_ptr_array_index (l->candidates, k - 1))->position, <,
                              ((VkCandidate *)g_ptr_array_index (l->candidates, k))->position);
          n_cands += l->candidates->len;
        }
      g_assert_cmpuint (n_cands, ==, n_cands_json);
      g_assert_cmpuint (g_hash_table_size (e->candidates_by_id), ==, n_cands_json);

      for (guint i = 0; i < json_array_get_length (vfs); i++)
        {
          JsonObject *vo = json_array_get_object_element (vfs, i);
          JsonArray *ids = json_object_get_array_member (vo, "KandidatlisteId");
          VkValgforbund *vf = g_ptr_array_index (e->valgforbund, i);

          g_assert_cmpstr (vf->id, ==, json_object_get_string_member (vo, "ValgforbundId"));
          g_assert_cmpuint (vf->list_ids->len, ==, json_array_get_length (ids));
          for (guint k = 0; k < json_array_get_length (ids); k++)
            {
              VkList *l = vk_election_lookup_list (e, json_array_get_string_element (ids, k));
              g_assert_nonnull (l);
              g_assert_cmpstr (l->valgforbund_id, ==, vf->id);
            }
          n_vf_lists_json += json_array_get_length (ids);
        }
      /* Lists outside every valgforbund have no id. */
      for (guint i = 0; i < e->lists->len; i++)
        if (((VkList *)g_ptr_array_index (e->lists, i))->valgforbund_id != NULL)
          n_vf_lists_json--;
      g_assert_cmpuint (n_vf_lists_json, ==, 0);
    }
}

static void
test_areas_all (void)
{
  g_autoptr (GPtrArray) munis = list_municipalities ();

  for (guint m = 0; m < munis->len; m++)
    {
      const char *name = g_ptr_array_index (munis, m);
      g_autofree char *path = vk_test_data_path (name, "kandidat-data.json", NULL);
      g_autofree char *dir = vk_test_data_path (name, "fintaelling", NULL);
      g_autofree char *dir2 = vk_test_data_path (name, "foreloebig", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (VkElection) e = vk_election_import_kandidatdata (path, &error);
      guint n_files = 0;
      guint64 eligible_json = 0, eligible = 0;
      gint64 code = -1;
      GDir *d;
      const char *entry;

      g_assert_no_error (error);
      g_assert_true (vk_election_import_areas_dir (e, dir, &error));
      g_assert_no_error (error);

      d = g_dir_open (dir, 0, NULL);
      while ((entry = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *f = g_build_filename (dir, entry, NULL);
          g_autoptr (JsonParser) parser = json_parser_new ();
          JsonObject *root = parse_file (parser, f);
          VkArea *a = vk_election_lookup_area (e, (guint)json_object_get_int_member (root, "AfstemningsområdeNummer"));

          g_assert_nonnull (a);
          g_assert_cmpstr (a->name, ==, json_object_get_string_member (root, "Afstemningsområde"));
          g_assert_cmpuint (a->eligible, ==, json_object_get_int_member (root, "AntalStemmeberettigedeVælgere"));
          eligible_json += (guint64)json_object_get_int_member (root, "AntalStemmeberettigedeVælgere");
          code = json_object_get_int_member (root, "Kommunekode");
          n_files++;
        }
      g_dir_close (d);
      g_assert_cmpuint (e->areas->len, ==, n_files);
      for (guint i = 0; i < e->areas->len; i++)
        {
          VkArea *a = g_ptr_array_index (e->areas, i);
          if (i > 0)
            g_assert_cmpuint (((VkArea *)g_ptr_array_index (e->areas, i - 1))->number, <, a->number);
          eligible += a->eligible;
        }
      g_assert_cmpuint (eligible, ==, eligible_json);
      {
        g_autofree char *code_str = g_strdup_printf ("%" G_GINT64_FORMAT, code);
        g_assert_cmpstr (e->municipality_code, ==, code_str);
      }
      /* The foreløbig folder names the same areas: reading it adds nothing. */
      g_assert_true (vk_election_import_areas_dir (e, dir2, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (e->areas->len, ==, n_files);
    }
}

/* Writes text to a file in a fresh temporary folder and returns its path. */
static char *
write_tmp (const char *name, const char *text)
{
  g_autofree char *dir = vk_test_tmpdir ();
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static char *
laesoe_text (void)
{
  g_autofree char *path = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  char *text = NULL;

  if (path == NULL)
    return NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* Replaces the first occurrence of from with to. */
static char *
replace_once (const char *text, const char *from, const char *to)
{
  const char *p = strstr (text, from);

  g_assert_nonnull (p);
  return g_strdup_printf ("%.*s%s%s", (int)(p - text), text, to, p + strlen (from));
}

static void
expect_error (const char *text, int code, const char *fragment)
{
  g_autofree char *path = write_tmp ("kandidat-data.json", text);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = vk_election_import_kandidatdata (path, &error);

  g_assert_null (e);
  g_assert_error (error, VK_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "kandidat-data.json"));
  if (strstr (error->message, fragment) == NULL)
    g_error ("expected \"%s\" in \"%s\"", fragment, error->message);
}

static void
test_bad_input (void)
{
  g_autofree char *text = laesoe_text ();
  g_autofree char *trunc = NULL;
  g_autofree char *no_id = NULL, *wrong_type = NULL, *bad_form = NULL, *bad_date = NULL, *bad_type = NULL;
  g_autofree char *bad_vf = NULL, *list_type = NULL, *cand_not_obj = NULL;

  if (text == NULL)
    return;
  /* Truncated in the middle. */
  trunc = g_strndup (text, strlen (text) / 2);
  expect_error (trunc, VK_ERROR_TRUNCATED, "kandidat-data.json");
  expect_error ("", VK_ERROR_TRUNCATED, "empty");
  expect_error ("[1,2]", VK_ERROR_INVALID, "not a JSON object");
  expect_error ("{\"Kommune\": ", VK_ERROR_TRUNCATED, "kandidat-data.json");

  /* The first candidate of list 0 loses its Id: "Kandidatlister[0].Kandidater[0].Id: missing". */
  no_id = replace_once (text, "\"Id\":\"c7c8c8cc-af37-496c-a1d1-456d6a057365\",", "");
  expect_error (no_id, VK_ERROR_INVALID, "Kandidatlister[0].Kandidater[0].Id: missing");

  /* A number where a string belongs (the second list's first candidate's name). */
  wrong_type = replace_once (text, "\"Navn\":\"Niels Odgaard\"", "\"Navn\":17");
  expect_error (wrong_type, VK_ERROR_INVALID, "Kandidatlister[1].Kandidater[0].Navn: expected a string");

  list_type = replace_once (text, "\"Stemmeseddelsplacering\":2,\"Bogstavbetegnelse\":\"C\"",
                            "\"Stemmeseddelsplacering\":\"2\",\"Bogstavbetegnelse\":\"C\"");
  expect_error (list_type, VK_ERROR_INVALID, "Kandidatlister[1].Stemmeseddelsplacering: expected an integer");

  bad_form = replace_once (text, "\"Opstillingsform\":\"Sideordnet\"", "\"Opstillingsform\":\"Tilfældig\"");
  expect_error (bad_form, VK_ERROR_INVALID, "Kandidatlister[0].Opstillingsform: unknown value");

  bad_date = replace_once (text, "\"Valgdag\":\"18-11-2025\"", "\"Valgdag\":\"31-02-2025\"");
  expect_error (bad_date, VK_ERROR_INVALID, "Valgdag: invalid date");

  bad_type = replace_once (text, "\"Valgart\":\"Kommunalvalg\"", "\"Valgart\":\"Menighedsrådsvalg\"");
  expect_error (bad_type, VK_ERROR_INVALID, "Valgart: unknown election type");

  bad_vf = replace_once (text, "5edc04a6-bbf7-4ba9-b5b4-5c0141dceefa", "00000000-0000-0000-0000-000000000000");
  expect_error (bad_vf, VK_ERROR_INVALID, "Valgforbund[0].KandidatlisteId[0]: valgforbund");

  cand_not_obj = replace_once (text, "\"Kandidater\":[", "\"Kandidater\":[3,");
  expect_error (cand_not_obj, VK_ERROR_INVALID, "Kandidatlister[0].Kandidater[0]: expected an object");

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VkElection) e = vk_election_import_kandidatdata ("/nonexistent/kandidat-data.json", &error);
    g_assert_null (e);
    g_assert_error (error, VK_ERROR, VK_ERROR_IO);
  }
}

static void
test_areas_bad (void)
{
  g_autofree char *src = vk_test_data_path ("Læsø", "fintaelling", "Læsø.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (GError) error = NULL;

  if (src == NULL)
    return;
  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  {
    g_autofree char *bad
        = replace_once (text, "\"AntalStemmeberettigedeVælgere\":1481", "\"AntalStemmeberettigedeVælgere\":\"1481\"");
    g_autofree char *path = write_tmp ("Læsø.json", bad);
    g_autofree char *dir = g_path_get_dirname (path);

    g_assert_false (vk_election_import_areas_dir (e, dir, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "AntalStemmeberettigedeVælgere: expected an integer"));
    g_assert_cmpuint (e->areas->len, ==, 0);
    g_clear_error (&error);
  }
  {
    g_autofree char *dir = vk_test_tmpdir ();
    g_assert_false (vk_election_import_areas_dir (e, dir, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
}

static void
test_builders (void)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (GError) error = NULL;
  VkList *a = vk_election_add_list (e, "L1", "A", "Liste A", 1, VK_LIST_PARTILISTE);
  VkList *b = vk_election_add_list (e, "L2", "B", "Liste B", 2, VK_LIST_SIDEORDNET);
  VkCandidate *c = vk_election_add_candidate (e, a, "K1", "Anna", NULL, 1);
  VkValgforbund *vf = vk_election_add_valgforbund (e, "VF1", "AB");
  VkElectionType t;

  g_assert_true (vk_election_lookup_list (e, "L1") == a);
  g_assert_true (vk_election_lookup_candidate (e, "K1") == c);
  g_assert_cmpstr (c->ballot_name, ==, "Anna");
  g_assert_null (vk_election_lookup_list (e, "nope"));
  g_assert_true (vk_election_valgforbund_add_list (e, vf, "L1", &error));
  g_assert_true (vk_election_valgforbund_add_list (e, vf, "L2", &error));
  g_assert_cmpstr (b->valgforbund_id, ==, "VF1");
  g_assert_false (vk_election_valgforbund_add_list (e, vf, "L2", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vk_election_valgforbund_add_list (e, vf, "L9", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
  vk_election_add_area (e, 5, "Fem", "", 100);
  vk_election_add_area (e, 2, "To", "", 50);
  g_assert_cmpuint (((VkArea *)g_ptr_array_index (e->areas, 0))->number, ==, 2);
  g_assert_cmpstr (vk_election_lookup_area (e, 5)->name, ==, "Fem");
  g_assert_null (vk_election_lookup_area (e, 3));

  for (int i = VK_ELECTION_KV; i <= VK_ELECTION_FA; i++)
    {
      g_assert_true (vk_election_type_from_string (vk_election_type_to_string (i), &t));
      g_assert_cmpint (t, ==, i);
    }
  g_assert_false (vk_election_type_from_string ("XX", &t));
  vk_election_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/election/import-all", test_import_all);
  g_test_add_func ("/election/areas-all", test_areas_all);
  g_test_add_func ("/election/bad-input", test_bad_input);
  g_test_add_func ("/election/areas-bad", test_areas_bad);
  g_test_add_func ("/election/builders", test_builders);
  return g_test_run ();
}

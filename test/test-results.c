/* test-results.c: valgresultater import, sums and consistency checks.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-counts.h"
#include "vk-election.h"
#include "vk-error.h"
#include "vk-results.h"
#include "vk-test-util.h"

static GPtrArray *
municipalities (void)
{
  const char *dir = vk_test_data_dir ();
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  GDir *d;
  const char *e;

  if (dir == NULL)
    return names;
  d = g_dir_open (dir, 0, NULL);
  while ((e = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *k = g_build_filename (dir, e, "kandidat-data.json", NULL);
      if (g_file_test (k, G_FILE_TEST_EXISTS))
        g_ptr_array_add (names, g_strdup (e));
    }
  g_dir_close (d);
  return names;
}

/* Sums a folder directly with json-glib, independently of the importer. */
typedef struct
{
  guint64 cast, valid, blank_in_person, blank_postal, other, eligible;
  GHashTable *lists;      /* id → guint64 total */
  GHashTable *candidates; /* id → guint64 */
  guint n_files;
} DirectSum;

static void
direct_sum (const char *dir, DirectSum *s)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *entry;

  memset (s, 0, sizeof *s);
  s->lists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s->candidates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *root;
      JsonArray *lists;

      g_assert_true (json_parser_load_from_file (parser, path, NULL));
      root = json_node_get_object (json_parser_get_root (parser));
      s->cast += (guint64)json_object_get_int_member (root, "AfgivneStemmer");
      s->valid += (guint64)json_object_get_int_member (root, "GyldigeStemmer");
      s->blank_in_person += (guint64)json_object_get_int_member (root, "BlankeUgyldigeFremmødteStemmer");
      s->blank_postal += (guint64)json_object_get_int_member (root, "BlankeUgyldigeBrevstemmer");
      s->other += (guint64)json_object_get_int_member (root, "UgyldigeStemmerUdoverBlanke");
      s->eligible += (guint64)json_object_get_int_member (root, "AntalStemmeberettigedeVælgere");
      lists = json_object_get_array_member (root, "Kandidatlister");
      for (guint i = 0; i < json_array_get_length (lists); i++)
        {
          JsonObject *l = json_array_get_object_element (lists, i);
          const char *id = json_object_get_string_member (l, "KandidatlisteId");
          guint64 v = GPOINTER_TO_SIZE (g_hash_table_lookup (s->lists, id));
          g_hash_table_replace (s->lists, g_strdup (id),
                                GSIZE_TO_POINTER (v + (guint64)json_object_get_int_member (l, "Stemmer")));
          if (!json_object_get_null_member (l, "Kandidater"))
            {
              JsonArray *c = json_object_get_array_member (l, "Kandidater");
              for (guint k = 0; k < json_array_get_length (c); k++)
                {
                  JsonObject *co = json_array_get_object_element (c, k);
                  const char *cid = json_object_get_string_member (co, "Id");
                  guint64 cv = GPOINTER_TO_SIZE (g_hash_table_lookup (s->candidates, cid));
                  g_hash_table_replace (s->candidates, g_strdup (cid),
                                        GSIZE_TO_POINTER (cv + (guint64)json_object_get_int_member (co, "Stemmer")));
                }
            }
        }
      s->n_files++;
    }
  g_dir_close (d);
}

static void
check_folder (const VkElection *e, const char *dir, VkResultKind kind)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkResults) r = vk_results_import_dir (e, dir, &error);
  g_autoptr (GPtrArray) failures = NULL;
  DirectSum s;
  GHashTableIter it;
  gpointer key, value;

  g_assert_no_error (error);
  g_assert_cmpint (r->kind, ==, kind);
  direct_sum (dir, &s);
  g_assert_cmpuint (r->areas->len, ==, s.n_files);
  g_assert_cmpuint (r->total->cast, ==, s.cast);
  g_assert_cmpuint (r->total->valid, ==, s.valid);
  g_assert_cmpuint (r->total->blank_in_person, ==, s.blank_in_person);
  g_assert_cmpuint (r->total->blank_postal, ==, s.blank_postal);
  g_assert_cmpuint (r->total->other_invalid, ==, s.other);
  g_assert_cmpuint (r->total->eligible, ==, s.eligible);
  g_hash_table_iter_init (&it, s.lists);
  while (g_hash_table_iter_next (&it, &key, &value))
    g_assert_cmpuint (vk_area_result_get_list_votes (r->total, key), ==, GPOINTER_TO_SIZE (value));
  g_assert_cmpuint (g_hash_table_size (s.candidates), ==, g_hash_table_size (r->total->candidate_votes));
  g_hash_table_iter_init (&it, s.candidates);
  while (g_hash_table_iter_next (&it, &key, &value))
    g_assert_cmpuint (vk_area_result_get_candidate_votes (r->total, key), ==, GPOINTER_TO_SIZE (value));
  g_assert_cmpint (r->total->has_candidate_votes, ==, kind == VK_RESULT_FINTAELLING);
  for (guint i = 1; i < r->areas->len; i++)
    g_assert_cmpuint (((VkAreaResult *)g_ptr_array_index (r->areas, i - 1))->area_number, <,
                      ((VkAreaResult *)g_ptr_array_index (r->areas, i))->area_number);
  /* Every official record passes every check. */
  failures = vk_results_check (r);
  for (guint i = 0; i < failures->len; i++)
    g_test_message ("%s", ((VkCheckFailure *)g_ptr_array_index (failures, i))->message);
  g_assert_cmpuint (failures->len, ==, 0);
  g_hash_table_unref (s.lists);
  g_hash_table_unref (s.candidates);
}

static void
test_import_all (void)
{
  g_autoptr (GPtrArray) names = municipalities ();

  for (guint m = 0; m < names->len; m++)
    {
      const char *name = g_ptr_array_index (names, m);
      g_autofree char *kpath = vk_test_data_path (name, "kandidat-data.json", NULL);
      g_autofree char *fin = vk_test_data_path (name, "fintaelling", NULL);
      g_autofree char *fore = vk_test_data_path (name, "foreloebig", NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (VkElection) e = vk_election_import_kandidatdata (kpath, &error);

      g_assert_no_error (error);
      check_folder (e, fin, VK_RESULT_FINTAELLING);
      check_folder (e, fore, VK_RESULT_FORELOEBIG);
      /* Without an election the importer reads the same numbers. */
      check_folder (NULL, fin, VK_RESULT_FINTAELLING);
    }
}

static char *
laesoe_fin (void)
{
  g_autofree char *path = vk_test_data_path ("Læsø", "fintaelling", "Læsø.json", NULL);
  char *text = NULL;

  if (path == NULL)
    return NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static char *
replace_once (const char *text, const char *from, const char *to)
{
  const char *p = strstr (text, from);

  g_assert_nonnull (p);
  return g_strdup_printf ("%.*s%s%s", (int)(p - text), text, to, p + strlen (from));
}

static char *
write_area (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static VkElection *
laesoe_election (void)
{
  g_autofree char *kpath = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autoptr (GError) error = NULL;
  VkElection *e = vk_election_import_kandidatdata (kpath, &error);

  g_assert_no_error (error);
  return e;
}

static void
test_check_failures (void)
{
  g_autofree char *text = laesoe_fin ();
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *tampered = NULL, *path = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkResults) r = NULL;
  g_autoptr (GPtrArray) failures = NULL;
  gboolean list_failure = FALSE;

  if (text == NULL)
    return;
  e = laesoe_election ();
  /* One more personal vote for C's Heidi Strøm: C's total no longer adds
   * up, and neither do the municipality's. */
  tampered = replace_once (text, "\"Stemmer\":144", "\"Stemmer\":145");
  path = write_area (dir, "Læsø.json", tampered);
  r = vk_results_import_dir (e, dir, &error);
  g_assert_no_error (error);
  failures = vk_results_check (r);
  g_assert_cmpuint (failures->len, ==, 2); /* the area and the total */
  for (guint i = 0; i < failures->len; i++)
    {
      VkCheckFailure *f = g_ptr_array_index (failures, i);
      g_test_message ("%s", f->message);
      g_assert_cmpstr (f->list_id, ==, "a04f570d-b464-47c7-875b-eb315464bb11");
      g_assert_cmpint (f->expected, ==, 574);
      g_assert_cmpint (f->actual, ==, 573);
      g_assert_nonnull (strstr (f->message, "574"));
      g_assert_nonnull (strstr (f->message, "573"));
      g_assert_nonnull (strstr (f->message, "a04f570d-b464-47c7-875b-eb315464bb11"));
      list_failure = list_failure || strstr (f->message, "15 Læsø") != NULL;
    }
  g_assert_true (list_failure);
}

static void
test_check_synthetic (void)
{
  g_autoptr (VkAreaResult) a = vk_area_result_new (VK_RESULT_FINTAELLING, 3, "Nord");
  g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_check_failure_free);

  a->has_invalid_detail = TRUE;
  a->cast = 110;
  a->valid = 100;
  a->blank_in_person = 4;
  a->blank_postal = 2;
  a->other_invalid = 4;
  vk_area_result_add_list (a, "L", 100, 20);
  vk_area_result_add_candidate (a, "L", "K1", 50);
  vk_area_result_add_candidate (a, "L", "K2", 30);
  vk_area_result_add_invalid (a, 1, 4);
  vk_area_result_add_invalid (a, 21, 2);
  vk_area_result_add_invalid (a, 5, 3);
  vk_area_result_add_invalid (a, 24, 1);
  g_assert_cmpuint (vk_area_result_check (a, failures), ==, 0);

  /* Each equation broken once. */
  a->cast = 111;
  g_assert_cmpuint (vk_area_result_check (a, failures), ==, 1);
  a->cast = 110;
  vk_area_result_add_invalid (a, 5, 1); /* reasons: 5 vs 4 */
  g_assert_cmpuint (vk_area_result_check (a, failures), ==, 1);
  vk_area_result_add_invalid (a, 1, 1); /* blank in person 5 vs 4 */
  g_assert_cmpuint (vk_area_result_check (a, failures), ==, 2);
  g_assert_cmpuint (failures->len, ==, 4);
  {
    VkCheckFailure *f = g_ptr_array_index (failures, 0);
    g_assert_nonnull (strstr (f->message, "area 3 Nord"));
    g_assert_cmpint (f->expected, ==, 110);
    g_assert_cmpint (f->actual, ==, 111);
    g_assert_null (f->list_id);
  }
}

static void
expect_import_error (const VkElection *e, const char *text, int code, const char *fragment)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = write_area (dir, "area.json", text);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkAreaResult) a = vk_area_result_import (e, path, &error);

  g_assert_null (a);
  g_assert_error (error, VK_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "area.json"));
  if (strstr (error->message, fragment) == NULL)
    g_error ("expected \"%s\" in \"%s\"", fragment, error->message);
}

static void
test_bad_input (void)
{
  g_autofree char *text = laesoe_fin ();
  g_autoptr (VkElection) e = NULL;

  if (text == NULL)
    return;
  e = laesoe_election ();
  {
    g_autofree char *t = g_strndup (text, strlen (text) / 3);
    expect_import_error (e, t, VK_ERROR_TRUNCATED, "area.json");
  }
  {
    g_autofree char *t = replace_once (text, "\"Listestemmer\":8", "\"Listestemmer\":\"8\"");
    expect_import_error (e, t, VK_ERROR_INVALID, "Kandidatlister[0].Listestemmer: expected an integer");
  }
  {
    g_autofree char *t = replace_once (text, "\"Stemmer\":42,", "");
    expect_import_error (e, t, VK_ERROR_INVALID, "Kandidatlister[0].Stemmer: missing");
  }
  {
    g_autofree char *t = replace_once (text, "\"Stemmer\":34", "\"Stemmer\":-34");
    expect_import_error (e, t, VK_ERROR_INVALID, "Kandidatlister[0].Kandidater[0].Stemmer: negative count");
  }
  {
    g_autofree char *t = replace_once (text, "cae45565-a850-4027-a3c6-d2f563e0578f", "not-a-list");
    expect_import_error (e, t, VK_ERROR_INVALID, "Kandidatlister[0].KandidatlisteId: list \"not-a-list\" is not in");
  }
  {
    /* A candidate of list A moved under list Æ. */
    g_autofree char *t
        = replace_once (text, "614eb7c2-3701-4235-97b5-50e6104d7f61", "cbdb41cc-1d7b-46c6-8bed-bf5589901148");
    expect_import_error (e, t, VK_ERROR_INVALID, "Kandidatlister[0].Kandidater[0].Id: candidate");
  }
  {
    g_autofree char *t = replace_once (text, "\"Resultatart\":\"Fintælling\"", "\"Resultatart\":\"Gæt\"");
    expect_import_error (e, t, VK_ERROR_INVALID, "Resultatart: unknown count");
  }
  {
    g_autofree char *t = replace_once (text, "\"AfgivneStemmer\":1269", "\"AfgivneStemmer\":[1269]");
    expect_import_error (e, t, VK_ERROR_INVALID, "AfgivneStemmer: expected an integer");
  }
  /* Two files for the same area, and counts of different kinds. */
  {
    g_autofree char *dir = vk_test_tmpdir ();
    g_autofree char *p1 = write_area (dir, "a.json", text);
    g_autofree char *p2 = write_area (dir, "b.json", text);
    g_autoptr (GError) error = NULL;
    g_autoptr (VkResults) r = vk_results_import_dir (e, dir, &error);
    g_assert_null (r);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "b.json: AfstemningsområdeNummer: area 15 is also in another file"));
  }
  {
    g_autofree char *fore_path = vk_test_data_path ("Læsø", "foreloebig", "Læsø.json", NULL);
    g_autofree char *fore = NULL;
    g_autofree char *dir = vk_test_tmpdir ();
    g_autofree char *p1 = write_area (dir, "a.json", text);
    g_autofree char *p2 = NULL;
    g_autofree char *fore2 = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (VkResults) r = NULL;

    g_assert_true (g_file_get_contents (fore_path, &fore, NULL, NULL));
    fore2 = replace_once (fore, "\"AfstemningsområdeNummer\":15", "\"AfstemningsområdeNummer\":16");
    p2 = write_area (dir, "b.json", fore2);
    r = vk_results_import_dir (e, dir, &error);
    g_assert_null (r);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "b.json: Resultatart: a different count"));
  }
}

/* A fintælling of one area that adds up: cast 1010 = valid 1000 + blank 4
 * + 2 + other invalid 4; lists A 600 (listestemmer 100 + 500) and B 400
 * (50 + 350); reasons 5: 3, 24: 1. */
static VkAreaResult *
good_count (void)
{
  VkAreaResult *a = vk_area_result_new (VK_RESULT_FINTAELLING, 3, "Nord");

  a->has_invalid_detail = TRUE;
  a->cast = 1010;
  a->valid = 1000;
  a->blank_in_person = 4;
  a->blank_postal = 2;
  a->other_invalid = 4;
  vk_area_result_add_list (a, "A", 600, 100);
  vk_area_result_add_list (a, "B", 400, 50);
  vk_area_result_add_candidate (a, "A", "A1", 500);
  vk_area_result_add_candidate (a, "B", "B1", 350);
  vk_area_result_add_invalid (a, 1, 4);
  vk_area_result_add_invalid (a, 21, 2);
  vk_area_result_add_invalid (a, 5, 3);
  vk_area_result_add_invalid (a, 24, 1);
  for (guint i = 0; i < a->lists->len; i++)
    ((VkListResult *)g_ptr_array_index (a->lists, i))->has_list_votes = TRUE;
  return a;
}

/* Checks a, expecting exactly one failure of check; returns it. */
static VkCountFailure
only_failure (const VkAreaResult *a, const VkBallotAccount *b, gint64 marked, guint64 eligible, VkCountCheck check)
{
  g_autoptr (GArray) f = vk_counts_check (a, NULL, b, marked, eligible);
  VkCountFailure got;

  for (guint i = 0; i < f->len; i++)
    g_test_message ("%s", vk_count_check_get_code (g_array_index (f, VkCountFailure, i).check));
  g_assert_cmpuint (f->len, ==, 1);
  got = g_array_index (f, VkCountFailure, 0);
  g_assert_cmpint (got.check, ==, check);
  return got;
}

/* vk_counts_check(): each equation broken once is found, with its code,
 * severity and both numbers; a correct count passes. */
static void
test_count_check (void)
{
  g_autoptr (VkAreaResult) a = good_count ();
  g_autoptr (GArray) none = vk_counts_check (a, NULL, NULL, 1010, 5000);
  VkBallotAccount b = { TRUE, 1030, 15, 5 };
  VkCountFailure f;

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpstr (vk_count_check_get_code (VK_COUNT_CHECK_CAST_SUM), ==, "T01");
  g_assert_cmpstr (vk_count_check_get_code (VK_COUNT_CHECK_SAME_LISTS), ==, "T14");
  g_assert_true (vk_count_check_is_blocking (VK_COUNT_CHECK_BLANK_REASON));
  g_assert_false (vk_count_check_is_blocking (VK_COUNT_CHECK_BLANK_SHARE));

  /* T01 (and T11: one ballot more than marked voters). */
  a->cast = 1011;
  f = only_failure (a, NULL, -1, 0, VK_COUNT_CHECK_CAST_SUM);
  g_assert_cmpint (f.expected, ==, 1010);
  g_assert_cmpint (f.actual, ==, 1011);
  a->cast = 1010;
  /* T11. */
  f = only_failure (a, NULL, 1008, 0, VK_COUNT_CHECK_MARKED);
  g_assert_cmpint (f.expected, ==, 1008);
  g_assert_cmpint (f.actual, ==, 1010);
  /* T13. */
  f = only_failure (a, NULL, -1, 1009, VK_COUNT_CHECK_ABOVE_ELIGIBLE);
  g_assert_cmpint (f.expected, ==, 1009);
  /* T04 with the ballot accounting: 1030 received, 1010 + 15 + 5 accounted. */
  {
    g_autoptr (GArray) ok = vk_counts_check (a, NULL, &b, -1, 0);
    g_assert_cmpuint (ok->len, ==, 0);
  }
  b.received = 1031;
  f = only_failure (a, &b, -1, 0, VK_COUNT_CHECK_BALLOTS);
  g_assert_cmpint (f.expected, ==, 1030);
  g_assert_cmpint (f.actual, ==, 1031);

  /* T02 and T03: list A 601, with listestemmer + personal 600; Σ lists 1001. */
  ((VkListResult *)g_ptr_array_index (a->lists, 0))->votes = 601;
  {
    g_autoptr (GArray) two = vk_counts_check (a, NULL, NULL, -1, 0);
    g_assert_cmpuint (two->len, ==, 2);
    g_assert_cmpint (g_array_index (two, VkCountFailure, 0).check, ==, VK_COUNT_CHECK_LISTS_SUM);
    g_assert_cmpint (g_array_index (two, VkCountFailure, 0).expected, ==, 1001);
    g_assert_cmpint (g_array_index (two, VkCountFailure, 0).actual, ==, 1000);
    g_assert_cmpint (g_array_index (two, VkCountFailure, 1).check, ==, VK_COUNT_CHECK_LIST_TOTAL);
    g_assert_cmpstr (g_array_index (two, VkCountFailure, 1).list_id, ==, "A");
    g_assert_cmpint (g_array_index (two, VkCountFailure, 1).expected, ==, 600);
    g_assert_cmpint (g_array_index (two, VkCountFailure, 1).actual, ==, 601);
    g_assert_true (vk_count_failures_have_blocking (two));
  }
  ((VkListResult *)g_ptr_array_index (a->lists, 0))->votes = 600;

  /* T05: reasons 5 vs other invalid 4; blank reason 1 vs blank 4. */
  vk_area_result_add_invalid (a, 5, 1);
  f = only_failure (a, NULL, -1, 0, VK_COUNT_CHECK_INVALID_REASONS);
  g_assert_cmpint (f.expected, ==, 5);
  g_assert_cmpint (f.actual, ==, 4);
  a->has_invalid_detail = FALSE; /* not broken down: no T05 */
  {
    g_autoptr (GArray) ok = vk_counts_check (a, NULL, NULL, -1, 0);
    g_assert_cmpuint (ok->len, ==, 0);
  }
  a->has_invalid_detail = TRUE;
  vk_area_result_add_invalid (a, 5, (guint64)-1);
  vk_area_result_add_invalid (a, 1, 1);
  f = only_failure (a, NULL, -1, 0, VK_COUNT_CHECK_BLANK_REASON);
  g_assert_cmpuint (f.code, ==, 1);
  g_assert_cmpint (f.expected, ==, 5);
  g_assert_cmpint (f.actual, ==, 4);
  vk_area_result_add_invalid (a, 1, (guint64)-1);

  /* T10: 40 other invalid of 1046 is over 3 %; 31 of 1037 is not. */
  a->other_invalid = 40;
  a->cast = 1046;
  vk_area_result_add_invalid (a, 5, 36);
  f = only_failure (a, NULL, -1, 0, VK_COUNT_CHECK_INVALID_SHARE);
  g_assert_cmpint (f.expected, ==, 1046);
  g_assert_cmpint (f.actual, ==, 40);
  a->other_invalid = 31;
  a->cast = 1037;
  vk_area_result_add_invalid (a, 5, (guint64)-9);
  {
    g_autoptr (GArray) ok = vk_counts_check (a, NULL, NULL, -1, 0);
    g_assert_cmpuint (ok->len, ==, 0);
  }
  a->other_invalid = 4;
  a->cast = 1010;
  vk_area_result_add_invalid (a, 5, (guint64)-27);

  /* T14: two lists with the same numbers. */
  {
    VkListResult *lb = g_ptr_array_index (a->lists, 1);
    g_autoptr (GArray) same = NULL;

    ((VkListResult *)g_ptr_array_index (a->lists, 0))->votes = 500;
    lb->votes = 500;
    lb->list_votes = 100;
    vk_area_result_add_candidate (a, "B", "B1", 50);
    same = vk_counts_check (a, NULL, NULL, -1, 0);
    g_assert_cmpuint (same->len, ==, 2); /* T03 for A (500 ≠ 600) and T14 */
    g_assert_cmpint (g_array_index (same, VkCountFailure, 1).check, ==, VK_COUNT_CHECK_SAME_LISTS);
    g_assert_cmpstr (g_array_index (same, VkCountFailure, 1).other_list_id, ==, "B");
  }

  /* T12 and T01 on an empty count with a valid vote. */
  {
    g_autoptr (VkAreaResult) e = vk_area_result_new (VK_RESULT_FORELOEBIG, 1, "Syd");
    g_autoptr (GArray) ef = NULL;

    e->valid = 1;
    vk_area_result_add_list (e, "A", 1, 0);
    ef = vk_counts_check (e, NULL, NULL, -1, 0);
    g_assert_cmpuint (ef->len, ==, 2);
    g_assert_cmpint (g_array_index (ef, VkCountFailure, 0).check, ==, VK_COUNT_CHECK_CAST_SUM);
    g_assert_cmpint (g_array_index (ef, VkCountFailure, 1).check, ==, VK_COUNT_CHECK_NONE_CAST);
  }
}

/* vk_counts_reconcile(): the numbers of the reconciliation. */
static void
test_count_reconcile (void)
{
  g_autoptr (VkAreaResult) a = good_count ();
  VkBallotAccount b = { TRUE, 1031, 15, 5 };
  VkCountReconciliation r;

  vk_counts_reconcile (a, NULL, &b, 1007, &r);
  g_assert_cmpuint (r.cast, ==, 1010);
  g_assert_cmpuint (r.cast_sum, ==, 1010);
  g_assert_true (r.cast_adds_up);
  g_assert_cmpuint (r.lists, ==, 1000);
  g_assert_true (r.lists_add_up);
  g_assert_true (r.has_ballots);
  g_assert_cmpuint (r.accounted, ==, 1030);
  g_assert_cmpuint (r.received, ==, 1031);
  g_assert_false (r.ballots_add_up);
  g_assert_cmpint (r.marked, ==, 1007);
  g_assert_cmpint (r.marked_difference, ==, 3);
  g_assert_false (r.matches_marked);

  a->valid = 999;
  vk_counts_reconcile (a, NULL, NULL, -1, &r);
  g_assert_cmpuint (r.cast_sum, ==, 1009);
  g_assert_false (r.cast_adds_up);
  g_assert_false (r.lists_add_up);
  g_assert_false (r.has_ballots);
  g_assert_true (r.ballots_add_up);
  g_assert_cmpint (r.marked, ==, -1);
  g_assert_true (r.matches_marked);
}

/* vk_counts_compare() (foreløbig → fintælling) and
 * vk_counts_dup_differences() (round 1 → round 2). */
static void
test_count_compare (void)
{
  g_autoptr (VkAreaResult) fore = good_count ();
  g_autoptr (VkAreaResult) fin = good_count ();
  g_autoptr (GPtrArray) same = vk_counts_compare (fore, fin, NULL);
  g_autoptr (GPtrArray) diff = NULL;
  g_autoptr (VkCbor) c1 = NULL;
  g_autoptr (VkCbor) c2 = NULL;
  const VkCountDifference *d;

  g_assert_cmpuint (same->len, ==, 0);
  fin->cast = 1012;
  fin->blank_postal = 4;
  ((VkListResult *)g_ptr_array_index (fin->lists, 1))->votes = 380;
  vk_area_result_add_list (fin, "C", 2, 0);
  diff = vk_counts_compare (fore, fin, NULL);
  g_assert_cmpuint (diff->len, ==, 4);
  d = g_ptr_array_index (diff, 0);
  g_assert_cmpstr (d->field, ==, "cast");
  g_assert_cmpuint (d->first, ==, 1010);
  g_assert_cmpuint (d->second, ==, 1012);
  d = g_ptr_array_index (diff, 1);
  g_assert_cmpstr (d->field, ==, "blank_brev");
  d = g_ptr_array_index (diff, 2);
  g_assert_cmpstr (d->field, ==, "lists.B");
  g_assert_cmpstr (d->list_id, ==, "B");
  g_assert_cmpuint (d->first, ==, 400);
  g_assert_cmpuint (d->second, ==, 380);
  d = g_ptr_array_index (diff, 3);
  g_assert_cmpstr (d->field, ==, "lists.C");
  g_assert_cmpuint (d->first, ==, 0);
  g_assert_cmpuint (d->second, ==, 2);
  g_clear_pointer (&diff, g_ptr_array_unref);

  c1 = vk_counts_to_cbor (fore, NULL);
  c2 = vk_counts_to_cbor (fin, NULL);
  diff = vk_counts_dup_differences (c1, c2);
  g_assert_cmpuint (diff->len, >=, 4);
  for (guint i = 0; i < diff->len; i++)
    {
      d = g_ptr_array_index (diff, i);
      if (strcmp (d->field, "lists.B") == 0)
        {
          g_assert_cmpstr (d->list_id, ==, "B");
          g_assert_cmpuint (d->first, ==, 400);
          g_assert_cmpuint (d->second, ==, 380);
        }
      else if (strcmp (d->field, "lists.C") == 0)
        g_assert_cmpuint (d->second, ==, 2);
      else if (strcmp (d->field, "cast") == 0)
        g_assert_cmpuint (d->second, ==, 1012);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/results/import-all", test_import_all);
  g_test_add_func ("/results/check-failures", test_check_failures);
  g_test_add_func ("/results/check-synthetic", test_check_synthetic);
  g_test_add_func ("/results/bad-input", test_bad_input);
  g_test_add_func ("/results/count-check", test_count_check);
  g_test_add_func ("/results/count-reconcile", test_count_reconcile);
  g_test_add_func ("/results/count-compare", test_count_compare);
  return g_test_run ();
}

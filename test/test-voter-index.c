/* test-voter-index.c: the station's in-memory voter search.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Search results are compared with a plain linear scan written here,
 * over synthetic voters plus a few with Danish letters.
 */
#include <string.h>

#include "vk-error.h"
#include "vk-fake.h"
#include "vk-test-util.h"
#include "vk-valgkort.h"
#include "vk-voter-index.h"

#define LIMIT 10000

static VkVoterList *
make_voters (void)
{
  static const guint areas[] = { 1, 2, 3 };
  static const guint counts[] = { 1500, 900, 600 };
  VkVoterList *list = vk_voters_generate (areas, counts, 3, "Prøveby", 4711);
  g_autoptr (GError) error = NULL;

  g_assert_true (vk_voter_list_add (list, 1, 5001, "Søren Ærø Åberg", "Østergade 14, 2. th.", "1950-02-03", &error));
  g_assert_true (vk_voter_list_add (list, 2, 5001, "Åse Müller-Jørgensen", "Ågade 3", "1950-02-03", &error));
  g_assert_true (vk_voter_list_add (list, 3, 5001, "José Ærbø", "Vesterbro 1", "2001-07-08", &error));
  g_assert_no_error (error);
  return list;
}

static void
test_fold (void)
{
  static const char *const cases[][2] = {
    { "Søren", "soren" },        { "ÆRØ", "aero" },
    { "Åse", "aase" },           { "Müller-Jørgensen", "mueller jorgensen" },
    { "José", "jose" },          { "  Østergade 14, 2. th. ", "ostergade 14 2 th" },
    { "Soerensen", "sorensen" }, { "sorensen", "sorensen" },
    { "O'Brien", "o brien" },    { "", "" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *f = vk_voter_index_fold (cases[i][0]);
      g_assert_cmpstr (f, ==, cases[i][1]);
    }
}

/* The reference: every query word is a prefix of some word of text. */
static gboolean
naive_words_match (const char *text, const char *query)
{
  g_autofree char *ft = vk_voter_index_fold (text);
  g_autofree char *fq = vk_voter_index_fold (query);
  g_auto (GStrv) tw = g_strsplit (ft, " ", -1);
  g_auto (GStrv) qw = g_strsplit (fq, " ", -1);

  for (guint q = 0; qw[q] != NULL; q++)
    {
      gboolean found = FALSE;
      for (guint t = 0; tw[t] != NULL && !found; t++)
        found = g_str_has_prefix (tw[t], qw[q]);
      if (!found)
        return FALSE;
    }
  return TRUE;
}

static GHashTable *
voter_set (GPtrArray *voters)
{
  GHashTable *set = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < voters->len; i++)
    g_hash_table_add (set, g_ptr_array_index (voters, i));
  return set;
}

static void
check_name_query (const VkVoterIndex *index, const VkVoterList *list, const char *query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSearchResult) r = vk_voter_index_search (index, query, 2, LIMIT, &error);
  g_autoptr (GHashTable) got = NULL;
  guint expected = 0;
  gboolean seen_other = FALSE;

  g_assert_no_error (error);
  g_assert_cmpint (r->kind, ==, VK_SEARCH_NAME);
  got = voter_set (r->voters);
  g_assert_cmpuint (g_hash_table_size (got), ==, r->voters->len); /* each voter once */
  for (guint i = 0; i < vk_voter_list_get_length (list); i++)
    {
      const VkVoter *v = vk_voter_list_get (list, i);
      gboolean match = naive_words_match (v->name, query);
      const VkVoter *indexed = vk_voter_index_lookup (index, v->area, v->loebenummer);

      expected += match;
      g_assert_true (match == g_hash_table_contains (got, indexed));
    }
  g_assert_cmpuint (r->total, ==, expected);
  g_assert_cmpuint (r->voters->len, ==, expected);
  /* The preferred area's voters come first. */
  for (guint i = 0; i < r->voters->len; i++)
    {
      const VkVoter *v = g_ptr_array_index (r->voters, i);
      if (v->area != 2)
        seen_other = TRUE;
      else
        g_assert_false (seen_other);
    }
}

static void
test_search_names (void)
{
  VkVoterList *list = make_voters ();
  g_autoptr (VkVoterIndex) index = vk_voter_index_new (list);
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (vk_voter_index_get_length (index), ==, 3003);
  g_assert_cmpuint (vk_voter_index_count_area (index, 1), ==, 1501);
  g_assert_cmpuint (vk_voter_index_count_area (index, 4), ==, 0);

  /* Prefixes of the generated names, taken from the list itself. */
  for (guint i = 0; i < vk_voter_list_get_length (list); i += 97)
    {
      const VkVoter *v = vk_voter_list_get (list, i);
      g_auto (GStrv) words = g_strsplit (v->name, " ", -1);
      guint n = g_strv_length (words);
      g_autofree char *first3 = g_utf8_substring (words[0], 0, MIN (3, g_utf8_strlen (words[0], -1)));
      g_autofree char *upper = g_utf8_strup (words[n - 1], -1);
      g_autofree char *two = g_strdup_printf ("%s %s", words[n - 1], first3);

      check_name_query (index, list, first3);
      check_name_query (index, list, upper);
      check_name_query (index, list, two);
    }
  /* Danish letters, either way round. */
  check_name_query (index, list, "søren åb");
  check_name_query (index, list, "SOEREN aeroe");
  check_name_query (index, list, "aase mueller");
  check_name_query (index, list, "jørgensen");
  check_name_query (index, list, "jose");

  {
    g_autoptr (VkSearchResult) r = vk_voter_index_search (index, "soeren aab", 0, 5, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (r->voters->len, ==, 1);
    g_assert_cmpstr (((VkVoter *)g_ptr_array_index (r->voters, 0))->name, ==, "Søren Ærø Åberg");
  }
  /* ø/o/oe, æ/ae, å/aa meet both ways, in any case. */
  {
    static const char *const queries[] = { "soren aab", "SOREN ÅB", "soeren aaberg", "Søren aero", "soren aerø" };
    for (gsize i = 0; i < G_N_ELEMENTS (queries); i++)
      {
        g_autoptr (VkSearchResult) r = vk_voter_index_search (index, queries[i], 0, 5, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (r->voters->len, ==, 1);
        g_assert_cmpstr (((VkVoter *)g_ptr_array_index (r->voters, 0))->name, ==, "Søren Ærø Åberg");
      }
  }
  {
    g_autoptr (VkSearchResult) r = vk_voter_index_search (index, "aase muller jorgensen", 0, 5, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (r->voters->len, ==, 0); /* ü is ue, not u */
    g_clear_pointer (&r, vk_search_result_free);
    r = vk_voter_index_search (index, "aase mueller jorgensen", 0, 5, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (r->voters->len, ==, 1);
    g_assert_cmpstr (((VkVoter *)g_ptr_array_index (r->voters, 0))->name, ==, "Åse Müller-Jørgensen");
  }
  /* Nothing matches: no voters, and the address fallback finds none either. */
  {
    g_autoptr (VkSearchResult) r = vk_voter_index_search (index, "zzzqqq", 0, 5, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (r->voters->len, ==, 0);
    g_assert_cmpuint (r->total, ==, 0);
  }
}

static void
test_search_limit (void)
{
  g_autoptr (VkVoterIndex) index = vk_voter_index_new (make_voters ());
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSearchResult) all = vk_voter_index_search (index, "a", 1, LIMIT, &error);
  g_autoptr (VkSearchResult) few = vk_voter_index_search (index, "a", 1, 7, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (all->voters->len, >, 7);
  g_assert_cmpuint (few->voters->len, ==, 7);
  g_assert_cmpuint (few->total, >=, 7);
  /* Enough voters of area 1 match: the short list holds only them. */
  for (guint i = 0; i < few->voters->len; i++)
    g_assert_cmpuint (((VkVoter *)g_ptr_array_index (few->voters, i))->area, ==, 1);
}

static void
test_search_address (void)
{
  VkVoterList *list = make_voters ();
  g_autoptr (VkVoterIndex) index = vk_voter_index_new (list);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSearchResult) r = vk_voter_index_search (index, "østergade 14", 0, LIMIT, &error);
  guint expected = 0;

  g_assert_no_error (error);
  g_assert_cmpint (r->kind, ==, VK_SEARCH_ADDRESS);
  for (guint i = 0; i < vk_voter_list_get_length (list); i++)
    expected += naive_words_match (vk_voter_list_get (list, i)->address, "østergade 14");
  g_assert_cmpuint (expected, >=, 1);
  g_assert_cmpuint (r->voters->len, ==, expected);
  for (guint i = 0; i < r->voters->len; i++)
    g_assert_true (naive_words_match (((VkVoter *)g_ptr_array_index (r->voters, i))->address, "oestergade 14"));
}

static void
check_date_query (const VkVoterIndex *index, const VkVoterList *list, const char *query, const char *iso1,
                  const char *iso2)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSearchResult) r = vk_voter_index_search (index, query, 0, LIMIT, &error);
  guint expected = 0;

  g_assert_no_error (error);
  g_assert_cmpint (r->kind, ==, VK_SEARCH_BIRTH_DATE);
  for (guint i = 0; i < vk_voter_list_get_length (list); i++)
    {
      const char *d = vk_voter_list_get (list, i)->birth_date;
      expected += g_strcmp0 (d, iso1) == 0 || g_strcmp0 (d, iso2) == 0;
    }
  g_assert_cmpuint (r->voters->len, ==, expected);
  for (guint i = 0; i < r->voters->len; i++)
    {
      const char *d = ((VkVoter *)g_ptr_array_index (r->voters, i))->birth_date;
      g_assert_true (g_strcmp0 (d, iso1) == 0 || g_strcmp0 (d, iso2) == 0);
    }
}

static void
test_search_dates (void)
{
  VkVoterList *list = make_voters ();
  g_autoptr (VkVoterIndex) index = vk_voter_index_new (list);
  g_autoptr (GError) error = NULL;

  check_date_query (index, list, "03-02-1950", "1950-02-03", NULL);
  check_date_query (index, list, "3.2.1950", "1950-02-03", NULL);
  check_date_query (index, list, "1950-02-03", "1950-02-03", NULL);
  check_date_query (index, list, "03021950", "1950-02-03", NULL);
  check_date_query (index, list, "030250", "1950-02-03", "2050-02-03");
  check_date_query (index, list, "080701", "1901-07-08", "2001-07-08");
  /* A CPR number searches by its birth date (century from digit 7). */
  check_date_query (index, list, "080701-4321", "2001-07-08", NULL);
  /* Every generated voter's date finds that voter. */
  for (guint i = 0; i < vk_voter_list_get_length (list); i += 131)
    {
      const VkVoter *v = vk_voter_list_get (list, i);
      g_autofree char *dmy = g_strdup_printf ("%.2s-%.2s-%.4s", v->birth_date + 8, v->birth_date + 5, v->birth_date);
      check_date_query (index, list, dmy, v->birth_date, NULL);
    }

  /* Name and date together. */
  {
    g_autoptr (VkSearchResult) r = vk_voter_index_search (index, "åse 03-02-1950", 0, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r->kind, ==, VK_SEARCH_NAME);
    g_assert_cmpuint (r->voters->len, ==, 1);
    g_assert_cmpstr (((VkVoter *)g_ptr_array_index (r->voters, 0))->name, ==, "Åse Müller-Jørgensen");
  }
}

static void
test_search_numbers (void)
{
  g_autoptr (VkVoterIndex) index = vk_voter_index_new (make_voters ());
  g_autoptr (GError) error = NULL;
  g_autofree char *code = vk_valgkort_format (999, 2, 5001);
  g_autofree char *digits = vk_valgkort_format_digits (999, 3, 17);
  g_autoptr (VkSearchResult) r1 = vk_voter_index_search (index, "5001", 1, 10, &error);
  g_autoptr (VkSearchResult) r2 = vk_voter_index_search (index, "5001", 0, 10, &error);
  g_autoptr (VkSearchResult) r3 = vk_voter_index_search (index, code, 1, 10, &error);
  g_autoptr (VkSearchResult) r4 = vk_voter_index_search (index, digits, 1, 10, &error);
  g_autoptr (VkSearchResult) r5 = vk_voter_index_search (index, "VK1-999-07-1", 1, 10, &error);

  g_assert_no_error (error);
  g_assert_cmpint (r1->kind, ==, VK_SEARCH_LOEBENUMMER);
  g_assert_cmpuint (r1->voters->len, ==, 1);
  g_assert_cmpuint (((VkVoter *)g_ptr_array_index (r1->voters, 0))->area, ==, 1);
  g_assert_cmpuint (r2->voters->len, ==, 3); /* 5001 in each area */
  g_assert_cmpint (r3->kind, ==, VK_SEARCH_VALGKORT);
  g_assert_cmpuint (r3->card.area, ==, 2);
  g_assert_cmpuint (r3->voters->len, ==, 1);
  g_assert_true (g_ptr_array_index (r3->voters, 0) == vk_voter_index_lookup (index, 2, 5001));
  g_assert_true (g_ptr_array_index (r4->voters, 0) == vk_voter_index_lookup (index, 3, 17));
  /* A well-formed code of a voter not in the package: no voter, the card kept. */
  g_assert_cmpint (r5->kind, ==, VK_SEARCH_VALGKORT);
  g_assert_cmpuint (r5->voters->len, ==, 0);
  g_assert_cmpuint (r5->card.area, ==, 7);

  /* Another municipality's valgkort is an error once the code is set. */
  vk_voter_index_set_municipality (index, 751);
  {
    g_autoptr (VkSearchResult) r = vk_voter_index_search (index, code, 1, 10, &error);
    g_assert_null (r);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_clear_error (&error);
  }
}

static void
test_search_bad (void)
{
  g_autoptr (VkVoterIndex) index = vk_voter_index_new (make_voters ());
  static const char *const bad[] = { "31-02-1980", "VK1-999-1", "VK1-999-01-0", "320180-1234", "hansen 30.02.1970" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VkSearchResult) r = vk_voter_index_search (index, bad[i], 1, 10, &error);
      g_assert_null (r);
      g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VkSearchResult) r = vk_voter_index_search (index, "   ", 1, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r->kind, ==, VK_SEARCH_NONE);
    g_assert_cmpuint (r->voters->len, ==, 0);
  }
  /* Six digits that are no date: a løbenummer, and the result says the
   * digits could have been read as a date. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VkSearchResult) r = vk_voter_index_search (index, "100000", 1, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r->kind, ==, VK_SEARCH_LOEBENUMMER);
    g_assert_true (r->ambiguous_digits);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VkSearchResult) r = vk_voter_index_search (index, "310299", 1, 10, &error);
    g_assert_no_error (error);
    g_assert_cmpint (r->kind, ==, VK_SEARCH_LOEBENUMMER);
    g_assert_true (r->ambiguous_digits);
  }
  /* Six digits that are a date: the birth date, and the løbenummer's
   * voter of the preferred area too (001400: number 1400 of area 1, and
   * nobody is born on 00-14-00). */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VkSearchResult) r = vk_voter_index_search (index, "5001", 1, 10, &error);
    g_autoptr (VkSearchResult) both = NULL;
    const VkVoter *by_number = vk_voter_index_lookup (index, 1, 1201);
    g_autofree char *born = g_strdup_printf ("%.2s%.2s%.2s", by_number->birth_date + 8, by_number->birth_date + 5,
                                             by_number->birth_date + 2);
    gboolean found_number = FALSE, found_date = FALSE;

    g_assert_no_error (error);
    g_assert_false (r->ambiguous_digits);
    /* The voter with løbenummer 010203-like digits: take a real voter's
     * birth date as the digits and check both readings are present when
     * its number matches too. */
    both = vk_voter_index_search (index, born, 1, LIMIT, &error);
    g_assert_no_error (error);
    g_assert_cmpint (both->kind, ==, VK_SEARCH_BIRTH_DATE);
    g_assert_true (both->ambiguous_digits);
    for (guint i = 0; i < both->voters->len; i++)
      {
        const VkVoter *v = g_ptr_array_index (both->voters, i);
        found_date = found_date || v == by_number;
        if (v->area == 1 && v->loebenummer == (guint)g_ascii_strtoull (born, NULL, 10))
          found_number = TRUE;
      }
    g_assert_true (found_date);
    g_assert_true (found_number
                   == (vk_voter_index_lookup (index, 1, (guint)g_ascii_strtoull (born, NULL, 10)) != NULL));
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VkSearchResult) r = vk_voter_index_search (index, "010101", 1, LIMIT, &error);
    const VkVoter *n = vk_voter_index_lookup (index, 1, 10101);
    gboolean found = FALSE;

    g_assert_no_error (error);
    g_assert_cmpint (r->kind, ==, VK_SEARCH_BIRTH_DATE);
    for (guint i = 0; i < r->voters->len; i++)
      found = found || g_ptr_array_index (r->voters, i) == n;
    g_assert_true (n == NULL || found);
  }
}

static void
test_unsorted_list (void)
{
  g_autoptr (VkVoterList) list = vk_voter_list_new ();
  g_autoptr (VkVoterIndex) index = NULL;

  g_assert_true (vk_voter_list_add (list, 2, 1, "B", "", "1960-01-01", NULL));
  g_assert_true (vk_voter_list_add (list, 1, 9, "C", "", "1960-01-01", NULL));
  g_assert_true (vk_voter_list_add (list, 1, 2, "A", "", "1960-01-01", NULL));
  index = vk_voter_index_new (g_steal_pointer (&list));
  g_assert_cmpstr (vk_voter_index_lookup (index, 1, 2)->name, ==, "A");
  g_assert_cmpstr (vk_voter_index_lookup (index, 1, 9)->name, ==, "C");
  g_assert_cmpstr (vk_voter_index_lookup (index, 2, 1)->name, ==, "B");
  g_assert_null (vk_voter_index_lookup (index, 2, 2));
  g_assert_cmpuint (vk_voter_index_count_area (index, 1), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/voter-index/fold", test_fold);
  g_test_add_func ("/voter-index/names", test_search_names);
  g_test_add_func ("/voter-index/limit", test_search_limit);
  g_test_add_func ("/voter-index/address", test_search_address);
  g_test_add_func ("/voter-index/dates", test_search_dates);
  g_test_add_func ("/voter-index/numbers", test_search_numbers);
  g_test_add_func ("/voter-index/bad", test_search_bad);
  g_test_add_func ("/voter-index/unsorted", test_unsorted_list);
  return g_test_run ();
}

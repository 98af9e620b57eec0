/* test-ep.c: the Europa-Parlamentsvalg allocation (shared/vk-ep.c over vk_seats_allocate()).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * No official per-area EP data is at hand: the fixtures are written here,
 * in valg.dk's EV-Kandidatdata and EV-Valgresultater shapes, and the case
 * is the worked example of docs/folketingsvalg.md (two valgforbund, a list
 * capped at its number of candidates, a partiliste's fordelingstal).
 */
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vk-ep.h"
#include "vk-error.h"
#include "vk-seats.h"
#include "vk-test-util.h"

typedef struct
{
  const char *letter;
  const char *form;
  guint n_candidates;
  const char *valgforbund; /* NULL: none */
  guint64 votes;
  guint64 personal[8]; /* per candidate; the rest of votes are listestemmer */
} ListSpec;

/* The worked example: 901,000 valid votes. */
static const ListSpec lists[] = {
  { "A", "Partiliste", 8, NULL, 300000, { 10000, 8000, 6000, 4000, 50000, 3000, 2000, 1000 } },
  { "V", "Sideordnet", 5, NULL, 190000, { 20000, 60000, 50000, 40000, 15000 } },
  { "F", "Sideordnet", 4, "vf1", 110000, { 50000, 30000, 20000, 5000 } },
  { "Ø", "Sideordnet", 3, "vf1", 60000, { 30000, 20000, 5000 } },
  { "D", "Sideordnet", 2, NULL, 160000, { 95000, 60000 } },
  { "C", "Sideordnet", 3, "vf2", 46000, { 26000, 15000, 3000 } },
  { "B", "Sideordnet", 2, "vf2", 35000, { 20000, 12000 } },
};

static void
write_kandidatdata (const char *path, const char *valgart)
{
  g_autoptr (GString) s = g_string_new (NULL);

  g_string_append_printf (s,
                          "{\"Valgart\":\"%s\",\"Valgdag\":\"09-06-2024\",\"Valgforbund\":["
                          "{\"ValgforbundId\":\"vf1\",\"Kandidatlister\":[\"lF\",\"lØ\"]},"
                          "{\"ValgforbundId\":\"vf2\",\"Kandidatlister\":[\"lC\",\"lB\"]}],\"Kandidatlister\":[",
                          valgart);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_string_append_printf (
          s,
          "%s{\"KandidatlisteId\":\"l%s\",\"Stemmeseddelsplacering\":%u,\"Bogstavbetegnelse\":\"%s\","
          "\"Navn\":\"Liste %s\",\"Opstillingsform\":\"%s\",\"Kandidater\":[",
          i ? "," : "", lists[i].letter, i + 1, lists[i].letter, lists[i].letter, lists[i].form);
      for (guint k = 0; k < lists[i].n_candidates; k++)
        g_string_append_printf (s,
                                "%s{\"Stemmeseddelsplacering\":%u,\"Id\":\"%s%u\",\"Navn\":\"Kandidat %s%u\","
                                "\"Stemmeseddelnavn\":\"Kandidat %s%u\",\"Stilling\":null}",
                                k ? "," : "", k + 1, lists[i].letter, k + 1, lists[i].letter, k + 1, lists[i].letter,
                                k + 1);
      g_string_append (s, "]}");
    }
  g_string_append (s, "]}");
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
}

/* The votes in two areas: area 1 holds a third (integer division),
 * area 2 the rest. */
static void
write_area (const char *dir, guint area, const char *valgart)
{
  g_autofree char *path = g_strdup_printf ("%s/valgresultater-Europa-Parlamentsvalg-%u.json", dir, area);
  g_autoptr (GString) s = g_string_new (NULL);
  guint64 valid = 0;

  g_string_append (s, "{\"Kandidatlister\":[");
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      guint64 personal = 0, list_votes;
      g_string_append_printf (s,
                              "%s{\"PartiId\":\"l%s\",\"PartiNavn\":\"Liste %s\",\"Bogstavbetegnelse\":\"%s\","
                              "\"Kandidater\":[",
                              i ? "," : "", lists[i].letter, lists[i].letter, lists[i].letter);
      for (guint k = 0; k < lists[i].n_candidates; k++)
        {
          guint64 v = area == 1 ? lists[i].personal[k] / 3 : lists[i].personal[k] - lists[i].personal[k] / 3;
          g_string_append_printf (
              s, "%s{\"Id\":\"%s%u\",\"Stemmeseddelnavn\":\"Kandidat %s%u\",\"Stemmer\":%" G_GUINT64_FORMAT "}",
              k ? "," : "", lists[i].letter, k + 1, lists[i].letter, k + 1, v);
          personal += v;
        }
      {
        guint64 total = area == 1 ? lists[i].votes / 3 : lists[i].votes - lists[i].votes / 3;
        list_votes = total - personal;
        g_string_append_printf (s,
                                "],\"Stemmer\":%" G_GUINT64_FORMAT ",\"Partistemmer\":%" G_GUINT64_FORMAT
                                ",\"StemmerDifferenceFraForrigeValg\":null}",
                                total, list_votes);
        valid += total;
      }
    }
  g_string_append_printf (s,
                          "],\"Valgart\":\"%s\",\"Resultatart\":\"Fintælling\",\"AfstemningsområdeDagiId\":%u,"
                          "\"GyldigeStemmer\":%" G_GUINT64_FORMAT ",\"AfgivneStemmer\":%" G_GUINT64_FORMAT
                          ",\"AntalStemmeberettigedeVælgere\":%" G_GUINT64_FORMAT
                          ",\"BlankeUgyldigeFremmødteStemmer\":10,\"BlankeUgyldigeBrevstemmer\":2,"
                          "\"UgyldigeStemmerUdoverBlanke\":5}",
                          valgart, 700000 + area, valid, valid + 17, valid * 2);
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
}

static guint
seats_of (const VkSeatAllocation *a, const char *letter)
{
  for (guint i = 0; i < a->lists->len; i++)
    {
      const VkListOutcome *lo = g_ptr_array_index (a->lists, i);
      if (strcmp (lo->list->letter, letter) == 0)
        return lo->seats;
    }
  g_assert_not_reached ();
}

static const VkListOutcome *
outcome_of (const VkSeatAllocation *a, const char *letter)
{
  for (guint i = 0; i < a->lists->len; i++)
    {
      const VkListOutcome *lo = g_ptr_array_index (a->lists, i);
      if (strcmp (lo->list->letter, letter) == 0)
        return lo;
    }
  g_assert_not_reached ();
}

static void
test_worked_example (void)
{
  g_autofree char *tmp = vk_test_tmpdir ();
  g_autofree char *kd = g_build_filename (tmp, "kandidat-data-Europa-Parlamentsvalg.json", NULL);
  g_autofree char *res = g_build_filename (tmp, "results", NULL);
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkAreaResult) total = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  g_autoptr (VkTie) tie = NULL;
  g_autoptr (GError) error = NULL;
  const char *a_elected[] = { "A1", "A2", "A3", "A4", "A5", "A6" };
  const char *v_elected[] = { "V2", "V3", "V4" };
  const VkListOutcome *lo;
  guint n_areas = 0;

  g_assert_cmpint (g_mkdir (res, 0700), ==, 0);
  write_kandidatdata (kd, "Europa-Parlamentsvalg");
  write_area (res, 1, "Europa-Parlamentsvalg");
  write_area (res, 2, "Europa-Parlamentsvalg");
  e = vk_ep_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (e->valgforbund->len, ==, 2);
  total = vk_ep_import_results_dir (e, res, &n_areas, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_areas, ==, 2);
  g_assert_cmpuint (total->valid, ==, 901000);
  a = vk_seats_allocate (e, VK_EP_SEATS, total, NULL, &tie, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->n_seats, ==, 15);
  /* d'Hondt over A, V, F+Ø, D, C+B; D has two candidates and its third
   * quotient (53,333) would take seat 15: the cap gives it to A (50,000). */
  g_assert_cmpuint (seats_of (a, "A"), ==, 6);
  g_assert_cmpuint (seats_of (a, "V"), ==, 3);
  g_assert_cmpuint (seats_of (a, "D"), ==, 2);
  /* Inside F+Ø (3 seats): F 110,000, Ø 60,000, F 55,000. */
  g_assert_cmpuint (seats_of (a, "F"), ==, 2);
  g_assert_cmpuint (seats_of (a, "Ø"), ==, 1);
  /* Inside C+B (1 seat): C. */
  g_assert_cmpuint (seats_of (a, "C"), ==, 1);
  g_assert_cmpuint (seats_of (a, "B"), ==, 0);
  /* Seat 15 is A's (the global order of the first d'Hondt). */
  g_assert_cmpstr (((VkSeat *)g_ptr_array_index (a->seats, 14))->list->letter, ==, "A");
  g_assert_cmpstr (((VkSeat *)g_ptr_array_index (a->seats, 3))->list->letter, ==, "D");
  /* A, partiliste: fordelingstal ⌊300,000 / 7⌋ + 1 = 42,858; A5 has it in
   * personal votes, A1–A4 and A6 are topped up with listestemmer in list
   * order; the six take A's seats in ballot order. */
  lo = outcome_of (a, "A");
  g_assert_cmpuint (lo->quota, ==, 42858);
  g_assert_cmpuint (lo->elected->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (lo->elected, i))->candidate->id, ==, a_elected[i]);
  /* V, sideordnet: the three with most personal votes. */
  lo = outcome_of (a, "V");
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (lo->elected, i))->candidate->id, ==, v_elected[i]);
}

static void
test_cli_and_bad_input (void)
{
  g_autofree char *tmp = vk_test_tmpdir ();
  g_autofree char *kd = g_build_filename (tmp, "kd.json", NULL);
  g_autofree char *res = g_build_filename (tmp, "results", NULL);
  g_autofree char *out = g_build_filename (tmp, "mandater.json", NULL);
  g_autofree char *so = NULL, *se = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = NULL;
  VkAreaResult *total;

  g_assert_cmpint (g_mkdir (res, 0700), ==, 0);
  write_kandidatdata (kd, "Europa-Parlamentsvalg");
  write_area (res, 1, "Europa-Parlamentsvalg");
  write_area (res, 2, "Europa-Parlamentsvalg");
  {
    const char *argv[]
        = { vk_test_valgkit (), "europaparlamentsvalg", "--kandidatdata", kd, "--results", res, "--out", out, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &so, &se), ==, 0);
  }
  g_assert_nonnull (strstr (so, "15 mandater"));
  json_parser_load_from_file (parser, out, &error);
  g_assert_no_error (error);

  /* The same area twice. */
  {
    g_autofree char *a1 = g_build_filename (res, "valgresultater-Europa-Parlamentsvalg-1.json", NULL);
    g_autofree char *dup = g_build_filename (res, "x.json", NULL);
    g_autofree char *text = NULL;
    g_assert_true (g_file_get_contents (a1, &text, NULL, NULL));
    g_assert_true (g_file_set_contents (dup, text, -1, NULL));
    e = vk_ep_import_kandidatdata (kd, &error);
    g_assert_no_error (error);
    total = vk_ep_import_results_dir (e, res, NULL, &error);
    g_assert_null (total);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "x.json: AfstemningsområdeDagiId: area 700001 is also in"));
    g_clear_error (&error);
    g_assert_cmpint (g_unlink (dup), ==, 0);
  }
  /* A file of another election. */
  write_area (res, 2, "Folketingsvalg");
  total = vk_ep_import_results_dir (e, res, NULL, &error);
  g_assert_null (total);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "another election"));
  g_clear_error (&error);
  write_kandidatdata (kd, "Kommunalvalg");
  g_clear_pointer (&e, vk_election_free);
  e = vk_ep_import_kandidatdata (kd, &error);
  g_assert_null (e);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "kd.json: Valgart"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ep/worked-example", test_worked_example);
  g_test_add_func ("/ep/cli-and-bad-input", test_cli_and_bad_input);
  return g_test_run ();
}

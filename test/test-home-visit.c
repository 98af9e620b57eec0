/* test-home-visit.c: the register of home-visit requests and the printed visit plan.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Set VK_PAPER_KEEP=DIR to keep the plan (PDF and a PNG of its first page).
 */
#include <string.h>

#include "vk-error.h"
#include "vk-home-visit.h"
#include "vk-test-journals.h"

static void
test_deadline (void)
{
  g_autoptr (VkElection) e = vk_fake_election_new (1);
  g_autoptr (GDateTime) want = g_date_time_new_utc (2029, 11, 8, 17, 0, 0); /* 18:00 Danish time (CET) */
  guint64 ms = 0;

  g_assert_cmpstr (e->date, ==, "2029-11-20");
  g_assert_true (vk_home_request_deadline_for_election (e, &ms));
  g_assert_cmpuint (ms, ==, (guint64)g_date_time_to_unix (want) * 1000);
}

static void
assert_parse_error (const char *body, const char *prefix)
{
  g_autofree char *data = g_strconcat ("afstemningsomraade,loebenummer,modtaget,kanal,sted,besoeg_dato\n", body, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) r = vk_home_requests_parse ("r.csv", data, strlen (data), &error);

  g_assert_null (r);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("expected \"%s…\", got \"%s\"", prefix, error->message);
}

static void
test_parse_errors (void)
{
  assert_parse_error ("1,2,2029-11-01 10:00,fax,hjem,\n", "r.csv:2: kanal");
  assert_parse_error ("1,2,2029-11-01 10:00,brev,hjem,\n1,3,2029-11-31 10:00,brev,hjem,\n", "r.csv:3: modtaget");
  assert_parse_error ("1,2,2029-11-01 10:00,brev,hospital,\n", "r.csv:2: sted");
  assert_parse_error ("0,2,2029-11-01 10:00,brev,hjem,\n", "r.csv:2: afstemningsomraade");
  assert_parse_error ("1,x,2029-11-01 10:00,brev,hjem,\n", "r.csv:2: loebenummer");
  assert_parse_error ("1,2,2029-11-01 10:00,brev,hjem,12-11-2029\n", "r.csv:2: besoeg_dato");
  assert_parse_error ("1,2,2029-11-01 10:00,brev,hjem\n", "r.csv:2: 5 fields");
}

static char *
pdf_text (const char *pdf)
{
  g_autofree char *tool = g_find_program_in_path ("pdftotext");
  char *out = NULL;
  g_autofree char *err = NULL;

  if (tool == NULL)
    {
      g_test_skip ("pdftotext is not installed");
      return NULL;
    }
  {
    const char *argv[] = { tool, "-layout", "-enc", "UTF-8", pdf, "-", NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
  }
  return out;
}

static guint
count_of (const char *text, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + strlen (needle), needle))
    n++;
  return n;
}

static void
test_register_and_plan (void)
{
  VkTestElection *te = vk_test_election_new (10);
  const char *keep = g_getenv ("VK_PAPER_KEEP");
  g_autofree char *pkg = g_build_filename (te->dir, "election.vkp", NULL);
  g_autofree char *csv = g_build_filename (te->dir, "anmodninger.csv", NULL);
  g_autofree char *jdir = g_build_filename (te->dir, "journals", NULL);
  g_autofree char *jpath = g_build_filename (jdir, "brev-1.vkj", NULL);
  g_autofree char *plan = g_build_filename (keep != NULL ? keep : te->dir, "besoegsplan.pdf", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoter) v13 = NULL, v14 = NULL;
  g_autofree char *envelope = NULL;
  guint64 t = te->t0 - 12 * 24 * 3600 * 1000ull;

  g_assert_true (g_file_set_contents (
      csv,
      "afstemningsomraade,loebenummer,modtaget,kanal,sted,besoeg_dato,besoeg_tid,modtager1,modtager2,udfald\n"
      "1,3,2029-11-01 10:00,telefon,hjem,2029-11-12,10:30,Anna Holm,Bo Berg,\n"
      "1,4,2029-11-02 09:00,brev,plejehjem,2029-11-12,11:00,Bo Berg,Anna Holm,afgivet\n"
      "2,5,2029-11-03 12:00,digital,hjem,2029-11-13,09:00,Anna Holm,Cecilie Dam,\n"
      "1,3,2029-11-04 12:00,telefon,hjem,,,,,\n"
      "1,6,2029-11-08 18:01,telefon,hjem,,,,,\n"
      "1,99,2029-11-05 12:00,brev,hjem,,,,,\n"
      "3,2,2029-11-05 12:00,brev,hjem,2029-11-13,13:00,Anna Holm,Anna Holm,\n"
      "1,7,2029-11-05 12:00,brev,hjem,2029-11-19,,Anna Holm,Bo Berg,\n"
      "3,8,2029-11-06 12:00,brev,plejehjem,2029-11-14,10:00,Anna Holm,Bo Berg,\n",
      -1, NULL));
  /* Voter 3/8 has already voted by brevstemme at borgerservice. */
  vk_test_add_device (te, "brev-1", "brevstemmested", 0);
  vk_test_open (te, "brev-1", t);
  vk_test_brev (te, "brev-1", t + 1000, 3, 8, t, &envelope);
  g_mkdir_with_parents (jdir, 0755);
  g_assert_true (vk_journal_export (vk_test_journal (te, "brev-1"), jpath, &error));
  g_assert_no_error (error);

  {
    const char *argv[] = { vk_test_valgkit (), "home-visits", "--election", pkg,  "--file", csv,
                           "--journals",       jdir,          "--out",      plan, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 1);
  }
  g_assert_nonnull (strstr (out, "line 5: area 1, løbenummer 3: dublet: vælgeren har allerede en anmodning (linje 2)"));
  g_assert_nonnull (strstr (out, "line 6: area 1, løbenummer 6: afvist: modtaget efter fristen"));
  g_assert_nonnull (strstr (out, "KRVL § 60"));
  g_assert_nonnull (strstr (out, "line 7: area 1, løbenummer 99: afvist: vælgeren står ikke på"));
  g_assert_nonnull (strstr (out, "line 8: area 3, løbenummer 2: besøget har ikke to forskellige"));
  g_assert_nonnull (strstr (out, "line 9: area 1, løbenummer 7: besøgsdagen ligger uden for"));
  g_assert_nonnull (strstr (out, "line 10: area 3, løbenummer 8: vælgeren har allerede stemt"));
  g_assert_null (strstr (out, "line 2:"));
  g_assert_null (strstr (out, "line 3:"));
  g_assert_nonnull (strstr (out, "9 requests: 2 refused, 4 flagged, 6 visits planned"));

  text = pdf_text (plan);
  if (text == NULL)
    goto out;
  /* One group per day and pair, the pair in either order. */
  g_assert_cmpuint (count_of (text, "2029-11-12 · Anna Holm og Bo Berg"), ==, 1);
  g_assert_cmpuint (count_of (text, "2029-11-13 · Anna Holm og Cecilie Dam"), ==, 1);
  g_assert_cmpuint (count_of (text, "2029-11-14 · Anna Holm og Bo Berg"), ==, 1);
  v13 = vk_package_lookup_voter (te->package, 1, 3, &error);
  v14 = vk_package_lookup_voter (te->package, 1, 4, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, v13->name));
  g_assert_nonnull (strstr (text, v14->name));
  g_assert_nonnull (strstr (text, "Ikke planlagt eller afvist"));
  g_assert_nonnull (strstr (text, "(ikke på valglisten)"));
  g_assert_nonnull (strstr (text, "PRØVEVALG"));
  if (keep != NULL)
    {
      g_autofree char *ppm = g_find_program_in_path ("pdftoppm");
      g_autofree char *prefix = g_build_filename (keep, "besoegsplan", NULL);
      const char *argv[] = { ppm, "-r", "100", "-png", "-singlefile", plan, prefix, NULL };
      g_autofree char *o = NULL, *e = NULL;
      g_assert_cmpint (vk_test_spawn (argv, &o, &e), ==, 0);
    }
out:
  vk_test_election_free (te);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (vk_crypto_init (NULL));
  g_test_add_func ("/home-visit/deadline", test_deadline);
  g_test_add_func ("/home-visit/parse-errors", test_parse_errors);
  g_test_add_func ("/home-visit/register-and-plan", test_register_and_plan);
  return g_test_run ();
}

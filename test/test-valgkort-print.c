/* test-valgkort-print.c: valgkort and printed valglister, read back with tools we did not write.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The PDFs are rendered with pdftoppm and read with zbarimg and
 * pdftotext; a decoded valgkort code must find its voter through the
 * station's own search (vk_voter_index_search(), which parses with
 * vk_valgkort_parse()).  Expected counts come from the package.
 * Set VK_PAPER_KEEP=DIR to keep the PDFs (and a PNG of each) for a look.
 */
#include <string.h>

#include "vk-count.h"
#include "vk-error.h"
#include "vk-test-journals.h"
#include "vk-valgkort-print.h"
#include "vk-valgkort.h"
#include "vk-valgliste.h"
#include "vk-voter-index.h"

#define VOTERS_PER_AREA 45

static char *
out_dir (void)
{
  const char *keep = g_getenv ("VK_PAPER_KEEP");

  if (keep != NULL && *keep != '\0')
    {
      g_mkdir_with_parents (keep, 0755);
      return g_strdup (keep);
    }
  return vk_test_tmpdir ();
}

static char *
find_tool (const char *name)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_test_skip_printf ("%s is not installed", name);
  return path;
}

static char *
pdf_text (const char *pdf)
{
  g_autofree char *tool = find_tool ("pdftotext");
  char *out = NULL;
  g_autofree char *err = NULL;

  if (tool == NULL)
    return NULL;
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

/* Every code zbarimg finds on every page at 150 dpi; the first page's
 * PNG is copied to keep_png when given. */
static GPtrArray *
pdf_codes (const char *pdf, const char *keep_png)
{
  g_autofree char *ppm = find_tool ("pdftoppm");
  g_autofree char *zbar = find_tool ("zbarimg");
  g_autofree char *dir = NULL, *prefix = NULL;
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = NULL;
  const char *name;

  if (ppm == NULL || zbar == NULL)
    return NULL;
  dir = vk_test_tmpdir ();
  prefix = g_build_filename (dir, "page", NULL);
  {
    const char *argv[] = { ppm, "-r", "150", "-png", pdf, prefix, NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
  }
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc)g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *png = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      const char *argv[] = { zbar, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png, NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_auto (GStrv) lines = NULL;
      int status = vk_test_spawn (argv, &out, &err);

      g_assert_true (status == 0 || status == 4);
      lines = g_strsplit (out, "\n", -1);
      for (char **l = lines; *l != NULL; l++)
        if (**l != '\0')
          g_ptr_array_add (texts, g_strdup (*l));
      if (i == 0 && keep_png != NULL)
        {
          g_autoptr (GBytes) bytes = vk_test_read_file (png);
          g_assert_true (
              g_file_set_contents (keep_png, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL));
        }
    }
  return g_steal_pointer (&texts);
}

static void
test_mailing_order (void)
{
  VkVoter a = { 1, 5, "A", "Østergade 14B, 2. th., 8000 Aarhus", "1970-01-01" };
  VkVoter b = { 1, 3, "B", "Østergade 14, 1. tv., 8000 Aarhus", "1970-01-01" };
  VkVoter c = { 1, 9, "C", "Østergade 9, 8000 Aarhus", "1970-01-01" };
  VkVoter d = { 1, 1, "D", "Bakkevej 100, 8000 Aarhus", "1970-01-01" };
  VkVoter e = { 2, 2, "E", "Algade 1, 8000 Aarhus", "1970-01-01" };
  g_autoptr (GPtrArray) v = g_ptr_array_new ();
  const VkVoter *want[] = { &d, &c, &b, &a, &e };

  g_ptr_array_add (v, &e);
  g_ptr_array_add (v, &a);
  g_ptr_array_add (v, &c);
  g_ptr_array_add (v, &b);
  g_ptr_array_add (v, &d);
  vk_valgkort_sort_for_mailing (v);
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_true (g_ptr_array_index (v, i) == want[i]);
}

static void
test_places_csv (void)
{
  g_autoptr (VkElection) e = vk_fake_election_new (1);
  g_autoptr (GError) error = NULL;
  const char *good = "afstemningsomraade;afstemningssted;adresse\n1;Skolen;\"Vej 1; 9999 By\"\n2;Hallen;Vej 2\n";
  const char *bad_area = "afstemningsomraade,afstemningssted,adresse\n1,Skolen,Vej 1\n77,Hallen,Vej 2\n";
  const char *twice = "afstemningsomraade,afstemningssted,adresse\n1,Skolen,Vej 1\n\n1,Hallen,Vej 2\n";
  const char *quote = "afstemningsomraade,afstemningssted,adresse\n1,\"Skolen,Vej 1\n";
  g_autoptr (GHashTable) places = vk_polling_places_parse ("p.csv", good, strlen (good), e, &error);
  const VkPollingPlace *p;

  g_assert_no_error (error);
  p = g_hash_table_lookup (places, GUINT_TO_POINTER (1));
  g_assert_cmpstr (p->name, ==, "Skolen");
  g_assert_cmpstr (p->address, ==, "Vej 1; 9999 By");
  g_assert_null (vk_polling_places_parse ("p.csv", bad_area, strlen (bad_area), e, &error));
  g_assert_true (g_str_has_prefix (error->message, "p.csv:3:"));
  g_clear_error (&error);
  g_assert_null (vk_polling_places_parse ("p.csv", twice, strlen (twice), e, &error));
  g_assert_true (g_str_has_prefix (error->message, "p.csv:4:"));
  g_clear_error (&error);
  g_assert_null (vk_polling_places_parse ("p.csv", quote, strlen (quote), e, &error));
  g_assert_true (g_str_has_prefix (error->message, "p.csv:2:"));
}

/* The CLI over a package: every voter of area 2 gets exactly one card,
 * and every code read back from the rendered PDF finds its voter at the
 * table. */
static void
test_valgkort_cards (void)
{
  VkTestElection *te = vk_test_election_new (VOTERS_PER_AREA);
  g_autofree char *dir = out_dir ();
  g_autofree char *pkg = g_build_filename (te->dir, "election.vkp", NULL);
  g_autofree char *places = g_build_filename (te->dir, "places.csv", NULL);
  g_autofree char *cards_dir = g_build_filename (dir, "valgkort", NULL);
  g_autofree char *pdf = g_build_filename (cards_dir, "valgkort-omraade-02.pdf", NULL);
  g_autofree char *png = g_build_filename (dir, "valgkort.png", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterList) area_voters = vk_package_dup_voters (te->package, 2, &error);
  g_autoptr (VkVoterList) all = vk_package_dup_voters (te->package, 0, &error);
  g_autoptr (VkVoterIndex) index = NULL;
  g_autoptr (GPtrArray) codes = NULL;
  g_autoptr (GHashTable) found = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint n = vk_voter_list_get_length (area_voters);

  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, VOTERS_PER_AREA);
  g_assert_true (g_file_set_contents (places,
                                      "afstemningsomraade,afstemningssted,adresse\n"
                                      "2,Prøveskolen, gymnastiksalen,\"Skolevej 7, 9999 Prøveby\"\n",
                                      -1, NULL));
  /* A comma inside an unquoted field makes four fields: refused, naming the line. */
  {
    const char *argv[] = { vk_test_valgkit (), "valgkort", "--election", pkg, "--area", "2", "--out",
                           cards_dir,          "--places", places,       NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "places.csv:2:"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  g_assert_true (g_file_set_contents (places,
                                      "afstemningsomraade,afstemningssted,adresse\n"
                                      "2,\"Prøveskolen, gymnastiksalen\",\"Skolevej 7, 9999 Prøveby\"\n",
                                      -1, NULL));
  {
    const char *argv[] = { vk_test_valgkit (), "valgkort", "--election", pkg, "--area", "2", "--out",
                           cards_dir,          "--places", places,       NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "valgkort-omraade-02.pdf"));
    g_assert_nonnull (strstr (err, "45/45 (100 %)"));
  }

  /* Every area: one file each; one file for all of them. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    g_autofree char *all_dir = g_build_filename (te->dir, "alle", NULL);
    const char *argv[] = { vk_test_valgkit (), "valgkort", "--election", pkg, "--out", all_dir, "-q", NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    g_assert_cmpstr (err, ==, "");
    for (guint a = 1; a <= 4; a++)
      {
        g_autofree char *name = g_strdup_printf ("valgkort-omraade-%02u.pdf", a);
        g_autofree char *path = g_build_filename (all_dir, name, NULL);
        g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
        g_assert_nonnull (strstr (out, name));
      }
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    g_autofree char *one = g_build_filename (te->dir, "alle.pdf", NULL);
    g_autofree char *one_text = NULL;
    const char *argv[] = { vk_test_valgkit (), "valgkort", "--election", pkg, "--out", one, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    g_assert_nonnull (strstr (err, "180/180 (100 %)"));
    one_text = pdf_text (one);
    if (one_text != NULL)
      {
        const char *p1 = strstr (one_text, "VK1-999-01-"), *p4 = strstr (one_text, "VK1-999-04-");
        g_assert_cmpuint (count_of (one_text, "Nr. på valglisten"), ==, 4 * n);
        /* Sorted for mailing: area 1's cards before area 4's. */
        g_assert_true (p1 != NULL && p4 != NULL && p1 < p4);
      }
  }

  text = pdf_text (pdf);
  if (text == NULL)
    return;
  /* One card per voter: each card states its number once, and its code once. */
  g_assert_cmpuint (count_of (text, "Nr. på valglisten"), ==, n);
  g_assert_cmpuint (count_of (text, "PRØVEVALG"), >=, n);
  g_assert_cmpuint (count_of (text, "Prøveskolen, gymnastiksalen"), ==, n);
  g_assert_cmpuint (count_of (text, "Skolevej 7, 9999 Prøveby"), ==, n);
  g_assert_cmpuint (count_of (text, "\f"), ==, (n + 1) / 2);
  for (guint i = 0; i < n; i++)
    {
      const VkVoter *v = vk_voter_list_get (area_voters, i);
      g_autofree char *code = vk_valgkort_format (999, v->area, v->loebenummer);
      g_assert_cmpuint (count_of (text, code), ==, 1);
    }

  codes = pdf_codes (pdf, g_getenv ("VK_PAPER_KEEP") != NULL ? png : NULL);
  if (codes == NULL)
    return;
  g_assert_cmpuint (codes->len, ==, n);
  index = vk_voter_index_new (g_steal_pointer (&all));
  vk_voter_index_set_municipality (index, 999);
  for (guint i = 0; i < codes->len; i++)
    {
      const char *code = g_ptr_array_index (codes, i);
      g_autoptr (VkSearchResult) r = vk_voter_index_search (index, code, 2, 50, &error);
      const VkVoter *v;

      g_assert_no_error (error);
      g_assert_cmpint (r->kind, ==, VK_SEARCH_VALGKORT);
      g_assert_cmpuint (r->voters->len, ==, 1);
      v = g_ptr_array_index (r->voters, 0);
      g_assert_cmpuint (v->area, ==, 2);
      g_assert_nonnull (vk_voter_list_lookup (area_voters, 2, v->loebenummer));
      g_assert_false (g_hash_table_contains (found, GUINT_TO_POINTER (v->loebenummer)));
      g_hash_table_add (found, GUINT_TO_POINTER (v->loebenummer));
    }
  g_assert_cmpuint (g_hash_table_size (found), ==, n);
  vk_test_election_free (te);
}

static guint
count_lines_starting_with_number (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (char **l = lines; *l != NULL; l++)
    {
      const char *p = *l;
      while (*p == ' ' || *p == '\f')
        p++;
      if (g_ascii_isdigit (*p))
        {
          while (g_ascii_isdigit (*p))
            p++;
          if (*p == ' ' && p[1] == ' ')
            n++;
        }
    }
  return n;
}

/* The blank list of an area, and the list marked from a station's
 * journals at 12:00: counts equal the package's and the journals'. */
static void
test_valgliste (void)
{
  VkTestElection *te = vk_test_election_new (VOTERS_PER_AREA);
  g_autofree char *dir = out_dir ();
  g_autofree char *pkg = g_build_filename (te->dir, "election.vkp", NULL);
  g_autofree char *blank = g_build_filename (dir, "valgliste-3.pdf", NULL);
  g_autofree char *marked = g_build_filename (dir, "valgliste-3-marked.pdf", NULL);
  g_autofree char *part = g_build_filename (dir, "valgliste-3-bord2.pdf", NULL);
  g_autofree char *jdir = g_build_filename (te->dir, "usb", NULL);
  g_autofree char *jpath = g_build_filename (jdir, "bord-3a.vkj", NULL);
  g_autofree char *out = NULL, *err = NULL, *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *envelope = NULL;

  {
    const char *argv[] = { vk_test_valgkit (), "valgliste", "--election", pkg, "--area", "3", "--out", blank, NULL };
    int status = vk_test_spawn (argv, &out, &err);
    if (status != 0)
      g_error ("valgkit valgliste: %d: %s", status, err);
  }
  text = pdf_text (blank);
  if (text == NULL)
    return;
  /* 45 voters: a cover and two pages of 40 rows at most. */
  g_assert_nonnull (strstr (text, "Side 1/3"));
  g_assert_nonnull (strstr (text, "Side 3/3"));
  g_assert_null (strstr (text, "Side 4/3"));
  /* Every page header, and the cover's title block. */
  g_assert_cmpuint (count_of (text, "Afstemningsområde 3"), ==, 3 + 1);
  g_assert_cmpuint (count_lines_starting_with_number (text), ==, VOTERS_PER_AREA);
  g_assert_nonnull (strstr (text, "1–45"));
  g_clear_pointer (&text, g_free);

  /* A table's part: the second of two. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { vk_test_valgkit (), "valgliste", "--election", pkg,  "--area", "3", "--tables", "2",
                           "--table",          "2",         "--out",      part, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
  }
  text = pdf_text (part);
  g_assert_cmpuint (count_lines_starting_with_number (text), ==, VOTERS_PER_AREA - VOTERS_PER_AREA / 2);
  g_assert_nonnull (strstr (text, "bord 2 af 2"));
  g_assert_nonnull (strstr (text, "23–45"));
  g_clear_pointer (&text, g_free);

  /* Journals: five check-ins before noon, one undone, one after noon,
   * an accepted brevstemme. */
  vk_test_add_device (te, "bord-3a", "valgbord", 3);
  vk_test_open (te, "bord-3a", te->t0 - 3 * 3600 * 1000);
  for (guint l = 1; l <= 5; l++)
    vk_test_checkin (te, "bord-3a", te->t0 - (6 - l) * 600 * 1000, 3, l);
  {
    guint64 seq = vk_test_checkin (te, "bord-3a", te->t0 - 60 * 1000, 3, 6);
    vk_test_undo (te, "bord-3a", te->t0 - 30 * 1000, "bord-3a", seq, 3, 6);
  }
  vk_test_add_device (te, "brev-1", "brevstemmested", 0);
  vk_test_open (te, "brev-1", te->t0 - 10 * 24 * 3600 * 1000ull);
  vk_test_brev (te, "brev-1", te->t0 - 10 * 24 * 3600 * 1000ull + 1000, 3, 20, te->t0 - 10 * 24 * 3600 * 1000ull,
                &envelope);
  vk_test_decision (te, "bord-3a", te->t0 - 20 * 1000, envelope, 3, 20, TRUE);
  vk_test_checkin (te, "bord-3a", te->t0 + 3600 * 1000, 3, 7);
  g_mkdir_with_parents (jdir, 0755);
  g_assert_true (vk_journal_export (vk_test_journal (te, "bord-3a"), jpath, &error));
  {
    g_autofree char *bp = g_build_filename (jdir, "brev-1.vkj", NULL);
    g_assert_true (vk_journal_export (vk_test_journal (te, "brev-1"), bp, &error));
  }
  g_assert_no_error (error);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { vk_test_valgkit (),
                           "valgliste",
                           "--election",
                           pkg,
                           "--area",
                           "3",
                           "--journals",
                           jdir,
                           "--at",
                           "12:00",
                           "--out",
                           marked,
                           NULL };
    int status = vk_test_spawn (argv, &out, &err);
    if (status != 0)
      g_error ("valgkit valgliste: %d: %s", status, err);
  }
  text = pdf_text (marked);
  g_assert_nonnull (strstr (text, "Afkrydset valgliste"));
  /* Løbenumre 1–5 and the brevstemme of 20; not 6 (undone), not 7 (after noon). */
  {
    g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
    guint x = 0;
    for (char **l = lines; *l != NULL; l++)
      if (g_str_has_suffix (g_strchomp (*l), " brev") || strstr (*l, " X ") != NULL
          || g_regex_match_simple ("X\\s+[0-9]{2}\\.[0-9]{2}$", *l, 0, 0))
        x++;
    g_assert_cmpuint (x, ==, 6);
  }
  g_assert_true (g_regex_match_simple ("Afkrydsede vælgere\\s+6", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Ikke afkrydsede vælgere\\s+39", text, 0, 0));

  /* The same list from the count server's database. */
  {
    g_autofree char *db = g_build_filename (te->dir, "count.db", NULL);
    g_autofree char *bp = g_build_filename (jdir, "brev-1.vkj", NULL);
    g_autofree char *from_db = g_build_filename (dir, "valgliste-3-marked-db.pdf", NULL);
    g_autofree char *text2 = NULL;
    VkKeypair *server_key = vk_test_add_device (te, "server", "server", 0);
    VkCount *count = vk_count_open (db, te->package, server_key, &error);

    g_assert_no_error (error);
    g_assert_true (vk_count_ingest_file (count, jpath, NULL, &error));
    g_assert_true (vk_count_ingest_file (count, bp, NULL, &error));
    g_assert_no_error (error);
    vk_count_close (count);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    {
      const char *argv[] = { vk_test_valgkit (),
                             "valgliste",
                             "--election",
                             pkg,
                             "--area",
                             "3",
                             "--db",
                             db,
                             "--at",
                             "12:00",
                             "--out",
                             from_db,
                             NULL };
      int status = vk_test_spawn (argv, &out, &err);
      if (status != 0)
        g_error ("valgkit valgliste --db: %d: %s", status, err);
    }
    text2 = pdf_text (from_db);
    g_assert_true (g_regex_match_simple ("Afkrydsede vælgere\\s+6", text2, 0, 0));
    g_assert_true (g_regex_match_simple ("Ikke afkrydsede vælgere\\s+39", text2, 0, 0));
  }

  /* A tampered journal is refused, naming the file. */
  {
    g_autoptr (GBytes) bytes = vk_test_read_file (jpath);
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    copy[g_bytes_get_size (bytes) - 5] ^= 1;
    g_assert_true (g_file_set_contents (jpath, (const char *)copy, (gssize)g_bytes_get_size (bytes), NULL));
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  {
    const char *argv[] = { vk_test_valgkit (),
                           "valgliste",
                           "--election",
                           pkg,
                           "--area",
                           "3",
                           "--journals",
                           jdir,
                           "--at",
                           "12:00",
                           "--out",
                           marked,
                           NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), !=, 0);
    g_assert_nonnull (strstr (err, "bord-3a.vkj"));
  }
  vk_test_election_free (te);
}

/* The demo's one call: both PDFs of the first area. */
static void
test_print_area (void)
{
  VkTestElection *te = vk_test_election_new (7);
  g_autoptr (GError) error = NULL;
  g_autofree char *kort = g_build_filename (te->dir, "valgkort-omraade-01.pdf", NULL);
  g_autofree char *liste = g_build_filename (te->dir, "valgliste-omraade-01.pdf", NULL);
  g_autofree char *text = NULL;

  g_assert_true (vk_paper_print_area (te->package, 0, te->dir, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (liste, G_FILE_TEST_IS_REGULAR));
  text = pdf_text (kort);
  if (text != NULL)
    g_assert_cmpuint (count_of (text, "Nr. på valglisten"), ==, 7);
  g_assert_false (vk_paper_print_area (te->package, 77, te->dir, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);

  /* More cards than a file holds are refused before any is drawn. */
  {
    g_autoptr (VkVoterList) list = vk_package_dup_voters (te->package, 1, &error);
    g_autoptr (GPtrArray) many = g_ptr_array_new ();
    g_autofree char *path = g_build_filename (te->dir, "too-many.pdf", NULL);
    VkValgkortPrint print = { .election = te->election };

    for (guint i = 0; i <= VK_VALGKORT_MAX_CARDS_PER_FILE; i++)
      g_ptr_array_add (many, (gpointer)vk_voter_list_get (list, 0));
    g_assert_false (vk_valgkort_print_write (&print, many, path, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }
  vk_test_election_free (te);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!vk_crypto_init (NULL))
    return 1;
  g_test_add_func ("/valgkort-print/mailing-order", test_mailing_order);
  g_test_add_func ("/valgkort-print/places-csv", test_places_csv);
  g_test_add_func ("/valgkort-print/cards", test_valgkort_cards);
  g_test_add_func ("/valgliste/blank-and-marked", test_valgliste);
  g_test_add_func ("/valgkort-print/print-area", test_print_area);
  return g_test_run ();
}

/* test-voters.c: voter lists, the CSV import and the synthetic generator.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vk-error.h"
#include "vk-fake.h"
#include "vk-test-util.h"
#include "vk-voters.h"

#define HEADER "afstemningsomraade,loebenummer,navn,adresse,foedselsdato\n"

static VkVoterList *
parse (const char *csv, GError **error)
{
  return vk_voter_list_parse_csv ("voters.csv", csv, strlen (csv), error);
}

static void
assert_voter (const VkVoterList *list, guint area, guint nr, const char *name, const char *address, const char *date)
{
  const VkVoter *v = vk_voter_list_lookup (list, area, nr);

  g_assert_nonnull (v);
  g_assert_cmpuint (v->area, ==, area);
  g_assert_cmpuint (v->loebenummer, ==, nr);
  g_assert_cmpstr (v->name, ==, name);
  g_assert_cmpstr (v->address, ==, address);
  g_assert_cmpstr (v->birth_date, ==, date);
}

static void
test_voters_basic (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterList) list = parse (HEADER "1,1,Anne Jensen,Skovvej 1,1950-03-04\n"
                                               "1,2,\"Hansen, Søren\",\"Østergade 4, 2. th.\",04-03-1950\n"
                                               "2,1,\"Åse \"\"Lille\"\" Møller\",,2007-12-31\n"
                                               "2,17,  Bjørn Ærø  , Ålevej 3 ,  1925-01-01\n",
                                        &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  g_assert_cmpuint (vk_voter_list_get_length (list), ==, 4);
  assert_voter (list, 1, 1, "Anne Jensen", "Skovvej 1", "1950-03-04");
  /* DD-MM-YYYY is normalised to YYYY-MM-DD. */
  assert_voter (list, 1, 2, "Hansen, Søren", "Østergade 4, 2. th.", "1950-03-04");
  assert_voter (list, 2, 1, "Åse \"Lille\" Møller", "", "2007-12-31");
  assert_voter (list, 2, 17, "Bjørn Ærø", "Ålevej 3", "1925-01-01");
  g_assert_null (vk_voter_list_lookup (list, 2, 2));
  g_assert_null (vk_voter_list_lookup (list, 3, 1));
  g_assert_cmpuint (vk_voter_list_count_area (list, 1), ==, 2);
  g_assert_cmpuint (vk_voter_list_count_area (list, 2), ==, 2);
  g_assert_cmpuint (vk_voter_list_count_area (list, 3), ==, 0);
  /* File order is kept. */
  g_assert_cmpuint (vk_voter_list_get (list, 3)->loebenummer, ==, 17);
}

static void
test_voters_bom_crlf (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterList) list = parse ("\xef\xbb\xbf"
                                        "afstemningsomraade,loebenummer,navn,adresse,foedselsdato\r\n"
                                        "3,9,Søren Kierkegaard,\"Nytorv 2,\r\n1. sal\",1913-05-05\r\n"
                                        "3,10,Karen Blixen,Rungstedlund,1885-04-17", /* no final line end */
                                        &error);

  g_assert_no_error (error);
  g_assert_cmpuint (vk_voter_list_get_length (list), ==, 2);
  /* A line break inside quotes is content, kept as it was. */
  assert_voter (list, 3, 9, "Søren Kierkegaard", "Nytorv 2,\r\n1. sal", "1913-05-05");
  assert_voter (list, 3, 10, "Karen Blixen", "Rungstedlund", "1885-04-17");
}

static void
test_voters_header_variants (void)
{
  g_autoptr (GError) error = NULL;
  /* Any column order, Danish spellings, any case. */
  g_autoptr (VkVoterList) list = parse ("Navn,Fødselsdato,LØBENUMMER,adresse,afstemningsområde\n"
                                        "Ida Holm,2000-02-29,5,Engvej 2,4\n\n\n",
                                        &error);

  g_assert_no_error (error);
  g_assert_cmpuint (vk_voter_list_get_length (list), ==, 1);
  assert_voter (list, 4, 5, "Ida Holm", "Engvej 2", "2000-02-29");
}

/* Each bad input and the exact "voters.csv:LINE: ..." it must give. */
static void
assert_csv_error (const char *csv, guint line, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterList) list = parse (csv, &error);
  g_autofree char *prefix = g_strdup_printf ("voters.csv:%u: ", line);

  if (list != NULL)
    g_error ("accepted: %s", csv);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, prefix) || strstr (error->message, what) == NULL)
    g_error ("expected \"%s...%s\", got \"%s\"", prefix, what, error->message);
}

static void
test_voters_errors (void)
{
  /* Column count. */
  assert_csv_error (HEADER "1,1,A,B,2000-01-01\n1,2,A,B\n", 3, "4 columns, expected 5");
  assert_csv_error (HEADER "1,1,A,B,2000-01-01,x\n", 2, "6 columns, expected 5");
  /* Empty name (spaces only count as empty). */
  assert_csv_error (HEADER "1,1,A,B,2000-01-01\n1,2,,B,2000-01-01\n", 3, "empty navn");
  assert_csv_error (HEADER "1,2,\"  \",B,2000-01-01\n", 2, "empty navn");
  /* Bad numbers. */
  assert_csv_error (HEADER "x,1,A,B,2000-01-01\n", 2, "afstemningsomraade \"x\" is not a number");
  assert_csv_error (HEADER "0,1,A,B,2000-01-01\n", 2, "afstemningsomraade \"0\"");
  assert_csv_error (HEADER "1,-3,A,B,2000-01-01\n", 2, "loebenummer \"-3\"");
  assert_csv_error (HEADER "1,1.5,A,B,2000-01-01\n", 2, "loebenummer \"1.5\"");
  assert_csv_error (HEADER "1,99999999999,A,B,2000-01-01\n", 2, "loebenummer \"99999999999\"");
  assert_csv_error (HEADER "1,,A,B,2000-01-01\n", 2, "loebenummer \"\"");
  /* Duplicate løbenummer in an area names both lines; the same number in
   * another area is fine. */
  assert_csv_error (HEADER "1,1,A,B,2000-01-01\n2,1,A,B,2000-01-01\n1,2,A,B,2000-01-01\n1,1,C,D,2000-01-01\n", 5,
                    "duplicate loebenummer 1 in afstemningsomraade 1 (first on line 2)");
  /* Unterminated quote: the line where the field starts. */
  assert_csv_error (HEADER "1,1,A,B,2000-01-01\n1,2,\"A,B,2000-01-01\n1,3,A,B,2000-01-01\n", 3,
                    "unterminated quoted field");
  /* Bad dates. */
  assert_csv_error (HEADER "1,1,A,B,2023-02-29\n", 2, "foedselsdato \"2023-02-29\" is not a real date");
  assert_csv_error (HEADER "1,1,A,B,31-04-2000\n", 2, "foedselsdato \"31-04-2000\"");
  assert_csv_error (HEADER "1,1,A,B,2000/01/01\n", 2, "foedselsdato \"2000/01/01\"");
  assert_csv_error (HEADER "1,1,A,B,2000-1-1\n", 2, "foedselsdato");
  assert_csv_error (HEADER "1,1,A,B,2000-13-01\n", 2, "foedselsdato");
  assert_csv_error (HEADER "1,1,A,B,\n", 2, "foedselsdato \"\"");
  /* Invalid UTF-8 (Latin-1 'ø') names the line. */
  assert_csv_error (HEADER "1,1,A,B,2000-01-01\n1,2,S\xf8ren,B,2000-01-01\n", 3, "navn is not valid UTF-8");
  assert_csv_error (HEADER "1,2,A,\xc3,2000-01-01\n", 2, "adresse is not valid UTF-8");
  /* Quoting mistakes. */
  assert_csv_error (HEADER "1,1,\"A\"x,B,2000-01-01\n", 2, "text after the closing");
  assert_csv_error (HEADER "1,1,A\"x\",B,2000-01-01\n", 2, "inside an unquoted field");
  assert_csv_error (HEADER "1,1,A,B,2000-01-01\r1,2,A,B,2000-01-01\n", 2, "carriage return without a line feed");
  /* An empty line in the middle (at the end it is fine). */
  assert_csv_error (HEADER "1,1,A,B,2000-01-01\n\n1,2,A,B,2000-01-01\n", 3, "empty line");
  /* Header problems. */
  assert_csv_error ("afstemningsomraade,loebenummer,navn,adresse\n1,1,A,B\n", 1, "lacks the column foedselsdato");
  assert_csv_error ("afstemningsomraade,loebenummer,navn,adresse,cpr\n", 1, "unknown column \"cpr\"");
  assert_csv_error ("navn,loebenummer,navn,adresse,foedselsdato\n", 1, "column navn appears twice");
  assert_csv_error ("1,1,A,B,2000-01-01\n", 1, "unknown column \"1\"");
}

/* Line numbers count the line breaks inside quoted fields. */
static void
test_voters_line_numbers (void)
{
  assert_csv_error (HEADER "1,1,\"Anne\nJensen\",\"a\r\nb\nc\",2000-01-01\n1,2,A,B,2000-02-30\n", 6,
                    "foedselsdato \"2000-02-30\"");
  /* A bad field in a multi-line record: the line the field starts on. */
  assert_csv_error (HEADER "1,1,\"x\ny\",\"z\",1999-99-99\n", 3, "foedselsdato");
  assert_csv_error ("\xef\xbb\xbf" HEADER "\n1,1,A,B,2000-01-01\n", 2, "empty line");
}

static void
test_voters_empty_input (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterList) list = parse ("", &error);

  g_assert_null (list);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "empty file"));
  g_clear_error (&error);

  /* A header and no rows is an empty list, not an error. */
  list = parse (HEADER, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_voter_list_get_length (list), ==, 0);
}

static void
test_voters_add (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterList) list = vk_voter_list_new ();

  g_assert_true (vk_voter_list_add (list, 1, 1, "A", "", "2000-01-01", &error));
  g_assert_false (vk_voter_list_add (list, 1, 1, "B", "", "2000-01-01", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vk_voter_list_add (list, 1, 2, "", "", "2000-01-01", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  /* Only the normalised form is accepted here. */
  g_assert_false (vk_voter_list_add (list, 1, 2, "B", "", "01-01-2000", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vk_voter_list_add (list, 0, 2, "B", "", "2000-01-01", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (vk_voter_list_get_length (list), ==, 1);

  /* The index survives growth. */
  for (guint i = 2; i <= 5000; i++)
    g_assert_true (vk_voter_list_add (list, 1 + i % 7, i, "X", "Y", "1999-12-31", NULL));
  for (guint i = 2; i <= 5000; i++)
    {
      const VkVoter *v = vk_voter_list_lookup (list, 1 + i % 7, i);
      g_assert_nonnull (v);
      g_assert_cmpuint (v->loebenummer, ==, i);
      g_assert_null (vk_voter_list_lookup (list, 1 + (i + 1) % 7, i));
    }

  g_assert_null (vk_voter_normalize_date ("2100-02-29"));
  {
    g_autofree char *d = vk_voter_normalize_date ("29-02-2400");
    g_assert_cmpstr (d, ==, "2400-02-29");
  }
}

static void
assert_lists_equal (const VkVoterList *a, const VkVoterList *b)
{
  g_assert_cmpuint (vk_voter_list_get_length (a), ==, vk_voter_list_get_length (b));
  for (guint i = 0; i < vk_voter_list_get_length (a); i++)
    {
      const VkVoter *va = vk_voter_list_get (a, i), *vb = vk_voter_list_get (b, i);
      g_assert_cmpuint (va->area, ==, vb->area);
      g_assert_cmpuint (va->loebenummer, ==, vb->loebenummer);
      g_assert_cmpstr (va->name, ==, vb->name);
      g_assert_cmpstr (va->address, ==, vb->address);
      g_assert_cmpstr (va->birth_date, ==, vb->birth_date);
    }
}

/* A file several read buffers long (256 KiB), with quoted fields that
 * straddle buffer boundaries, round-trips through write and import, also
 * with CRLF line ends. */
static void
test_voters_file_roundtrip (void)
{
  static const guint areas[] = { 1, 2, 7 };
  static const guint counts[] = { 4000, 3000, 5000 };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "voters.csv", NULL);
  g_autofree char *crlf_path = g_build_filename (dir, "voters-crlf.csv", NULL);
  g_autoptr (VkVoterList) generated = vk_voters_generate (areas, counts, 3, "Aarhus", 42);
  g_autoptr (VkVoterList) imported = NULL;
  g_autoptr (VkVoterList) imported_crlf = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GString) crlf = NULL;
  gsize size;

  g_assert_true (vk_voter_list_write_csv (generated, path, &error));
  g_assert_no_error (error);
  bytes = vk_test_read_file (path);
  size = g_bytes_get_size (bytes);
  g_assert_cmpuint (size, >, 3 * 256 * 1024);

  imported = vk_voter_list_import_csv (path, &error);
  g_assert_no_error (error);
  assert_lists_equal (generated, imported);

  crlf = g_string_new_len (g_bytes_get_data (bytes, NULL), (gssize)size);
  g_string_replace (crlf, "\n", "\r\n", 0);
  g_assert_true (g_file_set_contents (crlf_path, crlf->str, (gssize)crlf->len, NULL));
  imported_crlf = vk_voter_list_import_csv (crlf_path, &error);
  g_assert_no_error (error);
  assert_lists_equal (generated, imported_crlf);

  /* A bad row deep in the file (in the third buffer): error with its line, nothing imported. */
  g_string_append (crlf, "7,5001,\"Unterminated, 2000-01-01\r\n");
  g_assert_true (g_file_set_contents (crlf_path, crlf->str, (gssize)crlf->len, NULL));
  g_clear_pointer (&imported_crlf, vk_voter_list_free);
  imported_crlf = vk_voter_list_import_csv (crlf_path, &error);
  g_assert_null (imported_crlf);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  {
    g_autofree char *expect = g_strdup_printf ("%s:%u: unterminated", crlf_path, 4000 + 3000 + 5000 + 2);
    g_assert_true (g_str_has_prefix (error->message, expect));
  }
  g_clear_error (&error);

  /* A missing file. */
  g_assert_null (vk_voter_list_import_csv ("/nonexistent/voters.csv", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_IO);
  g_clear_error (&error);

  /* Issue 12: the list (names, addresses) is written 0600; a link, a FIFO
   * or a device is refused at once, not followed, waited on or read. */
  {
    g_autofree char *link = g_build_filename (dir, "link.csv", NULL);
    g_autofree char *fifo = g_build_filename (dir, "fifo.csv", NULL);
    const char *paths[] = { link, fifo, "/dev/zero" };
    const char *why[] = { "symbolic link", "FIFO", "character device" };
    GStatBuf st;

    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpint (symlink (path, link), ==, 0);
    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_assert_null (vk_voter_list_import_csv (paths[i], &error));
        g_assert_error (error, VK_ERROR, VK_ERROR_IO);
        g_assert_nonnull (strstr (error->message, why[i]));
        g_clear_error (&error);
      }
  }
}

static void
test_voters_fake (void)
{
  static const guint areas[] = { 3, 1 };
  static const guint counts[] = { 300, 200 };
  g_autoptr (VkVoterList) a = vk_voters_generate (areas, counts, 2, "Læsø", 7);
  g_autoptr (VkVoterList) b = vk_voters_generate (areas, counts, 2, "Læsø", 7);
  g_autoptr (VkVoterList) c = vk_voters_generate (areas, counts, 2, "Læsø", 8);
  gboolean danish_letters = FALSE, differs = FALSE;

  /* Deterministic for a seed, different for another. */
  assert_lists_equal (a, b);
  g_assert_cmpuint (vk_voter_list_get_length (a), ==, 500);
  g_assert_cmpuint (vk_voter_list_count_area (a, 3), ==, 300);
  g_assert_cmpuint (vk_voter_list_count_area (a, 1), ==, 200);
  for (guint i = 0; i < 500; i++)
    {
      const VkVoter *v = vk_voter_list_get (a, i), *w = vk_voter_list_get (c, i);
      g_autofree char *norm = vk_voter_normalize_date (v->birth_date);

      g_assert_cmpuint (v->area, ==, i < 300 ? 3 : 1);
      g_assert_cmpuint (v->loebenummer, ==, i < 300 ? i + 1 : i - 299);
      g_assert_true (g_utf8_validate (v->name, -1, NULL));
      g_assert_nonnull (strchr (v->name, ' '));
      g_assert_true (g_str_has_suffix (v->address, " Læsø"));
      g_assert_cmpstr (norm, ==, v->birth_date);
      g_assert_cmpstr (v->birth_date, >=, "1925-01-01");
      g_assert_cmpstr (v->birth_date, <=, "2007-12-31");
      if (strstr (v->name, "ø") || strstr (v->name, "æ") || strstr (v->name, "å") || strstr (v->name, "Ø")
          || strstr (v->name, "Å"))
        danish_letters = TRUE;
      if (strcmp (v->name, w->name) != 0)
        differs = TRUE;
    }
  g_assert_true (danish_letters);
  g_assert_true (differs);
}

static void
test_voters_fake_election (void)
{
  VkElection election = { 0 }, *e = &election;
  VkArea areas[2] = { { .number = 4, .eligible = 30 }, { .number = 9, .eligible = 5000 } };
  g_autoptr (VkVoterList) list = NULL;

  /* A hand-made election: only the fields the generator reads. */
  e->municipality = (char *)"Aarhus";
  e->areas = g_ptr_array_new ();
  g_ptr_array_add (e->areas, &areas[0]);
  g_ptr_array_add (e->areas, &areas[1]);

  list = vk_voters_generate_for_election (e, 100, 1);
  g_assert_cmpuint (vk_voter_list_count_area (list, 4), ==, 30);
  g_assert_cmpuint (vk_voter_list_count_area (list, 9), ==, 100);
  g_clear_pointer (&list, vk_voter_list_free);
  list = vk_voters_generate_for_election (e, 0, 1);
  g_assert_cmpuint (vk_voter_list_count_area (list, 9), ==, 5000);

  g_ptr_array_unref (e->areas);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/voters/basic", test_voters_basic);
  g_test_add_func ("/voters/bom-crlf", test_voters_bom_crlf);
  g_test_add_func ("/voters/header-variants", test_voters_header_variants);
  g_test_add_func ("/voters/errors", test_voters_errors);
  g_test_add_func ("/voters/line-numbers", test_voters_line_numbers);
  g_test_add_func ("/voters/empty-input", test_voters_empty_input);
  g_test_add_func ("/voters/add", test_voters_add);
  g_test_add_func ("/voters/file-roundtrip", test_voters_file_roundtrip);
  g_test_add_func ("/voters/fake", test_voters_fake);
  g_test_add_func ("/voters/fake-election", test_voters_fake_election);
  return g_test_run ();
}

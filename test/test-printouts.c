/* test-printouts.c: result sheets, valgbog and discrepancy report, read back.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The printouts are made from the real KV2025 results of Aarhus and read
 * back with tools we did not write: pdftotext for the text, pdftoppm and
 * zbarimg for the QR codes.  The expected numbers come from the input
 * (the valg.dk files and mandatfordeling.json), never from our output.
 * Set VK_PRINTOUTS_KEEP=DIR to keep the PDFs for a look.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-discrepancy-report.h"
#include "vk-election.h"
#include "vk-error.h"
#include "vk-result-sheet.h"
#include "vk-results.h"
#include "vk-seats.h"
#include "vk-signed-qr.h"
#include "vk-test-util.h"
#include "vk-valgbog.h"

typedef struct
{
  VkElection *election;
  VkResults *foreloebig;
  VkResults *fintaelling;
  VkSeatAllocation *seats;
  VkKeypair *key;
  guint8 election_id[32];
  JsonParser *official; /* mandatfordeling.json */
  char *dir;            /* where the PDFs go */
} Fixture;

static Fixture *fixture;

static void
fixture_free (void)
{
  if (fixture == NULL)
    return;
  g_clear_pointer (&fixture->seats, vk_seat_allocation_free);
  g_clear_pointer (&fixture->foreloebig, vk_results_free);
  g_clear_pointer (&fixture->fintaelling, vk_results_free);
  g_clear_pointer (&fixture->election, vk_election_free);
  g_clear_pointer (&fixture->key, vk_keypair_free);
  g_clear_object (&fixture->official);
  g_free (fixture->dir);
  g_clear_pointer (&fixture, g_free);
}

/* Aarhus: the election, both counts and the seat allocation of the
 * fintælling, made once for every test. */
static Fixture *
get_fixture (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kpath = NULL, *fin = NULL, *fore = NULL, *mpath = NULL;
  g_autoptr (GBytes) kbytes = NULL;
  const char *keep = g_getenv ("VK_PRINTOUTS_KEEP");
  JsonObject *root;
  guint n_seats;

  if (fixture != NULL)
    return fixture;
  kpath = vk_test_data_path ("Aarhus", "kandidat-data.json", NULL);
  fin = vk_test_data_path ("Aarhus", "fintaelling", NULL);
  fore = vk_test_data_path ("Aarhus", "foreloebig", NULL);
  mpath = vk_test_data_path ("Aarhus", "mandatfordeling.json", NULL);
  if (kpath == NULL || fin == NULL || fore == NULL || mpath == NULL)
    return NULL;

  fixture = g_new0 (Fixture, 1);
  atexit (fixture_free);
  fixture->election = vk_election_import_kandidatdata (kpath, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (fixture->election, fin, &error));
  g_assert_no_error (error);
  fixture->fintaelling = vk_results_import_dir (fixture->election, fin, &error);
  g_assert_no_error (error);
  fixture->foreloebig = vk_results_import_dir (fixture->election, fore, &error);
  g_assert_no_error (error);

  /* The council size is the official file's number of seats. */
  fixture->official = json_parser_new ();
  json_parser_load_from_file (fixture->official, mpath, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (fixture->official));
  n_seats = json_array_get_length (json_object_get_array_member (root, "ListeMandater"));
  fixture->seats = vk_seats_allocate (fixture->election, n_seats, fixture->fintaelling->total, NULL, NULL, &error);
  g_assert_no_error (error);

  fixture->key = vk_keypair_generate ();
  kbytes = vk_test_read_file (kpath);
  vk_sha256 (g_bytes_get_data (kbytes, NULL), g_bytes_get_size (kbytes), fixture->election_id);
  if (keep != NULL)
    {
      g_mkdir_with_parents (keep, 0755);
      fixture->dir = g_strdup (keep);
    }
  else
    fixture->dir = vk_test_tmpdir ();
  return fixture;
}

static char *
find_tool (const char *name)
{
  char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_test_skip_printf ("%s is not installed", name);
  return path;
}

/* pdftotext -layout, as one string. */
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

/* Every QR text on every page: pdftoppm at 150 dpi, then zbarimg. */
static GPtrArray *
pdf_qr_texts (const char *pdf)
{
  g_autofree char *ppm = find_tool ("pdftoppm");
  g_autofree char *zbar = find_tool ("zbarimg");
  g_autofree char *dir = NULL, *prefix = NULL;
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
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
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *png = g_build_filename (dir, name, NULL);
      const char *argv[] = { zbar, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png, NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_auto (GStrv) lines = NULL;
      int status = vk_test_spawn (argv, &out, &err);

      /* zbarimg exits 4 when a page has no code. */
      g_assert_true (status == 0 || status == 4);
      lines = g_strsplit (out, "\n", -1);
      for (char **l = lines; *l != NULL; l++)
        if (**l != '\0')
          g_ptr_array_add (texts, g_strdup (*l));
    }
  return g_steal_pointer (&texts);
}

/* Danish thousands separators, written independently of the printouts. */
static char *
danish (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *s = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, '.');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

/* A line of text that contains both needles. */
static gboolean
has_line_with (const char *text, const char *a, const char *b)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (char **l = lines; *l != NULL; l++)
    if (strstr (*l, a) != NULL && strstr (*l, b) != NULL)
      return TRUE;
  return FALSE;
}

static void
assert_has_number_line (const char *text, const char *label, guint64 n)
{
  g_autofree char *num = danish (n);

  if (!has_line_with (text, label, num))
    g_error ("no line with \"%s\" and %s in:\n%s", label, num, text);
}

/* Every page of text (pdftotext puts a form feed between pages) holds needle. */
static void
assert_every_page_has (const char *text, const char *needle)
{
  g_auto (GStrv) pages = g_strsplit (text, "\f", -1);
  guint n = 0;

  for (guint i = 0; pages[i] != NULL; i++)
    {
      if (*g_strstrip (pages[i]) == '\0')
        continue;
      n++;
      if (strstr (pages[i], needle) == NULL)
        g_error ("page %u has no \"%s\":\n%s", n, needle, pages[i]);
    }
  g_assert_cmpuint (n, >=, 1);
}

static guint
count_of (const char *text, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static const VkAreaResult *
area_of (const VkResults *r, guint number)
{
  for (guint i = 0; i < r->areas->len; i++)
    {
      const VkAreaResult *a = g_ptr_array_index (r->areas, i);
      if (a->area_number == number)
        return a;
    }
  g_assert_not_reached ();
}

static void
assert_summary_matches (const VkResultSummary *s, const VkAreaResult *r, const VkSeatAllocation *seats,
                        const guint8 *election_id, gboolean test)
{
  g_assert_cmpmem (s->election_id, 32, election_id, 32);
  g_assert_cmpint (s->kind, ==, r->kind);
  g_assert_cmpuint (s->area_number, ==, r->area_number);
  g_assert_cmpuint (s->eligible, ==, r->eligible);
  g_assert_cmpuint (s->cast, ==, r->cast);
  g_assert_cmpuint (s->valid, ==, r->valid);
  g_assert_cmpuint (s->blank_in_person, ==, r->blank_in_person);
  g_assert_cmpuint (s->blank_postal, ==, r->blank_postal);
  g_assert_cmpuint (s->other_invalid, ==, r->other_invalid);
  g_assert_cmpuint (s->lists->len, ==, r->lists->len);
  for (guint i = 0; i < r->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (r->lists, i);
      const VkSummaryList *sl = vk_result_summary_lookup_list (s, l->list_id);
      g_assert_nonnull (sl);
      g_assert_cmpuint (sl->votes, ==, l->votes);
      g_assert_cmpint (sl->has_seats, ==, seats != NULL);
      if (seats != NULL)
        g_assert_cmpuint (sl->seats, ==, vk_seat_allocation_lookup_list (seats, l->list_id)->seats);
    }
  g_assert_cmpint (s->test, ==, test);
}

/* Every single-character change of every QR text must fail to verify. */
static void
assert_tamper_fails (GPtrArray *texts, const guint8 *public_key, const char *domain)
{
  for (guint t = 0; t < texts->len; t++)
    {
      const char *orig = g_ptr_array_index (texts, t);
      gsize len = strlen (orig);
      for (gsize i = 0; i < len; i++)
        {
          g_autoptr (GPtrArray) copy = g_ptr_array_new_with_free_func (g_free);
          g_autoptr (GError) error = NULL;
          g_autoptr (VkResultSummary) s = NULL;
          char *changed;

          for (guint k = 0; k < texts->len; k++)
            g_ptr_array_add (copy, g_strdup (g_ptr_array_index (texts, k)));
          changed = g_ptr_array_index (copy, t);
          /* Another character of the base45 alphabet. */
          changed[i] = changed[i] == '0' ? '1' : '0';
          s = vk_result_qr_decode_domain ((const char *const *)copy->pdata, copy->len, public_key, domain, &error);
          g_assert_null (s);
          g_assert_nonnull (error);
        }
    }
}

static char *
sheet_path (const char *name)
{
  return g_build_filename (get_fixture ()->dir, name, NULL);
}

/* The municipality's fintælling sheet with the seat allocation. */
static void
test_municipality_sheet (void)
{
  Fixture *f = get_fixture ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL, *text = NULL, *first_elected = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (VkResultSummary) s = NULL;
  VkResultSheetOptions o = { 0 };
  const VkAreaResult *total;
  JsonArray *personal;
  guint8 digest[32];
  g_autofree char *digest_hex = NULL;

  if (f == NULL)
    return;
  total = f->fintaelling->total;
  o.info = (VkPrintoutInfo){ f->election, f->election_id, FALSE, 1763535600 };
  o.key = f->key;
  path = sheet_path ("result-sheet-aarhus.pdf");
  g_assert_true (vk_result_sheet_write (&o, total, f->seats, path, &error));
  g_assert_no_error (error);

  text = pdf_text (path);
  if (text == NULL)
    return;
  g_assert_nonnull (strstr (text, "Aarhus Kommune"));
  g_assert_nonnull (strstr (text, "fintælling"));
  assert_has_number_line (text, "Afgivne stemmer", total->cast);
  assert_has_number_line (text, "Gyldige stemmer", total->valid);
  assert_has_number_line (text, "Stemmeberettigede", total->eligible);
  /* A few list totals, on the line with the list's name (Danish letters included). */
  for (guint i = 0; i < f->election->lists->len; i += 6)
    {
      const VkList *l = g_ptr_array_index (f->election->lists, i);
      assert_has_number_line (text, l->name, vk_area_result_get_list_votes (total, l->id));
    }
  {
    const VkList *last = g_ptr_array_index (f->election->lists, f->election->lists->len - 1);
    assert_has_number_line (text, last->name, vk_area_result_get_list_votes (total, last->id));
  }
  /* The first seat's candidate, by the official file. */
  personal
      = json_object_get_array_member (json_node_get_object (json_parser_get_root (f->official)), "PersonligeMandater");
  for (guint i = 0; i < json_array_get_length (personal); i++)
    {
      JsonObject *m = json_array_get_object_element (personal, i);
      if (json_object_get_int_member (m, "Nummer") == 1)
        first_elected = g_strdup (
            vk_election_lookup_candidate (f->election, json_object_get_string_member (m, "KandidatId"))->name);
    }
  g_assert_nonnull (first_elected);
  g_assert_true (has_line_with (text, first_elected, " 1 "));
  /* The footer carries the digest of the data. */
  vk_result_data_digest (total, f->seats, digest);
  digest_hex = vk_hex_encode (digest, 32);
  g_assert_nonnull (strstr (text, digest_hex));
  g_assert_null (strstr (text, "PRØVEVALG"));

  texts = pdf_qr_texts (path);
  if (texts == NULL)
    return;
  g_assert_cmpuint (texts->len, >=, 1);
  s = vk_result_qr_decode ((const char *const *)texts->pdata, texts->len, vk_keypair_get_public_key (f->key), &error);
  g_assert_no_error (error);
  assert_summary_matches (s, total, f->seats, f->election_id, FALSE);
  g_assert_cmpmem (s->data_digest, 32, digest, 32);
  g_assert_false (s->has_source_digest);

  /* The parts in reverse order decode the same; one part missing does not. */
  {
    g_autoptr (GPtrArray) rev = g_ptr_array_new ();
    g_autoptr (VkResultSummary) s2 = NULL;
    for (guint i = texts->len; i > 0; i--)
      g_ptr_array_add (rev, g_ptr_array_index (texts, i - 1));
    s2 = vk_result_qr_decode ((const char *const *)rev->pdata, rev->len, vk_keypair_get_public_key (f->key), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (s2->cast, ==, total->cast);
    if (texts->len > 1)
      {
        g_autoptr (VkResultSummary) s3 = vk_result_qr_decode ((const char *const *)texts->pdata, texts->len - 1,
                                                              vk_keypair_get_public_key (f->key), &error);
        g_assert_null (s3);
        g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
        g_clear_error (&error);
      }
  }
  /* Another key does not verify it. */
  {
    g_autoptr (VkKeypair) other = vk_keypair_generate ();
    g_autoptr (VkResultSummary) s4 = vk_result_qr_decode ((const char *const *)texts->pdata, texts->len,
                                                          vk_keypair_get_public_key (other), &error);
    g_assert_null (s4);
    g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
    g_clear_error (&error);
  }
  assert_tamper_fails (texts, vk_keypair_get_public_key (f->key), VK_RESULT_SUMMARY_DOMAIN);
}

/* An area's fintælling beside its foreløbig, as a test election. */
static void
test_area_sheet (void)
{
  Fixture *f = get_fixture ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL, *text = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (VkResultSummary) s = NULL;
  VkResultSheetOptions o = { 0 };
  const VkAreaResult *fin, *fore;
  guint8 source[32];
  guint checked = 0;

  if (f == NULL)
    return;
  /* The area with the most eligible voters: a long sheet. */
  fin = g_ptr_array_index (f->fintaelling->areas, 0);
  for (guint i = 0; i < f->fintaelling->areas->len; i++)
    {
      const VkAreaResult *a = g_ptr_array_index (f->fintaelling->areas, i);
      if (a->eligible > fin->eligible)
        fin = a;
    }
  fore = area_of (f->foreloebig, fin->area_number);
  memset (source, 0xab, sizeof source);
  o.info = (VkPrintoutInfo){ f->election, f->election_id, TRUE, 0 };
  o.key = f->key;
  o.compare = fore;
  o.source_digest = source;
  path = sheet_path ("result-sheet-area.pdf");
  g_assert_true (vk_result_sheet_write (&o, fin, NULL, path, &error));
  g_assert_no_error (error);

  text = pdf_text (path);
  if (text == NULL)
    return;
  assert_every_page_has (text, "PRØVEVALG");
  /* The valgstyrere's signature lines, each with name and date fields; no reference to our docs. */
  g_assert_cmpuint (count_of (text, "Navn:"), ==, 4);
  g_assert_cmpuint (count_of (text, "Dato:"), ==, 4);
  g_assert_null (strstr (text, "docs/"));
  g_assert_nonnull (strstr (text, fin->area_name));
  assert_has_number_line (text, "Afgivne stemmer", fin->cast);
  assert_has_number_line (text, "Afgivne stemmer", fore->cast);
  /* Personal votes: every candidate with more than 100 votes in the area
   * is printed on a line with that number. */
  for (guint i = 0; i < f->election->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (f->election->lists, i);
      for (guint k = 0; k < l->candidates->len; k++)
        {
          const VkCandidate *c = g_ptr_array_index (l->candidates, k);
          guint64 v = vk_area_result_get_candidate_votes (fin, c->id);
          if (v > 100)
            {
              assert_has_number_line (text, c->name, v);
              checked++;
            }
        }
    }
  g_assert_cmpuint (checked, >, 0);
  /* The invalid-ballot reasons with their official names. */
  g_assert_nonnull (strstr (text, "Kryds i flere felter"));

  texts = pdf_qr_texts (path);
  if (texts == NULL)
    return;
  s = vk_result_qr_decode ((const char *const *)texts->pdata, texts->len, vk_keypair_get_public_key (f->key), &error);
  g_assert_no_error (error);
  assert_summary_matches (s, fin, NULL, f->election_id, TRUE);
  g_assert_true (s->has_source_digest);
  g_assert_cmpmem (s->source_digest, 32, source, 32);
  assert_tamper_fails (texts, vk_keypair_get_public_key (f->key), VK_RESULT_SUMMARY_DOMAIN);
}

/* The municipality's foreløbig sheet and one area's: no personal votes. */
static void
test_foreloebig_sheets (void)
{
  Fixture *f = get_fixture ();
  g_autoptr (GError) error = NULL;
  VkResultSheetOptions o = { 0 };
  const VkAreaResult *areas[2];

  if (f == NULL)
    return;
  areas[0] = f->foreloebig->total;
  areas[1] = g_ptr_array_index (f->foreloebig->areas, 1);
  o.info = (VkPrintoutInfo){ f->election, f->election_id, FALSE, 0 };
  o.key = f->key;
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("result-sheet-foreloebig-%u.pdf", i);
      g_autofree char *path = sheet_path (name);
      g_autofree char *text = NULL;
      g_autoptr (GPtrArray) texts = NULL;
      g_autoptr (VkResultSummary) s = NULL;

      g_assert_true (vk_result_sheet_write (&o, areas[i], NULL, path, &error));
      g_assert_no_error (error);
      text = pdf_text (path);
      if (text == NULL)
        return;
      g_assert_nonnull (strstr (text, "foreløbig optælling"));
      g_assert_null (strstr (text, "Personlige stemmer"));
      assert_has_number_line (text, "Afgivne stemmer", areas[i]->cast);
      texts = pdf_qr_texts (path);
      if (texts == NULL)
        return;
      s = vk_result_qr_decode ((const char *const *)texts->pdata, texts->len, vk_keypair_get_public_key (f->key),
                               &error);
      g_assert_no_error (error);
      assert_summary_matches (s, areas[i], NULL, f->election_id, FALSE);
    }
}

/* A seat allocation on an area sheet is refused; a missing font is a
 * clear error. */
static void
test_sheet_errors (void)
{
  Fixture *f = get_fixture ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL, *tmp = NULL;
  VkResultSheetOptions o = { 0 };
  const VkAreaResult *area;

  if (f == NULL)
    return;
  tmp = vk_test_tmpdir ();
  path = g_build_filename (tmp, "x.pdf", NULL);
  area = g_ptr_array_index (f->fintaelling->areas, 0);
  o.info = (VkPrintoutInfo){ f->election, f->election_id, FALSE, 0 };
  o.key = f->key;
  g_assert_false (vk_result_sheet_write (&o, area, f->seats, path, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);

  g_setenv ("VALGKIT_FONT_DIR", tmp, TRUE);
  g_assert_false (vk_result_sheet_write (&o, area, NULL, path, &error));
  g_unsetenv ("VALGKIT_FONT_DIR");
  g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "DejaVuSans.ttf"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* An unwritable path. */
  {
    g_autofree char *bad = g_build_filename (tmp, "no-such-dir", "x.pdf", NULL);
    g_assert_false (vk_result_sheet_write (&o, area, NULL, bad, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_IO);
  }
}

/* RFC 9285's examples, and malformed base45. */
static void
test_base45 (void)
{
  const struct
  {
    const char *bytes, *b45;
  } v[] = {
    { "AB", "BB8" }, { "Hello!!", "%69 VD92EX0" }, { "base-45", "UJCLQE7W581" }, { "ietf!", "QED8WEX0" }, { "", "" }
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *enc = vk_base45_encode ((const guint8 *)v[i].bytes, strlen (v[i].bytes));
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) dec = vk_base45_decode (v[i].b45, strlen (v[i].b45), &error);
      g_assert_cmpstr (enc, ==, v[i].b45);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (dec, NULL), g_bytes_get_size (dec), v[i].bytes, strlen (v[i].bytes));
    }
  for (const char *const *bad = (const char *const[]){ "GGW", "A", "BB8A", "bb8", "ZZZZ", NULL }; *bad; bad++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) dec = vk_base45_decode (*bad, strlen (*bad), &error);
      g_assert_null (dec);
      g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    }
}

/* Malformed QR texts and summaries are refused with a reason. */
static void
test_qr_bad_input (void)
{
  g_autoptr (VkKeypair) key = vk_keypair_generate ();
  const guint8 *pk = vk_keypair_get_public_key (key);
  g_autoptr (GError) error = NULL;
  const char *bad_headers[] = { "HC1:1/1:BB8", "VK1:BB8", "VK1:0/1:BB8", "VK1:2/1:BB8", "VK1:1/100:BB8", "VK1:1/1BB8" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad_headers); i++)
    {
      g_autoptr (GBytes) b = vk_signed_qr_decode (&bad_headers[i], 1, pk, &error);
      g_assert_null (b);
      g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
      g_clear_error (&error);
    }
  /* A signed payload that is not a result summary. */
  {
    g_autoptr (GPtrArray) texts = vk_signed_qr_encode ((const guint8 *)"\x83\x01\x02\x03", 4, key, &error);
    g_autoptr (VkResultSummary) s = NULL;
    g_assert_no_error (error);
    s = vk_result_qr_decode ((const char *const *)texts->pdata, texts->len, pk, &error);
    g_assert_null (s);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_clear_error (&error);
  }
  /* A big payload is split into parts that reassemble. */
  {
    g_autofree guint8 *big = g_malloc (3000);
    g_autoptr (GPtrArray) texts = NULL;
    g_autoptr (GBytes) back = NULL;
    for (guint i = 0; i < 3000; i++)
      big[i] = (guint8)(i * 7);
    texts = vk_signed_qr_encode (big, 3000, key, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (texts->len, >=, 5);
    g_assert_true (g_str_has_prefix (g_ptr_array_index (texts, 1), "VK1:2/"));
    back = vk_signed_qr_decode ((const char *const *)texts->pdata, texts->len, pk, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), big, 3000);
    /* A part twice instead of another. */
    g_free (texts->pdata[0]);
    texts->pdata[0] = g_strdup (g_ptr_array_index (texts, 1));
    g_clear_pointer (&back, g_bytes_unref);
    back = vk_signed_qr_decode ((const char *const *)texts->pdata, texts->len, pk, &error);
    g_assert_null (back);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_clear_error (&error);
  }
  /* Summary bytes: truncated and wrong domain. */
  {
    Fixture *f = get_fixture ();
    g_autoptr (VkResultSummary) s = NULL, back = NULL;
    g_autoptr (GBytes) enc = NULL;
    gsize len;
    const guint8 *d;
    if (f == NULL)
      return;
    s = vk_result_summary_new (f->election_id, f->fintaelling->total, f->seats, NULL, FALSE);
    enc = vk_result_summary_encode (s);
    d = g_bytes_get_data (enc, &len);
    back = vk_result_summary_decode (d, len - 1, VK_RESULT_SUMMARY_DOMAIN, &error);
    g_assert_null (back);
    g_assert_nonnull (error);
    g_clear_error (&error);
    back = vk_result_summary_decode (d, len, "valgkit-valgbog-v1", &error);
    g_assert_null (back);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_clear_error (&error);
    back = vk_result_summary_decode (d, len, VK_RESULT_SUMMARY_DOMAIN, &error);
    g_assert_no_error (error);
    assert_summary_matches (back, f->fintaelling->total, f->seats, f->election_id, FALSE);
  }
}

/* The valgbog of one area's foreløbig count, with a difference between
 * ballots and marked voters and its explanation. */
static void
test_valgbog (void)
{
  Fixture *f = get_fixture ();
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) device_key = vk_keypair_generate ();
  g_autofree char *path = NULL, *text = NULL, *head_hex = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (VkResultSummary) s = NULL;
  const VkAreaResult *r;
  VkBallotAccount ballots = { 0 };
  guint8 head[32];
  guint64 v = 0;
  const char *explanation = "To vælgere forlod lokalet med stemmesedlen uden at stemme (noteret kl. 14.10 og 17.45).";
  const VkValgbogPerson staff[] = { { "Søren Ørsted Æbelø", "Valgstyrer (formand)" },
                                    { "Jürgen Müller", "Valgstyrer" },
                                    { "Åse Bødker", "Tilforordnet vælger" },
                                    { "Mette Fjord", "Valgstyrer" } };
  const VkValgbogUndo undos[] = { { 1763460000, "aarhus-3-bord-2", 1412, "Navnefælle afkrydset ved en fejl" },
                                  { 1763470000, "aarhus-3-bord-1", 77, "Dobbelt scannet\x1b[2J valgkort" } };
  const VkValgbogEvent events[] = { { 1763445600, "Stemmekasserne vist tomme og forseglet" },
                                    { 1763485200, "Afstemningen lukket" },
                                    { 1763492400, "Foreløbig optælling afsluttet" } };
  const VkValgbogSignoff signoffs[]
      = { { "Søren Ørsted Æbelø", 1763493000, TRUE }, { "Jürgen Müller", 1763493060, FALSE } };
  VkValgbog b = { 0 };

  if (f == NULL)
    return;
  r = g_ptr_array_index (f->foreloebig->areas, 2);
  for (guint i = 0; i < 32; i++)
    head[i] = (guint8)(i * 13 + 1);
  ballots.present = TRUE;
  ballots.received = r->cast + 812;
  ballots.unused = 800;
  ballots.returned = 12;
  b.info = (VkPrintoutInfo){ f->election, f->election_id, FALSE, 1763494000 };
  b.key = device_key;
  b.device_id = "aarhus-3-bord-1";
  b.result = r;
  b.ballots = &ballots;
  b.opened_at = 1763445600;
  b.closed_at = 1763485200;
  b.staff = staff;
  b.n_staff = G_N_ELEMENTS (staff);
  b.events = events;
  b.n_events = G_N_ELEMENTS (events);
  b.brevstemmer = 137;
  b.checkins = r->cast - b.brevstemmer - 2;
  b.explanation = explanation;
  b.signoffs = signoffs;
  b.n_signoffs = G_N_ELEMENTS (signoffs);
  b.journal_seq = 2817;
  b.journal_head = head;
  b.journal_record = TRUE;
  b.assisted = 4;
  b.undos = undos;
  b.n_undos = G_N_ELEMENTS (undos);
  b.brev_received = 145;
  b.brev_accepted = 137;
  b.brev_rejected = 6;
  b.brev_undecided = 2;
  b.brev_rejected_by_reason[2] = 1;
  b.brev_rejected_by_reason[6] = 5;
  path = sheet_path ("valgbog.pdf");
  g_assert_true (vk_valgbog_write (&b, path, &error));
  g_assert_no_error (error);

  text = pdf_text (path);
  if (text == NULL)
    return;
  g_assert_nonnull (strstr (text, r->area_name));
  for (guint i = 0; i < G_N_ELEMENTS (staff); i++)
    g_assert_true (has_line_with (text, staff[i].name, staff[i].role));
  assert_has_number_line (text, "Afgivne stemmer", r->cast);
  assert_has_number_line (text, "Modtagne stemmesedler", ballots.received);
  assert_has_number_line (text, "fremmøde", b.checkins);
  assert_has_number_line (text, "brevstemmer", b.brevstemmer);
  assert_has_number_line (text, "Forskel", 2);
  g_assert_nonnull (strstr (text, "To vælgere forlod lokalet"));
  g_assert_nonnull (strstr (text, "Stemmekasserne vist tomme"));
  /* What the journal adds: personal assistance, undone check-ins with
   * their reasons (escaped), the brevstemmer by outcome and reason. */
  g_assert_true (has_line_with (text, "Personlig bistand ydet", "4 vælgere"));
  g_assert_nonnull (strstr (text, "Fortrudte afkrydsninger"));
  g_assert_true (has_line_with (text, "1412", "Navnefælle afkrydset ved en fejl"));
  g_assert_true (has_line_with (text, "aarhus-3-bord-2", "Navnefælle"));
  g_assert_nonnull (strstr (text, "Dobbelt scannet\\x1B[2J valgkort"));
  assert_has_number_line (text, "Brevstemmer modtaget", 145);
  assert_has_number_line (text, "Godkendt (vælgeren afkrydset", 137);
  assert_has_number_line (text, "Ikke godkendt", 6);
  assert_has_number_line (text, "fraflyttet eller død", 1);
  assert_has_number_line (text, "uden for fristerne", 5);
  assert_has_number_line (text, "Ikke afgjort", 2);
  /* A signature line with name and date for every valgstyrer present, the
   * two who signed and the one who did not; no reference to our docs. */
  g_assert_true (has_line_with (text, "Navn:", "Søren Ørsted Æbelø"));
  g_assert_true (has_line_with (text, "Navn:", "Jürgen Müller"));
  g_assert_true (has_line_with (text, "Navn:", "Mette Fjord"));
  g_assert_cmpuint (count_of (text, "Dato:"), ==, 3);
  g_assert_null (strstr (text, "docs/"));
  g_assert_null (strstr (text, "PRØVEVALG"));
  head_hex = vk_hex_encode (head, 32);
  g_assert_nonnull (strstr (text, head_hex));
  for (guint i = 0; i < r->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (r->lists, i);
      assert_has_number_line (text, vk_election_lookup_list (f->election, l->list_id)->name, l->votes);
    }

  texts = pdf_qr_texts (path);
  if (texts == NULL)
    return;
  s = vk_valgbog_qr_decode ((const char *const *)texts->pdata, texts->len, vk_keypair_get_public_key (device_key),
                            &error);
  g_assert_no_error (error);
  assert_summary_matches (s, r, NULL, f->election_id, FALSE);
  g_assert_cmpstr (s->domain, ==, VK_VALGBOG_DOMAIN);
  g_assert_true (s->has_source_digest);
  g_assert_cmpmem (s->source_digest, 32, head, 32);
  g_assert_cmpstr (vk_cbor_map_get_text_field (s->extra, "device", &error), ==, "aarhus-3-bord-1");
  g_assert_true (vk_cbor_map_get_uint_field (s->extra, "journal_seq", &v, &error));
  g_assert_cmpuint (v, ==, 2817);
  g_assert_true (vk_cbor_map_get_uint_field (s->extra, "checkins", &v, &error));
  g_assert_cmpuint (v, ==, b.checkins);
  g_assert_true (vk_cbor_map_get_uint_field (s->extra, "brevstemmer", &v, &error));
  g_assert_cmpuint (v, ==, 137);
  g_assert_true (vk_cbor_map_get_uint_field (s->extra, "received", &v, &error));
  g_assert_cmpuint (v, ==, ballots.received);
  g_assert_no_error (error);
  /* Domain separation: a valgbog code is not a result sheet. */
  {
    g_autoptr (VkResultSummary) s2 = vk_result_qr_decode ((const char *const *)texts->pdata, texts->len,
                                                          vk_keypair_get_public_key (device_key), &error);
    g_assert_null (s2);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_clear_error (&error);
  }
  assert_tamper_fails (texts, vk_keypair_get_public_key (device_key), VK_VALGBOG_DOMAIN);

  /* Without an explanation the difference is flagged on the page. */
  {
    g_autofree char *path2 = sheet_path ("valgbog-unexplained.pdf");
    g_autofree char *text2 = NULL;
    b.explanation = NULL;
    b.info.test = TRUE;
    g_assert_true (vk_valgbog_write (&b, path2, &error));
    g_assert_no_error (error);
    text2 = pdf_text (path2);
    g_assert_nonnull (strstr (text2, "Forklaring mangler"));
    assert_every_page_has (text2, "PRØVEVALG");
  }
  /* The municipality's total has no valgbog; a journal head is required. */
  b.result = f->foreloebig->total;
  g_assert_false (vk_valgbog_write (&b, path, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  b.result = r;
  b.journal_head = NULL;
  g_assert_false (vk_valgbog_write (&b, path, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
}

/* The valgbog of a joint event (Læsø's KV and Region Nordjylland's RV of
 * 18 November 2025, the official foreløbig files): one section per
 * contest, each with its counts, explanation, signers and a signed QR
 * that names the contest. */
static void
test_valgbog_joint (void)
{
  Fixture *f = get_fixture ();
  g_autoptr (GError) error = NULL;
  g_autofree char *kd = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *areas = vk_test_data_path ("Læsø", "fintaelling", NULL);
  g_autofree char *kv_path = vk_test_data_path ("Læsø", "foreloebig", "Læsø.json", NULL);
  g_autofree char *data = NULL, *rv_kd = NULL, *rv_path = NULL, *path = NULL, *text = NULL;
  g_autoptr (VkElection) event = NULL;
  g_autoptr (VkAreaResult) kv = NULL;
  g_autoptr (VkAreaResult) rv = NULL;
  g_autoptr (VkKeypair) device_key = vk_keypair_generate ();
  g_autoptr (VkResultSummary) s0 = NULL;
  g_autoptr (VkResultSummary) s1 = NULL;
  VkElection *rv_contest;
  const VkValgbogSignoff kv_signoffs[]
      = { { "Anne Valgstyrer", 1763493000, TRUE }, { "Bo Valgstyrer", 1763493060, TRUE } };
  const VkValgbogSignoff rv_signoffs[]
      = { { "Anne Valgstyrer", 1763496000, TRUE }, { "Carl Valgstyrer", 1763496060, TRUE } };
  VkValgbogContest contests[2] = { 0 };
  VkValgbog b = { 0 };
  guint8 head[32] = { 7 };
  const char *kv_at, *rv_at;

  if (f == NULL || kd == NULL || areas == NULL || kv_path == NULL)
    return;
  data = g_path_get_dirname (vk_test_data_dir ());
  rv_kd = g_build_filename (data, "rv2025", "Region_Nordjylland", "kandidat-data.json", NULL);
  rv_path = g_build_filename (data, "rv2025", "Region_Nordjylland", "foreloebig", "825-015-Læsø.json", NULL);
  if (!g_file_test (rv_kd, G_FILE_TEST_EXISTS) || !g_file_test (rv_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("RV2025 data of Region Nordjylland missing");
      return;
    }
  event = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (event, areas, &error));
  rv_contest = vk_election_import_kandidatdata (rv_kd, &error);
  g_assert_no_error (error);
  vk_election_copy_areas (rv_contest, event);
  g_assert_true (vk_election_add_contest (event, rv_contest, &error));
  kv = vk_area_result_import (event, kv_path, &error);
  g_assert_no_error (error);
  rv = vk_area_result_import (rv_contest, rv_path, &error);
  g_assert_no_error (error);

  contests[0] = (VkValgbogContest){ event, kv, NULL, "KV: én vælger afkrydset i prøven", kv_signoffs, 2 };
  contests[1] = (VkValgbogContest){ rv_contest, rv, NULL, "RV: én vælger afkrydset i prøven", rv_signoffs, 2 };
  b.info = (VkPrintoutInfo){ event, f->election_id, FALSE, 1763497000 };
  b.key = device_key;
  b.device_id = "laesoe-bord1";
  b.opened_at = 1763445600;
  b.closed_at = 1763485200;
  b.checkins = 1;
  b.journal_seq = 12;
  b.journal_head = head;
  b.contests = contests;
  b.n_contests = 2;
  path = sheet_path ("valgbog-joint.pdf");
  g_assert_true (vk_valgbog_write (&b, path, &error));
  g_assert_no_error (error);

  /* Each contest's signed summary names it and carries its own count. */
  s0 = vk_valgbog_contest_summary_new (&b, 0);
  s1 = vk_valgbog_contest_summary_new (&b, 1);
  g_assert_cmpstr (vk_cbor_map_get_text_field (s0->extra, "contest", NULL), ==, "KV");
  g_assert_cmpstr (vk_cbor_map_get_text_field (s1->extra, "contest", NULL), ==, "RV");
  assert_summary_matches (s0, kv, NULL, f->election_id, FALSE);
  assert_summary_matches (s1, rv, NULL, f->election_id, FALSE);

  text = pdf_text (path);
  if (text == NULL)
    return;
  g_assert_nonnull (strstr (text, "kommunalvalg (KV) og regionsrådsvalg (RV)"));
  kv_at = strstr (text, "Kommunalvalg (KV) – foreløbig optælling");
  rv_at = strstr (text, "Regionsrådsvalg (RV) – foreløbig optælling");
  g_assert_nonnull (kv_at);
  g_assert_nonnull (rv_at);
  g_assert_true (kv_at < rv_at);
  /* The KV section (up to the RV one) has KV's numbers and signers, the RV section RV's. */
  {
    g_autofree char *kv_text = g_strndup (kv_at, rv_at - kv_at);
    assert_has_number_line (kv_text, "Afgivne stemmer", kv->cast);
    assert_has_number_line (rv_at, "Afgivne stemmer", rv->cast);
    g_assert_nonnull (strstr (kv_text, "KV: én vælger"));
    g_assert_null (strstr (kv_text, "Carl Valgstyrer"));
    g_assert_nonnull (strstr (rv_at, "RV: én vælger"));
    g_assert_nonnull (strstr (rv_at, "Carl Valgstyrer"));
    for (guint i = 0; i < rv->lists->len; i++)
      {
        const VkListResult *l = g_ptr_array_index (rv->lists, i);
        assert_has_number_line (rv_at, vk_election_lookup_list (rv_contest, l->list_id)->name, l->votes);
      }
  }
}

static VkFinding *
make_finding (guint rule, VkSeverity severity, guint area, const char *message, ...)
{
  VkFinding *f = g_new0 (VkFinding, 1);
  va_list ap;
  const char *device;

  f->rule = rule;
  f->severity = severity;
  f->area = area;
  f->message_da = g_strdup (message);
  f->message_en = g_strdup ("");
  f->evidence = g_ptr_array_new ();
  va_start (ap, message);
  while ((device = va_arg (ap, const char *)) != NULL)
    {
      VkEvidence *e = g_new0 (VkEvidence, 1);
      e->device_id = g_strdup (device);
      e->seq = va_arg (ap, guint64);
      g_ptr_array_add (f->evidence, e);
    }
  va_end (ap);
  return f;
}

static void
free_finding (gpointer data)
{
  VkFinding *f = data;

  for (guint i = 0; i < f->evidence->len; i++)
    {
      VkEvidence *e = g_ptr_array_index (f->evidence, i);
      g_free (e->device_id);
      g_free (e);
    }
  g_ptr_array_unref (f->evidence);
  g_free (f->message_da);
  g_free (f->message_en);
  g_free (f);
}

static void
test_discrepancy_report (void)
{
  Fixture *f = get_fixture ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) findings = g_ptr_array_new_with_free_func (free_finding);
  g_autofree char *path = NULL, *text = NULL, *empty_path = NULL, *empty_text = NULL;
  const VkArea *area3;
  VkPrintoutInfo info;
  const char *order[] = { "D02", "D04", "D07", "D15" };
  const char *prev = NULL;

  if (f == NULL)
    return;
  area3 = vk_election_lookup_area (f->election, 3);
  g_assert_nonnull (area3);
  info = (VkPrintoutInfo){ f->election, f->election_id, FALSE, 0 };
  /* Given out of order: the report lists blocking ones first. */
  g_ptr_array_add (findings, make_finding (15, VK_SEVERITY_INFO, 3,
                                           "Afstemningsområdet har kun 3 brevstemmer; de skal flyttes af hensyn til "
                                           "stemmehemmeligheden.",
                                           NULL));
  g_ptr_array_add (findings, make_finding (7, VK_SEVERITY_WARNING, 3,
                                           "Stemmesedler i stemmekasserne (2.311) og afkrydsede vælgere (2.309) "
                                           "afviger med 2; forklaring: to vælgere gik uden at stemme.",
                                           "aarhus-3-bord-1", (guint64)2817, NULL));
  g_ptr_array_add (findings, make_finding (4, VK_SEVERITY_BLOCKING, 3,
                                           "Vælger løbenummer 1234 er krydset af to gange: ved bord 1 kl. 09.12 og "
                                           "ved bord 2 kl. 14.40.",
                                           "aarhus-3-bord-1", (guint64)12, "aarhus-3-bord-2", (guint64)40, NULL));
  g_ptr_array_add (findings, make_finding (2, VK_SEVERITY_BLOCKING, 0,
                                           "Enheden aarhus-7-bord-2 har to forskellige poster med nr. 118 (fork).",
                                           "aarhus-7-bord-2", (guint64)118, NULL));
  /* A device id and a source with escape sequences (issue 12, item 4):
   * they reach the PDF escaped, never raw. */
  g_ptr_array_add (findings, make_finding (1, VK_SEVERITY_BLOCKING, 0,
                                           "Afvist levering fra ond\x1b[2Jenhed (POST from \x1b]0;x\x07): kæde",
                                           "ond\x1b[2Jenhed", (guint64)1, NULL));
  path = sheet_path ("discrepancy-report.pdf");
  g_assert_true (
      vk_discrepancy_report_write (&info, findings, "Optællingsserver, 49 afstemningsområder", path, &error));
  g_assert_no_error (error);
  text = pdf_text (path);
  if (text == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      const char *at = strstr (text, order[i]);
      g_assert_nonnull (at);
      if (prev != NULL)
        g_assert_true (at > prev);
      prev = at;
    }
  g_assert_true (has_line_with (text, "D04", "Blokerende"));
  g_assert_true (has_line_with (text, "D04", area3->name));
  g_assert_true (has_line_with (text, "D07", "Advarsel"));
  g_assert_nonnull (strstr (text, "løbenummer 1234 er krydset af to gange"));
  g_assert_nonnull (strstr (text, "aarhus-3-bord-2 nr. 40"));
  g_assert_nonnull (strstr (text, "Hele kommunen"));
  g_assert_nonnull (strstr (text, "Hvad skal gøres"));
  g_assert_null (strchr (text, '\x1b'));
  g_assert_null (strchr (text, '\x07'));
  g_assert_nonnull (strstr (text, "ond\\x1B[2Jenhed"));

  /* Nothing open. */
  {
    g_autoptr (GPtrArray) none = g_ptr_array_new ();
    empty_path = sheet_path ("discrepancy-report-empty.pdf");
    g_assert_true (vk_discrepancy_report_write (&info, none, NULL, empty_path, &error));
    g_assert_no_error (error);
    empty_text = pdf_text (empty_path);
    g_assert_nonnull (strstr (empty_text, "Ingen åbne afvigelser"));
  }
  /* A severity the rules engine does not have. */
  ((VkFinding *)g_ptr_array_index (findings, 0))->severity = (VkSeverity)7;
  g_assert_false (vk_discrepancy_report_write (&info, findings, NULL, path, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/printouts/base45", test_base45);
  g_test_add_func ("/printouts/qr-bad-input", test_qr_bad_input);
  g_test_add_func ("/printouts/result-sheet/municipality", test_municipality_sheet);
  g_test_add_func ("/printouts/result-sheet/area", test_area_sheet);
  g_test_add_func ("/printouts/result-sheet/foreloebig", test_foreloebig_sheets);
  g_test_add_func ("/printouts/result-sheet/errors", test_sheet_errors);
  g_test_add_func ("/printouts/valgbog", test_valgbog);
  g_test_add_func ("/printouts/valgbog-joint", test_valgbog_joint);
  g_test_add_func ("/printouts/discrepancy-report", test_discrepancy_report);
  return g_test_run ();
}

/* test-valgdk-fv.c: valg.dk FV-, FA- and EV-Valgresultater per area (shared/vk-valgdk-fv.c, vk-dst-valgdk.c).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real data: FV2022's and FA2015's DST per-area XML (../shared/data), one
 * municipality (Bornholm: its two opstillingskredse are Bornholms
 * Storkreds) → valg.dk files → valg.dk's own schemas (python3-jsonschema)
 * → read back by valgkit's national commands, which must give DST's own
 * numbers.  EP: the worked example of docs/folketingsvalg.md, split over
 * three areas, through the EV export and back.
 */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vk-contest-result.h"
#include "vk-dst-valgdk.h"
#include "vk-dst-xml.h"
#include "vk-dst.h"
#include "vk-ep.h"
#include "vk-error.h"
#include "vk-fa.h"
#include "vk-fv-valgdk.h"
#include "vk-fv.h"
#include "vk-keys.h"
#include "vk-package.h"
#include "vk-seats.h"
#include "vk-test-util.h"
#include "vk-valgdk-fv.h"

/* ---- fixtures --------------------------------------------------------------- */

static char *
shared_data (const char *sub, const char *file)
{
  const char *kv = vk_test_data_dir ();
  char *p;

  if (kv == NULL)
    return NULL;
  p = g_build_filename (kv, "..", sub, file, NULL);
  if (!g_file_test (p, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("shared data not present");
      g_free (p);
      return NULL;
    }
  return p;
}

static char *
unpack (const char *sub, const char *tarball)
{
  g_autofree char *tar = shared_data (sub, tarball);
  g_autofree char *tar_tool = g_find_program_in_path ("tar");
  g_autofree char *tmp = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  char *found;

  if (tar == NULL)
    return NULL;
  if (tar_tool == NULL)
    {
      g_test_skip ("tar is not installed");
      return NULL;
    }
  tmp = vk_test_tmpdir ();
  {
    const char *argv[] = { tar_tool, "-xJf", tar, "-C", tmp, NULL };
    g_assert_cmpint (vk_test_spawn (argv, NULL, &err), ==, 0);
  }
  found = vk_dst_find_folder (tmp, &error);
  g_assert_no_error (error);
  return found;
}

/* Every *.json of dir against valg.dk's schema; FALSE (skipped) without
 * python3-jsonschema. */
static gboolean
validate (const char *schema, const char *dir, guint n_files)
{
  g_autofree char *schemas = shared_data ("valgdk-schemas", "");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "valgdk-validate-kind.py", NULL);
  const char *python = g_getenv ("PYTHON3") != NULL ? g_getenv ("PYTHON3") : "python3";
  g_autofree char *out = NULL, *err = NULL, *want = g_strdup_printf ("%u %s files, 0 errors", n_files, schema);
  const char *argv[] = { python, script, schemas, schema, dir, NULL };
  int status;

  if (schemas == NULL)
    return FALSE;
  status = vk_test_spawn (argv, &out, &err);
  if (status == 77)
    {
      g_test_skip ("Python's jsonschema module is not installed (apt-get install python3-jsonschema)");
      return FALSE;
    }
  if (status != 0 || strstr (out, want) == NULL)
    g_error ("schema validation of %s failed (%d):\n%s%s", dir, status, out, err);
  return TRUE;
}

static guint
count_json (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    n += g_str_has_suffix (name, ".json");
  return n;
}

/* A DST result file's StemmerAntal per Bogstav ("" for outside the
 * parties), read here on its own: the reference the exports must meet. */
static GHashTable *
dst_file_votes (const char *dir, const char *file, guint64 *ret_eligible)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkXmlNode) root = vk_xml_parse_file (path, &error);
  GHashTable *h = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  VkXmlNode *stemmer;

  g_assert_no_error (error);
  stemmer = vk_xml_node_child (root, "Stemmer");
  for (guint i = 0; i < stemmer->children->len; i++)
    {
      VkXmlNode *p = g_ptr_array_index (stemmer->children, i);
      const char *letter = vk_xml_node_get_attr (p, "Bogstav");
      guint64 *v = g_new0 (guint64, 1);

      if (strcmp (p->name, "Parti") != 0)
        {
          g_free (v);
          continue;
        }
      *v = g_ascii_strtoull (vk_xml_node_get_attr (p, "StemmerAntal"), NULL, 10);
      g_hash_table_insert (h, g_strdup (letter != NULL ? letter : ""), v);
    }
  if (ret_eligible != NULL)
    *ret_eligible = g_ascii_strtoull (vk_xml_node_child_text (root, "Stemmeberettigede"), NULL, 10);
  return h;
}

/* The DST id of the kreds fintal.xml names name. */
static char *
dst_kreds_id (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, "fintal.xml", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkXmlNode) root = vk_xml_parse_file (path, &error);
  VkXmlNode *g;

  g_assert_no_error (error);
  g = vk_xml_node_child (root, "Opstillingskredse");
  for (guint i = 0; i < g->children->len; i++)
    {
      VkXmlNode *n = g_ptr_array_index (g->children, i);
      if (strcmp (g_strstrip (n->text->str), name) == 0)
        return g_strdup (vk_xml_node_get_attr (n, "opstillingskreds_id"));
    }
  g_assert_not_reached ();
}

static const char *const bornholm[] = { "Rønne", "2. Aakirkeby", NULL };

/* ---- FV2022 --------------------------------------------------------------- */

static gint
cmp_lines (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* An allocation JSON as "A 123 4 5 9;…|<storkreds>:A 12 1 0;…" (by letter
 * and name, sorted), so that two sources' orders do not matter. */
static char *
allocation_digest (const char *path)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  JsonObject *root;
  JsonArray *a;
  GString *s = g_string_new (NULL);

  json_parser_load_from_file (p, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (p));
  g_ptr_array_add (lines,
                   g_strdup_printf ("valid %" G_GINT64_FORMAT, json_object_get_int_member (root, "GyldigeStemmer")));
  a = json_object_get_array_member (root, "Partier");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      g_ptr_array_add (lines, g_strdup_printf ("%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                                               json_object_get_string_member (o, "Bogstav"),
                                               json_object_get_int_member (o, "Stemmer"),
                                               json_object_get_int_member (o, "Kredsmandater"),
                                               json_object_get_int_member (o, "Tillægsmandater")));
    }
  a = json_object_get_array_member (root, "UdenforPartier");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);
      g_ptr_array_add (lines, g_strdup_printf ("uden %s %" G_GINT64_FORMAT, json_object_get_string_member (o, "Navn"),
                                               json_object_get_int_member (o, "Stemmer")));
    }
  a = json_object_get_array_member (root, "Storkredse");
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *sk = json_array_get_object_element (a, i);
      JsonArray *ps = json_object_get_array_member (sk, "Partier");
      for (guint k = 0; k < json_array_get_length (ps); k++)
        {
          JsonObject *o = json_array_get_object_element (ps, k);
          g_ptr_array_add (lines, g_strdup_printf ("%s: %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                                                   json_object_get_string_member (sk, "Navn"),
                                                   json_object_get_string_member (o, "Bogstav"),
                                                   json_object_get_int_member (o, "Stemmer"),
                                                   json_object_get_int_member (o, "Kredsmandater"),
                                                   json_object_get_int_member (o, "Tillægsmandater")));
        }
    }
  g_ptr_array_sort (lines, cmp_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (s, "%s\n", (const char *)g_ptr_array_index (lines, i));
  return g_string_free (s, FALSE);
}

static void
test_fv2022 (void)
{
  g_autofree char *dir = unpack ("fv2022", "ft22.tar.xz");
  g_autofree char *table_path = shared_data ("fv2022", "kredsmandater.json");
  g_autofree char *tmp = NULL, *out = NULL, *all = NULL, *dst_json = NULL, *vdk_json = NULL;
  g_autofree char *so = NULL, *se = NULL, *d1 = NULL, *d2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkFvTable) table = NULL;
  g_autoptr (VkFvVotes) votes = NULL;
  g_autoptr (GHashTable) ref = NULL;
  g_autoptr (GPtrArray) areas = NULL;
  VkFvStorkredsVotes *sk = NULL;
  guint n_bornholm = 0;

  if (dir == NULL || table_path == NULL)
    return;
  tmp = vk_test_tmpdir ();
  out = g_build_filename (tmp, "bornholm", NULL);
  {
    const char *argv[] = { vk_test_valgkit (),
                           "folketingsvalg",
                           "--results",
                           dir,
                           "--valgdk-out",
                           out,
                           "--kommune",
                           "400",
                           "--kommune-navn",
                           "Bornholms Regionskommune",
                           "--opstillingskreds",
                           bornholm[0],
                           "--opstillingskreds",
                           bornholm[1],
                           NULL };
    g_assert_cmpint (vk_test_spawn (argv, &so, &se), ==, 0);
  }
  areas = vk_dst_list_areas (dir, VK_DST_FOLKETINGSVALG, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < areas->len; i++)
    n_bornholm += strcmp (((VkDstArea *)g_ptr_array_index (areas, i))->storkreds_name, "Bornholms Storkreds") == 0;
  g_assert_cmpuint (n_bornholm, >, 0);
  g_assert_cmpuint (count_json (out), ==, n_bornholm);
  validate ("FV-Valgresultater", out, n_bornholm);

  /* Read back: Bornholms Storkreds has DST's own storkreds file's votes. */
  table = vk_fv_table_load (table_path, &error);
  g_assert_no_error (error);
  votes = vk_fv_valgdk_read (out, table, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (votes->n_areas, ==, n_bornholm);
  g_assert_cmpuint (votes->storkredse->len, ==, 1);
  sk = g_ptr_array_index (votes->storkredse, 0);
  g_assert_cmpstr (sk->name, ==, "Bornholms Storkreds");
  ref = dst_file_votes (dir, "fintal_13.xml", NULL);
  {
    guint64 outside = 0, valid = 0;
    for (guint p = 0; p < votes->letters->len; p++)
      {
        const guint64 *want = g_hash_table_lookup (ref, g_ptr_array_index (votes->letters, p));
        g_assert_nonnull (want);
        g_assert_cmpuint (vk_fv_storkreds_votes_get (sk, p), ==, *want);
        valid += *want;
      }
    for (guint i = 0; i < sk->independents->len; i++)
      outside += ((VkFvIndependent *)g_ptr_array_index (sk->independents, i))->votes;
    g_assert_cmpuint (outside, ==, *(guint64 *)g_hash_table_lookup (ref, ""));
    g_assert_cmpuint (sk->valid, ==, valid + outside);
    g_assert_cmpuint (g_hash_table_size (ref), ==, votes->letters->len + 1);
  }

  /* The whole country the same way: `valgkit folketingsvalg --results`
   * over the valg.dk files gives DST's national result, storkreds by
   * storkreds.  DST does not say which municipality an area is in, so
   * every other kreds is exported as a municipality of its own (codes
   * 901 …): the national sums do not read Kommune. */
  all = g_build_filename (tmp, "all", NULL);
  {
    g_autoptr (VkDstMunicipality) m
        = vk_dst_read_municipality (dir, VK_DST_FOLKETINGSVALG, "400", "Bornholms Regionskommune", bornholm, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_mkdir (all, 0700), ==, 0);
    g_assert_true (vk_dst_municipality_write_valgdk (m, all, NULL, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr (GHashTable) done = g_hash_table_new (g_str_hash, g_str_equal);
    guint code = 901;
    for (guint i = 0; i < areas->len; i++)
      {
        VkDstArea *a = g_ptr_array_index (areas, i);
        const char *one[] = { a->kreds_name, NULL };
        g_autofree char *kode = NULL;
        g_autoptr (VkDstMunicipality) m = NULL;

        if (strcmp (a->storkreds_name, "Bornholms Storkreds") == 0 || g_hash_table_contains (done, a->kreds_id))
          continue;
        g_hash_table_add (done, a->kreds_id);
        kode = g_strdup_printf ("%u", code++);
        m = vk_dst_read_municipality (dir, VK_DST_FOLKETINGSVALG, kode, a->kreds_name, one, &error);
        g_assert_no_error (error);
        g_assert_true (vk_dst_municipality_write_valgdk (m, all, NULL, &error));
        g_assert_no_error (error);
      }
  }
  g_assert_cmpuint (count_json (all), ==, areas->len);
  dst_json = g_build_filename (tmp, "dst.json", NULL);
  vdk_json = g_build_filename (tmp, "valgdk.json", NULL);
  {
    const char *argv[]
        = { vk_test_valgkit (), "folketingsvalg", "--results", dir, "--table", table_path, "--out", dst_json, NULL };
    g_assert_cmpint (vk_test_spawn (argv, NULL, NULL), ==, 0);
  }
  {
    const char *argv[]
        = { vk_test_valgkit (), "folketingsvalg", "--results", all, "--table", table_path, "--out", vdk_json, NULL };
    g_free (so);
    so = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &so, NULL), ==, 0);
  }
  g_assert_nonnull (strstr (so, "valg.dk FV-Valgresultater"));
  d1 = allocation_digest (dst_json);
  d2 = allocation_digest (vdk_json);
  g_assert_cmpstr (d1, ==, d2);
  /* And that is FV2022's official result: A 50 seats, V 23, M 16. */
  {
    static const struct
    {
      const char *letter;
      guint seats;
    } official[] = { { "A", 50 }, { "V", 23 }, { "M", 16 }, { "Ø", 9 } };
    for (guint i = 0; i < G_N_ELEMENTS (official); i++)
      {
        g_autofree char *key = g_strdup_printf ("\n%s ", official[i].letter);
        g_autofree char *all_lines = g_strconcat ("\n", d2, NULL);
        const char *line = strstr (all_lines, key);
        guint64 v = 0;
        guint k = 0, t = 0;
        g_assert_nonnull (line);
        g_assert_cmpint (sscanf (line + strlen (key), "%" G_GUINT64_FORMAT " %u %u", &v, &k, &t), ==, 3);
        g_assert_cmpuint (k + t, ==, official[i].seats);
      }
  }
}

/* A second export of the same counts writes nothing; a DST kreds that is
 * not there, or a missing area file, is refused by name. */
static void
test_fv_export_bad (void)
{
  g_autofree char *dir = unpack ("fv2022", "ft22.tar.xz");
  g_autofree char *tmp = NULL, *se = NULL, *so = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkDstMunicipality) m = NULL;
  guint written = 99;

  if (dir == NULL)
    return;
  tmp = vk_test_tmpdir ();
  m = vk_dst_read_municipality (dir, VK_DST_FOLKETINGSVALG, "400", "Bornholm", bornholm, &error);
  g_assert_no_error (error);
  g_assert_true (vk_dst_municipality_write_valgdk (m, tmp, &written, &error));
  g_assert_cmpuint (written, ==, m->results->len);
  g_assert_true (vk_dst_municipality_write_valgdk (m, tmp, &written, &error));
  g_assert_cmpuint (written, ==, 0);
  g_clear_pointer (&m, vk_dst_municipality_free);
  {
    const char *nowhere[] = { "Rønne", "Atlantis", NULL };
    m = vk_dst_read_municipality (dir, VK_DST_FOLKETINGSVALG, "400", "Bornholm", nowhere, &error);
    g_assert_null (m);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "no opstillingskreds \"Atlantis\""));
    g_clear_error (&error);
  }
  {
    g_autofree char *area = g_build_filename (dir, "fintal_1972468.xml", NULL);
    g_autofree char *out = g_build_filename (tmp, "out", NULL);
    g_assert_cmpint (g_unlink (area), ==, 0);
    const char *argv[] = { vk_test_valgkit (),
                           "folketingsvalg",
                           "--results",
                           dir,
                           "--valgdk-out",
                           out,
                           "--kommune",
                           "400",
                           "--kommune-navn",
                           "Bornholm",
                           "--opstillingskreds",
                           "Aakirkeby",
                           NULL };
    g_assert_cmpint (vk_test_spawn (argv, &so, &se), ==, 2);
    g_assert_nonnull (strstr (se, "fintal_1972468.xml"));
    g_assert_nonnull (strstr (se, "missing"));
  }
}

/* Issue 16's bad input through the command line: a DST file of another
 * election and an area in two kredse are exit status 2, naming the file
 * and the entry (the table that is not 135 + 40: test-fv /fv/cli-bad). */
static void
test_cli_bad_dst (void)
{
  g_autofree char *dir = unpack ("fv2022", "ft22.tar.xz");
  g_autofree char *fa = unpack ("folkeafstemning2015", "fa2015.tar.xz");
  g_autofree char *table_path = shared_data ("fv2022", "kredsmandater.json");
  g_autofree char *tmp = NULL, *out = NULL, *kreds = NULL, *orig = NULL, *index = NULL, *text = NULL;
  gsize len = 0;

  if (dir == NULL || fa == NULL || table_path == NULL)
    return;
  tmp = vk_test_tmpdir ();
  out = g_build_filename (tmp, "out.json", NULL);
  kreds = g_build_filename (dir, "fintal_20.xml", NULL);
  g_assert_true (g_file_get_contents (kreds, &orig, &len, NULL));
  {
    g_autofree char *other = NULL, *fa_kreds = g_build_filename (fa, "fintal_20.xml", NULL);
    g_autofree char *so = NULL, *se = NULL;
    const char *argv[]
        = { vk_test_valgkit (), "folketingsvalg", "--results", dir, "--table", table_path, "--out", out, NULL };
    g_assert_true (g_file_get_contents (fa_kreds, &other, NULL, NULL));
    g_assert_true (g_file_set_contents (kreds, other, -1, NULL));
    g_assert_cmpint (vk_test_spawn (argv, &so, &se), ==, 2);
    g_assert_nonnull (strstr (se, "fintal_20.xml"));
    g_assert_nonnull (strstr (se, "a file of another election"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    g_assert_true (g_file_set_contents (kreds, orig, (gssize)len, NULL));
  }
  index = g_build_filename (dir, "fintal.xml", NULL);
  g_assert_true (g_file_get_contents (index, &text, NULL, NULL));
  {
    g_autofree char *so = NULL, *se = NULL;
    const char *argv[]
        = { vk_test_valgkit (), "folketingsvalg", "--results", dir, "--table", table_path, "--out", out, NULL };
    GString *s = g_string_new (text);
    g_string_replace (s, "afstemningsomraade_id=\"1972215\" opstillingskreds_id=\"20\"",
                      "afstemningsomraade_id=\"1972214\" opstillingskreds_id=\"21\"", 1);
    g_assert_true (g_file_set_contents (index, s->str, -1, NULL));
    g_string_free (s, TRUE);
    g_assert_cmpint (vk_test_spawn (argv, &so, &se), ==, 2);
    g_assert_nonnull (strstr (se, "fintal.xml:"));
    g_assert_nonnull (strstr (se, "1972214 is listed in opstillingskreds 21 here and in opstillingskreds 20"));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
}

/* ---- signed municipality results ------------------------------------------ */

/* A package of contest with an enrolled count server that signs files
 * (VkValgdkFile*) to path; the election key's line is added to trust. */
static void
sign_files (const VkElection *contest, GPtrArray *files, const char *path, GString *trust)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = vk_keypair_generate ();
  g_autoptr (VkKeypair) server = vk_keypair_generate ();
  g_autoptr (VkPackage) package = NULL;
  g_autofree char *pkg = g_strdup_printf ("%s.vkp", path);
  g_autofree char *hex = vk_hex_encode (vk_keypair_get_public_key (key), VK_PUBLIC_KEY_BYTES);
  guint64 now = (guint64)(g_get_real_time () / 1000);
  const VkDevice *dev;

  package = vk_package_create (pkg, contest, NULL, key, &error);
  g_assert_no_error (error);
  g_assert_true (vk_package_enroll (package, key, "server", "server", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (server), now - 3600000, now + 86400000, &error));
  dev = vk_package_lookup_device (package, "server");
  g_assert_true (vk_valgdk_result_write (path, contest, vk_package_get_election_id (package), VK_RESULT_FINTAELLING,
                                         files, server, dev->enrolment, &error));
  g_assert_no_error (error);
  g_string_append_printf (trust, "%s %s %s\n", contest->municipality_code, hex, contest->municipality);
}

static void
sign_municipality (const VkDstMunicipality *m, const char *path, GString *trust)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) files = vk_dst_municipality_to_valgdk_files (m, &error);

  g_assert_no_error (error);
  sign_files (m->contest, files, path, trust);
}

/* The national allocation from the municipalities' signed results equals
 * DST's; an altered file or one municipality twice is refused. */
static void
test_signed_fv2022 (void)
{
  g_autofree char *dir = unpack ("fv2022", "ft22.tar.xz");
  g_autofree char *table_path = shared_data ("fv2022", "kredsmandater.json");
  g_autofree char *tmp = NULL, *trust_path = NULL, *dst_json = NULL, *out = NULL, *d1 = NULL, *d2 = NULL;
  g_autofree char *so = NULL, *se = NULL;
  g_autoptr (GString) trust = g_string_new ("# kommunekode key name\n");
  g_autoptr (GPtrArray) areas = NULL;
  g_autoptr (GPtrArray) storkredse = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;

  if (dir == NULL || table_path == NULL)
    return;
  tmp = vk_test_tmpdir ();
  areas = vk_dst_list_areas (dir, VK_DST_FOLKETINGSVALG, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < areas->len; i++)
    {
      VkDstArea *a = g_ptr_array_index (areas, i);
      if (!g_ptr_array_find_with_equal_func (storkredse, a->storkreds_name, g_str_equal, NULL))
        g_ptr_array_add (storkredse, g_strdup (a->storkreds_name));
    }
  g_assert_cmpuint (storkredse->len, ==, 10);
  g_ptr_array_add (argv, g_strdup (vk_test_valgkit ()));
  g_ptr_array_add (argv, g_strdup ("folketingsvalg"));
  /* One signed result per storkreds, each from a "municipality" of its
   * kredse (Bornholm is one; DST does not say which municipality the
   * other areas are in) with an election key of its own. */
  for (guint s = 0; s < storkredse->len; s++)
    {
      g_autoptr (GPtrArray) kredse = g_ptr_array_new ();
      g_autoptr (VkDstMunicipality) m = NULL;
      g_autofree char *code = g_strdup_printf ("%u", s == 3 ? 400 : 901 + s);
      g_autofree char *path = g_strdup_printf ("%s/%s.vkv", tmp, code);

      for (guint i = 0; i < areas->len; i++)
        {
          VkDstArea *a = g_ptr_array_index (areas, i);
          if (strcmp (a->storkreds_name, g_ptr_array_index (storkredse, s)) == 0
              && !g_ptr_array_find_with_equal_func (kredse, a->kreds_name, g_str_equal, NULL))
            g_ptr_array_add (kredse, a->kreds_name);
        }
      g_ptr_array_add (kredse, NULL);
      m = vk_dst_read_municipality (dir, VK_DST_FOLKETINGSVALG, code, g_ptr_array_index (storkredse, s),
                                    (const char *const *)kredse->pdata, &error);
      g_assert_no_error (error);
      sign_municipality (m, path, trust);
      g_ptr_array_add (argv, g_strdup ("--signed"));
      g_ptr_array_add (argv, g_steal_pointer (&path));
    }
  trust_path = g_build_filename (tmp, "trust.txt", NULL);
  g_assert_true (g_file_set_contents (trust_path, trust->str, -1, NULL));
  dst_json = g_build_filename (tmp, "dst.json", NULL);
  out = g_build_filename (tmp, "signed.json", NULL);
  {
    const char *a[]
        = { vk_test_valgkit (), "folketingsvalg", "--results", dir, "--table", table_path, "--out", dst_json, NULL };
    g_assert_cmpint (vk_test_spawn (a, NULL, NULL), ==, 0);
  }
  g_ptr_array_add (argv, g_strdup ("--trust"));
  g_ptr_array_add (argv, g_strdup (trust_path));
  g_ptr_array_add (argv, g_strdup ("--table"));
  g_ptr_array_add (argv, g_strdup (table_path));
  g_ptr_array_add (argv, g_strdup ("--out"));
  g_ptr_array_add (argv, g_strdup (out));
  g_ptr_array_add (argv, NULL);
  {
    int status = vk_test_spawn ((const char *const *)argv->pdata, &so, &se);
    if (status != 0)
      g_printerr ("%s", se);
    g_assert_cmpint (status, ==, 0);
  }
  g_assert_nonnull (strstr (so, "10 signed municipality results"));
  d1 = allocation_digest (dst_json);
  d2 = allocation_digest (out);
  g_assert_cmpstr (d1, ==, d2);

  /* One byte of Bornholm's votes altered: the signature fails, by file. */
  {
    g_autofree char *path = g_strdup_printf ("%s/400.vkv", tmp);
    g_autofree char *orig = NULL;
    gsize len = 0;
    char *hit;

    g_assert_true (g_file_get_contents (path, &orig, &len, NULL));
    {
      g_autofree char *data = g_memdup2 (orig, len);
      const char *needle = "\"GyldigeStemmer\":";
      hit = NULL;
      /* Binary CBOR: not a C string. */
      for (gsize i = 0; hit == NULL && i + strlen (needle) < len; i++)
        if (memcmp (data + i, needle, strlen (needle)) == 0)
          hit = data + i;
      if (hit == NULL)
        g_error ("no GyldigeStemmer in %s", path);
      else
        hit[strlen (needle)] ^= 1;
      g_assert_true (g_file_set_contents (path, data, (gssize)len, NULL));
    }
    g_free (se);
    se = NULL;
    g_assert_cmpint (vk_test_spawn ((const char *const *)argv->pdata, NULL, &se), !=, 0);
    g_assert_nonnull (strstr (se, "400.vkv"));
    g_assert_nonnull (strstr (se, "does not verify"));
    g_assert_true (g_file_set_contents (path, orig, (gssize)len, NULL));
  }
  /* The writer refuses files that are not this municipality's valg.dk
   * files of this contest and kind (and the reader runs the same check). */
  {
    g_autoptr (VkDstMunicipality) m = NULL;
    g_autoptr (GPtrArray) files = NULL;
    g_autoptr (VkKeypair) key = vk_keypair_generate ();
    g_autoptr (VkKeypair) server = vk_keypair_generate ();
    g_autoptr (VkPackage) package = NULL;
    g_autofree char *pkg = g_build_filename (tmp, "refuse.vkp", NULL);
    g_autofree char *bad = g_build_filename (tmp, "refuse.vkv", NULL);
    guint64 now = (guint64)(g_get_real_time () / 1000);
    VkValgdkFile *f0;
    const VkDevice *dev;
    static const struct
    {
      const char *from, *to, *name, *message;
    } cases[] = {
      { NULL, NULL, "../400-001.json", "not a plain *.json file name" },
      { "\"Kommunekode\":400", "\"Kommunekode\":401", NULL, "Kommunekode is not the result's municipality (400)" },
      { "\"Valgart\":\"Folketingsvalg\"", "\"Valgart\":\"Kommunalvalg\"", NULL, "Valgart is not \"Folketingsvalg\"" },
      { "\"Resultatart\":\"Fintælling\"", "\"Resultatart\":\"ForeløbigOptælling\"", NULL,
        "Resultatart is not \"Fintælling\"" },
    };

    m = vk_dst_read_municipality (dir, VK_DST_FOLKETINGSVALG, "400", "Bornholm", bornholm, &error);
    g_assert_no_error (error);
    files = vk_dst_municipality_to_valgdk_files (m, &error);
    g_assert_no_error (error);
    package = vk_package_create (pkg, m->contest, NULL, key, &error);
    g_assert_no_error (error);
    g_assert_true (vk_package_enroll (package, key, "server", "server", VK_PACKAGE_NO_AREA,
                                      vk_keypair_get_public_key (server), now - 3600000, now + 86400000, &error));
    dev = vk_package_lookup_device (package, "server");
    f0 = g_ptr_array_index (files, 0);
    for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
      {
        g_autofree char *name = g_strdup (f0->name), *json = g_strdup (f0->json);
        if (cases[c].name != NULL)
          {
            g_free (f0->name);
            f0->name = g_strdup (cases[c].name);
          }
        else
          {
            GString *t = g_string_new (f0->json);
            g_assert_cmpuint (g_string_replace (t, cases[c].from, cases[c].to, 1), ==, 1);
            g_free (f0->json);
            f0->json = g_string_free (t, FALSE);
          }
        g_assert_false (vk_valgdk_result_write (bad, m->contest, vk_package_get_election_id (package),
                                                VK_RESULT_FINTAELLING, files, server, dev->enrolment, &error));
        g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
        if (strstr (error->message, cases[c].message) == NULL)
          g_error ("case %u: %s", c, error->message);
        g_clear_error (&error);
        g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
        g_free (f0->name);
        f0->name = g_steal_pointer (&name);
        g_free (f0->json);
        f0->json = g_steal_pointer (&json);
      }
    /* The same file twice. */
    g_ptr_array_add (files, vk_valgdk_file_new (f0->name, f0->json));
    g_assert_false (vk_valgdk_result_write (bad, m->contest, vk_package_get_election_id (package),
                                            VK_RESULT_FINTAELLING, files, server, dev->enrolment, &error));
    g_assert_nonnull (strstr (error->message, "is given twice"));
    g_clear_error (&error);
  }

  /* The same municipality twice. */
  {
    g_autofree char *path = g_strdup_printf ("%s/400.vkv", tmp);
    const char *a[] = { vk_test_valgkit (), "folketingsvalg", "--signed", path,    "--signed", path, "--trust",
                        trust_path,         "--table",        table_path, "--out", out,        NULL };
    g_free (se);
    se = NULL;
    g_assert_cmpint (vk_test_spawn (a, NULL, &se), ==, 2);
    g_assert_nonnull (strstr (se, "kommune 400 has already been given"));
  }
  /* A trust file without Bornholm's key (another municipality's only). */
  {
    g_autofree char *path = g_strdup_printf ("%s/400.vkv", tmp);
    g_autofree char *empty = g_build_filename (tmp, "empty-trust.txt", NULL);
    const char *a[] = { vk_test_valgkit (), "folketingsvalg", "--signed", path, "--trust", empty,
                        "--table",          table_path,       "--out",    out,  NULL };
    const char *line = strstr (trust->str, "\n901 ") + 1;
    g_assert_true (g_file_set_contents (empty, line, strchr (line, '\n') + 1 - line, NULL));
    g_free (se);
    se = NULL;
    g_assert_cmpint (vk_test_spawn (a, NULL, &se), !=, 0);
    g_assert_nonnull (strstr (se, "unknown election key"));
  }
}

/* ---- FA2015 --------------------------------------------------------------- */

static void
test_fa2015 (void)
{
  g_autofree char *dir = unpack ("folkeafstemning2015", "fa2015.tar.xz");
  g_autofree char *tmp = NULL, *out = NULL, *res = NULL, *so = NULL, *se = NULL;
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;
  guint64 ja = 0, nej = 0, eligible = 0;
  JsonObject *o;

  if (dir == NULL)
    return;
  tmp = vk_test_tmpdir ();
  out = g_build_filename (tmp, "bornholm", NULL);
  res = g_build_filename (tmp, "fa.json", NULL);
  {
    const char *argv[] = { vk_test_valgkit (),
                           "folkeafstemning",
                           "--results",
                           dir,
                           "--valgdk-out",
                           out,
                           "--kommune",
                           "400",
                           "--kommune-navn",
                           "Bornholm",
                           "--opstillingskreds",
                           bornholm[0],
                           "--opstillingskreds",
                           bornholm[1],
                           NULL };
    g_assert_cmpint (vk_test_spawn (argv, &so, &se), ==, 0);
  }
  validate ("FA-Valgresultater", out, count_json (out));
  /* DST's own kreds files of the two kredse are the reference. */
  for (guint i = 0; bornholm[i] != NULL; i++)
    {
      g_autofree char *id = dst_kreds_id (dir, i == 0 ? "1. Rønne" : "2. Aakirkeby");
      g_autofree char *file = g_strdup_printf ("fintal_%s.xml", id);
      guint64 e = 0;
      g_autoptr (GHashTable) v = dst_file_votes (dir, file, &e);
      ja += *(guint64 *)g_hash_table_lookup (v, "JA");
      nej += *(guint64 *)g_hash_table_lookup (v, "NEJ");
      eligible += e;
    }
  {
    const char *argv[]
        = { vk_test_valgkit (), "folkeafstemning", "--results", out, "--rule", "42", "--out", res, NULL };
    g_free (so);
    so = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &so, NULL), ==, 0);
  }
  json_parser_load_from_file (p, res, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (p));
  g_assert_cmpint (json_object_get_int_member (o, "Ja"), ==, (gint64)ja);
  g_assert_cmpint (json_object_get_int_member (o, "Nej"), ==, (gint64)nej);
  g_assert_cmpint (json_object_get_int_member (o, "Stemmeberettigede"), ==, (gint64)eligible);

  /* The same through signed municipality results: Bornholm and, as a
   * second municipality, the kreds 1. Østerbro. */
  {
    g_autoptr (GString) trust = g_string_new ("");
    g_autofree char *trust_path = g_build_filename (tmp, "trust.txt", NULL);
    g_autofree char *s1 = g_build_filename (tmp, "400.vkv", NULL), *s2 = g_build_filename (tmp, "901.vkv", NULL);
    g_autofree char *res2 = g_build_filename (tmp, "fa-signed.json", NULL);
    g_autofree char *oid = dst_kreds_id (dir, "1. Østerbro");
    g_autofree char *ofile = g_strdup_printf ("fintal_%s.xml", oid);
    g_autoptr (JsonParser) p2 = json_parser_new ();
    const char *osterbro[] = { "Østerbro", NULL };
    guint64 e = 0;
    g_autoptr (GHashTable) v = dst_file_votes (dir, ofile, &e);
    JsonObject *o2;

    {
      g_autoptr (VkDstMunicipality) m
          = vk_dst_read_municipality (dir, VK_DST_FOLKEAFSTEMNING, "400", "Bornholm", bornholm, &error);
      g_assert_no_error (error);
      sign_municipality (m, s1, trust);
    }
    {
      g_autoptr (VkDstMunicipality) m
          = vk_dst_read_municipality (dir, VK_DST_FOLKEAFSTEMNING, "901", "Østerbro", osterbro, &error);
      g_assert_no_error (error);
      sign_municipality (m, s2, trust);
    }
    g_assert_true (g_file_set_contents (trust_path, trust->str, -1, NULL));
    {
      const char *argv[] = { vk_test_valgkit (), "folkeafstemning", "--signed", s1,      "--signed", s2,  "--trust",
                             trust_path,         "--rule",          "42",       "--out", res2,       NULL };
      g_assert_cmpint (vk_test_spawn (argv, NULL, NULL), ==, 0);
    }
    json_parser_load_from_file (p2, res2, &error);
    g_assert_no_error (error);
    o2 = json_node_get_object (json_parser_get_root (p2));
    g_assert_cmpint (json_object_get_int_member (o2, "Ja"), ==,
                     (gint64)(ja + *(guint64 *)g_hash_table_lookup (v, "JA")));
    g_assert_cmpint (json_object_get_int_member (o2, "Nej"), ==,
                     (gint64)(nej + *(guint64 *)g_hash_table_lookup (v, "NEJ")));
    g_assert_cmpint (json_object_get_int_member (o2, "Stemmeberettigede"), ==, (gint64)(eligible + e));
  }

  /* Helsingør's DST folder lacks area files: refused by name. */
  {
    g_autofree char *out2 = g_build_filename (tmp, "helsingor", NULL);
    const char *argv[] = { vk_test_valgkit (),
                           "folkeafstemning",
                           "--results",
                           dir,
                           "--valgdk-out",
                           out2,
                           "--kommune",
                           "217",
                           "--kommune-navn",
                           "Helsingør",
                           "--opstillingskreds",
                           "Helsingør",
                           NULL };
    g_free (se);
    se = NULL;
    g_assert_cmpint (vk_test_spawn (argv, NULL, &se), ==, 2);
    g_assert_nonnull (strstr (se, "its result file is missing"));
  }
}

/* ---- EP ------------------------------------------------------------------- */

typedef struct
{
  const char *letter, *form;
  guint n_candidates;
  const char *valgforbund;
  guint64 votes;
  guint64 personal[8];
} ListSpec;

/* docs/folketingsvalg.md's worked example (test-ep.c): 901,000 votes. */
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
write_kandidatdata (const char *path)
{
  g_autoptr (GString) s = g_string_new (NULL);

  g_string_append (s, "{\"Valgart\":\"Europa-Parlamentsvalg\",\"Valgdag\":\"09-06-2024\",\"Valgforbund\":["
                      "{\"ValgforbundId\":\"vf1\",\"Kandidatlister\":[\"lF\",\"lØ\"]},"
                      "{\"ValgforbundId\":\"vf2\",\"Kandidatlister\":[\"lC\",\"lB\"]}],\"Kandidatlister\":[");
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_string_append_printf (s,
                              "%s{\"KandidatlisteId\":\"l%s\",\"Stemmeseddelsplacering\":%u,\"Bogstavbetegnelse\":"
                              "\"%s\",\"Navn\":\"Liste %s\",\"Opstillingsform\":\"%s\",\"Kandidater\":[",
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

/* Area n of 3 holds ⌊x/3⌋ of every number, area 3 the rest. */
static guint64
share (guint64 x, guint n)
{
  return n < 3 ? x / 3 : x - 2 * (x / 3);
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

static void
test_ep_synthetic (void)
{
  g_autofree char *tmp = vk_test_tmpdir ();
  g_autofree char *kd = g_build_filename (tmp, "kandidat-data-Europa-Parlamentsvalg.json", NULL);
  g_autofree char *res = g_build_filename (tmp, "ev", NULL);
  g_autofree char *mand = g_build_filename (tmp, "mandater.json", NULL);
  g_autofree char *so = NULL, *se = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkAreaResult) total = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  g_autoptr (VkTie) tie = NULL;
  g_autoptr (GError) error = NULL;
  guint n_areas = 0;

  write_kandidatdata (kd);
  e = vk_ep_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_free (e->municipality);
  e->municipality = g_strdup ("Læsø");
  g_free (e->municipality_code);
  e->municipality_code = g_strdup ("825");
  g_free (e->date);
  e->date = g_strdup ("2024-06-09");
  g_assert_cmpint (g_mkdir (res, 0700), ==, 0);
  for (guint n = 1; n <= 3; n++)
    {
      g_autofree char *name = g_strdup_printf ("Område %u", n), *dagi = g_strdup_printf ("70000%u", n);
      g_autofree char *json = NULL, *stem = g_strdup_printf ("825-%03u", n);
      const VkArea *area = vk_election_add_area (e, n, name, dagi, 10000);
      g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, n, name);
      guint64 valid = 0;

      for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
        {
          g_autofree char *lid = g_strdup_printf ("l%s", lists[i].letter);
          guint64 votes = share (lists[i].votes, n), personal = 0;
          VkListResult *l;

          for (guint k = 0; k < lists[i].n_candidates; k++)
            {
              g_autofree char *cid = g_strdup_printf ("%s%u", lists[i].letter, k + 1);
              guint64 v = share (lists[i].personal[k], n);
              vk_area_result_add_candidate (r, lid, cid, v);
              personal += v;
            }
          l = vk_area_result_add_list (r, lid, votes, votes - personal);
          l->has_list_votes = TRUE;
          valid += votes;
        }
      r->valid = valid;
      r->blank_in_person = 7;
      r->blank_postal = 1;
      r->other_invalid = 3;
      r->cast = valid + 11;
      r->eligible = 2 * valid;
      json = vk_valgdk_ev_area_result_to_json (e, area, NULL, r, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (vk_valgdk_write_version (res, stem, json, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
    }
  validate ("EV-Valgresultater", res, 3);
  /* The same three files signed by Læsø's count server. */
  {
    g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_valgdk_file_free);
    g_autoptr (GString) trust = g_string_new ("");
    g_autofree char *trust_path = g_build_filename (tmp, "trust.txt", NULL);
    g_autofree char *signed_path = g_build_filename (tmp, "825.vkv", NULL);
    g_autofree char *so2 = NULL;

    for (guint n = 1; n <= 3; n++)
      {
        g_autofree char *path = g_strdup_printf ("%s/825-%03u.v1.json", res, n);
        g_autofree char *name = g_strdup_printf ("825-%03u.json", n);
        g_autofree char *json = NULL;
        g_assert_true (g_file_get_contents (path, &json, NULL, NULL));
        g_ptr_array_add (files, vk_valgdk_file_new (name, json));
      }
    sign_files (e, files, signed_path, trust);
    g_assert_true (g_file_set_contents (trust_path, trust->str, -1, NULL));
    {
      const char *argv[] = { vk_test_valgkit (),
                             "europaparlamentsvalg",
                             "--kandidatdata",
                             kd,
                             "--signed",
                             signed_path,
                             "--trust",
                             trust_path,
                             "--out",
                             mand,
                             NULL };
      g_assert_cmpint (vk_test_spawn (argv, &so2, NULL), ==, 0);
    }
    g_assert_nonnull (strstr (so2, "3 afstemningsområder, 15 mandater"));
    /* Seat for seat what the unsigned folder gives. */
    {
      g_autofree char *so3 = NULL;
      const char *argv[]
          = { vk_test_valgkit (), "europaparlamentsvalg", "--kandidatdata", kd, "--results", res, "--out", mand, NULL };
      g_assert_cmpint (vk_test_spawn (argv, &so3, NULL), ==, 0);
      g_assert_cmpstr (so2, ==, so3);
    }
  }

  /* Read back: the nationwide total is the example's, and so are the seats. */
  total = vk_ep_import_results_dir (e, res, &n_areas, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_areas, ==, 3);
  g_assert_cmpuint (total->valid, ==, 901000);
  g_assert_cmpuint (vk_area_result_get_candidate_votes (total, "A5"), ==, 50000);
  g_assert_cmpuint (vk_area_result_get_list_votes (total, "lV"), ==, 190000);
  a = vk_seats_allocate (e, VK_EP_SEATS, total, NULL, &tie, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seats_of (a, "A"), ==, 6);
  g_assert_cmpuint (seats_of (a, "V"), ==, 3);
  g_assert_cmpuint (seats_of (a, "D"), ==, 2);
  g_assert_cmpuint (seats_of (a, "F"), ==, 2);
  g_assert_cmpuint (seats_of (a, "Ø"), ==, 1);
  g_assert_cmpuint (seats_of (a, "C"), ==, 1);
  g_assert_cmpuint (seats_of (a, "B"), ==, 0);
  {
    const char *argv[]
        = { vk_test_valgkit (), "europaparlamentsvalg", "--kandidatdata", kd, "--results", res, "--out", mand, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &so, &se), ==, 0);
  }
  g_assert_nonnull (strstr (so, "3 afstemningsområder, 15 mandater"));
}

/* ---- the pure functions on a synthetic FV contest ------------------------- */

static void
test_fv_foreloebig_and_bad (void)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkAreaResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autofree char *json = NULL, *tmp = vk_test_tmpdir ();
  VkValgdkPlace place = { "Bornholm", 4, "Rønne", "46" };
  const VkArea *area;
  VkList *a, *v, *u;
  JsonObject *o, *party;

  e->type = VK_ELECTION_FV;
  g_free (e->municipality), e->municipality = g_strdup ("Bornholm");
  g_free (e->municipality_code), e->municipality_code = g_strdup ("400");
  g_free (e->date), e->date = g_strdup ("2026-03-24");
  a = vk_election_add_list (e, "pA", "A", "Socialdemokratiet", 1, VK_LIST_SIDEORDNET);
  vk_election_add_candidate (e, a, "a1", "Anna", "Anna", 1);
  v = vk_election_add_list (e, "pV", "V", "Venstre", 2, VK_LIST_SIDEORDNET);
  vk_election_add_candidate (e, v, "v1", "Vagn", "Vagn", 1);
  u = vk_election_add_list (e, "u1", "", "Ulla Uden", 3, VK_LIST_SIDEORDNET);
  vk_election_add_candidate (e, u, "c-u1", "Ulla Uden", "Ulla Uden", 1);
  area = vk_election_add_area (e, 1, "Rønne Nord", "703001", 1000);

  /* Election night: parties and the candidate outside them, no personal votes. */
  r = vk_area_result_new (VK_RESULT_FORELOEBIG, 1, "Rønne Nord");
  vk_area_result_add_list (r, "pA", 400, 0);
  vk_area_result_add_list (r, "pV", 300, 0);
  vk_area_result_add_list (r, "u1", 12, 0);
  r->valid = 712;
  r->blank_in_person = 5;
  r->other_invalid = 2;
  r->cast = 719;
  json = vk_valgdk_fv_area_result_to_json (e, area, &place, r, NULL, &error);
  g_assert_no_error (error);
  json_parser_load_from_data (p, json, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (p));
  g_assert_cmpstr (json_object_get_string_member (o, "Resultatart"), ==, "ForeløbigOptælling");
  g_assert_cmpstr (json_object_get_string_member (o, "Valgart"), ==, "Folketingsvalg");
  g_assert_cmpint (json_object_get_int_member (o, "Storkredsnummer"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (o, "OpstillingskredsDagiId"), ==, 46);
  party = json_array_get_object_element (json_object_get_array_member (o, "IndenforParti"), 0);
  g_assert_cmpstr (json_object_get_string_member (party, "Bogstavbetegnelse"), ==, "A");
  g_assert_true (json_object_get_null_member (party, "Kandidater"));
  g_assert_true (json_object_get_null_member (party, "Partistemmer"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "UdenforParti")), ==, 1);
  {
    g_autofree char *dir = g_build_filename (tmp, "fv", NULL);
    g_autofree char *table_path = shared_data ("fv2022", "kredsmandater.json");
    g_assert_true (vk_valgdk_write_version (dir, "400-001", json, NULL, NULL, NULL, &error));
    validate ("FV-Valgresultater", dir, 1);
    if (table_path != NULL)
      {
        g_autoptr (VkFvTable) table = vk_fv_table_load (table_path, &error);
        g_autoptr (VkFvVotes) votes = vk_fv_valgdk_read (dir, table, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (((VkFvStorkredsVotes *)g_ptr_array_index (votes->storkredse, 0))->valid, ==, 712);
      }
  }
  g_clear_pointer (&json, g_free);

  /* The fintælling: Partistemmer and the candidates with votes. */
  r->kind = VK_RESULT_FINTAELLING;
  vk_area_result_add_candidate (r, "pA", "a1", 150);
  ((VkListResult *)g_hash_table_lookup (r->lists_by_id, "pA"))->list_votes = 250;
  ((VkListResult *)g_hash_table_lookup (r->lists_by_id, "pA"))->has_list_votes = TRUE;
  json = vk_valgdk_fv_area_result_to_json (e, area, &place, r, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "\"Partistemmer\":250,\"StemmerDifferenceFraForrigeValg\":null,\"Kandidater\":"
                                  "[{\"Id\":\"a1\",\"Stemmeseddelnavn\":\"Anna\",\"Stemmer\":150}]"));
  g_assert_nonnull (strstr (json, "\"Kandidater\":[]"));
  g_clear_pointer (&json, g_free);

  /* Refused: no geography, votes that do not add up, another kind. */
  json = vk_valgdk_fv_area_result_to_json (e, area, NULL, r, NULL, &error);
  g_assert_null (json);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Storkreds"));
  g_clear_error (&error);
  r->valid = 713;
  json = vk_valgdk_fv_area_result_to_json (e, area, &place, r, NULL, &error);
  g_assert_null (json);
  g_assert_nonnull (strstr (error->message, "area 1 Rønne Nord: GyldigeStemmer: 713"));
  g_clear_error (&error);
  r->valid = 712;
  e->type = VK_ELECTION_KV;
  json = vk_valgdk_fv_area_result_to_json (e, area, &place, r, NULL, &error);
  g_assert_null (json);
  g_assert_nonnull (strstr (error->message, "Valgart"));
  g_clear_error (&error);
  json = vk_valgdk_ev_area_result_to_json (e, area, NULL, r, NULL, &error);
  g_assert_null (json);
  g_clear_error (&error);
  json = vk_valgdk_fa_area_result_to_json (e, area, NULL, r, NULL, &error);
  g_assert_null (json);
  g_clear_error (&error);
}

/* An independent candidate (DST's "Uden for partier"): Bornholms
 * Storkreds 2022 has one, Charlotte Petersen, with votes in nine of its
 * ten areas.  The reader's list of one must hold exactly the XML's
 * votes, all of them personal and none as listestemmer, so that
 * listestemmer + personal votes = votes for every list, as a table's
 * fintælling has it.  The numbers come from the area files' text here,
 * not from valgkit's XML reader. */
static void
test_dst_independent (void)
{
  g_autofree char *dir = unpack ("fv2022", "ft22.tar.xz");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkDstMunicipality) m = NULL;
  g_autoptr (GRegex) indep = NULL, outside_re = NULL;
  guint64 total = 0, storkreds_outside = 0;
  guint with_votes = 0;

  if (dir == NULL)
    return;
  indep = g_regex_new ("<Parti navn=\"([^\"]+)\" Id=\"([0-9]+)\" PersonligeStemmer=\"([0-9]+)\"", 0, 0, &error);
  g_assert_no_error (error);
  outside_re = g_regex_new ("<Parti Id=\"\" Navn=\"Uden for partier\" StemmerAntal=\"([0-9]+)\"", 0, 0, &error);
  g_assert_no_error (error);
  m = vk_dst_read_municipality (dir, VK_DST_FOLKETINGSVALG, "400", "Bornholms Regionskommune", bornholm, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (m->results->len, ==, 10);
  for (guint a = 0; a < m->results->len; a++)
    {
      const VkAreaResult *r = g_ptr_array_index (m->results, a);
      const VkDstArea *place = g_ptr_array_index (m->places, a);
      g_autofree char *xml = NULL;
      g_autoptr (GMatchInfo) mi = NULL, oi = NULL;
      guint n_indep = 0;

      g_assert_true (g_file_get_contents (place->path, &xml, NULL, NULL));
      /* "Uden for partier" under <Stemmer> = the independents' votes
       * (Christiansø, where she has none, has no such line). */
      {
        g_autofree char *o = g_regex_match (outside_re, xml, 0, &oi) ? g_match_info_fetch (oi, 1) : g_strdup ("0");
        guint64 outside = g_ascii_strtoull (o, NULL, 10), sum = 0;

        for (g_regex_match (indep, xml, 0, &mi); g_match_info_matches (mi); g_match_info_next (mi, NULL))
          {
            g_autofree char *name = g_match_info_fetch (mi, 1);
            g_autofree char *id = g_match_info_fetch (mi, 2);
            g_autofree char *votes_text = g_match_info_fetch (mi, 3);
            g_autofree char *lid = g_strconcat ("uden-", id, NULL);
            guint64 votes = g_ascii_strtoull (votes_text, NULL, 10);
            const VkListResult *l = g_hash_table_lookup (r->lists_by_id, lid);
            const VkList *list = vk_election_lookup_list (m->contest, lid);

            g_assert_nonnull (l);
            g_assert_nonnull (list);
            g_assert_cmpstr (list->letter, ==, "");
            g_assert_cmpstr (list->name, ==, name);
            g_assert_cmpuint (l->votes, ==, votes);
            g_assert_cmpuint (vk_area_result_get_candidate_votes (r, id), ==, votes);
            g_assert_cmpstr (g_hash_table_lookup (r->candidate_list, id), ==, lid);
            g_assert_true (l->has_list_votes);
            g_assert_cmpuint (l->list_votes, ==, 0);
            sum += votes;
            n_indep++;
            with_votes += votes > 0;
          }
        g_assert_cmpuint (sum, ==, outside);
        total += sum;
      }
      g_assert_cmpuint (n_indep, ==, 1);
      /* Every list: listestemmer + its candidates' personal votes = votes. */
      for (guint i = 0; i < r->lists->len; i++)
        {
          const VkListResult *l = g_ptr_array_index (r->lists, i);
          GHashTableIter iter;
          gpointer cand, lid;
          guint64 personal = 0;

          g_hash_table_iter_init (&iter, r->candidate_list);
          while (g_hash_table_iter_next (&iter, &cand, &lid))
            if (strcmp (lid, l->list_id) == 0)
              personal += vk_area_result_get_candidate_votes (r, cand);
          g_assert_true (l->has_list_votes);
          g_assert_cmpuint (l->list_votes + personal, ==, l->votes);
        }
    }
  /* The storkreds file's "Uden for partier" is the areas' sum. */
  {
    g_autofree char *sk = g_build_filename (dir, "fintal_13.xml", NULL);
    g_autofree char *xml = NULL, *o = NULL;
    g_autoptr (GMatchInfo) oi = NULL;

    g_assert_true (g_file_get_contents (sk, &xml, NULL, NULL));
    g_assert_nonnull (strstr (xml, "Bornholms Storkreds"));
    g_assert_true (g_regex_match (outside_re, xml, 0, &oi));
    o = g_match_info_fetch (oi, 1);
    storkreds_outside = g_ascii_strtoull (o, NULL, 10);
  }
  g_assert_cmpuint (storkreds_outside, >, 0);
  g_assert_cmpuint (total, ==, storkreds_outside);
  g_assert_cmpuint (with_votes, >=, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/valgdk-fv/fv2022", test_fv2022);
  g_test_add_func ("/valgdk-fv/dst-independent", test_dst_independent);
  g_test_add_func ("/valgdk-fv/fv-export-bad", test_fv_export_bad);
  g_test_add_func ("/valgdk-fv/cli-bad-dst", test_cli_bad_dst);
  g_test_add_func ("/valgdk-fv/signed-fv2022", test_signed_fv2022);
  g_test_add_func ("/valgdk-fv/fa2015", test_fa2015);
  g_test_add_func ("/valgdk-fv/ep-synthetic", test_ep_synthetic);
  g_test_add_func ("/valgdk-fv/fv-foreloebig-and-bad", test_fv_foreloebig_and_bad);
  return g_test_run ();
}

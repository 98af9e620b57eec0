/* test-fv.c: the national allocation of a folketingsvalg (shared/vk-fv.c) and DST's XML (shared/vk-dst.c).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FV2022 from Danmarks Statistik's own files must give the official
 * result; valg.dk-shaped area files made from the same areas must give the
 * same allocation; the rules' corners (independents, the two-landsdele
 * threshold, ties and lots, § 77 stk. 4) are tested on small synthetic
 * elections; bad input gets errors that name the file.
 */
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vk-dst-xml.h"
#include "vk-dst.h"
#include "vk-error.h"
#include "vk-fv-valgdk.h"
#include "vk-fv.h"
#include "vk-test-util.h"

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

/* Unpacks a DST tarball into a fresh temporary folder; returns the folder
 * that holds fintal.xml. */
static char *
unpack (const char *sub, const char *tarball)
{
  g_autofree char *tar = shared_data (sub, tarball);
  g_autofree char *tmp = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  char *found;

  g_autofree char *tar_tool = g_find_program_in_path ("tar");

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

static VkFvTable *
table_2020 (void)
{
  g_autofree char *path = shared_data ("fv2022", "kredsmandater.json");
  g_autoptr (GError) error = NULL;
  VkFvTable *t;

  if (path == NULL)
    return NULL;
  t = vk_fv_table_load (path, &error);
  g_assert_no_error (error);
  return t;
}

static gint
party (const VkFvAllocation *a, const char *letter)
{
  for (guint p = 0; p < a->n_parties; p++)
    if (strcmp (g_ptr_array_index (a->votes->letters, p), letter) == 0)
      return (gint)p;
  return -1;
}

/* ---- FV2022 --------------------------------------------------------------- */

static const struct
{
  const char *letter;
  guint seats;
} official_2022[] = {
  { "A", 50 }, { "V", 23 }, { "M", 16 }, { "F", 15 }, { "Æ", 14 }, { "I", 14 },
  { "C", 10 }, { "Ø", 9 },  { "B", 7 },  { "D", 6 },  { "Å", 6 },  { "O", 5 },
};

/* Per storkreds (in the table's order): kredsmandater and tillægsmandater
 * per party as "A4 B1 …".  The kredsmandater follow from d'Hondt alone;
 * the tillægsmandater are this implementation's (DST's XML does not hold
 * the seats), cross-checked by an independent script while writing. */
static const struct
{
  const char *storkreds, *kreds, *tillaeg;
} storkredse_2022[] = {
  { "Københavns Storkreds", "A4 B1 C1 F2 I1 M2 V1 Ø3 Å2", "F1 I1 V1" },
  { "Københavns Omegns Storkreds", "A5 C1 F1 I1 M2 V1", "B1 O1 Æ1 Ø1" },
  { "Nordsjællands Storkreds", "A4 C1 F1 I1 M1 V2", "B1 D1 Æ1 Å1" },
  { "Bornholms Storkreds", "A1 V1", "" },
  { "Sjællands Storkreds", "A7 C1 D1 F2 I1 M2 O1 V3 Æ2", "B1 F1 I1 M1 Ø1 Å1" },
  { "Fyns Storkreds", "A6 F1 I1 M1 V2 Æ1", "C1 D1 O1 Ø1" },
  { "Sydjyllands Storkreds", "A6 C1 D1 F1 I1 M2 V3 Æ2", "B1 I1 O1 Æ1 Ø1" },
  { "Østjyllands Storkreds", "A6 B1 C1 F2 I2 M1 V3 Æ1 Ø1", "D1 F1 I1 M2 O1 Å1" },
  { "Vestjyllands Storkreds", "A4 C1 F1 I1 M1 V3 Æ2", "C1" },
  { "Nordjyllands Storkreds", "A7 F1 I1 M1 V2 Æ3", "B1 C1 D1 V1 Ø1 Å1" },
};

static char *
seats_string (const VkFvAllocation *a, const guint *per_party)
{
  GString *s = g_string_new (NULL);

  /* Letters in DST's order (alphabetical, Æ Ø Å last). */
  for (guint p = 0; p < a->n_parties; p++)
    if (per_party[p] > 0)
      g_string_append_printf (s, "%s%s%u", s->len > 0 ? " " : "",
                              (const char *)g_ptr_array_index (a->votes->letters, p), per_party[p]);
  return g_string_free (s, FALSE);
}

static void
check_2022 (const VkFvAllocation *a)
{
  const VkFvTable *t = a->table;
  guint total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (official_2022); i++)
    {
      gint p = party (a, official_2022[i].letter);
      g_assert_cmpint (p, >=, 0);
      g_assert_cmpuint (a->kreds[p] + a->tillaeg[p], ==, official_2022[i].seats);
      g_assert_true (a->qualified[p]);
      total += official_2022[i].seats;
    }
  g_assert_cmpuint (total, ==, 175);
  /* Socialdemokratiet kept more kredsmandater than its share (§ 77 stk. 4). */
  g_assert_true (a->kept[party (a, "A")]);
  g_assert_cmpuint (a->kreds[party (a, "A")], ==, 50);
  g_assert_false (a->qualified[party (a, "K")]);
  g_assert_false (a->qualified[party (a, "Q")]);
  g_assert_cmpuint (a->n_rounds, ==, 2);
  g_assert_cmpuint (a->independents->len, ==, 0);
  g_assert_cmpuint (a->valid, ==, 3533951);
  g_assert_cmpuint (a->party_votes[party (a, "A")], ==, 971995);

  for (guint k = 0; k < t->storkredse->len; k++)
    {
      const VkFvStorkredsSeats *ss = g_ptr_array_index (t->storkredse, k);
      g_autofree char *kreds = seats_string (a, a->sk_kreds + k * a->n_parties);
      g_autofree char *tillaeg = seats_string (a, a->sk_tillaeg + k * a->n_parties);
      guint n = 0;

      g_assert_cmpstr (ss->name, ==, storkredse_2022[k].storkreds);
      g_assert_cmpstr (kreds, ==, storkredse_2022[k].kreds);
      g_assert_cmpstr (tillaeg, ==, storkredse_2022[k].tillaeg);
      for (guint p = 0; p < a->n_parties; p++)
        n += a->sk_kreds[k * a->n_parties + p];
      g_assert_cmpuint (n, ==, ss->kreds);
    }
  /* The landsdele get exactly the table's tillægsmandater, and each
   * party's landsdel seats are spread over its storkredse. */
  for (guint l = 0; l < t->landsdele->len; l++)
    {
      const VkFvLandsdel *ld = g_ptr_array_index (t->landsdele, l);
      guint n = 0;
      for (guint p = 0; p < a->n_parties; p++)
        {
          guint in_sk = 0;
          n += a->ld_tillaeg[l * a->n_parties + p];
          for (guint k = ld->first; k < ld->first + ld->n; k++)
            in_sk += a->sk_tillaeg[k * a->n_parties + p];
          g_assert_cmpuint (in_sk, ==, a->ld_tillaeg[l * a->n_parties + p]);
        }
      g_assert_cmpuint (n, ==, ld->tillaeg);
    }
}

static void
test_dst_2022 (void)
{
  g_autofree char *dir = unpack ("fv2022", "ft22.tar.xz");
  g_autoptr (VkFvTable) table = table_2020 ();
  g_autoptr (VkFvVotes) votes = NULL;
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (GError) error = NULL;

  if (dir == NULL || table == NULL)
    return;
  votes = vk_dst_read_fv (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (votes->storkredse->len, ==, 10);
  g_assert_cmpuint (votes->n_areas, ==, 1347);
  a = vk_fv_allocate (table, votes, NULL, &error);
  g_assert_no_error (error);
  check_2022 (a);
}

/* The command line writes the shape the issue gives. */
static void
test_cli_2022 (void)
{
  g_autofree char *dir = unpack ("fv2022", "ft22.tar.xz");
  g_autofree char *table = shared_data ("fv2022", "kredsmandater.json");
  g_autofree char *tmp = NULL, *out = NULL, *so = NULL, *se = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;
  JsonArray *partier, *storkredse;
  guint found = 0;

  if (dir == NULL || table == NULL)
    return;
  tmp = vk_test_tmpdir ();
  out = g_build_filename (tmp, "fv.json", NULL);
  {
    const char *argv[]
        = { vk_test_valgkit (), "folketingsvalg", "--results", dir, "--table", table, "--out", out, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &so, &se), ==, 0);
  }
  g_assert_nonnull (strstr (so, "§ 77 stk. 4"));
  json_parser_load_from_file (parser, out, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  partier = json_object_get_array_member (root, "Partier");
  for (guint i = 0; i < json_array_get_length (partier); i++)
    {
      JsonObject *p = json_array_get_object_element (partier, i);
      const char *letter = json_object_get_string_member (p, "Bogstav");
      g_assert_cmpint (json_object_get_int_member (p, "Mandater"), ==,
                       json_object_get_int_member (p, "Kredsmandater")
                           + json_object_get_int_member (p, "Tillægsmandater"));
      for (guint k = 0; k < G_N_ELEMENTS (official_2022); k++)
        if (strcmp (official_2022[k].letter, letter) == 0)
          {
            g_assert_cmpint (json_object_get_int_member (p, "Mandater"), ==, official_2022[k].seats);
            found++;
          }
    }
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (official_2022));
  storkredse = json_object_get_array_member (root, "Storkredse");
  g_assert_cmpuint (json_array_get_length (storkredse), ==, 10);
  {
    JsonObject *b = json_array_get_object_element (storkredse, 3);
    JsonArray *bp = json_object_get_array_member (b, "Partier");
    g_assert_cmpstr (json_object_get_string_member (b, "Navn"), ==, "Bornholms Storkreds");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (bp, 0), "Bogstav"), ==, "A");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (bp, 0), "Kredsmandater"), ==, 1);
  }
}

/* ---- bad DST input -------------------------------------------------------- */

static void
replace_in_file (const char *path, const char *from, const char *to)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) s = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, from));
  s = g_string_new (text);
  g_string_replace (s, from, to, 1);
  g_file_set_contents (path, s->str, (gssize)s->len, &error);
  g_assert_no_error (error);
}

static void
expect_dst_error (const char *dir, const char *what1, const char *what2)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkFvVotes) votes = vk_dst_read_fv (dir, &error);

  g_assert_null (votes);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  if (strstr (error->message, what1) == NULL || strstr (error->message, what2) == NULL)
    g_error ("unexpected message: %s", error->message);
}

static void
test_dst_bad (void)
{
  g_autofree char *dir = unpack ("fv2022", "ft22.tar.xz");
  g_autofree char *fa = unpack ("folkeafstemning2015", "fa2015.tar.xz");
  g_autofree char *index = NULL, *area = NULL, *kreds = NULL, *fa_area = NULL, *orig = NULL;
  gsize len = 0;

  if (dir == NULL || fa == NULL)
    return;
  index = g_build_filename (dir, "fintal.xml", NULL);
  area = g_build_filename (dir, "fintal_1972214.xml", NULL);
  kreds = g_build_filename (dir, "fintal_20.xml", NULL);
  fa_area = g_build_filename (fa, "fintal_20.xml", NULL);

  /* The FA2015 folder is not a folketingsvalg. */
  expect_dst_error (fa, "fintal.xml:3", "is not a folketingsvalg");

  /* A kreds file of another election. */
  g_assert_true (g_file_get_contents (kreds, &orig, &len, NULL));
  {
    g_autofree char *other = NULL;
    g_assert_true (g_file_get_contents (fa_area, &other, NULL, NULL));
    g_assert_true (g_file_set_contents (kreds, other, -1, NULL));
  }
  expect_dst_error (dir, "fintal_20.xml", "another election");
  g_assert_true (g_file_set_contents (kreds, orig, (gssize)len, NULL));

  /* Malformed XML in an area file: the file and the line. */
  {
    g_autofree char *text = NULL;
    g_assert_true (g_file_get_contents (area, &text, NULL, NULL));
    replace_in_file (area, "<Stemmer>", "<Stemmer><Parti");
    expect_dst_error (dir, "fintal_1972214.xml:16", "malformed XML");
    g_assert_true (g_file_set_contents (area, text, -1, NULL));
  }

  /* An area whose votes do not add up to its kreds. */
  {
    g_autofree char *text = NULL;
    g_assert_true (g_file_get_contents (area, &text, NULL, NULL));
    replace_in_file (area, "StemmerAntal=\"14\"", "StemmerAntal=\"15\"");
    expect_dst_error (dir, "fintal_1972214.xml", "votes");
    g_assert_true (g_file_set_contents (area, text, -1, NULL));
  }

  /* Without a kreds file its areas are summed; without one of them too,
   * the kreds cannot be read. */
  {
    g_autoptr (VkFvTable) table = table_2020 ();
    g_autoptr (VkFvVotes) votes = NULL;
    g_autoptr (VkFvAllocation) a = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree char *text = NULL;

    g_assert_cmpint (g_unlink (kreds), ==, 0);
    votes = vk_dst_read_fv (dir, &error);
    g_assert_no_error (error);
    a = vk_fv_allocate (table, votes, NULL, &error);
    g_assert_no_error (error);
    check_2022 (a);
    g_assert_true (g_file_get_contents (area, &text, NULL, NULL));
    g_assert_cmpint (g_unlink (area), ==, 0);
    expect_dst_error (dir, "fintal.xml:", "opstillingskreds 20 (\"1. Østerbro\"): neither its result file");
    g_assert_true (g_file_set_contents (area, text, -1, NULL));
    g_assert_true (g_file_set_contents (kreds, orig, (gssize)len, NULL));
  }

  /* An area listed in two kredse. */
  replace_in_file (index, "afstemningsomraade_id=\"1972215\" opstillingskreds_id=\"20\"",
                   "afstemningsomraade_id=\"1972214\" opstillingskreds_id=\"21\"");
  expect_dst_error (dir, "fintal.xml:120", "1972214 is listed in opstillingskreds 21 here and in opstillingskreds 20");
}

/* ---- valg.dk FV-Valgresultater --------------------------------------------- */

/* valg.dk's storkreds name from DST's: "Københavns Storkreds" → "København". */
static char *
valgdk_storkreds_name (const char *dst)
{
  g_autofree char *s = g_strdup (dst);
  gsize n;

  if (g_str_has_suffix (s, " Storkreds"))
    s[strlen (s) - strlen (" Storkreds")] = '\0';
  n = strlen (s);
  if (n > 0 && s[n - 1] == 's')
    s[n - 1] = '\0';
  return g_steal_pointer (&s);
}

/* Writes one FV-Valgresultater file per DST area file into out. */
static void
write_valgdk_areas (const char *dst, const char *out)
{
  g_autofree char *index_path = g_build_filename (dst, "fintal.xml", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkXmlNode) index = vk_xml_parse_file (index_path, &error);
  g_autoptr (GHashTable) sk_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GHashTable) kreds_sk = g_hash_table_new (g_str_hash, g_str_equal);
  VkXmlNode *group;

  g_assert_no_error (error);
  group = vk_xml_node_child (index, "Storkredse");
  for (guint i = 0; i < group->children->len; i++)
    {
      VkXmlNode *n = g_ptr_array_index (group->children, i);
      g_hash_table_insert (sk_name, (gpointer)vk_xml_node_get_attr (n, "storkreds_id"),
                           valgdk_storkreds_name (g_strstrip (n->text->str)));
    }
  group = vk_xml_node_child (index, "Opstillingskredse");
  for (guint i = 0; i < group->children->len; i++)
    {
      VkXmlNode *n = g_ptr_array_index (group->children, i);
      g_hash_table_insert (kreds_sk, (gpointer)vk_xml_node_get_attr (n, "opstillingskreds_id"),
                           (gpointer)vk_xml_node_get_attr (n, "storkreds_id"));
    }
  group = vk_xml_node_child (index, "Afstemningsomraader");
  for (guint i = 0; i < group->children->len; i++)
    {
      VkXmlNode *n = g_ptr_array_index (group->children, i);
      const char *id = vk_xml_node_get_attr (n, "afstemningsomraade_id");
      const char *kreds = vk_xml_node_get_attr (n, "opstillingskreds_id");
      g_autofree char *in = g_strdup_printf ("%s/fintal_%s.xml", dst, id);
      g_autofree char *path = g_strdup_printf ("%s/valgresultater-Folketingsvalg-%s.json", out, id);
      g_autoptr (VkXmlNode) r = vk_xml_parse_file (in, &error);
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;
      VkXmlNode *stemmer, *personer;

      g_assert_no_error (error);
      stemmer = vk_xml_node_child (r, "Stemmer");
      personer = vk_xml_node_child (r, "Personer");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Valgart");
      json_builder_add_string_value (b, "Folketingsvalg");
      json_builder_set_member_name (b, "Resultatart");
      json_builder_add_string_value (b, "Fintælling");
      json_builder_set_member_name (b, "Storkreds");
      json_builder_add_string_value (b, g_hash_table_lookup (sk_name, g_hash_table_lookup (kreds_sk, kreds)));
      json_builder_set_member_name (b, "OpstillingskredsDagiId");
      json_builder_add_int_value (b, g_ascii_strtoll (kreds, NULL, 10));
      json_builder_set_member_name (b, "AfstemningsområdeDagiId");
      json_builder_add_int_value (b, g_ascii_strtoll (id, NULL, 10));
      json_builder_set_member_name (b, "GyldigeStemmer");
      json_builder_add_int_value (b,
                                  g_ascii_strtoll (vk_xml_node_child_text (stemmer, "IAltGyldigeStemmer"), NULL, 10));
      json_builder_set_member_name (b, "IndenforParti");
      json_builder_begin_array (b);
      for (guint k = 0; k < stemmer->children->len; k++)
        {
          VkXmlNode *p = g_ptr_array_index (stemmer->children, k);
          if (strcmp (p->name, "Parti") != 0 || vk_xml_node_get_attr (p, "Bogstav") == NULL)
            continue;
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "Bogstavbetegnelse");
          json_builder_add_string_value (b, vk_xml_node_get_attr (p, "Bogstav"));
          json_builder_set_member_name (b, "PartiNavn");
          json_builder_add_string_value (b, vk_xml_node_get_attr (p, "Navn"));
          json_builder_set_member_name (b, "Stemmer");
          json_builder_add_int_value (b, g_ascii_strtoll (vk_xml_node_get_attr (p, "StemmerAntal"), NULL, 10));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "UdenforParti");
      json_builder_begin_array (b);
      for (guint k = 0; personer != NULL && k < personer->children->len; k++)
        {
          VkXmlNode *p = g_ptr_array_index (personer->children, k);
          if (vk_xml_node_get_attr (p, "Bogstav") != NULL)
            continue;
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "Id");
          json_builder_add_string_value (b, vk_xml_node_get_attr (p, "Id"));
          json_builder_set_member_name (b, "Stemmeseddelnavn");
          json_builder_add_string_value (b, vk_xml_node_get_attr (p, "navn"));
          json_builder_set_member_name (b, "Stemmer");
          json_builder_add_int_value (b, g_ascii_strtoll (vk_xml_node_get_attr (p, "PersonligeStemmer"), NULL, 10));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_to_file (gen, path, &error);
      g_assert_no_error (error);
    }
}

static void
test_valgdk_2022 (void)
{
  g_autofree char *dir = unpack ("fv2022", "ft22.tar.xz");
  g_autoptr (VkFvTable) table = table_2020 ();
  g_autofree char *out = NULL, *copy = NULL, *orig = NULL;
  g_autoptr (VkFvVotes) votes = NULL;
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (GError) error = NULL;

  if (dir == NULL || table == NULL)
    return;
  out = vk_test_tmpdir ();
  write_valgdk_areas (dir, out);
  votes = vk_fv_valgdk_read (out, table, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (votes->n_areas, ==, 1347);
  a = vk_fv_allocate (table, votes, NULL, &error);
  g_assert_no_error (error);
  check_2022 (a);
  g_clear_pointer (&a, vk_fv_allocation_free);
  g_clear_pointer (&votes, vk_fv_votes_free);

  /* An area in two kredse: the same area again, in another kreds. */
  orig = g_build_filename (out, "valgresultater-Folketingsvalg-1972214.json", NULL);
  copy = g_build_filename (out, "valgresultater-Folketingsvalg-x.json", NULL);
  {
    g_autofree char *text = NULL;
    g_assert_true (g_file_get_contents (orig, &text, NULL, NULL));
    g_assert_true (g_file_set_contents (copy, text, -1, NULL));
    replace_in_file (copy, "\"OpstillingskredsDagiId\":20", "\"OpstillingskredsDagiId\":21");
  }
  votes = vk_fv_valgdk_read (out, table, &error);
  g_assert_null (votes);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "valgresultater-Folketingsvalg-x.json"));
  g_assert_nonnull (strstr (error->message, "an area in two kredse"));
  g_clear_error (&error);
  g_assert_cmpint (g_unlink (copy), ==, 0);

  /* A file of another election. */
  replace_in_file (orig, "\"Folketingsvalg\"", "\"Kommunalvalg\"");
  votes = vk_fv_valgdk_read (out, table, &error);
  g_assert_null (votes);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "valgresultater-Folketingsvalg-1972214.json: Valgart"));
  g_assert_nonnull (strstr (error->message, "another election"));
}

/* ---- the seat table ------------------------------------------------------- */

static void
expect_table_error (const char *json, const char *what)
{
  g_autofree char *tmp = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (tmp, "table.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkFvTable) t = NULL;

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  t = vk_fv_table_load (path, &error);
  g_assert_null (t);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  if (strstr (error->message, what) == NULL || strstr (error->message, "table.json") == NULL)
    g_error ("unexpected message: %s", error->message);
}

static void
test_table_bad (void)
{
  g_autofree char *path = shared_data ("fv2022", "kredsmandater.json");
  g_autofree char *text = NULL;
  g_autoptr (GString) s = NULL;

  if (path == NULL)
    return;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  /* 134 + 40: Bornholm with one kredsmandat, and the landsdel's sum. */
  s = g_string_new (text);
  g_string_replace (s, "\"Kredsmandater\": 40", "\"Kredsmandater\": 39", 1);
  g_string_replace (s, "\"Kredsmandater\": 2\n", "\"Kredsmandater\": 1\n", 1);
  expect_table_error (s->str, "134 kredsmandater and 40 tillægsmandater; folketingsvalgloven § 10 says 135 and 40");
  /* A landsdel whose storkredse do not add up. */
  g_string_assign (s, text);
  g_string_replace (s, "\"Kredsmandater\": 2\n", "\"Kredsmandater\": 3\n", 1);
  expect_table_error (s->str, "Landsdele[0].Kredsmandater: 40, but its storkredse have 41");
  /* 41 tillægsmandater. */
  g_string_assign (s, text);
  g_string_replace (s, "\"Tillægsmandater\": 11", "\"Tillægsmandater\": 12", 1);
  expect_table_error (s->str, "41 tillægsmandater");
  /* A storkreds named twice. */
  g_string_assign (s, text);
  g_string_replace (s, "Fyns Storkreds", "Sjællands Storkreds", 1);
  expect_table_error (s->str, "Landsdele[1].Storkredse[1].Navn: the name is given twice");
  expect_table_error ("{\"Landsdele\": 3}", "Landsdele");
}

/* ---- synthetic elections ------------------------------------------------ */

/* A small table: landsdele "L1" (storkredse S1, S2) and "L2" (S3), and
 * "L3" (S4); kreds and tillæg given. */
static VkFvTable *
small_table (const guint *kreds, const guint *tillaeg)
{
  VkFvTable *t = g_new0 (VkFvTable, 1);
  const guint ld_of[] = { 0, 0, 1, 2 };

  t->landsdele = g_ptr_array_new ();
  t->storkredse = g_ptr_array_new ();
  for (guint l = 0; l < 3; l++)
    {
      VkFvLandsdel *ld = g_new0 (VkFvLandsdel, 1);
      ld->name = g_strdup_printf ("L%u", l + 1);
      ld->tillaeg = tillaeg[l];
      ld->first = l == 0 ? 0 : l + 1;
      ld->n = l == 0 ? 2 : 1;
      g_ptr_array_add (t->landsdele, ld);
    }
  for (guint k = 0; k < 4; k++)
    {
      VkFvStorkredsSeats *s = g_new0 (VkFvStorkredsSeats, 1);
      s->name = g_strdup_printf ("S%u", k + 1);
      s->kreds = kreds[k];
      s->landsdel = ld_of[k];
      ((VkFvLandsdel *)g_ptr_array_index (t->landsdele, ld_of[k]))->kreds += kreds[k];
      g_ptr_array_add (t->storkredse, s);
    }
  g_ptr_array_set_free_func (t->landsdele, NULL);
  return t;
}

static void
small_table_free (VkFvTable *t)
{
  for (guint i = 0; i < t->landsdele->len; i++)
    {
      VkFvLandsdel *l = g_ptr_array_index (t->landsdele, i);
      g_free (l->name);
      g_free (l);
    }
  for (guint i = 0; i < t->storkredse->len; i++)
    {
      VkFvStorkredsSeats *s = g_ptr_array_index (t->storkredse, i);
      g_free (s->name);
      g_free (s);
    }
  g_ptr_array_unref (t->landsdele);
  g_ptr_array_unref (t->storkredse);
  g_free (t);
}

/* votes[k][p] for parties "A".."E", plus an optional independent. */
static VkFvVotes *
small_votes (const guint64 votes[4][5], guint ind_storkreds, guint64 ind_votes)
{
  VkFvVotes *v = vk_fv_votes_new ("synthetic");
  const char *letters[] = { "A", "B", "C", "D", "E" };

  for (guint p = 0; p < 5; p++)
    vk_fv_votes_party (v, letters[p], letters[p]);
  for (guint k = 0; k < 4; k++)
    {
      g_autofree char *name = g_strdup_printf ("S%u", k + 1);
      VkFvStorkredsVotes *sv = vk_fv_votes_storkreds (v, name);
      for (guint p = 0; p < 5; p++)
        {
          vk_fv_storkreds_votes_add (sv, p, votes[k][p]);
          sv->valid += votes[k][p];
        }
      if (ind_votes > 0 && k == ind_storkreds)
        {
          vk_fv_storkreds_votes_add_independent (sv, "Uafhængig Kandidat", ind_votes);
          sv->valid += ind_votes;
        }
    }
  return v;
}

/* The worked example of docs/folketingsvalg.md: 10 kredsmandater and 4
 * tillægsmandater, an independent candidate elected, E below 2 %. */
static void
test_worked_example (void)
{
  const guint kreds[] = { 3, 2, 3, 2 }, tillaeg[] = { 2, 1, 1 };
  const guint64 votes[4][5] = {
    { 6000, 2900, 1500, 400, 90 },
    { 2500, 1100, 700, 300, 60 },
    { 3100, 2950, 1400, 500, 80 },
    { 2200, 1900, 600, 750, 70 },
  };
  VkFvTable *t = small_table (kreds, tillaeg);
  g_autoptr (VkFvVotes) v = small_votes (votes, 1, 2000);
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (GError) error = NULL;
  const guint total[] = { 6, 4, 2, 1, 0 };
  const char *sk_kreds[] = { "A2 B1", "A1", "A2 B1", "A1 B1" };
  const char *sk_tillaeg[] = { "C1", "B1", "C1", "D1" };

  a = vk_fv_allocate (t, v, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->valid, ==, 31100);
  g_assert_cmpuint (a->independents->len, ==, 1);
  g_assert_cmpuint (((VkFvElectedIndependent *)g_ptr_array_index (a->independents, 0))->storkreds, ==, 1);
  for (guint p = 0; p < 5; p++)
    g_assert_cmpuint (a->kreds[p] + a->tillaeg[p], ==, total[p]);
  g_assert_true (a->qualified[2] && a->qualified[3]);
  g_assert_false (a->qualified[4]);
  g_assert_false (a->kept[0]);
  for (guint k = 0; k < 4; k++)
    {
      g_autofree char *ks = seats_string (a, a->sk_kreds + k * 5);
      g_autofree char *ts = seats_string (a, a->sk_tillaeg + k * 5);
      g_assert_cmpstr (ks, ==, sk_kreds[k]);
      g_assert_cmpstr (ts, ==, sk_tillaeg[k]);
    }
  /* Landsdele: L1 B and C, L2 C, L3 D. */
  g_assert_cmpuint (a->ld_tillaeg[0 * 5 + 1], ==, 1);
  g_assert_cmpuint (a->ld_tillaeg[0 * 5 + 2], ==, 1);
  g_assert_cmpuint (a->ld_tillaeg[1 * 5 + 2], ==, 1);
  g_assert_cmpuint (a->ld_tillaeg[2 * 5 + 3], ==, 1);
  small_table_free (t);
}

/* An independent candidate takes one kredsmandat at most, and the
 * parties share the seats less it. */
static void
test_independent (void)
{
  const guint kreds[] = { 2, 2, 2, 2 }, tillaeg[] = { 1, 1, 1 };
  const guint64 votes[4][5] = {
    { 1000, 900, 130, 0, 0 },
    { 1000, 900, 130, 0, 0 },
    { 1000, 900, 130, 0, 0 },
    { 1010, 900, 130, 0, 0 },
  };
  VkFvTable *t = small_table (kreds, tillaeg);
  g_autoptr (VkFvVotes) v = small_votes (votes, 0, 5000);
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (GError) error = NULL;

  a = vk_fv_allocate (t, v, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->independents->len, ==, 1);
  g_assert_cmpstr (((VkFvElectedIndependent *)g_ptr_array_index (a->independents, 0))->name, ==, "Uafhængig Kandidat");
  /* S1: 5000 (the independent), then A 1000 — not the independent's 2500. */
  g_assert_cmpuint (a->sk_kreds[0 * 5 + 0], ==, 1);
  g_assert_cmpuint (a->kreds[0] + a->tillaeg[0], ==, 5);
  g_assert_cmpuint (a->kreds[1] + a->tillaeg[1], ==, 4);
  g_assert_cmpuint (a->kreds[2] + a->tillaeg[2], ==, 1);
  g_assert_cmpuint (a->sk_tillaeg[0 * 5 + 1], ==, 1);
  g_assert_cmpuint (a->sk_tillaeg[2 * 5 + 2], ==, 1);
  g_assert_cmpuint (a->sk_tillaeg[3 * 5 + 0], ==, 1);
  small_table_free (t);
}

/* Equal quotients for the last seat need a lot; the lot decides; a lot
 * that matches no tie is refused. */
static void
test_lots (void)
{
  const guint kreds[] = { 1, 1, 1, 1 }, tillaeg[] = { 0, 0, 0 };
  const guint64 votes[4][5] = {
    { 500, 500, 0, 0, 0 },
    { 900, 100, 0, 0, 0 },
    { 100, 900, 0, 0, 0 },
    { 900, 100, 0, 0, 0 },
  };
  VkFvTable *t = small_table (kreds, tillaeg);
  g_autoptr (VkFvVotes) v = small_votes (votes, 0, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkLots) lots = vk_lots_new ();
  const char *tied[] = { "S1:A", "S1:B", NULL };
  VkFvAllocation *a;

  a = vk_fv_allocate (t, v, NULL, &error);
  g_assert_null (a);
  g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
  g_assert_nonnull (strstr (error->message, "kredsmandat 1 of S1"));
  g_assert_nonnull (strstr (error->message, "\"S1:A\", \"S1:B\""));
  g_clear_error (&error);

  vk_lots_add (lots, tied, "S1:B");
  a = vk_fv_allocate (t, v, lots, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->sk_kreds[0 * 5 + 1], ==, 1);
  g_assert_cmpuint (a->kreds[0], ==, 2);
  g_assert_cmpuint (a->kreds[1], ==, 2);
  vk_fv_allocation_free (a);

  {
    const char *other[] = { "S2:A", "S2:B", NULL };
    vk_lots_add (lots, other, "S2:A");
  }
  a = vk_fv_allocate (t, v, lots, &error);
  g_assert_null (a);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "matches no tie"));
  small_table_free (t);
}

/* § 77 stk. 4: A wins 9 of 12 kredsmandater with 55 % of the votes,
 * more than its share of 16; it keeps them and the others share 7. */
static void
test_kept (void)
{
  const guint kreds[] = { 3, 3, 3, 3 }, tillaeg[] = { 2, 1, 1 };
  guint64 votes[4][5] = { { 0 } };
  const guint64 base[] = { 5213, 1731, 1597, 1489 };
  VkFvTable *t = small_table (kreds, tillaeg);
  g_autoptr (VkFvVotes) v = NULL;
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (GError) error = NULL;

  for (guint k = 0; k < 4; k++)
    for (guint p = 0; p < 4; p++)
      votes[k][p] = base[p] + k * (p + 3) * 11;
  v = small_votes ((const guint64 (*)[5])votes, 0, 0);
  a = vk_fv_allocate (t, v, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (a->kept[0]);
  g_assert_cmpuint (a->n_rounds, ==, 2);
  g_assert_cmpuint (a->kreds[0], ==, 9);
  g_assert_cmpuint (a->tillaeg[0], ==, 0);
  g_assert_cmpuint (a->kreds[1] + a->tillaeg[1], ==, 3);
  g_assert_cmpuint (a->kreds[2] + a->tillaeg[2], ==, 2);
  g_assert_cmpuint (a->kreds[3] + a->tillaeg[3], ==, 2);
  g_assert_cmpuint (a->sk_tillaeg[1 * 5 + 2], ==, 1);
  g_assert_cmpuint (a->sk_tillaeg[1 * 5 + 3], ==, 1);
  g_assert_cmpuint (a->sk_tillaeg[2 * 5 + 3], ==, 1);
  g_assert_cmpuint (a->sk_tillaeg[3 * 5 + 2], ==, 1);
  small_table_free (t);
}

/* § 77 stk. 1 nr. 2: E has no kredsmandat and 1.5 % of the votes, but in
 * two landsdele at least their valid votes per kredsmandat: it takes
 * part.  A table of 135 + 40 read from JSON (15 storkredse). */
static void
test_two_landsdele (void)
{
  g_autofree char *tmp = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (tmp, "table.json", NULL);
  g_autoptr (GString) json = g_string_new ("{\"Landsdele\":[");
  g_autoptr (VkFvTable) t = NULL;
  g_autoptr (VkFvVotes) v = vk_fv_votes_new ("synthetic");
  g_autoptr (VkFvAllocation) a = NULL;
  g_autoptr (GError) error = NULL;
  const guint64 base[] = { 41234, 29876, 19543, 7013, 2201 };
  const guint64 base3[] = { 81234, 59321, 40123, 15234, 0 };
  const char *letters[] = { "A", "B", "C", "D", "E" };
  const guint total[] = { 72, 52, 35, 13, 3 };

  for (guint l = 0; l < 3; l++)
    {
      g_string_append_printf (json, "%s{\"Navn\":\"L%u\",\"Kredsmandater\":%u,\"Tillægsmandater\":%u,\"Storkredse\":[",
                              l ? "," : "", l + 1, l < 2 ? 48 : 39, l == 0 ? 14 : 13);
      for (guint i = 0; i < (l < 2 ? 6u : 3u); i++)
        g_string_append_printf (json, "%s{\"Navn\":\"S%u\",\"Kredsmandater\":%u}", i ? "," : "", l * 6 + i + 1,
                                l < 2 ? 8 : 13);
      g_string_append (json, "]}");
    }
  g_string_append (json, "]}");
  g_assert_true (g_file_set_contents (path, json->str, -1, NULL));
  t = vk_fv_table_load (path, &error);
  g_assert_no_error (error);

  for (guint p = 0; p < 5; p++)
    vk_fv_votes_party (v, letters[p], letters[p]);
  for (guint i = 1; i <= 15; i++)
    {
      g_autofree char *name = g_strdup_printf ("S%u", i);
      VkFvStorkredsVotes *sv = vk_fv_votes_storkreds (v, name);
      for (guint p = 0; p < 5; p++)
        {
          guint64 b = i <= 12 ? base[p] : base3[p];
          guint64 x = b > 0 ? b + (i * 37 * (p + 1)) % 101 : 0;
          vk_fv_storkreds_votes_add (sv, p, x);
          sv->valid += x;
        }
    }
  a = vk_fv_allocate (t, v, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->kreds[4], ==, 0);
  g_assert_true (a->qualified[4]);
  /* Below 2 %: 26,400-odd of 1.78 million. */
  g_assert_cmpint (vk_seats_compare_quotients (a->party_votes[4], 1, a->valid, 50), <, 0);
  for (guint p = 0; p < 5; p++)
    g_assert_cmpuint (a->kreds[p] + a->tillaeg[p], ==, total[p]);
}

/* The XML reader on hostile input: nesting, a second root, truncation,
 * entities GMarkup does not know, a byte order mark. */
static void
test_xml_hostile (void)
{
  g_autoptr (GString) deep = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  VkXmlNode *n;

  for (guint i = 0; i < 40; i++)
    g_string_append (deep, "<a>");
  n = vk_xml_parse_data ("deep.xml", deep->str, deep->len, &error);
  g_assert_null (n);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "deep.xml:1: malformed XML"));
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
  g_clear_error (&error);

  n = vk_xml_parse_data ("two.xml", "<a/>\n<b/>", 9, &error);
  g_assert_null (n);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "two.xml:2:"));
  g_clear_error (&error);

  n = vk_xml_parse_data ("cut.xml", "<Data><ValgNavn>Folk", 20, &error);
  g_assert_null (n);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);

  n = vk_xml_parse_data ("ent.xml", "<a>&xxe;</a>", 12, &error);
  g_assert_null (n);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);

  n = vk_xml_parse_data ("bom.xml", "\xEF\xBB\xBF<a x=\"1\">t</a>", 17, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (n->name, ==, "a");
  g_assert_cmpstr (vk_xml_node_get_attr (n, "x"), ==, "1");
  vk_xml_node_free (n);
}

/* The command line: a bad table is exit status 2 and names the file. */
static void
test_cli_bad (void)
{
  g_autofree char *tmp = vk_test_tmpdir ();
  g_autofree char *table = g_build_filename (tmp, "kredsmandater.json", NULL);
  g_autofree char *out = g_build_filename (tmp, "out.json", NULL);
  g_autofree char *so = NULL, *se = NULL;

  g_assert_true (g_file_set_contents (table,
                                      "{\"Landsdele\":[{\"Navn\":\"L\",\"Kredsmandater\":1,\"Tillægsmandater\":0,"
                                      "\"Storkredse\":[{\"Navn\":\"S\",\"Kredsmandater\":1}]}]}",
                                      -1, NULL));
  {
    const char *argv[]
        = { vk_test_valgkit (), "folketingsvalg", "--results", tmp, "--table", table, "--out", out, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &so, &se), ==, 2);
  }
  g_assert_nonnull (strstr (se, "kredsmandater.json"));
  g_assert_nonnull (strstr (se, "135 and 40"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fv/dst-2022", test_dst_2022);
  g_test_add_func ("/fv/cli-2022", test_cli_2022);
  g_test_add_func ("/fv/dst-bad", test_dst_bad);
  g_test_add_func ("/fv/valgdk-2022", test_valgdk_2022);
  g_test_add_func ("/fv/table-bad", test_table_bad);
  g_test_add_func ("/fv/xml-hostile", test_xml_hostile);
  g_test_add_func ("/fv/cli-bad", test_cli_bad);
  g_test_add_func ("/fv/worked-example", test_worked_example);
  g_test_add_func ("/fv/independent", test_independent);
  g_test_add_func ("/fv/lots", test_lots);
  g_test_add_func ("/fv/kept", test_kept);
  g_test_add_func ("/fv/two-landsdele", test_two_landsdele);
  return g_test_run ();
}

/* test-fa.c: the outcome of a folkeafstemning (shared/vk-fa.c) from DST's XML and valg.dk's files.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vk-dst.h"
#include "vk-error.h"
#include "vk-fa.h"
#include "vk-test-util.h"

static char *
unpack_fa2015 (void)
{
  const char *kv = vk_test_data_dir ();
  g_autofree char *tar = NULL, *tar_tool = NULL, *tmp = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  char *found;

  if (kv == NULL)
    return NULL;
  tar = g_build_filename (kv, "..", "folkeafstemning2015", "fa2015.tar.xz", NULL);
  tar_tool = g_find_program_in_path ("tar");
  if (!g_file_test (tar, G_FILE_TEST_EXISTS) || tar_tool == NULL)
    {
      g_test_skip ("folkeafstemning2015 or tar not present");
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

/* Grundloven § 42 stk. 5 and § 88 at their boundaries. */
static void
test_rules (void)
{
  /* § 42: falls when Nej has the majority and ≥ 30 % of the eligible. */
  g_assert_false (vk_fa_adopted (VK_FA_RULE_42, 200, 300, 1000));
  g_assert_true (vk_fa_adopted (VK_FA_RULE_42, 200, 299, 1000)); /* 29.9 % */
  g_assert_true (vk_fa_adopted (VK_FA_RULE_42, 300, 300, 1000)); /* no majority */
  g_assert_true (vk_fa_adopted (VK_FA_RULE_42, 400, 350, 1000)); /* Ja has it */
  g_assert_false (vk_fa_adopted (VK_FA_RULE_42, 0, 3, 10));
  g_assert_true (vk_fa_adopted (VK_FA_RULE_42, 0, 2, 10));
  /* § 88: adopted when Ja has the majority and ≥ 40 % of the eligible. */
  g_assert_true (vk_fa_adopted (VK_FA_RULE_88, 400, 399, 1000));
  g_assert_false (vk_fa_adopted (VK_FA_RULE_88, 399, 100, 1000)); /* 39.9 % */
  g_assert_false (vk_fa_adopted (VK_FA_RULE_88, 450, 450, 1000)); /* no majority */
  /* Exactly 40 % of the eligible is enough; one vote less is not. */
  g_assert_true (vk_fa_adopted (VK_FA_RULE_88, 920000, 85717, 2300000));
  g_assert_false (vk_fa_adopted (VK_FA_RULE_88, 919999, 85717, 2300000));
  /* Exactly 30 % Nej with the majority makes the bill fall. */
  g_assert_false (vk_fa_adopted (VK_FA_RULE_42, 600000, 690000, 2300000));
  g_assert_true (vk_fa_adopted (VK_FA_RULE_42, 600000, 689999, 2300000));
}

static void
test_dst_2015 (void)
{
  g_autofree char *dir = unpack_fa2015 ();
  g_autoptr (GError) error = NULL;
  VkFaTotals t = { 0 };

  if (dir == NULL)
    return;
  g_assert_true (vk_dst_read_fa (dir, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (t.ja, ==, 1375862);
  g_assert_cmpuint (t.nej, ==, 1558437);
  g_assert_cmpuint (t.eligible, ==, 4153041);
  g_assert_cmpuint (t.valid, ==, 2934299);
  g_assert_cmpuint (t.cast, ==, 2990261);
  g_assert_cmpuint (t.blank, ==, 48216);
  g_assert_cmpuint (t.n_units, ==, 92);
  /* Nej: 53.1 % of the votes and 37.5 % of the eligible: the bill fell. */
  g_assert_false (vk_fa_adopted (VK_FA_RULE_42, t.ja, t.nej, t.eligible));
  g_assert_false (vk_fa_adopted (VK_FA_RULE_88, t.ja, t.nej, t.eligible));
  vk_fa_totals_clear (&t);

  /* A folkeafstemning is not a folketingsvalg, and the other way round. */
  {
    VkFvVotes *v = vk_dst_read_fv (dir, &error);
    g_assert_null (v);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "is not a folketingsvalg"));
  }
}

static void
test_cli_2015 (void)
{
  g_autofree char *dir = unpack_fa2015 ();
  g_autofree char *tmp = NULL, *out = NULL, *so = NULL, *se = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root;

  if (dir == NULL)
    return;
  tmp = vk_test_tmpdir ();
  out = g_build_filename (tmp, "fa.json", NULL);
  {
    const char *argv[]
        = { vk_test_valgkit (), "folkeafstemning", "--results", dir, "--rule", "42", "--out", out, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &so, &se), ==, 0);
  }
  json_parser_load_from_file (parser, out, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "Ja"), ==, 1375862);
  g_assert_cmpint (json_object_get_int_member (root, "Nej"), ==, 1558437);
  g_assert_cmpint (json_object_get_int_member (root, "Stemmeberettigede"), ==, 4153041);
  g_assert_cmpstr (json_object_get_string_member (root, "Resultat"), ==, "forkastet");
  {
    const char *argv[]
        = { vk_test_valgkit (), "folkeafstemning", "--results", dir, "--rule", "43", "--out", out, NULL };
    g_autofree char *so2 = NULL, *se2 = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &so2, &se2), ==, 2);
    g_assert_nonnull (strstr (se2, "42 or 88"));
  }
}

static void
write_area (const char *dir, const char *name, const char *valgart, guint area, guint64 ja, guint64 nej,
            guint64 eligible)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *json = g_strdup_printf (
      "{\"Valgart\":\"%s\",\"Resultatart\":\"Fintælling\",\"AfstemningsområdeDagiId\":%u,"
      "\"StemmerForJa\":%" G_GUINT64_FORMAT ",\"StemmerForNej\":%" G_GUINT64_FORMAT
      ",\"GyldigeStemmer\":%" G_GUINT64_FORMAT ",\"AfgivneStemmer\":%" G_GUINT64_FORMAT
      ",\"AntalStemmeberettigedeVælgere\":%" G_GUINT64_FORMAT
      ",\"BlankeUgyldigeFremmødteStemmer\":3,\"BlankeUgyldigeBrevstemmer\":1,\"UgyldigeStemmerUdoverBlanke\":2}",
      valgart, area, ja, nej, ja + nej, ja + nej + 6, eligible);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
}

/* valg.dk FA-Valgresultater: a § 88 vote carried, and bad folders. */
static void
test_valgdk (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autoptr (GError) error = NULL;
  VkFaTotals t = { 0 };

  write_area (dir, "a1.json", "Folkeafstemning", 101, 4100, 900, 9000);
  write_area (dir, "a2.json", "Folkeafstemning", 102, 300, 200, 1000);
  g_assert_true (vk_fa_valgdk_read (dir, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (t.ja, ==, 4400);
  g_assert_cmpuint (t.nej, ==, 1100);
  g_assert_cmpuint (t.eligible, ==, 10000);
  g_assert_cmpuint (t.invalid, ==, 12);
  g_assert_true (vk_fa_adopted (VK_FA_RULE_88, t.ja, t.nej, t.eligible)); /* 44 % */
  vk_fa_totals_clear (&t);

  write_area (dir, "a3.json", "Folkeafstemning", 101, 1, 1, 10);
  g_assert_false (vk_fa_valgdk_read (dir, &t, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "a3.json: AfstemningsområdeDagiId: area 101 is also in"));
  g_clear_error (&error);
  write_area (dir, "a3.json", "Folketingsvalg", 103, 1, 1, 10);
  g_assert_false (vk_fa_valgdk_read (dir, &t, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "a3.json: Valgart"));
  g_assert_nonnull (strstr (error->message, "another election"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fa/rules", test_rules);
  g_test_add_func ("/fa/dst-2015", test_dst_2015);
  g_test_add_func ("/fa/cli-2015", test_cli_2015);
  g_test_add_func ("/fa/valgdk", test_valgdk);
  return g_test_run ();
}

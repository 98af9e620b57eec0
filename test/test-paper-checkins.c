/* test-paper-checkins.c: paper marks typed in, journaled, folded and checked by the rules.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-fold.h"
#include "vk-paper-marks.h"
#include "vk-rules.h"
#include "vk-test-journals.h"

#define PASS "paper-passphrase-æøå"

static void
assert_parse_error (const char *data, const char *prefix)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) marks = vk_paper_marks_parse ("marks.csv", data, strlen (data), &error);

  g_assert_null (marks);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("expected \"%s…\", got \"%s\"", prefix, error->message);
}

static void
test_parse (void)
{
  g_autoptr (GError) error = NULL;
  const char *with_header = "\xEF\xBB\xBFloebenummer;bord\r\n12;1\r\n\r\n# a comment\r\n7;2\r\n3;\r\n";
  const char *plain = "5\n6\n";
  g_autoptr (GPtrArray) a = vk_paper_marks_parse ("m.csv", with_header, strlen (with_header), &error);
  g_autoptr (GPtrArray) b = NULL;
  const VkPaperMark *m;

  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 3);
  m = g_ptr_array_index (a, 0);
  g_assert_cmpuint (m->loebenummer, ==, 12);
  g_assert_cmpuint (m->line, ==, 2);
  g_assert_cmpstr (m->table, ==, "1");
  m = g_ptr_array_index (a, 1);
  g_assert_cmpuint (m->loebenummer, ==, 7);
  g_assert_cmpuint (m->line, ==, 5);
  m = g_ptr_array_index (a, 2);
  g_assert_null (m->table);
  b = vk_paper_marks_parse ("m.csv", plain, strlen (plain), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (b->len, ==, 2);

  assert_parse_error ("loebenummer\n1\nabc\n", "marks.csv:3: løbenummer \"abc\"");
  assert_parse_error ("1\n0\n", "marks.csv:2: løbenummer \"0\"");
  assert_parse_error ("1\n2\n\n1\n", "marks.csv:4: løbenummer 1 is already marked on line 1");
  assert_parse_error ("loebenummer\n1\n2,3\n", "marks.csv:3: 2 fields");
  assert_parse_error ("navn\nx\n", "marks.csv:1: the header");
  assert_parse_error ("1\n\"2\n", "marks.csv:2: a quoted field");
  assert_parse_error ("1\n2\xff\n", "marks.csv:2: not UTF-8");
  {
    const char nul[] = "1\n2\0003\n";
    g_autoptr (GPtrArray) c = vk_paper_marks_parse ("marks.csv", nul, sizeof nul - 1, &error);
    g_assert_null (c);
    g_assert_true (g_str_has_prefix (error->message, "marks.csv:2: a NUL"));
    g_clear_error (&error);
  }
  {
    g_autofree char *longline = g_strnfill (VK_CSV_MAX_LINE + 10, '1');
    g_autofree char *data = g_strdup_printf ("1\n%s\n", longline);
    assert_parse_error (data, "marks.csv:2: the line is too long");
  }
  /* Escape sequences in a bad field are not passed on to a terminal. */
  {
    g_autoptr (GPtrArray) c = vk_paper_marks_parse ("marks.csv", "1\n\x1b[2J\n", 7, &error);
    g_assert_null (c);
    g_assert_null (strchr (error->message, '\x1b'));
  }
}

/* Hostile input: random bytes and mutations of a good file are read or
 * refused with the file and line, never anything else. */
static void
test_parse_garbage (void)
{
  const char *good = "loebenummer;bord\n12;1\n\"7\";\"2\"\n3;\n";
  GRand *rand = g_rand_new_with_seed (15);

  for (guint round = 0; round < 3000; round++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) marks = NULL;
      gsize len = round % 2 == 0 ? strlen (good) : (gsize)g_rand_int_range (rand, 0, 200);
      g_autofree guint8 *data = g_malloc (len + 1);

      if (round % 2 == 0)
        {
          memcpy (data, good, len);
          for (guint k = 0; k < 3; k++)
            data[g_rand_int_range (rand, 0, (gint32)len)] = (guint8)g_rand_int_range (rand, 0, 256);
        }
      else
        for (gsize k = 0; k < len; k++)
          data[k] = (guint8)g_rand_int_range (rand, 0, 256);
      marks = vk_paper_marks_parse ("marks.csv", (const char *)data, len, &error);
      if (marks == NULL)
        {
          g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
          g_assert_true (g_str_has_prefix (error->message, "marks.csv:"));
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
        }
    }
  g_rand_free (rand);
}

static void
test_schema (void)
{
  VkTestElection *te = vk_test_election_new (10);
  g_autoptr (GError) error = NULL;
  const VkDevice *brev, *bord;
  VkEntry e = { 0 };
  g_autoptr (VkCbor) body = vk_cbor_new_map ();

  vk_test_add_device (te, "papir-2", "valgbord", 2);
  vk_test_add_device (te, "brev-1", "brevstemmested", 0);
  bord = vk_package_lookup_device (te->package, "papir-2");
  brev = vk_package_lookup_device (te->package, "brev-1");
  e.device_id = (char *)"papir-2";
  e.seq = 2;
  e.type = (char *)"checkin.paper";
  e.body = body;
  vk_cbor_map_set_uint (body, "area", 2);
  vk_cbor_map_set_uint (body, "loebenummer", 4);
  /* "source" is required. */
  g_assert_false (vk_entry_schema_check (bord, te->election, &e, &error));
  g_assert_nonnull (strstr (error->message, "source"));
  g_clear_error (&error);
  vk_cbor_map_set_text (body, "source", "marks.csv:2");
  g_assert_true (vk_entry_schema_check (bord, te->election, &e, &error));
  g_assert_no_error (error);
  /* Only a valgbord of the area writes it. */
  e.device_id = (char *)"brev-1";
  g_assert_false (vk_entry_schema_check (brev, te->election, &e, &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE);
  g_clear_error (&error);
  e.device_id = (char *)"papir-2";
  vk_cbor_map_set_uint (body, "area", 3);
  g_assert_false (vk_entry_schema_check (bord, te->election, &e, &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_AREA);
  vk_test_election_free (te);
}

static guint
count_rule (GPtrArray *findings, guint rule, guint *ret_lnr_evidence)
{
  guint n = 0;

  for (guint i = 0; i < findings->len; i++)
    {
      const VkFinding *f = g_ptr_array_index (findings, i);
      if (f->rule != rule)
        continue;
      n++;
      if (ret_lnr_evidence != NULL)
        *ret_lnr_evidence = f->evidence->len;
    }
  return n;
}

/* The whole path: the CLI journals a marks file (refusing a bad one
 * without writing), the fold counts the marks as check-ins, and a voter
 * marked both on paper and on a laptop is D22, not D04. */
static void
test_cli_fold_rules (void)
{
  VkTestElection *te = vk_test_election_new (10);
  g_autoptr (GError) error = NULL;
  g_autofree char *pkg = g_build_filename (te->dir, "election.vkp", NULL);
  g_autofree char *key_path = g_build_filename (te->dir, "papir-2.key", NULL);
  g_autofree char *db = g_build_filename (te->dir, "papir-2.db", NULL);
  g_autofree char *vkj = g_build_filename (te->dir, "papir-2.vkj", NULL);
  g_autofree char *marks = g_build_filename (te->dir, "marks.csv", NULL);
  g_autofree char *bad = g_build_filename (te->dir, "marks-bad.csv", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (VkFold) fold = NULL;
  g_autoptr (GPtrArray) paper = NULL, laptop = NULL, findings = NULL;
  VkFoldAreaSummary s;
  VkRulesConfig config;
  guint evidence = 0;
  VkKeypair *key;

  vk_test_add_device (te, "bord-2a", "valgbord", 2);
  vk_test_open (te, "bord-2a", te->t0 - 3600 * 1000);
  for (guint l = 1; l <= 3; l++)
    vk_test_checkin (te, "bord-2a", te->t0 - (4 - l) * 60 * 1000, 2, l);
  key = vk_test_add_device (te, "papir-2", "valgbord", 2);
  g_assert_true (vk_keypair_save (key, key_path, PASS, VK_KDF_INTERACTIVE, "valgbord", "papir-2", &error));
  g_assert_no_error (error);
  g_setenv ("VALGKIT_PASSPHRASE", PASS, TRUE);
  g_assert_true (g_file_set_contents (marks, "loebenummer,bord\n3,1\n4,1\n5,2\n", -1, NULL));
  g_assert_true (g_file_set_contents (bad, "loebenummer\n6\n99\n", -1, NULL));

  /* A number not on the valgliste: nothing is journaled. */
  {
    const char *argv[]
        = { vk_test_valgkit (), "paper-checkins", "--election", pkg, "--area", "2", "--file", bad, "--key",
            key_path,           "--journal",      db,           NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "marks-bad.csv:3: løbenummer 99 is not on the valgliste of area 2"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  /* A key of another area's device is refused. */
  {
    const char *argv[]
        = { vk_test_valgkit (), "paper-checkins", "--election", pkg, "--area", "3", "--file", marks, "--key",
            key_path,           "--journal",      db,           NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "not enrolled as a valgbord of area 3"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  {
    const char *argv[]
        = { vk_test_valgkit (), "paper-checkins", "--election", pkg,     "--area", "2", "--file", marks, "--key",
            key_path,           "--journal",      db,           "--out", vkj,      NULL };
    int status = vk_test_spawn (argv, &out, &err);
    if (status != 0)
      g_error ("paper-checkins: %d: %s", status, err);
    g_assert_nonnull (strstr (out, "3 journaled, 0 already journaled"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  /* Typing the same file in again journals nothing new. */
  {
    const char *argv[]
        = { vk_test_valgkit (), "paper-checkins", "--election", pkg,     "--area", "2", "--file", marks, "--key",
            key_path,           "--journal",      db,           "--out", vkj,      NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "0 journaled, 3 already journaled"));
  }

  paper = vk_journal_read_file (vkj, &error);
  g_assert_no_error (error);
  g_assert_true (vk_journal_verify (paper, vk_package_get_election_id (te->package), vk_package_device_lookup,
                                    te->package, VK_VERIFY_DEFAULT, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (paper->len, ==, 1 + 3);
  {
    const VkEntry *e = g_ptr_array_index (paper, 1);
    g_autofree char *source = g_strdup_printf ("%s:2", marks);
    g_assert_cmpstr (e->type, ==, "checkin.paper");
    g_assert_cmpstr (vk_cbor_get_text (vk_cbor_map_lookup_text (e->body, "source"), NULL), ==, source);
    g_assert_cmpstr (vk_cbor_get_text (vk_cbor_map_lookup_text (e->body, "table"), NULL), ==, "1");
  }
  laptop = vk_journal_dup_entries (vk_test_journal (te, "bord-2a"), 0, &error);
  g_assert_no_error (error);

  fold = vk_fold_new (te->package, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < laptop->len; i++)
    g_assert_true (vk_fold_add (fold, g_ptr_array_index (laptop, i), &error));
  for (guint i = 0; i < paper->len; i++)
    {
      vk_fold_add (fold, g_ptr_array_index (paper, i), &error);
      g_assert_no_error (error);
    }
  /* 3 on the laptop, 3 on paper (one voter on both). */
  g_assert_true (vk_fold_get_area_summary (fold, 2, NULL, &s));
  g_assert_cmpuint (s.checkins, ==, 6);
  g_assert_cmpuint (vk_fold_count_standing (fold, 2, 4), ==, 1);
  g_assert_cmpuint (vk_fold_count_standing (fold, 2, 3), ==, 2);
  {
    g_autoptr (GArray) st = vk_fold_dup_standing (fold, 2, 5);
    g_assert_cmpuint (st->len, ==, 1);
    g_assert_true (g_array_index (st, VkFoldCheckin, 0).paper);
  }

  vk_rules_config_init (&config, te->election);
  findings = vk_rules_run (fold, &config);
  g_assert_cmpuint (count_rule (findings, 22, &evidence), ==, 1);
  g_assert_cmpuint (evidence, ==, 2);
  g_assert_cmpuint (count_rule (findings, 4, NULL), ==, 0);
  g_assert_cmpstr (vk_rules_get_info (22)->code, ==, "D22");
  vk_test_election_free (te);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (vk_crypto_init (NULL));
  g_test_add_func ("/paper-checkins/parse", test_parse);
  g_test_add_func ("/paper-checkins/parse-garbage", test_parse_garbage);
  g_test_add_func ("/paper-checkins/schema", test_schema);
  g_test_add_func ("/paper-checkins/cli-fold-rules", test_cli_fold_rules);
  return g_test_run ();
}

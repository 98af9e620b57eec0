/* test-home-register.c: the home-visit register journaled by the valgsekretariat (`valgkit home-visits --journal`).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-home-register.h"
#include "vk-test-journals.h"

#define PASS "sekretariat-prøve"

/* The register: rows 2–4 are accepted and planned (4 for hjem-1 on
 * 2029-11-13), 5 is a duplicate of 2, 6 is late (one minute after the
 * deadline), 7 is not on the valgliste, 8 has one receiver twice, 9 is a
 * voter who has voted by brevstemme, 10 is planned for hjem-2 (not
 * enrolled), 11 is on 2029-11-12 for hjem-1 with no time. */
static const char register_csv[]
    = "afstemningsomraade,loebenummer,modtaget,kanal,sted,besoeg_dato,besoeg_tid,modtager1,modtager2,udfald,enhed\n"
      "1,3,2029-11-01 10:00,telefon,hjem,2029-11-12,10:30,Anna Holm,Bo Berg,,\n"
      "1,4,2029-11-02 09:00,brev,plejehjem,2029-11-12,09:15,Bo Berg,Anna Holm,,hjem-1\n"
      "2,5,2029-11-03 12:00,digital,hjem,2029-11-13,09:00,Anna Holm,Cecilie Dam,,hjem-1\n"
      "1,3,2029-11-04 12:00,telefon,hjem,,,,,,\n"
      "1,6,2029-11-08 18:01,telefon,hjem,2029-11-12,12:00,Anna Holm,Bo Berg,,\n"
      "1,99,2029-11-05 12:00,brev,hjem,,,,,,\n"
      "3,2,2029-11-05 12:00,brev,hjem,2029-11-13,13:00,Anna Holm,Anna Holm,,\n"
      "3,8,2029-11-06 12:00,brev,plejehjem,2029-11-14,10:00,Anna Holm,Bo Berg,,\n"
      "2,7,2029-11-06 13:00,brev,hjem,2029-11-12,11:00,Anna Holm,Bo Berg,,hjem-2\n"
      "4,1,2029-11-07 08:00,telefon,hjem,2029-11-12,,Anna Holm,Bo Berg,,hjem-1\n";

typedef struct
{
  VkTestElection *te;
  char *pkg, *csv, *key_path, *db, *vkj, *jdir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *envelope = NULL, *brev_path = NULL;
  guint64 t;
  VkKeypair *key;

  f->te = vk_test_election_new (10);
  t = f->te->t0 - 12 * 24 * 3600 * 1000ull;
  f->pkg = g_build_filename (f->te->dir, "election.vkp", NULL);
  f->csv = g_build_filename (f->te->dir, "anmodninger.csv", NULL);
  f->key_path = g_build_filename (f->te->dir, "sekretariat.key", NULL);
  f->db = g_build_filename (f->te->dir, "sekretariat.db", NULL);
  f->vkj = g_build_filename (f->te->dir, "sekretariat.vkj", NULL);
  f->jdir = g_build_filename (f->te->dir, "journals", NULL);
  key = vk_test_add_device (f->te, "sekretariat", "valgsekretariat", VK_PACKAGE_NO_AREA);
  g_assert_true (
      vk_keypair_save (key, f->key_path, PASS, VK_KDF_INTERACTIVE, "valgsekretariat", "sekretariat", &error));
  g_assert_no_error (error);
  vk_test_add_device (f->te, "hjem-1", "hjemmebesoeg", VK_PACKAGE_NO_AREA);
  /* Voter 3/8 has already voted by brevstemme at borgerservice. */
  vk_test_add_device (f->te, "brev-1", "brevstemmested", VK_PACKAGE_NO_AREA);
  vk_test_open (f->te, "brev-1", t);
  vk_test_brev (f->te, "brev-1", t + 1000, 3, 8, t, &envelope);
  g_assert_cmpint (g_mkdir_with_parents (f->jdir, 0755), ==, 0);
  brev_path = g_build_filename (f->jdir, "brev-1.vkj", NULL);
  g_assert_true (vk_journal_export (vk_test_journal (f->te, "brev-1"), brev_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (f->csv, register_csv, -1, NULL));
  g_setenv ("VALGKIT_PASSPHRASE", PASS, TRUE);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  vk_test_election_free (f->te);
  g_free (f->pkg);
  g_free (f->csv);
  g_free (f->key_path);
  g_free (f->db);
  g_free (f->vkj);
  g_free (f->jdir);
}

/* Runs `valgkit home-visits --journal` on csv; returns the exit status and stdout. */
static int
journal_file (Fixture *f, const char *csv, char **ret_out)
{
  const char *argv[]
      = { vk_test_valgkit (), "home-visits", "--election", f->pkg,     "--file", csv, "--journals", f->jdir, "--key",
          f->key_path,        "--journal",   f->db,        "--export", f->vkj,   NULL };
  g_autofree char *err = NULL;
  int status = vk_test_spawn (argv, ret_out, &err);

  if (status != 0 && status != 1)
    g_error ("home-visits: %d: %s", status, err);
  return status;
}

static GPtrArray *
read_verified (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = vk_journal_read_file (f->vkj, &error);

  g_assert_no_error (error);
  g_assert_true (vk_journal_verify (entries, vk_package_get_election_id (f->te->package), vk_package_device_lookup,
                                    f->te->package, VK_VERIFY_DEFAULT, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vk_entry_schema_check_entries (f->te->package, NULL, entries, 0, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&entries);
}

static const VkEntry *
request_entry (GPtrArray *entries, guint area, guint loebenummer, guint nth)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      guint64 a = 0, l = 0;
      if (strcmp (e->type, "homevisit.request") != 0)
        continue;
      (void)vk_cbor_map_get_uint_field (e->body, "area", &a, NULL);
      (void)vk_cbor_map_get_uint_field (e->body, "loebenummer", &l, NULL);
      if (a == area && l == loebenummer && nth-- == 0)
        return e;
    }
  return NULL;
}

/* The names in the entry's array field key, joined by ",". */
static char *
names_dup (const VkEntry *e, const char *key)
{
  VkCbor *a = vk_cbor_map_lookup_text (e->body, key);
  g_autoptr (GPtrArray) v = g_ptr_array_new ();

  g_assert_nonnull (a);
  for (gsize i = 0; i < vk_cbor_array_get_length (a); i++)
    g_ptr_array_add (v, (gpointer)vk_cbor_get_text (vk_cbor_array_get (a, i), NULL));
  g_ptr_array_add (v, NULL);
  return g_strjoinv (",", (char **)v->pdata);
}

#define assert_names(e, key, want)                                                                                     \
  G_STMT_START                                                                                                         \
  {                                                                                                                    \
    g_autofree char *got_ = names_dup ((e), (key));                                                                    \
    g_assert_cmpstr (got_, ==, (want));                                                                                \
  }                                                                                                                    \
  G_STMT_END

static guint
count_type (GPtrArray *entries, const char *type)
{
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    n += strcmp (((VkEntry *)g_ptr_array_index (entries, i))->type, type) == 0;
  return n;
}

static void
test_journal (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *out2 = NULL, *bytes = NULL;
  g_autoptr (GPtrArray) entries = NULL, again = NULL;
  gsize len = 0;
  const VkEntry *e;
  guint64 u = 0;

  /* Refused and flagged requests: exit 1, all journaled. */
  g_assert_cmpint (journal_file (f, f->csv, &out), ==, 1);
  g_assert_nonnull (strstr (out, "journaled: 10 requests, 7 visits; 0 rows already journaled; device sekretariat"));
  entries = read_verified (f);
  g_assert_cmpstr (((VkEntry *)g_ptr_array_index (entries, 0))->type, ==, "device.open");
  g_assert_cmpuint (count_type (entries, "homevisit.request"), ==, 10);
  /* Visits for rows 2, 3, 4, 8, 9, 10, 11: not for the refused 6 and 7, nor the unplanned 5. */
  g_assert_cmpuint (count_type (entries, "homevisit.visit"), ==, 7);

  e = request_entry (entries, 1, 6, 0);
  g_assert_nonnull (e);
  assert_names (e, "refused", "late");
  e = request_entry (entries, 1, 99, 0);
  assert_names (e, "refused", "not_on_list");
  e = request_entry (entries, 1, 3, 1);
  g_assert_nonnull (e);
  assert_names (e, "refused", "");
  assert_names (e, "flags", "duplicate");
  g_assert_true (vk_cbor_map_get_uint_field (e->body, "duplicate_of", &u, NULL));
  g_assert_cmpuint (u, ==, request_entry (entries, 1, 3, 0)->seq);
  g_assert_cmpstr (vk_cbor_get_text (vk_cbor_map_lookup_text (e->body, "source"), NULL), ==, "anmodninger.csv:5");
  e = request_entry (entries, 3, 8, 0);
  assert_names (e, "flags", "already_voted");
  e = request_entry (entries, 1, 4, 0);
  assert_names (e, "refused", "");
  assert_names (e, "flags", "");

  /* Journals carry løbenumre, never names or addresses. */
  g_assert_true (g_file_get_contents (f->vkj, &bytes, &len, NULL));
  for (guint area = 1; area <= 4; area++)
    for (guint l = 1; l <= 10; l++)
      {
        g_autoptr (VkVoter) v = vk_package_lookup_voter (f->te->package, area, l, NULL);
        g_assert_nonnull (v);
        g_assert_null (memmem (bytes, len, v->name, strlen (v->name)));
        g_assert_null (memmem (bytes, len, v->address, strlen (v->address)));
      }

  /* The same file again: nothing new, the chain as before. */
  g_assert_cmpint (journal_file (f, f->csv, &out2), ==, 1);
  g_assert_nonnull (strstr (out2, "journaled: 0 requests, 0 visits; 10 rows already journaled"));
  again = read_verified (f);
  g_assert_cmpuint (again->len, ==, entries->len);
  g_assert_cmpmem (((VkEntry *)g_ptr_array_index (again, again->len - 1))->hash, VK_HASH_BYTES,
                   ((VkEntry *)g_ptr_array_index (entries, entries->len - 1))->hash, VK_HASH_BYTES);
}

static void
test_update_and_read_back (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *out2 = NULL;
  g_autofree char *csv2 = g_build_filename (f->te->dir, "anmodninger-2.csv", NULL);
  g_autoptr (GString) s = g_string_new (register_csv);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) reg = NULL;
  const VkHomeRequest *r;

  g_assert_cmpint (journal_file (f, f->csv, &out), ==, 1);
  /* The outcome of 1/4's visit is written in, and a new request comes for 4/2. */
  g_assert_cmpuint (g_string_replace (s, "Bo Berg,Anna Holm,,hjem-1", "Bo Berg,Anna Holm,afgivet,hjem-1", 1), ==, 1);
  g_string_append (s, "4,2,2029-11-08 17:59,brev,hjem,,,,,,\n");
  g_assert_true (g_file_set_contents (csv2, s->str, -1, NULL));
  g_assert_cmpint (journal_file (f, csv2, &out2), ==, 1);
  g_assert_nonnull (strstr (out2, "journaled: 1 requests, 1 visits; 9 rows already journaled"));

  reg = vk_home_register_load_file (f->te->package, f->vkj, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reg->len, ==, 11);
  r = g_ptr_array_index (reg, 1);
  g_assert_cmpuint (r->area, ==, 1);
  g_assert_cmpuint (r->loebenummer, ==, 4);
  g_assert_cmpstr (r->outcome, ==, "afgivet");
  g_assert_cmpstr (r->visit_date, ==, "2029-11-12");
  g_assert_cmpstr (r->visit_time, ==, "09:15");
  g_assert_cmpstr (r->receivers[0], ==, "Bo Berg");
  g_assert_cmpstr (r->receivers[1], ==, "Anna Holm");
  g_assert_cmpstr (r->device, ==, "hjem-1");
  g_assert_cmpstr (r->channel, ==, "brev");
  g_assert_cmpstr (r->place, ==, "plejehjem");
  r = g_ptr_array_index (reg, 4);
  g_assert_cmpuint (r->flags, ==, VK_HOME_LATE);
  g_assert_nonnull (strstr (r->finding_da, "KRVL § 60"));
  r = g_ptr_array_index (reg, 6);
  g_assert_cmpuint (r->flags, ==, VK_HOME_BAD_VISIT);
  r = g_ptr_array_index (reg, 8);
  g_assert_cmpuint (r->flags, ==, VK_HOME_BAD_VISIT); /* hjem-2 is not enrolled */
  r = g_ptr_array_index (reg, 10);
  g_assert_cmpuint (r->flags, ==, 0);
  g_assert_null (r->visit_date);
}

static void
test_visits_for_day (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) reg = NULL, day = NULL, other = NULL, none = NULL;
  static const guint want[][2] = { { 1, 4 }, { 1, 3 }, { 4, 1 } };

  g_assert_cmpint (journal_file (f, f->csv, &out), ==, 1);
  reg = vk_home_register_load_file (f->te->package, f->vkj, &error);
  g_assert_no_error (error);
  /* hjem-1 on 2029-11-12: its own 09:15 (1/4), the unassigned 10:30
   * (1/3), its own visit without a time (4/1) last; not 1/6 (refused),
   * not 2/7 (hjem-2's). */
  day = vk_home_register_visits_for_day (reg, "2029-11-12", "hjem-1");
  g_assert_cmpuint (day->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < day->len; i++)
    {
      const VkHomeRequest *r = g_ptr_array_index (day, i);
      g_assert_cmpuint (r->area, ==, want[i][0]);
      g_assert_cmpuint (r->loebenummer, ==, want[i][1]);
    }
  other = vk_home_register_visits_for_day (reg, "2029-11-13", "hjem-1");
  g_assert_cmpuint (other->len, ==, 2); /* 2/5 (its own) and 3/2 (unassigned) */
  none = vk_home_register_visits_for_day (reg, "2029-11-15", "hjem-1");
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_plan_from_journal (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *out2 = NULL, *err = NULL, *text = NULL, *tool = g_find_program_in_path ("pdftotext");
  g_autofree char *plan = g_build_filename (f->te->dir, "plan.pdf", NULL);

  g_assert_cmpint (journal_file (f, f->csv, &out), ==, 1);
  {
    const char *argv[]
        = { vk_test_valgkit (), "home-visits", "--election", f->pkg, "--register", f->vkj, "--out", plan, NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out2, &err), ==, 1);
  }
  g_assert_nonnull (strstr (out2, "10 requests: 2 refused, 4 flagged, 7 visits planned"));
  g_assert_nonnull (strstr (out2, "løbenummer 99: afvist: vælgeren står ikke på"));
  if (tool == NULL)
    {
      g_test_skip ("pdftotext is not installed");
      return;
    }
  {
    const char *argv[] = { tool, "-layout", "-enc", "UTF-8", plan, "-", NULL };
    g_autofree char *e = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &text, &e), ==, 0);
  }
  g_assert_nonnull (strstr (text, "2029-11-12 · Anna Holm og Bo Berg"));
  g_assert_nonnull (strstr (text, "2029-11-13 · Anna Holm og Cecilie Dam"));
  g_assert_nonnull (strstr (text, "PRØVEVALG"));
}

/* Every byte of the exported register flipped in turn: the station and
 * the plan refuse the file. */
static void
test_tamper (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL, *bytes = NULL;
  g_autofree char *bad = g_build_filename (f->te->dir, "tampered.vkj", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ok = NULL;
  gsize len = 0;
  guint refused = 0, tried = 0;

  g_assert_cmpint (journal_file (f, f->csv, &out), ==, 1);
  ok = vk_home_register_load_file (f->te->package, f->vkj, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (f->vkj, &bytes, &len, NULL));
  for (gsize i = 0; i < len; i += g_test_thorough () ? 1 : 3)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (GPtrArray) reg = NULL;

      bytes[i] ^= 0x01;
      g_assert_true (g_file_set_contents (bad, bytes, (gssize)len, NULL));
      bytes[i] ^= 0x01;
      reg = vk_home_register_load_file (f->te->package, bad, &local);
      tried++;
      if (reg == NULL)
        refused++;
      else
        g_error ("byte %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " flipped and the register still loads", i, len);
    }
  g_assert_cmpuint (refused, ==, tried);
}

/* The fold (the station's, the count server's and the audit's) takes
 * the register's entries through the schema and changes no area's state:
 * the voters of the register stay un-voted. */
static void
test_fold (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (VkFold) fold = NULL;

  g_assert_cmpint (journal_file (f, f->csv, &out), ==, 1);
  entries = read_verified (f);
  fold = vk_fold_new (f->te->package, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      g_assert_true (vk_fold_add (fold, g_ptr_array_index (entries, i), &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (vk_fold_count_standing (fold, 1, 3), ==, 0);
  g_assert_cmpuint (vk_fold_count_voter_brevstemmer (fold, 1, 4), ==, 0);
}

/* Only a valgsekretariat writes the register: a table's entry of the
 * type is refused by the schema, and the command refuses its key. */
static void
test_role (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) body = vk_cbor_new_map ();
  g_autofree char *key_path = g_build_filename (f->te->dir, "bord.key", NULL);
  g_autofree char *out = NULL, *err = NULL;
  VkKeypair *key = vk_test_add_device (f->te, "bord-1", "valgbord", 1);
  g_autoptr (GPtrArray) entries = NULL;
  const VkEntry *e;

  vk_cbor_map_set_uint (body, "area", 1);
  vk_cbor_map_set_uint (body, "loebenummer", 3);
  vk_cbor_map_set_uint (body, "requested_ms", 1);
  vk_cbor_map_set_text (body, "channel", "brev");
  vk_cbor_map_set_text (body, "place", "hjem");
  vk_cbor_map_set_text (body, "source", "x.csv:2");
  vk_cbor_map_insert_text (body, "refused", vk_cbor_new_array ());
  vk_cbor_map_insert_text (body, "flags", vk_cbor_new_array ());
  (void)vk_test_append (f->te, "bord-1", f->te->t0, "homevisit.request", g_steal_pointer (&body));
  entries = vk_journal_dup_entries (vk_test_journal (f->te, "bord-1"), 0, &error);
  g_assert_no_error (error);
  e = g_ptr_array_index (entries, entries->len - 1);
  g_assert_false (vk_entry_schema_check (vk_package_lookup_device (f->te->package, "bord-1"),
                                         vk_package_get_election (f->te->package), e, &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE);

  g_assert_true (vk_keypair_save (key, key_path, PASS, VK_KDF_INTERACTIVE, "valgbord", "bord-1", NULL));
  {
    const char *argv[] = { vk_test_valgkit (), "home-visits", "--election", f->pkg, "--file", f->csv, "--key",
                           key_path,           "--journal",   f->db,        NULL };
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "not enrolled as valgsekretariat"));
  }
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (vk_crypto_init (NULL));
  g_test_add ("/home-register/journal", Fixture, NULL, fixture_set_up, test_journal, fixture_tear_down);
  g_test_add ("/home-register/update-and-read-back", Fixture, NULL, fixture_set_up, test_update_and_read_back,
              fixture_tear_down);
  g_test_add ("/home-register/visits-for-day", Fixture, NULL, fixture_set_up, test_visits_for_day, fixture_tear_down);
  g_test_add ("/home-register/plan-from-journal", Fixture, NULL, fixture_set_up, test_plan_from_journal,
              fixture_tear_down);
  g_test_add ("/home-register/tamper", Fixture, NULL, fixture_set_up, test_tamper, fixture_tear_down);
  g_test_add ("/home-register/fold", Fixture, NULL, fixture_set_up, test_fold, fixture_tear_down);
  g_test_add ("/home-register/role", Fixture, NULL, fixture_set_up, test_role, fixture_tear_down);
  return g_test_run ();
}

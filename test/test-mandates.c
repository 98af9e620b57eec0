/* test-mandates.c: the seat allocation against the official KV2025 results.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For every municipality in VK_DATA_DIR: kandidat-data.json plus the
 * fintælling folder go in, and the result must equal the official
 * mandatfordeling.json as sets of (Nummer, KandidatlisteId) and
 * (Nummer, KandidatId), with the substitutes in the official order.  The
 * council size is input: it is taken from the number of ListeMandater.
 * Lot draws are input too: each tie the engine reports is turned into a
 * draw whose winner is the one the official result shows.  The same
 * comparison runs once on the engine and once through `valgkit mandates
 * --out`, the command's whole path.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-election.h"
#include "vk-error.h"
#include "vk-results.h"
#include "vk-seats.h"
#include "vk-test-util.h"

typedef struct
{
  JsonParser *parser;
  JsonObject *root;
  GHashTable *seat_of_candidate; /* KandidatId → Nummer */
  GHashTable *substitute_rank;   /* KandidatId → Nummer among Stedfortrædere */
  guint n_seats;
} Official;

static void
official_clear (Official *o)
{
  g_clear_object (&o->parser);
  g_clear_pointer (&o->seat_of_candidate, g_hash_table_unref);
  g_clear_pointer (&o->substitute_rank, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Official, official_clear)

static void
official_load (Official *o, const char *path)
{
  g_autoptr (GError) error = NULL;
  JsonArray *arr;

  o->parser = json_parser_new ();
  json_parser_load_from_file (o->parser, path, &error);
  g_assert_no_error (error);
  o->root = json_node_get_object (json_parser_get_root (o->parser));
  o->n_seats = json_array_get_length (json_object_get_array_member (o->root, "ListeMandater"));
  o->seat_of_candidate = g_hash_table_new (g_str_hash, g_str_equal);
  o->substitute_rank = g_hash_table_new (g_str_hash, g_str_equal);
  arr = json_object_get_array_member (o->root, "PersonligeMandater");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *m = json_array_get_object_element (arr, i);
      g_hash_table_insert (o->seat_of_candidate, (gpointer)json_object_get_string_member (m, "KandidatId"),
                           GUINT_TO_POINTER ((guint)json_object_get_int_member (m, "Nummer")));
    }
  arr = json_object_get_array_member (o->root, "Kandidatliste");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonArray *subs = json_object_get_array_member (json_array_get_object_element (arr, i), "Stedfortrædere");
      for (guint k = 0; k < json_array_get_length (subs); k++)
        {
          JsonObject *s = json_array_get_object_element (subs, k);
          g_hash_table_insert (o->substitute_rank, (gpointer)json_object_get_string_member (s, "KandidatId"),
                               GUINT_TO_POINTER ((guint)json_object_get_int_member (s, "Nummer")));
        }
    }
}

/* The official winner of a tie: the tied candidate with the lowest seat
 * number, else (a substitute tie) the one ranked first. */
static const char *
official_winner (const Official *o, const VkTie *tie)
{
  const char *best = NULL;
  guint best_rank = G_MAXUINT;
  GHashTable *table = tie->kind == VK_TIE_SUBSTITUTES ? o->substitute_rank : o->seat_of_candidate;

  g_assert_true (tie->kind == VK_TIE_CANDIDATES || tie->kind == VK_TIE_SUBSTITUTES);
  for (guint i = 0; i < tie->tied->len; i++)
    {
      const char *id = g_ptr_array_index (tie->tied, i);
      guint r = GPOINTER_TO_UINT (g_hash_table_lookup (table, id));
      if (r != 0 && r < best_rank)
        best = id, best_rank = r;
    }
  g_assert_nonnull (best);
  return best;
}

static void
add_draw (VkLots *lots, const VkTie *tie, const char *winner)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < tie->tied->len; i++)
    g_ptr_array_add (ids, g_ptr_array_index (tie->tied, i));
  g_ptr_array_add (ids, NULL);
  vk_lots_add (lots, (const char *const *)ids->pdata, winner);
}

static gint
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* One line per object of arr, made by line (), sorted and joined: the
 * official file and ours list the same things in their own order. */
typedef char *(*LineFunc) (JsonObject *m, const char *member);

static char *
sorted_lines (JsonArray *arr, LineFunc line, const char *member)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (arr); i++)
    g_ptr_array_add (items, line (json_array_get_object_element (arr, i), member));
  g_ptr_array_sort (items, str_ptr_cmp);
  for (guint i = 0; i < items->len; i++)
    g_string_append (s, g_ptr_array_index (items, i));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* "Nummer|<member>". */
static char *
pair_line (JsonObject *m, const char *member)
{
  return g_strdup_printf ("%03" G_GINT64_FORMAT "|%s\n", json_object_get_int_member (m, "Nummer"),
                          json_object_get_string_member (m, member));
}

/* "Nummer|NummerAnførtPåListen|KandidatId|KandidatlisteId" for the elected. */
static char *
rank_line (JsonObject *m, const char *member)
{
  return g_strdup_printf (
      "%03" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%s|%s\n", json_object_get_int_member (m, "Nummer"),
      json_object_get_int_member (m, "NummerAnførtPåListen"), json_object_get_string_member (m, "KandidatId"),
      json_object_get_string_member (m, "KandidatlisteId"));
}

/* A list's substitutes: "listId:" then its "Nummer|KandidatId" lines. */
static char *
substitutes_line (JsonObject *l, const char *member)
{
  g_autofree char *p = sorted_lines (json_object_get_array_member (l, "Stedfortrædere"), pair_line, "KandidatId");
  return g_strdup_printf ("%s:\n%s", json_object_get_string_member (l, "KandidatlisteId"), p);
}

/* Sorted "Nummer|Id" lines of an array of objects. */
static char *
pairs (JsonArray *arr, const char *id_member)
{
  return sorted_lines (arr, pair_line, id_member);
}

/* Substitutes per list, lists sorted. */
static char *
substitutes (JsonArray *arr)
{
  return sorted_lines (arr, substitutes_line, NULL);
}

static char *
personal_ranks (JsonArray *arr)
{
  return sorted_lines (arr, rank_line, NULL);
}

static void
compare_with_official (const Official *o, const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *mine;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  mine = json_node_get_object (json_parser_get_root (parser));
  {
    g_autofree char *a = pairs (json_object_get_array_member (mine, "ListeMandater"), "KandidatlisteId");
    g_autofree char *b = pairs (json_object_get_array_member (o->root, "ListeMandater"), "KandidatlisteId");
    g_assert_cmpstr (a, ==, b);
  }
  {
    g_autofree char *a = pairs (json_object_get_array_member (mine, "PersonligeMandater"), "KandidatId");
    g_autofree char *b = pairs (json_object_get_array_member (o->root, "PersonligeMandater"), "KandidatId");
    g_assert_cmpstr (a, ==, b);
  }
  {
    g_autofree char *a = personal_ranks (json_object_get_array_member (mine, "PersonligeMandater"));
    g_autofree char *b = personal_ranks (json_object_get_array_member (o->root, "PersonligeMandater"));
    g_assert_cmpstr (a, ==, b);
  }
  {
    g_autofree char *a = substitutes (json_object_get_array_member (mine, "Kandidatliste"));
    g_autofree char *b = substitutes (json_object_get_array_member (o->root, "Kandidatliste"));
    g_assert_cmpstr (a, ==, b);
  }
  g_assert_cmpstr (json_object_get_string_member (mine, "Kommune"), ==,
                   json_object_get_string_member (o->root, "Kommune"));
  g_assert_cmpint (json_object_get_int_member (mine, "Kommunekode"), ==,
                   json_object_get_int_member (o->root, "Kommunekode"));
  g_assert_cmpstr (json_object_get_string_member (mine, "Valgdag"), ==,
                   json_object_get_string_member (o->root, "Valgdag"));
  g_assert_cmpstr (json_object_get_string_member (mine, "Resultatart"), ==,
                   json_object_get_string_member (o->root, "Resultatart"));
}

/* Runs the allocation, answering each tie with the official outcome.
 * Returns the allocation; *ret_blocking counts the draws that were
 * needed to allocate at all, *ret_lots gets every draw. */
static VkSeatAllocation *
allocate_like_official (const char *name, const Official *o, VkElection **ret_election, guint *ret_blocking,
                        VkLots **ret_lots)
{
  g_autofree char *kpath = vk_test_data_path (name, "kandidat-data.json", NULL);
  g_autofree char *dir = vk_test_data_path (name, "fintaelling", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = vk_election_import_kandidatdata (kpath, &error);
  g_autoptr (VkResults) r = NULL;
  g_autoptr (VkLots) lots = vk_lots_new ();
  g_autoptr (GPtrArray) failures = NULL;
  VkSeatAllocation *a = NULL;
  guint blocking = 0;

  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (e, dir, &error));
  r = vk_results_import_dir (e, dir, &error);
  g_assert_no_error (error);
  failures = vk_results_check (r);
  g_assert_cmpuint (failures->len, ==, 0);

  for (guint round = 0; round < 100; round++)
    {
      g_autoptr (VkTie) tie = NULL;

      g_clear_pointer (&a, vk_seat_allocation_free);
      a = vk_seats_allocate (e, o->n_seats, r->total, lots, &tie, &error);
      if (a == NULL)
        {
          g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
          g_assert_nonnull (tie);
          g_test_message ("%s: %s", name, error->message);
          add_draw (lots, tie, official_winner (o, tie));
          blocking++;
          g_clear_error (&error);
          continue;
        }
      if (a->open_ties->len == 0)
        break;
      /* Substitute ties: give the official order as draws and rerun. */
      for (guint i = 0; i < a->open_ties->len; i++)
        {
          const VkTie *t = g_ptr_array_index (a->open_ties, i);
          g_test_message ("%s: open: %s", name, t->description);
          add_draw (lots, t, official_winner (o, t));
        }
    }
  g_assert_nonnull (a);
  g_assert_cmpuint (a->open_ties->len, ==, 0);
  *ret_election = g_steal_pointer (&e);
  *ret_blocking = blocking;
  if (ret_lots != NULL)
    *ret_lots = g_steal_pointer (&lots);
  return a;
}

static void
test_municipality (gconstpointer data)
{
  const char *name = data;
  g_autofree char *opath = vk_test_data_path (name, "mandatfordeling.json", NULL);
  g_auto (Official) o = { 0 };
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  g_autofree char *json = NULL;
  guint blocking = 0;

  if (opath == NULL)
    return;
  official_load (&o, opath);
  a = allocate_like_official (name, &o, &e, &blocking, NULL);
  /* Læsø had two seats decided by lot (README); the others none. */
  g_assert_cmpuint (blocking, ==, strcmp (name, "Læsø") == 0 ? 2 : 0);
  json = vk_seat_allocation_to_json (a);
  compare_with_official (&o, json);
}

static void
test_laesoe_ties (void)
{
  g_autofree char *kpath = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *dir = vk_test_data_path ("Læsø", "fintaelling", NULL);
  g_autofree char *opath = vk_test_data_path ("Læsø", "mandatfordeling.json", NULL);
  g_auto (Official) o = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkResults) r = NULL;
  g_autoptr (VkTie) tie = NULL;
  g_autoptr (VkTie) tie2 = NULL;
  g_autoptr (VkLots) lots = vk_lots_new ();
  g_autoptr (VkSeatAllocation) a = NULL;
  const char *letters[2] = { NULL, NULL };

  if (kpath == NULL || dir == NULL || opath == NULL)
    return;
  official_load (&o, opath);
  e = vk_election_import_kandidatdata (kpath, &error);
  g_assert_no_error (error);
  r = vk_results_import_dir (e, dir, &error);
  g_assert_no_error (error);

  /* Without draws: a tie between two C candidates with equal personal votes. */
  a = vk_seats_allocate (e, o.n_seats, r->total, NULL, &tie, &error);
  g_assert_null (a);
  g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
  g_assert_nonnull (tie);
  g_assert_cmpint (tie->kind, ==, VK_TIE_CANDIDATES);
  g_assert_cmpuint (tie->tied->len, ==, 2);
  {
    VkCandidate *x = vk_election_lookup_candidate (e, g_ptr_array_index (tie->tied, 0));
    VkCandidate *y = vk_election_lookup_candidate (e, g_ptr_array_index (tie->tied, 1));
    g_assert_true (x->list == y->list);
    g_assert_cmpuint (vk_area_result_get_candidate_votes (r->total, x->id), ==,
                      vk_area_result_get_candidate_votes (r->total, y->id));
    letters[0] = x->list->letter;
  }
  g_clear_error (&error);

  /* With C's draw: the next tie is V's. */
  add_draw (lots, tie, official_winner (&o, tie));
  a = vk_seats_allocate (e, o.n_seats, r->total, lots, &tie2, &error);
  g_assert_null (a);
  g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
  g_assert_cmpint (tie2->kind, ==, VK_TIE_CANDIDATES);
  letters[1] = vk_election_lookup_candidate (e, g_ptr_array_index (tie2->tied, 0))->list->letter;
  g_assert_cmpstr (letters[0], ==, "C");
  g_assert_cmpstr (letters[1], ==, "V");
  g_clear_error (&error);

  /* Both draws: done; the other outcome of a draw elects the other one. */
  add_draw (lots, tie2, official_winner (&o, tie2));
  a = vk_seats_allocate (e, o.n_seats, r->total, lots, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (a);
  g_clear_pointer (&a, vk_seat_allocation_free);
  {
    g_autoptr (VkLots) other = vk_lots_new ();
    const char *w1 = official_winner (&o, tie);
    const char *l1 = strcmp (w1, g_ptr_array_index (tie->tied, 0)) == 0 ? g_ptr_array_index (tie->tied, 1)
                                                                        : g_ptr_array_index (tie->tied, 0);
    VkListOutcome *lo;

    add_draw (other, tie, l1);
    add_draw (other, tie2, official_winner (&o, tie2));
    a = vk_seats_allocate (e, o.n_seats, r->total, other, NULL, &error);
    g_assert_no_error (error);
    lo = vk_seat_allocation_lookup_list (a, vk_election_lookup_candidate (e, l1)->list->id);
    g_assert_true (((VkCandidateOutcome *)g_ptr_array_index (lo->elected, lo->elected->len - 1))->candidate
                   == vk_election_lookup_candidate (e, l1));
    g_assert_true (((VkCandidateOutcome *)g_ptr_array_index (lo->substitutes, 0))->candidate
                   == vk_election_lookup_candidate (e, w1));
    g_clear_pointer (&a, vk_seat_allocation_free);
  }

  /* A draw that matches no tie is refused. */
  {
    const char *bogus[] = { g_ptr_array_index (tie->tied, 0), "00000000-0000-0000-0000-000000000000", NULL };
    vk_lots_add (lots, bogus, bogus[0]);
    a = vk_seats_allocate (e, o.n_seats, r->total, lots, NULL, &error);
    g_assert_null (a);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "draws[2]"));
  }
}

static char *
write_file (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_cli (void)
{
  g_autofree char *kpath = vk_test_data_path ("Læsø", "kandidat-data.json", NULL);
  g_autofree char *dir = vk_test_data_path ("Læsø", "fintaelling", NULL);
  g_autofree char *opath = vk_test_data_path ("Læsø", "mandatfordeling.json", NULL);
  g_autofree char *tmp = vk_test_tmpdir ();
  g_autofree char *seats = NULL, *lots_path = NULL, *out_path = NULL, *bad_path = NULL, *lots_json = NULL;
  g_auto (Official) o = { 0 };
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  g_autoptr (VkLots) lots = NULL;
  guint blocking = 0;

  if (kpath == NULL || dir == NULL || opath == NULL)
    return;
  official_load (&o, opath);
  seats = g_strdup_printf ("%u", o.n_seats);
  a = allocate_like_official ("Læsø", &o, &e, &blocking, &lots);
  lots_json = vk_lots_to_json (lots);
  lots_path = write_file (tmp, "lots.json", lots_json);
  out_path = g_build_filename (tmp, "mandatfordeling.json", NULL);

  {
    /* A tie and no draws: status 3 and the tie on stderr. */
    const char *argv[]
        = { vk_test_valgkit (), "mandates", "--kandidatdata", kpath, "--resultater", dir, "--seats", seats, NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 3);
    g_assert_nonnull (strstr (err, "Lodtrækning"));
    {
      /* The first draw the official result needed is the tie reported. */
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonArray *tied;
      g_assert_true (json_parser_load_from_data (parser, lots_json, -1, NULL));
      tied = json_object_get_array_member (
          json_array_get_object_element (
              json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "draws"), 0),
          "tied");
      for (guint i = 0; i < json_array_get_length (tied); i++)
        g_assert_nonnull (strstr (err, json_array_get_string_element (tied, i)));
    }
  }
  {
    /* The draws: a table on stdout, status 0. */
    const char *argv[]
        = { vk_test_valgkit (), "mandates", "--kandidatdata", kpath, "--resultater", dir, "--seats", seats, "--lots",
            lots_path,          NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "Mandatfordeling"));
    for (guint k = 0; k < a->seats->len; k++)
      g_assert_nonnull (strstr (out, ((VkSeat *)g_ptr_array_index (a->seats, k))->candidate->ballot_name));
  }
  {
    /* --out writes JSON equal to the official file. */
    const char *argv[]
        = { vk_test_valgkit (), "mandates", "--kandidatdata", kpath, "--resultater", dir, "--seats", seats, "--lots",
            lots_path,          "--out",    out_path,         NULL };
    g_autofree char *out = NULL, *err = NULL, *json = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    g_assert_true (g_file_get_contents (out_path, &json, NULL, NULL));
    compare_with_official (&o, json);
  }
  {
    /* No council size. */
    const char *argv[] = { vk_test_valgkit (), "mandates", "--kandidatdata", kpath, "--resultater", dir, NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "council size unknown: pass --seats N"));
  }
  {
    /* Malformed kandidat-data: status 2, naming the file and the field. */
    g_autofree char *text = NULL;
    g_autofree char *broken = NULL;
    const char *p;
    g_assert_true (g_file_get_contents (kpath, &text, NULL, NULL));
    p = strstr (text, "\"Opstillingsform\":\"Sideordnet\"");
    g_assert_nonnull (p);
    broken = g_strdup_printf ("%.*s\"Opstillingsform\":7%s", (int)(p - text), text,
                              p + strlen ("\"Opstillingsform\":\"Sideordnet\""));
    bad_path = write_file (tmp, "kandidat-data.json", broken);
    {
      const char *argv[]
          = { vk_test_valgkit (), "mandates", "--kandidatdata", bad_path, "--resultater", dir, "--seats", seats, NULL };
      g_autofree char *out = NULL, *err = NULL;
      g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 2);
      g_assert_nonnull (strstr (err, "kandidat-data.json: Kandidatlister[0].Opstillingsform: expected a string"));
    }
  }
  {
    /* A malformed lot file. */
    g_autofree char *bad_lots
        = write_file (tmp, "bad-lots.json", "{\"draws\":[{\"tied\":[\"a\",\"b\"],\"winner\":\"c\"}]}");
    const char *argv[]
        = { vk_test_valgkit (), "mandates", "--kandidatdata", kpath, "--resultater", dir, "--seats", seats, "--lots",
            bad_lots,           NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 2);
    g_assert_nonnull (strstr (err, "bad-lots.json: draws[0].winner"));
  }
  {
    const char *argv[] = { vk_test_valgkit (), "mandates", "--help", NULL };
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "--kandidatdata"));
    g_assert_nonnull (strstr (out, "--seats"));
  }
}

/* `valgkit mandates --out` on a municipality's files, with the lot draws
 * the official result shows (none when it needs none).  Returns the JSON
 * written, or NULL when the data is not there. */
static char *
run_cli_like_official (const char *name, Official *o)
{
  g_autofree char *kpath = vk_test_data_path (name, "kandidat-data.json", NULL);
  g_autofree char *dir = vk_test_data_path (name, "fintaelling", NULL);
  g_autofree char *opath = vk_test_data_path (name, "mandatfordeling.json", NULL);
  g_autofree char *tmp = NULL, *seats = NULL, *lots_json = NULL, *lots_path = NULL, *out_path = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  g_autoptr (VkLots) lots = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  char *json = NULL;
  guint blocking = 0;

  if (kpath == NULL || dir == NULL || opath == NULL)
    return NULL;
  official_load (o, opath);
  tmp = vk_test_tmpdir ();
  seats = g_strdup_printf ("%u", o->n_seats);
  a = allocate_like_official (name, o, &e, &blocking, &lots);
  out_path = g_build_filename (tmp, "mandatfordeling.json", NULL);
  g_ptr_array_add (argv, (gpointer)vk_test_valgkit ());
  g_ptr_array_add (argv, "mandates");
  g_ptr_array_add (argv, "--kandidatdata");
  g_ptr_array_add (argv, kpath);
  g_ptr_array_add (argv, "--resultater");
  g_ptr_array_add (argv, dir);
  g_ptr_array_add (argv, "--seats");
  g_ptr_array_add (argv, seats);
  g_ptr_array_add (argv, "--out");
  g_ptr_array_add (argv, out_path);
  if (vk_lots_get_n_draws (lots) > 0)
    {
      lots_json = vk_lots_to_json (lots);
      lots_path = write_file (tmp, "lots.json", lots_json);
      g_ptr_array_add (argv, "--lots");
      g_ptr_array_add (argv, lots_path);
    }
  g_ptr_array_add (argv, NULL);
  g_assert_cmpint (vk_test_spawn ((const char *const *)argv->pdata, &out, &err), ==, 0);
  g_assert_true (g_file_get_contents (out_path, &json, NULL, NULL));
  return json;
}

/* The whole CLI path (import, check, allocate, export) against every
 * official file: seat numbers and persons, NummerAnførtPåListen and the
 * substitutes. */
static void
test_cli_municipality (gconstpointer data)
{
  g_auto (Official) o = { 0 };
  g_autofree char *json = run_cli_like_official (data, &o);

  if (json == NULL)
    return;
  compare_with_official (&o, json);
}

/* Albertslund B (danish-elections.md): partiliste, 2 seats, F = 357; #4
 * elected by personal votes (a), #1 by the top-up (b).  #1 takes the
 * list's first seat number, #4 the second: ballot order. */
static void
test_albertslund_b (void)
{
  g_auto (Official) o = { 0 };
  g_autofree char *json = run_cli_like_official ("Albertslund", &o);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *kpath = vk_test_data_path ("Albertslund", "kandidat-data.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = NULL;
  JsonArray *personal;
  VkList *b = NULL;
  guint64 seat_1 = 0, seat_4 = 0, n_b = 0;

  if (json == NULL)
    return;
  e = vk_election_import_kandidatdata (kpath, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < e->lists->len; i++)
    if (strcmp (((VkList *)g_ptr_array_index (e->lists, i))->letter, "B") == 0)
      b = g_ptr_array_index (e->lists, i);
  g_assert_nonnull (b);
  g_assert_cmpint (b->form, ==, VK_LIST_PARTILISTE);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  personal = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "PersonligeMandater");
  for (guint i = 0; i < json_array_get_length (personal); i++)
    {
      JsonObject *m = json_array_get_object_element (personal, i);
      const char *id = json_object_get_string_member (m, "KandidatId");
      VkCandidate *c = vk_election_lookup_candidate (e, id);

      if (c->list != b)
        continue;
      n_b++;
      if (c->position == 1)
        {
          seat_1 = json_object_get_int_member (m, "Nummer");
          g_assert_cmpint (json_object_get_int_member (m, "NummerAnførtPåListen"), ==, 1);
        }
      else if (c->position == 4)
        {
          seat_4 = json_object_get_int_member (m, "Nummer");
          g_assert_cmpint (json_object_get_int_member (m, "NummerAnførtPåListen"), ==, 2);
        }
    }
  g_assert_cmpuint (n_b, ==, 2);
  /* B's seats are the 8th and the 19th of the council. */
  g_assert_cmpuint (seat_1, ==, 8);
  g_assert_cmpuint (seat_4, ==, 19);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (o.seat_of_candidate,
                                                           ((VkCandidate *)g_ptr_array_index (b->candidates, 0))->id)),
                    ==, seat_1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (o.seat_of_candidate,
                                                           ((VkCandidate *)g_ptr_array_index (b->candidates, 3))->id)),
                    ==, seat_4);
}

int
main (int argc, char **argv)
{
  const char *dir;
  GDir *d;
  const char *entry;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);
  dir = g_getenv ("VK_DATA_DIR");
  if (dir != NULL && (d = g_dir_open (dir, 0, NULL)) != NULL)
    {
      while ((entry = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *m = g_build_filename (dir, entry, "mandatfordeling.json", NULL);
          if (g_file_test (m, G_FILE_TEST_EXISTS))
            g_ptr_array_add (names, g_strdup (entry));
        }
      g_dir_close (d);
    }
  g_ptr_array_sort (names, str_ptr_cmp);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/mandates/official/%s", (const char *)g_ptr_array_index (names, i));
      g_autofree char *cli_path
          = g_strdup_printf ("/mandates/cli-official/%s", (const char *)g_ptr_array_index (names, i));
      g_test_add_data_func (path, g_ptr_array_index (names, i), test_municipality);
      g_test_add_data_func (cli_path, g_ptr_array_index (names, i), test_cli_municipality);
    }
  g_test_add_func ("/mandates/albertslund-b", test_albertslund_b);
  g_test_add_func ("/mandates/laesoe-ties", test_laesoe_ties);
  g_test_add_func ("/mandates/cli", test_cli);
  return g_test_run ();
}

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

#include <glib/gstdio.h>
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

/* A JSON value as text: arrays of objects sorted (members in name order),
 * so that two files listing the same things in their own order agree. */
static void append_node (GString *s, JsonNode *n);

static char *
object_line (JsonObject *m, const char *member G_GNUC_UNUSED)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_autoptr (JsonNode) n = json_node_init_object (json_node_alloc (), m);

  append_node (s, n);
  g_string_append_c (s, '\n');
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
append_node (GString *s, JsonNode *n)
{
  if (JSON_NODE_HOLDS_OBJECT (n))
    {
      JsonObject *obj = json_node_get_object (n);
      g_autoptr (GList) names = g_list_sort (json_object_get_members (obj), (GCompareFunc)strcmp);

      g_string_append_c (s, '{');
      for (GList *l = names; l != NULL; l = l->next)
        {
          g_string_append_printf (s, "%s%s=", l != names ? "," : "", (const char *)l->data);
          append_node (s, json_object_get_member (obj, l->data));
        }
      g_string_append_c (s, '}');
    }
  else if (JSON_NODE_HOLDS_ARRAY (n))
    {
      g_autofree char *lines = NULL;
      JsonArray *arr = json_node_get_array (n);
      gboolean objects = json_array_get_length (arr) > 0 && JSON_NODE_HOLDS_OBJECT (json_array_get_element (arr, 0));

      g_string_append_c (s, '[');
      if (objects)
        {
          lines = sorted_lines (arr, object_line, NULL);
          g_string_append (s, lines);
        }
      else
        for (guint i = 0; i < json_array_get_length (arr); i++)
          {
            g_string_append (s, i > 0 ? "," : "");
            append_node (s, json_array_get_element (arr, i));
          }
      g_string_append_c (s, ']');
    }
  else
    {
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autofree char *text = NULL;

      json_generator_set_root (gen, n);
      text = json_generator_to_data (gen, NULL);
      g_string_append (s, text);
    }
}

/* The top-level scalar members and the names of the arrays, sorted; not
 * valg.dk's release metadata, which we do not write. */
static char *
members_line (JsonObject *root)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_autoptr (GList) names = g_list_sort (json_object_get_members (root), (GCompareFunc)strcmp);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *n = json_object_get_member (root, l->data);

      if (strcmp (l->data, "FrigivelsesTidspunktUTC") == 0 || strcmp (l->data, "BaseretPåOptællinger") == 0)
        continue;
      g_string_append_printf (s, "%s=", (const char *)l->data);
      if (JSON_NODE_HOLDS_ARRAY (n))
        g_string_append (s, "[…]");
      else
        append_node (s, n);
      g_string_append_c (s, '\n');
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
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
  /* Every object whole: names and letters too. */
  {
    g_autofree char *a = sorted_lines (json_object_get_array_member (mine, "PersonligeMandater"), object_line, NULL);
    g_autofree char *b = sorted_lines (json_object_get_array_member (o->root, "PersonligeMandater"), object_line, NULL);
    g_assert_cmpstr (a, ==, b);
  }
  {
    g_autofree char *a = sorted_lines (json_object_get_array_member (mine, "ListeMandater"), object_line, NULL);
    g_autofree char *b = sorted_lines (json_object_get_array_member (o->root, "ListeMandater"), object_line, NULL);
    g_assert_cmpstr (a, ==, b);
  }
  {
    g_autofree char *a = sorted_lines (json_object_get_array_member (mine, "Kandidatliste"), object_line, NULL);
    g_autofree char *b = sorted_lines (json_object_get_array_member (o->root, "Kandidatliste"), object_line, NULL);
    g_assert_cmpstr (a, ==, b);
  }
  /* The same top-level members (Kommune and Kommunekode for a
   * municipality, Region and RegionDagiId for a region) with the same
   * values, but for valg.dk's release metadata (docs/results.md). */
  {
    g_autofree char *a = members_line (mine);
    g_autofree char *b = members_line (o->root);
    g_assert_cmpstr (a, ==, b);
  }
}

/* A tie's winner: the official outcome, or (without an official file)
 * simply the first tied. */
typedef const char *(*WinnerFunc) (const Official *o, const VkTie *tie);

static const char *
first_tied (const Official *o G_GNUC_UNUSED, const VkTie *tie)
{
  return g_ptr_array_index (tie->tied, 0);
}

/* kandidat-data and a results folder, imported the way `valgkit mandates`
 * does: a region's areas by vk_results_import_region_dir, a
 * municipality's by number; the counts must add up. */
static void
import_files (const char *kpath, const char *dir, VkElection **ret_election, VkResults **ret_results)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = vk_election_import_kandidatdata (kpath, &error);
  g_autoptr (VkResults) r = NULL;
  g_autoptr (GPtrArray) failures = NULL;

  g_assert_no_error (error);
  if (*e->region != '\0')
    r = vk_results_import_region_dir (e, dir, &error);
  else
    {
      g_assert_true (vk_election_import_areas_dir (e, dir, &error));
      r = vk_results_import_dir (e, dir, &error);
    }
  g_assert_no_error (error);
  failures = vk_results_check (r);
  g_assert_cmpuint (failures->len, ==, 0);
  *ret_election = g_steal_pointer (&e);
  *ret_results = g_steal_pointer (&r);
}

/* Runs the allocation of n_seats, answering each tie with winner ().
 * Returns the allocation; *ret_blocking counts the draws that were
 * needed to allocate at all, *ret_lots gets every draw. */
static VkSeatAllocation *
allocate_with_draws (const char *label, const char *kpath, const char *dir, guint n_seats, const Official *o,
                     WinnerFunc winner, VkElection **ret_election, guint *ret_blocking, VkLots **ret_lots)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkResults) r = NULL;
  g_autoptr (VkLots) lots = vk_lots_new ();
  VkSeatAllocation *a = NULL;
  guint blocking = 0;

  import_files (kpath, dir, &e, &r);
  for (guint round = 0; round < 100; round++)
    {
      g_autoptr (VkTie) tie = NULL;

      g_clear_pointer (&a, vk_seat_allocation_free);
      a = vk_seats_allocate (e, n_seats, r->total, lots, &tie, &error);
      if (a == NULL)
        {
          g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
          g_assert_nonnull (tie);
          g_test_message ("%s: %s", label, error->message);
          add_draw (lots, tie, winner (o, tie));
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
          g_test_message ("%s: open: %s", label, t->description);
          add_draw (lots, t, winner (o, t));
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

/* A municipality of VK_DATA_DIR, each tie answered with the official
 * outcome. */
static VkSeatAllocation *
allocate_like_official (const char *name, const Official *o, VkElection **ret_election, guint *ret_blocking,
                        VkLots **ret_lots)
{
  g_autofree char *kpath = vk_test_data_path (name, "kandidat-data.json", NULL);
  g_autofree char *dir = vk_test_data_path (name, "fintaelling", NULL);

  g_assert_nonnull (kpath);
  g_assert_nonnull (dir);
  return allocate_with_draws (name, kpath, dir, o->n_seats, o, official_winner, ret_election, ret_blocking, ret_lots);
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

/* `valgkit mandates --out` on kandidat-data and a results folder, with
 * the lot draws winner () gives (none when none are needed); argv gets
 * the arguments used (without --out).  Returns the JSON written. */
static char *
run_cli_with_draws (const char *label, const char *kpath, const char *dir, guint n_seats, const Official *o,
                    WinnerFunc winner, guint *ret_blocking)
{
  g_autofree char *tmp = vk_test_tmpdir ();
  g_autofree char *seats = g_strdup_printf ("%u", n_seats);
  g_autofree char *lots_json = NULL, *lots_path = NULL, *out_path = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  g_autoptr (VkLots) lots = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  char *json = NULL;
  guint blocking = 0;

  a = allocate_with_draws (label, kpath, dir, n_seats, o, winner, &e, &blocking, &lots);
  out_path = g_build_filename (tmp, "mandatfordeling.json", NULL);
  g_ptr_array_add (argv, (gpointer)vk_test_valgkit ());
  g_ptr_array_add (argv, "mandates");
  g_ptr_array_add (argv, "--kandidatdata");
  g_ptr_array_add (argv, (gpointer)kpath);
  g_ptr_array_add (argv, "--resultater");
  g_ptr_array_add (argv, (gpointer)dir);
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
  if (ret_blocking != NULL)
    *ret_blocking = blocking;
  return json;
}

/* The same on a municipality of VK_DATA_DIR, with the lot draws the
 * official result shows.  Returns the JSON written, or NULL when the data
 * is not there. */
static char *
run_cli_like_official (const char *name, Official *o)
{
  g_autofree char *kpath = vk_test_data_path (name, "kandidat-data.json", NULL);
  g_autofree char *dir = vk_test_data_path (name, "fintaelling", NULL);
  g_autofree char *opath = vk_test_data_path (name, "mandatfordeling.json", NULL);

  if (kpath == NULL || dir == NULL || opath == NULL)
    return NULL;
  official_load (o, opath);
  return run_cli_with_draws (name, kpath, dir, o->n_seats, o, official_winner, NULL);
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

/* ---- regionsrådsvalg ---------------------------------------------------- */

/* A file of ../shared/data/rv2025/<region>/ (next to VK_DATA_DIR), or NULL
 * with the test skipped when it is absent. */
static char *
rv_data_path (const char *region, const char *file)
{
  const char *kv = vk_test_data_dir ();
  g_autofree char *data = NULL;
  char *path;

  if (kv == NULL)
    return NULL;
  data = g_path_get_dirname (kv);
  path = g_build_filename (data, "rv2025", region, file, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("RV2025 data file missing");
      g_free (path);
      return NULL;
    }
  return path;
}

static guint
count_json_files (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;
  guint n = 0;

  g_assert_nonnull (d);
  while ((entry = g_dir_read_name (d)) != NULL)
    n += g_str_has_suffix (entry, ".json");
  return n;
}

/* The region's areas: one per file, numbered 1..n, with distinct DAGI ids
 * that are also the election's areas.  Returns the DAGI ids. */
static GHashTable *
check_region_areas (const VkElection *e, const VkResults *r, const char *dir)
{
  GHashTable *dagi = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = count_json_files (dir);

  g_assert_cmpuint (r->areas->len, ==, n);
  g_assert_cmpuint (e->areas->len, ==, n);
  for (guint i = 0; i < r->areas->len; i++)
    {
      const VkAreaResult *a = g_ptr_array_index (r->areas, i);
      const VkArea *ea = vk_election_lookup_area (e, i + 1);

      g_assert_cmpuint (a->area_number, ==, i + 1);
      g_assert_cmpstr (a->dagi_id, !=, "");
      g_assert_false (g_hash_table_contains (dagi, a->dagi_id));
      g_hash_table_add (dagi, a->dagi_id);
      g_assert_nonnull (ea);
      g_assert_cmpstr (ea->dagi_id, ==, a->dagi_id);
      g_assert_cmpstr (ea->name, ==, a->area_name);
    }
  g_assert_cmpstr (r->total->area_name, ==, e->region);
  return dagi;
}

/* Region Nordjylland from valg.dk's files through `valgkit mandates`,
 * against the official mandatfordeling: every seat, person,
 * NummerAnførtPåListen and substitute, and the areas it is based on. */
static void
test_rv_official_nordjylland (void)
{
  g_autofree char *kpath = rv_data_path ("Region_Nordjylland", "kandidat-data.json");
  g_autofree char *dir = rv_data_path ("Region_Nordjylland", "fintaelling");
  g_autofree char *opath = rv_data_path ("Region_Nordjylland", "mandatfordeling.json");
  g_auto (Official) o = { 0 };
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkResults) r = NULL;
  g_autoptr (GHashTable) dagi = NULL;
  g_autofree char *json = NULL;
  JsonArray *based;

  if (kpath == NULL || dir == NULL || opath == NULL)
    return;
  official_load (&o, opath);
  /* README: Nordjylland has 25 seats; the official file gives as many. */
  g_assert_cmpuint (o.n_seats, ==, 25);

  /* The areas: 11 municipalities whose area numbers repeat, each area
   * once, and exactly the areas the official allocation is based on. */
  import_files (kpath, dir, &e, &r);
  g_assert_true (e->type == VK_ELECTION_RV);
  dagi = check_region_areas (e, r, dir);
  based = json_object_get_array_member (o.root, "BaseretPåOptællinger");
  g_assert_cmpuint (json_array_get_length (based), ==, g_hash_table_size (dagi));
  for (guint i = 0; i < json_array_get_length (based); i++)
    {
      g_autofree char *id
          = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (json_array_get_object_element (based, i),
                                                                              "AfstemningsområdeDagiId"));
      g_assert_true (g_hash_table_contains (dagi, id));
    }

  json = run_cli_with_draws ("Region Nordjylland", kpath, dir, o.n_seats, &o, official_winner, NULL);
  compare_with_official (&o, json);

  {
    /* The command as documented, without draws: the same seats and
     * persons (only equal substitutes wait for a draw, with a note). */
    g_autofree char *tmp = vk_test_tmpdir ();
    g_autofree char *out_path = g_build_filename (tmp, "mandatfordeling.json", NULL);
    g_autofree char *seats = g_strdup_printf ("%u", o.n_seats);
    const char *argv[]
        = { vk_test_valgkit (), "mandates", "--kandidatdata", kpath, "--resultater", dir, "--seats", seats, "--out",
            out_path,           NULL };
    g_autofree char *out = NULL, *err = NULL, *mine = NULL;
    g_autoptr (JsonParser) parser = json_parser_new ();
    JsonObject *root;

    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    g_assert_nonnull (strstr (err, "stedfortrædernes rækkefølge"));
    g_assert_true (g_file_get_contents (out_path, &mine, NULL, NULL));
    g_assert_true (json_parser_load_from_data (parser, mine, -1, NULL));
    root = json_node_get_object (json_parser_get_root (parser));
    for (guint k = 0; k < 2; k++)
      {
        const char *member = k == 0 ? "PersonligeMandater" : "ListeMandater";
        g_autofree char *a = sorted_lines (json_object_get_array_member (root, member), object_line, NULL);
        g_autofree char *b = sorted_lines (json_object_get_array_member (o.root, member), object_line, NULL);
        g_assert_cmpstr (a, ==, b);
      }
  }
  {
    /* The table names the region. */
    g_autofree char *seats = g_strdup_printf ("%u", o.n_seats);
    const char *argv[]
        = { vk_test_valgkit (), "mandates", "--kandidatdata", kpath, "--resultater", dir, "--seats", seats, NULL };
    g_autofree char *out = NULL, *err = NULL, *head = NULL;

    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    head = g_strdup_printf ("Mandatfordeling: %s, regionsrådsvalg", e->region);
    g_assert_true (g_str_has_prefix (out, head));
  }
}

/* The other regions: only some municipalities' areas are in shared/data,
 * so there is no official allocation to match; the command must read
 * them (area numbers repeat between the municipalities) and allocate the
 * region's seats (README: Midtjylland 31, Syddanmark 31, Østdanmark 47),
 * a blocking tie being a lot draw (exit 3), not an error. */
static void
test_rv_other_regions (void)
{
  static const struct
  {
    const char *region;
    guint seats;
  } regions[] = {
    { "Region_Midtjylland", 31 },
    { "Region_Syddanmark", 31 },
    { "Region_Østdanmark", 47 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    {
      g_autofree char *kpath = rv_data_path (regions[i].region, "kandidat-data.json");
      g_autofree char *dir = rv_data_path (regions[i].region, "fintaelling");
      g_autofree char *seats = g_strdup_printf ("%u", regions[i].seats);
      g_autoptr (VkElection) e = NULL;
      g_autoptr (VkResults) r = NULL;
      g_autoptr (GHashTable) dagi = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GHashTable) numbers = g_hash_table_new (g_direct_hash, g_direct_equal);
      g_autofree char *json = NULL;
      JsonObject *root;
      guint blocking = 0;

      if (kpath == NULL || dir == NULL)
        return;
      import_files (kpath, dir, &e, &r);
      dagi = check_region_areas (e, r, dir);

      json = run_cli_with_draws (regions[i].region, kpath, dir, regions[i].seats, NULL, first_tied, &blocking);
      g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
      root = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (root, "Valgart"), ==, "Regionsrådsvalg");
      g_assert_cmpstr (json_object_get_string_member (root, "Region"), ==, e->region);
      g_assert_cmpstr (json_object_get_string_member (root, "RegionDagiId"), ==, e->region_dagi_id);
      g_assert_false (json_object_has_member (root, "Kommune"));
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "ListeMandater")), ==,
                        regions[i].seats);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "PersonligeMandater")), ==,
                        regions[i].seats);
      for (guint k = 0; k < regions[i].seats; k++)
        {
          JsonObject *m = json_array_get_object_element (json_object_get_array_member (root, "PersonligeMandater"), k);
          guint n = (guint)json_object_get_int_member (m, "Nummer");
          g_assert_cmpuint (n, >=, 1);
          g_assert_cmpuint (n, <=, regions[i].seats);
          g_assert_false (g_hash_table_contains (numbers, GUINT_TO_POINTER (n)));
          g_hash_table_add (numbers, GUINT_TO_POINTER (n));
        }
      {
        /* Without draws: done, or a draw asked for. */
        const char *argv[]
            = { vk_test_valgkit (), "mandates", "--kandidatdata", kpath, "--resultater", dir, "--seats", seats, NULL };
        g_autofree char *out = NULL, *err = NULL;
        int status = vk_test_spawn (argv, &out, &err);

        g_assert_cmpint (status, ==, blocking > 0 ? 3 : 0);
        if (blocking > 0)
          g_assert_nonnull (strstr (err, "Lodtrækning"));
        else
          g_assert_nonnull (strstr (out, e->region));
      }
    }
}

/* Copies src into dir under name (NULL: its own name); returns the path. */
static char *
copy_file (const char *dir, const char *src, const char *name)
{
  g_autofree char *text = NULL, *base = g_path_get_basename (src);

  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  return write_file (dir, name != NULL ? name : base, text);
}

/* src with member set to an integer, written into dir as name. */
static char *
copy_file_with_int (const char *dir, const char *src, const char *name, const char *member, gint64 value)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  g_assert_true (json_parser_load_from_file (parser, src, NULL));
  json_object_set_int_member (json_node_get_object (json_parser_get_root (parser)), member, value);
  json_generator_set_root (gen, json_parser_get_root (parser));
  text = json_generator_to_data (gen, NULL);
  return write_file (dir, name, text);
}

/* `valgkit mandates` on kpath and dir: exit 2 and the error names file
 * and what. */
static void
assert_cli_refuses (const char *kpath, const char *dir, const char *seats, const char *file, const char *what)
{
  const char *argv[]
      = { vk_test_valgkit (), "mandates", "--kandidatdata", kpath, "--resultater", dir, "--seats", seats, NULL };
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, file));
  g_assert_nonnull (strstr (err, what));
}

static void
test_rv_bad_input (void)
{
  g_autofree char *kpath = rv_data_path ("Region_Nordjylland", "kandidat-data.json");
  g_autofree char *morsoe = rv_data_path ("Region_Nordjylland", "fintaelling/773-001-Nordmors.json");
  g_autofree char *thisted = rv_data_path ("Region_Nordjylland", "fintaelling/787-001-Thisted.json");
  g_autofree char *hadsten = rv_data_path ("Region_Midtjylland", "fintaelling/710-001-Hadsten Nord.json");
  g_autofree char *kv_dir = vk_test_data_path ("Læsø", "fintaelling", NULL);
  g_autofree char *tmp = NULL;

  if (kpath == NULL || morsoe == NULL || thisted == NULL || hadsten == NULL || kv_dir == NULL)
    return;
  tmp = vk_test_tmpdir ();
  {
    /* Control: area 1 of Morsø and area 1 of Thisted are two areas. */
    g_autofree char *dir = g_build_filename (tmp, "two", NULL);
    g_autofree char *a = NULL, *b = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (VkElection) e = vk_election_import_kandidatdata (kpath, &error);
    g_autoptr (VkResults) r = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
    a = copy_file (dir, morsoe, NULL);
    b = copy_file (dir, thisted, NULL);
    r = vk_results_import_region_dir (e, dir, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (r->areas->len, ==, 2);
    g_assert_cmpuint (e->areas->len, ==, 2);
    /* In Kommunekode order, renumbered; names and DAGI ids kept. */
    g_assert_cmpstr (((VkAreaResult *)g_ptr_array_index (r->areas, 0))->area_name, ==, "Nordmors");
    g_assert_cmpstr (((VkAreaResult *)g_ptr_array_index (r->areas, 1))->area_name, ==, "Thisted");
    g_assert_cmpstr (((VkAreaResult *)g_ptr_array_index (r->areas, 0))->dagi_id, !=,
                     ((VkAreaResult *)g_ptr_array_index (r->areas, 1))->dagi_id);
    g_assert_cmpuint (r->total->eligible, ==,
                      ((VkAreaResult *)g_ptr_array_index (r->areas, 0))->eligible
                          + ((VkAreaResult *)g_ptr_array_index (r->areas, 1))->eligible);
  }
  {
    /* An area of another region: its lists are not in this kandidat-data. */
    g_autofree char *dir = g_build_filename (tmp, "foreign", NULL);
    g_autofree char *a = NULL, *b = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (VkElection) e = vk_election_import_kandidatdata (kpath, &error);
    g_autoptr (VkResults) r = NULL;

    g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
    a = copy_file (dir, morsoe, NULL);
    b = copy_file (dir, hadsten, NULL);
    r = vk_results_import_region_dir (e, dir, &error);
    g_assert_null (r);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "710-001-Hadsten Nord.json"));
    g_assert_nonnull (strstr (error->message, "an area of another region"));
    g_assert_cmpuint (e->areas->len, ==, 0);
    assert_cli_refuses (kpath, dir, "25", "710-001-Hadsten Nord.json", "an area of another region");
  }
  {
    /* The same area twice: by municipality and number … */
    g_autofree char *dir = g_build_filename (tmp, "twice", NULL);
    g_autofree char *a = NULL, *b = NULL;

    g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
    a = copy_file (dir, morsoe, NULL);
    b = copy_file (dir, morsoe, "773-001-copy.json");
    assert_cli_refuses (kpath, dir, "25", "773-001-copy.json: AfstemningsområdeNummer",
                        "area 1 of municipality 773 is also in");
    assert_cli_refuses (kpath, dir, "25", "773-001-copy.json", "773-001-Nordmors.json");
  }
  {
    /* … and by DAGI id under another number. */
    g_autofree char *dir = g_build_filename (tmp, "twice-dagi", NULL);
    g_autofree char *a = NULL, *b = NULL;

    g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
    a = copy_file (dir, morsoe, NULL);
    b = copy_file_with_int (dir, morsoe, "773-099-copy.json", "AfstemningsområdeNummer", 99);
    assert_cli_refuses (kpath, dir, "25", "773-099-copy.json: AfstemningsområdeDagiId", "is also in");
  }
  {
    /* A municipality's (KV) file among the region's. */
    g_autofree char *dir = g_build_filename (tmp, "kv", NULL);
    g_autofree char *a = NULL, *b = NULL, *kv_file = NULL;
    g_autoptr (GDir) d = g_dir_open (kv_dir, 0, NULL);
    const char *entry;

    g_assert_nonnull (d);
    while ((entry = g_dir_read_name (d)) != NULL && kv_file == NULL)
      if (g_str_has_suffix (entry, ".json"))
        kv_file = g_build_filename (kv_dir, entry, NULL);
    g_assert_nonnull (kv_file);
    g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
    a = copy_file (dir, morsoe, NULL);
    b = copy_file (dir, kv_file, "kv.json");
    assert_cli_refuses (kpath, dir, "25", "kv.json: Valgart", "a Kommunalvalg file, expected Regionsrådsvalg");
  }
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
  g_test_add_func ("/mandates/rv-official/nordjylland", test_rv_official_nordjylland);
  g_test_add_func ("/mandates/rv/other-regions", test_rv_other_regions);
  g_test_add_func ("/mandates/rv/bad-input", test_rv_bad_input);
  return g_test_run ();
}

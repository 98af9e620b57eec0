/* test-seats.c: d'Hondt, caps, unions, candidates, lot draws, properties.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Expected numbers here are worked by hand from the rules in
 * docs/results.md or taken from the worked checks in danish-elections.md,
 * never from the engine's own output.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-election.h"
#include "vk-error.h"
#include "vk-results.h"
#include "vk-seats.h"
#include "vk-test-util.h"

/* ---- helpers ------------------------------------------------------------ */

/* A list with n candidates named <id>-1 … <id>-n. */
static VkList *
add_list (VkElection *e, const char *id, const char *letter, guint n, VkListForm form)
{
  VkList *l = vk_election_add_list (e, id, letter, id, e->lists->len + 1, form);

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *cid = g_strdup_printf ("%s-%u", id, i);
      vk_election_add_candidate (e, l, cid, cid, cid, i);
    }
  return l;
}

/* Sets a list's total and spreads personal votes: votes[i] to candidate
 * i+1; the rest of the total are listestemmer. */
static void
set_votes (VkAreaResult *r, const VkList *l, guint64 total, const guint64 *votes)
{
  guint64 personal = 0;

  for (guint i = 0; i < l->candidates->len; i++)
    personal += votes != NULL ? votes[i] : 0;
  g_assert_cmpuint (personal, <=, total);
  vk_area_result_add_list (r, l->id, total, total - personal);
  for (guint i = 0; i < l->candidates->len; i++)
    vk_area_result_add_candidate (r, l->id, ((VkCandidate *)g_ptr_array_index (l->candidates, i))->id,
                                  votes != NULL ? votes[i] : 0);
}

static guint
seats_of (const VkSeatAllocation *a, const char *list_id)
{
  return vk_seat_allocation_lookup_list (a, list_id)->seats;
}

/* "A B A …": the list ids in seat order. */
static char *
seat_order (const VkSeatAllocation *a)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < a->seats->len; k++)
    g_string_append_printf (s, "%s%s", k > 0 ? " " : "", ((VkSeat *)g_ptr_array_index (a->seats, k))->list->id);
  return g_string_free (s, FALSE);
}

/* ---- exact arithmetic and plain d'Hondt -------------------------------- */

static void
test_compare (void)
{
  g_assert_cmpint (vk_seats_compare_quotients (1, 2, 2, 4), ==, 0);
  g_assert_cmpint (vk_seats_compare_quotients (2, 3, 3, 5), ==, 1);
  g_assert_cmpint (vk_seats_compare_quotients (3, 5, 2, 3), ==, -1);
  g_assert_cmpint (vk_seats_compare_quotients (0, 1, 0, 7), ==, 0);
  /* Doubles cannot tell these apart; 128-bit products can. */
  {
    guint64 big = G_MAXUINT64 - 1;
    g_assert_cmpint (vk_seats_compare_quotients (big, 3, big - 1, 3), ==, 1);
    g_assert_cmpint (vk_seats_compare_quotients (G_MAXUINT64, G_MAXUINT64, 1, 1), ==, 0);
    g_assert_true ((double)big / 3 == (double)(big - 1) / 3);
  }
}

static void
test_dhondt_basic (void)
{
  /* Quotients: A 100 50 33.3 25; B 80 40 26.7; C 30 15.
   * Order: A100 B80 A50 B40 A33.3 C30 B26.7 A25. */
  const guint64 votes[] = { 100, 80, 30 };
  guint order[8];
  const guint expected[] = { 0, 1, 0, 1, 0, 2, 1, 0 };

  g_assert_true (vk_seats_dhondt (votes, NULL, 3, 8, order));
  for (guint k = 0; k < 8; k++)
    g_assert_cmpuint (order[k], ==, expected[k]);

  /* With A capped at 2, A's third seat (33.3) passes on: after A100 B80
   * A50 B40 come C30, B26.7, B20 and B16 (over C15). */
  {
    const guint cap[] = { 2, 10, 10 };
    const guint capped[] = { 0, 1, 0, 1, 2, 1, 1, 1 };
    g_assert_true (vk_seats_dhondt (votes, cap, 3, 8, order));
    for (guint k = 0; k < 8; k++)
      g_assert_cmpuint (order[k], ==, capped[k]);
  }
  /* An exact tie: 60/2 = 30/1 for the second seat. */
  {
    const guint64 tie[] = { 60, 30 };
    g_assert_false (vk_seats_dhondt (tie, NULL, 2, 2, order));
    g_assert_true (vk_seats_dhondt (tie, NULL, 2, 1, order));
  }
}

/* ---- the allocation ----------------------------------------------------- */

static void
test_tie_units (void)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "test");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkTie) tie = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  g_autoptr (VkLots) lots = vk_lots_new ();
  VkList *la = add_list (e, "A", "A", 5, VK_LIST_PARTILISTE);
  VkList *lb = add_list (e, "B", "B", 5, VK_LIST_PARTILISTE);
  const char *tied[] = { "A", "B", NULL };

  set_votes (r, la, 60, NULL);
  set_votes (r, lb, 30, NULL);
  /* 3 seats: A (60), then A 30 = B 30 for the second and third: both get
   * one, but the seat numbers need a draw. */
  a = vk_seats_allocate (e, 3, r, NULL, &tie, &error);
  g_assert_null (a);
  g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
  g_assert_cmpint (tie->kind, ==, VK_TIE_UNITS);
  g_assert_cmpuint (tie->tied->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (tie->tied, 0), ==, "A");
  g_assert_cmpstr (g_ptr_array_index (tie->tied, 1), ==, "B");
  g_assert_nonnull (strstr (error->message, "seat 2"));
  g_clear_error (&error);

  vk_lots_add (lots, tied, "B");
  a = vk_seats_allocate (e, 3, r, lots, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *order = seat_order (a);
    g_assert_cmpstr (order, ==, "A B A");
  }
  g_clear_pointer (&a, vk_seat_allocation_free);

  /* 2 seats: the draw decides who gets a seat at all. */
  a = vk_seats_allocate (e, 2, r, lots, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seats_of (a, "A"), ==, 1);
  g_assert_cmpuint (seats_of (a, "B"), ==, 1);
  g_clear_pointer (&a, vk_seat_allocation_free);

  /* One seat: no tie, so the draw matches nothing and is refused. */
  a = vk_seats_allocate (e, 1, r, lots, NULL, &error);
  g_assert_null (a);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
}

static void
test_listeforbund (void)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "test");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  VkList *a1 = add_list (e, "A1", "A", 5, VK_LIST_PARTILISTE);
  VkList *b = add_list (e, "B", "B", 5, VK_LIST_PARTILISTE);
  VkList *a2 = add_list (e, "A2", "A", 5, VK_LIST_PARTILISTE);

  /* Units: listeforbund A = 100, B = 90.  d'Hondt: A100 B90 A50 B45 A33.3.
   * Inside A: A1 60, A2 40, A1 30 → A's seats go A1, A2, A1. */
  set_votes (r, a1, 60, NULL);
  set_votes (r, b, 90, NULL);
  set_votes (r, a2, 40, NULL);
  a = vk_seats_allocate (e, 5, r, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *order = seat_order (a);
    g_assert_cmpstr (order, ==, "A1 B A2 B A1");
  }
}

static void
test_listeforbund_in_valgforbund (void)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "test");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  VkList *a1 = add_list (e, "A1", "A", 5, VK_LIST_PARTILISTE);
  VkList *a2 = add_list (e, "A2", "A", 5, VK_LIST_PARTILISTE);
  VkList *c = add_list (e, "C", "C", 5, VK_LIST_PARTILISTE);
  VkList *d = add_list (e, "D", "D", 5, VK_LIST_PARTILISTE);
  VkValgforbund *vf = vk_election_add_valgforbund (e, "VF", "A+C");

  g_assert_true (vk_election_valgforbund_add_list (e, vf, "A1", &error));
  g_assert_true (vk_election_valgforbund_add_list (e, vf, "A2", &error));
  g_assert_true (vk_election_valgforbund_add_list (e, vf, "C", &error));
  /* Units: VF = 35+25+45 = 105, D = 100.  6 seats: VF105 D100 VF52.5
   * D50 VF35 D33.3 → VF 3.  Inside VF: listeforbund A = 60, C = 45:
   * A60 C45 A30 → A 2, C 1.  Inside A: A1 35, A2 25 → A1, A2.
   * VF's seats in order: A, C, A → A1, C, A2. */
  set_votes (r, a1, 35, NULL);
  set_votes (r, a2, 25, NULL);
  set_votes (r, c, 45, NULL);
  set_votes (r, d, 100, NULL);
  a = vk_seats_allocate (e, 6, r, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *order = seat_order (a);
    g_assert_cmpstr (order, ==, "A1 D C D A2 D");
  }
  g_clear_pointer (&a, vk_seat_allocation_free);

  /* A tie inside the listeforbund is drawn between the two lists, and one
   * between the listeforbund and C uses the listeforbund's id. */
  {
    g_autoptr (VkAreaResult) r2 = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "test");
    g_autoptr (VkTie) tie = NULL;
    set_votes (r2, a1, 30, NULL);
    set_votes (r2, a2, 30, NULL);
    set_votes (r2, c, 60, NULL);
    set_votes (r2, d, 10, NULL);
    a = vk_seats_allocate (e, 2, r2, NULL, &tie, &error);
    g_assert_null (a);
    g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
    g_assert_cmpint (tie->kind, ==, VK_TIE_MEMBERS);
    g_assert_cmpstr (g_ptr_array_index (tie->tied, 0), ==, "listeforbund:A:VF");
    g_assert_cmpstr (g_ptr_array_index (tie->tied, 1), ==, "C");
  }
}

static void
test_cap_synthetic (void)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "test");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  VkList *big = add_list (e, "BIG", "A", 2, VK_LIST_SIDEORDNET);
  VkList *small = add_list (e, "SMALL", "B", 9, VK_LIST_PARTILISTE);
  const guint64 bv[] = { 500, 400 };

  set_votes (r, big, 1000, bv);
  set_votes (r, small, 100, NULL);
  /* BIG would take every seat but has two candidates (§ 81 stk. 3). */
  a = vk_seats_allocate (e, 5, r, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seats_of (a, "BIG"), ==, 2);
  g_assert_cmpuint (seats_of (a, "SMALL"), ==, 3);
  g_clear_pointer (&a, vk_seat_allocation_free);

  /* More seats than candidates in all. */
  a = vk_seats_allocate (e, 12, r, NULL, NULL, &error);
  g_assert_null (a);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
}

/* Lolland: valgforbund Æ+C+I wins 6 seats, Æ has 4 candidates, so its
 * share passes to C (danish-elections.md).  Everything is computed from
 * the data files. */
static void
test_cap_lolland (void)
{
  g_autofree char *kpath = vk_test_data_path ("Lolland", "kandidat-data.json", NULL);
  g_autofree char *dir = vk_test_data_path ("Lolland", "fintaelling", NULL);
  g_autofree char *opath = vk_test_data_path ("Lolland", "mandatfordeling.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkResults) r = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  g_autoptr (GBytes) official = NULL;
  g_autoptr (GArray) votes = g_array_new (FALSE, FALSE, sizeof (guint64));
  VkList *ae = NULL;
  const VkValgforbund *vf = NULL;
  guint n_seats = 0, vf_seats = 0, ae_uncapped = 0;

  if (kpath == NULL || dir == NULL || opath == NULL)
    return;
  e = vk_election_import_kandidatdata (kpath, &error);
  g_assert_no_error (error);
  r = vk_results_import_dir (e, dir, &error);
  g_assert_no_error (error);
  official = vk_test_read_file (opath);
  {
    /* The council size is the number of ListeMandater (input, not output). */
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (official, NULL),
                                               (gssize)g_bytes_get_size (official), NULL));
    n_seats = json_array_get_length (
        json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "ListeMandater"));
  }
  for (guint i = 0; i < e->lists->len; i++)
    if (strcmp (((VkList *)g_ptr_array_index (e->lists, i))->letter, "Æ") == 0)
      ae = g_ptr_array_index (e->lists, i);
  g_assert_nonnull (ae);
  g_assert_nonnull (ae->valgforbund_id);
  for (guint i = 0; i < e->valgforbund->len; i++)
    if (strcmp (((VkValgforbund *)g_ptr_array_index (e->valgforbund, i))->id, ae->valgforbund_id) == 0)
      vf = g_ptr_array_index (e->valgforbund, i);

  a = vk_seats_allocate (e, n_seats, r->total, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < vf->list_ids->len; i++)
    vf_seats += seats_of (a, g_ptr_array_index (vf->list_ids, i));

  /* Uncapped d'Hondt inside the valgforbund would give Æ more seats than
   * it has candidates: that is what makes this the cap's test. */
  {
    g_autofree guint *order = g_new0 (guint, vf_seats);
    for (guint i = 0; i < vf->list_ids->len; i++)
      {
        guint64 v = vk_area_result_get_list_votes (r->total, g_ptr_array_index (vf->list_ids, i));
        g_array_append_val (votes, v);
      }
    g_assert_true (vk_seats_dhondt ((guint64 *)(void *)votes->data, NULL, vf->list_ids->len, vf_seats, order));
    for (guint k = 0; k < vf_seats; k++)
      if (strcmp (g_ptr_array_index (vf->list_ids, order[k]), ae->id) == 0)
        ae_uncapped++;
  }
  g_assert_cmpuint (ae_uncapped, >, ae->candidates->len);
  g_assert_cmpuint (seats_of (a, ae->id), ==, ae->candidates->len);
  g_assert_cmpuint (vk_seat_allocation_lookup_list (a, ae->id)->substitutes->len, ==, 0);
}

/* Albertslund B: partiliste, 2 seats, V = 1070, listestemmer 179,
 * F = 357: #4 (432 personal) elected, #1 349 + 8 = 357 elected
 * (danish-elections.md).  The numbers are read from the data files and
 * checked against the worked example. */
static void
test_partiliste_albertslund (void)
{
  g_autofree char *kpath = vk_test_data_path ("Albertslund", "kandidat-data.json", NULL);
  g_autofree char *dir = vk_test_data_path ("Albertslund", "fintaelling", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkResults) r = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  VkListOutcome *o;
  VkList *b = NULL;
  guint64 personal_1, personal_4, pool;

  if (kpath == NULL || dir == NULL)
    return;
  e = vk_election_import_kandidatdata (kpath, &error);
  g_assert_no_error (error);
  r = vk_results_import_dir (e, dir, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < e->lists->len; i++)
    if (strcmp (((VkList *)g_ptr_array_index (e->lists, i))->letter, "B") == 0)
      b = g_ptr_array_index (e->lists, i);
  g_assert_nonnull (b);
  g_assert_cmpint (b->form, ==, VK_LIST_PARTILISTE);

  a = vk_seats_allocate (e, 21, r->total, NULL, NULL, &error);
  g_assert_no_error (error);
  o = vk_seat_allocation_lookup_list (a, b->id);
  g_assert_cmpuint (o->seats, ==, 2);
  g_assert_cmpuint (o->votes, ==, 1070);
  g_assert_cmpuint (o->list_votes, ==, 179);
  /* F = ⌊V/(s+1)⌋ + 1 from the data. */
  g_assert_cmpuint (o->quota, ==, o->votes / (o->seats + 1) + 1);
  g_assert_cmpuint (o->quota, ==, 357);

  personal_1 = vk_area_result_get_candidate_votes (r->total, ((VkCandidate *)g_ptr_array_index (b->candidates, 0))->id);
  personal_4 = vk_area_result_get_candidate_votes (r->total, ((VkCandidate *)g_ptr_array_index (b->candidates, 3))->id);
  g_assert_cmpuint (personal_4, ==, 432);
  g_assert_cmpuint (personal_1, ==, 349);
  g_assert_cmpuint (o->elected->len, ==, 2);
  /* The elected in ballot order: #1 (topped up with 8), then #4. */
  {
    VkCandidateOutcome *first = g_ptr_array_index (o->elected, 0);
    VkCandidateOutcome *second = g_ptr_array_index (o->elected, 1);
    g_assert_cmpuint (first->candidate->position, ==, 1);
    g_assert_cmpuint (first->list_votes, ==, o->quota - personal_1);
    g_assert_cmpuint (first->list_votes, ==, 8);
    g_assert_cmpuint (second->candidate->position, ==, 4);
    g_assert_cmpuint (second->list_votes, ==, 0);
    g_assert_cmpuint (first->seat, <, second->seat);
  }
  /* #2 gets what is left of the listestemmer and is first substitute. */
  pool = o->list_votes - (o->quota - personal_1);
  {
    VkCandidateOutcome *s1 = g_ptr_array_index (o->substitutes, 0);
    g_assert_cmpuint (s1->candidate->position, ==, 2);
    g_assert_cmpuint (s1->list_votes, ==, pool);
  }
}

static void
test_partiliste_rules (void)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "test");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  VkList *p = add_list (e, "P", "P", 5, VK_LIST_PARTILISTE);
  VkList *q = add_list (e, "Q", "Q", 5, VK_LIST_SIDEORDNET);
  /* P: V = 300, 2 seats (P300 Q200 P150 vs Q100: P, Q, P → 2 of 3).
   * F = ⌊300/3⌋ + 1 = 101.  Personal: #1 10, #2 40, #3 40, #4 0, #5 0;
   * listestemmer 210.  (a) nobody ≥ 101.  (b) #1 needs 91 → elected
   * (pool 119); #2 needs 61 → elected (pool 58); #3 gets 58 (98).
   * Substitutes: #3 98, then #4 0 and #5 0 in list order. */
  const guint64 pv[] = { 10, 40, 40, 0, 0 };
  const guint64 qv[] = { 100, 50, 50, 0, 0 };

  set_votes (r, p, 300, pv);
  set_votes (r, q, 200, qv);
  a = vk_seats_allocate (e, 3, r, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    VkListOutcome *o = vk_seat_allocation_lookup_list (a, "P");
    g_assert_cmpuint (o->seats, ==, 2);
    g_assert_cmpuint (o->quota, ==, 101);
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->elected, 0))->candidate->id, ==, "P-1");
    g_assert_cmpuint (((VkCandidateOutcome *)g_ptr_array_index (o->elected, 0))->list_votes, ==, 91);
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->elected, 1))->candidate->id, ==, "P-2");
    g_assert_cmpuint (((VkCandidateOutcome *)g_ptr_array_index (o->elected, 1))->list_votes, ==, 61);
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->substitutes, 0))->candidate->id, ==, "P-3");
    g_assert_cmpuint (((VkCandidateOutcome *)g_ptr_array_index (o->substitutes, 0))->list_votes, ==, 58);
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->substitutes, 1))->candidate->id, ==, "P-4");
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->substitutes, 2))->candidate->id, ==, "P-5");
    /* The seats of P are 1 and 3; the elected take them in ballot order. */
    g_assert_cmpuint (((VkCandidateOutcome *)g_ptr_array_index (o->elected, 0))->seat, ==, 1);
    g_assert_cmpuint (((VkCandidateOutcome *)g_ptr_array_index (o->elected, 1))->seat, ==, 3);
  }
  g_clear_pointer (&a, vk_seat_allocation_free);

  /* Step (c): no listestemmer at all; 3 seats from P = 300 all personal:
   * F = ⌊300/4⌋ + 1 = 76; #4 and #5 have 100 each → elected by (a); the
   * third seat by total: #2 and #3 have 50 each, the higher on the list
   * (#2) wins without a draw.  The (a)-elected take the list's first
   * seats in ballot order, the (c)-elected #2 the last. */
  {
    g_autoptr (VkElection) e2 = vk_election_new ();
    g_autoptr (VkAreaResult) r2 = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "test");
    VkList *p2 = add_list (e2, "P", "P", 5, VK_LIST_PARTILISTE);
    const guint64 pv2[] = { 0, 50, 50, 100, 100 };
    VkListOutcome *o;

    set_votes (r2, p2, 300, pv2);
    a = vk_seats_allocate (e2, 3, r2, NULL, NULL, &error);
    g_assert_no_error (error);
    o = vk_seat_allocation_lookup_list (a, "P");
    g_assert_cmpuint (o->quota, ==, 76);
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->elected, 0))->candidate->id, ==, "P-4");
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->elected, 1))->candidate->id, ==, "P-5");
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->elected, 2))->candidate->id, ==, "P-2");
    for (guint k = 0; k < o->elected->len; k++)
      g_assert_cmpuint (((VkCandidateOutcome *)g_ptr_array_index (o->elected, k))->seat, ==, k + 1);
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->substitutes, 0))->candidate->id, ==, "P-3");
    g_assert_cmpuint (a->open_ties->len, ==, 0);
  }
}

/* One partiliste P alone, so its seats are numbered 1 … s.  elected and
 * substitutes hold the candidate ids in the expected order, list_votes
 * each candidate's allocated listestemmer by ballot position. */
static void
check_partiliste_order (guint n_seats, const guint64 *personal, guint n, guint64 total, const char *const *elected,
                        const char *const *substitutes, const guint64 *list_votes)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "test");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  VkList *p = add_list (e, "P", "P", n, VK_LIST_PARTILISTE);
  VkListOutcome *o;

  set_votes (r, p, total, personal);
  a = vk_seats_allocate (e, n_seats, r, NULL, NULL, &error);
  g_assert_no_error (error);
  o = vk_seat_allocation_lookup_list (a, "P");
  g_assert_cmpuint (o->seats, ==, n_seats);
  g_assert_cmpuint (o->elected->len, ==, n_seats);
  for (guint k = 0; k < n_seats; k++)
    {
      const VkCandidateOutcome *c = g_ptr_array_index (o->elected, k);
      g_assert_cmpstr (c->candidate->id, ==, elected[k]);
      g_assert_cmpuint (c->seat, ==, k + 1);
      g_assert_cmpuint (c->rank, ==, k + 1);
      g_assert_cmpuint (c->list_votes, ==, list_votes[c->candidate->position - 1]);
      g_assert_true (((VkSeat *)g_ptr_array_index (a->seats, k))->candidate == c->candidate);
    }
  g_assert_cmpuint (o->substitutes->len, ==, n - n_seats);
  for (guint k = 0; k < o->substitutes->len; k++)
    {
      const VkCandidateOutcome *c = g_ptr_array_index (o->substitutes, k);
      g_assert_cmpstr (c->candidate->id, ==, substitutes[k]);
      g_assert_cmpuint (c->list_votes, ==, list_votes[c->candidate->position - 1]);
    }
}

/* The seat order inside a partiliste (danish-elections.md): the (a)- and
 * (b)-elected take the list's seat numbers in ballot order, however they
 * interleave; the (c)-elected follow by total votes. */
static void
test_partiliste_seat_order (void)
{
  /* V = 600, 5 seats: F = ⌊600/6⌋ + 1 = 101.  Listestemmer 600 − 490 =
   * 110.  (a): #2 (150) and #5 (120).  (b) down the list: #1 60 + 41
   * (pool 69), #3 80 + 21 (pool 48), #4 50 + 48 = 98 < 101: the pool is
   * spent.  (c) for the fifth seat: #4 98 over #6 20 and #7 10.  Ballot
   * order of (a)/(b): #1(b) #2(a) #3(b) #5(a), then #4(c), although #4
   * stands above #5 on the list. */
  {
    const guint64 personal[] = { 60, 150, 80, 50, 120, 20, 10 };
    const guint64 list_votes[] = { 41, 0, 21, 48, 0, 0, 0 };
    const char *elected[] = { "P-1", "P-2", "P-3", "P-5", "P-4" };
    const char *substitutes[] = { "P-6", "P-7" };
    check_partiliste_order (5, personal, 7, 600, elected, substitutes, list_votes);
  }
  /* The brief's interleaving: 1(b), 2(a), 3(b), 4(a), then two (c)
   * seats by total votes, the lower on the list first.  V = 700, 6
   * seats: F = ⌊700/7⌋ + 1 = 101.  Personal 60 150 80 120 40 30 99 5
   * (584), listestemmer 116.  (a) #2, #4.  (b) #1 + 41 (pool 75), #3 +
   * 21 (pool 54), #5 40 + 54 = 94 (pool 0).  (c): #7 99, then #5 94;
   * substitutes #6 30, #8 5. */
  {
    const guint64 personal[] = { 60, 150, 80, 120, 40, 30, 99, 5 };
    const guint64 list_votes[] = { 41, 0, 21, 0, 54, 0, 0, 0 };
    const char *elected[] = { "P-1", "P-2", "P-3", "P-4", "P-7", "P-5" };
    const char *substitutes[] = { "P-6", "P-8" };
    check_partiliste_order (6, personal, 8, 700, elected, substitutes, list_votes);
  }
  /* (a) and (b) only, (a) first on the list: 2(b) after 1(a).  V = 300,
   * 2 seats: F = 101, listestemmer 140.  #1 120 (a); #2 30 + 71 (b);
   * #3 10 + 69 (the rest). */
  {
    const guint64 personal[] = { 120, 30, 10, 0 };
    const guint64 list_votes[] = { 0, 71, 69, 0 };
    const char *elected[] = { "P-1", "P-2" };
    const char *substitutes[] = { "P-3", "P-4" };
    check_partiliste_order (2, personal, 4, 300, elected, substitutes, list_votes);
  }
}

static void
test_sideordnet_ties (void)
{
  g_autoptr (VkElection) e = vk_election_new ();
  g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "test");
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSeatAllocation) a = NULL;
  g_autoptr (VkTie) tie = NULL;
  g_autoptr (VkLots) lots = vk_lots_new ();
  VkList *s = add_list (e, "S", "S", 5, VK_LIST_SIDEORDNET);
  VkList *t = add_list (e, "T", "T", 3, VK_LIST_SIDEORDNET);
  /* S100 S50 T40 (over S33.3): S 2 seats, T 1.  S's #1 has 40; #2 and
   * #3 have 30 each for S's second seat: a boundary tie. */
  const guint64 sv[] = { 40, 30, 30, 0, 0 };
  const guint64 tv[] = { 20, 10, 10 };
  const char *tied[] = { "S-2", "S-3", NULL };

  set_votes (r, s, 100, sv);
  set_votes (r, t, 40, tv);
  a = vk_seats_allocate (e, 3, r, NULL, &tie, &error);
  g_assert_null (a);
  g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
  g_assert_cmpint (tie->kind, ==, VK_TIE_CANDIDATES);
  g_assert_cmpstr (g_ptr_array_index (tie->tied, 0), ==, "S-2");
  g_assert_cmpstr (g_ptr_array_index (tie->tied, 1), ==, "S-3");
  g_clear_error (&error);

  /* The draw elects S-3; S-2 becomes the first substitute.  T's #2 and #3
   * tie for the substitutes' order only: open, ballot order for now. */
  vk_lots_add (lots, tied, "S-3");
  a = vk_seats_allocate (e, 3, r, lots, NULL, &error);
  g_assert_no_error (error);
  {
    VkListOutcome *o = vk_seat_allocation_lookup_list (a, "S");
    VkListOutcome *ot = vk_seat_allocation_lookup_list (a, "T");
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->elected, 1))->candidate->id, ==, "S-3");
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (o->substitutes, 0))->candidate->id, ==, "S-2");
    /* S-4 and S-5 (0 each) and T-2/T-3 are open substitute ties. */
    g_assert_cmpuint (a->open_ties->len, ==, 2);
    g_assert_cmpint (((VkTie *)g_ptr_array_index (a->open_ties, 0))->kind, ==, VK_TIE_SUBSTITUTES);
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (ot->substitutes, 0))->candidate->id, ==, "T-2");
  }
  g_clear_pointer (&a, vk_seat_allocation_free);

  /* Drawing the substitute tie reverses T's substitutes. */
  {
    const char *tt[] = { "T-2", "T-3", NULL };
    const char *ss[] = { "S-4", "S-5", NULL };
    vk_lots_add (lots, tt, "T-3");
    vk_lots_add (lots, ss, "S-5");
    a = vk_seats_allocate (e, 3, r, lots, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (a->open_ties->len, ==, 0);
    g_assert_cmpstr (((VkCandidateOutcome *)g_ptr_array_index (vk_seat_allocation_lookup_list (a, "T")->substitutes, 0))
                         ->candidate->id,
                     ==, "T-3");
    g_clear_pointer (&a, vk_seat_allocation_free);
  }

  /* Equal votes between two candidates who are both elected still need a
   * draw: it decides their seat numbers (§ 85). */
  {
    g_autoptr (VkElection) e2 = vk_election_new ();
    g_autoptr (VkAreaResult) r2 = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "test");
    g_autoptr (VkTie) tie2 = NULL;
    VkList *u = add_list (e2, "U", "U", 3, VK_LIST_SIDEORDNET);
    const guint64 uv[] = { 10, 10, 5 };
    set_votes (r2, u, 25, uv);
    a = vk_seats_allocate (e2, 2, r2, NULL, &tie2, &error);
    g_assert_null (a);
    g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
    g_assert_cmpint (tie2->kind, ==, VK_TIE_CANDIDATES);
  }
}

static void
test_lots_file (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autoptr (GError) error = NULL;
  struct
  {
    const char *text;
    const char *fragment;
  } bad[] = {
    { "{\"draws\":[{\"tied\":[\"a\",\"b\"],\"winner\":\"c\"}]}", "draws[0].winner: \"c\" is not among the tied" },
    { "{\"draws\":[{\"tied\":[\"a\"],\"winner\":\"a\"}]}", "draws[0].tied: a draw needs at least two" },
    { "{\"draws\":[{\"tied\":[\"a\",3],\"winner\":\"a\"}]}", "draws[0].tied[1]: expected a string" },
    { "{\"draws\":[{\"tied\":[\"a\",\"a\"],\"winner\":\"a\"}]}", "listed twice" },
    { "{\"draws\":[{\"winner\":\"a\"}]}", "draws[0].tied: missing" },
    { "{\"draws\":{}}", "draws: expected an array" },
    { "{\"draws\":[{\"tied\":[\"a\",", "lots.json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_build_filename (dir, "lots.json", NULL);
      g_autoptr (VkLots) lots = NULL;
      g_assert_true (g_file_set_contents (path, bad[i].text, -1, NULL));
      lots = vk_lots_load (path, &error);
      g_assert_null (lots);
      g_assert_nonnull (error);
      if (strstr (error->message, bad[i].fragment) == NULL)
        g_error ("expected \"%s\" in \"%s\"", bad[i].fragment, error->message);
      g_clear_error (&error);
    }
  /* Round trip. */
  {
    g_autoptr (VkLots) lots = vk_lots_new ();
    g_autoptr (VkLots) back = NULL;
    g_autofree char *json = NULL;
    g_autofree char *path = g_build_filename (dir, "good.json", NULL);
    g_autofree char *json2 = NULL;
    const char *t1[] = { "x", "y", "z", NULL };
    vk_lots_add (lots, t1, "z");
    json = vk_lots_to_json (lots);
    g_assert_true (g_file_set_contents (path, json, -1, NULL));
    back = vk_lots_load (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (vk_lots_get_n_draws (back), ==, 1);
    json2 = vk_lots_to_json (back);
    g_assert_cmpstr (json, ==, json2);
  }
}

/* ---- properties ---------------------------------------------------------- */

typedef struct
{
  VkElection *e;
  VkAreaResult *r;
  guint n_seats;
} Random;

static void
random_clear (Random *x)
{
  g_clear_pointer (&x->r, vk_area_result_free);
  g_clear_pointer (&x->e, vk_election_free);
}

static void
random_election (GRand *rng, Random *x)
{
  guint n_lists = (guint)g_rand_int_range (rng, 2, 21);
  guint n_vf = (guint)g_rand_int_range (rng, 0, 4);
  guint total_cands = 0;
  const char *letters = "ABCDEFGHIJ";

  x->e = vk_election_new ();
  x->r = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "random");
  for (guint v = 0; v < n_vf; v++)
    {
      g_autofree char *id = g_strdup_printf ("VF%u", v);
      vk_election_add_valgforbund (x->e, id, id);
    }
  for (guint i = 0; i < n_lists; i++)
    {
      g_autofree char *id = g_strdup_printf ("L%u", i);
      /* Letters repeat now and then, making listeforbund. */
      char letter[2] = { letters[g_rand_int_range (rng, 0, 10)], 0 };
      guint n_c = (guint)g_rand_int_range (rng, 1, 12);
      VkList *l = add_list (x->e, id, letter, n_c, g_rand_boolean (rng) ? VK_LIST_PARTILISTE : VK_LIST_SIDEORDNET);
      g_autofree guint64 *pv = g_new0 (guint64, n_c);
      guint64 total = 0;

      for (guint k = 0; k < n_c; k++)
        total += pv[k] = (guint64)g_rand_int_range (rng, 0, 5000);
      total += (guint64)g_rand_int_range (rng, 0, 3000);
      set_votes (x->r, l, total, pv);
      total_cands += n_c;
      if (n_vf > 0 && g_rand_int_range (rng, 0, 3) == 0)
        {
          VkValgforbund *vf = g_ptr_array_index (x->e->valgforbund, g_rand_int_range (rng, 0, (gint32)n_vf));
          g_assert_true (vk_election_valgforbund_add_list (x->e, vf, id, NULL));
        }
    }
  {
    /* MIN evaluates its arguments twice: draw the number first. */
    guint n = (guint)g_rand_int_range (rng, 4, 16) * 2 + 1;
    x->n_seats = MIN (n, total_cands);
  }
}

/* Seats per valgforbund (or per list outside one). */
static guint
unit_seats (const VkSeatAllocation *a, const VkList *l)
{
  guint n = 0;

  if (l->valgforbund_id == NULL)
    return seats_of (a, l->id);
  for (guint i = 0; i < a->lists->len; i++)
    {
      const VkListOutcome *o = g_ptr_array_index (a->lists, i);
      if (g_strcmp0 (o->list->valgforbund_id, l->valgforbund_id) == 0)
        n += o->seats;
    }
  return n;
}

static void
test_properties (void)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (20251118);
  guint runs = 0, ties = 0, checked_monotone = 0;

  for (guint iter = 0; iter < 400; iter++)
    {
      Random x = { 0 };
      g_autoptr (GError) error = NULL;
      g_autoptr (VkSeatAllocation) a = NULL;
      g_autoptr (VkSeatAllocation) b = NULL;
      VkList *l;
      guint n_before;

      random_election (rng, &x);
      a = vk_seats_allocate (x.e, x.n_seats, x.r, NULL, NULL, &error);
      if (a == NULL)
        {
          g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
          ties++;
          random_clear (&x);
          continue;
        }
      runs++;

      /* Seats sum to the council size, every seat has a candidate, and
       * no list or unit has more seats than candidates. */
      {
        guint sum = 0;
        g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
        for (guint i = 0; i < a->lists->len; i++)
          {
            const VkListOutcome *o = g_ptr_array_index (a->lists, i);
            guint unit_cands = 0;
            sum += o->seats;
            g_assert_cmpuint (o->seats, <=, o->list->candidates->len);
            g_assert_cmpuint (o->elected->len, ==, o->seats);
            if (o->seats > 0)
              g_assert_cmpuint (o->elected->len + o->substitutes->len, ==, o->list->candidates->len);
            for (guint k = 0; k < x.e->lists->len; k++)
              {
                const VkList *m = g_ptr_array_index (x.e->lists, k);
                if (m == o->list
                    || (o->list->valgforbund_id != NULL && g_strcmp0 (m->valgforbund_id, o->list->valgforbund_id) == 0))
                  unit_cands += m->candidates->len;
              }
            g_assert_cmpuint (unit_seats (a, o->list), <=, unit_cands);
          }
        g_assert_cmpuint (sum, ==, x.n_seats);
        g_assert_cmpuint (a->seats->len, ==, x.n_seats);
        for (guint k = 0; k < a->seats->len; k++)
          {
            const VkSeat *s = g_ptr_array_index (a->seats, k);
            g_assert_cmpuint (s->number, ==, k + 1);
            g_assert_nonnull (s->candidate);
            g_assert_true (s->candidate->list == s->list);
            g_assert_false (g_hash_table_contains (seen, s->candidate));
            g_hash_table_add (seen, s->candidate);
          }
      }

      /* Monotonicity: more votes for one list never lose it a seat (and
       * never lose its valgforbund a seat). */
      l = g_ptr_array_index (x.e->lists, g_rand_int_range (rng, 0, (gint32)x.e->lists->len));
      n_before = seats_of (a, l->id);
      {
        guint unit_before = unit_seats (a, l);
        guint64 extra = (guint64)g_rand_int_range (rng, 1, 20000);
        vk_area_result_add_list (x.r, l->id, extra, extra);
        b = vk_seats_allocate (x.e, x.n_seats, x.r, NULL, NULL, &error);
        if (b != NULL)
          {
            g_assert_cmpuint (seats_of (b, l->id), >=, n_before);
            g_assert_cmpuint (unit_seats (b, l), >=, unit_before);
            checked_monotone++;
          }
        else
          g_clear_error (&error);
      }
      random_clear (&x);
    }
  g_test_message ("%u allocations, %u stopped at a tie, %u monotonicity checks", runs, ties, checked_monotone);
  g_assert_cmpuint (runs, >, 300);
  g_assert_cmpuint (checked_monotone, >, 300);
}

/* Exact ties in random elections: equal votes everywhere always ask for a
 * draw, and a draw for every tie reported always ends in an allocation. */
static void
test_property_ties (void)
{
  g_autoptr (GRand) rng = g_rand_new_with_seed (4711);

  for (guint iter = 0; iter < 100; iter++)
    {
      g_autoptr (VkElection) e = vk_election_new ();
      g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, 0, "ties");
      g_autoptr (VkLots) lots = vk_lots_new ();
      g_autoptr (VkSeatAllocation) a = NULL;
      guint n_lists = (guint)g_rand_int_range (rng, 2, 6);
      guint64 v = (guint64)g_rand_int_range (rng, 1, 1000) * 12;
      guint rounds = 0;

      for (guint i = 0; i < n_lists; i++)
        {
          g_autofree char *id = g_strdup_printf ("L%u", i);
          char letter[2] = { (char)('A' + i), 0 };
          VkList *l = add_list (e, id, letter, 4, VK_LIST_SIDEORDNET);
          const guint64 pv[] = { v / 4, v / 4, v / 4, v / 4 };
          set_votes (r, l, v, pv);
        }
      for (;;)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (VkTie) tie = NULL;
          g_autoptr (GPtrArray) ids = g_ptr_array_new ();

          a = vk_seats_allocate (e, n_lists + 1, r, lots, &tie, &error);
          if (a != NULL)
            break;
          g_assert_error (error, VK_ERROR, VK_ERROR_TIE);
          g_assert_cmpuint (tie->tied->len, >=, 2);
          for (guint i = 0; i < tie->tied->len; i++)
            g_ptr_array_add (ids, g_ptr_array_index (tie->tied, i));
          g_ptr_array_add (ids, NULL);
          vk_lots_add (lots, (const char *const *)ids->pdata,
                       g_ptr_array_index (tie->tied, g_rand_int_range (rng, 0, (gint32)tie->tied->len)));
          g_assert_cmpuint (++rounds, <, 200);
        }
      /* Equal lists: the first round of quotients is all ties. */
      g_assert_cmpuint (rounds, >=, n_lists - 1);
      g_assert_cmpuint (a->seats->len, ==, n_lists + 1);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/seats/compare", test_compare);
  g_test_add_func ("/seats/dhondt-basic", test_dhondt_basic);
  g_test_add_func ("/seats/tie-units", test_tie_units);
  g_test_add_func ("/seats/listeforbund", test_listeforbund);
  g_test_add_func ("/seats/listeforbund-in-valgforbund", test_listeforbund_in_valgforbund);
  g_test_add_func ("/seats/cap", test_cap_synthetic);
  g_test_add_func ("/seats/cap-lolland", test_cap_lolland);
  g_test_add_func ("/seats/partiliste-albertslund", test_partiliste_albertslund);
  g_test_add_func ("/seats/partiliste-rules", test_partiliste_rules);
  g_test_add_func ("/seats/partiliste-seat-order", test_partiliste_seat_order);
  g_test_add_func ("/seats/sideordnet-ties", test_sideordnet_ties);
  g_test_add_func ("/seats/lots-file", test_lots_file);
  g_test_add_func ("/seats/properties", test_properties);
  g_test_add_func ("/seats/property-ties", test_property_ties);
  return g_test_run ();
}

/* test-tally.c: counts, checks, double entry and sign-off.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-cose.h"
#include "vk-error.h"
#include "vk-fake.h"
#include "vk-rules.h"
#include "vk-tally-form.h"
#include "vk-tally.h"
#include "vk-test-util.h"

static gboolean
has_code (GPtrArray *messages, const char *code)
{
  for (guint i = 0; i < messages->len; i++)
    if (strcmp (((VkTallyMessage *)g_ptr_array_index (messages, i))->code, code) == 0)
      return TRUE;
  return FALSE;
}

/* Every official Aarhus count converts to the journal's counts map and
 * back without loss, and passes every blocking check. */
static void
test_tally_counts_official (void)
{
  g_autofree char *kd = vk_test_data_path ("Aarhus", "kandidat-data.json", NULL);
  g_autofree char *dir = vk_test_data_path ("Aarhus", "fintaelling", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkResults) results = NULL;

  if (kd == NULL || dir == NULL)
    return;
  election = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  results = vk_results_import_dir (election, dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->areas->len, ==, 49);

  for (guint i = 0; i < results->areas->len; i++)
    {
      const VkAreaResult *area = g_ptr_array_index (results->areas, i);
      g_autoptr (VkCbor) counts = vk_counts_to_cbor (area, NULL);
      g_autoptr (VkAreaResult) back = vk_counts_from_cbor (counts, election, VK_RESULT_FINTAELLING, area->area_number,
                                                           area->area_name, NULL, &error);
      g_autoptr (VkCbor) again = NULL;
      g_autoptr (GPtrArray) messages = NULL;

      g_assert_no_error (error);
      again = vk_counts_to_cbor (back, NULL);
      g_assert_true (vk_cbor_equal (counts, again));
      g_assert_cmpuint (back->cast, ==, area->cast);
      g_assert_cmpuint (back->valid, ==, area->valid);
      g_assert_cmpuint (back->other_invalid, ==, area->other_invalid);
      for (guint l = 0; l < area->lists->len; l++)
        {
          const VkListResult *lr = g_ptr_array_index (area->lists, l);
          g_assert_cmpuint (vk_area_result_get_list_votes (back, lr->list_id), ==, lr->votes);
        }
      messages = vk_tally_validate (back, NULL, -1, area->eligible);
      g_assert_false (vk_tally_messages_have_errors (messages));
    }
}

static VkAreaResult *
load_area (const char *kind_dir, const char *file, VkElection **ret_election)
{
  g_autofree char *kd = vk_test_data_path ("Aarhus", "kandidat-data.json", NULL);
  g_autofree char *path = vk_test_data_path ("Aarhus", kind_dir, file, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = NULL;
  VkAreaResult *area;

  if (kd == NULL || path == NULL)
    return NULL;
  election = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  area = vk_area_result_import (election, path, &error);
  g_assert_no_error (error);
  if (ret_election != NULL)
    *ret_election = g_steal_pointer (&election);
  return area;
}

/* Each check fires on the count that breaks it, and only then. */
static void
test_tally_checks (void)
{
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkAreaResult) area = load_area ("fintaelling", "Beder_Skole.json", &election);
  g_autoptr (GPtrArray) m = NULL;
  VkListResult *first;
  VkBallotAccount ballots;

  if (area == NULL)
    return;
  m = vk_tally_validate (area, NULL, -1, area->eligible);
  g_assert_cmpuint (m->len, ==, 0);
  g_clear_pointer (&m, g_ptr_array_unref);

  /* T11 when marked voters differ, nothing when they agree. */
  m = vk_tally_validate (area, NULL, (gint64)area->cast - 3, area->eligible);
  g_assert_true (has_code (m, "T11"));
  g_assert_false (vk_tally_messages_have_errors (m));
  g_clear_pointer (&m, g_ptr_array_unref);
  m = vk_tally_validate (area, NULL, (gint64)area->cast, area->eligible);
  g_assert_false (has_code (m, "T11"));
  g_clear_pointer (&m, g_ptr_array_unref);

  /* T13: more cast than eligible. */
  m = vk_tally_validate (area, NULL, -1, area->cast - 1);
  g_assert_true (has_code (m, "T13"));
  g_clear_pointer (&m, g_ptr_array_unref);

  /* T04: the ballot accounting, right and wrong. */
  ballots = (VkBallotAccount){ TRUE, area->cast + 500, 480, 20 };
  m = vk_tally_validate (area, &ballots, -1, 0);
  g_assert_false (has_code (m, "T04"));
  g_clear_pointer (&m, g_ptr_array_unref);
  ballots.unused = 479;
  m = vk_tally_validate (area, &ballots, -1, 0);
  g_assert_true (has_code (m, "T04"));
  g_clear_pointer (&m, g_ptr_array_unref);

  /* One vote more on the first list: T02 (lists ≠ valid) and T03 (list ≠
   * listestemmer + personal votes), both blocking, errors first. */
  first = g_ptr_array_index (area->lists, 0);
  first->votes++;
  m = vk_tally_validate (area, NULL, -1, 0);
  g_assert_true (has_code (m, "T02"));
  g_assert_true (has_code (m, "T03"));
  g_assert_true (vk_tally_messages_have_errors (m));
  g_assert_cmpint (((VkTallyMessage *)g_ptr_array_index (m, 0))->severity, ==, VK_MESSAGE_ERROR);
  g_assert_nonnull (((VkTallyMessage *)g_ptr_array_index (m, 0))->action_da);
  first->votes--;
  g_clear_pointer (&m, g_ptr_array_unref);

  /* T01: cast off by one. */
  area->cast++;
  m = vk_tally_validate (area, NULL, -1, 0);
  g_assert_true (has_code (m, "T01"));
  area->cast--;
  g_clear_pointer (&m, g_ptr_array_unref);

  /* T05: reasons that do not add up. */
  area->other_invalid++;
  area->cast++;
  m = vk_tally_validate (area, NULL, -1, 0);
  g_assert_true (has_code (m, "T05"));
  g_assert_false (has_code (m, "T01"));
  g_clear_pointer (&m, g_ptr_array_unref);
}

typedef struct
{
  char *dir;
  VkPackage *package;
  VkKeypair *election_key;
  VkElection *election;
} Setup;

static void
setup_clear (Setup *s)
{
  g_clear_pointer (&s->package, vk_package_free);
  g_clear_pointer (&s->election_key, vk_keypair_free);
  g_clear_pointer (&s->election, vk_election_free);
  g_free (s->dir);
}

/* The Aarhus election, 40 synthetic voters per area, in a fresh package. */
static gboolean
setup_aarhus (Setup *s)
{
  g_autofree char *kd = vk_test_data_path ("Aarhus", "kandidat-data.json", NULL);
  g_autofree char *areas = vk_test_data_path ("Aarhus", "fintaelling", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkVoterList) voters = NULL;
  g_autofree char *path = NULL;

  if (kd == NULL || areas == NULL)
    return FALSE;
  s->dir = vk_test_tmpdir ();
  s->election = vk_election_import_kandidatdata (kd, &error);
  g_assert_no_error (error);
  g_assert_true (vk_election_import_areas_dir (s->election, areas, &error));
  s->election->seats = 31;
  voters = vk_voters_generate_for_election (s->election, 40, 11);
  s->election_key = vk_keypair_generate ();
  path = g_build_filename (s->dir, "e.vkp", NULL);
  s->package = vk_package_create (path, s->election, voters, s->election_key, &error);
  g_assert_no_error (error);
  return TRUE;
}

static VkKeypair *
enroll (Setup *s, const char *device, const char *role, guint area)
{
  g_autoptr (GError) error = NULL;
  VkKeypair *key = vk_keypair_generate ();

  g_assert_true (vk_package_enroll (s->package, s->election_key, device, role, area, vk_keypair_get_public_key (key), 0,
                                    G_MAXINT64, &error));
  g_assert_no_error (error);
  return key;
}

/* Election night at area 9: check-ins, close, double entry with a
 * mismatch, sign-off by two valgstyrere with their own keys. */
static void
test_tally_foreloebig_flow (void)
{
  Setup s = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkKeypair) vs1 = NULL;
  g_autoptr (VkKeypair) vs2 = NULL;
  g_autoptr (VkStation) station = NULL;
  g_autoptr (VkAreaResult) counts = NULL;
  g_autoptr (VkAreaResult) wrong = NULL;
  g_autofree char *db = NULL;
  g_autoptr (VkTally) tally = NULL;
  g_autoptr (GPtrArray) diff = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  VkBallotAccount ballots = { FALSE, 0, 0, 0 };
  const VkList *l0;
  guint64 seq;

  if (!setup_aarhus (&s))
    return;
  key = enroll (&s, "omr09-bord1", "valgbord", 9);
  vs1 = enroll (&s, "valgstyrer-anne", "valgstyrer", 9);
  vs2 = enroll (&s, "valgstyrer-bo", "valgstyrer", 9);
  db = g_build_filename (s.dir, "bord.db", NULL);
  station = vk_station_open (s.package, db, "omr09-bord1", key, &error);
  g_assert_no_error (error);

  /* 30 voters, then the poll closes and no one else gets a ballot. */
  for (guint lnr = 1; lnr <= 30; lnr++)
    g_assert_cmpuint (vk_station_check_in (station, lnr, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_close_poll (station, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_station_check_in (station, 31, VK_CHECKIN_SCAN, FALSE, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_POLL_CLOSED);
  g_clear_error (&error);
  /* The poll closes once. */
  g_assert_cmpuint (vk_tally_close_poll (station, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_ALREADY_CLOSED);
  g_clear_error (&error);

  /* The count: 30 ballots, all valid, split over two lists. */
  counts = vk_area_result_new (VK_RESULT_FORELOEBIG, 9, "Beder Skole");
  l0 = g_ptr_array_index (s.election->lists, 0);
  vk_area_result_add_list (counts, l0->id, 18, 0);
  vk_area_result_add_list (counts, ((VkList *)g_ptr_array_index (s.election->lists, 1))->id, 11, 0);
  vk_area_result_add_invalid (counts, VK_INVALID_BLANK_IN_PERSON, 1);
  counts->cast = 30;
  counts->valid = 29;
  counts->blank_in_person = 1;
  counts->has_invalid_detail = TRUE;

  /* Round 2 before round 1 is refused; so is the same person twice. */
  g_assert_cmpuint (vk_tally_enter (station, NULL, VK_RESULT_FORELOEBIG, 9, 2, "Bo", counts, &ballots, &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_ROUND1_FIRST);
  g_clear_error (&error);
  g_assert_cmpuint (vk_tally_enter (station, NULL, VK_RESULT_FORELOEBIG, 9, 1, "Anne", counts, &ballots, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_enter (station, NULL, VK_RESULT_FORELOEBIG, 9, 2, "Anne", counts, &ballots, &error), ==,
                    0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_SAME_PERSON);
  g_clear_error (&error);
  g_assert_cmpuint (vk_tally_enter (station, NULL, VK_RESULT_FORELOEBIG, 9, 3, "Bo", counts, &ballots, &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_WRONG_ROUND);
  g_clear_error (&error);
  /* A count for another area is not this table's. */
  g_assert_cmpuint (vk_tally_enter (station, NULL, VK_RESULT_FORELOEBIG, 8, 1, "Anne", counts, &ballots, &error), ==,
                    0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_WRONG_TABLE);
  g_clear_error (&error);

  /* Bo's entry differs on the first list: the state says so and names it. */
  wrong = vk_area_result_new (VK_RESULT_FORELOEBIG, 9, "Beder Skole");
  vk_area_result_add_list (wrong, l0->id, 81, 0);
  vk_area_result_add_list (wrong, ((VkList *)g_ptr_array_index (s.election->lists, 1))->id, 11, 0);
  vk_area_result_add_invalid (wrong, VK_INVALID_BLANK_IN_PERSON, 1);
  wrong->cast = 30;
  wrong->valid = 29;
  wrong->blank_in_person = 1;
  wrong->has_invalid_detail = TRUE;
  g_assert_cmpuint (vk_tally_enter (station, NULL, VK_RESULT_FORELOEBIG, 9, 2, "Bo", wrong, &ballots, &error), >, 0);
  entries = vk_journal_dup_entries (vk_station_get_journal (station), 0, &error);
  tally = vk_tally_fold (entries, NULL, VK_RESULT_FORELOEBIG, 9);
  g_assert_cmpint (vk_tally_get_state (tally), ==, VK_TALLY_DIFFERENT);
  diff = vk_tally_dup_differences (tally);
  g_assert_cmpuint (diff->len, ==, 1);
  {
    g_autofree char *want = g_strdup_printf ("lists.%s", l0->id);
    const VkCountDifference *d = g_ptr_array_index (diff, 0);
    g_assert_cmpstr (d->field, ==, want);
    g_assert_cmpstr (d->list_id, ==, l0->id);
    g_assert_cmpuint (d->first, ==, 18);
    g_assert_cmpuint (d->second, ==, 81);
  }
  {
    VkSigner signers[] = { { "Anne", vs1 }, { "Bo", vs2 } };
    g_assert_cmpuint (vk_tally_sign_off (station, NULL, VK_RESULT_FORELOEBIG, 9, signers, 2, NULL, 30, 40, &error), ==,
                      0);
    g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DIFFERENT);
    g_clear_error (&error);
  }

  /* Bo corrects his entry: agreed. */
  g_assert_cmpuint (vk_tally_enter (station, NULL, VK_RESULT_FORELOEBIG, 9, 2, "Bo", counts, &ballots, &error), >, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_clear_pointer (&tally, vk_tally_free);
  entries = vk_journal_dup_entries (vk_station_get_journal (station), 0, &error);
  tally = vk_tally_fold (entries, NULL, VK_RESULT_FORELOEBIG, 9);
  g_assert_cmpint (vk_tally_get_state (tally), ==, VK_TALLY_AGREED);

  /* One signer is not enough; a difference to the marked voters needs an explanation. */
  {
    VkSigner one[] = { { "Anne", vs1 }, { "Anne", NULL } };
    VkSigner two[] = { { "Anne", vs1 }, { "Bo", vs2 } };
    VkSigner unenrolled[] = { { "Anne", vs1 }, { "Carl", key } };

    g_assert_cmpuint (vk_tally_sign_off (station, NULL, VK_RESULT_FORELOEBIG, 9, one, 2, NULL, 30, 40, &error), ==, 0);
    g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_TOO_FEW_SIGNERS);
    g_clear_error (&error);
    g_assert_cmpuint (vk_tally_sign_off (station, NULL, VK_RESULT_FORELOEBIG, 9, two, 2, "  ", 31, 40, &error), ==, 0);
    g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NO_EXPLANATION);
    g_clear_error (&error);
    g_assert_cmpuint (vk_tally_sign_off (station, NULL, VK_RESULT_FORELOEBIG, 9, unenrolled, 2, NULL, 30, 40, &error),
                      ==, 0);
    g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NOT_VALGSTYRER);
    g_clear_error (&error);
    seq = vk_tally_sign_off (station, NULL, VK_RESULT_FORELOEBIG, 9, two, 2, NULL, 30, 40, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (seq, >, 0);
  }

  /* Final: nothing more can be entered; the journal holds the signed
   * counts and each valgstyrer's signature verifies with their key. */
  g_assert_cmpuint (vk_tally_enter (station, NULL, VK_RESULT_FORELOEBIG, 9, 1, "Anne", counts, &ballots, &error), ==,
                    0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_SIGNED);
  g_clear_error (&error);
  {
    VkSigner again[] = { { "Anne", vs1 }, { "Bo", vs2 } };
    g_assert_cmpuint (vk_tally_sign_off (station, NULL, VK_RESULT_FORELOEBIG, 9, again, 2, NULL, 30, 40, &error), ==,
                      0);
    g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_SIGNED);
    g_clear_error (&error);
  }
  {
    g_autoptr (GPtrArray) all = vk_journal_dup_entries (vk_station_get_journal (station), 0, &error);
    g_autoptr (VkTally) final = vk_tally_fold (all, NULL, VK_RESULT_FORELOEBIG, 9);
    const VkEntry *signoff = g_ptr_array_index (all, all->len - 1);
    VkCbor *sigs = vk_cbor_map_lookup_text (signoff->body, "signatures");
    g_autoptr (VkCbor) expected = vk_counts_to_cbor (counts, &ballots);
    guint8 digest[32];
    g_autoptr (GBytes) payload = NULL;

    g_assert_cmpint (vk_tally_get_state (final), ==, VK_TALLY_SIGNED);
    g_assert_true (vk_cbor_equal (vk_tally_get_signed (final), expected));
    g_assert_cmpstr (signoff->type, ==, "tally.signoff");
    g_assert_nonnull (sigs);
    g_assert_cmpuint (vk_cbor_array_get_length (sigs), ==, 2);
    vk_counts_digest (expected, digest);
    payload = vk_tally_signoff_payload (vk_package_get_election_id (s.package), NULL, VK_RESULT_FORELOEBIG, 9, digest);
    for (guint i = 0; i < 2; i++)
      {
        gsize len;
        const guint8 *data = vk_cbor_get_bytes (vk_cbor_array_get (sigs, i), &len);
        g_autoptr (VkCoseSign1) cose = vk_cose_sign1_decode (data, len, &error);
        g_assert_no_error (error);
        g_assert_true (g_bytes_equal (cose->payload, payload));
        g_assert_true (vk_cose_sign1_verify (cose, vk_keypair_get_public_key (i == 0 ? vs1 : vs2), &error));
        g_assert_no_error (error);
      }
  }
  setup_clear (&s);
}

/* The fintælling of a real area, entered at a fintælling table: the
 * signed counts equal the official file. */
static void
test_tally_fintaelling_real (void)
{
  Setup s = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkStation) station = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkAreaResult) area = load_area ("fintaelling", "Beder_Skole.json", &election);
  g_autofree char *db = NULL;
  VkSigner signers[] = { { "Valgsekretær Ida", NULL }, { "Valgsekretær Ole", NULL } };

  if (area == NULL || !setup_aarhus (&s))
    return;
  key = enroll (&s, "fintaelling-1", "fintaelling", VK_PACKAGE_NO_AREA);
  db = g_build_filename (s.dir, "fin.db", NULL);
  station = vk_station_open (s.package, db, "fintaelling-1", key, &error);
  g_assert_no_error (error);

  /* A fintælling table cannot enter an election-night count. */
  g_assert_cmpuint (
      vk_tally_enter (station, NULL, VK_RESULT_FORELOEBIG, area->area_number, 1, "Ida", area, NULL, &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_WRONG_TABLE);
  g_clear_error (&error);

  g_assert_cmpuint (
      vk_tally_enter (station, NULL, VK_RESULT_FINTAELLING, area->area_number, 1, "Ida", area, NULL, &error), >, 0);
  g_assert_cmpuint (
      vk_tally_enter (station, NULL, VK_RESULT_FINTAELLING, area->area_number, 2, "Ole", area, NULL, &error), >, 0);
  g_assert_cmpuint (vk_tally_sign_off (station, NULL, VK_RESULT_FINTAELLING, area->area_number, signers, 2, NULL, -1,
                                       area->eligible, &error),
                    >, 0);
  g_assert_no_error (error);
  {
    g_autoptr (GPtrArray) all = vk_journal_dup_entries (vk_station_get_journal (station), 0, &error);
    g_autoptr (VkTally) final = vk_tally_fold (all, NULL, VK_RESULT_FINTAELLING, area->area_number);
    g_autoptr (VkAreaResult) back = vk_counts_from_cbor (vk_tally_get_signed (final), s.election, VK_RESULT_FINTAELLING,
                                                         area->area_number, area->area_name, NULL, &error);
    GHashTableIter iter;
    gpointer cand, votes;

    g_assert_no_error (error);
    g_assert_cmpuint (back->cast, ==, area->cast);
    g_hash_table_iter_init (&iter, area->candidate_votes);
    while (g_hash_table_iter_next (&iter, &cand, &votes))
      g_assert_cmpuint (vk_area_result_get_candidate_votes (back, cand), ==, *(guint64 *)votes);
  }
  setup_clear (&s);
}

static void
test_tally_counts_bad_input (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) counts = vk_cbor_new_map ();
  g_autoptr (VkAreaResult) r = NULL;
  VkCbor *invalid;

  r = vk_counts_from_cbor (counts, NULL, VK_RESULT_FORELOEBIG, 1, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "cast"));
  g_clear_error (&error);

  vk_cbor_map_set_uint (counts, "cast", 3);
  vk_cbor_map_set_uint (counts, "valid", 3);
  vk_cbor_map_set_uint (counts, "blank_fremmoedte", 0);
  vk_cbor_map_set_uint (counts, "blank_brev", 0);
  vk_cbor_map_insert_text (counts, "lists", vk_cbor_new_map ());
  invalid = vk_cbor_new_map ();
  vk_cbor_map_set_uint (invalid, "17", 1);
  vk_cbor_map_insert_text (counts, "invalid", invalid);
  r = vk_counts_from_cbor (counts, NULL, VK_RESULT_FORELOEBIG, 1, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_nonnull (strstr (error->message, "\"17\""));
  g_clear_error (&error);

  vk_cbor_map_insert_text (counts, "invalid", vk_cbor_new_map ());
  vk_cbor_map_set_text (counts, "lists", "nope");
  r = vk_counts_from_cbor (counts, NULL, VK_RESULT_FORELOEBIG, 1, NULL, NULL, &error);
  g_assert_null (r);
  g_assert_nonnull (strstr (error->message, "lists"));
}

/* Types a whole official count into a form, field by field. */
static void
type_into_form (VkTallyForm *form, const VkAreaResult *area)
{
  g_autoptr (GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_assert_true (vk_tally_form_set (form, "cast", area->cast, NULL, &error));
  g_assert_true (vk_tally_form_set (form, "valid", area->valid, NULL, &error));
  g_assert_true (vk_tally_form_set (form, "blank_fremmoedte", area->blank_in_person, NULL, &error));
  g_assert_true (vk_tally_form_set (form, "blank_brev", area->blank_postal, NULL, &error));
  g_assert_true (vk_tally_form_set (form, "invalid", area->other_invalid, NULL, &error));
  for (guint i = 0; i < area->invalid_reasons->len; i++)
    {
      const VkInvalidReason *r = &g_array_index (area->invalid_reasons, VkInvalidReason, i);
      g_autofree char *f = g_strdup_printf ("invalid.%u", r->code);
      if (r->code != VK_INVALID_BLANK_IN_PERSON && r->code != VK_INVALID_BLANK_POSTAL)
        g_assert_true (vk_tally_form_set (form, f, r->count, NULL, &error));
    }
  for (guint i = 0; i < area->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (area->lists, i);
      g_autofree char *f = g_strdup_printf ("lists.%s", l->list_id);
      const char *touched = NULL;

      g_assert_true (vk_tally_form_set (form, f, l->votes, &touched, &error));
      g_assert_cmpstr (touched, ==, l->list_id);
      if (vk_tally_form_get_kind (form) == VK_RESULT_FINTAELLING)
        {
          g_autofree char *fl = g_strdup_printf ("listestemmer.%s", l->list_id);
          g_assert_true (vk_tally_form_set (form, fl, l->list_votes, NULL, &error));
        }
    }
  if (vk_tally_form_get_kind (form) == VK_RESULT_FINTAELLING)
    {
      g_hash_table_iter_init (&iter, area->candidate_votes);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          g_autofree char *f = g_strdup_printf ("candidates.%s", (char *)key);
          const char *touched = NULL;
          g_assert_true (vk_tally_form_set (form, f, *(guint64 *)value, &touched, &error));
          g_assert_cmpstr (touched, ==, g_hash_table_lookup (area->candidate_list, key));
        }
    }
  g_assert_no_error (error);
}

static gboolean
same_codes (GPtrArray *a, GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      const VkTallyMessage *ma = g_ptr_array_index (a, i), *mb = g_ptr_array_index (b, i);
      if (strcmp (ma->code, mb->code) != 0 || strcmp (ma->text_da, mb->text_da) != 0)
        return FALSE;
    }
  return TRUE;
}

/* The entry form keeps its sums one field at a time: its checks equal
 * the checks from scratch, its computed list totals the official ones,
 * and a typo is caught on the list where it was made. */
static void
test_tally_form (void)
{
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkAreaResult) area = load_area ("fintaelling", "Beder_Skole.json", &election);
  g_autoptr (VkTallyForm) form = NULL;
  g_autoptr (GPtrArray) m = NULL;
  g_autoptr (GPtrArray) full = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) counts = NULL;
  g_autoptr (VkCbor) back = NULL;
  const VkListResult *first;
  g_autofree char *cand = NULL;
  g_autofree char *field = NULL;
  g_autofree char *field_ls = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (area == NULL)
    return;
  form = vk_tally_form_new (election, VK_RESULT_FINTAELLING, area->area_number);
  /* An empty form: cast is zero (T12), nothing blocks. */
  m = vk_tally_form_validate (form, -1, 0);
  g_assert_true (has_code (m, "T12"));
  g_assert_false (vk_tally_messages_have_errors (m));
  g_clear_pointer (&m, g_ptr_array_unref);

  type_into_form (form, area);
  m = vk_tally_form_validate (form, -1, area->eligible);
  g_assert_cmpuint (m->len, ==, 0);
  g_clear_pointer (&m, g_ptr_array_unref);
  for (guint i = 0; i < area->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (area->lists, i);
      g_assert_cmpuint (vk_tally_form_get_computed_total (form, l->list_id), ==, l->votes);
    }
  g_assert_cmpuint (vk_tally_form_get_lists_sum (form), ==, area->valid);
  g_assert_cmpuint (vk_tally_form_get_invalid_sum (form), ==, area->other_invalid);
  /* What the form journals equals the official count. */
  counts = vk_counts_to_cbor (vk_tally_form_get_result (form), NULL);
  {
    g_autoptr (VkCbor) official = vk_counts_to_cbor (area, NULL);
    g_autoptr (GPtrArray) diff = vk_counts_diff (counts, official);
    /* The form carries every reason and list, with zeros the file may lack. */
    for (guint i = 0; i < diff->len; i++)
      g_assert_cmpuint (vk_tally_form_get (form, g_ptr_array_index (diff, i)), ==, 0);
  }

  /* A personal vote mistyped: T03 on that list (and T02 not, the total
   * was typed right), the same messages as from scratch. */
  first = g_ptr_array_index (area->lists, 0);
  g_hash_table_iter_init (&iter, area->candidate_list);
  while (cand == NULL && g_hash_table_iter_next (&iter, &key, &value))
    if (strcmp (value, first->list_id) == 0)
      cand = g_strdup_printf ("candidates.%s", (char *)key);
  g_assert_nonnull (cand);
  g_assert_true (vk_tally_form_set (form, cand, vk_tally_form_get (form, cand) + 10, NULL, &error));
  g_assert_cmpuint (vk_tally_form_get_computed_total (form, first->list_id), ==, first->votes + 10);
  m = vk_tally_form_validate (form, -1, area->eligible);
  full = vk_tally_validate (vk_tally_form_get_result (form), NULL, -1, area->eligible);
  g_assert_true (same_codes (m, full));
  g_assert_true (has_code (m, "T03"));
  g_assert_false (has_code (m, "T02"));
  field = g_strdup_printf ("lists.%s", first->list_id);
  field_ls = g_strdup_printf ("listestemmer.%s", first->list_id);
  g_assert_true (g_strv_contains ((const char *const *)((VkTallyMessage *)g_ptr_array_index (m, 0))->fields, field));
  g_assert_true (g_strv_contains ((const char *const *)((VkTallyMessage *)g_ptr_array_index (m, 0))->fields, field_ls));
  g_clear_pointer (&m, g_ptr_array_unref);
  g_clear_pointer (&full, g_ptr_array_unref);

  /* Reasons that do not add up to the typed total: T05 over "invalid" and its reasons. */
  g_assert_true (vk_tally_form_set (form, cand, vk_tally_form_get (form, cand) - 10, NULL, &error));
  g_assert_true (vk_tally_form_set (form, "invalid.7", vk_tally_form_get (form, "invalid.7") + 1, NULL, &error));
  m = vk_tally_form_validate (form, -1, area->eligible);
  g_assert_true (has_code (m, "T05"));
  g_assert_true (
      g_strv_contains ((const char *const *)((VkTallyMessage *)g_ptr_array_index (m, 0))->fields, "invalid.*"));
  g_clear_pointer (&m, g_ptr_array_unref);
  g_assert_true (vk_tally_form_set (form, "invalid.7", vk_tally_form_get (form, "invalid.7") - 1, NULL, &error));

  /* Unknown fields: a clear error; a foreløbig form has no personal votes. */
  g_assert_false (vk_tally_form_set (form, "lists.nope", 1, NULL, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "lists.nope"));
  g_clear_error (&error);
  g_assert_false (vk_tally_form_set (form, "invalid.1", 1, NULL, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  {
    g_autoptr (VkTallyForm) fore = vk_tally_form_new (election, VK_RESULT_FORELOEBIG, area->area_number);
    g_assert_false (vk_tally_form_has_field (fore, cand));
    g_assert_true (vk_tally_form_has_field (fore, field));
    g_assert_true (vk_tally_form_has_field (fore, "received"));
    g_assert_false (vk_tally_form_get_ballots (fore)->present);
    g_assert_true (vk_tally_form_set (fore, "unused", 3, NULL, &error));
    g_assert_true (vk_tally_form_get_ballots (fore)->present);
  }
  /* A foreløbig count may give the other invalid ballots as a total only
   * (code 0); once a reason is typed, the reasons must add up (T05). */
  {
    g_autoptr (VkTallyForm) fore = vk_tally_form_new (election, VK_RESULT_FORELOEBIG, area->area_number);
    g_autoptr (VkCbor) c = NULL;
    g_autoptr (VkAreaResult) r = NULL;
    g_autoptr (GPtrArray) fm = NULL;

    g_assert_true (vk_tally_form_set (fore, "cast", 3, NULL, &error));
    g_assert_true (vk_tally_form_set (fore, "invalid", 3, NULL, &error));
    fm = vk_tally_form_validate (fore, -1, 0);
    g_assert_false (has_code (fm, "T05"));
    g_assert_false (vk_tally_messages_have_errors (fm));
    c = vk_counts_to_cbor (vk_tally_form_get_result (fore), NULL);
    g_assert_cmpuint (vk_cbor_map_get_length (vk_cbor_map_lookup_text (c, "invalid")), ==, 1);
    r = vk_counts_from_cbor (c, election, VK_RESULT_FORELOEBIG, area->area_number, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (r->other_invalid, ==, 3);
    g_assert_false (r->has_invalid_detail);
    vk_tally_form_clear (fore);
    g_assert_true (vk_tally_form_load (fore, c, &error));
    g_assert_cmpuint (vk_tally_form_get (fore, "invalid"), ==, 3);
    g_clear_pointer (&fm, g_ptr_array_unref);
    fm = vk_tally_form_validate (fore, -1, 0);
    g_assert_false (vk_tally_messages_have_errors (fm));
    g_clear_pointer (&fm, g_ptr_array_unref);
    g_assert_true (vk_tally_form_set (fore, "invalid.8", 1, NULL, &error));
    fm = vk_tally_form_validate (fore, -1, 0);
    g_assert_true (has_code (fm, "T05"));
  }

  /* Clear, then load the journaled counts back: the same numbers. */
  vk_tally_form_clear (form);
  g_assert_cmpuint (vk_tally_form_get (form, "cast"), ==, 0);
  g_assert_cmpuint (vk_tally_form_get_lists_sum (form), ==, 0);
  g_assert_cmpuint (vk_tally_form_get_computed_total (form, first->list_id), ==, 0);
  g_assert_true (vk_tally_form_load (form, counts, &error));
  g_assert_no_error (error);
  back = vk_counts_to_cbor (vk_tally_form_get_result (form), NULL);
  g_assert_true (vk_cbor_equal (back, counts));
  g_assert_cmpuint (vk_tally_form_get_computed_total (form, first->list_id), ==, first->votes);
  m = vk_tally_form_validate (form, -1, area->eligible);
  g_assert_cmpuint (m->len, ==, 0);
  /* A counts map of the wrong shape is refused and leaves the form empty. */
  {
    g_autoptr (VkCbor) bad = vk_cbor_new_map ();
    vk_cbor_map_set_text (bad, "lists", "nope");
    g_assert_false (vk_tally_form_load (form, bad, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_cmpuint (vk_tally_form_get (form, "cast"), ==, 0);
  }
}

static VkStation *
open_station (Setup *s, const char *device, const char *db_name, VkKeypair *key)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = g_build_filename (s->dir, db_name, NULL);
  VkStation *station = vk_station_open (s->package, db, device, key, &error);

  g_assert_no_error (error);
  return station;
}

/* Every entry the station wrote passes the shared rules (what the
 * count server and the audit check). */
static void
assert_entries_pass_rules (Setup *s, VkStation *station)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = vk_journal_dup_entries (vk_station_get_journal (station), 0, &error);
  const VkDevice *device = vk_station_get_device (station);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      g_assert_true (vk_entry_schema_check (device, s->election, g_ptr_array_index (all, i), &error));
      g_assert_no_error (error);
    }
}

/* Doubtful ballots: set aside with a note, decided later to a list, a
 * candidate and as invalid, each decision added to the area's result. */
static void
test_tally_doubtful (void)
{
  Setup s = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkKeypair) bord_key = NULL;
  g_autoptr (VkStation) station = NULL;
  g_autoptr (VkStation) bord = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkAreaResult) area = load_area ("fintaelling", "Borum_Forsamlingshus.json", &election);
  g_autoptr (VkAreaResult) updated = NULL;
  g_autoptr (GPtrArray) held = NULL;
  const VkList *list;
  const VkCandidate *cand;
  guint64 ref, ref2;

  if (area == NULL || !setup_aarhus (&s))
    return;
  key = enroll (&s, "fintaelling-1", "fintaelling", VK_PACKAGE_NO_AREA);
  bord_key = enroll (&s, "omr31-bord1", "valgbord", 31);
  station = open_station (&s, "fintaelling-1", "fin.db", key);
  bord = open_station (&s, "omr31-bord1", "bord.db", bord_key);
  list = g_ptr_array_index (s.election->lists, 2);
  cand = g_ptr_array_index (((VkList *)g_ptr_array_index (s.election->lists, 0))->candidates, 1);

  /* Refusals: at a valgbord, no ballots, no note, an unknown area. */
  g_assert_cmpuint (vk_tally_set_aside_doubtful (bord, NULL, 31, 1, "uklart kryds", &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NOT_FINTAELLING);
  g_clear_error (&error);
  g_assert_cmpuint (vk_tally_set_aside_doubtful (station, NULL, 31, 0, "uklart kryds", &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_NONE);
  g_clear_error (&error);
  g_assert_cmpuint (vk_tally_set_aside_doubtful (station, NULL, 31, 2, "  ", &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_NO_NOTE);
  g_clear_error (&error);
  g_assert_cmpuint (vk_tally_set_aside_doubtful (station, NULL, 999, 2, "uklart kryds", &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_UNKNOWN_AREA);
  g_clear_error (&error);

  ref = vk_tally_set_aside_doubtful (station, NULL, 31, 3, "Kryds mellem to felter", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ref, >, 0);
  ref2 = vk_tally_set_aside_doubtful (station, NULL, 9, 1, "Påskrift", &error);
  g_assert_cmpuint (ref2, >, 0);

  /* Decisions: one each way; a fourth is one too many. */
  g_assert_cmpuint (vk_tally_decide_doubtful (station, NULL, 31, ref, VK_DOUBTFUL_LIST, list->id, 0, 1, &error), >, 0);
  g_assert_cmpuint (vk_tally_decide_doubtful (station, NULL, 31, ref, VK_DOUBTFUL_CANDIDATE, cand->id, 0, 1, &error), >,
                    0);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_decide_doubtful (station, NULL, 31, ref, VK_DOUBTFUL_INVALID, NULL, 17, 1, &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_BAD_CODE);
  g_clear_error (&error);
  /* No ballots is no decision. */
  g_assert_cmpuint (vk_tally_decide_doubtful (station, NULL, 31, ref, VK_DOUBTFUL_INVALID, NULL, 5, 0, &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_TOO_MANY);
  g_clear_error (&error);
  g_assert_cmpuint (vk_tally_decide_doubtful (station, NULL, 31, ref, VK_DOUBTFUL_INVALID, NULL, 5, 1, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_decide_doubtful (station, NULL, 31, ref, VK_DOUBTFUL_LIST, list->id, 0, 1, &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_TOO_MANY);
  g_clear_error (&error);
  /* The other area's entry is not this area's; unknown lists and refs are refused. */
  g_assert_cmpuint (vk_tally_decide_doubtful (station, NULL, 31, ref2, VK_DOUBTFUL_LIST, list->id, 0, 1, &error), ==,
                    0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_UNKNOWN_REF);
  g_clear_error (&error);
  g_assert_cmpuint (vk_tally_decide_doubtful (station, NULL, 9, ref2, VK_DOUBTFUL_LIST, "no-such-list", 0, 1, &error),
                    ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_UNKNOWN_ID);
  g_clear_error (&error);
  g_assert_cmpuint (vk_tally_decide_doubtful (station, NULL, 9, ref2, VK_DOUBTFUL_CANDIDATE, list->id, 0, 1, &error),
                    ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_UNKNOWN_ID);
  g_clear_error (&error);
  assert_entries_pass_rules (&s, station);

  /* Read back: area 31 has one entry, all three decided. */
  held = vk_tally_dup_doubtful (station, NULL, 31, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (held->len, ==, 1);
  {
    const VkDoubtful *d = g_ptr_array_index (held, 0);
    g_assert_cmpuint (d->seq, ==, ref);
    g_assert_cmpuint (d->count, ==, 3);
    g_assert_cmpuint (d->decided, ==, 3);
    g_assert_cmpstr (d->note, ==, "Kryds mellem to felter");
    g_assert_cmpuint (d->decisions->len, ==, 3);
    g_assert_cmpint (((VkDoubtfulDecision *)g_ptr_array_index (d->decisions, 1))->to, ==, VK_DOUBTFUL_CANDIDATE);
    g_assert_cmpstr (((VkDoubtfulDecision *)g_ptr_array_index (d->decisions, 1))->list_id, ==, cand->list->id);
  }
  {
    g_autoptr (GPtrArray) all = vk_tally_dup_doubtful (station, NULL, 0, &error);
    g_assert_cmpuint (all->len, ==, 2);
  }

  /* The area's result with the decisions: 3 more cast, 2 more valid, the
   * list one more listestemme, the candidate one more personal vote. */
  {
    g_autoptr (VkCbor) official = vk_counts_to_cbor (area, NULL);
    updated = vk_counts_from_cbor (official, s.election, VK_RESULT_FINTAELLING, 31, NULL, NULL, &error);
  }
  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_add_decided_doubtful (updated, held), ==, 3);
  g_assert_cmpuint (updated->cast, ==, area->cast + 3);
  g_assert_cmpuint (updated->valid, ==, area->valid + 2);
  g_assert_cmpuint (updated->other_invalid, ==, area->other_invalid + 1);
  g_assert_cmpuint (vk_area_result_get_invalid (updated, 5), ==, vk_area_result_get_invalid (area, 5) + 1);
  g_assert_cmpuint (vk_area_result_get_list_votes (updated, list->id), ==,
                    vk_area_result_get_list_votes (area, list->id) + 1);
  g_assert_cmpuint (vk_area_result_get_candidate_votes (updated, cand->id), ==,
                    vk_area_result_get_candidate_votes (area, cand->id) + 1);
  g_assert_cmpuint (vk_area_result_get_list_votes (updated, cand->list->id), ==,
                    vk_area_result_get_list_votes (area, cand->list->id) + 1);
  {
    g_autoptr (GPtrArray) m = vk_tally_validate (updated, NULL, -1, 0);
    g_assert_false (vk_tally_messages_have_errors (m));
  }
  setup_clear (&s);
}

/* The foreløbig count a valgbord signed reaches a fintælling table
 * (journals read from USB); the valgbog record is read from the journal. */
static void
test_tally_synced_and_record (void)
{
  Setup s = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkKeypair) bord_key = NULL;
  g_autoptr (VkKeypair) vs1 = NULL;
  g_autoptr (VkKeypair) vs2 = NULL;
  g_autoptr (VkStation) fin = NULL;
  g_autoptr (VkStation) bord = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (VkAreaResult) area = load_area ("foreloebig", "Borum_Forsamlingshus.json", &election);
  g_autoptr (VkTallyForm) form = NULL;
  g_autoptr (VkTallyRecord) record = NULL;
  g_autoptr (VkCbor) signed_counts = NULL;
  g_autofree char *usb = NULL;
  g_autofree char *device = NULL;
  VkSigner signers[2] = { { "Anne Valgstyrer", NULL }, { "Bo Valgstyrer", NULL } };

  if (area == NULL || !setup_aarhus (&s))
    return;
  key = enroll (&s, "fintaelling-1", "fintaelling", VK_PACKAGE_NO_AREA);
  bord_key = enroll (&s, "omr31-bord1", "valgbord", 31);
  vs1 = enroll (&s, "vs-anne", "valgstyrer", 31);
  vs2 = enroll (&s, "vs-bo", "valgstyrer", 31);
  signers[0].key = vs1;
  signers[1].key = vs2;
  bord = open_station (&s, "omr31-bord1", "bord.db", bord_key);
  for (guint lnr = 1; lnr <= 5; lnr++)
    g_assert_cmpuint (vk_station_check_in (bord, lnr, VK_CHECKIN_SEARCH, FALSE, &error), >, 0);

  /* Not signed yet: no record, and a fintælling table has no valgbog. */
  record = vk_tally_dup_record (bord, NULL, &error);
  g_assert_null (record);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NOT_SIGNED);
  g_clear_error (&error);

  g_assert_cmpuint (vk_tally_close_poll (bord, &error), >, 0);
  form = vk_tally_form_new (s.election, VK_RESULT_FORELOEBIG, 31);
  type_into_form (form, area);
  g_assert_true (vk_tally_form_set (form, "received", area->cast + 100, NULL, &error));
  g_assert_true (vk_tally_form_set (form, "unused", 99, NULL, &error));
  /* T04 (one ballot unaccounted for) blocks saving the round. */
  g_assert_cmpuint (vk_tally_form_enter (form, bord, 1, "Tilforordnet Ea", &error), ==, 0);
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_CHECK_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "T04"));
  g_clear_error (&error);
  g_assert_true (vk_tally_form_set (form, "returned", 1, NULL, &error));
  g_assert_cmpuint (vk_tally_form_enter (form, bord, 1, "Tilforordnet Ea", &error), >, 0);
  g_assert_cmpuint (vk_tally_form_enter (form, bord, 2, "Tilforordnet Ib", &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_tally_sign_off (bord, NULL, VK_RESULT_FORELOEBIG, 31, signers, 2, "Fem afkrydset i testen", 5,
                                       area->eligible, &error),
                    >, 0);
  g_assert_no_error (error);

  record = vk_tally_dup_record (bord, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (record->area, ==, 31);
  g_assert_cmpuint (record->opened_ms, >, 0);
  g_assert_cmpuint (record->closed_ms, >=, record->opened_ms);
  g_assert_cmpuint (record->signed_ms, >=, record->closed_ms);
  g_assert_cmpuint (record->checkins, ==, 5);
  g_assert_cmpuint (record->entered->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (record->entered, 1), ==, "Tilforordnet Ib");
  g_assert_cmpuint (record->signers->len, ==, 2);
  g_assert_true (record->with_keys);
  g_assert_cmpstr (record->explanation, ==, "Fem afkrydset i testen");
  g_assert_cmpuint (record->counts->cast, ==, area->cast);
  g_assert_cmpuint (record->counts->other_invalid, ==, area->other_invalid);
  g_assert_true (record->ballots.present);
  g_assert_cmpuint (record->ballots.received, ==, area->cast + 100);
  g_assert_cmpuint (record->head_seq, ==, vk_journal_get_head_seq (vk_station_get_journal (bord)));
  g_assert_cmpmem (record->head, 32, vk_journal_get_head_hash (vk_station_get_journal (bord)), 32);
  /* device.open, poll.close, two entries, the sign-off, in that order. */
  g_assert_cmpuint (record->events->len, ==, 5);
  g_assert_cmpint (((VkTallyEvent *)g_ptr_array_index (record->events, 0))->kind, ==, VK_TALLY_EVENT_OPENED);
  g_assert_cmpint (((VkTallyEvent *)g_ptr_array_index (record->events, 1))->kind, ==, VK_TALLY_EVENT_POLL_CLOSED);
  g_assert_cmpint (((VkTallyEvent *)g_ptr_array_index (record->events, 3))->kind, ==, VK_TALLY_EVENT_ENTERED);
  g_assert_cmpuint (((VkTallyEvent *)g_ptr_array_index (record->events, 3))->round, ==, 2);
  g_assert_cmpint (((VkTallyEvent *)g_ptr_array_index (record->events, 4))->kind, ==, VK_TALLY_EVENT_SIGNED);

  /* At the fintælling table: nothing held, then the valgbord's USB. */
  fin = open_station (&s, "fintaelling-1", "fin.db", key);
  g_assert_null (vk_tally_dup_record (fin, NULL, &error));
  g_assert_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_WRONG_TABLE);
  g_clear_error (&error);
  signed_counts = vk_tally_dup_signed_counts (fin, NULL, VK_RESULT_FORELOEBIG, 31, NULL, &error);
  g_assert_null (signed_counts);
  g_assert_no_error (error);
  usb = g_build_filename (s.dir, "usb", NULL);
  g_assert_true (vk_station_export_usb (bord, usb, &error));
  {
    g_autofree char *file = g_build_filename (usb, "omr31-bord1.vkj", NULL);
    g_assert_true (vk_station_ingest_file (fin, file, NULL, &error));
    g_assert_no_error (error);
  }
  signed_counts = vk_tally_dup_signed_counts (fin, NULL, VK_RESULT_FORELOEBIG, 31, &device, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signed_counts);
  g_assert_cmpstr (device, ==, "omr31-bord1");
  {
    g_autoptr (VkCbor) entered = vk_counts_to_cbor (vk_tally_form_get_result (form), vk_tally_form_get_ballots (form));
    g_assert_true (vk_cbor_equal (signed_counts, entered));
  }
  g_assert_null (vk_tally_dup_signed_counts (fin, NULL, VK_RESULT_FORELOEBIG, 9, NULL, &error));
  g_assert_null (vk_tally_dup_signed_counts (fin, NULL, VK_RESULT_FINTAELLING, 31, NULL, &error));
  g_assert_no_error (error);
  setup_clear (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tally/counts-official", test_tally_counts_official);
  g_test_add_func ("/tally/counts-bad-input", test_tally_counts_bad_input);
  g_test_add_func ("/tally/checks", test_tally_checks);
  g_test_add_func ("/tally/foreloebig-flow", test_tally_foreloebig_flow);
  g_test_add_func ("/tally/fintaelling-real", test_tally_fintaelling_real);
  g_test_add_func ("/tally/form", test_tally_form);
  g_test_add_func ("/tally/doubtful", test_tally_doubtful);
  g_test_add_func ("/tally/synced-and-record", test_tally_synced_and_record);
  return g_test_run ();
}

/* test-station.c: the station engine: check-in states, undo, counts,
 * brevstemmer and the law, other devices' journals, USB export.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "vk-cpr.h"
#include "vk-db.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-fake-election.h"
#include "vk-fake.h"
#include "vk-rules.h"
#include "vk-station.h"
#include "vk-sync.h"
#include "vk-test-journals.h"
#include "vk-test-util.h"
#include "vk-valgkort.h"

#define SEED 77

typedef struct
{
  char *dir;
  char *pkg_path;
  VkPackage *package;
  VkVoterList *voters; /* what went into the package, for expectations */
  guint area1, area2;  /* the first two areas */
  VkKeypair *bord1, *bord2, *bord_other, *brev, *hjem;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = vk_fake_election_new (SEED);
  g_autoptr (VkKeypair) election_key = vk_keypair_generate ();
  guint64 now = (guint64)(g_get_real_time () / 1000);
  guint64 from = now - 24 * 3600 * 1000ull, to = now + 30 * 24 * 3600 * 1000ull;
  struct
  {
    const char *id;
    const char *role;
    guint area;
    VkKeypair **key;
  } devices[] = {
    { "bord-1", "valgbord", 0, &f->bord1 },
    { "bord-2", "valgbord", 0, &f->bord2 },
    { "bord-x", "valgbord", 1, &f->bord_other },
    { "borgerservice", "brevstemmested", G_MAXUINT, &f->brev },
    { "hjem-1", "hjemmebesoeg", G_MAXUINT, &f->hjem },
  };

  f->dir = vk_test_tmpdir ();
  f->pkg_path = g_build_filename (f->dir, "election.vkp", NULL);
  f->voters = vk_voters_generate_for_election (election, 300, SEED);
  f->area1 = ((VkArea *)g_ptr_array_index (election->areas, 0))->number;
  f->area2 = ((VkArea *)g_ptr_array_index (election->areas, 1))->number;
  f->package = vk_package_create (f->pkg_path, election, f->voters, election_key, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      guint area = devices[i].area == G_MAXUINT ? VK_PACKAGE_NO_AREA : devices[i].area == 0 ? f->area1 : f->area2;
      *devices[i].key = vk_keypair_generate ();
      g_assert_true (vk_package_enroll (f->package, election_key, devices[i].id, devices[i].role, area,
                                        vk_keypair_get_public_key (*devices[i].key), from, to, &error));
      g_assert_no_error (error);
    }
  /* Reopen: what a station sees is the verified file with its enrolments. */
  g_clear_pointer (&f->package, vk_package_free);
  f->package = vk_package_open (f->pkg_path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->package, vk_package_free);
  g_clear_pointer (&f->voters, vk_voter_list_free);
  g_clear_pointer (&f->bord1, vk_keypair_free);
  g_clear_pointer (&f->bord2, vk_keypair_free);
  g_clear_pointer (&f->bord_other, vk_keypair_free);
  g_clear_pointer (&f->brev, vk_keypair_free);
  g_clear_pointer (&f->hjem, vk_keypair_free);
  g_free (f->pkg_path);
  g_free (f->dir);
}

static VkStation *
open_station (Fixture *f, const char *device_id, const VkKeypair *key)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strconcat (device_id, ".db", NULL);
  g_autofree char *db = g_build_filename (f->dir, name, NULL);
  VkStation *station = vk_station_open (f->package, db, device_id, key, &error);

  g_assert_no_error (error);
  g_assert_nonnull (station);
  return station;
}

/* The last entry of the station's own journal. */
static VkEntry *
last_entry (VkStation *station)
{
  g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_station_get_journal (station), 0, NULL);
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, >, 0);
  return g_ptr_array_steal_index (entries, entries->len - 1);
}

/* Hands station from's whole journal to station to (a sync round). */
static guint
sync_into (VkStation *to, VkStation *from)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_station_get_journal (from), 0, &error);
  guint added = 0;

  g_assert_no_error (error);
  g_assert_true (vk_station_ingest (to, entries, &added, &error));
  g_assert_no_error (error);
  return added;
}

static void
test_checkin_states (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) s = open_station (f, "bord-1", f->bord1);
  g_autoptr (VkVoterStatus) st = NULL;
  g_autoptr (VkEntry) entry = NULL;
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) when = NULL;
  VkStationCounts counts;
  guint64 seq;

  g_assert_cmpuint (vk_station_get_area (s), ==, f->area1);
  st = vk_station_dup_voter_status (s, f->area1, 5);
  g_assert_cmpint (st->state, ==, VK_VOTER_FREE);
  g_assert_cmpstr (st->voter->name, ==, vk_voter_list_lookup (f->voters, f->area1, 5)->name);
  g_clear_pointer (&st, vk_voter_status_free);

  seq = vk_station_check_in (s, 5, VK_CHECKIN_SCAN, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seq, ==, 2); /* after device.open */
  entry = last_entry (s);
  g_assert_cmpstr (entry->type, ==, "checkin");
  g_assert_cmpuint (entry->seq, ==, seq);

  /* Already checked in: where and when. */
  st = vk_station_dup_voter_status (s, f->area1, 5);
  g_assert_cmpint (st->state, ==, VK_VOTER_CHECKED_IN);
  g_assert_cmpuint (st->checkins->len, ==, 1);
  g_assert_cmpstr (((VkCheckinRef *)g_ptr_array_index (st->checkins, 0))->device_id, ==, "bord-1");
  g_assert_cmpuint (((VkCheckinRef *)g_ptr_array_index (st->checkins, 0))->time_ms, ==, entry->time_ms);
  g_assert_true (((VkCheckinRef *)g_ptr_array_index (st->checkins, 0))->assisted);
  g_clear_pointer (&st, vk_voter_status_free);
  g_assert_cmpuint (vk_station_check_in (s, 5, VK_CHECKIN_SEARCH, FALSE, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_ALREADY_CHECKED_IN);
  g_assert_nonnull (strstr (error->message, "bord-1"));
  g_clear_error (&error);

  /* Not on the list at all, and on another area's list. */
  g_assert_cmpuint (vk_station_check_in (s, 99999, VK_CHECKIN_SCAN, FALSE, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_ON_LIST);
  g_clear_error (&error);
  st = vk_station_dup_voter_status (s, f->area1, 99999);
  g_assert_cmpint (st->state, ==, VK_VOTER_NOT_FOUND);
  g_clear_pointer (&st, vk_voter_status_free);
  st = vk_station_dup_voter_status (s, f->area2, 7);
  g_assert_cmpint (st->state, ==, VK_VOTER_OTHER_AREA);
  g_assert_cmpuint (st->area, ==, f->area2);
  g_assert_nonnull (st->voter);
  g_clear_pointer (&st, vk_voter_status_free);
  /* Nothing was journaled by the refusals. */
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (s)), ==, seq);

  /* Live counts. */
  g_assert_cmpuint (vk_station_check_in (s, 6, VK_CHECKIN_SEARCH, FALSE, &error), ==, seq + 1);
  vk_station_get_counts (s, &counts);
  g_assert_cmpuint (counts.eligible, ==, vk_voter_list_count_area (f->voters, f->area1));
  g_assert_cmpuint (counts.checked_in, ==, 2);
  g_assert_cmpuint (counts.assisted, ==, 1);
  g_assert_cmpuint (counts.conflicts, ==, 0);
  g_assert_cmpfloat_with_epsilon (counts.turnout, 2.0 / counts.eligible, 1e-9);
  when = g_date_time_new_from_unix_utc ((gint64)(entry->time_ms / 1000));
  {
    g_autoptr (GDateTime) local = g_date_time_to_timezone (when, tz);
    guint sum = 0;
    g_assert_cmpuint (counts.per_hour[g_date_time_get_hour (local)], >=, 1);
    for (guint h = 0; h < 24; h++)
      sum += counts.per_hour[h];
    g_assert_cmpuint (sum, ==, 2);
  }
  g_assert_true (vk_station_is_checked_in (s, 6));
  g_assert_false (vk_station_is_checked_in (s, 7));
}

static void
test_checkin_roles (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) brev = open_station (f, "borgerservice", f->brev);
  g_autoptr (GPtrArray) entries = NULL;

  g_assert_cmpuint (vk_station_check_in (brev, 5, VK_CHECKIN_SCAN, FALSE, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_ROLE);
  g_clear_error (&error);
  /* Only a valgbord closes the poll. */
  g_assert_cmpuint (vk_station_close_poll (brev, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_ROLE);
  g_clear_error (&error);

  /* The wrong key for a device, and an unknown device. */
  {
    g_autofree char *db = g_build_filename (f->dir, "x.db", NULL);
    g_autoptr (VkStation) s = vk_station_open (f->package, db, "bord-1", f->bord2, &error);
    g_assert_null (s);
    g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
    g_clear_error (&error);
    s = vk_station_open (f->package, db, "no-such", f->bord2, &error);
    g_assert_null (s);
    g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
  }
}

static void
test_undo (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) s = open_station (f, "bord-1", f->bord1);
  g_autoptr (VkEntry) entry = NULL;
  guint64 seq = vk_station_check_in (s, 10, VK_CHECKIN_SCAN, FALSE, &error);
  guint64 undo;

  g_assert_no_error (error);
  /* Not a valgstyrer. */
  g_assert_cmpuint (vk_station_undo_check_in (s, seq, "fejl", &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_VALGSTYRER);
  g_clear_error (&error);
  vk_station_set_valgstyrer (s, TRUE);
  g_assert_true (vk_station_get_valgstyrer (s));
  /* No reason. */
  g_assert_cmpuint (vk_station_undo_check_in (s, seq, "   ", &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NO_REASON);
  g_clear_error (&error);
  g_assert_cmpuint (vk_station_undo_check_in (s, seq, NULL, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NO_REASON);
  g_clear_error (&error);
  /* Not a check-in. */
  g_assert_cmpuint (vk_station_undo_check_in (s, 1, "fejl", &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_STANDING);
  g_clear_error (&error);

  undo = vk_station_undo_check_in (s, seq, "Forkert vælger", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (undo, ==, seq + 1);
  entry = last_entry (s);
  g_assert_cmpstr (entry->type, ==, "checkin.undo");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "reason", NULL), ==, "Forkert vælger");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "device", NULL), ==, "bord-1");
  g_assert_false (vk_station_is_checked_in (s, 10));
  /* Twice: the check-in no longer stands. */
  g_assert_cmpuint (vk_station_undo_check_in (s, seq, "igen", &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_STANDING);
  g_clear_error (&error);
  /* The voter can be checked in again. */
  g_assert_cmpuint (vk_station_check_in (s, 10, VK_CHECKIN_SCAN, FALSE, &error), ==, undo + 1);
  g_assert_no_error (error);
}

static void
test_restart (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  VkStationCounts before, after;

  {
    g_autoptr (VkStation) s = open_station (f, "bord-1", f->bord1);
    g_autoptr (VkStation) other = open_station (f, "bord-2", f->bord2);
    guint64 seq;

    vk_station_set_valgstyrer (s, TRUE);
    for (guint l = 1; l <= 20; l++)
      g_assert_cmpuint (vk_station_check_in (s, l, VK_CHECKIN_SCAN, l % 5 == 0, &error), >, 0);
    seq = vk_station_check_in (s, 21, VK_CHECKIN_SEARCH, FALSE, &error);
    g_assert_cmpuint (vk_station_undo_check_in (s, seq, "fejl", &error), >, 0);
    g_assert_cmpuint (vk_station_check_in (other, 30, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
    g_assert_no_error (error);
    sync_into (s, other);
    vk_station_get_counts (s, &before);
  }
  {
    g_autoptr (VkStation) s = open_station (f, "bord-1", f->bord1);
    g_autoptr (VkVoterStatus) st = vk_station_dup_voter_status (s, f->area1, 30);

    vk_station_get_counts (s, &after);
    g_assert_cmpuint (after.checked_in, ==, 21);
    g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
    g_assert_false (vk_station_is_checked_in (s, 21));
    g_assert_true (vk_station_is_checked_in (s, 20));
    /* The other table's check-in came back from the database too. */
    g_assert_cmpint (st->state, ==, VK_VOTER_CHECKED_IN);
    g_assert_cmpstr (((VkCheckinRef *)g_ptr_array_index (st->checkins, 0))->device_id, ==, "bord-2");
  }
}

static void
test_sync_conflict (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) a = open_station (f, "bord-1", f->bord1);
  g_autoptr (VkStation) b = open_station (f, "bord-2", f->bord2);
  g_autoptr (GPtrArray) conflicts = NULL;
  VkStationCounts counts;

  /* Table B sees table A's check-in after a sync, and is blocked. */
  g_assert_cmpuint (vk_station_check_in (a, 1, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  g_assert_cmpuint (sync_into (b, a), ==, 2);
  g_assert_cmpuint (sync_into (b, a), ==, 0); /* idempotent */
  g_assert_cmpuint (vk_station_check_in (b, 1, VK_CHECKIN_SCAN, FALSE, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_ALREADY_CHECKED_IN);
  g_assert_nonnull (strstr (error->message, "bord-1"));
  g_clear_error (&error);

  /* A network split: both check voter 2 in. */
  g_assert_cmpuint (vk_station_check_in (a, 2, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  g_assert_cmpuint (vk_station_check_in (b, 2, VK_CHECKIN_SEARCH, FALSE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (sync_into (a, b), >, 0);
  g_assert_cmpuint (sync_into (b, a), >, 0);
  for (guint i = 0; i < 2; i++)
    {
      VkStation *s = i == 0 ? a : b;
      conflicts = vk_station_dup_conflicts (s);
      g_assert_cmpuint (conflicts->len, ==, 1);
      {
        const VkVoterStatus *st = g_ptr_array_index (conflicts, 0);
        g_assert_cmpuint (st->loebenummer, ==, 2);
        g_assert_cmpuint (st->checkins->len, ==, 2);
        g_assert_cmpstr (((VkCheckinRef *)g_ptr_array_index (st->checkins, 0))->device_id, !=,
                         ((VkCheckinRef *)g_ptr_array_index (st->checkins, 1))->device_id);
      }
      g_clear_pointer (&conflicts, g_ptr_array_unref);
      vk_station_get_counts (s, &counts);
      g_assert_cmpuint (counts.checked_in, ==, 2); /* voters, not entries */
      g_assert_cmpuint (counts.conflicts, ==, 1);
    }

  /* A valgstyrer at A resolves it by undoing B's entry: both agree after sync. */
  {
    g_autoptr (VkVoterStatus) st = vk_station_dup_voter_status (a, f->area1, 2);
    const VkCheckinRef *ref = NULL;
    for (guint i = 0; i < st->checkins->len; i++)
      if (strcmp (((VkCheckinRef *)g_ptr_array_index (st->checkins, i))->device_id, "bord-2") == 0)
        ref = g_ptr_array_index (st->checkins, i);
    g_assert_nonnull (ref);
    vk_station_set_valgstyrer (a, TRUE);
    g_assert_cmpuint (vk_station_undo_check_in_at (a, "bord-2", ref->seq, "Dobbelt afkrydsning", &error), >, 0);
    g_assert_no_error (error);
  }
  sync_into (b, a);
  vk_station_get_counts (b, &counts);
  g_assert_cmpuint (counts.conflicts, ==, 0);
  g_assert_cmpuint (counts.checked_in, ==, 2);
}

static void
test_ingest_bad (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) a = open_station (f, "bord-1", f->bord1);
  g_autoptr (VkStation) b = open_station (f, "bord-2", f->bord2);
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) part = g_ptr_array_new ();
  guint added = 0;

  for (guint l = 1; l <= 6; l++)
    g_assert_cmpuint (vk_station_check_in (a, l, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  entries = vk_journal_dup_entries (vk_station_get_journal (a), 0, &error);
  g_assert_cmpuint (entries->len, ==, 7);

  /* A flipped signature bit: refused, nothing stored. */
  {
    GBytes *cose = ((VkEntry *)g_ptr_array_index (entries, 6))->cose;
    gsize len;
    g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (cose, &len), g_bytes_get_size (cose));
    g_autoptr (VkEntry) bad = NULL;
    g_autoptr (GPtrArray) tampered = g_ptr_array_new ();

    copy[len - 3] ^= 0x10;
    bad = vk_entry_decode (copy, len, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < 6; i++)
      g_ptr_array_add (tampered, g_ptr_array_index (entries, i));
    g_ptr_array_add (tampered, bad);
    g_assert_false (vk_station_ingest (b, tampered, &added, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_SIGNATURE);
    g_clear_error (&error);
    g_assert_false (vk_station_is_checked_in (b, 1));
  }

  /* A batch that does not follow what is held: refused.  Then in order. */
  for (guint i = 4; i < 7; i++)
    g_ptr_array_add (part, g_ptr_array_index (entries, i));
  g_assert_false (vk_station_ingest (b, part, &added, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_CHAIN);
  g_clear_error (&error);
  g_ptr_array_set_size (part, 0);
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (part, g_ptr_array_index (entries, i));
  g_assert_true (vk_station_ingest (b, part, &added, &error));
  g_assert_cmpuint (added, ==, 4);
  g_ptr_array_set_size (part, 0);
  for (guint i = 4; i < 7; i++)
    g_ptr_array_add (part, g_ptr_array_index (entries, i));
  g_assert_true (vk_station_ingest (b, part, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 3);
  g_assert_true (vk_station_is_checked_in (b, 6));

  /* Our own entries coming back unchanged are fine; changed ones are a fork. */
  {
    g_autoptr (GPtrArray) own = vk_journal_dup_entries (vk_station_get_journal (a), 0, &error);
    g_assert_true (vk_station_ingest (a, own, &added, &error));
    g_assert_cmpuint (added, ==, 0);
  }
  {
    /* The same device key writing a second, different journal. */
    g_autofree char *db = g_build_filename (f->dir, "bord-1-clone.db", NULL);
    g_autoptr (VkStation) clone = vk_station_open (f->package, db, "bord-1", f->bord1, &error);
    g_autoptr (GPtrArray) forked = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (vk_station_check_in (clone, 50, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
    forked = vk_journal_dup_entries (vk_station_get_journal (clone), 0, &error);
    g_assert_false (vk_station_ingest (b, forked, &added, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_FORK);
    g_clear_error (&error);
    g_assert_false (vk_station_ingest (a, forked, &added, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_FORK);
    g_clear_error (&error);
    g_assert_false (vk_station_is_checked_in (b, 50));
  }

  /* A correctly signed entry whose body breaks J6: refused, nothing stored. */
  {
    g_autofree char *db = g_build_filename (f->dir, "hjem-raw.db", NULL);
    g_autoptr (VkJournal) j = vk_journal_open (db, vk_package_get_election_id (f->package), "hjem-1", &error);
    g_autoptr (VkCbor) body = vk_cbor_new_map ();
    g_autoptr (VkEntry) e = NULL;
    g_autoptr (GPtrArray) raw = NULL;
    g_autoptr (GPtrArray) brev = NULL;

    vk_cbor_map_set_text (body, "envelope", "hjem-1/1");
    vk_cbor_map_set_text (body, "area", "one"); /* must be a uint */
    e = vk_journal_append (j, f->hjem, "brevstemme.received", body, &error);
    g_assert_no_error (error);
    raw = vk_journal_dup_entries (j, 0, &error);
    g_assert_false (vk_station_ingest (b, raw, &added, &error));
    g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD);
    g_assert_nonnull (strstr (error->message, "hjem-1"));
    g_assert_nonnull (strstr (error->message, "\"area\""));
    g_clear_error (&error);
    brev = vk_station_dup_brevstemmer (b, 0);
    g_assert_cmpuint (brev->len, ==, 0);

    /* The relay store (vk_sync_store_foreign) runs the same schema. */
    {
      g_autofree char *b_db = g_build_filename (f->dir, "bord-2.db", NULL);
      g_autoptr (VkSync) sync = vk_sync_new (f->package, b_db, "bord-2", &error);

      g_assert_no_error (error);
      g_assert_false (vk_sync_store_foreign (sync, raw, &added, &error));
      g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD);
      g_clear_error (&error);
    }
  }

  /* A well-formed entry outside the writer's role: a check-in by a
   * hjemmebesoeg device.  Refused like the count server refuses it. */
  {
    g_autofree char *db = g_build_filename (f->dir, "hjem-role.db", NULL);
    g_autoptr (VkJournal) j = vk_journal_open (db, vk_package_get_election_id (f->package), "hjem-1", &error);
    g_autoptr (VkCbor) body = vk_cbor_new_map ();
    g_autoptr (VkEntry) e = NULL;
    g_autoptr (GPtrArray) raw = NULL;

    vk_cbor_map_set_uint (body, "area", vk_station_get_area (b));
    vk_cbor_map_set_uint (body, "loebenummer", 40);
    vk_cbor_map_set_text (body, "method", "scan");
    e = vk_journal_append (j, f->hjem, "checkin", body, &error);
    g_assert_no_error (error);
    raw = vk_journal_dup_entries (j, 0, &error);
    g_assert_false (vk_station_ingest (b, raw, &added, &error));
    g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE);
    g_clear_error (&error);
    g_assert_false (vk_station_is_checked_in (b, 40));
  }

  /* Files: a missing one, a truncated one. */
  {
    g_autofree char *path = g_build_filename (f->dir, "cut.vkj", NULL);
    g_autoptr (GBytes) all = vk_journal_serialize (entries);
    g_assert_false (vk_station_ingest_file (b, "/nonexistent/x.vkj", &added, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_true (
        g_file_set_contents (path, g_bytes_get_data (all, NULL), (gssize)g_bytes_get_size (all) - 5, &error));
    g_assert_false (vk_station_ingest_file (b, path, &added, &error));
    g_assert_nonnull (error);
  }
}

/* Entries stored by another connection (the sync runner's) are folded
 * in by vk_station_refresh(). */
static void
test_refresh (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) a = open_station (f, "bord-1", f->bord1);
  g_autoptr (VkStation) b = open_station (f, "bord-2", f->bord2);
  g_autofree char *db = g_build_filename (f->dir, "bord-1.db", NULL);
  g_autoptr (VkSync) sync = vk_sync_new (f->package, db, "bord-1", &error);
  g_autoptr (GPtrArray) entries = NULL;
  guint added = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (vk_station_check_in (b, 9, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  entries = vk_journal_dup_entries (vk_station_get_journal (b), 0, &error);
  g_assert_true (vk_sync_store_foreign (sync, entries, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, entries->len);
  /* Stored, but not yet folded. */
  g_assert_false (vk_station_is_checked_in (a, 9));
  g_assert_true (vk_station_refresh (a, &added, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, entries->len);
  g_assert_true (vk_station_is_checked_in (a, 9));
  /* Nothing new: nothing folded twice. */
  g_assert_true (vk_station_refresh (a, &added, &error));
  g_assert_cmpuint (added, ==, 0);
  g_assert_cmpuint (vk_station_get_checked_in_count (a), ==, 1);
}

static void
test_export_usb (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) a = open_station (f, "bord-1", f->bord1);
  g_autoptr (VkStation) b = open_station (f, "bord-2", f->bord2);
  g_autofree char *usb = g_build_filename (f->dir, "usb", "valgkit", NULL);
  const char *devices[] = { "bord-1", "bord-2" };

  g_assert_cmpuint (vk_station_check_in (a, 3, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  g_assert_cmpuint (vk_station_check_in (b, 4, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  sync_into (a, b);
  g_assert_true (vk_station_export_usb (a, usb, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    {
      g_autofree char *name = g_strconcat (devices[i], ".vkj", NULL);
      g_autofree char *path = g_build_filename (usb, name, NULL);
      g_autoptr (GPtrArray) entries = vk_journal_read_file (path, &error);
      g_autoptr (GPtrArray) held = NULL;
      VkVerifyReport report;

      g_assert_no_error (error);
      g_assert_true (vk_journal_verify (entries, vk_package_get_election_id (f->package), vk_package_device_lookup,
                                        f->package, VK_VERIFY_DEFAULT, &report, &error));
      g_assert_no_error (error);
      held = vk_journal_dup_device_entries (vk_station_get_journal (a), devices[i], 0, &error);
      g_assert_cmpuint (report.entries, ==, held->len);
      g_assert_cmpstr (((VkEntry *)g_ptr_array_index (entries, 0))->device_id, ==, devices[i]);
    }
  /* The files bring a fresh table up to date. */
  {
    g_autoptr (VkStation) c = open_station (f, "bord-x", f->bord_other);
    g_autofree char *p1 = g_build_filename (usb, "bord-1.vkj", NULL);
    guint added = 0;
    g_assert_true (vk_station_ingest_file (c, p1, &added, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (added, >, 0);
  }
  /* A folder that cannot be created. */
  {
    g_autofree char *file = g_build_filename (f->dir, "plain", NULL);
    g_autofree char *below = g_build_filename (file, "sub", NULL);
    g_assert_true (g_file_set_contents (file, "x", 1, NULL));
    g_assert_false (vk_station_export_usb (a, below, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_IO);
  }
}

static gboolean
contains_bytes (gconstpointer hay, gsize hay_len, gconstpointer needle, gsize len)
{
  for (gsize i = 0; i + len <= hay_len; i++)
    if (memcmp ((const guint8 *)hay + i, needle, len) == 0)
      return TRUE;
  return FALSE;
}

/* A CPR number for a birth date, with a serial that gives its century. */
static char *
cpr_for (const char *iso, const char *serial_1900s)
{
  int y = atoi (iso), m = atoi (iso + 5), d = atoi (iso + 8);
  /* Digit 7: 0–3 for 1900–1999; 4 for 2000–2036. */
  return g_strdup_printf ("%02d%02d%02d-%c%s", d, m, y % 100, y >= 2000 ? '4' : serial_1900s[0], serial_1900s + 1);
}

static guint64
election_day_ms (guint day_offset, guint hour)
{
  /* 2029-11-20 is the fake election's day. */
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) dt = g_date_time_new (tz, 2029, 11, 20, (gint)hour, 0, 0);
  g_autoptr (GDateTime) shifted = g_date_time_add_days (dt, -(gint)day_offset);
  return (guint64)g_date_time_to_unix (shifted) * 1000;
}

static void
test_brevstemme_flow (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) hjem = open_station (f, "hjem-1", f->hjem);
  g_autoptr (VkStation) bord = open_station (f, "bord-1", f->bord1);
  g_autoptr (VkEntry) entry = NULL;
  g_autoptr (VkBrevstemme) b = NULL;
  g_autoptr (VkVoterStatus) st = NULL;
  const VkVoter *voter = vk_voter_list_lookup (f->voters, f->area1, 12);
  g_autofree char *cpr = cpr_for (voter->birth_date, "1234");
  g_autofree char *wrong_cpr = NULL;
  g_autofree char *envelope = NULL;
  const char *two[] = { "Anne Holm", "Bo Berg", NULL };
  const char *one[] = { "Anne Holm", NULL };
  const char *same[] = { "Anne Holm", " Anne Holm ", NULL };
  const char *styrere[] = { "Karen Dahl", "Ole Vinther", NULL };
  VkBrevstemmeInput in = { f->area1, 12, cpr, "hjem", two, election_day_ms (10, 11) };
  VkBrevstemmeAssessment a;
  VkStationCounts counts;
  guint64 seq = 0;

  /* The default window: 3 weeks before election day to the Thursday before (15 November 2029). */
  {
    guint64 first, last;
    VkRulesConfig rules;

    vk_station_get_brevstemme_window (bord, &first, &last);
    g_assert_cmpuint (first, ==, election_day_ms (21, 0));
    g_assert_cmpuint (last, ==, election_day_ms (4, 0) - 1);
    /* The same window as the rules' (D10, D13). */
    vk_rules_config_init (&rules, vk_station_get_election (bord));
    g_assert_cmpuint (first, ==, rules.brevstemme_open_ms);
    g_assert_cmpuint (last + 1, ==, rules.brevstemme_deadline_ms);
  }

  /* Bad inputs first: nothing journaled. */
  in.receivers = one;
  g_assert_null (vk_station_receive_brevstemme (hjem, &in, NULL, &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_TOO_FEW_RECEIVERS);
  g_clear_error (&error);
  in.receivers = same;
  g_assert_null (vk_station_receive_brevstemme (hjem, &in, NULL, &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_SAME_PERSON);
  g_clear_error (&error);
  in.receivers = two;
  in.place = "kirke";
  g_assert_null (vk_station_receive_brevstemme (hjem, &in, NULL, &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_BAD_PLACE);
  g_clear_error (&error);
  in.place = "hjem";
  {
    /* A CPR number of another birth date. */
    g_autofree char *other = g_strdup (voter->birth_date);
    other[9] = other[9] == '1' ? '2' : '1';
    wrong_cpr = cpr_for (other, "1234");
  }
  in.cpr = wrong_cpr;
  g_assert_null (vk_station_receive_brevstemme (hjem, &in, NULL, &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_CPR_MISMATCH);
  g_clear_error (&error);
  in.cpr = "12345";
  g_assert_null (vk_station_receive_brevstemme (hjem, &in, NULL, &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_BAD_CPR);
  g_clear_error (&error);
  in.cpr = cpr;
  in.loebenummer = 99999;
  g_assert_null (vk_station_receive_brevstemme (hjem, &in, NULL, &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_ON_LIST);
  g_clear_error (&error);
  in.loebenummer = 12;
  g_assert_null (vk_station_receive_brevstemme (bord, &in, NULL, &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_ROLE);
  g_clear_error (&error);
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (hjem)), ==, 1);

  envelope = vk_station_receive_brevstemme (hjem, &in, &seq, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seq, ==, 2);
  g_assert_cmpstr (envelope, ==, "hjem-1/2");
  entry = last_entry (hjem);
  g_assert_cmpstr (entry->type, ==, "brevstemme.received");
  g_assert_cmpstr (vk_cbor_map_get_text_field (entry->body, "envelope", NULL), ==, envelope);
  /* Issue 12, item 7: nothing derived from the CPR number is journaled.
   * The old cpr_hash (HMAC-SHA-256 under SHA-256("valgkit-cpr-key-v1" ‖
   * election id), reversible by anyone with the package) is computed here
   * and searched for in the journal file and the database, as are the
   * digits, with and without the dash. */
  {
    char digits[11];
    guint8 key[32], old_hash[32];
    crypto_hash_sha256_state sha;
    g_autofree char *usb = g_build_filename (f->dir, "cpr-usb", NULL);
    g_autofree char *vkj = g_build_filename (usb, "hjem-1.vkj", NULL);
    g_autofree char *db_path = g_build_filename (f->dir, "hjem-1.db", NULL);
    g_autofree char *file = NULL, *db = NULL;
    gsize file_len = 0, db_len = 0;

    g_assert_null (vk_cbor_map_lookup_text (entry->body, "cpr_hash"));
    g_assert_true (vk_cpr_normalize (cpr, digits, NULL));
    crypto_hash_sha256_init (&sha);
    crypto_hash_sha256_update (&sha, (const guint8 *)"valgkit-cpr-key-v1", strlen ("valgkit-cpr-key-v1"));
    crypto_hash_sha256_update (&sha, vk_package_get_election_id (f->package), 32);
    crypto_hash_sha256_final (&sha, key);
    crypto_auth_hmacsha256 (old_hash, (const guint8 *)digits, 10, key);

    g_assert_cmpint (g_mkdir (usb, 0700), ==, 0);
    g_assert_true (vk_station_export_usb (hjem, usb, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (vkj, &file, &file_len, NULL));
    g_assert_cmpuint (file_len, >, 0);
    /* The database and its write-ahead log, where the entry may still be;
     * both private to the owner (issue 12, item 9). */
    {
      GStatBuf sb;
      g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);

      g_assert_cmpint (g_stat (db_path, &sb), ==, 0);
      g_assert_cmpint (sb.st_mode & 0777, ==, 0600);
      if (g_stat (wal_path, &sb) == 0)
        g_assert_cmpint (sb.st_mode & 0777, ==, 0600);
    }
    g_assert_true (g_file_get_contents (db_path, &db, &db_len, NULL));
    g_assert_cmpuint (db_len, >, 0);
    {
      g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);
      g_autofree char *wal = NULL;
      gsize wal_len = 0;

      if (g_file_get_contents (wal_path, &wal, &wal_len, NULL))
        {
          g_assert_false (contains_bytes (wal, wal_len, old_hash, 16));
          g_assert_false (contains_bytes (wal, wal_len, digits, 10));
          g_assert_false (contains_bytes (wal, wal_len, cpr, 11));
        }
    }
    g_assert_false (contains_bytes (file, file_len, old_hash, 16));
    g_assert_false (contains_bytes (file, file_len, digits, 10));
    g_assert_false (contains_bytes (file, file_len, cpr, 11));
    g_assert_false (contains_bytes (db, db_len, old_hash, 16));
    g_assert_false (contains_bytes (db, db_len, digits, 10));
    g_assert_false (contains_bytes (db, db_len, cpr, 11));
    g_assert_false (
        contains_bytes (g_bytes_get_data (entry->cose, NULL), g_bytes_get_size (entry->cose), old_hash, 16));
    g_assert_false (contains_bytes (g_bytes_get_data (entry->cose, NULL), g_bytes_get_size (entry->cose), digits, 10));
    g_assert_false (contains_bytes (g_bytes_get_data (entry->cose, NULL), g_bytes_get_size (entry->cose), cpr, 6));
  }

  /* At the polling station: not known until the journal arrives. */
  g_assert_false (vk_station_assess_brevstemme (bord, envelope, &a, &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_UNKNOWN_ENVELOPE);
  g_clear_error (&error);
  g_assert_cmpuint (sync_into (bord, hjem), ==, 2);
  b = vk_station_dup_brevstemme (bord, envelope);
  g_assert_nonnull (b);
  g_assert_false (b->decided);
  g_assert_cmpstr (b->place, ==, "hjem");
  g_assert_cmpuint (g_strv_length (b->receivers), ==, 2);
  g_assert_true (vk_station_assess_brevstemme (bord, envelope, &a, &error));
  g_assert_true (a.can_accept);
  g_assert_cmpuint (a.reason, ==, 0);

  /* Deciding: the team cannot, one valgstyrer is not enough. */
  g_assert_cmpuint (vk_station_decide_brevstemme (hjem, envelope, TRUE, 0, styrere, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_ROLE);
  g_clear_error (&error);
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, envelope, TRUE, 0, one, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_TOO_FEW_VALGSTYRERE);
  g_clear_error (&error);
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, envelope, TRUE, 0, same, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_SAME_PERSON);
  g_clear_error (&error);
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, envelope, FALSE, 0, styrere, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_BAD_REJECTION_REASON);
  g_clear_error (&error);
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, envelope, TRUE, 0, styrere, &error), >, 0);
  g_assert_no_error (error);
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (bord);
  g_assert_cmpstr (entry->type, ==, "brevstemme.decision");
  g_assert_cmpuint (vk_cbor_array_get_length (vk_cbor_map_lookup_text (entry->body, "valgstyrere")), ==, 2);
  /* Decided once. */
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, envelope, FALSE, 3, styrere, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_ALREADY_DECIDED);
  g_clear_error (&error);

  /* The accepted brevstemme marks the voter: no ballot in person. */
  st = vk_station_dup_voter_status (bord, f->area1, 12);
  g_assert_cmpint (st->state, ==, VK_VOTER_BREVSTEMME);
  g_assert_cmpstr (st->envelope, ==, envelope);
  g_assert_cmpuint (vk_station_check_in (bord, 12, VK_CHECKIN_SCAN, FALSE, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_HAS_BREVSTEMME);
  g_clear_error (&error);
  vk_station_get_counts (bord, &counts);
  g_assert_cmpuint (counts.brevstemmer_received, ==, 1);
  g_assert_cmpuint (counts.brevstemmer_accepted, ==, 1);
  g_assert_cmpuint (counts.checked_in, ==, 0);
  g_assert_cmpfloat_with_epsilon (counts.turnout, 1.0 / counts.eligible, 1e-9);

  /* And after a restart. */
  g_clear_pointer (&bord, vk_station_close);
  bord = open_station (f, "bord-1", f->bord1);
  g_clear_pointer (&st, vk_voter_status_free);
  st = vk_station_dup_voter_status (bord, f->area1, 12);
  g_assert_cmpint (st->state, ==, VK_VOTER_BREVSTEMME);
}

static char *
receive (VkStation *s, guint area, guint lnr, guint64 cast_ms)
{
  g_autoptr (GError) error = NULL;
  const char *receivers[] = { "Mia Lund", NULL };
  VkBrevstemmeInput in = { area, lnr, NULL, "borgerservice", receivers, cast_ms };
  char *envelope = vk_station_receive_brevstemme (s, &in, NULL, &error);

  g_assert_no_error (error);
  return envelope;
}

static void
test_brevstemme_law (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) brev = open_station (f, "borgerservice", f->brev);
  g_autoptr (VkStation) bord = open_station (f, "bord-1", f->bord1);
  const char *styrere[] = { "Karen Dahl", "Ole Vinther", NULL };
  g_autofree char *other_area = receive (brev, f->area2, 3, election_day_ms (10, 12));
  g_autofree char *too_early = receive (brev, f->area1, 4, election_day_ms (22, 12));
  g_autofree char *too_late = receive (brev, f->area1, 5, election_day_ms (3, 12));
  g_autofree char *first = receive (brev, f->area1, 6, election_day_ms (12, 9));
  g_autofree char *second = receive (brev, f->area1, 6, election_day_ms (8, 9));
  g_autofree char *in_person = receive (brev, f->area1, 7, election_day_ms (8, 9));
  g_autofree char *a = receive (brev, f->area1, 8, election_day_ms (12, 9));
  g_autofree char *b = receive (brev, f->area1, 8, election_day_ms (8, 9));
  VkBrevstemmeAssessment as;
  g_autoptr (GPtrArray) list = NULL;

  sync_into (bord, brev);
  list = vk_station_dup_brevstemmer (bord, f->area1);
  g_assert_cmpuint (list->len, ==, 7);
  /* Ordered by cast time. */
  for (guint i = 1; i < list->len; i++)
    g_assert_cmpuint (((VkBrevstemme *)g_ptr_array_index (list, i - 1))->cast_ms, <=,
                      ((VkBrevstemme *)g_ptr_array_index (list, i))->cast_ms);

  g_assert_true (vk_station_assess_brevstemme (bord, other_area, &as, &error));
  g_assert_cmpuint (as.reason, ==, 1);
  g_assert_false (as.can_accept);
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, other_area, TRUE, 0, styrere, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_CANNOT_ACCEPT);
  g_clear_error (&error);
  g_assert_true (vk_station_assess_brevstemme (bord, too_early, &as, &error));
  g_assert_cmpuint (as.reason, ==, 6);
  g_assert_true (vk_station_assess_brevstemme (bord, too_late, &as, &error));
  g_assert_cmpuint (as.reason, ==, 6);
  /* The window is configurable. */
  vk_station_set_brevstemme_window (bord, election_day_ms (30, 0), election_day_ms (0, 0));
  g_assert_true (vk_station_assess_brevstemme (bord, too_early, &as, &error));
  g_assert_true (as.can_accept);
  vk_station_set_brevstemme_window (bord, election_day_ms (21, 0), election_day_ms (4, 0) - 1);

  /* Two from one voter: the later cast counts (§ 71 stk. 3). */
  g_assert_true (vk_station_assess_brevstemme (bord, first, &as, &error));
  g_assert_cmpuint (as.reason, ==, 7);
  g_assert_true (vk_station_assess_brevstemme (bord, second, &as, &error));
  g_assert_true (as.can_accept);
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, first, FALSE, 7, styrere, &error), >, 0);
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, second, TRUE, 0, styrere, &error), >, 0);
  g_assert_no_error (error);

  /* The later one rejected for another reason (two følgebreve): the earlier counts. */
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, b, FALSE, 3, styrere, &error), >, 0);
  g_assert_true (vk_station_assess_brevstemme (bord, a, &as, &error));
  g_assert_true (as.can_accept);

  /* A voter who has voted in person. */
  g_assert_cmpuint (vk_station_check_in (bord, 7, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  g_assert_true (vk_station_assess_brevstemme (bord, in_person, &as, &error));
  g_assert_false (as.can_accept);
  g_assert_cmpuint (as.reason, ==, 5);
  g_assert_no_error (error);
}

/* A simulated clock for one journal (vk_journal_set_clock()). */
static guint64
sim_clock (gpointer data)
{
  return *(guint64 *)data;
}

static gboolean
body_flag (const VkEntry *e, const char *key)
{
  VkCbor *v = vk_cbor_map_lookup_text (e->body, key);
  gboolean b = FALSE;

  return v != NULL && vk_cbor_get_bool (v, &b) && b;
}

static gboolean
body_flag_map (const VkCbor *body, const char *key)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);
  gboolean b = FALSE;

  return v != NULL && vk_cbor_get_bool (v, &b) && b;
}

static const char *
body_text_of (const VkEntry *e, const char *key)
{
  VkCbor *v = vk_cbor_map_lookup_text (e->body, key);
  return v != NULL ? vk_cbor_get_text (v, NULL) : NULL;
}

/* Check-in and poll close on a day that is not election day: refused
 * until a valgstyrer confirms, the confirmation journaled, and only for
 * that day. */
static void
test_guard_date (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) bord = open_station (f, "bord-1", f->bord1);
  g_autoptr (VkEntry) entry = NULL;
  guint64 now = election_day_ms (1, 10);
  guint64 head;

  vk_journal_set_clock (vk_station_get_journal (bord), sim_clock, &now);
  /* Off (the default for tools and replays): any day goes. */
  g_assert_false (vk_station_get_guards (bord));
  g_assert_cmpuint (vk_station_check_in (bord, 9, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  g_assert_no_error (error);

  vk_station_set_guards (bord, TRUE);
  g_assert_false (vk_station_is_election_day (bord));
  head = vk_journal_get_head_seq (vk_station_get_journal (bord));
  g_assert_cmpuint (vk_station_check_in (bord, 10, VK_CHECKIN_SCAN, FALSE, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_DATE);
  g_clear_error (&error);
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (bord)), ==, head);
  /* Only a valgstyrer confirms, by name. */
  g_assert_false (vk_station_confirm_date (bord, "Karen Dahl", &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_VALGSTYRER);
  g_clear_error (&error);
  vk_station_set_valgstyrer (bord, TRUE);
  g_assert_false (vk_station_confirm_date (bord, "  ", &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NO_REASON);
  g_clear_error (&error);
  g_assert_true (vk_station_confirm_date (bord, "Karen Dahl", &error));
  g_assert_cmpstr (vk_station_get_date_confirmation (bord), ==, "Karen Dahl");
  g_assert_cmpuint (vk_station_check_in (bord, 10, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  g_assert_no_error (error);
  entry = last_entry (bord);
  g_assert_true (body_flag (entry, "wrong_date"));
  g_assert_cmpstr (body_text_of (entry, "confirmed_by"), ==, "Karen Dahl");
  /* The entry passes the shared schema (what the count server checks). */
  g_assert_true (vk_entry_schema_check (vk_station_get_device (bord), vk_station_get_election (bord), entry, &error));
  g_assert_no_error (error);

  /* Election day: no confirmation needed, none written. */
  now = election_day_ms (0, 10);
  g_assert_true (vk_station_is_election_day (bord));
  g_assert_cmpuint (vk_station_check_in (bord, 11, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (bord);
  g_assert_false (body_flag (entry, "wrong_date"));
  g_assert_null (vk_cbor_map_lookup_text (entry->body, "confirmed_by"));

  /* The day after: yesterday's confirmation no longer holds. */
  now = election_day_ms (0, 10) + 24 * 3600 * 1000ull;
  g_assert_null (vk_station_get_date_confirmation (bord));
  g_assert_cmpuint (vk_station_close_poll (bord, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_DATE);
  g_clear_error (&error);
  g_assert_true (vk_station_confirm_date (bord, "Ole Vinther", &error));
  g_assert_cmpuint (vk_station_close_poll (bord, &error), >, 0);
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (bord);
  g_assert_cmpstr (entry->type, ==, "poll.close");
  g_assert_cmpstr (body_text_of (entry, "confirmed_by"), ==, "Ole Vinther");
  g_assert_true (body_flag (entry, "wrong_date"));

  /* Sign-off (vk_tally_sign_off() asks the same guard): the foreløbig
   * count may end the day after election day, not two days after; the
   * fintælling within D10's week. */
  {
    g_autoptr (VkCbor) body = vk_cbor_new_map ();
    g_autoptr (VkStation) other = open_station (f, "bord-2", f->bord2);

    vk_journal_set_clock (vk_station_get_journal (other), sim_clock, &now);
    vk_station_set_guards (other, TRUE);
    now = election_day_ms (0, 10) + 24 * 3600 * 1000ull + 3600 * 1000ull; /* the next day, 11:00 */
    g_assert_true (vk_station_check_signoff (other, TRUE, f->area1, body, &error));
    g_assert_no_error (error);
    g_assert_null (vk_cbor_map_lookup_text (body, "wrong_date"));
    now = election_day_ms (0, 10) + 2 * 24 * 3600 * 1000ull;
    g_assert_false (vk_station_check_signoff (other, TRUE, f->area1, body, &error));
    g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_DATE);
    g_clear_error (&error);
    g_assert_true (vk_station_check_signoff (other, FALSE, f->area1, body, &error));
    now = election_day_ms (0, 10) + 8 * 24 * 3600 * 1000ull;
    g_assert_false (vk_station_check_signoff (other, FALSE, f->area1, body, &error));
    g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_DATE);
    g_clear_error (&error);
    vk_station_set_valgstyrer (other, TRUE);
    g_assert_true (vk_station_confirm_date (other, "Karen Dahl", &error));
    g_assert_true (vk_station_check_signoff (other, FALSE, f->area1, body, &error));
    g_assert_true (body_flag_map (body, "wrong_date"));
  }
}

/* Brevstemmer at reception: after the deadline refused, before the
 * period confirmed; twice in minutes noticed; a cancel with a reason;
 * the table's view, D06 and the guards of the close. */
static void
test_guard_brevstemme (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) brev = open_station (f, "borgerservice", f->brev);
  g_autoptr (VkStation) bord = open_station (f, "bord-1", f->bord1);
  g_autoptr (VkEntry) entry = NULL;
  const char *receivers[] = { "Mia Lund", NULL };
  const char *styrere[] = { "Karen Dahl", "Ole Vinther", NULL };
  VkBrevstemmeInput in = { f->area1, 20, NULL, "borgerservice", receivers, 0 };
  g_autofree char *wrong = NULL, *right = NULL, *dup = NULL, *early = NULL;
  g_autoptr (VkBrevstemme) b = NULL;
  g_autoptr (GPtrArray) findings = NULL;
  guint64 head, first_ms, last_ms;
  VkStationCounts counts;

  vk_station_set_guards (brev, TRUE);
  vk_station_set_guards (bord, TRUE);
  vk_station_get_brevstemme_window (brev, &first_ms, &last_ms);

  /* After the deadline: refused, nothing journaled. */
  head = vk_journal_get_head_seq (vk_station_get_journal (brev));
  in.cast_ms = last_ms + 1;
  g_assert_null (vk_station_receive_brevstemme (brev, &in, NULL, &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_TOO_LATE);
  g_clear_error (&error);
  g_assert_cmpuint (vk_journal_get_head_seq (vk_station_get_journal (brev)), ==, head);
  /* Before the period: a valgstyrer's confirmation, journaled. */
  in.cast_ms = first_ms - 1;
  g_assert_null (vk_station_receive_brevstemme (brev, &in, NULL, &error));
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_OUTSIDE_WINDOW);
  g_clear_error (&error);
  vk_station_set_valgstyrer (brev, TRUE);
  g_assert_true (vk_station_confirm_date (brev, "Per Holm", &error));
  in.loebenummer = 21;
  early = vk_station_receive_brevstemme (brev, &in, NULL, &error);
  g_assert_no_error (error);
  entry = last_entry (brev);
  g_assert_true (body_flag (entry, "outside_window"));
  g_assert_cmpstr (body_text_of (entry, "confirmed_by"), ==, "Per Holm");
  g_assert_true (vk_entry_schema_check (vk_station_get_device (brev), vk_station_get_election (brev), entry, &error));

  /* In the period: the wrong voter (20) chosen, then the right one (22),
   * and the same voter twice minutes apart is noticed. */
  in.cast_ms = first_ms + 3600 * 1000;
  in.loebenummer = 20;
  wrong = vk_station_receive_brevstemme (brev, &in, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_station_count_recent_brevstemmer (brev, f->area1, 20, 10 * 60 * 1000), ==, 1);
  dup = vk_station_receive_brevstemme (brev, &in, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_station_count_recent_brevstemmer (brev, f->area1, 20, 10 * 60 * 1000), ==, 2);
  in.loebenummer = 22;
  right = vk_station_receive_brevstemme (brev, &in, NULL, &error);
  g_assert_no_error (error);

  /* Cancel: a reason is needed, then once; only by the team that received it. */
  g_assert_cmpuint (vk_station_cancel_brevstemme (brev, dup, " ", &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NO_REASON);
  g_clear_error (&error);
  g_assert_cmpuint (vk_station_cancel_brevstemme (brev, dup, "Registreret to gange", &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_station_cancel_brevstemme (brev, wrong, "Forkert vælger valgt", &error), >, 0);
  g_assert_cmpuint (vk_station_cancel_brevstemme (brev, wrong, "igen", &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_CANCELLED);
  g_clear_error (&error);
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (brev);
  g_assert_cmpstr (entry->type, ==, "brevstemme.cancel");
  g_assert_cmpstr (body_text_of (entry, "reason"), ==, "Forkert vælger valgt");
  g_assert_cmpuint (vk_station_count_recent_brevstemmer (brev, f->area1, 20, 10 * 60 * 1000), ==, 0);

  /* The table: the cancels arrive with the journal. */
  sync_into (bord, brev);
  b = vk_station_dup_brevstemme (bord, wrong);
  g_assert_true (b->cancelled);
  g_assert_cmpstr (b->cancel_reason, ==, "Forkert vælger valgt");
  g_assert_cmpuint (vk_station_cancel_brevstemme (bord, right, "x", &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_ROLE);
  g_clear_error (&error);
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, wrong, FALSE, 1, styrere, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_CANCELLED);
  g_clear_error (&error);
  vk_station_get_counts (bord, &counts);
  g_assert_cmpuint (counts.brevstemmer_received, ==, 2); /* 21 (early) and 22 */
  g_assert_cmpuint (vk_fold_count_voter_brevstemmer (vk_station_get_fold (bord), f->area1, 20), ==, 0);
  g_assert_cmpuint (vk_station_count_undecided (bord, f->area1), ==, 2);
  /* D06: voter 20's two envelopes are both cancelled: no finding. */
  findings = vk_rules_run (vk_station_get_fold (bord), NULL);
  for (guint i = 0; i < findings->len; i++)
    g_assert_cmpuint (((VkFinding *)g_ptr_array_index (findings, i))->rule, !=, 6);

  /* A voter with an undecided brevstemme at the table: a valgstyrer confirms. */
  vk_station_set_valgstyrer (bord, TRUE);
  g_assert_true (vk_station_confirm_date (bord, "Karen Dahl", &error)); /* today is not 2029-11-20 */
  vk_station_set_valgstyrer (bord, FALSE);
  g_assert_true (vk_station_has_undecided_brevstemme (bord, f->area1, 22));
  g_assert_cmpuint (vk_station_check_in (bord, 22, VK_CHECKIN_SCAN, FALSE, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_UNCONFIRMED_BREVSTEMME);
  g_clear_error (&error);
  g_assert_cmpuint (vk_station_check_in_full (bord, 22, VK_CHECKIN_SCAN, FALSE, TRUE, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_VALGSTYRER);
  g_clear_error (&error);
  vk_station_set_valgstyrer (bord, TRUE);
  g_assert_cmpuint (vk_station_check_in_full (bord, 22, VK_CHECKIN_SCAN, FALSE, TRUE, &error), >, 0);
  g_assert_no_error (error);
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (bord);
  g_assert_true (body_flag (entry, "brevstemme_pending"));

  /* Closing with brevstemmer undecided: refused, or explained by a valgstyrer. */
  g_assert_cmpuint (vk_station_close_poll (bord, &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_UNDECIDED_BREVSTEMMER);
  g_clear_error (&error);
  g_assert_cmpuint (vk_station_decide_brevstemme (bord, right, FALSE, 5, styrere, &error), >, 0);
  g_assert_cmpuint (vk_station_count_undecided (bord, f->area1), ==, 1);
  vk_station_set_valgstyrer (bord, FALSE);
  g_assert_cmpuint (vk_station_close_poll_explained (bord, "Konvolutten er ikke kommet", &error), ==, 0);
  g_assert_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_VALGSTYRER);
  g_clear_error (&error);
  vk_station_set_valgstyrer (bord, TRUE);
  g_assert_cmpuint (vk_station_close_poll_explained (bord, "Konvolutten er ikke kommet", &error), >, 0);
  g_assert_no_error (error);
  g_clear_pointer (&entry, vk_entry_free);
  entry = last_entry (bord);
  g_assert_cmpstr (body_text_of (entry, "explanation"), ==, "Konvolutten er ikke kommet");
  g_assert_true (vk_entry_schema_check (vk_station_get_device (bord), vk_station_get_election (bord), entry, &error));
  g_assert_no_error (error);
}

/* D06, D13 and D17 with a cancelled brevstemme (the count server's
 * rules over journals written raw, J6): area 1 voter 6's envelope is
 * cancelled and never decided, voter 7 has a second envelope that is
 * cancelled, voter 8's was cast after the deadline and cancelled.  With
 * the cancels nothing is reported; without them D06, D13 and D17 are. */
static guint
count_rule (GPtrArray *findings, guint rule)
{
  guint n = 0;
  for (guint i = 0; i < findings->len; i++)
    n += ((VkFinding *)g_ptr_array_index (findings, i))->rule == rule;
  return n;
}

static GPtrArray *
rules_with_cancel (gboolean cancel)
{
  g_autoptr (VkTestElection) te = vk_test_election_new (20);
  g_autoptr (VkFold) fold = NULL;
  g_autoptr (GError) error = NULL;
  const char *ids[] = { "brev-1", "bord-1" };
  guint64 t = te->t0 - 10 * 24 * 3600 * 1000ull;
  char *env5 = NULL, *env6 = NULL, *env7a = NULL, *env7b = NULL, *env8 = NULL;

  vk_test_add_device (te, "brev-1", "brevstemmested", VK_PACKAGE_NO_AREA);
  vk_test_add_device (te, "bord-1", "valgbord", 1);
  vk_test_open (te, "brev-1", t);
  vk_test_brev (te, "brev-1", t, 1, 5, t, &env5);
  vk_test_brev (te, "brev-1", t, 1, 6, t, &env6);
  vk_test_brev (te, "brev-1", t, 1, 7, t, &env7a);
  vk_test_brev (te, "brev-1", t + 60000, 1, 7, t + 60000, &env7b);
  vk_test_brev (te, "brev-1", t, 1, 8, te->t0 - 3600000, &env8);
  if (cancel)
    {
      const char *envs[] = { env6, env7b, env8 };
      const guint lnrs[] = { 6, 7, 8 };
      for (guint i = 0; i < G_N_ELEMENTS (envs); i++)
        {
          VkCbor *b = vk_cbor_new_map ();
          vk_cbor_map_set_text (b, "envelope", envs[i]);
          vk_cbor_map_set_uint (b, "area", 1);
          vk_cbor_map_set_uint (b, "loebenummer", lnrs[i]);
          vk_cbor_map_set_text (b, "reason", "Forkert vælger valgt");
          vk_test_append (te, "brev-1", t + 120000, "brevstemme.cancel", b);
        }
    }
  vk_test_open (te, "bord-1", te->t0 - 4 * 3600000);
  vk_test_decision (te, "bord-1", te->t0 - 3 * 3600000, env5, 1, 5, TRUE);
  vk_test_decision (te, "bord-1", te->t0 - 3 * 3600000, env7a, 1, 7, TRUE);
  vk_test_close (te, "bord-1", te->t0 + 8 * 3600000, 1);
  vk_test_signoff (te, "bord-1", te->t0 + 9 * 3600000, "foreloebig", 1, vk_test_counts (te, 2, 0), NULL, 2, TRUE);

  fold = vk_fold_new (te->package, &error);
  g_assert_no_error (error);
  for (guint d = 0; d < G_N_ELEMENTS (ids); d++)
    {
      g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_test_journal (te, ids[d]), 0, &error);
      for (guint i = 0; i < entries->len; i++)
        {
          g_assert_true (vk_fold_add (fold, g_ptr_array_index (entries, i), &error));
          g_assert_no_error (error);
        }
    }
  g_free (env5), g_free (env6), g_free (env7a), g_free (env7b), g_free (env8);
  return vk_rules_run (fold, NULL);
}

static void
test_rules_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) with = rules_with_cancel (TRUE);
  g_autoptr (GPtrArray) without = rules_with_cancel (FALSE);

  g_assert_cmpuint (count_rule (without, 6), ==, 1);
  g_assert_cmpuint (count_rule (without, 13), ==, 1);
  g_assert_cmpuint (count_rule (without, 17), ==, 3); /* 6, 7b, 8 */
  g_assert_cmpuint (count_rule (with, 6), ==, 0);
  g_assert_cmpuint (count_rule (with, 13), ==, 0);
  g_assert_cmpuint (count_rule (with, 17), ==, 0);
}

/* PRAGMA synchronous of the station's journal connection (2: FULL, 1: NORMAL). */
static gint64
journal_synchronous (VkStation *s)
{
  sqlite3 *db = vk_db_get_handle (vk_journal_get_db (vk_station_get_journal (s)));
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA synchronous", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* The entries a copy of the journal's database file holds without its
 * WAL: what is in the main file, synced by a checkpoint. */
static guint
entries_in_main_file (Fixture *f, const char *device_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strconcat (device_id, ".db", NULL);
  g_autofree char *db = g_build_filename (f->dir, name, NULL);
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  guint n;

  g_assert_true (g_file_get_contents (db, &contents, &len, &error));
  g_assert_true (g_file_set_contents (copy, contents, (gssize)len, &error));
  {
    g_autoptr (VkJournal) j = vk_journal_open (copy, vk_package_get_election_id (f->package), device_id, &error);
    g_autoptr (GPtrArray) entries = NULL;
    g_assert_no_error (error);
    entries = vk_journal_dup_entries (j, 0, &error);
    g_assert_no_error (error);
    n = entries->len;
  }
  (void)g_unlink (copy);
  {
    g_autofree char *wal = g_strconcat (copy, "-wal", NULL);
    g_autofree char *shm = g_strconcat (copy, "-shm", NULL);
    (void)g_unlink (wal);
    (void)g_unlink (shm);
  }
  return n;
}

/* Batched durability (the demo's replay): one fsync per vk_station_sync()
 * instead of one per entry; after the sync every entry is in the synced
 * main database file; off again, each entry is durable on return. */
static void
test_batched_durability (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStation) s = open_station (f, "bord-1", f->bord1);

  /* The default, and the station app's: every commit fsynced. */
  g_assert_false (vk_station_get_batched_durability (s));
  g_assert_cmpint (journal_synchronous (s), ==, 2);
  g_assert_true (vk_station_set_batched_durability (s, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (vk_station_get_batched_durability (s));
  g_assert_cmpint (journal_synchronous (s), ==, 1);
  g_assert_true (vk_station_sync (s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (entries_in_main_file (f, "bord-1"), ==, 1); /* device.open */

  /* Committed and read back at once, in the main file only after the sync. */
  for (guint l = 1; l <= 20; l++)
    g_assert_cmpuint (vk_station_check_in (s, l, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_true (vk_station_is_checked_in (s, 20));
  g_assert_cmpuint (entries_in_main_file (f, "bord-1"), ==, 1);
  g_assert_true (vk_station_sync (s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (entries_in_main_file (f, "bord-1"), ==, 21);
  /* Nothing new: a sync is a no-op that succeeds. */
  g_assert_true (vk_station_sync (s, &error));

  /* Off again: the batch is synced first, then one fsync per entry. */
  g_assert_cmpuint (vk_station_check_in (s, 21, VK_CHECKIN_SCAN, FALSE, &error), >, 0);
  g_assert_true (vk_station_set_batched_durability (s, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (entries_in_main_file (f, "bord-1"), ==, 22);
  g_assert_cmpint (journal_synchronous (s), ==, 2);
  g_assert_false (vk_station_get_batched_durability (s));

  /* A reopened station starts in the default. */
  g_clear_pointer (&s, vk_station_close);
  s = open_station (f, "bord-1", f->bord1);
  g_assert_false (vk_station_get_batched_durability (s));
  g_assert_cmpint (journal_synchronous (s), ==, 2);
  g_assert_true (vk_station_is_checked_in (s, 21));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);
#define ADD(path, fn) g_test_add ("/station/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("checkin-states", test_checkin_states);
  ADD ("checkin-roles", test_checkin_roles);
  ADD ("undo", test_undo);
  ADD ("restart", test_restart);
  ADD ("sync-conflict", test_sync_conflict);
  ADD ("ingest-bad", test_ingest_bad);
  ADD ("export-usb", test_export_usb);
  ADD ("refresh", test_refresh);
  ADD ("brevstemme-flow", test_brevstemme_flow);
  ADD ("brevstemme-law", test_brevstemme_law);
  ADD ("guard-date", test_guard_date);
  ADD ("guard-brevstemme", test_guard_brevstemme);
  ADD ("rules-cancel", test_rules_cancel);
  ADD ("batched-durability", test_batched_durability);
#undef ADD
  return g_test_run ();
}

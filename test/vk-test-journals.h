/* vk-test-journals.h: a small election with enrolled devices and their
 * journals, for the count and rules tests.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Header-only (static functions) so that each test links it without a
 * change to the test build.  Entries other than check-ins (brevstemmer,
 * decisions, tallies, sign-offs) are appended raw through vk_journal with
 * the J6 bodies of docs/journal-format.md: the station services that will
 * write them are not built yet.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "vk-cbor.h"
#include "vk-fake-election.h"
#include "vk-fake.h"
#include "vk-journal.h"
#include "vk-keys.h"
#include "vk-package.h"
#include "vk-test-util.h"
#include "vk-voters.h"

typedef struct
{
  char *dir;
  VkPackage *package;
  VkElection *election;
  VkKeypair *election_key;
  GHashTable *keys;     /* device id → VkKeypair* */
  GHashTable *journals; /* device id → VkJournal* */
  GHashTable *borrowed; /* device id → VkJournal* owned elsewhere (a VkStation's) */
  guint64 t0;           /* election day 12:00 local, ms */
} VkTestElection;

static G_GNUC_UNUSED VkKeypair *
vk_test_key_for (const char *name)
{
  guint8 seed[VK_SEED_BYTES];

  vk_sha256 ((const guint8 *)name, strlen (name), seed);
  return vk_keypair_new_from_seed (seed);
}

/* A package of election (taken over) with voters_per_area voters in each
 * area, signed; no devices yet. */
static G_GNUC_UNUSED VkTestElection *
vk_test_election_new_for (VkElection *election, guint voters_per_area)
{
  VkTestElection *te = g_new0 (VkTestElection, 1);
  g_autoptr (VkVoterList) voters = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GDateTime) noon = NULL;
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");

  te->dir = vk_test_tmpdir ();
  te->election = election;
  voters = vk_voters_generate_for_election (te->election, voters_per_area, 5);
  te->election_key = vk_test_key_for ("election");
  path = g_build_filename (te->dir, "election.vkp", NULL);
  te->package = vk_package_create (path, te->election, voters, te->election_key, &error);
  g_assert_no_error (error);
  te->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)vk_keypair_free);
  te->journals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)vk_journal_close);
  te->borrowed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  noon = g_date_time_new (tz != NULL ? tz : g_time_zone_new_utc (), 2029, 11, 20, 12, 0, 0);
  te->t0 = (guint64)g_date_time_to_unix (noon) * 1000;
  return te;
}

/* The fake election (4 areas, 6 lists, 15 seats): vk_fake_election_new. */
static G_GNUC_UNUSED VkTestElection *
vk_test_election_new (guint voters_per_area)
{
  return vk_test_election_new_for (vk_fake_election_new (1), voters_per_area);
}

/* The same municipality's joint KV + RV event (vk_fake_election_new_joint). */
static G_GNUC_UNUSED VkTestElection *
vk_test_election_new_joint (guint voters_per_area)
{
  return vk_test_election_new_for (vk_fake_election_new_joint (1), voters_per_area);
}

static G_GNUC_UNUSED void
vk_test_election_free (VkTestElection *te)
{
  if (te == NULL)
    return;
  g_hash_table_unref (te->journals);
  g_hash_table_unref (te->borrowed);
  g_hash_table_unref (te->keys);
  vk_package_free (te->package);
  vk_election_free (te->election);
  vk_keypair_free (te->election_key);
  g_free (te->dir);
  g_free (te);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkTestElection, vk_test_election_free)

/* Enrols a device, valid from 200 days before election day (or
 * yesterday) until 30 days after it (or a year from now), so that both
 * the fixed-time entries and real-time entries verify. */
static G_GNUC_UNUSED VkKeypair *
vk_test_add_device (VkTestElection *te, const char *id, const char *role, guint area)
{
  g_autoptr (GError) error = NULL;
  VkKeypair *key = vk_test_key_for (id);
  guint64 day = G_GUINT64_CONSTANT (24) * 3600 * 1000;
  guint64 now = (guint64)(g_get_real_time () / 1000);
  guint64 from = MIN (te->t0 - 200 * day, now - day);
  guint64 to = MAX (te->t0 + 30 * day, now + 365 * day);

  g_assert_true (vk_package_enroll (te->package, te->election_key, id, role, area, vk_keypair_get_public_key (key),
                                    from, to, &error));
  g_assert_no_error (error);
  g_hash_table_insert (te->keys, g_strdup (id), key);
  return key;
}

static G_GNUC_UNUSED VkKeypair *
vk_test_get_key (VkTestElection *te, const char *id)
{
  VkKeypair *key = g_hash_table_lookup (te->keys, id);

  g_assert_nonnull (key);
  return key;
}

static G_GNUC_UNUSED VkJournal *
vk_test_journal (VkTestElection *te, const char *id)
{
  VkJournal *j = g_hash_table_lookup (te->borrowed, id);

  if (j == NULL)
    j = g_hash_table_lookup (te->journals, id);
  if (j == NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("%s.db", id);
      g_autofree char *path = g_build_filename (te->dir, name, NULL);

      j = vk_journal_open (path, vk_package_get_election_id (te->package), id, &error);
      g_assert_no_error (error);
      g_hash_table_insert (te->journals, g_strdup (id), j);
    }
  return j;
}

/* Uses a journal owned elsewhere (a VkStation's) for device id. */
static G_GNUC_UNUSED void
vk_test_borrow_journal (VkTestElection *te, const char *id, VkJournal *journal)
{
  g_hash_table_insert (te->borrowed, g_strdup (id), journal);
}

/* Appends a raw entry; body is taken over.  Returns its seq. */
static G_GNUC_UNUSED guint64
vk_test_append (VkTestElection *te, const char *id, guint64 time_ms, const char *type, VkCbor *body)
{
  g_autoptr (VkCbor) b = body;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkEntry) e
      = vk_journal_append_at (vk_test_journal (te, id), vk_test_get_key (te, id), time_ms, type, b, &error);

  g_assert_no_error (error);
  return e->seq;
}

static G_GNUC_UNUSED guint64
vk_test_open (VkTestElection *te, const char *id, guint64 t)
{
  const VkDevice *d = vk_package_lookup_device (te->package, id);
  VkCbor *b = vk_cbor_new_map ();

  vk_cbor_map_set_text (b, "role", d->role);
  if (d->area == VK_PACKAGE_NO_AREA)
    vk_cbor_map_insert_text (b, "area", vk_cbor_new_null ());
  else
    vk_cbor_map_set_uint (b, "area", d->area);
  vk_cbor_map_set_text (b, "software", "valgkit test");
  return vk_test_append (te, id, t, "device.open", b);
}

static G_GNUC_UNUSED guint64
vk_test_checkin (VkTestElection *te, const char *id, guint64 t, guint area, guint lnr)
{
  VkCbor *b = vk_cbor_new_map ();

  vk_cbor_map_set_uint (b, "area", area);
  vk_cbor_map_set_uint (b, "loebenummer", lnr);
  vk_cbor_map_set_text (b, "method", "scan");
  return vk_test_append (te, id, t, "checkin", b);
}

static G_GNUC_UNUSED guint64
vk_test_undo (VkTestElection *te, const char *id, guint64 t, const char *ref_device, guint64 ref_seq, guint area,
              guint lnr)
{
  VkCbor *b = vk_cbor_new_map ();

  vk_cbor_map_set_text (b, "device", ref_device);
  vk_cbor_map_set_uint (b, "seq", ref_seq);
  vk_cbor_map_set_uint (b, "area", area);
  vk_cbor_map_set_uint (b, "loebenummer", lnr);
  vk_cbor_map_set_text (b, "reason", "wrong voter");
  return vk_test_append (te, id, t, "checkin.undo", b);
}

/* A brevstemme.received; the envelope id is "<id>/<n>" with n counted
 * per call. */
static G_GNUC_UNUSED guint64
vk_test_brev (VkTestElection *te, const char *id, guint64 t, guint area, guint lnr, guint64 cast_ms, char **ret_env)
{
  VkCbor *b = vk_cbor_new_map ();
  VkCbor *recv = vk_cbor_new_array ();
  guint64 next = vk_journal_get_head_seq (vk_test_journal (te, id)) + 1;
  char *env = g_strdup_printf ("%s/%" G_GUINT64_FORMAT, id, next);

  vk_cbor_array_append (recv, vk_cbor_new_text ("Modtager A", -1));
  vk_cbor_map_set_text (b, "envelope", env);
  vk_cbor_map_set_uint (b, "area", area);
  vk_cbor_map_set_uint (b, "loebenummer", lnr);
  vk_cbor_map_set_text (b, "place", "borgerservice");
  vk_cbor_map_insert_text (b, "receivers", recv);
  vk_cbor_map_set_uint (b, "cast_ms", cast_ms);
  if (ret_env != NULL)
    *ret_env = env;
  else
    g_free (env);
  return vk_test_append (te, id, t, "brevstemme.received", b);
}

static G_GNUC_UNUSED guint64
vk_test_decision (VkTestElection *te, const char *id, guint64 t, const char *envelope, guint area, guint lnr,
                  gboolean accepted)
{
  VkCbor *b = vk_cbor_new_map ();
  VkCbor *vs = vk_cbor_new_array ();

  vk_cbor_array_append (vs, vk_cbor_new_text ("Valgstyrer A", -1));
  vk_cbor_array_append (vs, vk_cbor_new_text ("Valgstyrer B", -1));
  vk_cbor_map_set_text (b, "envelope", envelope);
  vk_cbor_map_set_uint (b, "area", area);
  vk_cbor_map_set_uint (b, "loebenummer", lnr);
  vk_cbor_map_set_bool (b, "accepted", accepted);
  if (!accepted)
    vk_cbor_map_set_uint (b, "reason", 7);
  vk_cbor_map_insert_text (b, "valgstyrere", vs);
  return vk_test_append (te, id, t, "brevstemme.decision", b);
}

/* A J6 `ballot.decision` body: count ballots of the `ballot.doubtful`
 * entry ref go to key ("list", "candidate": id) or are invalid (id NULL:
 * key "invalid", reason code). */
static G_GNUC_UNUSED VkCbor *
vk_test_doubt_decision_body (guint area, guint64 ref, guint64 count, const char *key, const char *id, guint64 code)
{
  VkCbor *b = vk_cbor_new_map ();
  VkCbor *d = vk_cbor_new_map ();

  if (id != NULL)
    vk_cbor_map_set_text (d, key, id);
  else
    vk_cbor_map_set_uint (d, key, code);
  vk_cbor_map_set_uint (b, "area", area);
  vk_cbor_map_set_uint (b, "ref", ref);
  vk_cbor_map_insert_text (b, "decision", d);
  vk_cbor_map_set_uint (b, "count", count);
  return b;
}

static G_GNUC_UNUSED guint64
vk_test_close (VkTestElection *te, const char *id, guint64 t, guint area)
{
  VkCbor *b = vk_cbor_new_map ();

  vk_cbor_map_set_uint (b, "area", area);
  return vk_test_append (te, id, t, "poll.close", b);
}

/* A consistent counts map: `cast` ballots spread over the lists (the
 * first list gets extra_first more), 1 blank, 1 other invalid (reason 8).
 * cast must be at least 2 + number of lists. */
static G_GNUC_UNUSED VkCbor *
vk_test_counts_for (const VkElection *contest, guint64 cast, gint64 extra_first)
{
  VkCbor *c = vk_cbor_new_map ();
  VkCbor *lists = vk_cbor_new_map ();
  VkCbor *inv = vk_cbor_new_map ();
  guint n = contest->lists->len;
  guint64 valid = cast - 2;
  guint64 left = valid;

  for (guint i = 0; i < n; i++)
    {
      const VkList *l = g_ptr_array_index (contest->lists, i);
      guint64 v = i + 1 == n ? left : valid / n;

      left -= v;
      vk_cbor_map_set_uint (lists, l->id, i == 0 ? (guint64)((gint64)v + extra_first) : v);
    }
  vk_cbor_map_set_uint (inv, "8", 1);
  vk_cbor_map_set_uint (c, "cast", cast);
  vk_cbor_map_set_uint (c, "valid", valid);
  vk_cbor_map_set_uint (c, "blank_fremmoedte", 1);
  vk_cbor_map_set_uint (c, "blank_brev", 0);
  vk_cbor_map_insert_text (c, "invalid", inv);
  vk_cbor_map_insert_text (c, "lists", lists);
  return c;
}

/* vk_test_counts_for() on the primary contest. */
static G_GNUC_UNUSED VkCbor *
vk_test_counts (VkTestElection *te, guint64 cast, gint64 extra_first)
{
  return vk_test_counts_for (te->election, cast, extra_first);
}

/* Two tally rounds with the same counts and a sign-off by n_signers;
 * counts is taken over.  Returns the sign-off's seq. */
static G_GNUC_UNUSED guint64
vk_test_signoff (VkTestElection *te, const char *id, guint64 t, const char *kind, guint area, VkCbor *counts,
                 const char *explanation, guint n_signers, gboolean with_rounds)
{
  g_autoptr (VkCbor) cts = counts;
  VkCbor *b;
  VkCbor *signers = vk_cbor_new_array ();

  for (guint round = 1; with_rounds && round <= 2; round++)
    {
      b = vk_cbor_new_map ();
      vk_cbor_map_set_text (b, "kind", kind);
      vk_cbor_map_set_uint (b, "area", area);
      vk_cbor_map_set_uint (b, "round", round);
      vk_cbor_map_set_text (b, "by", round == 1 ? "Tilforordnet 1" : "Tilforordnet 2");
      vk_cbor_map_insert_text (b, "counts", vk_cbor_ref (cts));
      vk_test_append (te, id, t, "tally", b);
    }
  for (guint i = 0; i < n_signers; i++)
    {
      g_autofree char *name = g_strdup_printf ("Valgstyrer %u", i + 1);
      vk_cbor_array_append (signers, vk_cbor_new_text (name, -1));
    }
  b = vk_cbor_new_map ();
  vk_cbor_map_set_text (b, "kind", kind);
  vk_cbor_map_set_uint (b, "area", area);
  vk_cbor_map_insert_text (b, "counts", vk_cbor_ref (cts));
  vk_cbor_map_insert_text (b, "signers", signers);
  if (explanation != NULL)
    vk_cbor_map_set_text (b, "explanation", explanation);
  return vk_test_append (te, id, t, "tally.signoff", b);
}

/* The journal's entries with seq in [from, to] (to 0: to the end) as a
 * CBOR sequence. */
static G_GNUC_UNUSED GBytes *
vk_test_batch (VkTestElection *te, const char *id, guint64 from, guint64 to)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = vk_journal_dup_entries (vk_test_journal (te, id), from > 0 ? from - 1 : 0, &error);
  g_autoptr (GPtrArray) sel = g_ptr_array_new ();

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      VkEntry *e = g_ptr_array_index (all, i);
      if (to == 0 || e->seq <= to)
        g_ptr_array_add (sel, e);
    }
  return vk_journal_serialize (sel);
}

/* cmd-demo.c: `valgkit demo`: a whole election, end to end.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The demo replays a municipality's election through the same engine
 * code the stations and the count server run.  It makes the election key
 * and package (synthetic voters: fake names and addresses, as many per
 * area as it had eligible voters), enrols a count server, 2–4 tables and
 * two valgstyrere per area, brevstemme teams and fintælling tables, and
 * starts a real `valgkit serve` on loopback.  Then:
 *
 *   brevstemmer  about 6 % of the votes cast, taken at Borgerservice and on
 *                home visits in the three weeks before; some cast twice,
 *                some late, some rejected by the valgstyrere;
 *   election day the tables check in exactly as many voters as voted in
 *                person (the official foreløbig count), with a few
 *                conflicts resolved by undo; at close each area's
 *                foreløbig count is entered twice and signed off by two
 *                valgstyrere with their own keys, and pushed over HTTP;
 *   next day     the fintælling tables enter each area's official
 *                fintælling twice (one mismatch found and corrected) and
 *                push it;
 *   results      the count server's engine computes results and the seat
 *                allocation, publishes them in its journal and prints the
 *                result sheets, valgbøger and the discrepancy report;
 *                finally `valgkit audit`'s checks run over what was written.
 *
 * Entry times are the election's real dates (a simulated clock,
 * vk_journal_set_default_clock()); everything is marked PRØVEVALG.
 */
#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd-demo-fv.h"
#include "cmd-demo-rv.h"
#include "cmd-demo-util.h"
#include "vk-audit.h"
#include "vk-cli.h"
#include "vk-count-export.h"
#include "vk-count-print.h"
#include "vk-count.h"
#include "vk-discrepancy-report.h"
#include "vk-error.h"
#include "vk-fake-election.h"
#include "vk-fake.h"
#include "vk-package.h"
#include "vk-result-sheet.h"
#include "vk-rules.h"
#include "vk-station.h"
#include "vk-sync.h"
#include "vk-tally.h"
#include "vk-text.h"
#include "vk-valgbog.h"
#include "vk-valgkort-print.h"

#define DEMO_PASSPHRASE "prøvevalg"
#define DEMO_SEED 20251118
#define MINUTE_MS (60 * 1000ull)
#define HOUR_MS (60 * MINUTE_MS)
#define DAY_MS (24 * HOUR_MS)

/* The simulated wall clock every journal of this process uses: one per
 * thread, as each area's election day runs in a worker thread of its own
 * (areas are independent until their tables push). */
static _Thread_local guint64 sim_now_ms;

/* The singular or the plural after a number ("1 area", "2 areas"). */
#define PL(n, one, many) ((n) == 1 ? (one) : (many))

static guint64
sim_tick (guint64 minutes)
{
  sim_now_ms += minutes * MINUTE_MS;
  return sim_now_ms;
}

static guint64
sim_clock (gpointer user_data)
{
  return sim_now_ms;
}

typedef struct
{
  char *device_id;
  VkDeviceRole role;
  guint area;
  VkKeypair *key;
  char *db_path;
} DemoDevice;

static void
demo_device_free (DemoDevice *d)
{
  g_free (d->device_id);
  vk_keypair_free (d->key);
  g_free (d->db_path);
  g_free (d);
}

typedef struct
{
  const char *out;
  const char *passphrase;
  VkElection *election;
  VkResults *foreloebig;
  VkResults *fintaelling;
  /* --rv: the joint regionsrådsvalg (the RV contest is in election) */
  const char *rv_dir;
  guint rv_seats;
  VkResults *rv_foreloebig; /* one per area, in the election's area order */
  VkResults *rv_fintaelling;
  VkPackage *package;
  VkKeypair *election_key;
  GPtrArray *devices;      /* DemoDevice* */
  GHashTable *by_id;       /* device id → DemoDevice* (borrowed) */
  guint64 election_day_ms; /* 00:00 local on election day */
  VkDemoServer server;
  gboolean tty;
  VkFakeRng rng;
  /* what happened, for the summary and the valgbøger */
  guint n_checkins, n_undos, n_conflicts, n_brev, n_brev_accepted, n_brev_rejected, n_valgboeger;
  VkVoterIndex *index;                 /* one voter index, shared by every station opened */
  GArray *marked;                      /* per area index: marked voters (check-ins + accepted brevstemmer) */
  VkDemoPhases phases;                 /* where the time goes (docs/performance.md) */
  gint64 push_us, book_us, checkin_us; /* of which: pushes, afstemningsbøger, check-ins */
  VkDemoKeys keys;                     /* the key files, written in the background */
  /* election day: one area per job of a thread pool */
  GMutex lock;            /* the counters and timings above, day_error, days_done, stdout */
  GPtrArray *area_voters; /* per area index: the voters' løbenumre in the order they come */
  GArray *area_brev;      /* per area index: how many of them voted by brevstemme */
  GError *day_error;      /* the first area that failed */
  guint days_done;
} Demo;

/* What one area's election day did, added to the Demo's totals when it ends. */
typedef struct
{
  VkFakeRng rng; /* the area's own, so that the replay does not depend on the threads' order */
  guint n_checkins, n_undos, n_conflicts, n_brev_accepted, n_brev_rejected, n_valgboeger;
  gint64 checkin_us, book_us;
} AreaDay;

/* Every station of the replay writes in batched durability
 * (vk_station_set_batched_durability()): its entries are committed one by
 * one as at a table, and made durable by sync_stations() before they are
 * pushed or printed, so nothing leaves a device that a power loss could
 * take back, at one fsync per push instead of one per check-in. */
static VkStation *
open_station (Demo *d, DemoDevice *dev, GError **error)
{
  VkStation *s = vk_station_open_shared (d->package, d->index, dev->db_path, dev->device_id, dev->key, error);

  if (s != NULL && d->index == NULL)
    d->index = vk_voter_index_ref (vk_station_get_voter_index (s));
  if (s != NULL && !vk_station_set_batched_durability (s, TRUE, error))
    g_clear_pointer (&s, vk_station_close);
  return s;
}

static gboolean
sync_stations (GPtrArray *stations, GError **error)
{
  for (guint i = 0; i < stations->len; i++)
    if (!vk_station_sync (g_ptr_array_index (stations, i), error))
      return FALSE;
  return TRUE;
}

static void
progress (Demo *d, const char *what, guint i, guint n)
{
  guint width = 30, filled = n > 0 ? i * width / n : width;
  g_autoptr (GString) bar = g_string_new (NULL);

  if (!d->tty && i < n)
    return;
  for (guint k = 0; k < width; k++)
    g_string_append (bar, k < filled ? "█" : "░");
  printf ("\r      %-26s %s %u/%u", what, bar->str, i, n);
  if (i >= n)
    printf ("\n");
  fflush (stdout);
}

/* save: the device's key file too (vk_demo_keys_save()). */
static DemoDevice *
add_device (Demo *d, const char *device_id, VkDeviceRole role_id, guint area, gboolean save, GError **error)
{
  DemoDevice *dev = g_new0 (DemoDevice, 1);
  const char *role = vk_device_role_to_string (role_id);

  dev->device_id = g_strdup (device_id);
  dev->role = role_id;
  dev->area = area;
  dev->key = vk_keypair_generate ();
  dev->db_path = g_strdup_printf ("%s/devices/%s.db", d->out, device_id);
  g_ptr_array_add (d->devices, dev);
  g_hash_table_insert (d->by_id, dev->device_id, dev);
  if (save
      && !vk_demo_keys_save (&d->keys, dev->key, device_id, role, device_id, VK_KDF_INTERACTIVE,
                             role_id == VK_ROLE_SERVER, error))
    return NULL;
  /* Enrolled for the election period: three months before to a month
   * after, and (a replay of a past or future election) from yesterday
   * until a week from now, when the count server really runs. */
  if (!vk_package_enroll (d->package, d->election_key, device_id, role, area, vk_keypair_get_public_key (dev->key),
                          MIN (d->election_day_ms - 92 * DAY_MS, (guint64)(g_get_real_time () / 1000) - DAY_MS),
                          MAX (d->election_day_ms + 31 * DAY_MS, (guint64)(g_get_real_time () / 1000) + 7 * DAY_MS),
                          error))
    return NULL;
  return dev;
}

static gboolean
push (Demo *d, DemoDevice *dev, GError **error)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr (VkSync) sync = vk_sync_new (d->package, dev->db_path, dev->device_id, error);
  gboolean ok = sync != NULL && vk_sync_push_to_server (sync, d->server.url, NULL, NULL, error);

  g_mutex_lock (&d->lock);
  d->push_us += g_get_monotonic_time () - start;
  g_mutex_unlock (&d->lock);
  if (!ok)
    g_prefix_error (error, "push of %s: ", dev->device_id);
  return ok;
}

static guint
tables_for (const VkArea *area)
{
  return CLAMP (area->eligible / 2500 + 1, 2, 4);
}

/* Fisher–Yates over løbenumre 1…n. */
static guint *
shuffled (VkFakeRng *rng, guint n)
{
  guint *a = g_new (guint, n);

  for (guint i = 0; i < n; i++)
    a[i] = i + 1;
  for (guint i = n; i > 1; i--)
    {
      guint j = vk_fake_rng_range (rng, i);
      guint t = a[i - 1];
      a[i - 1] = a[j];
      a[j] = t;
    }
  return a;
}

static char *
valgstyrer_id (guint area, guint k)
{
  return g_strdup_printf ("omr%02u-valgstyrer%u", area, k);
}

/* One area's election day: brevstemmer decided, voters checked in,
 * poll closed, foreløbig count entered twice and signed off. */
/* The area's afstemningsbog, printed at its first table once every
 * contest is signed off, after the other tables' journals have come in
 * (as the tables' sync brings them): OUT/pdf/afstemningsbog-<area>.pdf. */
static gboolean
print_afstemningsbog (Demo *d, AreaDay *ad, const VkArea *area, GPtrArray *stations, GError **error)
{
  VkStation *first = g_ptr_array_index (stations, 0);
  g_autofree char *name = g_strdup_printf ("afstemningsbog-%u.pdf", area->number);
  g_autofree char *path = g_build_filename (d->out, "pdf", name, NULL);
  gint64 start;

  for (guint t = 1; t < stations->len; t++)
    {
      VkStation *s = g_ptr_array_index (stations, t);
      g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_station_get_journal (s), 0, error);

      if (entries == NULL || !vk_station_ingest (first, entries, NULL, error))
        return FALSE;
    }
  if (!sync_stations (stations, error))
    return FALSE;
  start = g_get_monotonic_time ();
  if (!vk_valgbog_write_station_to (first, path, TRUE, error))
    {
      g_prefix_error (error, "afstemningsbog %s: ", path);
      return FALSE;
    }
  ad->book_us += g_get_monotonic_time () - start;
  ad->n_valgboeger++;
  return TRUE;
}

static gboolean
run_area_day (Demo *d, AreaDay *ad, guint index, const guint *voters, guint n_brev_voters, GError **error)
{
  const VkArea *area = g_ptr_array_index (d->election->areas, index);
  const VkAreaResult *fore = g_ptr_array_index (d->foreloebig->areas, index);
  guint n_tables = tables_for (area);
  g_autoptr (GPtrArray) stations = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_station_close);
  g_autoptr (GPtrArray) brev = NULL;
  g_autofree char *vs1_id = valgstyrer_id (area->number, 1);
  g_autofree char *vs2_id = valgstyrer_id (area->number, 2);
  DemoDevice *vs1 = g_hash_table_lookup (d->by_id, vs1_id);
  DemoDevice *vs2 = g_hash_table_lookup (d->by_id, vs2_id);
  const char *const styrere[] = { "Valgstyrer "
                                  "Hansen",
                                  "Valgstyrer "
                                  "Østergaard",
                                  NULL };
  VkStation *first;
  guint accepted = 0, checkins_wanted, checked = 0;
  guint64 day_start = d->election_day_ms + 7 * HOUR_MS;
  gint64 extra = 0;

  sim_now_ms = day_start;
  for (guint t = 1; t <= n_tables; t++)
    {
      g_autofree char *id = g_strdup_printf ("omr%02u-bord%u", area->number, t);
      DemoDevice *dev = g_hash_table_lookup (d->by_id, id);
      VkStation *s = open_station (d, dev, error);
      if (s == NULL)
        return FALSE;
      g_ptr_array_add (stations, s);
    }
  first = g_ptr_array_index (stations, 0);

  /* 07:05: the delivered brevstemmer: the valgbord takes in the brevstemme
   * teams' journals and two valgstyrere decide each envelope by the law. */
  for (guint k = 0; k < 2; k++)
    {
      /* The team that served this area (one Borgerservice desk and one
       * home-visit team per eight areas). */
      g_autofree char *team_id = g_strdup_printf ("%s-%u", k == 0 ? "borgerservice" : "hjemmebesoeg", index / 8 + 1);
      DemoDevice *dev = g_hash_table_lookup (d->by_id, team_id);
      g_autoptr (VkJournal) j = NULL;
      g_autoptr (GPtrArray) entries = NULL;

      if (dev == NULL)
        continue;
      j = vk_journal_open (dev->db_path, vk_package_get_election_id (d->package), dev->device_id, error);
      if (j == NULL || (entries = vk_journal_dup_entries (j, 0, error)) == NULL)
        return FALSE;
      if (!vk_station_ingest (first, entries, NULL, error))
        return FALSE;
    }
  sim_now_ms = day_start + 5 * MINUTE_MS;
  vk_station_set_valgstyrer (first, TRUE);
  brev = vk_station_dup_brevstemmer (first, area->number);
  for (guint i = 0; i < brev->len; i++)
    {
      const VkBrevstemme *b = g_ptr_array_index (brev, i);
      VkBrevstemmeAssessment assessment;
      gboolean accept;
      guint reason;

      sim_now_ms += 20 * 1000;
      if (!vk_station_assess_brevstemme (first, b->envelope, &assessment, error))
        return FALSE;
      accept = assessment.can_accept;
      reason = assessment.reason;
      /* One envelope per tenth area held two følgebreve (§ 71: not counted). */
      if (accept && i == 0 && index % 10 == 3)
        {
          accept = FALSE;
          reason = 3;
        }
      if (vk_station_decide_brevstemme (first, b->envelope, accept, accept ? 0 : reason, styrere, error) == 0)
        return FALSE;
      if (accept)
        accepted++;
      else
        ad->n_brev_rejected++;
    }
  ad->n_brev_accepted += accepted;

  /* 08:00–20:00: voters, in the order they come, at whichever table is free. */
  checkins_wanted = fore->cast > accepted ? (guint)(fore->cast - accepted) : 0;
  /* In every seventh area a voter leaves with the ballot: one check-in
   * more than ballots, explained in the valgbog. */
  if (index % 7 == 2)
    extra = 1;
  ad->checkin_us -= g_get_monotonic_time ();
  for (guint i = n_brev_voters; checked < checkins_wanted + extra && i < area->eligible; i++)
    {
      guint lnr = voters[i];
      VkStation *s = g_ptr_array_index (stations, checked % n_tables);
      g_autoptr (GError) local = NULL;

      /* 08:00–19:45 */
      sim_now_ms = day_start + HOUR_MS + (guint64)checked * (12 * HOUR_MS - 15 * MINUTE_MS) / (checkins_wanted + 1);
      if (vk_station_check_in (s, lnr, vk_fake_rng_range (&ad->rng, 6) == 0 ? VK_CHECKIN_SEARCH : VK_CHECKIN_SCAN,
                               vk_fake_rng_range (&ad->rng, 150) == 0, &local)
          == 0)
        {
          /* A voter with an accepted brevstemme is turned away: the next one comes. */
          if (g_error_matches (local, VK_STATION_ERROR, VK_STATION_ERROR_HAS_BREVSTEMME)
              || g_error_matches (local, VK_STATION_ERROR, VK_STATION_ERROR_ALREADY_CHECKED_IN))
            continue;
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      checked++;
      /* Now and then a table checks in a voter another table already had
       * (the tables are not synced in this replay): the valgstyrer sees
       * the conflict and undoes the second check-in. */
      if (n_tables > 1 && checked % 997 == 500)
        {
          VkStation *other = g_ptr_array_index (stations, checked % n_tables);
          guint64 seq;
          if (other != s && (seq = vk_station_check_in (other, lnr, VK_CHECKIN_SCAN, FALSE, NULL)) != 0)
            {
              ad->n_conflicts++;
              vk_station_set_valgstyrer (other, TRUE);
              if (vk_station_undo_check_in (other, seq, "Vælgeren var allerede afkrydset ved et andet bord", error)
                  == 0)
                return FALSE;
              ad->n_undos++;
            }
        }
    }
  ad->checkin_us += g_get_monotonic_time ();
  ad->n_checkins += checked;

  /* 19:46, first area: the first table's laptop is restarted (the
   * afstemningsbog names the restart, and the opening stays one). */
  if (index == 0)
    {
      g_autofree char *id = g_strdup_printf ("omr%02u-bord1", area->number);

      sim_now_ms = d->election_day_ms + 19 * HOUR_MS + 46 * MINUTE_MS;
      if (!vk_station_sync (first, error))
        return FALSE;
      vk_station_close (g_ptr_array_steal_index (stations, 0));
      first = open_station (d, g_hash_table_lookup (d->by_id, id), error);
      if (first == NULL)
        return FALSE;
      g_ptr_array_insert (stations, 0, first);
      vk_station_set_valgstyrer (first, TRUE);
    }

  /* 19:50: the first table checks in the wrong voter found by a name
   * search; the valgstyrer undoes it with a reason (in the afstemningsbog). */
  {
    guint i = n_brev_voters + checked + (guint)extra;
    guint64 seq;

    while (i < area->eligible && vk_station_is_checked_in (first, voters[i]))
      i++;
    sim_now_ms = d->election_day_ms + 19 * HOUR_MS + 50 * MINUTE_MS;
    if (i < area->eligible && (seq = vk_station_check_in (first, voters[i], VK_CHECKIN_SEARCH, FALSE, NULL)) != 0)
      {
        sim_now_ms += 2 * MINUTE_MS;
        if (vk_station_undo_check_in (first, seq, "Forkert vælger valgt ved navnesøgning (navnefælle)", error) == 0)
          return FALSE;
        ad->n_undos++;
      }
  }

  /* 20:00: the poll closes at every table. */
  sim_now_ms = d->election_day_ms + 20 * HOUR_MS;
  for (guint t = 0; t < n_tables; t++)
    if (vk_station_close_poll (g_ptr_array_index (stations, t), error) == 0)
      return FALSE;

  /* 20:30–21:45: the foreløbig count, twice, then the sign-off. */
  {
    VkBallotAccount ballots = { TRUE, fore->cast + area->eligible / 4 + 20, area->eligible / 4, 20 };
    VkSigner signers[] = { { "Valgstyrer Hansen", vs1->key }, { "Valgstyrer Østergaard", vs2->key } };
    guint64 marked;
    g_autoptr (GPtrArray) all = NULL;

    /* The first table knows only its own check-ins; the others' come from their journals. */
    marked = accepted;
    for (guint t = 0; t < n_tables; t++)
      {
        VkStationCounts c;
        vk_station_get_counts (g_ptr_array_index (stations, t), &c);
        marked += c.checked_in;
      }
    g_array_index (d->marked, guint64, index) = marked;
    sim_now_ms = d->election_day_ms + 20 * HOUR_MS + 30 * MINUTE_MS;
    if (vk_tally_enter (first, NULL, VK_RESULT_FORELOEBIG, area->number, 1, "Tilforordnet Jensen", fore, &ballots,
                        error)
        == 0)
      return FALSE;
    sim_now_ms += 40 * MINUTE_MS;
    if (index == 0)
      {
        /* The first area's second entry has a typo: the double entry finds it, Madsen corrects it. */
        g_autoptr (VkCbor) counts = vk_counts_to_cbor (fore, NULL);
        g_autoptr (VkAreaResult) typo
            = vk_counts_from_cbor (counts, d->election, VK_RESULT_FORELOEBIG, area->number, area->name, NULL, error);
        if (typo == NULL)
          return FALSE;
        typo->blank_in_person += 10;
        if (vk_tally_enter (first, NULL, VK_RESULT_FORELOEBIG, area->number, 2, "Tilforordnet Madsen", typo, &ballots,
                            error)
            == 0)
          return FALSE;
        sim_now_ms += 3 * MINUTE_MS;
      }
    if (vk_tally_enter (first, NULL, VK_RESULT_FORELOEBIG, area->number, 2, "Tilforordnet Madsen", fore, &ballots,
                        error)
        == 0)
      return FALSE;
    sim_now_ms += 15 * MINUTE_MS;
    if (vk_tally_sign_off (first, NULL, VK_RESULT_FORELOEBIG, area->number, signers, 2,
                           marked != fore->cast ? "En vælger forlod lokalet med stemmesedlen uden at stemme "
                                                  "(noteret af valgstyreren kl. 16.40)."
                                                : NULL,
                           (gint64)marked, area->eligible, error)
        == 0)
      return FALSE;
    /* The second ballot of the joint election, counted the same way. */
    if (d->rv_foreloebig != NULL)
      {
        const VkAreaResult *rv = g_ptr_array_index (d->rv_foreloebig->areas, index);
        const VkArea *rv_area = g_ptr_array_index (vk_election_get_contest (d->election, "RV")->areas, index);
        VkBallotAccount rv_ballots = { TRUE, rv->cast + area->eligible / 4 + 20, area->eligible / 4, 20 };
        const char *const by[2] = { "Tilforordnet Jensen", "Tilforordnet Madsen" };

        if (!vk_demo_rv_count (first, VK_RESULT_FORELOEBIG, rv_area, rv, &rv_ballots, marked, signers, 2, by, sim_tick,
                               error))
          return FALSE;
      }
  }
  return print_afstemningsbog (d, ad, area, stations, error);
}

/* One area's election day and its tables' pushes (a job of the area
 * pool; data: the area index + 1). */
static void
area_job (gpointer data, gpointer user_data)
{
  Demo *d = user_data;
  guint a = GPOINTER_TO_UINT (data) - 1;
  const VkArea *area = g_ptr_array_index (d->election->areas, a);
  AreaDay ad = { 0 };
  g_autoptr (GError) local = NULL;
  gboolean ok, skip;

  g_mutex_lock (&d->lock);
  skip = d->day_error != NULL;
  g_mutex_unlock (&d->lock);
  if (skip)
    return;
  vk_fake_rng_init (&ad.rng, DEMO_SEED + 1 + a);
  ok = run_area_day (d, &ad, a, g_ptr_array_index (d->area_voters, a), g_array_index (d->area_brev, guint, a), &local);
  for (guint t = 1; ok && t <= tables_for (area); t++)
    {
      g_autofree char *id = g_strdup_printf ("omr%02u-bord%u", area->number, t);
      ok = push (d, g_hash_table_lookup (d->by_id, id), &local);
    }
  g_mutex_lock (&d->lock);
  d->n_checkins += ad.n_checkins;
  d->n_undos += ad.n_undos;
  d->n_conflicts += ad.n_conflicts;
  d->n_brev_accepted += ad.n_brev_accepted;
  d->n_brev_rejected += ad.n_brev_rejected;
  d->n_valgboeger += ad.n_valgboeger;
  d->checkin_us += ad.checkin_us;
  d->book_us += ad.book_us;
  if (!ok && d->day_error == NULL)
    {
      g_prefix_error (&local, "area %u: ", area->number);
      d->day_error = g_steal_pointer (&local);
    }
  d->days_done++;
  if (ok)
    progress (d, "election day", d->days_done, d->election->areas->len);
  g_mutex_unlock (&d->lock);
}

static gboolean
demo_run (Demo *d, const char *data, const char *lots_path, GError **error)
{
  g_autofree char *pkg_path = g_build_filename (d->out, "election.vkp", NULL);
  g_autofree char *id_hex = NULL;
  g_autoptr (VkVoterList) voters = NULL;
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GPtrArray) area_voters = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) area_brev = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr (VkLots) lots = NULL;
  gint64 t0 = g_get_monotonic_time ();
  guint n_areas;
  int y = 0, m = 0, dd = 0;

  vk_demo_phase_done (&d->phases, NULL);

  /* 1. The election and the published counts to replay. */
  if (data != NULL)
    {
      g_autofree char *kd = g_build_filename (data, "kandidat-data.json", NULL);
      g_autofree char *fin = g_build_filename (data, "fintaelling", NULL);
      g_autofree char *fore = g_build_filename (data, "foreloebig", NULL);

      d->election = vk_election_import_kandidatdata (kd, error);
      if (d->election == NULL || !vk_election_import_areas_dir (d->election, fin, error))
        return FALSE;
      d->election->seats = vk_demo_council_size_from (data);
      d->foreloebig = vk_results_import_dir (d->election, fore, error);
      if (d->foreloebig == NULL)
        return FALSE;
      d->fintaelling = vk_results_import_dir (d->election, fin, error);
      if (d->fintaelling == NULL)
        return FALSE;
      printf ("[1/8] Imported %s from %s: %u %s, %u %s, %u %s\n", d->election->municipality, data,
              d->election->lists->len, PL (d->election->lists->len, "list", "lists"), d->election->areas->len,
              PL (d->election->areas->len, "area", "areas"), d->election->seats,
              PL (d->election->seats, "seat", "seats"));
      if (d->rv_dir != NULL)
        {
          const VkElection *rv;

          if (!vk_demo_rv_load (d->election, d->rv_dir, d->rv_seats, &d->rv_foreloebig, &d->rv_fintaelling, error))
            return FALSE;
          rv = vk_election_get_contest (d->election, "RV");
          printf ("      and the regionsrådsvalg of %s from %s: %u lists, %u seats in the region; two ballots per "
                  "voter\n",
                  rv->region, d->rv_dir, rv->lists->len, rv->seats);
        }
    }
  else
    {
      d->election = vk_fake_election_new (DEMO_SEED);
      vk_fake_results_new (d->election, DEMO_SEED, &d->foreloebig, &d->fintaelling);
      printf ("[1/8] Made the synthetic municipality %s: %u %s, %u %s, %u %s\n", d->election->municipality,
              d->election->lists->len, PL (d->election->lists->len, "list", "lists"), d->election->areas->len,
              PL (d->election->areas->len, "area", "areas"), d->election->seats,
              PL (d->election->seats, "seat", "seats"));
    }
  vk_demo_phase_done (&d->phases, "import");
  n_areas = d->election->areas->len;
  g_array_set_size (d->marked, n_areas);
  if (n_areas == 0 || d->foreloebig->areas->len != n_areas || d->fintaelling->areas->len != n_areas
      || d->election->seats == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "the data needs kandidat-data.json, one foreløbig and one fintælling file per area and "
                   "mandatfordeling.json (for the council size)");
      return FALSE;
    }
  if (sscanf (d->election->date, "%d-%d-%d", &y, &m, &dd) != 3)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "bad election date %s", d->election->date);
      return FALSE;
    }
  {
    g_autoptr (GDateTime) day = g_date_time_new (tz, y, m, dd, 0, 0, 0);
    d->election_day_ms = (guint64)g_date_time_to_unix (day) * 1000;
  }
  if (lots_path != NULL && (lots = vk_lots_load (lots_path, error)) == NULL)
    return FALSE;

  /* 2. Voters, the election key and the signed package. */
  if (!vk_demo_prepare_out (d->out, error))
    return FALSE;
  voters = vk_voters_generate_for_election (d->election, 0, DEMO_SEED);
  {
    d->election_key = vk_keypair_generate ();
    if (!vk_demo_keys_save (&d->keys, d->election_key, "election", "election", d->election->municipality,
                            VK_KDF_MODERATE, FALSE, error))
      return FALSE;
  }
  /* Everything the demo makes is a test election (PRØVEVALG), signed so. */
  d->election->test = TRUE;
  d->package = vk_package_create (pkg_path, d->election, voters, d->election_key, error);
  if (d->package == NULL)
    return FALSE;
  id_hex = vk_hex_encode (vk_package_get_election_id (d->package), VK_ELECTION_ID_BYTES);
  printf ("[2/8] Signed the election package with %u synthetic voters (fake names)\n      election id %s\n",
          vk_voter_list_get_length (voters), id_hex);
  vk_demo_phase_done (&d->phases, "package");

  /* 3. Devices. */
  {
    guint n_teams = MAX (1u, (n_areas + 7) / 8);
    guint total = 0;

    if (add_device (d, "taelleserver", VK_ROLE_SERVER, VK_PACKAGE_NO_AREA, TRUE, error) == NULL)
      return FALSE;
    for (guint a = 0; a < n_areas; a++)
      {
        const VkArea *area = g_ptr_array_index (d->election->areas, a);
        for (guint t = 1; t <= tables_for (area); t++)
          {
            g_autofree char *id = g_strdup_printf ("omr%02u-bord%u", area->number, t);
            if (add_device (d, id, VK_ROLE_VALGBORD, area->number, TRUE, error) == NULL)
              return FALSE;
          }
        for (guint k = 1; k <= 2; k++)
          {
            g_autofree char *id = valgstyrer_id (area->number, k);
            /* The first area's valgstyrere keep their keys (keys/ beside the
             * package), so that valgkit-station's valgstyrer mode can be
             * tried at that area's tables. */
            if (add_device (d, id, VK_ROLE_VALGSTYRER, area->number, a == 0, error) == NULL)
              return FALSE;
          }
        progress (d, "enrolling devices", a + 1, n_areas);
      }
    for (guint k = 1; k <= n_teams; k++)
      {
        g_autofree char *bs = g_strdup_printf ("borgerservice-%u", k);
        g_autofree char *hb = g_strdup_printf ("hjemmebesoeg-%u", k);
        if (add_device (d, bs, VK_ROLE_BREVSTEMMESTED, VK_PACKAGE_NO_AREA, TRUE, error) == NULL
            || add_device (d, hb, VK_ROLE_HJEMMEBESOEG, VK_PACKAGE_NO_AREA, TRUE, error) == NULL)
          return FALSE;
      }
    for (guint k = 1; k <= 4; k++)
      {
        g_autofree char *id = g_strdup_printf ("fintaelling-%u", k);
        if (add_device (d, id, VK_ROLE_FINTAELLING, VK_PACKAGE_NO_AREA, TRUE, error) == NULL)
          return FALSE;
      }
    for (guint i = 0; i < d->devices->len; i++)
      if (((DemoDevice *)g_ptr_array_index (d->devices, i))->role != VK_ROLE_VALGSTYRER)
        total++;
    printf ("[3/8] Enrolled %u devices and %u valgstyrere (keys encrypted in %s/keys)\n", total,
            d->devices->len - total, d->out);
    vk_demo_phase_done (&d->phases, "devices");
  }

  /* 4. The count server. */
  if (!vk_demo_server_start (&d->server, d->out, d->passphrase, error))
    return FALSE;
  printf ("[4/8] Started valgkit serve: %s\n", d->server.url);
  vk_demo_phase_done (&d->phases, "serve");

  /* 5. Brevstemmer in the three weeks before: 6 % of the votes cast. */
  vk_journal_set_default_clock (sim_clock, NULL);
  {
    g_autoptr (GPtrArray) teams = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_station_close);
    g_autoptr (GPtrArray) team_devs = g_ptr_array_new ();
    guint64 window_start = d->election_day_ms - 21 * DAY_MS + 9 * HOUR_MS;
    guint64 window_len = 14 * DAY_MS;

    sim_now_ms = window_start;
    for (guint i = 0; i < d->devices->len; i++)
      {
        DemoDevice *dev = g_ptr_array_index (d->devices, i);
        VkStation *s;
        if (!vk_device_role_takes_brevstemmer (dev->role))
          continue;
        s = open_station (d, dev, error);
        if (s == NULL)
          return FALSE;
        g_ptr_array_add (teams, s);
        g_ptr_array_add (team_devs, dev);
      }
    for (guint a = 0; a < n_areas; a++)
      {
        const VkArea *area = g_ptr_array_index (d->election->areas, a);
        const VkAreaResult *fore = g_ptr_array_index (d->foreloebig->areas, a);
        guint *order = shuffled (&d->rng, area->eligible);
        guint n_brev = (guint)(fore->cast * 6 / 100);
        guint team = (a / 8) * 2;
        guint64 area_start = window_start + (guint64)a * window_len / n_areas;

        g_ptr_array_add (area_voters, order);
        g_array_append_val (area_brev, n_brev);
        for (guint b = 0; b < n_brev && b < area->eligible; b++)
          {
            gboolean home = b % 5 == 4;
            VkStation *s = g_ptr_array_index (teams, team + (home ? 1 : 0));
            const char *const receivers_bs[] = { "Borgerservicemedarbejder Lund", NULL };
            const char *const receivers_home[] = { "Stemmemodtager Skov", "Stemmemodtager Dahl", NULL };
            VkBrevstemmeInput in = { area->number,
                                     order[b],
                                     NULL,
                                     home ? (b % 2 ? "plejehjem" : "hjem") : "borgerservice",
                                     home ? receivers_home : receivers_bs,
                                     0 };
            g_autofree char *envelope = NULL;
            guint copies = (b == 1) ? 2 : 1; /* one voter per area votes twice: the later one counts */

            for (guint c = 0; c < copies; c++)
              {
                sim_now_ms
                    = MAX (sim_now_ms, area_start + (guint64)b * window_len / (n_brev + 1) / n_areas + c * 2 * DAY_MS);
                in.cast_ms = sim_now_ms;
                g_free (envelope);
                envelope = vk_station_receive_brevstemme (s, &in, NULL, error);
                if (envelope == NULL)
                  return FALSE;
                d->n_brev++;
              }
          }
        progress (d, "brevstemmer received", a + 1, n_areas);
      }
    /* Three days before election day, after the deadline: one area in
     * nine gets a brevstemme that is too late (KRVL § 71: not counted). */
    sim_now_ms = d->election_day_ms - 3 * DAY_MS + 10 * HOUR_MS;
    for (guint a = 4; a < n_areas; a += 9)
      {
        const VkArea *area = g_ptr_array_index (d->election->areas, a);
        const guint *order = g_ptr_array_index (area_voters, a);
        guint used = g_array_index (area_brev, guint, a);
        const char *const receivers_bs[] = { "Borgerservicemedarbejder Lund", NULL };
        VkBrevstemmeInput late = { area->number, 0, NULL, "borgerservice", receivers_bs, 0 };
        g_autofree char *envelope = NULL;

        if (used >= area->eligible)
          continue;
        late.loebenummer = order[used];
        sim_now_ms += MINUTE_MS;
        late.cast_ms = sim_now_ms;
        envelope = vk_station_receive_brevstemme (g_ptr_array_index (teams, (a / 8) * 2), &late, NULL, error);
        if (envelope == NULL)
          return FALSE;
        d->n_brev++;
        g_array_index (area_brev, guint, a)++;
      }
    if (!sync_stations (teams, error))
      return FALSE;
    g_ptr_array_set_size (teams, 0);
    for (guint i = 0; i < team_devs->len; i++)
      if (!push (d, g_ptr_array_index (team_devs, i), error))
        return FALSE;
    printf ("[5/8] %u brevstemmer taken at Borgerservice and on home visits, pushed to the count server\n", d->n_brev);
    vk_demo_phase_done (&d->phases, "brevstemmer");
  }

  /* 6. Election day: the areas side by side, one per worker thread (their
   * tables, journals and pushes are their own; the package, the voter index
   * and the count server are shared, and each thread runs its own clock).
   * Two threads per core: since the count server's group commit (issue
   * 14) one area's thread waiting for its journal's fsync or its push's
   * receipt leaves the core to another (docs/performance.md). */
  {
    GThreadPool *pool;
    guint n_threads = MAX (1u, MIN (2 * g_get_num_processors (), n_areas));

    d->area_voters = area_voters;
    d->area_brev = area_brev;
    pool = g_thread_pool_new (area_job, d, (gint)n_threads, TRUE, error);
    if (pool == NULL)
      return FALSE;
    for (guint a = 0; a < n_areas; a++)
      g_thread_pool_push (pool, GUINT_TO_POINTER (a + 1), NULL);
    g_thread_pool_free (pool, FALSE, TRUE);
    if (d->day_error != NULL)
      {
        g_propagate_error (error, g_steal_pointer (&d->day_error));
        return FALSE;
      }
  }
  printf ("[6/8] Election day: %u check-ins (%u undone: %u %s between tables, %u wrong %s), %u "
          "brevstemmer accepted, %u rejected; every area counted twice, signed off and pushed; %u %s in %s/pdf/\n",
          d->n_checkins, d->n_undos, d->n_conflicts, PL (d->n_conflicts, "conflict", "conflicts"),
          d->n_undos - d->n_conflicts, PL (d->n_undos - d->n_conflicts, "voter", "voters"), d->n_brev_accepted,
          d->n_brev_rejected, d->n_valgboeger, d->n_valgboeger == 1 ? "afstemningsbog" : "afstemningsbøger", d->out);
  vk_demo_phase_done (&d->phases, "election day");
  g_string_append_printf (d->phases.summary, " [check-ins %.1f s, afstemningsbøger %.1f s, pushes so far %.1f s]",
                          d->checkin_us / 1e6, d->book_us / 1e6, d->push_us / 1e6);

  /* 7. The fintælling, the next day. */
  {
    g_autoptr (GPtrArray) tables = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_station_close);
    VkSigner signers[] = { { "Valgsekretær Holm", NULL }, { "Valgbestyrelsesformand Møller", NULL } };

    sim_now_ms = d->election_day_ms + DAY_MS + 9 * HOUR_MS;
    for (guint k = 1; k <= 4; k++)
      {
        g_autofree char *id = g_strdup_printf ("fintaelling-%u", k);
        DemoDevice *dev = g_hash_table_lookup (d->by_id, id);
        VkStation *s = open_station (d, dev, error);
        if (s == NULL)
          return FALSE;
        g_ptr_array_add (tables, s);
      }
    for (guint a = 0; a < n_areas; a++)
      {
        const VkAreaResult *fin = g_ptr_array_index (d->fintaelling->areas, a);
        const VkArea *area = g_ptr_array_index (d->election->areas, a);
        VkStation *s = g_ptr_array_index (tables, a % 4);

        sim_now_ms += 4 * MINUTE_MS;
        if (vk_tally_enter (s, NULL, VK_RESULT_FINTAELLING, area->number, 1, "Fintæller Nielsen", fin, NULL, error)
            == 0)
          return FALSE;
        sim_now_ms += 4 * MINUTE_MS;
        if (a == 0)
          {
            /* The second entry of the first area has a typo: found and corrected. */
            g_autoptr (VkCbor) counts = vk_counts_to_cbor (fin, NULL);
            g_autoptr (VkAreaResult) typo = vk_counts_from_cbor (counts, d->election, VK_RESULT_FINTAELLING,
                                                                 area->number, area->name, NULL, error);
            if (typo == NULL)
              return FALSE;
            typo->blank_in_person += 10;
            if (vk_tally_enter (s, NULL, VK_RESULT_FINTAELLING, area->number, 2, "Fintæller Poulsen", typo, NULL, error)
                == 0)
              return FALSE;
            sim_now_ms += 2 * MINUTE_MS;
          }
        if (vk_tally_enter (s, NULL, VK_RESULT_FINTAELLING, area->number, 2, "Fintæller Poulsen", fin, NULL, error)
            == 0)
          return FALSE;
        sim_now_ms += MINUTE_MS;
        /* The recount often finds another number of ballots than the
         * marked voters (KV2025: 514 of 1,154 areas changed their votes
         * cast); the valgbestyrelse writes why before signing. */
        guint64 marked = g_array_index (d->marked, guint64, a);
        g_autofree char *why
            = marked != fin->cast
                  ? g_strdup_printf ("Fintællingen talte %" G_GUINT64_FORMAT " afgivne stemmer mod %" G_GUINT64_FORMAT
                                     " afkrydsede vælgere. Forskellen er gennemgået af valgbestyrelsen og skyldes "
                                     "fejltælling valgaftenen og stemmesedler, vælgere tog med ud af lokalet.",
                                     fin->cast, marked)
                  : NULL;
        if (vk_tally_sign_off (s, NULL, VK_RESULT_FINTAELLING, area->number, signers, 2, why, (gint64)marked,
                               area->eligible, error)
            == 0)
          {
            g_prefix_error (error, "fintælling of area %u: ", area->number);
            return FALSE;
          }
        if (d->rv_fintaelling != NULL)
          {
            const VkAreaResult *rv = g_ptr_array_index (d->rv_fintaelling->areas, a);
            const VkArea *rv_area = g_ptr_array_index (vk_election_get_contest (d->election, "RV")->areas, a);
            const char *const by[2] = { "Fintæller Nielsen", "Fintæller Poulsen" };

            if (!vk_demo_rv_count (s, VK_RESULT_FINTAELLING, rv_area, rv, NULL, marked, signers, 2, by, sim_tick,
                                   error))
              return FALSE;
          }
        progress (d, "fintælling", a + 1, n_areas);
      }
    if (!sync_stations (tables, error))
      return FALSE;
    g_ptr_array_set_size (tables, 0);
    for (guint k = 1; k <= 4; k++)
      {
        g_autofree char *id = g_strdup_printf ("fintaelling-%u", k);
        if (!push (d, g_hash_table_lookup (d->by_id, id), error))
          return FALSE;
      }
    printf ("[7/8] Fintælling: %u %s entered twice (one typo caught by the double entry), signed off and pushed\n",
            n_areas, PL (n_areas, "area", "areas"));
    vk_demo_phase_done (&d->phases, "fintælling");
  }
  vk_journal_set_default_clock (NULL, NULL);
  vk_demo_server_stop (&d->server);
  if (!vk_demo_keys_wait (&d->keys, error))
    return FALSE;

  /* 8. Results, seats, printouts, audit. */
  {
    g_autofree char *db = g_build_filename (d->out, "count.db", NULL);
    g_autofree char *journals = g_build_filename (d->out, "journals", NULL);
    g_autofree char *pdf_dir = g_build_filename (d->out, "pdf", NULL);
    g_autofree char *mandates_path = g_build_filename (d->out, "mandatfordeling.json", NULL);
    DemoDevice *server_dev = g_hash_table_lookup (d->by_id, "taelleserver");
    g_autoptr (VkCount) count = vk_count_open (db, d->package, server_dev->key, error);
    g_autoptr (VkPrintOutcome) printed = NULL;
    g_autoptr (GPtrArray) findings = NULL;
    g_autoptr (GPtrArray) qr = NULL;
    g_autoptr (GPtrArray) checks = NULL;
    VkSeatAllocation *seats;
    const char *sheet;
    VkRulesConfig config;
    guint blocking = 0, warnings = 0, infos = 0;
    gint64 qr_us;

    if (count == NULL)
      return FALSE;
    vk_rules_config_init (&config, d->election);
    config.expect_fintaelling = TRUE;
    printed = vk_count_print_results (count, server_dev->key, lots, &config, TRUE, pdf_dir, error);
    if (printed == NULL)
      return FALSE;
    if (printed->seats == NULL)
      {
        g_set_error (error, VK_ERROR, VK_ERROR_TIE, "a lot draw is needed (%s): run again with --lots LOTS.json",
                     printed->tie != NULL ? printed->tie->description : "tie");
        return FALSE;
      }
    seats = printed->seats;
    sheet = printed->municipality_sheet;
    /* The paper before the day: the first area's valgkort and valgliste. */
    if (!vk_paper_print_area (d->package, 0, pdf_dir, error))
      return FALSE;
    {
      g_autofree char *json = vk_seat_allocation_to_json (seats);
      if (!g_file_set_contents (mandates_path, json, -1, error))
        return FALSE;
    }
    findings = vk_count_discrepancies (count, &config, error);
    if (findings == NULL)
      return FALSE;
    for (guint i = 0; i < findings->len; i++)
      {
        const VkFinding *f = g_ptr_array_index (findings, i);
        if (f->severity == VK_SEVERITY_BLOCKING)
          blocking++;
        else if (f->severity == VK_SEVERITY_WARNING)
          warnings++;
        else
          infos++;
      }
    if (vk_count_export_journals (count, journals, error) < 0)
      return FALSE;
    if (vk_count_write_valgdk_delivery (count, d->out, lots, error) < 0)
      return FALSE;
    if (d->rv_fintaelling != NULL)
      {
        g_autofree char *rv_dir = g_build_filename (d->out, "rv", NULL);
        gint n = vk_count_export_valgdk (count, "RV", VK_RESULT_FINTAELLING, rv_dir, error);

        g_autofree char *vkr = g_build_filename (rv_dir, "resultat.vkr", NULL);

        if (n < 0
            || !vk_count_write_contest_result (count, "RV", VK_RESULT_FINTAELLING, server_dev->key, 0, vkr, error))
          return FALSE;
        printf ("      Regionsrådsvalg: %d area results in valg.dk's shape in %s/, and the municipality's signed RV "
                "result for the region: %s\n",
                n, rv_dir, vkr);
      }

    printf ("[8/8] Results computed by the count engine, published in its journal and printed\n\n");
    vk_demo_phase_done (&d->phases, "results");
    printf ("Discrepancies: %u blocking, %u %s, %u for information (see the report)\n", blocking, warnings,
            PL (warnings, "warning", "warnings"), infos);
    for (guint i = 0, shown = 0; i < findings->len && shown < 6; i++)
      {
        const VkFinding *f = g_ptr_array_index (findings, i);
        g_autofree char *message = NULL;
        if (f->severity == VK_SEVERITY_INFO)
          continue;
        message = vk_text_escape_controls (f->message_da);
        printf ("  D%02u %-9s %s\n", f->rule, vk_severity_to_string (f->severity), message);
        shown++;
      }

    printf ("\nMandatfordeling, %s (%u %s):\n", d->election->municipality, seats->n_seats,
            PL (seats->n_seats, "mandat", "mandater"));
    for (guint i = 0; i < seats->lists->len; i++)
      {
        const VkListOutcome *o = g_ptr_array_index (seats->lists, i);
        if (o->seats == 0)
          continue;
        printf ("  %-2s %-44s %8" G_GUINT64_FORMAT " %-7s  %2u %s\n", o->list->letter, o->list->name, o->votes,
                PL (o->votes, "stemme", "stemmer"), o->seats, PL (o->seats, "mandat", "mandater"));
      }
    printf ("Valgt (i mandatrækkefølge):\n");
    for (guint i = 0; i < seats->seats->len; i++)
      {
        const VkSeat *s = g_ptr_array_index (seats->seats, i);
        printf ("  %2u %-2s %s\n", s->number, s->list->letter, s->candidate != NULL ? s->candidate->name : "");
      }

    /* The audit, as an auditor would run it on what was written. */
    qr_us = g_get_monotonic_time ();
    qr = vk_audit_read_sheet_qr (sheet, error);
    qr_us = g_get_monotonic_time () - qr_us;
    if (qr == NULL)
      return FALSE;
    {
      VkAuditOptions aopts = { pkg_path, journals, (const char *const *)qr->pdata, qr->len, lots };
      checks = vk_audit_run (&aopts);
      vk_demo_phase_done (&d->phases, "audit");
      g_string_append_printf (d->phases.summary, " [reading the sheet's QR code %.1f s]", qr_us / 1e6);
    }
    printf ("\nAudit (valgkit audit --election %s --journals %s --sheet %s):\n", pkg_path, journals, sheet);
    for (guint i = 0; i < checks->len; i++)
      {
        const VkAuditCheck *c = g_ptr_array_index (checks, i);
        g_autofree char *title = vk_cli_pad (c->title, 70);

        printf ("  %-3s %s %s\n", c->code, title, c->ok ? "ok" : "FAILED");
        if (!c->ok)
          printf ("      %s\n", c->detail);
      }

    printf ("\nWrote (in %.0f s: %s):\n", (g_get_monotonic_time () - t0) / 1e6, d->phases.summary->str);
    printf ("  %s\t\tthe signed election package\n", pkg_path);
    printf ("  %s/*.vkj\tevery journal (stations and count server)\n", journals);
    printf ("  %s\tvalg.dk shape\n", mandates_path);
    printf ("  %s/keys/\t\t\tencrypted keys (passphrase: %s)\n", d->out,
            g_getenv ("VALGKIT_PASSPHRASE") != NULL ? "$VALGKIT_PASSPHRASE" : DEMO_PASSPHRASE);
    {
      const VkArea *first = g_ptr_array_index (d->election->areas, 0);
      g_autofree char *vs = valgstyrer_id (first->number, 1);
      printf ("  %s/keys/%s.key\tvalgstyrer key for valgkit-station's valgstyrer mode at omr%02u-bord1 "
              "(Valgstyrer…, passphrase: %s)\n",
              d->out, vs, first->number,
              g_getenv ("VALGKIT_PASSPHRASE") != NULL ? "$VALGKIT_PASSPHRASE" : DEMO_PASSPHRASE);
    }
    printf ("Open the PDFs:\n  %s\n  %s/resultat-foreloebig-kommune.pdf\n  %s/uoverensstemmelser.pdf\n"
            "  %s/resultat-fintaelling-omr*.pdf (one per area)\n"
            "  %s/afstemningsbog-*.pdf (one per area, printed at its first table)\n"
            "  %s/valgkort-omraade-*.pdf, %s/valgliste-omraade-*.pdf (the first area, before the day)\n"
            "The valg.dk delivery (turnout, area results, mandatfordeling): %s/valgdk/\n",
            sheet, pdf_dir, pdf_dir, pdf_dir, pdf_dir, pdf_dir, pdf_dir, d->out);
    if (!vk_audit_all_ok (checks))
      {
        g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE, "the audit failed");
        return FALSE;
      }
  }
  return TRUE;
}

int
vk_cmd_demo (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context = g_option_context_new ("- run a whole election, end to end");
  g_autofree char *out = NULL;
  g_autofree char *data = NULL;
  g_autofree char *lots = NULL;
  g_autofree char *rv = NULL;
  gint rv_seats = 0;
  Demo d = { 0 };
  gboolean ok;
  GOptionEntry options[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Folder to write into", "DIR" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data,
      "A municipality's valg.dk files (kandidat-data.json, foreloebig/, fintaelling/, mandatfordeling.json)", "DIR" },
    { "lots", 0, 0, G_OPTION_ARG_FILENAME, &lots, "Lot draws for the seat allocation", "LOTS.json" },
    { "rv", 0, 0, G_OPTION_ARG_FILENAME, &rv,
      "The joint regionsrådsvalg: the region's valg.dk files (kandidat-data.json, foreloebig/, fintaelling/)", "DIR" },
    { "rv-seats", 0, 0, G_OPTION_ARG_INT, &rv_seats, "The region's number of seats (default: the region's own)", "N" },
    { NULL },
  };

  if (vk_cmd_demo_is_dst (argc, argv))
    return vk_cmd_demo_fv (argc, argv);
  g_option_context_add_main_entries (context, options, NULL);
  g_option_context_set_description (context,
                                    "With --fv DIR or --fa DIR --kommune KODE: a folketingsvalg or folkeafstemning "
                                    "replayed from Danmarks Statistik's data (docs/folketingsvalg.md). "
                                    "Without --data the demo uses the built-in synthetic Prøvekommune. Keys are "
                                    "encrypted with $VALGKIT_PASSPHRASE, or with \"" DEMO_PASSPHRASE "\". "
                                    "Everything the demo makes is test data (PRØVEVALG).");
  if (!vk_cli_parse (context, &argc, &argv, "demo"))
    return VK_EXIT_USAGE;
  if (out == NULL)
    {
      fprintf (stderr, "valgkit demo: --out DIR is required\n");
      return VK_EXIT_USAGE;
    }
  if (rv != NULL && data == NULL)
    {
      fprintf (stderr, "valgkit demo: --rv needs --data (the municipality of the joint election)\n");
      return VK_EXIT_USAGE;
    }
  if (rv_seats < 0)
    {
      fprintf (stderr, "valgkit demo: --rv-seats must be positive\n");
      return VK_EXIT_USAGE;
    }
  d.out = out;
  d.rv_dir = rv;
  d.rv_seats = (guint)rv_seats;
  d.passphrase = g_getenv ("VALGKIT_PASSPHRASE") != NULL ? g_getenv ("VALGKIT_PASSPHRASE") : DEMO_PASSPHRASE;
  d.devices = g_ptr_array_new_with_free_func ((GDestroyNotify)demo_device_free);
  d.by_id = g_hash_table_new (g_str_hash, g_str_equal);
  d.tty = isatty (STDOUT_FILENO);
  d.server.out = -1;
  d.marked = g_array_new (FALSE, TRUE, sizeof (guint64));
  vk_demo_keys_init (&d.keys, out, d.passphrase);
  g_mutex_init (&d.lock);
  vk_fake_rng_init (&d.rng, DEMO_SEED);

  printf ("valgkit demo — PRØVEVALG (test data, not a real election)\n\n");
  ok = demo_run (&d, data, lots, &error);
  vk_journal_set_default_clock (NULL, NULL);
  vk_demo_server_stop (&d.server);
  vk_demo_keys_clear (&d.keys); /* its workers use d.devices */
  vk_demo_phases_clear (&d.phases);
  g_mutex_clear (&d.lock);

  g_hash_table_unref (d.by_id);
  g_array_unref (d.marked);
  g_ptr_array_unref (d.devices);
  g_clear_pointer (&d.index, vk_voter_index_free);
  g_clear_pointer (&d.package, vk_package_free);
  g_clear_pointer (&d.election_key, vk_keypair_free);
  g_clear_pointer (&d.election, vk_election_free);
  g_clear_pointer (&d.foreloebig, vk_results_free);
  g_clear_pointer (&d.fintaelling, vk_results_free);
  g_clear_pointer (&d.rv_foreloebig, vk_results_free);
  g_clear_pointer (&d.rv_fintaelling, vk_results_free);
  g_free (d.server.url);
  if (!ok)
    return vk_cli_fail ("demo", error);
  return VK_EXIT_OK;
}

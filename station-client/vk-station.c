/* vk-station.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk-brevstemme-window.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-fold.h"
#include "vk-station-private.h"

/* Small helpers. */

guint64
vk_station_now_ms (void)
{
  gint64 now = g_get_real_time () / 1000;
  return now > 0 ? (guint64)now : 0;
}

static gboolean guards_default = FALSE;

void
vk_station_set_guards_default (gboolean on)
{
  guards_default = !!on;
}

void
vk_station_set_guards (VkStation *self, gboolean on)
{
  g_return_if_fail (self != NULL);
  self->guards = !!on;
}

gboolean
vk_station_get_guards (VkStation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->guards;
}

guint64
vk_station_clock_ms (VkStation *self)
{
  return vk_journal_now_ms (self->journal);
}

char *
vk_station_local_day (VkStation *self, guint64 time_ms)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(time_ms / 1000));
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, self->tz) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d") : g_strdup ("?");
}

/* Days from the election's date to the Danish day of time_ms (0: election
 * day); FALSE without a readable date. */
static gboolean
days_from_election (VkStation *self, guint64 time_ms, gint *ret_days)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(time_ms / 1000));
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, self->tz) : NULL;
  gint y = 0, m = 0, d = 0;
  GDate day, election;

  if (local == NULL || self->election->date == NULL || sscanf (self->election->date, "%d-%d-%d", &y, &m, &d) != 3
      || !g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y))
    return FALSE;
  g_date_set_dmy (&election, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
  g_date_set_dmy (&day, (GDateDay)g_date_time_get_day_of_month (local), (GDateMonth)g_date_time_get_month (local),
                  (GDateYear)g_date_time_get_year (local));
  *ret_days = g_date_days_between (&election, &day);
  return TRUE;
}

gboolean
vk_station_is_election_day (VkStation *self)
{
  gint days = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  return !days_from_election (self, vk_station_clock_ms (self), &days) || days == 0;
}

gboolean
vk_station_confirm_date (VkStation *self, const char *valgstyrer, GError **error)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!self->valgstyrer)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_VALGSTYRER,
                   "only a valgstyrer can confirm working off the election date");
      return FALSE;
    }
  name = g_strstrip (g_strdup (valgstyrer != NULL ? valgstyrer : ""));
  if (*name == '\0')
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NO_REASON, "the confirmation needs the valgstyrer's name");
      return FALSE;
    }
  g_free (self->confirmed_by);
  g_free (self->confirmed_day);
  self->confirmed_by = g_steal_pointer (&name);
  self->confirmed_day = vk_station_local_day (self, vk_station_clock_ms (self));
  return TRUE;
}

const char *
vk_station_get_date_confirmation (VkStation *self)
{
  g_autofree char *today = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  if (self->confirmed_by == NULL)
    return NULL;
  today = vk_station_local_day (self, vk_station_clock_ms (self));
  return g_strcmp0 (today, self->confirmed_day) == 0 ? self->confirmed_by : NULL;
}

void
vk_station_mark_confirmed (VkStation *self, VkCbor *body, const char *flag)
{
  vk_cbor_map_set_bool (body, flag, TRUE);
  vk_cbor_map_set_text (body, "confirmed_by", vk_station_get_date_confirmation (self));
}

/* The date guard of a step allowed on days first … last after election
 * day: TRUE when it may go on (marking body when a confirmation is used). */
static gboolean
check_date (VkStation *self, gint first, gint last, VkCbor *body, const char *what, GError **error)
{
  gint days = 0;

  if (!self->guards || !days_from_election (self, vk_station_clock_ms (self), &days) || (days >= first && days <= last))
    return TRUE;
  if (vk_station_get_date_confirmation (self) == NULL)
    {
      g_autofree char *today = vk_station_local_day (self, vk_station_clock_ms (self));
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_DATE,
                   "%s on %s, but election day is %s: a valgstyrer must confirm", what, today, self->election->date);
      return FALSE;
    }
  vk_station_mark_confirmed (self, body, "wrong_date");
  return TRUE;
}

static void
count_undecided_cb (const VkFoldBrevstemme *b, gpointer user_data)
{
  guint *n = user_data;

  if (!b->decided && !b->cancelled)
    (*n)++;
}

guint
vk_station_count_undecided (VkStation *self, guint area)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);
  vk_fold_foreach_brevstemme (self->fold, area, count_undecided_cb, &n);
  return n;
}

gboolean
vk_station_has_undecided_brevstemme (VkStation *self, guint area, guint loebenummer)
{
  g_autoptr (GArray) mine = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  mine = vk_fold_dup_voter_brevstemmer (self->fold, area, loebenummer);
  for (guint i = 0; i < mine->len; i++)
    {
      const VkFoldBrevstemme *b = &g_array_index (mine, VkFoldBrevstemme, i);
      if (!b->decided && !b->cancelled)
        return TRUE;
    }
  return FALSE;
}

gboolean
vk_station_check_signoff (VkStation *self, gboolean foreloebig, guint area, VkCbor *body, GError **error)
{
  guint undecided;

  g_return_val_if_fail (self != NULL, FALSE);
  if (!self->guards)
    return TRUE;
  if (foreloebig && (undecided = vk_station_count_undecided (self, area)) > 0)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_UNDECIDED_BREVSTEMMER,
                   "%u brevstemmer of area %u are undecided: decide them before signing (D17)", undecided, area);
      return FALSE;
    }
  /* The foreløbig count may run past midnight; the fintælling is D10's week. */
  return check_date (self, 0, foreloebig ? 1 : 6, body, "a sign-off", error);
}

/* The fold: every entry held goes through the shared fold, which checks
 * it against the entry schema and keeps each voter's state. */

static gboolean
apply_entry (VkStation *self, const VkEntry *e, GError **error)
{
  return vk_fold_add (self->fold, e, error);
}

static gboolean
apply_entries (VkStation *self, GPtrArray *entries, GError **error)
{
  for (guint i = 0; i < entries->len; i++)
    if (!apply_entry (self, g_ptr_array_index (entries, i), error))
      return FALSE;
  return TRUE;
}

static guint64
held_head (VkStation *self, const char *device_id)
{
  return vk_fold_get_held_seq (self->fold, device_id);
}

/* Replays every journal held: this device's and the received ones. */
static gboolean
station_fold (VkStation *self, GError **error)
{
  g_autoptr (GPtrArray) heads = vk_journal_dup_heads (self->journal, error);

  if (heads == NULL)
    return FALSE;
  for (guint i = 0; i < heads->len; i++)
    {
      const VkJournalHead *head = g_ptr_array_index (heads, i);
      g_autoptr (GPtrArray) entries = vk_journal_dup_device_entries (self->journal, head->device_id, 0, error);

      if (entries == NULL || !apply_entries (self, entries, error))
        return FALSE;
    }
  return TRUE;
}

VkStation *
vk_station_open (VkPackage *package, const char *db_path, const char *device_id, const VkKeypair *key, GError **error)
{
  return vk_station_open_shared (package, NULL, db_path, device_id, key, error);
}

VkVoterIndex *
vk_station_get_voter_index (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->index;
}

VkStation *
vk_station_open_shared (VkPackage *package, VkVoterIndex *shared_index, const char *db_path, const char *device_id,
                        const VkKeypair *key, GError **error)
{
  g_autoptr (VkStation) self = NULL;
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) entry = NULL;
  VkVoterList *voters;

  g_return_val_if_fail (package != NULL, NULL);
  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (device_id != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  self = g_new0 (VkStation, 1);
  self->package = package;
  self->key = key;
  self->guards = guards_default;
  self->tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  if (self->tz == NULL)
    self->tz = g_time_zone_new_local ();

  self->device = vk_package_lookup_device (package, device_id);
  if (self->device == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "device %s is not enrolled in %s", device_id,
                   vk_package_get_path (package));
      return NULL;
    }
  if (memcmp (self->device->public_key, vk_keypair_get_public_key (key), VK_PUBLIC_KEY_BYTES) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "this key is not the one enrolled for device %s", device_id);
      return NULL;
    }
  self->fold = vk_fold_new (package, error);
  if (self->fold == NULL)
    return NULL;
  self->election = vk_fold_get_election (self->fold);
  (void)vk_brevstemme_window_for_election (self->election, &self->brev_first_ms, &self->brev_last_ms);
  if (shared_index != NULL)
    self->index = vk_voter_index_ref (shared_index);
  else
    {
      voters = vk_package_dup_voters (package, 0, error);
      if (voters == NULL)
        return NULL;
      self->index = vk_voter_index_new (voters);
      if (self->election->municipality_code != NULL && *self->election->municipality_code != '\0')
        vk_voter_index_set_municipality (self->index, (guint)atoi (self->election->municipality_code));
    }

  self->journal = vk_journal_open (db_path, vk_package_get_election_id (package), device_id, error);
  if (self->journal == NULL || !station_fold (self, error))
    return NULL;

  body = vk_cbor_new_map ();
  vk_cbor_map_set_text (body, "role", self->device->role);
  if (self->device->area == VK_PACKAGE_NO_AREA)
    vk_cbor_map_insert_text (body, "area", vk_cbor_new_null ());
  else
    vk_cbor_map_set_uint (body, "area", self->device->area);
  vk_cbor_map_set_text (body, "software", "valgkit " PACKAGE_VERSION);
  entry = vk_journal_append (self->journal, key, "device.open", body, error);
  if (entry == NULL || !apply_entry (self, entry, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
vk_station_close (VkStation *self)
{
  if (self == NULL)
    return;
  /* Batched: the callers sync (and see errors) before entries leave the
   * device; this is the last chance for the rest. */
  if (self->batched && self->journal != NULL)
    (void)vk_station_sync (self, NULL);
  g_clear_pointer (&self->journal, vk_journal_close);
  g_clear_pointer (&self->index, vk_voter_index_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->fold, vk_fold_free);
  g_free (self->confirmed_by);
  g_free (self->confirmed_day);
  g_free (self);
}

VkJournal *
vk_station_get_journal (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->journal;
}

const VkDevice *
vk_station_get_device (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->device;
}

const VkElection *
vk_station_get_election (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->election;
}

const VkVoterIndex *
vk_station_get_index (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->index;
}

guint
vk_station_get_area (VkStation *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->device->area;
}

void
vk_station_set_valgstyrer (VkStation *self, gboolean valgstyrer)
{
  g_return_if_fail (self != NULL);
  self->valgstyrer = !!valgstyrer;
}

gboolean
vk_station_get_valgstyrer (VkStation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->valgstyrer;
}

VkSearchResult *
vk_station_search (VkStation *self, const char *query, guint limit, GError **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  return vk_voter_index_search (self->index, query, self->device->area, limit, error);
}

const VkKeypair *
vk_station_get_key (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->key;
}

VkFold *
vk_station_get_fold (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->fold;
}

VkPackage *
vk_station_get_package (VkStation *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->package;
}

VkEntry *
vk_station_append (VkStation *self, const char *type, VkCbor *body, GError **error)
{
  g_autoptr (VkEntry) entry = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  /* The rulebook's entry schema before the irreversible step: an entry
   * the count server would refuse (a list of another contest, an area of
   * another table, a field of the wrong type) is never journaled. */
  {
    VkEntry probe = { 0 };

    probe.device_id = (char *)self->device->device_id;
    probe.seq = vk_journal_get_head_seq (self->journal) + 1;
    probe.type = (char *)type;
    probe.body = body;
    if (!vk_entry_schema_check (self->device, vk_package_get_election (self->package), &probe, error))
      return NULL;
  }
  entry = vk_journal_append (self->journal, self->key, type, body, error);
  if (entry == NULL || !apply_entry (self, entry, error))
    return NULL;
  return g_steal_pointer (&entry);
}

/* Appends an entry and folds it in, so that the state always equals
 * the fold over the journal.  Returns the seq, 0 with error. */
guint64
vk_station_append_seq (VkStation *self, const char *type, VkCbor *body, GError **error)
{
  g_autoptr (VkEntry) entry = vk_station_append (self, type, body, error);

  return entry != NULL ? entry->seq : 0;
}

guint64
vk_station_close_poll (VkStation *self, GError **error)
{
  return vk_station_close_poll_explained (self, NULL, error);
}

guint64
vk_station_close_poll_explained (VkStation *self, const char *explanation, GError **error)
{
  g_autoptr (VkCbor) body = vk_cbor_new_map ();
  g_autofree char *why = g_strstrip (g_strdup (explanation != NULL ? explanation : ""));
  guint undecided;

  g_return_val_if_fail (self != NULL, 0);

  if (self->device->role_id != VK_ROLE_VALGBORD)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_ROLE, "only a valgbord closes the poll");
      return 0;
    }
  if (vk_station_is_poll_closed (self))
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_ALREADY_CLOSED, "the poll is already closed");
      return 0;
    }
  undecided = self->guards ? vk_station_count_undecided (self, self->device->area) : 0;
  if (undecided > 0 && *why == '\0')
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_UNDECIDED_BREVSTEMMER,
                   "%u brevstemmer of area %u are undecided: decide them, or a valgstyrer explains why not (D17)",
                   undecided, self->device->area);
      return 0;
    }
  if (undecided > 0 && !self->valgstyrer)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_VALGSTYRER,
                   "only a valgstyrer can close the poll with brevstemmer undecided");
      return 0;
    }
  if (!check_date (self, 0, 0, body, "closing the poll", error))
    return 0;
  vk_cbor_map_set_uint (body, "area", self->device->area);
  if (undecided > 0)
    {
      vk_cbor_map_set_uint (body, "undecided", undecided);
      vk_cbor_map_set_text (body, "explanation", why);
    }
  return vk_station_append_seq (self, "poll.close", body, error);
}

gboolean
vk_station_is_poll_closed (VkStation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return vk_fold_is_closed (self->fold, self->device->area);
}

/* Check-in. */

void
vk_checkin_ref_free (VkCheckinRef *self)
{
  if (self == NULL)
    return;
  g_free (self->device_id);
  g_free (self);
}

void
vk_voter_status_free (VkVoterStatus *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->checkins, g_ptr_array_unref);
  g_free (self->envelope);
  g_clear_pointer (&self->contests, g_ptr_array_unref);
  g_free (self);
}

char *
vk_voter_status_dup_contests_label (const VkVoterStatus *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, g_string_free (s, FALSE));
  for (guint i = 0; self->contests != NULL && i < self->contests->len; i++)
    {
      if (i > 0)
        g_string_append (s, " + ");
      g_string_append (s, vk_election_contest_id (g_ptr_array_index (self->contests, i)));
    }
  return g_string_free (s, FALSE);
}

static int
compare_checkins (gconstpointer a, gconstpointer b)
{
  const VkCheckinRef *x = *(const VkCheckinRef *const *)a;
  const VkCheckinRef *y = *(const VkCheckinRef *const *)b;

  if (x->time_ms != y->time_ms)
    return x->time_ms < y->time_ms ? -1 : 1;
  return strcmp (x->device_id, y->device_id);
}

VkVoterStatus *
vk_station_dup_voter_status (VkStation *self, guint area, guint loebenummer)
{
  VkVoterStatus *status;
  g_autoptr (GArray) standing = NULL;
  const char *envelope;

  g_return_val_if_fail (self != NULL, NULL);

  status = g_new0 (VkVoterStatus, 1);
  status->area = area;
  status->loebenummer = loebenummer;
  status->checkins = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_checkin_ref_free);
  status->voter = vk_voter_index_lookup (self->index, area, loebenummer);
  status->contests = status->voter != NULL
                         ? vk_election_voter_contests (vk_station_get_election (self), status->voter->contests)
                         : g_ptr_array_new ();

  standing = vk_fold_dup_standing (self->fold, area, loebenummer);
  for (guint i = 0; i < standing->len; i++)
    {
      const VkFoldCheckin *c = &g_array_index (standing, VkFoldCheckin, i);
      VkCheckinRef *ref = g_new0 (VkCheckinRef, 1);
      ref->device_id = g_strdup (c->device_id);
      ref->seq = c->seq;
      ref->time_ms = c->time_ms;
      ref->assisted = c->assisted;
      ref->method = c->search ? VK_CHECKIN_SEARCH : VK_CHECKIN_SCAN;
      g_ptr_array_add (status->checkins, ref);
    }
  g_ptr_array_sort (status->checkins, compare_checkins);
  status->brevstemmer = vk_fold_count_voter_brevstemmer (self->fold, area, loebenummer);
  envelope = vk_fold_get_accepted_envelope (self->fold, area, loebenummer);
  status->envelope = g_strdup (envelope);

  if (status->voter == NULL)
    status->state = VK_VOTER_NOT_FOUND;
  else if (self->device->area != VK_PACKAGE_NO_AREA && area != self->device->area)
    status->state = VK_VOTER_OTHER_AREA;
  else if (status->checkins->len > 0)
    status->state = VK_VOTER_CHECKED_IN;
  else if (envelope != NULL)
    status->state = VK_VOTER_BREVSTEMME;
  else
    status->state = VK_VOTER_FREE;
  return status;
}

static char *
format_local_time (VkStation *self, guint64 time_ms)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(time_ms / 1000));
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, self->tz) : NULL;

  return local != NULL ? g_date_time_format (local, "%H:%M") : g_strdup ("?");
}

guint64
vk_station_check_in (VkStation *self, guint loebenummer, VkCheckinMethod method, gboolean assisted, GError **error)
{
  return vk_station_check_in_full (self, loebenummer, method, assisted, FALSE, error);
}

guint64
vk_station_check_in_full (VkStation *self, guint loebenummer, VkCheckinMethod method, gboolean assisted,
                          gboolean confirm_brevstemme, GError **error)
{
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkVoterStatus) status = NULL;
  gboolean pending = FALSE;

  g_return_val_if_fail (self != NULL, 0);

  if (self->device->role_id != VK_ROLE_VALGBORD || self->device->area == VK_PACKAGE_NO_AREA)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_ROLE, "device %s (%s) does not check voters in",
                   self->device->device_id, self->device->role);
      return 0;
    }
  if (vk_station_is_poll_closed (self))
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_POLL_CLOSED,
                   "the poll is closed: no more voters can be checked in");
      return 0;
    }
  status = vk_station_dup_voter_status (self, self->device->area, loebenummer);
  switch (status->state)
    {
      case VK_VOTER_NOT_FOUND:
      case VK_VOTER_OTHER_AREA:
        g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_ON_LIST,
                     "voter %u is not on the valgliste of area %u", loebenummer, self->device->area);
        return 0;
      case VK_VOTER_CHECKED_IN:
        {
          const VkCheckinRef *first = g_ptr_array_index (status->checkins, 0);
          g_autofree char *when = format_local_time (self, first->time_ms);
          g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_ALREADY_CHECKED_IN,
                       "voter %u in area %u is already checked in (at %s, entry %" G_GUINT64_FORMAT ", %s)",
                       loebenummer, self->device->area, first->device_id, first->seq, when);
          return 0;
        }
      case VK_VOTER_BREVSTEMME:
        g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_HAS_BREVSTEMME,
                     "voter %u in area %u has voted by brevstemme (envelope %s accepted)", loebenummer,
                     self->device->area, status->envelope);
        return 0;
      case VK_VOTER_FREE:
        break;
    }
  if (status->contests->len == 0)
    {
      g_autofree char *all = vk_election_dup_contests_label (vk_station_get_election (self));

      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_ELIGIBLE,
                   "voter %u in area %u may not vote in any contest of this election (%s)", loebenummer,
                   self->device->area, all);
      return 0;
    }

  body = vk_cbor_new_map ();
  pending = self->guards && vk_station_has_undecided_brevstemme (self, self->device->area, loebenummer);
  if (pending && !confirm_brevstemme)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_UNCONFIRMED_BREVSTEMME,
                   "voter %u in area %u has a brevstemme that is not decided yet: a valgstyrer must confirm",
                   loebenummer, self->device->area);
      return 0;
    }
  if (pending && !self->valgstyrer)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_VALGSTYRER,
                   "only a valgstyrer can let a voter with an undecided brevstemme vote in person");
      return 0;
    }
  if (!check_date (self, 0, 0, body, "a check-in", error))
    return 0;
  vk_cbor_map_set_uint (body, "area", self->device->area);
  vk_cbor_map_set_uint (body, "loebenummer", loebenummer);
  vk_cbor_map_set_text (body, "method", method == VK_CHECKIN_SCAN ? "scan" : "search");
  if (assisted)
    vk_cbor_map_set_bool (body, "assisted", TRUE);
  if (pending)
    vk_cbor_map_set_bool (body, "brevstemme_pending", TRUE);
  /* The ballots handed out, when not every contest's. */
  if (status->contests->len < vk_election_get_n_contests (vk_station_get_election (self)))
    {
      VkCbor *ids = vk_cbor_new_array ();

      for (guint i = 0; i < status->contests->len; i++)
        vk_cbor_array_append (ids,
                              vk_cbor_new_text (vk_election_contest_id (g_ptr_array_index (status->contests, i)), -1));
      vk_cbor_map_insert_text (body, "contests", ids);
    }
  return vk_station_append_seq (self, "checkin", body, error);
}

guint64
vk_station_undo_check_in_at (VkStation *self, const char *device_id, guint64 checkin_seq, const char *reason,
                             GError **error)
{
  g_autoptr (VkCbor) body = NULL;
  g_autofree char *stripped = NULL;
  guint area = 0, loebenummer = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (device_id != NULL, 0);

  if (!self->valgstyrer)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_VALGSTYRER, "only a valgstyrer can undo a check-in");
      return 0;
    }
  stripped = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  if (*stripped == '\0')
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NO_REASON, "an undo needs a reason");
      return 0;
    }
  if (!vk_fold_lookup_standing (self->fold, device_id, checkin_seq, &area, &loebenummer))
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_STANDING,
                   "entry %" G_GUINT64_FORMAT " of %s is not a standing check-in", checkin_seq, device_id);
      return 0;
    }

  body = vk_cbor_new_map ();
  vk_cbor_map_set_text (body, "device", device_id);
  vk_cbor_map_set_uint (body, "seq", checkin_seq);
  vk_cbor_map_set_uint (body, "area", area);
  vk_cbor_map_set_uint (body, "loebenummer", loebenummer);
  vk_cbor_map_set_text (body, "reason", stripped);
  return vk_station_append_seq (self, "checkin.undo", body, error);
}

guint64
vk_station_undo_check_in (VkStation *self, guint64 checkin_seq, const char *reason, GError **error)
{
  g_return_val_if_fail (self != NULL, 0);
  return vk_station_undo_check_in_at (self, self->device->device_id, checkin_seq, reason, error);
}

/* Counts over one area, or all with VK_PACKAGE_NO_AREA. */
typedef struct
{
  VkStation *self;
  VkStationCounts *counts;
  GPtrArray *conflicts; /* for vk_station_dup_conflicts(): VkVoterStatus* */
} CountCtx;

static void
count_standing_cb (guint area, guint loebenummer, const VkFoldCheckin *checkins, guint n, gpointer user_data)
{
  CountCtx *c = user_data;
  const VkFoldCheckin *first = &checkins[0];
  gboolean assisted = FALSE;

  if (c->conflicts != NULL)
    {
      if (n > 1)
        g_ptr_array_add (c->conflicts, vk_station_dup_voter_status (c->self, area, loebenummer));
      return;
    }
  c->counts->checked_in++;
  if (n > 1)
    c->counts->conflicts++;
  for (guint i = 0; i < n; i++)
    {
      assisted = assisted || checkins[i].assisted;
      if (checkins[i].time_ms < first->time_ms)
        first = &checkins[i];
    }
  if (assisted)
    c->counts->assisted++;
  {
    g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(first->time_ms / 1000));
    g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, c->self->tz) : NULL;
    if (local != NULL)
      c->counts->per_hour[g_date_time_get_hour (local)]++;
  }
}

static void
count_brevstemme_cb (const VkFoldBrevstemme *b, gpointer user_data)
{
  CountCtx *c = user_data;

  if (b->cancelled)
    return;
  c->counts->brevstemmer_received++;
  if (b->decided && b->accepted)
    c->counts->brevstemmer_accepted++;
  else if (b->decided)
    c->counts->brevstemmer_rejected++;
}

void
vk_station_get_counts (VkStation *self, VkStationCounts *ret_counts)
{
  VkStationCounts counts = { 0 };
  CountCtx ctx = { self, &counts, NULL };
  guint area;
  guint marked;

  g_return_if_fail (self != NULL);
  g_return_if_fail (ret_counts != NULL);

  area = self->device->area;
  counts.eligible = area != VK_PACKAGE_NO_AREA ? vk_voter_index_count_area (self->index, area)
                                               : vk_voter_index_get_length (self->index);
  vk_fold_foreach_standing (self->fold, area, count_standing_cb, &ctx);
  vk_fold_foreach_brevstemme (self->fold, area, count_brevstemme_cb, &ctx);

  marked = counts.checked_in + counts.brevstemmer_accepted;
  counts.turnout = counts.eligible > 0 ? MIN (1.0, (double)marked / counts.eligible) : 0.0;
  *ret_counts = counts;
}

guint
vk_station_get_checked_in_count (VkStation *self)
{
  VkStationCounts counts;

  g_return_val_if_fail (self != NULL, 0);
  vk_station_get_counts (self, &counts);
  return counts.checked_in;
}

typedef struct
{
  VkStation *self;
  const char *contest;
  GHashTable *receives; /* voter contests string -> GINT_TO_POINTER (1 + receives the contest) */
  guint n;
} ContestCountCtx;

/* Whether the voter (area, lnr) receives the ballot of c->contest (cached per eligibility value). */
static gboolean
voter_receives (ContestCountCtx *c, guint area, guint loebenummer)
{
  const VkVoter *v = vk_voter_index_lookup (c->self->index, area, loebenummer);
  const char *key = v != NULL && v->contests != NULL ? v->contests : "";
  gpointer cached = g_hash_table_lookup (c->receives, key);

  if (cached == NULL)
    {
      g_autoptr (GPtrArray) contests = vk_election_voter_contests (vk_station_get_election (c->self), key);
      gboolean yes = FALSE;

      for (guint i = 0; i < contests->len && !yes; i++)
        yes = g_strcmp0 (vk_election_contest_id (g_ptr_array_index (contests, i)), c->contest) == 0;
      cached = GINT_TO_POINTER (yes ? 2 : 1);
      g_hash_table_insert (c->receives, (gpointer)key, cached);
    }
  return GPOINTER_TO_INT (cached) == 2;
}

static void
count_contest_cb (guint area, guint loebenummer, const VkFoldCheckin *checkins, guint n, gpointer user_data)
{
  ContestCountCtx *c = user_data;

  if (voter_receives (c, area, loebenummer))
    c->n++;
}

static void
count_brev_contest_cb (const VkFoldBrevstemme *b, gpointer user_data)
{
  ContestCountCtx *c = user_data;

  if (!b->cancelled && b->decided && b->accepted && voter_receives (c, b->area, b->loebenummer))
    c->n++;
}

/* The marked voters of the area who received contest's ballot: standing
 * check-ins (brev FALSE) or accepted brevstemmer (brev TRUE). */
static guint
count_for_contest (VkStation *self, const char *contest, gboolean brev)
{
  g_autoptr (GHashTable) receives = g_hash_table_new (g_str_hash, g_str_equal);
  ContestCountCtx ctx = { self, NULL, receives, 0 };
  const VkElection *c = vk_election_get_contest (vk_station_get_election (self), contest);

  if (c == NULL)
    return 0;
  ctx.contest = vk_election_contest_id (c);
  if (brev)
    vk_fold_foreach_brevstemme (self->fold, self->device->area, count_brev_contest_cb, &ctx);
  else
    vk_fold_foreach_standing (self->fold, self->device->area, count_contest_cb, &ctx);
  return ctx.n;
}

guint
vk_station_count_brevstemmer_for (VkStation *self, const char *contest)
{
  g_return_val_if_fail (self != NULL, 0);
  return count_for_contest (self, contest, TRUE);
}

guint
vk_station_count_checked_in_for (VkStation *self, const char *contest)
{
  g_return_val_if_fail (self != NULL, 0);
  return count_for_contest (self, contest, FALSE);
}

gboolean
vk_station_is_checked_in (VkStation *self, guint loebenummer)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return vk_fold_count_standing (self->fold, self->device->area, loebenummer) > 0;
}

static int
compare_status (gconstpointer a, gconstpointer b)
{
  const VkVoterStatus *x = *(const VkVoterStatus *const *)a;
  const VkVoterStatus *y = *(const VkVoterStatus *const *)b;

  if (x->area != y->area)
    return x->area < y->area ? -1 : 1;
  return x->loebenummer < y->loebenummer ? -1 : x->loebenummer > y->loebenummer ? 1 : 0;
}

GPtrArray *
vk_station_dup_conflicts (VkStation *self)
{
  GPtrArray *out;
  CountCtx ctx = { self, NULL, NULL };

  g_return_val_if_fail (self != NULL, NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_voter_status_free);
  ctx.conflicts = out;
  vk_fold_foreach_standing (self->fold, self->device->area, count_standing_cb, &ctx);
  g_ptr_array_sort (out, compare_status);
  return out;
}

/* Other devices' journals. */

gboolean
vk_station_ingest (VkStation *self, GPtrArray *entries, guint *ret_added, GError **error)
{
  const VkEntry *first;
  guint64 head;
  guint added = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);

  if (entries->len == 0)
    {
      if (ret_added != NULL)
        *ret_added = 0;
      return TRUE;
    }
  first = g_ptr_array_index (entries, 0);
  if (!vk_journal_verify (entries, vk_package_get_election_id (self->package), vk_package_device_lookup, self->package,
                          first->seq > 1 ? VK_VERIFY_PARTIAL : VK_VERIFY_DEFAULT, NULL, error))
    return FALSE;

  if (strcmp (first->device_id, self->device->device_id) == 0)
    {
      /* Our own entries coming back (a relay, a USB round trip): they
       * must be exactly what we wrote. */
      g_autoptr (GPtrArray) own = vk_journal_dup_entries (self->journal, first->seq - 1, error);
      if (own == NULL)
        return FALSE;
      for (guint i = 0; i < entries->len; i++)
        {
          const VkEntry *e = g_ptr_array_index (entries, i);
          const VkEntry *mine = i < own->len ? g_ptr_array_index (own, i) : NULL;
          if (mine == NULL || memcmp (mine->hash, e->hash, VK_HASH_BYTES) != 0)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_FORK,
                           "entry %" G_GUINT64_FORMAT " of this device (%s) differs from the one written here (a fork)",
                           e->seq, e->device_id);
              return FALSE;
            }
        }
      if (ret_added != NULL)
        *ret_added = 0;
      return TRUE;
    }

  /* What the device may write: the one schema the count server and the
   * relay store use too. */
  head = held_head (self, first->device_id);
  if (!vk_entry_schema_check_entries (self->package, self->election, entries, head, error))
    return FALSE;
  if (!vk_journal_insert_verified (self->journal, entries, &added, error))
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      if (e->seq > head && !apply_entry (self, e, error))
        return FALSE;
    }
  if (ret_added != NULL)
    *ret_added = added;
  return TRUE;
}

gboolean
vk_station_ingest_file (VkStation *self, const char *path, guint *ret_added, GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  entries = vk_journal_read_file (path, error);
  if (entries == NULL)
    return FALSE;
  return vk_station_ingest (self, entries, ret_added, error);
}

gboolean
vk_station_refresh (VkStation *self, guint *ret_added, GError **error)
{
  g_autoptr (GPtrArray) heads = NULL;
  GError *first_error = NULL;
  guint added = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  heads = vk_journal_dup_heads (self->journal, error);
  if (heads == NULL)
    return FALSE;
  for (guint i = 0; i < heads->len; i++)
    {
      const VkJournalHead *head = g_ptr_array_index (heads, i);
      guint64 held = held_head (self, head->device_id);
      g_autoptr (GPtrArray) entries = NULL;

      if (head->seq <= held)
        continue;
      entries = vk_journal_dup_device_entries (self->journal, head->device_id, held, error);
      if (entries == NULL)
        {
          g_clear_error (&first_error);
          return FALSE;
        }
      for (guint j = 0; j < entries->len; j++)
        {
          g_autoptr (GError) local = NULL;
          /* The fold notes a refused entry as held, so it is passed over. */
          if (!apply_entry (self, g_ptr_array_index (entries, j), &local) && first_error == NULL)
            first_error = g_steal_pointer (&local);
          added++;
        }
    }
  if (ret_added != NULL)
    *ret_added = added;
  if (first_error != NULL)
    {
      g_propagate_error (error, first_error);
      return FALSE;
    }
  return TRUE;
}

/* A device id becomes a file name: refuse what could leave the folder. */
static gboolean
safe_file_name (const char *name)
{
  return *name != '\0' && *name != '.' && strchr (name, '/') == NULL && strchr (name, '\\') == NULL;
}

gboolean
vk_station_export_usb (VkStation *self, const char *dir, GError **error)
{
  g_autoptr (GPtrArray) heads = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  heads = vk_journal_dup_heads (self->journal, error);
  if (heads == NULL)
    return FALSE;
  for (guint i = 0; i < heads->len; i++)
    {
      const VkJournalHead *head = g_ptr_array_index (heads, i);
      g_autoptr (GPtrArray) entries = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (!safe_file_name (head->device_id))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "device id \"%s\" cannot be a file name", head->device_id);
          return FALSE;
        }
      entries = vk_journal_dup_device_entries (self->journal, head->device_id, 0, error);
      if (entries == NULL)
        return FALSE;
      name = g_strconcat (head->device_id, ".vkj", NULL);
      path = g_build_filename (dir, name, NULL);
      if (!vk_journal_write_file (entries, path, error))
        return FALSE;
    }
  return TRUE;
}

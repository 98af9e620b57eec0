/* vk-station-brevstemme.c: brevstemmer at the station: received by a
 * brevstemme team, assessed and decided by the valgstyrere (KRVL § 71).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sodium.h>
#include <string.h>

#include "vk-cpr.h"
#include "vk-error.h"
#include "vk-station-private.h"

/* Brevstemmer. */

void
vk_brevstemme_free (VkBrevstemme *self)
{
  if (self == NULL)
    return;
  g_free (self->envelope);
  g_free (self->device_id);
  g_free (self->place);
  g_strfreev (self->receivers);
  g_strfreev (self->valgstyrere);
  g_free (self->decided_by);
  g_free (self->cancel_reason);
  g_free (self);
}

static VkBrevstemme *
brevstemme_dup (const VkFoldBrevstemme *r)
{
  VkBrevstemme *b = g_new0 (VkBrevstemme, 1);

  b->envelope = g_strdup (r->envelope);
  b->device_id = g_strdup (r->device_id);
  b->seq = r->seq;
  b->received_ms = r->time_ms;
  b->area = r->area;
  b->loebenummer = r->loebenummer;
  b->place = g_strdup (r->place);
  b->receivers = g_strdupv ((GStrv)r->receivers);
  b->cast_ms = r->cast_ms;
  b->cancelled = r->cancelled;
  b->cancel_reason = g_strdup (r->cancel_reason);
  b->outside_window = r->outside_window;
  if (r->decided)
    {
      b->decided = TRUE;
      b->accepted = r->accepted;
      b->reason = r->reason;
      b->valgstyrere = g_strdupv ((GStrv)r->valgstyrere);
      b->decided_by = g_strdup (r->decided_by);
    }
  return b;
}

static void
dup_brevstemme_cb (const VkFoldBrevstemme *b, gpointer user_data)
{
  g_ptr_array_add (user_data, brevstemme_dup (b));
}

static int
compare_brevstemmer (gconstpointer a, gconstpointer b)
{
  const VkBrevstemme *x = *(const VkBrevstemme *const *)a;
  const VkBrevstemme *y = *(const VkBrevstemme *const *)b;

  if (x->cast_ms != y->cast_ms)
    return x->cast_ms < y->cast_ms ? -1 : 1;
  return strcmp (x->envelope, y->envelope);
}

GPtrArray *
vk_station_dup_brevstemmer (VkStation *self, guint area)
{
  GPtrArray *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_brevstemme_free);
  vk_fold_foreach_brevstemme (self->fold, area, dup_brevstemme_cb, out);
  g_ptr_array_sort (out, compare_brevstemmer);
  return out;
}

VkBrevstemme *
vk_station_dup_brevstemme (VkStation *self, const char *envelope)
{
  VkFoldBrevstemme r;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (envelope != NULL, NULL);
  return vk_fold_get_brevstemme (self->fold, envelope, &r) ? brevstemme_dup (&r) : NULL;
}

/* The receivers as given: stripped, non-empty, distinct. */
static GStrv
clean_receivers (const char *const *receivers, GError **error)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) out = NULL;

  for (guint i = 0; receivers != NULL && receivers[i] != NULL; i++)
    {
      g_autofree char *s = g_strstrip (g_strdup (receivers[i]));
      if (*s == '\0')
        continue;
      for (guint j = 0; j < i; j++)
        {
          g_autofree char *t = g_strstrip (g_strdup (receivers[j]));
          if (g_utf8_collate (s, t) == 0)
            {
              g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_SAME_PERSON,
                           "\"%s\" is named twice: two different persons are needed", s);
              return NULL;
            }
        }
      g_strv_builder_add (b, s);
    }
  out = g_strv_builder_end (b);
  return g_steal_pointer (&out);
}

char *
vk_station_receive_brevstemme (VkStation *self, const VkBrevstemmeInput *input, guint64 *ret_seq, GError **error)
{
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkCbor) receivers = NULL;
  g_auto (GStrv) names = NULL;
  g_autofree char *envelope = NULL;
  g_autoptr (GPtrArray) contests = NULL;
  const VkVoter *voter;
  guint64 seq;
  guint64 cast_ms;
  guint needed;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);

  if (!vk_device_role_takes_brevstemmer (self->device->role_id))
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_ROLE, "device %s (%s) does not receive brevstemmer",
                   self->device->device_id, self->device->role);
      return NULL;
    }
  voter = vk_voter_index_lookup (self->index, input->area, input->loebenummer);
  if (voter == NULL)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_ON_LIST,
                   "voter %u of area %u is on no valgliste of this election", input->loebenummer, input->area);
      return NULL;
    }
  /* Per-voter eligibility: a voter who may receive none of the event's
   * ballots cannot vote by letter either. */
  contests = vk_election_voter_contests (vk_station_get_election (self), voter->contests);
  {
    if (contests->len == 0)
      {
        g_autofree char *all = vk_election_dup_contests_label (vk_station_get_election (self));

        g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_ELIGIBLE,
                     "voter %u in area %u may not vote in any contest of this election (%s)", input->loebenummer,
                     input->area, all);
        return NULL;
      }
  }
  if (!vk_brevstemme_place_is_valid (input->place))
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_BAD_PLACE,
                   "place \"%s\" is not one of borgerservice, hjem, plejehjem, hospital, faengsel, andet",
                   input->place != NULL ? input->place : "");
      return NULL;
    }
  names = clean_receivers (input->receivers, error);
  if (names == NULL)
    return NULL;
  /* KRVL §§ 60–61: two stemmemodtagere in homes and care homes. */
  needed = (strcmp (input->place, "hjem") == 0 || strcmp (input->place, "plejehjem") == 0) ? 2 : 1;
  if (g_strv_length (names) < needed)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_TOO_FEW_RECEIVERS,
                   "a brevstemme at \"%s\" needs %u stemmemodtagere, %u given", input->place, needed,
                   g_strv_length (names));
      return NULL;
    }

  body = vk_cbor_new_map ();
  cast_ms = input->cast_ms != 0 ? input->cast_ms : vk_station_clock_ms (self);
  if (self->guards && cast_ms > self->brev_last_ms)
    {
      g_autofree char *day = vk_station_local_day (self, self->brev_last_ms);
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_TOO_LATE,
                   "the brevstemme period ended on %s: a brevstemme cast later cannot count (D13)", day);
      return NULL;
    }
  if (self->guards && cast_ms < self->brev_first_ms)
    {
      if (vk_station_get_date_confirmation (self) == NULL)
        {
          g_autofree char *day = vk_station_local_day (self, self->brev_first_ms);
          g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_OUTSIDE_WINDOW,
                       "the brevstemme period begins on %s: a valgstyrer must confirm", day);
          return NULL;
        }
      vk_station_mark_confirmed (self, body, "outside_window");
    }
  if (input->cpr != NULL && *input->cpr != '\0')
    {
      char digits[11];
      g_autofree char *date = NULL;

      g_autoptr (GError) local = NULL;

      if (!vk_cpr_normalize (input->cpr, digits, &local))
        {
          g_set_error_literal (error, VK_STATION_ERROR, VK_STATION_ERROR_BAD_CPR, local->message);
          return NULL;
        }
      date = vk_cpr_birth_date (digits);
      if (g_strcmp0 (date, voter->birth_date) != 0)
        {
          sodium_memzero (digits, sizeof digits);
          g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_CPR_MISMATCH,
                       "the CPR number does not match the voter's birth date: check that the right voter is chosen");
          return NULL;
        }
      /* Only checked, never journaled, not even hashed: every reader of a
       * journal holds the package, and with the birth date ~10,000
       * candidates remain, so any unkeyed or election-keyed hash gives
       * the number back (docs/valgkort.md, "CPR numbers"). */
      sodium_memzero (digits, sizeof digits);
    }

  /* The envelope id names this entry, which is the next in the journal. */
  envelope
      = g_strdup_printf ("%s/%" G_GUINT64_FORMAT, self->device->device_id, vk_journal_get_head_seq (self->journal) + 1);
  vk_cbor_map_set_text (body, "envelope", envelope);
  vk_cbor_map_set_uint (body, "area", input->area);
  vk_cbor_map_set_uint (body, "loebenummer", input->loebenummer);
  vk_cbor_map_set_text (body, "place", input->place);
  receivers = vk_cbor_new_array ();
  for (guint i = 0; names[i] != NULL; i++)
    vk_cbor_array_append (receivers, vk_cbor_new_text (names[i], -1));
  vk_cbor_map_insert_text (body, "receivers", vk_cbor_ref (receivers));
  vk_cbor_map_set_uint (body, "cast_ms", cast_ms);
  /* The ballots the voter was handed, when not every contest's. */
  if (contests->len < vk_election_get_n_contests (vk_station_get_election (self)))
    {
      VkCbor *ids = vk_cbor_new_array ();

      for (guint i = 0; i < contests->len; i++)
        vk_cbor_array_append (ids, vk_cbor_new_text (vk_election_contest_id (g_ptr_array_index (contests, i)), -1));
      vk_cbor_map_insert_text (body, "contests", ids);
    }
  seq = vk_station_append_seq (self, "brevstemme.received", body, error);
  if (seq == 0)
    return NULL;
  if (ret_seq != NULL)
    *ret_seq = seq;
  return g_steal_pointer (&envelope);
}

void
vk_station_set_brevstemme_window (VkStation *self, guint64 first_ms, guint64 last_ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (first_ms <= last_ms);
  self->brev_first_ms = first_ms;
  self->brev_last_ms = last_ms;
}

void
vk_station_get_brevstemme_window (VkStation *self, guint64 *ret_first_ms, guint64 *ret_last_ms)
{
  g_return_if_fail (self != NULL);
  if (ret_first_ms != NULL)
    *ret_first_ms = self->brev_first_ms;
  if (ret_last_ms != NULL)
    *ret_last_ms = self->brev_last_ms;
}

static gboolean
in_window (VkStation *self, guint64 cast_ms)
{
  return cast_ms >= self->brev_first_ms && cast_ms <= self->brev_last_ms;
}

gboolean
vk_station_assess_brevstemme (VkStation *self, const char *envelope, VkBrevstemmeAssessment *ret_assessment,
                              GError **error)
{
  VkBrevstemmeAssessment a = { TRUE, 0 };
  VkFoldBrevstemme r;
  g_autoptr (GArray) same = NULL;
  const char *accepted;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (envelope != NULL, FALSE);

  if (!vk_fold_get_brevstemme (self->fold, envelope, &r))
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_UNKNOWN_ENVELOPE,
                   "envelope %s is not held here: its brevstemme journal has not arrived", envelope);
      return FALSE;
    }
  accepted = vk_fold_get_accepted_envelope (self->fold, r.area, r.loebenummer);
  same = vk_fold_dup_voter_brevstemmer (self->fold, r.area, r.loebenummer);

  if ((self->device->area != VK_PACKAGE_NO_AREA && r.area != self->device->area)
      || vk_voter_index_lookup (self->index, r.area, r.loebenummer) == NULL)
    a.reason = 1;
  else if (!in_window (self, r.cast_ms))
    a.reason = 6;
  else if (accepted != NULL && strcmp (accepted, envelope) != 0)
    a.reason = 7; /* the other one is already in the urn */
  else
    {
      /* § 71 stk. 3: of several, the latest cast that can count counts. */
      for (guint i = 0; i < same->len; i++)
        {
          const VkFoldBrevstemme *o = &g_array_index (same, VkFoldBrevstemme, i);

          if (strcmp (o->envelope, r.envelope) == 0 || o->cast_ms <= r.cast_ms || !in_window (self, o->cast_ms)
              || o->cancelled)
            continue;
          if (o->decided && !o->accepted && o->reason != 7)
            continue;
          a.reason = 7;
        }
      if (a.reason == 0 && vk_station_is_checked_in (self, r.loebenummer))
        a.reason = 5; /* voted in person already: see the header */
    }
  a.can_accept = a.reason == 0;
  if (ret_assessment != NULL)
    *ret_assessment = a;
  return TRUE;
}

guint64
vk_station_decide_brevstemme (VkStation *self, const char *envelope, gboolean accept, guint reason,
                              const char *const *valgstyrere, GError **error)
{
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkCbor) names_cbor = NULL;
  g_auto (GStrv) names = NULL;
  VkBrevstemmeAssessment a;
  VkFoldBrevstemme r;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (envelope != NULL, 0);

  if (self->device->role_id != VK_ROLE_VALGBORD)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_ROLE, "device %s (%s) does not decide brevstemmer",
                   self->device->device_id, self->device->role);
      return 0;
    }
  if (!vk_station_assess_brevstemme (self, envelope, &a, error))
    return 0;
  if (!vk_fold_get_brevstemme (self->fold, envelope, &r))
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_UNKNOWN_ENVELOPE, "envelope %s is not held here",
                   envelope);
      return 0;
    }
  if (r.cancelled)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_CANCELLED,
                   "envelope %s was cancelled by the team that received it", envelope);
      return 0;
    }
  if (r.decided)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_ALREADY_DECIDED, "envelope %s has already been decided",
                   envelope);
      return 0;
    }
  names = clean_receivers (valgstyrere, error);
  if (names == NULL)
    return 0;
  if (g_strv_length (names) < 2)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_TOO_FEW_VALGSTYRERE,
                   "two valgstyrere must check a brevstemme (KRVL § 71)");
      return 0;
    }
  if (accept && !a.can_accept)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_CANNOT_ACCEPT,
                   "envelope %s cannot be accepted: the law gives reason %u", envelope, a.reason);
      return 0;
    }
  if (!accept && (reason < 1 || reason > 7))
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_BAD_REJECTION_REASON,
                   "a rejection needs a reason 1–7, not %u", reason);
      return 0;
    }

  body = vk_cbor_new_map ();
  vk_cbor_map_set_text (body, "envelope", envelope);
  vk_cbor_map_set_uint (body, "area", r.area);
  vk_cbor_map_set_uint (body, "loebenummer", r.loebenummer);
  vk_cbor_map_set_bool (body, "accepted", accept);
  if (!accept)
    vk_cbor_map_set_uint (body, "reason", reason);
  names_cbor = vk_cbor_new_array ();
  for (guint i = 0; names[i] != NULL; i++)
    vk_cbor_array_append (names_cbor, vk_cbor_new_text (names[i], -1));
  vk_cbor_map_insert_text (body, "valgstyrere", vk_cbor_ref (names_cbor));
  return vk_station_append_seq (self, "brevstemme.decision", body, error);
}

guint64
vk_station_cancel_brevstemme (VkStation *self, const char *envelope, const char *reason, GError **error)
{
  g_autoptr (VkCbor) body = NULL;
  g_autofree char *why = NULL;
  VkFoldBrevstemme r;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (envelope != NULL, 0);

  if (!vk_device_role_takes_brevstemmer (self->device->role_id))
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_ROLE, "device %s (%s) does not receive brevstemmer",
                   self->device->device_id, self->device->role);
      return 0;
    }
  if (!vk_fold_get_brevstemme (self->fold, envelope, &r))
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_UNKNOWN_ENVELOPE, "envelope %s is not held here",
                   envelope);
      return 0;
    }
  if (strcmp (r.device_id, self->device->device_id) != 0)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_CANCELLABLE,
                   "envelope %s was received by %s: only that device can cancel it", envelope, r.device_id);
      return 0;
    }
  if (r.cancelled)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_CANCELLED, "envelope %s is already cancelled", envelope);
      return 0;
    }
  if (r.decided)
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NOT_CANCELLABLE,
                   "envelope %s has been decided by the valgstyrere: it can no longer be cancelled", envelope);
      return 0;
    }
  why = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  if (*why == '\0')
    {
      g_set_error (error, VK_STATION_ERROR, VK_STATION_ERROR_NO_REASON, "a cancel needs a reason");
      return 0;
    }
  body = vk_cbor_new_map ();
  vk_cbor_map_set_text (body, "envelope", envelope);
  vk_cbor_map_set_uint (body, "area", r.area);
  vk_cbor_map_set_uint (body, "loebenummer", r.loebenummer);
  vk_cbor_map_set_text (body, "reason", why);
  return vk_station_append_seq (self, "brevstemme.cancel", body, error);
}

guint
vk_station_count_recent_brevstemmer (VkStation *self, guint area, guint loebenummer, guint64 window_ms)
{
  g_autoptr (GArray) mine = NULL;
  guint64 now;
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);
  now = vk_station_clock_ms (self);
  mine = vk_fold_dup_voter_brevstemmer (self->fold, area, loebenummer);
  for (guint i = 0; i < mine->len; i++)
    {
      const VkFoldBrevstemme *b = &g_array_index (mine, VkFoldBrevstemme, i);
      if (!b->cancelled && b->time_ms + window_ms >= now)
        n++;
    }
  return n;
}

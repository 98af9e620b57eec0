/* vk-tally.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-cose.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-tally-private.h"

G_DEFINE_QUARK (vk - tally - error - quark, vk_tally_error)

struct _VkTally
{
  char *contest;    /* the contest's id; NULL: the primary, id unknown */
  gboolean primary; /* entries without a "contest" field are this contest's */
  VkResultKind kind;
  guint area;
  VkCbor *rounds[2];
  char *by[2];
  VkCbor *signed_counts;
};

VkTally *
vk_tally_new (const VkElection *contest, VkResultKind kind, guint area)
{
  VkTally *self = g_new0 (VkTally, 1);

  self->contest = contest != NULL ? g_strdup (vk_election_contest_id (contest)) : NULL;
  self->primary = contest == NULL || contest->event == contest;
  self->kind = kind;
  self->area = area;
  return self;
}

void
vk_tally_free (VkTally *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&self->rounds[i], vk_cbor_unref);
      g_free (self->by[i]);
    }
  g_clear_pointer (&self->signed_counts, vk_cbor_unref);
  g_free (self->contest);
  g_free (self);
}

static gboolean
entry_matches (const VkTally *self, const VkEntry *entry)
{
  guint64 area = 0;
  const char *kind = vk_cbor_map_get_text_field (entry->body, "kind", NULL);
  const char *contest = vk_cbor_map_get_text_field (entry->body, "contest", NULL);

  if (contest != NULL ? g_strcmp0 (contest, self->contest) != 0 : !self->primary)
    return FALSE;
  return kind != NULL && strcmp (kind, vk_result_kind_to_string (self->kind)) == 0
         && vk_cbor_map_get_uint_field (entry->body, "area", &area, NULL) && area == self->area;
}

/* One round or sign-off into the double entry: the latest entry of a
 * round counts; the first sign-off ends it (nothing may follow, J6). */
static void
tally_take (VkTally *self, gboolean signoff, guint64 round, const char *by, VkCbor *counts)
{
  if (self->signed_counts != NULL || counts == NULL || vk_cbor_get_type (counts) != VK_CBOR_MAP)
    return;
  if (!signoff)
    {
      if (round < 1 || round > 2)
        return;
      g_clear_pointer (&self->rounds[round - 1], vk_cbor_unref);
      self->rounds[round - 1] = vk_cbor_ref (counts);
      g_free (self->by[round - 1]);
      self->by[round - 1] = g_strdup (by != NULL ? by : "");
    }
  else
    self->signed_counts = vk_cbor_ref (counts);
}

void
vk_tally_apply (VkTally *self, const VkEntry *entry)
{
  guint64 round = 0;
  gboolean signoff;

  g_return_if_fail (self != NULL);
  g_return_if_fail (entry != NULL);

  if (strcmp (entry->type, "tally") != 0 && strcmp (entry->type, "tally.signoff") != 0)
    return;
  if (!entry_matches (self, entry))
    return;
  signoff = strcmp (entry->type, "tally.signoff") == 0;
  if (!signoff && !vk_cbor_map_get_uint_field (entry->body, "round", &round, NULL))
    return;
  tally_take (self, signoff, round, vk_cbor_map_get_text_field (entry->body, "by", NULL),
              vk_cbor_map_lookup_text (entry->body, "counts"));
}

VkTally *
vk_tally_fold (GPtrArray *entries, const VkElection *contest, VkResultKind kind, guint area)
{
  VkTally *self = vk_tally_new (contest, kind, area);

  for (guint i = 0; i < entries->len; i++)
    vk_tally_apply (self, g_ptr_array_index (entries, i));
  return self;
}

static void
take_fold_tally (const VkFoldTally *t, gpointer user_data)
{
  tally_take (user_data, t->signoff, t->round, t->by, t->counts);
}

VkTally *
vk_tally_new_from_fold (VkFold *fold, const char *device_id, const char *contest, VkResultKind kind, guint area)
{
  const VkElection *c = fold != NULL ? vk_election_get_contest (vk_fold_get_election (fold), contest) : NULL;
  VkTally *self = vk_tally_new (c, kind, area);

  g_return_val_if_fail (fold != NULL, self);
  vk_fold_foreach_tally (fold, area, contest, kind, device_id, take_fold_tally, self);
  return self;
}

VkTallyState
vk_tally_get_state (const VkTally *self)
{
  g_return_val_if_fail (self != NULL, VK_TALLY_EMPTY);

  if (self->signed_counts != NULL)
    return VK_TALLY_SIGNED;
  if (self->rounds[0] == NULL && self->rounds[1] == NULL)
    return VK_TALLY_EMPTY;
  if (self->rounds[0] == NULL || self->rounds[1] == NULL)
    return VK_TALLY_FIRST;
  return vk_cbor_equal (self->rounds[0], self->rounds[1]) ? VK_TALLY_AGREED : VK_TALLY_DIFFERENT;
}

VkCbor *
vk_tally_get_round (const VkTally *self, guint round, const char **ret_by)
{
  g_return_val_if_fail (self != NULL && round >= 1 && round <= 2, NULL);
  if (ret_by != NULL)
    *ret_by = self->by[round - 1];
  return self->rounds[round - 1];
}

GPtrArray *
vk_tally_dup_differences (const VkTally *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  if (self->rounds[0] == NULL || self->rounds[1] == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify)vk_count_difference_free);
  return vk_counts_dup_differences (self->rounds[0], self->rounds[1]);
}

VkCbor *
vk_tally_get_signed (const VkTally *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->signed_counts;
}

/* Station actions. */

/* This table's double entry: from the station's fold (shared/vk-fold.h). */
static VkTally *
station_tally (VkStation *station, const char *contest, VkResultKind kind, guint area, GError **error)
{
  return vk_tally_new_from_fold (vk_station_get_fold (station), vk_station_get_device (station)->device_id, contest,
                                 kind, area);
}

/* The contest of the station's election named contest (NULL: the
 * primary), or VK_TALLY_ERROR_UNKNOWN_CONTEST. */
static const VkElection *
station_contest (VkStation *station, const char *contest, GError **error)
{
  const VkElection *c = vk_election_get_contest (vk_station_get_election (station), contest);

  if (c == NULL)
    g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_UNKNOWN_CONTEST, "\"%s\" is not a contest of this election",
                 contest);
  return c;
}

/* Count entries name their contest in an event with several (J6). */
static void
body_set_contest (VkCbor *body, const VkElection *contest)
{
  if (vk_election_get_n_contests (contest) > 1)
    vk_cbor_map_set_text (body, "contest", vk_election_contest_id (contest));
}

static gboolean
check_area (VkStation *station, VkResultKind kind, guint area, GError **error)
{
  const VkDevice *device = vk_station_get_device (station);

  if (kind == VK_RESULT_FORELOEBIG)
    {
      if (device->role_id != VK_ROLE_VALGBORD || device->area != area)
        {
          g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_WRONG_TABLE,
                       "the foreløbig optælling of area %u is entered at a valgbord of that area, not at %s", area,
                       device->device_id);
          return FALSE;
        }
    }
  else if (device->role_id != VK_ROLE_FINTAELLING)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_WRONG_TABLE,
                   "the fintælling is entered at a fintælling table, not at %s", device->device_id);
      return FALSE;
    }
  return TRUE;
}

guint64
vk_tally_close_poll (VkStation *station, GError **error)
{
  return vk_station_close_poll (station, error);
}

guint64
vk_tally_enter (VkStation *station, const char *contest, VkResultKind kind, guint area, guint round, const char *by,
                const VkAreaResult *counts, const VkBallotAccount *ballots, GError **error)
{
  g_autoptr (VkTally) tally = NULL;
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) entry = NULL;
  const char *other_by = NULL;
  const VkElection *c;

  g_return_val_if_fail (station != NULL, 0);
  g_return_val_if_fail (counts != NULL, 0);

  if (round < 1 || round > 2 || by == NULL || *by == '\0')
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_WRONG_ROUND,
                   "a count is entered in round 1 or 2, with the name of who enters it");
      return 0;
    }
  if ((c = station_contest (station, contest, error)) == NULL || !check_area (station, kind, area, error))
    return 0;
  tally = station_tally (station, contest, kind, area, error);
  if (tally == NULL)
    return 0;
  if (vk_tally_get_state (tally) == VK_TALLY_SIGNED)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_SIGNED,
                   "the count of area %u is signed off and cannot be changed", area);
      return 0;
    }
  if (round == 2 && vk_tally_get_round (tally, 1, NULL) == NULL)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_ROUND1_FIRST, "enter round 1 before round 2");
      return 0;
    }
  /* Four eyes: the other round must have been entered by someone else. */
  if (vk_tally_get_round (tally, round == 1 ? 2 : 1, &other_by) != NULL && g_strcmp0 (other_by, by) == 0)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_SAME_PERSON,
                   "%s entered the other round: the two entries must be made by two different people", by);
      return 0;
    }

  body = vk_cbor_new_map ();
  body_set_contest (body, c);
  vk_cbor_map_set_text (body, "kind", vk_result_kind_to_string (kind));
  vk_cbor_map_set_uint (body, "area", area);
  vk_cbor_map_set_uint (body, "round", round);
  vk_cbor_map_set_text (body, "by", by);
  vk_cbor_map_insert_text (body, "counts", vk_counts_to_cbor (counts, ballots));
  entry = vk_station_append (station, "tally", body, error);
  return entry != NULL ? entry->seq : 0;
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

GBytes *
vk_tally_signoff_payload (const guint8 election_id[32], const char *contest, VkResultKind kind, guint area,
                          const guint8 counts_digest[32])
{
  return vk_counts_signoff_payload (election_id, contest, vk_result_kind_to_string (kind), area, counts_digest);
}

guint64
vk_tally_sign_off (VkStation *station, const char *contest, VkResultKind kind, guint area, const VkSigner *signers,
                   guint n_signers, const char *explanation, gint64 marked_voters, guint64 eligible, GError **error)
{
  g_autoptr (VkTally) tally = NULL;
  g_autoptr (VkAreaResult) counts = NULL;
  const VkElection *election;
  g_autoptr (GArray) failures = NULL;
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) entry = NULL;
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  VkCbor *agreed;
  VkCbor *names_array;
  VkCbor *signatures = NULL;
  VkBallotAccount ballots;
  guint8 digest[32];
  VkPackage *package;

  g_return_val_if_fail (station != NULL, 0);

  if ((election = station_contest (station, contest, error)) == NULL || !check_area (station, kind, area, error))
    return 0;
  tally = station_tally (station, contest, kind, area, error);
  if (tally == NULL)
    return 0;
  switch (vk_tally_get_state (tally))
    {
      case VK_TALLY_AGREED:
        break;
      case VK_TALLY_SIGNED:
        g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_SIGNED, "the count of area %u is already signed off", area);
        return 0;
      case VK_TALLY_DIFFERENT:
        g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DIFFERENT,
                     "the two entries differ: correct one of them first");
        return 0;
      case VK_TALLY_EMPTY:
      case VK_TALLY_FIRST:
      default:
        g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NOT_ENTERED, "both entries of the count must be made first");
        return 0;
    }

  package = vk_station_get_package (station);
  agreed = vk_tally_get_round (tally, 1, NULL);
  counts = vk_counts_from_cbor (agreed, election, kind, area, NULL, &ballots, error);
  if (counts == NULL)
    return 0;
  /* Who signs is asked for before what they must write. */
  for (guint i = 0; i < n_signers; i++)
    if (signers[i].name != NULL && *signers[i].name != '\0')
      g_hash_table_add (names, (gpointer)signers[i].name);
  if (g_hash_table_size (names) < 2)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_TOO_FEW_SIGNERS, "at least two valgstyrere must sign");
      return 0;
    }
  g_hash_table_remove_all (names);
  failures = vk_counts_check (counts, NULL, &ballots, marked_voters, eligible);
  if (!vk_tally_failures_to_error (failures, error))
    return 0;
  for (guint i = 0; i < failures->len; i++)
    if (g_array_index (failures, VkCountFailure, i).check == VK_COUNT_CHECK_MARKED && is_blank (explanation))
      {
        g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NO_EXPLANATION,
                     "votes cast (%" G_GUINT64_FORMAT ") and marked voters (%" G_GINT64_FORMAT
                     ") differ: write the explanation before the sign-off",
                     counts->cast, marked_voters);
        return 0;
      }

  names_array = vk_cbor_new_array ();
  body = vk_cbor_new_map ();
  /* The table's guards: brevstemmer decided, the date (vk-station.h). */
  if (!vk_station_check_signoff (station, kind == VK_RESULT_FORELOEBIG, area, body, error))
    {
      vk_cbor_unref (names_array);
      return 0;
    }
  vk_cbor_map_insert_text (body, "signers", names_array);
  vk_counts_digest (agreed, digest);
  for (guint i = 0; i < n_signers; i++)
    {
      if (signers[i].name == NULL || *signers[i].name == '\0')
        continue;
      if (!g_hash_table_add (names, (gpointer)signers[i].name))
        continue;
      vk_cbor_array_append (names_array, vk_cbor_new_text (signers[i].name, -1));
      if (signers[i].key != NULL)
        {
          g_autoptr (GBytes) payload = vk_tally_signoff_payload (
              vk_package_get_election_id (package),
              vk_election_get_n_contests (election) > 1 ? vk_election_contest_id (election) : NULL, kind, area, digest);
          g_autoptr (GBytes) cose = NULL;
          const VkDevice *enrolled
              = vk_package_lookup_device_by_key_id (package, vk_keypair_get_key_id (signers[i].key));

          if (enrolled == NULL || enrolled->role_id != VK_ROLE_VALGSTYRER)
            {
              g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NOT_VALGSTYRER,
                           "%s's key is not enrolled as a valgstyrer", signers[i].name);
              vk_cbor_unref (signatures);
              return 0;
            }
          cose = vk_cose_sign1_create (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), signers[i].key,
                                       error);
          if (cose == NULL)
            {
              vk_cbor_unref (signatures);
              return 0;
            }
          if (signatures == NULL)
            signatures = vk_cbor_new_array ();
          vk_cbor_array_append (signatures, vk_cbor_new_bytes (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose)));
        }
    }
  if (g_hash_table_size (names) < 2)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_TOO_FEW_SIGNERS, "at least two valgstyrere must sign");
      vk_cbor_unref (signatures);
      return 0;
    }
  if (signatures != NULL)
    vk_cbor_map_insert_text (body, "signatures", signatures);
  body_set_contest (body, election);
  vk_cbor_map_set_text (body, "kind", vk_result_kind_to_string (kind));
  vk_cbor_map_set_uint (body, "area", area);
  vk_cbor_map_insert_text (body, "counts", vk_cbor_ref (agreed));
  if (explanation != NULL && *explanation != '\0')
    vk_cbor_map_set_text (body, "explanation", explanation);
  entry = vk_station_append (station, "tally.signoff", body, error);
  return entry != NULL ? entry->seq : 0;
}

/* Reading what the station holds. */

VkTally *
vk_tally_dup_station_tally (VkStation *station, const char *contest, VkResultKind kind, guint area, GError **error)
{
  g_return_val_if_fail (station != NULL, NULL);
  if (station_contest (station, contest, error) == NULL)
    return NULL;
  return station_tally (station, contest, kind, area, error);
}

typedef struct
{
  char *device;
  VkCbor *counts;
} FirstSignoff;

static void
first_signoff_cb (const VkFoldTally *t, gpointer user_data)
{
  FirstSignoff *first = user_data;

  /* A device's first sign-off ends its double entry (tally_take()); of
   * several devices, the first by device id, as the journal lists them. */
  if (!t->signoff || t->counts == NULL || vk_cbor_get_type (t->counts) != VK_CBOR_MAP)
    return;
  if (first->device != NULL && strcmp (t->device_id, first->device) >= 0)
    return;
  g_free (first->device);
  first->device = g_strdup (t->device_id);
  first->counts = t->counts;
}

VkCbor *
vk_tally_dup_signed_counts (VkStation *station, const char *contest, VkResultKind kind, guint area, char **ret_device,
                            GError **error)
{
  FirstSignoff first = { NULL, NULL };

  g_return_val_if_fail (station != NULL, NULL);

  /* Entries the sync runner stored since the last refresh count too. */
  (void)vk_station_refresh (station, NULL, NULL);
  vk_fold_foreach_tally (vk_station_get_fold (station), area, contest, kind, NULL, first_signoff_cb, &first);
  if (first.device == NULL)
    return NULL;
  if (ret_device != NULL)
    *ret_device = g_steal_pointer (&first.device);
  g_free (first.device);
  return vk_cbor_ref (first.counts);
}

VkAreaResult *
vk_tally_dup_signed_result (VkStation *station, const char *contest, VkResultKind kind, guint area, char **ret_device,
                            GError **error)
{
  g_autoptr (VkCbor) counts = NULL;
  g_autofree char *device = NULL;
  const VkElection *election;
  const VkArea *a;
  VkAreaResult *result;

  g_return_val_if_fail (station != NULL, NULL);

  if ((election = station_contest (station, contest, error)) == NULL)
    return NULL;
  counts = vk_tally_dup_signed_counts (station, contest, kind, area, &device, error);
  if (counts == NULL)
    return NULL;
  a = vk_election_lookup_area (election, area);
  result = vk_counts_from_cbor (counts, election, kind, area, a != NULL ? a->name : NULL, NULL, error);
  if (result != NULL && ret_device != NULL)
    *ret_device = g_steal_pointer (&device);
  return result;
}

/* Doubtful ballots. */

static void
doubtful_decision_free (VkDoubtfulDecision *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->list_id);
  g_free (self);
}

void
vk_doubtful_free (VkDoubtful *self)
{
  if (self == NULL)
    return;
  g_free (self->note);
  g_clear_pointer (&self->decisions, g_ptr_array_unref);
  g_free (self);
}

static gboolean
check_fintaelling_area (VkStation *station, guint area, GError **error)
{
  if (vk_station_get_device (station)->role_id != VK_ROLE_FINTAELLING)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NOT_FINTAELLING,
                   "doubtful ballots are set aside and decided at a fintælling table");
      return FALSE;
    }
  if (vk_election_lookup_area (vk_station_get_election (station), area) == NULL)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_UNKNOWN_AREA, "area %u is not an area of this election", area);
      return FALSE;
    }
  return TRUE;
}

guint64
vk_tally_set_aside_doubtful (VkStation *station, const char *contest, guint area, guint64 count, const char *note,
                             GError **error)
{
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) entry = NULL;
  const VkElection *c;

  g_return_val_if_fail (station != NULL, 0);

  if ((c = station_contest (station, contest, error)) == NULL || !check_fintaelling_area (station, area, error))
    return 0;
  if (count == 0)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_NONE, "set at least one doubtful ballot aside");
      return 0;
    }
  if (is_blank (note))
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_NO_NOTE,
                   "write a note on why the ballots are doubtful");
      return 0;
    }
  body = vk_cbor_new_map ();
  body_set_contest (body, c);
  vk_cbor_map_set_uint (body, "area", area);
  vk_cbor_map_set_uint (body, "count", count);
  vk_cbor_map_set_text (body, "note", note);
  entry = vk_station_append (station, "ballot.doubtful", body, error);
  return entry != NULL ? entry->seq : 0;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkDoubtfulDecision, doubtful_decision_free)

/* A decision → a VkDoubtfulDecision; NULL when it names nothing we know
 * (vk_counts_parse_doubtful_decision()). */
static VkDoubtfulDecision *
parse_decision (const VkElection *election, const VkFoldDoubtDecision *fd)
{
  g_autoptr (VkDoubtfulDecision) d = g_new0 (VkDoubtfulDecision, 1);
  const char *id, *list_id;

  d->seq = fd->seq;
  d->time_ms = fd->time_ms;
  d->count = fd->count;
  if (!vk_counts_parse_doubtful_decision (election, fd->decision, &d->to, &id, &list_id, &d->code, NULL))
    return NULL;
  d->id = g_strdup (id);
  d->list_id = g_strdup (list_id);
  return g_steal_pointer (&d);
}

typedef struct
{
  const VkElection *election; /* the contest */
  GPtrArray *out;
} DoubtfulCtx;

static void
dup_doubtful_cb (const VkFoldDoubtful *fd, const VkFoldDoubtDecision *decisions, guint n, gpointer user_data)
{
  DoubtfulCtx *c = user_data;
  VkDoubtful *d;

  if (g_strcmp0 (fd->contest, vk_election_contest_id (c->election)) != 0)
    return;
  d = g_new0 (VkDoubtful, 1);

  d->seq = fd->seq;
  d->time_ms = fd->time_ms;
  d->area = fd->area;
  d->count = fd->count;
  d->note = g_strdup (fd->note != NULL ? fd->note : "");
  d->decisions = g_ptr_array_new_with_free_func ((GDestroyNotify)doubtful_decision_free);
  for (guint i = 0; i < n; i++)
    {
      VkDoubtfulDecision *dd = parse_decision (c->election, &decisions[i]);

      if (dd == NULL)
        continue;
      d->decided += dd->count;
      g_ptr_array_add (d->decisions, dd);
    }
  g_ptr_array_add (c->out, d);
}

static int
compare_doubtful (gconstpointer a, gconstpointer b)
{
  const VkDoubtful *x = *(const VkDoubtful *const *)a, *y = *(const VkDoubtful *const *)b;

  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* From the station's fold: the decisions it holds passed
 * vk_entry_schema_check_decision() (their ballot.doubtful, no more
 * ballots than were set aside). */
GPtrArray *
vk_tally_dup_doubtful (VkStation *station, const char *contest, guint area, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_doubtful_free);
  DoubtfulCtx ctx;

  g_return_val_if_fail (station != NULL, NULL);

  ctx.election = station_contest (station, contest, error);
  if (ctx.election == NULL)
    return NULL;
  ctx.out = out;
  vk_fold_foreach_doubtful (vk_station_get_fold (station), vk_station_get_device (station)->device_id, area,
                            dup_doubtful_cb, &ctx);
  g_ptr_array_sort (out, compare_doubtful);
  return g_steal_pointer (&out);
}

guint64
vk_tally_decide_doubtful (VkStation *station, const char *contest, guint area, guint64 ref, VkDoubtfulTo to,
                          const char *id, guint code, guint64 count, GError **error)
{
  g_autoptr (GPtrArray) held = NULL;
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkEntry) entry = NULL;
  const VkElection *election;
  const VkDoubtful *doubtful = NULL;
  VkCbor *decision;

  g_return_val_if_fail (station != NULL, 0);

  if ((election = station_contest (station, contest, error)) == NULL || !check_fintaelling_area (station, area, error))
    return 0;
  held = vk_tally_dup_doubtful (station, contest, area, error);
  if (held == NULL)
    return 0;
  for (guint i = 0; i < held->len; i++)
    if (((VkDoubtful *)g_ptr_array_index (held, i))->seq == ref)
      doubtful = g_ptr_array_index (held, i);
  if (doubtful == NULL)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_UNKNOWN_REF,
                   "entry %" G_GUINT64_FORMAT " is not a doubtful ballot of area %u set aside at this table", ref,
                   area);
      return 0;
    }
  /* The rule the fold applies (vk_entry_schema_check_decision()), asked
   * before the entry is written; refused as VK_TALLY_ERROR_DOUBTFUL_TOO_MANY
   * (the ref is known: only the count can break it). */
  {
    g_autoptr (VkCbor) probe = vk_cbor_new_map ();
    g_autoptr (GError) local = NULL;
    VkDoubtfulHeld h = { doubtful->area, doubtful->count, doubtful->decided,
                         (guint)vk_election_contest_index (election, vk_election_contest_id (election)) };
    VkEntry e = { 0 };

    body_set_contest (probe, election);
    vk_cbor_map_set_uint (probe, "area", area);
    vk_cbor_map_set_uint (probe, "ref", ref);
    vk_cbor_map_set_uint (probe, "count", count);
    e.device_id = (char *)vk_station_get_device (station)->device_id;
    e.seq = vk_journal_get_head_seq (vk_station_get_journal (station)) + 1;
    e.type = (char *)"ballot.decision";
    e.body = probe;
    if (!vk_entry_schema_check_decision (vk_station_get_election (station), &e, &h, &local))
      {
        g_set_error_literal (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_TOO_MANY, local->message);
        return 0;
      }
  }
  decision = vk_cbor_new_map ();
  body = vk_cbor_new_map ();
  body_set_contest (body, election);
  vk_cbor_map_insert_text (body, "decision", decision);
  switch (to)
    {
      case VK_DOUBTFUL_LIST:
        if (id == NULL || vk_election_lookup_list (election, id) == NULL)
          {
            g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_UNKNOWN_ID,
                         "\"%s\" is not a list of this election", id ? id : "");
            return 0;
          }
        vk_cbor_map_set_text (decision, "list", id);
        break;
      case VK_DOUBTFUL_CANDIDATE:
        if (id == NULL || vk_election_lookup_candidate (election, id) == NULL)
          {
            g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_UNKNOWN_ID,
                         "\"%s\" is not a candidate of this election", id ? id : "");
            return 0;
          }
        vk_cbor_map_set_text (decision, "candidate", id);
        break;
      case VK_DOUBTFUL_INVALID:
      default:
        if (!vk_counts_is_invalid_code (code))
          {
            g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_DOUBTFUL_BAD_CODE,
                         "%u is not a reason code (1–13, 21–32)", code);
            return 0;
          }
        vk_cbor_map_set_uint (decision, "invalid", code);
        break;
    }
  vk_cbor_map_set_uint (body, "area", area);
  vk_cbor_map_set_uint (body, "ref", ref);
  vk_cbor_map_set_uint (body, "count", count);
  entry = vk_station_append (station, "ballot.decision", body, error);
  return entry != NULL ? entry->seq : 0;
}

guint64
vk_tally_add_decided_doubtful (VkAreaResult *result, GPtrArray *doubtful)
{
  guint64 added = 0;

  g_return_val_if_fail (result != NULL, 0);
  g_return_val_if_fail (doubtful != NULL, 0);

  for (guint i = 0; i < doubtful->len; i++)
    {
      const VkDoubtful *d = g_ptr_array_index (doubtful, i);

      if (d->area != result->area_number)
        continue;
      for (guint j = 0; j < d->decisions->len; j++)
        {
          const VkDoubtfulDecision *dd = g_ptr_array_index (d->decisions, j);

          vk_counts_add_decided_ballots (result, dd->to, dd->id, dd->list_id, dd->code, dd->count);
          added += dd->count;
        }
    }
  return added;
}

/* The valgbog's record. */

static void
tally_event_free (VkTallyEvent *self)
{
  if (self == NULL)
    return;
  g_free (self->who);
  g_free (self);
}

void
vk_tally_record_free (VkTallyRecord *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->entered, g_ptr_array_unref);
  g_clear_pointer (&self->signers, g_ptr_array_unref);
  g_clear_pointer (&self->undos, g_ptr_array_unref);
  g_clear_pointer (&self->brev_valgstyrere, g_ptr_array_unref);
  g_clear_pointer (&self->counts, vk_area_result_free);
  g_free (self->explanation);
  g_free (self->contest);
  g_free (self);
}

static void
tally_undo_free (VkTallyUndo *self)
{
  if (self == NULL)
    return;
  g_free (self->device_id);
  g_free (self->reason);
  g_free (self);
}

static gint
undo_cmp (gconstpointer a, gconstpointer b)
{
  const VkTallyUndo *x = *(VkTallyUndo *const *)a, *y = *(VkTallyUndo *const *)b;

  return x->time_ms < y->time_ms ? -1 : x->time_ms > y->time_ms;
}

static VkTallyEvent *
add_event (VkTallyRecord *r, VkTallyEventKind kind, const VkEntry *e, guint round, const char *who)
{
  VkTallyEvent *ev = g_new0 (VkTallyEvent, 1);

  ev->kind = kind;
  ev->time_ms = e->time_ms;
  ev->round = round;
  ev->who = g_strdup (who);
  g_ptr_array_add (r->events, ev);
  return ev;
}

static gboolean
has_string (GPtrArray *a, const char *s)
{
  for (guint i = 0; i < a->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a, i), s) == 0)
      return TRUE;
  return FALSE;
}

/* The area's undone check-ins, at any table held. */
static gboolean
record_undos (VkTallyRecord *r, VkJournal *journal, guint area, GError **error)
{
  g_autoptr (GPtrArray) heads = vk_journal_dup_heads (journal, error);

  if (heads == NULL)
    return FALSE;
  for (guint i = 0; i < heads->len; i++)
    {
      const VkJournalHead *head = g_ptr_array_index (heads, i);
      g_autoptr (GPtrArray) entries = vk_journal_dup_device_entries (journal, head->device_id, 0, error);

      if (entries == NULL)
        return FALSE;
      for (guint j = 0; j < entries->len; j++)
        {
          const VkEntry *e = g_ptr_array_index (entries, j);
          guint64 a = 0, lnr = 0;
          VkTallyUndo *u;

          if (strcmp (e->type, "checkin.undo") != 0 || !vk_cbor_map_get_uint_field (e->body, "area", &a, NULL)
              || a != area)
            continue;
          (void)vk_cbor_map_get_uint_field (e->body, "loebenummer", &lnr, NULL);
          u = g_new0 (VkTallyUndo, 1);
          u->time_ms = e->time_ms;
          u->device_id = g_strdup (head->device_id);
          u->loebenummer = (guint)lnr;
          u->reason = g_strdup (vk_cbor_map_get_text_field (e->body, "reason", NULL));
          g_ptr_array_add (r->undos, u);
        }
    }
  g_ptr_array_sort (r->undos, undo_cmp);
  return TRUE;
}

/* The area's brevstemmer held, by outcome, and who decided them. */
static gboolean
record_brevstemmer (VkTallyRecord *r, VkStation *station, guint area, GError **error)
{
  g_autoptr (GPtrArray) brev = vk_station_dup_brevstemmer (station, area);

  (void)error;
  for (guint i = 0; brev != NULL && i < brev->len; i++)
    {
      const VkBrevstemme *b = g_ptr_array_index (brev, i);

      r->brev_received++;
      if (!b->decided)
        r->brev_undecided++;
      else if (b->accepted)
        r->brev_accepted++;
      else
        {
          r->brev_rejected++;
          r->brev_rejected_by_reason[b->reason < G_N_ELEMENTS (r->brev_rejected_by_reason) ? b->reason : 0]++;
        }
      for (guint k = 0; b->decided && b->valgstyrere != NULL && b->valgstyrere[k] != NULL; k++)
        if (!has_string (r->brev_valgstyrere, b->valgstyrere[k]))
          g_ptr_array_add (r->brev_valgstyrere, g_strdup (b->valgstyrere[k]));
    }
  return TRUE;
}

VkTallyRecord *
vk_tally_dup_record (VkStation *station, const char *contest, GError **error)
{
  g_autoptr (VkTallyRecord) r = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  const VkElection *c;
  gboolean primary;
  const VkDevice *device;
  const char *kind = vk_result_kind_to_string (VK_RESULT_FORELOEBIG);
  const VkEntry *signoff = NULL;
  guint32 rounds_seen = 0;
  VkStationCounts counts;
  VkJournal *journal;

  g_return_val_if_fail (station != NULL, NULL);

  device = vk_station_get_device (station);
  if (device->role_id != VK_ROLE_VALGBORD)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_WRONG_TABLE, "a valgbog is printed at a valgbord, not at %s",
                   device->device_id);
      return NULL;
    }
  if ((c = station_contest (station, contest, error)) == NULL)
    return NULL;
  primary = c->event == c;
  journal = vk_station_get_journal (station);
  entries = vk_journal_dup_entries (journal, 0, error);
  if (entries == NULL)
    return NULL;
  r = g_new0 (VkTallyRecord, 1);
  r->area = device->area;
  r->contest = g_strdup (vk_election_contest_id (c));
  r->events = g_ptr_array_new_with_free_func ((GDestroyNotify)tally_event_free);
  r->entered = g_ptr_array_new_with_free_func (g_free);
  r->signers = g_ptr_array_new_with_free_func (g_free);
  r->undos = g_ptr_array_new_with_free_func ((GDestroyNotify)tally_undo_free);
  r->brev_valgstyrere = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      const char *k = vk_cbor_map_get_text_field (e->body, "kind", NULL);
      const char *ec = vk_cbor_map_get_text_field (e->body, "contest", NULL);
      guint64 area = 0;

      if (strcmp (e->type, "device.open") == 0)
        {
          VkTallyEvent *ev = add_event (r, VK_TALLY_EVENT_OPENED, e, 0, NULL);

          ev->restarted = r->opened_ms != 0;
          if (r->opened_ms == 0)
            r->opened_ms = e->time_ms;
        }
      else if (strcmp (e->type, "poll.close") == 0)
        {
          r->closed_ms = e->time_ms;
          add_event (r, VK_TALLY_EVENT_POLL_CLOSED, e, 0, NULL);
        }
      else if ((strcmp (e->type, "tally") == 0 || strcmp (e->type, "tally.signoff") == 0) && g_strcmp0 (k, kind) == 0
               && vk_cbor_map_get_uint_field (e->body, "area", &area, NULL) && area == device->area
               && (ec != NULL ? strcmp (ec, r->contest) == 0 : primary))
        {
          if (strcmp (e->type, "tally") == 0)
            {
              guint64 round = 0;
              const char *by = vk_cbor_map_get_text_field (e->body, "by", NULL);

              (void)vk_cbor_map_get_uint_field (e->body, "round", &round, NULL);
              add_event (r, VK_TALLY_EVENT_ENTERED, e, (guint)round, by)->again
                  = round < 32 && (rounds_seen & (1u << round)) != 0;
              if (round < 32)
                rounds_seen |= 1u << round;
              if (by != NULL && !has_string (r->entered, by))
                g_ptr_array_add (r->entered, g_strdup (by));
            }
          else if (signoff == NULL)
            {
              signoff = e;
              add_event (r, VK_TALLY_EVENT_SIGNED, e, 0, NULL);
            }
        }
    }
  if (signoff == NULL)
    {
      g_set_error (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NOT_SIGNED,
                   "the foreløbig optælling of %s in area %u is not signed off yet: the valgbog is printed after it",
                   r->contest, device->area);
      return NULL;
    }
  {
    VkCbor *signers = vk_cbor_map_lookup_text (signoff->body, "signers");
    VkCbor *signatures = vk_cbor_map_lookup_text (signoff->body, "signatures");
    const char *explanation = vk_cbor_map_get_text_field (signoff->body, "explanation", NULL);
    const VkArea *a = vk_election_lookup_area (c, device->area);

    for (gsize i = 0; signers != NULL && i < vk_cbor_array_get_length (signers); i++)
      {
        const char *name = vk_cbor_get_text (vk_cbor_array_get (signers, i), NULL);
        if (name != NULL)
          g_ptr_array_add (r->signers, g_strdup (name));
      }
    r->with_keys
        = signatures != NULL && r->signers->len > 0 && vk_cbor_array_get_length (signatures) == r->signers->len;
    r->signed_ms = signoff->time_ms;
    r->explanation = g_strdup (explanation);
    r->counts = vk_counts_from_cbor (vk_cbor_map_lookup_text (signoff->body, "counts"), c, VK_RESULT_FORELOEBIG,
                                     device->area, a != NULL ? a->name : NULL, &r->ballots, error);
    if (r->counts == NULL)
      return NULL;
    r->counts->eligible = a != NULL ? a->eligible : 0;
    if (a != NULL && *a->dagi_id != '\0')
      {
        g_free (r->counts->dagi_id);
        r->counts->dagi_id = g_strdup (a->dagi_id);
      }
  }
  vk_station_get_counts (station, &counts);
  r->checkins = counts.checked_in;
  r->brevstemmer = counts.brevstemmer_accepted;
  r->assisted = counts.assisted;
  if (!record_undos (r, journal, device->area, error) || !record_brevstemmer (r, station, device->area, error))
    return NULL;
  r->head_seq = vk_journal_get_head_seq (journal);
  memcpy (r->head, vk_journal_get_head_hash (journal), 32);
  return g_steal_pointer (&r);
}

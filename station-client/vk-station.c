/* vk-station.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk-brevstemme-window.h"
#include "vk-cpr.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-station.h"

/* What the fold keeps of each entry type (docs/journal-format.md, J6). */
typedef struct
{
  char *device_id;
  guint64 seq;
  guint64 time_ms;
  guint area;
  guint loebenummer;
  gboolean assisted;
  VkCheckinMethod method;
} Checkin;

typedef struct
{
  char *device_id; /* of the check-in */
  guint64 seq;
  guint area;
  guint loebenummer;
} Undo;

typedef struct
{
  char *envelope;
  char *device_id;
  guint64 seq;
  guint64 time_ms;
  guint area;
  guint loebenummer;
  char *place;
  GStrv receivers;
  guint64 cast_ms;
} Received;

typedef struct
{
  char *envelope;
  char *device_id;
  guint64 seq;
  guint area;
  guint loebenummer;
  gboolean accepted;
  guint reason;
  GStrv valgstyrere;
} Decision;

struct _VkStation
{
  VkPackage *package;     /* borrowed */
  const VkDevice *device; /* owned by the package */
  const VkKeypair *key;   /* borrowed */
  VkJournal *journal;
  VkElection *election;
  VkVoterIndex *index;
  GTimeZone *tz; /* Danish time: hours in the chart, brevstemme deadlines */
  gboolean valgstyrer;
  gboolean poll_closed; /* a poll.close of this area is held */
  guint64 brev_first_ms;
  guint64 brev_last_ms;

  /* The fold.  Voter keys are heap guint64 (area << 32 | løbenummer). */
  GHashTable *heads;         /* device id → highest seq folded (guint64 in a pointer-sized box) */
  GHashTable *checkins;      /* "device\nseq" → Checkin*, every check-in seen */
  GHashTable *undone;        /* "device\nseq" → TRUE */
  GHashTable *standing;      /* voter key → GPtrArray of Checkin* (borrowed), oldest first */
  GHashTable *received;      /* envelope → Received* */
  GHashTable *decisions;     /* envelope → Decision*, the first one held */
  GHashTable *brev_by_voter; /* voter key → GPtrArray of Received* (borrowed) */
  GHashTable *accepted;      /* voter key → envelope (borrowed from the Decision) */
};

static const char *const places[] = { "borgerservice", "hjem", "plejehjem", "hospital", "faengsel", "andet" };

/* Small helpers. */

static guint64 *
voter_key_new (guint area, guint loebenummer)
{
  guint64 *key = g_new (guint64, 1);
  *key = ((guint64)area << 32) | loebenummer;
  return key;
}

static char *
ref_key (const char *device_id, guint64 seq)
{
  return g_strdup_printf ("%s\n%" G_GUINT64_FORMAT, device_id, seq);
}

static guint64
now_ms (void)
{
  gint64 now = g_get_real_time () / 1000;
  return now > 0 ? (guint64)now : 0;
}

static void
checkin_free (Checkin *c)
{
  g_free (c->device_id);
  g_free (c);
}

static void
undo_free (Undo *u)
{
  g_free (u->device_id);
  g_free (u);
}

static void
received_free (Received *r)
{
  g_free (r->envelope);
  g_free (r->device_id);
  g_free (r->place);
  g_strfreev (r->receivers);
  g_free (r);
}

static void
decision_free (Decision *d)
{
  g_free (d->envelope);
  g_free (d->device_id);
  g_strfreev (d->valgstyrere);
  g_free (d);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Checkin, checkin_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Undo, undo_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Received, received_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Decision, decision_free)

gboolean
vk_brevstemme_place_is_valid (const char *place)
{
  if (place == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (places); i++)
    if (strcmp (place, places[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Parsing entry bodies.  A known type with a missing or mistyped field
 * is refused (J6), naming the entry. */

static gboolean
body_fail (const VkEntry *e, GError **error, const char *what)
{
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "entry %" G_GUINT64_FORMAT " of device %s (%s): %s", e->seq,
               e->device_id, e->type, what);
  return FALSE;
}

static gboolean
get_uint (const VkEntry *e, const char *key, guint max, guint *ret, GError **error)
{
  guint64 v;
  g_autoptr (GError) local = NULL;

  if (!vk_cbor_map_get_uint_field (e->body, key, &v, &local))
    return body_fail (e, error, local->message);
  if (v > max)
    {
      g_autofree char *msg = g_strdup_printf ("field \"%s\" is out of range", key);
      return body_fail (e, error, msg);
    }
  *ret = (guint)v;
  return TRUE;
}

static const char *
get_text (const VkEntry *e, const char *key, GError **error)
{
  g_autoptr (GError) local = NULL;
  const char *s = vk_cbor_map_get_text_field (e->body, key, &local);

  if (s == NULL)
    body_fail (e, error, local->message);
  return s;
}

/* An optional or required bool: absent gives *ret = FALSE when optional. */
static gboolean
get_bool (const VkEntry *e, const char *key, gboolean optional, gboolean *ret, GError **error)
{
  VkCbor *item = vk_cbor_map_lookup_text (e->body, key);
  g_autofree char *msg = NULL;

  if (item == NULL && optional)
    {
      *ret = FALSE;
      return TRUE;
    }
  if (item != NULL && vk_cbor_get_bool (item, ret))
    return TRUE;
  msg = g_strdup_printf ("field \"%s\" must be a bool", key);
  return body_fail (e, error, msg);
}

static GStrv
get_text_array (const VkEntry *e, const char *key, GError **error)
{
  VkCbor *item = vk_cbor_map_lookup_text (e->body, key);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_autofree char *msg = g_strdup_printf ("field \"%s\" must be an array of text", key);

  if (item == NULL || vk_cbor_get_type (item) != VK_CBOR_ARRAY)
    {
      body_fail (e, error, msg);
      return NULL;
    }
  for (gsize i = 0; i < vk_cbor_array_get_length (item); i++)
    {
      VkCbor *s = vk_cbor_array_get (item, i);
      if (vk_cbor_get_type (s) != VK_CBOR_TEXT)
        {
          body_fail (e, error, msg);
          return NULL;
        }
      g_strv_builder_add (b, vk_cbor_get_text (s, NULL));
    }
  return g_strv_builder_end (b);
}

static Checkin *
parse_checkin (const VkEntry *e, GError **error)
{
  g_autoptr (Checkin) c = g_new0 (Checkin, 1);
  const char *method;

  if (!get_uint (e, "area", G_MAXUINT32, &c->area, error)
      || !get_uint (e, "loebenummer", G_MAXUINT32, &c->loebenummer, error)
      || !get_bool (e, "assisted", TRUE, &c->assisted, error))
    return NULL;
  method = get_text (e, "method", error);
  if (method == NULL)
    return NULL;
  if (strcmp (method, "scan") == 0)
    c->method = VK_CHECKIN_SCAN;
  else if (strcmp (method, "search") == 0)
    c->method = VK_CHECKIN_SEARCH;
  else
    {
      body_fail (e, error, "field \"method\" must be \"scan\" or \"search\"");
      return NULL;
    }
  c->device_id = g_strdup (e->device_id);
  c->seq = e->seq;
  c->time_ms = e->time_ms;
  return g_steal_pointer (&c);
}

static Undo *
parse_undo (const VkEntry *e, GError **error)
{
  g_autoptr (Undo) u = g_new0 (Undo, 1);
  guint64 seq;
  const char *device;
  g_autoptr (GError) local = NULL;

  device = get_text (e, "device", error);
  if (device == NULL || get_text (e, "reason", error) == NULL || !get_uint (e, "area", G_MAXUINT32, &u->area, error)
      || !get_uint (e, "loebenummer", G_MAXUINT32, &u->loebenummer, error))
    return NULL;
  if (!vk_cbor_map_get_uint_field (e->body, "seq", &seq, &local))
    {
      body_fail (e, error, local->message);
      return NULL;
    }
  u->device_id = g_strdup (device);
  u->seq = seq;
  return g_steal_pointer (&u);
}

static Received *
parse_received (const VkEntry *e, GError **error)
{
  g_autoptr (Received) r = g_new0 (Received, 1);
  g_autoptr (GError) local = NULL;
  const char *envelope, *place;

  envelope = get_text (e, "envelope", error);
  if (envelope == NULL)
    return NULL;
  place = get_text (e, "place", error);
  if (place == NULL || !get_uint (e, "area", G_MAXUINT32, &r->area, error)
      || !get_uint (e, "loebenummer", G_MAXUINT32, &r->loebenummer, error))
    return NULL;
  if (!vk_cbor_map_get_uint_field (e->body, "cast_ms", &r->cast_ms, &local))
    {
      body_fail (e, error, local->message);
      return NULL;
    }
  r->receivers = get_text_array (e, "receivers", error);
  if (r->receivers == NULL)
    return NULL;
  if (vk_cbor_map_lookup_text (e->body, "cpr_hash") != NULL)
    {
      gsize len = 0;
      if (vk_cbor_map_get_bytes_field (e->body, "cpr_hash", &len, NULL) == NULL || len != VK_CPR_HASH_BYTES)
        {
          body_fail (e, error, "field \"cpr_hash\" must be 32 bytes");
          return NULL;
        }
    }
  r->envelope = g_strdup (envelope);
  r->place = g_strdup (place);
  r->device_id = g_strdup (e->device_id);
  r->seq = e->seq;
  r->time_ms = e->time_ms;
  return g_steal_pointer (&r);
}

static Decision *
parse_decision (const VkEntry *e, GError **error)
{
  g_autoptr (Decision) d = g_new0 (Decision, 1);
  const char *envelope;

  envelope = get_text (e, "envelope", error);
  if (envelope == NULL || !get_uint (e, "area", G_MAXUINT32, &d->area, error)
      || !get_uint (e, "loebenummer", G_MAXUINT32, &d->loebenummer, error)
      || !get_bool (e, "accepted", FALSE, &d->accepted, error))
    return NULL;
  if (!d->accepted && !get_uint (e, "reason", 7, &d->reason, error))
    return NULL;
  d->valgstyrere = get_text_array (e, "valgstyrere", error);
  if (d->valgstyrere == NULL)
    return NULL;
  d->envelope = g_strdup (envelope);
  d->device_id = g_strdup (e->device_id);
  d->seq = e->seq;
  return g_steal_pointer (&d);
}

/* The fold. */

static GPtrArray *
voter_array (GHashTable *table, guint area, guint loebenummer, gboolean create)
{
  guint64 key = ((guint64)area << 32) | loebenummer;
  GPtrArray *a = g_hash_table_lookup (table, &key);

  if (a == NULL && create)
    {
      a = g_ptr_array_new ();
      g_hash_table_insert (table, voter_key_new (area, loebenummer), a);
    }
  return a;
}

static void
apply_checkin (VkStation *self, Checkin *c)
{
  g_autofree char *key = ref_key (c->device_id, c->seq);

  g_hash_table_replace (self->checkins, g_strdup (key), c);
  if (!g_hash_table_contains (self->undone, key))
    g_ptr_array_add (voter_array (self->standing, c->area, c->loebenummer, TRUE), c);
}

static void
apply_undo (VkStation *self, Undo *u)
{
  g_autofree char *key = ref_key (u->device_id, u->seq);
  Checkin *c = g_hash_table_lookup (self->checkins, key);

  g_hash_table_add (self->undone, g_strdup (key));
  if (c != NULL)
    {
      GPtrArray *a = voter_array (self->standing, c->area, c->loebenummer, FALSE);
      if (a != NULL)
        g_ptr_array_remove (a, c);
    }
  undo_free (u);
}

static void
apply_received (VkStation *self, Received *r)
{
  if (g_hash_table_contains (self->received, r->envelope))
    {
      /* An envelope id is unique in the election (J6); a second one is
       * evidence for the count server, not a second brevstemme here. */
      received_free (r);
      return;
    }
  g_hash_table_insert (self->received, r->envelope, r);
  g_ptr_array_add (voter_array (self->brev_by_voter, r->area, r->loebenummer, TRUE), r);
}

static void
apply_decision (VkStation *self, Decision *d)
{
  if (g_hash_table_contains (self->decisions, d->envelope))
    {
      decision_free (d);
      return;
    }
  g_hash_table_insert (self->decisions, d->envelope, d);
  if (d->accepted)
    {
      guint64 key = ((guint64)d->area << 32) | d->loebenummer;
      if (!g_hash_table_contains (self->accepted, &key))
        g_hash_table_insert (self->accepted, voter_key_new (d->area, d->loebenummer), d->envelope);
    }
}

static void
note_head (VkStation *self, const VkEntry *e)
{
  guint64 *seq = g_hash_table_lookup (self->heads, e->device_id);

  if (seq == NULL)
    {
      seq = g_new0 (guint64, 1);
      g_hash_table_insert (self->heads, g_strdup (e->device_id), seq);
    }
  *seq = MAX (*seq, e->seq);
}

static guint64
held_head (VkStation *self, const char *device_id)
{
  guint64 *seq = g_hash_table_lookup (self->heads, device_id);
  return seq != NULL ? *seq : 0;
}

/* Folds one entry in.  Bodies were validated before the entry was
 * stored; one that still fails (a damaged database) stops the fold. */
static gboolean
apply_entry (VkStation *self, const VkEntry *e, GError **error)
{
  note_head (self, e);
  if (strcmp (e->type, "checkin") == 0)
    {
      Checkin *c = parse_checkin (e, error);
      if (c == NULL)
        return FALSE;
      apply_checkin (self, c);
    }
  else if (strcmp (e->type, "checkin.undo") == 0)
    {
      Undo *u = parse_undo (e, error);
      if (u == NULL)
        return FALSE;
      apply_undo (self, u);
    }
  else if (strcmp (e->type, "brevstemme.received") == 0)
    {
      Received *r = parse_received (e, error);
      if (r == NULL)
        return FALSE;
      apply_received (self, r);
    }
  else if (strcmp (e->type, "brevstemme.decision") == 0)
    {
      Decision *d = parse_decision (e, error);
      if (d == NULL)
        return FALSE;
      apply_decision (self, d);
    }
  else if (strcmp (e->type, "poll.close") == 0)
    {
      guint area = 0;
      if (!get_uint (e, "area", G_MAXUINT32, &area, error))
        return FALSE;
      if (area == self->device->area)
        self->poll_closed = TRUE;
    }
  return TRUE;
}

static gboolean
apply_entries (VkStation *self, GPtrArray *entries, GError **error)
{
  for (guint i = 0; i < entries->len; i++)
    if (!apply_entry (self, g_ptr_array_index (entries, i), error))
      return FALSE;
  return TRUE;
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
  self->tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  if (self->tz == NULL)
    self->tz = g_time_zone_new_local ();
  self->heads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->checkins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)checkin_free);
  self->undone = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->standing = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  self->received = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)received_free);
  self->decisions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)decision_free);
  self->brev_by_voter = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  self->accepted = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

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
  self->election = vk_package_dup_election (package, error);
  if (self->election == NULL)
    return NULL;
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
  if (entry == NULL)
    return NULL;
  note_head (self, entry);
  return g_steal_pointer (&self);
}

void
vk_station_close (VkStation *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->journal, vk_journal_close);
  g_clear_pointer (&self->election, vk_election_free);
  g_clear_pointer (&self->index, vk_voter_index_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  /* standing, brev_by_voter and accepted borrow from the others: first. */
  g_clear_pointer (&self->standing, g_hash_table_unref);
  g_clear_pointer (&self->brev_by_voter, g_hash_table_unref);
  g_clear_pointer (&self->accepted, g_hash_table_unref);
  g_clear_pointer (&self->checkins, g_hash_table_unref);
  g_clear_pointer (&self->undone, g_hash_table_unref);
  g_clear_pointer (&self->received, g_hash_table_unref);
  g_clear_pointer (&self->decisions, g_hash_table_unref);
  g_clear_pointer (&self->heads, g_hash_table_unref);
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

  entry = vk_journal_append (self->journal, self->key, type, body, error);
  if (entry == NULL || !apply_entry (self, entry, error))
    return NULL;
  return g_steal_pointer (&entry);
}

/* Appends an entry and folds it in, so that the state always equals
 * the fold over the journal.  Returns the seq, 0 with error. */
static guint64
station_append (VkStation *self, const char *type, VkCbor *body, GError **error)
{
  g_autoptr (VkEntry) entry = vk_station_append (self, type, body, error);

  return entry != NULL ? entry->seq : 0;
}

guint64
vk_station_close_poll (VkStation *self, GError **error)
{
  g_autoptr (VkCbor) body = vk_cbor_new_map ();

  g_return_val_if_fail (self != NULL, 0);

  if (self->device->role_id != VK_ROLE_VALGBORD)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "only a valgbord closes the poll");
      return 0;
    }
  if (self->poll_closed)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the poll is already closed");
      return 0;
    }
  vk_cbor_map_set_uint (body, "area", self->device->area);
  return station_append (self, "poll.close", body, error);
}

gboolean
vk_station_is_poll_closed (VkStation *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->poll_closed;
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
  g_free (self);
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
vk_station_get_voter_status (VkStation *self, guint area, guint loebenummer)
{
  VkVoterStatus *status;
  GPtrArray *standing, *brev;
  guint64 key = ((guint64)area << 32) | loebenummer;
  const char *envelope;

  g_return_val_if_fail (self != NULL, NULL);

  status = g_new0 (VkVoterStatus, 1);
  status->area = area;
  status->loebenummer = loebenummer;
  status->checkins = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_checkin_ref_free);
  status->voter = vk_voter_index_lookup (self->index, area, loebenummer);

  standing = g_hash_table_lookup (self->standing, &key);
  for (guint i = 0; standing != NULL && i < standing->len; i++)
    {
      const Checkin *c = g_ptr_array_index (standing, i);
      VkCheckinRef *ref = g_new0 (VkCheckinRef, 1);
      ref->device_id = g_strdup (c->device_id);
      ref->seq = c->seq;
      ref->time_ms = c->time_ms;
      ref->assisted = c->assisted;
      ref->method = c->method;
      g_ptr_array_add (status->checkins, ref);
    }
  g_ptr_array_sort (status->checkins, compare_checkins);
  brev = g_hash_table_lookup (self->brev_by_voter, &key);
  status->brevstemmer = brev != NULL ? brev->len : 0;
  envelope = g_hash_table_lookup (self->accepted, &key);
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
  g_autoptr (VkCbor) body = NULL;
  g_autoptr (VkVoterStatus) status = NULL;

  g_return_val_if_fail (self != NULL, 0);

  if (self->device->role_id != VK_ROLE_VALGBORD || self->device->area == VK_PACKAGE_NO_AREA)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "device %s (%s) does not check voters in", self->device->device_id,
                   self->device->role);
      return 0;
    }
  if (self->poll_closed)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "afstemningen er lukket: der kan ikke afkrydses flere vælgere");
      return 0;
    }
  status = vk_station_get_voter_status (self, self->device->area, loebenummer);
  switch (status->state)
    {
      case VK_VOTER_NOT_FOUND:
      case VK_VOTER_OTHER_AREA:
        g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "voter %u is not on the valgliste of area %u", loebenummer,
                     self->device->area);
        return 0;
      case VK_VOTER_CHECKED_IN:
        {
          const VkCheckinRef *first = g_ptr_array_index (status->checkins, 0);
          g_autofree char *when = format_local_time (self, first->time_ms);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "voter %u in area %u is already checked in (at %s, entry %" G_GUINT64_FORMAT ", %s)",
                       loebenummer, self->device->area, first->device_id, first->seq, when);
          return 0;
        }
      case VK_VOTER_BREVSTEMME:
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                     "voter %u in area %u has voted by brevstemme (envelope %s accepted)", loebenummer,
                     self->device->area, status->envelope);
        return 0;
      case VK_VOTER_FREE:
        break;
    }

  body = vk_cbor_new_map ();
  vk_cbor_map_set_uint (body, "area", self->device->area);
  vk_cbor_map_set_uint (body, "loebenummer", loebenummer);
  vk_cbor_map_set_text (body, "method", method == VK_CHECKIN_SCAN ? "scan" : "search");
  if (assisted)
    vk_cbor_map_set_bool (body, "assisted", TRUE);
  return station_append (self, "checkin", body, error);
}

guint64
vk_station_undo_check_in_at (VkStation *self, const char *device_id, guint64 checkin_seq, const char *reason,
                             GError **error)
{
  g_autoptr (VkCbor) body = NULL;
  g_autofree char *key = NULL;
  g_autofree char *stripped = NULL;
  const Checkin *c;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (device_id != NULL, 0);

  if (!self->valgstyrer)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "only a valgstyrer can undo a check-in");
      return 0;
    }
  stripped = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  if (*stripped == '\0')
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "an undo needs a reason");
      return 0;
    }
  key = ref_key (device_id, checkin_seq);
  c = g_hash_table_lookup (self->checkins, key);
  if (c == NULL || g_hash_table_contains (self->undone, key))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "entry %" G_GUINT64_FORMAT " of %s is not a standing check-in",
                   checkin_seq, device_id);
      return 0;
    }

  body = vk_cbor_new_map ();
  vk_cbor_map_set_text (body, "device", device_id);
  vk_cbor_map_set_uint (body, "seq", checkin_seq);
  vk_cbor_map_set_uint (body, "area", c->area);
  vk_cbor_map_set_uint (body, "loebenummer", c->loebenummer);
  vk_cbor_map_set_text (body, "reason", stripped);
  return station_append (self, "checkin.undo", body, error);
}

guint64
vk_station_undo_check_in (VkStation *self, guint64 checkin_seq, const char *reason, GError **error)
{
  g_return_val_if_fail (self != NULL, 0);
  return vk_station_undo_check_in_at (self, self->device->device_id, checkin_seq, reason, error);
}

/* Counts over one area, or all with VK_PACKAGE_NO_AREA. */
void
vk_station_get_counts (VkStation *self, VkStationCounts *ret_counts)
{
  VkStationCounts counts = { 0 };
  guint area;
  GHashTableIter iter;
  gpointer key, value;
  guint marked;

  g_return_if_fail (self != NULL);
  g_return_if_fail (ret_counts != NULL);

  area = self->device->area;
  counts.eligible = area != VK_PACKAGE_NO_AREA ? vk_voter_index_count_area (self->index, area)
                                               : vk_voter_index_get_length (self->index);

  g_hash_table_iter_init (&iter, self->standing);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *a = value;
      const Checkin *first = NULL;
      gboolean assisted = FALSE;

      if (a->len == 0 || (area != VK_PACKAGE_NO_AREA && (*(guint64 *)key >> 32) != area))
        continue;
      counts.checked_in++;
      if (a->len > 1)
        counts.conflicts++;
      for (guint i = 0; i < a->len; i++)
        {
          const Checkin *c = g_ptr_array_index (a, i);
          assisted = assisted || c->assisted;
          if (first == NULL || c->time_ms < first->time_ms)
            first = c;
        }
      if (assisted)
        counts.assisted++;
      {
        g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(first->time_ms / 1000));
        g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, self->tz) : NULL;
        if (local != NULL)
          counts.per_hour[g_date_time_get_hour (local)]++;
      }
    }

  g_hash_table_iter_init (&iter, self->received);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const Received *r = value;
      const Decision *d;

      if (area != VK_PACKAGE_NO_AREA && r->area != area)
        continue;
      counts.brevstemmer_received++;
      d = g_hash_table_lookup (self->decisions, r->envelope);
      if (d != NULL && d->accepted)
        counts.brevstemmer_accepted++;
      else if (d != NULL)
        counts.brevstemmer_rejected++;
    }

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

gboolean
vk_station_is_checked_in (VkStation *self, guint loebenummer)
{
  GPtrArray *a;

  g_return_val_if_fail (self != NULL, FALSE);
  a = voter_array (self->standing, self->device->area, loebenummer, FALSE);
  return a != NULL && a->len > 0;
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
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_voter_status_free);
  g_hash_table_iter_init (&iter, self->standing);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint64 k = *(guint64 *)key;
      guint area = (guint)(k >> 32);

      if (((GPtrArray *)value)->len < 2 || (self->device->area != VK_PACKAGE_NO_AREA && area != self->device->area))
        continue;
      g_ptr_array_add (out, vk_station_get_voter_status (self, area, (guint)(k & 0xffffffffu)));
    }
  g_ptr_array_sort (out, compare_status);
  return out;
}

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
  g_free (self);
}

static VkBrevstemme *
brevstemme_dup (VkStation *self, const Received *r)
{
  VkBrevstemme *b = g_new0 (VkBrevstemme, 1);
  const Decision *d = g_hash_table_lookup (self->decisions, r->envelope);

  b->envelope = g_strdup (r->envelope);
  b->device_id = g_strdup (r->device_id);
  b->seq = r->seq;
  b->received_ms = r->time_ms;
  b->area = r->area;
  b->loebenummer = r->loebenummer;
  b->place = g_strdup (r->place);
  b->receivers = g_strdupv (r->receivers);
  b->cast_ms = r->cast_ms;
  if (d != NULL)
    {
      b->decided = TRUE;
      b->accepted = d->accepted;
      b->reason = d->reason;
      b->valgstyrere = g_strdupv (d->valgstyrere);
      b->decided_by = g_strdup (d->device_id);
    }
  return b;
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
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_brevstemme_free);
  g_hash_table_iter_init (&iter, self->received);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (area == 0 || ((Received *)value)->area == area)
      g_ptr_array_add (out, brevstemme_dup (self, value));
  g_ptr_array_sort (out, compare_brevstemmer);
  return out;
}

VkBrevstemme *
vk_station_dup_brevstemme (VkStation *self, const char *envelope)
{
  const Received *r;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (envelope != NULL, NULL);
  r = g_hash_table_lookup (self->received, envelope);
  return r != NULL ? brevstemme_dup (self, r) : NULL;
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
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "\"%s\" is named twice: two different persons are needed",
                           s);
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
  const VkVoter *voter;
  guint64 seq;
  guint needed;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);

  if (!vk_device_role_takes_brevstemmer (self->device->role_id))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "device %s (%s) does not receive brevstemmer",
                   self->device->device_id, self->device->role);
      return NULL;
    }
  voter = vk_voter_index_lookup (self->index, input->area, input->loebenummer);
  if (voter == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "voter %u of area %u is on no valgliste of this election",
                   input->loebenummer, input->area);
      return NULL;
    }
  if (!vk_brevstemme_place_is_valid (input->place))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
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
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "a brevstemme at \"%s\" needs %u stemmemodtagere, %u given",
                   input->place, needed, g_strv_length (names));
      return NULL;
    }

  body = vk_cbor_new_map ();
  if (input->cpr != NULL && *input->cpr != '\0')
    {
      char digits[11];
      g_autofree char *date = NULL;
      guint8 hash[VK_CPR_HASH_BYTES];

      if (!vk_cpr_normalize (input->cpr, digits, error))
        return NULL;
      date = vk_cpr_birth_date (digits);
      if (g_strcmp0 (date, voter->birth_date) != 0)
        {
          sodium_memzero (digits, sizeof digits);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "the CPR number does not match the voter's birth date: check that the right voter is chosen");
          return NULL;
        }
      vk_cpr_hash (digits, vk_package_get_election_id (self->package), hash);
      sodium_memzero (digits, sizeof digits);
      vk_cbor_map_set_bytes (body, "cpr_hash", hash, sizeof hash);
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
  vk_cbor_map_set_uint (body, "cast_ms", input->cast_ms != 0 ? input->cast_ms : now_ms ());
  seq = station_append (self, "brevstemme.received", body, error);
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
  const Received *r;
  GPtrArray *same;
  guint64 key;
  const char *accepted;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (envelope != NULL, FALSE);

  r = g_hash_table_lookup (self->received, envelope);
  if (r == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND,
                   "envelope %s is not held here: its brevstemme journal has not arrived", envelope);
      return FALSE;
    }
  key = ((guint64)r->area << 32) | r->loebenummer;
  accepted = g_hash_table_lookup (self->accepted, &key);
  same = g_hash_table_lookup (self->brev_by_voter, &key);

  if ((self->device->area != VK_PACKAGE_NO_AREA && r->area != self->device->area)
      || vk_voter_index_lookup (self->index, r->area, r->loebenummer) == NULL)
    a.reason = 1;
  else if (!in_window (self, r->cast_ms))
    a.reason = 6;
  else if (accepted != NULL && strcmp (accepted, envelope) != 0)
    a.reason = 7; /* the other one is already in the urn */
  else
    {
      /* § 71 stk. 3: of several, the latest cast that can count counts. */
      for (guint i = 0; same != NULL && i < same->len; i++)
        {
          const Received *o = g_ptr_array_index (same, i);
          const Decision *d = g_hash_table_lookup (self->decisions, o->envelope);

          if (o == r || o->cast_ms <= r->cast_ms || !in_window (self, o->cast_ms))
            continue;
          if (d != NULL && !d->accepted && d->reason != 7)
            continue;
          a.reason = 7;
        }
      if (a.reason == 0 && vk_station_is_checked_in (self, r->loebenummer))
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
  const Received *r;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (envelope != NULL, 0);

  if (self->device->role_id != VK_ROLE_VALGBORD)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "device %s (%s) does not decide brevstemmer", self->device->device_id,
                   self->device->role);
      return 0;
    }
  if (!vk_station_assess_brevstemme (self, envelope, &a, error))
    return 0;
  r = g_hash_table_lookup (self->received, envelope);
  if (g_hash_table_contains (self->decisions, envelope))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "envelope %s has already been decided", envelope);
      return 0;
    }
  names = clean_receivers (valgstyrere, error);
  if (names == NULL)
    return 0;
  if (g_strv_length (names) < 2)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "two valgstyrere must check a brevstemme (KRVL § 71)");
      return 0;
    }
  if (accept && !a.can_accept)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "envelope %s cannot be accepted: the law gives reason %u",
                   envelope, a.reason);
      return 0;
    }
  if (!accept && (reason < 1 || reason > 7))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "a rejection needs a reason 1–7, not %u", reason);
      return 0;
    }

  body = vk_cbor_new_map ();
  vk_cbor_map_set_text (body, "envelope", envelope);
  vk_cbor_map_set_uint (body, "area", r->area);
  vk_cbor_map_set_uint (body, "loebenummer", r->loebenummer);
  vk_cbor_map_set_bool (body, "accepted", accept);
  if (!accept)
    vk_cbor_map_set_uint (body, "reason", reason);
  names_cbor = vk_cbor_new_array ();
  for (guint i = 0; names[i] != NULL; i++)
    vk_cbor_array_append (names_cbor, vk_cbor_new_text (names[i], -1));
  vk_cbor_map_insert_text (body, "valgstyrere", vk_cbor_ref (names_cbor));
  return station_append (self, "brevstemme.decision", body, error);
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
          /* apply_entry() notes the head first, so a bad entry is passed over. */
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

/* vk-fold.c: the fold of journal entries into per-area state.
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-counts.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-finding-private.h"
#include "vk-fold-private.h"
#include "vk-voters.h"

/* ---- the fold ----------------------------------------------------------- */

static void
brev_clear (gpointer p)
{
  g_free (((Brev *)p)->envelope);
  g_free (((Brev *)p)->place);
  g_free (((Brev *)p)->cancel_reason);
  g_strfreev (((Brev *)p)->receivers);
}

static void
decision_clear (gpointer p)
{
  g_free (((Decision *)p)->envelope);
  g_strfreev (((Decision *)p)->valgstyrere);
}

static void
tally_clear (gpointer p)
{
  Tally *t = p;

  g_free (t->by);
  g_free (t->explanation);
  g_clear_pointer (&t->counts, vk_cbor_unref);
}

/* An entry's "contests" (per-voter eligibility) as interned ids joined by
 * ';', or NULL when absent (every contest). */
static const char *
body_contests (const VkEntry *entry)
{
  VkCbor *contests = vk_cbor_map_lookup_text (entry->body, "contests");
  g_autoptr (GString) ids = NULL;

  if (contests == NULL || vk_cbor_get_type (contests) != VK_CBOR_ARRAY)
    return NULL;
  ids = g_string_new (NULL);
  for (gsize i = 0; i < vk_cbor_array_get_length (contests); i++)
    {
      VkCbor *id = vk_cbor_array_get (contests, i);

      if (vk_cbor_get_type (id) != VK_CBOR_TEXT)
        continue;
      if (ids->len > 0)
        g_string_append_c (ids, ';');
      g_string_append (ids, vk_cbor_get_text (id, NULL));
    }
  return g_intern_string (ids->str);
}

static void
doubt_clear (gpointer p)
{
  g_clear_pointer (&((Doubt *)p)->decision, vk_cbor_unref);
}

static void
set_aside_clear (gpointer p)
{
  g_free (((SetAside *)p)->note);
}

static void
refusal_clear (gpointer p)
{
  g_free (((Refusal *)p)->source);
  g_free (((Refusal *)p)->reason);
}

static void
bad_clear (gpointer p)
{
  g_free (((BadEntry *)p)->reason);
}

static void
fold_device_free (FoldDevice *d)
{
  g_array_unref (d->recs);
  g_free (d);
}

static void
fold_area_free (FoldArea *a)
{
  g_array_unref (a->checkins);
  g_array_unref (a->undos);
  g_array_unref (a->brev);
  g_array_unref (a->decisions);
  g_array_unref (a->closes);
  g_array_unref (a->tallies);
  g_array_unref (a->set_aside);
  g_array_unref (a->doubts);
  g_hash_table_unref (a->devices);
  g_hash_table_unref (a->standing);
  g_hash_table_unref (a->brev_of_voter);
  g_hash_table_unref (a->accepted);
  g_free (a);
}

static GArray *
array_new (gsize size, GDestroyNotify clear)
{
  GArray *a = g_array_new (FALSE, TRUE, (guint)size);

  if (clear != NULL)
    g_array_set_clear_func (a, clear);
  return a;
}

VkFold *
vk_fold_new (VkPackage *package, GError **error)
{
  g_autoptr (VkFold) self = NULL;

  g_return_val_if_fail (package != NULL, NULL);

  self = g_new0 (VkFold, 1);
  self->package = package;
  self->devices = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)fold_device_free);
  self->areas = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)fold_area_free);
  self->refusals = array_new (sizeof (Refusal), refusal_clear);
  self->bad = array_new (sizeof (BadEntry), bad_clear);
  self->receipts = array_new (sizeof (Receipt), NULL);
  self->forks = array_new (sizeof (Fork), NULL);
  self->brev_by_env = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->decision_by_env = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->pending_undos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  self->election = vk_package_get_election (package);
  if (self->election == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the package holds no election",
                   vk_package_get_path (package));
      return NULL;
    }
  for (guint i = 0; i < self->election->areas->len; i++)
    {
      const VkArea *va = g_ptr_array_index (self->election->areas, i);
      FoldArea *a = g_new0 (FoldArea, 1);

      a->number = va->number;
      a->area = va;
      a->checkins = array_new (sizeof (Checkin), NULL);
      a->undos = array_new (sizeof (Undo), NULL);
      a->brev = array_new (sizeof (Brev), brev_clear);
      a->decisions = array_new (sizeof (Decision), decision_clear);
      a->closes = array_new (sizeof (Close), NULL);
      a->tallies = array_new (sizeof (Tally), tally_clear);
      a->set_aside = array_new (sizeof (SetAside), set_aside_clear);
      a->doubts = array_new (sizeof (Doubt), doubt_clear);
      a->devices = g_hash_table_new (NULL, NULL);
      a->standing = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_array_unref);
      a->brev_of_voter = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_array_unref);
      a->accepted = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (self->areas, GUINT_TO_POINTER (va->number), a);
    }
  return g_steal_pointer (&self);
}

void
vk_fold_free (VkFold *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->brev_by_env, g_hash_table_unref);
  g_clear_pointer (&self->decision_by_env, g_hash_table_unref);
  g_clear_pointer (&self->pending_undos, g_hash_table_unref);
  g_clear_pointer (&self->devices, g_hash_table_unref);
  g_clear_pointer (&self->areas, g_hash_table_unref);
  g_clear_pointer (&self->refusals, g_array_unref);
  g_clear_pointer (&self->unverified_examples, g_free);
  g_clear_pointer (&self->bad, g_array_unref);
  g_clear_pointer (&self->receipts, g_array_unref);
  g_clear_pointer (&self->forks, g_array_unref);
  g_free (self);
}

static FoldDevice *
fold_device (VkFold *self, const char *device_id)
{
  const char *id = g_intern_string (device_id);
  FoldDevice *d = g_hash_table_lookup (self->devices, id);

  if (d == NULL)
    {
      d = g_new0 (FoldDevice, 1);
      d->device_id = id;
      d->device = vk_package_lookup_device (self->package, id);
      d->recs = g_array_new (FALSE, TRUE, sizeof (FoldRec));
      g_hash_table_insert (self->devices, (gpointer)id, d);
    }
  return d;
}

const FoldRec *
vk_fold_lookup_rec (VkFold *self, const char *device_id, guint64 seq)
{
  FoldDevice *d = g_hash_table_lookup (self->devices, g_intern_string (device_id));
  const FoldRec *r;

  if (d == NULL || seq == 0 || seq > d->recs->len)
    return NULL;
  r = &g_array_index (d->recs, FoldRec, seq - 1);
  return r->type != NULL ? r : NULL;
}

static void
fold_add_fork_internal (VkFold *self, const char *device_id, guint64 seq)
{
  Fork f = { g_intern_string (device_id), seq };

  for (guint i = 0; i < self->forks->len; i++)
    {
      const Fork *o = &g_array_index (self->forks, Fork, i);
      if (o->device == f.device && o->seq == seq)
        return;
    }
  g_array_append_val (self->forks, f);
}

void
vk_fold_add_fork (VkFold *self, const char *device_id, guint64 seq)
{
  g_return_if_fail (self != NULL && device_id != NULL);
  fold_add_fork_internal (self, device_id, seq);
}

void
vk_fold_set_unverified (VkFold *self, guint64 batches, guint sources, const char *examples)
{
  g_return_if_fail (self != NULL);
  self->unverified_batches = batches;
  self->unverified_sources = sources;
  g_free (self->unverified_examples);
  self->unverified_examples = g_strdup (examples != NULL ? examples : "");
}

void
vk_fold_add_refusal (VkFold *self, VkRefusalKind kind, const char *device_id, guint64 seq, const char *source,
                     const char *reason)
{
  Refusal r = { 0 };

  g_return_if_fail (self != NULL);
  r.kind = kind;
  r.device = g_intern_string (device_id != NULL ? device_id : "");
  r.seq = seq;
  r.source = g_strdup (source != NULL ? source : "");
  r.reason = g_strdup (reason != NULL ? reason : "");
  g_array_append_val (self->refusals, r);
}

static guint64
body_uint (const VkEntry *e, const char *key)
{
  guint64 v = 0;

  (void)vk_cbor_map_get_uint_field (e->body, key, &v, NULL);
  return v;
}

static const char *
body_text (const VkEntry *e, const char *key)
{
  VkCbor *v = vk_cbor_map_lookup_text (e->body, key);

  return v != NULL && vk_cbor_get_type (v) == VK_CBOR_TEXT ? vk_cbor_get_text (v, NULL) : NULL;
}

static GStrv
body_strv (const VkEntry *e, const char *key)
{
  VkCbor *v = vk_cbor_map_lookup_text (e->body, key);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  for (gsize i = 0; v != NULL && i < vk_cbor_array_get_length (v); i++)
    g_strv_builder_add (b, vk_cbor_get_text (vk_cbor_array_get (v, i), NULL));
  return g_strv_builder_end (b);
}

static char *
pending_key (const char *device_id, guint64 seq)
{
  return g_strdup_printf ("%s\n%" G_GUINT64_FORMAT, device_id, seq);
}

static GArray *
standing_of (FoldArea *a, guint lnr, gboolean create)
{
  GArray *s = g_hash_table_lookup (a->standing, GUINT_TO_POINTER (lnr));

  if (s == NULL && create)
    {
      s = g_array_new (FALSE, FALSE, sizeof (guint));
      g_hash_table_insert (a->standing, GUINT_TO_POINTER (lnr), s);
    }
  return s;
}

/* Decides an undo once the entry it names is folded (r, NULL when it is
 * not): the check-in must be of the undo's area and løbenummer and still
 * standing.  Decided in the order the undos were folded, so the answer
 * does not depend on whether the check-in came first. */
static void
fold_decide_undo (VkFold *self, FoldArea *a, Undo *u, const FoldRec *r)
{
  Checkin *c;
  GArray *st;

  if (r == NULL || r->type != g_intern_static_string ("checkin") || r->area != a->number)
    {
      u->status = UNDO_NOT_CHECKIN;
      return;
    }
  c = &g_array_index (a->checkins, Checkin, r->index);
  if (c->lnr != u->lnr)
    u->status = UNDO_OTHER_LNR;
  else if (c->undone)
    u->status = UNDO_TWICE;
  else
    {
      u->status = UNDO_DONE;
      c->undone = TRUE;
      st = standing_of (a, c->lnr, FALSE);
      for (guint i = 0; st != NULL && i < st->len; i++)
        if (g_array_index (st, guint, i) == r->index)
          {
            g_array_remove_index (st, i);
            break;
          }
    }
  (void)self;
}

/* The entry device#seq was just folded: decide the undos waiting for it. */
static void
fold_resolve_pending (VkFold *self, const char *device_id, guint64 seq)
{
  g_autofree char *key = NULL;
  GArray *waiting;

  if (g_hash_table_size (self->pending_undos) == 0)
    return;
  key = pending_key (device_id, seq);
  waiting = g_hash_table_lookup (self->pending_undos, key);
  if (waiting == NULL)
    return;
  for (guint i = 0; i < waiting->len; i++)
    {
      const FoldRef *ref = &g_array_index (waiting, FoldRef, i);
      FoldArea *a = g_hash_table_lookup (self->areas, GUINT_TO_POINTER (ref->area));
      Undo *u = &g_array_index (a->undos, Undo, ref->index);

      fold_decide_undo (self, a, u, vk_fold_lookup_rec (self, u->ref_device, u->ref_seq));
    }
  g_hash_table_remove (self->pending_undos, key);
}

static FoldRef *
fold_ref_new (guint area, guint index)
{
  FoldRef *r = g_new (FoldRef, 1);

  r->area = area;
  r->index = index;
  return r;
}

/* Folds the entry's content into area a (the schema accepted it). */
static gboolean
fold_apply (VkFold *self, FoldDevice *d, FoldRec *rec, FoldArea *a, const VkEntry *entry, GError **error)
{
  const char *t = rec->type;

  if (strcmp (t, "checkin") == 0)
    {
      const char *method = body_text (entry, "method");
      Checkin c = { d->device_id,
                    entry->seq,
                    entry->time_ms,
                    (guint)body_uint (entry, "loebenummer"),
                    FALSE,
                    FALSE,
                    method != NULL && strcmp (method, "search") == 0 };
      guint index = a->checkins->len;

      VkCbor *assisted = vk_cbor_map_lookup_text (entry->body, "assisted");

      if (assisted != NULL)
        (void)vk_cbor_get_bool (assisted, &c.assisted);
      c.contests = body_contests (entry);
      rec->index = index;
      g_array_append_val (a->checkins, c);
      g_array_append_val (standing_of (a, c.lnr, TRUE), index);
    }
  else if (strcmp (t, "checkin.paper") == 0)
    {
      /* A voter marked on paper stands like any check-in: the station
       * shows it, the reconciliation counts it (D07), and D22 reports a
       * voter marked both on paper and on a laptop. */
      Checkin c
          = { d->device_id, entry->seq, entry->time_ms, (guint)body_uint (entry, "loebenummer"), FALSE, FALSE, FALSE };
      guint index = a->checkins->len;

      c.paper = TRUE;
      rec->index = index;
      g_array_append_val (a->checkins, c);
      g_array_append_val (standing_of (a, c.lnr, TRUE), index);
    }
  else if (strcmp (t, "checkin.undo") == 0)
    {
      Undo u = { d->device_id,
                 entry->seq,
                 g_intern_string (body_text (entry, "device")),
                 body_uint (entry, "seq"),
                 (guint)body_uint (entry, "loebenummer"),
                 UNDO_PENDING };
      const FoldRec *r = vk_fold_lookup_rec (self, u.ref_device, u.ref_seq);
      guint index = a->undos->len;

      g_array_append_val (a->undos, u);
      if (r != NULL)
        fold_decide_undo (self, a, &g_array_index (a->undos, Undo, index), r);
      else
        {
          g_autofree char *key = pending_key (u.ref_device, u.ref_seq);
          GArray *waiting = g_hash_table_lookup (self->pending_undos, key);
          FoldRef ref = { a->number, index };

          if (waiting == NULL)
            {
              waiting = g_array_new (FALSE, FALSE, sizeof (FoldRef));
              g_hash_table_insert (self->pending_undos, g_steal_pointer (&key), waiting);
            }
          g_array_append_val (waiting, ref);
        }
    }
  else if (strcmp (t, "brevstemme.received") == 0)
    {
      Brev b = { d->device_id,
                 entry->seq,
                 entry->time_ms,
                 (guint)body_uint (entry, "loebenummer"),
                 g_strdup (body_text (entry, "envelope")),
                 body_uint (entry, "cast_ms"),
                 g_strdup (body_text (entry, "place")),
                 body_strv (entry, "receivers"),
                 FALSE,
                 FALSE,
                 NULL };
      VkCbor *outside = vk_cbor_map_lookup_text (entry->body, "outside_window");

      if (outside != NULL)
        (void)vk_cbor_get_bool (outside, &b.outside_window);
      b.contests = body_contests (entry);

      g_array_append_val (a->brev, b);
      if (!g_hash_table_contains (self->brev_by_env, b.envelope))
        {
          GArray *mine = g_hash_table_lookup (a->brev_of_voter, GUINT_TO_POINTER (b.lnr));
          guint index = a->brev->len - 1;

          if (mine == NULL)
            {
              mine = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_insert (a->brev_of_voter, GUINT_TO_POINTER (b.lnr), mine);
            }
          g_array_append_val (mine, index);
          g_hash_table_insert (self->brev_by_env, b.envelope, fold_ref_new (a->number, index));
        }
    }
  else if (strcmp (t, "brevstemme.cancel") == 0)
    {
      /* The device that received the envelope withdraws it (a wrong voter
       * chosen, registered twice): it must be that device's, of this area
       * and voter, and not cancelled before. */
      const char *envelope = body_text (entry, "envelope");
      const FoldRef *r = envelope != NULL ? g_hash_table_lookup (self->brev_by_env, envelope) : NULL;
      Brev *b = r != NULL && r->area == a->number ? &g_array_index (a->brev, Brev, r->index) : NULL;

      if (b == NULL || b->device != d->device_id || b->lnr != (guint)body_uint (entry, "loebenummer"))
        {
          g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD,
                       "brevstemme.cancel names envelope %s, which is not a brevstemme this device received for "
                       "this voter",
                       envelope != NULL ? envelope : "?");
          return FALSE;
        }
      if (b->cancelled)
        {
          g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD, "envelope %s is already cancelled", envelope);
          return FALSE;
        }
      b->cancelled = TRUE;
      b->cancel_reason = g_strdup (body_text (entry, "reason"));
    }
  else if (strcmp (t, "brevstemme.decision") == 0)
    {
      Decision dec = { d->device_id,
                       entry->seq,
                       (guint)body_uint (entry, "loebenummer"),
                       g_strdup (body_text (entry, "envelope")),
                       FALSE,
                       (guint)body_uint (entry, "reason"),
                       body_strv (entry, "valgstyrere") };

      (void)vk_cbor_get_bool (vk_cbor_map_lookup_text (entry->body, "accepted"), &dec.accepted);
      g_array_append_val (a->decisions, dec);
      /* The first decision held for an envelope is its decision. */
      if (!g_hash_table_contains (self->decision_by_env, dec.envelope))
        {
          g_hash_table_insert (self->decision_by_env, dec.envelope, fold_ref_new (a->number, a->decisions->len - 1));
          if (dec.accepted && !g_hash_table_contains (a->accepted, GUINT_TO_POINTER (dec.lnr)))
            g_hash_table_insert (a->accepted, GUINT_TO_POINTER (dec.lnr), dec.envelope);
        }
    }
  else if (strcmp (t, "poll.close") == 0)
    {
      Close c = { d->device_id, entry->seq };
      g_array_append_val (a->closes, c);
    }
  else if (strcmp (t, "tally") == 0 || strcmp (t, "tally.signoff") == 0)
    {
      Tally tl = { 0 };
      VkCbor *signers = vk_cbor_map_lookup_text (entry->body, "signers");

      tl.device = d->device_id;
      tl.seq = entry->seq;
      tl.contest = vk_entry_contest_index (self->election, entry);
      tl.time_ms = entry->time_ms;
      if (!vk_result_kind_from_string (body_text (entry, "kind"), &tl.kind))
        tl.kind = VK_RESULT_FORELOEBIG;
      tl.signoff = strcmp (t, "tally.signoff") == 0;
      tl.round = body_uint (entry, "round");
      tl.by = g_strdup (body_text (entry, "by"));
      tl.explanation = g_strdup (body_text (entry, "explanation"));
      tl.n_signers = signers != NULL ? (guint)vk_cbor_array_get_length (signers) : 0;
      tl.counts = vk_cbor_ref (vk_cbor_map_lookup_text (entry->body, "counts"));
      g_array_append_val (a->tallies, tl);
    }
  else if (strcmp (t, "ballot.doubtful") == 0)
    {
      SetAside sa = { d->device_id,
                      entry->seq,
                      body_uint (entry, "count"),
                      0,
                      entry->time_ms,
                      g_strdup (body_text (entry, "note")),
                      vk_entry_contest_index (self->election, entry) };
      rec->index = a->set_aside->len;
      g_array_append_val (a->set_aside, sa);
    }
  else if (strcmp (t, "ballot.decision") == 0)
    {
      /* The decision must refer to ballots this device set aside in this
       * area, and decide no more of them than remain: refused otherwise
       * (D03), as the count server and the station refuse it. */
      const FoldRec *r = vk_fold_lookup_rec (self, d->device_id, body_uint (entry, "ref"));
      SetAside *sa = NULL;
      VkDoubtfulHeld held = { 0 };

      if (r != NULL && r->type == g_intern_static_string ("ballot.doubtful"))
        {
          FoldArea *ra = g_hash_table_lookup (self->areas, GUINT_TO_POINTER (r->area));
          if (ra != NULL)
            {
              sa = &g_array_index (ra->set_aside, SetAside, r->index);
              held.area = r->area;
              held.count = sa->count;
              held.decided = sa->decided;
              held.contest = sa->contest;
            }
        }
      if (!vk_entry_schema_check_decision (self->election, entry, sa != NULL ? &held : NULL, error))
        return FALSE;
      sa->decided += body_uint (entry, "count");
      {
        Doubt db = { d->device_id,
                     entry->seq,
                     body_uint (entry, "ref"),
                     body_uint (entry, "count"),
                     vk_cbor_ref (vk_cbor_map_lookup_text (entry->body, "decision")),
                     entry->time_ms,
                     sa->contest };
        g_array_append_val (a->doubts, db);
      }
    }
  return TRUE;
}

static void
fold_record_bad (VkFold *self, FoldDevice *d, guint64 seq, const GError *error, GError **ret_error)
{
  BadEntry b = { d->device_id, seq, g_strdup (error->message) };

  g_array_append_val (self->bad, b);
  if (ret_error != NULL)
    *ret_error = g_error_copy (error);
}

/* schema_checked: vk_entry_schema_check() accepted the entry against
 * this fold's package already (vk_fold_add_schema_checked()). */
static gboolean
fold_add (VkFold *self, const VkEntry *entry, gboolean schema_checked, GError **error)
{
  g_autoptr (GError) local = NULL;
  FoldDevice *d;
  FoldRec *rec;
  FoldArea *a = NULL;
  const char *t;
  guint area;

  g_return_val_if_fail (self != NULL && entry != NULL, FALSE);

  d = fold_device (self, entry->device_id);
  if (entry->seq <= d->recs->len)
    {
      FoldRec *old = &g_array_index (d->recs, FoldRec, entry->seq - 1);

      if (old->type != NULL)
        {
          if (memcmp (old->hash, entry->hash, VK_HASH_BYTES) != 0)
            {
              fold_add_fork_internal (self, d->device_id, entry->seq);
              g_set_error (error, VK_ERROR, VK_ERROR_FORK,
                           "entry %" G_GUINT64_FORMAT " of device %s differs from the one held (a fork)", entry->seq,
                           d->device_id);
              return FALSE;
            }
          return TRUE;
        }
    }
  else
    g_array_set_size (d->recs, (guint)entry->seq);
  rec = &g_array_index (d->recs, FoldRec, entry->seq - 1);
  memcpy (rec->hash, entry->hash, VK_HASH_BYTES);
  rec->time_ms = entry->time_ms;
  rec->type = g_intern_string (entry->type);
  self->n_entries++;

  if (d->device == NULL)
    {
      g_set_error (&local, VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE, "device %s is not enrolled", d->device_id);
      fold_record_bad (self, d, entry->seq, local, error);
      fold_resolve_pending (self, d->device_id, entry->seq);
      return FALSE;
    }
  if (!schema_checked && !vk_entry_schema_check (d->device, self->election, entry, &local))
    {
      fold_record_bad (self, d, entry->seq, local, error);
      fold_resolve_pending (self, d->device_id, entry->seq);
      return FALSE;
    }

  t = rec->type;
  area = (guint)body_uint (entry, "area");
  /* The home-visit register (the valgsekretariat's journal) is not a
   * vote: it changes no area's state. */
  if (g_str_has_prefix (t, "homevisit."))
    return TRUE;
  if (strcmp (t, "receipt") == 0)
    {
      Receipt r = { d->device_id, entry->seq, entry->time_ms, g_intern_string (body_text (entry, "device")),
                    body_uint (entry, "seq") };
      g_array_append_val (self->receipts, r);
      return TRUE;
    }
  if (strcmp (t, "device.open") == 0 || strcmp (t, "result.published") == 0)
    {
      if (d->device->area != VK_PACKAGE_NO_AREA)
        area = d->device->area;
      else
        return TRUE;
    }
  a = g_hash_table_lookup (self->areas, GUINT_TO_POINTER (area));
  if (a == NULL)
    return TRUE; /* vk_entry_schema_check() refuses unknown areas; a device.open of a device with none */
  rec->area = area;
  g_hash_table_add (a->devices, (gpointer)d->device_id);
  a->last_entry_ms = MAX (a->last_entry_ms, entry->time_ms);
  if (!fold_apply (self, d, rec, a, entry, &local))
    {
      fold_record_bad (self, d, entry->seq, local, error);
      fold_resolve_pending (self, d->device_id, entry->seq);
      return FALSE;
    }
  fold_resolve_pending (self, d->device_id, entry->seq);
  return TRUE;
}

gboolean
vk_fold_add (VkFold *self, const VkEntry *entry, GError **error)
{
  g_return_val_if_fail (self != NULL && entry != NULL, FALSE);
  return fold_add (self, entry, FALSE, error);
}

void
vk_fold_add_entry (VkFold *self, const VkEntry *entry)
{
  g_return_if_fail (self != NULL && entry != NULL);
  (void)fold_add (self, entry, FALSE, NULL);
}

void
vk_fold_add_schema_checked (VkFold *self, const VkEntry *entry)
{
  g_return_if_fail (self != NULL && entry != NULL);
  (void)fold_add (self, entry, TRUE, NULL);
}

const VkElection *
vk_fold_get_election (VkFold *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->election;
}

guint64
vk_fold_get_held_seq (VkFold *self, const char *device_id)
{
  FoldDevice *d;

  g_return_val_if_fail (self != NULL && device_id != NULL, 0);
  d = g_hash_table_lookup (self->devices, g_intern_string (device_id));
  return d != NULL ? d->recs->len : 0;
}

/* ---- a voter's state ---------------------------------------------------- */

static FoldArea *
fold_area (VkFold *self, guint area)
{
  return g_hash_table_lookup (self->areas, GUINT_TO_POINTER (area));
}

static void
checkin_to_public (const Checkin *c, VkFoldCheckin *out)
{
  out->device_id = c->device;
  out->seq = c->seq;
  out->time_ms = c->time_ms;
  out->assisted = c->assisted;
  out->search = c->search;
  out->paper = c->paper;
}

static GArray *
standing_dup (FoldArea *a, GArray *st)
{
  GArray *out = g_array_sized_new (FALSE, TRUE, sizeof (VkFoldCheckin), st != NULL ? st->len : 0);

  for (guint i = 0; st != NULL && i < st->len; i++)
    {
      VkFoldCheckin c;

      checkin_to_public (&g_array_index (a->checkins, Checkin, g_array_index (st, guint, i)), &c);
      g_array_append_val (out, c);
    }
  return out;
}

GArray *
vk_fold_dup_standing (VkFold *self, guint area, guint loebenummer)
{
  FoldArea *a;

  g_return_val_if_fail (self != NULL, NULL);
  a = fold_area (self, area);
  if (a == NULL)
    return g_array_new (FALSE, TRUE, sizeof (VkFoldCheckin));
  return standing_dup (a, standing_of (a, loebenummer, FALSE));
}

guint
vk_fold_count_standing (VkFold *self, guint area, guint loebenummer)
{
  FoldArea *a;
  GArray *st;

  g_return_val_if_fail (self != NULL, 0);
  a = fold_area (self, area);
  st = a != NULL ? standing_of (a, loebenummer, FALSE) : NULL;
  return st != NULL ? st->len : 0;
}

gboolean
vk_fold_lookup_standing (VkFold *self, const char *device_id, guint64 seq, guint *ret_area, guint *ret_loebenummer)
{
  const FoldRec *r;
  FoldArea *a;
  const Checkin *c;

  g_return_val_if_fail (self != NULL && device_id != NULL, FALSE);
  r = vk_fold_lookup_rec (self, device_id, seq);
  if (r == NULL || r->type != g_intern_static_string ("checkin") || (a = fold_area (self, r->area)) == NULL)
    return FALSE;
  c = &g_array_index (a->checkins, Checkin, r->index);
  if (c->undone)
    return FALSE;
  if (ret_area != NULL)
    *ret_area = r->area;
  if (ret_loebenummer != NULL)
    *ret_loebenummer = c->lnr;
  return TRUE;
}

const char *
vk_fold_get_accepted_envelope (VkFold *self, guint area, guint loebenummer)
{
  FoldArea *a;

  g_return_val_if_fail (self != NULL, NULL);
  a = fold_area (self, area);
  return a != NULL ? g_hash_table_lookup (a->accepted, GUINT_TO_POINTER (loebenummer)) : NULL;
}

guint
vk_fold_count_voter_brevstemmer (VkFold *self, guint area, guint loebenummer)
{
  FoldArea *a;

  g_return_val_if_fail (self != NULL, 0);
  a = fold_area (self, area);
  GArray *mine;

  mine = a != NULL ? g_hash_table_lookup (a->brev_of_voter, GUINT_TO_POINTER (loebenummer)) : NULL;
  {
    guint n = 0;
    for (guint i = 0; mine != NULL && i < mine->len; i++)
      n += !g_array_index (a->brev, Brev, g_array_index (mine, guint, i)).cancelled;
    return n;
  }
}

static void
foreach_standing_in (FoldArea *a, VkFoldStandingFunc func, gpointer user_data)
{
  GHashTableIter it;
  gpointer k, v;

  g_hash_table_iter_init (&it, a->standing);
  while (g_hash_table_iter_next (&it, &k, &v))
    {
      GArray *st = v;
      g_autoptr (GArray) pub = NULL;

      if (st->len == 0)
        continue;
      pub = standing_dup (a, st);
      func (a->number, GPOINTER_TO_UINT (k), (const VkFoldCheckin *)(gpointer)pub->data, pub->len, user_data);
    }
}

void
vk_fold_foreach_standing (VkFold *self, guint area, VkFoldStandingFunc func, gpointer user_data)
{
  g_return_if_fail (self != NULL && func != NULL);

  if (area != 0)
    {
      FoldArea *a = fold_area (self, area);
      if (a != NULL)
        foreach_standing_in (a, func, user_data);
      return;
    }
  for (guint i = 0; i < self->election->areas->len; i++)
    foreach_standing_in (fold_area (self, ((const VkArea *)g_ptr_array_index (self->election->areas, i))->number), func,
                         user_data);
}

static void
brevstemme_fill (VkFold *self, const Brev *b, guint area, VkFoldBrevstemme *out)
{
  const FoldRef *dr = g_hash_table_lookup (self->decision_by_env, b->envelope);

  memset (out, 0, sizeof *out);
  out->envelope = b->envelope;
  out->device_id = b->device;
  out->seq = b->seq;
  out->time_ms = b->time_ms;
  out->area = area;
  out->loebenummer = b->lnr;
  out->place = b->place;
  out->receivers = (const char *const *)b->receivers;
  out->cast_ms = b->cast_ms;
  out->cancelled = b->cancelled;
  out->cancel_reason = b->cancel_reason;
  out->outside_window = b->outside_window;
  if (dr != NULL)
    {
      const Decision *d = &g_array_index (fold_area (self, dr->area)->decisions, Decision, dr->index);

      out->decided = TRUE;
      out->accepted = d->accepted;
      out->reason = d->reason;
      out->valgstyrere = (const char *const *)d->valgstyrere;
      out->decided_by = d->device;
    }
}

gboolean
vk_fold_get_brevstemme (VkFold *self, const char *envelope, VkFoldBrevstemme *ret_brevstemme)
{
  const FoldRef *r;

  g_return_val_if_fail (self != NULL && envelope != NULL && ret_brevstemme != NULL, FALSE);
  r = g_hash_table_lookup (self->brev_by_env, envelope);
  if (r == NULL)
    return FALSE;
  brevstemme_fill (self, &g_array_index (fold_area (self, r->area)->brev, Brev, r->index), r->area, ret_brevstemme);
  return TRUE;
}

GArray *
vk_fold_dup_voter_brevstemmer (VkFold *self, guint area, guint loebenummer)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (VkFoldBrevstemme));
  FoldArea *a;
  GArray *mine;

  g_return_val_if_fail (self != NULL, out);
  a = fold_area (self, area);
  mine = a != NULL ? g_hash_table_lookup (a->brev_of_voter, GUINT_TO_POINTER (loebenummer)) : NULL;
  for (guint i = 0; mine != NULL && i < mine->len; i++)
    {
      VkFoldBrevstemme b;

      brevstemme_fill (self, &g_array_index (a->brev, Brev, g_array_index (mine, guint, i)), area, &b);
      g_array_append_val (out, b);
    }
  return out;
}

void
vk_fold_foreach_brevstemme (VkFold *self, guint area, VkFoldBrevstemmeFunc func, gpointer user_data)
{
  GHashTableIter it;
  gpointer v;

  g_return_if_fail (self != NULL && func != NULL);
  g_hash_table_iter_init (&it, self->brev_by_env);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      const FoldRef *r = v;
      VkFoldBrevstemme b;

      if (area != 0 && r->area != area)
        continue;
      brevstemme_fill (self, &g_array_index (fold_area (self, r->area)->brev, Brev, r->index), r->area, &b);
      func (&b, user_data);
    }
}

void
vk_fold_foreach_tally (VkFold *self, guint area, const char *contest, VkResultKind kind, const char *device_id,
                       VkFoldTallyFunc func, gpointer user_data)
{
  const char *dev = device_id != NULL ? g_intern_string (device_id) : NULL;
  gint ci;
  FoldArea *a;

  g_return_if_fail (self != NULL && func != NULL);
  ci = vk_election_contest_index (self->election, contest);
  a = ci >= 0 ? fold_area (self, area) : NULL;
  for (guint i = 0; a != NULL && i < a->tallies->len; i++)
    {
      const Tally *t = &g_array_index (a->tallies, Tally, i);
      VkFoldTally pub = { t->device,
                          t->seq,
                          t->signoff,
                          t->signoff ? 0 : (guint)MIN (t->round, G_MAXUINT),
                          t->by,
                          t->counts,
                          vk_election_contest_id (vk_election_get_contest_nth (self->election, t->contest)) };

      if (t->kind != kind || t->contest != (guint)ci || (dev != NULL && t->device != dev))
        continue;
      func (&pub, user_data);
    }
}

static void
foreach_doubtful_in (VkFold *self, FoldArea *a, const char *dev, VkFoldDoubtfulFunc func, gpointer user_data)
{
  for (guint i = 0; i < a->set_aside->len; i++)
    {
      const SetAside *sa = &g_array_index (a->set_aside, SetAside, i);
      g_autoptr (GArray) decisions = g_array_new (FALSE, TRUE, sizeof (VkFoldDoubtDecision));
      VkFoldDoubtful pub = { sa->seq,
                             sa->time_ms,
                             a->number,
                             sa->count,
                             sa->note,
                             sa->decided,
                             vk_election_contest_id (vk_election_get_contest_nth (self->election, sa->contest)) };

      if (sa->device != dev)
        continue;
      for (guint j = 0; j < a->doubts->len; j++)
        {
          const Doubt *db = &g_array_index (a->doubts, Doubt, j);
          VkFoldDoubtDecision d = { db->seq, db->time_ms, db->ref, db->count, db->decision };

          if (db->device == dev && db->ref == sa->seq)
            g_array_append_val (decisions, d);
        }
      func (&pub, (const VkFoldDoubtDecision *)(gpointer)decisions->data, decisions->len, user_data);
    }
}

void
vk_fold_foreach_doubtful (VkFold *self, const char *device_id, guint area, VkFoldDoubtfulFunc func, gpointer user_data)
{
  const char *dev;

  g_return_if_fail (self != NULL && device_id != NULL && func != NULL);
  dev = g_intern_string (device_id);
  if (area != 0)
    {
      FoldArea *a = fold_area (self, area);
      if (a != NULL)
        foreach_doubtful_in (self, a, dev, func, user_data);
      return;
    }
  for (guint i = 0; i < self->election->areas->len; i++)
    foreach_doubtful_in (self, fold_area (self, ((const VkArea *)g_ptr_array_index (self->election->areas, i))->number),
                         dev, func, user_data);
}

gboolean
vk_fold_is_closed (VkFold *self, guint area)
{
  FoldArea *a;

  g_return_val_if_fail (self != NULL, FALSE);
  a = fold_area (self, area);
  return a != NULL && a->closes->len > 0;
}

guint64
vk_fold_get_n_entries (VkFold *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_entries;
}

/* Reports D14 for the area's undos that withdrew nothing (decided as they
 * were folded: fold_decide_undo()); an undo still waiting names an entry
 * that was never folded. */
void
vk_fold_area_resolve (VkFold *self, FoldArea *a, GPtrArray *findings)
{
  for (guint i = 0; findings != NULL && i < a->undos->len; i++)
    {
      const Undo *u = &g_array_index (a->undos, Undo, i);
      const FoldRec *r = vk_fold_lookup_rec (self, u->ref_device, u->ref_seq);
      const char *why_da = NULL, *why_en = NULL;

      switch (u->status)
        {
          case UNDO_DONE:
            continue;
          case UNDO_PENDING:
          case UNDO_NOT_CHECKIN:
            why_da = "den henviser ikke til en afkrydsning i området";
            why_en = "it does not refer to a check-in in this area";
            break;
          case UNDO_OTHER_LNR:
            why_da = "løbenummeret passer ikke til afkrydsningen";
            why_en = "the løbenummer does not match the check-in";
            break;
          case UNDO_TWICE:
          default:
            why_da = "afkrydsningen er allerede fortrudt";
            why_en = "the check-in was already undone";
            break;
        }
      {
        VkFinding *f = vk_finding_add (
            findings, 14, VK_SEVERITY_WARNING, a->number,
            g_strdup_printf ("Område %u: fortrydelse %s#%" G_GUINT64_FORMAT " af %s#%" G_GUINT64_FORMAT
                             " (løbenummer %u) er ugyldig: %s.",
                             a->number, u->device, u->seq, u->ref_device, u->ref_seq, u->lnr, why_da),
            g_strdup_printf ("Area %u: undo %s#%" G_GUINT64_FORMAT " of %s#%" G_GUINT64_FORMAT
                             " (løbenummer %u) is invalid: %s.",
                             a->number, u->device, u->seq, u->ref_device, u->ref_seq, u->lnr, why_en));
        vk_finding_add_evidence (f, u->device, u->seq);
        if (r != NULL)
          vk_finding_add_evidence (f, u->ref_device, u->ref_seq);
      }
    }
}

/* Voters (løbenummer) of an area with an accepted brevstemme: the first
 * decision held for an envelope is its decision.  A new set. */
GHashTable *
vk_fold_area_accepted_voters (FoldArea *a)
{
  GHashTable *voters = g_hash_table_new (NULL, NULL);
  GHashTableIter it;
  gpointer k;

  g_hash_table_iter_init (&it, a->accepted);
  while (g_hash_table_iter_next (&it, &k, NULL))
    g_hash_table_add (voters, k);
  return voters;
}

const Tally *
vk_fold_area_latest_signoff (FoldArea *a, guint contest, VkResultKind kind)
{
  const Tally *latest = NULL;

  for (guint i = 0; i < a->tallies->len; i++)
    {
      const Tally *t = &g_array_index (a->tallies, Tally, i);
      if (t->signoff && t->kind == kind && t->contest == contest)
        latest = t;
    }
  return latest;
}

gboolean
vk_fold_get_area_summary (VkFold *self, guint area, const char *contest, VkFoldAreaSummary *ret_summary)
{
  FoldArea *a;
  g_autoptr (GHashTable) accepted = NULL;
  VkFoldAreaSummary s = { 0 };
  gint ci;

  g_return_val_if_fail (self != NULL, FALSE);
  ci = vk_election_contest_index (self->election, contest);
  a = g_hash_table_lookup (self->areas, GUINT_TO_POINTER (area));
  if (a == NULL || ci < 0)
    return FALSE;
  s.area = area;
  for (guint i = 0; i < a->checkins->len; i++)
    if (!g_array_index (a->checkins, Checkin, i).undone)
      s.checkins++;
  s.undos = a->undos->len;
  for (guint i = 0; i < a->brev->len; i++)
    s.brevstemmer += !g_array_index (a->brev, Brev, i).cancelled;
  accepted = vk_fold_area_accepted_voters (a);
  s.brevstemmer_accepted = g_hash_table_size (accepted);
  for (guint i = 0; i < a->decisions->len; i++)
    {
      const Decision *dec = &g_array_index (a->decisions, Decision, i);
      const FoldRef *first = g_hash_table_lookup (self->decision_by_env, dec->envelope);

      if (!dec->accepted && first != NULL && first->area == a->number && first->index == i)
        s.brevstemmer_rejected++;
    }
  s.last_entry_ms = a->last_entry_ms;
  s.n_devices = g_hash_table_size (a->devices);
  s.closed = a->closes->len > 0;
  for (guint i = 0; i < a->tallies->len; i++)
    {
      const Tally *t = &g_array_index (a->tallies, Tally, i);
      if (t->contest != (guint)ci)
        continue;
      if (t->signoff)
        *(t->kind == VK_RESULT_FORELOEBIG ? &s.foreloebig_signed : &s.fintaelling_signed) = TRUE;
      else if (t->kind == VK_RESULT_FORELOEBIG)
        s.foreloebig_tallies++;
      else
        s.fintaelling_tallies++;
    }
  *ret_summary = s;
  return TRUE;
}

static gint
compare_str (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *
vk_fold_dup_area_devices (VkFold *self, guint area)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  FoldArea *a;
  GHashTableIter it;
  gpointer k;

  g_return_val_if_fail (self != NULL, out);
  a = g_hash_table_lookup (self->areas, GUINT_TO_POINTER (area));
  if (a == NULL)
    return out;
  g_hash_table_iter_init (&it, a->devices);
  while (g_hash_table_iter_next (&it, &k, NULL))
    g_ptr_array_add (out, g_strdup (k));
  g_ptr_array_sort (out, compare_str);
  return out;
}

/* The doubtful ballots decided at the area's fintælling tables are
 * outside the count they signed: each decision adds its ballots, as at
 * the station (vk_tally_add_decided_doubtful()).  Only decisions the
 * schema accepted are held (vk_entry_schema_check() and
 * vk_entry_schema_check_decision() in vk_fold_add_entry()). */
static void
fold_add_decided_doubtful (const VkElection *contest, guint ci, FoldArea *a, VkAreaResult *result)
{
  for (guint i = 0; i < a->doubts->len; i++)
    {
      const Doubt *db = &g_array_index (a->doubts, Doubt, i);

      if (db->contest == ci)
        (void)vk_counts_add_doubtful_decision (result, contest, db->decision, db->count, NULL);
    }
}

guint64
vk_fold_get_signoff_time (VkFold *self, guint area, const char *contest, VkResultKind kind)
{
  FoldArea *a;
  const Tally *t;
  gint ci;

  g_return_val_if_fail (self != NULL, 0);
  ci = vk_election_contest_index (self->election, contest);
  a = ci >= 0 ? g_hash_table_lookup (self->areas, GUINT_TO_POINTER (area)) : NULL;
  t = a != NULL ? vk_fold_area_latest_signoff (a, (guint)ci, kind) : NULL;
  return t != NULL ? t->time_ms : 0;
}

VkAreaResult *
vk_fold_dup_result (VkFold *self, guint area, const char *contest, VkResultKind kind, GError **error)
{
  FoldArea *a;
  const Tally *t;
  VkAreaResult *result;
  const VkElection *c;
  gint ci;

  g_return_val_if_fail (self != NULL, NULL);
  ci = vk_election_contest_index (self->election, contest);
  if (ci < 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the election has no %s contest", contest);
      return NULL;
    }
  c = vk_election_get_contest_nth (self->election, (guint)ci);
  a = g_hash_table_lookup (self->areas, GUINT_TO_POINTER (area));
  t = a != NULL ? vk_fold_area_latest_signoff (a, (guint)ci, kind) : NULL;
  if (t == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "area %u has no signed %s count (%s)", area,
                   kind == VK_RESULT_FORELOEBIG ? "foreløbig" : "fintælling", vk_election_contest_id (c));
      return NULL;
    }
  result = vk_rules_counts_to_result (c, kind, area, t->counts, error);
  if (result != NULL && kind == VK_RESULT_FINTAELLING)
    fold_add_decided_doubtful (c, (guint)ci, a, result);
  return result;
}

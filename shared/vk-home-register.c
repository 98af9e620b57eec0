/* vk-home-register.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-home-register.h"
#include "vk-text.h"

static const struct
{
  VkHomeFlags flag;
  const char *name;
  const char *finding_da;
} flag_names[] = {
  { VK_HOME_LATE, "late",
    "afvist: modtaget efter fristen (kl. 18 den 12. dag før valgdagen, KRVL § 60; fristen er ubekræftet)" },
  { VK_HOME_NOT_ON_LIST, "not_on_list", "afvist: vælgeren står ikke på områdets valgliste" },
  { VK_HOME_DUPLICATE, "duplicate", "dublet: vælgeren har allerede en anmodning" },
  { VK_HOME_ALREADY_VOTED, "already_voted", "vælgeren har allerede stemt (brevstemme eller afkrydsning)" },
  { VK_HOME_BAD_VISIT, "bad_visit", "besøget er ikke planlagt efter reglerne (to stemmemodtagere, perioden, enheden)" },
};

const char *
vk_home_flag_to_string (VkHomeFlags flag)
{
  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flag_names[i].flag == flag)
      return flag_names[i].name;
  return NULL;
}

static guint
flag_from_string (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (g_strcmp0 (flag_names[i].name, name) == 0)
      return flag_names[i].flag;
  return 0;
}

/* An array of the names of the flags in mask that are set in flags. */
static VkCbor *
flags_array (guint flags, guint mask)
{
  VkCbor *a = vk_cbor_new_array ();

  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flags & mask & flag_names[i].flag)
      vk_cbor_array_append (a, vk_cbor_new_text (flag_names[i].name, -1));
  return a;
}

static const char *
body_text (const VkCbor *body, const char *key)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);

  return v != NULL && vk_cbor_get_type (v) == VK_CBOR_TEXT ? vk_cbor_get_text (v, NULL) : NULL;
}

static guint64
body_uint (const VkCbor *body, const char *key)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);

  return v != NULL && vk_cbor_get_type (v) == VK_CBOR_UINT ? vk_cbor_get_uint (v) : 0;
}

static guint
body_flags (const VkCbor *body, const char *key)
{
  VkCbor *a = vk_cbor_map_lookup_text (body, key);
  guint flags = 0;

  if (a == NULL || vk_cbor_get_type (a) != VK_CBOR_ARRAY)
    return 0;
  for (gsize i = 0; i < vk_cbor_array_get_length (a); i++)
    {
      VkCbor *t = vk_cbor_array_get (a, i);
      if (vk_cbor_get_type (t) == VK_CBOR_TEXT)
        flags |= flag_from_string (vk_cbor_get_text (t, NULL));
    }
  return flags;
}

/* The identity of a request: what the file says about it, not where. */
static char *
request_key (guint area, guint loebenummer, guint64 requested_ms, const char *channel, const char *place)
{
  return g_strdup_printf ("%u/%u/%" G_GUINT64_FORMAT "/%s/%s", area, loebenummer, requested_ms, channel, place);
}

/* The visit as one comparable string: date, time, receivers, device, outcome. */
static char *
visit_key (const char *date, const char *time, const char *r1, const char *r2, const char *device, const char *outcome)
{
  return g_strjoin ("\x1f", date != NULL ? date : "", time != NULL ? time : "", r1 != NULL ? r1 : "",
                    r2 != NULL ? r2 : "", device != NULL ? device : "", outcome != NULL ? outcome : "", NULL);
}

static char *
visit_key_of_body (const VkCbor *body)
{
  VkCbor *r = vk_cbor_map_lookup_text (body, "receivers");
  const char *r1 = NULL, *r2 = NULL;

  if (r != NULL && vk_cbor_get_type (r) == VK_CBOR_ARRAY)
    {
      if (vk_cbor_array_get_length (r) > 0)
        r1 = vk_cbor_get_text (vk_cbor_array_get (r, 0), NULL);
      if (vk_cbor_array_get_length (r) > 1)
        r2 = vk_cbor_get_text (vk_cbor_array_get (r, 1), NULL);
    }
  return visit_key (body_text (body, "date"), body_text (body, "time"), r1, r2, body_text (body, "device"),
                    body_text (body, "outcome"));
}

static gboolean
has_visit (const VkHomeRequest *r)
{
  return r->visit_date != NULL || r->visit_time != NULL || r->receivers[0] != NULL || r->receivers[1] != NULL
         || r->device != NULL || r->outcome != NULL;
}

/* What the journal already holds: request keys → GArray of seqs (file
 * order), request seq → its latest visit key, (area, løbenummer) → the
 * first request's seq. */
typedef struct
{
  GHashTable *requests;
  GHashTable *visits;
  GHashTable *voters;
} Held;

static void
held_clear (Held *h)
{
  g_clear_pointer (&h->requests, g_hash_table_unref);
  g_clear_pointer (&h->visits, g_hash_table_unref);
  g_clear_pointer (&h->voters, g_hash_table_unref);
}

static void
held_add_request (Held *h, const char *key, guint area, guint loebenummer, guint64 seq)
{
  GArray *seqs = g_hash_table_lookup (h->requests, key);
  char *voter = g_strdup_printf ("%u/%u", area, loebenummer);

  if (seqs == NULL)
    {
      seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
      g_hash_table_insert (h->requests, g_strdup (key), seqs);
    }
  g_array_append_val (seqs, seq);
  if (!g_hash_table_contains (h->voters, voter))
    g_hash_table_insert (h->voters, voter, g_memdup2 (&seq, sizeof seq));
  else
    g_free (voter);
}

static void
held_read (Held *h, GPtrArray *entries)
{
  h->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  h->visits = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  h->voters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      if (strcmp (e->type, "homevisit.request") == 0)
        {
          g_autofree char *key = request_key (
              (guint)body_uint (e->body, "area"), (guint)body_uint (e->body, "loebenummer"),
              body_uint (e->body, "requested_ms"), body_text (e->body, "channel"), body_text (e->body, "place"));
          held_add_request (h, key, (guint)body_uint (e->body, "area"), (guint)body_uint (e->body, "loebenummer"),
                            e->seq);
        }
      else if (strcmp (e->type, "homevisit.visit") == 0)
        {
          guint64 ref = body_uint (e->body, "request");
          g_hash_table_insert (h->visits, g_memdup2 (&ref, sizeof ref), visit_key_of_body (e->body));
        }
    }
}

gboolean
vk_home_register_journal (VkPackage *package, GPtrArray *requests, const char *name, VkJournal *journal,
                          const VkKeypair *key, guint *ret_requests, guint *ret_visits, guint *ret_unchanged,
                          GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *base = g_path_get_basename (name != NULL ? name : "register.csv");
  Held held = { 0 };
  guint n_requests = 0, n_visits = 0, n_unchanged = 0;
  const VkDevice *device;
  gboolean ok = FALSE;

  g_return_val_if_fail (package != NULL && requests != NULL && journal != NULL && key != NULL, FALSE);

  device = vk_package_lookup_device (package, vk_journal_get_device_id (journal));
  if (device == NULL || device->role_id != VK_ROLE_VALGSEKRETARIAT)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "device %s is not enrolled as valgsekretariat",
                   vk_journal_get_device_id (journal));
      return FALSE;
    }
  entries = vk_journal_dup_entries (journal, 0, error);
  if (entries == NULL)
    return FALSE;
  held_read (&held, entries);
  for (guint i = 0; i < requests->len; i++)
    {
      const VkHomeRequest *r = g_ptr_array_index (requests, i);
      g_autofree char *rkey = request_key (r->area, r->loebenummer, r->requested_ms, r->channel, r->place);
      g_autofree char *voter = g_strdup_printf ("%u/%u", r->area, r->loebenummer);
      guint occurrence = GPOINTER_TO_UINT (g_hash_table_lookup (seen, rkey));
      GArray *seqs = g_hash_table_lookup (held.requests, rkey);
      guint64 seq;
      gboolean added = FALSE;

      g_hash_table_insert (seen, g_strdup (rkey), GUINT_TO_POINTER (occurrence + 1));
      if (seqs != NULL && occurrence < seqs->len)
        seq = g_array_index (seqs, guint64, occurrence);
      else
        {
          g_autoptr (VkCbor) body = vk_cbor_new_map ();
          g_autoptr (VkEntry) entry = NULL;
          g_autofree char *source = g_strdup_printf ("%s:%u", base, r->line);
          guint64 *first = g_hash_table_lookup (held.voters, voter);
          guint flags = r->flags;

          /* A request for a voter the journal already holds a request
           * for is a duplicate even when the earlier one came in another
           * file. */
          if (first != NULL)
            flags |= VK_HOME_DUPLICATE;
          vk_cbor_map_set_uint (body, "area", r->area);
          vk_cbor_map_set_uint (body, "loebenummer", r->loebenummer);
          vk_cbor_map_set_uint (body, "requested_ms", r->requested_ms);
          vk_cbor_map_set_text (body, "channel", r->channel);
          vk_cbor_map_set_text (body, "place", r->place);
          vk_cbor_map_set_text (body, "source", source);
          vk_cbor_map_insert_text (body, "refused", flags_array (flags, VK_HOME_REFUSED));
          vk_cbor_map_insert_text (body, "flags", flags_array (flags, VK_HOME_DUPLICATE | VK_HOME_ALREADY_VOTED));
          if (first != NULL)
            vk_cbor_map_set_uint (body, "duplicate_of", *first);
          entry = vk_journal_append (journal, key, "homevisit.request", body, error);
          if (entry == NULL)
            goto out;
          seq = entry->seq;
          held_add_request (&held, rkey, r->area, r->loebenummer, seq);
          n_requests++;
          added = TRUE;
        }
      if (!(r->flags & VK_HOME_REFUSED) && has_visit (r))
        {
          g_autofree char *vkey
              = visit_key (r->visit_date, r->visit_time, r->receivers[0], r->receivers[1], r->device, r->outcome);
          const char *latest = g_hash_table_lookup (held.visits, &seq);

          if (g_strcmp0 (latest, vkey) != 0)
            {
              g_autoptr (VkCbor) body = vk_cbor_new_map ();
              g_autoptr (VkEntry) entry = NULL;
              VkCbor *receivers = vk_cbor_new_array ();

              vk_cbor_map_set_uint (body, "request", seq);
              vk_cbor_map_set_uint (body, "area", r->area);
              vk_cbor_map_set_uint (body, "loebenummer", r->loebenummer);
              if (r->visit_date != NULL)
                vk_cbor_map_set_text (body, "date", r->visit_date);
              if (r->visit_time != NULL)
                vk_cbor_map_set_text (body, "time", r->visit_time);
              for (guint k = 0; k < 2; k++)
                if (r->receivers[k] != NULL)
                  vk_cbor_array_append (receivers, vk_cbor_new_text (r->receivers[k], -1));
              vk_cbor_map_insert_text (body, "receivers", receivers);
              if (r->device != NULL)
                vk_cbor_map_set_text (body, "device", r->device);
              if (r->outcome != NULL)
                vk_cbor_map_set_text (body, "outcome", r->outcome);
              vk_cbor_map_insert_text (body, "flags", flags_array (r->flags, VK_HOME_BAD_VISIT));
              entry = vk_journal_append (journal, key, "homevisit.visit", body, error);
              if (entry == NULL)
                goto out;
              g_hash_table_insert (held.visits, g_memdup2 (&seq, sizeof seq), g_steal_pointer (&vkey));
              n_visits++;
              added = TRUE;
            }
        }
      if (!added)
        n_unchanged++;
    }
  ok = TRUE;
out:
  held_clear (&held);
  if (ok)
    {
      if (ret_requests != NULL)
        *ret_requests = n_requests;
      if (ret_visits != NULL)
        *ret_visits = n_visits;
      if (ret_unchanged != NULL)
        *ret_unchanged = n_unchanged;
    }
  return ok;
}

static void
set_findings (VkHomeRequest *r, guint64 duplicate_of)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    {
      if (!(r->flags & flag_names[i].flag))
        continue;
      if (s->len > 0)
        g_string_append (s, "; ");
      g_string_append (s, flag_names[i].finding_da);
      if (flag_names[i].flag == VK_HOME_DUPLICATE && duplicate_of > 0)
        g_string_append_printf (s, " (post %" G_GUINT64_FORMAT ")", duplicate_of);
    }
  g_free (r->finding_da);
  r->finding_da = s->len > 0 ? g_strdup (s->str) : NULL;
}

GPtrArray *
vk_home_register_from_entries (GPtrArray *entries, GError **error)
{
  g_autoptr (GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_home_request_free);
  g_autoptr (GHashTable) by_seq = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) dup_of = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  g_return_val_if_fail (entries != NULL, NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);

      if (strcmp (e->type, "homevisit.request") == 0)
        {
          VkHomeRequest *r = g_new0 (VkHomeRequest, 1);
          guint64 seq = e->seq, dup = body_uint (e->body, "duplicate_of");

          r->line = (guint)MIN (e->seq, G_MAXUINT);
          r->area = (guint)body_uint (e->body, "area");
          r->loebenummer = (guint)body_uint (e->body, "loebenummer");
          r->requested_ms = body_uint (e->body, "requested_ms");
          r->channel = g_strdup (body_text (e->body, "channel"));
          r->place = g_strdup (body_text (e->body, "place"));
          r->flags = body_flags (e->body, "refused") | body_flags (e->body, "flags");
          g_ptr_array_add (requests, r);
          g_hash_table_insert (by_seq, g_memdup2 (&seq, sizeof seq), r);
          if (dup > 0)
            g_hash_table_insert (dup_of, g_memdup2 (&seq, sizeof seq), g_memdup2 (&dup, sizeof dup));
        }
      else if (strcmp (e->type, "homevisit.visit") == 0)
        {
          guint64 ref = body_uint (e->body, "request");
          VkHomeRequest *r = ref < e->seq ? g_hash_table_lookup (by_seq, &ref) : NULL;
          VkCbor *rec = vk_cbor_map_lookup_text (e->body, "receivers");

          if (r == NULL || r->area != body_uint (e->body, "area")
              || r->loebenummer != body_uint (e->body, "loebenummer"))
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                           "entry %" G_GUINT64_FORMAT " (homevisit.visit) refers to request %" G_GUINT64_FORMAT
                           ", which is not a homevisit.request of the same voter before it",
                           e->seq, ref);
              return NULL;
            }
          /* The latest visit replaces the earlier: all its fields. */
          g_free (r->visit_date);
          r->visit_date = g_strdup (body_text (e->body, "date"));
          g_free (r->visit_time);
          r->visit_time = g_strdup (body_text (e->body, "time"));
          for (guint k = 0; k < 2; k++)
            {
              g_free (r->receivers[k]);
              r->receivers[k] = NULL;
              if (rec != NULL && vk_cbor_get_type (rec) == VK_CBOR_ARRAY && k < vk_cbor_array_get_length (rec))
                r->receivers[k] = g_strdup (vk_cbor_get_text (vk_cbor_array_get (rec, k), NULL));
            }
          g_free (r->device);
          r->device = g_strdup (body_text (e->body, "device"));
          g_free (r->outcome);
          r->outcome = g_strdup (body_text (e->body, "outcome"));
          r->flags = (r->flags & ~(guint)VK_HOME_BAD_VISIT) | body_flags (e->body, "flags");
        }
    }
  for (guint i = 0; i < requests->len; i++)
    {
      VkHomeRequest *r = g_ptr_array_index (requests, i);
      guint64 seq = r->line;
      guint64 *dup = g_hash_table_lookup (dup_of, &seq);
      set_findings (r, dup != NULL ? *dup : 0);
    }
  return g_steal_pointer (&requests);
}

GPtrArray *
vk_home_register_load_file (VkPackage *package, const char *path, GError **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *shown = vk_text_escape_controls (path);
  const VkEntry *first;
  const VkDevice *device;

  g_return_val_if_fail (package != NULL && path != NULL, NULL);

  entries = vk_journal_read_file (path, error);
  if (entries == NULL)
    return NULL;
  if (entries->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the journal is empty", shown);
      return NULL;
    }
  first = g_ptr_array_index (entries, 0);
  device = vk_package_lookup_device (package, first->device_id);
  if (device == NULL || device->role_id != VK_ROLE_VALGSEKRETARIAT)
    {
      g_autofree char *id = vk_text_escape_controls (first->device_id);
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: device %s is not enrolled as valgsekretariat", shown, id);
      return NULL;
    }
  /* Every signature, the chain and the enrolment first; then what each
   * entry says. */
  if (!vk_journal_verify (entries, vk_package_get_election_id (package), vk_package_device_lookup, package,
                          VK_VERIFY_DEFAULT, NULL, error))
    return NULL;
  if (!vk_entry_schema_check_entries (package, NULL, entries, 0, error))
    return NULL;
  return vk_home_register_from_entries (entries, error);
}

static gint
compare_visits (gconstpointer a, gconstpointer b)
{
  const VkHomeRequest *x = *(VkHomeRequest *const *)a, *y = *(VkHomeRequest *const *)b;
  gint c;

  if ((x->visit_time == NULL) != (y->visit_time == NULL))
    return x->visit_time == NULL ? 1 : -1;
  c = g_strcmp0 (x->visit_time, y->visit_time);
  if (c != 0)
    return c;
  if (x->area != y->area)
    return x->area < y->area ? -1 : 1;
  return x->loebenummer < y->loebenummer ? -1 : x->loebenummer > y->loebenummer ? 1 : 0;
}

GPtrArray *
vk_home_register_visits_for_day (GPtrArray *requests, const char *day, const char *device_id)
{
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (requests != NULL && day != NULL, out);

  for (guint i = 0; i < requests->len; i++)
    {
      VkHomeRequest *r = g_ptr_array_index (requests, i);
      if (r->flags & VK_HOME_REFUSED || g_strcmp0 (r->visit_date, day) != 0)
        continue;
      if (r->device != NULL && g_strcmp0 (r->device, device_id) != 0)
        continue;
      g_ptr_array_add (out, r);
    }
  g_ptr_array_sort (out, compare_visits);
  return out;
}

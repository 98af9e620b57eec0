/* vk-count-export.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>

#include "vk-count-export.h"
#include "vk-error.h"
#include "vk-contest-result.h"
#include "vk-valgdk-export.h"
#include "vk-valgdk-fv.h"
#include "vk-valgdk-mandates.h"
#include "vk-valgdk-turnout.h"
#include "vk-fold.h"
#include "vk-role.h"
#include "vk-cbor.h"
#include "vk-file.h"
#include "vk-package.h"
#include <json-glib/json-glib.h>
#include <string.h>

gint
vk_count_export_journals (VkCount *self, const char *dir, GError **error)
{
  g_autoptr (GPtrArray) heads = NULL;
  gint written = 0;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (dir != NULL, -1);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", dir, g_strerror (errno));
      return -1;
    }
  heads = vk_count_dup_heads (self);
  for (guint i = 0; i < heads->len; i++)
    {
      const VkCountHead *h = g_ptr_array_index (heads, i);
      g_autoptr (GBytes) bytes = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      if (h->seq == 0)
        continue;
      /* Device ids are enrolled names; keep file names safe anyway. */
      name = g_strconcat (h->device_id, ".vkj", NULL);
      g_strdelimit (name, "/\\", '_');
      path = g_build_filename (dir, name, NULL);
      bytes = vk_count_dup_journal_bytes (self, h->device_id, 0, error);
      if (bytes == NULL)
        return -1;
      if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), (gssize)g_bytes_get_size (bytes),
                                     G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error))
        return -1;
      written++;
    }
  return written;
}

/* The folketingsvalg geography valg.dk writes in an FV, EV or FA file:
 * the storkreds the package stores as an FV/EP/FA contest's region
 * (name) and region_dagi_id (number; vk_election_import_geografi()),
 * the area's opstillingskreds.  NULL for KV and RV. */
static const VkValgdkPlace *
area_place (const VkElection *c, const VkArea *a, VkValgdkPlace *place)
{
  guint64 n = 0;

  if (c->type == VK_ELECTION_KV || c->type == VK_ELECTION_RV)
    return NULL;
  memset (place, 0, sizeof *place);
  if (c->region != NULL && *c->region != '\0')
    place->storkreds = c->region;
  if (c->region_dagi_id != NULL && g_ascii_string_to_unsigned (c->region_dagi_id, 10, 1, 10, &n, NULL))
    place->storkreds_number = (guint)n;
  if (a->kreds_name != NULL && *a->kreds_name != '\0')
    place->opstillingskreds = a->kreds_name;
  if (a->kreds != NULL && *a->kreds != '\0')
    place->opstillingskreds_dagi_id = a->kreds;
  return place;
}

/* The contest's valg.dk file of one area's result (KVRV, FV, EV or FA). */
static char *
area_json (const VkElection *c, const VkArea *a, const VkAreaResult *r, gint64 approved_ms,
           const VkValgdkPrevious *previous, GError **error)
{
  VkValgdkPlace place;

  return vk_valgdk_contest_area_result_to_json (c, a, area_place (c, a, &place), r, approved_ms, previous, error);
}

gint
vk_count_export_valgdk (VkCount *self, const char *contest, VkResultKind kind, const char *dir, GError **error)
{
  g_autoptr (VkResults) results = NULL;
  const VkElection *c;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (dir != NULL, -1);

  c = vk_election_get_contest (vk_count_get_election (self), contest);
  if (c == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the election has no %s contest", contest);
      return -1;
    }
  results = vk_count_results (self, contest, kind, error);
  if (results == NULL)
    return -1;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", dir, g_strerror (errno));
      return -1;
    }
  for (guint i = 0; i < results->areas->len; i++)
    {
      const VkAreaResult *r = g_ptr_array_index (results->areas, i);
      const VkArea *a = vk_election_lookup_area (c, r->area_number);
      guint64 approved = vk_count_get_signoff_time (self, r->area_number, contest, kind);
      g_autofree char *json = NULL, *name = NULL, *path = NULL;

      if (a == NULL)
        continue;
      json = area_json (c, a, r, approved > 0 ? (gint64)approved : -1, NULL, error);
      name = json != NULL ? vk_valgdk_area_file_name (c, a, error) : NULL;
      if (name == NULL)
        return -1;
      path = g_build_filename (dir, name, NULL);
      if (!g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644,
                                     error))
        return -1;
    }
  return (gint)results->areas->len;
}

gboolean
vk_count_write_contest_result (VkCount *self, const char *contest, VkResultKind kind, const VkKeypair *server_key,
                               guint64 time_ms, const char *path, GError **error)
{
  g_autoptr (VkResults) results = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *dir = NULL;
  const VkElection *c;
  const VkDevice *server;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (server_key != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  c = vk_election_get_contest (vk_count_get_election (self), contest);
  server = vk_package_lookup_device (vk_count_get_package (self), vk_count_get_device_id (self));
  if (c == NULL || server == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the election has no %s contest, or the server is not enrolled",
                   contest);
      return FALSE;
    }
  results = vk_count_results (self, contest, kind, error);
  if (results == NULL)
    return FALSE;
  if (results->areas->len < c->areas->len)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%u of %u areas have a signed-off %s count (%s)",
                   results->areas->len, c->areas->len, kind == VK_RESULT_FORELOEBIG ? "foreløbig" : "fintælling",
                   vk_election_contest_id (c));
      return FALSE;
    }
  bytes = vk_contest_result_encode (c, vk_package_get_election_id (vk_count_get_package (self)), kind, results->areas,
                                    server_key, server->enrolment, time_ms, error);
  if (bytes == NULL)
    return FALSE;
  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  return g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), (gssize)g_bytes_get_size (bytes),
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644, error);
}

gboolean
vk_count_write_valgdk_result (VkCount *self, const char *contest, VkResultKind kind, const VkKeypair *server_key,
                              const char *path, GError **error)
{
  g_autoptr (VkResults) results = NULL;
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_valgdk_file_free);
  const VkElection *c;
  const VkDevice *server;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (server_key != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  c = vk_election_get_contest (vk_count_get_election (self), contest);
  server = vk_package_lookup_device (vk_count_get_package (self), vk_count_get_device_id (self));
  if (c == NULL || server == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the election has no %s contest, or the server is not enrolled",
                   contest);
      return FALSE;
    }
  if (c->type == VK_ELECTION_KV || c->type == VK_ELECTION_RV)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: a valg.dk result is signed for FV, FA and EP only",
                   vk_election_contest_id (c));
      return FALSE;
    }
  results = vk_count_results (self, contest, kind, error);
  if (results == NULL)
    return FALSE;
  if (results->areas->len < c->areas->len)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%u of %u areas have a signed-off %s count (%s)",
                   results->areas->len, c->areas->len, kind == VK_RESULT_FORELOEBIG ? "foreløbig" : "fintælling",
                   vk_election_contest_id (c));
      return FALSE;
    }
  for (guint i = 0; i < results->areas->len; i++)
    {
      const VkAreaResult *r = g_ptr_array_index (results->areas, i);
      const VkArea *a = vk_election_lookup_area (c, r->area_number);
      guint64 approved = vk_count_get_signoff_time (self, r->area_number, vk_election_contest_id (c), kind);
      g_autofree char *json = NULL, *name = NULL;

      if (a == NULL)
        continue;
      json = area_json (c, a, r, approved > 0 ? (gint64)approved : -1, NULL, error);
      name = json != NULL ? vk_valgdk_area_file_name (c, a, error) : NULL;
      if (name == NULL)
        return FALSE;
      g_ptr_array_add (files, vk_valgdk_file_new (name, json));
    }
  return vk_valgdk_result_write (path, c, vk_package_get_election_id (vk_count_get_package (self)), kind, files,
                                 server_key, server->enrolment, error);
}

/* ---- valg.dk delivery: turnout, results, mandatfordeling ---- */

void
vk_count_turnout_free (VkCountTurnout *self)
{
  if (self == NULL)
    return;
  g_free (self->missing);
  g_free (self);
}

void
vk_valgdk_report_free (VkValgdkReport *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->log, g_ptr_array_unref);
  g_free (self);
}

/* What a report needs of every journal held, read one device at a time
 * (a large municipality's journals need not fit in memory at once): a
 * fold of the entries before each instant, and per device when it last
 * wrote, closed its poll and was last pushed. */
typedef struct
{
  guint64 last_ms;   /* its latest entry held */
  guint64 closed_ms; /* its poll.close, 0 when none */
  guint64 pushed_ms; /* the server's latest receipt of it, 0 when none */
} DeviceInfo;

typedef struct
{
  GHashTable *info; /* device id → DeviceInfo* */
  GArray *instants; /* guint64 ms, parallel to folds */
  GPtrArray *folds; /* VkFold*: every entry before the instant */
} Journals;

static void
journals_clear (Journals *j)
{
  g_clear_pointer (&j->info, g_hash_table_unref);
  g_clear_pointer (&j->instants, g_array_unref);
  g_clear_pointer (&j->folds, g_ptr_array_unref);
}

static DeviceInfo *
device_info (Journals *j, const char *device)
{
  DeviceInfo *d = g_hash_table_lookup (j->info, device);

  if (d == NULL)
    {
      d = g_new0 (DeviceInfo, 1);
      g_hash_table_insert (j->info, g_strdup (device), d);
    }
  return d;
}

static gboolean
journals_load (VkCount *self, Journals *j, const guint64 *instants, guint n_instants, GError **error)
{
  g_autoptr (GPtrArray) heads = vk_count_dup_heads (self);
  const char *server = vk_count_get_device_id (self);

  j->info = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  j->instants = g_array_new (FALSE, FALSE, sizeof (guint64));
  j->folds = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_fold_free);
  for (guint k = 0; k < n_instants; k++)
    {
      VkFold *fold = vk_fold_new (vk_count_get_package (self), error);
      if (fold == NULL)
        return FALSE;
      g_array_append_val (j->instants, instants[k]);
      g_ptr_array_add (j->folds, fold);
    }
  for (guint i = 0; i < heads->len; i++)
    {
      const VkCountHead *h = g_ptr_array_index (heads, i);
      g_autoptr (GPtrArray) entries = NULL;
      DeviceInfo *info;

      if (h->seq == 0)
        continue;
      entries = vk_count_dup_entries (self, h->device_id, 0, error);
      if (entries == NULL)
        return FALSE;
      info = device_info (j, h->device_id);
      for (guint n = 0; n < entries->len; n++)
        {
          const VkEntry *e = g_ptr_array_index (entries, n);

          info->last_ms = MAX (info->last_ms, e->time_ms);
          if (info->closed_ms == 0 && strcmp (e->type, "poll.close") == 0)
            info->closed_ms = e->time_ms;
          /* Times rise along each journal (the chain refuses a decrease),
           * so what was journalled before an instant is a prefix. */
          for (guint k = 0; k < j->folds->len; k++)
            if (e->time_ms < g_array_index (j->instants, guint64, k))
              vk_fold_add_entry (g_ptr_array_index (j->folds, k), e);
          /* The server's receipts: when each device's journal last arrived. */
          if (g_strcmp0 (h->device_id, server) == 0 && strcmp (e->type, "receipt") == 0 && e->body != NULL)
            {
              VkCbor *dev = vk_cbor_map_lookup_text (e->body, "device");
              if (dev != NULL && vk_cbor_get_type (dev) == VK_CBOR_TEXT)
                {
                  DeviceInfo *pushed = device_info (j, vk_cbor_get_text (dev, NULL));
                  pushed->pushed_ms = MAX (pushed->pushed_ms, e->time_ms);
                }
            }
        }
    }
  return TRUE;
}

/* Whether the server knew device's journal up to at_ms: it holds an entry
 * of it at or after at_ms, a push of it made at or after at_ms (a push
 * carries the whole journal as of then), or its poll.close before at_ms
 * (a closed poll takes no more check-ins). */
static gboolean
delivered_past (const Journals *j, const char *device, guint64 at_ms)
{
  const DeviceInfo *d = g_hash_table_lookup (j->info, device);

  return d != NULL && (d->pushed_ms >= at_ms || d->last_ms >= at_ms || (d->closed_ms != 0 && d->closed_ms < at_ms));
}

/* The turnout of contest's areas at j's instant k. */
static GPtrArray *
turnout_at (VkCount *self, const Journals *j, guint k, const VkElection *c, const char *contest)
{
  VkPackage *package = vk_count_get_package (self);
  VkFold *fold = g_ptr_array_index (j->folds, k);
  guint64 at_ms = g_array_index (j->instants, guint64, k);
  g_autoptr (GPtrArray) devices = vk_package_list_devices (package);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_count_turnout_free);

  for (guint a = 0; a < c->areas->len; a++)
    {
      const VkArea *area = g_ptr_array_index (c->areas, a);
      g_autoptr (VkCountTurnout) t = g_new0 (VkCountTurnout, 1);
      g_autoptr (GString) missing = g_string_new (NULL);
      VkFoldAreaSummary sum = { 0 };
      /* As vk_count_results(): an FV, EP or FA contest's own eligible
       * voters (per-voter eligibility), else the package's voter list. */
      gint64 eligible = c->type == VK_ELECTION_KV || c->type == VK_ELECTION_RV
                            ? vk_package_count_voters (package, area->number, NULL)
                            : -1;

      t->area = area->number;
      t->eligible = eligible > 0 ? (guint64)eligible : area->eligible;
      if (vk_fold_get_area_summary (fold, area->number, contest, &sum))
        {
          t->checkins = sum.checkins;
          t->brevstemmer = sum.brevstemmer_accepted;
        }
      for (guint d = 0; d < devices->len; d++)
        {
          const VkDevice *dev = g_ptr_array_index (devices, d);
          if (dev->role_id != VK_ROLE_VALGBORD || dev->area != area->number
              || delivered_past (j, dev->device_id, at_ms))
            continue;
          g_string_append_printf (missing, "%s%s", missing->len > 0 ? "," : "", dev->device_id);
        }
      t->complete = missing->len == 0;
      if (!t->complete)
        t->missing = g_string_free (g_steal_pointer (&missing), FALSE);
      g_ptr_array_add (out, g_steal_pointer (&t));
    }
  return g_steal_pointer (&out);
}

GPtrArray *
vk_count_turnout (VkCount *self, const char *contest, gint64 at_ms, GError **error)
{
  Journals j = { 0 };
  const VkElection *c;
  GPtrArray *out = NULL;
  guint64 at = (guint64)at_ms;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (at_ms >= 0, NULL);

  c = vk_election_get_contest (vk_count_get_election (self), contest);
  if (c == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the election has no %s contest", contest);
      return NULL;
    }
  if (journals_load (self, &j, &at, 1, error))
    out = turnout_at (self, &j, 0, c, vk_election_contest_id (c));
  journals_clear (&j);
  return out;
}

static void report_log (VkValgdkReport *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
report_log (VkValgdkReport *r, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_ptr_array_add (r->log, g_strdup_vprintf (fmt, ap));
  va_end (ap);
}

/* Writes json as a version of dir/stem; *ret_delivered (may be NULL)
 * gets the bytes of the version now latest: json when written, else the
 * earlier version's (which says the same but for its time of writing). */
/* Counts one delivery file: newly written (and logged) or unchanged. */
static void
note_write (VkValgdkReport *r, gboolean written, const char *path)
{
  if (written)
    {
      r->written++;
      report_log (r, "%s", path);
    }
  else
    r->unchanged++;
}

static gboolean
deliver_full (VkValgdkReport *r, const char *dir, const char *stem, const char *json, char **ret_delivered,
              GError **error)
{
  g_autofree char *path = NULL;
  gboolean written = FALSE;
  guint version = 0;

  if (!vk_valgdk_write_version (dir, stem, json, &version, &written, &path, error))
    return FALSE;
  note_write (r, written, path);
  if (ret_delivered != NULL)
    {
      gsize len = 0;

      if (written)
        *ret_delivered = g_strdup (json);
      else if (!vk_file_read_untrusted (path, VK_FILE_MAX_JSON_BYTES, ret_delivered, &len, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
deliver (VkValgdkReport *r, const char *dir, const char *stem, const char *json, GError **error)
{
  return deliver_full (r, dir, stem, json, NULL, error);
}

typedef struct
{
  VkCount *count;
  const char *contest;
  GPtrArray *files; /* VkValgdkFile* */
} SameSigned;

/* Whether the latest signed result verifies under the package's election
 * key and holds exactly files (names and bytes, in order). */
static gboolean
same_signed (const char *latest, gpointer user_data)
{
  SameSigned *s = user_data;
  VkPackage *pkg = vk_count_get_package (s->count);
  g_autoptr (GPtrArray) trusted = vk_trusted_keys_new ();
  g_autoptr (VkContestResult) old = NULL;

  if (!vk_trusted_keys_add (trusted, vk_count_get_election (s->count)->municipality_code,
                            vk_package_get_election_public_key (pkg), "", NULL))
    return FALSE;
  old = vk_valgdk_result_read (latest, trusted, s->contest, NULL);
  if (old == NULL || old->files == NULL || old->files->len != s->files->len
      || memcmp (old->election_id, vk_package_get_election_id (pkg), sizeof old->election_id) != 0)
    return FALSE;
  for (guint i = 0; i < s->files->len; i++)
    {
      const VkValgdkFile *a = g_ptr_array_index (old->files, i);
      const VkValgdkFile *b = g_ptr_array_index (s->files, i);

      if (strcmp (a->name, b->name) != 0 || strcmp (a->json, b->json) != 0)
        return FALSE;
    }
  return TRUE;
}

/* C/resultat-<kind>.vN.vkv: the contest's delivered area files of kind
 * (files, every area's), signed by the server's key. */
static gboolean
deliver_signed (VkCount *self, VkValgdkReport *r, const VkElection *c, const char *cdir, VkResultKind kind,
                GPtrArray *files, const VkKeypair *server_key, GError **error)
{
  VkPackage *pkg = vk_count_get_package (self);
  const VkDevice *server = vk_package_lookup_device (pkg, vk_count_get_device_id (self));
  g_autofree char *stem = g_strconcat ("resultat-", vk_result_kind_to_string (kind), NULL);
  g_autofree char *path = NULL;
  g_autoptr (GBytes) bytes = NULL;
  SameSigned same = { self, vk_election_contest_id (c), files };
  gboolean written = FALSE;

  if (server == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the count server %s is not enrolled",
                   vk_count_get_device_id (self));
      return FALSE;
    }
  bytes = vk_valgdk_result_encode (c, vk_package_get_election_id (pkg), kind, files, server_key, server->enrolment, 0,
                                   error);
  if (bytes == NULL
      || !vk_valgdk_write_version_data (cdir, stem, ".vkv", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                        same_signed, &same, NULL, &written, &path, error))
    return FALSE;
  note_write (r, written, path);
  return TRUE;
}

/* "<kode>-<nnn>", the stem of an area's files. */
static char *
area_stem (const VkElection *c, const VkArea *a, GError **error)
{
  g_autofree char *name = vk_valgdk_area_file_name (c, a, error);
  return name != NULL ? g_strndup (name, strlen (name) - strlen (".json")) : NULL;
}

static gboolean
report_turnout (VkCount *self, VkValgdkReport *r, const Journals *j, GArray *due, const VkElection *c, const char *cdir,
                GError **error)
{
  g_autofree char *tdir = g_build_filename (cdir, "valgdeltagelse", NULL);
  g_autoptr (GPtrArray) per_time = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  g_autoptr (JsonBuilder) status = json_builder_new ();
  g_autofree char *status_json = NULL;

  if (due->len == 0)
    return TRUE;
  for (guint i = 0; i < due->len; i++)
    g_ptr_array_add (per_time, turnout_at (self, j, i, c, vk_election_contest_id (c)));

  json_builder_begin_object (status);
  json_builder_set_member_name (status, "Valgart");
  json_builder_add_string_value (status, vk_election_type_name_da (c->type));
  json_builder_set_member_name (status, "Tidspunkter");
  json_builder_begin_array (status);
  for (guint i = 0; i < due->len; i++)
    {
      GPtrArray *areas = g_ptr_array_index (per_time, i);
      guint minute = g_array_index (due, guint, i);
      g_autofree char *hhmm = g_strdup_printf ("%02u:%02u", minute / 60, minute % 60);

      json_builder_begin_object (status);
      json_builder_set_member_name (status, "Tidspunkt");
      json_builder_add_string_value (status, hhmm);
      json_builder_set_member_name (status, "IkkeLeveret");
      json_builder_begin_array (status);
      for (guint a = 0; a < areas->len; a++)
        {
          const VkCountTurnout *t = g_ptr_array_index (areas, a);
          if (t->complete)
            continue;
          json_builder_begin_object (status);
          json_builder_set_member_name (status, "AfstemningsområdeNummer");
          json_builder_add_int_value (status, t->area);
          json_builder_set_member_name (status, "Borde");
          json_builder_add_string_value (status, t->missing);
          json_builder_end_object (status);
          report_log (r, "%s %s: area %u not in the turnout file: tables %s had not delivered past %s",
                      vk_election_contest_id (c), hhmm, t->area, t->missing, hhmm);
        }
      json_builder_end_array (status);
      json_builder_end_object (status);
    }
  json_builder_end_array (status);
  json_builder_end_object (status);

  for (guint a = 0; a < c->areas->len; a++)
    {
      const VkArea *area = g_ptr_array_index (c->areas, a);
      g_autofree VkTurnoutPoint *points = g_new0 (VkTurnoutPoint, due->len);
      g_autofree char *json = NULL, *stem = NULL;

      for (guint i = 0; i < due->len; i++)
        {
          const VkCountTurnout *t = g_ptr_array_index ((GPtrArray *)g_ptr_array_index (per_time, i), a);
          points[i].minute = g_array_index (due, guint, i);
          points[i].eligible = t->eligible;
          points[i].cast = t->checkins + t->brevstemmer;
          points[i].complete = t->complete;
        }
      stem = area_stem (c, area, error);
      if (stem == NULL)
        return FALSE;
      json = vk_valgdk_turnout_to_json (c, area, points, due->len, error);
      if (json == NULL || !deliver (r, tdir, stem, json, error))
        return FALSE;
    }
  {
    g_autoptr (JsonGenerator) gen = json_generator_new ();
    g_autoptr (JsonNode) root = json_builder_get_root (status);
    json_generator_set_root (gen, root);
    status_json = json_generator_to_data (gen, NULL);
  }
  return deliver (r, tdir, "status", status_json, error);
}

static gboolean
report_results (VkCount *self, VkValgdkReport *r, const VkElection *c, const char *cdir, VkResultKind kind,
                const VkValgdkReportOptions *o, guint64 at_ms, GError **error)
{
  const char *cid = vk_election_contest_id (c);
  g_autofree char *kdir = g_build_filename (cdir, vk_result_kind_to_string (kind), NULL);
  g_autoptr (VkResults) results = vk_count_results (self, cid, kind, error);
  g_autoptr (GArray) refs = g_array_new (FALSE, TRUE, sizeof (VkValgdkCountRef));
  /* The area files as delivered, for the signed result (FV, FA, EP). */
  g_autoptr (GPtrArray) files = NULL;

  if (results == NULL)
    return FALSE;
  if (o->server_key != NULL && c->type != VK_ELECTION_KV && c->type != VK_ELECTION_RV)
    files = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_valgdk_file_free);
  for (guint i = 0; i < results->areas->len; i++)
    {
      const VkAreaResult *res = g_ptr_array_index (results->areas, i);
      const VkArea *a = vk_election_lookup_area (c, res->area_number);
      guint64 approved = vk_count_get_signoff_time (self, res->area_number, cid, kind);
      g_autofree char *json = NULL, *stem = NULL;
      VkValgdkCountRef ref = { 0 };

      if (a == NULL || approved == 0 || (approved > at_ms && !o->every_signoff))
        continue;
      stem = area_stem (c, a, error);
      if (stem == NULL)
        return FALSE;
      json = area_json (c, a, res, (gint64)approved, o->previous, error);
      if (files != NULL)
        {
          g_autofree char *delivered = NULL, *name = NULL;

          if (json == NULL || !deliver_full (r, kdir, stem, json, &delivered, error))
            return FALSE;
          name = g_strconcat (stem, ".json", NULL);
          g_ptr_array_add (files, vk_valgdk_file_new (name, delivered));
        }
      else if (json == NULL || !deliver (r, kdir, stem, json, error))
        return FALSE;
      ref.area = a;
      ref.kind = kind;
      ref.approved_ms = (gint64)approved;
      g_array_append_val (refs, ref);
    }

  /* An FV, FA or EP result is tallied above the municipality from the
   * signed municipality result, once every area is in it. */
  if (files != NULL)
    {
      if (files->len < c->areas->len)
        {
          if (files->len > 0)
            report_log (r, "%s %s: signed result not yet: %u of %u areas signed off", cid,
                        vk_result_kind_to_string (kind), files->len, c->areas->len);
          return TRUE;
        }
      return deliver_signed (self, r, c, cdir, kind, files, o->server_key, error);
    }
  /* The municipality allocates a kommunalvalg's seats; a
   * regionsrådsvalg's are the region's (valgkit region), a
   * folketingsvalg's and Europa-Parlamentsvalg's the country's, and a
   * folkeafstemning has none. */
  if (c->type != VK_ELECTION_KV)
    return TRUE;
  if (refs->len < c->areas->len)
    {
      if (refs->len > 0)
        report_log (r, "%s %s: mandatfordeling not yet: %u of %u areas signed off", cid,
                    vk_result_kind_to_string (kind), refs->len, c->areas->len);
      return TRUE;
    }
  {
    g_autoptr (VkTie) tie = NULL;
    g_autoptr (GError) local = NULL;
    g_autoptr (VkSeatAllocation) seats = vk_count_mandates (self, cid, kind, o->lots, &tie, &local);
    g_autofree char *json = NULL, *stem = NULL;

    /* The lot draws are the final allocation's: they need not match the
     * ties of election night's count, whose allocation is provisional. */
    if (seats == NULL && kind == VK_RESULT_FORELOEBIG && o->lots != NULL
        && g_error_matches (local, VK_ERROR, VK_ERROR_INVALID))
      {
        g_clear_error (&local);
        g_clear_pointer (&tie, vk_tie_free);
        seats = vk_count_mandates (self, cid, kind, NULL, &tie, &local);
      }
    if (seats == NULL)
      {
        if (!g_error_matches (local, VK_ERROR, VK_ERROR_TIE))
          {
            g_propagate_error (error, g_steal_pointer (&local));
            return FALSE;
          }
        report_log (r, "%s %s: mandatfordeling waits for a lot draw: %s", cid, vk_result_kind_to_string (kind),
                    tie != NULL ? tie->description : local->message);
        return TRUE;
      }
    json = vk_valgdk_mandates_to_json (seats, (const VkValgdkCountRef *)(void *)refs->data, refs->len, error);
    stem = g_strconcat ("mandatfordeling-", vk_result_kind_to_string (kind), NULL);
    return json != NULL && deliver (r, cdir, stem, json, error);
  }
}

VkValgdkReport *
vk_count_report_valgdk (VkCount *self, const char *dir, const VkValgdkReportOptions *options, GError **error)
{
  static const VkValgdkReportOptions defaults = { 0 };
  const VkValgdkReportOptions *o = options != NULL ? options : &defaults;
  g_autoptr (VkValgdkReport) r = g_new0 (VkValgdkReport, 1);
  g_autoptr (GArray) default_times = NULL;
  const VkElection *e;
  GArray *times = o->times;
  g_autoptr (GArray) due = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) instants = g_array_new (FALSE, FALSE, sizeof (guint64));
  Journals j = { 0 };
  guint64 at_ms = o->at_ms > 0 ? (guint64)o->at_ms : (guint64)(g_get_real_time () / 1000);
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (dir != NULL, NULL);

  r->log = g_ptr_array_new_with_free_func (g_free);
  if (times == NULL)
    {
      default_times = vk_valgdk_parse_times (VK_VALGDK_TURNOUT_TIMES_DEFAULT, NULL);
      times = default_times;
    }
  e = vk_count_get_election (self);
  /* The announced times that have passed (the contests of an event share
   * its date). */
  for (guint i = 0; i < times->len; i++)
    {
      guint minute = g_array_index (times, guint, i);
      gint64 t = vk_valgdk_local_time_ms (e->date, minute);

      if (t < 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the election's date \"%s\" is not YYYY-MM-DD", e->date);
          return NULL;
        }
      if ((guint64)t > at_ms)
        break;
      g_array_append_val (due, minute);
      g_array_append_val (instants, t);
    }
  if (!journals_load (self, &j, (const guint64 *)(void *)instants->data, instants->len, error))
    {
      journals_clear (&j);
      return NULL;
    }
  for (guint i = 0; ok && i < vk_election_get_n_contests (e); i++)
    {
      const VkElection *c = vk_election_get_contest_nth (e, i);
      g_autofree char *cdir = g_build_filename (dir, vk_election_contest_id (c), NULL);

      ok = report_turnout (self, r, &j, due, c, cdir, error);
      ok = ok && report_results (self, r, c, cdir, VK_RESULT_FORELOEBIG, o, at_ms, error)
           && report_results (self, r, c, cdir, VK_RESULT_FINTAELLING, o, at_ms, error);
    }
  journals_clear (&j);
  return ok ? g_steal_pointer (&r) : NULL;
}

gint
vk_count_write_valgdk_delivery (VkCount *self, const char *out, const VkLots *lots, GError **error)
{
  g_autofree char *dir = g_build_filename (out, "valgdk", NULL);
  VkValgdkReportOptions options = { 0 };
  g_autoptr (VkValgdkReport) report = NULL;

  g_return_val_if_fail (self != NULL && out != NULL, -1);
  options.lots = lots;
  report = vk_count_report_valgdk (self, dir, &options, error);
  return report != NULL ? (gint)report->written : -1;
}

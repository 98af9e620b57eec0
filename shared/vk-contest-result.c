/* vk-contest-result.c: a municipality's signed result of one contest, and the regional tally.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/region.md specifies the file and the trust file.
 */
#include <stdarg.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "vk-cbor.h"
#include "vk-contest-result.h"
#include "vk-cose.h"
#include "vk-counts.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-role.h"
#include "vk-text.h"

/* ---- trusted election keys ------------------------------------------- */

void
vk_trusted_key_free (VkTrustedKey *self)
{
  if (self == NULL)
    return;
  g_free (self->municipality_code);
  g_free (self->name);
  g_free (self);
}

GPtrArray *
vk_trusted_keys_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify)vk_trusted_key_free);
}

static gboolean
is_kommunekode (const char *s)
{
  gsize n = strlen (s);

  if (n == 0 || n > 4)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static const VkTrustedKey *
trusted_lookup_code (GPtrArray *keys, const char *code)
{
  for (guint i = 0; i < keys->len; i++)
    {
      const VkTrustedKey *k = g_ptr_array_index (keys, i);
      if (strcmp (k->municipality_code, code) == 0)
        return k;
    }
  return NULL;
}

static const VkTrustedKey *
trusted_lookup_key_id (GPtrArray *keys, const guint8 key_id[VK_KEY_ID_BYTES])
{
  for (guint i = 0; i < keys->len; i++)
    {
      const VkTrustedKey *k = g_ptr_array_index (keys, i);
      if (memcmp (k->key_id, key_id, VK_KEY_ID_BYTES) == 0)
        return k;
    }
  return NULL;
}

gboolean
vk_trusted_keys_add (GPtrArray *keys, const char *municipality_code, const guint8 public_key[32], const char *name,
                     GError **error)
{
  VkTrustedKey *k;
  guint8 key_id[VK_KEY_ID_BYTES];

  g_return_val_if_fail (keys != NULL && municipality_code != NULL && public_key != NULL, FALSE);

  if (!is_kommunekode (municipality_code))
    {
      g_autofree char *c = vk_text_escape_controls (municipality_code);
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "\"%s\" is not a kommunekode", c);
      return FALSE;
    }
  if (trusted_lookup_code (keys, municipality_code) != NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "municipality %s is already trusted", municipality_code);
      return FALSE;
    }
  vk_key_id_from_public_key (public_key, key_id);
  if (trusted_lookup_key_id (keys, key_id) != NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the key of municipality %s is already given for %s",
                   municipality_code, ((const VkTrustedKey *)trusted_lookup_key_id (keys, key_id))->municipality_code);
      return FALSE;
    }
  k = g_new0 (VkTrustedKey, 1);
  k->municipality_code = g_strdup (municipality_code);
  k->name = g_strdup (name != NULL ? name : "");
  memcpy (k->public_key, public_key, VK_PUBLIC_KEY_BYTES);
  memcpy (k->key_id, key_id, VK_KEY_ID_BYTES);
  g_ptr_array_add (keys, k);
  return TRUE;
}

GPtrArray *
vk_trusted_keys_load (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *file = vk_text_escape_controls (path);
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) keys = vk_trusted_keys_new ();
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!vk_file_read_untrusted (path, VK_TRUST_FILE_MAX_BYTES, &contents, &len, error))
    return NULL;
  if (strlen (contents) != len || !g_utf8_validate (contents, (gssize)len, NULL))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: not a UTF-8 text file", file);
      return NULL;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));
      g_auto (GStrv) fields = NULL;
      g_autofree char *name = NULL;
      g_autoptr (GError) local = NULL;
      guint8 key[VK_PUBLIC_KEY_BYTES];
      const char *hex;
      guint n = 0;

      if (*line == '\0' || *line == '#')
        continue;
      for (char *p = line; *p != '\0'; p++)
        if (*p == '\t')
          *p = ' ';
      fields = g_strsplit (line, " ", 3);
      n = g_strv_length (fields);
      if (n >= 2)
        g_strstrip (fields[1]);
      /* Line 2 of a .pub file (docs/key-format.md) may be pasted as it is. */
      hex = n >= 2 ? fields[1] : "";
      if (g_str_has_prefix (hex, "valgkit-ed25519:"))
        hex += strlen ("valgkit-ed25519:");
      if (n < 2 || strlen (hex) != 2 * VK_PUBLIC_KEY_BYTES || !vk_hex_decode (hex, key, sizeof key))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "%s: line %u: expected \"KOMMUNEKODE PUBLIC-KEY-HEX [NAME]\" (64 hex digits)", file, i + 1);
          return NULL;
        }
      name = n == 3 ? g_strstrip (g_strdup (fields[2])) : g_strdup ("");
      if (!vk_trusted_keys_add (keys, fields[0], key, name, &local))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: line %u: %s", file, i + 1, local->message);
          return NULL;
        }
    }
  if (keys->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: no trusted election key", file);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

/* ---- the signed municipality result ------------------------------------ */

void
vk_contest_result_free (VkContestResult *self)
{
  if (self == NULL)
    return;
  g_free (self->contest_id);
  g_free (self->date);
  g_free (self->municipality);
  g_free (self->municipality_code);
  g_free (self->municipality_dagi_id);
  g_free (self->region);
  g_free (self->region_dagi_id);
  g_free (self->device_id);
  g_clear_pointer (&self->areas, g_ptr_array_unref);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_free (self);
}

static const char *
or_empty (const char *s)
{
  return s != NULL ? s : "";
}

/* The decoded enrolment statement (docs/package-format.md §5). */
typedef struct
{
  const guint8 *election; /* 32 bytes, borrowed from the map */
  const char *device;
  const char *role;
  const guint8 *key; /* 32 bytes */
  guint64 valid_from;
  guint64 valid_to;
} Enrolment;

static gboolean
enrolment_parse (const VkCbor *map, Enrolment *ret, GError **error)
{
  gsize elen = 0, klen = 0;

  ret->election = vk_cbor_map_get_bytes_field (map, "election", &elen, error);
  if (ret->election == NULL)
    return FALSE;
  ret->key = vk_cbor_map_get_bytes_field (map, "key", &klen, error);
  if (ret->key == NULL)
    return FALSE;
  ret->device = vk_cbor_map_get_text_field (map, "device", error);
  if (ret->device == NULL)
    return FALSE;
  ret->role = vk_cbor_map_get_text_field (map, "role", error);
  if (ret->role == NULL)
    return FALSE;
  if (!vk_cbor_map_get_uint_field (map, "valid_from", &ret->valid_from, error)
      || !vk_cbor_map_get_uint_field (map, "valid_to", &ret->valid_to, error))
    return FALSE;
  if (elen != 32 || klen != VK_PUBLIC_KEY_BYTES)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the election id or key has the wrong length");
      return FALSE;
    }
  return TRUE;
}

static gint
area_result_cmp (gconstpointer a, gconstpointer b)
{
  const VkAreaResult *x = *(VkAreaResult *const *)a;
  const VkAreaResult *y = *(VkAreaResult *const *)b;

  return x->area_number < y->area_number ? -1 : x->area_number > y->area_number;
}

/* The envelope every signed municipality result shares: the header
 * members (format, election, contest, kind, date, time, municipality,
 * region) into payload, after checking that the enrolment is a count
 * server's of this election for server_key. */
static gboolean
fill_header (VkCbor *payload, const char *format, const VkElection *contest, const guint8 election_id[32],
             VkResultKind kind, const VkKeypair *server_key, GBytes *enrolment, guint64 time_ms, GError **error)
{
  g_autoptr (VkCbor) muni = vk_cbor_new_map ();
  g_autoptr (VkCbor) region = vk_cbor_new_map ();
  g_autoptr (VkCoseSign1) enrol = NULL;
  g_autoptr (VkCbor) enrol_map = NULL;
  g_autoptr (GError) local = NULL;
  Enrolment en;
  const guint8 *data;
  gsize len;

  /* The enrolment must be the one the region will check this file against. */
  data = g_bytes_get_data (enrolment, &len);
  enrol = vk_cose_sign1_decode (data, len, &local);
  if (enrol != NULL)
    {
      const guint8 *p = g_bytes_get_data (enrol->payload, &len);
      enrol_map = vk_cbor_decode (p, len, &local);
    }
  if (enrol_map == NULL || !enrolment_parse (enrol_map, &en, &local))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the server's enrolment is not an enrolment statement: %s",
                   local->message);
      return FALSE;
    }
  if (strcmp (en.role, vk_device_role_to_string (VK_ROLE_SERVER)) != 0)
    {
      g_autofree char *role = vk_text_escape_controls (en.role);
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "the enrolment of %s is a %s's, not a count server's", en.device,
                   role);
      return FALSE;
    }
  if (memcmp (en.election, election_id, 32) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "the enrolment of %s is of another election", en.device);
      return FALSE;
    }
  if (memcmp (en.key, vk_keypair_get_public_key (server_key), VK_PUBLIC_KEY_BYTES) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "the enrolment of %s is for another key than the signing key",
                   en.device);
      return FALSE;
    }

  /* The region matches files by kommunekode and RegionDagiId. */
  if (contest->municipality_code == NULL || *contest->municipality_code == '\0')
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the election has no kommunekode");
      return FALSE;
    }
  if (contest->type == VK_ELECTION_RV && (contest->region_dagi_id == NULL || *contest->region_dagi_id == '\0'))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the RV contest has no region (RegionDagiId)");
      return FALSE;
    }
  if (time_ms == 0)
    time_ms = (guint64)(g_get_real_time () / 1000);
  vk_cbor_map_set_text (payload, "format", format);
  vk_cbor_map_set_bytes (payload, "election", election_id, 32);
  vk_cbor_map_set_text (payload, "contest", vk_election_contest_id (contest));
  vk_cbor_map_set_text (payload, "kind", vk_result_kind_to_string (kind));
  vk_cbor_map_set_text (payload, "date", or_empty (contest->date));
  vk_cbor_map_set_uint (payload, "time", time_ms);
  vk_cbor_map_set_text (muni, "name", or_empty (contest->municipality));
  vk_cbor_map_set_text (muni, "code", or_empty (contest->municipality_code));
  vk_cbor_map_set_text (muni, "dagi_id", or_empty (contest->municipality_dagi_id));
  vk_cbor_map_insert_text (payload, "municipality", g_steal_pointer (&muni));
  vk_cbor_map_set_text (region, "name", or_empty (contest->region));
  vk_cbor_map_set_text (region, "dagi_id", or_empty (contest->region_dagi_id));
  vk_cbor_map_insert_text (payload, "region", g_steal_pointer (&region));
  return TRUE;
}

/* The payload signed by the server key, then the enrolment. */
static GBytes *
sign_envelope (const VkCbor *payload, const VkKeypair *server_key, GBytes *enrolment, GError **error)
{
  g_autoptr (GBytes) encoded = vk_cbor_encode (payload);
  g_autoptr (GBytes) signed_result = NULL;
  GByteArray *out;
  const guint8 *data;
  gsize len;

  data = g_bytes_get_data (encoded, &len);
  signed_result = vk_cose_sign1_create (data, len, server_key, error);
  if (signed_result == NULL)
    return NULL;
  out = g_byte_array_new ();
  data = g_bytes_get_data (signed_result, &len);
  g_byte_array_append (out, data, (guint)len);
  data = g_bytes_get_data (enrolment, &len);
  g_byte_array_append (out, data, (guint)len);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
vk_contest_result_encode (const VkElection *contest, const guint8 election_id[32], VkResultKind kind,
                          GPtrArray *area_results, const VkKeypair *server_key, GBytes *enrolment, guint64 time_ms,
                          GError **error)
{
  g_autoptr (VkCbor) payload = vk_cbor_new_map ();
  g_autoptr (VkCbor) areas = vk_cbor_new_array ();
  g_autoptr (GPtrArray) sorted = NULL;

  g_return_val_if_fail (contest != NULL && election_id != NULL && area_results != NULL, NULL);
  g_return_val_if_fail (server_key != NULL && enrolment != NULL, NULL);

  if (!fill_header (payload, VK_CONTEST_RESULT_FORMAT, contest, election_id, kind, server_key, enrolment, time_ms,
                    error))
    return NULL;
  /* Borrowed pointers (g_ptr_array_copy() would take the free function too). */
  sorted = g_ptr_array_sized_new (area_results->len);
  for (guint i = 0; i < area_results->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (area_results, i));
  g_ptr_array_sort (sorted, area_result_cmp);
  for (guint i = 0; i < sorted->len; i++)
    {
      const VkAreaResult *r = g_ptr_array_index (sorted, i);
      const VkArea *a = vk_election_lookup_area (contest, r->area_number);
      VkCbor *item;

      if (a == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "area %u (%s) is not an area of the %s contest",
                       r->area_number, or_empty (r->area_name), vk_election_contest_id (contest));
          return NULL;
        }
      if (r->kind != kind)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "area %u: a %s count among %s counts", r->area_number,
                       vk_result_kind_to_string (r->kind), vk_result_kind_to_string (kind));
          return NULL;
        }
      if (i > 0 && ((VkAreaResult *)g_ptr_array_index (sorted, i - 1))->area_number == r->area_number)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "area %u is given twice", r->area_number);
          return NULL;
        }
      item = vk_cbor_new_map ();
      vk_cbor_map_set_uint (item, "number", r->area_number);
      vk_cbor_map_set_text (item, "name", or_empty (a->name));
      vk_cbor_map_set_text (item, "dagi_id", or_empty (a->dagi_id));
      /* The contest's own eligible voters; the count's when it has them. */
      vk_cbor_map_set_uint (item, "eligible", r->eligible > 0 ? r->eligible : a->eligible);
      vk_cbor_map_insert_text (item, "counts", vk_counts_to_cbor (r, NULL));
      vk_cbor_array_append (areas, item);
    }
  vk_cbor_map_insert_text (payload, "areas", g_steal_pointer (&areas));

  return sign_envelope (payload, server_key, enrolment, error);
}

gboolean
vk_contest_result_write (const char *path, const VkElection *contest, const guint8 election_id[32], VkResultKind kind,
                         GPtrArray *area_results, const VkKeypair *server_key, GBytes *enrolment, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (path != NULL, FALSE);

  bytes = vk_contest_result_encode (contest, election_id, kind, area_results, server_key, enrolment, 0, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  /* A temporary file renamed into place: a reader never sees half a file. */
  if (!g_file_set_contents_full (path, data, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local))
    {
      g_autofree char *file = vk_text_escape_controls (path);
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot write: %s", file, local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean fail (GError **error, int code, const char *file, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError **error, int code, const char *file, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, VK_ERROR, code, "%s: %s", file, msg);
  return FALSE;
}

/* A text field, or fail naming the file and the field. */
static char *
dup_text (const VkCbor *map, const char *key, const char *file, const char *where, GError **error)
{
  g_autoptr (GError) local = NULL;
  const char *s = vk_cbor_map_get_text_field (map, key, &local);

  if (s == NULL)
    {
      fail (error, VK_ERROR_INVALID, file, "%s%s: %s", where, key, local->message);
      return NULL;
    }
  return g_strdup (s);
}

static gboolean
read_place (const VkCbor *payload, VkContestResult *r, const char *file, GError **error)
{
  VkCbor *m = vk_cbor_map_lookup_text (payload, "municipality");
  VkCbor *g = vk_cbor_map_lookup_text (payload, "region");

  if (m == NULL || vk_cbor_get_type (m) != VK_CBOR_MAP || g == NULL || vk_cbor_get_type (g) != VK_CBOR_MAP)
    return fail (error, VK_ERROR_INVALID, file, "the result has no municipality or region map");
  r->municipality = dup_text (m, "name", file, "municipality.", error);
  if (r->municipality == NULL)
    return FALSE;
  r->municipality_code = dup_text (m, "code", file, "municipality.", error);
  if (r->municipality_code == NULL)
    return FALSE;
  r->municipality_dagi_id = dup_text (m, "dagi_id", file, "municipality.", error);
  if (r->municipality_dagi_id == NULL)
    return FALSE;
  r->region = dup_text (g, "name", file, "region.", error);
  if (r->region == NULL)
    return FALSE;
  r->region_dagi_id = dup_text (g, "dagi_id", file, "region.", error);
  return r->region_dagi_id != NULL;
}

static gboolean
read_areas (const VkCbor *payload, VkContestResult *r, const VkElection *region, const char *file, GError **error)
{
  VkCbor *areas = vk_cbor_map_lookup_text (payload, "areas");
  guint prev = 0;

  if (areas == NULL || vk_cbor_get_type (areas) != VK_CBOR_ARRAY)
    return fail (error, VK_ERROR_INVALID, file, "the result has no areas array");
  if (vk_cbor_array_get_length (areas) == 0)
    return fail (error, VK_ERROR_INVALID, file, "the result has no areas");
  for (gsize i = 0; i < vk_cbor_array_get_length (areas); i++)
    {
      VkCbor *a = vk_cbor_array_get (areas, i);
      VkCbor *counts = vk_cbor_map_lookup_text (a, "counts");
      g_autoptr (GError) local = NULL;
      g_autofree char *name = NULL, *dagi = NULL, *escaped = NULL;
      guint64 number = 0, eligible = 0;
      VkAreaResult *res;

      if (vk_cbor_get_type (a) != VK_CBOR_MAP || !vk_cbor_map_get_uint_field (a, "number", &number, &local)
          || !vk_cbor_map_get_uint_field (a, "eligible", &eligible, &local) || counts == NULL)
        return fail (error, VK_ERROR_INVALID, file, "areas[%" G_GSIZE_FORMAT "]: %s", i,
                     local != NULL ? local->message : "no counts");
      if (number == 0 || number > G_MAXUINT || number <= prev)
        return fail (error, VK_ERROR_INVALID, file,
                     "areas[%" G_GSIZE_FORMAT "]: area number %" G_GUINT64_FORMAT " out of order or repeated", i,
                     number);
      prev = (guint)number;
      name = dup_text (a, "name", file, "areas[].", error);
      if (name == NULL)
        return FALSE;
      dagi = dup_text (a, "dagi_id", file, "areas[].", error);
      if (dagi == NULL)
        return FALSE;
      escaped = vk_text_escape_controls (name);
      res = vk_counts_from_cbor (counts, region, r->kind, (guint)number, name, NULL, &local);
      if (res == NULL)
        return fail (error, VK_ERROR_INVALID, file, "area %u %s: %s", (guint)number, escaped, local->message);
      res->eligible = eligible;
      g_free (res->dagi_id);
      res->dagi_id = g_steal_pointer (&dagi);
      g_ptr_array_add (r->areas, res);
    }
  return TRUE;
}

/* Reads and verifies the envelope of a signed municipality result: the
 * enrolment under a trusted election key, the payload under the enrolled
 * server key, the format, the election, the time, the header members and
 * the municipality against its key.  *ret_payload: the payload's map. */
static VkContestResult *
open_envelope (const char *path, GPtrArray *trusted_keys, const char *expected_format, const char *expected_contest,
               VkCbor **ret_payload, GError **error)
{
  g_autofree char *file = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (VkCoseSign1) result_cose = NULL;
  g_autoptr (VkCoseSign1) enrol_cose = NULL;
  g_autoptr (VkCbor) enrol_map = NULL;
  g_autoptr (VkCbor) payload = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (VkContestResult) r = NULL;
  g_autofree char *kind = NULL, *format = NULL;
  const VkTrustedKey *trusted;
  Enrolment en;
  gsize len = 0, consumed = 0, consumed2 = 0;
  const guint8 *p;
  gsize plen;
  guint8 kid[VK_KEY_ID_BYTES];

  file = vk_text_escape_controls (path);
  if (!vk_file_read_untrusted (path, VK_CONTEST_RESULT_MAX_BYTES, &contents, &len, error))
    return NULL;
  r = g_new0 (VkContestResult, 1);
  r->areas = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  vk_sha256 ((const guint8 *)contents, len, r->file_digest);

  /* The two COSE_Sign1 items, and nothing after them. */
  result_cose = vk_cose_sign1_decode_prefix ((const guint8 *)contents, len, &consumed, &local);
  if (result_cose != NULL)
    enrol_cose = vk_cose_sign1_decode_prefix ((const guint8 *)contents + consumed, len - consumed, &consumed2, &local);
  if (result_cose == NULL || enrol_cose == NULL)
    {
      int code = local->domain == VK_ERROR && local->code == VK_ERROR_TRUNCATED ? VK_ERROR_TRUNCATED : VK_ERROR_INVALID;
      fail (error, code, file, "%snot a signed contest result (two COSE_Sign1: the result and the enrolment): %s",
            code == VK_ERROR_TRUNCATED ? "truncated: " : "", local->message);
      return NULL;
    }
  if (consumed + consumed2 != len)
    {
      fail (error, VK_ERROR_INVALID, file, "trailing bytes after the enrolment (%" G_GSIZE_FORMAT ")",
            len - consumed - consumed2);
      return NULL;
    }

  /* The enrolment: signed by a trusted election key. */
  trusted = trusted_lookup_key_id (trusted_keys, enrol_cose->key_id);
  if (trusted == NULL)
    {
      g_autofree char *hex = vk_hex_encode (enrol_cose->key_id, VK_KEY_ID_BYTES);
      fail (error, VK_ERROR_KEY, file, "the server's enrolment is signed by an unknown election key (key id %s)", hex);
      return NULL;
    }
  if (!vk_cose_sign1_verify (enrol_cose, trusted->public_key, &local))
    {
      fail (error, VK_ERROR_SIGNATURE, file, "the server's enrolment does not verify under the election key of %s: %s",
            trusted->municipality_code, local->message);
      return NULL;
    }
  p = g_bytes_get_data (enrol_cose->payload, &plen);
  enrol_map = vk_cbor_decode (p, plen, &local);
  if (enrol_map == NULL || !enrolment_parse (enrol_map, &en, &local))
    {
      fail (error, VK_ERROR_INVALID, file, "the enrolment statement is malformed: %s", local->message);
      return NULL;
    }
  if (strcmp (en.role, vk_device_role_to_string (VK_ROLE_SERVER)) != 0)
    {
      g_autofree char *role = vk_text_escape_controls (en.role);
      fail (error, VK_ERROR_KEY, file, "signed by a device enrolled as %s, not a count server", role);
      return NULL;
    }
  r->device_id = vk_text_escape_controls (en.device);

  /* The result: signed by the enrolled server key. */
  vk_key_id_from_public_key (en.key, kid);
  if (memcmp (kid, result_cose->key_id, VK_KEY_ID_BYTES) != 0)
    {
      fail (error, VK_ERROR_KEY, file, "the result is not signed by the enrolled server key of %s", r->device_id);
      return NULL;
    }
  if (!vk_cose_sign1_verify (result_cose, en.key, &local))
    {
      fail (error, VK_ERROR_SIGNATURE, file, "the result's signature does not verify (altered?): %s", local->message);
      return NULL;
    }
  p = g_bytes_get_data (result_cose->payload, &plen);
  payload = vk_cbor_decode (p, plen, &local);
  if (payload == NULL || vk_cbor_get_type (payload) != VK_CBOR_MAP)
    {
      fail (error, VK_ERROR_INVALID, file, "the result is not a CBOR map: %s",
            local != NULL ? local->message : "another type");
      return NULL;
    }
  format = dup_text (payload, "format", file, "", error);
  if (format == NULL)
    return NULL;
  if (strcmp (format, expected_format) != 0)
    {
      g_autofree char *f = vk_text_escape_controls (format);
      fail (error, VK_ERROR_INVALID, file, "format \"%s\", expected \"%s\"", f, expected_format);
      return NULL;
    }
  {
    gsize elen = 0;
    const guint8 *eid = vk_cbor_map_get_bytes_field (payload, "election", &elen, &local);
    if (eid == NULL || elen != 32)
      {
        fail (error, VK_ERROR_INVALID, file, "election: %s", local != NULL ? local->message : "not 32 bytes");
        return NULL;
      }
    memcpy (r->election_id, eid, 32);
  }
  if (memcmp (r->election_id, en.election, 32) != 0)
    {
      fail (error, VK_ERROR_KEY, file, "the server %s is enrolled in another election than the result's", r->device_id);
      return NULL;
    }
  if (!vk_cbor_map_get_uint_field (payload, "time", &r->time_ms, &local))
    {
      fail (error, VK_ERROR_INVALID, file, "time: %s", local->message);
      return NULL;
    }
  if (r->time_ms < en.valid_from || r->time_ms > en.valid_to)
    {
      fail (error, VK_ERROR_KEY, file, "signed outside the server %s's enrolment period", r->device_id);
      return NULL;
    }
  r->contest_id = dup_text (payload, "contest", file, "", error);
  if (r->contest_id == NULL)
    return NULL;
  kind = dup_text (payload, "kind", file, "", error);
  if (kind == NULL)
    return NULL;
  r->date = dup_text (payload, "date", file, "", error);
  if (r->date == NULL || !read_place (payload, r, file, error))
    return NULL;
  if (!vk_result_kind_from_string (kind, &r->kind))
    {
      g_autofree char *k = vk_text_escape_controls (kind);
      fail (error, VK_ERROR_INVALID, file, "kind \"%s\" is neither foreloebig nor fintaelling", k);
      return NULL;
    }
  /* The election key is the municipality's own. */
  if (strcmp (trusted->municipality_code, r->municipality_code) != 0)
    {
      g_autofree char *c = vk_text_escape_controls (r->municipality_code);
      fail (error, VK_ERROR_KEY, file, "the result says municipality %s but is enrolled by the election key of %s", c,
            trusted->municipality_code);
      return NULL;
    }
  if (expected_contest != NULL && strcmp (r->contest_id, expected_contest) != 0)
    {
      g_autofree char *c = vk_text_escape_controls (r->contest_id);
      fail (error, VK_ERROR_INVALID, file, "a result of the %s contest, expected %s", c, expected_contest);
      return NULL;
    }
  *ret_payload = g_steal_pointer (&payload);
  return g_steal_pointer (&r);
}

VkContestResult *
vk_contest_result_read (const char *path, GPtrArray *trusted_keys, const char *expected_contest,
                        const VkElection *region, GError **error)
{
  g_autoptr (VkCbor) payload = NULL;
  g_autoptr (VkContestResult) r = NULL;
  g_autofree char *file = NULL;

  g_return_val_if_fail (path != NULL && trusted_keys != NULL && region != NULL, NULL);

  r = open_envelope (path, trusted_keys, VK_CONTEST_RESULT_FORMAT, expected_contest, &payload, error);
  if (r == NULL)
    return NULL;
  file = vk_text_escape_controls (path);
  if (region->region_dagi_id != NULL && *region->region_dagi_id != '\0'
      && strcmp (region->region_dagi_id, r->region_dagi_id) != 0)
    {
      g_autofree char *n = vk_text_escape_controls (r->region);
      g_autofree char *d = vk_text_escape_controls (r->region_dagi_id);
      fail (error, VK_ERROR_INVALID, file, "a result for %s (RegionDagiId %s), not for %s (%s)", n, d, region->region,
            region->region_dagi_id);
      return NULL;
    }
  if (!read_areas (payload, r, region, file, error))
    return NULL;
  return g_steal_pointer (&r);
}

/* ---- signed valg.dk area files ------------------------------------------ */

VkValgdkFile *
vk_valgdk_file_new (const char *name, const char *json)
{
  VkValgdkFile *f = g_new0 (VkValgdkFile, 1);

  f->name = g_strdup (name);
  f->json = g_strdup (json);
  return f;
}

void
vk_valgdk_file_free (VkValgdkFile *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->json);
  g_free (self);
}

/* A string member, or "" (any other type too: the input is untrusted). */
static const char *
string_member (JsonObject *o, const char *member)
{
  JsonNode *n = json_object_get_member (o, member);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return "";
  return json_node_get_string (n);
}

/* One file against the header: a plain name, a JSON object of this
 * contest, municipality and kind. */
static gboolean
check_valgdk_file (const char *name, const char *json, const char *valgart, const char *kommunekode, VkResultKind kind,
                   GHashTable *seen, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *n = vk_text_escape_controls (name);
  g_autoptr (GError) local = NULL;
  JsonNode *root;
  JsonObject *o;
  const char *want = kind == VK_RESULT_FINTAELLING ? "Fintælling" : "ForeløbigOptælling";
  g_autofree char *code = NULL;

  if (*name == '\0' || *name == '.' || strchr (name, '/') != NULL || strchr (name, '\\') != NULL
      || !g_str_has_suffix (name, ".json") || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "files: \"%s\" is not a plain *.json file name", n);
      return FALSE;
    }
  if (g_hash_table_contains (seen, name))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "files: %s is given twice", n);
      return FALSE;
    }
  g_hash_table_add (seen, (gpointer)name);
  if (!json_parser_load_from_data (parser, json, -1, &local) || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "files: %s is not a JSON object%s%s", n, local ? ": " : "",
                   local ? local->message : "");
      return FALSE;
    }
  o = json_node_get_object (root);
  if (g_strcmp0 (string_member (o, "Valgart"), valgart) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "files: %s: Valgart is not \"%s\"", n, valgart);
      return FALSE;
    }
  if (g_strcmp0 (string_member (o, "Resultatart"), want) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "files: %s: Resultatart is not \"%s\"", n, want);
      return FALSE;
    }
  if (json_object_has_member (o, "Kommunekode") && JSON_NODE_HOLDS_VALUE (json_object_get_member (o, "Kommunekode"))
      && json_node_get_value_type (json_object_get_member (o, "Kommunekode")) == G_TYPE_INT64)
    code = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "Kommunekode"));
  if (code == NULL || g_strcmp0 (code, kommunekode) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "files: %s: Kommunekode is not the result's municipality (%s)", n,
                   kommunekode);
      return FALSE;
    }
  return TRUE;
}

static const char *
valgart_of (const char *contest_id)
{
  VkElectionType type;

  return vk_election_type_from_string (contest_id, &type) ? vk_election_type_name_da (type) : "";
}

GBytes *
vk_valgdk_result_encode (const VkElection *contest, const guint8 election_id[32], VkResultKind kind, GPtrArray *files,
                         const VkKeypair *server_key, GBytes *enrolment, guint64 time_ms, GError **error)
{
  g_autoptr (VkCbor) payload = vk_cbor_new_map ();
  g_autoptr (VkCbor) array = vk_cbor_new_array ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *code = NULL;

  g_return_val_if_fail (contest != NULL && election_id != NULL && files != NULL, NULL);
  g_return_val_if_fail (server_key != NULL && enrolment != NULL, NULL);

  if (contest->type != VK_ELECTION_FV && contest->type != VK_ELECTION_FA && contest->type != VK_ELECTION_EP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "a %s contest is signed as %s, not as valg.dk files",
                   vk_election_contest_id (contest), VK_CONTEST_RESULT_FORMAT);
      return NULL;
    }
  if (files->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "no files to sign");
      return NULL;
    }
  if (!fill_header (payload, VK_VALGDK_RESULT_FORMAT, contest, election_id, kind, server_key, enrolment, time_ms,
                    error))
    return NULL;
  /* "0400" and "400" are one municipality. */
  code = g_strdup_printf ("%" G_GUINT64_FORMAT, g_ascii_strtoull (contest->municipality_code, NULL, 10));
  for (guint i = 0; i < files->len; i++)
    {
      const VkValgdkFile *f = g_ptr_array_index (files, i);
      VkCbor *item;

      if (!check_valgdk_file (f->name, f->json, vk_election_type_name_da (contest->type), code, kind, seen, error))
        return NULL;
      item = vk_cbor_new_map ();
      vk_cbor_map_set_text (item, "name", f->name);
      vk_cbor_map_set_text (item, "json", f->json);
      vk_cbor_array_append (array, item);
    }
  vk_cbor_map_insert_text (payload, "files", g_steal_pointer (&array));
  return sign_envelope (payload, server_key, enrolment, error);
}

gboolean
vk_valgdk_result_write (const char *path, const VkElection *contest, const guint8 election_id[32], VkResultKind kind,
                        GPtrArray *files, const VkKeypair *server_key, GBytes *enrolment, GError **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local = NULL;
  const char *data;
  gsize len;

  g_return_val_if_fail (path != NULL, FALSE);
  bytes = vk_valgdk_result_encode (contest, election_id, kind, files, server_key, enrolment, 0, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &len);
  if (!g_file_set_contents_full (path, data, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local))
    {
      g_autofree char *file = vk_text_escape_controls (path);
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot write: %s", file, local->message);
      return FALSE;
    }
  return TRUE;
}

VkContestResult *
vk_valgdk_result_read (const char *path, GPtrArray *trusted_keys, const char *expected_contest, GError **error)
{
  g_autoptr (VkCbor) payload = NULL;
  g_autoptr (VkContestResult) r = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *file = NULL, *code = NULL;
  VkCbor *files;

  g_return_val_if_fail (path != NULL && trusted_keys != NULL, NULL);

  r = open_envelope (path, trusted_keys, VK_VALGDK_RESULT_FORMAT, expected_contest, &payload, error);
  if (r == NULL)
    return NULL;
  file = vk_text_escape_controls (path);
  files = vk_cbor_map_lookup_text (payload, "files");
  if (files == NULL || vk_cbor_get_type (files) != VK_CBOR_ARRAY || vk_cbor_array_get_length (files) == 0)
    {
      fail (error, VK_ERROR_INVALID, file, "the result has no files");
      return NULL;
    }
  if (*valgart_of (r->contest_id) == '\0')
    {
      g_autofree char *c = vk_text_escape_controls (r->contest_id);
      fail (error, VK_ERROR_INVALID, file, "contest \"%s\" is not a contest", c);
      return NULL;
    }
  code = g_strdup_printf ("%" G_GUINT64_FORMAT, g_ascii_strtoull (r->municipality_code, NULL, 10));
  r->files = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_valgdk_file_free);
  for (gsize i = 0; i < vk_cbor_array_get_length (files); i++)
    {
      VkCbor *item = vk_cbor_array_get (files, i);
      g_autoptr (GError) local = NULL;
      const char *name, *json;
      VkValgdkFile *f;

      if (vk_cbor_get_type (item) != VK_CBOR_MAP || (name = vk_cbor_map_get_text_field (item, "name", &local)) == NULL
          || (json = vk_cbor_map_get_text_field (item, "json", &local)) == NULL)
        {
          fail (error, VK_ERROR_INVALID, file, "files[%" G_GSIZE_FORMAT "]: %s", i,
                local != NULL ? local->message : "not a map");
          return NULL;
        }
      f = vk_valgdk_file_new (name, json);
      g_ptr_array_add (r->files, f);
      if (!check_valgdk_file (f->name, f->json, valgart_of (r->contest_id), code, r->kind, seen, &local))
        {
          fail (error, VK_ERROR_INVALID, file, "%s", local->message);
          return NULL;
        }
    }
  return g_steal_pointer (&r);
}

/* ---- the regional tally ------------------------------------------------ */

void
vk_region_tally_free (VkRegionTally *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->seats, vk_seat_allocation_free);
  g_clear_pointer (&self->total, vk_area_result_free);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_free (self);
}

static gint
result_code_cmp (gconstpointer a, gconstpointer b)
{
  const VkContestResult *x = *(VkContestResult *const *)a;
  const VkContestResult *y = *(VkContestResult *const *)b;
  guint64 cx = g_ascii_strtoull (x->municipality_code, NULL, 10);
  guint64 cy = g_ascii_strtoull (y->municipality_code, NULL, 10);

  return cx < cy ? -1 : cx > cy;
}

VkRegionTally *
vk_region_tally (const VkElection *region, guint n_seats, GPtrArray *trusted_keys, const char *const *paths,
                 guint n_paths, const VkLots *lots, VkTie **ret_tie, GError **error)
{
  g_autoptr (VkRegionTally) t = g_new0 (VkRegionTally, 1);
  g_autoptr (GHashTable) files_by_code = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) areas_by_dagi = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_check_failure_free);
  g_autoptr (VkCbor) id_input = vk_cbor_new_array ();
  g_autoptr (VkCbor) files = vk_cbor_new_array ();
  g_autoptr (GBytes) id_bytes = NULL;

  g_return_val_if_fail (region != NULL && trusted_keys != NULL && (paths != NULL || n_paths == 0), NULL);

  if (n_paths == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "no municipality result given");
      return NULL;
    }
  t->region = region;
  t->results = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_contest_result_free);
  for (guint i = 0; i < n_paths; i++)
    {
      g_autofree char *file = vk_text_escape_controls (paths[i]);
      VkContestResult *r = vk_contest_result_read (paths[i], trusted_keys, "RV", region, error);
      const char *other;

      if (r == NULL)
        return NULL;
      g_ptr_array_add (t->results, r);
      other = g_hash_table_lookup (files_by_code, r->municipality_code);
      if (other != NULL)
        {
          g_autofree char *o = vk_text_escape_controls (other);
          fail (error, VK_ERROR_INVALID, file, "municipality %s (%s) is already given by %s", r->municipality_code,
                r->municipality, o);
          return NULL;
        }
      g_hash_table_insert (files_by_code, r->municipality_code, (gpointer)paths[i]);
      if (region->date != NULL && *region->date != '\0' && *r->date != '\0' && strcmp (region->date, r->date) != 0)
        {
          g_autofree char *d = vk_text_escape_controls (r->date);
          fail (error, VK_ERROR_INVALID, file, "a result of the election of %s, not of %s", d, region->date);
          return NULL;
        }
      if (r->kind != ((VkContestResult *)g_ptr_array_index (t->results, 0))->kind)
        {
          fail (error, VK_ERROR_INVALID, file, "a %s result among %s results", vk_result_kind_to_string (r->kind),
                vk_result_kind_to_string (((VkContestResult *)g_ptr_array_index (t->results, 0))->kind));
          return NULL;
        }
      for (guint k = 0; k < r->areas->len; k++)
        {
          VkAreaResult *a = g_ptr_array_index (r->areas, k);
          guint before = failures->len;

          if (*a->dagi_id != '\0')
            {
              const char *seen = g_hash_table_lookup (areas_by_dagi, a->dagi_id);
              if (seen != NULL)
                {
                  g_autofree char *s = vk_text_escape_controls (seen);
                  fail (error, VK_ERROR_INVALID, file, "area %u (DAGI id %s) is already given by %s", a->area_number,
                        a->dagi_id, s);
                  return NULL;
                }
              g_hash_table_insert (areas_by_dagi, a->dagi_id, g_strdup (paths[i]));
            }
          if (vk_area_result_check (a, failures) > before)
            {
              const VkCheckFailure *f = g_ptr_array_index (failures, before);
              fail (error, VK_ERROR_INVALID, file, "municipality %s: the count does not add up: %s",
                    r->municipality_code, f->message);
              return NULL;
            }
          g_ptr_array_add (all, a);
        }
    }
  g_ptr_array_sort (t->results, result_code_cmp);

  /* The tally id: what the region's sheet is computed from. */
  vk_cbor_array_append (id_input, vk_cbor_new_text ("valgkit-region-tally-v1", -1));
  vk_cbor_array_append (id_input, vk_cbor_new_text (or_empty (region->region_dagi_id), -1));
  for (guint i = 0; i < t->results->len; i++)
    {
      const VkContestResult *r = g_ptr_array_index (t->results, i);
      VkCbor *f = vk_cbor_new_array ();
      vk_cbor_array_append (f, vk_cbor_new_text (r->municipality_code, -1));
      vk_cbor_array_append (f, vk_cbor_new_bytes (r->election_id, 32));
      vk_cbor_array_append (f, vk_cbor_new_bytes (r->file_digest, 32));
      vk_cbor_array_append (files, f);
    }
  vk_cbor_array_append (id_input, g_steal_pointer (&files));
  id_bytes = vk_cbor_encode (id_input);
  vk_sha256 (g_bytes_get_data (id_bytes, NULL), g_bytes_get_size (id_bytes), t->tally_id);

  t->total = vk_results_sum (all, or_empty (region->region));
  t->seats = vk_seats_allocate (region, n_seats, t->total, lots, ret_tie, error);
  if (t->seats == NULL)
    return NULL;
  return g_steal_pointer (&t);
}

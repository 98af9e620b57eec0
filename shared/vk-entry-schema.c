/* vk-entry-schema.c: what each role may write.
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-counts.h"
#include "vk-entry-schema.h"
#include "vk-error.h"

/* ---- single-entry checks ----------------------------------------------- */

static gboolean
is_one_of (const char *s, const char *const *set)
{
  for (gsize i = 0; set[i] != NULL; i++)
    if (strcmp (s, set[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
field_uint (const VkCbor *body, const char *key, guint64 *ret, GError **error)
{
  return vk_cbor_map_get_uint_field (body, key, ret, error);
}

static gboolean
field_text (const VkCbor *body, const char *key, GError **error)
{
  return vk_cbor_map_get_text_field (body, key, error) != NULL;
}

static gboolean
field_bool (const VkCbor *body, const char *key, gboolean optional, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);
  gboolean b;

  if (v == NULL && optional)
    return TRUE;
  if (v == NULL || !vk_cbor_get_bool (v, &b))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"%s\" is missing or not a boolean", key);
      return FALSE;
    }
  return TRUE;
}

static gboolean
field_text_array (const VkCbor *body, const char *key, guint min, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);

  if (v == NULL || vk_cbor_get_type (v) != VK_CBOR_ARRAY)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"%s\" is missing or not an array", key);
      return FALSE;
    }
  for (gsize i = 0; i < vk_cbor_array_get_length (v); i++)
    if (vk_cbor_get_type (vk_cbor_array_get (v, i)) != VK_CBOR_TEXT)
      {
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"%s\" item %" G_GSIZE_FORMAT " is not a text string",
                     key, i);
        return FALSE;
      }
  if (vk_cbor_array_get_length (v) < min)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"%s\" needs at least %u names", key, min);
      return FALSE;
    }
  return TRUE;
}

static gboolean
field_map (const VkCbor *body, const char *key, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);

  if (v == NULL || vk_cbor_get_type (v) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"%s\" is missing or not a map", key);
      return FALSE;
    }
  return TRUE;
}

static gboolean
field_kind (const VkCbor *body, VkResultKind *ret_kind, GError **error)
{
  const char *kind = vk_cbor_map_get_text_field (body, "kind", error);

  if (kind == NULL)
    return FALSE;
  if (strcmp (kind, "foreloebig") == 0)
    *ret_kind = VK_RESULT_FORELOEBIG;
  else if (strcmp (kind, "fintaelling") == 0)
    *ret_kind = VK_RESULT_FINTAELLING;
  else
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"kind\" is \"%s\", not foreloebig or fintaelling", kind);
      return FALSE;
    }
  return TRUE;
}

/* The roles that may write each type, as bit sets of VkDeviceRole. */
#define ROLE_BIT(r) (1u << (r))
static const guint roles_valgbord = ROLE_BIT (VK_ROLE_VALGBORD);
static const guint roles_brev = ROLE_BIT (VK_ROLE_BREVSTEMMESTED) | ROLE_BIT (VK_ROLE_HJEMMEBESOEG);
static const guint roles_decision = ROLE_BIT (VK_ROLE_VALGBORD) | ROLE_BIT (VK_ROLE_OPTAELLING);
static const guint roles_foreloebig = ROLE_BIT (VK_ROLE_VALGBORD) | ROLE_BIT (VK_ROLE_OPTAELLING);
static const guint roles_fintaelling = ROLE_BIT (VK_ROLE_FINTAELLING) | ROLE_BIT (VK_ROLE_OPTAELLING);
static const guint roles_server = ROLE_BIT (VK_ROLE_SERVER);

static gboolean
check_role (const VkDevice *device, const VkEntry *entry, guint roles, GError **error)
{
  if (device->role_id == VK_ROLE_INVALID || (roles & ROLE_BIT (device->role_id)) == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "device %s (role %s) may not write a \"%s\" entry", device->device_id,
                   device->role, entry->type);
      return FALSE;
    }
  return TRUE;
}

/* A device enrolled for one area may only write about that area. */
static gboolean
check_area (const VkDevice *device, const VkElection *election, const VkEntry *entry, guint64 area, GError **error)
{
  if (device->area != VK_PACKAGE_NO_AREA && area != device->area && !vk_device_role_takes_brevstemmer (device->role_id))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY,
                   "device %s is enrolled for area %u but its \"%s\" entry is for area %" G_GUINT64_FORMAT,
                   device->device_id, device->area, entry->type, area);
      return FALSE;
    }
  if (election != NULL && (area > G_MAXUINT || vk_election_lookup_area (election, (guint)area) == NULL))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY,
                   "\"%s\" entry names area %" G_GUINT64_FORMAT ", which is not an area of this election", entry->type,
                   area);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_entry_body (const VkDevice *device, const VkElection *election, const VkEntry *entry, GError **error)
{
  const VkCbor *b = entry->body;
  const char *t = entry->type;
  guint64 area = 0, u;
  VkResultKind kind;

  if (strcmp (t, "device.open") == 0)
    {
      VkCbor *a = vk_cbor_map_lookup_text (b, "area");
      const char *role = vk_cbor_map_get_text_field (b, "role", error);

      if (role == NULL || !field_text (b, "software", error))
        return FALSE;
      if (a == NULL || (!vk_cbor_is_null (a) && vk_cbor_get_type (a) != VK_CBOR_UINT))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"area\" is missing or not a number or null");
          return FALSE;
        }
      if (device->role_id == VK_ROLE_INVALID || vk_device_role_from_string (role) != device->role_id)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_KEY, "device %s is enrolled as %s but opened as %s", device->device_id,
                       device->role, role);
          return FALSE;
        }
      if (vk_cbor_is_null (a) ? device->area != VK_PACKAGE_NO_AREA : vk_cbor_get_uint (a) != device->area)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_KEY, "device %s opened for another area than its enrolment",
                       device->device_id);
          return FALSE;
        }
      return TRUE;
    }
  if (strcmp (t, "checkin") == 0)
    {
      const char *method;
      static const char *const methods[] = { "scan", "search", NULL };

      if (!field_uint (b, "area", &area, error) || !field_uint (b, "loebenummer", &u, error)
          || !field_bool (b, "assisted", TRUE, error))
        return FALSE;
      method = vk_cbor_map_get_text_field (b, "method", error);
      if (method == NULL)
        return FALSE;
      if (!is_one_of (method, methods))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"method\" is \"%s\", not scan or search", method);
          return FALSE;
        }
      return check_role (device, entry, roles_valgbord, error) && check_area (device, election, entry, area, error);
    }
  if (strcmp (t, "checkin.undo") == 0)
    {
      if (!field_text (b, "device", error) || !field_uint (b, "seq", &u, error) || !field_uint (b, "area", &area, error)
          || !field_uint (b, "loebenummer", &u, error) || !field_text (b, "reason", error))
        return FALSE;
      return check_role (device, entry, roles_valgbord, error) && check_area (device, election, entry, area, error);
    }
  if (strcmp (t, "brevstemme.received") == 0)
    {
      VkCbor *cpr = vk_cbor_map_lookup_text (b, "cpr_hash");
      gsize n = 0;

      if (!field_text (b, "envelope", error) || !field_uint (b, "area", &area, error)
          || !field_uint (b, "loebenummer", &u, error) || !field_text (b, "place", error)
          || !field_text_array (b, "receivers", 1, error) || !field_uint (b, "cast_ms", &u, error))
        return FALSE;
      if (cpr != NULL && (vk_cbor_get_type (cpr) != VK_CBOR_BYTES || (vk_cbor_get_bytes (cpr, &n), n != 32)))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"cpr_hash\" is not a 32-byte string");
          return FALSE;
        }
      return check_role (device, entry, roles_brev, error) && check_area (device, election, entry, area, error);
    }
  if (strcmp (t, "brevstemme.decision") == 0)
    {
      VkCbor *acc = vk_cbor_map_lookup_text (b, "accepted");
      gboolean accepted = FALSE;

      if (!field_text (b, "envelope", error) || !field_uint (b, "area", &area, error)
          || !field_uint (b, "loebenummer", &u, error) || !field_bool (b, "accepted", FALSE, error)
          || !field_text_array (b, "valgstyrere", 1, error))
        return FALSE;
      (void)vk_cbor_get_bool (acc, &accepted);
      if (!accepted && !field_uint (b, "reason", &u, error))
        return FALSE;
      return check_role (device, entry, roles_decision, error) && check_area (device, election, entry, area, error);
    }
  if (strcmp (t, "poll.close") == 0)
    {
      if (!field_uint (b, "area", &area, error))
        return FALSE;
      return check_role (device, entry, roles_valgbord, error) && check_area (device, election, entry, area, error);
    }
  if (strcmp (t, "tally") == 0 || strcmp (t, "tally.signoff") == 0)
    {
      gboolean signoff = strcmp (t, "tally.signoff") == 0;
      VkCbor *expl = vk_cbor_map_lookup_text (b, "explanation");

      if (!field_kind (b, &kind, error) || !field_uint (b, "area", &area, error) || !field_map (b, "counts", error))
        return FALSE;
      if (!signoff && (!field_uint (b, "round", &u, error) || !field_text (b, "by", error)))
        return FALSE;
      if (signoff && !field_text_array (b, "signers", 0, error))
        return FALSE;
      if (signoff && expl != NULL && vk_cbor_get_type (expl) != VK_CBOR_TEXT)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"explanation\" is not a text string");
          return FALSE;
        }
      if (election != NULL)
        {
          g_autoptr (VkAreaResult) r = vk_rules_counts_to_result (election, kind, (guint)MIN (area, G_MAXUINT),
                                                                  vk_cbor_map_lookup_text (b, "counts"), error);
          if (r == NULL)
            return FALSE;
        }
      return check_role (device, entry, kind == VK_RESULT_FORELOEBIG ? roles_foreloebig : roles_fintaelling, error)
             && check_area (device, election, entry, area, error);
    }
  if (strcmp (t, "ballot.doubtful") == 0 || strcmp (t, "ballot.decision") == 0)
    {
      gboolean doubtful = strcmp (t, "ballot.doubtful") == 0;

      if (!field_uint (b, "area", &area, error) || !field_uint (b, "count", &u, error))
        return FALSE;
      if (doubtful && !field_text (b, "note", error))
        return FALSE;
      if (!doubtful && (!field_uint (b, "ref", &u, error) || !field_map (b, "decision", error)))
        return FALSE;
      return check_role (device, entry, roles_fintaelling, error) && check_area (device, election, entry, area, error);
    }
  if (strcmp (t, "receipt") == 0)
    {
      if (!field_text (b, "device", error) || !field_uint (b, "seq", &u, error)
          || vk_cbor_map_get_bytes_field (b, "head", NULL, error) == NULL)
        return FALSE;
      return check_role (device, entry, roles_server, error);
    }
  if (strcmp (t, "result.published") == 0)
    {
      if (!field_kind (b, &kind, error) || vk_cbor_map_get_bytes_field (b, "digest", NULL, error) == NULL)
        return FALSE;
      return check_role (device, entry, roles_server, error);
    }
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "unknown entry type \"%s\"", t);
  return FALSE;
}

gboolean
vk_rules_check_entry (const VkDevice *device, const VkElection *election, const VkEntry *entry, GError **error)
{
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (device != NULL, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  if (!check_entry_body (device, election, entry, &local))
    {
      g_set_error (error, VK_ERROR, local->code, "entry %" G_GUINT64_FORMAT " (%s): %s", entry->seq, entry->type,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- counts → results --------------------------------------------------- */

/* The counts map is read by the one reader the station's tally service
 * uses too (shared/vk-counts.c), so both sides agree on what it says. */
VkAreaResult *
vk_rules_counts_to_result (const VkElection *election, VkResultKind kind, guint area, const VkCbor *counts,
                           GError **error)
{
  VkAreaResult *r;
  VkArea *a;

  g_return_val_if_fail (election != NULL, NULL);

  if (counts == NULL || vk_cbor_get_type (counts) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts is not a map");
      return NULL;
    }
  a = vk_election_lookup_area (election, area);
  r = vk_counts_from_cbor (counts, election, kind, area, a != NULL ? a->name : "", NULL, error);
  if (r != NULL && a != NULL)
    {
      g_free (r->dagi_id);
      r->dagi_id = g_strdup (a->dagi_id);
      r->eligible = a->eligible;
    }
  return r;
}

/* vk-entry-schema.c: what each role may write.
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-counts.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-text.h"

G_DEFINE_QUARK (vk - entry - error - quark, vk_entry_error)

/* ---- field readers -------------------------------------------------------
 * Each names the field it refuses (VK_ENTRY_ERROR_FIELD); the entry is
 * named by vk_entry_schema_check(). */

static gboolean
is_one_of (const char *s, const char *const *set)
{
  for (gsize i = 0; set[i] != NULL; i++)
    if (strcmp (s, set[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
field_fail (GError **error, const char *key, const char *what)
{
  g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD, "field \"%s\" %s", key, what);
  return FALSE;
}

static gboolean
field_uint (const VkCbor *body, const char *key, guint64 *ret, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);

  if (v == NULL || vk_cbor_get_type (v) != VK_CBOR_UINT)
    return field_fail (error, key, "is missing or not an unsigned integer");
  *ret = vk_cbor_get_uint (v);
  return TRUE;
}

/* An area or løbenummer: a uint that fits 32 bits. */
static gboolean
field_uint32 (const VkCbor *body, const char *key, guint64 *ret, GError **error)
{
  if (!field_uint (body, key, ret, error))
    return FALSE;
  if (*ret > G_MAXUINT32)
    return field_fail (error, key, "is out of range");
  return TRUE;
}

static const char *
field_text_value (const VkCbor *body, const char *key, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);

  if (v == NULL || vk_cbor_get_type (v) != VK_CBOR_TEXT)
    {
      field_fail (error, key, "is missing or not a text string");
      return NULL;
    }
  return vk_cbor_get_text (v, NULL);
}

static gboolean
field_text (const VkCbor *body, const char *key, GError **error)
{
  return field_text_value (body, key, error) != NULL;
}

static gboolean
field_bytes (const VkCbor *body, const char *key, gsize len, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);
  gsize n = 0;

  if (v == NULL || vk_cbor_get_type (v) != VK_CBOR_BYTES || (vk_cbor_get_bytes (v, &n), n != len))
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD,
                   "field \"%s\" is missing or not a %" G_GSIZE_FORMAT "-byte string", key, len);
      return FALSE;
    }
  return TRUE;
}

static gboolean
field_bool (const VkCbor *body, const char *key, gboolean optional, gboolean *ret, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);

  *ret = FALSE;
  if (v == NULL && optional)
    return TRUE;
  if (v == NULL || !vk_cbor_get_bool (v, ret))
    return field_fail (error, key, "is missing or not a boolean");
  return TRUE;
}

static gboolean
field_text_array (const VkCbor *body, const char *key, guint min, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);

  if (v == NULL || vk_cbor_get_type (v) != VK_CBOR_ARRAY)
    return field_fail (error, key, "is missing or not an array");
  for (gsize i = 0; i < vk_cbor_array_get_length (v); i++)
    if (vk_cbor_get_type (vk_cbor_array_get (v, i)) != VK_CBOR_TEXT)
      {
        g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD,
                     "field \"%s\" item %" G_GSIZE_FORMAT " is not a text string", key, i);
        return FALSE;
      }
  if (vk_cbor_array_get_length (v) < min)
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD, "field \"%s\" needs at least %u names", key, min);
      return FALSE;
    }
  return TRUE;
}

static gboolean
field_map (const VkCbor *body, const char *key, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (body, key);

  if (v == NULL || vk_cbor_get_type (v) != VK_CBOR_MAP)
    return field_fail (error, key, "is missing or not a map");
  return TRUE;
}

static gboolean
field_kind (const VkCbor *body, VkResultKind *ret_kind, GError **error)
{
  const char *kind = field_text_value (body, "kind", error);

  if (kind == NULL)
    return FALSE;
  if (!vk_result_kind_from_string (kind, ret_kind))
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD,
                   "field \"kind\" is \"%s\", not foreloebig or fintaelling", kind);
      return FALSE;
    }
  return TRUE;
}

/* Rewrites an error of the shared readers (vk-counts.c) into this domain:
 * a list or candidate the election lacks (VK_ERROR_NOT_FOUND) is
 * VK_ENTRY_ERROR_UNKNOWN_ID, anything else a bad field. */
static void
to_entry_error (GError *local, GError **error)
{
  g_set_error_literal (error, VK_ENTRY_ERROR,
                       g_error_matches (local, VK_ERROR, VK_ERROR_NOT_FOUND) ? VK_ENTRY_ERROR_UNKNOWN_ID
                                                                             : VK_ENTRY_ERROR_FIELD,
                       local->message);
}

static const char *const places[] = { "borgerservice", "hjem", "plejehjem", "hospital", "faengsel", "andet", NULL };

gboolean
vk_brevstemme_place_is_valid (const char *place)
{
  return place != NULL && is_one_of (place, places);
}

/* ---- who may write what --------------------------------------------------- */

/* The roles that may write each type, as bit sets of VkDeviceRole. */
#define ROLE_BIT(r) (1u << (r))
static const guint roles_valgbord = ROLE_BIT (VK_ROLE_VALGBORD);
static const guint roles_brev = ROLE_BIT (VK_ROLE_BREVSTEMMESTED) | ROLE_BIT (VK_ROLE_HJEMMEBESOEG);
static const guint roles_decision = ROLE_BIT (VK_ROLE_VALGBORD) | ROLE_BIT (VK_ROLE_OPTAELLING);
static const guint roles_foreloebig = ROLE_BIT (VK_ROLE_VALGBORD) | ROLE_BIT (VK_ROLE_OPTAELLING);
static const guint roles_fintaelling = ROLE_BIT (VK_ROLE_FINTAELLING) | ROLE_BIT (VK_ROLE_OPTAELLING);
static const guint roles_server = ROLE_BIT (VK_ROLE_SERVER);
static const guint roles_sekretariat = ROLE_BIT (VK_ROLE_VALGSEKRETARIAT);

static gboolean
check_role (const VkDevice *device, const VkEntry *entry, guint roles, GError **error)
{
  if (device->role_id == VK_ROLE_INVALID || (roles & ROLE_BIT (device->role_id)) == 0)
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE, "device %s (role %s) may not write a \"%s\" entry",
                   device->device_id, device->role, entry->type);
      return FALSE;
    }
  return TRUE;
}

/* A device enrolled for one area may only write about that area
 * (brevstemme teams take brevstemmer for every area), and the area must
 * be one of the election's. */
static gboolean
check_area (const VkDevice *device, const VkElection *election, const VkEntry *entry, guint64 area, GError **error)
{
  if (device->area != VK_PACKAGE_NO_AREA && area != device->area && !vk_device_role_takes_brevstemmer (device->role_id))
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_AREA,
                   "device %s is enrolled for area %u but its \"%s\" entry is for area %" G_GUINT64_FORMAT,
                   device->device_id, device->area, entry->type, area);
      return FALSE;
    }
  if (election != NULL && (area > G_MAXUINT || vk_election_lookup_area (election, (guint)area) == NULL))
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_AREA,
                   "\"%s\" entry names area %" G_GUINT64_FORMAT ", which is not an area of this election", entry->type,
                   area);
      return FALSE;
    }
  return TRUE;
}

/* ---- the schema, type by type (docs/journal-format.md, J6) ------------------ */

static gboolean
check_device_open (const VkDevice *device, const VkCbor *b, GError **error)
{
  VkCbor *a = vk_cbor_map_lookup_text (b, "area");
  const char *role = field_text_value (b, "role", error);

  if (role == NULL || !field_text (b, "software", error))
    return FALSE;
  if (a == NULL || (!vk_cbor_is_null (a) && vk_cbor_get_type (a) != VK_CBOR_UINT))
    return field_fail (error, "area", "is missing or not a number or null");
  if (device->role_id == VK_ROLE_INVALID || vk_device_role_from_string (role) != device->role_id)
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE, "device %s is enrolled as %s but opened as %s",
                   device->device_id, device->role, role);
      return FALSE;
    }
  if (vk_cbor_is_null (a) ? device->area != VK_PACKAGE_NO_AREA : vk_cbor_get_uint (a) != device->area)
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_AREA, "device %s opened for another area than its enrolment",
                   device->device_id);
      return FALSE;
    }
  return TRUE;
}

/* Optional in `checkin` and `brevstemme.received`: the contests whose
 * ballots the voter receives (per-voter eligibility), when not every
 * contest's: a non-empty array of ids. */
static gboolean
check_contests (const VkCbor *b, GError **error)
{
  VkCbor *c = vk_cbor_map_lookup_text (b, "contests");

  if (c == NULL)
    return TRUE;
  if (vk_cbor_get_type (c) != VK_CBOR_ARRAY || vk_cbor_array_get_length (c) == 0)
    return field_fail (error, "contests", "is not a non-empty array of contest ids");
  for (gsize i = 0; i < vk_cbor_array_get_length (c); i++)
    if (vk_cbor_get_type (vk_cbor_array_get (c, i)) != VK_CBOR_TEXT)
      return field_fail (error, "contests", "is not a non-empty array of contest ids");
  return TRUE;
}

static gboolean
check_checkin (const VkCbor *b, guint64 *area, GError **error)
{
  static const char *const methods[] = { "scan", "search", NULL };
  const char *method;
  guint64 u;
  gboolean assisted;

  if (!field_uint32 (b, "area", area, error) || !field_uint32 (b, "loebenummer", &u, error)
      || !field_bool (b, "assisted", TRUE, &assisted, error))
    return FALSE;
  method = field_text_value (b, "method", error);
  if (method == NULL)
    return FALSE;
  if (!is_one_of (method, methods))
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD, "field \"method\" is \"%s\", not scan or search",
                   method);
      return FALSE;
    }
  return check_contests (b, error);
}

/* `checkin.paper` (issue 15): a løbenummer marked on a printed valgliste,
 * typed in afterwards (`valgkit paper-checkins`).  "source" says where
 * it was read from (the file and line, or the paper list); "table" (the
 * paper list's table) is optional. */
static gboolean
check_checkin_paper (const VkCbor *b, guint64 *area, GError **error)
{
  guint64 u;

  if (!field_uint32 (b, "area", area, error) || !field_uint32 (b, "loebenummer", &u, error)
      || !field_text (b, "source", error))
    return FALSE;
  if (u == 0)
    return field_fail (error, "loebenummer", "is 0");
  if (vk_cbor_map_lookup_text (b, "table") != NULL && !field_text (b, "table", error))
    return FALSE;
  return TRUE;
}

/* A text array whose items are names of set (the home-visit rules). */
static gboolean
field_names (const VkCbor *b, const char *key, const char *const *set, GError **error)
{
  VkCbor *v;

  if (!field_text_array (b, key, 0, error))
    return FALSE;
  v = vk_cbor_map_lookup_text (b, key);
  for (gsize i = 0; i < vk_cbor_array_get_length (v); i++)
    if (!is_one_of (vk_cbor_get_text (vk_cbor_array_get (v, i), NULL), set))
      return field_fail (error, key, "names a rule that is not one of docs/journal-format.md");
  return TRUE;
}

static gboolean
field_optional_text (const VkCbor *b, const char *key, GError **error)
{
  return vk_cbor_map_lookup_text (b, key) == NULL || field_text (b, key, error);
}

/* `homevisit.request` (issue 15): a request to vote at home or in an
 * institution, journaled by the valgsekretariat whether or not it is
 * refused: "refused" names the rules that refused it (empty when
 * accepted), "flags" what was flagged.  The area is not checked against
 * the election: a request for a voter not on any valgliste is journaled
 * as refused (not_on_list). */
static gboolean
check_homevisit_request (const VkCbor *b, GError **error)
{
  static const char *const channels[] = { "telefon", "brev", "digital", NULL };
  static const char *const hv_places[] = { "hjem", "plejehjem", NULL };
  static const char *const refused[] = { "late", "not_on_list", NULL };
  static const char *const flags[] = { "duplicate", "already_voted", NULL };
  const char *channel, *place;
  guint64 u, area;

  if (!field_uint32 (b, "area", &area, error) || !field_uint32 (b, "loebenummer", &u, error)
      || !field_uint (b, "requested_ms", &u, error) || !field_text (b, "source", error)
      || !field_names (b, "refused", refused, error) || !field_names (b, "flags", flags, error))
    return FALSE;
  if (vk_cbor_map_lookup_text (b, "duplicate_of") != NULL && !field_uint (b, "duplicate_of", &u, error))
    return FALSE;
  if ((channel = field_text_value (b, "channel", error)) == NULL
      || (place = field_text_value (b, "place", error)) == NULL)
    return FALSE;
  if (!is_one_of (channel, channels))
    return field_fail (error, "channel", "is not telefon, brev or digital");
  if (!is_one_of (place, hv_places))
    return field_fail (error, "place", "is not hjem or plejehjem");
  return TRUE;
}

/* `homevisit.visit` (issue 15): the visit planned for a request (entry
 * "request" of the same journal) and its outcome; the latest for a
 * request replaces the earlier. */
static gboolean
check_homevisit_visit (const VkCbor *b, guint64 *area, GError **error)
{
  static const char *const flags[] = { "bad_visit", NULL };
  VkCbor *r;
  guint64 u;

  if (!field_uint (b, "request", &u, error) || !field_uint32 (b, "area", area, error)
      || !field_uint32 (b, "loebenummer", &u, error) || !field_text_array (b, "receivers", 0, error)
      || !field_names (b, "flags", flags, error) || !field_optional_text (b, "date", error)
      || !field_optional_text (b, "time", error) || !field_optional_text (b, "device", error)
      || !field_optional_text (b, "outcome", error))
    return FALSE;
  r = vk_cbor_map_lookup_text (b, "receivers");
  if (vk_cbor_array_get_length (r) > 2)
    return field_fail (error, "receivers", "names more than two stemmemodtagere");
  return TRUE;
}

static gboolean
check_undo (const VkCbor *b, guint64 *area, GError **error)
{
  guint64 u;

  return field_text (b, "device", error) && field_uint (b, "seq", &u, error) && field_uint32 (b, "area", area, error)
         && field_uint32 (b, "loebenummer", &u, error) && field_text (b, "reason", error);
}

static gboolean
check_received (const VkCbor *b, guint64 *area, GError **error)
{
  guint64 u;

  if (!field_text (b, "envelope", error) || !field_uint32 (b, "area", area, error)
      || !field_uint32 (b, "loebenummer", &u, error) || !field_text (b, "place", error)
      || !field_text_array (b, "receivers", 1, error) || !field_uint (b, "cast_ms", &u, error))
    return FALSE;
  if (!vk_brevstemme_place_is_valid (field_text_value (b, "place", NULL)))
    return field_fail (error, "place",
                       "is not a place of J6 (borgerservice, hjem, plejehjem, hospital, faengsel, andet)");
  /* `cpr_hash` is no longer written (docs/valgkort.md, "CPR numbers"):
   * it could be reversed by anyone holding the package.  Journals written
   * before carry it under their signatures, so it is still accepted in
   * its old shape, and they stay verifiable. */
  if (vk_cbor_map_lookup_text (b, "cpr_hash") != NULL && !field_bytes (b, "cpr_hash", 32, error))
    return FALSE;
  return TRUE;
}

/* The optional fields of a guarded step (issue 13): "confirmed_by", the
 * valgstyrer who confirmed it, and the flags of what was confirmed. */
static gboolean
check_confirmed (const VkCbor *b, GError **error)
{
  static const char *const flags[] = { "wrong_date", "outside_window", "brevstemme_pending", NULL };
  gboolean any = FALSE;

  for (guint i = 0; flags[i] != NULL; i++)
    {
      gboolean v = FALSE;
      if (!field_bool (b, flags[i], TRUE, &v, error))
        return FALSE;
      any = any || (v && i < 2); /* the date flags name who confirmed */
    }
  if (vk_cbor_map_lookup_text (b, "confirmed_by") != NULL && !field_text (b, "confirmed_by", error))
    return FALSE;
  if (any && vk_cbor_map_lookup_text (b, "confirmed_by") == NULL)
    return field_fail (error, "confirmed_by", "is missing: a guarded step needs the valgstyrer who confirmed it");
  return TRUE;
}

static gboolean
check_cancel (const VkCbor *b, guint64 *area, GError **error)
{
  guint64 u;

  return field_text (b, "envelope", error) && field_uint32 (b, "area", area, error)
         && field_uint32 (b, "loebenummer", &u, error) && field_text (b, "reason", error);
}

static gboolean
check_decision (const VkCbor *b, guint64 *area, GError **error)
{
  gboolean accepted;
  guint64 u, reason;

  if (!field_text (b, "envelope", error) || !field_uint32 (b, "area", area, error)
      || !field_uint32 (b, "loebenummer", &u, error) || !field_bool (b, "accepted", FALSE, &accepted, error)
      || !field_text_array (b, "valgstyrere", 1, error))
    return FALSE;
  if (!accepted && !field_uint (b, "reason", &reason, error))
    return FALSE;
  if (!accepted && reason > VK_BREVSTEMME_REASON_MAX)
    return field_fail (error, "reason", "is not a reason code (1–7)");
  return TRUE;
}

/* The optional "contest" field of the count entries: the id of one of
 * the event's contests ("KV", "RV"); absent means the primary.  Sets
 * *ret_contest to that contest (NULL without an election). */
static gboolean
field_contest (const VkElection *election, const VkCbor *b, const VkElection **ret_contest, GError **error)
{
  VkCbor *c = vk_cbor_map_lookup_text (b, "contest");
  const char *id;
  gsize len = 0;

  *ret_contest = election != NULL ? vk_election_get_contest (election, NULL) : NULL;
  if (c == NULL)
    return TRUE;
  id = vk_cbor_get_text (c, &len);
  if (id == NULL || strlen (id) != len)
    return field_fail (error, "contest", "is not a text string");
  if (election != NULL)
    {
      *ret_contest = vk_election_get_contest (election, id);
      if (*ret_contest == NULL || *id == '\0')
        {
          g_autofree char *safe = vk_text_escape_controls (id);
          g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD,
                       "field \"contest\" is \"%s\", not a contest of this election", safe);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_tally (const VkElection *election, const VkCbor *b, gboolean signoff, VkResultKind *kind, guint64 *area,
             GError **error)
{
  VkCbor *expl = vk_cbor_map_lookup_text (b, "explanation");
  guint64 u;

  if (!field_contest (election, b, &election, error))
    return FALSE;
  if (!field_kind (b, kind, error) || !field_uint32 (b, "area", area, error) || !field_map (b, "counts", error))
    return FALSE;
  if (!signoff && (!field_uint (b, "round", &u, error) || !field_text (b, "by", error)))
    return FALSE;
  if (signoff && !field_text_array (b, "signers", 0, error))
    return FALSE;
  if (signoff && expl != NULL && vk_cbor_get_type (expl) != VK_CBOR_TEXT)
    return field_fail (error, "explanation", "is not a text string");
  if (election != NULL)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (VkAreaResult) r = vk_rules_counts_to_result (election, *kind, (guint)MIN (*area, G_MAXUINT),
                                                              vk_cbor_map_lookup_text (b, "counts"), &local);
      if (r == NULL)
        {
          to_entry_error (local, error);
          return FALSE;
        }
    }
  return TRUE;
}

/* `ballot.doubtful` and `ballot.decision`.  With an election, a decision
 * must name one of its lists or candidates (VK_ENTRY_ERROR_UNKNOWN_ID) or
 * an invalid-ballot reason code.  Whether it refers to ballots set aside
 * and decides no more of them than were is a question of state: the fold
 * answers it (vk_fold_add_entry(), VK_ENTRY_ERROR_DECISION). */
static gboolean
check_doubtful (const VkElection *election, const VkCbor *b, gboolean doubtful, guint64 *area, GError **error)
{
  guint64 u;

  if (!field_contest (election, b, &election, error))
    return FALSE;
  if (!field_uint32 (b, "area", area, error) || !field_uint (b, "count", &u, error))
    return FALSE;
  if (doubtful)
    return field_text (b, "note", error);
  if (!field_uint (b, "ref", &u, error) || !field_map (b, "decision", error))
    return FALSE;
  if (election != NULL)
    {
      g_autoptr (GError) local = NULL;
      VkDoubtfulTo to;
      const char *id, *list_id;
      guint code;

      if (!vk_counts_parse_doubtful_decision (election, vk_cbor_map_lookup_text (b, "decision"), &to, &id, &list_id,
                                              &code, &local))
        {
          to_entry_error (local, error);
          return FALSE;
        }
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
  const VkElection *contest;

  if (b == NULL || vk_cbor_get_type (b) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD, "the body is not a map");
      return FALSE;
    }
  if (strcmp (t, "device.open") == 0)
    return check_device_open (device, b, error);
  if (strcmp (t, "checkin") == 0)
    return check_checkin (b, &area, error) && check_confirmed (b, error)
           && check_role (device, entry, roles_valgbord, error) && check_area (device, election, entry, area, error);
  if (strcmp (t, "checkin.paper") == 0)
    return check_checkin_paper (b, &area, error) && check_role (device, entry, roles_valgbord, error)
           && check_area (device, election, entry, area, error);
  if (strcmp (t, "checkin.undo") == 0)
    return check_undo (b, &area, error) && check_role (device, entry, roles_valgbord, error)
           && check_area (device, election, entry, area, error);
  if (strcmp (t, "brevstemme.received") == 0)
    return check_received (b, &area, error) && check_confirmed (b, error) && check_contests (b, error)
           && check_role (device, entry, roles_brev, error) && check_area (device, election, entry, area, error);
  if (strcmp (t, "brevstemme.cancel") == 0)
    return check_cancel (b, &area, error) && check_role (device, entry, roles_brev, error)
           && check_area (device, election, entry, area, error);
  if (strcmp (t, "brevstemme.decision") == 0)
    return check_decision (b, &area, error) && check_role (device, entry, roles_decision, error)
           && check_area (device, election, entry, area, error);
  if (strcmp (t, "poll.close") == 0)
    return field_uint32 (b, "area", &area, error) && check_confirmed (b, error)
           && (vk_cbor_map_lookup_text (b, "explanation") == NULL || field_text (b, "explanation", error))
           && (vk_cbor_map_lookup_text (b, "undecided") == NULL || field_uint (b, "undecided", &u, error))
           && check_role (device, entry, roles_valgbord, error) && check_area (device, election, entry, area, error);
  if (strcmp (t, "tally") == 0 || strcmp (t, "tally.signoff") == 0)
    return check_tally (election, b, strcmp (t, "tally.signoff") == 0, &kind, &area, error)
           && check_confirmed (b, error)
           && check_role (device, entry, kind == VK_RESULT_FORELOEBIG ? roles_foreloebig : roles_fintaelling, error)
           && check_area (device, election, entry, area, error);
  if (strcmp (t, "ballot.doubtful") == 0 || strcmp (t, "ballot.decision") == 0)
    return check_doubtful (election, b, strcmp (t, "ballot.doubtful") == 0, &area, error)
           && check_role (device, entry, roles_fintaelling, error) && check_area (device, election, entry, area, error);
  if (strcmp (t, "homevisit.request") == 0)
    return check_homevisit_request (b, error) && check_role (device, entry, roles_sekretariat, error);
  if (strcmp (t, "homevisit.visit") == 0)
    return check_homevisit_visit (b, &area, error) && check_role (device, entry, roles_sekretariat, error)
           && check_area (device, election, entry, area, error);
  if (strcmp (t, "receipt") == 0)
    return field_text (b, "device", error) && field_uint (b, "seq", &u, error)
           && field_bytes (b, "head", VK_HASH_BYTES, error) && check_role (device, entry, roles_server, error);
  if (strcmp (t, "result.published") == 0)
    return field_contest (election, b, &contest, error) && field_kind (b, &kind, error)
           && field_bytes (b, "digest", VK_HASH_BYTES, error) && check_role (device, entry, roles_server, error);
  g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_UNKNOWN_TYPE, "unknown entry type \"%s\"", t);
  return FALSE;
}

gboolean
vk_entry_schema_check (const VkDevice *device, const VkElection *election, const VkEntry *entry, GError **error)
{
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (device != NULL, FALSE);
  g_return_val_if_fail (entry != NULL, FALSE);

  /* A revisor's key only reads (docs/api.md): nothing it signs is a
   * journal entry. */
  if (device->role_id == VK_ROLE_REVISOR || device->role_id == VK_ROLE_COLLECTOR)
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE,
                   "entry %" G_GUINT64_FORMAT " of device %s (%s): a %s writes no journal", entry->seq,
                   entry->device_id, entry->type, device->role);
      return FALSE;
    }
  if (!check_entry_body (device, election, entry, &local))
    {
      g_set_error (error, VK_ENTRY_ERROR, local->code, "entry %" G_GUINT64_FORMAT " of device %s (%s): %s", entry->seq,
                   entry->device_id, entry->type, local->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
vk_entry_schema_check_entries (VkPackage *package, const VkElection *election, GPtrArray *entries, guint64 after_seq,
                               GError **error)
{
  g_return_val_if_fail (package != NULL, FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);

  /* The package's own copy: no SQL, so a sync thread may call this. */
  if (election == NULL)
    election = vk_package_get_election (package);
  for (guint i = 0; i < entries->len; i++)
    {
      const VkEntry *e = g_ptr_array_index (entries, i);
      const VkDevice *device;

      if (e->seq <= after_seq)
        continue;
      device = vk_package_lookup_device (package, e->device_id);
      if (device == NULL)
        {
          g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE,
                       "entry %" G_GUINT64_FORMAT " of device %s (%s): the device is not enrolled", e->seq,
                       e->device_id, e->type);
          return FALSE;
        }
      if (!vk_entry_schema_check (device, election, e, error))
        return FALSE;
    }
  return TRUE;
}

guint
vk_entry_contest_index (const VkElection *election, const VkEntry *entry)
{
  VkCbor *c = vk_cbor_map_lookup_text (entry->body, "contest");
  const char *id = c != NULL ? vk_cbor_get_text (c, NULL) : NULL;
  gint i = id != NULL ? vk_election_contest_index (election, id) : 0;

  return i < 0 ? 0 : (guint)i;
}

gboolean
vk_entry_schema_check_decision (const VkElection *election, const VkEntry *decision, const VkDoubtfulHeld *held,
                                GError **error)
{
  guint64 area = 0, ref = 0, count = 0;
  guint contest = election != NULL ? vk_entry_contest_index (election, decision) : 0;

  g_return_val_if_fail (decision != NULL, FALSE);

  (void)vk_cbor_map_get_uint_field (decision->body, "area", &area, NULL);
  (void)vk_cbor_map_get_uint_field (decision->body, "ref", &ref, NULL);
  (void)vk_cbor_map_get_uint_field (decision->body, "count", &count, NULL);
  if (held == NULL || held->area != area || held->contest != contest)
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_DECISION,
                   "entry %" G_GUINT64_FORMAT " of device %s (ballot.decision): entry %" G_GUINT64_FORMAT
                   " is not a ballot.doubtful of area %" G_GUINT64_FORMAT " and this contest of this device",
                   decision->seq, decision->device_id, ref, area);
      return FALSE;
    }
  if (count == 0 || held->decided > held->count || count > held->count - held->decided)
    {
      g_set_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_DECISION,
                   "entry %" G_GUINT64_FORMAT " of device %s (ballot.decision): decides %" G_GUINT64_FORMAT
                   " ballots of entry %" G_GUINT64_FORMAT ", which has %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                   " undecided",
                   decision->seq, decision->device_id, count, ref,
                   held->count >= held->decided ? held->count - held->decided : 0, held->count);
      return FALSE;
    }
  return TRUE;
}

gboolean
vk_entry_error_is_enrolment (const GError *error)
{
  return error != NULL && error->domain == VK_ENTRY_ERROR
         && (error->code == VK_ENTRY_ERROR_ROLE || error->code == VK_ENTRY_ERROR_AREA);
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

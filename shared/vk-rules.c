/* vk-rules.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "vk-counts.h"
#include "vk-error.h"
#include "vk-rules.h"
#include "vk-voters.h"

/* ---- the catalogue ------------------------------------------------------ */

static const VkRuleInfo rule_infos[VK_RULES_COUNT] = {
  { 1, "D01", "Brudt signatur eller kæde", "Broken signature or chain", "" },
  { 2, "D02", "Forgrening (fork) i en journal", "Fork in a journal", "" },
  { 3, "D03", "Enhed ikke godkendt til dette område eller denne rolle", "Device not enrolled for this area or role",
    "" },
  { 4, "D04", "Vælger afkrydset mere end én gang", "Voter checked in more than once", "" },
  { 5, "D05", "Fremmøde af vælger med godkendt brevstemme", "In-person check-in of a voter with an accepted brevstemme",
    "KRVL § 71; FVL § 65" },
  { 6, "D06", "Flere brevstemmer fra samme vælger", "Several brevstemmer from one voter", "KRVL § 71 stk. 3" },
  { 7, "D07", "Stemmesedler ≠ afkrydsede vælgere", "Ballots ≠ marked voters", "KRVL § 75–76" },
  { 8, "D08", "Forskel mellem foreløbig optælling og fintælling", "Difference between foreløbig count and fintælling",
    "KRVL § 79" },
  { 9, "D09", "Område uden journal, optælling eller fintælling", "Area without journal, count or fintælling", "" },
  { 10, "D10", "Tid uden for valgperioden eller forkert ur", "Time outside the election window or clock off", "" },
  { 11, "D11", "Afkrydsning af løbenummer, der ikke er på valglisten", "Check-in of a løbenummer not on the valgliste",
    "" },
  { 12, "D12", "Optællingen går ikke op", "Count arithmetic does not add up", "KRVL § 76" },
  { 13, "D13", "Brevstemme afgivet efter fristen", "Brevstemme cast after the deadline", "(unconfirmed)" },
  { 14, "D14", "Fortrydelse af en afkrydsning, der ikke findes", "Undo of a check-in that does not exist", "" },
  { 15, "D15", "Færre end 5 brevstemmer i området", "Fewer than 5 brevstemmer in the area", "FVL § 64 stk. 4–5" },
  { 16, "D16", "Afkrydsning efter afstemningens afslutning", "Check-in after the poll was closed", "" },
  { 17, "D17", "Brevstemme uden afgørelse", "Brevstemme without a decision", "KRVL § 71" },
  { 18, "D18", "Optælling underskrevet af færre end to", "Count signed by fewer than two", "KRVL § 76" },
  { 19, "D19", "Underskrevet optælling uden to ens indtastninger", "Signed count without two matching entries", "" },
  { 20, "D20", "Underskrevet optælling ændret efter underskrift", "Signed count changed after signing", "KRVL § 76" },
};

const VkRuleInfo *
vk_rules_get_info (guint number)
{
  if (number < 1 || number > VK_RULES_COUNT)
    return NULL;
  return &rule_infos[number - 1];
}

const char *
vk_severity_to_string (VkSeverity severity)
{
  switch (severity)
    {
      case VK_SEVERITY_INFO:
        return "info";
      case VK_SEVERITY_WARNING:
        return "warning";
      case VK_SEVERITY_BLOCKING:
        return "blocking";
      default:
        return "unknown";
    }
}

static void
evidence_free (VkEvidence *self)
{
  if (self == NULL)
    return;
  g_free (self->device_id);
  g_free (self);
}

void
vk_finding_free (VkFinding *self)
{
  if (self == NULL)
    return;
  g_free (self->message_da);
  g_free (self->message_en);
  g_clear_pointer (&self->evidence, g_ptr_array_unref);
  g_free (self);
}

/* Takes message_da and message_en. */
static VkFinding *
finding_add (GPtrArray *findings, guint rule, VkSeverity severity, guint area, char *message_da, char *message_en)
{
  VkFinding *f = g_new0 (VkFinding, 1);

  f->rule = rule;
  f->severity = severity;
  f->area = area;
  f->message_da = message_da;
  f->message_en = message_en;
  f->evidence = g_ptr_array_new_with_free_func ((GDestroyNotify)evidence_free);
  g_ptr_array_add (findings, f);
  return f;
}

static void
finding_evidence (VkFinding *f, const char *device_id, guint64 seq)
{
  VkEvidence *e = g_new0 (VkEvidence, 1);

  e->device_id = g_strdup (device_id);
  e->seq = seq;
  g_ptr_array_add (f->evidence, e);
}

char *
vk_finding_to_json (const VkFinding *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  const VkRuleInfo *info = vk_rules_get_info (self->rule);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rule");
  json_builder_add_string_value (b, info != NULL ? info->code : "D??");
  json_builder_set_member_name (b, "severity");
  json_builder_add_string_value (b, vk_severity_to_string (self->severity));
  json_builder_set_member_name (b, "area");
  if (self->area == 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, self->area);
  json_builder_set_member_name (b, "da");
  json_builder_add_string_value (b, self->message_da);
  json_builder_set_member_name (b, "en");
  json_builder_add_string_value (b, self->message_en);
  json_builder_set_member_name (b, "evidence");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->evidence->len; i++)
    {
      const VkEvidence *e = g_ptr_array_index (self->evidence, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "device");
      json_builder_add_string_value (b, e->device_id);
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, (gint64)e->seq);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

gint
vk_findings_worst (GPtrArray *findings)
{
  gint worst = -1;

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      const VkFinding *f = g_ptr_array_index (findings, i);
      worst = MAX (worst, (gint)f->severity);
    }
  return worst;
}

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

/* The roles that may write each type; NULL-terminated. */
static const char *const roles_valgbord[] = { "valgbord", NULL };
static const char *const roles_brev[] = { "brevstemmested", "hjemmebesoeg", NULL };
static const char *const roles_decision[] = { "valgbord", "optaelling", NULL };
static const char *const roles_foreloebig[] = { "valgbord", "optaelling", NULL };
static const char *const roles_fintaelling[] = { "fintaelling", "optaelling", NULL };
static const char *const roles_server[] = { "server", NULL };

static gboolean
check_role (const VkDevice *device, const VkEntry *entry, const char *const *roles, GError **error)
{
  if (!is_one_of (device->role, roles))
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
  if (device->area != VK_PACKAGE_NO_AREA && area != device->area && strcmp (device->role, "brevstemmested") != 0
      && strcmp (device->role, "hjemmebesoeg") != 0)
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
      if (strcmp (role, device->role) != 0)
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

static gboolean
counts_uint (const VkCbor *counts, const char *key, gboolean optional, guint64 *ret, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (counts, key);

  *ret = 0;
  if (v == NULL && optional)
    return TRUE;
  if (v == NULL || vk_cbor_get_type (v) != VK_CBOR_UINT)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts: \"%s\" is missing or not a number", key);
      return FALSE;
    }
  *ret = vk_cbor_get_uint (v);
  return TRUE;
}

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

/* ---- the fold ----------------------------------------------------------- */

/* One folded entry of a device, indexed by seq - 1. */
typedef struct
{
  guint8 hash[VK_HASH_BYTES];
  guint64 time_ms;
  const char *type; /* interned; NULL when the slot is empty */
  guint area;
  guint index; /* into the area's array for the type */
} FoldRec;

typedef struct
{
  const char *device_id;  /* interned */
  const VkDevice *device; /* borrowed from the package; NULL when not enrolled */
  GArray *recs;           /* FoldRec */
} FoldDevice;

typedef struct
{
  const char *device;
  guint64 seq;
  guint64 time_ms;
  guint lnr;
  gboolean undone;
} Checkin;

typedef struct
{
  const char *device;
  guint64 seq;
  const char *ref_device;
  guint64 ref_seq;
  guint lnr;
} Undo;

typedef struct
{
  const char *device;
  guint64 seq;
  guint lnr;
  char *envelope;
  guint64 cast_ms;
} Brev;

typedef struct
{
  const char *device;
  guint64 seq;
  guint lnr;
  char *envelope;
  gboolean accepted;
} Decision;

typedef struct
{
  const char *device;
  guint64 seq;
} Close;

typedef struct
{
  const char *device;
  guint64 seq;
  VkResultKind kind;
  gboolean signoff;
  guint64 round;
  char *by;
  char *explanation;
  guint n_signers;
  VkCbor *counts;
} Tally;

/* A `ballot.decision`: count doubtful ballots of the `ballot.doubtful`
 * entry ref of the same device decided. */
typedef struct
{
  const char *device;
  guint64 seq;
  guint64 ref;
  guint64 count;
  VkCbor *decision;
} Doubt;

typedef struct
{
  guint number;
  const VkArea *area;
  GArray *checkins;    /* Checkin */
  GArray *undos;       /* Undo */
  GArray *brev;        /* Brev */
  GArray *decisions;   /* Decision */
  GArray *closes;      /* Close */
  GArray *tallies;     /* Tally, both kinds, rounds and sign-offs */
  GArray *doubts;      /* Doubt */
  GHashTable *devices; /* interned device id set */
  guint64 last_entry_ms;
} FoldArea;

typedef struct
{
  VkRefusalKind kind;
  const char *device;
  guint64 seq;
  char *source;
  char *reason;
} Refusal;

typedef struct
{
  const char *device;
  guint64 seq;
  char *reason;
} BadEntry;

typedef struct
{
  const char *server;
  guint64 server_seq;
  guint64 time_ms;
  const char *device;
  guint64 seq;
} Receipt;

typedef struct
{
  const char *device;
  guint64 seq;
} Fork;

struct _VkFold
{
  VkPackage *package;
  VkElection *election;
  GHashTable *devices; /* interned id → FoldDevice* */
  GHashTable *areas;   /* number → FoldArea* */
  GArray *refusals;    /* Refusal */
  GArray *bad;         /* BadEntry */
  GArray *receipts;    /* Receipt */
  GArray *forks;       /* Fork */
  guint64 n_entries;
  VkVoterList *voters; /* loaded on first use */
  gboolean voters_loaded;
};

static void
brev_clear (gpointer p)
{
  g_free (((Brev *)p)->envelope);
}

static void
decision_clear (gpointer p)
{
  g_free (((Decision *)p)->envelope);
}

static void
tally_clear (gpointer p)
{
  Tally *t = p;

  g_free (t->by);
  g_free (t->explanation);
  g_clear_pointer (&t->counts, vk_cbor_unref);
}

static void
doubt_clear (gpointer p)
{
  g_clear_pointer (&((Doubt *)p)->decision, vk_cbor_unref);
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
  g_array_unref (a->doubts);
  g_hash_table_unref (a->devices);
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
  self->election = vk_package_dup_election (package, error);
  if (self->election == NULL)
    return NULL;
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
      a->doubts = array_new (sizeof (Doubt), doubt_clear);
      a->devices = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (self->areas, GUINT_TO_POINTER (va->number), a);
    }
  return g_steal_pointer (&self);
}

void
vk_fold_free (VkFold *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->devices, g_hash_table_unref);
  g_clear_pointer (&self->areas, g_hash_table_unref);
  g_clear_pointer (&self->refusals, g_array_unref);
  g_clear_pointer (&self->bad, g_array_unref);
  g_clear_pointer (&self->receipts, g_array_unref);
  g_clear_pointer (&self->forks, g_array_unref);
  g_clear_pointer (&self->election, vk_election_free);
  g_clear_pointer (&self->voters, vk_voter_list_free);
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

static const FoldRec *
fold_lookup_rec (VkFold *self, const char *device_id, guint64 seq)
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

void
vk_fold_add_entry (VkFold *self, const VkEntry *entry)
{
  g_autoptr (GError) error = NULL;
  FoldDevice *d;
  FoldRec *rec;
  FoldArea *a = NULL;
  const char *t;
  guint area;

  g_return_if_fail (self != NULL && entry != NULL);

  d = fold_device (self, entry->device_id);
  if (entry->seq <= d->recs->len)
    {
      FoldRec *old = &g_array_index (d->recs, FoldRec, entry->seq - 1);

      if (old->type != NULL)
        {
          if (memcmp (old->hash, entry->hash, VK_HASH_BYTES) != 0)
            fold_add_fork_internal (self, d->device_id, entry->seq);
          return;
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
      BadEntry b = { d->device_id, entry->seq, g_strdup_printf ("device %s is not enrolled", d->device_id) };
      g_array_append_val (self->bad, b);
      return;
    }
  if (!vk_rules_check_entry (d->device, self->election, entry, &error))
    {
      BadEntry b = { d->device_id, entry->seq, g_strdup (error->message) };
      g_array_append_val (self->bad, b);
      return;
    }

  t = rec->type;
  area = (guint)body_uint (entry, "area");
  if (strcmp (t, "receipt") == 0)
    {
      Receipt r = { d->device_id, entry->seq, entry->time_ms, g_intern_string (body_text (entry, "device")),
                    body_uint (entry, "seq") };
      g_array_append_val (self->receipts, r);
      return;
    }
  if (strcmp (t, "device.open") == 0 || strcmp (t, "result.published") == 0)
    {
      if (d->device->area != VK_PACKAGE_NO_AREA)
        area = d->device->area;
      else
        return;
    }
  a = g_hash_table_lookup (self->areas, GUINT_TO_POINTER (area));
  if (a == NULL)
    return; /* vk_rules_check_entry() refuses unknown areas; a device.open of a device with none */
  rec->area = area;
  g_hash_table_add (a->devices, (gpointer)d->device_id);
  a->last_entry_ms = MAX (a->last_entry_ms, entry->time_ms);

  if (strcmp (t, "checkin") == 0)
    {
      Checkin c = { d->device_id, entry->seq, entry->time_ms, (guint)body_uint (entry, "loebenummer"), FALSE };
      rec->index = a->checkins->len;
      g_array_append_val (a->checkins, c);
    }
  else if (strcmp (t, "checkin.undo") == 0)
    {
      Undo u = { d->device_id, entry->seq, g_intern_string (body_text (entry, "device")), body_uint (entry, "seq"),
                 (guint)body_uint (entry, "loebenummer") };
      g_array_append_val (a->undos, u);
    }
  else if (strcmp (t, "brevstemme.received") == 0)
    {
      Brev b = { d->device_id, entry->seq, (guint)body_uint (entry, "loebenummer"),
                 g_strdup (body_text (entry, "envelope")), body_uint (entry, "cast_ms") };
      g_array_append_val (a->brev, b);
    }
  else if (strcmp (t, "brevstemme.decision") == 0)
    {
      Decision dec = { d->device_id, entry->seq, (guint)body_uint (entry, "loebenummer"),
                       g_strdup (body_text (entry, "envelope")), FALSE };
      (void)vk_cbor_get_bool (vk_cbor_map_lookup_text (entry->body, "accepted"), &dec.accepted);
      g_array_append_val (a->decisions, dec);
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
      tl.kind = strcmp (body_text (entry, "kind"), "fintaelling") == 0 ? VK_RESULT_FINTAELLING : VK_RESULT_FORELOEBIG;
      tl.signoff = strcmp (t, "tally.signoff") == 0;
      tl.round = body_uint (entry, "round");
      tl.by = g_strdup (body_text (entry, "by"));
      tl.explanation = g_strdup (body_text (entry, "explanation"));
      tl.n_signers = signers != NULL ? (guint)vk_cbor_array_get_length (signers) : 0;
      tl.counts = vk_cbor_ref (vk_cbor_map_lookup_text (entry->body, "counts"));
      g_array_append_val (a->tallies, tl);
    }
  else if (strcmp (t, "ballot.decision") == 0)
    {
      Doubt db = { d->device_id, entry->seq, body_uint (entry, "ref"), body_uint (entry, "count"),
                   vk_cbor_ref (vk_cbor_map_lookup_text (entry->body, "decision")) };
      g_array_append_val (a->doubts, db);
    }
}

guint64
vk_fold_get_n_entries (VkFold *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_entries;
}

/* Resolves undos against check-ins: marks each referred check-in undone
 * and, when findings is given, reports D14 for undos that refer to nothing
 * undoable. */
static void
fold_resolve_area (VkFold *self, FoldArea *a, GPtrArray *findings)
{
  for (guint i = 0; i < a->checkins->len; i++)
    g_array_index (a->checkins, Checkin, i).undone = FALSE;
  for (guint i = 0; i < a->undos->len; i++)
    {
      const Undo *u = &g_array_index (a->undos, Undo, i);
      const FoldRec *r = fold_lookup_rec (self, u->ref_device, u->ref_seq);
      Checkin *c = NULL;
      const char *why_da = NULL, *why_en = NULL;

      if (r == NULL || strcmp (r->type, "checkin") != 0 || r->area != a->number)
        {
          why_da = "den henviser ikke til en afkrydsning i området";
          why_en = "it does not refer to a check-in in this area";
        }
      else
        {
          c = &g_array_index (a->checkins, Checkin, r->index);
          if (c->lnr != u->lnr)
            {
              why_da = "løbenummeret passer ikke til afkrydsningen";
              why_en = "the løbenummer does not match the check-in";
            }
          else if (c->undone)
            {
              why_da = "afkrydsningen er allerede fortrudt";
              why_en = "the check-in was already undone";
            }
          else
            c->undone = TRUE;
        }
      if (why_da != NULL && findings != NULL)
        {
          VkFinding *f
              = finding_add (findings, 14, VK_SEVERITY_WARNING, a->number,
                             g_strdup_printf ("Område %u: fortrydelse %s#%" G_GUINT64_FORMAT " af %s#%" G_GUINT64_FORMAT
                                              " (løbenummer %u) er ugyldig: %s.",
                                              a->number, u->device, u->seq, u->ref_device, u->ref_seq, u->lnr, why_da),
                             g_strdup_printf ("Area %u: undo %s#%" G_GUINT64_FORMAT " of %s#%" G_GUINT64_FORMAT
                                              " (løbenummer %u) is invalid: %s.",
                                              a->number, u->device, u->seq, u->ref_device, u->ref_seq, u->lnr, why_en));
          finding_evidence (f, u->device, u->seq);
          if (r != NULL)
            finding_evidence (f, u->ref_device, u->ref_seq);
        }
    }
}

/* Voters (løbenummer) of an area with an accepted brevstemme: the latest
 * decision per envelope counts.  A new set. */
static GHashTable *
area_accepted_voters (FoldArea *a)
{
  g_autoptr (GHashTable) by_env = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *voters = g_hash_table_new (NULL, NULL);
  GHashTableIter it;
  gpointer v;

  for (guint i = 0; i < a->decisions->len; i++)
    {
      Decision *d = &g_array_index (a->decisions, Decision, i);
      g_hash_table_insert (by_env, d->envelope, d);
    }
  g_hash_table_iter_init (&it, by_env);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      const Decision *d = v;
      if (d->accepted)
        g_hash_table_add (voters, GUINT_TO_POINTER (d->lnr));
    }
  return voters;
}

static const Tally *
area_latest_signoff (FoldArea *a, VkResultKind kind)
{
  const Tally *latest = NULL;

  for (guint i = 0; i < a->tallies->len; i++)
    {
      const Tally *t = &g_array_index (a->tallies, Tally, i);
      if (t->signoff && t->kind == kind)
        latest = t;
    }
  return latest;
}

gboolean
vk_fold_get_area_summary (VkFold *self, guint area, VkFoldAreaSummary *ret_summary)
{
  FoldArea *a;
  g_autoptr (GHashTable) accepted = NULL;
  VkFoldAreaSummary s = { 0 };

  g_return_val_if_fail (self != NULL, FALSE);
  a = g_hash_table_lookup (self->areas, GUINT_TO_POINTER (area));
  if (a == NULL)
    return FALSE;
  fold_resolve_area (self, a, NULL);
  s.area = area;
  for (guint i = 0; i < a->checkins->len; i++)
    if (!g_array_index (a->checkins, Checkin, i).undone)
      s.checkins++;
  s.undos = a->undos->len;
  s.brevstemmer = a->brev->len;
  accepted = area_accepted_voters (a);
  s.brevstemmer_accepted = g_hash_table_size (accepted);
  {
    g_autoptr (GHashTable) by_env = g_hash_table_new (g_str_hash, g_str_equal);
    GHashTableIter it;
    gpointer v;

    for (guint i = 0; i < a->decisions->len; i++)
      g_hash_table_insert (by_env, g_array_index (a->decisions, Decision, i).envelope,
                           &g_array_index (a->decisions, Decision, i));
    g_hash_table_iter_init (&it, by_env);
    while (g_hash_table_iter_next (&it, NULL, &v))
      if (!((Decision *)v)->accepted)
        s.brevstemmer_rejected++;
  }
  s.last_entry_ms = a->last_entry_ms;
  s.n_devices = g_hash_table_size (a->devices);
  s.closed = a->closes->len > 0;
  for (guint i = 0; i < a->tallies->len; i++)
    {
      const Tally *t = &g_array_index (a->tallies, Tally, i);
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
 * the station (vk_tally_add_decided_doubtful()).  A decision counts when
 * it refers to a `ballot.doubtful` of the same device and area; one that
 * names nothing in the election is left out, as the station leaves it out. */
static void
fold_add_decided_doubtful (VkFold *self, FoldArea *a, VkAreaResult *result)
{
  for (guint i = 0; i < a->doubts->len; i++)
    {
      const Doubt *db = &g_array_index (a->doubts, Doubt, i);
      const FoldRec *r = fold_lookup_rec (self, db->device, db->ref);

      if (r == NULL || r->type == NULL || strcmp (r->type, "ballot.doubtful") != 0 || r->area != a->number)
        continue;
      (void)vk_counts_add_doubtful_decision (result, self->election, db->decision, db->count, NULL);
    }
}

VkAreaResult *
vk_fold_dup_result (VkFold *self, guint area, VkResultKind kind, GError **error)
{
  FoldArea *a;
  const Tally *t;
  VkAreaResult *result;

  g_return_val_if_fail (self != NULL, NULL);
  a = g_hash_table_lookup (self->areas, GUINT_TO_POINTER (area));
  t = a != NULL ? area_latest_signoff (a, kind) : NULL;
  if (t == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "area %u has no signed %s count", area,
                   kind == VK_RESULT_FORELOEBIG ? "foreløbig" : "fintælling");
      return NULL;
    }
  result = vk_rules_counts_to_result (self->election, kind, area, t->counts, error);
  if (result != NULL && kind == VK_RESULT_FINTAELLING)
    fold_add_decided_doubtful (self, a, result);
  return result;
}

/* ---- configuration ------------------------------------------------------ */

static guint64
local_ms (GTimeZone *tz, gint y, gint m, gint d)
{
  g_autoptr (GDateTime) dt = g_date_time_new (tz, y, m, d, 0, 0, 0);

  return dt != NULL ? (guint64)g_date_time_to_unix (dt) * 1000 : 0;
}

void
vk_rules_config_init (VkRulesConfig *self, const VkElection *election)
{
  g_autoptr (GTimeZone) tz = NULL;
  g_autoptr (GDateTime) day = NULL;
  gint y = 0, m = 0, d = 0;

  g_return_if_fail (self != NULL);
  memset (self, 0, sizeof *self);
  self->d08_threshold = 10;
  self->clock_tolerance_ms = 5 * 60 * 1000;
  self->min_brevstemmer = 5;
  self->expect_fintaelling = FALSE;
  self->window_end_ms = G_MAXUINT64;
  self->brevstemme_deadline_ms = G_MAXUINT64;

  tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  if (election == NULL || election->date == NULL || sscanf (election->date, "%d-%d-%d", &y, &m, &d) != 3)
    return;
  day = g_date_time_new (tz, y, m, d, 0, 0, 0);
  if (day == NULL)
    return;
  self->window_start_ms = (guint64)g_date_time_to_unix (day) * 1000;
  {
    g_autoptr (GDateTime) end = g_date_time_add_days (day, 7);
    g_autoptr (GDateTime) open = g_date_time_add_months (day, -3);

    self->window_end_ms = (guint64)g_date_time_to_unix (end) * 1000;
    self->brevstemme_open_ms = (guint64)g_date_time_to_unix (open) * 1000;
  }
  /* The deadline: brevstemmer must be cast no later than the third-last
   * weekday before election day (for a Tuesday election the Thursday
   * before); the instant is 00:00 the day after it.  Unconfirmed against
   * the legal text: docs/rules.md, D13, says how to configure it. */
  {
    g_autoptr (GDateTime) cur = g_date_time_ref (day);
    guint weekdays = 0;

    while (weekdays < 3)
      {
        GDateTime *prev = g_date_time_add_days (cur, -1);

        g_date_time_unref (cur);
        cur = prev;
        if (g_date_time_get_day_of_week (cur) <= 5)
          weekdays++;
      }
    self->brevstemme_deadline_ms
        = local_ms (tz, g_date_time_get_year (cur), g_date_time_get_month (cur), g_date_time_get_day_of_month (cur))
          + 24 * 3600 * 1000;
  }
}

/* ---- the rules ---------------------------------------------------------- */

typedef struct
{
  VkFold *fold;
  const VkRulesConfig *config;
  GPtrArray *findings;
} RuleCtx;

static const char *
area_label (FoldArea *a)
{
  return a->area != NULL && a->area->name != NULL ? a->area->name : "";
}

static void
rule_d01_d03 (RuleCtx *c)
{
  VkFold *self = c->fold;

  for (guint i = 0; i < self->refusals->len; i++)
    {
      const Refusal *r = &g_array_index (self->refusals, Refusal, i);
      gboolean enrol = r->kind == VK_REFUSAL_ENROLMENT;
      VkFinding *f = finding_add (c->findings, enrol ? 3 : 1, VK_SEVERITY_BLOCKING, 0,
                                  g_strdup_printf ("Afvist levering fra %s (%s, fra løbenr. %" G_GUINT64_FORMAT "): %s",
                                                   r->device, r->source, r->seq, r->reason),
                                  g_strdup_printf ("Refused delivery from %s (%s, from seq %" G_GUINT64_FORMAT "): %s",
                                                   r->device, r->source, r->seq, r->reason));
      finding_evidence (f, r->device, r->seq);
    }
  for (guint i = 0; i < self->bad->len; i++)
    {
      const BadEntry *b = &g_array_index (self->bad, BadEntry, i);
      VkFinding *f
          = finding_add (c->findings, 3, VK_SEVERITY_BLOCKING, 0,
                         g_strdup_printf ("%s#%" G_GUINT64_FORMAT ": enheden handler uden for sin godkendelse: %s",
                                          b->device, b->seq, b->reason),
                         g_strdup_printf ("%s#%" G_GUINT64_FORMAT ": the device acts outside its enrolment: %s",
                                          b->device, b->seq, b->reason));
      finding_evidence (f, b->device, b->seq);
    }
}

static void
rule_d02 (RuleCtx *c)
{
  for (guint i = 0; i < c->fold->forks->len; i++)
    {
      const Fork *k = &g_array_index (c->fold->forks, Fork, i);
      VkFinding *f
          = finding_add (c->findings, 2, VK_SEVERITY_BLOCKING, 0,
                         g_strdup_printf ("Enheden %s har to forskellige indførsler med løbenr. %" G_GUINT64_FORMAT
                                          ": begge er gemt som bevis.",
                                          k->device, k->seq),
                         g_strdup_printf ("Device %s has two different entries with seq %" G_GUINT64_FORMAT
                                          ": both are kept as evidence.",
                                          k->device, k->seq));
      finding_evidence (f, k->device, k->seq);
    }
}

static void
rule_d04 (RuleCtx *c, FoldArea *a)
{
  g_autoptr (GHashTable) first = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) reported = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < a->checkins->len; i++)
    {
      const Checkin *ci = &g_array_index (a->checkins, Checkin, i);
      gpointer prev;

      if (ci->undone)
        continue;
      if (!g_hash_table_lookup_extended (first, GUINT_TO_POINTER (ci->lnr), NULL, &prev))
        {
          g_hash_table_insert (first, GUINT_TO_POINTER (ci->lnr), GUINT_TO_POINTER (i));
          continue;
        }
      if (g_hash_table_contains (reported, GUINT_TO_POINTER (ci->lnr)))
        continue;
      g_hash_table_add (reported, GUINT_TO_POINTER (ci->lnr));
      {
        VkFinding *f
            = finding_add (c->findings, 4, VK_SEVERITY_BLOCKING, a->number,
                           g_strdup_printf ("Område %u %s: vælger med løbenummer %u er afkrydset mere end én gang.",
                                            a->number, area_label (a), ci->lnr),
                           g_strdup_printf ("Area %u %s: the voter with løbenummer %u is checked in more than once.",
                                            a->number, area_label (a), ci->lnr));
        for (guint j = 0; j < a->checkins->len; j++)
          {
            const Checkin *cj = &g_array_index (a->checkins, Checkin, j);
            if (!cj->undone && cj->lnr == ci->lnr)
              finding_evidence (f, cj->device, cj->seq);
          }
      }
    }
}

static void
rule_d05 (RuleCtx *c, FoldArea *a, GHashTable *accepted)
{
  for (guint i = 0; i < a->checkins->len; i++)
    {
      const Checkin *ci = &g_array_index (a->checkins, Checkin, i);
      VkFinding *f;

      if (ci->undone || !g_hash_table_contains (accepted, GUINT_TO_POINTER (ci->lnr)))
        continue;
      f = finding_add (c->findings, 5, VK_SEVERITY_BLOCKING, a->number,
                       g_strdup_printf ("Område %u %s: vælger %u har en godkendt brevstemme og er også afkrydset ved "
                                        "fremmøde.",
                                        a->number, area_label (a), ci->lnr),
                       g_strdup_printf ("Area %u %s: voter %u has an accepted brevstemme and was also checked in in "
                                        "person.",
                                        a->number, area_label (a), ci->lnr));
      finding_evidence (f, ci->device, ci->seq);
      for (guint j = 0; j < a->decisions->len; j++)
        {
          const Decision *d = &g_array_index (a->decisions, Decision, j);
          if (d->lnr == ci->lnr && d->accepted)
            finding_evidence (f, d->device, d->seq);
        }
    }
}

static gint
compare_uint_ptr (gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (a), y = GPOINTER_TO_UINT (b);

  return x < y ? -1 : x > y;
}

static void
rule_d06 (RuleCtx *c, FoldArea *a)
{
  g_autoptr (GHashTable) by_voter = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_array_unref);
  g_autoptr (GList) keys = NULL;

  for (guint i = 0; i < a->brev->len; i++)
    {
      const Brev *b = &g_array_index (a->brev, Brev, i);
      GArray *idx = g_hash_table_lookup (by_voter, GUINT_TO_POINTER (b->lnr));

      if (idx == NULL)
        {
          idx = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (by_voter, GUINT_TO_POINTER (b->lnr), idx);
        }
      g_array_append_val (idx, i);
    }
  keys = g_hash_table_get_keys (by_voter);
  keys = g_list_sort (keys, compare_uint_ptr);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      GArray *idx = g_hash_table_lookup (by_voter, l->data);
      const Brev *latest = NULL;
      VkFinding *f;

      if (idx->len < 2)
        continue;
      for (guint k = 0; k < idx->len; k++)
        {
          const Brev *b = &g_array_index (a->brev, Brev, g_array_index (idx, guint, k));
          if (latest == NULL || b->cast_ms > latest->cast_ms)
            latest = b;
        }
      f = finding_add (c->findings, 6, VK_SEVERITY_WARNING, a->number,
                       g_strdup_printf ("Område %u %s: vælger %u har %u brevstemmer; kun den senest afgivne (konvolut "
                                        "%s, %s#%" G_GUINT64_FORMAT ") kan komme i betragtning.",
                                        a->number, area_label (a), latest->lnr, idx->len, latest->envelope,
                                        latest->device, latest->seq),
                       g_strdup_printf ("Area %u %s: voter %u has %u brevstemmer; only the latest cast one (envelope "
                                        "%s, %s#%" G_GUINT64_FORMAT ") can count.",
                                        a->number, area_label (a), latest->lnr, idx->len, latest->envelope,
                                        latest->device, latest->seq));
      finding_evidence (f, latest->device, latest->seq);
      for (guint k = 0; k < idx->len; k++)
        {
          const Brev *b = &g_array_index (a->brev, Brev, g_array_index (idx, guint, k));
          if (b != latest)
            finding_evidence (f, b->device, b->seq);
        }
    }
}

static const char *
kind_da (VkResultKind kind)
{
  return kind == VK_RESULT_FORELOEBIG ? "foreløbig optælling" : "fintælling";
}

static const char *
kind_en (VkResultKind kind)
{
  return kind == VK_RESULT_FORELOEBIG ? "foreløbig count" : "fintælling";
}

static void
rule_d07 (RuleCtx *c, FoldArea *a, GHashTable *accepted)
{
  guint64 marked = g_hash_table_size (accepted);

  for (guint i = 0; i < a->checkins->len; i++)
    if (!g_array_index (a->checkins, Checkin, i).undone)
      marked++;
  for (int k = VK_RESULT_FORELOEBIG; k <= VK_RESULT_FINTAELLING; k++)
    {
      const Tally *t = area_latest_signoff (a, (VkResultKind)k);
      guint64 cast = 0;
      VkFinding *f;
      gboolean explained;

      if (t == NULL || !counts_uint (t->counts, "cast", FALSE, &cast, NULL) || cast == marked)
        continue;
      explained = t->explanation != NULL && *t->explanation != '\0';
      f = finding_add (c->findings, 7, explained ? VK_SEVERITY_WARNING : VK_SEVERITY_BLOCKING, a->number,
                       g_strdup_printf ("Område %u %s, %s: %" G_GUINT64_FORMAT
                                        " afgivne stemmer, men %" G_GUINT64_FORMAT
                                        " afkrydsede vælgere (fremmødte og godkendte brevstemmer). %s%s",
                                        a->number, area_label (a), kind_da ((VkResultKind)k), cast, marked,
                                        explained ? "Forklaring: " : "Der er ingen skriftlig forklaring.",
                                        explained ? t->explanation : ""),
                       g_strdup_printf ("Area %u %s, %s: %" G_GUINT64_FORMAT " ballots cast but %" G_GUINT64_FORMAT
                                        " marked voters (in person and accepted brevstemmer). %s%s",
                                        a->number, area_label (a), kind_en ((VkResultKind)k), cast, marked,
                                        explained ? "Explanation: " : "There is no written explanation.",
                                        explained ? t->explanation : ""));
      finding_evidence (f, t->device, t->seq);
    }
}

static void
d08_compare (RuleCtx *c, FoldArea *a, const Tally *fl, const Tally *fi, const char *what_da, const char *what_en,
             guint64 v1, guint64 v2)
{
  guint64 diff = v1 > v2 ? v1 - v2 : v2 - v1;
  VkFinding *f;

  if (diff == 0)
    return;
  f = finding_add (c->findings, 8, diff > c->config->d08_threshold ? VK_SEVERITY_WARNING : VK_SEVERITY_INFO, a->number,
                   g_strdup_printf ("Område %u %s: %s: foreløbig %" G_GUINT64_FORMAT ", fintælling %" G_GUINT64_FORMAT
                                    " (forskel %s%" G_GUINT64_FORMAT ").",
                                    a->number, area_label (a), what_da, v1, v2, v2 >= v1 ? "+" : "-", diff),
                   g_strdup_printf ("Area %u %s: %s: foreløbig %" G_GUINT64_FORMAT ", fintælling %" G_GUINT64_FORMAT
                                    " (difference %s%" G_GUINT64_FORMAT ").",
                                    a->number, area_label (a), what_en, v1, v2, v2 >= v1 ? "+" : "-", diff));
  finding_evidence (f, fl->device, fl->seq);
  finding_evidence (f, fi->device, fi->seq);
}

static void
rule_d08_d12 (RuleCtx *c, FoldArea *a)
{
  const Tally *fl = area_latest_signoff (a, VK_RESULT_FORELOEBIG);
  const Tally *fi = area_latest_signoff (a, VK_RESULT_FINTAELLING);
  g_autoptr (VkAreaResult) r1 = NULL;
  g_autoptr (VkAreaResult) r2 = NULL;
  const Tally *both[2] = { fl, fi };
  VkAreaResult **rs[2] = { &r1, &r2 };

  /* D12: every sign-off's arithmetic. */
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) failures = NULL;

      if (both[k] == NULL)
        continue;
      *rs[k] = vk_rules_counts_to_result (c->fold->election, both[k]->kind, a->number, both[k]->counts, &error);
      if (*rs[k] == NULL)
        {
          VkFinding *f = finding_add (c->findings, 12, VK_SEVERITY_BLOCKING, a->number,
                                      g_strdup_printf ("Område %u %s, %s: tallene kan ikke læses: %s", a->number,
                                                       area_label (a), kind_da (both[k]->kind), error->message),
                                      g_strdup_printf ("Area %u %s, %s: the counts cannot be read: %s", a->number,
                                                       area_label (a), kind_en (both[k]->kind), error->message));
          finding_evidence (f, both[k]->device, both[k]->seq);
          continue;
        }
      failures = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_check_failure_free);
      vk_area_result_check (*rs[k], failures);
      for (guint i = 0; i < failures->len; i++)
        {
          const VkCheckFailure *cf = g_ptr_array_index (failures, i);
          VkFinding *f = finding_add (
              c->findings, 12, VK_SEVERITY_BLOCKING, a->number,
              g_strdup_printf ("Område %u %s, %s: regnestykket går ikke op (%s): %" G_GINT64_FORMAT
                               " optalt, %" G_GINT64_FORMAT " forventet.",
                               a->number, area_label (a), kind_da (both[k]->kind), cf->what, cf->actual, cf->expected),
              g_strdup_printf ("Area %u %s, %s: %s", a->number, area_label (a), kind_en (both[k]->kind), cf->message));
          finding_evidence (f, both[k]->device, both[k]->seq);
        }
    }

  /* D08: foreløbig → fintælling, in cast and per list. */
  if (r1 == NULL || r2 == NULL)
    return;
  d08_compare (c, a, fl, fi, "afgivne stemmer", "votes cast", r1->cast, r2->cast);
  for (guint i = 0; i < c->fold->election->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (c->fold->election->lists, i);
      g_autofree char *da = g_strdup_printf ("liste %s%s%s", l->letter, *l->letter ? " " : "", l->name);

      d08_compare (c, a, fl, fi, da, da, vk_area_result_get_list_votes (r1, l->id),
                   vk_area_result_get_list_votes (r2, l->id));
    }
}

static gboolean
area_has_own_journal (VkFold *self, FoldArea *a)
{
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, self->devices);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      const FoldDevice *d = v;
      if (d->device != NULL && d->device->area == a->number && strcmp (d->device->role, "valgbord") == 0)
        return TRUE;
    }
  return FALSE;
}

static void
rule_d09 (RuleCtx *c, FoldArea *a)
{
  if (!area_has_own_journal (c->fold, a))
    {
      finding_add (
          c->findings, 9, VK_SEVERITY_WARNING, a->number,
          g_strdup_printf ("Område %u %s: ingen journal fra et valgbord er modtaget.", a->number, area_label (a)),
          g_strdup_printf ("Area %u %s: no journal from a valgbord has been received.", a->number, area_label (a)));
    }
  if (area_latest_signoff (a, VK_RESULT_FORELOEBIG) == NULL)
    finding_add (c->findings, 9, VK_SEVERITY_BLOCKING, a->number,
                 g_strdup_printf ("Område %u %s: ingen underskrevet foreløbig optælling.", a->number, area_label (a)),
                 g_strdup_printf ("Area %u %s: no signed foreløbig count.", a->number, area_label (a)));
  if (c->config->expect_fintaelling && area_latest_signoff (a, VK_RESULT_FINTAELLING) == NULL)
    finding_add (c->findings, 9, VK_SEVERITY_BLOCKING, a->number,
                 g_strdup_printf ("Område %u %s: ingen underskrevet fintælling.", a->number, area_label (a)),
                 g_strdup_printf ("Area %u %s: no signed fintælling.", a->number, area_label (a)));
}

static gint
compare_fold_device (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(FoldDevice *const *)a)->device_id, (*(FoldDevice *const *)b)->device_id);
}

static void
rule_d10 (RuleCtx *c)
{
  VkFold *self = c->fold;
  const VkRulesConfig *cfg = c->config;
  GHashTableIter it;
  gpointer v;
  g_autoptr (GPtrArray) devs = g_ptr_array_new ();

  g_hash_table_iter_init (&it, self->devices);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (devs, v);
  g_ptr_array_sort (devs, compare_fold_device);

  for (guint i = 0; i < devs->len; i++)
    {
      const FoldDevice *d = g_ptr_array_index (devs, i);
      guint64 start, end = cfg->window_end_ms;

      if (d->device == NULL || strcmp (d->device->role, "server") == 0)
        continue;
      start = (strcmp (d->device->role, "brevstemmested") == 0 || strcmp (d->device->role, "hjemmebesoeg") == 0)
                  ? cfg->brevstemme_open_ms
                  : cfg->window_start_ms;
      for (guint s = 0; s < d->recs->len; s++)
        {
          const FoldRec *r = &g_array_index (d->recs, FoldRec, s);
          g_autoptr (GDateTime) dt = NULL;
          g_autofree char *when = NULL;
          VkFinding *f;

          if (r->type == NULL || (r->time_ms >= start && r->time_ms < end))
            continue;
          dt = g_date_time_new_from_unix_utc ((gint64)(r->time_ms / 1000));
          when = dt != NULL ? g_date_time_format_iso8601 (dt) : g_strdup ("?");
          f = finding_add (
              c->findings, 10, VK_SEVERITY_WARNING, d->device->area,
              g_strdup_printf ("%s#%u har tiden %s, uden for valgperioden.", d->device_id, s + 1, when),
              g_strdup_printf ("%s#%u has the time %s, outside the election window.", d->device_id, s + 1, when));
          finding_evidence (f, d->device_id, s + 1);
          break; /* one finding per device: the first entry out of the window */
        }
    }

  /* A device clock ahead of the server: the server received the entry
   * before the time the device wrote on it.  (A clock behind cannot be
   * told from a late delivery.) */
  for (guint i = 0; i < self->receipts->len; i++)
    {
      const Receipt *rc = &g_array_index (self->receipts, Receipt, i);
      const FoldRec *r = rc->device != NULL ? fold_lookup_rec (self, rc->device, rc->seq) : NULL;
      VkFinding *f;
      const FoldDevice *d;

      if (r == NULL || r->time_ms <= rc->time_ms + cfg->clock_tolerance_ms)
        continue;
      d = g_hash_table_lookup (self->devices, rc->device);
      f = finding_add (c->findings, 10, VK_SEVERITY_WARNING, d != NULL && d->device != NULL ? d->device->area : 0,
                       g_strdup_printf ("Uret i %s går %" G_GUINT64_FORMAT " s foran: indførsel %" G_GUINT64_FORMAT
                                        " blev kvitteret af %s før sin egen tid.",
                                        rc->device, (r->time_ms - rc->time_ms) / 1000, rc->seq, rc->server),
                       g_strdup_printf ("The clock of %s is %" G_GUINT64_FORMAT " s ahead: entry %" G_GUINT64_FORMAT
                                        " was receipted by %s before its own time.",
                                        rc->device, (r->time_ms - rc->time_ms) / 1000, rc->seq, rc->server));
      finding_evidence (f, rc->device, rc->seq);
      finding_evidence (f, rc->server, rc->server_seq);
    }
}

static void
rule_d11 (RuleCtx *c, FoldArea *a)
{
  VkFold *self = c->fold;

  if (!self->voters_loaded)
    {
      self->voters_loaded = TRUE;
      if (vk_package_count_voters (self->package, 0, NULL) > 0)
        self->voters = vk_package_dup_voters (self->package, 0, NULL);
    }
  if (self->voters == NULL)
    return; /* a package without voter lists: nothing to check against */
  for (guint i = 0; i < a->checkins->len; i++)
    {
      const Checkin *ci = &g_array_index (a->checkins, Checkin, i);
      VkFinding *f;

      if (vk_voter_list_lookup (self->voters, a->number, ci->lnr) != NULL)
        continue;
      f = finding_add (c->findings, 11, VK_SEVERITY_BLOCKING, a->number,
                       g_strdup_printf ("Område %u %s: løbenummer %u er afkrydset, men står ikke på valglisten.",
                                        a->number, area_label (a), ci->lnr),
                       g_strdup_printf ("Area %u %s: løbenummer %u was checked in but is not on the valgliste.",
                                        a->number, area_label (a), ci->lnr));
      finding_evidence (f, ci->device, ci->seq);
    }
}

static void
rule_d13 (RuleCtx *c, FoldArea *a, GHashTable *accepted)
{
  for (guint i = 0; i < a->brev->len; i++)
    {
      const Brev *b = &g_array_index (a->brev, Brev, i);
      gboolean counted = g_hash_table_contains (accepted, GUINT_TO_POINTER (b->lnr));
      VkFinding *f;

      if (b->cast_ms < c->config->brevstemme_deadline_ms)
        continue;
      f = finding_add (c->findings, 13, counted ? VK_SEVERITY_BLOCKING : VK_SEVERITY_WARNING, a->number,
                       g_strdup_printf ("Område %u %s: brevstemme %s (vælger %u) er afgivet efter fristen%s.",
                                        a->number, area_label (a), b->envelope, b->lnr,
                                        counted ? ", men vælgerens brevstemme er godkendt" : ""),
                       g_strdup_printf ("Area %u %s: brevstemme %s (voter %u) was cast after the deadline%s.",
                                        a->number, area_label (a), b->envelope, b->lnr,
                                        counted ? ", yet the voter's brevstemme was accepted" : ""));
      finding_evidence (f, b->device, b->seq);
    }
}

static void
rule_d15 (RuleCtx *c, FoldArea *a, GHashTable *accepted)
{
  guint n = g_hash_table_size (accepted);
  VkFinding *f;

  if (n == 0 || n >= c->config->min_brevstemmer)
    return;
  f = finding_add (c->findings, 15, VK_SEVERITY_WARNING, a->number,
                   g_strdup_printf ("Område %u %s har kun %u godkendte brevstemmer (færre end %u): af hensyn til "
                                    "stemmehemmeligheden skal de lægges sammen med et andet områdes.",
                                    a->number, area_label (a), n, c->config->min_brevstemmer),
                   g_strdup_printf ("Area %u %s has only %u accepted brevstemmer (fewer than %u): for secrecy they "
                                    "must be counted with another area's.",
                                    a->number, area_label (a), n, c->config->min_brevstemmer));
  for (guint i = 0; i < a->decisions->len; i++)
    {
      const Decision *d = &g_array_index (a->decisions, Decision, i);
      if (d->accepted)
        finding_evidence (f, d->device, d->seq);
    }
}

static void
rule_d16 (RuleCtx *c, FoldArea *a)
{
  for (guint i = 0; i < a->closes->len; i++)
    {
      const Close *cl = &g_array_index (a->closes, Close, i);

      for (guint j = 0; j < a->checkins->len; j++)
        {
          const Checkin *ci = &g_array_index (a->checkins, Checkin, j);
          VkFinding *f;

          if (ci->device != cl->device || ci->seq < cl->seq)
            continue;
          f = finding_add (
              c->findings, 16, VK_SEVERITY_WARNING, a->number,
              g_strdup_printf ("Område %u %s: vælger %u er afkrydset på %s efter afstemningens afslutning.", a->number,
                               area_label (a), ci->lnr, ci->device),
              g_strdup_printf ("Area %u %s: voter %u was checked in at %s after the poll was closed.", a->number,
                               area_label (a), ci->lnr, ci->device));
          finding_evidence (f, cl->device, cl->seq);
          finding_evidence (f, ci->device, ci->seq);
        }
    }
}

static void
rule_d17 (RuleCtx *c, FoldArea *a)
{
  g_autoptr (GHashTable) decided = g_hash_table_new (g_str_hash, g_str_equal);

  if (area_latest_signoff (a, VK_RESULT_FORELOEBIG) == NULL)
    return; /* brevstemmer may still be decided until the count */
  for (guint i = 0; i < a->decisions->len; i++)
    g_hash_table_add (decided, g_array_index (a->decisions, Decision, i).envelope);
  for (guint i = 0; i < a->brev->len; i++)
    {
      const Brev *b = &g_array_index (a->brev, Brev, i);
      VkFinding *f;

      if (g_hash_table_contains (decided, b->envelope))
        continue;
      f = finding_add (c->findings, 17, VK_SEVERITY_WARNING, a->number,
                       g_strdup_printf ("Område %u %s: brevstemme %s (vælger %u) er modtaget, men der er ingen "
                                        "afgørelse om den.",
                                        a->number, area_label (a), b->envelope, b->lnr),
                       g_strdup_printf ("Area %u %s: brevstemme %s (voter %u) was received but never decided.",
                                        a->number, area_label (a), b->envelope, b->lnr));
      finding_evidence (f, b->device, b->seq);
    }
}

static void
rule_d18_d19 (RuleCtx *c, FoldArea *a)
{
  for (guint i = 0; i < a->tallies->len; i++)
    {
      const Tally *t = &g_array_index (a->tallies, Tally, i);
      gboolean r1 = FALSE, r2 = FALSE;
      VkFinding *f;

      if (!t->signoff)
        continue;
      if (t->n_signers < 2)
        {
          f = finding_add (c->findings, 18, VK_SEVERITY_BLOCKING, a->number,
                           g_strdup_printf ("Område %u %s, %s: underskrevet af %u (mindst to skal underskrive).",
                                            a->number, area_label (a), kind_da (t->kind), t->n_signers),
                           g_strdup_printf ("Area %u %s, %s: signed by %u (at least two must sign).", a->number,
                                            area_label (a), kind_en (t->kind), t->n_signers));
          finding_evidence (f, t->device, t->seq);
        }
      for (guint j = 0; j < a->tallies->len; j++)
        {
          const Tally *u = &g_array_index (a->tallies, Tally, j);
          if (u->signoff || u->kind != t->kind || !vk_cbor_equal (u->counts, t->counts))
            continue;
          r1 |= u->round == 1;
          r2 |= u->round == 2;
        }
      if (r1 && r2)
        continue;
      f = finding_add (c->findings, 19, VK_SEVERITY_WARNING, a->number,
                       g_strdup_printf ("Område %u %s, %s: de underskrevne tal svarer ikke til to ens indtastninger "
                                        "(runde 1 og 2).",
                                        a->number, area_label (a), kind_da (t->kind)),
                       g_strdup_printf ("Area %u %s, %s: the signed counts do not match two equal entries (rounds 1 "
                                        "and 2).",
                                        a->number, area_label (a), kind_en (t->kind)));
      finding_evidence (f, t->device, t->seq);
    }
}

/* D20: a count was signed off, then signed off again with other numbers.
 * The fold uses the latest sign-off, so a station (or whoever holds its
 * key) could otherwise change a signed result without anyone noticing;
 * valgkit's own station refuses a second sign-off. */
static void
rule_d20 (RuleCtx *c, FoldArea *a)
{
  for (guint k = 0; k < 2; k++)
    {
      const Tally *first = NULL;

      for (guint i = 0; i < a->tallies->len; i++)
        {
          const Tally *t = &g_array_index (a->tallies, Tally, i);
          VkFinding *f;

          if (!t->signoff || t->kind != (VkResultKind)k)
            continue;
          if (first == NULL)
            {
              first = t;
              continue;
            }
          if (vk_cbor_equal (first->counts, t->counts))
            continue;
          f = finding_add (c->findings, 20, VK_SEVERITY_BLOCKING, a->number,
                           g_strdup_printf ("Område %u %s, %s: optællingen blev underskrevet igen med andre tal "
                                            "(%s#%" G_GUINT64_FORMAT " efter %s#%" G_GUINT64_FORMAT ").",
                                            a->number, area_label (a), kind_da (t->kind), t->device, t->seq,
                                            first->device, first->seq),
                           g_strdup_printf ("Area %u %s, %s: the count was signed off again with other numbers "
                                            "(%s#%" G_GUINT64_FORMAT " after %s#%" G_GUINT64_FORMAT ").",
                                            a->number, area_label (a), kind_en (t->kind), t->device, t->seq,
                                            first->device, first->seq));
          finding_evidence (f, first->device, first->seq);
          finding_evidence (f, t->device, t->seq);
          break;
        }
    }
}

static gint
compare_findings (gconstpointer pa, gconstpointer pb)
{
  const VkFinding *a = *(const VkFinding *const *)pa, *b = *(const VkFinding *const *)pb;

  if (a->rule != b->rule)
    return a->rule < b->rule ? -1 : 1;
  if (a->area != b->area)
    return a->area < b->area ? -1 : 1;
  return 0;
}

GPtrArray *
vk_rules_run (VkFold *fold, const VkRulesConfig *config)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_finding_free);
  VkRulesConfig defaults;
  RuleCtx c;

  g_return_val_if_fail (fold != NULL, findings);
  if (config == NULL)
    {
      vk_rules_config_init (&defaults, fold->election);
      config = &defaults;
    }
  c.fold = fold;
  c.config = config;
  c.findings = findings;

  rule_d01_d03 (&c);
  rule_d02 (&c);
  rule_d10 (&c);
  for (guint i = 0; i < fold->election->areas->len; i++)
    {
      const VkArea *va = g_ptr_array_index (fold->election->areas, i);
      FoldArea *a = g_hash_table_lookup (fold->areas, GUINT_TO_POINTER (va->number));
      g_autoptr (GHashTable) accepted = NULL;

      fold_resolve_area (fold, a, findings); /* D14 */
      accepted = area_accepted_voters (a);
      rule_d04 (&c, a);
      rule_d05 (&c, a, accepted);
      rule_d06 (&c, a);
      rule_d07 (&c, a, accepted);
      rule_d08_d12 (&c, a);
      rule_d09 (&c, a);
      rule_d11 (&c, a);
      rule_d13 (&c, a, accepted);
      rule_d15 (&c, a, accepted);
      rule_d16 (&c, a);
      rule_d17 (&c, a);
      rule_d18_d19 (&c, a);
      rule_d20 (&c, a);
    }
  /* g_ptr_array_sort() is a stable sort (g_qsort_with_data since GLib
   * 2.32): findings of one rule and area keep the order they were found. */
  g_ptr_array_sort (findings, compare_findings);
  return findings;
}

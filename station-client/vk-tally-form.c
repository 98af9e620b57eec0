/* vk-tally-form.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-tally-form.h"
#include "vk-tally-private.h"

static const guint invalid_codes[]
    = { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

struct _VkTallyForm
{
  const VkElection *election; /* borrowed: lists in the election's order */
  VkResultKind kind;
  guint area;
  VkAreaResult *result;
  VkBallotAccount ballots;
  /* The kept sums (VkCountSums, shared/vk-counts.h); personal is keyed by the
   * list ids of result. */
  VkCountSums sums;
  GHashTable *personal;
  /* Reason code → index in result->invalid_reasons, which holds every
   * code from the start and so never moves. */
  guint reason_index[33];
};

const guint *
vk_tally_form_invalid_codes (guint *ret_n)
{
  if (ret_n != NULL)
    *ret_n = G_N_ELEMENTS (invalid_codes);
  return invalid_codes;
}

VkTallyForm *
vk_tally_form_new (const VkElection *election, VkResultKind kind, guint area)
{
  VkTallyForm *self;
  const VkArea *a;

  g_return_val_if_fail (election != NULL, NULL);

  self = g_new0 (VkTallyForm, 1);
  self->election = election;
  self->kind = kind;
  self->area = area;
  a = vk_election_lookup_area (election, area);
  self->result = vk_area_result_new (kind, area, a != NULL ? a->name : "");
  self->result->eligible = a != NULL ? a->eligible : 0;
  self->personal = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  for (guint i = 0; i < election->lists->len; i++)
    {
      const VkList *list = g_ptr_array_index (election->lists, i);
      VkListResult *l = vk_area_result_add_list (self->result, list->id, 0, 0);

      if (kind != VK_RESULT_FINTAELLING)
        continue;
      l->has_list_votes = TRUE;
      g_hash_table_insert (self->personal, l->list_id, g_new0 (guint64, 1));
      for (guint c = 0; c < list->candidates->len; c++)
        {
          const VkCandidate *cand = g_ptr_array_index (list->candidates, c);

          /* FV: the area's opstillingskreds's candidates only. */
          if (vk_election_candidate_on_ballot (election, cand, area))
            vk_area_result_add_candidate (self->result, list->id, cand->id, 0);
        }
    }
  if (kind == VK_RESULT_FINTAELLING)
    {
      self->result->has_candidate_votes = TRUE;
      self->sums.personal = self->personal;
    }
  vk_area_result_add_invalid (self->result, VK_INVALID_BLANK_IN_PERSON, 0);
  vk_area_result_add_invalid (self->result, VK_INVALID_BLANK_POSTAL, 0);
  for (guint i = 0; i < G_N_ELEMENTS (invalid_codes); i++)
    vk_area_result_add_invalid (self->result, invalid_codes[i], 0);
  for (guint i = 0; i < self->result->invalid_reasons->len; i++)
    self->reason_index[g_array_index (self->result->invalid_reasons, VkInvalidReason, i).code] = i;
  self->result->has_invalid_detail = TRUE;
  return self;
}

void
vk_tally_form_free (VkTallyForm *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->personal, g_hash_table_unref);
  g_clear_pointer (&self->result, vk_area_result_free);
  g_free (self);
}

VkResultKind
vk_tally_form_get_kind (const VkTallyForm *self)
{
  g_return_val_if_fail (self != NULL, VK_RESULT_FORELOEBIG);
  return self->kind;
}

guint
vk_tally_form_get_area (const VkTallyForm *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->area;
}

static VkInvalidReason *
reason (const VkTallyForm *self, guint code)
{
  return &g_array_index (self->result->invalid_reasons, VkInvalidReason, self->reason_index[code]);
}

/* "invalid.<code>" → a reason code of other invalid ballots, or 0. */
static guint
parse_code (const char *text)
{
  guint64 code = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 2, 32, &code, NULL))
    return 0;
  for (guint i = 0; i < G_N_ELEMENTS (invalid_codes); i++)
    if (invalid_codes[i] == code)
      return (guint)code;
  return 0;
}

/* Where a field's number lives.  Exactly one of the out-pointers is set. */
typedef struct
{
  guint64 *plain;         /* top-level numbers and candidates */
  VkListResult *list;     /* lists.<id> (votes) or listestemmer.<id> */
  gboolean listestemmer;  /* list: the listestemmer, not the total */
  const char *list_id;    /* the list a candidate belongs to */
  VkInvalidReason *code;  /* invalid.<code> */
  VkInvalidReason *blank; /* the reason kept beside a blank field */
} Slot;

static gboolean
find_slot (const VkTallyForm *self, const char *field, Slot *slot)
{
  VkAreaResult *r = self->result;
  const char *dot = strchr (field, '.');

  memset (slot, 0, sizeof *slot);
  if (dot == NULL)
    {
      if (strcmp (field, "cast") == 0)
        slot->plain = &r->cast;
      else if (strcmp (field, "valid") == 0)
        slot->plain = &r->valid;
      else if (strcmp (field, "blank_fremmoedte") == 0)
        {
          slot->plain = &r->blank_in_person;
          slot->blank = reason (self, VK_INVALID_BLANK_IN_PERSON);
        }
      else if (strcmp (field, "blank_brev") == 0)
        {
          slot->plain = &r->blank_postal;
          slot->blank = reason (self, VK_INVALID_BLANK_POSTAL);
        }
      else if (strcmp (field, "invalid") == 0)
        slot->plain = &r->other_invalid;
      else if (strcmp (field, "received") == 0)
        slot->plain = (guint64 *)&self->ballots.received;
      else if (strcmp (field, "unused") == 0)
        slot->plain = (guint64 *)&self->ballots.unused;
      else if (strcmp (field, "returned") == 0)
        slot->plain = (guint64 *)&self->ballots.returned;
      return slot->plain != NULL;
    }
  if (g_str_has_prefix (field, "lists."))
    slot->list = g_hash_table_lookup (r->lists_by_id, dot + 1);
  else if (g_str_has_prefix (field, "listestemmer.") && self->kind == VK_RESULT_FINTAELLING)
    {
      slot->list = g_hash_table_lookup (r->lists_by_id, dot + 1);
      slot->listestemmer = TRUE;
    }
  else if (g_str_has_prefix (field, "candidates.") && self->kind == VK_RESULT_FINTAELLING)
    {
      slot->plain = g_hash_table_lookup (r->candidate_votes, dot + 1);
      slot->list_id = g_hash_table_lookup (r->candidate_list, dot + 1);
    }
  else if (g_str_has_prefix (field, "invalid."))
    {
      guint code = parse_code (dot + 1);
      slot->code = code != 0 ? reason (self, code) : NULL;
    }
  return slot->plain != NULL || slot->list != NULL || slot->code != NULL;
}

gboolean
vk_tally_form_has_field (const VkTallyForm *self, const char *field)
{
  Slot slot;

  g_return_val_if_fail (self != NULL && field != NULL, FALSE);
  return find_slot (self, field, &slot);
}

guint64
vk_tally_form_get (const VkTallyForm *self, const char *field)
{
  Slot slot;

  g_return_val_if_fail (self != NULL && field != NULL, 0);
  if (!find_slot (self, field, &slot))
    return 0;
  if (slot.plain != NULL)
    return *slot.plain;
  if (slot.list != NULL)
    return slot.listestemmer ? slot.list->list_votes : slot.list->votes;
  return slot.code->count;
}

static void
add_personal (VkTallyForm *self, const char *list_id, guint64 old, guint64 value)
{
  guint64 *sum = g_hash_table_lookup (self->personal, list_id);

  if (sum != NULL)
    *sum = *sum - old + value;
}

/* The fintælling breaks every invalid ballot down by reason.  On election
 * night valg.dk often has the total only (reasons all 0): a foreløbig
 * count with no reason typed is "not broken down" (code 0 in the counts
 * map) and T05 does not apply to it. */
static void
update_detail (VkTallyForm *self)
{
  self->result->has_invalid_detail
      = self->kind == VK_RESULT_FINTAELLING || self->sums.invalid_detail > 0 || self->result->other_invalid == 0;
}

gboolean
vk_tally_form_set (VkTallyForm *self, const char *field, guint64 value, const char **ret_list_id, GError **error)
{
  Slot slot;
  const char *list_id = NULL;

  g_return_val_if_fail (self != NULL && field != NULL, FALSE);

  if (!find_slot (self, field, &slot))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "the %s count has no field \"%s\"",
                   vk_result_kind_to_string (self->kind), field);
      return FALSE;
    }
  if (slot.plain != NULL)
    {
      if (slot.list_id != NULL)
        {
          add_personal (self, slot.list_id, *slot.plain, value);
          list_id = slot.list_id;
        }
      *slot.plain = value;
      if (slot.blank != NULL)
        slot.blank->count = value;
    }
  else if (slot.list != NULL && slot.listestemmer)
    {
      slot.list->list_votes = value;
      list_id = slot.list->list_id;
    }
  else if (slot.list != NULL)
    {
      self->sums.lists = self->sums.lists - slot.list->votes + value;
      slot.list->votes = value;
      list_id = slot.list->list_id;
    }
  else
    {
      self->sums.invalid_detail = self->sums.invalid_detail - slot.code->count + value;
      slot.code->count = value;
    }
  self->ballots.present = self->ballots.received != 0 || self->ballots.unused != 0 || self->ballots.returned != 0;
  update_detail (self);
  if (ret_list_id != NULL)
    *ret_list_id = list_id;
  return TRUE;
}

guint64
vk_tally_form_get_computed_total (const VkTallyForm *self, const char *list_id)
{
  const VkListResult *l;
  const guint64 *sum;

  g_return_val_if_fail (self != NULL && list_id != NULL, 0);
  l = g_hash_table_lookup (self->result->lists_by_id, list_id);
  sum = g_hash_table_lookup (self->personal, list_id);
  return (l != NULL ? l->list_votes : 0) + (sum != NULL ? *sum : 0);
}

guint64
vk_tally_form_get_lists_sum (const VkTallyForm *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sums.lists;
}

guint64
vk_tally_form_get_invalid_sum (const VkTallyForm *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sums.invalid_detail;
}

void
vk_tally_form_clear (VkTallyForm *self)
{
  VkAreaResult *r;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (self != NULL);
  r = self->result;
  r->cast = r->valid = r->blank_in_person = r->blank_postal = r->other_invalid = 0;
  memset (&self->ballots, 0, sizeof self->ballots);
  for (guint i = 0; i < r->lists->len; i++)
    {
      VkListResult *l = g_ptr_array_index (r->lists, i);
      l->votes = l->list_votes = 0;
    }
  g_hash_table_iter_init (&iter, r->candidate_votes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    *(guint64 *)value = 0;
  g_hash_table_iter_init (&iter, self->personal);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    *(guint64 *)value = 0;
  for (guint i = 0; i < r->invalid_reasons->len; i++)
    g_array_index (r->invalid_reasons, VkInvalidReason, i).count = 0;
  self->sums.lists = 0;
  self->sums.invalid_detail = 0;
  update_detail (self);
}

/* Sets every field of one map of the counts ("lists" → "lists.<id>"). */
static gboolean
load_map (VkTallyForm *self, const VkCbor *counts, const char *key, GError **error)
{
  VkCbor *map = vk_cbor_map_lookup_text (counts, key);

  if (map == NULL)
    return TRUE;
  if (vk_cbor_get_type (map) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts: \"%s\" is not a map", key);
      return FALSE;
    }
  for (gsize i = 0; i < vk_cbor_map_get_length (map); i++)
    {
      const char *id = vk_cbor_get_text (vk_cbor_map_get_key (map, i), NULL);
      VkCbor *v = vk_cbor_map_get_value (map, i);
      g_autofree char *field = NULL;

      if (id == NULL || vk_cbor_get_type (v) != VK_CBOR_UINT)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts: \"%s\" must map text to unsigned integers", key);
          return FALSE;
        }
      if (strcmp (key, "invalid") == 0 && strcmp (id, "0") == 0)
        {
          /* Not broken down: the total only. */
          self->result->other_invalid += vk_cbor_get_uint (v);
          continue;
        }
      field = g_strdup_printf ("%s.%s", key, id);
      if (!vk_tally_form_set (self, field, vk_cbor_get_uint (v), NULL, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
vk_tally_form_load (VkTallyForm *self, const VkCbor *counts, GError **error)
{
  static const char *const plain[]
      = { "cast", "valid", "blank_fremmoedte", "blank_brev", "received", "unused", "returned" };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  if (vk_cbor_get_type (counts) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts: not a map");
      return FALSE;
    }
  vk_tally_form_clear (self);
  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    {
      guint64 v = 0;
      VkCbor *item = vk_cbor_map_lookup_text (counts, plain[i]);

      if (item == NULL)
        continue;
      if (!vk_cbor_map_get_uint_field (counts, plain[i], &v, error))
        return FALSE;
      (void)vk_tally_form_set (self, plain[i], v, NULL, NULL);
    }
  if (!load_map (self, counts, "lists", error) || !load_map (self, counts, "invalid", error)
      || (self->kind == VK_RESULT_FINTAELLING
          && (!load_map (self, counts, "listestemmer", error) || !load_map (self, counts, "candidates", error))))
    {
      vk_tally_form_clear (self);
      return FALSE;
    }
  /* The counts map keeps no separate total of other invalid ballots: it
   * is the sum of the reasons (and of the total not broken down). */
  self->result->other_invalid += self->sums.invalid_detail;
  update_detail (self);
  return TRUE;
}

GPtrArray *
vk_tally_form_validate (const VkTallyForm *self, gint64 marked_voters, guint64 eligible)
{
  g_return_val_if_fail (self != NULL, NULL);
  return vk_tally_validate_sums (self->result, &self->sums, &self->ballots, marked_voters, eligible);
}

void
vk_tally_form_reconcile (const VkTallyForm *self, gint64 marked_voters, VkCountReconciliation *ret)
{
  g_return_if_fail (self != NULL && ret != NULL);
  vk_counts_reconcile (self->result, &self->sums, &self->ballots, marked_voters, ret);
}

GPtrArray *
vk_tally_form_dup_compare (const VkTallyForm *self, const VkAreaResult *foreloebig)
{
  g_return_val_if_fail (self != NULL && foreloebig != NULL, NULL);
  return vk_counts_compare (foreloebig, self->result, self->election);
}

const VkAreaResult *
vk_tally_form_get_result (const VkTallyForm *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->result;
}

const VkBallotAccount *
vk_tally_form_get_ballots (const VkTallyForm *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return &self->ballots;
}

guint64
vk_tally_form_enter (const VkTallyForm *self, VkStation *station, guint round, const char *by, GError **error)
{
  g_autoptr (GArray) failures = NULL;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (station != NULL, 0);

  failures = vk_counts_check (self->result, &self->sums, &self->ballots, -1, 0);
  if (!vk_tally_failures_to_error (failures, error))
    return 0;
  return vk_tally_enter (station, vk_election_contest_id (self->election), self->kind, self->area, round, by,
                         self->result, self->ballots.present ? &self->ballots : NULL, error);
}

/* vk-counts.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-counts.h"
#include "vk-error.h"
#include "vk-keys.h"

static VkCbor *
map_of_ids (GHashTable *values)
{
  VkCbor *map = vk_cbor_new_map ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    vk_cbor_map_set_uint (map, key, *(guint64 *)value);
  return map;
}

VkCbor *
vk_counts_to_cbor (const VkAreaResult *result, const VkBallotAccount *ballots)
{
  VkCbor *counts = vk_cbor_new_map ();
  VkCbor *lists = vk_cbor_new_map ();
  VkCbor *invalid = vk_cbor_new_map ();
  guint64 detail = 0;

  g_return_val_if_fail (result != NULL, NULL);

  vk_cbor_map_set_uint (counts, "cast", result->cast);
  vk_cbor_map_set_uint (counts, "valid", result->valid);
  vk_cbor_map_set_uint (counts, "blank_fremmoedte", result->blank_in_person);
  vk_cbor_map_set_uint (counts, "blank_brev", result->blank_postal);
  for (guint i = 0; i < result->invalid_reasons->len; i++)
    {
      const VkInvalidReason *r = &g_array_index (result->invalid_reasons, VkInvalidReason, i);
      g_autofree char *code = NULL;

      if (r->code == VK_INVALID_BLANK_IN_PERSON || r->code == VK_INVALID_BLANK_POSTAL)
        continue;
      code = g_strdup_printf ("%u", r->code);
      vk_cbor_map_set_uint (invalid, code, r->count);
      detail += r->count;
    }
  /* Without a breakdown by reason the total of other invalid ballots is
   * still recorded, under the reason code 0 ("not broken down"); reasons
   * listed with zero counts (valg.dk's election-night files) are no
   * breakdown. */
  if (!result->has_invalid_detail && result->other_invalid > 0 && detail == 0)
    {
      vk_cbor_unref (invalid);
      invalid = vk_cbor_new_map ();
      vk_cbor_map_set_uint (invalid, "0", result->other_invalid);
    }
  vk_cbor_map_insert_text (counts, "invalid", invalid);

  for (guint i = 0; i < result->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (result->lists, i);
      vk_cbor_map_set_uint (lists, l->list_id, l->votes);
    }
  vk_cbor_map_insert_text (counts, "lists", lists);

  if (result->lists->len > 0 && ((VkListResult *)g_ptr_array_index (result->lists, 0))->has_list_votes)
    {
      VkCbor *ls = vk_cbor_new_map ();
      for (guint i = 0; i < result->lists->len; i++)
        {
          const VkListResult *l = g_ptr_array_index (result->lists, i);
          vk_cbor_map_set_uint (ls, l->list_id, l->list_votes);
        }
      vk_cbor_map_insert_text (counts, "listestemmer", ls);
    }
  if (result->has_candidate_votes)
    vk_cbor_map_insert_text (counts, "candidates", map_of_ids (result->candidate_votes));

  if (ballots != NULL && ballots->present)
    {
      vk_cbor_map_set_uint (counts, "received", ballots->received);
      vk_cbor_map_set_uint (counts, "unused", ballots->unused);
      vk_cbor_map_set_uint (counts, "returned", ballots->returned);
    }
  return counts;
}

static gboolean
get_map (const VkCbor *counts, const char *key, gboolean required, VkCbor **ret, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (counts, key);

  if (v == NULL && !required)
    {
      *ret = NULL;
      return TRUE;
    }
  if (v == NULL || vk_cbor_get_type (v) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts: \"%s\" is %s", key, v == NULL ? "missing" : "not a map");
      return FALSE;
    }
  for (gsize i = 0; i < vk_cbor_map_get_length (v); i++)
    if (vk_cbor_get_type (vk_cbor_map_get_key (v, i)) != VK_CBOR_TEXT
        || vk_cbor_get_type (vk_cbor_map_get_value (v, i)) != VK_CBOR_UINT)
      {
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts: \"%s\" must map text to unsigned integers", key);
        return FALSE;
      }
  *ret = v;
  return TRUE;
}

VkAreaResult *
vk_counts_from_cbor (const VkCbor *counts, const VkElection *election, VkResultKind kind, guint area_number,
                     const char *area_name, VkBallotAccount *ret_ballots, GError **error)
{
  g_autoptr (VkAreaResult) result = NULL;
  VkCbor *lists, *listestemmer, *candidates, *invalid;
  VkBallotAccount ballots = { 0 };
  guint64 other = 0;

  g_return_val_if_fail (counts != NULL, NULL);

  if (vk_cbor_get_type (counts) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts: not a map");
      return NULL;
    }
  result = vk_area_result_new (kind, area_number, area_name != NULL ? area_name : "");
  if (!vk_cbor_map_get_uint_field (counts, "cast", &result->cast, error)
      || !vk_cbor_map_get_uint_field (counts, "valid", &result->valid, error)
      || !vk_cbor_map_get_uint_field (counts, "blank_fremmoedte", &result->blank_in_person, error)
      || !vk_cbor_map_get_uint_field (counts, "blank_brev", &result->blank_postal, error)
      || !get_map (counts, "lists", TRUE, &lists, error) || !get_map (counts, "invalid", TRUE, &invalid, error)
      || !get_map (counts, "listestemmer", FALSE, &listestemmer, error)
      || !get_map (counts, "candidates", FALSE, &candidates, error))
    {
      g_prefix_error (error, "counts: ");
      return NULL;
    }

  if (vk_cbor_map_lookup_text (counts, "received") != NULL)
    {
      if (!vk_cbor_map_get_uint_field (counts, "received", &ballots.received, error)
          || !vk_cbor_map_get_uint_field (counts, "unused", &ballots.unused, error)
          || !vk_cbor_map_get_uint_field (counts, "returned", &ballots.returned, error))
        {
          g_prefix_error (error, "counts: ");
          return NULL;
        }
      ballots.present = TRUE;
    }

  vk_area_result_add_invalid (result, VK_INVALID_BLANK_IN_PERSON, result->blank_in_person);
  vk_area_result_add_invalid (result, VK_INVALID_BLANK_POSTAL, result->blank_postal);
  result->has_invalid_detail = TRUE;
  for (gsize i = 0; i < vk_cbor_map_get_length (invalid); i++)
    {
      const char *code_text = vk_cbor_get_text (vk_cbor_map_get_key (invalid, i), NULL);
      guint64 code = 0;
      guint64 n = vk_cbor_get_uint (vk_cbor_map_get_value (invalid, i));

      if (!g_ascii_string_to_unsigned (code_text, 10, 0, 32, &code, NULL) || code == VK_INVALID_BLANK_IN_PERSON
          || code == VK_INVALID_BLANK_POSTAL || (code > 13 && code < 22))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts: invalid: \"%s\" is not a reason code (2–13, 22–32)",
                       code_text);
          return NULL;
        }
      if (code == 0)
        result->has_invalid_detail = FALSE;
      else
        vk_area_result_add_invalid (result, (guint)code, n);
      other += n;
    }
  result->other_invalid = other;

  for (gsize i = 0; i < vk_cbor_map_get_length (lists); i++)
    {
      const char *id = vk_cbor_get_text (vk_cbor_map_get_key (lists, i), NULL);
      VkCbor *lv = listestemmer != NULL ? vk_cbor_map_lookup_text (listestemmer, id) : NULL;
      VkListResult *l;

      if (election != NULL && vk_election_lookup_list (election, id) == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts: lists: \"%s\" is not a list of this election", id);
          return NULL;
        }
      l = vk_area_result_add_list (result, id, vk_cbor_get_uint (vk_cbor_map_get_value (lists, i)),
                                   lv != NULL ? vk_cbor_get_uint (lv) : 0);
      l->has_list_votes = listestemmer != NULL;
    }
  if (candidates != NULL)
    {
      for (gsize i = 0; i < vk_cbor_map_get_length (candidates); i++)
        {
          const char *id = vk_cbor_get_text (vk_cbor_map_get_key (candidates, i), NULL);
          const VkCandidate *c = election != NULL ? vk_election_lookup_candidate (election, id) : NULL;

          if (election != NULL && c == NULL)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                           "counts: candidates: \"%s\" is not a candidate of this election", id);
              return NULL;
            }
          /* FV: personal votes only for the candidates of the area's
           * opstillingskreds (an unknown area is not checked here). */
          if (c != NULL && vk_cbor_get_uint (vk_cbor_map_get_value (candidates, i)) > 0
              && vk_election_lookup_area (election, area_number) != NULL
              && !vk_election_candidate_on_ballot (election, c, area_number))
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                           "counts: candidates: \"%s\" does not stand in the opstillingskreds of area %u", id,
                           area_number);
              return NULL;
            }
          vk_area_result_add_candidate (result, c != NULL ? c->list->id : NULL, id,
                                        vk_cbor_get_uint (vk_cbor_map_get_value (candidates, i)));
        }
      result->has_candidate_votes = TRUE;
    }

  if (ret_ballots != NULL)
    *ret_ballots = ballots;
  return g_steal_pointer (&result);
}

void
vk_counts_digest (const VkCbor *counts, guint8 ret_digest[32])
{
  g_autoptr (GBytes) bytes = vk_cbor_encode (counts);

  vk_sha256 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), ret_digest);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static void
diff_into (GPtrArray *out, const char *prefix, const VkCbor *a, const VkCbor *b)
{
  g_autoptr (GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);

  for (gsize i = 0; a != NULL && i < vk_cbor_map_get_length (a); i++)
    g_hash_table_add (keys, (gpointer)vk_cbor_get_text (vk_cbor_map_get_key (a, i), NULL));
  for (gsize i = 0; b != NULL && i < vk_cbor_map_get_length (b); i++)
    g_hash_table_add (keys, (gpointer)vk_cbor_get_text (vk_cbor_map_get_key (b, i), NULL));

  {
    g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
    GHashTableIter iter;
    gpointer k;

    g_hash_table_iter_init (&iter, keys);
    while (g_hash_table_iter_next (&iter, &k, NULL))
      g_ptr_array_add (sorted, k);
    g_ptr_array_sort (sorted, compare_strings);
    for (guint i = 0; i < sorted->len; i++)
      {
        const char *key = g_ptr_array_index (sorted, i);
        VkCbor *va = a != NULL ? vk_cbor_map_lookup_text (a, key) : NULL;
        VkCbor *vb = b != NULL ? vk_cbor_map_lookup_text (b, key) : NULL;
        g_autofree char *name = prefix != NULL ? g_strdup_printf ("%s.%s", prefix, key) : g_strdup (key);

        if (prefix == NULL
            && ((va != NULL && vk_cbor_get_type (va) == VK_CBOR_MAP)
                || (vb != NULL && vk_cbor_get_type (vb) == VK_CBOR_MAP)))
          diff_into (out, key, va, vb);
        else if (va == NULL || vb == NULL || !vk_cbor_equal (va, vb))
          g_ptr_array_add (out, g_steal_pointer (&name));
      }
  }
}

GPtrArray *
vk_counts_diff (const VkCbor *a, const VkCbor *b)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (a != NULL && b != NULL, out);
  diff_into (out, NULL, a, b);
  return out;
}

GBytes *
vk_counts_signoff_payload (const guint8 election_id[32], const char *contest, const char *kind, guint area,
                           const guint8 counts_digest[32])
{
  g_autoptr (VkCbor) payload = vk_cbor_new_array ();

  vk_cbor_array_append (payload, vk_cbor_new_text ("valgkit-signoff-v1", -1));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (election_id, 32));
  vk_cbor_array_append (payload, vk_cbor_new_text (kind, -1));
  vk_cbor_array_append (payload, vk_cbor_new_uint (area));
  vk_cbor_array_append (payload, vk_cbor_new_bytes (counts_digest, 32));
  if (contest != NULL)
    vk_cbor_array_append (payload, vk_cbor_new_text (contest, -1));
  return vk_cbor_encode (payload);
}

/* Doubtful ballots. */

gboolean
vk_counts_is_invalid_code (guint64 code)
{
  return (code >= 1 && code <= 13) || (code >= 21 && code <= 32);
}

gboolean
vk_counts_parse_doubtful_decision (const VkElection *election, const VkCbor *decision, VkDoubtfulTo *ret_to,
                                   const char **ret_id, const char **ret_list_id, guint *ret_code, GError **error)
{
  const char *id;
  guint64 code = 0;

  g_return_val_if_fail (election != NULL, FALSE);

  if (decision == NULL || vk_cbor_get_type (decision) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"decision\" is not a map");
      return FALSE;
    }
  if ((id = vk_cbor_map_get_text_field (decision, "list", NULL)) != NULL)
    {
      const VkList *l = vk_election_lookup_list (election, id);

      if (l == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "decision.list \"%s\" is not a list of this election", id);
          return FALSE;
        }
      *ret_to = VK_DOUBTFUL_LIST;
      *ret_id = l->id;
      *ret_list_id = l->id;
      *ret_code = 0;
      return TRUE;
    }
  if ((id = vk_cbor_map_get_text_field (decision, "candidate", NULL)) != NULL)
    {
      const VkCandidate *c = vk_election_lookup_candidate (election, id);

      if (c == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND,
                       "decision.candidate \"%s\" is not a candidate of this election", id);
          return FALSE;
        }
      *ret_to = VK_DOUBTFUL_CANDIDATE;
      *ret_id = c->id;
      *ret_list_id = c->list->id;
      *ret_code = 0;
      return TRUE;
    }
  if (vk_cbor_map_get_uint_field (decision, "invalid", &code, NULL))
    {
      if (!vk_counts_is_invalid_code (code))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "decision.invalid %" G_GUINT64_FORMAT " is not a reason code (1–13, 21–32)", code);
          return FALSE;
        }
      *ret_to = VK_DOUBTFUL_INVALID;
      *ret_id = NULL;
      *ret_list_id = NULL;
      *ret_code = (guint)code;
      return TRUE;
    }
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "field \"decision\" has none of list, candidate, invalid");
  return FALSE;
}

void
vk_counts_add_decided_ballots (VkAreaResult *result, VkDoubtfulTo to, const char *id, const char *list_id, guint code,
                               guint64 count)
{
  g_return_if_fail (result != NULL);

  result->cast += count;
  if (to == VK_DOUBTFUL_INVALID)
    {
      if (code == VK_INVALID_BLANK_IN_PERSON)
        result->blank_in_person += count;
      else if (code == VK_INVALID_BLANK_POSTAL)
        result->blank_postal += count;
      else
        result->other_invalid += count;
      vk_area_result_add_invalid (result, code, count);
      return;
    }
  result->valid += count;
  if (to == VK_DOUBTFUL_LIST)
    {
      VkListResult *l = g_hash_table_lookup (result->lists_by_id, id);
      gboolean has_lv = l != NULL ? l->has_list_votes : result->has_candidate_votes;

      l = vk_area_result_add_list (result, id, count, has_lv ? count : 0);
      l->has_list_votes = has_lv;
    }
  else
    {
      /* The personal vote counts in the list's total. */
      vk_area_result_add_list (result, list_id, count, 0);
      if (result->has_candidate_votes)
        vk_area_result_add_candidate (result, list_id, id, count);
    }
}

gboolean
vk_counts_add_doubtful_decision (VkAreaResult *result, const VkElection *election, const VkCbor *decision,
                                 guint64 count, GError **error)
{
  VkDoubtfulTo to;
  const char *id, *list_id;
  guint code;

  g_return_val_if_fail (result != NULL, FALSE);

  if (!vk_counts_parse_doubtful_decision (election, decision, &to, &id, &list_id, &code, error))
    return FALSE;
  vk_counts_add_decided_ballots (result, to, id, list_id, code, count);
  return TRUE;
}

/* ---- The count arithmetic ---------------------------------------------- */

static const char *const check_codes[]
    = { "T01", "T02", "T03", "T04", "T05", "T05", "T10", "T10", "T11", "T12", "T13", "T14" };

const char *
vk_count_check_get_code (VkCountCheck check)
{
  g_return_val_if_fail ((guint)check < G_N_ELEMENTS (check_codes), "");
  return check_codes[check];
}

gboolean
vk_count_check_is_blocking (VkCountCheck check)
{
  return check <= VK_COUNT_CHECK_BLANK_REASON;
}

void
vk_count_sums_compute (const VkAreaResult *result, VkCountSums *ret_sums)
{
  g_return_if_fail (result != NULL && ret_sums != NULL);

  memset (ret_sums, 0, sizeof *ret_sums);
  for (guint i = 0; i < result->lists->len; i++)
    ret_sums->lists += ((VkListResult *)g_ptr_array_index (result->lists, i))->votes;
  for (guint i = 0; i < result->invalid_reasons->len; i++)
    {
      const VkInvalidReason *r = &g_array_index (result->invalid_reasons, VkInvalidReason, i);
      if (r->code != VK_INVALID_BLANK_IN_PERSON && r->code != VK_INVALID_BLANK_POSTAL)
        ret_sums->invalid_detail += r->count;
    }
  if (result->has_candidate_votes)
    {
      GHashTableIter iter;
      gpointer key, value;

      ret_sums->personal = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
      g_hash_table_iter_init (&iter, result->candidate_list);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          guint64 *sum = g_hash_table_lookup (ret_sums->personal, value);
          if (sum == NULL)
            {
              sum = g_new0 (guint64, 1);
              g_hash_table_insert (ret_sums->personal, value, sum);
            }
          *sum += vk_area_result_get_candidate_votes (result, key);
        }
    }
}

void
vk_count_sums_clear (VkCountSums *sums)
{
  if (sums == NULL)
    return;
  g_clear_pointer (&sums->personal, g_hash_table_unref);
  memset (sums, 0, sizeof *sums);
}

void
vk_counts_reconcile (const VkAreaResult *result, const VkCountSums *sums, const VkBallotAccount *ballots,
                     gint64 marked_voters, VkCountReconciliation *ret)
{
  VkCountSums own = { 0 };

  g_return_if_fail (result != NULL && ret != NULL);

  if (sums == NULL)
    {
      /* The list sum only: no personal votes needed here. */
      for (guint i = 0; i < result->lists->len; i++)
        own.lists += ((VkListResult *)g_ptr_array_index (result->lists, i))->votes;
      sums = &own;
    }
  memset (ret, 0, sizeof *ret);
  ret->cast = result->cast;
  ret->valid = result->valid;
  ret->cast_sum = result->valid + result->blank_in_person + result->blank_postal + result->other_invalid;
  ret->cast_adds_up = ret->cast_sum == result->cast;
  ret->lists = sums->lists;
  ret->lists_add_up = sums->lists == result->valid;
  ret->has_ballots = ballots != NULL && ballots->present;
  ret->ballots_add_up = TRUE;
  if (ret->has_ballots)
    {
      ret->received = ballots->received;
      ret->accounted = result->cast + ballots->unused + ballots->returned;
      ret->ballots_add_up = ret->received == ret->accounted;
    }
  ret->marked = marked_voters >= 0 ? marked_voters : -1;
  ret->matches_marked = TRUE;
  if (marked_voters >= 0)
    {
      ret->marked_difference = (gint64)result->cast - marked_voters;
      ret->matches_marked = ret->marked_difference == 0;
    }
}

static void
add_check_failure (GArray *out, VkCountCheck check, const char *list_id, const char *other_list_id, guint code,
                   guint64 expected, guint64 actual)
{
  VkCountFailure f = { check, list_id, other_list_id, code, (gint64)expected, (gint64)actual };

  g_array_append_val (out, f);
}

/* over / total > percent / 100, exactly. */
static gboolean
above_percent (guint64 over, guint64 total, guint percent)
{
  return total > 0 && over * 100 > total * percent;
}

GArray *
vk_counts_check (const VkAreaResult *c, const VkCountSums *sums, const VkBallotAccount *ballots, gint64 marked_voters,
                 guint64 eligible)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (VkCountFailure));
  VkCountSums own = { 0 };
  VkCountReconciliation rec;

  g_return_val_if_fail (c != NULL, out);

  if (sums == NULL)
    {
      vk_count_sums_compute (c, &own);
      sums = &own;
    }
  vk_counts_reconcile (c, sums, ballots, marked_voters, &rec);

  /* T01, T02. */
  if (!rec.cast_adds_up)
    add_check_failure (out, VK_COUNT_CHECK_CAST_SUM, NULL, NULL, 0, rec.cast_sum, c->cast);
  if (!rec.lists_add_up)
    add_check_failure (out, VK_COUNT_CHECK_LISTS_SUM, NULL, NULL, 0, rec.lists, c->valid);

  /* T03: list total = listestemmer + Σ personal votes. */
  if (c->has_candidate_votes)
    for (guint i = 0; i < c->lists->len; i++)
      {
        const VkListResult *l = g_ptr_array_index (c->lists, i);
        const guint64 *p = sums->personal != NULL ? g_hash_table_lookup (sums->personal, l->list_id) : NULL;
        guint64 expected = l->list_votes + (p != NULL ? *p : 0);

        if (l->votes != expected)
          add_check_failure (out, VK_COUNT_CHECK_LIST_TOTAL, l->list_id, NULL, 0, expected, l->votes);
      }

  /* T04. */
  if (!rec.ballots_add_up)
    add_check_failure (out, VK_COUNT_CHECK_BALLOTS, NULL, NULL, 0, rec.accounted, rec.received);

  /* T05: the reasons add up to the other invalid ballots, and the blank
   * reasons (when listed) to the blank ballots. */
  if (c->has_invalid_detail && sums->invalid_detail != c->other_invalid)
    add_check_failure (out, VK_COUNT_CHECK_INVALID_REASONS, NULL, NULL, 0, sums->invalid_detail, c->other_invalid);
  if (c->invalid_reasons->len > 0)
    {
      guint64 r1 = vk_area_result_get_invalid (c, VK_INVALID_BLANK_IN_PERSON);
      guint64 r21 = vk_area_result_get_invalid (c, VK_INVALID_BLANK_POSTAL);

      if (r1 != c->blank_in_person)
        add_check_failure (out, VK_COUNT_CHECK_BLANK_REASON, NULL, NULL, VK_INVALID_BLANK_IN_PERSON, r1,
                           c->blank_in_person);
      if (r21 != c->blank_postal)
        add_check_failure (out, VK_COUNT_CHECK_BLANK_REASON, NULL, NULL, VK_INVALID_BLANK_POSTAL, r21, c->blank_postal);
    }

  /* T10: blank or invalid above 3 % of cast (the Abacus threshold). */
  if (above_percent (c->blank_in_person + c->blank_postal, c->cast, 3))
    add_check_failure (out, VK_COUNT_CHECK_BLANK_SHARE, NULL, NULL, 0, c->cast, c->blank_in_person + c->blank_postal);
  if (above_percent (c->other_invalid, c->cast, 3))
    add_check_failure (out, VK_COUNT_CHECK_INVALID_SHARE, NULL, NULL, 0, c->cast, c->other_invalid);

  /* T11: ballots in the urn against marked voters. */
  if (!rec.matches_marked)
    add_check_failure (out, VK_COUNT_CHECK_MARKED, NULL, NULL, 0, (guint64)rec.marked, c->cast);

  /* T12, T13. */
  if (c->cast == 0)
    add_check_failure (out, VK_COUNT_CHECK_NONE_CAST, NULL, NULL, 0, 0, 0);
  if (eligible > 0 && c->cast > eligible)
    add_check_failure (out, VK_COUNT_CHECK_ABOVE_ELIGIBLE, NULL, NULL, 0, eligible, c->cast);

  /* T14: two lists with the same, non-trivial numbers in every column: a
   * block typed twice. */
  for (guint i = 0; i < c->lists->len; i++)
    for (guint j = i + 1; j < c->lists->len; j++)
      {
        const VkListResult *a = g_ptr_array_index (c->lists, i);
        const VkListResult *b = g_ptr_array_index (c->lists, j);

        if (a->votes >= 10 && a->votes == b->votes && a->has_list_votes && a->list_votes == b->list_votes
            && a->list_votes > 0)
          add_check_failure (out, VK_COUNT_CHECK_SAME_LISTS, a->list_id, b->list_id, 0, a->votes, b->votes);
      }

  vk_count_sums_clear (&own);
  return out;
}

gboolean
vk_count_failures_have_blocking (GArray *failures)
{
  g_return_val_if_fail (failures != NULL, FALSE);
  for (guint i = 0; i < failures->len; i++)
    if (vk_count_check_is_blocking (g_array_index (failures, VkCountFailure, i).check))
      return TRUE;
  return FALSE;
}

void
vk_count_difference_free (VkCountDifference *self)
{
  if (self == NULL)
    return;
  g_free (self->field);
  g_free (self->list_id);
  g_free (self);
}

static void
add_difference (GPtrArray *out, const char *field, const char *list_id, guint64 first, guint64 second)
{
  VkCountDifference *d = g_new0 (VkCountDifference, 1);

  d->field = g_strdup (field);
  d->list_id = g_strdup (list_id);
  d->first = first;
  d->second = second;
  g_ptr_array_add (out, d);
}

static void
compare_list (GPtrArray *out, const VkAreaResult *first, const VkAreaResult *second, const char *list_id,
              GHashTable *seen)
{
  guint64 a, b;
  g_autofree char *field = NULL;

  if (!g_hash_table_add (seen, (gpointer)list_id))
    return;
  a = vk_area_result_get_list_votes (first, list_id);
  b = vk_area_result_get_list_votes (second, list_id);
  if (a == b)
    return;
  field = g_strdup_printf ("lists.%s", list_id);
  add_difference (out, field, list_id, a, b);
}

GPtrArray *
vk_counts_compare (const VkAreaResult *first, const VkAreaResult *second, const VkElection *election)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_count_difference_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (first != NULL && second != NULL, out);

  {
    const struct
    {
      const char *field;
      guint64 a, b;
    } top[] = {
      { "cast", first->cast, second->cast },
      { "valid", first->valid, second->valid },
      { "blank_fremmoedte", first->blank_in_person, second->blank_in_person },
      { "blank_brev", first->blank_postal, second->blank_postal },
      { "invalid", first->other_invalid, second->other_invalid },
    };

    for (guint i = 0; i < G_N_ELEMENTS (top); i++)
      if (top[i].a != top[i].b)
        add_difference (out, top[i].field, NULL, top[i].a, top[i].b);
  }
  /* Each list once: in the election's order, then any list only a count
   * has, in that count's order. */
  for (guint i = 0; election != NULL && i < election->lists->len; i++)
    compare_list (out, first, second, ((const VkList *)g_ptr_array_index (election->lists, i))->id, seen);
  for (guint k = 0; k < 2; k++)
    {
      const VkAreaResult *r = k == 0 ? first : second;

      for (guint i = 0; i < r->lists->len; i++)
        compare_list (out, first, second, ((const VkListResult *)g_ptr_array_index (r->lists, i))->list_id, seen);
    }
  return out;
}

/* The number of one field of a counts map ("cast", "lists.<id>"); 0
 * when absent. */
static guint64
counts_field (const VkCbor *counts, const char *field)
{
  const char *dot = strchr (field, '.');
  VkCbor *v;

  if (dot == NULL)
    v = vk_cbor_map_lookup_text (counts, field);
  else
    {
      g_autofree char *group = g_strndup (field, dot - field);
      VkCbor *map = vk_cbor_map_lookup_text (counts, group);
      v = map != NULL && vk_cbor_get_type (map) == VK_CBOR_MAP ? vk_cbor_map_lookup_text (map, dot + 1) : NULL;
    }
  return v != NULL && vk_cbor_get_type (v) == VK_CBOR_UINT ? vk_cbor_get_uint (v) : 0;
}

GPtrArray *
vk_counts_dup_differences (const VkCbor *first, const VkCbor *second)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_count_difference_free);
  g_autoptr (GPtrArray) names = NULL;

  g_return_val_if_fail (first != NULL && second != NULL, out);
  names = vk_counts_diff (first, second);
  for (guint i = 0; i < names->len; i++)
    {
      const char *field = g_ptr_array_index (names, i);
      const char *dot = strchr (field, '.');
      g_autofree char *list_id = NULL;

      if (dot != NULL && (g_str_has_prefix (field, "lists.") || g_str_has_prefix (field, "listestemmer.")))
        list_id = g_strdup (dot + 1);
      add_difference (out, field, list_id, counts_field (first, field), counts_field (second, field));
    }
  return out;
}

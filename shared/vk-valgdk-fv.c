/* vk-valgdk-fv.c: FV-, EV- and FA-Valgresultater of one polling area.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-json-private.h"
#include "vk-valgdk-export-private.h"
#include "vk-valgdk-fv.h"

static gboolean failf (GError **error, const VkArea *area, const char *field, const char *fmt, ...)
    G_GNUC_PRINTF (4, 5);

static gboolean
failf (GError **error, const VkArea *area, const char *field, const char *fmt, ...)
{
  g_autofree char *what = NULL;
  va_list ap;

  va_start (ap, fmt);
  what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  return vk_valgdk_export_fail (error, area, field, what);
}

static gboolean
add_int (JsonBuilder *b, const VkArea *area, const char *member, const char *label, guint64 v, GError **error)
{
  if (v > G_MAXINT32)
    return failf (error, area, label, "%" G_GUINT64_FORMAT " is more than valg.dk's int32 allows", v);
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, (gint64)v);
  return TRUE;
}

static gboolean
check_type (const VkElection *contest, const VkArea *area, VkElectionType type, const char *shape, GError **error)
{
  if (contest->type != type)
    return failf (error, area, "Valgart", "a %s contest has no %s file", vk_election_contest_id (contest), shape);
  return TRUE;
}

/* One party or list in the schemas' "Parti" shape.  all_candidates: every
 * candidate of the list (EV), else those the count has votes for (FV). */
static gboolean
add_parti (JsonBuilder *b, const VkArea *area, const VkList *list, const VkListResult *l, const VkAreaResult *result,
           const VkValgdkPreviousArea *prev, gboolean all_candidates, GError **error)
{
  g_autofree char *label = g_strdup_printf ("%s (%s)", "Stemmer", *list->letter != '\0' ? list->letter : list->id);
  const gint64 *before
      = prev != NULL && *list->letter != '\0' ? g_hash_table_lookup (prev->letters, list->letter) : NULL;

  json_builder_begin_object (b);
  vk_json_builder_add_string (b, "PartiId", list->id);
  vk_json_builder_add_string (b, "PartiNavn", list->name);
  vk_json_builder_add_string (b, "Bogstavbetegnelse", list->letter);
  if (!add_int (b, area, "Stemmer", label, l->votes, error))
    return FALSE;
  json_builder_set_member_name (b, "Partistemmer");
  if (l->has_list_votes && result->has_candidate_votes)
    {
      if (l->list_votes > G_MAXINT32)
        return failf (error, area, label, "Partistemmer beyond int32");
      json_builder_add_int_value (b, (gint64)l->list_votes);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "StemmerDifferenceFraForrigeValg");
  if (before != NULL)
    json_builder_add_int_value (b, (gint64)l->votes - *before);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "Kandidater");
  if (!result->has_candidate_votes)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_array (b);
      for (guint k = 0; k < list->candidates->len; k++)
        {
          const VkCandidate *c = g_ptr_array_index (list->candidates, k);
          guint64 v = vk_area_result_get_candidate_votes (result, c->id);

          if (!all_candidates && !g_hash_table_contains (result->candidate_votes, c->id))
            continue;
          json_builder_begin_object (b);
          vk_json_builder_add_string (b, "Id", c->id);
          vk_json_builder_add_string (b, "Stemmeseddelnavn", c->ballot_name);
          if (!add_int (b, area, "Stemmer", "Kandidater", v, error))
            return FALSE;
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return TRUE;
}

/* The members every kind shares, after the kind's own. */
static char *
finish (JsonBuilder *b, const VkElection *contest, const VkArea *area, const VkValgdkPlace *place,
        const VkAreaResult *result, const VkValgdkPrevious *previous, GError **error)
{
  if (!vk_valgdk_add_area_members (b, contest, area, result, place, previous, NULL, error))
    return NULL;
  json_builder_end_object (b);
  return vk_valgdk_builder_to_data (b);
}

static const VkValgdkPreviousArea *
previous_area (const VkArea *area, const VkAreaResult *result, const VkValgdkPrevious *previous)
{
  const char *dagi = area->dagi_id != NULL && *area->dagi_id != '\0' ? area->dagi_id : result->dagi_id;
  return dagi != NULL ? vk_valgdk_previous_lookup (previous, dagi) : NULL;
}

char *
vk_valgdk_fv_area_result_to_json (const VkElection *contest, const VkArea *area, const VkValgdkPlace *place,
                                  const VkAreaResult *result, const VkValgdkPrevious *previous, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const VkValgdkPreviousArea *prev;
  guint64 sum = 0;

  g_return_val_if_fail (contest != NULL && area != NULL && result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_type (contest, area, VK_ELECTION_FV, "FV-Valgresultater", error)
      || !vk_valgdk_check_result_ids (contest, area, result, "Stemmer", error))
    return NULL;
  if (place == NULL || place->storkreds == NULL || *place->storkreds == '\0' || place->opstillingskreds == NULL
      || place->opstillingskreds_dagi_id == NULL || *place->opstillingskreds_dagi_id == '\0')
    {
      failf (error, area, "Storkreds", "a folketingsvalg area needs its storkreds and opstillingskreds");
      return NULL;
    }
  prev = previous_area (area, result, previous);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "IndenforParti");
  json_builder_begin_array (b);
  for (guint i = 0; i < contest->lists->len; i++)
    {
      const VkList *list = g_ptr_array_index (contest->lists, i);
      const VkListResult *l = g_hash_table_lookup (result->lists_by_id, list->id);

      if (l == NULL || *list->letter == '\0')
        continue;
      if (!add_parti (b, area, list, l, result, prev, FALSE, error))
        return NULL;
      sum += l->votes;
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "UdenforParti");
  json_builder_begin_array (b);
  for (guint i = 0; i < contest->lists->len; i++)
    {
      const VkList *list = g_ptr_array_index (contest->lists, i);
      const VkListResult *l = g_hash_table_lookup (result->lists_by_id, list->id);
      const VkCandidate *c;

      if (l == NULL || *list->letter != '\0')
        continue;
      if (list->candidates->len != 1)
        {
          failf (error, area, "UdenforParti",
                 "list %s has no letter but %u candidates: a candidate outside the "
                 "parties stands alone",
                 list->id, list->candidates->len);
          return NULL;
        }
      c = g_ptr_array_index (list->candidates, 0);
      json_builder_begin_object (b);
      vk_json_builder_add_string (b, "Id", c->id);
      vk_json_builder_add_string (b, "Stemmeseddelnavn", c->ballot_name);
      if (!add_int (b, area, "Stemmer", "UdenforParti", l->votes, error))
        return NULL;
      json_builder_end_object (b);
      sum += l->votes;
    }
  json_builder_end_array (b);
  if (sum != result->valid)
    {
      failf (error, area, "GyldigeStemmer",
             "%" G_GUINT64_FORMAT ", but the parties and the candidates outside them have %" G_GUINT64_FORMAT,
             result->valid, sum);
      return NULL;
    }
  return finish (b, contest, area, place, result, previous, error);
}

char *
vk_valgdk_ev_area_result_to_json (const VkElection *contest, const VkArea *area, const VkValgdkPlace *place,
                                  const VkAreaResult *result, const VkValgdkPrevious *previous, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const VkValgdkPreviousArea *prev;

  g_return_val_if_fail (contest != NULL && area != NULL && result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_type (contest, area, VK_ELECTION_EP, "EV-Valgresultater", error)
      || !vk_valgdk_check_result_ids (contest, area, result, "Stemmer", error))
    return NULL;
  prev = previous_area (area, result, previous);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Kandidatlister");
  json_builder_begin_array (b);
  for (guint i = 0; i < contest->lists->len; i++)
    {
      const VkList *list = g_ptr_array_index (contest->lists, i);
      const VkListResult *l = g_hash_table_lookup (result->lists_by_id, list->id);

      if (l != NULL && !add_parti (b, area, list, l, result, prev, TRUE, error))
        return NULL;
    }
  json_builder_end_array (b);
  return finish (b, contest, area, place, result, previous, error);
}

/* The list's letter, else its id, is the answer; or (a package's
 * folkeafstemning, vk_election_add_fa_question()) its id is
 * "<contest id>-ja" / "-nej". */
static gboolean
is_answer (const VkList *list, const char *answer)
{
  const char *dash;

  if (*list->letter != '\0')
    return g_ascii_strcasecmp (list->letter, answer) == 0;
  if (g_ascii_strcasecmp (list->id, answer) == 0)
    return TRUE;
  dash = strrchr (list->id, '-');
  return dash != NULL && g_ascii_strcasecmp (dash + 1, answer) == 0;
}

char *
vk_valgdk_fa_area_result_to_json (const VkElection *contest, const VkArea *area, const VkValgdkPlace *place,
                                  const VkAreaResult *result, const VkValgdkPrevious *previous, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const VkList *ja = NULL, *nej = NULL;
  guint64 vja, vnej;

  g_return_val_if_fail (contest != NULL && area != NULL && result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_type (contest, area, VK_ELECTION_FA, "FA-Valgresultater", error)
      || !vk_valgdk_check_result_ids (contest, area, result, "Stemmer", error))
    return NULL;
  for (guint i = 0; i < contest->lists->len; i++)
    {
      const VkList *list = g_ptr_array_index (contest->lists, i);
      if (is_answer (list, "JA") && ja == NULL)
        ja = list;
      else if (is_answer (list, "NEJ") && nej == NULL)
        nej = list;
      else
        {
          failf (error, area, "StemmerForJa", "the answer \"%s\" is neither JA nor NEJ (or given twice)",
                 *list->letter != '\0' ? list->letter : list->id);
          return NULL;
        }
    }
  if (ja == NULL || nej == NULL)
    {
      failf (error, area, "StemmerForJa", "a folkeafstemning has the answers JA and NEJ");
      return NULL;
    }
  vja = vk_area_result_get_list_votes (result, ja->id);
  vnej = vk_area_result_get_list_votes (result, nej->id);
  if (vja + vnej != result->valid)
    {
      failf (error, area, "GyldigeStemmer", "%" G_GUINT64_FORMAT ", but Ja and Nej have %" G_GUINT64_FORMAT,
             result->valid, vja + vnej);
      return NULL;
    }
  json_builder_begin_object (b);
  if (!add_int (b, area, "StemmerForJa", "StemmerForJa", vja, error)
      || !add_int (b, area, "StemmerForNej", "StemmerForNej", vnej, error))
    return NULL;
  return finish (b, contest, area, place, result, previous, error);
}

char *
vk_valgdk_contest_area_result_to_json (const VkElection *contest, const VkArea *area, const VkValgdkPlace *place,
                                       const VkAreaResult *result, gint64 approved_ms, const VkValgdkPrevious *previous,
                                       GError **error)
{
  g_return_val_if_fail (contest != NULL, NULL);

  switch (contest->type)
    {
      case VK_ELECTION_FV:
        return vk_valgdk_fv_area_result_to_json (contest, area, place, result, previous, error);
      case VK_ELECTION_EP:
        return vk_valgdk_ev_area_result_to_json (contest, area, place, result, previous, error);
      case VK_ELECTION_FA:
        return vk_valgdk_fa_area_result_to_json (contest, area, place, result, previous, error);
      case VK_ELECTION_KV:
      case VK_ELECTION_RV:
      default:
        return vk_valgdk_area_result_to_json_full (contest, area, result, approved_ms, previous, error);
    }
}

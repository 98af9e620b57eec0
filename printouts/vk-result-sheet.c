/* vk-result-sheet.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-result-sheet-private.h"
#include "vk-result-sheet.h"
#include "vk-signed-qr.h"

#define SUMMARY_FIELDS 15

/* ---- the result data and its digest ------------------------------------ */

static gint
list_ptr_cmp (gconstpointer a, gconstpointer b)
{
  const VkListResult *la = *(VkListResult *const *)a, *lb = *(VkListResult *const *)b;

  return strcmp (la->list_id, lb->list_id);
}

static gint
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The lists of result sorted by id, so that the encoding does not depend
 * on the order the files were read in. */
static GPtrArray *
sorted_lists (const VkAreaResult *result)
{
  GPtrArray *lists = g_ptr_array_new ();

  for (guint i = 0; i < result->lists->len; i++)
    g_ptr_array_add (lists, g_ptr_array_index (result->lists, i));
  g_ptr_array_sort (lists, list_ptr_cmp);
  return lists;
}

static VkCbor *
uint_or_null (gboolean present, guint64 value)
{
  return present ? vk_cbor_new_uint (value) : vk_cbor_new_null ();
}

GBytes *
vk_result_data_encode (const VkAreaResult *result, const VkSeatAllocation *seats)
{
  g_autoptr (VkCbor) doc = vk_cbor_new_array ();
  g_autoptr (GPtrArray) lists = sorted_lists (result);
  g_autoptr (GPtrArray) candidate_ids = g_ptr_array_new ();
  VkCbor *arr;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (result != NULL, NULL);

  vk_cbor_array_append (doc, vk_cbor_new_text (VK_RESULT_DATA_DOMAIN, -1));
  vk_cbor_array_append (doc, vk_cbor_new_text (vk_result_kind_to_string (result->kind), -1));
  vk_cbor_array_append (doc, uint_or_null (result->area_number != 0, result->area_number));
  vk_cbor_array_append (doc, vk_cbor_new_text (result->area_name != NULL ? result->area_name : "", -1));
  vk_cbor_array_append (doc, vk_cbor_new_uint (result->eligible));
  vk_cbor_array_append (doc, vk_cbor_new_uint (result->cast));
  vk_cbor_array_append (doc, vk_cbor_new_uint (result->valid));
  vk_cbor_array_append (doc, vk_cbor_new_uint (result->blank_in_person));
  vk_cbor_array_append (doc, vk_cbor_new_uint (result->blank_postal));
  vk_cbor_array_append (doc, vk_cbor_new_uint (result->other_invalid));

  arr = vk_cbor_new_array ();
  for (guint i = 0; i < lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (lists, i);
      VkCbor *row = vk_cbor_new_array ();
      vk_cbor_array_append (row, vk_cbor_new_text (l->list_id, -1));
      vk_cbor_array_append (row, vk_cbor_new_uint (l->votes));
      vk_cbor_array_append (row, uint_or_null (l->has_list_votes, l->list_votes));
      vk_cbor_array_append (arr, row);
    }
  vk_cbor_array_append (doc, arr);

  arr = vk_cbor_new_array ();
  g_hash_table_iter_init (&iter, result->candidate_votes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (candidate_ids, key);
  g_ptr_array_sort (candidate_ids, str_ptr_cmp);
  for (guint i = 0; i < candidate_ids->len; i++)
    {
      const char *id = g_ptr_array_index (candidate_ids, i);
      VkCbor *row = vk_cbor_new_array ();
      vk_cbor_array_append (row, vk_cbor_new_text (id, -1));
      vk_cbor_array_append (row, vk_cbor_new_uint (vk_area_result_get_candidate_votes (result, id)));
      vk_cbor_array_append (arr, row);
    }
  vk_cbor_array_append (doc, arr);

  arr = vk_cbor_new_array ();
  for (guint i = 0; i < result->invalid_reasons->len; i++)
    {
      const VkInvalidReason *r = &g_array_index (result->invalid_reasons, VkInvalidReason, i);
      VkCbor *row = vk_cbor_new_array ();
      vk_cbor_array_append (row, vk_cbor_new_uint (r->code));
      vk_cbor_array_append (row, vk_cbor_new_uint (r->count));
      vk_cbor_array_append (arr, row);
    }
  vk_cbor_array_append (doc, arr);

  if (seats == NULL)
    vk_cbor_array_append (doc, vk_cbor_new_null ());
  else
    {
      VkCbor *alloc = vk_cbor_new_array ();
      VkCbor *subs = vk_cbor_new_array ();

      arr = vk_cbor_new_array ();
      for (guint i = 0; i < seats->seats->len; i++)
        {
          const VkSeat *s = g_ptr_array_index (seats->seats, i);
          VkCbor *row = vk_cbor_new_array ();
          vk_cbor_array_append (row, vk_cbor_new_uint (s->number));
          vk_cbor_array_append (row, vk_cbor_new_text (s->list->id, -1));
          vk_cbor_array_append (row,
                                s->candidate != NULL ? vk_cbor_new_text (s->candidate->id, -1) : vk_cbor_new_null ());
          vk_cbor_array_append (arr, row);
        }
      vk_cbor_array_append (alloc, arr);
      for (guint i = 0; i < seats->lists->len; i++)
        {
          const VkListOutcome *lo = g_ptr_array_index (seats->lists, i);
          VkCbor *row = vk_cbor_new_array ();
          VkCbor *ids = vk_cbor_new_array ();
          if (lo->substitutes == NULL || lo->substitutes->len == 0)
            {
              vk_cbor_unref (row);
              vk_cbor_unref (ids);
              continue;
            }
          for (guint k = 0; k < lo->substitutes->len; k++)
            {
              const VkCandidateOutcome *co = g_ptr_array_index (lo->substitutes, k);
              vk_cbor_array_append (ids, vk_cbor_new_text (co->candidate->id, -1));
            }
          vk_cbor_array_append (row, vk_cbor_new_text (lo->list->id, -1));
          vk_cbor_array_append (row, ids);
          vk_cbor_array_append (subs, row);
        }
      vk_cbor_array_append (alloc, subs);
      vk_cbor_array_append (doc, alloc);
    }
  return vk_cbor_encode (doc);
}

void
vk_result_data_digest (const VkAreaResult *result, const VkSeatAllocation *seats,
                       guint8 ret_digest[VK_PRINTOUT_DIGEST_BYTES])
{
  g_autoptr (GBytes) bytes = vk_result_data_encode (result, seats);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  vk_sha256 (data, len, ret_digest);
}

/* ---- the summary ------------------------------------------------------- */

static void
summary_list_free (VkSummaryList *l)
{
  g_free (l->list_id);
  g_free (l);
}

void
vk_result_summary_free (VkResultSummary *self)
{
  if (self == NULL)
    return;
  g_free (self->domain);
  g_clear_pointer (&self->lists, g_ptr_array_unref);
  g_clear_pointer (&self->extra, vk_cbor_unref);
  g_free (self);
}

static VkResultSummary *
summary_alloc (void)
{
  VkResultSummary *self = g_new0 (VkResultSummary, 1);

  self->lists = g_ptr_array_new_with_free_func ((GDestroyNotify)summary_list_free);
  self->extra = vk_cbor_new_map ();
  return self;
}

VkResultSummary *
vk_result_summary_new (const guint8 election_id[VK_PRINTOUT_DIGEST_BYTES], const VkAreaResult *result,
                       const VkSeatAllocation *seats, const guint8 *source_digest, gboolean test)
{
  VkResultSummary *self;
  g_autoptr (GPtrArray) lists = NULL;

  g_return_val_if_fail (election_id != NULL && result != NULL, NULL);

  self = summary_alloc ();
  self->domain = g_strdup (VK_RESULT_SUMMARY_DOMAIN);
  memcpy (self->election_id, election_id, VK_PRINTOUT_DIGEST_BYTES);
  self->kind = result->kind;
  self->area_number = result->area_number;
  self->eligible = result->eligible;
  self->cast = result->cast;
  self->valid = result->valid;
  self->blank_in_person = result->blank_in_person;
  self->blank_postal = result->blank_postal;
  self->other_invalid = result->other_invalid;
  lists = sorted_lists (result);
  for (guint i = 0; i < lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (lists, i);
      VkSummaryList *sl = g_new0 (VkSummaryList, 1);
      const VkListOutcome *lo = seats != NULL ? vk_seat_allocation_lookup_list (seats, l->list_id) : NULL;
      sl->list_id = g_strdup (l->list_id);
      sl->votes = l->votes;
      sl->has_seats = seats != NULL;
      sl->seats = lo != NULL ? lo->seats : 0;
      g_ptr_array_add (self->lists, sl);
    }
  vk_result_data_digest (result, seats, self->data_digest);
  if (source_digest != NULL)
    {
      self->has_source_digest = TRUE;
      memcpy (self->source_digest, source_digest, VK_PRINTOUT_DIGEST_BYTES);
    }
  self->test = test;
  return self;
}

const VkSummaryList *
vk_result_summary_lookup_list (const VkResultSummary *self, const char *list_id)
{
  for (guint i = 0; i < self->lists->len; i++)
    {
      const VkSummaryList *l = g_ptr_array_index (self->lists, i);
      if (strcmp (l->list_id, list_id) == 0)
        return l;
    }
  return NULL;
}

GBytes *
vk_result_summary_encode (const VkResultSummary *self)
{
  g_autoptr (VkCbor) doc = vk_cbor_new_array ();
  VkCbor *lists = vk_cbor_new_array ();

  vk_cbor_array_append (doc, vk_cbor_new_text (self->domain, -1));
  vk_cbor_array_append (doc, vk_cbor_new_bytes (self->election_id, VK_PRINTOUT_DIGEST_BYTES));
  vk_cbor_array_append (doc, vk_cbor_new_text (vk_result_kind_to_string (self->kind), -1));
  vk_cbor_array_append (doc, uint_or_null (self->area_number != 0, self->area_number));
  vk_cbor_array_append (doc, vk_cbor_new_uint (self->eligible));
  vk_cbor_array_append (doc, vk_cbor_new_uint (self->cast));
  vk_cbor_array_append (doc, vk_cbor_new_uint (self->valid));
  vk_cbor_array_append (doc, vk_cbor_new_uint (self->blank_in_person));
  vk_cbor_array_append (doc, vk_cbor_new_uint (self->blank_postal));
  vk_cbor_array_append (doc, vk_cbor_new_uint (self->other_invalid));
  for (guint i = 0; i < self->lists->len; i++)
    {
      const VkSummaryList *l = g_ptr_array_index (self->lists, i);
      VkCbor *row = vk_cbor_new_array ();
      vk_cbor_array_append (row, vk_cbor_new_text (l->list_id, -1));
      vk_cbor_array_append (row, vk_cbor_new_uint (l->votes));
      if (l->has_seats)
        vk_cbor_array_append (row, vk_cbor_new_uint (l->seats));
      vk_cbor_array_append (lists, row);
    }
  vk_cbor_array_append (doc, lists);
  vk_cbor_array_append (doc, vk_cbor_new_bytes (self->data_digest, VK_PRINTOUT_DIGEST_BYTES));
  vk_cbor_array_append (doc, self->has_source_digest ? vk_cbor_new_bytes (self->source_digest, VK_PRINTOUT_DIGEST_BYTES)
                                                     : vk_cbor_new_null ());
  vk_cbor_array_append (doc, vk_cbor_new_bool (self->test));
  vk_cbor_array_append (doc, vk_cbor_ref (self->extra));
  return vk_cbor_encode (doc);
}

static gboolean
get_uint (VkCbor *item, guint index, guint64 *ret_value, GError **error)
{
  if (vk_cbor_get_type (item) != VK_CBOR_UINT)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Result summary: element %u must be an unsigned integer", index);
      return FALSE;
    }
  *ret_value = vk_cbor_get_uint (item);
  return TRUE;
}

static gboolean
get_digest (VkCbor *item, guint index, guint8 ret_digest[VK_PRINTOUT_DIGEST_BYTES], GError **error)
{
  gsize len = 0;
  const guint8 *d = vk_cbor_get_type (item) == VK_CBOR_BYTES ? vk_cbor_get_bytes (item, &len) : NULL;

  if (d == NULL || len != VK_PRINTOUT_DIGEST_BYTES)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Result summary: element %u must be a %d-byte string", index,
                   VK_PRINTOUT_DIGEST_BYTES);
      return FALSE;
    }
  memcpy (ret_digest, d, VK_PRINTOUT_DIGEST_BYTES);
  return TRUE;
}

VkResultSummary *
vk_result_summary_decode (const guint8 *data, gsize len, const char *expected_domain, GError **error)
{
  g_autoptr (VkCbor) doc = vk_cbor_decode (data, len, error);
  g_autoptr (VkResultSummary) self = NULL;
  VkCbor *item;
  const char *text;
  guint64 area = 0;
  gboolean test = FALSE;
  guint64 *numbers[6];

  if (doc == NULL)
    {
      g_prefix_error (error, "Result summary: ");
      return NULL;
    }
  if (vk_cbor_get_type (doc) != VK_CBOR_ARRAY || vk_cbor_array_get_length (doc) != SUMMARY_FIELDS)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Result summary must be an array of %d elements", SUMMARY_FIELDS);
      return NULL;
    }
  item = vk_cbor_array_get (doc, 0);
  text = vk_cbor_get_type (item) == VK_CBOR_TEXT ? vk_cbor_get_text (item, NULL) : NULL;
  if (text == NULL || strcmp (text, expected_domain) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Result summary: domain is %s%s%s, expected \"%s\"",
                   text ? "\"" : "", text ? text : "not a text", text ? "\"" : "", expected_domain);
      return NULL;
    }
  self = summary_alloc ();
  self->domain = g_strdup (text);
  if (!get_digest (vk_cbor_array_get (doc, 1), 1, self->election_id, error))
    return NULL;
  item = vk_cbor_array_get (doc, 2);
  text = vk_cbor_get_type (item) == VK_CBOR_TEXT ? vk_cbor_get_text (item, NULL) : "";
  if (!vk_result_kind_from_string (text, &self->kind))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "Result summary: element 2 must be \"foreloebig\" or \"fintaelling\"");
      return NULL;
    }
  item = vk_cbor_array_get (doc, 3);
  if (!vk_cbor_is_null (item))
    {
      if (!get_uint (item, 3, &area, error))
        return NULL;
      if (area == 0 || area > G_MAXUINT)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "Result summary: area number %" G_GUINT64_FORMAT " out of range", area);
          return NULL;
        }
    }
  self->area_number = (guint)area;
  numbers[0] = &self->eligible;
  numbers[1] = &self->cast;
  numbers[2] = &self->valid;
  numbers[3] = &self->blank_in_person;
  numbers[4] = &self->blank_postal;
  numbers[5] = &self->other_invalid;
  for (guint i = 0; i < 6; i++)
    if (!get_uint (vk_cbor_array_get (doc, 4 + i), 4 + i, numbers[i], error))
      return NULL;

  item = vk_cbor_array_get (doc, 10);
  if (vk_cbor_get_type (item) != VK_CBOR_ARRAY)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Result summary: element 10 (lists) must be an array");
      return NULL;
    }
  for (gsize i = 0; i < vk_cbor_array_get_length (item); i++)
    {
      VkCbor *row = vk_cbor_array_get (item, i);
      gsize n = vk_cbor_get_type (row) == VK_CBOR_ARRAY ? vk_cbor_array_get_length (row) : 0;
      VkSummaryList *l;
      guint64 seats = 0;

      if ((n != 2 && n != 3) || vk_cbor_get_type (vk_cbor_array_get (row, 0)) != VK_CBOR_TEXT
          || vk_cbor_get_type (vk_cbor_array_get (row, 1)) != VK_CBOR_UINT
          || (n == 3 && vk_cbor_get_type (vk_cbor_array_get (row, 2)) != VK_CBOR_UINT))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "Result summary: list %" G_GSIZE_FORMAT " must be [list id, votes] or [list id, votes, seats]",
                       i);
          return NULL;
        }
      if (n == 3 && (seats = vk_cbor_get_uint (vk_cbor_array_get (row, 2))) > G_MAXUINT)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "Result summary: list %" G_GSIZE_FORMAT ": seats out of range", i);
          return NULL;
        }
      l = g_new0 (VkSummaryList, 1);
      l->list_id = g_strdup (vk_cbor_get_text (vk_cbor_array_get (row, 0), NULL));
      l->votes = vk_cbor_get_uint (vk_cbor_array_get (row, 1));
      l->has_seats = n == 3;
      l->seats = (guint)seats;
      g_ptr_array_add (self->lists, l);
    }
  if (!get_digest (vk_cbor_array_get (doc, 11), 11, self->data_digest, error))
    return NULL;
  item = vk_cbor_array_get (doc, 12);
  if (!vk_cbor_is_null (item))
    {
      if (!get_digest (item, 12, self->source_digest, error))
        return NULL;
      self->has_source_digest = TRUE;
    }
  if (!vk_cbor_get_bool (vk_cbor_array_get (doc, 13), &test))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Result summary: element 13 (test) must be true or false");
      return NULL;
    }
  self->test = test;
  item = vk_cbor_array_get (doc, 14);
  if (vk_cbor_get_type (item) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Result summary: element 14 must be a map");
      return NULL;
    }
  g_clear_pointer (&self->extra, vk_cbor_unref);
  self->extra = vk_cbor_ref (item);
  return g_steal_pointer (&self);
}

GPtrArray *
vk_result_qr_encode (const VkResultSummary *summary, const VkKeypair *key, GError **error)
{
  g_autoptr (GBytes) payload = vk_result_summary_encode (summary);
  gsize len;
  const guint8 *data = g_bytes_get_data (payload, &len);

  return vk_signed_qr_encode (data, len, key, error);
}

VkResultSummary *
vk_result_qr_decode_domain (const char *const *texts, gsize n, const guint8 public_key[VK_PUBLIC_KEY_BYTES],
                            const char *domain, GError **error)
{
  g_autoptr (GBytes) payload = vk_signed_qr_decode (texts, n, public_key, error);
  gsize len;
  const guint8 *data;

  if (payload == NULL)
    return NULL;
  data = g_bytes_get_data (payload, &len);
  return vk_result_summary_decode (data, len, domain, error);
}

VkResultSummary *
vk_result_qr_decode (const char *const *texts, gsize n, const guint8 public_key[VK_PUBLIC_KEY_BYTES], GError **error)
{
  return vk_result_qr_decode_domain (texts, n, public_key, VK_RESULT_SUMMARY_DOMAIN, error);
}

/* ---- the sheet --------------------------------------------------------- */

static char *
format_signed (gint64 d)
{
  g_autofree char *abs = vk_printout_format_number ((guint64)(d < 0 ? -d : d));

  if (d == 0)
    return g_strdup ("0");
  return g_strdup_printf ("%s%s", d > 0 ? "+" : "−", abs);
}

static char *
fmt (guint64 n)
{
  return vk_printout_format_number (n);
}

static const char *
list_letter (const VkElection *e, const char *list_id)
{
  VkList *l = vk_election_lookup_list (e, list_id);

  return l != NULL ? l->letter : "";
}

static const char *
list_name (const VkElection *e, const char *list_id)
{
  VkList *l = vk_election_lookup_list (e, list_id);

  return l != NULL ? l->name : list_id;
}

/* The area's lists in ballot order (the election's), then any the
 * election does not know, as they come. */
static GPtrArray *
lists_in_ballot_order (const VkElection *e, const VkAreaResult *r)
{
  GPtrArray *out = g_ptr_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < e->lists->len; i++)
    {
      const VkList *l = g_ptr_array_index (e->lists, i);
      VkListResult *lr = g_hash_table_lookup (r->lists_by_id, l->id);
      if (lr != NULL)
        {
          g_ptr_array_add (out, lr);
          g_hash_table_add (seen, lr->list_id);
        }
    }
  for (guint i = 0; i < r->lists->len; i++)
    {
      VkListResult *lr = g_ptr_array_index (r->lists, i);
      if (!g_hash_table_contains (seen, lr->list_id))
        g_ptr_array_add (out, lr);
    }
  return out;
}

void
vk_result_sheet_write_counts (VkPdf *pdf, const VkAreaResult *r, const VkAreaResult *cmp)
{
  double w = vk_pdf_get_width (pdf);
  const VkPdfColumn one[] = { { 0, w - 90, VK_PDF_LEFT }, { w - 90, 90, VK_PDF_RIGHT } };
  const VkPdfColumn three[] = { { 0, w - 240, VK_PDF_LEFT },
                                { w - 240, 80, VK_PDF_RIGHT },
                                { w - 160, 80, VK_PDF_RIGHT },
                                { w - 80, 80, VK_PDF_RIGHT } };
  const struct
  {
    const char *label;
    gsize offset;
    gboolean bold;
  } rows[] = {
    { "Stemmeberettigede vælgere", G_STRUCT_OFFSET (VkAreaResult, eligible), FALSE },
    { "Afgivne stemmer i alt", G_STRUCT_OFFSET (VkAreaResult, cast), TRUE },
    { "Gyldige stemmer", G_STRUCT_OFFSET (VkAreaResult, valid), TRUE },
    { "Blanke stemmesedler, fremmødte vælgere", G_STRUCT_OFFSET (VkAreaResult, blank_in_person), FALSE },
    { "Blanke stemmesedler, brevstemmer", G_STRUCT_OFFSET (VkAreaResult, blank_postal), FALSE },
    { "Andre ugyldige stemmesedler", G_STRUCT_OFFSET (VkAreaResult, other_invalid), FALSE },
  };

  vk_pdf_heading (pdf, "Stemmeopgørelse");
  if (cmp != NULL)
    {
      const char *head[] = { "", "Foreløbig", "Fintælling", "Forskel" };
      vk_pdf_row (pdf, three, 4, head, VK_PDF_BOLD, 9, FALSE);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      guint64 v = G_STRUCT_MEMBER (guint64, r, rows[i].offset);
      g_autofree char *vs = fmt (v);
      VkPdfFont font = rows[i].bold ? VK_PDF_BOLD : VK_PDF_REGULAR;

      if (cmp != NULL)
        {
          guint64 c = G_STRUCT_MEMBER (guint64, cmp, rows[i].offset);
          g_autofree char *cs = fmt (c);
          g_autofree char *ds = format_signed ((gint64)v - (gint64)c);
          const char *cells[] = { rows[i].label, cs, vs, ds };
          vk_pdf_row (pdf, three, 4, cells, font, 10, i % 2 == 1);
        }
      else
        {
          const char *cells[] = { rows[i].label, vs };
          vk_pdf_row (pdf, one, 2, cells, font, 10, i % 2 == 1);
        }
    }
  if (r->eligible > 0)
    {
      /* One decimal, Danish comma, in integer arithmetic. */
      guint64 permille = (r->cast * 1000 + r->eligible / 2) / r->eligible;
      g_autofree char *pct
          = g_strdup_printf ("%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT " %%", permille / 10, permille % 10);
      const char *cells[] = { "Stemmeprocent", pct };
      vk_pdf_row (pdf, one, 2, cells, VK_PDF_REGULAR, 10, FALSE);
    }
}

void
vk_result_sheet_write_invalid (VkPdf *pdf, const VkAreaResult *r)
{
  double w = vk_pdf_get_width (pdf), half = (w - 16) / 2;
  const VkPdfColumn cols[]
      = { { 0, 22, VK_PDF_RIGHT },         { 28, half - 62, VK_PDF_LEFT, TRUE },        { half - 34, 34, VK_PDF_RIGHT },
          { half + 16, 22, VK_PDF_RIGHT }, { half + 44, half - 62, VK_PDF_LEFT, TRUE }, { w - 34, 34, VK_PDF_RIGHT } };
  g_autoptr (GPtrArray) left = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) right = g_ptr_array_new_with_free_func (g_free);

  if (r->invalid_reasons->len == 0)
    return;
  /* The two halves of the official form stay on one page. */
  vk_pdf_need (pdf, 40 + 14 * (r->invalid_reasons->len / 2 + 2));
  vk_pdf_heading (pdf, "Ugyldige stemmesedler efter årsag");
  {
    const char *head[] = { "Kode", "Fremmødte vælgere", "Antal", "Kode", "Brevstemmer", "Antal" };
    vk_pdf_row (pdf, cols, 6, head, VK_PDF_BOLD, 8.5, FALSE);
  }
  for (guint i = 0; i < r->invalid_reasons->len; i++)
    {
      const VkInvalidReason *ir = &g_array_index (r->invalid_reasons, VkInvalidReason, i);
      g_ptr_array_add (ir->code >= 21 ? right : left, g_memdup2 (ir, sizeof *ir));
    }
  for (guint i = 0; i < MAX (left->len, right->len); i++)
    {
      const VkInvalidReason *a = i < left->len ? g_ptr_array_index (left, i) : NULL;
      const VkInvalidReason *b = i < right->len ? g_ptr_array_index (right, i) : NULL;
      g_autofree char *ac = a ? g_strdup_printf ("%u", a->code) : g_strdup ("");
      g_autofree char *an = a ? fmt (a->count) : g_strdup ("");
      g_autofree char *bc = b ? g_strdup_printf ("%u", b->code) : g_strdup ("");
      g_autofree char *bn = b ? fmt (b->count) : g_strdup ("");
      const char *cells[] = { ac, a ? vk_printout_invalid_reason_name (a->code) : "", an,
                              bc, b ? vk_printout_invalid_reason_name (b->code) : "", bn };
      vk_pdf_row (pdf, cols, 6, cells, VK_PDF_REGULAR, 8.5, i % 2 == 1);
    }
}

void
vk_result_sheet_write_lists (VkPdf *pdf, const VkElection *e, const VkAreaResult *r, const VkAreaResult *cmp,
                             const VkSeatAllocation *seats)
{
  double w = vk_pdf_get_width (pdf), x;
  g_autoptr (GPtrArray) lists = lists_in_ballot_order (e, r);
  gboolean has_list_votes = r->kind == VK_RESULT_FINTAELLING && r->has_candidate_votes;
  VkPdfColumn cols[8];
  const char *head[8];
  guint n = 0;
  guint64 total_seats = 0;

  /* Number columns are laid out from the right edge. */
  guint n_num = 1 + (has_list_votes ? 1 : 0) + (cmp ? 2 : 0) + (seats ? 1 : 0);
  x = w - n_num * 66;
  cols[n] = (VkPdfColumn){ 0, 20, VK_PDF_LEFT }, head[n++] = "";
  /* A folkeafstemning's lists are the answers, Ja and Nej. */
  cols[n] = (VkPdfColumn){ 24, x - 30, VK_PDF_LEFT }, head[n++] = e->type == VK_ELECTION_FA ? "Svar" : "Kandidatliste";
  if (has_list_votes)
    cols[n] = (VkPdfColumn){ x, 62, VK_PDF_RIGHT }, head[n++] = "Listestemmer", x += 66;
  if (cmp != NULL)
    cols[n] = (VkPdfColumn){ x, 62, VK_PDF_RIGHT }, head[n++] = "Foreløbig", x += 66;
  cols[n] = (VkPdfColumn){ x, 62, VK_PDF_RIGHT }, head[n++] = "Stemmer", x += 66;
  if (cmp != NULL)
    cols[n] = (VkPdfColumn){ x, 62, VK_PDF_RIGHT }, head[n++] = "Forskel", x += 66;
  if (seats != NULL)
    cols[n] = (VkPdfColumn){ x, 62, VK_PDF_RIGHT }, head[n++] = "Mandater", x += 66;

  vk_pdf_heading (pdf, seats != NULL               ? "Stemmer og mandater pr. kandidatliste"
                       : e->type == VK_ELECTION_FA ? "Stemmer pr. svar"
                                                   : "Stemmer pr. kandidatliste");
  vk_pdf_row (pdf, cols, n, head, VK_PDF_BOLD, 8.5, FALSE);
  for (guint i = 0; i < lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (lists, i);
      g_autofree char *lv = fmt (l->list_votes), *v = fmt (l->votes), *c = NULL, *d = NULL, *s = NULL;
      const char *cells[8];
      guint k = 0;

      cells[k++] = list_letter (e, l->list_id);
      cells[k++] = list_name (e, l->list_id);
      if (has_list_votes)
        cells[k++] = lv;
      if (cmp != NULL)
        {
          guint64 before = vk_area_result_get_list_votes (cmp, l->list_id);
          c = fmt (before);
          d = format_signed ((gint64)l->votes - (gint64)before);
          cells[k++] = c;
        }
      cells[k++] = v;
      if (cmp != NULL)
        cells[k++] = d;
      if (seats != NULL)
        {
          const VkListOutcome *lo = vk_seat_allocation_lookup_list (seats, l->list_id);
          s = g_strdup_printf ("%u", lo != NULL ? lo->seats : 0);
          total_seats += lo != NULL ? lo->seats : 0;
          cells[k++] = s;
        }
      vk_pdf_row (pdf, cols, n, cells, VK_PDF_REGULAR, 9, i % 2 == 1);
    }
  vk_pdf_rule (pdf);
  {
    g_autofree char *v = fmt (r->valid), *c = cmp ? fmt (cmp->valid) : NULL;
    g_autofree char *d = cmp ? format_signed ((gint64)r->valid - (gint64)cmp->valid) : NULL;
    g_autofree char *s = g_strdup_printf ("%" G_GUINT64_FORMAT, total_seats);
    const char *cells[8];
    guint k = 0;
    cells[k++] = "";
    cells[k++] = "Gyldige stemmer i alt";
    if (has_list_votes)
      cells[k++] = "";
    if (cmp != NULL)
      cells[k++] = c;
    cells[k++] = v;
    if (cmp != NULL)
      cells[k++] = d;
    if (seats != NULL)
      cells[k++] = s;
    vk_pdf_row (pdf, cols, n, cells, VK_PDF_BOLD, 9, FALSE);
  }
}

/* Each list's candidates with their personal votes, three to a row. */
static void
write_personal_votes (VkPdf *pdf, const VkElection *e, const VkAreaResult *r)
{
  double w = vk_pdf_get_width (pdf), third = (w - 24) / 3;
  VkPdfColumn cols[6];
  g_autoptr (GPtrArray) lists = lists_in_ballot_order (e, r);

  for (guint c = 0; c < 3; c++)
    {
      cols[2 * c] = (VkPdfColumn){ c * (third + 12), third - 40, VK_PDF_LEFT, TRUE };
      cols[2 * c + 1] = (VkPdfColumn){ c * (third + 12) + third - 38, 38, VK_PDF_RIGHT };
    }
  vk_pdf_heading (pdf, "Personlige stemmer");
  for (guint i = 0; i < lists->len; i++)
    {
      const VkListResult *lr = g_ptr_array_index (lists, i);
      const VkList *l = vk_election_lookup_list (e, lr->list_id);
      g_autofree char *head = NULL, *lv = fmt (lr->list_votes), *tv = fmt (lr->votes);

      if (l == NULL)
        continue;
      head = g_strdup_printf ("%s%s%s — listestemmer %s, i alt %s", l->letter, *l->letter ? "  " : "", l->name, lv, tv);
      vk_pdf_need (pdf, 40);
      vk_pdf_space (pdf, 4);
      {
        const VkPdfColumn one[] = { { 0, w, VK_PDF_LEFT } };
        const char *cells[] = { head };
        vk_pdf_row (pdf, one, 1, cells, VK_PDF_BOLD, 9, TRUE);
      }
      for (guint k = 0; k < l->candidates->len; k += 3)
        {
          const char *cells[6] = { "", "", "", "", "", "" };
          g_autofree char *v0 = NULL, *v1 = NULL, *v2 = NULL;
          char **vs[3] = { &v0, &v1, &v2 };
          for (guint c = 0; c < 3 && k + c < l->candidates->len; c++)
            {
              const VkCandidate *cand = g_ptr_array_index (l->candidates, k + c);
              *vs[c] = fmt (vk_area_result_get_candidate_votes (r, cand->id));
              cells[2 * c] = cand->name;
              cells[2 * c + 1] = *vs[c];
            }
          vk_pdf_row (pdf, cols, 6, cells, VK_PDF_REGULAR, 8, FALSE);
        }
    }
}

static void
write_seats (VkPdf *pdf, const VkElection *e, const VkAreaResult *r, const VkSeatAllocation *seats)
{
  double w = vk_pdf_get_width (pdf);
  g_autofree char *intro = NULL;

  vk_pdf_heading (pdf, "Mandatfordeling");
  intro = g_strdup_printf ("%u mandater er fordelt efter d'Hondts metode mellem valgforbund, listeforbund og "
                           "kandidatlister (kommunal- og regionsvalglovens §§ 81–85). Nummer angiver rækkefølgen, "
                           "mandaterne er tildelt i.",
                           seats->n_seats);
  vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 9, intro);
  vk_pdf_space (pdf, 4);
  {
    const VkPdfColumn cols[] = { { 0, 36, VK_PDF_RIGHT },
                                 { 48, 24, VK_PDF_LEFT },
                                 { 76, 160, VK_PDF_LEFT, TRUE },
                                 { 240, w - 314, VK_PDF_LEFT, TRUE },
                                 { w - 70, 70, VK_PDF_RIGHT } };
    const char *head[] = { "Nummer", "", seats->has_candidates ? "Valgt" : "", "Kandidatliste",
                           seats->has_candidates ? "Pers. stemmer" : "" };
    vk_pdf_row (pdf, cols, 5, head, VK_PDF_BOLD, 8.5, FALSE);
    for (guint i = 0; i < seats->seats->len; i++)
      {
        const VkSeat *s = g_ptr_array_index (seats->seats, i);
        g_autofree char *num = g_strdup_printf ("%u", s->number);
        g_autofree char *pv = s->candidate ? fmt (vk_area_result_get_candidate_votes (r, s->candidate->id)) : NULL;
        const char *cells[]
            = { num, s->list->letter, s->candidate ? s->candidate->name : "", s->list->name, pv ? pv : "" };
        vk_pdf_row (pdf, cols, 5, cells, VK_PDF_REGULAR, 9, i % 2 == 1);
      }
  }
  if (!seats->has_candidates)
    return;

  vk_pdf_heading (pdf, "Stedfortrædere");
  for (guint i = 0; i < seats->lists->len; i++)
    {
      const VkListOutcome *lo = g_ptr_array_index (seats->lists, i);
      g_autoptr (GString) s = NULL;

      if (lo->seats == 0 || lo->substitutes == NULL || lo->substitutes->len == 0)
        continue;
      s = g_string_new (NULL);
      g_string_append_printf (s, "%s %s: ", lo->list->letter, lo->list->name);
      for (guint k = 0; k < lo->substitutes->len; k++)
        {
          const VkCandidateOutcome *co = g_ptr_array_index (lo->substitutes, k);
          g_autofree char *v = fmt (co->personal_votes + co->list_votes);
          g_string_append_printf (s, "%s%u. %s (%s)", k ? ", " : "", co->rank ? co->rank : k + 1, co->candidate->name,
                                  v);
        }
      vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 8.5, s->str);
      vk_pdf_space (pdf, 3);
    }
  for (guint i = 0; i < seats->open_ties->len; i++)
    {
      const VkTie *t = g_ptr_array_index (seats->open_ties, i);
      g_autofree char *note = g_strdup_printf ("Foreløbig rækkefølge, lodtrækning mangler: %s", t->description);
      vk_pdf_paragraph (pdf, VK_PDF_BOLD, 8.5, note);
    }
  (void)e;
}

gboolean
vk_result_sheet_write (const VkResultSheetOptions *options, const VkAreaResult *result, const VkSeatAllocation *seats,
                       const char *path, GError **error)
{
  const VkElection *e;
  g_autoptr (VkPdf) pdf = NULL;
  g_autoptr (VkResultSummary) summary = NULL;
  g_autoptr (GPtrArray) texts = NULL;
  g_autofree char *title = NULL, *municipality = NULL, *election = NULL, *area_line = NULL, *printed = NULL;
  g_autofree char *digest_hex = NULL, *footer = NULL, *key_hex = NULL, *qr_note = NULL;
  const VkAreaResult *cmp;
  gboolean municipal, regional;

  g_return_val_if_fail (options != NULL && options->info.election != NULL, FALSE);
  g_return_val_if_fail (options->info.election_id != NULL && options->key != NULL, FALSE);
  g_return_val_if_fail (result != NULL && path != NULL, FALSE);

  e = options->info.election;
  municipal = result->area_number == 0;
  /* The region's total (valgkit region, docs/region.md): no municipality. */
  regional
      = municipal && (e->municipality == NULL || *e->municipality == '\0') && e->region != NULL && *e->region != '\0';
  if (seats != NULL && !municipal)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "A seat allocation belongs on the municipality's sheet only");
      return FALSE;
    }
  cmp = options->compare != NULL && result->kind == VK_RESULT_FINTAELLING
                && options->compare->kind == VK_RESULT_FORELOEBIG
                && options->compare->area_number == result->area_number
            ? options->compare
            : NULL;

  /* The QR first: if it cannot be made, nothing is written. */
  summary
      = vk_result_summary_new (options->info.election_id, result, seats, options->source_digest, options->info.test);
  texts = vk_result_qr_encode (summary, options->key, error);
  if (texts == NULL)
    return FALSE;

  pdf = vk_pdf_new (&options->info, "Resultatopgørelse", error);
  if (pdf == NULL)
    return FALSE;

  title = g_strdup_printf ("Resultatopgørelse – %s", vk_printout_kind_name (result->kind));
  municipality = vk_printout_municipality_name (e);
  election = vk_printout_election_title (e);
  if (municipal)
    area_line = g_strdup_printf (regional ? "%s – hele regionen" : "%s – hele kommunen", municipality);
  else
    area_line = g_strdup_printf ("%s – afstemningsområde %u: %s", municipality, result->area_number, result->area_name);
  printed = vk_printout_printed_line (&options->info);
  {
    /* A folkeafstemning's question (one of several on the day). */
    gboolean question = e->type == VK_ELECTION_FA && e->title != NULL && *e->title != '\0';
    const char *lines[] = { election, question ? e->title : area_line, question ? area_line : printed,
                            question ? printed : NULL, NULL };
    vk_pdf_title (pdf, title, lines);
  }
  digest_hex = vk_hex_encode (summary->data_digest, VK_PRINTOUT_DIGEST_BYTES);
  footer = g_strdup_printf ("SHA-256 af resultatdata: %s", digest_hex);
  vk_pdf_set_footer (pdf, footer);

  vk_result_sheet_write_counts (pdf, result, cmp);
  vk_result_sheet_write_lists (pdf, e, result, cmp, seats);
  vk_result_sheet_write_invalid (pdf, result);
  if (seats != NULL)
    write_seats (pdf, e, result, seats);
  if (result->has_candidate_votes)
    write_personal_votes (pdf, e, result);

  vk_pdf_need (pdf, 300);
  vk_pdf_heading (pdf, "Signeret resumé");
  key_hex = vk_hex_encode (vk_keypair_get_key_id (options->key), VK_KEY_ID_BYTES);
  qr_note = g_strdup_printf ("QR-koden indeholder tallene ovenfor i kort form med SHA-256 af resultatdata, signeret af "
                             "%s nøgle (nøgle-id %s). Den kan kontrolleres med valgkit audit.",
                             regional ? "regionens" : "tælleserverens", key_hex);
  vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 8.5, qr_note);
  vk_pdf_space (pdf, 4);
  if (!vk_pdf_qr_codes (pdf, texts, "Signeret resumé", error))
    return FALSE;

  /* The signature block is kept whole, with its heading. */
  vk_pdf_need (pdf, 48 + 2 * VK_PDF_SIGNATURE_ROW_HEIGHT);
  vk_pdf_heading (pdf, regional    ? "Regionsvalgbestyrelsens underskrifter"
                       : municipal ? "Valgbestyrelsens underskrifter"
                                   : "Valgstyrernes underskrifter");
  {
    const char *names[] = { "", "", "", "" };
    vk_pdf_signatures (pdf, names, 4);
  }

  return vk_pdf_save (pdf, path, error);
}

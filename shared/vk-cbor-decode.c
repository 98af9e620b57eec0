/* vk-cbor-decode.c: the deterministic CBOR decoder.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The decoder is the part that faces untrusted bytes (journals pushed by
 * stations, files on USB sticks), so it is written to a few invariants:
 *
 *  - Every length read from the input is compared with the bytes that
 *    remain before anything is allocated for it, so a short header that
 *    claims 2^60 bytes costs nothing.
 *  - The number of items is bounded too: by the bytes left (every item
 *    takes at least one byte, so an array or map header claiming more
 *    items than bytes remain is refused before anything is allocated)
 *    and by an item budget the caller gives (vk_cbor_decode_budget()):
 *    a decoded item costs tens of bytes, so bytes alone bound memory
 *    only to some 40 times the input.
 *  - Recursion is bounded by VK_CBOR_MAX_DEPTH.
 *  - Only the deterministic encoding is accepted, so that decoding and
 *    re-encoding always gives back the very same bytes; signatures and
 *    hash chains are computed over bytes, and two encodings of one value
 *    would let a journal be rewritten without breaking them.
 */
#include <math.h>
#include <string.h>

#include "vk-cbor-private.h"
#include "vk-error.h"

/* ---------------------------------------------------------------- */
/* Decoder                                                          */

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
  guint64 *budget; /* items the caller still allows (never NULL) */
} Reader;

static VkCbor *decode_item (Reader *r, guint depth, GError **error);

static gboolean
read_bytes (Reader *r, gsize start, gsize n, const guint8 **ret_data, GError **error)
{
  if (r->len - r->pos < n)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_TRUNCATED,
                   "CBOR input ends at byte offset %" G_GSIZE_FORMAT
                   " inside the item that starts at byte offset %" G_GSIZE_FORMAT,
                   r->len, start);
      return FALSE;
    }
  *ret_data = r->data + r->pos;
  r->pos += n;
  return TRUE;
}

static guint64
read_be (const guint8 *p, gsize n)
{
  guint64 v = 0;

  for (gsize i = 0; i < n; i++)
    v = (v << 8) | p[i];
  return v;
}

/* Reads an initial byte and, for major types 0-6 and the simple values,
 * its argument, checking that it is the shortest encoding.  Floats and
 * the reserved and indefinite forms are left to the caller through
 * *ret_ai. */
static gboolean
read_head (Reader *r, guint *ret_major, guint *ret_ai, guint64 *ret_arg, GError **error)
{
  gsize start = r->pos;
  const guint8 *p;
  guint major, ai;
  guint64 arg;

  if (!read_bytes (r, start, 1, &p, error))
    return FALSE;
  major = p[0] >> 5;
  ai = p[0] & 0x1f;

  if (ai >= 28 && ai <= 30)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "CBOR reserved additional information %u at byte offset %" G_GSIZE_FORMAT, ai, start);
      return FALSE;
    }
  if (ai == 31)
    {
      if (major >= MAJOR_BYTES && major <= MAJOR_MAP)
        g_set_error (error, VK_ERROR, VK_ERROR_NOT_DETERMINISTIC,
                     "CBOR indefinite-length item at byte offset %" G_GSIZE_FORMAT, start);
      else if (major == MAJOR_SIMPLE)
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "CBOR unexpected break at byte offset %" G_GSIZE_FORMAT, start);
      else
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                     "CBOR indefinite length for major type %u at byte offset %" G_GSIZE_FORMAT, major, start);
      return FALSE;
    }
  if (major == MAJOR_SIMPLE && ai >= 25)
    {
      /* A float: the caller reads the 2, 4 or 8 bytes. */
      *ret_major = major;
      *ret_ai = ai;
      *ret_arg = 0;
      return TRUE;
    }

  if (ai < 24)
    arg = ai;
  else
    {
      gsize n = (gsize)1 << (ai - 24);
      static const guint64 minimum[] = { 24, 0x100, 0x10000, 0x100000000 };

      if (!read_bytes (r, start, n, &p, error))
        return FALSE;
      arg = read_be (p, n);
      if (major == MAJOR_SIMPLE)
        {
          if (arg < 32)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                           "CBOR simple value %" G_GUINT64_FORMAT " in two bytes at byte offset %" G_GSIZE_FORMAT, arg,
                           start);
              return FALSE;
            }
        }
      else if (arg < minimum[ai - 24])
        {
          g_set_error (error, VK_ERROR, VK_ERROR_NOT_DETERMINISTIC,
                       "CBOR argument %" G_GUINT64_FORMAT " not in its shortest form at byte offset %" G_GSIZE_FORMAT,
                       arg, start);
          return FALSE;
        }
    }
  *ret_major = major;
  *ret_ai = ai;
  *ret_arg = arg;
  return TRUE;
}

static VkCbor *
decode_float (Reader *r, gsize start, guint ai, GError **error)
{
  gsize n = (gsize)1 << (ai - 24);
  const guint8 *p;
  guint64 bits;
  double value;
  g_autoptr (GByteArray) again = g_byte_array_new ();

  if (!read_bytes (r, start, n, &p, error))
    return NULL;
  bits = read_be (p, n);
  if (n == 2)
    value = vk_cbor_half_to_double ((guint16)bits);
  else if (n == 4)
    value = (double)vk_cbor_bits_float ((guint32)bits);
  else
    value = vk_cbor_bits_double (bits);

  /* The value is deterministic exactly when writing it again gives the
   * same bytes: this catches longer-than-needed forms and every NaN but
   * the half 0x7e00. */
  vk_cbor_write_float (again, value);
  if (again->len != n + 1 || memcmp (again->data, r->data + start, n + 1) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_DETERMINISTIC,
                   "CBOR float not in its shortest form at byte offset %" G_GSIZE_FORMAT, start);
      return NULL;
    }
  return vk_cbor_new_float (value);
}

static VkCbor *
decode_item (Reader *r, guint depth, GError **error)
{
  gsize start = r->pos;
  guint major, ai;
  guint64 arg;
  const guint8 *p;

  if (!read_head (r, &major, &ai, &arg, error))
    return NULL;
  /* Every item, scalars included, costs one from the budget: what a
   * decoded item costs in memory is bounded by the budget, not only by
   * the input size (an array of 67 M one-byte integers is 64 MiB of
   * input but gigabytes decoded). */
  if (*r->budget == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "CBOR input holds more items than allowed here, at byte offset %" G_GSIZE_FORMAT, start);
      return NULL;
    }
  (*r->budget)--;

  switch (major)
    {
      case MAJOR_UINT:
        return vk_cbor_new_uint (arg);
      case MAJOR_NINT:
        return vk_cbor_new_nint (arg);
      case MAJOR_BYTES:
      case MAJOR_TEXT:
        /* The comparison comes before any allocation. */
        if (arg > r->len - r->pos)
          {
            g_set_error (error, VK_ERROR, VK_ERROR_TRUNCATED,
                         "CBOR string at byte offset %" G_GSIZE_FORMAT " claims %" G_GUINT64_FORMAT
                         " bytes but only %" G_GSIZE_FORMAT " remain",
                         start, arg, r->len - r->pos);
            return NULL;
          }
        p = r->data + r->pos;
        if (major == MAJOR_TEXT)
          {
            gsize bad = vk_cbor_utf8_check (p, (gsize)arg);

            if (bad != (gsize)arg)
              {
                g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                             "CBOR text string has invalid UTF-8 at byte offset %" G_GSIZE_FORMAT, r->pos + bad);
                return NULL;
              }
          }
        r->pos += (gsize)arg;
        return vk_cbor_new_string (major == MAJOR_BYTES ? VK_CBOR_BYTES : VK_CBOR_TEXT, p, (gsize)arg);
      case MAJOR_ARRAY:
      case MAJOR_MAP:
      case MAJOR_TAG:
        if (depth >= VK_CBOR_MAX_DEPTH)
          {
            g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                         "CBOR nesting deeper than %d levels at byte offset %" G_GSIZE_FORMAT, VK_CBOR_MAX_DEPTH,
                         start);
            return NULL;
          }
        break;
      case MAJOR_SIMPLE:
        if (ai >= 25)
          return decode_float (r, start, ai, error);
        return vk_cbor_new_simple ((guint8)arg);
      default:
        g_assert_not_reached ();
    }

  if (major == MAJOR_TAG)
    {
      VkCbor *content = decode_item (r, depth + 1, error);

      return content != NULL ? vk_cbor_new_tag (arg, content) : NULL;
    }

  /* Every item takes at least one byte, so a count larger than what
   * remains (twice that for maps) cannot be right; checking it here keeps
   * the pre-sized containers below bounded by the input size. */
  if (arg > r->len - r->pos || (major == MAJOR_MAP && arg > (r->len - r->pos) / 2))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_TRUNCATED,
                   "CBOR %s at byte offset %" G_GSIZE_FORMAT " claims %" G_GUINT64_FORMAT
                   " items but only %" G_GSIZE_FORMAT " bytes remain",
                   major == MAJOR_MAP ? "map" : "array", start, arg, r->len - r->pos);
      return NULL;
    }
  /* The same before allocating against the item budget. */
  if (arg > *r->budget || (major == MAJOR_MAP && arg > *r->budget / 2))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "CBOR %s at byte offset %" G_GSIZE_FORMAT " claims %" G_GUINT64_FORMAT
                   " items, more than the %" G_GUINT64_FORMAT " allowed here",
                   major == MAJOR_MAP ? "map" : "array", start, arg, *r->budget);
      return NULL;
    }

  if (major == MAJOR_ARRAY)
    {
      g_autoptr (VkCbor) array = vk_cbor_alloc (VK_CBOR_ARRAY);

      array->v.items = g_ptr_array_new_full ((guint)arg, (GDestroyNotify)vk_cbor_unref);
      for (guint64 i = 0; i < arg; i++)
        {
          VkCbor *item = decode_item (r, depth + 1, error);

          if (item == NULL)
            return NULL;
          g_ptr_array_add (array->v.items, item);
        }
      return g_steal_pointer (&array);
    }
  else
    {
      g_autoptr (VkCbor) map = vk_cbor_alloc (VK_CBOR_MAP);
      const guint8 *prev_key = NULL;
      gsize prev_len = 0;

      map->v.entries = g_array_sized_new (FALSE, FALSE, sizeof (MapEntry), (guint)arg);
      g_array_set_clear_func (map->v.entries, vk_cbor_map_entry_clear);
      for (guint64 i = 0; i < arg; i++)
        {
          gsize key_start = r->pos;
          MapEntry entry = { NULL, 0, NULL, NULL, NULL };
          int c;

          entry.key = decode_item (r, depth + 1, error);
          if (entry.key == NULL)
            return NULL;
          c = prev_key == NULL ? 1
                               : vk_cbor_compare_bytes (r->data + key_start, r->pos - key_start, prev_key, prev_len);
          if (c <= 0)
            {
              if (c == 0)
                g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                             "CBOR map has a duplicate key at byte offset %" G_GSIZE_FORMAT, key_start);
              else
                g_set_error (error, VK_ERROR, VK_ERROR_NOT_DETERMINISTIC,
                             "CBOR map key at byte offset %" G_GSIZE_FORMAT " is out of order", key_start);
              vk_cbor_unref (entry.key);
              return NULL;
            }
          prev_key = r->data + key_start;
          prev_len = r->pos - key_start;
          /* Deterministic, so a string key's own encoding is these bytes. */
          if (entry.key->type == VK_CBOR_TEXT || entry.key->type == VK_CBOR_BYTES)
            entry.encoded_key = vk_cbor_string_encoding (entry.key, &entry.encoded_len);
          else
            entry.encoded_key = entry.owned_key = g_memdup2 (prev_key, prev_len);
          entry.encoded_len = prev_len;
          entry.value = decode_item (r, depth + 1, error);
          if (entry.value == NULL)
            {
              vk_cbor_map_entry_clear (&entry);
              return NULL;
            }
          g_array_append_val (map->v.entries, entry);
        }
      return g_steal_pointer (&map);
    }
}

VkCbor *
vk_cbor_decode_prefix_budget (const guint8 *data, gsize len, guint64 *budget, gsize *ret_consumed, GError **error)
{
  Reader r = { data, len, 0, budget };
  VkCbor *item;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (budget != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  item = decode_item (&r, 0, error);
  if (item != NULL && ret_consumed != NULL)
    *ret_consumed = r.pos;
  return item;
}

VkCbor *
vk_cbor_decode_prefix (const guint8 *data, gsize len, gsize *ret_consumed, GError **error)
{
  /* Each item takes at least one byte: the input bounds the count. */
  guint64 budget = (guint64)len;

  return vk_cbor_decode_prefix_budget (data, len, &budget, ret_consumed, error);
}

VkCbor *
vk_cbor_decode_budget (const guint8 *data, gsize len, guint64 *budget, GError **error)
{
  gsize consumed = 0;
  g_autoptr (VkCbor) item = vk_cbor_decode_prefix_budget (data, len, budget, &consumed, error);

  if (item == NULL)
    return NULL;
  if (consumed != len)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "CBOR trailing bytes after the item, from byte offset %" G_GSIZE_FORMAT, consumed);
      return NULL;
    }
  return g_steal_pointer (&item);
}

VkCbor *
vk_cbor_decode (const guint8 *data, gsize len, GError **error)
{
  /* Each item takes at least one byte: the input bounds the count. */
  guint64 budget = (guint64)len;

  return vk_cbor_decode_budget (data, len, &budget, error);
}

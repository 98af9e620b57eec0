/* vk-journal-payload.c: an entry's payload parsed (vk_journal_payload_parse()).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The general path (the end of this file) decodes the payload array as a
 * CBOR tree and copies its fields out.  Every entry the count server
 * ingests and every entry `valgkit audit` checks goes through here, and
 * that tree cost a dozen allocations per entry for seven items that are
 * copied out and freed at once (issue 14).  payload_read_fixed() reads
 * those seven items in place and decodes only the body.  It accepts
 * exactly what the general path accepts, or declines: every head must be
 * in its shortest form with the major type the general path requires,
 * every text valid UTF-8 without NUL bytes, every length inside the
 * input; on anything else the general path decodes the payload again and
 * reports what is wrong.
 */
#include <string.h>

#include "vk-cbor-private.h"
#include "vk-error.h"
#include "vk-journal-private.h"
#include "vk-keys.h"

/* Reads the head at *pos: a major type 0-6 with its argument in the
 * shortest form (as read_head() in vk-cbor-decode.c requires).  FALSE for
 * anything else, including simple values, floats, reserved and
 * indefinite forms, which no item of the payload's header is. */
static gboolean
read_head (const guint8 *p, gsize len, gsize *pos, guint *ret_major, guint64 *ret_arg)
{
  static const guint64 minimum[] = { 24, 0x100, 0x10000, 0x100000000 };
  guint major, ai;
  guint64 arg = 0;
  gsize k;

  if (*pos >= len)
    return FALSE;
  major = p[*pos] >> 5;
  ai = p[*pos] & 0x1f;
  if (major == MAJOR_SIMPLE || ai >= 28)
    return FALSE;
  if (ai < 24)
    {
      *pos += 1;
      *ret_major = major;
      *ret_arg = ai;
      return TRUE;
    }
  k = (gsize)1 << (ai - 24);
  if (len - *pos - 1 < k)
    return FALSE;
  for (gsize i = 0; i < k; i++)
    arg = (arg << 8) | p[*pos + 1 + i];
  if (arg < minimum[ai - 24])
    return FALSE;
  *pos += 1 + k;
  *ret_major = major;
  *ret_arg = arg;
  return TRUE;
}

static gboolean
read_uint (const guint8 *p, gsize len, gsize *pos, guint64 *ret)
{
  guint major;

  return read_head (p, len, pos, &major, ret) && major == MAJOR_UINT;
}

/* A byte string of exactly n bytes; copies it into out. */
static gboolean
read_fixed_bytes (const guint8 *p, gsize len, gsize *pos, guint8 *out, gsize n)
{
  guint major;
  guint64 arg;

  if (!read_head (p, len, pos, &major, &arg) || major != MAJOR_BYTES || arg != n || len - *pos < n)
    return FALSE;
  memcpy (out, p + *pos, n);
  *pos += n;
  return TRUE;
}

/* A non-empty text string of at most max bytes, valid UTF-8 and without
 * NUL bytes (the general path checks strlen() against the length). */
static gboolean
read_text (const guint8 *p, gsize len, gsize *pos, gsize max, const guint8 **ret, gsize *ret_len)
{
  guint major;
  guint64 arg;

  if (!read_head (p, len, pos, &major, &arg) || major != MAJOR_TEXT || arg == 0 || arg > max || arg > len - *pos)
    return FALSE;
  if (vk_cbor_utf8_check (p + *pos, (gsize)arg) != (gsize)arg || memchr (p + *pos, 0, (gsize)arg) != NULL)
    return FALSE;
  *ret = p + *pos;
  *ret_len = (gsize)arg;
  *pos += (gsize)arg;
  return TRUE;
}

/* Reads the payload (bytes, size: [1, election_id, device_id, seq, prev,
 * time_ms, type, body]) into self with only the body as a CBOR tree,
 * taking the items it decodes from *budget as the decoder would.  FALSE,
 * with self and *budget untouched, for anything the general path below
 * might refuse: that path then decodes it again and says what is wrong. */
static gboolean
payload_read_fixed (VkEntry *self, const guint8 *bytes, gsize size, guint64 *budget)
{
  guint8 election_id[VK_ELECTION_ID_BYTES], prev[VK_HASH_BYTES];
  const guint8 *device_id, *type;
  gsize pos = 1, device_len, type_len;
  guint64 version, seq, time_ms, items;
  g_autoptr (VkCbor) body = NULL;

  /* The array and its first seven items cost 8 from the budget, as in
   * the decoder; the body takes what it decodes. */
  if (size < 1 || bytes[0] != 0x88 || *budget < 8)
    return FALSE;
  if (!read_uint (bytes, size, &pos, &version) || version != VK_JOURNAL_VERSION
      || !read_fixed_bytes (bytes, size, &pos, election_id, VK_ELECTION_ID_BYTES)
      || !read_text (bytes, size, &pos, VK_JOURNAL_MAX_DEVICE_ID_BYTES, &device_id, &device_len)
      || !read_uint (bytes, size, &pos, &seq) || seq == 0 || seq > (guint64)G_MAXINT64
      || !read_fixed_bytes (bytes, size, &pos, prev, VK_HASH_BYTES) || !read_uint (bytes, size, &pos, &time_ms)
      || time_ms > (guint64)G_MAXINT64 || !read_text (bytes, size, &pos, G_MAXSIZE, &type, &type_len))
    return FALSE;
  if (pos >= size || bytes[pos] >> 5 != MAJOR_MAP)
    return FALSE;
  items = *budget - 8;
  body = vk_cbor_decode_budget (bytes + pos, size - pos, &items, NULL);
  if (body == NULL)
    return FALSE;
  for (gsize i = 0; i < vk_cbor_map_get_length (body); i++)
    if (vk_cbor_get_type (vk_cbor_map_get_key (body, i)) != VK_CBOR_TEXT)
      return FALSE;

  memcpy (self->election_id, election_id, VK_ELECTION_ID_BYTES);
  self->device_id = g_strndup ((const char *)device_id, device_len);
  self->seq = seq;
  memcpy (self->prev, prev, VK_HASH_BYTES);
  self->time_ms = time_ms;
  self->type = g_strndup ((const char *)type, type_len);
  self->body = g_steal_pointer (&body);
  *budget = items;
  return TRUE;
}

static gboolean
get_fixed_bytes (VkCbor *item, guint8 *ret, gsize len)
{
  const guint8 *data;
  gsize n = 0;

  if (vk_cbor_get_type (item) != VK_CBOR_BYTES)
    return FALSE;
  data = vk_cbor_get_bytes (item, &n);
  if (n != len)
    return FALSE;
  memcpy (ret, data, len);
  return TRUE;
}

gboolean
vk_journal_payload_parse (VkEntry *self, guint64 *budget, GError **error)
{
  g_autoptr (VkCbor) payload = NULL;
  const guint8 *bytes = g_bytes_get_data (self->payload, NULL);
  gsize size = g_bytes_get_size (self->payload);
  guint64 entry_budget = MIN (*budget, (guint64)VK_JOURNAL_MAX_ENTRY_ITEMS);
  gsize n;
  VkCbor *item;

  /* The shape before decoding deeper: an array of 8 (one byte, 0x88). */
  if (size < 1 || bytes[0] != 0x88)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "payload is not an array of 8 items");
      return FALSE;
    }
  /* Every well-formed entry: only its body becomes a CBOR tree. */
  if (payload_read_fixed (self, bytes, size, &entry_budget))
    {
      *budget -= MIN (*budget, (guint64)VK_JOURNAL_MAX_ENTRY_ITEMS) - entry_budget;
      vk_sha256 (bytes, size, self->hash);
      return TRUE;
    }
  payload = vk_cbor_decode_budget (bytes, size, &entry_budget, error);
  *budget -= MIN (*budget, (guint64)VK_JOURNAL_MAX_ENTRY_ITEMS) - entry_budget;
  if (payload == NULL)
    {
      g_prefix_error (error, "payload: ");
      return FALSE;
    }
  if (vk_cbor_get_type (payload) != VK_CBOR_ARRAY || vk_cbor_array_get_length (payload) != 8)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "payload is not an array of 8 items");
      return FALSE;
    }
  item = vk_cbor_array_get (payload, 0);
  if (vk_cbor_get_type (item) != VK_CBOR_UINT || vk_cbor_get_uint (item) != VK_JOURNAL_VERSION)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "unknown journal format version (expected %d)",
                   VK_JOURNAL_VERSION);
      return FALSE;
    }
  if (!get_fixed_bytes (vk_cbor_array_get (payload, 1), self->election_id, VK_ELECTION_ID_BYTES))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "election id is not a 32-byte string");
      return FALSE;
    }
  item = vk_cbor_array_get (payload, 2);
  if (vk_cbor_get_type (item) != VK_CBOR_TEXT || (vk_cbor_get_text (item, &n), n == 0)
      || strlen (vk_cbor_get_text (item, NULL)) != n)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "device id is not a non-empty text string");
      return FALSE;
    }
  if (n > VK_JOURNAL_MAX_DEVICE_ID_BYTES)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "device id is %" G_GSIZE_FORMAT " bytes, more than %d", n,
                   VK_JOURNAL_MAX_DEVICE_ID_BYTES);
      return FALSE;
    }
  self->device_id = g_strdup (vk_cbor_get_text (item, NULL));
  item = vk_cbor_array_get (payload, 3);
  if (vk_cbor_get_type (item) != VK_CBOR_UINT || vk_cbor_get_uint (item) == 0
      || vk_cbor_get_uint (item) > (guint64)G_MAXINT64)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "seq is not a positive integer");
      return FALSE;
    }
  self->seq = vk_cbor_get_uint (item);
  if (!get_fixed_bytes (vk_cbor_array_get (payload, 4), self->prev, VK_HASH_BYTES))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "prev is not a 32-byte string");
      return FALSE;
    }
  item = vk_cbor_array_get (payload, 5);
  if (vk_cbor_get_type (item) != VK_CBOR_UINT || vk_cbor_get_uint (item) > (guint64)G_MAXINT64)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "time is not an unsigned integer");
      return FALSE;
    }
  self->time_ms = vk_cbor_get_uint (item);
  item = vk_cbor_array_get (payload, 6);
  if (vk_cbor_get_type (item) != VK_CBOR_TEXT || (vk_cbor_get_text (item, &n), n == 0)
      || strlen (vk_cbor_get_text (item, NULL)) != n)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "type is not a non-empty text string");
      return FALSE;
    }
  self->type = g_strdup (vk_cbor_get_text (item, NULL));
  item = vk_cbor_array_get (payload, 7);
  if (vk_cbor_get_type (item) != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "body is not a map");
      return FALSE;
    }
  for (gsize i = 0; i < vk_cbor_map_get_length (item); i++)
    if (vk_cbor_get_type (vk_cbor_map_get_key (item, i)) != VK_CBOR_TEXT)
      {
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "body has a key that is not a text string");
        return FALSE;
      }
  self->body = vk_cbor_ref (item);
  vk_sha256 (g_bytes_get_data (self->payload, NULL), g_bytes_get_size (self->payload), self->hash);
  return TRUE;
}

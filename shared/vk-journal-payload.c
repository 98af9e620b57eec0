/* vk-journal-payload.c: an entry's payload read without a CBOR tree.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every entry the count server ingests and every entry `valgkit audit`
 * checks has its payload decoded; decoding the whole array as a CBOR tree
 * cost a dozen allocations per entry for seven items that are copied out
 * and freed at once (issue 14).  This reads those seven items in place
 * and decodes only the body with the decoder.  It accepts exactly what
 * the general path accepts, or declines: every head must be in its
 * shortest form with the major type the general path requires, every
 * text valid UTF-8 without NUL bytes, every length inside the input; on
 * anything else it returns FALSE and the general path decodes the
 * payload again and reports what is wrong.
 */
#include <string.h>

#include "vk-cbor-private.h"
#include "vk-journal-private.h"

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

gboolean
vk_journal_payload_read_fixed (VkEntry *self, const guint8 *bytes, gsize size, guint64 *budget)
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

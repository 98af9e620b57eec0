/* vk-cbor.c: deterministic CBOR (RFC 8949 §4.2.1) values and encoder.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The decoder is in vk-cbor-decode.c, the diagnostic notation in
 * vk-cbor-diagnostic.c; vk-cbor-private.h is what they share.
 *
 * Map entries are stored sorted by the encoded form of their key, which
 * is the order the encoder must write them in; the encoded key is kept
 * beside each entry so that look-ups and inserts need no re-encoding.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "vk-cbor-private.h"
#include "vk-error.h"

/* ---------------------------------------------------------------- */
/* Helpers                                                          */

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
 * above U+10FFFF.  NUL is a valid character in a CBOR text string.
 * Returns the offset of the first bad byte, or len when all is well. */
gsize
vk_cbor_utf8_check (const guint8 *s, gsize len)
{
  gsize i = 0;

  while (i < len)
    {
      guint8 c = s[i];
      gsize n;
      guint32 cp;
      guint32 min;

      if (c < 0x80)
        {
          i++;
          continue;
        }
      else if ((c & 0xe0) == 0xc0)
        n = 1, cp = c & 0x1f, min = 0x80;
      else if ((c & 0xf0) == 0xe0)
        n = 2, cp = c & 0x0f, min = 0x800;
      else if ((c & 0xf8) == 0xf0)
        n = 3, cp = c & 0x07, min = 0x10000;
      else
        return i;

      if (len - i <= n)
        return i;
      for (gsize k = 1; k <= n; k++)
        {
          if ((s[i + k] & 0xc0) != 0x80)
            return i;
          cp = (cp << 6) | (s[i + k] & 0x3f);
        }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return i;
      i += n + 1;
    }
  return len;
}

/* Writes the shortest head of major type `major` with argument `arg`
 * into out (room for 9 bytes); returns its length.  Map lookups encode
 * their key with it on the stack, without a GByteArray: they are on the
 * hot path of every journal entry's schema check and fold. */
static gsize
head_to_buffer (guint8 *out, guint major, guint64 arg)
{
  guint8 ib = (guint8)(major << 5);
  gsize n;

  if (arg < 24)
    {
      out[0] = ib | (guint8)arg;
      return 1;
    }
  /* ai 24, 25, 26, 27: 1, 2, 4 or 8 bytes follow. */
  n = arg <= 0xff ? 1 : arg <= 0xffff ? 2 : arg <= 0xffffffffu ? 4 : 8;
  out[0] = ib | (guint8)(24 + (n == 1 ? 0 : n == 2 ? 1 : n == 4 ? 2 : 3));
  for (gsize i = 0; i < n; i++)
    out[1 + i] = (guint8)(arg >> (8 * (n - 1 - i)));
  return 1 + n;
}

void
vk_cbor_write_head (GByteArray *out, guint major, guint64 arg)
{
  guint8 buf[9];

  g_byte_array_append (out, buf, (guint)head_to_buffer (buf, major, arg));
}

static guint64
double_bits (double d)
{
  guint64 bits;

  memcpy (&bits, &d, sizeof bits);
  return bits;
}

double
vk_cbor_bits_double (guint64 bits)
{
  double d;

  memcpy (&d, &bits, sizeof d);
  return d;
}

static guint32
float_bits (float f)
{
  guint32 bits;

  memcpy (&bits, &f, sizeof bits);
  return bits;
}

float
vk_cbor_bits_float (guint32 bits)
{
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

/* The IEEE half-precision bits of f when f is exactly representable as
 * a half (normal or subnormal), otherwise FALSE.  f is not a NaN. */
static gboolean
float_to_half (float f, guint16 *ret_half)
{
  guint32 bits = float_bits (f);
  guint16 sign = (guint16)((bits >> 16) & 0x8000);
  gint exp = (gint)((bits >> 23) & 0xff);
  guint32 mant = bits & 0x7fffff;
  gint e;

  if (exp == 0xff) /* infinity */
    {
      *ret_half = sign | 0x7c00;
      return TRUE;
    }
  if (exp == 0 && mant == 0)
    {
      *ret_half = sign;
      return TRUE;
    }
  if (exp == 0) /* float subnormals are far below the half range */
    return FALSE;

  e = exp - 127;
  if (e >= -14 && e <= 15)
    {
      if ((mant & 0x1fff) != 0)
        return FALSE;
      *ret_half = sign | (guint16)((e + 15) << 10) | (guint16)(mant >> 13);
      return TRUE;
    }
  if (e >= -24 && e < -14)
    {
      /* A half subnormal is m * 2^-24, and f is (2^23 + mant) * 2^(e-23). */
      guint32 full = (1u << 23) | mant;
      gint shift = -(e + 1);

      if ((full & ((1u << shift) - 1)) != 0)
        return FALSE;
      *ret_half = sign | (guint16)(full >> shift);
      return TRUE;
    }
  return FALSE;
}

double
vk_cbor_half_to_double (guint16 half)
{
  gint exp = (half >> 10) & 0x1f;
  guint mant = half & 0x3ff;
  double value;

  if (exp == 0)
    value = ldexp (mant, -24);
  else if (exp != 31)
    value = ldexp (mant + 1024, exp - 25);
  else
    value = mant == 0 ? INFINITY : NAN;
  return (half & 0x8000) ? -value : value;
}

/* The shortest form that keeps the value: half, single or double.
 * Every NaN becomes the half 0x7e00, as RFC 8949 §4.2.2 suggests. */
void
vk_cbor_write_float (GByteArray *out, double d)
{
  guint8 buf[9];
  gsize n;

  if (isnan (d))
    {
      buf[0] = 0xf9, buf[1] = 0x7e, buf[2] = 0x00;
      n = 3;
    }
  else
    {
      /* The range check keeps the conversion to float defined. */
      gboolean fits_single = isinf (d) || (fabs (d) <= FLT_MAX && (double)(float)d == d);
      guint16 half;

      if (fits_single && float_to_half ((float)d, &half))
        {
          buf[0] = 0xf9, buf[1] = (guint8)(half >> 8), buf[2] = (guint8)half;
          n = 3;
        }
      else if (fits_single)
        {
          guint32 bits = float_bits ((float)d);

          buf[0] = 0xfa;
          for (gsize i = 0; i < 4; i++)
            buf[1 + i] = (guint8)(bits >> (24 - 8 * i));
          n = 5;
        }
      else
        {
          guint64 bits = double_bits (d);

          buf[0] = 0xfb;
          for (gsize i = 0; i < 8; i++)
            buf[1 + i] = (guint8)(bits >> (56 - 8 * i));
          n = 9;
        }
    }
  g_byte_array_append (out, buf, (guint)n);
}

int
vk_cbor_compare_bytes (const guint8 *a, gsize alen, const guint8 *b, gsize blen)
{
  int c = memcmp (a, b, MIN (alen, blen));

  if (c != 0)
    return c;
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

VkCbor *
vk_cbor_alloc (VkCborType type)
{
  VkCbor *self = g_new0 (VkCbor, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->type = type;
  return self;
}

void
vk_cbor_map_entry_clear (gpointer p)
{
  MapEntry *entry = p;

  g_clear_pointer (&entry->owned_key, g_free);
  entry->encoded_key = NULL;
  g_clear_pointer (&entry->key, vk_cbor_unref);
  g_clear_pointer (&entry->value, vk_cbor_unref);
}

/* Binary search for an encoded key.  Returns TRUE when found; *ret_index
 * is then its position, else the position where it belongs. */
static gboolean
map_find (const VkCbor *self, const guint8 *key, gsize key_len, guint *ret_index)
{
  guint lo = 0;
  guint hi = self->v.entries->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const MapEntry *entry = &g_array_index (self->v.entries, MapEntry, mid);
      int c = vk_cbor_compare_bytes (entry->encoded_key, entry->encoded_len, key, key_len);

      if (c == 0)
        {
          *ret_index = mid;
          return TRUE;
        }
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *ret_index = lo;
  return FALSE;
}

/* ---------------------------------------------------------------- */
/* Constructors                                                     */

VkCbor *
vk_cbor_new_uint (guint64 value)
{
  VkCbor *self = vk_cbor_alloc (VK_CBOR_UINT);

  self->v.number = value;
  return self;
}

VkCbor *
vk_cbor_new_int (gint64 value)
{
  if (value < 0)
    /* -1 - value cannot overflow for any negative gint64. */
    return vk_cbor_new_nint ((guint64)(-1 - value));
  return vk_cbor_new_uint ((guint64)value);
}

VkCbor *
vk_cbor_new_nint (guint64 n)
{
  VkCbor *self = vk_cbor_alloc (VK_CBOR_NINT);

  self->v.number = n;
  return self;
}

/* Room for the longest head (1 + 8 bytes) between a string value and
 * its bytes. */
#define STRING_HEAD_ROOM 9

VkCbor *
vk_cbor_new_string (VkCborType type, const guint8 *data, gsize len)
{
  /* One allocation: the value, then its CBOR head right-aligned in
   * STRING_HEAD_ROOM bytes, then the string and a NUL, so that the
   * string's encoding is contiguous (map keys compare it). */
  VkCbor *self = g_malloc (sizeof (VkCbor) + STRING_HEAD_ROOM + len + 1);
  guint8 head[STRING_HEAD_ROOM];
  gsize n = head_to_buffer (head, type == VK_CBOR_BYTES ? MAJOR_BYTES : MAJOR_TEXT, len);

  memset (self, 0, sizeof (VkCbor));
  g_atomic_ref_count_init (&self->ref_count);
  self->type = type;
  self->v.str.data = (guint8 *)(self + 1) + STRING_HEAD_ROOM;
  memcpy (self->v.str.data - n, head, n);
  if (len > 0)
    memcpy (self->v.str.data, data, len);
  self->v.str.data[len] = 0;
  self->v.str.len = len;
  return self;
}

const guint8 *
vk_cbor_string_encoding (const VkCbor *self, gsize *ret_len)
{
  gsize len = self->v.str.len;
  gsize n = len < 24 ? 1 : len <= 0xff ? 2 : len <= 0xffff ? 3 : len <= 0xffffffffu ? 5 : 9;

  g_assert (self->type == VK_CBOR_TEXT || self->type == VK_CBOR_BYTES);
  *ret_len = n + len;
  return self->v.str.data - n;
}

VkCbor *
vk_cbor_new_bytes (const guint8 *data, gsize len)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  return vk_cbor_new_string (VK_CBOR_BYTES, data, len);
}

VkCbor *
vk_cbor_new_text (const char *utf8, gssize len)
{
  gsize n;

  g_return_val_if_fail (utf8 != NULL || len == 0, NULL);

  n = len < 0 ? strlen (utf8) : (gsize)len;
  g_return_val_if_fail (vk_cbor_utf8_check ((const guint8 *)utf8, n) == n, NULL);
  return vk_cbor_new_string (VK_CBOR_TEXT, (const guint8 *)utf8, n);
}

VkCbor *
vk_cbor_new_array (void)
{
  VkCbor *self = vk_cbor_alloc (VK_CBOR_ARRAY);

  self->v.items = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_cbor_unref);
  return self;
}

VkCbor *
vk_cbor_new_map (void)
{
  VkCbor *self = vk_cbor_alloc (VK_CBOR_MAP);

  self->v.entries = g_array_new (FALSE, FALSE, sizeof (MapEntry));
  g_array_set_clear_func (self->v.entries, vk_cbor_map_entry_clear);
  return self;
}

VkCbor *
vk_cbor_new_tag (guint64 tag, VkCbor *content)
{
  VkCbor *self;

  g_return_val_if_fail (content != NULL, NULL);

  self = vk_cbor_alloc (VK_CBOR_TAG);
  self->v.tag.number = tag;
  self->v.tag.content = content;
  return self;
}

VkCbor *
vk_cbor_new_bool (gboolean value)
{
  return vk_cbor_new_simple (value ? 21 : 20);
}

VkCbor *
vk_cbor_new_null (void)
{
  return vk_cbor_new_simple (22);
}

VkCbor *
vk_cbor_new_simple (guint8 value)
{
  VkCbor *self;

  /* Simple values 24..31 have no well-formed encoding (RFC 8949 §3.3). */
  g_return_val_if_fail (value < 24 || value >= 32, NULL);

  self = vk_cbor_alloc (VK_CBOR_SIMPLE);
  self->v.number = value;
  return self;
}

VkCbor *
vk_cbor_new_float (double value)
{
  VkCbor *self = vk_cbor_alloc (VK_CBOR_FLOAT);

  self->v.real = value;
  return self;
}

VkCbor *
vk_cbor_ref (VkCbor *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
vk_cbor_unref (VkCbor *self)
{
  if (self == NULL)
    return;
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  switch (self->type)
    {
      case VK_CBOR_BYTES:
      case VK_CBOR_TEXT:
        /* The string lives in the value's own allocation. */
        break;
      case VK_CBOR_ARRAY:
        g_ptr_array_unref (self->v.items);
        break;
      case VK_CBOR_MAP:
        g_array_unref (self->v.entries);
        break;
      case VK_CBOR_TAG:
        vk_cbor_unref (self->v.tag.content);
        break;
      case VK_CBOR_UINT:
      case VK_CBOR_NINT:
      case VK_CBOR_SIMPLE:
      case VK_CBOR_FLOAT:
      default:
        break;
    }
  g_free (self);
}

/* ---------------------------------------------------------------- */
/* Containers                                                       */

void
vk_cbor_array_append (VkCbor *self, VkCbor *item)
{
  g_return_if_fail (self != NULL && self->type == VK_CBOR_ARRAY);
  g_return_if_fail (item != NULL);

  g_ptr_array_add (self->v.items, item);
}

void
vk_cbor_map_insert (VkCbor *self, VkCbor *key, VkCbor *value)
{
  MapEntry entry = { NULL, 0, NULL, key, value };
  guint index;

  g_return_if_fail (self != NULL && self->type == VK_CBOR_MAP);
  g_return_if_fail (key != NULL && value != NULL);

  if (key->type == VK_CBOR_TEXT || key->type == VK_CBOR_BYTES)
    entry.encoded_key = vk_cbor_string_encoding (key, &entry.encoded_len);
  else
    {
      GByteArray *encoded = g_byte_array_new ();

      vk_cbor_encode_append (key, encoded);
      entry.encoded_len = encoded->len;
      entry.encoded_key = entry.owned_key = g_byte_array_free (encoded, FALSE);
    }
  if (map_find (self, entry.encoded_key, entry.encoded_len, &index))
    {
      MapEntry *held = &g_array_index (self->v.entries, MapEntry, index);

      g_free (entry.owned_key);
      vk_cbor_unref (key);
      vk_cbor_unref (held->value);
      held->value = value;
    }
  else
    g_array_insert_val (self->v.entries, index, entry);
}

void
vk_cbor_map_insert_text (VkCbor *self, const char *key, VkCbor *value)
{
  g_return_if_fail (key != NULL);

  vk_cbor_map_insert (self, vk_cbor_new_text (key, -1), value);
}

void
vk_cbor_map_set_uint (VkCbor *self, const char *key, guint64 value)
{
  vk_cbor_map_insert_text (self, key, vk_cbor_new_uint (value));
}

void
vk_cbor_map_set_int (VkCbor *self, const char *key, gint64 value)
{
  vk_cbor_map_insert_text (self, key, vk_cbor_new_int (value));
}

void
vk_cbor_map_set_text (VkCbor *self, const char *key, const char *value)
{
  vk_cbor_map_insert_text (self, key, vk_cbor_new_text (value, -1));
}

void
vk_cbor_map_set_bytes (VkCbor *self, const char *key, const guint8 *data, gsize len)
{
  vk_cbor_map_insert_text (self, key, vk_cbor_new_bytes (data, len));
}

void
vk_cbor_map_set_bool (VkCbor *self, const char *key, gboolean value)
{
  vk_cbor_map_insert_text (self, key, vk_cbor_new_bool (value));
}

/* ---------------------------------------------------------------- */
/* Accessors                                                        */

VkCborType
vk_cbor_get_type (const VkCbor *self)
{
  g_return_val_if_fail (self != NULL, VK_CBOR_SIMPLE);

  return self->type;
}

guint64
vk_cbor_get_uint (const VkCbor *self)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_UINT, 0);

  return self->v.number;
}

gboolean
vk_cbor_get_int (const VkCbor *self, gint64 *ret_value)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if ((self->type != VK_CBOR_UINT && self->type != VK_CBOR_NINT) || self->v.number > G_MAXINT64)
    return FALSE;
  if (ret_value != NULL)
    *ret_value = self->type == VK_CBOR_UINT ? (gint64)self->v.number : -1 - (gint64)self->v.number;
  return TRUE;
}

guint64
vk_cbor_get_nint_raw (const VkCbor *self)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_NINT, 0);

  return self->v.number;
}

const guint8 *
vk_cbor_get_bytes (const VkCbor *self, gsize *ret_len)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_BYTES, NULL);

  if (ret_len != NULL)
    *ret_len = self->v.str.len;
  return self->v.str.data;
}

const char *
vk_cbor_get_text (const VkCbor *self, gsize *ret_len)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_TEXT, NULL);

  if (ret_len != NULL)
    *ret_len = self->v.str.len;
  return (const char *)self->v.str.data;
}

gsize
vk_cbor_array_get_length (const VkCbor *self)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_ARRAY, 0);

  return self->v.items->len;
}

VkCbor *
vk_cbor_array_get (const VkCbor *self, gsize index)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_ARRAY, NULL);
  g_return_val_if_fail (index < self->v.items->len, NULL);

  return g_ptr_array_index (self->v.items, index);
}

gsize
vk_cbor_map_get_length (const VkCbor *self)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_MAP, 0);

  return self->v.entries->len;
}

VkCbor *
vk_cbor_map_get_key (const VkCbor *self, gsize index)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_MAP, NULL);
  g_return_val_if_fail (index < self->v.entries->len, NULL);

  return g_array_index (self->v.entries, MapEntry, index).key;
}

VkCbor *
vk_cbor_map_get_value (const VkCbor *self, gsize index)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_MAP, NULL);
  g_return_val_if_fail (index < self->v.entries->len, NULL);

  return g_array_index (self->v.entries, MapEntry, index).value;
}

static VkCbor *
map_lookup_encoded (const VkCbor *self, const guint8 *key, gsize key_len)
{
  guint index;

  if (!map_find (self, key, key_len, &index))
    return NULL;
  return g_array_index (self->v.entries, MapEntry, index).value;
}

VkCbor *
vk_cbor_map_lookup_text (const VkCbor *self, const char *key)
{
  guint8 stack[64];
  g_autofree guint8 *heap = NULL;
  guint8 *buf = stack;
  gsize len, head;

  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_MAP, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  len = strlen (key);
  if (len + 9 > sizeof stack)
    buf = heap = g_malloc (len + 9);
  head = head_to_buffer (buf, MAJOR_TEXT, len);
  memcpy (buf + head, key, len);
  return map_lookup_encoded (self, buf, head + len);
}

VkCbor *
vk_cbor_map_lookup_int (const VkCbor *self, gint64 key)
{
  guint8 buf[9];
  gsize n;

  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_MAP, NULL);

  if (key < 0)
    n = head_to_buffer (buf, MAJOR_NINT, (guint64)(-1 - key));
  else
    n = head_to_buffer (buf, MAJOR_UINT, (guint64)key);
  return map_lookup_encoded (self, buf, n);
}

guint64
vk_cbor_get_tag (const VkCbor *self)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_TAG, 0);

  return self->v.tag.number;
}

VkCbor *
vk_cbor_get_tag_content (const VkCbor *self)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_TAG, NULL);

  return self->v.tag.content;
}

guint8
vk_cbor_get_simple (const VkCbor *self)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_SIMPLE, 0);

  return (guint8)self->v.number;
}

double
vk_cbor_get_float (const VkCbor *self)
{
  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_FLOAT, NAN);

  return self->v.real;
}

gboolean
vk_cbor_is_null (const VkCbor *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->type == VK_CBOR_SIMPLE && self->v.number == 22;
}

gboolean
vk_cbor_get_bool (const VkCbor *self, gboolean *ret_value)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->type != VK_CBOR_SIMPLE || (self->v.number != 20 && self->v.number != 21))
    return FALSE;
  if (ret_value != NULL)
    *ret_value = self->v.number == 21;
  return TRUE;
}

/* ---------------------------------------------------------------- */
/* Typed field look-ups                                             */

static VkCbor *
field_lookup (const VkCbor *self, const char *key, VkCborType type, const char *what, GError **error)
{
  VkCbor *value;

  if (self == NULL || self->type != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "CBOR item is not a map (looking for field \"%s\")", key);
      return NULL;
    }
  value = vk_cbor_map_lookup_text (self, key);
  if (value == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "CBOR map field \"%s\" is missing", key);
      return NULL;
    }
  if (value->type != type)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "CBOR map field \"%s\" is not %s", key, what);
      return NULL;
    }
  return value;
}

gboolean
vk_cbor_map_get_uint_field (const VkCbor *self, const char *key, guint64 *ret_value, GError **error)
{
  VkCbor *value = field_lookup (self, key, VK_CBOR_UINT, "an unsigned integer", error);

  if (value == NULL)
    return FALSE;
  if (ret_value != NULL)
    *ret_value = value->v.number;
  return TRUE;
}

gboolean
vk_cbor_map_get_int_field (const VkCbor *self, const char *key, gint64 *ret_value, GError **error)
{
  VkCbor *value;
  gint64 result;

  g_return_val_if_fail (key != NULL, FALSE);

  /* An integer may be either major type, so look up by hand rather than
   * through field_lookup(), which wants one type. */
  if (self == NULL || self->type != VK_CBOR_MAP)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "CBOR item is not a map (looking for field \"%s\")", key);
      return FALSE;
    }
  value = vk_cbor_map_lookup_text (self, key);
  if (value == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "CBOR map field \"%s\" is missing", key);
      return FALSE;
    }
  if (!vk_cbor_get_int (value, &result))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "CBOR map field \"%s\" is not an integer that fits 64 bits", key);
      return FALSE;
    }
  if (ret_value != NULL)
    *ret_value = result;
  return TRUE;
}

const char *
vk_cbor_map_get_text_field (const VkCbor *self, const char *key, GError **error)
{
  VkCbor *value = field_lookup (self, key, VK_CBOR_TEXT, "a text string", error);

  return value != NULL ? (const char *)value->v.str.data : NULL;
}

const guint8 *
vk_cbor_map_get_bytes_field (const VkCbor *self, const char *key, gsize *ret_len, GError **error)
{
  VkCbor *value = field_lookup (self, key, VK_CBOR_BYTES, "a byte string", error);

  if (value == NULL)
    return NULL;
  if (ret_len != NULL)
    *ret_len = value->v.str.len;
  return value->v.str.data;
}

/* ---------------------------------------------------------------- */
/* Encoder                                                          */

void
vk_cbor_encode_append (const VkCbor *self, GByteArray *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  switch (self->type)
    {
      case VK_CBOR_UINT:
        vk_cbor_write_head (out, MAJOR_UINT, self->v.number);
        break;
      case VK_CBOR_NINT:
        vk_cbor_write_head (out, MAJOR_NINT, self->v.number);
        break;
      case VK_CBOR_BYTES:
      case VK_CBOR_TEXT:
        {
          gsize n;
          const guint8 *encoding = vk_cbor_string_encoding (self, &n);

          g_byte_array_append (out, encoding, (guint)n);
        }
        break;
      case VK_CBOR_ARRAY:
        vk_cbor_write_head (out, MAJOR_ARRAY, self->v.items->len);
        for (guint i = 0; i < self->v.items->len; i++)
          vk_cbor_encode_append (g_ptr_array_index (self->v.items, i), out);
        break;
      case VK_CBOR_MAP:
        vk_cbor_write_head (out, MAJOR_MAP, self->v.entries->len);
        for (guint i = 0; i < self->v.entries->len; i++)
          {
            const MapEntry *entry = &g_array_index (self->v.entries, MapEntry, i);

            g_byte_array_append (out, entry->encoded_key, (guint)entry->encoded_len);
            vk_cbor_encode_append (entry->value, out);
          }
        break;
      case VK_CBOR_TAG:
        vk_cbor_write_head (out, MAJOR_TAG, self->v.tag.number);
        vk_cbor_encode_append (self->v.tag.content, out);
        break;
      case VK_CBOR_SIMPLE:
        vk_cbor_write_head (out, MAJOR_SIMPLE, self->v.number);
        break;
      case VK_CBOR_FLOAT:
        vk_cbor_write_float (out, self->v.real);
        break;
      default:
        g_assert_not_reached ();
    }
}

GBytes *
vk_cbor_encode (const VkCbor *self)
{
  GByteArray *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_byte_array_new ();
  vk_cbor_encode_append (self, out);
  return g_byte_array_free_to_bytes (out);
}

gboolean
vk_cbor_equal (const VkCbor *a, const VkCbor *b)
{
  g_autoptr (GBytes) ea = NULL;
  g_autoptr (GBytes) eb = NULL;

  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL || a->type != b->type)
    return FALSE;
  /* Deterministic encoding is injective, so equal bytes mean equal items. */
  ea = vk_cbor_encode (a);
  eb = vk_cbor_encode (b);
  return g_bytes_equal (ea, eb);
}

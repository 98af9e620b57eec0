/* vk-cbor.c: deterministic CBOR (RFC 8949 §4.2.1) values, encoder and decoder.
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
 *  - Recursion is bounded by VK_CBOR_MAX_DEPTH.
 *  - Only the deterministic encoding is accepted, so that decoding and
 *    re-encoding always gives back the very same bytes; signatures and
 *    hash chains are computed over bytes, and two encodings of one value
 *    would let a journal be rewritten without breaking them.
 *
 * Map entries are stored sorted by the encoded form of their key, which
 * is the order the encoder must write them in; the encoded key is kept
 * beside each entry so that look-ups and inserts need no re-encoding.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "vk-cbor.h"
#include "vk-error.h"

typedef struct
{
  GBytes *encoded_key;
  VkCbor *key;
  VkCbor *value;
} MapEntry;

struct _VkCbor
{
  gatomicrefcount ref_count;
  VkCborType type;
  union
  {
    guint64 number; /* UINT value, NINT raw n, SIMPLE value */
    double real;
    struct
    {
      guint8 *data; /* always followed by a NUL byte */
      gsize len;
    } str;
    GPtrArray *items;
    GArray *entries; /* MapEntry, sorted by encoded_key */
    struct
    {
      guint64 number;
      VkCbor *content;
    } tag;
  } v;
};

enum
{
  MAJOR_UINT = 0,
  MAJOR_NINT = 1,
  MAJOR_BYTES = 2,
  MAJOR_TEXT = 3,
  MAJOR_ARRAY = 4,
  MAJOR_MAP = 5,
  MAJOR_TAG = 6,
  MAJOR_SIMPLE = 7,
};

/* ---------------------------------------------------------------- */
/* Helpers                                                          */

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing
 * above U+10FFFF.  NUL is a valid character in a CBOR text string.
 * Returns the offset of the first bad byte, or len when all is well. */
static gsize
utf8_check (const guint8 *s, gsize len)
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

static void
write_head (GByteArray *out, guint major, guint64 arg)
{
  guint8 buf[9];
  gsize n;

  if (arg < 24)
    {
      buf[0] = (guint8)(major << 5 | arg);
      n = 1;
    }
  else if (arg <= 0xff)
    {
      buf[0] = (guint8)(major << 5 | 24);
      buf[1] = (guint8)arg;
      n = 2;
    }
  else if (arg <= 0xffff)
    {
      buf[0] = (guint8)(major << 5 | 25);
      n = 3;
    }
  else if (arg <= 0xffffffff)
    {
      buf[0] = (guint8)(major << 5 | 26);
      n = 5;
    }
  else
    {
      buf[0] = (guint8)(major << 5 | 27);
      n = 9;
    }
  if (n > 2)
    for (gsize i = 1; i < n; i++)
      buf[i] = (guint8)(arg >> (8 * (n - 1 - i)));
  g_byte_array_append (out, buf, (guint)n);
}

static guint64
double_bits (double d)
{
  guint64 bits;

  memcpy (&bits, &d, sizeof bits);
  return bits;
}

static double
bits_double (guint64 bits)
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

static float
bits_float (guint32 bits)
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

static double
half_to_double (guint16 half)
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
static void
write_float (GByteArray *out, double d)
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

static int
compare_bytes (const guint8 *a, gsize alen, const guint8 *b, gsize blen)
{
  int c = memcmp (a, b, MIN (alen, blen));

  if (c != 0)
    return c;
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static VkCbor *
cbor_alloc (VkCborType type)
{
  VkCbor *self = g_new0 (VkCbor, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->type = type;
  return self;
}

static void
map_entry_clear (gpointer p)
{
  MapEntry *entry = p;

  g_clear_pointer (&entry->encoded_key, g_bytes_unref);
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
      gsize len;
      const guint8 *data = g_bytes_get_data (entry->encoded_key, &len);
      int c = compare_bytes (data, len, key, key_len);

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
  VkCbor *self = cbor_alloc (VK_CBOR_UINT);

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
  VkCbor *self = cbor_alloc (VK_CBOR_NINT);

  self->v.number = n;
  return self;
}

static VkCbor *
new_string (VkCborType type, const guint8 *data, gsize len)
{
  VkCbor *self = cbor_alloc (type);

  self->v.str.data = g_malloc (len + 1);
  if (len > 0)
    memcpy (self->v.str.data, data, len);
  self->v.str.data[len] = 0;
  self->v.str.len = len;
  return self;
}

VkCbor *
vk_cbor_new_bytes (const guint8 *data, gsize len)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  return new_string (VK_CBOR_BYTES, data, len);
}

VkCbor *
vk_cbor_new_text (const char *utf8, gssize len)
{
  gsize n;

  g_return_val_if_fail (utf8 != NULL || len == 0, NULL);

  n = len < 0 ? strlen (utf8) : (gsize)len;
  g_return_val_if_fail (utf8_check ((const guint8 *)utf8, n) == n, NULL);
  return new_string (VK_CBOR_TEXT, (const guint8 *)utf8, n);
}

VkCbor *
vk_cbor_new_array (void)
{
  VkCbor *self = cbor_alloc (VK_CBOR_ARRAY);

  self->v.items = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_cbor_unref);
  return self;
}

VkCbor *
vk_cbor_new_map (void)
{
  VkCbor *self = cbor_alloc (VK_CBOR_MAP);

  self->v.entries = g_array_new (FALSE, FALSE, sizeof (MapEntry));
  g_array_set_clear_func (self->v.entries, map_entry_clear);
  return self;
}

VkCbor *
vk_cbor_new_tag (guint64 tag, VkCbor *content)
{
  VkCbor *self;

  g_return_val_if_fail (content != NULL, NULL);

  self = cbor_alloc (VK_CBOR_TAG);
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

  self = cbor_alloc (VK_CBOR_SIMPLE);
  self->v.number = value;
  return self;
}

VkCbor *
vk_cbor_new_float (double value)
{
  VkCbor *self = cbor_alloc (VK_CBOR_FLOAT);

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
        g_free (self->v.str.data);
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
  GBytes *encoded;
  gsize len;
  const guint8 *data;
  guint index;

  g_return_if_fail (self != NULL && self->type == VK_CBOR_MAP);
  g_return_if_fail (key != NULL && value != NULL);

  encoded = vk_cbor_encode (key);
  data = g_bytes_get_data (encoded, &len);
  if (map_find (self, data, len, &index))
    {
      MapEntry *entry = &g_array_index (self->v.entries, MapEntry, index);

      g_bytes_unref (encoded);
      vk_cbor_unref (key);
      vk_cbor_unref (entry->value);
      entry->value = value;
    }
  else
    {
      MapEntry entry = { encoded, key, value };

      g_array_insert_val (self->v.entries, index, entry);
    }
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
map_lookup_encoded (const VkCbor *self, GByteArray *key)
{
  guint index;

  if (!map_find (self, key->data, key->len, &index))
    return NULL;
  return g_array_index (self->v.entries, MapEntry, index).value;
}

VkCbor *
vk_cbor_map_lookup_text (const VkCbor *self, const char *key)
{
  g_autoptr (GByteArray) encoded = g_byte_array_new ();
  gsize len;

  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_MAP, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  len = strlen (key);
  write_head (encoded, MAJOR_TEXT, len);
  g_byte_array_append (encoded, (const guint8 *)key, (guint)len);
  return map_lookup_encoded (self, encoded);
}

VkCbor *
vk_cbor_map_lookup_int (const VkCbor *self, gint64 key)
{
  g_autoptr (GByteArray) encoded = g_byte_array_new ();

  g_return_val_if_fail (self != NULL && self->type == VK_CBOR_MAP, NULL);

  if (key < 0)
    write_head (encoded, MAJOR_NINT, (guint64)(-1 - key));
  else
    write_head (encoded, MAJOR_UINT, (guint64)key);
  return map_lookup_encoded (self, encoded);
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
        write_head (out, MAJOR_UINT, self->v.number);
        break;
      case VK_CBOR_NINT:
        write_head (out, MAJOR_NINT, self->v.number);
        break;
      case VK_CBOR_BYTES:
      case VK_CBOR_TEXT:
        write_head (out, self->type == VK_CBOR_BYTES ? MAJOR_BYTES : MAJOR_TEXT, self->v.str.len);
        g_byte_array_append (out, self->v.str.data, (guint)self->v.str.len);
        break;
      case VK_CBOR_ARRAY:
        write_head (out, MAJOR_ARRAY, self->v.items->len);
        for (guint i = 0; i < self->v.items->len; i++)
          vk_cbor_encode_append (g_ptr_array_index (self->v.items, i), out);
        break;
      case VK_CBOR_MAP:
        write_head (out, MAJOR_MAP, self->v.entries->len);
        for (guint i = 0; i < self->v.entries->len; i++)
          {
            const MapEntry *entry = &g_array_index (self->v.entries, MapEntry, i);
            gsize len;
            const guint8 *data = g_bytes_get_data (entry->encoded_key, &len);

            g_byte_array_append (out, data, (guint)len);
            vk_cbor_encode_append (entry->value, out);
          }
        break;
      case VK_CBOR_TAG:
        write_head (out, MAJOR_TAG, self->v.tag.number);
        vk_cbor_encode_append (self->v.tag.content, out);
        break;
      case VK_CBOR_SIMPLE:
        write_head (out, MAJOR_SIMPLE, self->v.number);
        break;
      case VK_CBOR_FLOAT:
        write_float (out, self->v.real);
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

/* ---------------------------------------------------------------- */
/* Decoder                                                          */

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
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
    value = half_to_double ((guint16)bits);
  else if (n == 4)
    value = (double)bits_float ((guint32)bits);
  else
    value = bits_double (bits);

  /* The value is deterministic exactly when writing it again gives the
   * same bytes: this catches longer-than-needed forms and every NaN but
   * the half 0x7e00. */
  write_float (again, value);
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
            gsize bad = utf8_check (p, (gsize)arg);

            if (bad != (gsize)arg)
              {
                g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                             "CBOR text string has invalid UTF-8 at byte offset %" G_GSIZE_FORMAT, r->pos + bad);
                return NULL;
              }
          }
        r->pos += (gsize)arg;
        return new_string (major == MAJOR_BYTES ? VK_CBOR_BYTES : VK_CBOR_TEXT, p, (gsize)arg);
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

  if (major == MAJOR_ARRAY)
    {
      g_autoptr (VkCbor) array = cbor_alloc (VK_CBOR_ARRAY);

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
      g_autoptr (VkCbor) map = cbor_alloc (VK_CBOR_MAP);
      const guint8 *prev_key = NULL;
      gsize prev_len = 0;

      map->v.entries = g_array_sized_new (FALSE, FALSE, sizeof (MapEntry), (guint)arg);
      g_array_set_clear_func (map->v.entries, map_entry_clear);
      for (guint64 i = 0; i < arg; i++)
        {
          gsize key_start = r->pos;
          MapEntry entry = { NULL, NULL, NULL };
          int c;

          entry.key = decode_item (r, depth + 1, error);
          if (entry.key == NULL)
            return NULL;
          c = prev_key == NULL ? 1 : compare_bytes (r->data + key_start, r->pos - key_start, prev_key, prev_len);
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
          entry.encoded_key = g_bytes_new (prev_key, prev_len);
          entry.value = decode_item (r, depth + 1, error);
          if (entry.value == NULL)
            {
              map_entry_clear (&entry);
              return NULL;
            }
          g_array_append_val (map->v.entries, entry);
        }
      return g_steal_pointer (&map);
    }
}

VkCbor *
vk_cbor_decode_prefix (const guint8 *data, gsize len, gsize *ret_consumed, GError **error)
{
  Reader r = { data, len, 0 };
  VkCbor *item;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  item = decode_item (&r, 0, error);
  if (item != NULL && ret_consumed != NULL)
    *ret_consumed = r.pos;
  return item;
}

VkCbor *
vk_cbor_decode (const guint8 *data, gsize len, GError **error)
{
  gsize consumed = 0;
  g_autoptr (VkCbor) item = vk_cbor_decode_prefix (data, len, &consumed, error);

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

/* ---------------------------------------------------------------- */
/* Diagnostic notation                                              */

/* Numbers as RFC 8949 Appendix A writes them: the shortest digits that
 * read back to the same double, placed as ECMAScript's Number::toString
 * places them, and always with a fraction or exponent mark (".0") so
 * that a float never looks like an integer. */
static void
append_double (GString *s, double d)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char format[16];
  char digits[32];
  gsize ndigits = 0;
  int dec_exp = 0;
  int point;
  const char *e;

  if (isnan (d))
    {
      g_string_append (s, "NaN");
      return;
    }
  if (signbit (d))
    {
      g_string_append_c (s, '-');
      d = -d;
    }
  if (isinf (d))
    {
      g_string_append (s, "Infinity");
      return;
    }
  if (d == 0)
    {
      g_string_append (s, "0.0");
      return;
    }

  /* Find the fewest significant digits that read back as d.  printf
   * rounds correctly, but on an exact tie it rounds to even, and just
   * above a power of two the neighbour on the other side may be the one
   * that reads back (2^-24 gives 5.960464477539063e-8, not ...062e-8),
   * so the digit strings one unit either side are tried too. */
  for (int precision = 0; precision <= 16; precision++)
    {
      guint64 mantissa = 0;
      int exponent;
      static const int deltas[] = { 0, 1, -1 };

      g_snprintf (format, sizeof format, "%%.%de", precision);
      g_ascii_formatd (buf, sizeof buf, format, d);
      e = strchr (buf, 'e');
      for (const char *c = buf; c < e; c++)
        if (g_ascii_isdigit (*c))
          mantissa = mantissa * 10 + (guint64)(*c - '0');
      exponent = (int)g_ascii_strtoll (e + 1, NULL, 10) - precision;
      for (gsize k = 0; k < G_N_ELEMENTS (deltas); k++)
        {
          guint64 candidate = mantissa + (guint64)(gint64)deltas[k];

          if (candidate == 0)
            continue;
          g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT "e%d", candidate, exponent);
          if (precision == 16 || g_ascii_strtod (buf, NULL) == d)
            {
              g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, candidate);
              ndigits = strlen (digits);
              dec_exp = exponent + (int)ndigits - 1;
              break;
            }
        }
      if (ndigits > 0)
        break;
    }
  while (ndigits > 1 && digits[ndigits - 1] == '0')
    ndigits--;
  digits[ndigits] = 0;
  point = dec_exp + 1; /* digits before the decimal point */

  if (point >= (int)ndigits && point <= 21)
    {
      g_string_append (s, digits);
      for (int i = (int)ndigits; i < point; i++)
        g_string_append_c (s, '0');
      g_string_append (s, ".0");
    }
  else if (point > 0 && point <= 21)
    {
      g_string_append_len (s, digits, point);
      g_string_append_c (s, '.');
      g_string_append (s, digits + point);
    }
  else if (point > -6 && point <= 0)
    {
      g_string_append (s, "0.");
      for (int i = point; i < 0; i++)
        g_string_append_c (s, '0');
      g_string_append (s, digits);
    }
  else
    {
      g_string_append_c (s, digits[0]);
      g_string_append_c (s, '.');
      g_string_append (s, ndigits > 1 ? digits + 1 : "0");
      g_string_append_printf (s, "e%c%d", dec_exp < 0 ? '-' : '+', ABS (dec_exp));
    }
}

/* Text strings as JSON strings in plain ASCII, as RFC 8949 Appendix A
 * shows them ("\u00fc", "\ud800\udd51"). */
static void
append_text (GString *s, const guint8 *p, gsize len)
{
  g_string_append_c (s, '"');
  for (gsize i = 0; i < len;)
    {
      /* The text was validated when it was made, so the sequence is whole. */
      guint32 c = p[i];
      gsize n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

      if (n > 1)
        {
          c &= 0x3f >> (n - 1);
          for (gsize k = 1; k < n; k++)
            c = (c << 6) | (p[i + k] & 0x3f);
        }
      i += n;
      if (c == '"' || c == '\\')
        g_string_append_printf (s, "\\%c", (char)c);
      else if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\r')
        g_string_append (s, "\\r");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c >= 0x20 && c < 0x7f)
        g_string_append_c (s, (char)c);
      else if (c < 0x10000)
        g_string_append_printf (s, "\\u%04x", c);
      else
        {
          c -= 0x10000;
          g_string_append_printf (s, "\\u%04x\\u%04x", 0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff));
        }
    }
  g_string_append_c (s, '"');
}

static void
append_diagnostic (GString *s, const VkCbor *self)
{
  switch (self->type)
    {
      case VK_CBOR_UINT:
        g_string_append_printf (s, "%" G_GUINT64_FORMAT, self->v.number);
        break;
      case VK_CBOR_NINT:
        if (self->v.number == G_MAXUINT64)
          g_string_append (s, "-18446744073709551616");
        else
          g_string_append_printf (s, "-%" G_GUINT64_FORMAT, self->v.number + 1);
        break;
      case VK_CBOR_BYTES:
        g_string_append (s, "h'");
        for (gsize i = 0; i < self->v.str.len; i++)
          g_string_append_printf (s, "%02x", self->v.str.data[i]);
        g_string_append_c (s, '\'');
        break;
      case VK_CBOR_TEXT:
        append_text (s, self->v.str.data, self->v.str.len);
        break;
      case VK_CBOR_ARRAY:
        g_string_append_c (s, '[');
        for (guint i = 0; i < self->v.items->len; i++)
          {
            if (i > 0)
              g_string_append (s, ", ");
            append_diagnostic (s, g_ptr_array_index (self->v.items, i));
          }
        g_string_append_c (s, ']');
        break;
      case VK_CBOR_MAP:
        g_string_append_c (s, '{');
        for (guint i = 0; i < self->v.entries->len; i++)
          {
            const MapEntry *entry = &g_array_index (self->v.entries, MapEntry, i);

            if (i > 0)
              g_string_append (s, ", ");
            append_diagnostic (s, entry->key);
            g_string_append (s, ": ");
            append_diagnostic (s, entry->value);
          }
        g_string_append_c (s, '}');
        break;
      case VK_CBOR_TAG:
        g_string_append_printf (s, "%" G_GUINT64_FORMAT "(", self->v.tag.number);
        append_diagnostic (s, self->v.tag.content);
        g_string_append_c (s, ')');
        break;
      case VK_CBOR_SIMPLE:
        switch (self->v.number)
          {
            case 20:
              g_string_append (s, "false");
              break;
            case 21:
              g_string_append (s, "true");
              break;
            case 22:
              g_string_append (s, "null");
              break;
            case 23:
              g_string_append (s, "undefined");
              break;
            default:
              g_string_append_printf (s, "simple(%" G_GUINT64_FORMAT ")", self->v.number);
              break;
          }
        break;
      case VK_CBOR_FLOAT:
        append_double (s, self->v.real);
        break;
      default:
        g_assert_not_reached ();
    }
}

char *
vk_cbor_to_diagnostic (const VkCbor *self)
{
  GString *s;

  g_return_val_if_fail (self != NULL, NULL);

  s = g_string_new (NULL);
  append_diagnostic (s, self);
  return g_string_free (s, FALSE);
}

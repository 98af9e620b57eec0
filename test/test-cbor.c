/* test-cbor.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <sys/resource.h>

#include "vk-cbor.h"
#include "vk-error.h"
#include "vk-journal.h"
#include "vk-text.h"
#include "vk-test-util.h"

static GBytes *
hex_bytes (const char *hex)
{
  gsize len = strlen (hex);
  GByteArray *out = g_byte_array_new ();

  g_assert_cmpuint (len % 2, ==, 0);
  for (gsize i = 0; i < len; i += 2)
    {
      int hi = g_ascii_xdigit_value (hex[i]);
      int lo = g_ascii_xdigit_value (hex[i + 1]);
      guint8 b;

      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      b = (guint8)(hi << 4 | lo);
      g_byte_array_append (out, &b, 1);
    }
  return g_byte_array_free_to_bytes (out);
}

static char *
bytes_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", p[i]);
  return g_string_free (s, FALSE);
}

static VkCbor *
decode_hex (const char *hex, GError **error)
{
  g_autoptr (GBytes) bytes = hex_bytes (hex);
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);

  return vk_cbor_decode (p, len, error);
}

static char *
encode_hex (const VkCbor *item)
{
  g_autoptr (GBytes) bytes = vk_cbor_encode (item);

  return bytes_hex (bytes);
}

static void
assert_encodes (const VkCbor *item, const char *hex)
{
  g_autofree char *encoded = encode_hex (item);

  g_assert_cmpstr (encoded, ==, hex);
}

static void
assert_rejected (const char *hex, gint code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) item = decode_hex (hex, &error);

  if (item != NULL || error == NULL || error->code != code)
    g_error ("%s: expected error code %d, got %s", hex, code, error != NULL ? error->message : "success");
  g_assert_error (error, VK_ERROR, code);
  /* Every decoder error names where it happened. */
  g_assert_nonnull (strstr (error->message, "offset"));
}

/* RFC 8949 Appendix A: every example that is deterministically encoded,
 * with its diagnostic notation as the RFC prints it.  The two bignums are
 * the exception: Appendix A shows their numeric value (18446744073709551616)
 * and says so, while §8 notation for the item itself is the tag form. */
static const struct
{
  const char *hex;
  const char *diagnostic;
} appendix_a[] = {
  { "00", "0" },
  { "01", "1" },
  { "0a", "10" },
  { "17", "23" },
  { "1818", "24" },
  { "1819", "25" },
  { "1864", "100" },
  { "1903e8", "1000" },
  { "1a000f4240", "1000000" },
  { "1b000000e8d4a51000", "1000000000000" },
  { "1bffffffffffffffff", "18446744073709551615" },
  { "c249010000000000000000", "2(h'010000000000000000')" },
  { "3bffffffffffffffff", "-18446744073709551616" },
  { "c349010000000000000000", "3(h'010000000000000000')" },
  { "20", "-1" },
  { "29", "-10" },
  { "3863", "-100" },
  { "3903e7", "-1000" },
  { "f90000", "0.0" },
  { "f98000", "-0.0" },
  { "f93c00", "1.0" },
  { "fb3ff199999999999a", "1.1" },
  { "f93e00", "1.5" },
  { "f97bff", "65504.0" },
  { "fa47c35000", "100000.0" },
  { "fa7f7fffff", "3.4028234663852886e+38" },
  { "fb7e37e43c8800759c", "1.0e+300" },
  { "f90001", "5.960464477539063e-8" },
  { "f90400", "0.00006103515625" },
  { "f9c400", "-4.0" },
  { "fbc010666666666666", "-4.1" },
  { "f97c00", "Infinity" },
  { "f97e00", "NaN" },
  { "f9fc00", "-Infinity" },
  { "f4", "false" },
  { "f5", "true" },
  { "f6", "null" },
  { "f7", "undefined" },
  { "f0", "simple(16)" },
  { "f8ff", "simple(255)" },
  { "c074323031332d30332d32315432303a30343a30305a", "0(\"2013-03-21T20:04:00Z\")" },
  { "c11a514b67b0", "1(1363896240)" },
  { "c1fb41d452d9ec200000", "1(1363896240.5)" },
  { "d74401020304", "23(h'01020304')" },
  { "d818456449455446", "24(h'6449455446')" },
  { "d82076687474703a2f2f7777772e6578616d706c652e636f6d", "32(\"http://www.example.com\")" },
  { "40", "h''" },
  { "4401020304", "h'01020304'" },
  { "60", "\"\"" },
  { "6161", "\"a\"" },
  { "6449455446", "\"IETF\"" },
  { "62225c", "\"\\\"\\\\\"" },
  { "62c3bc", "\"\\u00fc\"" },
  { "63e6b0b4", "\"\\u6c34\"" },
  { "64f0908591", "\"\\ud800\\udd51\"" },
  { "80", "[]" },
  { "83010203", "[1, 2, 3]" },
  { "8301820203820405", "[1, [2, 3], [4, 5]]" },
  { "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
    "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]" },
  { "a0", "{}" },
  { "a201020304", "{1: 2, 3: 4}" },
  { "a26161016162820203", "{\"a\": 1, \"b\": [2, 3]}" },
  { "826161a161626163", "[\"a\", {\"b\": \"c\"}]" },
  { "a56161614161626142616361436164614461656145",
    "{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}" },
};

/* The Appendix A examples that are valid CBOR but not deterministic:
 * floats wider than needed and indefinite-length items.  RFC 7049's list
 * also had f818 ("simple(24)"), which RFC 8949 §3.3 made not well-formed. */
static const struct
{
  const char *hex;
  gint code;
} appendix_a_rejected[] = {
  { "fa7f800000", VK_ERROR_NOT_DETERMINISTIC },
  { "fa7fc00000", VK_ERROR_NOT_DETERMINISTIC },
  { "faff800000", VK_ERROR_NOT_DETERMINISTIC },
  { "fb7ff0000000000000", VK_ERROR_NOT_DETERMINISTIC },
  { "fb7ff8000000000000", VK_ERROR_NOT_DETERMINISTIC },
  { "fbfff0000000000000", VK_ERROR_NOT_DETERMINISTIC },
  { "f818", VK_ERROR_INVALID },
  { "5f42010243030405ff", VK_ERROR_NOT_DETERMINISTIC },
  { "7f657374726561646d696e67ff", VK_ERROR_NOT_DETERMINISTIC },
  { "9fff", VK_ERROR_NOT_DETERMINISTIC },
  { "9f018202039f0405ffff", VK_ERROR_NOT_DETERMINISTIC },
  { "9f01820203820405ff", VK_ERROR_NOT_DETERMINISTIC },
  { "83018202039f0405ff", VK_ERROR_NOT_DETERMINISTIC },
  { "83019f0203ff820405", VK_ERROR_NOT_DETERMINISTIC },
  { "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff", VK_ERROR_NOT_DETERMINISTIC },
  { "bf61610161629f0203ffff", VK_ERROR_NOT_DETERMINISTIC },
  { "826161bf61626163ff", VK_ERROR_NOT_DETERMINISTIC },
  { "bf6346756ef563416d7421ff", VK_ERROR_NOT_DETERMINISTIC },
};

static void
test_cbor_appendix_a (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (appendix_a); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VkCbor) item = decode_hex (appendix_a[i].hex, &error);
      g_autofree char *diagnostic = NULL;
      g_autofree char *again = NULL;

      if (item == NULL)
        g_error ("%s: %s", appendix_a[i].hex, error->message);
      diagnostic = vk_cbor_to_diagnostic (item);
      g_assert_cmpstr (diagnostic, ==, appendix_a[i].diagnostic);
      again = encode_hex (item);
      g_assert_cmpstr (again, ==, appendix_a[i].hex);
    }
}

static void
test_cbor_appendix_a_rejected (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (appendix_a_rejected); i++)
    assert_rejected (appendix_a_rejected[i].hex, appendix_a_rejected[i].code);
}

/* Scalars built with the constructors encode to what RFC 8949 §3 and
 * §4.2 prescribe (the expected bytes are worked out from the RFC). */
static void
test_cbor_encode_scalars (void)
{
  static const struct
  {
    double value;
    const char *hex;
  } floats[] = {
    { 0.0, "f90000" },
    { 1.0, "f93c00" },
    { 65504.0, "f97bff" },
    { 65536.0, "fa47800000" },     /* beyond half range, exact in single */
    { 0x1p-24, "f90001" },         /* smallest half subnormal */
    { 0x1p-25, "fa33000000" },     /* too small for half, exact in single */
    { 0x1.004p-14, "f90401" },     /* a normal half with the last mantissa bit set */
    { 0x1.002p-14, "fa38801000" }, /* one bit too many for half */
    { 1.1, "fb3ff199999999999a" },
    { 0x1p-149, "fa00000001" }, /* smallest single subnormal */
    { 0x1p-150, "fb3690000000000000" },
    { 3.5e38, "fb47f074f8c4d3cd7b" }, /* above FLT_MAX */
  };
  g_autoptr (VkCbor) nan = vk_cbor_new_float (NAN);
  g_autoptr (VkCbor) negnan = vk_cbor_new_float (-NAN);
  g_autoptr (VkCbor) inf = vk_cbor_new_float (-INFINITY);
  g_autoptr (VkCbor) min = vk_cbor_new_int (G_MININT64);
  g_autoptr (VkCbor) max = vk_cbor_new_uint (G_MAXUINT64);
  g_autoptr (VkCbor) minus_one = vk_cbor_new_int (-1);
  g_autoptr (VkCbor) nint_max = vk_cbor_new_nint (G_MAXUINT64);
  g_autoptr (VkCbor) text = vk_cbor_new_text ("a\0b", 3);
  gint64 v;
  gsize len;

  for (gsize i = 0; i < G_N_ELEMENTS (floats); i++)
    {
      g_autoptr (VkCbor) item = vk_cbor_new_float (floats[i].value);
      g_autofree char *hex = encode_hex (item);
      g_autoptr (VkCbor) back = decode_hex (hex, NULL);

      g_assert_cmpstr (hex, ==, floats[i].hex);
      g_assert_nonnull (back);
      g_assert_cmpfloat (vk_cbor_get_float (back), ==, floats[i].value);
    }
  assert_encodes (nan, "f97e00");
  assert_encodes (negnan, "f97e00");
  assert_encodes (inf, "f9fc00");
  assert_encodes (min, "3b7fffffffffffffff");
  g_assert_true (vk_cbor_get_int (min, &v));
  g_assert_cmpint (v, ==, G_MININT64);
  assert_encodes (max, "1bffffffffffffffff");
  g_assert_false (vk_cbor_get_int (max, &v));
  assert_encodes (minus_one, "20");
  g_assert_cmpint (vk_cbor_get_type (minus_one), ==, VK_CBOR_NINT);
  g_assert_cmpuint (vk_cbor_get_nint_raw (minus_one), ==, 0);
  g_assert_false (vk_cbor_get_int (nint_max, &v));
  assert_encodes (text, "63610062");
  g_assert_cmpstr (vk_cbor_get_text (text, &len), ==, "a");
  g_assert_cmpuint (len, ==, 3);
}

/* "The keys in every map MUST be sorted in the bytewise lexicographic
 * order of their deterministic encodings" (RFC 8949 §4.2.1), whose own
 * example orders these keys so. */
static void
test_cbor_map_order (void)
{
  static const char *const order[] = { "10", "100", "-1", "\"z\"", "\"aa\"", "[100]", "[-1]", "false" };
  g_autoptr (VkCbor) map = vk_cbor_new_map ();
  VkCbor *a100 = vk_cbor_new_array ();
  VkCbor *a1 = vk_cbor_new_array ();
  g_autofree char *hex = NULL;
  g_autoptr (GError) error = NULL;

  vk_cbor_array_append (a100, vk_cbor_new_uint (100));
  vk_cbor_array_append (a1, vk_cbor_new_int (-1));
  /* Insert in an order unlike the sorted one. */
  vk_cbor_map_insert (map, vk_cbor_new_bool (FALSE), vk_cbor_new_uint (7));
  vk_cbor_map_insert (map, a1, vk_cbor_new_uint (6));
  vk_cbor_map_insert_text (map, "aa", vk_cbor_new_uint (4));
  vk_cbor_map_insert (map, vk_cbor_new_int (-1), vk_cbor_new_uint (2));
  vk_cbor_map_insert (map, a100, vk_cbor_new_uint (5));
  vk_cbor_map_insert (map, vk_cbor_new_uint (100), vk_cbor_new_uint (1));
  vk_cbor_map_insert_text (map, "z", vk_cbor_new_uint (3));
  vk_cbor_map_insert (map, vk_cbor_new_uint (10), vk_cbor_new_uint (99));
  /* Replacing keeps one entry. */
  vk_cbor_map_insert (map, vk_cbor_new_uint (10), vk_cbor_new_uint (0));

  g_assert_cmpuint (vk_cbor_map_get_length (map), ==, G_N_ELEMENTS (order));
  for (gsize i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autofree char *key = vk_cbor_to_diagnostic (vk_cbor_map_get_key (map, i));

      g_assert_cmpstr (key, ==, order[i]);
      g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_get_value (map, i)), ==, i);
    }
  hex = encode_hex (map);
  g_assert_cmpstr (hex, ==,
                   "a8"
                   "0a00"
                   "186401"
                   "2002"
                   "617a03"
                   "62616104"
                   "81186405"
                   "812006"
                   "f407");
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_int (map, -1)), ==, 2);
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_int (map, 100)), ==, 1);
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_text (map, "aa")), ==, 4);
  g_assert_null (vk_cbor_map_lookup_text (map, "a"));
  g_assert_null (vk_cbor_map_lookup_int (map, 11));

  /* RFC 7049's canonical order (shorter keys first) is not ours. */
  {
    g_autoptr (VkCbor) old = decode_hex ("a8"
                                         "0a00"
                                         "2002"
                                         "f407"
                                         "186401"
                                         "617a03"
                                         "812006"
                                         "62616104"
                                         "81186405",
                                         &error);
    g_assert_null (old);
    g_assert_error (error, VK_ERROR, VK_ERROR_NOT_DETERMINISTIC);
    g_assert_nonnull (strstr (error->message, "byte offset 7"));
  }
}

static VkCbor *
build_sample (void)
{
  VkCbor *root = vk_cbor_new_array ();
  VkCbor *body = vk_cbor_new_map ();
  VkCbor *inner = vk_cbor_new_array ();
  static const guint8 hash[32] = { 0xde, 0xad, 0xbe, 0xef, [31] = 0x01 };

  vk_cbor_array_append (root, vk_cbor_new_uint (1));
  vk_cbor_array_append (root, vk_cbor_new_bytes (hash, sizeof hash));
  vk_cbor_array_append (root, vk_cbor_new_text ("station-ærø-1", -1));
  vk_cbor_array_append (root, vk_cbor_new_uint (4294967296));
  vk_cbor_array_append (root, vk_cbor_new_int (-500));
  vk_cbor_map_set_uint (body, "seq", 300);
  vk_cbor_map_set_int (body, "delta", -70000);
  vk_cbor_map_set_text (body, "type", "check-in");
  vk_cbor_map_set_bytes (body, "prev", hash, 8);
  vk_cbor_map_set_bool (body, "ok", TRUE);
  vk_cbor_map_insert_text (body, "none", vk_cbor_new_null ());
  vk_cbor_array_append (inner, vk_cbor_new_float (2.5));
  vk_cbor_array_append (inner, vk_cbor_new_simple (99));
  vk_cbor_array_append (inner, vk_cbor_new_tag (1, vk_cbor_new_uint (1700000000)));
  vk_cbor_map_insert_text (body, "list", inner);
  vk_cbor_array_append (root, body);
  return root;
}

static void
test_cbor_roundtrip (void)
{
  g_autoptr (VkCbor) sample = build_sample ();
  g_autoptr (GBytes) encoded = vk_cbor_encode (sample);
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (encoded, &len);
  g_autoptr (VkCbor) back = vk_cbor_decode (data, len, &error);
  g_autoptr (GBytes) again = NULL;
  g_autoptr (VkCbor) other = build_sample ();
  VkCbor *body;
  VkCbor *inner;
  guint64 u;
  gint64 i;
  gboolean b;
  gsize blen;
  g_autofree char *diagnostic = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (back);
  again = vk_cbor_encode (back);
  g_assert_true (g_bytes_equal (encoded, again));
  g_assert_true (vk_cbor_equal (sample, back));

  /* A change anywhere makes the trees unequal. */
  vk_cbor_map_set_uint (vk_cbor_array_get (other, 5), "seq", 301);
  g_assert_false (vk_cbor_equal (sample, other));

  g_assert_cmpuint (vk_cbor_array_get_length (back), ==, 6);
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_array_get (back, 0)), ==, 1);
  g_assert_cmpmem (vk_cbor_get_bytes (vk_cbor_array_get (back, 1), &blen), 4, "\xde\xad\xbe\xef", 4);
  g_assert_cmpuint (blen, ==, 32);
  g_assert_cmpstr (vk_cbor_get_text (vk_cbor_array_get (back, 2), NULL), ==, "station-ærø-1");
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_array_get (back, 3)), ==, 4294967296);
  g_assert_true (vk_cbor_get_int (vk_cbor_array_get (back, 4), &i));
  g_assert_cmpint (i, ==, -500);

  body = vk_cbor_array_get (back, 5);
  g_assert_true (vk_cbor_map_get_uint_field (body, "seq", &u, &error));
  g_assert_cmpuint (u, ==, 300);
  g_assert_true (vk_cbor_map_get_int_field (body, "delta", &i, &error));
  g_assert_cmpint (i, ==, -70000);
  g_assert_true (vk_cbor_map_get_int_field (body, "seq", &i, &error));
  g_assert_cmpint (i, ==, 300);
  g_assert_cmpstr (vk_cbor_map_get_text_field (body, "type", &error), ==, "check-in");
  g_assert_nonnull (vk_cbor_map_get_bytes_field (body, "prev", &blen, &error));
  g_assert_cmpuint (blen, ==, 8);
  g_assert_true (vk_cbor_get_bool (vk_cbor_map_lookup_text (body, "ok"), &b));
  g_assert_true (b);
  g_assert_true (vk_cbor_is_null (vk_cbor_map_lookup_text (body, "none")));
  g_assert_false (vk_cbor_get_bool (vk_cbor_map_lookup_text (body, "none"), &b));
  g_assert_no_error (error);

  inner = vk_cbor_map_lookup_text (body, "list");
  g_assert_cmpfloat (vk_cbor_get_float (vk_cbor_array_get (inner, 0)), ==, 2.5);
  g_assert_cmpuint (vk_cbor_get_simple (vk_cbor_array_get (inner, 1)), ==, 99);
  g_assert_cmpuint (vk_cbor_get_tag (vk_cbor_array_get (inner, 2)), ==, 1);
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_get_tag_content (vk_cbor_array_get (inner, 2))), ==, 1700000000);

  diagnostic = vk_cbor_to_diagnostic (back);
  g_assert_cmpstr (diagnostic, ==,
                   "[1, h'deadbeef00000000000000000000000000000000000000000000000000000001', "
                   "\"station-\\u00e6r\\u00f8-1\", 4294967296, -500, "
                   "{\"ok\": true, \"seq\": 300, \"list\": [2.5, simple(99), 1(1700000000)], \"none\": null, "
                   "\"prev\": h'deadbeef00000000', \"type\": \"check-in\", \"delta\": -70000}]");

  /* Field look-ups name the field when it is missing or of a wrong type. */
  g_assert_false (vk_cbor_map_get_uint_field (body, "delta", &u, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "\"delta\""));
  g_clear_error (&error);
  g_assert_null (vk_cbor_map_get_text_field (body, "missing", &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "\"missing\""));
  g_clear_error (&error);
  g_assert_null (vk_cbor_map_get_bytes_field (body, "type", &blen, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vk_cbor_map_get_int_field (body, "ok", &i, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (vk_cbor_map_get_int_field (body, "nothing", &i, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
}

static void
test_cbor_truncated (void)
{
  g_autoptr (VkCbor) sample = build_sample ();
  g_autoptr (GBytes) encoded = vk_cbor_encode (sample);
  gsize len;
  const guint8 *data = g_bytes_get_data (encoded, &len);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr (GError) error = NULL;
      /* A copy of exactly cut bytes, so that ASan sees any overread. */
      g_autofree guint8 *prefix = g_memdup2 (data, cut);
      gsize consumed = 0;
      g_autoptr (VkCbor) item = vk_cbor_decode (prefix, cut, &error);
      g_autoptr (VkCbor) item2 = NULL;

      g_assert_null (item);
      g_assert_error (error, VK_ERROR, VK_ERROR_TRUNCATED);
      g_clear_error (&error);
      item2 = vk_cbor_decode_prefix (prefix, cut, &consumed, &error);
      g_assert_null (item2);
      g_assert_error (error, VK_ERROR, VK_ERROR_TRUNCATED);
    }
}

static void
test_cbor_depth (void)
{
  GString *hex = g_string_new (NULL);
  g_autofree char *bomb = NULL;
  g_autoptr (GError) error = NULL;
  VkCbor *item;

  /* VK_CBOR_MAX_DEPTH nested arrays decode... */
  for (int i = 0; i < VK_CBOR_MAX_DEPTH; i++)
    g_string_append (hex, "81");
  g_string_append (hex, "00");
  item = decode_hex (hex->str, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  vk_cbor_unref (item);

  /* ...one more does not, nor does a tag at that depth. */
  g_string_prepend (hex, "81");
  assert_rejected (hex->str, VK_ERROR_INVALID);
  g_string_erase (hex, 0, 2);
  g_string_prepend (hex, "c1");
  assert_rejected (hex->str, VK_ERROR_INVALID);

  g_string_truncate (hex, 0);
  for (int i = 0; i < 1000; i++)
    g_string_append (hex, "81");
  bomb = g_string_free (hex, FALSE);
  assert_rejected (bomb, VK_ERROR_INVALID);
  /* Even without its end, the depth is noticed first. */
  item = decode_hex (bomb, &error);
  g_assert_null (item);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "byte offset 32"));
}

/* A few header bytes that claim huge lengths.  Were the decoder to
 * allocate before checking, g_malloc would abort the test. */
static void
test_cbor_huge_lengths (void)
{
  static const char *const claims[] = {
    "5b1000000000000000",   /* bytes, 2^60 */
    "7b1000000000000000",   /* text, 2^60 */
    "9b1000000000000000",   /* array, 2^60 items */
    "bb1000000000000000",   /* map, 2^60 pairs */
    "5bffffffffffffffff00", /* bytes, 2^64 - 1 */
    "9bffffffffffffffff00", /* array, 2^64 - 1 */
    "ba7fffffff00",         /* map, 2^31 - 1 pairs */
    "830102b9ffff",         /* nested */
    "a4000001010202",       /* 4 pairs in 6 bytes */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (claims); i++)
    assert_rejected (claims[i], VK_ERROR_TRUNCATED);
}

static void
test_cbor_not_deterministic (void)
{
  static const char *const samples[] = {
    "1817",               /* 23 in two bytes */
    "190017",             /* 23 in three bytes */
    "1900ff",             /* 255 in three bytes */
    "1a0000ffff",         /* 65535 in five bytes */
    "1b00000000ffffffff", /* 2^32 - 1 in nine bytes */
    "3800",               /* -1 in two bytes */
    "580100",             /* length 1 in two bytes */
    "780161",             /* text length in two bytes */
    "98020102",           /* array count in two bytes */
    "b8020102",           /* map count in two bytes */
    "d80100",             /* tag 1 in two bytes */
    "fa3f800000",         /* 1.0 as single */
    "fb3ff0000000000000", /* 1.0 as double */
    "f97e01",             /* NaN with a payload */
    "f9fe00",             /* negative NaN */
    "fa7fc00001",         /* single NaN with a payload */
    "fb3e70000000000000", /* 2^-24 as double */
    "a202000100",         /* unsorted keys */
    "a2616201616100",     /* unsorted text keys */
    "a21864000a00",       /* 100 before 10 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    assert_rejected (samples[i], VK_ERROR_NOT_DETERMINISTIC);
}

static void
test_cbor_invalid (void)
{
  static const char *const samples[] = {
    "1c",
    "1d",
    "1e", /* reserved additional information */
    "3c",
    "5d",
    "fe",
    "1f",
    "3f",
    "df00",   /* indefinite length where none exists */
    "ff",     /* a lone break */
    "8100ff", /* break after a definite array is trailing */
    "f800",
    "f817",
    "f818",
    "f81f",           /* simple values below 32 in two bytes */
    "a10100ff",       /* trailing byte */
    "a201000100",     /* duplicate key */
    "a2616100616100", /* duplicate text key */
    "62c328",         /* bad continuation byte */
    "62c080",         /* overlong NUL */
    "63e08080",       /* overlong */
    "63eda080",       /* surrogate U+D800 */
    "64f4908080",     /* above U+10FFFF */
    "61ff",           /* never valid in UTF-8 */
    "6180",           /* lone continuation byte */
    "62e282",         /* sequence cut short inside the string */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    assert_rejected (samples[i], VK_ERROR_INVALID);
}

static void
test_cbor_error_offsets (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) a = decode_hex ("830102"
                                     "1817",
                                     &error);
  g_autoptr (VkCbor) b = NULL;
  g_autoptr (VkCbor) c = NULL;

  g_assert_null (a);
  g_assert_error (error, VK_ERROR, VK_ERROR_NOT_DETERMINISTIC);
  g_assert_nonnull (strstr (error->message, "byte offset 3"));
  g_clear_error (&error);

  /* The bad byte itself: 'a', 'b', then the stray continuation. */
  b = decode_hex ("8201"
                  "6461628061",
                  &error);
  g_assert_null (b);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "byte offset 5"));
  g_clear_error (&error);

  c = decode_hex ("0000", &error);
  g_assert_null (c);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "byte offset 1"));
}

static void
test_cbor_sequence (void)
{
  g_autoptr (GBytes) seq = hex_bytes ("01"
                                      "8302030a"
                                      "a161616162"
                                      "f6");
  static const char *const expected[] = { "1", "[2, 3, 10]", "{\"a\": \"b\"}", "null" };
  gsize len;
  const guint8 *data = g_bytes_get_data (seq, &len);
  gsize pos = 0;
  gsize n = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) whole = vk_cbor_decode (data, len, &error);

  g_assert_null (whole);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);

  while (pos < len)
    {
      gsize consumed = 0;
      g_autoptr (VkCbor) item = vk_cbor_decode_prefix (data + pos, len - pos, &consumed, &error);
      g_autofree char *diagnostic = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (consumed, >, 0);
      g_assert_cmpuint (n, <, G_N_ELEMENTS (expected));
      diagnostic = vk_cbor_to_diagnostic (item);
      g_assert_cmpstr (diagnostic, ==, expected[n]);
      pos += consumed;
      n++;
    }
  g_assert_cmpuint (pos, ==, len);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));

  /* A damaged item in the middle stops the sequence with an error. */
  {
    g_autoptr (GBytes) bad = hex_bytes ("01"
                                        "1817");
    gsize consumed = 99;
    g_autoptr (VkCbor) first = vk_cbor_decode_prefix (g_bytes_get_data (bad, NULL), 3, &consumed, &error);
    g_autoptr (VkCbor) second = NULL;

    g_assert_nonnull (first);
    g_assert_cmpuint (consumed, ==, 1);
    consumed = 99;
    second = vk_cbor_decode_prefix ((const guint8 *)g_bytes_get_data (bad, NULL) + 1, 2, &consumed, &error);
    g_assert_null (second);
    g_assert_error (error, VK_ERROR, VK_ERROR_NOT_DETERMINISTIC);
    /* ret_ out-parameters are written only on success. */
    g_assert_cmpuint (consumed, ==, 99);
  }
}

static void
test_cbor_refcount (void)
{
  VkCbor *text = vk_cbor_new_text ("shared", -1);
  g_autoptr (VkCbor) a = vk_cbor_new_array ();
  g_autoptr (VkCbor) b = vk_cbor_new_array ();

  /* One item in two trees: both references stay valid. */
  vk_cbor_array_append (a, vk_cbor_ref (text));
  vk_cbor_array_append (b, text);
  g_clear_pointer (&a, vk_cbor_unref);
  g_assert_cmpstr (vk_cbor_get_text (vk_cbor_array_get (b, 0), NULL), ==, "shared");
  vk_cbor_unref (NULL);
}

/* The head writer streaming encoders use: the shortest head at every
 * boundary, as RFC 8949 Appendix A writes the unsigned integers. */
/* Issue 12, item 3: a 64 MiB body holding one array of 67 M zero bytes
 * took 2.76 GB to decode.  Peak RSS (ru_maxrss, kB) after the body is
 * built, then after decoding it in every way a request can reach. */
#define AMP_BODY (64u * 1024 * 1024)

static guint64
peak_rss_kb (void)
{
  struct rusage ru;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &ru), ==, 0);
  return (guint64)ru.ru_maxrss;
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8)(v >> 24);
  p[1] = (guint8)(v >> 16);
  p[2] = (guint8)(v >> 8);
  p[3] = (guint8)v;
}

/* A journal entry shaped like a real one (tag 18, array of 4, {1: -8},
 * {4: kid}, payload, 64-byte signature) whose payload is an array of 8
 * with a body {"a": [n zeros]} filling the rest of size bytes. */
static guint8 *
amp_entry (gsize size)
{
  guint8 *b = g_malloc0 (size);
  gsize n_payload = size - (6 + 11 + 5 + 66);
  gsize head = 1 + 1 + 34 + 2 + 1 + 34 + 1 + 2 + 1 + 2 + 5;
  gsize n_items = n_payload - head;
  guint8 *p = b;

  *p++ = 0xd2;
  *p++ = 0x84;
  *p++ = 0x43, *p++ = 0xa1, *p++ = 0x01, *p++ = 0x27;
  *p++ = 0xa1, *p++ = 0x04, *p++ = 0x48;
  p += 8;
  *p++ = 0x5a;
  put_be32 (p, (guint32)n_payload);
  p += 4;
  *p++ = 0x88;
  *p++ = 0x01;
  *p++ = 0x58, *p++ = 0x20;
  p += 32;
  *p++ = 0x61, *p++ = 'x';
  *p++ = 0x01;
  *p++ = 0x58, *p++ = 0x20;
  p += 32;
  *p++ = 0x00;
  *p++ = 0x61, *p++ = 't';
  *p++ = 0xa1;
  *p++ = 0x61, *p++ = 'a';
  *p++ = 0x9a;
  put_be32 (p, (guint32)n_items);
  p += 4 + n_items; /* zeros */
  *p++ = 0x58, *p++ = 0x40;
  p += 64;
  g_assert_cmpuint ((gsize)(p - b), ==, size);
  return b;
}

static gpointer
amp_parse_thread (gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = vk_journal_parse (data, AMP_BODY, "amp", &error);

  g_assert_null (entries);
  g_assert_nonnull (error);
  return NULL;
}

static void
test_cbor_amplification (void)
{
  g_autofree guint8 *flat = g_malloc (AMP_BODY);
  g_autofree guint8 *entry = NULL;
  guint64 base;
  gint64 t0 = g_get_monotonic_time ();

  /* One array of AMP_BODY - 5 zero bytes: 67 M one-byte items. */
  memset (flat, 0, AMP_BODY);
  flat[0] = 0x9a;
  put_be32 (flat + 1, AMP_BODY - 5);
  entry = amp_entry (AMP_BODY);
  base = peak_rss_kb ();

  /* A journal (an HTTP body, a file): the shape is wrong at byte 0. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) entries = vk_journal_parse (flat, AMP_BODY, "flat", &error);
    g_assert_null (entries);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "tag 18"));
  }
  /* The decoder with a request's budget: the header is refused before
   * anything is allocated for its items. */
  {
    g_autoptr (GError) error = NULL;
    guint64 budget = vk_journal_item_budget (AMP_BODY);
    g_autoptr (VkCbor) item = vk_cbor_decode_budget (flat, AMP_BODY, &budget, &error);
    g_assert_null (item);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "allowed"));
  }
  /* The same array inside a well-shaped entry's body: a payload larger
   * than an entry may hold, refused from its head. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) entries = vk_journal_parse (entry, AMP_BODY, "entry", &error);
    g_assert_null (entries);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "an entry may hold"));
  }
  /* Within that size, over an entry's item budget. */
  {
    g_autoptr (GError) error = NULL;
    g_autofree guint8 *small = amp_entry (VK_JOURNAL_MAX_PAYLOAD_BYTES);
    g_autoptr (GPtrArray) entries = vk_journal_parse (small, VK_JOURNAL_MAX_PAYLOAD_BYTES, "small", &error);
    g_assert_null (entries);
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "allowed"));
  }
  /* Eight at once (the count server's worker threads). */
  {
    GThread *threads[8];
    for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
      threads[i] = g_thread_new ("amp", amp_parse_thread, i % 2 ? entry : flat);
    for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
      g_thread_join (threads[i]);
  }
  g_test_message ("peak RSS %" G_GUINT64_FORMAT " kB -> %" G_GUINT64_FORMAT " kB, %" G_GINT64_FORMAT " ms", base,
                  peak_rss_kb (), (g_get_monotonic_time () - t0) / 1000);
  /* Bounded: well under 64 MiB more than the bodies themselves. */
  g_assert_cmpuint (peak_rss_kb (), <, base + 64 * 1024);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_USEC_PER_SEC);
}

/* Control characters never reach a terminal or a PDF raw. */
static void
test_text_escape (void)
{
  const struct
  {
    const char *in, *out;
  } cases[] = {
    { "bord-1", "bord-1" },
    { "Højbjerg Skole bord 2", "Højbjerg Skole bord 2" },
    { "evil\x1b[2J\x1b]0;title\x07", "evil\\x1B[2J\\x1B]0;title\\x07" },
    { "a\nb\rc\td", "a\\x0Ab\\x0Dc\\x09d" },
    { "del\x7f", "del\\x7F" },
    { "c1\xc2\x9b", "c1\\x9B" },
    { "bidi\xe2\x80\xae", "bidi\\u{202E}" },
    { "bad\xff", "bad\\xFF" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = vk_text_escape_controls (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
  {
    g_autofree char *got = vk_text_escape_controls (NULL);
    g_assert_cmpstr (got, ==, "");
  }
}

static void
test_cbor_write_head (void)
{
  static const struct
  {
    guint64 arg;
    const char *hex;
  } cases[] = {
    { 0, "00" },
    { 23, "17" },
    { 24, "1818" },
    { 255, "18ff" },
    { 256, "190100" },
    { 65535, "19ffff" },
    { 65536, "1a00010000" },
    { G_MAXUINT32, "1affffffff" },
    { G_GUINT64_CONSTANT (4294967296), "1b0000000100000000" },
    { G_MAXUINT64, "1bffffffffffffffff" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GByteArray) out = g_byte_array_new ();
      g_autoptr (GString) hex = g_string_new (NULL);

      vk_cbor_write_head (out, 0, cases[i].arg);
      for (guint k = 0; k < out->len; k++)
        g_string_append_printf (hex, "%02x", out->data[k]);
      g_assert_cmpstr (hex->str, ==, cases[i].hex);
    }
  /* The major type goes into the top three bits: an array of 24. */
  {
    g_autoptr (GByteArray) out = g_byte_array_new ();
    vk_cbor_write_head (out, 4, 24);
    g_assert_cmpuint (out->len, ==, 2);
    g_assert_cmpuint (out->data[0], ==, 0x98);
    g_assert_cmpuint (out->data[1], ==, 24);
  }
}

/* Text keys whose heads take 1, 2 and 3 bytes (a string keeps its head
 * beside its bytes, and map entries compare that): sorted by their
 * encoding (shorter first), found again, and the same after a decode. */
static void
test_cbor_long_keys (void)
{
  g_autofree char *k30 = g_strnfill (30, 'a');
  g_autofree char *k300 = g_strnfill (300, 'b');
  g_autoptr (VkCbor) map = vk_cbor_new_map ();
  g_autoptr (VkCbor) again = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) bytes2 = NULL;
  g_autoptr (GError) error = NULL;
  const guint8 *p;
  gsize len;

  vk_cbor_map_set_uint (map, k300, 3);
  vk_cbor_map_set_uint (map, k30, 2);
  vk_cbor_map_set_uint (map, "c", 1);
  vk_cbor_map_insert (map, vk_cbor_new_uint (7), vk_cbor_new_uint (4));
  bytes = vk_cbor_encode (map);
  p = g_bytes_get_data (bytes, &len);
  /* {7: 4, "c": 1, "a"*30: 2, "b"*300: 3} */
  g_assert_cmpuint (len, ==, 1 + 2 + 3 + (2 + 30 + 1) + (3 + 300 + 1));
  g_assert_cmpmem (p, 6, "\xa4\x07\x04\x61\x63\x01", 6);
  g_assert_cmpmem (p + 6, 2, "\x78\x1e", 2);
  g_assert_cmpmem (p + 6 + 33, 3, "\x79\x01\x2c", 3);
  again = vk_cbor_decode (p, len, &error);
  g_assert_no_error (error);
  bytes2 = vk_cbor_encode (again);
  g_assert_true (g_bytes_equal (bytes, bytes2));
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_text (again, k300)), ==, 3);
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_text (again, k30)), ==, 2);
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_text (again, "c")), ==, 1);
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_int (again, 7)), ==, 4);
  g_assert_null (vk_cbor_map_lookup_text (again, "a"));
  vk_cbor_map_set_uint (again, k30, 5);
  g_assert_cmpuint (vk_cbor_map_get_length (again), ==, 4);
  g_assert_cmpuint (vk_cbor_get_uint (vk_cbor_map_lookup_text (again, k30)), ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cbor/appendix-a", test_cbor_appendix_a);
  g_test_add_func ("/cbor/appendix-a-rejected", test_cbor_appendix_a_rejected);
  g_test_add_func ("/cbor/encode-scalars", test_cbor_encode_scalars);
  g_test_add_func ("/cbor/map-order", test_cbor_map_order);
  g_test_add_func ("/cbor/roundtrip", test_cbor_roundtrip);
  g_test_add_func ("/cbor/truncated", test_cbor_truncated);
  g_test_add_func ("/cbor/depth", test_cbor_depth);
  g_test_add_func ("/cbor/huge-lengths", test_cbor_huge_lengths);
  g_test_add_func ("/cbor/not-deterministic", test_cbor_not_deterministic);
  g_test_add_func ("/cbor/invalid", test_cbor_invalid);
  g_test_add_func ("/cbor/error-offsets", test_cbor_error_offsets);
  g_test_add_func ("/cbor/sequence", test_cbor_sequence);
  g_test_add_func ("/cbor/refcount", test_cbor_refcount);
  g_test_add_func ("/cbor/write-head", test_cbor_write_head);
  g_test_add_func ("/cbor/amplification", test_cbor_amplification);
  g_test_add_func ("/cbor/text-escape", test_text_escape);
  g_test_add_func ("/cbor/long-keys", test_cbor_long_keys);
  return g_test_run ();
}

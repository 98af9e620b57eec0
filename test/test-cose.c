/* test-cose.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-cbor.h"
#include "vk-cose.h"
#include "vk-error.h"
#include "vk-keys.h"
#include "vk-test-util.h"

/* RFC 8032 §7.1 TEST 1. */
static const char rfc8032_seed[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
static const char rfc8032_public[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

/* The COSE_Sign1 of "valgkit interop" under the RFC 8032 TEST 1 key,
 * computed independently by test/interop/cose_vector.py (cbor2 + PyNaCl). */
static const char interop_vector[] = "d28443a10127a1044821fe31dfa154a2614f76616c676b697420696e7465726f70584026"
                                     "4bcc332753d11e79222e83cce4e97d04eed5a9f93f56f7d413b4cac1cc624055959dff40"
                                     "4e09ad161fcfeb83fe0c091d3c3a361aaa4887eb53d00dad863108";

static VkKeypair *
rfc8032_key (void)
{
  guint8 seed[VK_SEED_BYTES];

  g_assert_true (vk_hex_decode (rfc8032_seed, seed, sizeof seed));
  return vk_keypair_new_from_seed (seed);
}

static GBytes *
sign (const char *payload, const VkKeypair *key)
{
  g_autoptr (GError) error = NULL;
  GBytes *cose = vk_cose_sign1_create ((const guint8 *)payload, strlen (payload), key, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cose);
  return cose;
}

static void
test_cose_roundtrip (void)
{
  g_autoptr (VkKeypair) key = vk_keypair_generate ();
  g_autoptr (GBytes) cose = sign ("journal entry", key);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCoseSign1) decoded = NULL;
  g_autoptr (VkCbor) item = NULL;
  g_autoptr (GBytes) expected_payload = g_bytes_new_static ("journal entry", 13);

  decoded = vk_cose_sign1_decode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose), &error);
  g_assert_no_error (error);
  g_assert_nonnull (decoded);
  g_assert_true (g_bytes_equal (decoded->payload, expected_payload));
  g_assert_cmpmem (decoded->key_id, VK_KEY_ID_BYTES, vk_keypair_get_key_id (key), VK_KEY_ID_BYTES);
  g_assert_true (g_bytes_equal (decoded->encoded, cose));
  g_assert_true (vk_cose_sign1_verify (decoded, vk_keypair_get_public_key (key), &error));
  g_assert_no_error (error);

  /* The signature is Ed25519 over the Sig_structure. */
  {
    g_autoptr (GBytes) sig = vk_cose_sig_structure ((const guint8 *)"journal entry", 13);

    g_assert_true (vk_ed25519_verify (vk_keypair_get_public_key (key), g_bytes_get_data (sig, NULL),
                                      g_bytes_get_size (sig), decoded->signature));
  }

  /* The item is the shape vk-cose.h promises, read with the CBOR API. */
  item = vk_cbor_decode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vk_cbor_get_tag (item), ==, 18);
  g_assert_cmpuint (vk_cbor_array_get_length (vk_cbor_get_tag_content (item)), ==, 4);

  /* An empty payload works as well. */
  {
    g_autoptr (GBytes) empty = vk_cose_sign1_create (NULL, 0, key, &error);
    g_autoptr (VkCoseSign1) d = NULL;

    g_assert_no_error (error);
    d = vk_cose_sign1_decode (g_bytes_get_data (empty, NULL), g_bytes_get_size (empty), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (d->payload), ==, 0);
    g_assert_true (vk_cose_sign1_verify (d, vk_keypair_get_public_key (key), &error));
  }
}

/* RFC 9052 §4.4: ["Signature1", h'a10127', h'', payload], worked out by hand. */
static void
test_cose_sig_structure (void)
{
  g_autoptr (GBytes) sig = vk_cose_sig_structure ((const guint8 *)"abc", 3);
  static const guint8 expected[] = { 0x84, 0x6a, 'S',  'i',  'g',  'n',  'a',  't', 'u', 'r', 'e',
                                     '1',  0x43, 0xa1, 0x01, 0x27, 0x40, 0x43, 'a', 'b', 'c' };

  g_assert_cmpmem (g_bytes_get_data (sig, NULL), g_bytes_get_size (sig), expected, sizeof expected);
}

static void
test_cose_interop_vector (void)
{
  g_autoptr (VkKeypair) key = rfc8032_key ();
  g_autoptr (GBytes) cose = sign ("valgkit interop", key);
  g_autofree char *hex = vk_hex_encode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose));
  g_autofree char *public_hex = vk_hex_encode (vk_keypair_get_public_key (key), VK_PUBLIC_KEY_BYTES);
  gsize len = strlen (interop_vector) / 2;
  g_autofree guint8 *vector = g_malloc (len);
  g_autoptr (VkCoseSign1) decoded = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (public_hex, ==, rfc8032_public);
  g_assert_cmpstr (hex, ==, interop_vector);

  g_assert_true (vk_hex_decode (interop_vector, vector, len));
  decoded = vk_cose_sign1_decode (vector, len, &error);
  g_assert_no_error (error);
  g_assert_true (vk_cose_sign1_verify (decoded, vk_keypair_get_public_key (key), &error));
  g_assert_no_error (error);
}

/* Flip every bit of a signed item in turn: each change must be caught,
 * either by the decoder or by verification. */
static void
test_cose_bit_flips (void)
{
  g_autoptr (VkKeypair) key = rfc8032_key ();
  g_autoptr (GBytes) cose = sign ("valgkit interop", key);
  gsize len;
  const guint8 *orig = g_bytes_get_data (cose, &len);
  g_autofree guint8 *copy = g_memdup2 (orig, len);
  guint decode_failures = 0, key_failures = 0, signature_failures = 0;

  for (gsize bit = 0; bit < len * 8; bit++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VkCoseSign1) decoded = NULL;

      copy[bit / 8] ^= (guint8)(1u << (bit % 8));
      decoded = vk_cose_sign1_decode (copy, len, &error);
      if (decoded == NULL)
        {
          g_assert_nonnull (error);
          decode_failures++;
        }
      else
        {
          g_assert_false (vk_cose_sign1_verify (decoded, vk_keypair_get_public_key (key), &error));
          g_assert_nonnull (error);
          if (error->code == VK_ERROR_KEY)
            key_failures++;
          else
            {
              g_assert_error (error, VK_ERROR, VK_ERROR_SIGNATURE);
              signature_failures++;
            }
        }
      copy[bit / 8] ^= (guint8)(1u << (bit % 8));
    }
  g_assert_cmpmem (copy, len, orig, len);
  /* Each way of failing happened: the kid's 64 bits, the payload and
   * signature bits, and the structure. */
  g_assert_cmpuint (key_failures, ==, 64);
  g_assert_cmpuint (signature_failures, >=, 64 * 8);
  g_assert_cmpuint (decode_failures, >, 0);
}

static void
test_cose_wrong_key (void)
{
  g_autoptr (VkKeypair) key = rfc8032_key ();
  g_autoptr (VkKeypair) other = vk_keypair_generate ();
  g_autoptr (GBytes) cose = sign ("valgkit interop", key);
  g_autoptr (VkCoseSign1) decoded = NULL;
  g_autoptr (GError) error = NULL;

  decoded = vk_cose_sign1_decode (g_bytes_get_data (cose, NULL), g_bytes_get_size (cose), &error);
  g_assert_no_error (error);
  g_assert_false (vk_cose_sign1_verify (decoded, vk_keypair_get_public_key (other), &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_KEY);
  g_clear_error (&error);

  /* A key id that matches the other key, with this key's signature. */
  memcpy (decoded->key_id, vk_keypair_get_key_id (other), VK_KEY_ID_BYTES);
  g_assert_false (vk_cose_sign1_verify (decoded, vk_keypair_get_public_key (other), &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_SIGNATURE);
}

/* Builds a COSE_Sign1-like item with parts that can be swapped out. */
typedef struct
{
  guint64 tag;
  gboolean tagged;
  const char *protected_hex;
  gboolean kid;
  gsize kid_len;
  gboolean extra_header;
  gboolean payload_null;
  gsize sig_len;
  gboolean short_array;
} Shape;

static GBytes *
build_shape (const Shape *s)
{
  g_autoptr (VkCbor) array = vk_cbor_new_array ();
  VkCbor *unprotected = vk_cbor_new_map ();
  guint8 buf[80] = { 0 };
  gsize plen = strlen (s->protected_hex) / 2;
  g_autoptr (VkCbor) item = NULL;

  g_assert_true (vk_hex_decode (s->protected_hex, buf, plen));
  vk_cbor_array_append (array, vk_cbor_new_bytes (buf, plen));
  memset (buf, 0, sizeof buf);
  if (s->kid)
    vk_cbor_map_insert (unprotected, vk_cbor_new_uint (4), vk_cbor_new_bytes (buf, s->kid_len));
  if (s->extra_header)
    vk_cbor_map_insert (unprotected, vk_cbor_new_uint (5), vk_cbor_new_bytes (buf, 12));
  vk_cbor_array_append (array, unprotected);
  vk_cbor_array_append (array, s->payload_null ? vk_cbor_new_null () : vk_cbor_new_bytes ((const guint8 *)"x", 1));
  if (!s->short_array)
    vk_cbor_array_append (array, vk_cbor_new_bytes (buf, s->sig_len));
  item = s->tagged ? vk_cbor_new_tag (s->tag, g_steal_pointer (&array)) : g_steal_pointer (&array);
  return vk_cbor_encode (item);
}

static void
test_cose_shapes (void)
{
  const Shape good = { 18, TRUE, "a10127", TRUE, 8, FALSE, FALSE, 64, FALSE };
  Shape bad[12];
  gsize n = 0;

  /* The good shape decodes (verification is not the point here). */
  {
    g_autoptr (GBytes) bytes = build_shape (&good);
    g_autoptr (GError) error = NULL;
    g_autoptr (VkCoseSign1) decoded
        = vk_cose_sign1_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
    g_assert_no_error (error);
    g_assert_nonnull (decoded);
  }

  bad[n] = good, bad[n++].tagged = FALSE;                 /* no tag */
  bad[n] = good, bad[n++].tag = 17;                       /* COSE_Mac0 */
  bad[n] = good, bad[n++].tag = 98;                       /* COSE_Sign */
  bad[n] = good, bad[n++].protected_hex = "a10126";       /* alg -7 (ES256) */
  bad[n] = good, bad[n++].protected_hex = "a20127036161"; /* an extra protected header */
  bad[n] = good, bad[n++].protected_hex = "";             /* empty protected header */
  bad[n] = good, bad[n++].kid = FALSE;                    /* no kid */
  bad[n] = good, bad[n++].kid_len = 7;                    /* short kid */
  bad[n] = good, bad[n++].extra_header = TRUE;            /* an IV beside the kid */
  bad[n] = good, bad[n++].payload_null = TRUE;            /* detached payload */
  bad[n] = good, bad[n++].sig_len = 63;                   /* short signature */
  bad[n] = good, bad[n++].short_array = TRUE;             /* no signature at all */
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (bad));

  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GBytes) bytes = build_shape (&bad[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (VkCoseSign1) decoded
          = vk_cose_sign1_decode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);

      if (decoded != NULL)
        g_error ("bad shape %" G_GSIZE_FORMAT " was accepted", i);
      g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    }
}

/* Payloads whose byte-string heads take each form (1, 2, 3 and 5 bytes)
 * decode, without a CBOR tree (decode_fixed_shape()), to the payload,
 * key id and signature that were signed; every prefix is refused as
 * truncated; the same item with the payload's head in a longer form than
 * needed is refused as not deterministic, as the decoder refuses it. */
static void
test_cose_payload_heads (void)
{
  static const gsize sizes[] = { 0, 1, 23, 24, 255, 256, 65535, 65536, 70000 };
  g_autoptr (VkKeypair) key = vk_keypair_generate ();

  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree guint8 *payload = g_malloc (sizes[s] + 1);
      g_autoptr (GBytes) cose = NULL;
      g_autoptr (VkCoseSign1) decoded = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GByteArray) longer = g_byte_array_new ();
      const guint8 *data;
      gsize len, consumed = 0, head = sizes[s] < 24 ? 1 : sizes[s] <= 0xff ? 2 : sizes[s] <= 0xffff ? 3 : 5;
      guint8 h[9];

      for (gsize i = 0; i < sizes[s]; i++)
        payload[i] = (guint8)(i * 7 + s);
      cose = vk_cose_sign1_create (payload, sizes[s], key, &error);
      g_assert_no_error (error);
      data = g_bytes_get_data (cose, &len);

      decoded = vk_cose_sign1_decode_prefix (data, len, &consumed, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (consumed, ==, len);
      g_assert_cmpmem (g_bytes_get_data (decoded->payload, NULL), g_bytes_get_size (decoded->payload), payload,
                       sizes[s]);
      g_assert_cmpmem (decoded->key_id, VK_KEY_ID_BYTES, vk_keypair_get_key_id (key), VK_KEY_ID_BYTES);
      g_assert_cmpmem (g_bytes_get_data (decoded->encoded, NULL), g_bytes_get_size (decoded->encoded), data, len);
      g_assert_true (vk_cose_sign1_verify (decoded, vk_keypair_get_public_key (key), &error));
      g_assert_no_error (error);

      for (gsize cut = 0; cut < len; cut += (cut < 64 || len - cut < 80) ? 1 : 997)
        {
          g_autoptr (GError) e2 = NULL;
          g_autoptr (VkCoseSign1) d2 = vk_cose_sign1_decode_prefix (data, cut, NULL, &e2);

          g_assert_null (d2);
          g_assert_error (e2, VK_ERROR, VK_ERROR_TRUNCATED);
        }

      /* The payload's head one form longer (the 17 bytes before it are
       * fixed); a 5-byte head has no longer form that fits here. */
      if (head == 5)
        continue;
      h[0] = (guint8)(0x40 | (head == 1 ? 24 : head == 2 ? 25 : 26));
      for (gsize i = 0, k = head == 1 ? 1 : head == 2 ? 2 : 4; i < k; i++)
        h[1 + i] = (guint8)(sizes[s] >> (8 * (k - 1 - i)));
      g_byte_array_append (longer, data, 17);
      g_byte_array_append (longer, h, head == 1 ? 2 : head == 2 ? 3 : 5);
      g_byte_array_append (longer, data + 17 + head, (guint)(len - 17 - head));
      {
        g_autoptr (GError) e3 = NULL;
        g_autoptr (VkCoseSign1) d3 = vk_cose_sign1_decode (longer->data, longer->len, &e3);

        g_assert_null (d3);
        g_assert_error (e3, VK_ERROR, VK_ERROR_NOT_DETERMINISTIC);
      }
    }
}

static void
test_cose_sequence (void)
{
  g_autoptr (VkKeypair) key = vk_keypair_generate ();
  g_autoptr (GBytes) a = sign ("first", key);
  g_autoptr (GBytes) b = sign ("second entry", key);
  g_autoptr (GByteArray) seq = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  const char *const payloads[] = { "first", "second entry" };
  gsize pos = 0;

  g_byte_array_append (seq, g_bytes_get_data (a, NULL), (guint)g_bytes_get_size (a));
  g_byte_array_append (seq, g_bytes_get_data (b, NULL), (guint)g_bytes_get_size (b));

  /* Two items are not one. */
  g_assert_null (vk_cose_sign1_decode (seq->data, seq->len, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_clear_error (&error);

  for (gsize i = 0; i < 2; i++)
    {
      gsize consumed = 0;
      g_autoptr (VkCoseSign1) d = vk_cose_sign1_decode_prefix (seq->data + pos, seq->len - pos, &consumed, &error);

      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (d->payload, NULL), g_bytes_get_size (d->payload), payloads[i],
                       strlen (payloads[i]));
      g_assert_true (vk_cose_sign1_verify (d, vk_keypair_get_public_key (key), &error));
      pos += consumed;
    }
  g_assert_cmpuint (pos, ==, seq->len);

  /* A journal cut mid-entry reports truncation. */
  g_assert_null (vk_cose_sign1_decode_prefix (seq->data, g_bytes_get_size (a) - 1, NULL, &error));
  g_assert_error (error, VK_ERROR, VK_ERROR_TRUNCATED);
}

/* vk_cose_verify_payload writes the Sig_structure itself: it must accept
 * exactly what vk_cose_sign1_verify accepts, for every length of payload
 * head (0, 1, 2, 3 bytes of length). */
static void
test_cose_verify_payload (void)
{
  static const gsize sizes[] = { 0, 1, 23, 24, 255, 256, 1000, 65535, 65536 };
  g_autoptr (VkKeypair) key = vk_keypair_new_from_seed ((const guint8 *)"cose-verify-payload-seed-32bytes");
  g_autoptr (VkKeypair) other = vk_keypair_new_from_seed ((const guint8 *)"cose-verify-payload-other-32byte");

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree guint8 *payload = g_malloc (MAX (sizes[i], 1));
      g_autoptr (GBytes) item = NULL;
      g_autoptr (VkCoseSign1) cose = NULL;
      guint8 sig[VK_SIGNATURE_BYTES];

      for (gsize k = 0; k < sizes[i]; k++)
        payload[k] = (guint8)(k * 7 + i);
      item = vk_cose_sign1_create (payload, sizes[i], key, &error);
      g_assert_no_error (error);
      cose = vk_cose_sign1_decode (g_bytes_get_data (item, NULL), g_bytes_get_size (item), &error);
      g_assert_no_error (error);
      g_assert_true (vk_cose_verify_payload (payload, sizes[i], cose->signature, vk_keypair_get_public_key (key)));
      g_assert_false (vk_cose_verify_payload (payload, sizes[i], cose->signature, vk_keypair_get_public_key (other)));
      memcpy (sig, cose->signature, sizeof sig);
      sig[i % sizeof sig] ^= 1;
      g_assert_false (vk_cose_verify_payload (payload, sizes[i], sig, vk_keypair_get_public_key (key)));
      if (sizes[i] > 0)
        {
          payload[sizes[i] - 1] ^= 0x80;
          g_assert_false (vk_cose_verify_payload (payload, sizes[i], cose->signature, vk_keypair_get_public_key (key)));
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cose/roundtrip", test_cose_roundtrip);
  g_test_add_func ("/cose/sig-structure", test_cose_sig_structure);
  g_test_add_func ("/cose/verify-payload", test_cose_verify_payload);
  g_test_add_func ("/cose/interop-vector", test_cose_interop_vector);
  g_test_add_func ("/cose/bit-flips", test_cose_bit_flips);
  g_test_add_func ("/cose/wrong-key", test_cose_wrong_key);
  g_test_add_func ("/cose/shapes", test_cose_shapes);
  g_test_add_func ("/cose/sequence", test_cose_sequence);
  g_test_add_func ("/cose/payload-heads", test_cose_payload_heads);
  return g_test_run ();
}

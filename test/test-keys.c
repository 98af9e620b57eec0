/* test-keys.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sodium.h>

#include "vk-error.h"
#include "vk-keys.h"
#include "vk-keys-private.h"
#include "vk-test-util.h"

#define PASSPHRASE "correct horse battery staple"

/* Offsets and sizes of the binary secret key layout, from
 * docs/key-format.md (not from vk-keys.c). */
#define BIN_VERSION 4
#define BIN_ALG 5
#define BIN_KDF 7
#define BIN_KEY_ID 9
#define BIN_OPSLIMIT 17
#define BIN_MEMLIMIT 25
#define BIN_SALT 33
#define BIN_NONCE 49
#define BIN_HEADER 73
#define BIN_TOTAL 153

typedef struct
{
  const char *seed;
  const char *public_key;
  const char *message;
  const char *signature;
} Rfc8032Vector;

/* RFC 8032 §7.1, TEST 1 and TEST 2. */
static const Rfc8032Vector rfc8032_vectors[] = {
  { "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe2465"
    "5141"
    "438e7a100b" },
  { "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb0"
    "0d29"
    "1612bb0c00" },
};

/* Helpers */

static char *
tmp_path (const char *name)
{
  g_autofree char *dir = vk_test_tmpdir ();

  return g_build_filename (dir, name, NULL);
}

static char *
read_text (const char *path, gsize *ret_len)
{
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, ret_len, &error);
  g_assert_no_error (error);
  return text;
}

static void
write_bytes (const char *path, const char *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  /* 0600: a secret key file that others can read is refused. */
  g_file_set_contents_full (path, data, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);
}

/* Saves with the smallest Argon2id limits, so a test can afford to load a
 * file thousands of times. */
static void
save_fast (const VkKeypair *kp, const char *path, const char *role, const char *device_id)
{
  g_autoptr (GError) error = NULL;

  vk_keypair_save_with_limits (kp, path, PASSPHRASE, 1, 8192, role, device_id, &error);
  g_assert_no_error (error);
}

static void
save_interactive (const VkKeypair *kp, const char *path)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (vk_keypair_save (kp, path, PASSPHRASE, VK_KDF_INTERACTIVE, "valgbord", "Aarhus-01-bord-3", &error));
  g_assert_no_error (error);
}

/* Splits a key file into its lines; asserts the four-line shape. */
static GStrv
file_lines (const char *path)
{
  g_autofree char *text = read_text (path, NULL);
  GStrv lines = g_strsplit (text, "\n", -1);

  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[4], ==, "");
  return lines;
}

static void
read_binary (const char *path, guint8 ret_binary[BIN_TOTAL])
{
  g_auto (GStrv) lines = file_lines (path);
  gsize len = 0;
  g_autofree guint8 *binary = g_base64_decode (lines[1], &len);

  g_assert_cmpuint (len, ==, BIN_TOTAL);
  memcpy (ret_binary, binary, BIN_TOTAL);
}

static void
write_binary (const char *path, const guint8 binary[BIN_TOTAL])
{
  g_auto (GStrv) lines = file_lines (path);
  g_autofree char *text = NULL;

  g_free (lines[1]);
  lines[1] = g_base64_encode (binary, BIN_TOTAL);
  text = g_strjoinv ("\n", lines);
  write_bytes (path, text, strlen (text));
}

static guint64
get_u64_le (const guint8 *p)
{
  guint64 v = 0;

  for (guint i = 0; i < 8; i++)
    v |= (guint64)p[i] << (8 * i);
  return v;
}

static void
assert_same_key (const VkKeypair *a, const VkKeypair *b)
{
  g_assert_cmpmem (vk_keypair_get_public_key (a), VK_PUBLIC_KEY_BYTES, vk_keypair_get_public_key (b),
                   VK_PUBLIC_KEY_BYTES);
  g_assert_cmpmem (vk_keypair_get_key_id (a), VK_KEY_ID_BYTES, vk_keypair_get_key_id (b), VK_KEY_ID_BYTES);
}

/* Load must fail and name the file. */
static void
assert_load_fails (const char *path, const char *passphrase, int code, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) kp = vk_keypair_load (path, passphrase, &error);

  g_assert_null (kp);
  g_assert_error (error, VK_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("expected \"%s\" in \"%s\"", fragment, error->message);
}

/* Ed25519 */

static void
test_rfc8032 (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (rfc8032_vectors); i++)
    {
      const Rfc8032Vector *v = &rfc8032_vectors[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (VkKeypair) kp = NULL;
      guint8 seed[VK_SEED_BYTES], public_key[VK_PUBLIC_KEY_BYTES], expected[VK_SIGNATURE_BYTES];
      guint8 signature[VK_SIGNATURE_BYTES], digest[32];
      gsize msg_len = strlen (v->message) / 2;
      g_autofree guint8 *msg = g_malloc0 (msg_len + 1);

      g_assert_true (vk_hex_decode (v->seed, seed, sizeof seed));
      g_assert_true (vk_hex_decode (v->public_key, public_key, sizeof public_key));
      g_assert_true (vk_hex_decode (v->message, msg, msg_len));
      g_assert_true (vk_hex_decode (v->signature, expected, sizeof expected));

      kp = vk_keypair_new_from_seed (seed);
      g_assert_nonnull (kp);
      g_assert_cmpmem (vk_keypair_get_public_key (kp), VK_PUBLIC_KEY_BYTES, public_key, sizeof public_key);

      /* The key id rule: the first 8 bytes of SHA-256 of the public key. */
      crypto_hash_sha256 (digest, public_key, sizeof public_key);
      g_assert_cmpmem (vk_keypair_get_key_id (kp), VK_KEY_ID_BYTES, digest, VK_KEY_ID_BYTES);

      g_assert_true (vk_keypair_sign (kp, msg_len > 0 ? msg : NULL, msg_len, signature, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (signature, sizeof signature, expected, sizeof expected);
      g_assert_true (vk_ed25519_verify (public_key, msg, msg_len, expected));
    }
}

static void
test_sign_verify (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autoptr (VkKeypair) other = vk_keypair_generate ();
  guint8 msg[] = "valgbord 3: check-in 1234";
  guint8 signature[VK_SIGNATURE_BYTES];
  guint8 key_id[VK_KEY_ID_BYTES];

  g_assert_nonnull (kp);
  g_assert_nonnull (other);
  g_assert_true (memcmp (vk_keypair_get_public_key (kp), vk_keypair_get_public_key (other), VK_PUBLIC_KEY_BYTES) != 0);
  vk_key_id_from_public_key (vk_keypair_get_public_key (kp), key_id);
  g_assert_cmpmem (key_id, sizeof key_id, vk_keypair_get_key_id (kp), VK_KEY_ID_BYTES);

  g_assert_true (vk_keypair_sign (kp, msg, sizeof msg, signature, &error));
  g_assert_no_error (error);
  g_assert_true (vk_ed25519_verify (vk_keypair_get_public_key (kp), msg, sizeof msg, signature));
  g_assert_false (vk_ed25519_verify (vk_keypair_get_public_key (other), msg, sizeof msg, signature));

  for (gsize bit = 0; bit < sizeof msg * 8; bit++)
    {
      msg[bit / 8] ^= (guint8)(1u << (bit % 8));
      g_assert_false (vk_ed25519_verify (vk_keypair_get_public_key (kp), msg, sizeof msg, signature));
      msg[bit / 8] ^= (guint8)(1u << (bit % 8));
    }
  for (gsize bit = 0; bit < sizeof signature * 8; bit++)
    {
      signature[bit / 8] ^= (guint8)(1u << (bit % 8));
      g_assert_false (vk_ed25519_verify (vk_keypair_get_public_key (kp), msg, sizeof msg, signature));
      signature[bit / 8] ^= (guint8)(1u << (bit % 8));
    }
  g_assert_true (vk_ed25519_verify (vk_keypair_get_public_key (kp), msg, sizeof msg, signature));
}

/* Secret key files */

static void
test_save_load (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = tmp_path ("device.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autoptr (VkKeypair) loaded = NULL;
  const guint8 msg[] = "stemmeseddel";
  guint8 sig1[VK_SIGNATURE_BYTES], sig2[VK_SIGNATURE_BYTES], binary[BIN_TOTAL];
  g_auto (GStrv) lines = NULL;
  GStatBuf st;

  save_interactive (kp, path);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  lines = file_lines (path);
  g_assert_cmpstr (lines[0], ==, "untrusted comment: valgkit secret key valgbord Aarhus-01-bord-3");
  g_assert_cmpstr (lines[2], ==, "role: valgbord");
  g_assert_cmpstr (lines[3], ==, "device: Aarhus-01-bord-3");
  read_binary (path, binary);
  g_assert_cmpmem (binary, 4, "VKSK", 4);
  g_assert_cmpuint (binary[BIN_VERSION], ==, 1);
  g_assert_cmpmem (binary + BIN_ALG, 2, "Ed", 2);
  g_assert_cmpmem (binary + BIN_KDF, 2, "A2", 2);
  g_assert_cmpmem (binary + BIN_KEY_ID, VK_KEY_ID_BYTES, vk_keypair_get_key_id (kp), VK_KEY_ID_BYTES);
  g_assert_cmpuint (get_u64_le (binary + BIN_OPSLIMIT), ==, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
  g_assert_cmpuint (get_u64_le (binary + BIN_MEMLIMIT), ==, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);

  loaded = vk_keypair_load (path, PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  assert_same_key (kp, loaded);
  /* Ed25519 is deterministic: the same secret key gives the same signature. */
  g_assert_true (vk_keypair_sign (kp, msg, sizeof msg, sig1, &error));
  g_assert_true (vk_keypair_sign (loaded, msg, sizeof msg, sig2, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (sig1, sizeof sig1, sig2, sizeof sig2);
}

static void
test_save_moderate (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = tmp_path ("election.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autoptr (VkKeypair) loaded = NULL;
  guint8 binary[BIN_TOTAL];

  g_assert_true (vk_keypair_save (kp, path, PASSPHRASE, VK_KDF_MODERATE, "election", "valgsekretariat", &error));
  g_assert_no_error (error);
  read_binary (path, binary);
  g_assert_cmpuint (get_u64_le (binary + BIN_OPSLIMIT), ==, crypto_pwhash_argon2id_OPSLIMIT_MODERATE);
  g_assert_cmpuint (get_u64_le (binary + BIN_MEMLIMIT), ==, crypto_pwhash_argon2id_MEMLIMIT_MODERATE);
  loaded = vk_keypair_load (path, PASSPHRASE, &error);
  g_assert_no_error (error);
  assert_same_key (kp, loaded);
}

static void
test_overwrite_mode (void)
{
  g_autofree char *path = tmp_path ("device.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  GStatBuf st;

  write_bytes (path, "old\n", 4);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  save_fast (kp, path, "valgbord", "bord-1");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_wrong_passphrase (void)
{
  g_autofree char *path = tmp_path ("device.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();

  save_interactive (kp, path);
  assert_load_fails (path, "correct horse battery stapler", VK_ERROR_PASSPHRASE, "wrong passphrase for key file");
  assert_load_fails (path, "", VK_ERROR_PASSPHRASE, "empty passphrase");
}

static void
test_save_rejects (void)
{
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autofree char *path = tmp_path ("device.key");
  const char *bad_labels[] = { "", "two\nlines", " leading", "trailing ", "tab\there", "nul\x7f" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad_labels); i++)
    {
      g_autoptr (GError) e1 = NULL;
      g_autoptr (GError) e2 = NULL;

      g_assert_false (vk_keypair_save_with_limits (kp, path, PASSPHRASE, 1, 8192, bad_labels[i], "dev", &e1));
      g_assert_error (e1, VK_ERROR, VK_ERROR_INVALID);
      g_assert_false (vk_public_key_save (vk_keypair_get_public_key (kp), path, "role", bad_labels[i], &e2));
      g_assert_error (e2, VK_ERROR, VK_ERROR_INVALID);
    }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (vk_keypair_save (kp, path, "", VK_KDF_INTERACTIVE, "valgbord", "dev", &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_PASSPHRASE);
  }
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Danish letters and inner spaces are fine. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VkKeypair) loaded = NULL;
    g_autofree char *role = NULL;
    g_autofree char *device = NULL;

    save_fast (kp, path, "brevstemme", "Højbjerg Skole bord 2");
    g_assert_true (vk_key_file_peek (path, &role, &device, &error));
    g_assert_cmpstr (device, ==, "Højbjerg Skole bord 2");
    loaded = vk_keypair_load (path, PASSPHRASE, &error);
    g_assert_no_error (error);
    assert_same_key (kp, loaded);
  }
}

/* Flip every bit of the file in turn.  Only the untrusted comment may
 * change without breaking the load, and then the key must be unchanged. */
static void
test_tamper_every_bit (void)
{
  g_autofree char *path = tmp_path ("device.key");
  g_autofree char *damaged_path = tmp_path ("damaged.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autofree char *text = NULL;
  gsize len = 0, comment_end;
  guint n_loaded = 0;

  save_fast (kp, path, "valgbord", "Aarhus-01-bord-3");
  text = read_text (path, &len);
  comment_end = (gsize)(strchr (text, '\n') - text);

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VkKeypair) loaded = vk_keypair_load (path, PASSPHRASE, &error);
    g_assert_no_error (error);
    assert_same_key (kp, loaded);
  }

  for (gsize bit = 0; bit < len * 8; bit++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VkKeypair) loaded = NULL;

      text[bit / 8] ^= (char)(1u << (bit % 8));
      write_bytes (damaged_path, text, len);
      text[bit / 8] ^= (char)(1u << (bit % 8));

      loaded = vk_keypair_load (damaged_path, PASSPHRASE, &error);
      if (loaded != NULL)
        {
          if (bit / 8 < strlen ("untrusted comment: ") || bit / 8 >= comment_end)
            g_error ("loaded a key file with bit %" G_GSIZE_FORMAT " flipped", bit);
          assert_same_key (kp, loaded);
          n_loaded++;
          continue;
        }
      g_assert_true (error->domain == VK_ERROR);
      g_assert_true (error->code == VK_ERROR_INVALID || error->code == VK_ERROR_PASSPHRASE
                     || error->code == VK_ERROR_VERSION);
      g_assert_nonnull (strstr (error->message, damaged_path));
    }
  /* Most flips inside the comment text are printable and harmless. */
  g_assert_cmpuint (n_loaded, >, 0);
}

/* One damaged field at a time in a file made with the real (interactive)
 * limits, with the error each one must give. */
static void
test_tamper_fields (void)
{
  struct
  {
    gsize offset;
    int code;
    const char *fragment;
  } cases[] = {
    { 0, VK_ERROR_INVALID, "bad magic" },
    { BIN_VERSION, VK_ERROR_VERSION, "format version" },
    { BIN_ALG, VK_ERROR_INVALID, "algorithm" },
    { BIN_KDF + 1, VK_ERROR_INVALID, "key derivation" },
    { BIN_KEY_ID + 3, VK_ERROR_PASSPHRASE, NULL },
    { BIN_OPSLIMIT + 7, VK_ERROR_INVALID, "opslimit" },
    { BIN_MEMLIMIT + 5, VK_ERROR_INVALID, "memlimit" },
    { BIN_MEMLIMIT, VK_ERROR_PASSPHRASE, NULL }, /* still in range: the AEAD catches it */
    { BIN_SALT + 15, VK_ERROR_PASSPHRASE, NULL },
    { BIN_NONCE, VK_ERROR_PASSPHRASE, NULL },
    { BIN_HEADER, VK_ERROR_PASSPHRASE, NULL },
    { BIN_TOTAL - 1, VK_ERROR_PASSPHRASE, NULL },
  };
  g_autofree char *path = tmp_path ("device.key");
  g_autofree char *damaged_path = tmp_path ("damaged.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autofree char *text = NULL;
  guint8 binary[BIN_TOTAL];
  gsize len = 0;

  save_interactive (kp, path);
  read_binary (path, binary);
  text = read_text (path, &len);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint8 damaged[BIN_TOTAL];

      memcpy (damaged, binary, sizeof damaged);
      damaged[cases[i].offset] ^= (cases[i].offset == BIN_VERSION) ? 0x03 : 0x40;
      write_bytes (damaged_path, text, len);
      write_binary (damaged_path, damaged);
      assert_load_fails (damaged_path, PASSPHRASE, cases[i].code, cases[i].fragment);
    }

  /* Version 0 is not a newer file, just a broken one. */
  binary[BIN_VERSION] = 0;
  write_bytes (damaged_path, text, len);
  write_binary (damaged_path, binary);
  assert_load_fails (damaged_path, PASSPHRASE, VK_ERROR_INVALID, "unknown format version 0");
}

/* A second, independent writer of the format (straight from the spec)
 * that can store a key pair that does not belong together: the loader's
 * checks after decryption must catch it. */
static void
write_handmade_key_file (const char *path, const guint8 *seed, const guint8 *public_key, const guint8 *key_id)
{
  const char *role = "valgbord", *device = "bord-9";
  guint8 binary[BIN_TOTAL], key[32], plaintext[64];
  g_autoptr (GByteArray) ad = g_byte_array_new ();
  g_autofree char *b64 = NULL;
  g_autofree char *text = NULL;

  memcpy (binary,
          "VKSK\x01"
          "EdA2",
          9);
  memcpy (binary + BIN_KEY_ID, key_id, 8);
  memset (binary + BIN_OPSLIMIT, 0, 16);
  binary[BIN_OPSLIMIT] = 1;
  binary[BIN_MEMLIMIT + 1] = 0x20; /* 8192 */
  randombytes_buf (binary + BIN_SALT, 16 + 24);
  g_assert_cmpint (crypto_pwhash (key, sizeof key, PASSPHRASE, strlen (PASSPHRASE), binary + BIN_SALT, 1, 8192,
                                  crypto_pwhash_ALG_ARGON2ID13),
                   ==, 0);
  memcpy (plaintext, seed, 32);
  memcpy (plaintext + 32, public_key, 32);
  g_byte_array_append (ad, binary, BIN_HEADER);
  g_byte_array_append (ad, (const guint8 *)role, (guint)strlen (role) + 1);
  g_byte_array_append (ad, (const guint8 *)device, (guint)strlen (device) + 1);
  crypto_aead_xchacha20poly1305_ietf_encrypt (binary + BIN_HEADER, NULL, plaintext, sizeof plaintext, ad->data, ad->len,
                                              NULL, binary + BIN_NONCE, key);
  b64 = g_base64_encode (binary, sizeof binary);
  text = g_strdup_printf ("untrusted comment: handmade\n%s\nrole: %s\ndevice: %s\n", b64, role, device);
  write_bytes (path, text, strlen (text));
}

static void
test_corrupt_plaintext (void)
{
  g_autofree char *path = tmp_path ("handmade.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autoptr (VkKeypair) other = vk_keypair_generate ();
  guint8 seed[VK_SEED_BYTES];

  g_assert_nonnull (kp);
  randombytes_buf (seed, sizeof seed);

  /* A well-made file loads: the handmade writer follows the spec. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (VkKeypair) from_seed = vk_keypair_new_from_seed (seed);
    g_autoptr (VkKeypair) loaded = NULL;

    write_handmade_key_file (path, seed, vk_keypair_get_public_key (from_seed), vk_keypair_get_key_id (from_seed));
    loaded = vk_keypair_load (path, PASSPHRASE, &error);
    g_assert_no_error (error);
    assert_same_key (from_seed, loaded);

    /* The right seed and public key under another key's id. */
    write_handmade_key_file (path, seed, vk_keypair_get_public_key (from_seed), vk_keypair_get_key_id (other));
    assert_load_fails (path, PASSPHRASE, VK_ERROR_INVALID, "key id");
  }

  /* A seed stored with someone else's public key. */
  write_handmade_key_file (path, seed, vk_keypair_get_public_key (other), vk_keypair_get_key_id (other));
  assert_load_fails (path, PASSPHRASE, VK_ERROR_INVALID, "does not match the seed");
}

static void
test_truncated (void)
{
  g_autofree char *path = tmp_path ("device.key");
  g_autofree char *cut_path = tmp_path ("cut.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autofree char *text = NULL;
  gsize len = 0, line1, line2, line3;

  save_fast (kp, path, "valgbord", "bord-1");
  text = read_text (path, &len);
  line1 = (gsize)(strchr (text, '\n') - text) + 1;
  line2 = (gsize)(strchr (text + line1, '\n') - text) + 1;
  line3 = (gsize)(strchr (text + line2, '\n') - text) + 1;

  write_bytes (cut_path, text, 0);
  assert_load_fails (cut_path, PASSPHRASE, VK_ERROR_INVALID, "is empty");

  {
    gsize cuts[] = { 1,         10,    line1 - 1, line1, line1 + 1, line1 + 100, line2 - 2,
                     line2 - 1, line2, line3 - 1, line3, len - 2,   len - 1 };

    for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
      {
        write_bytes (cut_path, text, cuts[i]);
        assert_load_fails (cut_path, PASSPHRASE, VK_ERROR_INVALID, "truncated");
      }
  }
}

static void
test_edited_labels (void)
{
  g_autofree char *path = tmp_path ("device.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_auto (GStrv) lines = NULL;
  g_autofree char *original = NULL;

  save_fast (kp, path, "valgbord", "bord-1");
  original = read_text (path, NULL);

  for (guint which = 2; which <= 3; which++)
    {
      g_autofree char *text = NULL;
      g_autofree char *role = NULL;
      g_autofree char *device = NULL;
      g_autoptr (GError) error = NULL;

      g_clear_pointer (&lines, g_strfreev);
      lines = g_strsplit (original, "\n", -1);
      g_free (lines[which]);
      lines[which] = g_strdup (which == 2 ? "role: count-server" : "device: bord-2");
      text = g_strjoinv ("\n", lines);
      write_bytes (path, text, strlen (text));

      /* Peek reports what the file says; only loading authenticates it. */
      g_assert_true (vk_key_file_peek (path, &role, &device, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (role, ==, which == 2 ? "count-server" : "valgbord");
      assert_load_fails (path, PASSPHRASE, VK_ERROR_PASSPHRASE, NULL);
    }

  /* The comment line is not authenticated (as in minisign). */
  {
    g_autofree char *text = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (VkKeypair) loaded = NULL;

    g_clear_pointer (&lines, g_strfreev);
    lines = g_strsplit (original, "\n", -1);
    g_free (lines[0]);
    lines[0] = g_strdup ("untrusted comment: anything at all");
    text = g_strjoinv ("\n", lines);
    write_bytes (path, text, strlen (text));
    loaded = vk_keypair_load (path, PASSPHRASE, &error);
    g_assert_no_error (error);
    assert_same_key (kp, loaded);
  }
}

static void
test_malformed_files (void)
{
  g_autofree char *path = tmp_path ("device.key");
  g_autofree char *bad_path = tmp_path ("bad.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autofree char *text = NULL;
  g_autofree char *missing = tmp_path ("missing.key");
  gsize len = 0;

  save_fast (kp, path, "valgbord", "bord-1");
  text = read_text (path, &len);

  assert_load_fails (missing, PASSPHRASE, VK_ERROR_NOT_FOUND, NULL);

  write_bytes (bad_path, "{\"kandidater\": []}\n", 19);
  assert_load_fails (bad_path, PASSPHRASE, VK_ERROR_INVALID, "not a valgkit key file");

  {
    g_autofree char *crlf = NULL;
    g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

    crlf = g_strjoinv ("\r\n", lines);
    write_bytes (bad_path, crlf, strlen (crlf));
    assert_load_fails (bad_path, PASSPHRASE, VK_ERROR_INVALID, "CR LF");
  }
  {
    g_autofree char *extra = g_strconcat (text, "more\n", NULL);

    write_bytes (bad_path, extra, strlen (extra));
    assert_load_fails (bad_path, PASSPHRASE, VK_ERROR_INVALID, "after line 4");
  }
  {
    g_autofree char *nul = g_memdup2 (text, len);

    nul[len - 3] = '\0';
    write_bytes (bad_path, nul, len);
    assert_load_fails (bad_path, PASSPHRASE, VK_ERROR_INVALID, "NUL byte");
  }
  {
    /* An extra base64 group after valid key data. */
    g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
    g_autofree char *longer = NULL;
    char *old = lines[1];

    lines[1] = g_strconcat (old, "AAAA", NULL);
    g_free (old);
    longer = g_strjoinv ("\n", lines);
    write_bytes (bad_path, longer, strlen (longer));
    assert_load_fails (bad_path, PASSPHRASE, VK_ERROR_INVALID, "too long");
  }
}

/* Public key files and peek */

static void
test_public_key_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autofree char *path = tmp_path ("device.pub");
  g_autofree char *secret_path = tmp_path ("device.key");
  g_autofree char *bad_path = tmp_path ("bad.pub");
  g_autofree char *hex = vk_hex_encode (vk_keypair_get_public_key (kp), VK_PUBLIC_KEY_BYTES);
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *role = NULL;
  g_autofree char *device = NULL;
  guint8 public_key[VK_PUBLIC_KEY_BYTES];

  g_assert_true (vk_public_key_save (vk_keypair_get_public_key (kp), path, "valgbord", "bord-1", &error));
  g_assert_no_error (error);
  text = read_text (path, NULL);
  expected = g_strdup_printf ("untrusted comment: valgkit public key valgbord bord-1\n"
                              "valgkit-ed25519:%s\nrole: valgbord\ndevice: bord-1\n",
                              hex);
  g_assert_cmpstr (text, ==, expected);

  g_assert_true (vk_public_key_load (path, public_key, &role, &device, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (public_key, sizeof public_key, vk_keypair_get_public_key (kp), VK_PUBLIC_KEY_BYTES);
  g_assert_cmpstr (role, ==, "valgbord");
  g_assert_cmpstr (device, ==, "bord-1");

  /* Upper-case hex is read too. */
  {
    g_autofree char *upper_hex = g_ascii_strup (hex, -1);
    g_autofree char *upper
        = g_strdup_printf ("untrusted comment: x\nvalgkit-ed25519:%s\nrole: r\ndevice: d\n", upper_hex);
    guint8 pk2[VK_PUBLIC_KEY_BYTES];

    write_bytes (bad_path, upper, strlen (upper));
    g_assert_true (vk_public_key_load (bad_path, pk2, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpmem (pk2, sizeof pk2, public_key, sizeof public_key);
  }

  /* Bad hex, short and long keys, and a secret key file are refused,
   * naming the file, and leave the output untouched. */
  {
    g_autofree char *bad_char = g_strdup (hex);
    g_autofree char *short_hex = g_strndup (hex, 62);
    g_autofree char *long_hex = g_strconcat (hex, "00", NULL);
    const char *bad_keys[] = { bad_char, short_hex, long_hex, "" };

    bad_char[17] = 'g';
    for (gsize i = 0; i < G_N_ELEMENTS (bad_keys); i++)
      {
        g_autoptr (GError) e = NULL;
        g_autofree char *bad
            = g_strdup_printf ("untrusted comment: x\nvalgkit-ed25519:%s\nrole: r\ndevice: d\n", bad_keys[i]);
        guint8 untouched[VK_PUBLIC_KEY_BYTES] = { 0 };

        write_bytes (bad_path, bad, strlen (bad));
        g_assert_false (vk_public_key_load (bad_path, untouched, NULL, NULL, &e));
        g_assert_error (e, VK_ERROR, VK_ERROR_INVALID);
        g_assert_nonnull (strstr (e->message, bad_path));
        g_assert_true (sodium_is_zero (untouched, sizeof untouched));
      }
  }

  save_fast (kp, secret_path, "valgbord", "bord-1");
  {
    g_autoptr (GError) e = NULL;

    g_assert_false (vk_public_key_load (secret_path, public_key, NULL, NULL, &e));
    g_assert_error (e, VK_ERROR, VK_ERROR_INVALID);
    g_assert_nonnull (strstr (e->message, "secret key"));
  }
  assert_load_fails (path, PASSPHRASE, VK_ERROR_INVALID, "public key");
}

static void
test_peek (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autofree char *secret_path = tmp_path ("device.key");
  g_autofree char *public_path = tmp_path ("device.pub");
  g_autofree char *bad_path = tmp_path ("bad.key");
  const char *paths[] = { secret_path, public_path };

  save_interactive (kp, secret_path);
  g_assert_true (
      vk_public_key_save (vk_keypair_get_public_key (kp), public_path, "valgbord", "Aarhus-01-bord-3", &error));
  g_assert_no_error (error);

  g_unsetenv ("VALGKIT_PASSPHRASE");
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *role = NULL;
      g_autofree char *device = NULL;

      g_assert_true (vk_key_file_peek (paths[i], &role, &device, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (role, ==, "valgbord");
      g_assert_cmpstr (device, ==, "Aarhus-01-bord-3");
      g_assert_true (vk_key_file_peek (paths[i], NULL, NULL, &error));
      g_assert_no_error (error);
    }

  {
    g_autofree char *role = NULL;

    write_bytes (bad_path, "untrusted comment: x\nvalgkit-ed25519:00\nrole: r\n", 48);
    g_assert_false (vk_key_file_peek (bad_path, &role, NULL, &error));
    g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
    g_assert_null (role);
  }
}

/* Passphrases */

static void
test_passphrase_env (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = tmp_path ("device.key");
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autoptr (VkKeypair) loaded = NULL;
  char *passphrase;

  save_fast (kp, path, "valgbord", "bord-1");

  g_setenv ("VALGKIT_PASSPHRASE", PASSPHRASE, TRUE);
  passphrase = vk_passphrase_get ("Passphrase: ", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (passphrase, ==, PASSPHRASE);
  loaded = vk_keypair_load (path, passphrase, &error);
  g_assert_no_error (error);
  assert_same_key (kp, loaded);
  vk_passphrase_free (passphrase);
  vk_passphrase_free (NULL);

  g_setenv ("VALGKIT_PASSPHRASE", "", TRUE);
  passphrase = vk_passphrase_get (NULL, &error);
  g_assert_null (passphrase);
  g_assert_error (error, VK_ERROR, VK_ERROR_PASSPHRASE);
  g_unsetenv ("VALGKIT_PASSPHRASE");
}

/* Reads from the pty master until want appears or the child closes it. */
static gboolean
read_pty_until (int master, GString *out, const char *want)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (want == NULL || strstr (out->str, want) == NULL)
    {
      struct pollfd pfd = { master, POLLIN, 0 };
      char buf[256];
      ssize_t n;

      if (g_get_monotonic_time () > deadline)
        return FALSE;
      if (poll (&pfd, 1, 200) <= 0)
        continue;
      n = read (master, buf, sizeof buf);
      if (n <= 0)
        return want == NULL;
      g_string_append_len (out, buf, n);
    }
  return TRUE;
}

/* A real terminal: the child gets a pseudo-terminal as its controlling
 * tty, and the parent types the passphrase.  It must reach the child and
 * must not be echoed. */
static void
test_passphrase_tty (void)
{
  const char *secret = "hunter2 æøå";
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *slave_name = NULL;
  g_autofree char *typed = g_strconcat (secret, "\n", NULL);
  int master, status = 0;
  pid_t pid;

  master = posix_openpt (O_RDWR | O_NOCTTY);
  if (master < 0)
    {
      g_test_skip ("no pseudo-terminals here");
      return;
    }
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave_name = g_strdup (ptsname (master));
  g_unsetenv ("VALGKIT_PASSPHRASE");

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      GError *error = NULL;
      char *passphrase;
      int slave, code;

      (void)close (master);
      if (setsid () < 0)
        _exit (10);
      slave = open (slave_name, O_RDWR);
      if (slave < 0 || ioctl (slave, TIOCSCTTY, 0) < 0)
        _exit (11);
      passphrase = vk_passphrase_get ("Key passphrase: ", &error);
      code = (passphrase != NULL && strcmp (passphrase, secret) == 0) ? 0 : 12;
      vk_passphrase_free (passphrase);
      _exit (code);
    }

  g_assert_true (read_pty_until (master, out, "Key passphrase: "));
  g_assert_cmpint (write (master, typed, strlen (typed)), ==, (ssize_t)strlen (typed));
  g_assert_true (read_pty_until (master, out, NULL));
  (void)close (master);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_null (strstr (out->str, "hunter2"));
}

static void
test_passphrase_no_tty (void)
{
  int status = 0;
  pid_t pid;

  g_unsetenv ("VALGKIT_PASSPHRASE");
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      GError *error = NULL;
      char *passphrase;

      /* A new session has no controlling terminal. */
      if (setsid () < 0)
        _exit (10);
      passphrase = vk_passphrase_get (NULL, &error);
      if (passphrase != NULL || !g_error_matches (error, VK_ERROR, VK_ERROR_PASSPHRASE)
          || strstr (error->message, "set VALGKIT_PASSPHRASE or run in a terminal") == NULL)
        _exit (12);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

/* Helpers */

static void
test_hex (void)
{
  const guint8 data[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff };
  guint8 out[sizeof data];
  guint8 untouched[2] = { 0x55, 0x55 };
  g_autofree char *hex = vk_hex_encode (data, sizeof data);
  g_autofree char *empty = vk_hex_encode (NULL, 0);

  g_assert_cmpstr (hex, ==, "00017f80abcdefff");
  g_assert_cmpstr (empty, ==, "");
  g_assert_true (vk_hex_decode ("00017f80abcdefff", out, sizeof out));
  g_assert_cmpmem (out, sizeof out, data, sizeof data);
  memset (out, 0, sizeof out);
  g_assert_true (vk_hex_decode ("00017F80ABCDEFFF", out, sizeof out));
  g_assert_cmpmem (out, sizeof out, data, sizeof data);
  g_assert_true (vk_hex_decode ("", NULL, 0));

  g_assert_false (vk_hex_decode ("abc", untouched, 2));    /* short */
  g_assert_false (vk_hex_decode ("abcdef", untouched, 2)); /* long */
  g_assert_false (vk_hex_decode ("abcg", untouched, 2));   /* not hex */
  g_assert_false (vk_hex_decode ("ab d", untouched, 2));
  g_assert_false (vk_hex_decode ("0x12", untouched, 2));
  g_assert_cmpuint (untouched[0], ==, 0x55);
  g_assert_cmpuint (untouched[1], ==, 0x55);
}

static void
test_sha256 (void)
{
  /* FIPS 180-2 appendix B.1 and the empty string. */
  guint8 digest[32];
  g_autofree char *abc = NULL;
  g_autofree char *empty = NULL;

  vk_sha256 ((const guint8 *)"abc", 3, digest);
  abc = vk_hex_encode (digest, sizeof digest);
  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  vk_sha256 (NULL, 0, digest);
  empty = vk_hex_encode (digest, sizeof digest);
  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* Issue 12, item 9: a secret key file that others may read or change is
 * refused, as ssh refuses an "UNPROTECTED PRIVATE KEY FILE!", naming the
 * file and the fix; a public key file may be world-readable.  A key file
 * is read as an untrusted file: no symbolic link, no directory, no
 * device (`--key /dev/zero` hung), nothing larger than a key file. */
static void
test_unprotected (void)
{
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "device.key", NULL);
  g_autofree char *pub = g_build_filename (dir, "device.pub", NULL);
  g_autofree char *link = g_build_filename (dir, "link.key", NULL);
  g_autofree char *big = g_build_filename (dir, "big.key", NULL);
  const int refused[] = { 0644, 0640, 0604, 0660, 0666, 0620, 0602, 0610 };
  const int fine[] = { 0600, 0400 };

  save_fast (kp, path, "valgbord", "bord-1");
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VkKeypair) loaded = NULL;
      g_autofree char *role = NULL;

      g_assert_cmpint (g_chmod (path, refused[i]), ==, 0);
      loaded = vk_keypair_load (path, PASSPHRASE, &error);
      g_assert_null (loaded);
      g_assert_error (error, VK_ERROR, VK_ERROR_IO);
      g_assert_nonnull (strstr (error->message, "UNPROTECTED"));
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, "chmod 600"));
      g_clear_error (&error);
      g_assert_false (vk_key_file_peek (path, &role, NULL, &error));
      g_assert_error (error, VK_ERROR, VK_ERROR_IO);
      g_assert_null (role);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (fine); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VkKeypair) loaded = NULL;

      g_assert_cmpint (g_chmod (path, fine[i]), ==, 0);
      loaded = vk_keypair_load (path, PASSPHRASE, &error);
      g_assert_no_error (error);
      assert_same_key (kp, loaded);
    }

  /* A public key file may be read by anyone. */
  {
    g_autoptr (GError) error = NULL;
    guint8 pk[VK_PUBLIC_KEY_BYTES];

    g_assert_true (vk_public_key_save (vk_keypair_get_public_key (kp), pub, "valgbord", "bord-1", &error));
    g_assert_cmpint (g_chmod (pub, 0644), ==, 0);
    g_assert_true (vk_public_key_load (pub, pk, NULL, NULL, &error));
    g_assert_no_error (error);
  }

  /* A link to a (protected) key, a directory, a device, a large file. */
  {
    const char *paths[] = { link, dir, "/dev/null", big };
    const char *why[] = { "symbolic link", "directory", "character device", "too large" };
    int fd;

    g_assert_cmpint (g_chmod (path, 0600), ==, 0);
    g_assert_cmpint (symlink (path, link), ==, 0);
    fd = open (big, O_WRONLY | O_CREAT | O_EXCL, 0600);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (ftruncate (fd, (off_t)1 << 30), ==, 0);
    g_assert_cmpint (close (fd), ==, 0);
    for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (VkKeypair) loaded = vk_keypair_load (paths[i], PASSPHRASE, &error);

        g_assert_null (loaded);
        g_assert_error (error, VK_ERROR, VK_ERROR_IO);
        g_assert_nonnull (strstr (error->message, why[i]));
      }
  }
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  g_assert_true (vk_crypto_init (&error));
  g_assert_no_error (error);

  g_test_add_func ("/keys/rfc8032", test_rfc8032);
  g_test_add_func ("/keys/sign-verify", test_sign_verify);
  g_test_add_func ("/keys/save-load", test_save_load);
  g_test_add_func ("/keys/save-moderate", test_save_moderate);
  g_test_add_func ("/keys/overwrite-mode", test_overwrite_mode);
  g_test_add_func ("/keys/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/keys/save-rejects", test_save_rejects);
  g_test_add_func ("/keys/tamper/every-bit", test_tamper_every_bit);
  g_test_add_func ("/keys/tamper/fields", test_tamper_fields);
  g_test_add_func ("/keys/tamper/plaintext", test_corrupt_plaintext);
  g_test_add_func ("/keys/truncated", test_truncated);
  g_test_add_func ("/keys/edited-labels", test_edited_labels);
  g_test_add_func ("/keys/malformed", test_malformed_files);
  g_test_add_func ("/keys/public-key-file", test_public_key_file);
  g_test_add_func ("/keys/unprotected", test_unprotected);
  g_test_add_func ("/keys/peek", test_peek);
  g_test_add_func ("/keys/passphrase/env", test_passphrase_env);
  g_test_add_func ("/keys/passphrase/tty", test_passphrase_tty);
  g_test_add_func ("/keys/passphrase/no-tty", test_passphrase_no_tty);
  g_test_add_func ("/keys/hex", test_hex);
  g_test_add_func ("/keys/sha256", test_sha256);
  return g_test_run ();
}

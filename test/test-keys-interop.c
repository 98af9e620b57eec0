/* test-keys-interop.c: the secret key file read by an independent tool.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test/interop/key_decrypt.py opens a key file with PyNaCl, following
 * docs/key-format.md only.  If it recovers the same key as valgkit, the
 * spec is complete and the C code follows it.
 */
#include <string.h>

#include "vk-error.h"
#include "vk-keys.h"
#include "vk-test-util.h"

#define PASSPHRASE "Kommunalvalg 2025, æøå"

typedef struct
{
  int status;
  char *out;
  char *err;
} PyResult;

static void
py_result_clear (PyResult *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PyResult, py_result_clear)

static void
run_key_decrypt (const char *key_path, const char *passphrase, const char *sign_hex, PyResult *ret)
{
  const char *python = g_getenv ("PYTHON3");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "interop", "key_decrypt.py", NULL);
  const char *argv[] = { python, script, key_path, sign_hex != NULL ? "--sign" : NULL, sign_hex, NULL };

  g_assert_nonnull (python);
  g_setenv ("VALGKIT_PASSPHRASE", passphrase, TRUE);
  ret->status = vk_test_spawn (argv, &ret->out, &ret->err);
  g_unsetenv ("VALGKIT_PASSPHRASE");
}

static void
test_interop_decrypt (gconstpointer data)
{
  VkKdfStrength strength = GPOINTER_TO_INT (data);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "device.key", NULL);
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autofree char *public_hex = NULL;
  g_autofree char *signature_hex = NULL;
  g_autofree char *expected = NULL;
  g_auto (PyResult) r = { 0 };
  const guint8 msg[] = "fintaelling Aarhus";
  g_autofree char *msg_hex = vk_hex_encode (msg, sizeof msg);
  guint8 signature[VK_SIGNATURE_BYTES];

  g_assert_true (vk_keypair_save (kp, path, PASSPHRASE, strength, "fintælling", "Aarhus Rådhus bord 1", &error));
  g_assert_no_error (error);
  g_assert_true (vk_keypair_sign (kp, msg, sizeof msg, signature, &error));
  g_assert_no_error (error);
  public_hex = vk_hex_encode (vk_keypair_get_public_key (kp), VK_PUBLIC_KEY_BYTES);
  signature_hex = vk_hex_encode (signature, sizeof signature);

  /* The same public key, derived by PyNaCl from the seed it decrypted,
   * and the same deterministic signature. */
  run_key_decrypt (path, PASSPHRASE, msg_hex, &r);
  if (r.status != 0)
    g_error ("key_decrypt.py failed: %s", r.err);
  expected = g_strdup_printf ("%s\n%s\n", public_hex, signature_hex);
  g_assert_cmpstr (r.out, ==, expected);
}

/* The spec's reader rejects what valgkit rejects: a wrong passphrase and
 * an edited role line (the role is in the additional data). */
static void
test_interop_rejects (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "device.key", NULL);
  g_autoptr (VkKeypair) kp = vk_keypair_generate ();
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;

  g_assert_true (vk_keypair_save (kp, path, PASSPHRASE, VK_KDF_INTERACTIVE, "valgbord", "bord-1", &error));
  g_assert_no_error (error);

  {
    g_auto (PyResult) r = { 0 };

    run_key_decrypt (path, "not the passphrase", NULL, &r);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "wrong passphrase"));
  }

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "\nrole: valgbord\n"));
  {
    g_auto (GStrv) parts = g_strsplit (text, "\nrole: valgbord\n", 2);
    g_auto (PyResult) r = { 0 };

    edited = g_strjoin ("\nrole: valgbore\n", parts[0], parts[1], NULL);
    g_assert_true (g_file_set_contents_full (path, edited, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error));
    g_assert_no_error (error);
    run_key_decrypt (path, PASSPHRASE, NULL, &r);
    g_assert_cmpint (r.status, ==, 1);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/keys-interop/decrypt/interactive", GINT_TO_POINTER (VK_KDF_INTERACTIVE),
                        test_interop_decrypt);
  g_test_add_data_func ("/keys-interop/decrypt/moderate", GINT_TO_POINTER (VK_KDF_MODERATE), test_interop_decrypt);
  g_test_add_func ("/keys-interop/rejects", test_interop_rejects);
  return g_test_run ();
}

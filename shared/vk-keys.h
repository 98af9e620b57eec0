/* vk-keys.h: Ed25519 device and election keys, encrypted at rest.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Secret key material lives only in sodium_malloc() memory and is wiped
 * on free.  At rest a secret key is sealed with XChaCha20-Poly1305
 * (crypto_aead_xchacha20poly1305_ietf, the secretbox family with
 * additional data) under a key derived from the operator's passphrase
 * with Argon2id (crypto_pwhash); the file records the algorithm tag, key
 * id, salt and limits so that it can be opened with the parameters it was
 * made with.  The format is specified in docs/key-format.md.
 *
 * Every function initialises libsodium itself; vk_crypto_init() is there
 * for callers that want to fail early.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VK_PUBLIC_KEY_BYTES 32
#define VK_SIGNATURE_BYTES 64
#define VK_KEY_ID_BYTES 8
#define VK_SEED_BYTES 32

typedef enum
{
  VK_KDF_INTERACTIVE, /* crypto_pwhash_*_INTERACTIVE: device keys, tests */
  VK_KDF_MODERATE,    /* crypto_pwhash_*_MODERATE: the election key */
} VkKdfStrength;

typedef struct _VkKeypair VkKeypair;

/* Fails only if libsodium cannot be initialised (fail closed). */
gboolean vk_crypto_init (GError **error);

/* These two return NULL only if libsodium cannot be initialised. */
VkKeypair *vk_keypair_generate (void) G_GNUC_WARN_UNUSED_RESULT;
/* Deterministic key from a 32-byte seed (RFC 8032 test vectors). */
VkKeypair *vk_keypair_new_from_seed (const guint8 seed[VK_SEED_BYTES]) G_GNUC_WARN_UNUSED_RESULT;
void vk_keypair_free (VkKeypair *self);

const guint8 *vk_keypair_get_public_key (const VkKeypair *self);
/* The key id: the first 8 bytes of SHA-256 of the public key. */
const guint8 *vk_keypair_get_key_id (const VkKeypair *self);
void vk_key_id_from_public_key (const guint8 public_key[VK_PUBLIC_KEY_BYTES], guint8 ret_key_id[VK_KEY_ID_BYTES]);

/* Signs msg; the signature is verified before it is returned (minisign's
 * habit: a fault that corrupts a signature must not go unnoticed). */
gboolean vk_keypair_sign (const VkKeypair *self, const guint8 *msg, gsize msg_len,
                          guint8 ret_signature[VK_SIGNATURE_BYTES], GError **error);
gboolean vk_ed25519_verify (const guint8 public_key[VK_PUBLIC_KEY_BYTES], const guint8 *msg, gsize msg_len,
                            const guint8 signature[VK_SIGNATURE_BYTES]);

/* Encrypted secret key file.  role and device_id are stored beside the
 * key (in the clear, authenticated as additional data) so that tools can
 * say whose key it is before asking for the passphrase. */
gboolean vk_keypair_save (const VkKeypair *self, const char *path, const char *passphrase, VkKdfStrength strength,
                          const char *role, const char *device_id, GError **error);
/* VK_ERROR_PASSPHRASE on a wrong passphrase (or an altered header, role
 * or device line: the AEAD cannot tell them apart), VK_ERROR_INVALID on a
 * damaged or foreign file (naming the file), VK_ERROR_VERSION on a newer
 * format version, VK_ERROR_NOT_FOUND if there is no file. */
VkKeypair *vk_keypair_load (const char *path, const char *passphrase, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Reads role and device id from a secret or public key file without the passphrase. */
gboolean vk_key_file_peek (const char *path, char **ret_role, char **ret_device_id, GError **error);

/* Public key file (the `.pub` beside a `.key`), text, one key. */
gboolean vk_public_key_save (const guint8 public_key[VK_PUBLIC_KEY_BYTES], const char *path, const char *role,
                             const char *device_id, GError **error);
gboolean vk_public_key_load (const char *path, guint8 ret_public_key[VK_PUBLIC_KEY_BYTES], char **ret_role,
                             char **ret_device_id, GError **error);

/* The passphrase for a key: $VALGKIT_PASSPHRASE if set, else asked on
 * the terminal without echo.  Returned in sodium_malloc memory: free with
 * vk_passphrase_free(). */
char *vk_passphrase_get (const char *prompt, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_passphrase_free (char *passphrase);

/* Hex helpers used throughout. */
char *vk_hex_encode (const guint8 *data, gsize len) G_GNUC_WARN_UNUSED_RESULT;
gboolean vk_hex_decode (const char *hex, guint8 *ret_data, gsize len);
/* SHA-256 */
void vk_sha256 (const guint8 *data, gsize len, guint8 ret_digest[32]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkKeypair, vk_keypair_free)

G_END_DECLS

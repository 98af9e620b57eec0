/* vk-keys.c: Ed25519 device and election keys, encrypted at rest.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file formats are specified byte for byte in docs/key-format.md;
 * test/interop/key_decrypt.py reads the secret key file with PyNaCl alone,
 * which keeps this code and that document honest.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "vk-error.h"
#include "vk-file.h"
#include "vk-keys.h"
#include "vk-keys-private.h"
#include "vk-text.h"

struct _VkKeypair
{
  guint8 public_key[VK_PUBLIC_KEY_BYTES];
  guint8 key_id[VK_KEY_ID_BYTES];
  /* libsodium's 64-byte secret key (seed || public key) in sodium_malloc
   * memory: guard pages, locked, wiped by sodium_free().  It is made
   * read-only once written.  It is not made inaccessible between uses,
   * because a keypair is shared read-only between threads and toggling
   * the protection would race. */
  guint8 *secret_key;
};

/* The binary part of a secret key file (line 2, base64).  Every field
 * has a fixed size and offset; see docs/key-format.md. */
#define SK_MAGIC "VKSK"
#define SK_VERSION 1
#define SK_ALG_TAG "Ed"
#define SK_KDF_TAG "A2"

enum
{
  SK_OFF_MAGIC = 0,
  SK_OFF_VERSION = 4,
  SK_OFF_ALG = 5,
  SK_OFF_KDF = 7,
  SK_OFF_KEY_ID = 9,
  SK_OFF_OPSLIMIT = 17,
  SK_OFF_MEMLIMIT = 25,
  SK_OFF_SALT = 33,
  SK_OFF_NONCE = 49,
  SK_HEADER_BYTES = 73,
  SK_PLAINTEXT_BYTES = VK_SEED_BYTES + VK_PUBLIC_KEY_BYTES,
  SK_CIPHERTEXT_BYTES = SK_PLAINTEXT_BYTES + 16,
  SK_TOTAL_BYTES = SK_HEADER_BYTES + SK_CIPHERTEXT_BYTES,
  SK_BASE64_CHARS = SK_TOTAL_BYTES / 3 * 4,
};

G_STATIC_ASSERT (SK_OFF_SALT + crypto_pwhash_argon2id_SALTBYTES == SK_OFF_NONCE);
G_STATIC_ASSERT (SK_OFF_NONCE + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == SK_HEADER_BYTES);
G_STATIC_ASSERT (crypto_aead_xchacha20poly1305_ietf_ABYTES == 16);
G_STATIC_ASSERT (crypto_aead_xchacha20poly1305_ietf_KEYBYTES == 32);
G_STATIC_ASSERT (crypto_sign_ed25519_SECRETKEYBYTES == SK_PLAINTEXT_BYTES);
G_STATIC_ASSERT (SK_TOTAL_BYTES % 3 == 0); /* so the base64 has no padding */

#define COMMENT_PREFIX "untrusted comment: "
#define PUBLIC_KEY_PREFIX "valgkit-ed25519:"
#define ROLE_PREFIX "role: "
#define DEVICE_PREFIX "device: "
#define LABEL_MAX_BYTES 128
#define KEY_FILE_MAX_BYTES 4096
#define PASSPHRASE_MAX_BYTES 1024

typedef enum
{
  KEY_FILE_SECRET,
  KEY_FILE_PUBLIC,
} KeyFileKind;

/* A key file after its text has been checked, before any decryption. */
typedef struct
{
  KeyFileKind kind;
  guint8 binary[SK_TOTAL_BYTES];          /* secret key files */
  guint8 public_key[VK_PUBLIC_KEY_BYTES]; /* public key files */
  char *role;
  char *device_id;
} KeyFile;

static void
key_file_clear (KeyFile *kf)
{
  g_clear_pointer (&kf->role, g_free);
  g_clear_pointer (&kf->device_id, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KeyFile, key_file_clear)

gboolean
vk_crypto_init (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_FAILED, "libsodium could not be initialised");
      return FALSE;
    }
  return TRUE;
}

/* Secret buffers come from sodium_malloc().  Running out of that memory
 * is treated like running out of heap in GLib: it aborts. */
static guint8 *
secure_alloc (gsize len)
{
  guint8 *p = sodium_malloc (len);

  if (p == NULL)
    g_error ("sodium_malloc: out of memory (%" G_GSIZE_FORMAT " bytes)", len);
  return p;
}

static void
put_u64_le (guint8 *p, guint64 v)
{
  for (guint i = 0; i < 8; i++)
    p[i] = (guint8)(v >> (8 * i));
}

static guint64
get_u64_le (const guint8 *p)
{
  guint64 v = 0;

  for (guint i = 0; i < 8; i++)
    v |= (guint64)p[i] << (8 * i);
  return v;
}

void
vk_sha256 (const guint8 *data, gsize len, guint8 ret_digest[32])
{
  static const guint8 empty[1] = { 0 };

  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (ret_digest != NULL);

  /* SHA-256 has a single portable implementation in libsodium and does not
   * depend on sodium_init(). */
  crypto_hash_sha256 (ret_digest, data != NULL ? data : empty, len);
}

void
vk_key_id_from_public_key (const guint8 public_key[VK_PUBLIC_KEY_BYTES], guint8 ret_key_id[VK_KEY_ID_BYTES])
{
  guint8 digest[32];

  g_return_if_fail (public_key != NULL);
  g_return_if_fail (ret_key_id != NULL);

  vk_sha256 (public_key, VK_PUBLIC_KEY_BYTES, digest);
  memcpy (ret_key_id, digest, VK_KEY_ID_BYTES);
}

/* Takes ownership of a filled sodium_malloc secret key. */
static VkKeypair *
keypair_new_take (guint8 *secret_key, const guint8 public_key[VK_PUBLIC_KEY_BYTES])
{
  VkKeypair *self = g_new0 (VkKeypair, 1);

  self->secret_key = secret_key;
  memcpy (self->public_key, public_key, VK_PUBLIC_KEY_BYTES);
  vk_key_id_from_public_key (self->public_key, self->key_id);
  (void)sodium_mprotect_readonly (self->secret_key);
  return self;
}

/* Returns NULL only if libsodium cannot be initialised. */
VkKeypair *
vk_keypair_generate (void)
{
  guint8 public_key[VK_PUBLIC_KEY_BYTES];
  guint8 *secret_key;

  if (!vk_crypto_init (NULL))
    return NULL;
  secret_key = secure_alloc (crypto_sign_ed25519_SECRETKEYBYTES);
  crypto_sign_ed25519_keypair (public_key, secret_key);
  return keypair_new_take (secret_key, public_key);
}

/* Returns NULL only if libsodium cannot be initialised. */
VkKeypair *
vk_keypair_new_from_seed (const guint8 seed[VK_SEED_BYTES])
{
  guint8 public_key[VK_PUBLIC_KEY_BYTES];
  guint8 *secret_key;

  g_return_val_if_fail (seed != NULL, NULL);

  if (!vk_crypto_init (NULL))
    return NULL;
  secret_key = secure_alloc (crypto_sign_ed25519_SECRETKEYBYTES);
  crypto_sign_ed25519_seed_keypair (public_key, secret_key, seed);
  return keypair_new_take (secret_key, public_key);
}

void
vk_keypair_free (VkKeypair *self)
{
  if (self == NULL)
    return;
  /* sodium_free() makes the region writable again and wipes it. */
  sodium_free (self->secret_key);
  g_free (self);
}

const guint8 *
vk_keypair_get_public_key (const VkKeypair *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->public_key;
}

const guint8 *
vk_keypair_get_key_id (const VkKeypair *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->key_id;
}

gboolean
vk_keypair_sign (const VkKeypair *self, const guint8 *msg, gsize msg_len, guint8 ret_signature[VK_SIGNATURE_BYTES],
                 GError **error)
{
  static const guint8 empty[1] = { 0 };
  guint8 signature[VK_SIGNATURE_BYTES];

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (msg != NULL || msg_len == 0, FALSE);
  g_return_val_if_fail (ret_signature != NULL, FALSE);

  /* A keypair exists only after vk_crypto_init() succeeded, so libsodium
   * is initialised here. */
  if (msg == NULL)
    msg = empty;
  crypto_sign_ed25519_detached (signature, NULL, msg, msg_len, self->secret_key);

  /* As minisign does: a fault (bit flip, bad RAM, a broken build) that
   * corrupts a signature must be caught here, not by an auditor later. */
  if (crypto_sign_ed25519_verify_detached (signature, msg, msg_len, self->public_key) != 0)
    {
      sodium_memzero (signature, sizeof signature);
      g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE,
                   "a freshly made signature does not verify (hardware fault or corrupted key in memory)");
      return FALSE;
    }
  memcpy (ret_signature, signature, VK_SIGNATURE_BYTES);
  return TRUE;
}

gboolean
vk_ed25519_verify (const guint8 public_key[VK_PUBLIC_KEY_BYTES], const guint8 *msg, gsize msg_len,
                   const guint8 signature[VK_SIGNATURE_BYTES])
{
  static const guint8 empty[1] = { 0 };

  g_return_val_if_fail (public_key != NULL, FALSE);
  g_return_val_if_fail (msg != NULL || msg_len == 0, FALSE);
  g_return_val_if_fail (signature != NULL, FALSE);

  /* Fail closed: without libsodium nothing verifies. */
  if (!vk_crypto_init (NULL))
    return FALSE;
  return crypto_sign_ed25519_verify_detached (signature, msg != NULL ? msg : empty, msg_len, public_key) == 0;
}

/* Hex */

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

char *
vk_hex_encode (const guint8 *data, gsize len)
{
  static const char digits[] = "0123456789abcdef";
  char *hex;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  hex = g_malloc (len * 2 + 1);
  for (gsize i = 0; i < len; i++)
    {
      hex[2 * i] = digits[data[i] >> 4];
      hex[2 * i + 1] = digits[data[i] & 0x0f];
    }
  hex[len * 2] = '\0';
  return hex;
}

gboolean
vk_hex_decode (const char *hex, guint8 *ret_data, gsize len)
{
  g_return_val_if_fail (hex != NULL, FALSE);
  g_return_val_if_fail (ret_data != NULL || len == 0, FALSE);

  if (len > G_MAXSIZE / 2 - 1 || strnlen (hex, 2 * len + 1) != 2 * len)
    return FALSE;
  for (gsize i = 0; i < 2 * len; i++)
    if (hex_value (hex[i]) < 0)
      return FALSE;
  for (gsize i = 0; i < len; i++)
    ret_data[i] = (guint8)(hex_value (hex[2 * i]) << 4 | hex_value (hex[2 * i + 1]));
  return TRUE;
}

/* Key files: shared text handling */

/* Role and device id are written on their own lines and fed to the AEAD
 * as NUL-terminated strings, so they must be one line, without NUL and
 * without surrounding spaces (which a reader could not see). */
static const char *
label_problem (const char *value)
{
  gsize len;

  if (value == NULL || *value == '\0')
    return "is empty";
  len = strlen (value);
  if (len > LABEL_MAX_BYTES)
    return "is longer than 128 bytes";
  if (!g_utf8_validate (value, (gssize)len, NULL))
    return "is not valid UTF-8";
  if (g_ascii_isspace (value[0]) || g_ascii_isspace (value[len - 1]))
    return "starts or ends with a space";
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (g_unichar_iscntrl (c) || type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        return "contains a control character or line break";
    }
  return NULL;
}

static gboolean
check_labels (const char *path, const char *role, const char *device_id, GError **error)
{
  const char *problem;

  if ((problem = label_problem (role)) != NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s: the role %s", path, problem);
      return FALSE;
    }
  if ((problem = label_problem (device_id)) != NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s: the device id %s", path, problem);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_key_file (const char *path, const char *text, int mode, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  /* CONSISTENT writes a temporary file and renames it over the old one;
   * DURABLE fsyncs it first.  A crash leaves the old key or the new key,
   * never half of one. */
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, mode,
                                 &local_error))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot write key file %s: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_base64_char (char c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

static gboolean
parse_secret_line (const char *path, const char *line, KeyFile *kf, GError **error)
{
  gsize line_len = strlen (line);
  gsize decodable = MIN (line_len, (gsize)SK_BASE64_CHARS) / 4 * 4;
  g_autofree char *prefix = NULL;
  g_autofree guint8 *decoded = NULL;
  gsize decoded_len = 0;
  const guint8 *b;
  guint64 opslimit, memlimit;

  for (gsize i = 0; i < line_len; i++)
    if (!is_base64_char (line[i]))
      {
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                     "key file %s: line 2 is neither a public key nor base64 (bad character at column %" G_GSIZE_FORMAT
                     ")",
                     path, i + 1);
        return FALSE;
      }

  /* Decode what is there first, so that a foreign or newer file is named
   * as such rather than as merely the wrong length. */
  prefix = g_strndup (line, decodable);
  if (decodable > 0)
    decoded = g_base64_decode (prefix, &decoded_len);
  if (decoded_len >= 4 && memcmp (decoded + SK_OFF_MAGIC, SK_MAGIC, 4) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s: bad magic (not a valgkit secret key)", path);
      return FALSE;
    }
  if (decoded_len > SK_OFF_VERSION && decoded[SK_OFF_VERSION] != SK_VERSION)
    {
      guint version = decoded[SK_OFF_VERSION];

      if (version > SK_VERSION)
        g_set_error (error, VK_ERROR, VK_ERROR_VERSION,
                     "key file %s has format version %u; this valgkit reads version %u", path, version, SK_VERSION);
      else
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s: unknown format version %u", path, version);
      return FALSE;
    }
  if (line_len < SK_BASE64_CHARS)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "key file %s: secret key data truncated (%" G_GSIZE_FORMAT " of %d base64 characters)", path,
                   line_len, SK_BASE64_CHARS);
      return FALSE;
    }
  if (line_len > SK_BASE64_CHARS)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "key file %s: secret key data too long (%" G_GSIZE_FORMAT " base64 characters, expected %d)", path,
                   line_len, SK_BASE64_CHARS);
      return FALSE;
    }
  g_assert (decoded_len == SK_TOTAL_BYTES);
  b = decoded;
  if (memcmp (b + SK_OFF_ALG, SK_ALG_TAG, 2) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s: unknown signature algorithm tag at byte %d", path,
                   SK_OFF_ALG);
      return FALSE;
    }
  if (memcmp (b + SK_OFF_KDF, SK_KDF_TAG, 2) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s: unknown key derivation tag at byte %d", path,
                   SK_OFF_KDF);
      return FALSE;
    }
  opslimit = get_u64_le (b + SK_OFF_OPSLIMIT);
  memlimit = get_u64_le (b + SK_OFF_MEMLIMIT);
  if (opslimit < VK_KEY_FILE_OPSLIMIT_MIN || opslimit > VK_KEY_FILE_OPSLIMIT_MAX)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "key file %s: Argon2id opslimit %" G_GUINT64_FORMAT " out of range (%d to %d)", path, opslimit,
                   VK_KEY_FILE_OPSLIMIT_MIN, VK_KEY_FILE_OPSLIMIT_MAX);
      return FALSE;
    }
  if (memlimit < VK_KEY_FILE_MEMLIMIT_MIN || memlimit > VK_KEY_FILE_MEMLIMIT_MAX)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "key file %s: Argon2id memlimit %" G_GUINT64_FORMAT " out of range (%d to %d bytes)", path, memlimit,
                   VK_KEY_FILE_MEMLIMIT_MIN, VK_KEY_FILE_MEMLIMIT_MAX);
      return FALSE;
    }
  kf->kind = KEY_FILE_SECRET;
  memcpy (kf->binary, b, SK_TOTAL_BYTES);
  return TRUE;
}

static gboolean
parse_public_line (const char *path, const char *line, KeyFile *kf, GError **error)
{
  const char *hex = line + strlen (PUBLIC_KEY_PREFIX);
  gsize hex_len = strlen (hex);

  if (hex_len != 2 * VK_PUBLIC_KEY_BYTES)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "key file %s: public key has %" G_GSIZE_FORMAT " hex digits on line 2, expected %d", path, hex_len,
                   2 * VK_PUBLIC_KEY_BYTES);
      return FALSE;
    }
  if (!vk_hex_decode (hex, kf->public_key, VK_PUBLIC_KEY_BYTES))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s: public key on line 2 is not hexadecimal", path);
      return FALSE;
    }
  kf->kind = KEY_FILE_PUBLIC;
  return TRUE;
}

static gboolean
parse_label_line (const char *path, const char *line, guint line_no, const char *prefix, const char *what,
                  char **ret_value, GError **error)
{
  const char *problem;

  if (!g_str_has_prefix (line, prefix))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s: line %u does not start with \"%s\"", path, line_no,
                   prefix);
      return FALSE;
    }
  if ((problem = label_problem (line + strlen (prefix))) != NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s: the %s on line %u %s", path, what, line_no,
                   problem);
      return FALSE;
    }
  *ret_value = g_strdup (line + strlen (prefix));
  return TRUE;
}

/* Reads and checks the text of a secret or public key file.  Nothing is
 * decrypted here; this is all that vk_key_file_peek() needs. */
static gboolean
key_file_read (const char *path, KeyFile *kf, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  gsize len = 0;
  guint32 mode = 0;
  guint n_lines, complete;

  /* A regular file, not a link, of at most KEY_FILE_MAX_BYTES (one byte
   * more is read, so that a larger file is reported as too large below):
   * `--key /dev/zero` or a FIFO fails at once instead of hanging. */
  if (!vk_file_read_untrusted_full (path, KEY_FILE_MAX_BYTES + 1, &contents, &len, &mode, &local_error))
    {
      g_set_error (error, VK_ERROR,
                   g_error_matches (local_error, VK_ERROR, VK_ERROR_NOT_FOUND) ? VK_ERROR_NOT_FOUND : VK_ERROR_IO,
                   "cannot read key file: %s", local_error->message);
      return FALSE;
    }
  if (len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s is empty", path);
      return FALSE;
    }
  if (len > KEY_FILE_MAX_BYTES)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s is too large (%" G_GSIZE_FORMAT " bytes)", path,
                   len);
      return FALSE;
    }
  if (memchr (contents, '\0', len) != NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s contains a NUL byte at byte offset %td", path,
                   (const char *)memchr (contents, '\0', len) - contents);
      return FALSE;
    }

  /* A well-formed file is four lines, each ended by LF, so splitting on
   * LF gives four lines and an empty remainder. */
  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines);
  complete = n_lines - 1;
  if (!g_str_has_prefix (lines[0], COMMENT_PREFIX) && !(complete == 0 && g_str_has_prefix (COMMENT_PREFIX, lines[0])))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "key file %s is not a valgkit key file: line 1 does not start with \"" COMMENT_PREFIX "\"", path);
      return FALSE;
    }
  for (guint i = 0; i < complete; i++)
    if (g_str_has_suffix (lines[i], "\r"))
      {
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                     "key file %s: line %u ends in CR LF; key files use LF line ends", path, i + 1);
        return FALSE;
      }
  if (complete < 4)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "key file %s is truncated: %u of 4 lines are complete (each ends in a line feed)", path, complete);
      return FALSE;
    }
  if (complete > 4 || lines[4][0] != '\0')
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s has unexpected text after line 4", path);
      return FALSE;
    }

  if (g_str_has_prefix (lines[1], PUBLIC_KEY_PREFIX))
    {
      if (!parse_public_line (path, lines[1], kf, error))
        return FALSE;
    }
  else
    {
      if (!parse_secret_line (path, lines[1], kf, error))
        return FALSE;
      /* As ssh ("UNPROTECTED PRIVATE KEY FILE!"): a secret key that others
       * may read or change is refused, even though it is encrypted, so
       * that a careless copy is noticed before the passphrase is typed. */
      if ((mode & 077) != 0)
        {
          g_autofree char *name = vk_text_escape_controls (path);
          g_set_error (error, VK_ERROR, VK_ERROR_IO,
                       "UNPROTECTED SECRET KEY FILE: %s has permissions %04o; a secret key must be readable by its "
                       "owner only (chmod 600 %s)",
                       name, mode & 07777, name);
          return FALSE;
        }
    }

  if (!parse_label_line (path, lines[2], 3, ROLE_PREFIX, "role", &kf->role, error)
      || !parse_label_line (path, lines[3], 4, DEVICE_PREFIX, "device id", &kf->device_id, error))
    return FALSE;
  return TRUE;
}

gboolean
vk_key_file_peek (const char *path, char **ret_role, char **ret_device_id, GError **error)
{
  g_auto (KeyFile) kf = { 0 };

  g_return_val_if_fail (path != NULL, FALSE);

  if (!key_file_read (path, &kf, error))
    return FALSE;
  if (ret_role != NULL)
    *ret_role = g_steal_pointer (&kf.role);
  if (ret_device_id != NULL)
    *ret_device_id = g_steal_pointer (&kf.device_id);
  return TRUE;
}

/* Secret key files */

/* The AEAD's additional data: the 73-byte binary header, then role and
 * device id each followed by one zero byte.  Editing any of them makes
 * decryption fail. */
static GByteArray *
secret_additional_data (const guint8 *binary, const char *role, const char *device_id)
{
  GByteArray *ad = g_byte_array_sized_new (SK_HEADER_BYTES + strlen (role) + strlen (device_id) + 2);

  g_byte_array_append (ad, binary, SK_HEADER_BYTES);
  g_byte_array_append (ad, (const guint8 *)role, (guint)strlen (role) + 1);
  g_byte_array_append (ad, (const guint8 *)device_id, (guint)strlen (device_id) + 1);
  return ad;
}

static gboolean
derive_file_key (const char *path, const char *passphrase, const guint8 *binary, guint8 *ret_key, GError **error)
{
  guint64 opslimit = get_u64_le (binary + SK_OFF_OPSLIMIT);
  guint64 memlimit = get_u64_le (binary + SK_OFF_MEMLIMIT);

  if (crypto_pwhash (ret_key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, passphrase, strlen (passphrase),
                     binary + SK_OFF_SALT, opslimit, (size_t)memlimit, crypto_pwhash_ALG_ARGON2ID13)
      != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_FAILED,
                   "cannot derive the key for key file %s: Argon2id failed (out of memory?)", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_passphrase (const char *path, const char *passphrase, GError **error)
{
  if (passphrase == NULL || *passphrase == '\0')
    {
      g_set_error (error, VK_ERROR, VK_ERROR_PASSPHRASE, "empty passphrase for key file %s", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
vk_keypair_save_with_limits (const VkKeypair *self, const char *path, const char *passphrase, guint64 opslimit,
                             guint64 memlimit, const char *role, const char *device_id, GError **error)
{
  g_autoptr (GByteArray) ad = NULL;
  g_autofree char *base64 = NULL;
  g_autofree char *text = NULL;
  guint8 binary[SK_TOTAL_BYTES];
  guint8 *key;
  unsigned long long ciphertext_len = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (opslimit >= VK_KEY_FILE_OPSLIMIT_MIN && opslimit <= VK_KEY_FILE_OPSLIMIT_MAX, FALSE);
  g_return_val_if_fail (memlimit >= VK_KEY_FILE_MEMLIMIT_MIN && memlimit <= VK_KEY_FILE_MEMLIMIT_MAX, FALSE);

  if (!vk_crypto_init (error) || !check_passphrase (path, passphrase, error)
      || !check_labels (path, role, device_id, error))
    return FALSE;

  memcpy (binary + SK_OFF_MAGIC, SK_MAGIC, 4);
  binary[SK_OFF_VERSION] = SK_VERSION;
  memcpy (binary + SK_OFF_ALG, SK_ALG_TAG, 2);
  memcpy (binary + SK_OFF_KDF, SK_KDF_TAG, 2);
  memcpy (binary + SK_OFF_KEY_ID, self->key_id, VK_KEY_ID_BYTES);
  put_u64_le (binary + SK_OFF_OPSLIMIT, opslimit);
  put_u64_le (binary + SK_OFF_MEMLIMIT, memlimit);
  randombytes_buf (binary + SK_OFF_SALT, crypto_pwhash_argon2id_SALTBYTES);
  randombytes_buf (binary + SK_OFF_NONCE, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);

  key = secure_alloc (crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (!derive_file_key (path, passphrase, binary, key, error))
    {
      sodium_free (key);
      return FALSE;
    }
  /* libsodium's secret key is already seed || public key, the plaintext
   * the format wants, so it is encrypted straight from guarded memory. */
  ad = secret_additional_data (binary, role, device_id);
  crypto_aead_xchacha20poly1305_ietf_encrypt (binary + SK_HEADER_BYTES, &ciphertext_len, self->secret_key,
                                              SK_PLAINTEXT_BYTES, ad->data, ad->len, NULL, binary + SK_OFF_NONCE, key);
  sodium_free (key);
  g_assert (ciphertext_len == SK_CIPHERTEXT_BYTES);

  base64 = g_base64_encode (binary, SK_TOTAL_BYTES);
  text = g_strdup_printf (COMMENT_PREFIX "valgkit secret key %s %s\n%s\n" ROLE_PREFIX "%s\n" DEVICE_PREFIX "%s\n", role,
                          device_id, base64, role, device_id);
  return write_key_file (path, text, 0600, error);
}

gboolean
vk_keypair_save (const VkKeypair *self, const char *path, const char *passphrase, VkKdfStrength strength,
                 const char *role, const char *device_id, GError **error)
{
  guint64 opslimit, memlimit;

  switch (strength)
    {
      case VK_KDF_INTERACTIVE:
        opslimit = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
        memlimit = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
        break;
      case VK_KDF_MODERATE:
        opslimit = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
        memlimit = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
        break;
      default:
        g_return_val_if_reached (FALSE);
    }
  return vk_keypair_save_with_limits (self, path, passphrase, opslimit, memlimit, role, device_id, error);
}

VkKeypair *
vk_keypair_load (const char *path, const char *passphrase, GError **error)
{
  g_auto (KeyFile) kf = { 0 };
  g_autoptr (GByteArray) ad = NULL;
  g_autoptr (VkKeypair) keypair = NULL;
  guint8 *key = NULL;
  guint8 *plaintext = NULL;
  unsigned long long plaintext_len = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  if (!vk_crypto_init (error) || !key_file_read (path, &kf, error))
    return NULL;
  if (kf.kind != KEY_FILE_SECRET)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "key file %s holds a public key, not a secret key", path);
      return NULL;
    }
  if (!check_passphrase (path, passphrase, error))
    return NULL;

  key = secure_alloc (crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
  if (!derive_file_key (path, passphrase, kf.binary, key, error))
    {
      sodium_free (key);
      return NULL;
    }
  ad = secret_additional_data (kf.binary, kf.role, kf.device_id);
  plaintext = secure_alloc (SK_PLAINTEXT_BYTES);
  rc = crypto_aead_xchacha20poly1305_ietf_decrypt (plaintext, &plaintext_len, NULL, kf.binary + SK_HEADER_BYTES,
                                                   SK_CIPHERTEXT_BYTES, ad->data, ad->len, kf.binary + SK_OFF_NONCE,
                                                   key);
  sodium_free (key);
  if (rc != 0 || plaintext_len != SK_PLAINTEXT_BYTES)
    {
      sodium_free (plaintext);
      /* The AEAD cannot tell a wrong passphrase from an edited file. */
      g_set_error (error, VK_ERROR, VK_ERROR_PASSPHRASE,
                   "wrong passphrase for key file %s (or the file has been altered)", path);
      return NULL;
    }

  /* The tag proves the plaintext is what was written; re-deriving the
   * public key from the seed still catches a writer that stored a
   * mismatched pair. */
  keypair = vk_keypair_new_from_seed (plaintext);
  g_assert (keypair != NULL); /* libsodium is initialised above */
  rc = sodium_memcmp (keypair->public_key, plaintext + VK_SEED_BYTES, VK_PUBLIC_KEY_BYTES);
  sodium_free (plaintext);
  if (rc != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "key file %s is corrupt: the stored public key does not match the seed", path);
      return NULL;
    }
  if (memcmp (keypair->key_id, kf.binary + SK_OFF_KEY_ID, VK_KEY_ID_BYTES) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "key file %s is corrupt: the key id at byte %d does not match the key", path, SK_OFF_KEY_ID);
      return NULL;
    }
  return g_steal_pointer (&keypair);
}

/* Public key files */

gboolean
vk_public_key_save (const guint8 public_key[VK_PUBLIC_KEY_BYTES], const char *path, const char *role,
                    const char *device_id, GError **error)
{
  g_autofree char *hex = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (public_key != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!check_labels (path, role, device_id, error))
    return FALSE;
  hex = vk_hex_encode (public_key, VK_PUBLIC_KEY_BYTES);
  text = g_strdup_printf (COMMENT_PREFIX "valgkit public key %s %s\n" PUBLIC_KEY_PREFIX "%s\n" ROLE_PREFIX
                                         "%s\n" DEVICE_PREFIX "%s\n",
                          role, device_id, hex, role, device_id);
  return write_key_file (path, text, 0644, error);
}

gboolean
vk_public_key_load (const char *path, guint8 ret_public_key[VK_PUBLIC_KEY_BYTES], char **ret_role, char **ret_device_id,
                    GError **error)
{
  g_auto (KeyFile) kf = { 0 };

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (ret_public_key != NULL, FALSE);

  if (!key_file_read (path, &kf, error))
    return FALSE;
  if (kf.kind != KEY_FILE_PUBLIC)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "key file %s is a secret key file; expected a public key (line 2 \"" PUBLIC_KEY_PREFIX "...\")",
                   path);
      return FALSE;
    }
  memcpy (ret_public_key, kf.public_key, VK_PUBLIC_KEY_BYTES);
  if (ret_role != NULL)
    *ret_role = g_steal_pointer (&kf.role);
  if (ret_device_id != NULL)
    *ret_device_id = g_steal_pointer (&kf.device_id);
  return TRUE;
}

/* Passphrases */

static char *
secure_strdup (const char *s)
{
  gsize len = strlen (s);
  char *copy = (char *)secure_alloc (len + 1);

  memcpy (copy, s, len + 1);
  return copy;
}

static void
write_all (int fd, const char *s)
{
  gsize len = strlen (s);

  while (len > 0)
    {
      ssize_t n = write (fd, s, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return;
      s += n;
      len -= (gsize)n;
    }
}

/* Reads one line from the controlling terminal with echo off.  The echo
 * is switched off (flushing typed-ahead input) before the prompt is
 * shown, so nothing typed after the prompt can appear on screen. */
static char *
read_passphrase_from_tty (const char *prompt, GError **error)
{
  struct termios saved, quiet;
  char *buf;
  gsize len = 0;
  gboolean too_long = FALSE;
  char c = '\0';
  int fd;

  fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_PASSPHRASE, "no passphrase: set VALGKIT_PASSPHRASE or run in a terminal");
      return NULL;
    }
  if (tcgetattr (fd, &saved) != 0)
    {
      int saved_errno = errno;

      (void)close (fd);
      g_set_error (error, VK_ERROR, VK_ERROR_PASSPHRASE,
                   "no passphrase: set VALGKIT_PASSPHRASE or run in a terminal (/dev/tty: %s)",
                   g_strerror (saved_errno));
      return NULL;
    }
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
  quiet.c_lflag |= ICANON;
  (void)tcsetattr (fd, TCSAFLUSH, &quiet);
  write_all (fd, prompt);

  buf = (char *)secure_alloc (PASSPHRASE_MAX_BYTES + 1);
  for (;;)
    {
      ssize_t n = read (fd, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0 || c == '\n')
        break;
      if (len < PASSPHRASE_MAX_BYTES)
        buf[len++] = c;
      else
        too_long = TRUE;
    }
  sodium_memzero (&c, sizeof c);
  buf[len] = '\0';

  (void)tcsetattr (fd, TCSAFLUSH, &saved);
  write_all (fd, "\n");
  (void)close (fd);

  if (len > 0 && buf[len - 1] == '\r')
    buf[--len] = '\0';
  if (too_long || len == 0)
    {
      sodium_free (buf);
      g_set_error (error, VK_ERROR, VK_ERROR_PASSPHRASE,
                   too_long ? "passphrase longer than 1024 bytes" : "empty passphrase");
      return NULL;
    }
  return buf;
}

char *
vk_passphrase_get (const char *prompt, GError **error)
{
  const char *env;

  if (!vk_crypto_init (error))
    return NULL;

  env = g_getenv ("VALGKIT_PASSPHRASE");
  if (env != NULL)
    {
      if (*env == '\0')
        {
          g_set_error (error, VK_ERROR, VK_ERROR_PASSPHRASE, "empty passphrase in VALGKIT_PASSPHRASE");
          return NULL;
        }
      return secure_strdup (env);
    }
  return read_passphrase_from_tty (prompt != NULL ? prompt : "Passphrase: ", error);
}

void
vk_passphrase_free (char *passphrase)
{
  /* sodium_free() wipes the whole allocation and accepts NULL. */
  sodium_free (passphrase);
}

/* vk-http-sig.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sodium.h>
#include <string.h>

#include "vk-error.h"
#include "vk-http-reply.h"
#include "vk-http-sig.h"

#define AUTHENTICATE_HINT                                                                                              \
  "sign the request (RFC 9421): Signature-Input: vk=(\"@method\" \"@path\" \"@query\" \"@authority\" "                 \
  "[\"content-digest\"]);created=UNIX;nonce=\"RANDOM\";keyid=\"DEVICE\";alg=\"ed25519\" and Signature: "               \
  "vk=:BASE64:, with the enrolled device's key (docs/api.md, Authentication)"

/* Building the signature base. */

char *
vk_http_sig_base (const char *method, const char *path, const char *query, const char *authority,
                  const char *content_digest, const char *params)
{
  GString *base = g_string_new (NULL);

  g_return_val_if_fail (method != NULL && path != NULL && authority != NULL && params != NULL, NULL);

  /* §2.2.7: the query with its leading '?'; "?" alone when there is none. */
  g_string_append_printf (base, "\"@method\": %s\n\"@path\": %s\n\"@query\": ?%s\n\"@authority\": %s\n", method,
                          *path != '\0' ? path : "/", query != NULL ? query : "", authority);
  if (content_digest != NULL)
    g_string_append_printf (base, "\"content-digest\": %s\n", content_digest);
  g_string_append_printf (base, "\"@signature-params\": (\"@method\" \"@path\" \"@query\" \"@authority\"%s)%s",
                          content_digest != NULL ? " \"content-digest\"" : "", params);
  return g_string_free (base, FALSE);
}

char *
vk_http_sig_content_digest (const guint8 *data, gsize len)
{
  guint8 digest[32];
  g_autofree char *b64 = NULL;

  vk_sha256 (data != NULL ? data : (const guint8 *)"", len, digest);
  b64 = g_base64_encode (digest, sizeof digest);
  return g_strdup_printf ("sha-256=:%s:", b64);
}

char *
vk_http_sig_authority (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  const char *scheme = g_uri_get_scheme (uri);
  gint port = g_uri_get_port (uri);
  gint default_port = g_strcmp0 (scheme, "https") == 0 ? 443 : 80;
  g_autofree char *lower = g_ascii_strdown (host != NULL ? host : "", -1);
  gboolean v6 = strchr (lower, ':') != NULL;

  if (port < 0 || port == default_port)
    return g_strdup_printf (v6 ? "[%s]" : "%s", lower);
  return g_strdup_printf (v6 ? "[%s]:%d" : "%s:%d", lower, port);
}

/* A token we put in a quoted string: printable ASCII without '"' and '\'. */
static gboolean
is_plain_token (const char *s)
{
  gsize n = 0;

  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s != '\0'; s++, n++)
    if (*s < 0x21 || *s > 0x7e || *s == '"' || *s == '\\')
      return FALSE;
  return n <= VK_HTTP_SIG_MAX_TOKEN;
}

gboolean
vk_http_sig_sign_message (SoupMessage *msg, const VkKeypair *key, const char *device_id, GBytes *body, gint64 created,
                          const char *nonce, GError **error)
{
  SoupMessageHeaders *headers;
  GUri *uri;
  g_autofree char *digest = NULL;
  g_autofree char *authority = NULL;
  g_autofree char *params = NULL;
  g_autofree char *base = NULL;
  g_autofree char *nonce_owned = NULL;
  g_autofree char *sig_b64 = NULL;
  g_autofree char *input = NULL;
  g_autofree char *signature = NULL;
  guint8 sig[VK_SIGNATURE_BYTES];

  g_return_val_if_fail (SOUP_IS_MESSAGE (msg), FALSE);
  g_return_val_if_fail (key != NULL && device_id != NULL, FALSE);

  if (!is_plain_token (device_id))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "the device id \"%s\" cannot be a keyid", device_id);
      return FALSE;
    }
  if (nonce == NULL)
    {
      guint8 raw[16];

      randombytes_buf (raw, sizeof raw);
      nonce = nonce_owned = vk_hex_encode (raw, sizeof raw);
    }
  if (created == 0)
    created = g_get_real_time () / G_USEC_PER_SEC;
  headers = soup_message_get_request_headers (msg);
  uri = soup_message_get_uri (msg);
  if (body != NULL)
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (body, &len);

      digest = vk_http_sig_content_digest (data, len);
      soup_message_headers_replace (headers, "Content-Digest", digest);
    }
  authority = vk_http_sig_authority (uri);
  params = g_strdup_printf (";created=%" G_GINT64_FORMAT ";nonce=\"%s\";keyid=\"%s\";alg=\"ed25519\"", created, nonce,
                            device_id);
  base = vk_http_sig_base (soup_message_get_method (msg), g_uri_get_path (uri), g_uri_get_query (uri), authority,
                           digest, params);
  if (!vk_keypair_sign (key, (const guint8 *)base, strlen (base), sig, error))
    return FALSE;
  sig_b64 = g_base64_encode (sig, sizeof sig);
  input = g_strdup_printf (VK_HTTP_SIG_LABEL "=(\"@method\" \"@path\" \"@query\" \"@authority\"%s)%s",
                           digest != NULL ? " \"content-digest\"" : "", params);
  signature = g_strdup_printf (VK_HTTP_SIG_LABEL "=:%s:", sig_b64);
  soup_message_headers_replace (headers, "Signature-Input", input);
  soup_message_headers_replace (headers, "Signature", signature);
  return TRUE;
}

/* Parsing what a client sent (RFC 8941 structured fields, as far as a
 * signature needs them). */

typedef struct
{
  char *label;
  GPtrArray *components; /* char*, without quotes */
  char *params_text;     /* ";created=…" as received */
  gint64 created;
  gboolean has_created;
  char *nonce;
  char *keyid;
  char *alg;
} SigInput;

static void
sig_input_clear (SigInput *in)
{
  g_free (in->label);
  g_clear_pointer (&in->components, g_ptr_array_unref);
  g_free (in->params_text);
  g_free (in->nonce);
  g_free (in->keyid);
  g_free (in->alg);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SigInput, sig_input_clear)

static const char *
skip_sp (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* A key of a dictionary or parameter: lcalpha / "*" then lcalpha, digits, "_-.*". */
static const char *
parse_key (const char *p, char **ret_key)
{
  const char *start = p;

  if (!(g_ascii_islower (*p) || *p == '*'))
    return NULL;
  while (g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_' || *p == '-' || *p == '.' || *p == '*')
    p++;
  *ret_key = g_strndup (start, p - start);
  return p;
}

/* A quoted string without escapes (we refuse '\'). */
static const char *
parse_string (const char *p, char **ret_value)
{
  const char *start;

  if (*p != '"')
    return NULL;
  start = ++p;
  while (*p != '\0' && *p != '"')
    {
      if (*p == '\\' || *p < 0x20 || *p > 0x7e)
        return NULL;
      p++;
    }
  if (*p != '"')
    return NULL;
  *ret_value = g_strndup (start, p - start);
  return p + 1;
}

static gboolean
parse_signature_input (const char *text, SigInput *in, char **ret_reason)
{
  const char *p = skip_sp (text);
  const char *params_start;

  in->components = g_ptr_array_new_with_free_func (g_free);
  if ((p = parse_key (p, &in->label)) == NULL || *p++ != '=' || *p++ != '(')
    goto bad;
  for (;;)
    {
      char *component = NULL;

      p = skip_sp (p);
      if (*p == ')')
        {
          p++;
          break;
        }
      if ((p = parse_string (p, &component)) == NULL)
        goto bad;
      g_ptr_array_add (in->components, component);
      if (in->components->len > 16)
        goto bad;
    }
  params_start = p;
  while (*p == ';')
    {
      g_autofree char *key = NULL;

      p++;
      if ((p = parse_key (p, &key)) == NULL || *p++ != '=')
        goto bad;
      if (*p == '"')
        {
          char *value = NULL;

          if ((p = parse_string (p, &value)) == NULL)
            goto bad;
          if (strcmp (key, "nonce") == 0 && in->nonce == NULL)
            in->nonce = value;
          else if (strcmp (key, "keyid") == 0 && in->keyid == NULL)
            in->keyid = value;
          else if (strcmp (key, "alg") == 0 && in->alg == NULL)
            in->alg = value;
          else
            {
              g_free (value);
              goto bad;
            }
        }
      else if (g_ascii_isdigit (*p) || *p == '-')
        {
          const char *start = p;
          g_autofree char *digits = NULL;

          if (*p == '-')
            p++;
          while (g_ascii_isdigit (*p))
            p++;
          if (p - start > 15 || strcmp (key, "created") != 0 || in->has_created)
            goto bad; /* RFC 8941 integers have at most 15 digits; expires is not used */
          digits = g_strndup (start, p - start);
          in->created = g_ascii_strtoll (digits, NULL, 10);
          in->has_created = TRUE;
        }
      else
        goto bad;
    }
  in->params_text = g_strndup (params_start, p - params_start);
  if (*skip_sp (p) != '\0')
    {
      *ret_reason = g_strdup ("Signature-Input must hold exactly one signature");
      return FALSE;
    }
  return TRUE;

bad:
  *ret_reason = g_strdup ("Signature-Input is not a valid RFC 9421 signature input");
  return FALSE;
}

/* Signature: label=:base64:, the 64 signature bytes. */
static gboolean
parse_signature (const char *text, const char *label, guint8 ret_sig[VK_SIGNATURE_BYTES])
{
  const char *p = skip_sp (text);
  g_autofree char *key = NULL;
  g_autofree char *b64 = NULL;
  g_autofree guchar *raw = NULL;
  const char *start;
  gsize len = 0;

  if ((p = parse_key (p, &key)) == NULL || strcmp (key, label) != 0 || *p++ != '=' || *p++ != ':')
    return FALSE;
  start = p;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '/' || *p == '=')
    p++;
  if (*p != ':' || p - start != 88 || *skip_sp (p + 1) != '\0')
    return FALSE;
  b64 = g_strndup (start, p - start);
  raw = g_base64_decode (b64, &len);
  if (len != VK_SIGNATURE_BYTES)
    return FALSE;
  memcpy (ret_sig, raw, VK_SIGNATURE_BYTES);
  return TRUE;
}

/* The replay cache. */

typedef struct
{
  char *key; /* keyid '\n' nonce */
  gint64 expires_s;
} Nonce;

struct _VkHttpVerifier
{
  VkPackage *package;
  GMutex lock;
  GHashTable *seen; /* key → GList link in order */
  GQueue order;     /* Nonce*, oldest first */
};

static void
nonce_free (Nonce *n)
{
  g_free (n->key);
  g_free (n);
}

VkHttpVerifier *
vk_http_verifier_new (VkPackage *package)
{
  VkHttpVerifier *self;

  g_return_val_if_fail (package != NULL, NULL);

  self = g_new0 (VkHttpVerifier, 1);
  self->package = package;
  g_mutex_init (&self->lock);
  self->seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&self->order);
  return self;
}

void
vk_http_verifier_free (VkHttpVerifier *self)
{
  if (self == NULL)
    return;
  g_hash_table_destroy (self->seen);
  g_queue_clear_full (&self->order, (GDestroyNotify)nonce_free);
  g_mutex_clear (&self->lock);
  g_free (self);
}

guint
vk_http_verifier_get_n_nonces (VkHttpVerifier *self)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);
  g_mutex_lock (&self->lock);
  n = g_queue_get_length (&self->order);
  g_mutex_unlock (&self->lock);
  return n;
}

static void
drop_oldest_locked (VkHttpVerifier *self)
{
  Nonce *n = g_queue_pop_head (&self->order);

  g_hash_table_remove (self->seen, n->key);
  nonce_free (n);
}

/* TRUE when the nonce is new (and now remembered). */
static gboolean
remember_nonce (VkHttpVerifier *self, const char *keyid, const char *nonce, gint64 created, gint64 now)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s", keyid, nonce);
  Nonce *n;
  gboolean fresh = FALSE;

  g_mutex_lock (&self->lock);
  /* Nonces whose request could no longer be accepted anyway go first. */
  while (!g_queue_is_empty (&self->order) && ((Nonce *)g_queue_peek_head (&self->order))->expires_s < now)
    drop_oldest_locked (self);
  if (!g_hash_table_contains (self->seen, key))
    {
      while (g_queue_get_length (&self->order) >= VK_HTTP_SIG_REPLAY_ENTRIES)
        drop_oldest_locked (self);
      n = g_new0 (Nonce, 1);
      n->key = g_steal_pointer (&key);
      /* created may lie up to the window ahead: keep it until the
       * request it came with is too old to be accepted. */
      n->expires_s = MAX (created, now) + VK_HTTP_SIG_WINDOW_S;
      g_queue_push_tail (&self->order, n);
      g_hash_table_add (self->seen, n->key);
      fresh = TRUE;
    }
  g_mutex_unlock (&self->lock);
  return fresh;
}

static gboolean
has_component (GPtrArray *components, const char *name)
{
  for (guint i = 0; i < components->len; i++)
    if (strcmp (g_ptr_array_index (components, i), name) == 0)
      return TRUE;
  return FALSE;
}

static char *
component_value (SoupServerMessage *msg, const char *name, const char *authority, const char *digest)
{
  GUri *uri = soup_server_message_get_uri (msg);

  if (strcmp (name, "@method") == 0)
    return g_strdup (soup_server_message_get_method (msg));
  if (strcmp (name, "@path") == 0)
    return g_strdup (*g_uri_get_path (uri) != '\0' ? g_uri_get_path (uri) : "/");
  if (strcmp (name, "@query") == 0)
    return g_strdup_printf ("?%s", g_uri_get_query (uri) != NULL ? g_uri_get_query (uri) : "");
  if (strcmp (name, "@authority") == 0)
    return g_strdup (authority);
  if (strcmp (name, "content-digest") == 0)
    return g_strdup (digest);
  return NULL;
}

VkHttpSigStatus
vk_http_verifier_check (VkHttpVerifier *self, SoupServerMessage *msg, GBytes *body, const VkDevice **ret_device,
                        char **ret_reason)
{
  SoupMessageHeaders *headers;
  const char *input_text, *signature_text, *digest;
  g_auto (SigInput) in = { 0 };
  g_autofree char *authority = NULL;
  g_autoptr (GString) base = NULL;
  const VkDevice *device;
  guint8 sig[VK_SIGNATURE_BYTES];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gsize body_len = body != NULL ? g_bytes_get_size (body) : 0;
  char *reason = NULL;

  g_return_val_if_fail (self != NULL, VK_HTTP_SIG_INVALID);
  g_return_val_if_fail (ret_device != NULL && ret_reason != NULL, VK_HTTP_SIG_INVALID);

  *ret_device = NULL;
  *ret_reason = NULL;
  headers = soup_server_message_get_request_headers (msg);
  input_text = soup_message_headers_get_one (headers, "Signature-Input");
  signature_text = soup_message_headers_get_one (headers, "Signature");
  digest = soup_message_headers_get_one (headers, "Content-Digest");
  if (input_text == NULL && signature_text == NULL)
    {
      *ret_reason = g_strdup ("the request is not signed");
      return VK_HTTP_SIG_NONE;
    }
  if (input_text == NULL || signature_text == NULL)
    {
      *ret_reason = g_strdup ("Signature and Signature-Input come together");
      return VK_HTTP_SIG_INVALID;
    }
  if (strlen (input_text) > 1024 || strlen (signature_text) > 256)
    {
      *ret_reason = g_strdup ("Signature or Signature-Input is too long");
      return VK_HTTP_SIG_INVALID;
    }
  if (!parse_signature_input (input_text, &in, &reason))
    {
      *ret_reason = reason;
      return VK_HTTP_SIG_INVALID;
    }
  if (!parse_signature (signature_text, in.label, sig))
    {
      *ret_reason = g_strdup_printf ("Signature has no 64-byte signature labelled %s", in.label);
      return VK_HTTP_SIG_INVALID;
    }
  if (in.alg == NULL || strcmp (in.alg, "ed25519") != 0 || !in.has_created || in.nonce == NULL
      || !is_plain_token (in.nonce) || in.keyid == NULL || !is_plain_token (in.keyid))
    {
      *ret_reason = g_strdup ("the signature needs created, nonce, keyid and alg=\"ed25519\"");
      return VK_HTTP_SIG_INVALID;
    }
  if (!has_component (in.components, "@method") || !has_component (in.components, "@path")
      || !has_component (in.components, "@query") || !has_component (in.components, "@authority")
      || (body_len > 0 && !has_component (in.components, "content-digest")))
    {
      *ret_reason = g_strdup ("the signature must cover \"@method\" \"@path\" \"@query\" \"@authority\" (and "
                              "\"content-digest\" with a body)");
      return VK_HTTP_SIG_INVALID;
    }
  device = vk_package_lookup_device (self->package, in.keyid);
  if (device == NULL)
    {
      *ret_reason = g_strdup ("the keyid is not a device enrolled in this election");
      return VK_HTTP_SIG_INVALID;
    }
  if (!vk_device_is_valid_at (device, (guint64)MAX (now, 0) * 1000))
    {
      *ret_reason = g_strdup ("the device's enrolment is not valid now");
      return VK_HTTP_SIG_INVALID;
    }
  if (in.created < now - VK_HTTP_SIG_WINDOW_S || in.created > now + VK_HTTP_SIG_WINDOW_S)
    {
      *ret_reason = g_strdup_printf ("created is %" G_GINT64_FORMAT " s from the server's clock (at most %d s)",
                                     in.created - now, VK_HTTP_SIG_WINDOW_S);
      return VK_HTTP_SIG_INVALID;
    }
  if (has_component (in.components, "content-digest"))
    {
      g_autofree char *want
          = vk_http_sig_content_digest (body != NULL ? g_bytes_get_data (body, NULL) : NULL, body_len);
      if (digest == NULL || strcmp (digest, want) != 0)
        {
          *ret_reason = g_strdup ("Content-Digest (sha-256) does not match the body");
          return VK_HTTP_SIG_INVALID;
        }
    }

  /* §2.5: each covered component in the order given, then the params. */
  authority = vk_http_sig_authority (soup_server_message_get_uri (msg));
  base = g_string_new (NULL);
  for (guint i = 0; i < in.components->len; i++)
    {
      const char *name = g_ptr_array_index (in.components, i);
      g_autofree char *value = component_value (msg, name, authority, digest);

      if (value == NULL)
        {
          *ret_reason = g_strdup_printf ("the component \"%s\" is not one this server signs", name);
          return VK_HTTP_SIG_INVALID;
        }
      g_string_append_printf (base, "\"%s\": %s\n", name, value);
    }
  g_string_append (base, "\"@signature-params\": (");
  for (guint i = 0; i < in.components->len; i++)
    g_string_append_printf (base, i == 0 ? "\"%s\"" : " \"%s\"", (const char *)g_ptr_array_index (in.components, i));
  g_string_append_printf (base, ")%s", in.params_text);
  if (!vk_ed25519_verify (device->public_key, (const guint8 *)base->str, base->len, sig))
    {
      *ret_reason = g_strdup_printf ("the signature does not verify under %s's enrolled key", in.keyid);
      return VK_HTTP_SIG_INVALID;
    }
  if (!remember_nonce (self, in.keyid, in.nonce, in.created, now))
    {
      *ret_reason = g_strdup ("the nonce was used before (a replayed request)");
      return VK_HTTP_SIG_INVALID;
    }
  *ret_device = device;
  return VK_HTTP_SIG_VALID;
}

void
vk_http_sig_refuse (SoupServerMessage *msg, guint status, const char *code, const char *message)
{
  g_autoptr (JsonNode) root = vk_http_error_json (code, message);

  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      json_object_set_string_member (json_node_get_object (root), "authenticate", AUTHENTICATE_HINT);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Signature label=\"" VK_HTTP_SIG_LABEL "\", alg=\"ed25519\"");
    }
  vk_http_reply_json (msg, status, root);
}

/* vk-http-sig.h: requests signed with the enrolled device keys (RFC 9421).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every read of the count server and of a table's peer server is signed
 * by an enrolled device as an HTTP Message Signature (RFC 9421) with its
 * Ed25519 key: the signature covers ("@method" "@path" "@query"
 * "@authority"), plus "content-digest" (RFC 9530, sha-256) when the
 * request has a body, with the parameters created, nonce, keyid (the
 * enrolled device id) and alg="ed25519", under the label "vk":
 *
 *   Content-Digest: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
 *   Signature-Input: vk=("@method" "@path" "@query" "@authority");created=1764687600;
 *                    nonce="hV2…";keyid="bord-1";alg="ed25519"
 *   Signature: vk=:base64 of the 64-byte Ed25519 signature:
 *
 * The signature base is built exactly as RFC 9421 §2.5 says, so that any
 * implementation can sign (test/interop/http_sig_client.py does, in
 * Python).  docs/api.md ("Authentication") says why this and not mutual
 * TLS.
 *
 * A VkHttpVerifier checks a request on a server: the keyid enrolled in the
 * package and valid now, `created` within ±VK_HTTP_SIG_WINDOW_S of the
 * server's clock, the nonce not seen within that window (a bounded replay
 * cache), the signature, and the content digest against the body.
 */
#pragma once

#include <libsoup/soup.h>

#include "vk-keys.h"
#include "vk-package.h"

G_BEGIN_DECLS

#define VK_HTTP_SIG_LABEL "vk"
/* How far `created` may be from the server's clock, either way. */
#define VK_HTTP_SIG_WINDOW_S 300
/* Nonces remembered at most (the oldest go first). */
#define VK_HTTP_SIG_REPLAY_ENTRIES 100000u
/* Longest keyid and nonce accepted. */
#define VK_HTTP_SIG_MAX_TOKEN 128

/* The signature base of RFC 9421 §2.5 for our covered components.
 * path and query are as sent (percent-encoded; query without '?', NULL
 * for none); authority is host[:port] in lower case, the default port
 * left out; content_digest is the Content-Digest field value, or NULL
 * when the request has no body (then it is not covered); params is the
 * serialised parameters (";created=…;nonce=…;keyid=…;alg=…"). */
char *vk_http_sig_base (const char *method, const char *path, const char *query, const char *authority,
                        const char *content_digest, const char *params) G_GNUC_WARN_UNUSED_RESULT;
/* "sha-256=:BASE64:" of data (RFC 9530). */
char *vk_http_sig_content_digest (const guint8 *data, gsize len) G_GNUC_WARN_UNUSED_RESULT;
/* host[:port] of uri as @authority wants it. */
char *vk_http_sig_authority (GUri *uri) G_GNUC_WARN_UNUSED_RESULT;

/* Signs msg as device_id with key: sets Content-Digest (when body is not
 * NULL: the body the caller sends, which this does not set),
 * Signature-Input and Signature.  created: seconds since the epoch (0:
 * now); nonce: NULL for 16 random bytes. */
gboolean vk_http_sig_sign_message (SoupMessage *msg, const VkKeypair *key, const char *device_id, GBytes *body,
                                   gint64 created, const char *nonce, GError **error);

typedef enum
{
  VK_HTTP_SIG_NONE,    /* the request carries no signature */
  VK_HTTP_SIG_VALID,   /* signed by an enrolled device, valid now */
  VK_HTTP_SIG_INVALID, /* a signature that does not hold: 401 */
} VkHttpSigStatus;

typedef struct _VkHttpVerifier VkHttpVerifier;

/* package is borrowed: it must outlive the verifier.  Thread-safe. */
VkHttpVerifier *vk_http_verifier_new (VkPackage *package) G_GNUC_WARN_UNUSED_RESULT;
void vk_http_verifier_free (VkHttpVerifier *self);
/* Checks msg's signature; body is the request's body (NULL or empty for
 * none).  VALID: *ret_device is the enrolled device (borrowed from the
 * package).  INVALID: *ret_reason says why (for the 401's message).  A
 * valid signature's nonce is remembered; nothing else is. */
VkHttpSigStatus vk_http_verifier_check (VkHttpVerifier *self, SoupServerMessage *msg, GBytes *body,
                                        const VkDevice **ret_device, char **ret_reason);
/* Nonces remembered now (for tests). */
guint vk_http_verifier_get_n_nonces (VkHttpVerifier *self);

/* Answers 401 (code "unauthenticated") or 403 (code "forbidden", or
 * "not-published") with the JSON error body of vk-http-reply.h; a 401
 * carries a WWW-Authenticate header and an "authenticate" member saying
 * how to sign. */
void vk_http_sig_refuse (SoupServerMessage *msg, guint status, const char *code, const char *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkHttpVerifier, vk_http_verifier_free)

G_END_DECLS

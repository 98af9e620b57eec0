/* vk-http-body.h: request bodies, collected within a size cap and a budget.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup keeps a whole request body in memory, whatever its size.  Both
 * valgkit servers collect bodies themselves instead: each into a
 * VkBodyBuffer bounded by the server's largest body and by its budget for
 * all bodies held at once (vk-body-budget.h).  A body refused at its
 * headers (Content-Length too large, or no room in the budget) is answered
 * at once and its connection closed; one refused while it arrives is read
 * to its end and discarded, and the handler answers it.
 */
#pragma once

#include <libsoup/soup.h>

#include "vk-body-budget.h"

G_BEGIN_DECLS

/* How a server answers a refusal (its own error body). */
typedef void (*VkHttpErrorFunc) (SoupServerMessage *msg, guint status, const char *code, const char *message);

typedef struct
{
  VkBodyBudget *budget;
  gsize max_body;
  const char *holder; /* who is busy, in the 503's words: "the server", "this table" */
  VkHttpErrorFunc send_error;
} VkHttpBodyLimits;

/* From an early handler: collects msg's body within limits.  FALSE after
 * answering 413 (Content-Length above max_body) or 503 (no room in the
 * budget), with Connection: close. */
gboolean vk_http_body_begin (SoupServerMessage *msg, const VkHttpBodyLimits *limits);
/* From the handler: the body collected so far (NULL when none); the
 * message holds it no longer. */
VkBodyBuffer *vk_http_body_steal (SoupServerMessage *msg) G_GNUC_WARN_UNUSED_RESULT;
/* From the handler of a POST of journal entries: the body's bytes (they
 * keep their reservation until freed), or NULL after answering 415 (not
 * application/cbor-seq), 413 or 503 (the body was refused while it
 * arrived) or 400 (no body). */
GBytes *vk_http_body_take_journal_batch (SoupServerMessage *msg, const VkHttpBodyLimits *limits,
                                         VkBodyBuffer *body) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

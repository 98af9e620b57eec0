/* vk-http-reply.h: the answers both valgkit servers give alike.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every refusal of the count server and of a table's peer server has the
 * same JSON body, {"error": MESSAGE, "code": CODE} (docs/api.md); the
 * code is stable, the message for people.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The body of an error answer. */
JsonNode *vk_http_error_json (const char *code, const char *message) G_GNUC_WARN_UNUSED_RESULT;
/* Answers msg with status and root as application/json. */
void vk_http_reply_json (SoupServerMessage *msg, guint status, JsonNode *root);

G_END_DECLS

/* vk-http-reply.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-http-reply.h"

JsonNode *
vk_http_error_json (const char *code, const char *message)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (code != NULL && message != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
vk_http_reply_json (SoupServerMessage *msg, guint status, JsonNode *root)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  gsize len = 0;
  char *text;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (root != NULL);

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, len);
}

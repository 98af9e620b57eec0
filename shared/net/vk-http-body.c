/* vk-http-body.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-http-body.h"

#define BODY_KEY "vk-http-body"
#define TOO_LARGE_KEY "vk-http-body-too-large"
#define NO_BUDGET_KEY "vk-http-body-no-budget"

static void
refuse_too_large (SoupServerMessage *msg, const VkHttpBodyLimits *limits, const char *message)
{
  limits->send_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "too-large", message);
}

static void
refuse_no_budget (SoupServerMessage *msg, const VkHttpBodyLimits *limits)
{
  g_autofree char *message
      = g_strdup_printf ("%s holds the most request bodies it takes at once (%" G_GSIZE_FORMAT " bytes); try again "
                         "shortly",
                         limits->holder, vk_body_budget_get_limit (limits->budget));

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
  limits->send_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy", message);
}

static void
got_chunk_cb (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  VkBodyBuffer *body = g_object_get_data (G_OBJECT (msg), BODY_KEY);
  gsize len = 0;
  const void *data = g_bytes_get_data (chunk, &len);

  if (body == NULL)
    return;
  switch (vk_body_buffer_append (body, data, len))
    {
      case VK_BODY_OK:
        return;
      case VK_BODY_TOO_LARGE:
        g_object_set_data (G_OBJECT (msg), TOO_LARGE_KEY, GINT_TO_POINTER (1));
        break;
      case VK_BODY_NO_BUDGET:
      default:
        g_object_set_data (G_OBJECT (msg), NO_BUDGET_KEY, GINT_TO_POINTER (1));
        break;
    }
  /* Keep reading (and discarding) to the end so that the client gets the
   * answer, but hold nothing more: the buffer, emptied, goes. */
  g_object_set_data (G_OBJECT (msg), BODY_KEY, NULL);
}

/* A message that ends in any way (answered, refused, its connection
 * closed) lets go of its body if it still holds it. */
static void
finished_cb (SoupServerMessage *msg, gpointer user_data)
{
  g_object_set_data (G_OBJECT (msg), BODY_KEY, NULL);
}

gboolean
vk_http_body_begin (SoupServerMessage *msg, const VkHttpBodyLimits *limits)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gboolean has_length = soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH;
  g_autoptr (VkBodyBuffer) body = NULL;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), FALSE);
  g_return_val_if_fail (limits != NULL && limits->send_error != NULL, FALSE);

  /* libsoup keeps the whole body in memory unless told otherwise: every
   * body is collected by got_chunk_cb instead, which stops at the limit. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  if (has_length && soup_message_headers_get_content_length (headers) > (goffset)limits->max_body)
    {
      g_autofree char *message = g_strdup_printf (
          "the request body is %" G_GINT64_FORMAT " bytes; the most accepted is %" G_GSIZE_FORMAT " bytes",
          (gint64)soup_message_headers_get_content_length (headers), limits->max_body);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      refuse_too_large (msg, limits, message);
      return FALSE;
    }
  body = vk_body_buffer_new (limits->budget, limits->max_body);
  if (has_length
      && vk_body_buffer_reserve (body, (gsize)soup_message_headers_get_content_length (headers)) != VK_BODY_OK)
    {
      /* Refused before a byte of the body is read; the connection closes
       * rather than read the body it would discard. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      refuse_no_budget (msg, limits);
      return FALSE;
    }
  g_object_set_data_full (G_OBJECT (msg), BODY_KEY, g_steal_pointer (&body), (GDestroyNotify)vk_body_buffer_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), NULL);
  g_signal_connect (msg, "finished", G_CALLBACK (finished_cb), NULL);
  return TRUE;
}

VkBodyBuffer *
vk_http_body_steal (SoupServerMessage *msg)
{
  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);
  return g_object_steal_data (G_OBJECT (msg), BODY_KEY);
}

static gboolean
body_check (SoupServerMessage *msg, const VkHttpBodyLimits *limits)
{
  if (g_object_get_data (G_OBJECT (msg), TOO_LARGE_KEY) != NULL)
    {
      g_autofree char *message = g_strdup_printf (
          "the request body is larger than the %" G_GSIZE_FORMAT " bytes accepted", limits->max_body);
      refuse_too_large (msg, limits, message);
      return FALSE;
    }
  if (g_object_get_data (G_OBJECT (msg), NO_BUDGET_KEY) != NULL)
    {
      refuse_no_budget (msg, limits);
      return FALSE;
    }
  return TRUE;
}

GBytes *
vk_http_body_take_journal_batch (SoupServerMessage *msg, const VkHttpBodyLimits *limits, VkBodyBuffer *body)
{
  const char *type;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), NULL);
  g_return_val_if_fail (limits != NULL && limits->send_error != NULL, NULL);

  type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  if (type == NULL || g_ascii_strcasecmp (type, "application/cbor-seq") != 0)
    {
      limits->send_error (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                          "a journal batch is sent as Content-Type: application/cbor-seq");
      return NULL;
    }
  if (!body_check (msg, limits))
    return NULL;
  if (body == NULL || vk_body_buffer_get_length (body) == 0)
    {
      limits->send_error (msg, SOUP_STATUS_BAD_REQUEST, "malformed", "the request body holds no journal entries");
      return NULL;
    }
  /* The bytes themselves, not a copy; they keep their reservation. */
  return vk_body_buffer_steal (body);
}

/* test-http-listen.c: valgkit-net, the servers' shared listen helper
 * and error body.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-http-listen.h"
#include "vk-http-reply.h"

static void
teapot_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  g_autoptr (JsonNode) body = vk_http_error_json ("teapot", "no coffee here");

  (*(guint *)user_data)++;
  vk_http_reply_json (msg, 418, body);
}

static void
sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GBytes **ret = user_data;
  g_autoptr (GError) error = NULL;

  *ret = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

/* Loopback with port 0: a port is chosen and read back, the handler
 * answers, and the error body has its two members. */
static void
test_loopback (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *target = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  guint calls = 0;

  server = vk_http_listen ("127.0.0.1:0", NULL, NULL, NULL, NULL, teapot_handler, &calls, &url, &fingerprint, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_cmpstr (url, !=, "http://127.0.0.1:0");
  g_assert_null (fingerprint);

  target = g_strconcat (url, "/anything", NULL);
  msg = soup_message_new ("GET", target);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &answer);
  while (answer == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 418);
  g_assert_cmpuint (calls, ==, 1);
  g_assert_true (
      json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), (gssize)g_bytes_get_size (answer), &error));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "code"), ==, "teapot");
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, "no coffee here");
  g_assert_cmpuint (json_object_get_size (object), ==, 2);

  /* After unlisten nothing reaches the handler's data. */
  vk_http_unlisten (server);
  vk_http_unlisten (NULL);
}

/* Off loopback without a certificate, and a malformed address: refused. */
static void
test_refused (void)
{
  const char *const bad[] = { "0.0.0.0:0", "not-an-address", "127.0.0.1:99999" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *url = NULL;
      g_autoptr (SoupServer) server
          = vk_http_listen (bad[i], NULL, NULL, NULL, NULL, teapot_handler, NULL, &url, NULL, &error);

      g_assert_null (server);
      g_assert_null (url);
      g_assert_nonnull (error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http-listen/loopback", test_loopback);
  g_test_add_func ("/http-listen/refused", test_refused);
  return g_test_run ();
}

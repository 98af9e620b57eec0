/* test-http-listen.c: valgkit-net, the servers' shared listen helper
 * and error body.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-body-budget.h"
#include "vk-error.h"
#include "vk-http-listen.h"
#include "vk-http-reply.h"
#include "vk-test-attack.h"

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

static void
sent_any_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GBytes) answer = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  *(gboolean *)user_data = TRUE;
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

/* Attacks on the connection limits, all on loopback.  Each connection
 * is a raw non-blocking socket from a chosen 127.0.0.x address (Linux
 * routes all of 127/8 to lo), so that the per-address cap can be told
 * apart from the total one; the server runs on this thread's main
 * context, so every wait spins it. */

/* A GET through libsoup, retried on 503 until deadline_ms: the status. */
static guint
get_within (const char *url, guint deadline_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)deadline_ms * 1000;
  g_autoptr (SoupSession) session = soup_session_new ();
  guint status = 0;

  while (g_get_monotonic_time () < end)
    {
      g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr (GBytes) answer = NULL;
      gboolean done = FALSE;

      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_any_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      status = soup_message_get_status (msg);
      if (status != SOUP_STATUS_SERVICE_UNAVAILABLE && status != 0)
        break;
      spin_ms (100);
    }
  return status;
}

static gboolean
counters_zero (SoupServer *server)
{
  VkHttpCounters c;

  vk_http_get_counters (server, &c);
  return c.connections == 0;
}

static gboolean
wait_no_connections (SoupServer *server, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (counters_zero (server))
        return TRUE;
      spin_ms (20);
    }
  return counters_zero (server);
}

static SoupServer *
listen_limited (const VkHttpLimits *limits, guint *calls, char **ret_url)
{
  g_autoptr (GError) error = NULL;
  SoupServer *server
      = vk_http_listen ("127.0.0.1:0", NULL, NULL, limits, NULL, teapot_handler, calls, ret_url, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (server);
  return server;
}

/* One request per connection: the answer says Connection: close and
 * the server closes it (libsoup 3.2 would not notice a kept-alive
 * connection's end), so nothing stays counted. */
static void
test_one_request (void)
{
  guint calls = 0;
  g_autofree char *url = NULL;
  g_autoptr (SoupServer) server = listen_limited (NULL, &calls, &url);
  g_autoptr (GSocket) socket = connect_from ("127.0.0.1", port_of (url));
  g_autoptr (GString) seen = g_string_new (NULL);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gboolean closed = FALSE;

  spin_ms (50);
  send_text (socket, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  while (!closed && g_get_monotonic_time () < end)
    {
      spin_ms (5);
      closed = closed_by_server (socket, seen);
    }
  g_assert_true (closed);
  g_assert_cmpuint (calls, ==, 1);
  g_assert_nonnull (strstr (seen->str, "418"));
  g_assert_nonnull (strstr (seen->str, "Connection: close"));
  g_assert_true (wait_no_connections (server, 5000));
  vk_http_unlisten (server);
}

/* Issue 12 item 1: 300 connections closed before sending a byte leave
 * nothing behind; the next request is served. */
static void
test_empty (void)
{
  VkHttpLimits limits = { .max_connections = 1000, .max_per_address = 400, .header_timeout_ms = 1000 };
  guint calls = 0;
  g_autofree char *url = NULL;
  g_autofree char *target = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  VkHttpCounters c;

  raise_fd_limit (2000);
  server = listen_limited (&limits, &calls, &url);
  target = g_strconcat (url, "/status", NULL);
  for (guint i = 0; i < 300; i++)
    g_ptr_array_add (sockets, connect_from ("127.0.0.2", port_of (url)));
  spin_ms (300);
  vk_http_get_counters (server, &c);
  g_assert_cmpuint (c.connections, >, 0);
  g_ptr_array_set_size (sockets, 0); /* closed without a byte */
  g_assert_true (wait_no_connections (server, 5000));
  g_assert_cmpuint (get_within (target, 5000), ==, 418);
  vk_http_unlisten (server);
}

/* Issue 12 item 1: 1,000 idle connections (or what the file limit
 * allows): the excess over the caps is refused at once, a genuine
 * request is served within 5 s, and every idle one is closed at the
 * header deadline. */
static void
test_idle (void)
{
  VkHttpLimits limits = { .max_connections = 600, .max_per_address = 400, .header_timeout_ms = 1000 };
  guint calls = 0;
  g_autofree char *url = NULL;
  g_autofree char *target = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  guint limit = raise_fd_limit (3000);
  guint n = MIN (1000u, limit > 1400 ? limit - 1400 : 100u); /* clients + server side + spare */
  g_autoptr (GString) seen = g_string_new (NULL);
  gint64 start, end;
  guint closed = 0;
  VkHttpCounters c;

  if (n < 1000)
    g_test_message ("open-file limit %u: %u idle connections instead of 1,000", limit, n);
  server = listen_limited (&limits, &calls, &url);
  target = g_strconcat (url, "/status", NULL);
  /* From three addresses: 127.0.0.2 hits the per-address cap, the
   * others then the total one. */
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (sockets, connect_from (i < n / 2       ? "127.0.0.2"
                                              : i < 3 * n / 4 ? "127.0.0.3"
                                                              : "127.0.0.4",
                                              port_of (url)));
      if (i % 100 == 99)
        spin_ms (10);
    }
  spin_ms (300);
  vk_http_get_counters (server, &c);
  g_test_message ("%u idle: %u open, %" G_GUINT64_FORMAT " refused", n, c.connections, c.refused);
  g_assert_cmpuint (c.connections, <=, 600);
  if (n >= 1000)
    g_assert_cmpuint (c.refused, >=, 400);
  /* A refused one got a 503 (or was closed). */
  for (guint i = 0; i < sockets->len && seen->len == 0; i++)
    (void)closed_by_server (g_ptr_array_index (sockets, i), seen);
  if (n >= 1000)
    g_assert_nonnull (strstr (seen->str, "503"));

  start = g_get_monotonic_time ();
  g_assert_cmpuint (get_within (target, 5000), ==, 418);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);

  /* Every idle connection is closed by the server at its deadline. */
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      closed = 0;
      for (guint i = 0; i < sockets->len; i++)
        closed += closed_by_server (g_ptr_array_index (sockets, i), NULL) ? 1 : 0;
      if (closed == sockets->len)
        break;
      spin_ms (100);
    }
  g_assert_cmpuint (closed, ==, sockets->len);
  g_assert_true (wait_no_connections (server, 2000));
  vk_http_get_counters (server, &c);
  g_assert_cmpuint (c.timed_out, >, 0);
  vk_http_unlisten (server);
}

/* Issue 12 item 1: 300 chunked uploads that never end (a chunk every
 * 200 ms, so never idle) are cut at the body deadline. */
static void
test_endless_chunked (void)
{
  VkHttpLimits limits = { .max_connections = 1000, .max_per_address = 400, .body_timeout_ms = 2000 };
  guint calls = 0;
  g_autofree char *url = NULL;
  g_autofree char *target = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GPtrArray) sockets = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 start, end;
  guint closed = 0;

  raise_fd_limit (2000);
  server = listen_limited (&limits, &calls, &url);
  target = g_strconcat (url, "/status", NULL);
  for (guint i = 0; i < 300; i++)
    g_ptr_array_add (sockets, connect_from ("127.0.0.2", port_of (url)));
  spin_ms (200);
  for (guint i = 0; i < sockets->len; i++)
    send_text (g_ptr_array_index (sockets, i), "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                               "Content-Type: application/cbor-seq\r\n\r\n");
  start = g_get_monotonic_time ();
  end = start + 8 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      closed = 0;
      for (guint i = 0; i < sockets->len; i++)
        {
          GSocket *socket = g_ptr_array_index (sockets, i);

          if (closed_by_server (socket, NULL))
            closed++;
          else
            send_text (socket, "4\r\nabcd\r\n");
        }
      if (closed == sockets->len)
        break;
      spin_ms (200);
    }
  g_assert_cmpuint (closed, ==, sockets->len);
  /* Not before the deadline (2 s), and not long after. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1500 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
  g_assert_cmpuint (calls, ==, 0);
  g_assert_cmpuint (get_within (target, 5000), ==, 418);
  g_assert_true (wait_no_connections (server, 5000));
  vk_http_unlisten (server);
}

static gpointer
unref_bytes_thread (gpointer bytes)
{
  g_bytes_unref (bytes);
  return NULL;
}

/* The body budget: a reservation belongs to one owner at a time and goes
 * back exactly once, also from another thread. */
static void
test_body_budget (void)
{
  g_autoptr (VkBodyBudget) budget = vk_body_budget_new (1000);
  g_autoptr (VkBodyBuffer) a = vk_body_buffer_new (budget, 600);
  g_autoptr (VkBodyBuffer) b = vk_body_buffer_new (budget, 600);
  g_autoptr (VkBodyBuffer) c = vk_body_buffer_new (budget, 600);
  guint8 data[700] = { 0 };
  GBytes *bytes;

  g_assert_cmpint (vk_body_buffer_reserve (a, 700), ==, VK_BODY_TOO_LARGE);
  g_assert_cmpuint (vk_body_budget_get_used (budget), ==, 0);
  g_assert_cmpint (vk_body_buffer_reserve (a, 600), ==, VK_BODY_OK);
  g_assert_cmpuint (vk_body_budget_get_used (budget), ==, 600);
  /* Not room for a second 600. */
  g_assert_cmpint (vk_body_buffer_reserve (b, 600), ==, VK_BODY_NO_BUDGET);
  g_assert_cmpuint (vk_body_budget_get_used (budget), ==, 600);
  /* Appending reserves as it goes; the slack is given up when short. */
  g_assert_cmpint (vk_body_buffer_append (b, data, 300), ==, VK_BODY_OK);
  g_assert_cmpuint (vk_body_budget_get_used (budget), ==, 900);
  g_assert_cmpint (vk_body_buffer_append (b, data, 200), ==, VK_BODY_NO_BUDGET);
  g_assert_cmpuint (vk_body_buffer_get_length (b), ==, 0);
  g_assert_cmpuint (vk_body_budget_get_used (budget), ==, 600);
  g_assert_cmpint (vk_body_buffer_append (c, data, 400), ==, VK_BODY_OK);
  g_assert_cmpint (vk_body_buffer_append (c, data, 300), ==, VK_BODY_TOO_LARGE);
  g_assert_cmpuint (vk_body_budget_get_used (budget), ==, 600);
  /* A body cut short keeps only what arrived once stolen; the GBytes
   * holds it, the buffer nothing. */
  g_assert_cmpint (vk_body_buffer_append (a, data, 250), ==, VK_BODY_OK);
  bytes = vk_body_buffer_steal (a);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 250);
  g_assert_cmpuint (vk_body_budget_get_used (budget), ==, 250);
  g_clear_pointer (&a, vk_body_buffer_free);
  g_assert_cmpuint (vk_body_budget_get_used (budget), ==, 250);
  g_thread_join (g_thread_new ("unref", unref_bytes_thread, bytes));
  g_assert_cmpuint (vk_body_budget_get_used (budget), ==, 0);
  /* The budget outlives its server while a body is still held. */
  g_assert_cmpint (vk_body_buffer_append (b, data, 10), ==, VK_BODY_OK);
  bytes = vk_body_buffer_steal (b);
  g_assert_cmpuint (vk_body_budget_get_used (budget), ==, 10);
  vk_body_budget_set_limit (budget, 5);
  g_assert_cmpint (vk_body_buffer_append (c, data, 10), ==, VK_BODY_NO_BUDGET);
  g_clear_pointer (&b, vk_body_buffer_free);
  g_clear_pointer (&c, vk_body_buffer_free);
  g_clear_pointer (&budget, vk_body_budget_unref);
  g_bytes_unref (bytes);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http-listen/loopback", test_loopback);
  g_test_add_func ("/http-listen/refused", test_refused);
  g_test_add_func ("/http-listen/one-request", test_one_request);
  g_test_add_func ("/http-listen/empty", test_empty);
  g_test_add_func ("/http-listen/idle", test_idle);
  g_test_add_func ("/http-listen/endless-chunked", test_endless_chunked);
  g_test_add_func ("/http-listen/body-budget", test_body_budget);
  return g_test_run ();
}

/* vk-http-listen.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gnetworking.h>
#include <string.h>
#include <sys/resource.h>

#include "vk-error.h"
#include "vk-http-listen.h"
#include "vk-net.h"

#define GUARD_KEY "vk-http-guard"
/* Connections accepted per wakeup, so that a flood cannot starve the
 * rest of the main loop. */
#define ACCEPT_BURST 64
/* After an accept() error (out of file descriptors): wait this long. */
#define ACCEPT_RETRY_MS 100
/* File descriptors kept for everything but connections (databases,
 * logs, the GTK app's own). */
#define RESERVED_FDS 128
/* TLS handshakes under way at once (more wait their turn, their
 * deadline running). */
#define HANDSHAKE_THREADS 32
/* From shutting a connection down to closing it when nobody did. */
#define SHUT_GRACE_MS 2000

typedef enum
{
  PHASE_HANDSHAKE, /* TLS handshake */
  PHASE_HEAD,      /* waiting for (the rest of) a request head */
  PHASE_BODY,      /* reading a request body */
  PHASE_BUSY,      /* the server answers: no deadline here */
} Phase;

/* One accepted connection.  libsoup hands back the very remote address
 * object given to soup_server_accept_iostream() from
 * soup_server_message_get_remote_address(), so that pointer finds the
 * connection of a message. */
typedef struct
{
  GSocket *socket;
  GIOStream *stream; /* what libsoup reads (plain or TLS); NULL before handing over */
  GSocketAddress *remote;
  char *address;
  Phase phase;
  gint64 deadline; /* monotonic µs; 0: none */
  gboolean shut;
} Conn;

typedef struct
{
  VkHttpLimits limits;
  SoupServer *server; /* borrowed; NULL once stopped */
  GMainContext *context;
  GSocket *listener;
  GSource *accept_source;
  GSource *retry_source;
  GSource *sweep_source;
  GTlsCertificate *certificate;
  GCancellable *cancellable;
  GThreadPool *handshakes;
  GHashTable *conns;       /* GSocketAddress *remote → Conn * (owned) */
  GHashTable *per_address; /* char *address → count */
  VkHttpCounters counters;
} Guard;

/* A TLS handshake, done in a thread of the guard's own pool: creating
 * a TLS connection costs milliseconds of CPU and a stalled client blocks
 * its thread until the deadline shuts the socket down.  Neither may
 * happen on the main context, nor in GTask's shared pool, where the
 * servers' request workers run. */
typedef struct
{
  Guard *guard; /* a reference */
  GIOStream *base;
  GTlsCertificate *certificate;
  GIOStream *tls; /* set by the thread when the handshake succeeded */
  GSocketAddress *remote;
} Handshake;

static gboolean accept_cb (GSocket *socket, GIOCondition condition, gpointer user_data);

static void
conn_free (Conn *conn)
{
  g_clear_object (&conn->socket);
  g_clear_object (&conn->stream);
  g_clear_object (&conn->remote);
  g_free (conn->address);
  g_free (conn);
}

static Guard *
guard_ref (Guard *guard)
{
  return g_atomic_rc_box_acquire (guard);
}

static void
guard_clear (Guard *guard)
{
  g_clear_object (&guard->listener);
  g_clear_object (&guard->certificate);
  g_clear_object (&guard->cancellable);
  g_clear_pointer (&guard->conns, g_hash_table_unref);
  g_clear_pointer (&guard->per_address, g_hash_table_unref);
  g_clear_pointer (&guard->context, g_main_context_unref);
}

static void
guard_unref (Guard *guard)
{
  g_atomic_rc_box_release_full (guard, (GDestroyNotify)guard_clear);
}

static void
guard_unref_closure (gpointer data, GClosure *closure)
{
  guard_unref (data);
}

static void
handshake_free (Handshake *h)
{
  guard_unref (h->guard);
  g_clear_object (&h->base);
  g_clear_object (&h->certificate);
  g_clear_object (&h->tls);
  g_clear_object (&h->remote);
  g_free (h);
}

static void
destroy_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Stops accepting and forgets every connection; libsoup's own
 * connections are closed by soup_server_disconnect(). */
static void
guard_stop (Guard *guard)
{
  if (guard->server == NULL)
    return;
  guard->server = NULL;
  destroy_source (&guard->accept_source);
  destroy_source (&guard->retry_source);
  destroy_source (&guard->sweep_source);
  g_cancellable_cancel (guard->cancellable);
  {
    GHashTableIter iter;
    gpointer value;

    /* A handshake blocked in its thread ends at once. */
    g_hash_table_iter_init (&iter, guard->conns);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      if (((Conn *)value)->phase == PHASE_HANDSHAKE)
        (void)g_socket_shutdown (((Conn *)value)->socket, TRUE, TRUE, NULL);
  }
  if (guard->handshakes != NULL)
    g_thread_pool_free (g_steal_pointer (&guard->handshakes), FALSE, FALSE);
  if (guard->listener != NULL)
    (void)g_socket_close (guard->listener, NULL);
  g_hash_table_remove_all (guard->conns);
  g_hash_table_remove_all (guard->per_address);
  guard->counters.connections = 0;
}

static void
guard_detach (gpointer data)
{
  guard_stop (data);
  guard_unref (data);
}

static guint
address_count (Guard *guard, const char *address)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (guard->per_address, address));
}

static void
forget (Guard *guard, Conn *conn)
{
  guint n = address_count (guard, conn->address);

  if (n <= 1)
    g_hash_table_remove (guard->per_address, conn->address);
  else
    g_hash_table_insert (guard->per_address, g_strdup (conn->address), GUINT_TO_POINTER (n - 1));
  guard->counters.connections--;
}

/* Drops the connections whose socket is closed (by libsoup, by a failed
 * handshake or by the client going away). */
static void
prune (Guard *guard)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, guard->conns);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Conn *conn = value;

      if (g_socket_is_closed (conn->socket))
        {
          forget (guard, conn);
          g_hash_table_iter_remove (&iter);
        }
    }
}

static void
set_phase (Guard *guard, Conn *conn, Phase phase)
{
  gint64 now = g_get_monotonic_time ();

  conn->phase = phase;
  switch (phase)
    {
      case PHASE_HANDSHAKE:
      case PHASE_HEAD:
        conn->deadline = now + (gint64)guard->limits.header_timeout_ms * 1000;
        break;
      case PHASE_BODY:
        conn->deadline = now + (gint64)guard->limits.body_timeout_ms * 1000;
        break;
      case PHASE_BUSY:
      default:
        conn->deadline = 0;
        break;
    }
}

/* Shuts down the connections past their deadline: libsoup (or the TLS
 * handshake) then reads the end of the stream and lets go. */
static gboolean
sweep_cb (gpointer user_data)
{
  Guard *guard = user_data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer value;

  prune (guard);
  g_hash_table_iter_init (&iter, guard->conns);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Conn *conn = value;

      if (conn->deadline == 0 || now < conn->deadline)
        continue;
      if (conn->shut)
        {
          /* Shut down and still open after the grace: whoever holds it
           * does not read it; the descriptor is freed regardless. */
          (void)g_socket_close (conn->socket, NULL);
          forget (guard, conn);
          g_hash_table_iter_remove (&iter);
          continue;
        }
      conn->shut = TRUE;
      conn->deadline = now + SHUT_GRACE_MS * 1000;
      guard->counters.timed_out++;
      (void)g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
    }
  return G_SOURCE_CONTINUE;
}

static Conn *
lookup (Guard *guard, SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL && guard->conns != NULL ? g_hash_table_lookup (guard->conns, remote) : NULL;
}

/* A request refused from its head (an early handler's 413 or 503):
 * libsoup would read the whole body before answering, so the answer is
 * written here at once and the connection half-closed; what libsoup
 * tries to write after the body then fails and it lets go. */
static void
answer_now (Conn *conn, SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  g_autoptr (GString) out = g_string_new (NULL);
  GOutputStream *output = g_io_stream_get_output_stream (conn->stream);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gsize len = body != NULL ? g_bytes_get_size (body) : 0;

  if (!G_IS_POLLABLE_OUTPUT_STREAM (output))
    return;
  g_string_append_printf (out, "HTTP/1.1 %u %s\r\n", soup_server_message_get_status (msg),
                          soup_status_get_phrase (soup_server_message_get_status (msg)));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0 && g_ascii_strcasecmp (name, "Connection") != 0)
      g_string_append_printf (out, "%s: %s\r\n", name, value);
  g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n", len);
  if (len > 0)
    g_string_append_len (out, g_bytes_get_data (body, NULL), (gssize)len);
  (void)g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (output), out->str, out->len, NULL, NULL);
  (void)g_output_stream_flush (output, NULL, NULL);
  (void)g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
}

static void
got_headers_cb (SoupServerMessage *msg, gpointer user_data)
{
  Guard *guard = user_data;
  Conn *conn = guard->server != NULL ? lookup (guard, msg) : NULL;
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);

  if (conn == NULL || conn->shut)
    return;
  set_phase (guard, conn, PHASE_BODY);
  if (soup_server_message_get_status (msg) >= 400 && conn->stream != NULL
      && (soup_message_headers_get_encoding (request) == SOUP_ENCODING_CHUNKED
          || soup_message_headers_get_content_length (request) > 0))
    {
      answer_now (conn, msg);
      /* The rest of the body gets no more time than a head. */
      conn->deadline = MIN (conn->deadline,
                            g_get_monotonic_time ()
                                + (gint64)MIN (guard->limits.header_timeout_ms, guard->limits.body_timeout_ms) * 1000);
    }
}

static void
got_body_cb (SoupServerMessage *msg, gpointer user_data)
{
  Guard *guard = user_data;
  Conn *conn = guard->server != NULL ? lookup (guard, msg) : NULL;

  if (conn != NULL && !conn->shut)
    set_phase (guard, conn, PHASE_BUSY);
}

/* A new request on a connection (the first, or the next on a kept-alive
 * one): its head must arrive within header_timeout. */
static void
request_started_cb (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  Guard *guard = user_data;
  Conn *conn = guard->server != NULL ? lookup (guard, msg) : NULL;

  if (conn == NULL)
    return;
  /* One request per connection.  libsoup 3.2 does not watch a kept-alive
   * connection between requests: neither the client's close nor a
   * shutdown here would free it. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  if (!conn->shut)
    set_phase (guard, conn, PHASE_HEAD);
  g_signal_connect_data (msg, "got-headers", G_CALLBACK (got_headers_cb), guard_ref (guard), guard_unref_closure, 0);
  g_signal_connect_data (msg, "got-body", G_CALLBACK (got_body_cb), guard_ref (guard), guard_unref_closure, 0);
}

/* The whole request has been read.  One cut at its deadline may look
 * complete to libsoup (a chunked body ends at the end of the stream):
 * it never reaches the handler. */
static void
request_read_cb (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  Guard *guard = user_data;
  Conn *conn = guard->server != NULL ? lookup (guard, msg) : NULL;

  if (conn != NULL && conn->shut)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_TIMEOUT, NULL);
    }
}

/* An answer is written: should the connection stay open after all, the
 * next request head must arrive within header_timeout. */
static void
request_ended_cb (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  Guard *guard = user_data;
  Conn *conn = guard->server != NULL ? lookup (guard, msg) : NULL;

  if (conn != NULL && !conn->shut)
    set_phase (guard, conn, PHASE_HEAD);
}

static void
hand_over (Guard *guard, GIOStream *stream, GSocket *socket, GSocketAddress *remote)
{
  g_autoptr (GSocketAddress) local = g_socket_get_local_address (socket, NULL);

  if (!soup_server_accept_iostream (guard->server, stream, local, remote, NULL))
    (void)g_io_stream_close (stream, NULL, NULL);
}

static gboolean
handshake_done_cb (gpointer user_data)
{
  Handshake *h = user_data;
  Guard *guard = h->guard;
  Conn *conn = h->tls != NULL && guard->server != NULL ? g_hash_table_lookup (guard->conns, h->remote) : NULL;

  if (conn == NULL || conn->shut)
    (void)g_io_stream_close (h->tls != NULL ? h->tls : h->base, NULL, NULL);
  else
    {
      set_phase (guard, conn, PHASE_HEAD);
      conn->stream = g_object_ref (h->tls);
      hand_over (guard, h->tls, conn->socket, h->remote);
    }
  return G_SOURCE_REMOVE;
}

static void
handshake_thread (gpointer data, gpointer user_data)
{
  Handshake *h = data;
  GIOStream *tls = g_tls_server_connection_new (h->base, h->certificate, NULL);

  /* Blocking: the socket's idle timeout, or its shutdown at the
   * deadline, ends a stalled one. */
  if (tls != NULL && g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
    h->tls = g_steal_pointer (&tls);
  g_clear_object (&tls);
  g_main_context_invoke_full (h->guard->context, G_PRIORITY_DEFAULT, handshake_done_cb, h,
                              (GDestroyNotify)handshake_free);
}

/* Over a cap: answered at once and closed, before anything is read. */
static void
refuse (Guard *guard, GSocket *socket)
{
  guard->counters.refused++;
  if (guard->certificate == NULL)
    {
      static const char body[]
          = "{\"error\": \"the server has too many connections open; try again shortly\", \"code\": \"busy\"}\n";
      g_autofree char *answer
          = g_strdup_printf ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                             "Retry-After: 1\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s",
                             sizeof body - 1, body);

      g_socket_set_blocking (socket, FALSE);
      (void)g_socket_send (socket, answer, strlen (answer), NULL, NULL);
      (void)g_socket_shutdown (socket, FALSE, TRUE, NULL);
    }
  (void)g_socket_close (socket, NULL);
}

static void
admit (Guard *guard, GSocket *socket)
{
  g_autoptr (GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  g_autoptr (GSocketConnection) connection = NULL;
  g_autofree char *address = NULL;
  Conn *conn;

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    {
      (void)g_socket_close (socket, NULL);
      return;
    }
  address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  if (guard->counters.connections >= guard->limits.max_connections
      || address_count (guard, address) >= guard->limits.max_per_address)
    prune (guard);
  if (guard->counters.connections >= guard->limits.max_connections
      || address_count (guard, address) >= guard->limits.max_per_address)
    {
      refuse (guard, socket);
      return;
    }

  /* No byte moving either way for idle_timeout fails the next read or
   * write (GSocket's own timeout, seconds). */
  g_socket_set_timeout (socket, (guard->limits.idle_timeout_ms + 999) / 1000);
  (void)g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);

  conn = g_new0 (Conn, 1);
  conn->socket = g_object_ref (socket);
  conn->remote = g_object_ref (remote);
  conn->address = g_strdup (address);
  g_hash_table_insert (guard->conns, conn->remote, conn);
  g_hash_table_insert (guard->per_address, g_steal_pointer (&address),
                       GUINT_TO_POINTER (address_count (guard, conn->address) + 1));
  guard->counters.connections++;

  connection = g_socket_connection_factory_create_connection (socket);
  if (guard->certificate != NULL)
    {
      Handshake *h = g_new0 (Handshake, 1);

      set_phase (guard, conn, PHASE_HANDSHAKE);
      h->guard = guard_ref (guard);
      h->base = G_IO_STREAM (g_object_ref (connection));
      h->certificate = g_object_ref (guard->certificate);
      h->remote = g_object_ref (remote);
      g_thread_pool_push (guard->handshakes, h, NULL);
      return;
    }
  set_phase (guard, conn, PHASE_HEAD);
  conn->stream = g_object_ref (G_IO_STREAM (connection));
  hand_over (guard, G_IO_STREAM (connection), socket, remote);
}

static void
start_accepting (Guard *guard)
{
  guard->accept_source = g_socket_create_source (guard->listener, G_IO_IN, NULL);
  g_source_set_callback (guard->accept_source, G_SOURCE_FUNC (accept_cb), guard, NULL);
  g_source_attach (guard->accept_source, guard->context);
}

static gboolean
retry_cb (gpointer user_data)
{
  Guard *guard = user_data;

  g_clear_pointer (&guard->retry_source, g_source_unref);
  prune (guard);
  start_accepting (guard);
  return G_SOURCE_REMOVE;
}

static gboolean
accept_cb (GSocket *listener, GIOCondition condition, gpointer user_data)
{
  Guard *guard = user_data;

  for (guint i = 0; i < ACCEPT_BURST; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSocket) socket = g_socket_accept (guard->listener, NULL, &error);

      if (socket != NULL)
        {
          admit (guard, socket);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      /* Out of file descriptors (or memory): libsoup's own listener
       * stops accepting for good here.  Pause briefly and go on; the
       * deadlines free descriptors meanwhile. */
      g_clear_pointer (&guard->accept_source, g_source_unref);
      guard->retry_source = g_timeout_source_new (ACCEPT_RETRY_MS);
      g_source_set_callback (guard->retry_source, retry_cb, guard, NULL);
      g_source_attach (guard->retry_source, guard->context);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Raises the soft limit on open files towards what the caps need, and
 * lowers max_connections when the hard limit does not allow them. */
static void
fit_fd_limit (VkHttpLimits *limits)
{
  struct rlimit rl;
  rlim_t want = (rlim_t)limits->max_connections + RESERVED_FDS;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
    return;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want)
    {
      rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? want : MIN (want, rl.rlim_max);
      (void)setrlimit (RLIMIT_NOFILE, &rl);
      if (getrlimit (RLIMIT_NOFILE, &rl) != 0)
        return;
    }
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want)
    limits->max_connections = rl.rlim_cur > 2 * RESERVED_FDS ? (guint)(rl.rlim_cur - RESERVED_FDS) : RESERVED_FDS;
}

static void
fill_limits (VkHttpLimits *out, const VkHttpLimits *in)
{
  *out = in != NULL ? *in : (VkHttpLimits){ 0 };
  if (out->max_connections == 0)
    out->max_connections = VK_HTTP_MAX_CONNECTIONS;
  if (out->max_per_address == 0)
    out->max_per_address = VK_HTTP_MAX_PER_ADDRESS;
  if (out->header_timeout_ms == 0)
    out->header_timeout_ms = VK_HTTP_HEADER_TIMEOUT_MS;
  if (out->body_timeout_ms == 0)
    out->body_timeout_ms = VK_HTTP_BODY_TIMEOUT_MS;
  if (out->idle_timeout_ms == 0)
    out->idle_timeout_ms = VK_HTTP_IDLE_TIMEOUT_MS;
  fit_fd_limit (out);
}

static GSocket *
open_listener (GInetSocketAddress *address, GError **error)
{
  GSocketFamily family = g_socket_address_get_family (G_SOCKET_ADDRESS (address));
  g_autoptr (GSocket) socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL)
    return NULL;
  if (family == G_SOCKET_FAMILY_IPV6)
    (void)g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
  /* A burst of connections waits in the kernel instead of being dropped. */
  g_socket_set_listen_backlog (socket, 1024);
  g_socket_set_blocking (socket, FALSE);
  if (!g_socket_bind (socket, G_SOCKET_ADDRESS (address), TRUE, error) || !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

SoupServer *
vk_http_listen (const char *host_port, const char *tls_cert, const char *tls_key, const VkHttpLimits *limits,
                SoupServerCallback early_handler, SoupServerCallback handler, gpointer user_data, char **ret_url,
                char **ret_fingerprint, GError **error)
{
  g_autoptr (GInetSocketAddress) address = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GSocketAddress) bound = NULL;
  Guard *guard;
  guint tick;

  g_return_val_if_fail (host_port != NULL, NULL);
  g_return_val_if_fail (handler != NULL, NULL);

  address = vk_net_parse_listen (host_port, error);
  if (address == NULL || !vk_net_check_listen (address, tls_cert, tls_key, &certificate, error))
    return NULL;

  server = soup_server_new ("server-header", "valgkit/" PACKAGE_VERSION " ", NULL);
  if (early_handler != NULL)
    soup_server_add_early_handler (server, "/", early_handler, user_data, NULL);
  soup_server_add_handler (server, "/", handler, user_data, NULL);

  guard = g_atomic_rc_box_new0 (Guard);
  fill_limits (&guard->limits, limits);
  guard->server = server;
  guard->context = g_main_context_ref_thread_default ();
  guard->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  guard->cancellable = g_cancellable_new ();
  if (certificate != NULL)
    guard->handshakes = g_thread_pool_new_full (handshake_thread, NULL, (GDestroyNotify)handshake_free,
                                                HANDSHAKE_THREADS, FALSE, NULL);
  guard->conns = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)conn_free);
  guard->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_object_set_data_full (G_OBJECT (server), GUARD_KEY, guard, guard_detach);

  guard->listener = open_listener (address, &local_error);
  if (guard->listener == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot listen on %s: %s", host_port, local_error->message);
      return NULL;
    }
  g_signal_connect_data (server, "request-started", G_CALLBACK (request_started_cb), guard_ref (guard),
                         guard_unref_closure, 0);
  g_signal_connect_data (server, "request-read", G_CALLBACK (request_read_cb), guard_ref (guard), guard_unref_closure,
                         0);
  g_signal_connect_data (server, "request-finished", G_CALLBACK (request_ended_cb), guard_ref (guard),
                         guard_unref_closure, 0);
  g_signal_connect_data (server, "request-aborted", G_CALLBACK (request_ended_cb), guard_ref (guard),
                         guard_unref_closure, 0);
  start_accepting (guard);
  tick = CLAMP (MIN (guard->limits.header_timeout_ms, guard->limits.body_timeout_ms) / 4, 50, 1000);
  guard->sweep_source = g_timeout_source_new (tick);
  g_source_set_callback (guard->sweep_source, sweep_cb, guard, NULL);
  g_source_attach (guard->sweep_source, guard->context);

  /* With port 0 the system chose the port: read it back. */
  bound = g_socket_get_local_address (guard->listener, &local_error);
  if (bound == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot listen on %s: %s", host_port, local_error->message);
      return NULL;
    }
  if (ret_url != NULL)
    *ret_url = vk_net_url_for (G_INET_SOCKET_ADDRESS (bound), certificate != NULL);
  if (ret_fingerprint != NULL)
    *ret_fingerprint = certificate != NULL ? vk_net_certificate_fingerprint (certificate) : NULL;
  return g_steal_pointer (&server);
}

void
vk_http_unlisten (SoupServer *server)
{
  if (server == NULL)
    return;
  /* Stops the guard (and drops its reference). */
  g_object_set_data (G_OBJECT (server), GUARD_KEY, NULL);
  soup_server_disconnect (server);
  soup_server_remove_handler (server, "/");
}

void
vk_http_get_counters (SoupServer *server, VkHttpCounters *ret_counters)
{
  Guard *guard;

  g_return_if_fail (SOUP_IS_SERVER (server));
  g_return_if_fail (ret_counters != NULL);

  guard = g_object_get_data (G_OBJECT (server), GUARD_KEY);
  if (guard == NULL)
    {
      *ret_counters = (VkHttpCounters){ 0 };
      return;
    }
  prune (guard);
  *ret_counters = guard->counters;
}

/* vk-test-attack.h: raw loopback connections for the tests of the
 * servers' connection limits (issue 12).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each connection is a raw non-blocking socket from a chosen 127.0.0.x
 * address (Linux routes all of 127/8 to lo), so that a per-address cap
 * can be told apart from the total one.  Every wait spins the default
 * main context, which may be the server's own.
 */
#pragma once

#include <gio/gio.h>
#include <string.h>
#include <sys/resource.h>

static G_GNUC_UNUSED void
spin_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static G_GNUC_UNUSED GSocket *
connect_from (const char *source, guint16 port)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr (GInetAddress) src = g_inet_address_new_from_string (source);
  g_autoptr (GSocketAddress) local = g_inet_socket_address_new (src, 0);
  g_autoptr (GInetAddress) dst = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr (GSocketAddress) remote = g_inet_socket_address_new (dst, port);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, local, FALSE, &error));
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);
  if (!g_socket_connect (socket, remote, NULL, &error))
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  return g_steal_pointer (&socket);
}

/* TRUE once the server has closed the connection (EOF or reset); what
 * it sent before (a 503) is appended to seen when given. */
static G_GNUC_UNUSED gboolean
closed_by_server (GSocket *socket, GString *seen)
{
  char buf[1024];

  for (guint i = 0; i < 64; i++)
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);

      if (n == 0)
        return TRUE;
      if (n < 0)
        return !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)
               && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING)
               && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
      if (seen != NULL)
        g_string_append_len (seen, buf, n);
    }
  return FALSE;
}

static G_GNUC_UNUSED void
send_text (GSocket *socket, const char *text)
{
  (void)g_socket_send (socket, text, strlen (text), NULL, NULL);
}

static G_GNUC_UNUSED guint16
port_of (const char *url)
{
  return (guint16)g_ascii_strtoull (strrchr (url, ':') + 1, NULL, 10);
}

/* Sets the soft limit on open files to at least want; returns what it is. */
static G_GNUC_UNUSED guint
raise_fd_limit (guint want)
{
  struct rlimit rl;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &rl), ==, 0);
  if (rl.rlim_cur < want)
    {
      rl.rlim_cur = MIN ((rlim_t)want, rl.rlim_max);
      (void)setrlimit (RLIMIT_NOFILE, &rl);
      g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &rl), ==, 0);
    }
  return (guint)MIN (rl.rlim_cur, (rlim_t)G_MAXUINT);
}

/* Sends all of data, waiting (and spinning the main context) while the
 * socket's buffer is full; FALSE when the server closed the connection. */
static G_GNUC_UNUSED gboolean
send_all (GSocket *socket, const void *data, gsize len)
{
  const char *p = data;
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (len > 0)
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_socket_send (socket, p, len, NULL, &error);

      if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return FALSE;
      if (n > 0)
        {
          p += n;
          len -= (gsize)n;
          continue;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      spin_ms (1);
    }
  return TRUE;
}

/* Reads (spinning the main context) until seen holds needle or timeout_ms
 * pass; TRUE when it does. */
static G_GNUC_UNUSED gboolean
await_text (GSocket *socket, GString *seen, const char *needle, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (strstr (seen->str, needle) == NULL)
    {
      if (g_get_monotonic_time () >= end)
        return FALSE;
      if (closed_by_server (socket, seen) && strstr (seen->str, needle) == NULL)
        return FALSE;
      spin_ms (2);
    }
  return TRUE;
}

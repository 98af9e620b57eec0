/* vk-http-pin.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-http-pin.h"
#include "vk-net.h"

#define MISMATCH_KEY "vk-pin-mismatch"

typedef struct
{
  char *pin;
  GCancellable *cancellable;
} Pin;

static void
pin_free (gpointer data, GClosure *closure)
{
  Pin *pin = data;

  g_free (pin->pin);
  g_clear_object (&pin->cancellable);
  g_free (pin);
}

static gboolean
matches (GTlsCertificate *certificate, const char *pin)
{
  g_autofree char *fingerprint = certificate != NULL ? vk_net_certificate_fingerprint (certificate) : NULL;

  return fingerprint != NULL && g_ascii_strcasecmp (fingerprint, pin) == 0;
}

/* Only when the normal checks fail: the pinned certificate is trusted for
 * what it is (a self-signed server certificate). */
static gboolean
accept_certificate_cb (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors, gpointer user_data)
{
  Pin *pin = user_data;

  return matches (certificate, pin->pin);
}

/* Always: whatever vouched for the certificate, it must be the pinned one,
 * and nothing is written to a connection that is not. */
static void
network_event_cb (SoupMessage *msg, GSocketClientEvent event, GIOStream *connection, gpointer user_data)
{
  Pin *pin = user_data;

  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKED || !G_IS_TLS_CONNECTION (connection))
    return;
  if (!matches (g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (connection)), pin->pin))
    {
      g_object_set_data (G_OBJECT (msg), MISMATCH_KEY, GINT_TO_POINTER (1));
      g_cancellable_cancel (pin->cancellable);
    }
}

void
vk_http_pin_attach (SoupMessage *msg, const char *pin, GCancellable *cancellable)
{
  Pin *a, *b;

  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (pin != NULL && G_IS_CANCELLABLE (cancellable));

  a = g_new0 (Pin, 1);
  a->pin = g_strdup (pin);
  a->cancellable = g_object_ref (cancellable);
  b = g_new0 (Pin, 1);
  b->pin = g_strdup (pin);
  b->cancellable = g_object_ref (cancellable);
  g_signal_connect_data (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), a, pin_free, 0);
  g_signal_connect_data (msg, "network-event", G_CALLBACK (network_event_cb), b, pin_free, 0);
}

gboolean
vk_http_pin_check (SoupMessage *msg, const char *pin, GError **error)
{
  GTlsCertificate *certificate;
  g_autofree char *fingerprint = NULL;

  g_return_val_if_fail (SOUP_IS_MESSAGE (msg), FALSE);
  g_return_val_if_fail (pin != NULL, FALSE);

  certificate = soup_message_get_tls_peer_certificate (msg);
  if (g_object_get_data (G_OBJECT (msg), MISMATCH_KEY) == NULL && (certificate == NULL || matches (certificate, pin)))
    return TRUE; /* plain HTTP (loopback) has no certificate to pin */
  fingerprint = certificate != NULL ? vk_net_certificate_fingerprint (certificate) : NULL;
  g_set_error (error, VK_ERROR, VK_ERROR_IO,
               "the server's TLS certificate is not the pinned one (pinned SHA-256 %s, got %s): refused, whoever "
               "signed it",
               pin, fingerprint != NULL ? fingerprint : "another");
  return FALSE;
}

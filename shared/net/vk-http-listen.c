/* vk-http-listen.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-http-listen.h"
#include "vk-error.h"
#include "vk-net.h"

SoupServer *
vk_http_listen (const char *host_port, const char *tls_cert, const char *tls_key, SoupServerCallback early_handler,
                SoupServerCallback handler, gpointer user_data, char **ret_url, char **ret_fingerprint, GError **error)
{
  g_autoptr (GInetSocketAddress) address = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autofree char *url = NULL;
  GSList *uris;

  g_return_val_if_fail (host_port != NULL, NULL);
  g_return_val_if_fail (handler != NULL, NULL);

  address = vk_net_parse_listen (host_port, error);
  if (address == NULL || !vk_net_check_listen (address, tls_cert, tls_key, &certificate, error))
    return NULL;

  server = soup_server_new ("server-header", "valgkit/" PACKAGE_VERSION " ", NULL);
  if (certificate != NULL)
    soup_server_set_tls_certificate (server, certificate);
  if (early_handler != NULL)
    soup_server_add_early_handler (server, "/", early_handler, user_data, NULL);
  soup_server_add_handler (server, "/", handler, user_data, NULL);
  if (!soup_server_listen (server, G_SOCKET_ADDRESS (address), certificate != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0,
                           &local_error))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot listen on %s: %s", host_port, local_error->message);
      return NULL;
    }

  /* With port 0 the system chose the port: read it back. */
  uris = soup_server_get_uris (server);
  if (uris != NULL)
    {
      GUri *uri = uris->data;
      g_autoptr (GInetSocketAddress) bound = G_INET_SOCKET_ADDRESS (
          g_inet_socket_address_new (g_inet_socket_address_get_address (address), (guint16)g_uri_get_port (uri)));
      url = vk_net_url_for (bound, certificate != NULL);
    }
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  if (ret_url != NULL)
    *ret_url = g_steal_pointer (&url);
  if (ret_fingerprint != NULL)
    *ret_fingerprint = certificate != NULL ? vk_net_certificate_fingerprint (certificate) : NULL;
  return g_steal_pointer (&server);
}

void
vk_http_unlisten (SoupServer *server)
{
  if (server == NULL)
    return;
  soup_server_disconnect (server);
  soup_server_remove_handler (server, "/");
}

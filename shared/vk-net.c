/* vk-net.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-keys.h"
#include "vk-net.h"

GInetSocketAddress *
vk_net_parse_listen (const char *host_port, GError **error)
{
  g_autofree char *host = NULL;
  g_autoptr (GInetAddress) inet = NULL;
  const char *colon;
  const char *port_text;
  char *end = NULL;
  guint64 port;

  g_return_val_if_fail (host_port != NULL, NULL);

  if (host_port[0] == '[')
    {
      const char *close = strchr (host_port, ']');
      if (close == NULL || close[1] != ':')
        goto bad;
      host = g_strndup (host_port + 1, (gsize)(close - host_port - 1));
      port_text = close + 2;
    }
  else
    {
      colon = strrchr (host_port, ':');
      if (colon == NULL || strchr (host_port, ':') != colon)
        goto bad;
      host = g_strndup (host_port, (gsize)(colon - host_port));
      port_text = colon + 1;
    }
  if (*port_text == '\0' || !g_ascii_isdigit (*port_text))
    goto bad;
  port = g_ascii_strtoull (port_text, &end, 10);
  if (end == NULL || *end != '\0' || port > 65535)
    goto bad;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    inet = g_inet_address_new_from_string ("127.0.0.1");
  else
    inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "listen address \"%s\": \"%s\" is not an IP address (give 127.0.0.1, 0.0.0.0, [::1], …)", host_port,
                   host);
      return NULL;
    }
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (inet, (guint16)port));

bad:
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "listen address \"%s\" is not HOST:PORT (e.g. 127.0.0.1:8080)",
               host_port);
  return NULL;
}

gboolean
vk_net_is_loopback (GInetSocketAddress *address)
{
  GInetAddress *inet;

  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), FALSE);

  inet = g_inet_socket_address_get_address (address);
  if (g_inet_address_get_is_loopback (inet))
    return TRUE;
  /* An IPv4-mapped IPv6 loopback address (::ffff:127.0.0.1) reaches the
   * IPv4 loopback interface. */
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    {
      const guint8 *b = g_inet_address_to_bytes (inet);
      static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
      return memcmp (b, mapped, sizeof mapped) == 0 && b[12] == 127;
    }
  return FALSE;
}

gboolean
vk_net_check_listen (GInetSocketAddress *address, const char *tls_cert, const char *tls_key,
                     GTlsCertificate **ret_certificate, GError **error)
{
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), FALSE);
  g_return_val_if_fail (ret_certificate != NULL, FALSE);

  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "TLS needs both a certificate (--tls-cert) and its key (--tls-key)");
      return FALSE;
    }
  if (tls_cert == NULL)
    {
      if (!vk_net_is_loopback (address))
        {
          g_autofree char *text = g_inet_address_to_string (g_inet_socket_address_get_address (address));
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "refusing to serve plain HTTP on %s: plain HTTP is allowed only on loopback (127.0.0.0/8, ::1); "
                       "give --tls-cert and --tls-key to listen there",
                       text);
          return FALSE;
        }
      *ret_certificate = NULL;
      return TRUE;
    }
  certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &local_error);
  if (certificate == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_KEY, "cannot load the TLS certificate %s with key %s: %s", tls_cert,
                   tls_key, local_error->message);
      return FALSE;
    }
  *ret_certificate = g_steal_pointer (&certificate);
  return TRUE;
}

char *
vk_net_url_for (GInetSocketAddress *address, gboolean tls)
{
  g_autofree char *host = NULL;
  GInetAddress *inet;

  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (address), NULL);

  inet = g_inet_socket_address_get_address (address);
  host = g_inet_address_to_string (inet);
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("%s://[%s]:%u", tls ? "https" : "http", host, g_inet_socket_address_get_port (address));
  return g_strdup_printf ("%s://%s:%u", tls ? "https" : "http", host, g_inet_socket_address_get_port (address));
}

char *
vk_net_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr (GByteArray) der = NULL;
  guint8 digest[32];

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  vk_sha256 (der->data, der->len, digest);
  return vk_hex_encode (digest, sizeof digest);
}

guint
vk_net_http_status_for_error (const GError *error, const char **ret_code)
{
  guint status = 500;
  const char *code = "internal";

  g_return_val_if_fail (error != NULL, 500);

  if (error->domain == VK_ERROR)
    switch ((VkError)error->code)
      {
        case VK_ERROR_INVALID:
          status = 400, code = "malformed";
          break;
        case VK_ERROR_TRUNCATED:
          status = 400, code = "truncated";
          break;
        case VK_ERROR_NOT_DETERMINISTIC:
          status = 400, code = "not-deterministic";
          break;
        case VK_ERROR_SIGNATURE:
          status = 400, code = "bad-signature";
          break;
        case VK_ERROR_CHAIN:
          status = 400, code = "broken-chain";
          break;
        case VK_ERROR_KEY:
          status = 403, code = "not-enrolled";
          break;
        case VK_ERROR_FORK:
          status = 409, code = "fork";
          break;
        case VK_ERROR_NOT_FOUND:
          status = 404, code = "not-found";
          break;
        case VK_ERROR_TIE:
          status = 409, code = "tie";
          break;
        case VK_ERROR_VERSION:
        case VK_ERROR_PASSPHRASE:
        case VK_ERROR_IO:
        case VK_ERROR_DB:
        case VK_ERROR_FAILED:
        default:
          break;
      }
  /* Refusals by the entry schema: of the enrolment like VK_ERROR_KEY,
   * of the data like VK_ERROR_INVALID. */
  if (error->domain == VK_ENTRY_ERROR)
    {
      if (vk_entry_error_is_enrolment (error))
        status = 403, code = "not-enrolled";
      else
        status = 400, code = "malformed";
    }
  if (ret_code != NULL)
    *ret_code = code;
  return status;
}

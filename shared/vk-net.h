/* vk-net.h: listen addresses and the plain-HTTP-on-loopback-only rule.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every valgkit HTTP server (the count server, a station's peer sync
 * server) listens on an address given as HOST:PORT and follows one rule:
 * plain HTTP only on a loopback address (127.0.0.0/8 or ::1), TLS
 * everywhere else.  Nothing here opens a socket; it only parses and
 * decides, so the rule is the same code for every server and is testable.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Parses "HOST:PORT" where HOST is an IPv4 literal, "[IPv6]" or
 * "localhost" (127.0.0.1) and PORT is 0–65535 (0: the system picks a free
 * port).  Host names other than localhost are refused: a server binds to
 * an address, not to whatever a name resolves to today.  VK_ERROR_INVALID
 * naming the text. */
GInetSocketAddress *vk_net_parse_listen (const char *host_port, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* TRUE for 127.0.0.0/8 and ::1 (and ::ffff:127.x.y.z). */
gboolean vk_net_is_loopback (GInetSocketAddress *address);

/* Loads the TLS certificate and key (PEM files) when both are given;
 * refuses one without the other; refuses plain HTTP on a non-loopback
 * address.  *ret_certificate is NULL for plain HTTP on loopback. */
gboolean vk_net_check_listen (GInetSocketAddress *address, const char *tls_cert, const char *tls_key,
                              GTlsCertificate **ret_certificate, GError **error);

/* "http://127.0.0.1:8080" / "https://[::1]:8443" for an address. */
/* The HTTP status and the API's error code ("malformed", "fork", …;
 * docs/api.md) for an error, the same for the count server and the
 * tables' peer servers. */
guint vk_net_http_status_for_error (const GError *error, const char **ret_code);

char *vk_net_url_for (GInetSocketAddress *address, gboolean tls) G_GNUC_WARN_UNUSED_RESULT;

/* SHA-256 of a certificate's DER encoding, as lowercase hex (what an
 * election package may pin). */
char *vk_net_certificate_fingerprint (GTlsCertificate *certificate) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

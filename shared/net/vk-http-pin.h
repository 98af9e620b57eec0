/* vk-http-pin.h: a pinned server certificate, required always.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A client given the SHA-256 of the count server's certificate (hex, as
 * `valgkit serve` prints it) accepts that certificate whoever signed it,
 * and refuses every other one, also one the system's CA store trusts:
 * the TLS connection is checked as soon as its handshake ends, before the
 * request is written (libsoup's `network-event`), and the answer's peer
 * certificate once more.  Used by the sync client and `valgkit http-get`.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Checks msg's TLS connections against pin (hex SHA-256 of the DER);
 * a mismatch cancels cancellable, which must be the one msg is sent
 * with.  Call before sending. */
void vk_http_pin_attach (SoupMessage *msg, const char *pin, GCancellable *cancellable);
/* After sending: FALSE (with an error naming both fingerprints) when msg
 * went over TLS with another certificate than pin, or was cancelled for
 * that. */
gboolean vk_http_pin_check (SoupMessage *msg, const char *pin, GError **error);

G_END_DECLS

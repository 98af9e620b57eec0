/* vk-dst-private.h: the error and count helpers the DST readers share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets VK_ERROR_INVALID "FILE:LINE: what" (what with control characters
 * escaped) and returns FALSE. */
gboolean vk_dst_fail (GError **error, const char *file, guint line, const char *fmt, ...) G_GNUC_PRINTF (4, 5);
/* A count of at most 10^9 (blanks around it allowed); a missing, empty or
 * non-numeric text is an error naming file, line and what. */
gboolean vk_dst_parse_count (const char *text, const char *file, guint line, const char *what, guint64 *ret,
                             GError **error);

/* "1. Rønne" → "Rønne": DST numbers kredse and areas within their parent. */
const char *vk_dst_without_number (const char *name);

G_END_DECLS

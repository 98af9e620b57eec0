/* vk-text.h: text from untrusted sources, made safe to print.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A copy of text in which nothing can act on a terminal or reorder a
 * printed line: C0 and C1 control characters and DEL (ESC, CR, LF, NUL,
 * ...) become \xNN, the line and paragraph separators and the
 * bidirectional overrides and isolates become \u{NNNN}, and bytes that
 * are not UTF-8 become \xNN.  Device ids, file names, addresses and
 * refusal reasons come from outside; every path that prints them to a
 * terminal or a PDF goes through this one function.  NULL gives "". */
char *vk_text_escape_controls (const char *text) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

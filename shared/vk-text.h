/* vk-text.h: text from outside made safe to show.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file name on a USB stick, a device id in a journal or an error
 * message quoting either is chosen by whoever wrote the stick.  Printed
 * raw, an ESC byte starts a terminal escape sequence (retitle the
 * window, rewrite what is on screen, on some terminals more), and a
 * CR or LF forges a line of output.  Everything that shows such text on
 * a terminal, in a log or on a page passes it through this first.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new string in which every byte below 0x20 and the byte 0x7f is
 * written as \xNN (two lower-case hex digits); every other byte,
 * including UTF-8 sequences and the backslash, is copied.  NULL gives
 * NULL. */
char *vk_text_escape_controls (const char *s) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

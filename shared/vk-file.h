/* vk-file.h: reading files that someone else may have written.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A journal file on a USB stick, a key file named on the command line:
 * the path may be a symbolic link to the server's key or /etc/passwd, a
 * FIFO that never ends, /dev/zero, or a 1 GiB file.  Every path that
 * reads such a file reads it with vk_file_read_untrusted(): a regular
 * file only (opened with O_NOFOLLOW | O_NONBLOCK, checked with fstat),
 * not a symbolic link, no larger than a cap the caller names, checked
 * before reading and again while reading (a file that grows is cut
 * off, not followed).  Errors name the file with control characters
 * escaped (vk_text_escape_controls()).
 *
 * O_NOFOLLOW refuses a link in the last component only; links among the
 * directories of the path are followed, as the user typed them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The caps, documented in docs/threat-model.md (4.8). */
#define VK_FILE_MAX_JOURNAL_BYTES ((gsize)256 * 1024 * 1024) /* one .vkj journal file */
#define VK_FILE_MAX_JSON_BYTES ((gsize)64 * 1024 * 1024)     /* one JSON input file */
#define VK_FILE_MAX_CSV_BYTES                                                                                          \
  ((gsize)4 * 1024 * 1024 * 1024) /* one voter CSV, streamed (a national list is ~0.4 GiB) */

/* Opens the regular file at path for reading, as above, for a caller
 * that streams it: returns a file descriptor (O_CLOEXEC, O_NONBLOCK, which
 * does not matter for a regular file) that the caller closes, or -1 with
 * the errors of vk_file_read_untrusted_full().  The caller still counts
 * what it reads against max_bytes.  ret_size and ret_mode may be NULL. */
int vk_file_open_untrusted (const char *path, gsize max_bytes, gint64 *ret_size, guint32 *ret_mode, GError **error);

/* Reads the regular file at path whole, if it holds at most max_bytes.
 * On success *ret_contents is a new NUL-terminated buffer of *ret_len
 * bytes (the NUL not counted) and, when ret_mode is not NULL, *ret_mode
 * holds the file's st_mode as fstat() gave it.  Errors (VK_ERROR):
 * VK_ERROR_NOT_FOUND when nothing is at path; VK_ERROR_IO for a symbolic
 * link, a FIFO, a device, a directory or anything else that is not a
 * regular file, for a file larger than max_bytes and for read errors.
 * Nothing is written to the ret_ parameters on failure. */
gboolean vk_file_read_untrusted_full (const char *path, gsize max_bytes, char **ret_contents, gsize *ret_len,
                                      guint32 *ret_mode, GError **error);
gboolean vk_file_read_untrusted (const char *path, gsize max_bytes, char **ret_contents, gsize *ret_len,
                                 GError **error);

/* The names (char*, not paths) of the regular-looking entries of dir
 * that end in suffix (e.g. ".json"), sorted bytewise: the valg.dk result
 * folders' one-file-per-area listing.  VK_ERROR_IO when dir cannot be
 * opened.  An empty folder gives an empty array. */
GPtrArray *vk_file_list_dir (const char *dir, const char *suffix, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS

/* vk-paper-marks.h: small CSV files typed in by the valgsekretariat: paper marks, polling places.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When the laptops fail, the tables mark voters on the printed valgliste;
 * afterwards the marked løbenumre are typed into a CSV file and journaled
 * as `checkin.paper` (docs/journal-format.md J6, `valgkit paper-checkins`).
 *
 * The reader takes one record per line (no line breaks inside fields):
 * fields separated by ',' or ';' (the first line decides: Danish
 * spreadsheets write ';'), a field may be quoted with '"' and a '"'
 * inside doubled, surrounding spaces are trimmed, empty lines and lines
 * starting with '#' are skipped, an initial BOM is skipped, CRLF is
 * accepted.  Input is untrusted: a line over VK_CSV_MAX_LINE bytes, a
 * NUL byte, invalid UTF-8 or an unterminated quote is an error naming
 * the file and line.
 */
#pragma once

#include <glib.h>

#include "vk-journal.h"
#include "vk-keys.h"
#include "vk-package.h"

G_BEGIN_DECLS

#define VK_CSV_MAX_LINE 4096

typedef struct _VkCsvReader VkCsvReader;

/* data is borrowed and must outlive the reader; name is for errors. */
VkCsvReader *vk_csv_reader_new (const char *name, const char *data, gsize len) G_GNUC_WARN_UNUSED_RESULT;
void vk_csv_reader_free (VkCsvReader *self);
/* The next record's fields (char*, trimmed), or NULL at the end (error
 * unset) or on a bad line (VK_ERROR_INVALID "NAME:LINE: what"). */
GPtrArray *vk_csv_reader_next (VkCsvReader *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The line number (from 1) of the record last returned. */
guint vk_csv_reader_get_line (VkCsvReader *self);

/* One løbenummer marked on a paper valgliste. */
typedef struct
{
  guint loebenummer;
  guint line;  /* where it is in the file */
  char *table; /* the "bord" column, or NULL */
} VkPaperMark;

/* The marks file (docs/valgkort.md, "Paper check-ins"): an optional header
 * naming `loebenummer` (or `løbenummer`) and optionally `bord`, then one
 * løbenummer per line; without a header, the first field of each line.
 * Every error names the file and line: a løbenummer that is not a number
 * 1–9,999,999, one given twice (naming both lines), a row with too many
 * fields.  Returns VkPaperMark* in file order (free with
 * g_ptr_array_unref()). */
GPtrArray *vk_paper_marks_parse (const char *name, const char *data, gsize len,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Journals marks (from vk_paper_marks_parse() of the file name) as
 * `checkin.paper` entries of journal (the device's own, signed with key;
 * the device must be enrolled as a valgbord of area).  Every løbenummer
 * must be on the area's valgliste in package, or nothing is journaled
 * (VK_ERROR_INVALID "NAME:LINE: ..."). A løbenummer this journal already
 * holds as `checkin.paper` of the area is skipped (typing the same file
 * in twice journals nothing new).  Each entry's "source" is "NAME:LINE";
 * "table" is the mark's bord column, else table (may be NULL).
 * ret_added / ret_skipped (optional) count the two. */
gboolean vk_paper_marks_journal (VkPackage *package, guint area, GPtrArray *marks, const char *name, const char *table,
                                 VkJournal *journal, const VkKeypair *key, guint *ret_added, guint *ret_skipped,
                                 GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkCsvReader, vk_csv_reader_free)

G_END_DECLS

/* vk-printout.h: what every valgkit PDF shares: the page, the fonts, the
 * running header and footer, tables, wrapped text and QR codes.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The printouts are A4 portrait, set in DejaVu Sans (a TrueType font
 * with every Danish letter), embedded and addressed as UTF-8 so that
 * "æøå" and "ü" come out as themselves and pdftotext reads them back.
 * The fonts are looked for in $VALGKIT_FONT_DIR, else in
 * /usr/share/fonts/truetype/dejavu; a missing font is an error
 * (VK_ERROR_NOT_FOUND), never a silent fallback to a font without æøå.
 *
 * VkPdf is the small layout engine the printouts are written with: a
 * cursor that runs down the page and starts a new page when the next
 * block does not fit.  Footers (digest, "Side n af m") are drawn when the
 * document is saved, because only then is the number of pages known.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-results.h"

G_BEGIN_DECLS

#define VK_PRINTOUT_DIGEST_BYTES 32

/* What every printout's header says. */
typedef struct
{
  const VkElection *election; /* the election's name, date and municipality */
  const guint8 *election_id;  /* VK_PRINTOUT_DIGEST_BYTES: the package's election id */
  gboolean test;              /* a test or demo election: "PRØVEVALG" on every page and in the QR */
  gint64 printed_at;          /* Unix seconds shown as "Udskrevet"; 0 means now */
} VkPrintoutInfo;

/* ---- Danish texts: every literal the printouts show lives in vk-printout.c. */

/* "Kommunalvalg 18. november 2025". */
char *vk_printout_election_title (const VkElection *election) G_GNUC_WARN_UNUSED_RESULT;
/* TRUE for a test election: the event's signed `test` flag (set by
 * `valgkit election import --test`, every demo and the synthetic
 * Prøvekommune).  Every page of its printouts says PRØVEVALG whatever
 * info.test says. */
gboolean vk_printout_election_is_test (const VkElection *election);
/* "Aarhus Kommune". */
char *vk_printout_municipality_name (const VkElection *election) G_GNUC_WARN_UNUSED_RESULT;
/* The official name of an invalid-ballot reason code (1–13, 21–32); a
 * generic "Årsag n" for other codes. */
const char *vk_printout_invalid_reason_name (guint code);
/* "foreløbig optælling" / "fintælling". */
const char *vk_printout_kind_name (VkResultKind kind);
/* "18. november 2025 kl. 21.07" in Danish time. */
char *vk_printout_format_time (gint64 unix_seconds) G_GNUC_WARN_UNUSED_RESULT;
/* "Udskrevet 19. november 2025 kl. 04.12" (info->printed_at, or now). */
char *vk_printout_printed_line (const VkPrintoutInfo *info) G_GNUC_WARN_UNUSED_RESULT;
/* 306.123 (Danish thousands separator). */
char *vk_printout_format_number (guint64 n) G_GNUC_WARN_UNUSED_RESULT;

/* ---- the layout engine (used by the printouts in this folder) ---------- */

typedef struct _VkPdf VkPdf;

typedef enum
{
  VK_PDF_REGULAR,
  VK_PDF_BOLD,
} VkPdfFont;

typedef enum
{
  VK_PDF_LEFT,
  VK_PDF_RIGHT,
  VK_PDF_CENTER,
} VkPdfAlign;

/* A table column: x offset from the left margin, width, alignment. */
typedef struct
{
  double x;
  double width;
  VkPdfAlign align;
  gboolean shrink; /* a left cell too wide is set smaller on one line instead of wrapping */
} VkPdfColumn;

/* A new document with fonts loaded and a first page; title is the
 * printout's kind ("Resultatopgørelse"), shown in the running header. */
VkPdf *vk_pdf_new (const VkPrintoutInfo *info, const char *title, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_pdf_free (VkPdf *self);

/* The printable width between the margins, in points. */
double vk_pdf_get_width (VkPdf *self);
/* The footer's first line, e.g. "SHA-256 af resultatdata: 3f2a…". */
void vk_pdf_set_footer (VkPdf *self, const char *footer);

/* Starts a new page unless height points are left on this one. */
void vk_pdf_need (VkPdf *self, double height);
void vk_pdf_new_page (VkPdf *self);
void vk_pdf_space (VkPdf *self, double height);

/* The document's big title block: title, subtitle lines, the test banner. */
void vk_pdf_title (VkPdf *self, const char *title, const char *const *lines);
/* A section heading with a rule under it. */
void vk_pdf_heading (VkPdf *self, const char *text);
/* Wrapped paragraph. */
void vk_pdf_paragraph (VkPdf *self, VkPdfFont font, double size, const char *text);
/* One table row; cells is NULL-terminated or has n_columns entries (NULL
 * cells are skipped).  shade fills the row's background lightly. */
void vk_pdf_row (VkPdf *self, const VkPdfColumn *columns, guint n_columns, const char *const *cells, VkPdfFont font,
                 double size, gboolean shade);
/* A thin horizontal rule across the printable width. */
void vk_pdf_rule (VkPdf *self);
/* Label/value pairs in two columns (label left, value right-aligned at value_x). */
void vk_pdf_key_value (VkPdf *self, const char *label, const char *value, double value_x, VkPdfFont font);
/* Signature lines, two to a row, each with a "Navn:" field (the name
 * printed, or blank for "" to fill in by hand) and a "Dato:" field to
 * fill in; "name\ndetail" adds a small line under them.  A row is
 * VK_PDF_SIGNATURE_ROW_HEIGHT points high. */
#define VK_PDF_SIGNATURE_ROW_HEIGHT 78.0
void vk_pdf_signatures (VkPdf *self, const char *const *names, guint n);
/* QR codes of the texts, side by side as they fit, each with a caption. */
gboolean vk_pdf_qr_codes (VkPdf *self, GPtrArray *texts, const char *caption, GError **error);

/* Text colour of the rows that follow (0–1 each); black is 0, 0, 0. */
void vk_pdf_set_text_color (VkPdf *self, double r, double g, double b);
/* The cursor, and the page it is on (from 1). */
double vk_pdf_get_y (VkPdf *self);
guint vk_pdf_get_page_number (VkPdf *self);
/* A coloured bar in the left margin from y_top down to the cursor, when
 * both are on the current page (page_number). */
void vk_pdf_side_bar (VkPdf *self, guint page_number, double y_top, double r, double g, double b);

/* Draws the footers and writes the file. */
gboolean vk_pdf_save (VkPdf *self, const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkPdf, vk_pdf_free)

G_END_DECLS

/* vk-paper-pdf.h: a fixed-layout A4 page for the election-day paper: valgkort and valglister.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The result sheets and the valgbog flow down the page (VkPdf,
 * vk-printout.h).  Valgkort (two A5 cards to an A4 sheet) and printed
 * valglister (a fixed number of rows per page, "side x/y" in the header)
 * are laid out on a grid instead, with the same fonts (DejaVu Sans,
 * embedded, UTF-8, so æøå come out and pdftotext reads them back) and
 * the same rule for missing fonts (VK_ERROR_NOT_FOUND, never a fallback).
 */
#pragma once

#include <glib.h>
#include <hpdf.h>

G_BEGIN_DECLS

typedef struct _VkPaper VkPaper;

#define VK_PAPER_A4_WIDTH 595.276
#define VK_PAPER_A4_HEIGHT 841.89

VkPaper *vk_paper_new (GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_paper_free (VkPaper *self);

/* A new A4 portrait page; it becomes the current page. */
void vk_paper_add_page (VkPaper *self);
guint vk_paper_get_n_pages (VkPaper *self);

double vk_paper_text_width (VkPaper *self, gboolean bold, double size, const char *text);
/* Text at (x, y) (the baseline), in the current fill colour. */
void vk_paper_text (VkPaper *self, gboolean bold, double size, double x, double y, const char *text);
/* The same, set smaller (down to half of size) when wider than max_width. */
void vk_paper_text_fit (VkPaper *self, gboolean bold, double size, double x, double y, double max_width,
                        const char *text);
void vk_paper_text_right (VkPaper *self, gboolean bold, double size, double x_right, double y, const char *text);
void vk_paper_text_center (VkPaper *self, gboolean bold, double size, double x, double width, double y,
                           const char *text);
/* Text wrapped at spaces into lines no wider than width, from baseline y
 * down, leading points apart; returns the baseline below the last line. */
double vk_paper_paragraph (VkPaper *self, gboolean bold, double size, double x, double y, double width, double leading,
                           const char *text);
void vk_paper_fill_rgb (VkPaper *self, double r, double g, double b);
void vk_paper_rect (VkPaper *self, double x, double y, double w, double h, gboolean fill, double line_width);
void vk_paper_line (VkPaper *self, double x0, double y0, double x1, double y1, double width, double grey,
                    gboolean dashed);
/* The QR code of text (level M), top-left corner of its quiet zone at
 * (x, y_top), side points wide in all (quiet zone of 4 modules included). */
gboolean vk_paper_qr (VkPaper *self, const char *text, double x, double y_top, double side, GError **error);

gboolean vk_paper_save (VkPaper *self, const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkPaper, vk_paper_free)

G_END_DECLS

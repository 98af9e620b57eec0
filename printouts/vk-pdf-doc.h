/* vk-pdf-doc.h: a libharu document with valgkit's fonts and error capture
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The part every PDF writer shares (VkPdf, the flowing printouts, and
 * VkPaper, the positioned ones): DejaVu Sans regular and bold from
 * VALGKIT_FONT_DIR or the Debian path, UTF-8, compression, and the
 * first libharu error kept (libharu reports through a callback and
 * carries on) until the next check turns it into a GError.
 * Private to printouts/.
 */
#pragma once

#include <glib.h>
#include <hpdf.h>

G_BEGIN_DECLS

typedef struct
{
  HPDF_Doc doc;
  HPDF_Font regular;
  HPDF_Font bold;
  HPDF_STATUS error_no;
  HPDF_STATUS detail_no;
} VkPdfDoc;

/* self must not move while open: libharu's callback points at it. */
gboolean vk_pdf_doc_open (VkPdfDoc *self, GError **error);
void vk_pdf_doc_close (VkPdfDoc *self);
gboolean vk_pdf_doc_check (VkPdfDoc *self, const char *what, GError **error);
gboolean vk_pdf_doc_save (VkPdfDoc *self, const char *path, GError **error);

G_END_DECLS

/* vk-paper-pdf.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-paper-pdf.h"
#include "vk-pdf-doc.h"
#include "vk-qr.h"

#define QR_QUIET 4

struct _VkPaper
{
  VkPdfDoc d; /* the document, its fonts and its first libharu error */
  HPDF_Page page;
  guint n_pages;
};

VkPaper *
vk_paper_new (GError **error)
{
  g_autoptr (VkPaper) self = g_new0 (VkPaper, 1);

  if (!vk_pdf_doc_open (&self->d, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
vk_paper_free (VkPaper *self)
{
  if (self == NULL)
    return;
  vk_pdf_doc_close (&self->d);
  g_free (self);
}

void
vk_paper_add_page (VkPaper *self)
{
  self->page = HPDF_AddPage (self->d.doc);
  HPDF_Page_SetSize (self->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  self->n_pages++;
}

guint
vk_paper_get_n_pages (VkPaper *self)
{
  return self->n_pages;
}

static HPDF_Font
font_of (VkPaper *self, gboolean bold)
{
  return bold ? self->d.bold : self->d.regular;
}

double
vk_paper_text_width (VkPaper *self, gboolean bold, double size, const char *text)
{
  HPDF_Page_SetFontAndSize (self->page, font_of (self, bold), (HPDF_REAL)size);
  return HPDF_Page_TextWidth (self->page, text);
}

void
vk_paper_text (VkPaper *self, gboolean bold, double size, double x, double y, const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  HPDF_Page_BeginText (self->page);
  HPDF_Page_SetFontAndSize (self->page, font_of (self, bold), (HPDF_REAL)size);
  HPDF_Page_TextOut (self->page, (HPDF_REAL)x, (HPDF_REAL)y, text);
  HPDF_Page_EndText (self->page);
}

void
vk_paper_text_fit (VkPaper *self, gboolean bold, double size, double x, double y, double max_width, const char *text)
{
  double w;

  if (text == NULL || *text == '\0')
    return;
  w = vk_paper_text_width (self, bold, size, text);
  if (w > max_width)
    size = MAX (size / 2, size * max_width / w);
  vk_paper_text (self, bold, size, x, y, text);
}

void
vk_paper_text_right (VkPaper *self, gboolean bold, double size, double x_right, double y, const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  vk_paper_text (self, bold, size, x_right - vk_paper_text_width (self, bold, size, text), y, text);
}

void
vk_paper_text_center (VkPaper *self, gboolean bold, double size, double x, double width, double y, const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  vk_paper_text (self, bold, size, x + (width - vk_paper_text_width (self, bold, size, text)) / 2, y, text);
}

double
vk_paper_paragraph (VkPaper *self, gboolean bold, double size, double x, double y, double width, double leading,
                    const char *text)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr (GString) line = g_string_new (NULL);

  for (char **w = words; *w != NULL; w++)
    {
      gsize before = line->len;

      if (**w == '\0')
        continue;
      if (line->len > 0)
        g_string_append_c (line, ' ');
      g_string_append (line, *w);
      if (before > 0 && vk_paper_text_width (self, bold, size, line->str) > width)
        {
          g_string_truncate (line, before);
          vk_paper_text (self, bold, size, x, y, line->str);
          y -= leading;
          g_string_assign (line, *w);
        }
    }
  if (line->len > 0)
    {
      vk_paper_text (self, bold, size, x, y, line->str);
      y -= leading;
    }
  return y;
}

void
vk_paper_fill_rgb (VkPaper *self, double r, double g, double b)
{
  HPDF_Page_SetRGBFill (self->page, (HPDF_REAL)r, (HPDF_REAL)g, (HPDF_REAL)b);
}

void
vk_paper_rect (VkPaper *self, double x, double y, double w, double h, gboolean fill, double line_width)
{
  /* The line width is set before the path begins: libharu refuses it inside one. */
  if (!fill)
    HPDF_Page_SetLineWidth (self->page, (HPDF_REAL)line_width);
  HPDF_Page_Rectangle (self->page, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w, (HPDF_REAL)h);
  if (fill)
    HPDF_Page_Fill (self->page);
  else
    HPDF_Page_Stroke (self->page);
}

void
vk_paper_line (VkPaper *self, double x0, double y0, double x1, double y1, double width, double grey, gboolean dashed)
{
  static const HPDF_UINT16 dash[] = { 4, 3 };

  HPDF_Page_SetLineWidth (self->page, (HPDF_REAL)width);
  HPDF_Page_SetGrayStroke (self->page, (HPDF_REAL)grey);
  if (dashed)
    HPDF_Page_SetDash (self->page, dash, 2, 0);
  HPDF_Page_MoveTo (self->page, (HPDF_REAL)x0, (HPDF_REAL)y0);
  HPDF_Page_LineTo (self->page, (HPDF_REAL)x1, (HPDF_REAL)y1);
  HPDF_Page_Stroke (self->page);
  if (dashed)
    HPDF_Page_SetDash (self->page, NULL, 0, 0);
  HPDF_Page_SetGrayStroke (self->page, 0);
}

gboolean
vk_paper_qr (VkPaper *self, const char *text, double x, double y_top, double side, GError **error)
{
  guint width = 0;
  g_autoptr (GBytes) modules = vk_qr_encode_text (text, &width, error);
  const guint8 *m;
  double module;

  if (modules == NULL)
    return FALSE;
  m = g_bytes_get_data (modules, NULL);
  module = side / (width + 2 * QR_QUIET);
  x += QR_QUIET * module;
  y_top -= QR_QUIET * module;
  HPDF_Page_SetRGBFill (self->page, 0, 0, 0);
  /* Runs of dark modules become one rectangle each: no hairline gaps
   * between neighbouring modules in a rasteriser. */
  for (guint r = 0; r < width; r++)
    for (guint c = 0; c < width;)
      {
        guint start;
        if (!m[r * width + c])
          {
            c++;
            continue;
          }
        start = c;
        while (c < width && m[r * width + c])
          c++;
        HPDF_Page_Rectangle (self->page, (HPDF_REAL)(x + start * module), (HPDF_REAL)(y_top - (r + 1) * module),
                             (HPDF_REAL)((c - start) * module), (HPDF_REAL)module);
      }
  HPDF_Page_Fill (self->page);
  return vk_pdf_doc_check (&self->d, "drawing a QR code", error);
}

gboolean
vk_paper_save (VkPaper *self, const char *path, GError **error)
{
  return vk_pdf_doc_save (&self->d, path, error);
}

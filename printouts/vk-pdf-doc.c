/* vk-pdf-doc.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-pdf-doc.h"

#define DEFAULT_FONT_DIR "/usr/share/fonts/truetype/dejavu"
#define FONT_REGULAR "DejaVuSans.ttf"
#define FONT_BOLD "DejaVuSans-Bold.ttf"

static void
hpdf_error_cb (HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user_data)
{
  VkPdfDoc *self = user_data;

  if (self->error_no == 0)
    {
      self->error_no = error_no;
      self->detail_no = detail_no;
    }
}

gboolean
vk_pdf_doc_check (VkPdfDoc *self, const char *what, GError **error)
{
  if (self->error_no == 0)
    return TRUE;
  g_set_error (error, VK_ERROR, VK_ERROR_FAILED, "PDF library error 0x%04X (detail %u) while %s", (guint)self->error_no,
               (guint)self->detail_no, what);
  return FALSE;
}

gboolean
vk_pdf_doc_open (VkPdfDoc *self, GError **error)
{
  const char *dir = g_getenv ("VALGKIT_FONT_DIR");
  g_autofree char *regular_path = NULL, *bold_path = NULL;
  const char *regular_name, *bold_name;

  memset (self, 0, sizeof *self);
  if (dir == NULL || *dir == '\0')
    dir = DEFAULT_FONT_DIR;
  regular_path = g_build_filename (dir, FONT_REGULAR, NULL);
  bold_path = g_build_filename (dir, FONT_BOLD, NULL);
  for (const char *const *p = (const char *const[]){ regular_path, bold_path, NULL }; *p != NULL; p++)
    if (!g_file_test (*p, G_FILE_TEST_IS_REGULAR))
      {
        g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND,
                     "Font %s not found: the printouts need DejaVu Sans for the Danish letters "
                     "(install fonts-dejavu-core or set VALGKIT_FONT_DIR)",
                     *p);
        return FALSE;
      }
  self->doc = HPDF_New (hpdf_error_cb, self);
  if (self->doc == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_FAILED, "Cannot create a PDF document (out of memory?)");
      return FALSE;
    }
  HPDF_SetCompressionMode (self->doc, HPDF_COMP_ALL);
  HPDF_UseUTFEncodings (self->doc);
  HPDF_SetCurrentEncoder (self->doc, "UTF-8");
  regular_name = HPDF_LoadTTFontFromFile (self->doc, regular_path, HPDF_TRUE);
  bold_name = HPDF_LoadTTFontFromFile (self->doc, bold_path, HPDF_TRUE);
  if (regular_name == NULL || bold_name == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Cannot load the TrueType font %s",
                   regular_name == NULL ? regular_path : bold_path);
      return FALSE;
    }
  self->regular = HPDF_GetFont (self->doc, regular_name, "UTF-8");
  self->bold = HPDF_GetFont (self->doc, bold_name, "UTF-8");
  if (!vk_pdf_doc_check (self, "loading the fonts", error))
    return FALSE;
  HPDF_SetInfoAttr (self->doc, HPDF_INFO_CREATOR, "valgkit " PACKAGE_VERSION);
  return TRUE;
}

void
vk_pdf_doc_close (VkPdfDoc *self)
{
  if (self->doc != NULL)
    HPDF_Free (self->doc);
  self->doc = NULL;
}

gboolean
vk_pdf_doc_save (VkPdfDoc *self, const char *path, GError **error)
{
  if (!vk_pdf_doc_check (self, "laying out the pages", error))
    return FALSE;
  if (HPDF_SaveToFile (self->doc, path) != HPDF_OK)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "Cannot write the PDF %s (libharu error 0x%04X)", path,
                   (guint)self->error_no);
      return FALSE;
    }
  return TRUE;
}

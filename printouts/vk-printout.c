/* vk-printout.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <hpdf.h>

#include "vk-error.h"
#include "vk-pdf-doc.h"
#include "vk-printout.h"
#include "vk-qr.h"

/* A4 portrait in points, and the margins every printout uses. */
#define PAGE_WIDTH 595.276
#define PAGE_HEIGHT 841.89
#define MARGIN_LEFT 56.0
#define MARGIN_RIGHT 56.0
#define MARGIN_TOP 64.0    /* below the running header */
#define MARGIN_BOTTOM 64.0 /* above the footer */
#define QR_MODULE 2.0      /* points per QR module: 4 pixels at 150 dpi */
#define QR_QUIET 4         /* quiet zone in modules (ISO/IEC 18004) */

/* ---- Danish texts ------------------------------------------------------ */

#define TXT_TEST_BANNER "PRØVEVALG – IKKE ET OFFICIELT RESULTAT"
#define TXT_TEST_SHORT "PRØVEVALG"
#define TXT_PAGE "Side %u af %u"
#define TXT_PRINTED "Udskrevet %s"
#define TXT_QR_PART "%s (del %u af %u)"

static const char *const month_names[] = { "januar", "februar", "marts",     "april",   "maj",      "juni",
                                           "juli",   "august",  "september", "oktober", "november", "december" };

/* The official reason codes (valg.dk's UgyldigeFremmødteStemmerÅrsager
 * and UgyldigeBrevstemmerÅrsager), in the words of the forms. */
static const struct
{
  guint code;
  const char *name;
} invalid_reasons[] = {
  { 1, "Blank stemmeseddel" },
  { 2, "Andet mærke end kryds" },
  { 3, "Helt eller delvis overstreget" },
  { 4, "Kryds uden for felterne" },
  { 5, "Kryds i flere felter" },
  { 6, "Kryds, der rækker ind i flere felter" },
  { 7, "Overstreget, udvisket eller ikke fuldt kryds" },
  { 8, "Andre grunde" },
  { 9, "Ikke udleveret på afstemningsstedet" },
  { 10, "Andet mærke end kryds foruden kryds" },
  { 11, "Mere end tre kryds" },
  { 12, "Stemmeseddel med tegning eller påskrift" },
  { 13, "Afmærket med forskellige farver og andet" },
  { 21, "Blank stemmeseddel (brevstemme)" },
  { 22, "Kun navn eller uofficielt bogstav" },
  { 23, "Kun uofficielt bogstav på ét bogstav" },
  { 24, "Kun uofficielt bogstav på flere bogstaver" },
  { 25, "Kun kryds" },
  { 26, "Modstrid mellem bogstav og listenavn" },
  { 27, "Andre grunde (brevstemme)" },
  { 28, "Andet end eller flere stemmesedler" },
  { 29, "Stemmeseddel ikke fra ministeriet" },
  { 30, "Konvolut med påskrift" },
  { 31, "Tegning eller påskrift (brevstemme)" },
  { 32, "Udfyldt på bagsiden eller andet" },
};

const char *
vk_printout_invalid_reason_name (guint code)
{
  for (gsize i = 0; i < G_N_ELEMENTS (invalid_reasons); i++)
    if (invalid_reasons[i].code == code)
      return invalid_reasons[i].name;
  return "Anden årsag";
}

const char *
vk_printout_kind_name (VkResultKind kind)
{
  return kind == VK_RESULT_FINTAELLING ? "fintælling" : "foreløbig optælling";
}

char *
vk_printout_election_title (const VkElection *election)
{
  int y = 0, m = 0, d = 0;

  g_return_val_if_fail (election != NULL, NULL);

  /* ISO 8601, or valg.dk's DD-MM-YYYY. */
  if (election->date != NULL && sscanf (election->date, "%d-%d-%d", &y, &m, &d) == 3 && y <= 31)
    {
      int t = y;
      y = d;
      d = t;
    }
  if (election->date != NULL && m >= 1 && m <= 12)
    return g_strdup_printf ("%s %d. %s %d", vk_election_type_name_da (election->type), d, month_names[m - 1], y);
  return g_strdup (vk_election_type_name_da (election->type));
}

gboolean
vk_printout_election_is_test (const VkElection *election)
{
  const VkElection *event;

  if (election == NULL)
    return FALSE;
  event = election->event != NULL ? election->event : election;
  return event->test;
}

char *
vk_printout_municipality_name (const VkElection *election)
{
  const char *m = election->municipality != NULL ? election->municipality : "";

  /* The region's own result (valgkit region) has no municipality. */
  if (*m == '\0' && election->region != NULL)
    return g_strdup (election->region);
  if (*m == '\0' || g_str_has_suffix (m, "Kommune") || g_str_has_suffix (m, "kommune"))
    return g_strdup (m);
  return g_strdup_printf ("%s Kommune", m);
}

static GTimeZone *
danish_time_zone (void)
{
  GTimeZone *tz = g_time_zone_new_identifier ("Europe/Copenhagen");

  return tz != NULL ? tz : g_time_zone_new_local ();
}

char *
vk_printout_format_time (gint64 unix_seconds)
{
  g_autoptr (GTimeZone) tz = danish_time_zone ();
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr (GDateTime) dt = NULL;

  if (utc == NULL)
    return g_strdup ("?");
  dt = g_date_time_to_timezone (utc, tz);
  return g_strdup_printf ("%d. %s %d kl. %02d.%02d", g_date_time_get_day_of_month (dt),
                          month_names[g_date_time_get_month (dt) - 1], g_date_time_get_year (dt),
                          g_date_time_get_hour (dt), g_date_time_get_minute (dt));
}

char *
vk_printout_format_number (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *s = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (s, '.');
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

/* ---- the layout engine ------------------------------------------------- */

struct _VkPdf
{
  VkPdfDoc d; /* the document, its fonts and its first libharu error */
  HPDF_Page page;
  GPtrArray *pages; /* HPDF_Page, borrowed from doc */
  double y;         /* the cursor: the top of the next block */
  char *header_left;
  char *title;
  char *footer;
  gboolean test;
  double color[3]; /* the text colour of rows */
};

static HPDF_Font
font_of (VkPdf *self, VkPdfFont font)
{
  return font == VK_PDF_BOLD ? self->d.bold : self->d.regular;
}

static double
text_width (VkPdf *self, VkPdfFont font, double size, const char *text)
{
  HPDF_Page_SetFontAndSize (self->page, font_of (self, font), (HPDF_REAL)size);
  return HPDF_Page_TextWidth (self->page, text);
}

static void
draw_text (VkPdf *self, HPDF_Page page, VkPdfFont font, double size, double x, double y, const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  HPDF_Page_BeginText (page);
  HPDF_Page_SetFontAndSize (page, font_of (self, font), (HPDF_REAL)size);
  HPDF_Page_TextOut (page, (HPDF_REAL)x, (HPDF_REAL)y, text);
  HPDF_Page_EndText (page);
}

static void
draw_text_aligned (VkPdf *self, VkPdfFont font, double size, double x, double width, VkPdfAlign align, double y,
                   const char *text)
{
  double w;

  if (text == NULL || *text == '\0')
    return;
  w = text_width (self, font, size, text);
  if (align == VK_PDF_RIGHT)
    x += width - w;
  else if (align == VK_PDF_CENTER)
    x += (width - w) / 2;
  draw_text (self, self->page, font, size, x, y, text);
}

static void
fill_rect (HPDF_Page page, double x, double y, double w, double h, double r, double g, double b)
{
  HPDF_Page_SetRGBFill (page, (HPDF_REAL)r, (HPDF_REAL)g, (HPDF_REAL)b);
  HPDF_Page_Rectangle (page, (HPDF_REAL)x, (HPDF_REAL)y, (HPDF_REAL)w, (HPDF_REAL)h);
  HPDF_Page_Fill (page);
  HPDF_Page_SetRGBFill (page, 0, 0, 0);
}

static void
hline (HPDF_Page page, double x0, double x1, double y, double width, double grey)
{
  HPDF_Page_SetLineWidth (page, (HPDF_REAL)width);
  HPDF_Page_SetGrayStroke (page, (HPDF_REAL)grey);
  HPDF_Page_MoveTo (page, (HPDF_REAL)x0, (HPDF_REAL)y);
  HPDF_Page_LineTo (page, (HPDF_REAL)x1, (HPDF_REAL)y);
  HPDF_Page_Stroke (page);
  HPDF_Page_SetGrayStroke (page, 0);
}

double
vk_pdf_get_width (VkPdf *self)
{
  return PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
}

/* The running header: municipality and election left, the printout's
 * title right, and on a test election a red band across the top. */
void
vk_pdf_new_page (VkPdf *self)
{
  HPDF_Page page = HPDF_AddPage (self->d.doc);
  double right = PAGE_WIDTH - MARGIN_RIGHT;
  double top = PAGE_HEIGHT - 30;

  HPDF_Page_SetSize (page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  self->page = page;
  g_ptr_array_add (self->pages, page);

  if (self->test)
    {
      fill_rect (page, 0, PAGE_HEIGHT - 18, PAGE_WIDTH, 18, 0.75, 0.05, 0.1);
      HPDF_Page_SetRGBFill (page, 1, 1, 1);
      draw_text_aligned (self, VK_PDF_BOLD, 9, 0, PAGE_WIDTH, VK_PDF_CENTER, PAGE_HEIGHT - 13, TXT_TEST_BANNER);
      HPDF_Page_SetRGBFill (page, 0, 0, 0);
      top -= 6;
    }
  HPDF_Page_SetGrayFill (page, 0.35);
  draw_text (self, page, VK_PDF_REGULAR, 8, MARGIN_LEFT, top, self->header_left);
  draw_text_aligned (self, VK_PDF_REGULAR, 8, MARGIN_LEFT, right - MARGIN_LEFT, VK_PDF_RIGHT, top, self->title);
  HPDF_Page_SetGrayFill (page, 0);
  hline (page, MARGIN_LEFT, right, top - 5, 0.5, 0.6);
  self->y = PAGE_HEIGHT - MARGIN_TOP;
}

void
vk_pdf_need (VkPdf *self, double height)
{
  if (self->y - height < MARGIN_BOTTOM)
    vk_pdf_new_page (self);
}

void
vk_pdf_space (VkPdf *self, double height)
{
  self->y -= height;
}

VkPdf *
vk_pdf_new (const VkPrintoutInfo *info, const char *title, GError **error)
{
  g_autoptr (VkPdf) self = g_new0 (VkPdf, 1);
  g_autofree char *election_title = NULL, *municipality = NULL;

  g_return_val_if_fail (info != NULL && info->election != NULL, NULL);

  self->pages = g_ptr_array_new ();
  if (!vk_pdf_doc_open (&self->d, error))
    return NULL;
  self->test = info->test || vk_printout_election_is_test (info->election);
  self->title = g_strdup (title);
  election_title = vk_printout_election_title (info->election);
  municipality = vk_printout_municipality_name (info->election);
  self->header_left = g_strdup_printf ("%s · %s", municipality, election_title);
  vk_pdf_new_page (self);
  return g_steal_pointer (&self);
}

void
vk_pdf_free (VkPdf *self)
{
  if (self == NULL)
    return;
  vk_pdf_doc_close (&self->d);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_free (self->header_left);
  g_free (self->title);
  g_free (self->footer);
  g_free (self);
}

void
vk_pdf_set_footer (VkPdf *self, const char *footer)
{
  g_free (self->footer);
  self->footer = g_strdup (footer);
}

void
vk_pdf_title (VkPdf *self, const char *title, const char *const *lines)
{
  vk_pdf_need (self, 60);
  self->y -= 20;
  draw_text (self, self->page, VK_PDF_BOLD, 18, MARGIN_LEFT, self->y, title);
  self->y -= 6;
  for (const char *const *l = lines; l != NULL && *l != NULL; l++)
    {
      self->y -= 14;
      draw_text (self, self->page, VK_PDF_REGULAR, 10.5, MARGIN_LEFT, self->y, *l);
    }
  if (self->test)
    {
      /* A boxed banner in the body as well: the running band can be cut
       * off by a copier, this cannot without cutting the numbers. */
      double w = vk_pdf_get_width (self);
      self->y -= 30;
      HPDF_Page_SetRGBStroke (self->page, 0.75, 0.05, 0.1);
      HPDF_Page_SetLineWidth (self->page, 1.5);
      HPDF_Page_Rectangle (self->page, MARGIN_LEFT, (HPDF_REAL)self->y, (HPDF_REAL)w, 22);
      HPDF_Page_Stroke (self->page);
      HPDF_Page_SetRGBStroke (self->page, 0, 0, 0);
      HPDF_Page_SetRGBFill (self->page, 0.75, 0.05, 0.1);
      draw_text_aligned (self, VK_PDF_BOLD, 12, MARGIN_LEFT, w, VK_PDF_CENTER, self->y + 7, TXT_TEST_BANNER);
      HPDF_Page_SetRGBFill (self->page, 0, 0, 0);
    }
  self->y -= 12;
}

void
vk_pdf_heading (VkPdf *self, const char *text)
{
  vk_pdf_need (self, 48);
  self->y -= 20;
  draw_text (self, self->page, VK_PDF_BOLD, 12, MARGIN_LEFT, self->y, text);
  self->y -= 5;
  hline (self->page, MARGIN_LEFT, PAGE_WIDTH - MARGIN_RIGHT, self->y, 0.8, 0.2);
  self->y -= 4;
}

void
vk_pdf_rule (VkPdf *self)
{
  self->y -= 2;
  hline (self->page, MARGIN_LEFT, PAGE_WIDTH - MARGIN_RIGHT, self->y, 0.4, 0.6);
  self->y -= 2;
}

/* Breaks text into lines no wider than width, at spaces; a word wider
 * than a line stands alone on its line (hashes, ids). */
static GPtrArray *
wrap (VkPdf *self, VkPdfFont font, double size, const char *text, double width)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) paragraphs = g_strsplit (text, "\n", -1);

  for (char **p = paragraphs; *p != NULL; p++)
    {
      g_auto (GStrv) words = g_strsplit (*p, " ", -1);
      g_autoptr (GString) line = g_string_new (NULL);

      for (char **w = words; *w != NULL; w++)
        {
          g_autofree char *attempt = line->len > 0 ? g_strconcat (line->str, " ", *w, NULL) : g_strdup (*w);
          if (line->len > 0 && text_width (self, font, size, attempt) > width)
            {
              g_ptr_array_add (lines, g_strdup (line->str));
              g_string_assign (line, *w);
            }
          else
            g_string_assign (line, attempt);
        }
      g_ptr_array_add (lines, g_strdup (line->str));
    }
  return lines;
}

void
vk_pdf_paragraph (VkPdf *self, VkPdfFont font, double size, const char *text)
{
  g_autoptr (GPtrArray) lines = wrap (self, font, size, text, vk_pdf_get_width (self));
  double leading = size * 1.35;

  for (guint i = 0; i < lines->len; i++)
    {
      vk_pdf_need (self, leading);
      self->y -= leading;
      draw_text (self, self->page, font, size, MARGIN_LEFT, self->y + size * 0.3, g_ptr_array_index (lines, i));
    }
  self->y -= size * 0.3;
}

void
vk_pdf_row (VkPdf *self, const VkPdfColumn *columns, guint n_columns, const char *const *cells, VkPdfFont font,
            double size, gboolean shade)
{
  double height = size * 1.55;
  GPtrArray *wrapped[16] = { NULL };
  guint n_lines = 1;

  g_return_if_fail (n_columns <= G_N_ELEMENTS (wrapped));

  /* Left-aligned cells wrap inside their column; the row is as tall as
   * its tallest cell. */
  for (guint c = 0; c < n_columns && cells[c] != NULL; c++)
    if (columns[c].align == VK_PDF_LEFT && !columns[c].shrink)
      {
        wrapped[c] = wrap (self, font, size, cells[c], columns[c].width);
        n_lines = MAX (n_lines, wrapped[c]->len);
      }
  height += (n_lines - 1) * size * 1.25;

  vk_pdf_need (self, height);
  if (shade)
    fill_rect (self->page, MARGIN_LEFT, self->y - height, vk_pdf_get_width (self), height, 0.93, 0.94, 0.96);
  HPDF_Page_SetRGBFill (self->page, (HPDF_REAL)self->color[0], (HPDF_REAL)self->color[1], (HPDF_REAL)self->color[2]);
  for (guint c = 0; c < n_columns && cells[c] != NULL; c++)
    {
      double baseline = self->y - size * 1.15;
      if (wrapped[c] != NULL)
        for (guint l = 0; l < wrapped[c]->len; l++, baseline -= size * 1.25)
          draw_text (self, self->page, font, size, MARGIN_LEFT + columns[c].x, baseline,
                     g_ptr_array_index (wrapped[c], l));
      else
        {
          double fit = size;
          while (columns[c].shrink && fit > 5.5 && text_width (self, font, fit, cells[c]) > columns[c].width)
            fit -= 0.25;
          draw_text_aligned (self, font, fit, MARGIN_LEFT + columns[c].x, columns[c].width, columns[c].align, baseline,
                             cells[c]);
        }
    }
  HPDF_Page_SetRGBFill (self->page, 0, 0, 0);
  for (guint c = 0; c < n_columns; c++)
    g_clear_pointer (&wrapped[c], g_ptr_array_unref);
  self->y -= height;
}

void
vk_pdf_set_text_color (VkPdf *self, double r, double g, double b)
{
  self->color[0] = r;
  self->color[1] = g;
  self->color[2] = b;
}

double
vk_pdf_get_y (VkPdf *self)
{
  return self->y;
}

guint
vk_pdf_get_page_number (VkPdf *self)
{
  return self->pages->len;
}

void
vk_pdf_side_bar (VkPdf *self, guint page_number, double y_top, double r, double g, double b)
{
  if (page_number != self->pages->len || y_top <= self->y)
    return;
  fill_rect (self->page, MARGIN_LEFT - 10, self->y, 3.5, y_top - self->y, r, g, b);
}

void
vk_pdf_key_value (VkPdf *self, const char *label, const char *value, double value_x, VkPdfFont font)
{
  double height = 10 * 1.6;

  vk_pdf_need (self, height);
  self->y -= height;
  draw_text (self, self->page, font, 10, MARGIN_LEFT, self->y + 4, label);
  draw_text_aligned (self, font, 10, MARGIN_LEFT, value_x, VK_PDF_RIGHT, self->y + 4, value);
  hline (self->page, MARGIN_LEFT, MARGIN_LEFT + value_x, self->y, 0.3, 0.8);
}

void
vk_pdf_signatures (VkPdf *self, const char *const *names, guint n)
{
  double col = (vk_pdf_get_width (self) - 30) / 2;

  for (guint i = 0; i < n; i += 2)
    {
      vk_pdf_need (self, VK_PDF_SIGNATURE_ROW_HEIGHT);
      self->y -= 38;
      for (guint k = 0; k < 2 && i + k < n; k++)
        {
          double x = MARGIN_LEFT + k * (col + 30);
          double date_x = x + col * 0.64;
          g_auto (GStrv) lines = g_strsplit (names[i + k], "\n", 2);
          const char *name = lines[0] != NULL ? lines[0] : "";

          /* The signature, then the name in print and the date, each on a line of its own. */
          hline (self->page, x, x + col, self->y, 0.6, 0.1);
          HPDF_Page_SetGrayFill (self->page, 0.35);
          draw_text (self, self->page, VK_PDF_REGULAR, 7.5, x, self->y - 9, "Underskrift");
          draw_text (self, self->page, VK_PDF_REGULAR, 7.5, x, self->y - 24, "Navn:");
          draw_text (self, self->page, VK_PDF_REGULAR, 7.5, date_x, self->y - 24, "Dato:");
          HPDF_Page_SetGrayFill (self->page, 0);
          hline (self->page, x + 24, date_x - 8, self->y - 26, 0.3, 0.5);
          hline (self->page, date_x + 22, x + col, self->y - 26, 0.3, 0.5);
          if (*name != '\0')
            draw_text (self, self->page, VK_PDF_REGULAR, 9.5, x + 27, self->y - 24, name);
          if (lines[0] != NULL && lines[1] != NULL && *lines[1] != '\0')
            {
              HPDF_Page_SetGrayFill (self->page, 0.35);
              draw_text (self, self->page, VK_PDF_REGULAR, 7.5, x, self->y - 36, lines[1]);
              HPDF_Page_SetGrayFill (self->page, 0);
            }
        }
      self->y -= 40;
    }
}

static void
draw_qr (VkPdf *self, const guint8 *m, guint width, double x, double y_top)
{
  /* Runs of dark modules become one rectangle each: fewer operators,
   * and no hairline gaps between neighbouring modules in a rasteriser. */
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
        HPDF_Page_Rectangle (self->page, (HPDF_REAL)(x + start * QR_MODULE), (HPDF_REAL)(y_top - (r + 1) * QR_MODULE),
                             (HPDF_REAL)((c - start) * QR_MODULE), (HPDF_REAL)QR_MODULE);
      }
  HPDF_Page_Fill (self->page);
}

gboolean
vk_pdf_qr_codes (VkPdf *self, GPtrArray *texts, const char *caption, GError **error)
{
  double x = MARGIN_LEFT, row_height = 0, right = PAGE_WIDTH - MARGIN_RIGHT;
  double row_top = self->y;

  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);
      guint width = 0;
      g_autoptr (GBytes) modules = vk_qr_encode_text (text, &width, error);
      g_autofree char *label = NULL;
      double side, h;

      if (modules == NULL)
        return FALSE;
      side = (width + 2 * QR_QUIET) * QR_MODULE;
      h = side + 14;
      if (x > MARGIN_LEFT && x + side > right)
        {
          /* Next row. */
          self->y = row_top - row_height;
          x = MARGIN_LEFT;
          row_height = 0;
        }
      if (x == MARGIN_LEFT)
        {
          vk_pdf_need (self, h);
          row_top = self->y;
        }
      draw_qr (self, g_bytes_get_data (modules, NULL), width, x + QR_QUIET * QR_MODULE, row_top - QR_QUIET * QR_MODULE);
      label = texts->len > 1 ? g_strdup_printf (TXT_QR_PART, caption, i + 1, texts->len) : g_strdup (caption);
      HPDF_Page_SetGrayFill (self->page, 0.3);
      draw_text_aligned (self, VK_PDF_REGULAR, 7.5, x, side, VK_PDF_CENTER, row_top - side - 6, label);
      HPDF_Page_SetGrayFill (self->page, 0);
      row_height = MAX (row_height, h);
      x += side + 8;
    }
  self->y = row_top - row_height;
  return vk_pdf_doc_check (&self->d, "drawing a QR code", error);
}

gboolean
vk_pdf_save (VkPdf *self, const char *path, GError **error)
{
  guint n = self->pages->len;
  double right = PAGE_WIDTH - MARGIN_RIGHT;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *page_text = g_strdup_printf (TXT_PAGE, i + 1, n);
      HPDF_Page page = g_ptr_array_index (self->pages, i);
      double y = 36;

      self->page = page;
      hline (page, MARGIN_LEFT, right, y + 10, 0.5, 0.6);
      HPDF_Page_SetGrayFill (page, 0.35);
      draw_text (self, page, VK_PDF_REGULAR, 7, MARGIN_LEFT, y, self->footer);
      draw_text_aligned (self, VK_PDF_REGULAR, 8, MARGIN_LEFT, right - MARGIN_LEFT, VK_PDF_RIGHT, y, page_text);
      if (self->test)
        {
          HPDF_Page_SetRGBFill (page, 0.75, 0.05, 0.1);
          draw_text (self, page, VK_PDF_BOLD, 8, MARGIN_LEFT, y - 11, TXT_TEST_SHORT);
        }
      HPDF_Page_SetGrayFill (page, 0);
    }
  return vk_pdf_doc_save (&self->d, path, error);
}

char *
vk_printout_printed_line (const VkPrintoutInfo *info)
{
  g_autofree char *when
      = vk_printout_format_time (info->printed_at != 0 ? info->printed_at : g_get_real_time () / G_USEC_PER_SEC);
  return g_strdup_printf (TXT_PRINTED, when);
}

/* vk-discrepancy-report.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-cbor.h"
#include "vk-discrepancy-report.h"
#include "vk-error.h"
#include "vk-keys.h"
#include "vk-text.h"

/* At most this many evidence entries are printed per finding; the rest
 * are counted.  The journals hold them all. */
#define MAX_EVIDENCE 40

static const char *
severity_name (VkSeverity severity)
{
  switch (severity)
    {
      case VK_SEVERITY_BLOCKING:
        return "Blokerende";
      case VK_SEVERITY_WARNING:
        return "Advarsel";
      case VK_SEVERITY_INFO:
      default:
        return "Til orientering";
    }
}

static void
severity_color (VkSeverity severity, double rgb[3])
{
  static const double blocking[3] = { 0.72, 0.05, 0.1 }, warning[3] = { 0.75, 0.45, 0.0 }, info[3] = { 0.2, 0.35, 0.6 };
  const double *c = severity == VK_SEVERITY_BLOCKING ? blocking : severity == VK_SEVERITY_WARNING ? warning : info;

  memcpy (rgb, c, sizeof blocking);
}

const char *
vk_discrepancy_action (VkSeverity severity)
{
  switch (severity)
    {
      case VK_SEVERITY_BLOCKING:
        return "Resultatet kan ikke godkendes, før afvigelsen er afklaret. Find materialet og journalposterne frem, "
               "afklar årsagen, og lad valgbestyrelsen træffe og journalisere afgørelsen.";
      case VK_SEVERITY_WARNING:
        return "Kontrollér det fysiske materiale mod tallene. Er tallene rigtige, noteres forklaringen; ellers rettes "
               "fejlen med en ny journalpost.";
      case VK_SEVERITY_INFO:
      default:
        return "Til orientering; ingen handling er påkrævet.";
    }
}

static gint
finding_cmp (gconstpointer a, gconstpointer b)
{
  const VkFinding *fa = *(VkFinding *const *)a, *fb = *(VkFinding *const *)b;

  if (fa->severity != fb->severity)
    return fa->severity > fb->severity ? -1 : 1;
  if (fa->rule != fb->rule)
    return fa->rule < fb->rule ? -1 : 1;
  return fa->area < fb->area ? -1 : fa->area > fb->area;
}

/* SHA-256 of the findings as printed: a CBOR array of
 * [rule, severity, area, message_da, [[device, seq]…]]. */
static void
findings_digest (GPtrArray *findings, guint8 ret_digest[32])
{
  g_autoptr (VkCbor) doc = vk_cbor_new_array ();
  g_autoptr (GBytes) bytes = NULL;

  vk_cbor_array_append (doc, vk_cbor_new_text ("valgkit-discrepancies-v1", -1));
  for (guint i = 0; i < findings->len; i++)
    {
      const VkFinding *f = g_ptr_array_index (findings, i);
      VkCbor *row = vk_cbor_new_array ();
      VkCbor *ev = vk_cbor_new_array ();
      vk_cbor_array_append (row, vk_cbor_new_uint (f->rule));
      vk_cbor_array_append (row, vk_cbor_new_uint ((guint64)f->severity));
      vk_cbor_array_append (row, vk_cbor_new_uint (f->area));
      vk_cbor_array_append (row, vk_cbor_new_text (f->message_da != NULL ? f->message_da : "", -1));
      for (guint k = 0; f->evidence != NULL && k < f->evidence->len; k++)
        {
          const VkEvidence *e = g_ptr_array_index (f->evidence, k);
          VkCbor *pair = vk_cbor_new_array ();
          vk_cbor_array_append (pair, vk_cbor_new_text (e->device_id, -1));
          vk_cbor_array_append (pair, vk_cbor_new_uint (e->seq));
          vk_cbor_array_append (ev, pair);
        }
      vk_cbor_array_append (row, ev);
      vk_cbor_array_append (doc, row);
    }
  bytes = vk_cbor_encode (doc);
  vk_sha256 (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), ret_digest);
}

static char *
evidence_text (const VkFinding *f)
{
  GString *s = g_string_new ("Bevis (journalposter): ");

  if (f->evidence == NULL || f->evidence->len == 0)
    {
      g_string_append (s, "ingen enkelte poster");
      return g_string_free (s, FALSE);
    }
  for (guint k = 0; k < f->evidence->len && k < MAX_EVIDENCE; k++)
    {
      const VkEvidence *e = g_ptr_array_index (f->evidence, k);
      g_autofree char *id = vk_text_escape_controls (e->device_id);
      if (k > 0)
        g_string_append (s, ", ");
      if (e->seq == 0)
        g_string_append_printf (s, "%s (hele enheden)", id);
      else
        g_string_append_printf (s, "%s nr. %" G_GUINT64_FORMAT, id, e->seq);
    }
  if (f->evidence->len > MAX_EVIDENCE)
    g_string_append_printf (s, " og %u flere", f->evidence->len - MAX_EVIDENCE);
  return g_string_free (s, FALSE);
}

gboolean
vk_discrepancy_report_write (const VkPrintoutInfo *info, GPtrArray *findings, const char *source, const char *path,
                             GError **error)
{
  g_autoptr (VkPdf) pdf = NULL;
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  g_autofree char *election = NULL, *municipality = NULL, *printed = NULL, *summary = NULL, *hex = NULL;
  g_autofree char *footer = NULL;
  guint counts[3] = { 0, 0, 0 };
  guint8 digest[32];
  double w;

  g_return_val_if_fail (info != NULL && info->election != NULL, FALSE);
  g_return_val_if_fail (findings != NULL && path != NULL, FALSE);

  for (guint i = 0; i < findings->len; i++)
    {
      const VkFinding *f = g_ptr_array_index (findings, i);
      if ((guint)f->severity > VK_SEVERITY_BLOCKING)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Finding %u (D%02u) has an unknown severity %d", i + 1,
                       f->rule, (int)f->severity);
          return FALSE;
        }
      g_ptr_array_add (sorted, (gpointer)f);
      counts[f->severity]++;
    }
  g_ptr_array_sort (sorted, finding_cmp);

  pdf = vk_pdf_new (info, "Afvigelsesrapport", error);
  if (pdf == NULL)
    return FALSE;
  w = vk_pdf_get_width (pdf);
  election = vk_printout_election_title (info->election);
  municipality = vk_printout_municipality_name (info->election);
  printed = vk_printout_printed_line (info);
  {
    const char *lines[]
        = { election, municipality, source != NULL ? source : printed, source != NULL ? printed : NULL, NULL };
    vk_pdf_title (pdf, "Afvigelsesrapport", lines);
  }
  findings_digest (sorted, digest);
  hex = vk_hex_encode (digest, sizeof digest);
  footer = g_strdup_printf ("SHA-256 af afvigelserne: %s", hex);
  vk_pdf_set_footer (pdf, footer);

  vk_pdf_heading (pdf, "Oversigt");
  if (findings->len == 0)
    vk_pdf_paragraph (pdf, VK_PDF_BOLD, 10.5, "Ingen åbne afvigelser.");
  else
    {
      const VkPdfColumn cols[] = { { 0, w - 60, VK_PDF_LEFT }, { w - 60, 60, VK_PDF_RIGHT } };
      const VkSeverity order[] = { VK_SEVERITY_BLOCKING, VK_SEVERITY_WARNING, VK_SEVERITY_INFO };
      for (guint i = 0; i < G_N_ELEMENTS (order); i++)
        {
          g_autofree char *n = g_strdup_printf ("%u", counts[order[i]]);
          const char *cells[] = { severity_name (order[i]), n };
          double rgb[3];
          severity_color (order[i], rgb);
          vk_pdf_set_text_color (pdf, rgb[0], rgb[1], rgb[2]);
          vk_pdf_row (pdf, cols, 2, cells, VK_PDF_BOLD, 10, i % 2 == 1);
        }
      vk_pdf_set_text_color (pdf, 0, 0, 0);
      summary = g_strdup_printf ("Afvigelser i alt: %u. Blokerende afvigelser skal afklares, før resultatet kan "
                                 "godkendes.",
                                 findings->len);
      vk_pdf_space (pdf, 4);
      vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 9, summary);
    }

  if (sorted->len > 0)
    vk_pdf_heading (pdf, "Afvigelser");
  for (guint i = 0; i < sorted->len; i++)
    {
      const VkFinding *f = g_ptr_array_index (sorted, i);
      const VkArea *area = f->area != 0 ? vk_election_lookup_area (info->election, f->area) : NULL;
      g_autofree char *code = g_strdup_printf ("D%02u", f->rule);
      g_autofree char *area_text = NULL, *evidence = evidence_text (f), *action = NULL;
      const VkPdfColumn head_cols[]
          = { { 0, 40, VK_PDF_LEFT }, { 44, 110, VK_PDF_LEFT }, { 158, w - 158, VK_PDF_LEFT } };
      const VkPdfColumn one[] = { { 0, w, VK_PDF_LEFT } };
      double rgb[3], top;
      guint page;

      if (f->area == 0)
        area_text = g_strdup ("Hele kommunen");
      else if (area != NULL)
        area_text = g_strdup_printf ("Afstemningsområde %u: %s", f->area, area->name);
      else
        area_text = g_strdup_printf ("Afstemningsområde %u", f->area);
      action = g_strdup_printf ("Hvad skal gøres: %s", vk_discrepancy_action (f->severity));

      vk_pdf_need (pdf, 90);
      vk_pdf_space (pdf, 6);
      top = vk_pdf_get_y (pdf);
      page = vk_pdf_get_page_number (pdf);
      severity_color (f->severity, rgb);
      vk_pdf_set_text_color (pdf, rgb[0], rgb[1], rgb[2]);
      {
        const char *cells[] = { code, severity_name (f->severity), area_text };
        vk_pdf_row (pdf, head_cols, 3, cells, VK_PDF_BOLD, 10, FALSE);
      }
      vk_pdf_set_text_color (pdf, 0, 0, 0);
      {
        /* Device ids, sources and reasons in a message come from
         * outside: no control character reaches the PDF raw. */
        g_autofree char *message = vk_text_escape_controls (f->message_da);
        const char *cells[] = { message };
        vk_pdf_row (pdf, one, 1, cells, VK_PDF_REGULAR, 9.5, FALSE);
      }
      vk_pdf_set_text_color (pdf, 0.3, 0.3, 0.3);
      {
        const char *cells[] = { evidence };
        vk_pdf_row (pdf, one, 1, cells, VK_PDF_REGULAR, 8, FALSE);
      }
      vk_pdf_set_text_color (pdf, 0, 0, 0);
      {
        const char *cells[] = { action };
        vk_pdf_row (pdf, one, 1, cells, VK_PDF_REGULAR, 8.5, FALSE);
      }
      vk_pdf_side_bar (pdf, page, top, rgb[0], rgb[1], rgb[2]);
      vk_pdf_space (pdf, 2);
      vk_pdf_rule (pdf);
    }

  return vk_pdf_save (pdf, path, error);
}

/* vk-visit-plan.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-printout.h"
#include "vk-visit-plan.h"

static char *
pair_of (const VkHomeRequest *r)
{
  const char *a = r->receivers[0] != NULL ? r->receivers[0] : "?";
  const char *b = r->receivers[1] != NULL ? r->receivers[1] : "?";

  /* The same two people in either order are one pair. */
  return g_utf8_collate (a, b) <= 0 ? g_strdup_printf ("%s og %s", a, b) : g_strdup_printf ("%s og %s", b, a);
}

static int
by_day_pair_time (gconstpointer pa, gconstpointer pb)
{
  const VkHomeRequest *a = *(const VkHomeRequest *const *)pa, *b = *(const VkHomeRequest *const *)pb;
  g_autofree char *x = pair_of (a), *y = pair_of (b);
  int c = g_strcmp0 (a->visit_date, b->visit_date);

  if (c == 0)
    c = g_utf8_collate (x, y);
  if (c == 0)
    c = g_strcmp0 (a->visit_time, b->visit_time);
  if (c == 0)
    c = a->line < b->line ? -1 : a->line > b->line;
  return c;
}

static const char *
place_name (const char *place)
{
  return g_strcmp0 (place, "plejehjem") == 0 ? "Institution" : "Hjemme";
}

gboolean
vk_visit_plan_write (VkPackage *package, GPtrArray *requests, gboolean test, gint64 printed_at, const char *path,
                     guint *ret_planned, GError **error)
{
  const VkElection *election = vk_package_get_election (package);
  VkPrintoutInfo info = { election, vk_package_get_election_id (package), test, printed_at };
  g_autoptr (VkPdf) pdf = NULL;
  g_autoptr (GPtrArray) planned = g_ptr_array_new ();
  g_autoptr (GPtrArray) rest = g_ptr_array_new ();
  g_autofree char *title = NULL, *kommune = NULL, *printed = NULL, *summary = NULL;
  double w;

  g_return_val_if_fail (package != NULL && requests != NULL && path != NULL, FALSE);

  for (guint i = 0; i < requests->len; i++)
    {
      VkHomeRequest *r = g_ptr_array_index (requests, i);
      if (r->visit_date != NULL && !(r->flags & VK_HOME_REFUSED))
        g_ptr_array_add (planned, r);
      else
        g_ptr_array_add (rest, r);
    }
  g_ptr_array_sort (planned, by_day_pair_time);

  pdf = vk_pdf_new (&info, "Besøgsplan, brevstemmer i hjemmet", error);
  if (pdf == NULL)
    return FALSE;
  w = vk_pdf_get_width (pdf);
  title = vk_printout_election_title (election);
  kommune = vk_printout_municipality_name (election);
  printed = vk_printout_printed_line (&info);
  summary = g_strdup_printf ("%u besøg planlagt, %u anmodninger ikke planlagt eller afvist", planned->len, rest->len);
  {
    const char *lines[] = { title, kommune, printed, summary, NULL };
    vk_pdf_title (pdf, "Besøgsplan: brevstemmer i hjemmet", lines);
  }
  vk_pdf_set_footer (pdf, "Besøgsplan fra valgkit: to stemmemodtagere ved hvert besøg (KRVL §§ 60–61)");

  {
    const VkPdfColumn cols[] = {
      { 0, 32, VK_PDF_LEFT },   { 32, 118, VK_PDF_LEFT, TRUE }, { 150, 135, VK_PDF_LEFT, TRUE },
      { 285, 45, VK_PDF_LEFT }, { 330, 55, VK_PDF_LEFT, TRUE }, { 385, w - 385, VK_PDF_LEFT, TRUE },
    };
    const char *head[] = { "Kl.", "Vælger", "Adresse", "Omr./lnr.", "Sted", "Udfald" };
    g_autofree char *group = NULL;

    for (guint i = 0; i < planned->len; i++)
      {
        const VkHomeRequest *r = g_ptr_array_index (planned, i);
        g_autofree char *pair = pair_of (r);
        g_autofree char *key = g_strdup_printf ("%s|%s", r->visit_date, pair);
        g_autoptr (VkVoter) voter = vk_package_lookup_voter (package, r->area, r->loebenummer, NULL);
        g_autofree char *lnr = g_strdup_printf ("%u / %u", r->area, r->loebenummer);
        g_autofree char *note = NULL;
        const char *cells[6];

        if (g_strcmp0 (group, key) != 0)
          {
            g_autofree char *heading = g_strdup_printf ("%s · %s", r->visit_date, pair);
            g_free (group);
            group = g_steal_pointer (&key);
            vk_pdf_heading (pdf, heading);
            vk_pdf_row (pdf, cols, 6, head, VK_PDF_BOLD, 8.5, FALSE);
          }
        cells[0] = r->visit_time != NULL ? r->visit_time : "";
        cells[1] = voter != NULL ? voter->name : "";
        cells[2] = voter != NULL ? voter->address : "";
        cells[3] = lnr;
        cells[4] = place_name (r->place);
        cells[5] = r->outcome != NULL ? r->outcome : "";
        vk_pdf_row (pdf, cols, 6, cells, VK_PDF_REGULAR, 8.5, i % 2 == 1);
        if (r->finding_da != NULL)
          {
            /* What the checks found, under the visit it is about. */
            note = g_strdup_printf ("Bemærk (%s, løbenr. %u): %s", voter != NULL ? voter->name : "?", r->loebenummer,
                                    r->finding_da);
            vk_pdf_paragraph (pdf, VK_PDF_REGULAR, 7.5, note);
          }
        /* The pair signs under its day's visits. */
        {
          const VkHomeRequest *n = i + 1 < planned->len ? g_ptr_array_index (planned, i + 1) : NULL;
          g_autofree char *npair = n != NULL ? pair_of (n) : NULL;
          if (n == NULL || g_strcmp0 (n->visit_date, r->visit_date) != 0 || g_strcmp0 (npair, pair) != 0)
            {
              const char *names[]
                  = { r->receivers[0] != NULL ? r->receivers[0] : "", r->receivers[1] != NULL ? r->receivers[1] : "" };
              vk_pdf_space (pdf, 6);
              vk_pdf_signatures (pdf, names, 2);
            }
        }
      }
  }

  if (rest->len > 0)
    {
      const VkPdfColumn cols[] = {
        { 0, 32, VK_PDF_LEFT }, { 32, 140, VK_PDF_LEFT, TRUE }, { 172, 50, VK_PDF_LEFT }, { 222, w - 222, VK_PDF_LEFT }
      };
      const char *head[] = { "Linje", "Vælger", "Omr./lnr.", "Status" };

      vk_pdf_heading (pdf, "Ikke planlagt eller afvist");
      vk_pdf_row (pdf, cols, 4, head, VK_PDF_BOLD, 8.5, FALSE);
      for (guint i = 0; i < rest->len; i++)
        {
          const VkHomeRequest *r = g_ptr_array_index (rest, i);
          g_autoptr (VkVoter) voter = vk_package_lookup_voter (package, r->area, r->loebenummer, NULL);
          g_autofree char *line = g_strdup_printf ("%u", r->line);
          g_autofree char *lnr = g_strdup_printf ("%u / %u", r->area, r->loebenummer);
          const char *cells[] = { line, voter != NULL ? voter->name : "(ikke på valglisten)", lnr,
                                  r->finding_da != NULL ? r->finding_da : "ikke planlagt endnu" };
          vk_pdf_row (pdf, cols, 4, cells, VK_PDF_REGULAR, 8.5, i % 2 == 1);
        }
    }
  if (ret_planned != NULL)
    *ret_planned = planned->len;
  return vk_pdf_save (pdf, path, error);
}

/* vk-valgliste.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "vk-error.h"
#include "vk-file.h"
#include "vk-fold.h"
#include "vk-journal.h"
#include "vk-paper-pdf.h"
#include "vk-printout.h"
#include "vk-text.h"
#include "vk-valgliste.h"

#define MARGIN_X 40.0
#define TOP 790.0
#define ROW_H 16.0
#define BODY_TOP 720.0

static int
by_loebenummer (gconstpointer a, gconstpointer b)
{
  const VkVoter *va = *(const VkVoter *const *)a, *vb = *(const VkVoter *const *)b;

  return va->loebenummer < vb->loebenummer ? -1 : va->loebenummer > vb->loebenummer;
}

GPtrArray *
vk_valgliste_select (const VkVoterList *voters, guint area, guint table, guint n_tables)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  GPtrArray *part;
  guint from, to;

  for (guint i = 0; i < vk_voter_list_get_length (voters); i++)
    if (vk_voter_list_get (voters, i)->area == area)
      g_ptr_array_add (all, (gpointer)vk_voter_list_get (voters, i));
  g_ptr_array_sort (all, by_loebenummer);
  if (table == 0 || n_tables == 0 || table > n_tables)
    return g_steal_pointer (&all);
  from = (guint)((guint64)all->len * (table - 1) / n_tables);
  to = (guint)((guint64)all->len * table / n_tables);
  part = g_ptr_array_sized_new (to - from);
  for (guint i = from; i < to; i++)
    g_ptr_array_add (part, g_ptr_array_index (all, i));
  return part;
}

/* YYYY-MM-DD → DD-MM-YYYY. */
static char *
danish_date (const char *iso)
{
  if (iso == NULL || strlen (iso) != 10)
    return g_strdup (iso != NULL ? iso : "");
  return g_strdup_printf ("%.2s-%.2s-%.4s", iso + 8, iso + 5, iso);
}

typedef struct
{
  const VkValgliste *opts;
  VkPaper *paper;
  guint n_pages;
  char *area_line; /* "Afstemningsområde 3. Nord · Bord 2 af 4" */
  char *election_line;
  char *printed;
  gboolean test;
} List;

static void
page_frame (List *l, guint page)
{
  VkPaper *p = l->paper;
  g_autofree char *side = g_strdup_printf ("Side %u/%u", page, l->n_pages);
  double top = TOP;

  vk_paper_add_page (p);
  if (l->test)
    {
      vk_paper_fill_rgb (p, 0.75, 0.05, 0.1);
      vk_paper_rect (p, 0, VK_PAPER_A4_HEIGHT - 18, VK_PAPER_A4_WIDTH, 18, TRUE, 0);
      vk_paper_fill_rgb (p, 1, 1, 1);
      vk_paper_text_center (p, TRUE, 9, 0, VK_PAPER_A4_WIDTH, VK_PAPER_A4_HEIGHT - 13,
                            "PRØVEVALG – ikke en gyldig valgliste");
      vk_paper_fill_rgb (p, 0, 0, 0);
      top -= 8;
    }
  vk_paper_text (p, TRUE, 11, MARGIN_X, top, l->opts->marks != NULL ? "Afkrydset valgliste" : "Valgliste");
  vk_paper_text_right (p, TRUE, 11, VK_PAPER_A4_WIDTH - MARGIN_X, top, side);
  vk_paper_text_fit (p, FALSE, 9, MARGIN_X, top - 14, 400, l->area_line);
  vk_paper_fill_rgb (p, 0.35, 0.35, 0.35);
  vk_paper_text_right (p, FALSE, 8, VK_PAPER_A4_WIDTH - MARGIN_X, top - 14, l->election_line);
  vk_paper_text (p, FALSE, 7, MARGIN_X, 30, l->printed);
  if (l->test)
    {
      vk_paper_fill_rgb (p, 0.75, 0.05, 0.1);
      vk_paper_text_right (p, TRUE, 8, VK_PAPER_A4_WIDTH - MARGIN_X, 30, "PRØVEVALG");
    }
  vk_paper_fill_rgb (p, 0, 0, 0);
  vk_paper_line (p, MARGIN_X, top - 20, VK_PAPER_A4_WIDTH - MARGIN_X, top - 20, 0.6, 0.3, FALSE);
}

static void
cover (List *l, GPtrArray *voters)
{
  VkPaper *p = l->paper;
  const VkValgliste *o = l->opts;
  g_autofree char *n = vk_printout_format_number (voters->len);
  g_autofree char *pages = g_strdup_printf ("%u", l->n_pages - 1);
  g_autofree char *range = NULL;
  double y = 640, x2 = MARGIN_X + 250;

  page_frame (l, 1);
  vk_paper_text (p, TRUE, 22, MARGIN_X, 690, o->marks != NULL ? "Afkrydset valgliste" : "Valgliste");
  vk_paper_text (p, FALSE, 12, MARGIN_X, 668, l->area_line);
  if (voters->len > 0)
    range = g_strdup_printf ("%u–%u", ((const VkVoter *)g_ptr_array_index (voters, 0))->loebenummer,
                             ((const VkVoter *)g_ptr_array_index (voters, voters->len - 1))->loebenummer);
  else
    range = g_strdup ("–");
  vk_paper_text (p, FALSE, 11, MARGIN_X, y, "Vælgere på listen i alt");
  vk_paper_text (p, TRUE, 11, x2, y, n);
  y -= 18;
  vk_paper_text (p, FALSE, 11, MARGIN_X, y, "Løbenumre");
  vk_paper_text (p, TRUE, 11, x2, y, range);
  y -= 18;
  vk_paper_text (p, FALSE, 11, MARGIN_X, y, "Sider med vælgere");
  vk_paper_text (p, TRUE, 11, x2, y, pages);
  y -= 18;
  if (o->marks != NULL)
    {
      guint marked = 0;
      g_autofree char *when = vk_printout_format_time ((gint64)(o->marked_at_ms / 1000));
      g_autofree char *m = NULL, *rest = NULL;

      for (guint i = 0; i < voters->len; i++)
        if (g_hash_table_contains (o->marks,
                                   GUINT_TO_POINTER (((const VkVoter *)g_ptr_array_index (voters, i))->loebenummer)))
          marked++;
      m = vk_printout_format_number (marked);
      rest = vk_printout_format_number (voters->len - marked);
      vk_paper_text (p, FALSE, 11, MARGIN_X, y, "Afkrydset pr.");
      vk_paper_text (p, TRUE, 11, x2, y, when);
      y -= 18;
      vk_paper_text (p, FALSE, 11, MARGIN_X, y, "Afkrydsede vælgere");
      vk_paper_text (p, TRUE, 11, x2, y, m);
      y -= 18;
      vk_paper_text (p, FALSE, 11, MARGIN_X, y, "Ikke afkrydsede vælgere");
      vk_paper_text (p, TRUE, 11, x2, y, rest);
      y -= 30;
      y = vk_paper_paragraph (p, FALSE, 10, MARGIN_X, y, VK_PAPER_A4_WIDTH - 2 * MARGIN_X, 13,
                              "Listen viser de vælgere, der ifølge journalerne var afkrydset på det angivne "
                              "tidspunkt (klokkeslæt for afkrydsning ved bordet, \"brev\" for en godkendt "
                              "brevstemme). Fortsæt afkrydsningen i den tomme rubrik. Afkrydsningerne skrives "
                              "bagefter ind med valgkit paper-checkins, så optællingen og afstemningsbogen "
                              "kommer med.");
    }
  else
    {
      y -= 12;
      y = vk_paper_paragraph (p, FALSE, 10, MARGIN_X, y, VK_PAPER_A4_WIDTH - 2 * MARGIN_X, 13,
                              "Papirvalglisten bruges, når de bærbare ikke kan bruges. Vælgeren findes på "
                              "løbenummeret fra valgkortet; kontrollér fødselsdatoen og sæt kryds i rubrikken. "
                              "De afkrydsede løbenumre skrives bagefter ind med valgkit paper-checkins, så "
                              "optællingen og afstemningsbogen kommer med.");
    }
  y -= 30;
  vk_paper_text (p, FALSE, 10, MARGIN_X, y, "Valgstyrer: ______________________________");
  vk_paper_text (p, FALSE, 10, MARGIN_X + 290, y, "Dato og kl.: ________________");
}

gboolean
vk_valgliste_write (const VkValgliste *self, GPtrArray *voters, const char *path, GError **error)
{
  g_autoptr (VkPaper) paper = NULL;
  const VkArea *area;
  g_autofree char *title = NULL, *kommune = NULL;
  List l = { 0 };
  guint body_pages;
  gboolean ok;
  static const double cx[] = { MARGIN_X, MARGIN_X + 50, MARGIN_X + 230, MARGIN_X + 410, MARGIN_X + 470 };

  g_return_val_if_fail (self != NULL && self->election != NULL && voters != NULL && path != NULL, FALSE);

  paper = vk_paper_new (error);
  if (paper == NULL)
    return FALSE;
  area = vk_election_lookup_area (self->election, self->area);
  title = vk_printout_election_title (self->election);
  kommune = vk_printout_municipality_name (self->election);
  l.opts = self;
  l.paper = paper;
  l.test = self->test || vk_printout_election_is_test (self->election);
  body_pages = (voters->len + VK_VALGLISTE_ROWS_PER_PAGE - 1) / VK_VALGLISTE_ROWS_PER_PAGE;
  l.n_pages = 1 + body_pages;
  {
    g_autofree char *name = area != NULL && area->name != NULL && *area->name != '\0'
                                ? g_strdup_printf ("Afstemningsområde %u. %s", self->area, area->name)
                                : g_strdup_printf ("Afstemningsområde %u", self->area);
    l.area_line = self->table > 0 && self->n_tables > 0
                      ? g_strdup_printf ("%s · bord %u af %u", name, self->table, self->n_tables)
                      : g_steal_pointer (&name);
  }
  l.election_line = g_strdup_printf ("%s · %s", kommune, title);
  {
    VkPrintoutInfo info = { .election = self->election, .printed_at = self->printed_at };
    l.printed = vk_printout_printed_line (&info);
  }

  cover (&l, voters);
  for (guint page = 0; page < body_pages; page++)
    {
      double y = BODY_TOP;

      page_frame (&l, page + 2);
      vk_paper_text (paper, TRUE, 8.5, cx[0], y, "Løbenr.");
      vk_paper_text (paper, TRUE, 8.5, cx[1], y, "Navn");
      vk_paper_text (paper, TRUE, 8.5, cx[2], y, "Adresse");
      vk_paper_text (paper, TRUE, 8.5, cx[3], y, "Født");
      vk_paper_text (paper, TRUE, 8.5, cx[4], y, self->marks != NULL ? "Afkrydset" : "Kryds");
      y -= 6;
      vk_paper_line (paper, MARGIN_X, y, VK_PAPER_A4_WIDTH - MARGIN_X, y, 0.6, 0.2, FALSE);
      for (guint r = 0; r < VK_VALGLISTE_ROWS_PER_PAGE; r++)
        {
          guint i = page * VK_VALGLISTE_ROWS_PER_PAGE + r;
          const VkVoter *v;
          g_autofree char *lnr = NULL, *born = NULL;
          const char *mark;

          if (i >= voters->len)
            break;
          v = g_ptr_array_index (voters, i);
          lnr = g_strdup_printf ("%u", v->loebenummer);
          born = danish_date (v->birth_date);
          y -= ROW_H;
          if (r % 2 == 1)
            {
              vk_paper_fill_rgb (paper, 0.94, 0.94, 0.94);
              vk_paper_rect (paper, MARGIN_X, y - 4, VK_PAPER_A4_WIDTH - 2 * MARGIN_X, ROW_H, TRUE, 0);
              vk_paper_fill_rgb (paper, 0, 0, 0);
            }
          vk_paper_text_right (paper, TRUE, 9, cx[1] - 12, y, lnr);
          vk_paper_text_fit (paper, FALSE, 9, cx[1], y, cx[2] - cx[1] - 6, v->name);
          vk_paper_text_fit (paper, FALSE, 8, cx[2], y, cx[3] - cx[2] - 6, v->address);
          vk_paper_text (paper, FALSE, 8, cx[3], y, born);
          vk_paper_rect (paper, cx[4], y - 3, 12, 12, FALSE, 0.6);
          mark = self->marks != NULL ? g_hash_table_lookup (self->marks, GUINT_TO_POINTER (v->loebenummer)) : NULL;
          if (mark != NULL)
            {
              vk_paper_text (paper, TRUE, 9, cx[4] + 2.5, y, "X");
              vk_paper_text (paper, FALSE, 8, cx[4] + 18, y, mark);
            }
        }
    }
  ok = vk_paper_save (paper, path, error);
  g_free (l.area_line);
  g_free (l.election_line);
  g_free (l.printed);
  return ok;
}

gboolean
vk_valgliste_parse_at (const VkElection *election, const char *hhmm, guint64 *ret_ms, GError **error)
{
  int y = 0, m = 0, d = 0, hh = -1, mm = -1;
  char tail = 0;
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) dt = NULL;

  if (hhmm == NULL || sscanf (hhmm, "%d:%d%c", &hh, &mm, &tail) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59)
    {
      g_autofree char *shown = vk_text_escape_controls (hhmm != NULL ? hhmm : "");
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "\"%s\" is not a time HH:MM", shown);
      return FALSE;
    }
  if (election->date == NULL || sscanf (election->date, "%d-%d-%d", &y, &m, &d) != 3)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "The election has no date");
      return FALSE;
    }
  if (y <= 31)
    {
      int t = y;
      y = d;
      d = t;
    }
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  dt = g_date_time_new (tz, y, m, d, hh, mm, 0);
  if (dt == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "The election date %s is not a date", election->date);
      return FALSE;
    }
  /* Up to and including the whole minute HH:MM. */
  *ret_ms = (guint64)g_date_time_to_unix (dt) * 1000 + 59999;
  return TRUE;
}

typedef struct
{
  GHashTable *marks;
} MarkCtx;

static char *
hhmm_of (guint64 ms)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(ms / 1000));
  g_autoptr (GDateTime) dt = tz != NULL ? g_date_time_to_timezone (utc, tz) : g_date_time_ref (utc);

  return g_date_time_format (dt, "%H.%M");
}

static void
standing_cb (guint area, guint loebenummer, const VkFoldCheckin *checkins, guint n_checkins, gpointer user_data)
{
  MarkCtx *ctx = user_data;

  (void)area;
  if (n_checkins == 0)
    return;
  g_hash_table_insert (ctx->marks, GUINT_TO_POINTER (loebenummer), hhmm_of (checkins[0].time_ms));
}

static void
brevstemme_cb (const VkFoldBrevstemme *b, gpointer user_data)
{
  MarkCtx *ctx = user_data;

  if (b->accepted && !b->cancelled && !g_hash_table_contains (ctx->marks, GUINT_TO_POINTER (b->loebenummer)))
    g_hash_table_insert (ctx->marks, GUINT_TO_POINTER (b->loebenummer), g_strdup ("brev"));
}

VkFold *
vk_valgliste_fold_entries (VkPackage *package, GPtrArray *journals, guint64 at_ms, GError **error)
{
  g_autoptr (VkFold) fold = vk_fold_new (package, error);

  if (fold == NULL)
    return NULL;
  for (guint i = 0; i < journals->len; i++)
    {
      GPtrArray *entries = g_ptr_array_index (journals, i);

      /* Entries of a device are in time order (monotonic): what came
       * after at_ms is left out, the rest folded as the station did. */
      for (guint j = 0; j < entries->len; j++)
        {
          const VkEntry *e = g_ptr_array_index (entries, j);
          if (e->time_ms > at_ms)
            break;
          vk_fold_add_entry (fold, e);
        }
    }
  return g_steal_pointer (&fold);
}

VkFold *
vk_valgliste_fold_journals (VkPackage *package, const char *dir, guint64 at_ms, GError **error)
{
  g_autoptr (GPtrArray) names = vk_file_list_dir (dir, ".vkj", error);
  g_autoptr (GPtrArray) journals = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);

  if (names == NULL)
    return NULL;
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr (GPtrArray) entries = vk_journal_read_file (path, error);
      VkVerifyReport report;

      if (entries == NULL
          || !vk_journal_verify (entries, vk_package_get_election_id (package), vk_package_device_lookup, package,
                                 VK_VERIFY_DEFAULT, &report, error))
        {
          g_autofree char *shown = vk_text_escape_controls (path);
          g_prefix_error (error, "%s: ", shown);
          return NULL;
        }
      g_ptr_array_add (journals, g_steal_pointer (&entries));
    }
  return vk_valgliste_fold_entries (package, journals, at_ms, error);
}

GHashTable *
vk_valgliste_marks_from_fold (VkFold *fold, guint area)
{
  GHashTable *marks = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  MarkCtx ctx = { marks };

  vk_fold_foreach_standing (fold, area, standing_cb, &ctx);
  vk_fold_foreach_brevstemme (fold, area, brevstemme_cb, &ctx);
  return marks;
}

GHashTable *
vk_valgliste_marks_from_journals (VkPackage *package, guint area, const char *dir, guint64 at_ms, GError **error)
{
  g_autoptr (VkFold) fold = vk_valgliste_fold_journals (package, dir, at_ms, error);

  if (fold == NULL)
    return NULL;
  return vk_valgliste_marks_from_fold (fold, area);
}

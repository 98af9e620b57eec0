/* vk-valgkort-print.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "vk-brevstemme-window.h"
#include "vk-error.h"
#include "vk-paper-marks.h"
#include "vk-paper-pdf.h"
#include "vk-printout.h"
#include "vk-valgkort-print.h"
#include "vk-valgkort.h"
#include "vk-valgliste.h"

/* An A5 card is half an A4 sheet, landscape. */
#define CARD_W VK_PAPER_A4_WIDTH
#define CARD_H (VK_PAPER_A4_HEIGHT / 2)
#define MARGIN 30.0
#define QR_SIDE 96.0
#define DEFAULT_HOURS "kl. 8.00–20.00"

static const char *const month_names[] = { "januar", "februar", "marts",     "april",   "maj",      "juni",
                                           "juli",   "august",  "september", "oktober", "november", "december" };
static const char *const weekday_names[]
    = { "", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag" };

void
vk_polling_place_free (VkPollingPlace *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->address);
  g_free (self);
}

/* ---- the polling places CSV ---------------------------------------------- */

static gint
column_of (GPtrArray *header, const char *const *names)
{
  for (guint i = 0; i < header->len; i++)
    for (const char *const *n = names; *n != NULL; n++)
      if (g_ascii_strcasecmp (g_ptr_array_index (header, i), *n) == 0
          || g_utf8_collate (g_ptr_array_index (header, i), *n) == 0)
        return (gint)i;
  return -1;
}

GHashTable *
vk_polling_places_parse (const char *name, const char *data, gsize len, const VkElection *election, GError **error)
{
  static const char *const area_names[] = { "afstemningsomraade", "afstemningsområde", "omraade", "område", NULL };
  static const char *const place_names[] = { "afstemningssted", "sted", NULL };
  static const char *const address_names[] = { "adresse", NULL };
  g_autoptr (GHashTable) places
      = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)vk_polling_place_free);
  g_autoptr (VkCsvReader) reader = vk_csv_reader_new (name, data, len);
  g_autoptr (GPtrArray) header = NULL;
  gint c_area, c_place, c_address;

  header = vk_csv_reader_next (reader, error);
  if (header == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:1: empty file: a header row is needed", name);
      return NULL;
    }
  c_area = column_of (header, area_names);
  c_place = column_of (header, place_names);
  c_address = column_of (header, address_names);
  if (c_area < 0 || c_place < 0 || c_address < 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s:1: the header must name the columns afstemningsomraade, afstemningssted and adresse", name);
      return NULL;
    }
  for (;;)
    {
      g_autoptr (GPtrArray) row = NULL;
      g_autoptr (GError) local = NULL;
      VkPollingPlace *place;
      guint64 area = 0;
      const char *area_text, *place_text;

      row = vk_csv_reader_next (reader, &local);
      if (row == NULL)
        {
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          break;
        }
      if (row->len != header->len)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: %u fields, the header has %u", name,
                       vk_csv_reader_get_line (reader), row->len, header->len);
          return NULL;
        }
      area_text = g_ptr_array_index (row, c_area);
      place_text = g_ptr_array_index (row, c_place);
      if (!g_ascii_string_to_unsigned (area_text, 10, 1, VK_VALGKORT_MAX_AREA, &area, NULL))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: afstemningsomraade \"%s\" is not a number 1–%u", name,
                       vk_csv_reader_get_line (reader), area_text, VK_VALGKORT_MAX_AREA);
          return NULL;
        }
      if (election != NULL && vk_election_lookup_area (election, (guint)area) == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: area %u is not an area of the election", name,
                       vk_csv_reader_get_line (reader), (guint)area);
          return NULL;
        }
      if (*place_text == '\0')
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: afstemningssted is empty", name,
                       vk_csv_reader_get_line (reader));
          return NULL;
        }
      if (g_hash_table_contains (places, GUINT_TO_POINTER ((guint)area)))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: area %u is given twice", name,
                       vk_csv_reader_get_line (reader), (guint)area);
          return NULL;
        }
      place = g_new0 (VkPollingPlace, 1);
      place->area = (guint)area;
      place->name = g_strdup (place_text);
      place->address = g_strdup (g_ptr_array_index (row, c_address));
      g_hash_table_insert (places, GUINT_TO_POINTER (place->area), place);
    }
  return g_steal_pointer (&places);
}

/* ---- the mailing order --------------------------------------------------- */

typedef struct
{
  char *street; /* folded */
  guint64 number;
  const char *rest; /* borrowed: the house letter and what follows */
} AddressKey;

/* "Østergade 14B, 2. th., 8000 Aarhus": the street is what comes before
 * the first word that starts with a digit. */
static void
address_key (const char *address, AddressKey *key)
{
  const char *p = address != NULL ? address : "";
  const char *num = NULL;

  for (const char *q = p; *q != '\0'; q++)
    if (g_ascii_isdigit (*q) && (q == p || q[-1] == ' '))
      {
        num = q;
        break;
      }
  if (num == NULL)
    {
      g_autofree char *s = g_strstrip (g_strdup (p));
      key->street = g_utf8_casefold (s, -1);
      key->number = 0;
      key->rest = "";
      return;
    }
  {
    g_autofree char *s = g_strstrip (g_strndup (p, (gsize)(num - p)));
    key->street = g_utf8_casefold (s, -1);
  }
  key->number = g_ascii_strtoull (num, (char **)&key->rest, 10);
}

int
vk_valgkort_mailing_compare (const VkVoter *a, const VkVoter *b)
{
  AddressKey ka, kb;
  int c;

  if (a->area != b->area)
    return a->area < b->area ? -1 : 1;
  address_key (a->address, &ka);
  address_key (b->address, &kb);
  c = strcmp (ka.street, kb.street);
  if (c == 0 && ka.number != kb.number)
    c = ka.number < kb.number ? -1 : 1;
  if (c == 0)
    c = strcmp (ka.rest, kb.rest);
  g_free (ka.street);
  g_free (kb.street);
  if (c != 0)
    return c < 0 ? -1 : 1;
  return a->loebenummer < b->loebenummer ? -1 : a->loebenummer > b->loebenummer;
}

static int
mailing_compare_ptr (gconstpointer a, gconstpointer b)
{
  return vk_valgkort_mailing_compare (*(const VkVoter *const *)a, *(const VkVoter *const *)b);
}

void
vk_valgkort_sort_for_mailing (GPtrArray *voters)
{
  g_ptr_array_sort (voters, mailing_compare_ptr);
}

/* ---- the card ------------------------------------------------------------ */

static GDate *
election_date (const VkElection *election)
{
  int y = 0, m = 0, d = 0;

  if (election->date == NULL || sscanf (election->date, "%d-%d-%d", &y, &m, &d) != 3)
    return NULL;
  if (y <= 31)
    {
      int t = y;
      y = d;
      d = t;
    }
  if (!g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y))
    return NULL;
  return g_date_new_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

char *
vk_valgkort_print_day (const VkElection *election)
{
  g_autoptr (GDate) date = election_date (election);

  if (date == NULL)
    return g_strdup (election->date != NULL ? election->date : "");
  return g_strdup_printf ("%s den %u. %s %u", weekday_names[g_date_get_weekday (date)], g_date_get_day (date),
                          month_names[g_date_get_month (date) - 1], g_date_get_year (date));
}

/* "28. oktober 2025" of a time in ms, Danish time. */
static char *
day_of_ms (guint64 ms)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) dt = NULL;

  dt = g_date_time_new_from_unix_utc ((gint64)(ms / 1000));
  if (tz != NULL)
    {
      GDateTime *local = g_date_time_to_timezone (dt, tz);
      g_date_time_unref (dt);
      dt = local;
    }
  return g_strdup_printf ("%d. %s %d", g_date_time_get_day_of_month (dt), month_names[g_date_time_get_month (dt) - 1],
                          g_date_time_get_year (dt));
}

typedef struct
{
  const VkValgkortPrint *opts;
  guint municipality;
  char *title;      /* "Kommunalvalg 18. november 2025" */
  char *kommune;    /* "Aarhus Kommune" */
  char *day;        /* "tirsdag den 18. november 2025" */
  char *brevstemme; /* the paragraph on postal voting */
  gboolean test;
} Card;

/* Splits "Østergade 14, 2. th., 8000 Aarhus" before the postcode, so the
 * town is on a line of its own as on a letter. */
static void
address_lines (const char *address, char **ret_street, char **ret_town)
{
  const char *p = address != NULL ? address : "";
  const char *cut = NULL;

  for (const char *q = strstr (p, ", "); q != NULL; q = strstr (q + 2, ", "))
    if (g_ascii_isdigit (q[2]) && g_ascii_isdigit (q[3]) && g_ascii_isdigit (q[4]) && g_ascii_isdigit (q[5])
        && q[6] == ' ')
      cut = q;
  if (cut == NULL)
    {
      *ret_street = g_strdup (p);
      *ret_town = g_strdup ("");
      return;
    }
  *ret_street = g_strndup (p, (gsize)(cut - p));
  *ret_town = g_strdup (cut + 2);
}

static gboolean
draw_card (VkPaper *paper, const Card *card, const VkVoter *voter, double y0, GError **error)
{
  const VkElection *election = card->opts->election;
  const VkArea *area = vk_election_lookup_area (election, voter->area);
  const VkPollingPlace *place
      = card->opts->places != NULL ? g_hash_table_lookup (card->opts->places, GUINT_TO_POINTER (voter->area)) : NULL;
  g_autofree char *code = vk_valgkort_format (card->municipality, voter->area, voter->loebenummer);
  g_autofree char *lnr = g_strdup_printf ("%u", voter->loebenummer);
  g_autofree char *area_text = NULL, *street = NULL, *town = NULL, *when = NULL;
  double top = y0 + CARD_H - MARGIN, y, right = CARD_W - MARGIN, col2 = 330;

  if (code == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "No valgkort code for area %u, løbenummer %u (kommunekode %u): a field is out of range", voter->area,
                   voter->loebenummer, card->municipality);
      return FALSE;
    }
  area_text = area != NULL && area->name != NULL && *area->name != '\0'
                  ? g_strdup_printf ("%u. %s", voter->area, area->name)
                  : g_strdup_printf ("%u", voter->area);

  if (card->test)
    {
      vk_paper_fill_rgb (paper, 0.75, 0.05, 0.1);
      vk_paper_rect (paper, 0, y0 + CARD_H - 20, CARD_W, 20, TRUE, 0);
      vk_paper_fill_rgb (paper, 1, 1, 1);
      vk_paper_text_center (paper, TRUE, 10, 0, CARD_W, y0 + CARD_H - 14, "PRØVEVALG – ikke et gyldigt valgkort");
      vk_paper_fill_rgb (paper, 0, 0, 0);
      top -= 8;
    }

  /* Head: what it is, which election, which municipality. */
  vk_paper_text (paper, TRUE, 22, MARGIN, top - 18, "VALGKORT");
  vk_paper_text_right (paper, TRUE, 11, right, top - 8, card->title);
  vk_paper_text_right (paper, FALSE, 10, right, top - 22, card->kommune);
  vk_paper_line (paper, MARGIN, top - 30, right, top - 30, 0.8, 0.3, FALSE);

  /* The voter, as on a letter's window. */
  y = top - 52;
  address_lines (voter->address, &street, &town);
  vk_paper_text_fit (paper, TRUE, 12, MARGIN, y, col2 - MARGIN - 12, voter->name);
  vk_paper_text_fit (paper, FALSE, 11, MARGIN, y - 15, col2 - MARGIN - 12, street);
  vk_paper_text_fit (paper, FALSE, 11, MARGIN, y - 29, col2 - MARGIN - 12, town);

  /* The number on the valgliste and the area. */
  vk_paper_fill_rgb (paper, 0.35, 0.35, 0.35);
  vk_paper_text (paper, FALSE, 8, col2, y + 6, "Nr. på valglisten");
  vk_paper_text (paper, FALSE, 8, col2 + 110, y + 6, "Afstemningsområde");
  vk_paper_fill_rgb (paper, 0, 0, 0);
  vk_paper_text (paper, TRUE, 22, col2, y - 18, lnr);
  vk_paper_text_fit (paper, TRUE, 11, col2 + 110, y - 14, right - col2 - 110, area_text);

  /* Where and when. */
  y = top - 112;
  vk_paper_line (paper, MARGIN, y + 14, right, y + 14, 0.4, 0.6, FALSE);
  vk_paper_fill_rgb (paper, 0.35, 0.35, 0.35);
  vk_paper_text (paper, FALSE, 8, MARGIN, y, "Afstemningssted");
  vk_paper_text (paper, FALSE, 8, col2, y, "Valgdag og åbningstid");
  vk_paper_fill_rgb (paper, 0, 0, 0);
  vk_paper_text_fit (paper, TRUE, 11, MARGIN, y - 15, col2 - MARGIN - 12, place != NULL ? place->name : area_text);
  vk_paper_text_fit (paper, FALSE, 10, MARGIN, y - 29, col2 - MARGIN - 12,
                     place != NULL ? place->address : "Se kommunens hjemmeside");
  when = g_strdup_printf ("Åbent %s", card->opts->hours != NULL ? card->opts->hours : DEFAULT_HOURS);
  vk_paper_text_fit (paper, TRUE, 11, col2, y - 15, right - col2, card->day);
  vk_paper_text_fit (paper, FALSE, 10, col2, y - 29, right - col2, when);

  /* What to do. */
  y = top - 162;
  vk_paper_line (paper, MARGIN, y + 14, right, y + 14, 0.4, 0.6, FALSE);
  y = vk_paper_paragraph (paper, FALSE, 8.5, MARGIN, y, right - MARGIN - QR_SIDE - 16, 11,
                          "Tag valgkortet med, når du stemmer. Du kan stemme uden valgkort, hvis du viser "
                          "legitimation. Ved bordet scannes koden, og du bliver spurgt om din fødselsdato.");
  y -= 5;
  vk_paper_text (paper, TRUE, 8.5, MARGIN, y, "Brevstemme");
  y -= 11;
  vk_paper_paragraph (paper, FALSE, 8, MARGIN, y, right - MARGIN - QR_SIDE - 16, 10, card->brevstemme);

  /* The code the station reads, and its readable form for typing in. */
  if (!vk_paper_qr (paper, code, right - QR_SIDE, y0 + MARGIN + QR_SIDE + 8, QR_SIDE, error))
    return FALSE;
  vk_paper_text_center (paper, FALSE, 8, right - QR_SIDE, QR_SIDE, y0 + MARGIN, code);
  if (card->test)
    {
      vk_paper_fill_rgb (paper, 0.75, 0.05, 0.1);
      vk_paper_text (paper, TRUE, 8, MARGIN, y0 + MARGIN - 10, "PRØVEVALG");
      vk_paper_fill_rgb (paper, 0, 0, 0);
    }
  return TRUE;
}

gboolean
vk_valgkort_print_write (const VkValgkortPrint *self, GPtrArray *voters, const char *path, GError **error)
{
  g_autoptr (VkPaper) paper = NULL;
  Card card = { 0 };
  guint64 code = 0, first_ms = 0, last_ms = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (self != NULL && self->election != NULL && voters != NULL && path != NULL, FALSE);

  if (self->election->municipality_code == NULL
      || !g_ascii_string_to_unsigned (self->election->municipality_code, 10, 1, VK_VALGKORT_MAX_MUNICIPALITY, &code,
                                      NULL))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "The election has no kommunekode (\"%s\"): it is part of every valgkort's code",
                   self->election->municipality_code != NULL ? self->election->municipality_code : "");
      return FALSE;
    }
  if (voters->len > VK_VALGKORT_MAX_CARDS_PER_FILE)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%u valgkort are more than one file holds (%u): write one file per area (a folder as --out)",
                   voters->len, VK_VALGKORT_MAX_CARDS_PER_FILE);
      return FALSE;
    }
  paper = vk_paper_new (error);
  if (paper == NULL)
    return FALSE;
  card.opts = self;
  card.municipality = (guint)code;
  card.title = vk_printout_election_title (self->election);
  card.kommune = vk_printout_municipality_name (self->election);
  card.day = vk_valgkort_print_day (self->election);
  card.test = self->test || vk_printout_election_is_test (self->election);
  if (vk_brevstemme_window_for_election (self->election, &first_ms, &last_ms))
    {
      g_autofree char *first = day_of_ms (first_ms), *last = day_of_ms (last_ms);
      card.brevstemme = g_strdup_printf (
          "Kan du ikke stemme på valgdagen, kan du brevstemme på ethvert borgerservice i landet fra %s til og med %s. "
          "Medbring legitimation. Kan du på grund af sygdom eller handicap ikke komme til borgerservice, kan du søge "
          "kommunen om at brevstemme i dit hjem eller på din institution. Kontakt kommunen i god tid.",
          first, last);
    }
  else
    card.brevstemme = g_strdup (
        "Kan du ikke stemme på valgdagen, kan du brevstemme på ethvert borgerservice i landet. Medbring legitimation. "
        "Kan du på grund af sygdom eller handicap ikke komme til borgerservice, kan du søge kommunen om at brevstemme "
        "i dit hjem eller på din institution.");

  for (guint i = 0; i < voters->len; i++)
    {
      const VkVoter *v = g_ptr_array_index (voters, i);
      gboolean top = i % 2 == 0;

      if (top)
        {
          vk_paper_add_page (paper);
          /* The fold and cut line between the two A5 cards. */
          vk_paper_line (paper, 12, CARD_H, CARD_W - 12, CARD_H, 0.5, 0.5, TRUE);
        }
      if (!draw_card (paper, &card, v, top ? CARD_H : 0, error))
        goto out;
      if (self->progress != NULL && (!top || i + 1 == voters->len))
        self->progress (i + 1, voters->len, self->progress_data);
    }
  if (voters->len == 0)
    vk_paper_add_page (paper);
  ok = vk_paper_save (paper, path, error);
out:
  g_free (card.title);
  g_free (card.kommune);
  g_free (card.day);
  g_free (card.brevstemme);
  return ok;
}

gboolean
vk_paper_print_area (VkPackage *package, guint area, const char *dir, GError **error)
{
  const VkElection *election = vk_package_get_election (package);
  g_autoptr (VkVoterList) list = NULL;
  g_autoptr (GPtrArray) cards = NULL, rows = NULL;
  g_autofree char *kort_name = NULL, *kort_path = NULL, *liste_name = NULL, *liste_path = NULL;
  VkValgkortPrint print = { 0 };
  VkValgliste liste = { 0 };

  if (area == 0 && election->areas->len > 0)
    area = ((const VkArea *)g_ptr_array_index (election->areas, 0))->number;
  if (vk_election_lookup_area (election, area) == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "Area %u is not an area of the election", area);
      return FALSE;
    }
  list = vk_package_dup_voters (package, area, error);
  if (list == NULL)
    return FALSE;
  cards = g_ptr_array_sized_new (vk_voter_list_get_length (list));
  for (guint i = 0; i < vk_voter_list_get_length (list); i++)
    g_ptr_array_add (cards, (gpointer)vk_voter_list_get (list, i));
  vk_valgkort_sort_for_mailing (cards);
  kort_name = g_strdup_printf ("valgkort-omraade-%02u.pdf", area);
  kort_path = g_build_filename (dir, kort_name, NULL);
  print.election = election;
  if (!vk_valgkort_print_write (&print, cards, kort_path, error))
    return FALSE;
  rows = vk_valgliste_select (list, area, 0, 0);
  liste_name = g_strdup_printf ("valgliste-omraade-%02u.pdf", area);
  liste_path = g_build_filename (dir, liste_name, NULL);
  liste.election = election;
  liste.area = area;
  return vk_valgliste_write (&liste, rows, liste_path, error);
}

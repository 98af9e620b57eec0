/* vk-home-visit.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "vk-brevstemme-window.h"
#include "vk-error.h"
#include "vk-home-visit.h"
#include "vk-paper-marks.h"
#include "vk-text.h"
#include "vk-valgkort.h"

void
vk_home_request_free (VkHomeRequest *self)
{
  if (self == NULL)
    return;
  g_free (self->channel);
  g_free (self->place);
  g_free (self->visit_date);
  g_free (self->visit_time);
  g_free (self->receivers[0]);
  g_free (self->receivers[1]);
  g_free (self->outcome);
  g_free (self->device);
  g_free (self->finding_da);
  g_free (self);
}

static GTimeZone *
danish_tz (void)
{
  GTimeZone *tz = g_time_zone_new_identifier ("Europe/Copenhagen");

  return tz != NULL ? tz : g_time_zone_new_utc ();
}

static gboolean
parse_iso_date (const char *text, int *y, int *m, int *d)
{
  char tail = 0;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d%c", y, m, d, &tail) != 3)
    return FALSE;
  return g_date_valid_dmy ((GDateDay)*d, (GDateMonth)*m, (GDateYear)*y);
}

gboolean
vk_home_request_deadline_for_election (const VkElection *election, guint64 *ret_deadline_ms)
{
  int y, m, d;
  g_autoptr (GTimeZone) tz = danish_tz ();
  g_autoptr (GDateTime) day = NULL;
  g_autoptr (GDateTime) deadline = NULL;

  if (election == NULL || !parse_iso_date (election->date, &y, &m, &d))
    return FALSE;
  day = g_date_time_new (tz, y, m, d, VK_HOME_REQUEST_DEADLINE_HOUR, 0, 0);
  deadline = g_date_time_add_days (day, -VK_HOME_REQUEST_DEADLINE_DAYS);
  *ret_deadline_ms = (guint64)g_date_time_to_unix (deadline) * 1000;
  return TRUE;
}

static gint
column (GPtrArray *header, const char *name)
{
  for (guint i = 0; i < header->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (header, i), name) == 0)
      return (gint)i;
  return -1;
}

static const char *
field (GPtrArray *row, gint c)
{
  const char *v;

  if (c < 0 || (guint)c >= row->len)
    return NULL;
  v = g_ptr_array_index (row, c);
  return *v != '\0' ? v : NULL;
}

static gboolean
is_one_of (const char *v, const char *const *set)
{
  for (; *set != NULL; set++)
    if (g_strcmp0 (v, *set) == 0)
      return TRUE;
  return FALSE;
}

GPtrArray *
vk_home_requests_parse (const char *name, const char *data, gsize len, GError **error)
{
  static const char *const channels[] = { "telefon", "brev", "digital", NULL };
  static const char *const places[] = { "hjem", "plejehjem", NULL };
  g_autoptr (VkCsvReader) reader = vk_csv_reader_new (name, data, len);
  g_autoptr (GPtrArray) requests = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_home_request_free);
  g_autoptr (GPtrArray) header = NULL;
  g_autofree char *shown = vk_text_escape_controls (name != NULL ? name : "(input)");
  g_autoptr (GTimeZone) tz = danish_tz ();
  gint c_area, c_lnr, c_when, c_channel, c_place, c_date, c_time, c_r1, c_r2, c_outcome, c_device;

  header = vk_csv_reader_next (reader, error);
  if (header == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:1: empty file: a header row is needed", shown);
      return NULL;
    }
  c_area = column (header, "afstemningsomraade");
  c_lnr = column (header, "loebenummer");
  c_when = column (header, "modtaget");
  c_channel = column (header, "kanal");
  c_place = column (header, "sted");
  c_date = column (header, "besoeg_dato");
  c_time = column (header, "besoeg_tid");
  c_r1 = column (header, "modtager1");
  c_r2 = column (header, "modtager2");
  c_outcome = column (header, "udfald");
  c_device = column (header, "enhed");
  if (c_area < 0 || c_lnr < 0 || c_when < 0 || c_channel < 0 || c_place < 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s:1: the header must name afstemningsomraade, loebenummer, modtaget, kanal and sted", shown);
      return NULL;
    }
  for (;;)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (GPtrArray) row = vk_csv_reader_next (reader, &local);
      g_autoptr (VkHomeRequest) r = NULL;
      g_autoptr (GDateTime) when = NULL;
      guint line;
      guint64 u = 0;
      int y, m, d, hh, mm;
      char tail = 0;
      const char *v;

      if (row == NULL)
        {
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          break;
        }
      line = vk_csv_reader_get_line (reader);
      if (row->len != header->len)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: %u fields, the header has %u", shown, line, row->len,
                       header->len);
          return NULL;
        }
      r = g_new0 (VkHomeRequest, 1);
      r->line = line;
      v = field (row, c_area);
      if (v == NULL || !g_ascii_string_to_unsigned (v, 10, 1, VK_VALGKORT_MAX_AREA, &u, NULL))
        goto bad_field;
      r->area = (guint)u;
      v = field (row, c_lnr);
      if (v == NULL || !g_ascii_string_to_unsigned (v, 10, 1, VK_VALGKORT_MAX_LOEBENUMMER, &u, NULL))
        goto bad_field;
      r->loebenummer = (guint)u;
      v = field (row, c_when);
      if (v == NULL || sscanf (v, "%4d-%2d-%2d %2d:%2d%c", &y, &m, &d, &hh, &mm, &tail) != 5
          || !g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y) || hh > 23 || mm > 59 || hh < 0 || mm < 0
          || (when = g_date_time_new (tz, y, m, d, hh, mm, 0)) == NULL)
        goto bad_field;
      r->requested_ms = (guint64)g_date_time_to_unix (when) * 1000;
      v = field (row, c_channel);
      if (!is_one_of (v, channels))
        goto bad_field;
      r->channel = g_strdup (v);
      v = field (row, c_place);
      if (!is_one_of (v, places))
        goto bad_field;
      r->place = g_strdup (v);
      v = field (row, c_date);
      if (v != NULL && !parse_iso_date (v, &y, &m, &d))
        goto bad_field;
      r->visit_date = g_strdup (v);
      v = field (row, c_time);
      if (v != NULL && (sscanf (v, "%2d:%2d%c", &hh, &mm, &tail) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59))
        goto bad_field;
      r->visit_time = g_strdup (v);
      r->receivers[0] = g_strdup (field (row, c_r1));
      r->receivers[1] = g_strdup (field (row, c_r2));
      r->outcome = g_strdup (field (row, c_outcome));
      r->device = g_strdup (field (row, c_device));
      g_ptr_array_add (requests, g_steal_pointer (&r));
      continue;

    bad_field:
      {
        static const char *const what[] = {
          "afstemningsomraade is not a number 1–99", "loebenummer is not a number 1–9999999",
          "modtaget is not a time YYYY-MM-DD HH:MM", "kanal is not telefon, brev or digital",
          "sted is not hjem or plejehjem",           "besoeg_dato is not a date YYYY-MM-DD",
          "besoeg_tid is not a time HH:MM",
        };
        guint k = r->area == 0                                           ? 0
                  : r->loebenummer == 0                                  ? 1
                  : r->requested_ms == 0                                 ? 2
                  : r->channel == NULL                                   ? 3
                  : r->place == NULL                                     ? 4
                  : field (row, c_date) != NULL && r->visit_date == NULL ? 5
                                                                         : 6;
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%u: %s", shown, line, what[k]);
        return NULL;
      }
    }
  return g_steal_pointer (&requests);
}

static void
add_finding (VkHomeRequest *r, guint flag, const char *text)
{
  r->flags |= flag;
  if (r->finding_da == NULL)
    r->finding_da = g_strdup (text);
  else
    {
      char *joined = g_strdup_printf ("%s; %s", r->finding_da, text);
      g_free (r->finding_da);
      r->finding_da = joined;
    }
}

guint
vk_home_visits_check (VkPackage *package, GPtrArray *requests, guint64 deadline_ms, VkFold *fold)
{
  g_autoptr (GHashTable) first = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  const VkElection *election = vk_package_get_election (package);
  guint64 open_ms = 0, last_ms = 0;
  gboolean have_window = vk_brevstemme_window_for_election (election, &open_ms, &last_ms);
  guint refused = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      VkHomeRequest *r = g_ptr_array_index (requests, i);
      g_autoptr (VkVoter) voter = vk_package_lookup_voter (package, r->area, r->loebenummer, NULL);
      gint64 *key = g_new (gint64, 1);
      VkHomeRequest *before;

      g_free (g_steal_pointer (&r->finding_da));
      r->flags = 0;
      *key = ((gint64)r->area << 32) | r->loebenummer;
      g_ptr_array_add (keys, key);
      if (r->requested_ms > deadline_ms)
        add_finding (r, VK_HOME_LATE,
                     "afvist: modtaget efter fristen (kl. 18 den 12. dag før valgdagen, KRVL § 60; fristen er "
                     "ubekræftet)");
      if (voter == NULL)
        add_finding (r, VK_HOME_NOT_ON_LIST, "afvist: vælgeren står ikke på områdets valgliste");
      before = g_hash_table_lookup (first, key);
      if (before != NULL)
        {
          g_autofree char *t = g_strdup_printf ("dublet: vælgeren har allerede en anmodning (linje %u)", before->line);
          add_finding (r, VK_HOME_DUPLICATE, t);
        }
      else
        g_hash_table_insert (first, key, r);
      if (fold != NULL
          && (vk_fold_count_standing (fold, r->area, r->loebenummer) > 0
              || vk_fold_count_voter_brevstemmer (fold, r->area, r->loebenummer) > 0))
        add_finding (r, VK_HOME_ALREADY_VOTED, "vælgeren har allerede stemt (brevstemme eller afkrydsning)");
      if (r->visit_date != NULL)
        {
          int y, m, d;
          gboolean two = r->receivers[0] != NULL && r->receivers[1] != NULL
                         && g_utf8_collate (r->receivers[0], r->receivers[1]) != 0;
          if (!two)
            add_finding (r, VK_HOME_BAD_VISIT, "besøget har ikke to forskellige stemmemodtagere (KRVL §§ 60–61)");
          if (have_window && parse_iso_date (r->visit_date, &y, &m, &d))
            {
              g_autoptr (GTimeZone) tz = danish_tz ();
              g_autoptr (GDateTime) noon = g_date_time_new (tz, y, m, d, 12, 0, 0);
              guint64 ms = (guint64)g_date_time_to_unix (noon) * 1000;
              if (ms < open_ms || ms > last_ms)
                add_finding (r, VK_HOME_BAD_VISIT, "besøgsdagen ligger uden for brevstemmeperioden");
            }
        }
      if (r->device != NULL)
        {
          const VkDevice *d = vk_package_lookup_device (package, r->device);
          if (d == NULL || d->role_id != VK_ROLE_HJEMMEBESOEG)
            add_finding (r, VK_HOME_BAD_VISIT, "enheden er ikke tilmeldt som hjemmebesøg");
        }
      if (r->flags & VK_HOME_REFUSED)
        refused++;
    }
  return refused;
}

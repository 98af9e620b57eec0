/* vk-valgdk-turnout.c: turnout in valg.dk's Valgdeltagelse shape.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "vk-error.h"
#include "vk-text.h"
#include "vk-valgdk-turnout.h"

#define MAX_TIMES 24

gboolean
vk_valgdk_parse_time (const char *text, guint *ret_minute)
{
  if (text == NULL || strlen (text) != 5 || !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1]) || text[2] != ':'
      || !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4]))
    return FALSE;
  guint h = (guint)(text[0] - '0') * 10 + (guint)(text[1] - '0');
  guint m = (guint)(text[3] - '0') * 10 + (guint)(text[4] - '0');
  if (h > 23 || m > 59)
    return FALSE;
  *ret_minute = h * 60 + m;
  return TRUE;
}

GArray *
vk_valgdk_parse_times (const char *text, GError **error)
{
  g_auto (GStrv) items = NULL;
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (text != NULL, NULL);

  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *item = g_strstrip (g_strdup (items[i]));
      guint minute = 0;

      if (!vk_valgdk_parse_time (item, &minute))
        {
          g_autofree char *shown = vk_text_escape_controls (item);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "turnout time %u (\"%s\") is not HH:MM", i + 1, shown);
          return NULL;
        }
      if (out->len > 0 && minute <= g_array_index (out, guint, out->len - 1))
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "turnout time %u (%s) is not after the one before it", i + 1,
                       item);
          return NULL;
        }
      if (out->len == MAX_TIMES)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "more than %u turnout times", MAX_TIMES);
          return NULL;
        }
      g_array_append_val (out, minute);
    }
  return g_steal_pointer (&out);
}

gint64
vk_valgdk_local_time_ms (const char *date, guint minute)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) dt = NULL;
  guint y, m, d;
  char tail;

  if (date == NULL || sscanf (date, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || !g_date_valid_dmy (d, m, y)
      || minute >= 24 * 60)
    return -1;
  /* Without the time zone database: Danish winter time, when every
   * election since 2007 but FV2015's and FV2019's was held. */
  if (tz == NULL)
    tz = g_time_zone_new_offset (3600);
  dt = g_date_time_new (tz, (gint)y, (gint)m, (gint)d, (gint)(minute / 60), (gint)(minute % 60), 0);
  return dt != NULL ? g_date_time_to_unix (dt) * 1000 : -1;
}

static gboolean
fail (GError **error, const VkArea *area, const char *field, const char *what)
{
  g_autofree char *name = vk_text_escape_controls (area->name);
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "valg.dk turnout of area %u %s: %s: %s", area->number, name, field,
               what);
  return FALSE;
}

char *
vk_valgdk_turnout_to_json (const VkElection *contest, const VkArea *area, const VkTurnoutPoint *points, guint n_points,
                           GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *released = g_date_time_format (now, "%d-%m-%Y %H:%M:%S");
  guint64 code = 0, dagi = 0;
  guint y, m, d;
  char tail;

  g_return_val_if_fail (contest != NULL && area != NULL, NULL);
  g_return_val_if_fail (points != NULL || n_points == 0, NULL);

  if (contest->municipality_code == NULL
      || !g_ascii_string_to_unsigned (contest->municipality_code, 10, 0, G_MAXINT32, &code, NULL))
    {
      fail (error, area, "Kommunekode", "the election has no municipality code");
      return NULL;
    }
  if (area->dagi_id == NULL || !g_ascii_string_to_unsigned (area->dagi_id, 10, 0, G_MAXINT32, &dagi, NULL))
    {
      fail (error, area, "AfstemningsområdeDagiId", "the area has no DAGI id, which valg.dk requires");
      return NULL;
    }
  if (contest->date == NULL || sscanf (contest->date, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3
      || !g_date_valid_dmy (d, m, y))
    {
      fail (error, area, "Valgdag", "the election's date is not YYYY-MM-DD");
      return NULL;
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Valgart");
  json_builder_add_string_value (b, vk_election_type_name_da (contest->type));
  json_builder_set_member_name (b, "Valgdag");
  {
    g_autofree char *day = g_strdup_printf ("%02u-%02u-%04u", d, m, y);
    json_builder_add_string_value (b, day);
  }
  json_builder_set_member_name (b, "FrigivelsesTidspunktUTC");
  json_builder_add_string_value (b, released);
  json_builder_set_member_name (b, "Kommune");
  json_builder_add_string_value (b, contest->municipality != NULL ? contest->municipality : "");
  json_builder_set_member_name (b, "Kommunekode");
  json_builder_add_int_value (b, (gint64)code);
  json_builder_set_member_name (b, "Afstemningsområde");
  json_builder_add_string_value (b, area->name);
  /* A string here, unlike the result files' integer (the schema's). */
  json_builder_set_member_name (b, "AfstemningsområdeDagiId");
  {
    g_autofree char *dagi_text = g_strdup_printf ("%" G_GUINT64_FORMAT, dagi);
    json_builder_add_string_value (b, dagi_text);
  }
  json_builder_set_member_name (b, "AfstemningsområdeNummer");
  json_builder_add_int_value (b, vk_area_get_valgdk_number (area));
  json_builder_set_member_name (b, "Valgdeltagelse");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_points; i++)
    {
      const VkTurnoutPoint *p = &points[i];
      g_autofree char *time = NULL;

      if (!p->complete)
        continue;
      if (p->eligible > G_MAXINT32 || p->cast > G_MAXINT32 || p->minute >= 24 * 60)
        {
          fail (error, area, "Valgdeltagelse", "a number beyond valg.dk's int32");
          return NULL;
        }
      time = g_strdup_printf ("%02u:%02u", p->minute / 60, p->minute % 60);
      json_builder_begin_object (b);
      /* valg.dk's own spelling ("berretigede"). */
      json_builder_set_member_name (b, "AntalStemmeberretigedeVælgere");
      json_builder_add_int_value (b, (gint64)p->eligible);
      json_builder_set_member_name (b, "AfgivneStemmer");
      json_builder_add_int_value (b, (gint64)p->cast);
      json_builder_set_member_name (b, "Tidspunkt");
      json_builder_add_string_value (b, time);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  gen = json_generator_new ();
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

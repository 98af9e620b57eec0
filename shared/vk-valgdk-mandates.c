/* vk-valgdk-mandates.c: a seat allocation in valg.dk's Mandatfordeling shape.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "vk-error.h"
#include "vk-text.h"
#include "vk-valgdk-export-private.h"
#include "vk-valgdk-mandates.h"

/* The schema's members, in the official files' order; anything else the
 * seat JSON holds is not valg.dk's and is left out. */
static const char *const members[] = {
  "Valgart",      "Valgdag",     "FrigivelsesTidspunktUTC", "Kommune",       "Kommunekode",   "Region",
  "RegionDagiId", "Resultatart", "PersonligeMandater",      "ListeMandater", "Kandidatliste", "BaseretPåOptællinger",
};

char *
vk_valgdk_mandates_to_json (const VkSeatAllocation *seats, const VkValgdkCountRef *counts, guint n_counts,
                            GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *seat_json = NULL, *released = NULL;
  JsonObject *in, *out;
  JsonArray *based;

  g_return_val_if_fail (seats != NULL, NULL);
  g_return_val_if_fail (counts != NULL || n_counts == 0, NULL);

  seat_json = vk_seat_allocation_to_json (seats);
  if (!json_parser_load_from_data (parser, seat_json, -1, error))
    return NULL;
  in = json_node_get_object (json_parser_get_root (parser));
  released = vk_valgdk_format_time_ms (g_get_real_time () / 1000);

  based = json_array_sized_new (n_counts);
  for (guint i = 0; i < n_counts; i++)
    {
      const VkValgdkCountRef *c = &counts[i];
      g_autofree char *approved = NULL;
      JsonObject *o;
      guint64 dagi = 0;

      if (c->area == NULL || c->area->dagi_id == NULL
          || !g_ascii_string_to_unsigned (c->area->dagi_id, 10, 0, G_MAXINT32, &dagi, NULL))
        {
          g_autofree char *name = c->area != NULL ? vk_text_escape_controls (c->area->name) : g_strdup ("?");
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "Mandatfordeling: BaseretPåOptællinger: area %s has no DAGI id, which valg.dk requires", name);
          json_array_unref (based);
          return NULL;
        }
      approved = c->approved_ms > 0 ? vk_valgdk_format_time_ms (c->approved_ms) : NULL;
      if (approved == NULL)
        {
          g_autofree char *name = vk_text_escape_controls (c->area->name);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "Mandatfordeling: BaseretPåOptællinger: area %u %s has no approval time", c->area->number, name);
          json_array_unref (based);
          return NULL;
        }
      o = json_object_new ();
      json_object_set_int_member (o, "AfstemningsområdeDagiId", (gint64)dagi);
      json_object_set_string_member (o, "Resultatart",
                                     c->kind == VK_RESULT_FINTAELLING ? "Fintælling" : "ForeløbigOptælling");
      json_object_set_string_member (o, "GodkendelsesDatoUTC", approved);
      json_array_add_object_element (based, o);
    }

  out = json_object_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (members); i++)
    {
      const char *m = members[i];
      if (strcmp (m, "FrigivelsesTidspunktUTC") == 0)
        json_object_set_string_member (out, m, released);
      else if (strcmp (m, "Resultatart") == 0)
        json_object_set_string_member (out, m,
                                       seats->kind == VK_RESULT_FINTAELLING ? "Fintælling" : "ForeløbigOptælling");
      else if (strcmp (m, "BaseretPåOptællinger") == 0)
        json_object_set_array_member (out, m, json_array_ref (based));
      else if (json_object_has_member (in, m))
        json_object_set_member (out, m, json_node_copy (json_object_get_member (in, m)));
    }
  json_array_unref (based);
  root = json_node_init_object (json_node_alloc (), out);
  json_object_unref (out);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

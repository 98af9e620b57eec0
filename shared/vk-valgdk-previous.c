/* vk-valgdk-previous.c: the previous election's area results.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <json-glib/json-glib.h>
#include <string.h>

#include "vk-error.h"
#include "vk-file.h"
#include "vk-text.h"
#include "vk-json-private.h"
#include "vk-valgdk-previous.h"

#define MAX_FILES 10000

struct _VkValgdkPrevious
{
  GHashTable *areas; /* gint64* dagi id (in the area) → VkValgdkPreviousArea* (owned) */
};

static void
area_free (VkValgdkPreviousArea *a)
{
  if (a == NULL)
    return;
  g_clear_pointer (&a->letters, g_hash_table_unref);
  g_free (a);
}

static gboolean
bad (GError **error, const char *path, const char *member, const char *what)
{
  g_autofree char *p = vk_text_escape_controls (path);
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s: %s", p, member, what);
  return FALSE;
}

/* An integer member (int32 range, as the schema says). */
static gboolean
get_int (JsonObject *o, const char *path, const char *member, gint64 *ret, GError **error)
{
  JsonNode *n = json_object_get_member (o, member);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return bad (error, path, member, "missing or not an integer");
  *ret = json_node_get_int (n);
  if (*ret < G_MININT32 || *ret > G_MAXINT32)
    return bad (error, path, member, "beyond int32");
  return TRUE;
}

static gboolean
load_file (VkValgdkPrevious *self, const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  VkValgdkPreviousArea *a;
  JsonNode *lists;
  JsonObject *o;
  gint64 blank_in_person = 0, blank_postal = 0;

  o = vk_json_load_object (path, &parser, error);
  if (o == NULL)
    return FALSE;
  a = g_new0 (VkValgdkPreviousArea, 1);
  a->letters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!get_int (o, path, "AfstemningsområdeDagiId", &a->dagi_id, error)
      || !get_int (o, path, "AfgivneStemmer", &a->cast, error) || !get_int (o, path, "GyldigeStemmer", &a->valid, error)
      || !get_int (o, path, "UgyldigeStemmerUdoverBlanke", &a->other_invalid, error)
      || !get_int (o, path, "BlankeUgyldigeFremmødteStemmer", &blank_in_person, error)
      || !get_int (o, path, "BlankeUgyldigeBrevstemmer", &blank_postal, error)
      || !get_int (o, path, "AntalStemmeberettigedeVælgere", &a->eligible, error))
    {
      area_free (a);
      return FALSE;
    }
  a->blank = blank_in_person + blank_postal;
  lists = json_object_get_member (o, "Kandidatlister");
  if (lists != NULL && JSON_NODE_HOLDS_ARRAY (lists))
    {
      JsonArray *arr = json_node_get_array (lists);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *ln = json_array_get_element (arr, i);
          JsonObject *l;
          const char *letter;
          gint64 votes = 0;

          if (!JSON_NODE_HOLDS_OBJECT (ln))
            {
              area_free (a);
              return bad (error, path, "Kandidatlister", "an item is not an object");
            }
          l = json_node_get_object (ln);
          {
            JsonNode *ln_letter = json_object_get_member (l, "Bogstavbetegnelse");
            letter = ln_letter != NULL && JSON_NODE_HOLDS_VALUE (ln_letter)
                             && json_node_get_value_type (ln_letter) == G_TYPE_STRING
                         ? json_node_get_string (ln_letter)
                         : NULL;
          }
          if (!get_int (l, path, "Stemmer", &votes, error))
            {
              area_free (a);
              return FALSE;
            }
          /* A list without a letter (a candidate outside the parties)
           * cannot be matched between elections. */
          if (letter != NULL && *letter != '\0')
            g_hash_table_replace (a->letters, g_strdup (letter), g_memdup2 (&votes, sizeof votes));
        }
    }
  if (g_hash_table_contains (self->areas, &a->dagi_id))
    {
      g_autofree char *what = g_strdup_printf ("a second file of area %" G_GINT64_FORMAT, a->dagi_id);
      area_free (a);
      return bad (error, path, "AfstemningsområdeDagiId", what);
    }
  g_hash_table_insert (self->areas, &a->dagi_id, a);
  return TRUE;
}

VkValgdkPrevious *
vk_valgdk_previous_load (const char *dir, GError **error)
{
  g_autoptr (VkValgdkPrevious) self = NULL;
  g_autoptr (GPtrArray) names = NULL;

  g_return_val_if_fail (dir != NULL, NULL);

  names = vk_file_list_dir (dir, ".json", error);
  if (names == NULL)
    return NULL;
  if (names->len > MAX_FILES)
    {
      g_autofree char *d = vk_text_escape_controls (dir);
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %u files, more than the %u areas allowed", d, names->len,
                   MAX_FILES);
      return NULL;
    }
  self = g_new0 (VkValgdkPrevious, 1);
  self->areas = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify)area_free);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      if (!load_file (self, path, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

void
vk_valgdk_previous_free (VkValgdkPrevious *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->areas, g_hash_table_unref);
  g_free (self);
}

const VkValgdkPreviousArea *
vk_valgdk_previous_lookup (const VkValgdkPrevious *self, const char *dagi_id)
{
  guint64 v = 0;
  gint64 key;

  if (self == NULL || dagi_id == NULL || !g_ascii_string_to_unsigned (dagi_id, 10, 0, G_MAXINT32, &v, NULL))
    return NULL;
  key = (gint64)v;
  return g_hash_table_lookup (self->areas, &key);
}

guint
vk_valgdk_previous_get_n_areas (const VkValgdkPrevious *self)
{
  return self != NULL ? g_hash_table_size (self->areas) : 0;
}

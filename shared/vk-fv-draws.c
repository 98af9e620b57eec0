/* vk-fv-draws.c: lot draws for the national allocations.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-error.h"
#include "vk-fv-draws.h"
#include "vk-text.h"

typedef struct
{
  char **tied;
  char *winner;
  gboolean used;
} Draw;

struct _VkFvDraws
{
  GPtrArray *draws; /* Draw* */
};

static void
draw_free (Draw *d)
{
  if (d == NULL)
    return;
  g_strfreev (d->tied);
  g_free (d->winner);
  g_free (d);
}

VkFvDraws *
vk_fv_draws_new (const VkLots *lots)
{
  VkFvDraws *self = g_new0 (VkFvDraws, 1);
  g_autofree char *json = NULL;
  g_autoptr (JsonParser) parser = NULL;
  JsonArray *arr;

  self->draws = g_ptr_array_new_with_free_func ((GDestroyNotify)draw_free);
  if (lots == NULL || vk_lots_get_n_draws (lots) == 0)
    return self;
  /* VkLots keeps its draws private (shared/vk-seats.c); its JSON form is
   * the documented file format, already validated by vk_lots_load(), so
   * it is read back here rather than widening that API. */
  json = vk_lots_to_json (lots);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    g_return_val_if_reached (self);
  arr = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "draws");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonObject *o = json_array_get_object_element (arr, i);
      JsonArray *t = json_object_get_array_member (o, "tied");
      Draw *d = g_new0 (Draw, 1);

      d->tied = g_new0 (char *, json_array_get_length (t) + 1);
      for (guint k = 0; k < json_array_get_length (t); k++)
        d->tied[k] = g_strdup (json_array_get_string_element (t, k));
      d->winner = g_strdup (json_object_get_string_member (o, "winner"));
      g_ptr_array_add (self->draws, d);
    }
  return self;
}

void
vk_fv_draws_free (VkFvDraws *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->draws, g_ptr_array_unref);
  g_free (self);
}

static gboolean
same_set (char **tied, const char *const *ids, guint n)
{
  if (g_strv_length (tied) != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (!g_strv_contains ((const char *const *)tied, ids[i]))
      return FALSE;
  return TRUE;
}

gint
vk_fv_draws_decide (VkFvDraws *self, const char *const *ids, guint n_ids, const char *what, GError **error)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (self != NULL && ids != NULL && n_ids >= 2, -1);
  for (guint i = 0; i < self->draws->len; i++)
    {
      Draw *d = g_ptr_array_index (self->draws, i);
      if (d->used || !same_set (d->tied, ids, n_ids))
        continue;
      d->used = TRUE;
      for (guint k = 0; k < n_ids; k++)
        if (strcmp (ids[k], d->winner) == 0)
          return (gint)k;
    }
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (s, "%s\"%s\"", i > 0 ? ", " : "", ids[i]);
  escaped = vk_text_escape_controls (s->str);
  g_set_error (error, VK_ERROR, VK_ERROR_TIE, "a lot draw is needed: %s (tied ids: %s)", what, escaped);
  return -1;
}

gboolean
vk_fv_draws_check_used (const VkFvDraws *self, GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  for (guint i = 0; i < self->draws->len; i++)
    {
      const Draw *d = g_ptr_array_index (self->draws, i);
      if (!d->used)
        {
          g_autofree char *w = vk_text_escape_controls (d->winner);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "lots: draws[%u] (winner \"%s\") matches no tie of this allocation", i, w);
          return FALSE;
        }
    }
  return TRUE;
}

/* vk-json.c: small json-glib helpers whose errors name file and JSON path.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-file.h"
#include "vk-json-private.h"

/* ---- JSON helpers ------------------------------------------------------
 *
 * Every getter takes the file name and the JSON path of the object it
 * reads from, so that an error can say exactly which field was bad, as in
 * "kandidat-data.json: Kandidatlister[3].Kandidater[2].Id: missing".
 */

gboolean
vk_json_fail (GError **error, const char *file, const char *path, const char *member, const char *what)
{
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s%s%s: %s", file, path, *path != '\0' ? "." : "", member, what);
  return FALSE;
}

void
vk_json_builder_add_string (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

JsonNode *
vk_json_member (JsonObject *obj, const char *member)
{
  if (!json_object_has_member (obj, member))
    return NULL;
  return json_object_get_member (obj, member);
}

gboolean
vk_json_get_string (JsonObject *obj, const char *file, const char *path, const char *member, gboolean required,
                    char **ret, GError **error)
{
  JsonNode *n = vk_json_member (obj, member);

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      if (required)
        return vk_json_fail (error, file, path, member, "missing");
      *ret = g_strdup ("");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return vk_json_fail (error, file, path, member, "expected a string");
  *ret = g_strdup (json_node_get_string (n));
  return TRUE;
}

/* Identifiers appear both as strings ("389203") and as numbers (702460)
 * in valg.dk's files; both are read as a string. */
gboolean
vk_json_get_id (JsonObject *obj, const char *file, const char *path, const char *member, gboolean required, char **ret,
                GError **error)
{
  JsonNode *n = vk_json_member (obj, member);

  if (n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64)
    {
      *ret = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
      return TRUE;
    }
  if (n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) != G_TYPE_STRING)
    return vk_json_fail (error, file, path, member, "expected a string or an integer");
  return vk_json_get_string (obj, file, path, member, required, ret, error);
}

gboolean
vk_json_get_uint (JsonObject *obj, const char *file, const char *path, const char *member, guint *ret, GError **error)
{
  JsonNode *n = vk_json_member (obj, member);
  gint64 v;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return vk_json_fail (error, file, path, member, "missing");
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return vk_json_fail (error, file, path, member, "expected an integer");
  v = json_node_get_int (n);
  if (v < 0 || v > G_MAXUINT)
    return vk_json_fail (error, file, path, member, "integer out of range");
  *ret = (guint)v;
  return TRUE;
}

JsonArray *
vk_json_get_array (JsonObject *obj, const char *file, const char *path, const char *member, GError **error)
{
  JsonNode *n = vk_json_member (obj, member);

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      vk_json_fail (error, file, path, member, "missing");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (n))
    {
      vk_json_fail (error, file, path, member, "expected an array");
      return NULL;
    }
  return json_node_get_array (n);
}

JsonObject *
vk_json_array_get_obj (JsonArray *arr, guint i, const char *file, const char *path, GError **error)
{
  JsonNode *n = json_array_get_element (arr, i);

  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s[%u]: expected an object", file, path, i);
      return NULL;
    }
  return json_node_get_object (n);
}

/* TRUE when the text ends inside a string or with an object or array
 * still open. */
static gboolean
vk_json_is_cut_short (const char *text, gsize len)
{
  gssize depth = 0;
  gboolean in_string = FALSE, escape = FALSE, seen = FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char ch = text[i];
      if (in_string)
        {
          if (escape)
            escape = FALSE;
          else if (ch == '\\')
            escape = TRUE;
          else if (ch == '"')
            in_string = FALSE;
          continue;
        }
      if (ch == '"')
        in_string = TRUE;
      else if (ch == '{' || ch == '[')
        depth++, seen = TRUE;
      else if (ch == '}' || ch == ']')
        depth--;
    }
  return in_string || (seen && depth > 0);
}

static JsonNode *load_root (const char *path, JsonParser **ret_parser, gboolean array, GError **error);

JsonObject *
vk_json_load_object (const char *path, JsonParser **ret_parser, GError **error)
{
  JsonNode *root = load_root (path, ret_parser, FALSE, error);

  return root != NULL ? json_node_get_object (root) : NULL;
}

JsonArray *
vk_json_load_array (const char *path, JsonParser **ret_parser, GError **error)
{
  JsonNode *root = load_root (path, ret_parser, TRUE, error);

  return root != NULL ? json_node_get_array (root) : NULL;
}

static JsonNode *
load_root (const char *path, JsonParser **ret_parser, gboolean array, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local_error = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *contents = NULL;
  gsize len = 0;
  JsonNode *root;

  if (!vk_file_read_untrusted (path, VK_FILE_MAX_JSON_BYTES, &contents, &len, &local_error))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  if (len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_TRUNCATED, "%s: empty file", display);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, contents, (gssize)len, &local_error))
    {
      /* json-glib reports "<data>:line:column: message"; the file name
       * replaces "<data>".  Input that ends inside an open string, object
       * or array was cut short, which is reported as truncation. */
      const char *msg = local_error->message;
      if (g_str_has_prefix (msg, "<data>:"))
        msg += strlen ("<data>:");
      g_set_error (error, VK_ERROR, vk_json_is_cut_short (contents, len) ? VK_ERROR_TRUNCATED : VK_ERROR_INVALID,
                   "%s:%s", display, msg);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || (array ? !JSON_NODE_HOLDS_ARRAY (root) : !JSON_NODE_HOLDS_OBJECT (root)))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: the top level is not a JSON %s", display,
                   array ? "array" : "object");
      return NULL;
    }
  *ret_parser = g_steal_pointer (&parser);
  return root;
}

gboolean
vk_json_get_u64 (JsonObject *obj, const char *file, const char *path, const char *member, gboolean nullable,
                 guint64 *ret, gboolean *ret_present, GError **error)
{
  JsonNode *n = vk_json_member (obj, member);
  gint64 v;

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    {
      if (!nullable)
        return vk_json_fail (error, file, path, member, "missing");
      *ret = 0;
      if (ret_present != NULL)
        *ret_present = FALSE;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return vk_json_fail (error, file, path, member, "expected an integer");
  v = json_node_get_int (n);
  if (v < 0)
    return vk_json_fail (error, file, path, member, "negative count");
  *ret = (guint64)v;
  if (ret_present != NULL)
    *ret_present = TRUE;
  return TRUE;
}

/* vk-json-private.h: json-glib helpers shared by the valg.dk importers.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every getter takes the file name and the JSON path of the object it
 * reads from, so that an error names the bad field exactly, as in
 * "kandidat-data.json: Kandidatlister[3].Kandidater[2].Id: missing".
 * Errors are VK_ERROR_INVALID unless said otherwise.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Adds member: value to the object b is building; a NULL value is JSON null. */
void vk_json_builder_add_string (JsonBuilder *b, const char *member, const char *value);
/* Sets "file: path.member: what" and returns FALSE. */
gboolean vk_json_fail (GError **error, const char *file, const char *path, const char *member, const char *what);
/* The member's node, or NULL when absent. */
JsonNode *vk_json_member (JsonObject *obj, const char *member);
/* A string; an absent or null optional member gives "". */
gboolean vk_json_get_string (JsonObject *obj, const char *file, const char *path, const char *member, gboolean required,
                             char **ret, GError **error);
/* A string or an integer, as a string (valg.dk writes ids both ways). */
gboolean vk_json_get_id (JsonObject *obj, const char *file, const char *path, const char *member, gboolean required,
                         char **ret, GError **error);
gboolean vk_json_get_uint (JsonObject *obj, const char *file, const char *path, const char *member, guint *ret,
                           GError **error);
/* A count (non-negative integer); with nullable, null or absent gives 0
 * and *ret_present = FALSE. */
gboolean vk_json_get_u64 (JsonObject *obj, const char *file, const char *path, const char *member, gboolean nullable,
                          guint64 *ret, gboolean *ret_present, GError **error);
JsonArray *vk_json_get_array (JsonObject *obj, const char *file, const char *path, const char *member, GError **error);
/* Element i of arr, which must be an object; path names arr. */
JsonObject *vk_json_array_get_obj (JsonArray *arr, guint i, const char *file, const char *path, GError **error);
/* Reads and parses a file whose top level must be an object.  Errors:
 * VK_ERROR_IO, VK_ERROR_TRUNCATED (empty, or cut short), VK_ERROR_INVALID. */
JsonObject *vk_json_load_object (const char *path, JsonParser **ret_parser, GError **error);
/* The same for a file whose top level is an array (valg.dk's geografi files). */
JsonArray *vk_json_load_array (const char *path, JsonParser **ret_parser, GError **error);

G_END_DECLS

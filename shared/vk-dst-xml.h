/* vk-dst-xml.h: a small, bounded XML tree over GLib's GMarkup, for Danmarks Statistik's result files.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DST publishes an election as plain XML (fintal.xml and one file per
 * area, kreds, storkreds, landsdel and the whole country).  The files are
 * untrusted: the reader caps the file size, the depth and the number of
 * elements, and every error names the file and line.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VkXmlNode VkXmlNode;

struct _VkXmlNode
{
  char *name;
  char **attr_names;   /* NULL-terminated */
  char **attr_values;  /* NULL-terminated */
  GString *text;       /* the element's own character data */
  guint line;          /* where the element starts */
  GPtrArray *children; /* VkXmlNode* */
};

#define VK_DST_XML_MAX_BYTES ((gsize)32 * 1024 * 1024)

/* Parses path (a regular file, at most VK_DST_XML_MAX_BYTES; a UTF-8 byte
 * order mark is skipped).  Errors are VK_ERROR_IO or VK_ERROR_INVALID and
 * name the file and line. */
VkXmlNode *vk_xml_parse_file (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
VkXmlNode *vk_xml_parse_data (const char *display, const char *data, gsize len,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_xml_node_free (VkXmlNode *self);

const char *vk_xml_node_get_attr (const VkXmlNode *self, const char *name);
/* The first child element called name, or NULL. */
VkXmlNode *vk_xml_node_child (const VkXmlNode *self, const char *name);
/* The text of the first child called name, stripped; NULL without one. */
const char *vk_xml_node_child_text (const VkXmlNode *self, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkXmlNode, vk_xml_node_free)

G_END_DECLS

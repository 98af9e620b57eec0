/* vk-dst-xml.c: a small, bounded XML tree over GLib's GMarkup.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-dst-xml.h"
#include "vk-error.h"
#include "vk-file.h"
#include "vk-text.h"

/* DST's largest file (fintal.xml of a folketingsvalg) has about 1,500
 * elements and a depth of 3; these bounds leave room for far larger
 * elections and keep hostile input cheap. */
#define MAX_DEPTH 32
#define MAX_ELEMENTS 1000000
#define MAX_TEXT 65536

typedef struct
{
  const char *display;
  GPtrArray *stack; /* VkXmlNode*, borrowed */
  VkXmlNode *root;
  guint n_elements;
} Builder;

void
vk_xml_node_free (VkXmlNode *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_strfreev (self->attr_names);
  g_strfreev (self->attr_values);
  if (self->text != NULL)
    g_string_free (self->text, TRUE);
  g_clear_pointer (&self->children, g_ptr_array_unref);
  g_free (self);
}

static void
start_element (GMarkupParseContext *context, const char *element_name, const char **attribute_names,
               const char **attribute_values, gpointer user_data, GError **error)
{
  Builder *b = user_data;
  VkXmlNode *node;
  int line = 0;

  g_markup_parse_context_get_position (context, &line, NULL);
  if (b->stack->len >= MAX_DEPTH || ++b->n_elements > MAX_ELEMENTS)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   "the document is nested too deeply or too large");
      return;
    }
  if (b->stack->len == 0 && b->root != NULL)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "more than one top-level element");
      return;
    }
  node = g_new0 (VkXmlNode, 1);
  node->name = g_strdup (element_name);
  node->attr_names = g_strdupv ((char **)attribute_names);
  node->attr_values = g_strdupv ((char **)attribute_values);
  node->text = g_string_new (NULL);
  node->line = (guint)line;
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_xml_node_free);
  if (b->stack->len == 0)
    b->root = node;
  else
    g_ptr_array_add (((VkXmlNode *)g_ptr_array_index (b->stack, b->stack->len - 1))->children, node);
  g_ptr_array_add (b->stack, node);
}

static void
end_element (GMarkupParseContext *context, const char *element_name, gpointer user_data, GError **error)
{
  Builder *b = user_data;

  (void)context;
  (void)element_name;
  (void)error;
  g_ptr_array_set_size (b->stack, b->stack->len - 1);
}

static void
text (GMarkupParseContext *context, const char *t, gsize len, gpointer user_data, GError **error)
{
  Builder *b = user_data;
  VkXmlNode *node;

  (void)context;
  if (b->stack->len == 0)
    return;
  node = g_ptr_array_index (b->stack, b->stack->len - 1);
  if (node->text->len + len > MAX_TEXT)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "element <%s> holds too much text",
                   node->name);
      return;
    }
  g_string_append_len (node->text, t, (gssize)len);
}

VkXmlNode *
vk_xml_parse_data (const char *display, const char *data, gsize len, GError **error)
{
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  g_autoptr (GMarkupParseContext) ctx = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  Builder b = { display, stack, NULL, 0 };

  g_return_val_if_fail (display != NULL && data != NULL, NULL);

  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    data += 3, len -= 3;
  ctx = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &b, NULL);
  if (!g_markup_parse_context_parse (ctx, data, (gssize)len, &local) || !g_markup_parse_context_end_parse (ctx, &local))
    {
      /* GMarkup's messages already say "Error on line N char M: …". */
      int line = 0;
      g_markup_parse_context_get_position (ctx, &line, NULL);
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s:%d: malformed XML: %s", display, line, local->message);
      vk_xml_node_free (b.root);
      return NULL;
    }
  if (b.root == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: no XML element", display);
      return NULL;
    }
  return b.root;
}

VkXmlNode *
vk_xml_parse_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *display = vk_text_escape_controls (path);
  g_autoptr (GError) local = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);
  if (!vk_file_read_untrusted (path, VK_DST_XML_MAX_BYTES, &contents, &len, &local))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s", local->message);
      return NULL;
    }
  return vk_xml_parse_data (display, contents, len, error);
}

const char *
vk_xml_node_get_attr (const VkXmlNode *self, const char *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = 0; self->attr_names[i] != NULL; i++)
    if (strcmp (self->attr_names[i], name) == 0)
      return self->attr_values[i];
  return NULL;
}

VkXmlNode *
vk_xml_node_child (const VkXmlNode *self, const char *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = 0; i < self->children->len; i++)
    {
      VkXmlNode *c = g_ptr_array_index (self->children, i);
      if (strcmp (c->name, name) == 0)
        return c;
    }
  return NULL;
}

const char *
vk_xml_node_child_text (const VkXmlNode *self, const char *name)
{
  VkXmlNode *c = vk_xml_node_child (self, name);

  if (c == NULL)
    return NULL;
  g_strstrip (c->text->str);
  c->text->len = strlen (c->text->str);
  return c->text->str;
}

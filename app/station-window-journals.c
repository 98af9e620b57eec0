/* station-window-journals.c: journals in and out, the ☰ menu.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Other devices' journal files (.vkj) read from a folder and verified
 * against the package, and every journal held written to a USB stick.
 * The message goes to the page in front.
 */
#include <glib/gi18n.h>
#include <string.h>

#include "station-window-private.h"
#include "vk-text.h"
#include "vk-ui-util.h"

/* The message of the page in front, for what the menu did. */
static GtkLabel *
current_message_label (VkStationWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->work_stack);

  if (g_strcmp0 (page, "decide") == 0)
    return vk_brevstemme_page_get_message_label (self->brevstemme_view);
  if (g_strcmp0 (page, "receive") == 0)
    return vk_receive_page_get_message_label (self->receive_view);
  return vk_checkin_page_get_message_label (self->checkin_view);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static void
import_journals_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  VkStation *station = vk_station_window_get_open_station (self);
  const char *dir = g_variant_get_string (param, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autofree char *text = NULL;
  guint total = 0;
  const char *name;

  if (station == NULL)
    return;
  d = g_dir_open (dir, 0, &error);
  if (d == NULL)
    {
      vk_ui_show_message (current_message_label (self), "vk-blocked", error->message);
      return;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".vkj"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr (GError) local = NULL;
      guint added = 0;

      if (!vk_station_ingest_file (station, path, &added, &local))
        {
          /* Names on a stick are anybody's: control characters escaped. */
          g_autofree char *shown = vk_text_escape_controls (g_ptr_array_index (names, i));
          g_autofree char *why = vk_ui_error_dup_text (local);
          g_autofree char *detail = vk_text_escape_controls (local->message);

          g_message ("%s: %s", shown, detail); /* the English detail, for the log */
          g_string_append_printf (problems, "\n%s: %s", shown, why);
        }
      total += added;
    }
  text = g_strdup_printf (_ ("%u new entries read from %u journal files.%s"), total, names->len, problems->str);
  vk_ui_show_message (current_message_label (self), problems->len > 0 ? "vk-warning" : "vk-ok", text);
  vk_station_window_refresh_all (self);
}

static void
export_usb_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkStationWindow *self = VK_STATION_WINDOW (widget);
  VkStation *station = vk_station_window_get_open_station (self);
  const char *dir = g_variant_get_string (param, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (station == NULL)
    return;
  if (!vk_station_export_usb (station, dir, &error))
    {
      vk_ui_show_message (current_message_label (self), "vk-blocked", error->message);
      return;
    }
  text = g_strdup_printf (_ ("The journals were written to %s."), dir);
  vk_ui_show_message (current_message_label (self), "vk-ok", text);
}

static void
choose_import_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  vk_ui_choose_file (widget, _ ("Import journals from folder"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                     "win.import-journals");
}

static void
choose_export_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  vk_ui_choose_file (widget, _ ("Export to USB"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, "win.export-usb");
}
void
vk_station_window_class_add_journal_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.import-journals", "s", import_journals_action);
  gtk_widget_class_install_action (widget_class, "win.export-usb", "s", export_usb_action);
  gtk_widget_class_install_action (widget_class, "win.choose-import", NULL, choose_import_action);
  gtk_widget_class_install_action (widget_class, "win.choose-export", NULL, choose_export_action);
}

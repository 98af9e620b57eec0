/* guard-dialog.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "guard-dialog.h"
#include "vk-ui-util.h"

static guint bell_count;

void
vk_guard_bell (GtkWidget *widget)
{
  bell_count++;
  gtk_widget_error_bell (widget);
}

guint
vk_guard_get_bell_count (void)
{
  return bell_count;
}

typedef struct
{
  VkStation *station;
  GtkLabel *message;
  VkGuardDoneFunc done;
  GWeakRef owner;
} Confirm;

static void
confirm_free (Confirm *c)
{
  g_weak_ref_clear (&c->owner);
  g_free (c);
}

static void
confirm_free_closure (gpointer data, GClosure *closure)
{
  confirm_free (data);
}

static void
name_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (dialog, "confirm", *text != '\0');
}

static void
confirm_response_cb (AdwMessageDialog *dialog, const char *response, Confirm *c)
{
  g_autoptr (GObject) owner = g_weak_ref_get (&c->owner);
  g_autoptr (GError) error = NULL;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (owner == NULL || g_strcmp0 (response, "confirm") != 0)
    return;
  if (!vk_station_confirm_date (c->station, gtk_editable_get_text (entry), &error))
    {
      g_autofree char *why = vk_ui_error_dup_text (error);
      vk_ui_show_message (c->message, "vk-blocked", why);
      return;
    }
  c->done (owner);
}

AdwMessageDialog *
vk_guard_confirm_date (GtkWidget *parent, VkStation *station, GtkLabel *message, const char *body, VkGuardDoneFunc done,
                       GObject *owner)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  Confirm *c;

  if (!vk_station_get_valgstyrer (station))
    {
      g_autofree char *text
          = g_strdup_printf ("%s %s", body, _ ("Call the valgstyrer: in valgstyrer mode the valgstyrer confirms."));
      vk_guard_bell (parent);
      vk_ui_show_message (message, "vk-blocked", text);
      return NULL;
    }
  dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _ ("Confirm as valgstyrer?"), body));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("The valgstyrer's name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("The valgstyrer's name"),
                                  -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _ ("Cancel"), "confirm", _ ("Confirm and record"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (dialog, "confirm", FALSE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  c = g_new0 (Confirm, 1);
  c->station = station;
  c->message = message;
  c->done = done;
  g_weak_ref_init (&c->owner, owner);
  g_signal_connect (entry, "changed", G_CALLBACK (name_changed_cb), dialog);
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirm_response_cb), c, confirm_free_closure, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

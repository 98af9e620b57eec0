/* guard-dialog.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "brevstemme-page.h"
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
      if (c->message != NULL)
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
      if (message != NULL)
        vk_ui_show_message (message, "vk-blocked", text);
      return NULL;
    }
  dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _ ("Confirm as valgstyrer?"), body));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ ("The valgstyrer's name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("The valgstyrer's name"),
                                  -1);
  /* Enter in the name confirms (once a name is written); Escape cancels. */
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _ ("Cancel"), "confirm", _ ("Confirm and record"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "confirm", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (dialog, "confirm", FALSE);
  adw_message_dialog_set_default_response (dialog, "confirm");
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

/* Undecided brevstemmer. */

typedef struct
{
  GWeakRef owner;
  GWeakRef parent;
  VkGuardExplainFunc explain;
} Undecided;

static void
undecided_free (gpointer data, GClosure *closure)
{
  Undecided *u = data;

  g_weak_ref_clear (&u->owner);
  g_weak_ref_clear (&u->parent);
  g_free (u);
}

gboolean
vk_guard_show_brevstemmer (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      GtkWidget *page;

      if (!GTK_IS_STACK (w) || (page = gtk_stack_get_child_by_name (GTK_STACK (w), "decide")) == NULL)
        continue;
      gtk_stack_set_visible_child (GTK_STACK (w), page);
      if (VK_IS_BREVSTEMME_PAGE (page))
        vk_brevstemme_page_show_waiting (VK_BREVSTEMME_PAGE (page));
      return TRUE;
    }
  return FALSE;
}

/* Enter goes on once an explanation is written; before, it decides. */
static void
explanation_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  gboolean written = *text != '\0';

  adw_message_dialog_set_response_enabled (dialog, "explain", written);
  adw_message_dialog_set_default_response (dialog, written ? "explain" : "decide");
}

static void
undecided_response_cb (AdwMessageDialog *dialog, const char *response, Undecided *u)
{
  g_autoptr (GObject) owner = g_weak_ref_get (&u->owner);
  g_autoptr (GObject) parent = g_weak_ref_get (&u->parent);

  if (owner == NULL)
    return;
  if (g_strcmp0 (response, "decide") == 0 && parent != NULL)
    vk_guard_show_brevstemmer (GTK_WIDGET (parent));
  else if (g_strcmp0 (response, "explain") == 0 && u->explain != NULL)
    {
      GtkWidget *entry = g_object_get_data (G_OBJECT (dialog), "vk-explanation");
      g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

      if (*text != '\0')
        u->explain (owner, text);
    }
}

AdwMessageDialog *
vk_guard_undecided (GtkWidget *parent, VkStation *station, guint area, const char *heading, VkGuardExplainFunc explain,
                    GObject *owner)
{
  GtkRoot *root = gtk_widget_get_root (parent);
  guint n = vk_station_count_undecided (station, area);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  Undecided *u;

  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u brevstemme of area %u has been received and not decided. Two valgstyrere "
                                       "decide it on the brevstemme page.",
                                       "%u brevstemmer of area %u have been received and not decided. Two valgstyrere "
                                       "decide them on the brevstemme page.",
                                       n),
                          n, area);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, NULL));
  gtk_widget_set_name (GTK_WIDGET (dialog), "undecided_dialog");
  adw_message_dialog_add_responses (dialog, "cancel", _ ("Cancel"), "decide", _ ("Decide brevstemmer"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "decide", ADW_RESPONSE_SUGGESTED);
  if (explain != NULL)
    {
      GtkWidget *entry = gtk_entry_new ();
      GtkWidget *box = vk_ui_labelled_field (_ ("_Explanation (required): why the poll is closed anyway"), entry);
      gboolean valgstyrer = vk_station_get_valgstyrer (station);
      g_autofree char *full = g_strdup_printf (
          "%s %s", body,
          valgstyrer ? _ ("Or write why the poll is closed with them undecided: the explanation is recorded in the "
                          "journal, and the count server shows it with the brevstemmer (D17).")
                     : _ ("Or a valgstyrer writes why the poll is closed with them undecided: only in valgstyrer "
                          "mode (the button Valgstyrer…)."));

      g_free (body);
      body = g_steal_pointer (&full);
      gtk_widget_set_name (entry, "undecided_explanation");
      gtk_widget_set_sensitive (entry, valgstyrer);
      adw_message_dialog_set_extra_child (dialog, box);
      adw_message_dialog_add_response (dialog, "explain", _ ("Close with explanation"));
      adw_message_dialog_set_response_appearance (dialog, "explain", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_enabled (dialog, "explain", FALSE);
      g_object_set_data (G_OBJECT (dialog), "vk-explanation", entry);
      g_signal_connect (entry, "changed", G_CALLBACK (explanation_changed_cb), dialog);
    }
  adw_message_dialog_set_body (dialog, body);
  adw_message_dialog_set_default_response (dialog, "decide");
  adw_message_dialog_set_close_response (dialog, "cancel");
  u = g_new0 (Undecided, 1);
  g_weak_ref_init (&u->owner, owner);
  g_weak_ref_init (&u->parent, parent);
  u->explain = explain;
  g_signal_connect_data (dialog, "response", G_CALLBACK (undecided_response_cb), u, undecided_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

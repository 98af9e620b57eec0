/* vk-ui-util.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "vk-ui-util.h"
#include "vk-valgkort.h"

static const char *const place_keys[VK_UI_N_PLACES]
    = { "borgerservice", "hjem", "plejehjem", "hospital", "faengsel", "andet" };

void
vk_ui_show_message (GtkLabel *label, const char *css_class, const char *text)
{
  static const char *const kinds[] = { "vk-ok", "vk-blocked", "vk-warning" };

  g_return_if_fail (GTK_IS_LABEL (label));

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), kinds[i]);
  if (text == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
      return;
    }
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

/* The stations are in Denmark, whatever the machine's zone says. */
static GTimeZone *
danish_time_zone (void)
{
  static gsize tz;

  if (g_once_init_enter (&tz))
    {
      GTimeZone *zone = g_time_zone_new_identifier ("Europe/Copenhagen");
      if (zone == NULL)
        zone = g_time_zone_new_local ();
      g_once_init_leave (&tz, (gsize)zone);
    }
  return (GTimeZone *)tz;
}

char *
vk_ui_format_time (guint64 time_ms, const char *format)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc ((gint64)(time_ms / 1000));
  g_autoptr (GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, danish_time_zone ()) : NULL;

  return local != NULL ? g_date_time_format (local, format) : g_strdup ("?");
}

char *
vk_ui_format_birth_date (const char *iso)
{
  if (iso == NULL || strlen (iso) != 10)
    return g_strdup (iso != NULL ? iso : "");
  return g_strdup_printf ("%.2s-%.2s-%.4s", iso + 8, iso + 5, iso);
}

const char *
vk_ui_role_label (const char *role)
{
  switch (vk_device_role_from_string (role))
    {
      case VK_ROLE_VALGBORD:
        return _ ("Polling table");
      case VK_ROLE_BREVSTEMMESTED:
        return _ ("Postal voting (Borgerservice)");
      case VK_ROLE_HJEMMEBESOEG:
        return _ ("Home visits");
      case VK_ROLE_FINTAELLING:
        return _ ("Counting table");
      case VK_ROLE_INVALID:
      case VK_ROLE_OPTAELLING:
      case VK_ROLE_SERVER:
      case VK_ROLE_VALGSTYRER:
      default:
        return role;
    }
}

const char *
vk_ui_place_key (guint index)
{
  return place_keys[MIN (index, VK_UI_N_PLACES - 1)];
}

const char *
vk_ui_place_label (const char *place)
{
  for (guint i = 0; i < G_N_ELEMENTS (place_keys); i++)
    if (g_strcmp0 (place, place_keys[i]) == 0)
      {
        switch (i)
          {
            case 0:
              return _ ("Borgerservice");
            case 1:
              return _ ("Home");
            case 2:
              return _ ("Care home");
            case 3:
              return _ ("Hospital");
            case 4:
              return _ ("Prison");
            default:
              return _ ("Other");
          }
      }
  return place;
}

const char *
vk_ui_reason_label (guint reason)
{
  switch (reason)
    {
      case 1:
        return _ ("not on the valgliste");
      case 2:
        return _ ("moved out or dead");
      case 3:
        return _ ("more than one følgebrev or envelope");
      case 4:
        return _ ("non-official material");
      case 5:
        return _ ("procedure not followed, or the voter has already voted in person");
      case 6:
        return _ ("cast outside the deadlines");
      case 7:
        return _ ("a later brevstemme from the same voter counts instead");
      default:
        return "";
    }
}

const char *
vk_ui_area_name (VkStation *station, guint number)
{
  const VkArea *area = vk_election_lookup_area (vk_station_get_election (station), number);
  return area != NULL ? area->name : "";
}

char *
vk_ui_voter_details (VkStation *station, const VkVoter *v)
{
  g_autofree char *born = vk_ui_format_birth_date (v->birth_date);
  return g_strdup_printf (_ ("%s\nBorn %s\nNumber %u on the valgliste of area %u %s"),
                          *v->address != '\0' ? v->address : _ ("(no address)"), born, v->loebenummer, v->area,
                          vk_ui_area_name (station, v->area));
}

const char *
vk_ui_search_error_text (const char *query)
{
  if (vk_valgkort_looks_like (query))
    return _ ("This valgkort code cannot be read, or it is from another municipality. Search by name or birth "
              "date instead.");
  return _ ("The search cannot be understood: a date or CPR number that does not exist. Check what was typed.");
}

void
vk_ui_remove_children (GtkWidget *box)
{
  GtkWidget *child;

  g_return_if_fail (GTK_IS_WIDGET (box));

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_LIST_BOX (box))
        gtk_list_box_remove (GTK_LIST_BOX (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

void
vk_ui_clear_list (GtkListBox *list)
{
  vk_ui_remove_children (GTK_WIDGET (list));
}

GtkWidget *
vk_ui_make_row (const char *title, const char *subtitle, const char *badge, gpointer data)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *t = gtk_label_new (title);
  GtkWidget *s = gtk_label_new (subtitle);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (t), 0);
  gtk_label_set_xalign (GTK_LABEL (s), 0);
  gtk_label_set_ellipsize (GTK_LABEL (s), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (t, "vk-row-title");
  gtk_widget_add_css_class (s, "dim-label");
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (texts), t);
  gtk_box_append (GTK_BOX (texts), s);
  gtk_box_append (GTK_BOX (box), texts);
  if (badge != NULL)
    {
      GtkWidget *b = gtk_label_new (badge);
      gtk_widget_add_css_class (b, "warning");
      gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), b);
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "vk-data", data);
  return row;
}

static void
file_chosen_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  const char *action = g_object_get_data (G_OBJECT (dialog), "vk-action");
  GtkWidget *widget = g_object_get_data (G_OBJECT (dialog), "vk-widget");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        gtk_widget_activate_action (widget, action, "s", path);
    }
  g_object_unref (dialog);
}

void
vk_ui_choose_file (GtkWidget *widget, const char *title, GtkFileChooserAction mode, const char *action)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog
      = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, mode, NULL, NULL);

  g_object_set_data_full (G_OBJECT (dialog), "vk-action", g_strdup (action), g_free);
  /* The page may go while the chooser is open: it is kept until the answer. */
  g_object_set_data_full (G_OBJECT (dialog), "vk-widget", g_object_ref (widget), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (file_chosen_cb), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

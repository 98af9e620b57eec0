/* station-window-valgstyrer.c: valgstyrer mode.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only a valgstyrer may undo a check-in (the engine's gate is
 * vk_station_set_valgstyrer()).  The "Valgstyrer…" button asks for the
 * valgstyrer's name and their own key (role valgstyrer, enrolled in the
 * package for this area or for none: the key that signs the count),
 * unlocked with their own passphrase in a worker thread.  The header
 * then says "Valgstyrer: NAME"; the mode ends when the button is pressed
 * again or after a while without a key press or a click (default five
 * minutes, vk_station_window_set_valgstyrer_timeout()).
 *
 * Why the key's passphrase and not a PIN: the keys exist and are
 * enrolled (signoff-box.c signs with them), the passphrase is checked by
 * Argon2id against the key file, and a PIN set at enrolment would have to
 * be stored in the package, where a short PIN is guessed offline in
 * seconds.
 */
#include <glib/gi18n.h>
#include <string.h>

#include "station-window-private.h"
#include "vk-error.h"
#include "vk-ui-util.h"

#define DEFAULT_TIMEOUT_S 300

typedef struct
{
  VkStationWindow *window; /* borrowed: the dialog is the window's */
  GtkEntry *name;
  GtkDropDown *keys;
  GPtrArray *key_paths; /* char*, per row of keys */
  GtkEntry *key_path;
  GtkPasswordEntry *passphrase;
  GtkLabel *message;
  GtkButton *unlock;
  GtkProgressBar *progress;
  GCancellable *cancellable;
} Prompt;

static void
prompt_free (Prompt *p)
{
  if (p->cancellable != NULL)
    g_cancellable_cancel (p->cancellable);
  g_clear_object (&p->cancellable);
  g_ptr_array_unref (p->key_paths);
  g_free (p);
}

static void
set_button_label (VkStationWindow *self)
{
  if (self->valgstyrer_name != NULL)
    {
      g_autofree char *label = g_strdup_printf (_ ("Valgstyrer: %s"), self->valgstyrer_name);
      gtk_button_set_label (GTK_BUTTON (self->valgstyrer_button), label);
    }
  else
    gtk_button_set_label (GTK_BUTTON (self->valgstyrer_button), _ ("_Valgstyrer…"));
  /* A long name must not widen the header past a laptop's width. */
  {
    GtkWidget *label = gtk_button_get_child (GTK_BUTTON (self->valgstyrer_button));
    if (GTK_IS_LABEL (label))
      {
        gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
        gtk_label_set_max_width_chars (GTK_LABEL (label), 28);
      }
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->valgstyrer_button),
                                 self->valgstyrer_name != NULL
                                     ? gtk_button_get_label (GTK_BUTTON (self->valgstyrer_button))
                                     : _ ("A valgstyrer unlocks their own key to take charge (may undo check-ins); it "
                                          "ends after a while without use"));
  }
}

/* The toggle follows the mode, never the click alone. */
static void
set_toggle (VkStationWindow *self, gboolean active)
{
  g_signal_handlers_block_matched (self->valgstyrer_button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_toggle_button_set_active (self->valgstyrer_button, active);
  g_signal_handlers_unblock_matched (self->valgstyrer_button, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
}

void
vk_station_window_leave_valgstyrer (VkStationWindow *self, const char *toast)
{
  g_clear_handle_id (&self->valgstyrer_timer, g_source_remove);
  if (self->valgstyrer_name == NULL)
    return;
  g_clear_pointer (&self->valgstyrer_name, g_free);
  g_clear_pointer (&self->valgstyrer_device, g_free);
  if (vk_station_window_get_open_station (self) != NULL)
    vk_checkin_page_set_valgstyrer (self->checkin_view, FALSE);
  set_toggle (self, FALSE);
  set_button_label (self);
  if (toast != NULL)
    vk_station_window_toast (self, toast);
}

static gboolean
inactivity_cb (gpointer user_data)
{
  VkStationWindow *self = user_data;
  gint64 idle_ms = (g_get_monotonic_time () - self->last_activity_us) / 1000;
  gint64 timeout_ms = (gint64)self->valgstyrer_timeout_s * 1000;

  self->valgstyrer_timer = 0;
  if (idle_ms < timeout_ms)
    {
      self->valgstyrer_timer = g_timeout_add ((guint)(timeout_ms - idle_ms), inactivity_cb, self);
      return G_SOURCE_REMOVE;
    }
  {
    guint minutes = (self->valgstyrer_timeout_s + 59) / 60;
    g_autofree char *text
        = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Valgstyrer mode ended after %u minute without use.",
                                        "Valgstyrer mode ended after %u minutes without use.", minutes),
                           minutes);
    vk_station_window_leave_valgstyrer (self, text);
  }
  return G_SOURCE_REMOVE;
}

static void
enter_valgstyrer (VkStationWindow *self, const char *name, const char *device_id)
{
  g_autofree char *text = NULL;

  self->valgstyrer_name = g_strdup (name);
  self->valgstyrer_device = g_strdup (device_id);
  vk_checkin_page_set_valgstyrer (self->checkin_view, TRUE);
  set_toggle (self, TRUE);
  set_button_label (self);
  self->last_activity_us = g_get_monotonic_time ();
  g_clear_handle_id (&self->valgstyrer_timer, g_source_remove);
  self->valgstyrer_timer = g_timeout_add (self->valgstyrer_timeout_s * 1000, inactivity_cb, self);
  text = g_strdup_printf (_ ("%s is in charge as valgstyrer."), name);
  vk_station_window_toast (self, text);
}

/* Any key press or click in the window keeps the mode alive. */
static gboolean
activity_cb (GtkEventControllerLegacy *controller, GdkEvent *event, VkStationWindow *self)
{
  GtkWidget *window = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));

  /* This window, or one of its dialogs (transient for it). */
  if (window != GTK_WIDGET (self) && gtk_window_get_transient_for (GTK_WINDOW (window)) != GTK_WINDOW (self))
    return GDK_EVENT_PROPAGATE;
  switch (gdk_event_get_event_type (event))
    {
      case GDK_KEY_PRESS:
      case GDK_BUTTON_PRESS:
      case GDK_SCROLL:
      case GDK_TOUCH_BEGIN:
        self->last_activity_us = g_get_monotonic_time ();
        break;
      default:
        break;
    }
  return GDK_EVENT_PROPAGATE;
}

/* The prompt. */

static void
prompt_message (Prompt *p, const char *text)
{
  gtk_label_set_text (p->message, text != NULL ? text : "");
}

static void
unlocked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Prompt *p = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = vk_ui_load_key_finish (result, &error);
  g_autofree char *name = NULL;
  VkStationWindow *self;
  VkStation *station;
  const VkDevice *d;
  guint area;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = p->window;
  g_clear_object (&p->cancellable);
  vk_ui_busy_stop (p->progress);
  gtk_widget_set_sensitive (GTK_WIDGET (p->unlock), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (p->passphrase), "");
  station = vk_station_window_get_open_station (self);
  if (station == NULL)
    return;
  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (p->name))));
  if (key == NULL)
    {
      g_autofree char *text = g_error_matches (error, VK_ERROR, VK_ERROR_PASSPHRASE)
                                  ? g_strdup_printf (_ ("Wrong passphrase for %s's key."), name)
                                  : g_strdup_printf (_ ("Cannot read the key: %s"), error->message);
      prompt_message (p, text);
      gtk_widget_grab_focus (GTK_WIDGET (p->passphrase));
      return;
    }
  d = vk_package_lookup_device_by_key_id (vk_station_get_package (station), vk_keypair_get_key_id (key));
  area = vk_station_get_device (station)->area;
  if (d == NULL || d->role_id != VK_ROLE_VALGSTYRER)
    {
      prompt_message (p, _ ("This key is not enrolled as a valgstyrer's key."));
      return;
    }
  if (d->area != VK_PACKAGE_NO_AREA && d->area != area)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("This valgstyrer's key is enrolled for area %u, not for this table's."), d->area);
      prompt_message (p, text);
      return;
    }
  if (!vk_device_is_valid_at (d, (guint64)(g_get_real_time () / 1000)))
    {
      prompt_message (p, _ ("This valgstyrer's key is not valid today."));
      return;
    }
  enter_valgstyrer (self, name, d->device_id);
  gtk_window_destroy (self->valgstyrer_dialog);
}

static void
unlock_clicked_cb (GtkButton *button, Prompt *p)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (p->name))));
  const char *path = gtk_editable_get_text (GTK_EDITABLE (p->key_path));

  if (p->cancellable != NULL)
    return;
  prompt_message (p, NULL);
  if (*name == '\0')
    {
      prompt_message (p, _ ("Type the valgstyrer's name."));
      gtk_widget_grab_focus (GTK_WIDGET (p->name));
      return;
    }
  if (*path == '\0')
    {
      prompt_message (p, _ ("Choose the valgstyrer's key file."));
      return;
    }
  p->cancellable = g_cancellable_new ();
  vk_ui_busy_start (p->progress);
  gtk_widget_set_sensitive (GTK_WIDGET (p->unlock), FALSE);
  vk_ui_load_key_async (path, gtk_editable_get_text (GTK_EDITABLE (p->passphrase)), p->cancellable, unlocked_cb, p);
}

static void
passphrase_activate_cb (GtkPasswordEntry *entry, Prompt *p)
{
  unlock_clicked_cb (p->unlock, p);
}

static void
key_chosen_cb (GObject *dropdown, GParamSpec *pspec, Prompt *p)
{
  guint i = gtk_drop_down_get_selected (p->keys);

  if (i < p->key_paths->len)
    gtk_editable_set_text (GTK_EDITABLE (p->key_path), g_ptr_array_index (p->key_paths, i));
}

static void
cancel_clicked_cb (GtkButton *button, GtkWindow *dialog)
{
  gtk_window_destroy (dialog);
}

static void
dialog_destroy_cb (GtkWidget *dialog, VkStationWindow *self)
{
  self->valgstyrer_dialog = NULL;
}

static GtkWidget *
labelled (GtkGrid *grid, int row, const char *text, GtkWidget *widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_grid_attach (grid, label, 0, row, 1, 1);
  gtk_grid_attach (grid, widget, 1, row, 1, 1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  return widget;
}

/* The valgstyrere who may take charge here: enrolled for this area or
 * for none, with their key files beside the package (keys/ID.key) when
 * there. */
static GtkStringList *
list_valgstyrere (VkStationWindow *self, GPtrArray *paths)
{
  VkStation *station = vk_station_window_get_open_station (self);
  VkPackage *package = vk_station_get_package (station);
  guint area = vk_station_get_device (station)->area;
  g_autoptr (GPtrArray) devices = vk_package_list_devices (package);
  g_autofree char *dir = g_path_get_dirname (vk_package_get_path (package));
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < devices->len; i++)
    {
      const VkDevice *d = g_ptr_array_index (devices, i);
      g_autofree char *file = NULL;

      if (d->role_id != VK_ROLE_VALGSTYRER || (d->area != VK_PACKAGE_NO_AREA && d->area != area))
        continue;
      file = g_strconcat (d->device_id, ".key", NULL);
      gtk_string_list_append (list, d->device_id);
      g_ptr_array_add (paths, g_build_filename (dir, "keys", file, NULL));
    }
  return list;
}

static void
open_prompt (VkStationWindow *self)
{
  GtkWidget *dialog, *box, *intro, *buttons, *cancel;
  GtkGrid *grid;
  Prompt *p;
  g_autoptr (GtkStringList) list = NULL;
  g_autofree char *intro_text = NULL;
  guint minutes = (self->valgstyrer_timeout_s + 59) / 60;

  if (self->valgstyrer_dialog != NULL)
    {
      gtk_window_present (self->valgstyrer_dialog);
      return;
    }
  p = g_new0 (Prompt, 1);
  p->window = self;
  p->key_paths = g_ptr_array_new_with_free_func (g_free);
  dialog = g_object_new (GTK_TYPE_WINDOW, "accessible-role", GTK_ACCESSIBLE_ROLE_DIALOG, NULL);
  self->valgstyrer_dialog = GTK_WINDOW (dialog);
  gtk_window_set_title (GTK_WINDOW (dialog), _ ("Valgstyrer"));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 520, -1);
  gtk_widget_set_name (dialog, "valgstyrer_dialog");
  g_object_set_data_full (G_OBJECT (dialog), "vk-prompt", p, (GDestroyNotify)prompt_free);
  g_signal_connect (dialog, "destroy", G_CALLBACK (dialog_destroy_cb), self);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  intro_text = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE,
                   "The valgstyrer unlocks their own key with their own passphrase. Valgstyrer mode ends after %u "
                   "minute without use, or when the button is pressed again.",
                   "The valgstyrer unlocks their own key with their own passphrase. Valgstyrer mode ends after %u "
                   "minutes without use, or when the button is pressed again.",
                   minutes),
      minutes);
  intro = gtk_label_new (intro_text);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (intro), 50);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_box_append (GTK_BOX (box), intro);

  grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (grid, 8);
  gtk_grid_set_column_spacing (grid, 12);
  p->name = GTK_ENTRY (labelled (grid, 0, _ ("_Name"), gtk_entry_new ()));
  gtk_widget_set_name (GTK_WIDGET (p->name), "valgstyrer_name");
  list = list_valgstyrere (self, p->key_paths);
  p->keys = GTK_DROP_DOWN (labelled (grid, 1, _ ("_Valgstyrer key"), gtk_drop_down_new (NULL, NULL)));
  gtk_drop_down_set_model (p->keys, G_LIST_MODEL (list));
  gtk_widget_set_name (GTK_WIDGET (p->keys), "valgstyrer_keys");
  p->key_path = GTK_ENTRY (labelled (grid, 2, _ ("Key _file"), gtk_entry_new ()));
  gtk_widget_set_name (GTK_WIDGET (p->key_path), "valgstyrer_key_path");
  p->passphrase = GTK_PASSWORD_ENTRY (labelled (grid, 3, _ ("_Passphrase"), gtk_password_entry_new ()));
  gtk_password_entry_set_show_peek_icon (p->passphrase, TRUE);
  gtk_widget_set_name (GTK_WIDGET (p->passphrase), "valgstyrer_passphrase");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (grid));

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (buttons, GTK_ALIGN_FILL);
  p->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_name (GTK_WIDGET (p->progress), "valgstyrer_progress");
  gtk_progress_bar_set_text (p->progress, _ ("Unlocking the key…"));
  gtk_progress_bar_set_show_text (p->progress, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (p->progress), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (p->progress), GTK_ALIGN_CENTER);
  vk_ui_busy_stop (p->progress);
  cancel = gtk_button_new_with_mnemonic (_ ("_Cancel"));
  p->unlock = GTK_BUTTON (gtk_button_new_with_mnemonic (_ ("_Unlock")));
  gtk_widget_set_name (GTK_WIDGET (p->unlock), "valgstyrer_unlock");
  gtk_widget_add_css_class (GTK_WIDGET (p->unlock), "suggested-action");
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (p->progress));
  gtk_box_append (GTK_BOX (buttons), cancel);
  gtk_box_append (GTK_BOX (buttons), GTK_WIDGET (p->unlock));
  gtk_box_append (GTK_BOX (box), buttons);
  /* Below the buttons, with its room kept: a message never moves them. */
  p->message = GTK_LABEL (gtk_label_new (""));
  gtk_widget_set_name (GTK_WIDGET (p->message), "valgstyrer_message");
  gtk_label_set_wrap (GTK_LABEL (p->message), TRUE);
  gtk_label_set_xalign (GTK_LABEL (p->message), 0);
  gtk_label_set_lines (GTK_LABEL (p->message), 2);
  gtk_widget_add_css_class (GTK_WIDGET (p->message), "vk-prompt-message");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (p->message));
  gtk_window_set_child (GTK_WINDOW (dialog), box);
  /* Enter in any field unlocks; Escape closes. */
  gtk_entry_set_activates_default (p->name, TRUE);
  gtk_entry_set_activates_default (p->key_path, TRUE);
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();
    gtk_shortcut_controller_add_shortcut (
        GTK_SHORTCUT_CONTROLLER (shortcuts),
        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0), gtk_named_action_new ("window.close")));
    gtk_widget_add_controller (dialog, shortcuts);
  }
  gtk_window_set_default_widget (GTK_WINDOW (dialog), GTK_WIDGET (p->unlock));

  g_signal_connect (p->keys, "notify::selected", G_CALLBACK (key_chosen_cb), p);
  g_signal_connect (p->unlock, "clicked", G_CALLBACK (unlock_clicked_cb), p);
  g_signal_connect (p->passphrase, "activate", G_CALLBACK (passphrase_activate_cb), p);
  g_signal_connect (cancel, "clicked", G_CALLBACK (cancel_clicked_cb), dialog);
  key_chosen_cb (NULL, NULL, p);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (p->name));
}

static void
valgstyrer_toggled_cb (GtkToggleButton *button, VkStationWindow *self)
{
  if (self->valgstyrer_name != NULL)
    {
      /* Pressed again: the valgstyrer leaves. */
      vk_station_window_leave_valgstyrer (self, _ ("Valgstyrer mode ended."));
      return;
    }
  set_toggle (self, FALSE);
  open_prompt (self);
}

static void
watch_activity (VkStationWindow *self, GtkWidget *widget)
{
  GtkEventController *controller;
  /* Per station window: several may watch the same dialog list. */
  g_autofree char *key = g_strdup_printf ("vk-activity-%p", (void *)self);

  if (g_object_get_data (G_OBJECT (widget), key) != NULL)
    return;
  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "event", G_CALLBACK (activity_cb), self, 0);
  gtk_widget_add_controller (widget, controller);
  g_object_set_data (G_OBJECT (widget), key, GINT_TO_POINTER (1));
}

/* A dialog of this window (the undo's reason, a file chooser) is use too:
 * typing a reason must not end the mode. */
static void
toplevels_changed_cb (GListModel *toplevels, guint position, guint removed, guint added, VkStationWindow *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);
      /* Whose dialog it is may be set after it is listed: activity_cb checks. */
      if (w != NULL && w != GTK_WINDOW (self))
        watch_activity (self, GTK_WIDGET (w));
    }
}

void
vk_station_window_init_valgstyrer (VkStationWindow *self)
{
  self->valgstyrer_timeout_s = DEFAULT_TIMEOUT_S;
  watch_activity (self, GTK_WIDGET (self));
  g_signal_connect_object (gtk_window_get_toplevels (), "items-changed", G_CALLBACK (toplevels_changed_cb), self, 0);
  g_signal_connect (self->valgstyrer_button, "toggled", G_CALLBACK (valgstyrer_toggled_cb), self);
}

void
vk_station_window_dispose_valgstyrer (VkStationWindow *self)
{
  g_clear_handle_id (&self->valgstyrer_timer, g_source_remove);
  if (self->valgstyrer_dialog != NULL)
    gtk_window_destroy (self->valgstyrer_dialog);
}

void
vk_station_window_set_valgstyrer_timeout (VkStationWindow *self, guint seconds)
{
  g_return_if_fail (VK_IS_STATION_WINDOW (self));
  g_return_if_fail (seconds > 0);
  self->valgstyrer_timeout_s = seconds;
}

const char *
vk_station_window_get_valgstyrer (VkStationWindow *self)
{
  g_return_val_if_fail (VK_IS_STATION_WINDOW (self), NULL);
  return self->valgstyrer_name;
}

/* setup-page.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "setup-page.h"
#include "vk-error.h"
#include "vk-ui-util.h"

struct _VkSetupPage
{
  AdwBin parent_instance;

  /* Template widgets. */
  GtkEntry *package_entry;
  GtkDropDown *device_dropdown;
  GtkEntry *key_entry;
  GtkPasswordEntry *passphrase_entry;
  GtkEntry *db_entry;
  GtkLabel *setup_error;

  /* State. */
  VkPackage *package;
  GPtrArray *devices;      /* VkDevice*, as listed in the dropdown */
  VkKeyDialog *key_dialog; /* while open */
  gboolean opened;
};

enum
{
  SIGNAL_OPENED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VkSetupPage, vk_setup_page, ADW_TYPE_BIN)

static void
setup_error (VkSetupPage *self, const char *text)
{
  gtk_label_set_text (self->setup_error, text);
  gtk_widget_set_visible (GTK_WIDGET (self->setup_error), text != NULL);
}

/* The demo and the valgsekretariat put keys in keys/DEVICE.key beside the package. */
static void
propose_key_path (VkSetupPage *self)
{
  guint i = gtk_drop_down_get_selected (self->device_dropdown);
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  const VkDevice *d;

  if (self->devices == NULL || i >= self->devices->len)
    return;
  d = g_ptr_array_index (self->devices, i);
  dir = g_path_get_dirname (gtk_editable_get_text (GTK_EDITABLE (self->package_entry)));
  name = g_strconcat (d->device_id, ".key", NULL);
  path = g_build_filename (dir, "keys", name, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    gtk_editable_set_text (GTK_EDITABLE (self->key_entry), path);
}

static void
open_package (VkSetupPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  const char *path = gtk_editable_get_text (GTK_EDITABLE (self->package_entry));

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->package, vk_package_free);
  self->package = vk_package_open (path, &error);
  if (self->package == NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("Cannot open the election package: %s"), error->message);
      gtk_drop_down_set_model (self->device_dropdown, G_LIST_MODEL (model));
      setup_error (self, text);
      return;
    }
  setup_error (self, NULL);
  self->devices = vk_package_list_devices (self->package);
  for (guint i = 0; i < self->devices->len; i++)
    {
      const VkDevice *d = g_ptr_array_index (self->devices, i);
      g_autofree char *item
          = d->area != VK_PACKAGE_NO_AREA
                ? g_strdup_printf (_ ("%s — %s, area %u"), d->device_id, vk_ui_role_label (d->role), d->area)
                : g_strdup_printf ("%s — %s", d->device_id, vk_ui_role_label (d->role));
      gtk_string_list_append (model, item);
    }
  gtk_drop_down_set_model (self->device_dropdown, G_LIST_MODEL (model));
  propose_key_path (self);
}

/* Signal callbacks. */

static void
package_activate_cb (GtkEntry *entry, VkSetupPage *self)
{
  open_package (self);
}

static void
device_selected_cb (GObject *dropdown, GParamSpec *pspec, VkSetupPage *self)
{
  propose_key_path (self);
}

static void
passphrase_activate_cb (GtkPasswordEntry *entry, VkSetupPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "setup.open", NULL);
}

static void
key_created_cb (VkKeyDialog *dialog, const char *key_path, VkSetupPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->key_entry), key_path);
}

static void
key_dialog_destroy_cb (GtkWidget *dialog, VkSetupPage *self)
{
  self->key_dialog = NULL;
}

/* Actions. */

static void
set_path_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkSetupPage *self = VK_SETUP_PAGE (widget);
  GtkEntry *entry = strcmp (action_name, "setup.set-package") == 0 ? self->package_entry : self->key_entry;

  gtk_editable_set_text (GTK_EDITABLE (entry), g_variant_get_string (param, NULL));
  if (entry == self->package_entry)
    g_signal_emit_by_name (entry, "activate");
}

static void
choose_package_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  vk_ui_choose_file (widget, _ ("Open election package"), GTK_FILE_CHOOSER_ACTION_OPEN, "setup.set-package");
}

static void
choose_key_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  vk_ui_choose_file (widget, _ ("Choose the device key"), GTK_FILE_CHOOSER_ACTION_OPEN, "setup.set-key");
}

static void
create_key_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkSetupPage *self = VK_SETUP_PAGE (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->key_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->key_dialog));
      return;
    }
  if (self->package == NULL)
    open_package (self);
  if (self->package == NULL || (election = vk_package_dup_election (self->package, &error)) == NULL)
    {
      if (error != NULL)
        {
          g_autofree char *text = g_strdup_printf (_ ("Cannot open the election package: %s"), error->message);
          setup_error (self, text);
        }
      else
        setup_error (self, _ ("Open the election package first."));
      return;
    }
  self->key_dialog = vk_key_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        gtk_editable_get_text (GTK_EDITABLE (self->package_entry)), election);
  g_signal_connect (self->key_dialog, "created", G_CALLBACK (key_created_cb), self);
  g_signal_connect (self->key_dialog, "destroy", G_CALLBACK (key_dialog_destroy_cb), self);
  gtk_window_present (GTK_WINDOW (self->key_dialog));
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkSetupPage *self = VK_SETUP_PAGE (widget);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autoptr (VkStationSession) session = NULL;
  g_autofree char *db = NULL;
  const char *key_path = gtk_editable_get_text (GTK_EDITABLE (self->key_entry));
  const char *db_text = gtk_editable_get_text (GTK_EDITABLE (self->db_entry));
  guint i = gtk_drop_down_get_selected (self->device_dropdown);
  const VkDevice *d;
  VkStation *station;

  if (self->opened)
    return;
  if (self->package == NULL)
    open_package (self);
  if (self->package == NULL)
    return;
  if (self->devices == NULL || i >= self->devices->len)
    {
      setup_error (self, _ ("The package has no enrolled devices: enrol this device first (valgkit enroll)."));
      return;
    }
  d = g_ptr_array_index (self->devices, i);
  key = vk_keypair_load (key_path, gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry)), &error);
  if (key == NULL)
    {
      g_autofree char *text = g_error_matches (error, VK_ERROR, VK_ERROR_PASSPHRASE)
                                  ? g_strdup (_ ("Wrong passphrase for the device key."))
                                  : g_strdup_printf (_ ("Cannot read the device key: %s"), error->message);
      setup_error (self, text);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_entry), "");
  if (*db_text != '\0')
    db = g_strdup (db_text);
  else
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "valgkit", NULL);
      g_autofree char *name = g_strconcat (d->device_id, ".db", NULL);
      (void)g_mkdir_with_parents (dir, 0700);
      db = g_build_filename (dir, name, NULL);
    }
  station = vk_station_open (self->package, db, d->device_id, key, &error);
  if (station == NULL)
    {
      g_autofree char *text = g_strdup_printf (_ ("Cannot open the device: %s"), error->message);
      setup_error (self, text);
      return;
    }
  setup_error (self, NULL);
  self->opened = TRUE;
  /* The session owns the package and the key from here on. */
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  session = vk_station_session_new (g_steal_pointer (&self->package), g_steal_pointer (&key), station, db);
  g_signal_emit (self, signals[SIGNAL_OPENED], 0, session);
}

/* GObject. */

static void
vk_setup_page_dispose (GObject *object)
{
  VkSetupPage *self = VK_SETUP_PAGE (object);

  if (self->key_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->key_dialog));
  gtk_widget_dispose_template (GTK_WIDGET (self), VK_TYPE_SETUP_PAGE);
  G_OBJECT_CLASS (vk_setup_page_parent_class)->dispose (object);
}

static void
vk_setup_page_finalize (GObject *object)
{
  VkSetupPage *self = VK_SETUP_PAGE (object);

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->package, vk_package_free);
  G_OBJECT_CLASS (vk_setup_page_parent_class)->finalize (object);
}

static void
vk_setup_page_class_init (VkSetupPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_setup_page_dispose;
  object_class->finalize = vk_setup_page_finalize;

  /* The device is open: the session (VkStationSession) is the handler's to keep. */
  signals[SIGNAL_OPENED] = g_signal_new ("opened", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, VK_TYPE_STATION_SESSION);

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/setup-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkSetupPage, name)
  BIND (package_entry);
  BIND (device_dropdown);
  BIND (key_entry);
  BIND (passphrase_entry);
  BIND (db_entry);
  BIND (setup_error);
#undef BIND

  gtk_widget_class_install_action (widget_class, "setup.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "setup.choose-package", NULL, choose_package_action);
  gtk_widget_class_install_action (widget_class, "setup.choose-key", NULL, choose_key_action);
  gtk_widget_class_install_action (widget_class, "setup.create-key", NULL, create_key_action);
  gtk_widget_class_install_action (widget_class, "setup.set-package", "s", set_path_action);
  gtk_widget_class_install_action (widget_class, "setup.set-key", "s", set_path_action);
}

static void
vk_setup_page_init (VkSetupPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->package_entry, "activate", G_CALLBACK (package_activate_cb), self);
  g_signal_connect (self->device_dropdown, "notify::selected", G_CALLBACK (device_selected_cb), self);
  g_signal_connect (self->passphrase_entry, "activate", G_CALLBACK (passphrase_activate_cb), self);
}

/* Public API. */

void
vk_setup_page_prefill (VkSetupPage *self, const char *package_path, const char *device_id, const char *key_path,
                       const char *db_path)
{
  g_return_if_fail (VK_IS_SETUP_PAGE (self));

  if (package_path != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->package_entry), package_path);
      open_package (self);
    }
  if (device_id != NULL && self->devices != NULL)
    for (guint i = 0; i < self->devices->len; i++)
      if (strcmp (((VkDevice *)g_ptr_array_index (self->devices, i))->device_id, device_id) == 0)
        gtk_drop_down_set_selected (self->device_dropdown, i);
  if (key_path != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->key_entry), key_path);
  if (db_path != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->db_entry), db_path);
  gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
}

VkKeyDialog *
vk_setup_page_get_key_dialog (VkSetupPage *self)
{
  g_return_val_if_fail (VK_IS_SETUP_PAGE (self), NULL);
  return self->key_dialog;
}

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
  GtkEntry *server_entry;
  GtkEntry *peers_entry;
  GtkEntry *listen_entry;
  GtkLabel *setup_error;
  GtkLabel *election_id_label;
  GtkLabel *resume_label;
  GtkLabel *test_band;
  GtkButton *open_button;
  GtkProgressBar *open_progress;

  /* State. */
  VkPackage *package;
  GPtrArray *devices;      /* VkDevice*, as listed in the dropdown: the station's roles only */
  VkKeyDialog *key_dialog; /* while open */
  gboolean opened;
  GCancellable *unlocking; /* while the key is unlocked in a worker thread */
  char *setup_file;        /* where the setup is remembered, or NULL */
  char *remembered_device; /* the device this computer was last, in remembered_election */
  char *remembered_election;
  gboolean confirmed_other; /* the operator was warned and opens another device anyway */
  char *proposed_key;       /* the key path the page proposed, not typed */
  char *tls_cert;
  char *tls_key;
};

enum
{
  SIGNAL_OPENED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VkSetupPage, vk_setup_page, ADW_TYPE_BIN)

static void
replace_str (char **ptr, const char *value)
{
  char *copy = g_strdup (value);

  g_free (*ptr);
  *ptr = copy;
}

/* The page's message, below the buttons so that it never moves them. */
static void
setup_error (VkSetupPage *self, const char *text)
{
  vk_ui_show_message (self->setup_error, "vk-blocked", text);
}

/* The roles this app can open: a station device has a journal. */
static gboolean
is_station_role (VkDeviceRole role)
{
  return role == VK_ROLE_VALGBORD || role == VK_ROLE_BREVSTEMMESTED || role == VK_ROLE_HJEMMEBESOEG
         || role == VK_ROLE_FINTAELLING;
}

static const VkDevice *
selected_device (VkSetupPage *self)
{
  guint i = gtk_drop_down_get_selected (self->device_dropdown);

  if (self->devices == NULL || i == GTK_INVALID_LIST_POSITION || i >= self->devices->len)
    return NULL;
  return g_ptr_array_index (self->devices, i);
}

static char *
package_election_hex (VkSetupPage *self)
{
  return self->package != NULL ? vk_hex_encode (vk_package_get_election_id (self->package), VK_ELECTION_ID_BYTES)
                               : NULL;
}

/* This computer was another device of the same election: opening it as
 * this one makes two laptops write as one table (a fork). */
static gboolean
differs_from_remembered (VkSetupPage *self, const VkDevice *d)
{
  g_autofree char *election = package_election_hex (self);

  return d != NULL && self->remembered_device != NULL && g_strcmp0 (election, self->remembered_election) == 0
         && g_strcmp0 (d->device_id, self->remembered_device) != 0;
}

static void
update_open_button (VkSetupPage *self)
{
  const VkDevice *d = selected_device (self);

  if (differs_from_remembered (self, d))
    {
      g_autofree char *label = g_strdup_printf (_ ("Open as %s anyway"), d->device_id);
      g_autofree char *text = g_strdup_printf (
          _ ("This computer was %s until now. Open it as %s only if %s's own computer is out of use: two computers "
             "working as one table split its journal (a fork)."),
          self->remembered_device, d->device_id, d->device_id);
      gtk_button_set_label (self->open_button, label);
      vk_ui_show_message (self->setup_error, "vk-warning", text);
    }
  else
    {
      gtk_button_set_label (self->open_button, _ ("_Open"));
      if (gtk_widget_has_css_class (GTK_WIDGET (self->setup_error), "vk-warning"))
        setup_error (self, NULL);
    }
}

/* The demo and the valgsekretariat put keys in keys/DEVICE.key beside the package. */
static void
propose_key_path (VkSetupPage *self)
{
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  const VkDevice *d = selected_device (self);

  if (d == NULL)
    {
      /* No device: no key proposed for one. */
      if (self->proposed_key != NULL
          && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->key_entry)), self->proposed_key) == 0)
        gtk_editable_set_text (GTK_EDITABLE (self->key_entry), "");
      return;
    }
  dir = g_path_get_dirname (gtk_editable_get_text (GTK_EDITABLE (self->package_entry)));
  name = g_strconcat (d->device_id, ".key", NULL);
  path = g_build_filename (dir, "keys", name, NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->key_entry), path);
      replace_str (&self->proposed_key, path);
    }
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
      gtk_label_set_text (self->election_id_label, _ ("Open the package to see its election id."));
      gtk_widget_set_visible (GTK_WIDGET (self->test_band), FALSE);
      setup_error (self, text);
      return;
    }
  setup_error (self, NULL);
  {
    g_autofree char *id = vk_ui_format_election_id (vk_package_get_election_id (self->package));
    gtk_label_set_text (self->election_id_label, id);
    gtk_widget_set_visible (GTK_WIDGET (self->test_band), vk_ui_package_is_test (self->package));
  }
  {
    /* Only the devices this app can be: not valgstyrer keys, not the count server. */
    g_autoptr (GPtrArray) all = vk_package_list_devices (self->package);
    self->devices = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_device_free);
    for (guint i = 0; i < all->len; i++)
      if (is_station_role (((VkDevice *)g_ptr_array_index (all, i))->role_id))
        g_ptr_array_add (self->devices, g_ptr_array_steal_index (all, i--));
  }
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
  /* No device chosen for the operator, who must say which table this is
   * (the wrong one forks that table's journal); a package for a single
   * device leaves no choice to make. */
  gtk_drop_down_set_selected (self->device_dropdown, self->devices->len == 1 ? 0 : GTK_INVALID_LIST_POSITION);
  propose_key_path (self);
  update_open_button (self);
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
  self->confirmed_other = FALSE;
  propose_key_path (self);
  update_open_button (self);
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

/* The setup file: a small keyfile in the user's data folder (station-app.c). */
#define GROUP "setup"

static GStrv
split_peers (const char *text)
{
  g_auto (GStrv) parts = g_strsplit_set (text, " ,;\n\t", -1);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (b, parts[i]);
  return g_strv_builder_end (b);
}

static void
set_text (GtkEntry *entry, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
}

static void
save_setup (VkSetupPage *self, const VkDevice *d, const char *db)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *election = package_election_hex (self);
  g_auto (GStrv) peers = split_peers (gtk_editable_get_text (GTK_EDITABLE (self->peers_entry)));
  const struct
  {
    const char *key;
    const char *value;
  } values[] = {
    { "package", gtk_editable_get_text (GTK_EDITABLE (self->package_entry)) },
    { "election-id", election },
    { "device", d->device_id },
    { "key", gtk_editable_get_text (GTK_EDITABLE (self->key_entry)) },
    { "db", db },
    { "server", gtk_editable_get_text (GTK_EDITABLE (self->server_entry)) },
    { "listen", gtk_editable_get_text (GTK_EDITABLE (self->listen_entry)) },
    { "tls-cert", self->tls_cert },
    { "tls-key", self->tls_key },
  };

  if (self->setup_file == NULL)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    if (values[i].value != NULL && *values[i].value != '\0')
      g_key_file_set_string (kf, GROUP, values[i].key, values[i].value);
  if (peers[0] != NULL)
    g_key_file_set_string_list (kf, GROUP, "peers", (const char *const *)peers, g_strv_length (peers));
  dir = g_path_get_dirname (self->setup_file);
  (void)g_mkdir_with_parents (dir, 0700);
  if (!g_key_file_save_to_file (kf, self->setup_file, &error))
    g_warning ("cannot remember the setup in %s: %s", self->setup_file, error->message);
  g_free (self->remembered_device);
  self->remembered_device = g_strdup (d->device_id);
  g_free (self->remembered_election);
  self->remembered_election = g_strdup (election);
}

static void
stop_unlocking (VkSetupPage *self)
{
  g_clear_object (&self->unlocking);
  vk_ui_busy_stop (self->open_progress);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), TRUE);
}

static void
key_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (VkSetupPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = vk_ui_load_key_finish (result, &error);
  g_autoptr (VkStationSession) session = NULL;
  g_autofree char *db = NULL;
  const char *db_text = gtk_editable_get_text (GTK_EDITABLE (self->db_entry));
  const VkDevice *d;
  VkStation *station;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->unlocking == NULL)
    return;
  stop_unlocking (self);
  d = selected_device (self);
  if (key == NULL || d == NULL || self->package == NULL)
    {
      g_autofree char *text = error == NULL ? g_strdup (_ ("Choose which device this is."))
                              : g_error_matches (error, VK_ERROR, VK_ERROR_PASSPHRASE)
                                  ? g_strdup (_ ("Wrong passphrase for the device key."))
                                  : g_strdup_printf (_ ("Cannot read the device key: %s"), error->message);
      setup_error (self, text);
      gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
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
  save_setup (self, d, db);
  /* The session owns the package and the key from here on. */
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  session = vk_station_session_new (g_steal_pointer (&self->package), g_steal_pointer (&key), station, db);
  g_signal_emit (self, signals[SIGNAL_OPENED], 0, session);
}

static gboolean
is_url (const char *text)
{
  return (g_str_has_prefix (text, "http://") && text[7] != '\0')
         || (g_str_has_prefix (text, "https://") && text[8] != '\0');
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkSetupPage *self = VK_SETUP_PAGE (widget);
  const VkDevice *d;

  if (self->opened || self->unlocking != NULL)
    return;
  /* The last attempt's message goes at once: what shows is about this one. */
  setup_error (self, NULL);
  if (self->package == NULL)
    open_package (self);
  if (self->package == NULL)
    return;
  if (self->devices == NULL || self->devices->len == 0)
    {
      setup_error (self, _ ("The package has no enrolled devices: enrol this device first (valgkit enroll)."));
      return;
    }
  if ((d = selected_device (self)) == NULL)
    {
      setup_error (self, _ ("Choose which device this is."));
      gtk_widget_grab_focus (GTK_WIDGET (self->device_dropdown));
      return;
    }
  {
    g_auto (GStrv) peers = vk_setup_page_dup_peers (self);
    g_autofree char *server = vk_setup_page_dup_server (self);
    const char *bad = NULL;

    if (server != NULL && !is_url (server))
      bad = server;
    for (guint i = 0; bad == NULL && peers[i] != NULL; i++)
      if (!is_url (peers[i]))
        bad = peers[i];
    if (bad != NULL)
      {
        g_autofree char *text = g_strdup_printf (_ ("The address \"%s\" must begin with http:// or https://."), bad);
        setup_error (self, text);
        return;
      }
  }
  if (differs_from_remembered (self, d) && !self->confirmed_other)
    {
      /* The warning shows; the next press (the button now says so) opens. */
      self->confirmed_other = TRUE;
      update_open_button (self);
      return;
    }
  /* Argon2id takes about a second: unlock off the main thread, with a spinner. */
  self->unlocking = g_cancellable_new ();
  vk_ui_busy_start (self->open_progress);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), FALSE);
  vk_ui_load_key_async (gtk_editable_get_text (GTK_EDITABLE (self->key_entry)),
                        gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry)), self->unlocking, key_loaded_cb,
                        g_object_ref (self));
}

/* GObject. */

static void
vk_setup_page_dispose (GObject *object)
{
  VkSetupPage *self = VK_SETUP_PAGE (object);

  if (self->unlocking != NULL)
    g_cancellable_cancel (self->unlocking);
  g_clear_object (&self->unlocking);
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
  g_free (self->setup_file);
  g_free (self->proposed_key);
  g_free (self->remembered_device);
  g_free (self->remembered_election);
  g_free (self->tls_cert);
  g_free (self->tls_key);
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
  BIND (server_entry);
  BIND (peers_entry);
  BIND (listen_entry);
  BIND (setup_error);
  BIND (election_id_label);
  BIND (resume_label);
  BIND (test_band);
  BIND (open_button);
  BIND (open_progress);
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

void
vk_setup_page_set_sync (VkSetupPage *self, const char *const *peers, const char *server, const char *listen)
{
  g_autofree char *joined = NULL;

  g_return_if_fail (VK_IS_SETUP_PAGE (self));
  if (peers != NULL)
    {
      joined = g_strjoinv (" ", (char **)peers);
      set_text (self->peers_entry, joined);
    }
  if (server != NULL)
    set_text (self->server_entry, server);
  if (listen != NULL)
    set_text (self->listen_entry, listen);
}

void
vk_setup_page_set_tls (VkSetupPage *self, const char *tls_cert, const char *tls_key)
{
  g_return_if_fail (VK_IS_SETUP_PAGE (self));
  if (tls_cert != NULL)
    replace_str (&self->tls_cert, tls_cert);
  if (tls_key != NULL)
    replace_str (&self->tls_key, tls_key);
}

GStrv
vk_setup_page_dup_peers (VkSetupPage *self)
{
  g_return_val_if_fail (VK_IS_SETUP_PAGE (self), NULL);
  return split_peers (gtk_editable_get_text (GTK_EDITABLE (self->peers_entry)));
}

static char *
dup_stripped (GtkEntry *entry)
{
  char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (*text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

char *
vk_setup_page_dup_server (VkSetupPage *self)
{
  g_return_val_if_fail (VK_IS_SETUP_PAGE (self), NULL);
  return dup_stripped (self->server_entry);
}

char *
vk_setup_page_dup_listen (VkSetupPage *self)
{
  g_return_val_if_fail (VK_IS_SETUP_PAGE (self), NULL);
  return dup_stripped (self->listen_entry);
}

const char *
vk_setup_page_get_tls_cert (VkSetupPage *self)
{
  g_return_val_if_fail (VK_IS_SETUP_PAGE (self), NULL);
  return self->tls_cert;
}

const char *
vk_setup_page_get_tls_key (VkSetupPage *self)
{
  g_return_val_if_fail (VK_IS_SETUP_PAGE (self), NULL);
  return self->tls_key;
}

gboolean
vk_setup_page_set_setup_file (VkSetupPage *self, const char *path)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *package = NULL, *device = NULL, *key = NULL, *db = NULL, *server = NULL, *listen = NULL;
  g_autofree char *cert = NULL, *tls_key = NULL;
  g_auto (GStrv) peers = NULL;

  g_return_val_if_fail (VK_IS_SETUP_PAGE (self), FALSE);

  replace_str (&self->setup_file, path);
  if (path == NULL || !g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error))
    {
      if (error != NULL && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_warning ("cannot read the remembered setup %s: %s", path, error->message);
      return FALSE;
    }
  package = g_key_file_get_string (kf, GROUP, "package", NULL);
  device = g_key_file_get_string (kf, GROUP, "device", NULL);
  if (package == NULL || device == NULL)
    return FALSE;
  key = g_key_file_get_string (kf, GROUP, "key", NULL);
  db = g_key_file_get_string (kf, GROUP, "db", NULL);
  server = g_key_file_get_string (kf, GROUP, "server", NULL);
  listen = g_key_file_get_string (kf, GROUP, "listen", NULL);
  cert = g_key_file_get_string (kf, GROUP, "tls-cert", NULL);
  tls_key = g_key_file_get_string (kf, GROUP, "tls-key", NULL);
  peers = g_key_file_get_string_list (kf, GROUP, "peers", NULL, NULL);
  replace_str (&self->remembered_device, device);
  g_free (self->remembered_election);
  self->remembered_election = g_key_file_get_string (kf, GROUP, "election-id", NULL);
  vk_setup_page_set_sync (self, (const char *const *)peers, server, listen);
  vk_setup_page_set_tls (self, cert, tls_key);
  vk_setup_page_prefill (self, package, device, key, db);
  {
    g_autofree char *text
        = g_strdup_printf (_ ("Resumed: this computer is %s, as set up before. Type the passphrase to go on."), device);
    gtk_label_set_text (self->resume_label, text);
    gtk_widget_set_visible (GTK_WIDGET (self->resume_label), TRUE);
  }
  return TRUE;
}

const char *
vk_setup_page_get_remembered_device (VkSetupPage *self)
{
  g_return_val_if_fail (VK_IS_SETUP_PAGE (self), NULL);
  return self->remembered_device;
}

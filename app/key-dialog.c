/* key-dialog.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <sodium.h>
#include <string.h>

#include "key-dialog.h"
#include "vk-device-key.h"
#include "vk-package.h"
#include "vk-ui-util.h"

struct _VkKeyDialog
{
  GtkWindow parent_instance;

  /* Template widgets. */
  GtkEntry *key_device_id;
  GtkDropDown *key_role;
  GtkDropDown *key_area;
  GtkEntry *key_path;
  GtkPasswordEntry *key_passphrase;
  GtkPasswordEntry *key_passphrase_again;
  GtkLabel *key_result;
  GtkScrolledWindow *key_result_scroll;
  GtkLabel *key_hint;
  GtkProgressBar *key_progress;
  GtkButton *key_create;
  GtkButton *key_close;

  /* State. */
  char *package_path;
  GArray *areas;
  GCancellable *cancellable; /* for a key being made */
  gboolean creating;         /* guint per row of key_area: VK_PACKAGE_NO_AREA first */
};

enum
{
  SIGNAL_CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (VkKeyDialog, vk_key_dialog, GTK_TYPE_WINDOW)

static const VkDeviceRole key_roles[]
    = { VK_ROLE_VALGBORD, VK_ROLE_BREVSTEMMESTED, VK_ROLE_HJEMMEBESOEG, VK_ROLE_FINTAELLING };

/* The shortest passphrase a new key takes, in characters. */
/* The engine's rule (vk-device-key.h), checked here first to say it in Danish. */
#define MIN_PASSPHRASE_CHARS VK_DEVICE_KEY_MIN_PASSPHRASE_CHARS

static void
show_error (VkKeyDialog *self, const char *text)
{
  gtk_label_set_text (self->key_result, text);
  gtk_widget_add_css_class (GTK_WIDGET (self->key_result), "vk-blocked");
}

typedef struct
{
  char *package_path;
  char *key_path;
  char *device_id;
  const char *role; /* static */
  guint area;
  char *passphrase;
  /* results */
  VkKeypair *key;
  char *ret_key_path;
  char *ret_pub_path;
} CreateJob;

static void
create_job_free (CreateJob *job)
{
  g_free (job->package_path);
  g_free (job->key_path);
  g_free (job->device_id);
  if (job->passphrase != NULL)
    sodium_memzero (job->passphrase, strlen (job->passphrase));
  g_free (job->passphrase);
  g_clear_pointer (&job->key, vk_keypair_free);
  g_free (job->ret_key_path);
  g_free (job->ret_pub_path);
  g_free (job);
}

static void
create_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CreateJob *job = task_data;
  GError *error = NULL;

  if (vk_station_create_device_key (job->package_path, job->key_path, job->device_id, job->role, job->passphrase,
                                    job->passphrase, &job->key, &job->ret_key_path, &job->ret_pub_path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
create_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (VkKeyDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  CreateJob *job = g_task_get_task_data (G_TASK (result));
  g_autofree char *key_id = NULL, *command = NULL, *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->creating = FALSE;
      vk_ui_busy_stop (self->key_progress);
      gtk_widget_set_sensitive (GTK_WIDGET (self->key_create), TRUE);
      {
        g_autofree char *msg = g_strdup_printf (_ ("Cannot create the device key: %s"), error->message);
        show_error (self, msg);
      }
      return;
    }
  self->creating = FALSE;
  vk_ui_busy_stop (self->key_progress);
  gtk_editable_set_text (GTK_EDITABLE (self->key_passphrase), "");
  gtk_editable_set_text (GTK_EDITABLE (self->key_passphrase_again), "");
  key_id = vk_hex_encode (vk_keypair_get_key_id (job->key), VK_KEY_ID_BYTES);
  command = vk_station_enroll_command (self->package_path, job->ret_pub_path, job->role, job->area);
  text = g_strdup_printf (_ ("The device key is created.\n"
                             "Key id: %s\n"
                             "Key file: %s\n"
                             "Public key: %s\n\n"
                             "The valgsekretariat must now enrol the public key:\n%s\n"
                             "and hand back the updated election package. Open that package here and "
                             "unlock the key with its passphrase."),
                          key_id, job->ret_key_path, job->ret_pub_path, command);
  gtk_label_set_text (self->key_result, text);
  gtk_button_set_label (self->key_close, _ ("_Close"));
  g_signal_emit (self, signals[SIGNAL_CREATED], 0, job->ret_key_path);
}

static void
create_clicked_cb (GtkButton *button, VkKeyDialog *self)
{
  guint role_i = gtk_drop_down_get_selected (self->key_role);
  guint area_i = gtk_drop_down_get_selected (self->key_area);
  const char *device_id = gtk_editable_get_text (GTK_EDITABLE (self->key_device_id));
  VkDeviceRole role_id = role_i < G_N_ELEMENTS (key_roles) ? key_roles[role_i] : VK_ROLE_INVALID;
  const char *role = vk_device_role_to_string (role_id);
  guint area = area_i < self->areas->len ? g_array_index (self->areas, guint, area_i) : VK_PACKAGE_NO_AREA;

  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->key_passphrase));

  if (self->creating)
    return;
  gtk_widget_remove_css_class (GTK_WIDGET (self->key_result), "vk-blocked");
  gtk_label_set_text (self->key_result, "");
  if (*device_id == '\0')
    {
      show_error (self, _ ("Type the device id, e.g. bord-1."));
      return;
    }
  if (vk_device_role_needs_area (role_id) && area == VK_PACKAGE_NO_AREA)
    {
      show_error (self, _ ("A polling table needs an area."));
      return;
    }
  if (g_utf8_strlen (passphrase, -1) < MIN_PASSPHRASE_CHARS)
    {
      g_autofree char *rule
          = g_strdup_printf (_ ("The passphrase is too short: it needs at least %d characters."), MIN_PASSPHRASE_CHARS);
      show_error (self, rule);
      gtk_widget_grab_focus (GTK_WIDGET (self->key_passphrase));
      return;
    }
  if (g_strcmp0 (passphrase, gtk_editable_get_text (GTK_EDITABLE (self->key_passphrase_again))) != 0)
    {
      show_error (self, _ ("The two passphrases differ: type the same passphrase twice."));
      gtk_widget_grab_focus (GTK_WIDGET (self->key_passphrase_again));
      return;
    }
  /* Argon2id takes a moment: the key is made in a worker thread. */
  {
    CreateJob *job = g_new0 (CreateJob, 1);
    g_autoptr (GTask) task = g_task_new (NULL, self->cancellable, create_done_cb, g_object_ref (self));

    job->package_path = g_strdup (self->package_path);
    job->key_path = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->key_path)));
    job->device_id = g_strdup (device_id);
    job->role = role;
    job->area = area;
    job->passphrase = g_strdup (passphrase);
    g_task_set_task_data (task, job, (GDestroyNotify)create_job_free);
    self->creating = TRUE;
    gtk_widget_set_sensitive (GTK_WIDGET (self->key_create), FALSE);
    vk_ui_busy_start (self->key_progress);
    g_task_run_in_thread (task, create_thread);
  }
}

static void
close_clicked_cb (GtkButton *button, VkKeyDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
vk_key_dialog_dispose (GObject *object)
{
  VkKeyDialog *self = VK_KEY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), VK_TYPE_KEY_DIALOG);
  G_OBJECT_CLASS (vk_key_dialog_parent_class)->dispose (object);
}

static void
vk_key_dialog_finalize (GObject *object)
{
  VkKeyDialog *self = VK_KEY_DIALOG (object);

  g_clear_pointer (&self->areas, g_array_unref);
  g_clear_object (&self->cancellable);
  g_free (self->package_path);
  G_OBJECT_CLASS (vk_key_dialog_parent_class)->finalize (object);
}

static void
vk_key_dialog_class_init (VkKeyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_key_dialog_dispose;
  object_class->finalize = vk_key_dialog_finalize;

  signals[SIGNAL_CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/key-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkKeyDialog, name)
  BIND (key_device_id);
  BIND (key_role);
  BIND (key_area);
  BIND (key_path);
  BIND (key_passphrase);
  BIND (key_passphrase_again);
  BIND (key_result);
  BIND (key_result_scroll);
  BIND (key_hint);
  BIND (key_progress);
  BIND (key_create);
  BIND (key_close);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
}

static void
vk_key_dialog_init (VkKeyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Escape closes, like a dialog. */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();
    gtk_shortcut_controller_add_shortcut (
        GTK_SHORTCUT_CONTROLLER (shortcuts),
        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0), gtk_named_action_new ("window.close")));
    gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  }
  self->areas = g_array_new (FALSE, FALSE, sizeof (guint));
  self->cancellable = g_cancellable_new ();
  vk_ui_busy_stop (self->key_progress);
}

VkKeyDialog *
vk_key_dialog_new (GtkWindow *parent, const char *package_path, const VkElection *election)
{
  VkKeyDialog *self;
  g_autoptr (GtkStringList) roles = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) areas = gtk_string_list_new (NULL);
  guint none = VK_PACKAGE_NO_AREA;

  g_return_val_if_fail (package_path != NULL && election != NULL, NULL);

  self = g_object_new (VK_TYPE_KEY_DIALOG, "transient-for", parent, NULL);
  self->package_path = g_strdup (package_path);
  for (gsize i = 0; i < G_N_ELEMENTS (key_roles); i++)
    gtk_string_list_append (roles, vk_ui_role_label (vk_device_role_to_string (key_roles[i])));
  gtk_string_list_append (areas, _ ("No area"));
  g_array_append_val (self->areas, none);
  for (guint i = 0; i < election->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (election->areas, i);
      g_autofree char *item = g_strdup_printf ("%u — %s", a->number, a->name);
      gtk_string_list_append (areas, item);
      g_array_append_val (self->areas, a->number);
    }
  gtk_drop_down_set_model (self->key_role, G_LIST_MODEL (roles));
  gtk_drop_down_set_model (self->key_area, G_LIST_MODEL (areas));
  gtk_widget_grab_focus (GTK_WIDGET (self->key_device_id));
  return self;
}

GtkWidget *
vk_key_dialog_get_widget (VkKeyDialog *self, const char *name)
{
  g_return_val_if_fail (VK_IS_KEY_DIALOG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self), VK_TYPE_KEY_DIALOG, name));
}

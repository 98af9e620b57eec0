/* signoff-box.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "count-util.h"
#include "signoff-box.h"
#include "guard-dialog.h"
#include "vk-error.h"
#include "vk-station-error.h"
#include "vk-text.h"
#include "vk-valgbog.h"

/* A valgstyrer who will sign, with the key unlocked in the dialog. */
typedef struct
{
  char *name;
  VkKeypair *key;
} Signer;

struct _VkSignoffBox
{
  GtkBox parent_instance;

  /* Template widgets. */
  GtkLabel *explanation_hint;
  GtkTextView *explanation_view;
  GtkListBox *signers_list;
  GtkButton *signoff_button;
  GtkLabel *signoff_message;
  GtkLabel *receipt_label;
  GtkBox *valgbog_section;
  GtkButton *open_valgbog_button;
  GtkButton *open_folder_button;
  GtkLabel *valgbog_label;
  GtkLabel *valgbog_pending_label;

  /* State. */
  VkStation *station; /* borrowed */
  char *db_path;
  VkSyncRunner *runner; /* borrowed */
  char *server;
  VkResultKind kind;
  const char *contest; /* the contest's id (static: vk_election_contest_id()); NULL: the primary */
  guint area;
  gint64 marked;
  GPtrArray *signers;  /* Signer* */
  guint64 signoff_seq; /* waiting for the server's receipt of this entry */
  char *valgbog_path;
};

G_DEFINE_FINAL_TYPE (VkSignoffBox, vk_signoff_box, GTK_TYPE_BOX)

enum
{
  SIGNAL_SIGNED_OFF,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
signer_free (Signer *s)
{
  g_free (s->name);
  vk_keypair_free (s->key);
  g_free (s);
}

static void
refresh_signers (VkSignoffBox *self)
{
  vk_ui_remove_children (GTK_WIDGET (self->signers_list));
  for (guint i = 0; i < self->signers->len; i++)
    {
      const Signer *s = g_ptr_array_index (self->signers, i);
      const VkDevice *d
          = vk_package_lookup_device_by_key_id (vk_station_get_package (self->station), vk_keypair_get_key_id (s->key));
      g_autofree char *text = g_strdup_printf (_ ("%s · own key %s unlocked"), s->name, d != NULL ? d->device_id : "?");
      GtkWidget *label = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_top (label, 8);
      gtk_widget_set_margin_bottom (label, 8);
      gtk_widget_set_margin_start (label, 8);
      gtk_list_box_append (self->signers_list, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->signers_list), self->signers->len > 0);
}

static void
show_receipt (VkSignoffBox *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSync) sync = NULL;
  g_autoptr (VkSyncReceipt) receipt = NULL;
  const char *device;
  g_autofree char *head = NULL;
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;

  if (self->signoff_seq == 0 || self->server == NULL || self->station == NULL)
    return;
  device = vk_station_get_device (self->station)->device_id;
  sync = vk_sync_new (vk_station_get_package (self->station), self->db_path, device, &error);
  if (sync != NULL)
    receipt = vk_sync_dup_last_receipt (sync, self->server, device, &error);
  if (receipt == NULL || receipt->seq < self->signoff_seq)
    return;
  head = vk_hex_encode (receipt->head, 8);
  when = vk_ui_format_clock (receipt->received_ms);
  text = g_strdup_printf (
      _ ("The count server has signed a receipt for this table's journal up to entry %llu (head %s…) at %s: the "
         "count has arrived."),
      (unsigned long long)receipt->seq, head, when);
  gtk_label_set_text (self->receipt_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->receipt_label), TRUE);
  self->signoff_seq = 0;
}

/* Signal callbacks. */

static void
add_signer_response_cb (AdwMessageDialog *dialog, const char *response, VkSignoffBox *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = NULL;
  g_autofree char *name = NULL;
  GtkEditable *name_entry = g_object_get_data (G_OBJECT (dialog), "vk-name");
  GtkEditable *key_entry = g_object_get_data (G_OBJECT (dialog), "vk-key");
  GtkEditable *pass_entry = g_object_get_data (G_OBJECT (dialog), "vk-passphrase");
  const VkDevice *d;
  Signer *s;

  /* The dialog closes after this: GTK 4.8 warns when it is disposed
   * with the focus in its password entry (Enter pressed there). */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  if (g_strcmp0 (response, "add") != 0)
    return;
  name = g_strstrip (g_strdup (gtk_editable_get_text (name_entry)));
  if (*name == '\0')
    {
      vk_ui_show_message (self->signoff_message, "vk-blocked", _ ("Type the valgstyrer's name."));
      return;
    }
  for (guint i = 0; i < self->signers->len; i++)
    if (g_utf8_collate (((Signer *)g_ptr_array_index (self->signers, i))->name, name) == 0)
      {
        vk_ui_show_message (self->signoff_message, "vk-blocked", _ ("This valgstyrer has already been added."));
        return;
      }
  key = vk_keypair_load (gtk_editable_get_text (key_entry), gtk_editable_get_text (pass_entry), &error);
  gtk_editable_set_text (pass_entry, "");
  if (key == NULL)
    {
      const char *file = gtk_editable_get_text (key_entry);
      g_autofree char *shown = vk_text_escape_controls (*file != '\0' ? file : "?");
      g_autofree char *text = NULL;

      /* In words of its own: the key library's messages are English. */
      if (g_error_matches (error, VK_ERROR, VK_ERROR_PASSPHRASE))
        text = g_strdup_printf (_ ("Wrong passphrase for %s's key."), name);
      else if (g_error_matches (error, VK_ERROR, VK_ERROR_NOT_FOUND))
        text = g_strdup_printf (_ ("The key file %s does not exist: choose the valgstyrer's .key file."), shown);
      else if (g_error_matches (error, VK_ERROR, VK_ERROR_IO))
        text = g_strdup_printf (_ ("The key file %s cannot be read."), shown);
      else
        text = g_strdup_printf (_ ("The file %s is not a valgkit key."), shown);
      vk_ui_show_message (self->signoff_message, "vk-blocked", text);
      return;
    }
  d = vk_package_lookup_device_by_key_id (vk_station_get_package (self->station), vk_keypair_get_key_id (key));
  if (d == NULL || d->role_id != VK_ROLE_VALGSTYRER)
    {
      g_autofree char *text = g_strdup_printf (_ ("This key is not enrolled as a valgstyrer's key: %s cannot sign "
                                                  "with it."),
                                               name);
      vk_ui_show_message (self->signoff_message, "vk-blocked", text);
      return;
    }
  s = g_new0 (Signer, 1);
  s->name = g_steal_pointer (&name);
  s->key = g_steal_pointer (&key);
  g_ptr_array_add (self->signers, s);
  vk_ui_show_message (self->signoff_message, NULL, NULL);
  refresh_signers (self);
}

static void
choose_key_response_cb (GtkNativeDialog *chooser, int response, GtkEditable *entry)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        gtk_editable_set_text (entry, path);
    }
  g_object_unref (chooser);
}

static void
choose_key_clicked_cb (GtkButton *button, GtkEditable *entry)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_ ("Choose the valgstyrer's key"),
                                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                                                               GTK_FILE_CHOOSER_ACTION_OPEN, NULL, NULL);

  g_signal_connect (chooser, "response", G_CALLBACK (choose_key_response_cb), entry);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
explanation_changed_cb (GtkTextBuffer *buffer, VkSignoffBox *self)
{
  if (gtk_widget_has_css_class (GTK_WIDGET (self->signoff_message), "vk-blocked"))
    vk_ui_show_message (self->signoff_message, NULL, NULL);
}

/* Actions. */

static void
add_signer_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkSignoffBox *self = VK_SIGNOFF_BOX (widget);
  GtkWidget *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *key_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = gtk_entry_new ();
  GtkWidget *key = gtk_entry_new ();
  GtkWidget *choose = gtk_button_new_with_label (_ ("Choose …"));
  GtkWidget *pass = gtk_password_entry_new ();

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _ ("Add valgstyrer"),
                                   _ ("Each valgstyrer signs with their own key, unlocked with their own passphrase. "
                                      "The signature is kept in the journal and anyone can check it."));
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (pass), TRUE);
  gtk_widget_set_hexpand (key, TRUE);
  gtk_box_append (GTK_BOX (key_box), vk_ui_labelled_field (_ ("Key _file (.key)"), key));
  gtk_widget_set_valign (choose, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (key_box), choose);
  gtk_widget_set_hexpand (gtk_widget_get_parent (key), TRUE);
  gtk_box_append (GTK_BOX (box), vk_ui_labelled_field (_ ("Valgstyrer's _name"), name));
  gtk_box_append (GTK_BOX (box), key_box);
  gtk_box_append (GTK_BOX (box), vk_ui_labelled_field (_ ("_Passphrase of the key"), pass));
  g_signal_connect (choose, "clicked", G_CALLBACK (choose_key_clicked_cb), key);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("Cancel"), "add", _ ("Add"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "add");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "vk-name", name);
  g_object_set_data (G_OBJECT (dialog), "vk-key", key);
  g_object_set_data (G_OBJECT (dialog), "vk-passphrase", pass);
  g_signal_connect (dialog, "response", G_CALLBACK (add_signer_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void sign_off_action (GtkWidget *widget, const char *action_name, GVariant *param);

static void
date_confirmed_cb (GObject *owner)
{
  sign_off_action (GTK_WIDGET (owner), "signoff.sign-off", NULL);
}

static void
sign_off_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkSignoffBox *self = VK_SIGNOFF_BOX (widget);
  g_autoptr (GError) error = NULL;
  g_autofree VkSigner *signers = NULL;
  g_autofree char *explanation = NULL;
  g_autofree char *names = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GPtrArray) name_list = g_ptr_array_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->explanation_view);
  const VkArea *a;
  GtkTextIter start, end;
  guint64 seq;

  if (self->station == NULL)
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  explanation = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  signers = g_new0 (VkSigner, self->signers->len + 1);
  for (guint i = 0; i < self->signers->len; i++)
    {
      const Signer *s = g_ptr_array_index (self->signers, i);
      signers[i].name = s->name;
      signers[i].key = s->key;
      g_ptr_array_add (name_list, s->name);
    }
  g_ptr_array_add (name_list, NULL);
  a = vk_election_lookup_area (vk_election_get_contest (vk_station_get_election (self->station), self->contest),
                               self->area);
  seq = vk_tally_sign_off (self->station, self->contest, self->kind, self->area, signers, self->signers->len,
                           explanation, self->marked, a != NULL ? a->eligible : 0, &error);
  if (seq == 0)
    {
      g_autofree char *why = vk_ui_error_dup_text (error);

      text = g_strdup_printf (_ ("Not signed off: %s"), why);
      vk_ui_show_message (self->signoff_message, "vk-blocked", text);
      if (g_error_matches (error, VK_TALLY_ERROR, VK_TALLY_ERROR_NO_EXPLANATION))
        gtk_widget_grab_focus (GTK_WIDGET (self->explanation_view));
      /* Not election day: a valgstyrer confirms, then the sign-off again. */
      if (g_error_matches (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_DATE))
        {
          g_autofree char *day = vk_ui_format_birth_date (vk_station_get_election (self->station)->date);
          g_autofree char *body = g_strdup_printf (
              _ ("TODAY IS NOT ELECTION DAY (%s). A sign-off on another day is recorded with the name of the "
                 "valgstyrer who confirms it, and the count server reports it (D10)."),
              day);
          vk_guard_confirm_date (GTK_WIDGET (self), self->station, self->signoff_message, body, date_confirmed_cb,
                                 G_OBJECT (self));
        }
      /* The engine signs no foreløbig count while brevstemmer are
       * undecided (D17 at the table): say how many, and go to them. */
      if (g_error_matches (error, VK_STATION_ERROR, VK_STATION_ERROR_UNDECIDED_BREVSTEMMER))
        vk_guard_undecided (GTK_WIDGET (self), self->station, self->area, _ ("Brevstemmer are not decided"), NULL,
                            G_OBJECT (self));
      return;
    }
  names = g_strjoinv (", ", (char **)name_list->pdata);
  text = g_strdup_printf (_ ("Signed off by %s."), names);
  vk_ui_show_message (self->signoff_message, "vk-ok", text);
  g_ptr_array_set_size (self->signers, 0);
  refresh_signers (self);
  gtk_text_buffer_set_text (buffer, "", -1);
  if (self->server != NULL)
    {
      self->signoff_seq = seq;
      gtk_label_set_text (self->receipt_label, _ ("Sending the count to the count server …"));
      gtk_widget_set_visible (GTK_WIDGET (self->receipt_label), TRUE);
      if (self->runner != NULL)
        vk_sync_runner_kick (self->runner);
    }
  else
    {
      gtk_label_set_text (self->receipt_label, _ ("No count server is set for this table: carry the journal to the "
                                                  "count server on USB (menu: Export to USB)."));
      gtk_widget_set_visible (GTK_WIDGET (self->receipt_label), TRUE);
    }
  g_signal_emit (self, signals[SIGNAL_SIGNED_OFF], 0, seq);
}

/* The afstemningsbog is written into the printout folder (its path shown
 * on the page), then printed through GTK's print dialog (Print …). */
static void
print_valgbog_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkSignoffBox *self = VK_SIGNOFF_BOX (widget);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  if (self->station == NULL)
    return;
  dir = vk_ui_printout_dir ();
  {
    g_autofree char *name = g_strdup_printf ("afstemningsbog-%s.pdf", vk_station_get_device (self->station)->device_id);
    path = g_build_filename (dir, name, NULL);
  }
  /* A test package's afstemningsbog says PRØVEVALG on every page. */
  if (!vk_valgbog_write_station_to (self->station, path, vk_ui_package_is_test (vk_station_get_package (self->station)),
                                    &error))
    {
      g_autofree char *why = vk_ui_error_dup_text (error);

      g_clear_pointer (&path, g_free);
      text = g_strdup_printf (_ ("The valgbog could not be written: %s"), why);
      gtk_label_set_text (self->valgbog_label, text);
      return;
    }
  g_free (self->valgbog_path);
  self->valgbog_path = g_strdup (path);
  text = g_strdup_printf (_ ("The valgbog was written to %s. Print it, and the valgstyrere sign it."), path);
  gtk_label_set_text (self->valgbog_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->open_valgbog_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->open_folder_button), TRUE);
}

static void
open_valgbog_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkSignoffBox *self = VK_SIGNOFF_BOX (widget);

  if (self->valgbog_path == NULL)
    return;
  vk_ui_print_pdf (widget, self->valgbog_path, _ ("Afstemningsbog"), self->valgbog_label);
}

static void
open_folder_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkSignoffBox *self = VK_SIGNOFF_BOX (widget);

  if (self->valgbog_path != NULL)
    vk_ui_open_folder (widget, self->valgbog_path);
}

/* GObject. */

static void
vk_signoff_box_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VK_TYPE_SIGNOFF_BOX);
  G_OBJECT_CLASS (vk_signoff_box_parent_class)->dispose (object);
}

static void
vk_signoff_box_finalize (GObject *object)
{
  VkSignoffBox *self = VK_SIGNOFF_BOX (object);

  g_clear_pointer (&self->signers, g_ptr_array_unref);
  g_free (self->db_path);
  g_free (self->server);
  g_free (self->valgbog_path);
  G_OBJECT_CLASS (vk_signoff_box_parent_class)->finalize (object);
}

static void
vk_signoff_box_class_init (VkSignoffBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_signoff_box_dispose;
  object_class->finalize = vk_signoff_box_finalize;

  /* The count was signed off: the seq of the `tally.signoff` entry. */
  signals[SIGNAL_SIGNED_OFF] = g_signal_new ("signed-off", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                             NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/signoff-box.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkSignoffBox, name)
  BIND (explanation_hint);
  BIND (explanation_view);
  BIND (signers_list);
  BIND (signoff_button);
  BIND (signoff_message);
  BIND (receipt_label);
  BIND (valgbog_section);
  BIND (open_valgbog_button);
  BIND (open_folder_button);
  BIND (valgbog_label);
  BIND (valgbog_pending_label);
#undef BIND

  gtk_widget_class_install_action (widget_class, "signoff.add-signer", NULL, add_signer_action);
  gtk_widget_class_install_action (widget_class, "signoff.sign-off", NULL, sign_off_action);
  gtk_widget_class_install_action (widget_class, "signoff.print-valgbog", NULL, print_valgbog_action);
  gtk_widget_class_install_action (widget_class, "signoff.open-valgbog", NULL, open_valgbog_action);
  gtk_widget_class_install_action (widget_class, "signoff.open-folder", NULL, open_folder_action);
}

static void
vk_signoff_box_init (VkSignoffBox *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  vk_ui_wrap_button_labels (GTK_WIDGET (self));
  self->signers = g_ptr_array_new_with_free_func ((GDestroyNotify)signer_free);
  self->marked = -1;
  g_signal_connect (gtk_text_view_get_buffer (self->explanation_view), "changed", G_CALLBACK (explanation_changed_cb),
                    self);
}

/* Public API. */

VkSignoffBox *
vk_signoff_box_new (void)
{
  return g_object_new (VK_TYPE_SIGNOFF_BOX, NULL);
}

void
vk_signoff_box_set_station (VkSignoffBox *self, VkStation *station, const char *db_path, VkResultKind kind)
{
  gboolean fin = kind == VK_RESULT_FINTAELLING;

  g_return_if_fail (VK_IS_SIGNOFF_BOX (self));
  g_return_if_fail (station != NULL);

  self->station = station;
  g_free (self->db_path);
  self->db_path = g_strdup (db_path);
  self->kind = kind;
  /* The fintælling is compared with no marked voters: no explanation. */
  gtk_widget_set_visible (GTK_WIDGET (self->explanation_hint), !fin);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->explanation_view)), !fin);
}

void
vk_signoff_box_set_sync (VkSignoffBox *self, VkSyncRunner *runner, const char *server_url)
{
  g_return_if_fail (VK_IS_SIGNOFF_BOX (self));
  self->runner = runner;
  g_free (self->server);
  self->server = g_strdup (server_url);
}

void
vk_signoff_box_set_contest (VkSignoffBox *self, const char *contest)
{
  const VkElection *c;

  g_return_if_fail (VK_IS_SIGNOFF_BOX (self));
  g_return_if_fail (self->station != NULL);
  c = vk_election_get_contest (vk_station_get_election (self->station), contest);
  g_return_if_fail (c != NULL);
  self->contest = contest != NULL ? vk_election_contest_id (c) : NULL;
}

void
vk_signoff_box_set_area (VkSignoffBox *self, guint area)
{
  g_return_if_fail (VK_IS_SIGNOFF_BOX (self));

  self->area = area;
  g_ptr_array_set_size (self->signers, 0);
  refresh_signers (self);
  vk_ui_show_message (self->signoff_message, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->receipt_label), FALSE);
}

void
vk_signoff_box_set_marked (VkSignoffBox *self, gint64 marked)
{
  g_return_if_fail (VK_IS_SIGNOFF_BOX (self));
  self->marked = marked;
}

void
vk_signoff_box_set_state (VkSignoffBox *self, VkTallyState state)
{
  gboolean signable = state == VK_TALLY_AGREED;

  g_return_if_fail (VK_IS_SIGNOFF_BOX (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "signoff.sign-off", signable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "signoff.add-signer", signable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->explanation_view), signable);
  /* The valgbog covers every contest of the event: printed once all are signed off. */
  {
    g_autofree char *unsigned_ = NULL;
    gboolean signed_here = self->kind == VK_RESULT_FORELOEBIG && state == VK_TALLY_SIGNED;

    if (signed_here && self->station != NULL)
      unsigned_ = vk_count_dup_unsigned_contests (self->station, self->kind, self->area);
    gtk_widget_set_visible (GTK_WIDGET (self->valgbog_section), signed_here && unsigned_ == NULL);
    if (unsigned_ != NULL)
      {
        g_autofree char *text = g_strdup_printf (_ ("The valgbog covers every election of the day. It is printed "
                                                    "when every count is signed off (not yet: %s)."),
                                                 unsigned_);
        vk_ui_show_message (self->valgbog_pending_label, "vk-warning", text);
      }
    else
      vk_ui_show_message (self->valgbog_pending_label, NULL, NULL);
  }
}

void
vk_signoff_box_sync_done (VkSignoffBox *self)
{
  g_return_if_fail (VK_IS_SIGNOFF_BOX (self));
  show_receipt (self);
}

const char *
vk_signoff_box_get_valgbog_path (VkSignoffBox *self)
{
  g_return_val_if_fail (VK_IS_SIGNOFF_BOX (self), NULL);
  return self->valgbog_path;
}

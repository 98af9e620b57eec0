/* count-page.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <string.h>

#include "count-page.h"
#include "count-util.h"
#include "guard-dialog.h"
#include "vk-station-error.h"

struct _VkCountPage
{
  GtkBox parent_instance;

  /* Template widgets. */
  GtkStack *page_stack;
  GtkButton *close_button;
  GtkBox *area_box;
  GtkDropDown *area_dropdown;
  GtkBox *contest_box;
  GtkBox *contest_buttons_box;
  VkCountForm *form;
  VkDoubtfulBox *doubtful_box;
  VkSignoffBox *signoff_box;

  /* State. */
  VkStation *station; /* borrowed */
  VkResultKind kind;
  guint area;
  GPtrArray *areas;           /* guint area numbers of the dropdown, as pointers */
  gboolean building;          /* filling the area dropdown or the contest switcher */
  const char *contest;        /* the contest shown (static: vk_election_contest_id()) */
  GPtrArray *contest_buttons; /* GtkToggleButton* of the switcher (borrowed), in contest order */
  char *explanation;          /* a valgstyrer's, while the date is confirmed for a close */
};

G_DEFINE_FINAL_TYPE (VkCountPage, vk_count_page, GTK_TYPE_BOX)

enum
{
  SIGNAL_POLL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The marked voters change only with journals (a check-in, a brevstemme
 * decision): read once, not per keystroke.  A fintælling table has none. */
static void
update_marked (VkCountPage *self)
{
  VkStationCounts c;

  if (self->kind != VK_RESULT_FORELOEBIG)
    {
      vk_count_form_set_marked (self->form, FALSE, 0, 0);
      vk_signoff_box_set_marked (self->signoff_box, -1);
      return;
    }
  vk_station_get_counts (self->station, &c);
  /* Per-voter eligibility: a contest's marked voters are those handed its
   * ballot (every check-in for KV + RV). */
  if (vk_election_get_n_contests (vk_station_get_election (self->station)) > 1)
    {
      c.checked_in = vk_station_count_checked_in_for (self->station, self->contest);
      c.brevstemmer_accepted = vk_station_count_brevstemmer_for (self->station, self->contest);
    }
  vk_count_form_set_marked (self->form, TRUE, c.checked_in, c.brevstemmer_accepted);
  vk_signoff_box_set_marked (self->signoff_box, (gint64)c.checked_in + c.brevstemmer_accepted);
}

/* The switcher shows each contest's state of the area chosen. */
static void
update_contest_states (VkCountPage *self)
{
  const VkElection *e;

  if (self->contest_buttons == NULL || self->contest_buttons->len == 0)
    return;
  e = vk_station_get_election (self->station);
  for (guint i = 0; i < self->contest_buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->contest_buttons, i);
      GtkLabel *state_label = g_object_get_data (G_OBJECT (button), "vk-state-label");
      const char *id = vk_election_contest_id (vk_election_get_contest_nth (e, i));
      g_autoptr (VkTally) t = vk_tally_dup_station_tally (self->station, id, self->kind, self->area, NULL);
      VkTallyState state = t != NULL ? vk_tally_get_state (t) : VK_TALLY_EMPTY;

      if (state == VK_TALLY_SIGNED)
        {
          g_autofree char *text = g_strdup_printf ("✓ %s", vk_count_state_text (state));
          gtk_label_set_text (state_label, text);
          gtk_widget_add_css_class (GTK_WIDGET (state_label), "success");
        }
      else
        {
          gtk_label_set_text (state_label, vk_count_state_text (state));
          gtk_widget_remove_css_class (GTK_WIDGET (state_label), "success");
        }
    }
}

static void
select_area (VkCountPage *self, guint area)
{
  self->area = area;
  vk_signoff_box_set_area (self->signoff_box, area);
  if (self->kind == VK_RESULT_FINTAELLING)
    vk_doubtful_box_set_area (self->doubtful_box, area);
  vk_count_form_set_area (self->form, area);
  update_contest_states (self);
}

/* Another contest of the event: its rows, double entry, sign-off and
 * doubtful ballots, for the same area. */
static void
select_contest (VkCountPage *self, const char *contest)
{
  self->contest = contest;
  vk_count_form_set_contest (self->form, contest);
  vk_signoff_box_set_contest (self->signoff_box, contest);
  vk_doubtful_box_set_contest (self->doubtful_box, contest);
  if (self->station != NULL)
    update_marked (self);
  if (self->contest_buttons != NULL)
    for (guint i = 0; i < self->contest_buttons->len; i++)
      {
        GtkToggleButton *b = g_ptr_array_index (self->contest_buttons, i);
        self->building = TRUE;
        gtk_toggle_button_set_active (b, g_strcmp0 (g_object_get_data (G_OBJECT (b), "vk-contest"), contest) == 0);
        self->building = FALSE;
      }
}

static void
contest_toggled_cb (GtkToggleButton *button, VkCountPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "vk-contest");

  if (self->building || !gtk_toggle_button_get_active (button) || g_strcmp0 (id, self->contest) == 0)
    return;
  select_contest (self, id);
  select_area (self, self->area);
}

/* The switcher of an event with several contests (KV + RV): one toggle
 * button each, with the contest's state of the area. */
static void
build_contest_switcher (VkCountPage *self)
{
  const VkElection *e = vk_station_get_election (self->station);
  guint n = vk_election_get_n_contests (e);
  GtkToggleButton *group = NULL;

  vk_ui_remove_children (GTK_WIDGET (self->contest_buttons_box));
  g_clear_pointer (&self->contest_buttons, g_ptr_array_unref);
  self->contest_buttons = g_ptr_array_new ();
  self->contest = vk_election_contest_id (e);
  gtk_widget_set_visible (GTK_WIDGET (self->contest_box), n > 1);
  if (n < 2)
    return;
  for (guint i = 0; i < n; i++)
    {
      const VkElection *c = vk_election_get_contest_nth (e, i);
      g_autofree char *title = vk_count_contest_title (c);
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *name = gtk_label_new (title);
      GtkWidget *state = gtk_label_new (NULL);

      gtk_widget_add_css_class (name, "heading");
      gtk_widget_add_css_class (state, "caption");
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), state);
      gtk_button_set_child (GTK_BUTTON (button), box);
      gtk_widget_add_css_class (button, "vk-contest-button");
      g_object_set_data (G_OBJECT (button), "vk-contest", (gpointer)vk_election_contest_id (c));
      g_object_set_data (G_OBJECT (button), "vk-state-label", state);
      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
      else
        group = GTK_TOGGLE_BUTTON (button);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), i == 0);
      g_signal_connect (button, "toggled", G_CALLBACK (contest_toggled_cb), self);
      gtk_box_append (self->contest_buttons_box, button);
      g_ptr_array_add (self->contest_buttons, button);
    }
}

/* Signal callbacks. */

static void
area_selected_cb (GObject *dropdown, GParamSpec *pspec, VkCountPage *self)
{
  guint i = gtk_drop_down_get_selected (self->area_dropdown);

  if (self->building)
    return;
  if (self->areas != NULL && i < self->areas->len)
    select_area (self, GPOINTER_TO_UINT (g_ptr_array_index (self->areas, i)));
}

static void
form_state_changed_cb (VkCountForm *form, VkCountPage *self)
{
  vk_signoff_box_set_state (self->signoff_box, vk_count_form_get_state (form));
  update_contest_states (self);
}

static void
signed_off_cb (VkSignoffBox *box, guint64 seq, VkCountPage *self)
{
  vk_count_form_refresh (self->form, TRUE);
  if (self->kind == VK_RESULT_FINTAELLING)
    vk_doubtful_box_refresh (self->doubtful_box);
}

/* The poll closed (here or after a valgstyrer's explanation). */
static void
poll_closed (VkCountPage *self)
{
  gtk_stack_set_visible_child_name (self->page_stack, "form");
  update_marked (self);
  g_signal_emit (self, signals[SIGNAL_POLL_CLOSED], 0);
  vk_count_form_refresh (self->form, TRUE);
}

static void
show_close_refusal (VkCountPage *self, const GError *error)
{
  /* The button sits in the status page's inner boxes: its ancestor. */
  AdwStatusPage *status
      = ADW_STATUS_PAGE (gtk_widget_get_ancestor (GTK_WIDGET (self->close_button), ADW_TYPE_STATUS_PAGE));
  g_autofree char *text = vk_ui_error_dup_text (error);

  adw_status_page_set_description (status, text);
}

static void try_close (VkCountPage *self);

/* A valgstyrer confirmed working off election day: the close again. */
static void
date_confirmed_cb (GObject *owner)
{
  try_close (VK_COUNT_PAGE (owner));
}

/* A valgstyrer wrote why the poll closes with brevstemmer undecided. */
static void
close_explained (GObject *owner, const char *explanation)
{
  VkCountPage *self = VK_COUNT_PAGE (owner);

  g_free (self->explanation);
  self->explanation = g_strdup (explanation);
  try_close (self);
}

/* Closes the poll (with the explanation written, if any).  The refusals
 * a valgstyrer can answer get their dialog: not election day (the date
 * confirmation), brevstemmer undecided (decide them, or explain). */
static void
try_close (VkCountPage *self)
{
  g_autoptr (GError) error = NULL;

  if (self->station == NULL || vk_station_is_poll_closed (self->station))
    return;
  if (vk_station_close_poll_explained (self->station, self->explanation, &error) > 0)
    {
      g_clear_pointer (&self->explanation, g_free);
      poll_closed (self);
      return;
    }
  show_close_refusal (self, error);
  if (g_error_matches (error, VK_STATION_ERROR, VK_STATION_ERROR_WRONG_DATE))
    {
      g_autofree char *day = vk_ui_format_birth_date (vk_station_get_election (self->station)->date);
      g_autofree char *body = g_strdup_printf (
          _ ("TODAY IS NOT ELECTION DAY (%s). Closing the poll on another day is recorded with the name of the "
             "valgstyrer who confirms it, and the count server reports it (D10)."),
          day);
      vk_guard_confirm_date (GTK_WIDGET (self), self->station, NULL, body, date_confirmed_cb, G_OBJECT (self));
      return;
    }
  g_clear_pointer (&self->explanation, g_free);
  if (g_error_matches (error, VK_STATION_ERROR, VK_STATION_ERROR_UNDECIDED_BREVSTEMMER))
    vk_guard_undecided (GTK_WIDGET (self), self->station, vk_station_get_device (self->station)->area,
                        _ ("Brevstemmer are not decided"), close_explained, G_OBJECT (self));
}

static void
close_poll_response_cb (AdwMessageDialog *dialog, const char *response, VkCountPage *self)
{
  if (g_strcmp0 (response, "close") != 0)
    return;
  g_clear_pointer (&self->explanation, g_free);
  try_close (self);
}

/* Actions. */

static void
close_poll_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  VkCountPage *self = VK_COUNT_PAGE (widget);
  GtkWidget *dialog;

  if (self->station == NULL || vk_station_is_poll_closed (self->station))
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _ ("Close the poll?"),
                                   _ ("No voter can be checked in after this, at any table of the area. This cannot "
                                      "be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("Cancel"), "close", _ ("Close the poll"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "close", ADW_RESPONSE_DESTRUCTIVE);
  /* Enter confirms (the dialog is the confirmation); Escape cancels. */
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (close_poll_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject. */

static void
vk_count_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), VK_TYPE_COUNT_PAGE);
  G_OBJECT_CLASS (vk_count_page_parent_class)->dispose (object);
}

static void
vk_count_page_finalize (GObject *object)
{
  VkCountPage *self = VK_COUNT_PAGE (object);

  g_clear_pointer (&self->areas, g_ptr_array_unref);
  g_clear_pointer (&self->contest_buttons, g_ptr_array_unref);
  g_free (self->explanation);
  G_OBJECT_CLASS (vk_count_page_parent_class)->finalize (object);
}

static void
vk_count_page_class_init (VkCountPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_count_page_dispose;
  object_class->finalize = vk_count_page_finalize;

  /* Emitted after the poll was closed here: the window's check-in page says so. */
  signals[SIGNAL_POLL_CLOSED]
      = g_signal_new ("poll-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (VK_TYPE_COUNT_FORM);
  g_type_ensure (VK_TYPE_DOUBTFUL_BOX);
  g_type_ensure (VK_TYPE_SIGNOFF_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/count-page.ui");
  gtk_widget_class_bind_template_child (widget_class, VkCountPage, page_stack);
  gtk_widget_class_bind_template_child (widget_class, VkCountPage, close_button);
  gtk_widget_class_bind_template_child (widget_class, VkCountPage, area_box);
  gtk_widget_class_bind_template_child (widget_class, VkCountPage, area_dropdown);
  gtk_widget_class_bind_template_child (widget_class, VkCountPage, contest_box);
  gtk_widget_class_bind_template_child (widget_class, VkCountPage, contest_buttons_box);
  gtk_widget_class_bind_template_child (widget_class, VkCountPage, form);
  gtk_widget_class_bind_template_child (widget_class, VkCountPage, doubtful_box);
  gtk_widget_class_bind_template_child (widget_class, VkCountPage, signoff_box);
  gtk_widget_class_bind_template_callback (widget_class, area_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, form_state_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, signed_off_cb);

  gtk_widget_class_install_action (widget_class, "count.close-poll", NULL, close_poll_action);
}

static void
vk_count_page_init (VkCountPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Public API. */

VkCountPage *
vk_count_page_new (void)
{
  return g_object_new (VK_TYPE_COUNT_PAGE, NULL);
}

void
vk_count_page_set_station (VkCountPage *self, VkStation *station, const char *db_path)
{
  const VkDevice *d;
  gboolean fin;

  g_return_if_fail (VK_IS_COUNT_PAGE (self));
  g_return_if_fail (station != NULL);

  self->station = station;
  d = vk_station_get_device (station);
  fin = d->role_id == VK_ROLE_FINTAELLING;
  self->kind = fin ? VK_RESULT_FINTAELLING : VK_RESULT_FORELOEBIG;
  gtk_widget_set_visible (GTK_WIDGET (self->area_box), fin);
  gtk_widget_set_visible (GTK_WIDGET (self->doubtful_box), fin);
  vk_count_form_set_station (self->form, station, self->kind);
  vk_signoff_box_set_station (self->signoff_box, station, db_path, self->kind);
  vk_doubtful_box_set_station (self->doubtful_box, station);
  build_contest_switcher (self);
  {
    const VkElection *e = vk_station_get_election (station);
    select_contest (self, vk_election_get_n_contests (e) > 1 ? vk_election_contest_id (e) : NULL);
  }
  update_marked (self);
  if (fin)
    {
      const VkElection *e = vk_station_get_election (station);
      g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);

      g_clear_pointer (&self->areas, g_ptr_array_unref);
      self->areas = g_ptr_array_new ();
      for (guint i = 0; i < e->areas->len; i++)
        {
          const VkArea *a = g_ptr_array_index (e->areas, i);
          g_autofree char *item = g_strdup_printf ("%u %s", a->number, a->name);
          g_ptr_array_add (self->areas, GUINT_TO_POINTER (a->number));
          gtk_string_list_append (model, item);
        }
      gtk_stack_set_visible_child_name (self->page_stack, "form");
      /* The first area is selected below, once. */
      self->building = TRUE;
      gtk_drop_down_set_model (self->area_dropdown, G_LIST_MODEL (model));
      gtk_drop_down_set_selected (self->area_dropdown, 0);
      self->building = FALSE;
      if (self->areas->len > 0)
        select_area (self, GPOINTER_TO_UINT (g_ptr_array_index (self->areas, 0)));
      return;
    }
  gtk_stack_set_visible_child_name (self->page_stack, vk_station_is_poll_closed (station) ? "form" : "open");
  select_area (self, d->area);
}

void
vk_count_page_set_sync (VkCountPage *self, VkSyncRunner *runner, const char *server_url)
{
  g_return_if_fail (VK_IS_COUNT_PAGE (self));
  vk_signoff_box_set_sync (self->signoff_box, runner, server_url);
}

void
vk_count_page_refresh (VkCountPage *self)
{
  g_return_if_fail (VK_IS_COUNT_PAGE (self));

  if (self->station == NULL)
    return;
  update_marked (self);
  if (self->kind == VK_RESULT_FORELOEBIG && vk_station_is_poll_closed (self->station))
    gtk_stack_set_visible_child_name (self->page_stack, "form");
  if (self->kind == VK_RESULT_FINTAELLING)
    vk_doubtful_box_refresh (self->doubtful_box);
  vk_count_form_refresh (self->form, FALSE);
  vk_signoff_box_sync_done (self->signoff_box);
}

void
vk_count_page_sync_done (VkCountPage *self)
{
  g_return_if_fail (VK_IS_COUNT_PAGE (self));
  vk_signoff_box_sync_done (self->signoff_box);
}

VkCountForm *
vk_count_page_get_form (VkCountPage *self)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  return self->form;
}

VkSignoffBox *
vk_count_page_get_signoff_box (VkCountPage *self)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  return self->signoff_box;
}

VkDoubtfulBox *
vk_count_page_get_doubtful_box (VkCountPage *self)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  return self->doubtful_box;
}

void
vk_count_page_set_contest (VkCountPage *self, const char *contest)
{
  g_return_if_fail (VK_IS_COUNT_PAGE (self));
  g_return_if_fail (self->station != NULL);

  for (guint i = 0; self->contest_buttons != NULL && i < self->contest_buttons->len; i++)
    {
      GtkToggleButton *b = g_ptr_array_index (self->contest_buttons, i);
      if (g_strcmp0 (g_object_get_data (G_OBJECT (b), "vk-contest"), contest) == 0)
        {
          gtk_toggle_button_set_active (b, TRUE);
          return;
        }
    }
}

const char *
vk_count_page_get_contest (VkCountPage *self)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  return self->contest;
}

GtkWidget *
vk_count_page_get_contest_button (VkCountPage *self, const char *contest)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  for (guint i = 0; self->contest_buttons != NULL && i < self->contest_buttons->len; i++)
    {
      GtkWidget *b = g_ptr_array_index (self->contest_buttons, i);
      if (g_strcmp0 (g_object_get_data (G_OBJECT (b), "vk-contest"), contest) == 0)
        return b;
    }
  return NULL;
}

GtkEditable *
vk_count_page_get_field (VkCountPage *self, const char *field)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  return vk_count_form_get_field (self->form, field);
}

GtkWidget *
vk_count_page_get_row (VkCountPage *self, const char *field)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  return vk_count_form_get_row (self->form, field);
}

const char *
vk_count_page_get_valgbog_path (VkCountPage *self)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), NULL);
  return vk_signoff_box_get_valgbog_path (self->signoff_box);
}

gint64
vk_count_page_get_last_keystroke_us (VkCountPage *self)
{
  g_return_val_if_fail (VK_IS_COUNT_PAGE (self), 0);
  return vk_count_form_get_last_keystroke_us (self->form);
}

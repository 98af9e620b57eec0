/* visits-page.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "visits-page.h"
#include "vk-home-register.h"
#include "vk-ui-util.h"

struct _VkVisitsPage
{
  AdwBin parent_instance;

  /* Template widgets. */
  GtkLabel *visits_title;
  GtkLabel *visits_status;
  GtkLabel *visits_message;
  GtkListBox *visits_list;
  GtkButton *load_button;

  /* State. */
  VkStationSession *session; /* borrowed */
  VkStation *station;        /* borrowed from the session */
  GPtrArray *register_;      /* VkHomeRequest*, or NULL before a plan is loaded */
  GtkSizeGroup *columns[4];  /* time, place, receivers, outcome: aligned across rows */
  guint n_visits;
};

G_DEFINE_FINAL_TYPE (VkVisitsPage, vk_visits_page, ADW_TYPE_BIN)

/* Where the loaded register is kept: beside the device database. */
static char *
kept_path (VkVisitsPage *self)
{
  return g_strconcat (vk_station_session_get_db_path (self->session), ".besoegsplan.vkj", NULL);
}

/* The journal clock's day, Danish time, as YYYY-MM-DD. */
static char *
today (VkVisitsPage *self)
{
  return vk_ui_format_time (vk_journal_now_ms (vk_station_get_journal (self->station)), "%Y-%m-%d");
}

/* A label of at least chars characters' width (wrapping below it),
 * natural width up to twice that: the list fits a laptop's 800 px. */
static GtkWidget *
cell (const char *text, int chars, const char *css_class, gboolean expand)
{
  GtkWidget *l = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (l), 0);
  gtk_label_set_yalign (GTK_LABEL (l), 0);
  gtk_label_set_wrap (GTK_LABEL (l), TRUE);
  gtk_label_set_width_chars (GTK_LABEL (l), chars);
  gtk_label_set_max_width_chars (GTK_LABEL (l), 2 * chars);
  gtk_widget_set_hexpand (l, expand);
  if (css_class != NULL)
    gtk_widget_add_css_class (l, css_class);
  return l;
}

static GtkWidget *
column_cell (VkVisitsPage *self, guint column, const char *text, int chars, const char *css_class)
{
  GtkWidget *l = cell (text, chars, css_class, FALSE);

  /* Columns keep one line: shortened with "…" only when the window is
   * too narrow for them, the whole text in the tooltip. */
  gtk_label_set_wrap (GTK_LABEL (l), FALSE);
  gtk_label_set_ellipsize (GTK_LABEL (l), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (l), -1);
  gtk_widget_set_tooltip_text (l, text);
  gtk_size_group_add_widget (self->columns[column], l);
  return l;
}

static GtkWidget *
make_visit_row (VkVisitsPage *self, const VkHomeRequest *r)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkWidget *voter_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autoptr (VkVoter) v
      = vk_package_lookup_voter (vk_station_get_package (self->station), r->area, r->loebenummer, NULL);
  g_autofree char *name = g_strdup_printf ("visit-%u-%u", r->area, r->loebenummer);
  g_autofree char *number = g_strdup_printf (_ ("Area %u, no. %u"), r->area, r->loebenummer);
  g_autofree char *receivers = r->receivers[0] != NULL && r->receivers[1] != NULL
                                   ? g_strdup_printf (_ ("%s and %s"), r->receivers[0], r->receivers[1])
                                   : g_strdup (r->receivers[0] != NULL ? r->receivers[0] : _ ("No receivers named"));
  g_autofree char *address = NULL;

  address = v != NULL ? g_strdup_printf ("%s · %s", v->address, number) : g_strdup (number);
  gtk_widget_set_name (row, name);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), column_cell (self, 0, r->visit_time != NULL ? r->visit_time : "—", 5, "title-3"));
  gtk_box_append (GTK_BOX (voter_box),
                  cell (v != NULL ? v->name : _ ("Not on the valgliste"), 16, "vk-row-title", TRUE));
  gtk_box_append (GTK_BOX (voter_box), cell (address, 16, "dim-label", TRUE));
  if (r->finding_da != NULL)
    gtk_box_append (GTK_BOX (voter_box), cell (r->finding_da, 16, "warning", TRUE));
  gtk_widget_set_hexpand (voter_box, TRUE);
  gtk_box_append (GTK_BOX (box), voter_box);
  gtk_box_append (GTK_BOX (box), column_cell (self, 1, vk_ui_place_label (r->place), 8, NULL));
  gtk_box_append (GTK_BOX (box), column_cell (self, 2, receivers, 12, NULL));
  gtk_box_append (GTK_BOX (box), column_cell (self, 3, r->outcome != NULL ? r->outcome : _ ("Not yet visited"), 9,
                                              r->outcome != NULL ? "vk-row-title" : "dim-label"));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static void
show_visits (VkVisitsPage *self)
{
  g_autofree char *day = NULL, *shown = NULL, *title = NULL;
  g_autoptr (GPtrArray) visits = NULL;
  const VkDevice *d;

  vk_ui_clear_list (self->visits_list);
  self->n_visits = 0;
  if (self->station == NULL)
    return;
  d = vk_station_get_device (self->station);
  day = today (self);
  shown = vk_ui_format_time (vk_journal_now_ms (vk_station_get_journal (self->station)), "%d-%m-%Y");
  title = g_strdup_printf (_ ("Visits on %s"), shown);
  gtk_label_set_text (self->visits_title, title);
  if (self->register_ == NULL)
    {
      gtk_label_set_text (self->visits_status, _ ("No visit plan loaded. Load the valgsekretariat's register "
                                                  "(the .vkj file from “valgkit home-visits --export”)."));
      return;
    }
  visits = vk_home_register_visits_for_day (self->register_, day, d->device_id);
  for (guint i = 0; i < visits->len; i++)
    gtk_list_box_append (self->visits_list, make_visit_row (self, g_ptr_array_index (visits, i)));
  self->n_visits = visits->len;
  {
    g_autofree char *status = g_strdup_printf (
        g_dngettext (NULL, "%u visit today for %s or for no team; %u requests in the register.",
                     "%u visits today for %s or for no team; %u requests in the register.", visits->len),
        visits->len, d->device_id, self->register_->len);
    gtk_label_set_text (self->visits_status, status);
  }
}

/* Loads and verifies the register at path; keeps a copy when keep. */
static gboolean
load_register (VkVisitsPage *self, const char *path, gboolean keep, GError **error)
{
  g_autoptr (GPtrArray) reg = NULL;
  g_autofree char *kept = kept_path (self);
  g_autofree char *data = NULL;
  gsize len = 0;

  reg = vk_home_register_load_file (vk_station_get_package (self->station), path, error);
  if (reg == NULL)
    return FALSE;
  /* The bytes just verified are the ones kept, written whole before
   * they replace an older plan. */
  if (keep && strcmp (path, kept) != 0
      && (!g_file_get_contents (path, &data, &len, error) || !g_file_set_contents (kept, data, (gssize)len, error)))
    return FALSE;
  g_clear_pointer (&self->register_, g_ptr_array_unref);
  self->register_ = g_steal_pointer (&reg);
  return TRUE;
}

/* Actions. */

static void
load_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  VkVisitsPage *self = VK_VISITS_PAGE (widget);
  g_autoptr (GError) error = NULL;
  const char *path = g_variant_get_string (parameter, NULL);

  if (self->station == NULL || *path == '\0')
    return;
  if (!load_register (self, path, TRUE, &error))
    {
      g_autofree char *text = g_strdup_printf (_ ("The visit plan was not loaded: %s"), error->message);
      vk_ui_show_message (self->visits_message, "vk-warning", text);
      return;
    }
  vk_ui_show_message (self->visits_message, "vk-ok", _ ("Visit plan loaded and verified."));
  show_visits (self);
}

static void
choose_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  vk_ui_choose_file (widget, _ ("Choose the visit plan (.vkj)"), GTK_FILE_CHOOSER_ACTION_OPEN, "visits.load");
}

/* Overrides. */

static void
vk_visits_page_dispose (GObject *object)
{
  VkVisitsPage *self = VK_VISITS_PAGE (object);

  g_clear_pointer (&self->register_, g_ptr_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    g_clear_object (&self->columns[i]);
  gtk_widget_dispose_template (GTK_WIDGET (object), VK_TYPE_VISITS_PAGE);
  G_OBJECT_CLASS (vk_visits_page_parent_class)->dispose (object);
}

static void
vk_visits_page_class_init (VkVisitsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = vk_visits_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/dk/valgkit/Station/visits-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, VkVisitsPage, name)
  BIND (visits_title);
  BIND (visits_status);
  BIND (visits_message);
  BIND (visits_list);
  BIND (load_button);
#undef BIND

  gtk_widget_class_install_action (widget_class, "visits.load", "s", load_action);
  gtk_widget_class_install_action (widget_class, "visits.choose", NULL, choose_action);
}

static void
vk_visits_page_init (VkVisitsPage *self)
{
  GtkWidget *empty;

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (self->columns); i++)
    self->columns[i] = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  empty = cell (_ ("No visits today for this device."), 40, "dim-label", TRUE);
  gtk_widget_set_margin_top (empty, 18);
  gtk_widget_set_margin_bottom (empty, 18);
  gtk_widget_set_margin_start (empty, 12);
  gtk_list_box_set_placeholder (self->visits_list, empty);
}

/* Public API. */

VkVisitsPage *
vk_visits_page_new (void)
{
  return g_object_new (VK_TYPE_VISITS_PAGE, NULL);
}

void
vk_visits_page_set_session (VkVisitsPage *self, VkStationSession *session)
{
  g_autofree char *kept = NULL;

  g_return_if_fail (VK_IS_VISITS_PAGE (self));
  g_return_if_fail (VK_IS_STATION_SESSION (session));

  self->session = session;
  self->station = vk_station_session_get_station (session);
  g_clear_pointer (&self->register_, g_ptr_array_unref);
  kept = kept_path (self);
  if (g_file_test (kept, G_FILE_TEST_EXISTS))
    {
      g_autoptr (GError) error = NULL;
      if (!load_register (self, kept, FALSE, &error))
        {
          g_autofree char *text = g_strdup_printf (_ ("The kept visit plan was not loaded: %s"), error->message);
          vk_ui_show_message (self->visits_message, "vk-warning", text);
        }
    }
  show_visits (self);
}

void
vk_visits_page_refresh (VkVisitsPage *self)
{
  g_return_if_fail (VK_IS_VISITS_PAGE (self));
  show_visits (self);
}

guint
vk_visits_page_get_n_visits (VkVisitsPage *self)
{
  g_return_val_if_fail (VK_IS_VISITS_PAGE (self), 0);
  return self->n_visits;
}

/* count-form-private.h: what the count form's files share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "count-form.h"
#include "vk-tally-form.h"

G_BEGIN_DECLS

/* One number of the form. */
typedef struct
{
  char *field;
  char *label; /* what the row says, for the list of differences */
  GtkWidget *row;
  GtkEditable *entry;
  GtkLabel *computed; /* fintælling list totals: listestemmer + Σ personal votes */
} Row;

struct _VkCountForm
{
  GtkBox parent_instance;

  /* Template widgets. */
  GtkBox *main_box;
  GtkLabel *state_label;
  GtkBox *entry_bar;
  GtkEntry *by_entry;
  GtkButton *save_button;
  GtkScrolledWindow *form_scroll;
  GtkBox *form_box;
  GtkBox *side_box;
  GtkLabel *recon_label;
  GtkBox *messages_box;
  GtkBox *diff_section;
  GtkLabel *diff_label;
  GtkBox *compare_section;
  GtkLabel *compare_label;

  /* State. */
  VkStation *station; /* borrowed */
  char *contest;      /* the contest's id; NULL: the primary */
  VkResultKind kind;
  guint area;
  guint64 eligible;
  gint64 marked; /* check-ins + accepted brevstemmer; -1 at fintælling */
  guint checked_in;
  guint brev_accepted;
  VkTallyForm *model;
  GHashTable *rows;   /* field → Row* (owned) */
  GHashTable *groups; /* "lists", "invalid", … → GPtrArray of Row* (borrowed) */
  gboolean loading;   /* setting entries from the model: no checks per field */
  VkTallyState shown_state;
  guint target_round;       /* the round Save enters, 0: none */
  guint reenter;            /* the round chosen for correction after a difference */
  GHashTable *marked_rows;  /* Row* → the class it carries for a message */
  GPtrArray *diff_rows;     /* Row* carrying vk-diff */
  char *messages_key;       /* the messages shown, to rebuild only on change */
  VkAreaResult *foreloebig; /* the area's signed foreløbig count, when held */
  char *foreloebig_device;
  gint64 last_keystroke_us;
};

/* The contest counted (a VkElection of the station's event). */
const VkElection *vk_count_form_contest (VkCountForm *self);

/* Shows the checks, the reconciliation and the comparison with the
 * foreløbig count of the form as typed (count-form-checks.c). */
void vk_count_form_update_checks (VkCountForm *self);

G_END_DECLS

/* count-form.h: the count entry form, with its checks as it is typed.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One count of one area typed from the paper: a row per number of the
 * count (built from the election), the double entry (two rounds by two
 * people, the state, the differences and the correction of either
 * round), and beside it the reconciliation, the checks T01–T14 and, at a
 * fintælling table, the comparison with the area's foreløbig count.  The
 * model and every rule are in station-client/vk-tally-form.h: this widget
 * shows what the model computes and passes on what is typed.  Other
 * boxes (sign-off, doubtful ballots) are placed in the side column as
 * children of type "side"; a child of type "header" (the area chooser)
 * goes above the form.
 */
#pragma once

#include <gtk/gtk.h>

#include "vk-station.h"
#include "vk-tally.h"

G_BEGIN_DECLS

#define VK_TYPE_COUNT_FORM (vk_count_form_get_type ())
G_DECLARE_FINAL_TYPE (VkCountForm, vk_count_form, VK, COUNT_FORM, GtkBox)

VkCountForm *vk_count_form_new (void) G_GNUC_WARN_UNUSED_RESULT;

/* The station (borrowed, must outlive the form) and the count it takes:
 * builds the rows. */
void vk_count_form_set_station (VkCountForm *self, VkStation *station, VkResultKind kind);
/* The contest counted in an event with several ("KV", "RV"; NULL: the
 * primary): builds its rows (its lists); set the area after it. */
void vk_count_form_set_contest (VkCountForm *self, const char *contest);
const char *vk_count_form_get_contest (VkCountForm *self);
/* The area counted: an empty model, the area's state from the journal. */
void vk_count_form_set_area (VkCountForm *self, guint area);
/* The marked voters the reconciliation shows (check-ins + accepted
 * brevstemmer); known FALSE at a fintælling table. */
void vk_count_form_set_marked (VkCountForm *self, gboolean known, guint checked_in, guint brevstemmer);
/* Journals changed (a sign-off, sync, USB): reads the state again.
 * reload: also put the state's numbers into the form. */
void vk_count_form_refresh (VkCountForm *self, gboolean reload);

/* The double entry's state shown ("state-changed" tells of a change). */
VkTallyState vk_count_form_get_state (VkCountForm *self);
/* The votes cast typed or loaded. */
guint64 vk_count_form_get_cast (VkCountForm *self);

/* The entry of a field ("cast", "lists.<id>", …; vk-tally-form.h), or NULL. */
GtkEditable *vk_count_form_get_field (VkCountForm *self, const char *field);
/* The row of a field (CSS classes vk-field-error, vk-field-warning,
 * vk-diff), or NULL. */
GtkWidget *vk_count_form_get_row (VkCountForm *self, const char *field);
/* Microseconds the last keystroke took (model, checks and display). */
gint64 vk_count_form_get_last_keystroke_us (VkCountForm *self);

G_END_DECLS

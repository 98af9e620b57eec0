/* guard-dialog.h: a valgstyrer's confirmation of a guarded step.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The station refuses a check-in, a poll close or a sign-off on a day
 * that is not election day, and a brevstemme cast before its period,
 * until a valgstyrer confirms (vk_station_confirm_date(), vk-station.h).
 * This asks for that confirmation: outside valgstyrer mode it says who
 * must confirm; in valgstyrer mode a dialog takes the valgstyrer's name.
 */
#pragma once

#include <adwaita.h>

#include "vk-station.h"

G_BEGIN_DECLS

typedef void (*VkGuardDoneFunc) (GObject *owner);

/* Asks for the date confirmation.  Without valgstyrer mode, shows the
 * refusal in message ("vk-blocked"; message may be NULL when the caller
 * shows the refusal itself) and returns NULL.  Otherwise presents
 * a dialog (responses "cancel", "confirm"; the name entry is its extra
 * child) and, when confirmed, calls done (owner) after the station holds
 * the confirmation.  The dialog is returned (borrowed). */
AdwMessageDialog *vk_guard_confirm_date (GtkWidget *parent, VkStation *station, GtkLabel *message, const char *body,
                                         VkGuardDoneFunc done, GObject *owner);

typedef void (*VkGuardExplainFunc) (GObject *owner, const char *explanation);

/* Brevstemmer of area are received and not decided (the engine refused
 * with VK_STATION_ERROR_UNDECIDED_BREVSTEMMER).  Presents a dialog that
 * gives their number and offers to go and decide them ("decide": the
 * window's brevstemme page, its "Waiting" filter on) or, when explain is
 * not NULL, to write an explanation (required; a valgstyrer only, as the
 * engine's vk_station_close_poll_explained()) and go on ("explain":
 * explain (owner, text) is called).  Enter decides while the explanation
 * is empty, and goes on once it is written.  The dialog is returned
 * (borrowed); its explanation entry is named "undecided_explanation". */
AdwMessageDialog *vk_guard_undecided (GtkWidget *parent, VkStation *station, guint area, const char *heading,
                                      VkGuardExplainFunc explain, GObject *owner);

/* Shows the window's brevstemme page ("decide" in an ancestor stack of
 * widget) with the waiting brevstemmer.  FALSE when there is none. */
gboolean vk_guard_show_brevstemmer (GtkWidget *widget);

/* Rings the system bell for a block at the table, and counts it (for the
 * GUI tests: a scanner's operator hears what the screen says). */
void vk_guard_bell (GtkWidget *widget);
guint vk_guard_get_bell_count (void);

G_END_DECLS

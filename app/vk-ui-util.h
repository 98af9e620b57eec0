/* vk-ui-util.h: small helpers the station app's pages share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Presentation only: how a message, a time, a role or a list row looks.
 * No rule lives here.
 */
#pragma once

#include <adwaita.h>

#include "vk-station.h"

G_BEGIN_DECLS

/* Shows a big message on label: css_class is "vk-ok", "vk-blocked",
 * "vk-warning" or NULL (no colour); NULL text hides the label. */
void vk_ui_show_message (GtkLabel *label, const char *css_class, const char *text);

/* A journal time (ms since 1970) in Danish local time, with a
 * g_date_time_format() format. */
char *vk_ui_format_time (guint64 time_ms, const char *format) G_GNUC_WARN_UNUSED_RESULT;
/* A time of day as Danish official texts write it, "04.13" (used after
 * "kl."), and a date with it, "18-11-2025 kl. 04.13", in Danish time: the
 * one way the app shows times. */
char *vk_ui_format_clock (guint64 time_ms) G_GNUC_WARN_UNUSED_RESULT;
char *vk_ui_format_date_clock (guint64 time_ms) G_GNUC_WARN_UNUSED_RESULT;
/* YYYY-MM-DD → DD-MM-YYYY, as Danes write it. */
char *vk_ui_format_birth_date (const char *iso) G_GNUC_WARN_UNUSED_RESULT;

/* The operator's words for a device role, a brevstemme place and an
 * official rejection reason (1–7). */
const char *vk_ui_role_label (const char *role);
const char *vk_ui_place_label (const char *place);
const char *vk_ui_reason_label (guint reason);
/* The places in the order of the receive page's dropdown. */
#define VK_UI_N_PLACES 6
const char *vk_ui_place_key (guint index);

/* The name of an area of the station's election, or "". */
const char *vk_ui_area_name (VkStation *station, guint number);
/* A voter's address, birth date, løbenummer and area, for the details pane. */
char *vk_ui_voter_details (VkStation *station, const VkVoter *voter) G_GNUC_WARN_UNUSED_RESULT;
/* Why a search could not be made, in the operator's language. */
char *vk_ui_search_error_dup_text (const char *query) G_GNUC_WARN_UNUSED_RESULT;
/* The sentence for a refusal of an engine, in the operator's language:
 * the engines report refusals as codes (VK_STATION_ERROR,
 * VK_TALLY_ERROR, VK_ENTRY_ERROR), never as text to show, and this is the
 * one place that words them.  Parameters (a name, a time) come from the
 * page's own context.  Other errors keep their message. */
char *vk_ui_error_dup_text (const GError *error) G_GNUC_WARN_UNUSED_RESULT;

/* Lists of voters and envelopes. */
/* Removes every child of a GtkBox or GtkListBox. */
void vk_ui_remove_children (GtkWidget *box);
void vk_ui_clear_list (GtkListBox *list);
/* A row with a title, a dimmed subtitle, an optional badge; data is
 * kept on the row as "vk-data". */
GtkWidget *vk_ui_make_row (const char *title, const char *subtitle, const char *badge, gpointer data);

/* Asks for a file or folder; the path chosen is passed to the action
 * (parameter type "s") activated on widget. */
void vk_ui_choose_file (GtkWidget *widget, const char *title, GtkFileChooserAction mode, const char *action);

/* The election id as the guide asks to compare it: 64 hex digits in
 * groups of 8 ("1a2b3c4d 5e6f…"). */
char *vk_ui_format_election_id (const guint8 *election_id) G_GNUC_WARN_UNUSED_RESULT;

/* TRUE when the package is a test election (PRØVEVALG): the election's
 * signed `test` flag (docs/package-format.md; `valgkit election import
 * --test`, every `valgkit demo` and the synthetic Prøvekommune). */
gboolean vk_ui_package_is_test (VkPackage *package);

/* Unlocks a key file in a worker thread (Argon2id takes about a second),
 * then calls callback on the thread-default main context; finish gives
 * the key or NULL with the error (VK_ERROR_PASSPHRASE for a wrong one). */
void vk_ui_load_key_async (const char *path, const char *passphrase, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data);
/* Work in progress shown on a progress bar that pulses while it lasts
 * (visible only then; a GtkSpinner needs an SVG loader the machines may
 * lack).  A label for it: "Unlocking the key…". */
void vk_ui_busy_start (GtkProgressBar *bar);
void vk_ui_busy_stop (GtkProgressBar *bar);
gboolean vk_ui_busy_get (GtkProgressBar *bar);
VkKeypair *vk_ui_load_key_finish (GAsyncResult *result, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* A form field with a visible label above it (not a placeholder only):
 * the label's mnemonic focuses the field, and the field is labelled by it
 * for screen readers.  An entry in it activates the dialog's default
 * response on Enter.  Returns the box holding both. */
/* Every button under root whose child is its label wraps that label
 * (centred): a row of buttons then shrinks with a narrow window (the
 * window fits 800 px) instead of holding it wide. */
void vk_ui_wrap_button_labels (GtkWidget *root);
GtkWidget *vk_ui_labelled_field (const char *mnemonic_label, GtkWidget *field);

/* Printing.  Every printout is a PDF written into a folder the user can
 * see (vk_ui_printout_dir()), its path shown on the page, then printed
 * through GTK's print dialog. */
/* The folder printouts are written to, created if missing:
 * $VALGKIT_PRINT_DIR, else "valgkit" in the user's Documents folder, else
 * in the home folder. */
char *vk_ui_printout_dir (void) G_GNUC_WARN_UNUSED_RESULT;
/* Shows the folder that holds path in the file manager. */
void vk_ui_open_folder (GtkWidget *widget, const char *path);
/* Opens GTK's print dialog for the PDF at path (title: the print job's
 * name).  A printer that takes PDF gets the file as it is; otherwise the
 * PDF opens in the default viewer to be printed from there.  Every
 * outcome is written to status (may be NULL) and names the PDF's path, so
 * that nothing the page said (a kuvert id) is lost when no printer or
 * viewer exists. */
void vk_ui_print_pdf (GtkWidget *widget, const char *path, const char *title, GtkLabel *status);

G_END_DECLS

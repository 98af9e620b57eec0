/* vk-station.h: the station engine (no GTK).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A VkStation is one enrolled device at work: its election package, its
 * journal database and its unlocked key.  Every action is a journal
 * entry, and the station's state is a fold over its journal, so that
 * what the UI shows is exactly what is on disk.
 */
#pragma once

#include <glib.h>

#include "vk-journal.h"
#include "vk-keys.h"
#include "vk-package.h"

G_BEGIN_DECLS

typedef struct _VkStation VkStation;

typedef enum
{
  VK_CHECKIN_SCAN,   /* valgkort barcode */
  VK_CHECKIN_SEARCH, /* found by name, birth date or address */
} VkCheckinMethod;

/* Opens (or creates) the device database at db_path for the enrolled
 * device device_id, whose key must match its enrolment, and journals a
 * `device.open` entry.  The package is borrowed and must outlive the
 * station. */
VkStation *vk_station_open (VkPackage *package, const char *db_path, const char *device_id, const VkKeypair *key,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
void vk_station_close (VkStation *self);

VkJournal *vk_station_get_journal (VkStation *self);
const VkDevice *vk_station_get_device (VkStation *self);
const VkKeypair *vk_station_get_key (VkStation *self);
VkPackage *vk_station_get_package (VkStation *self);
/* Appends an entry to the station's journal (for the engine's other
 * modules: tally, brevstemmer).  Returns the entry. */
VkEntry *vk_station_append (VkStation *self, const char *type, VkCbor *body, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Marks a voter of the station's area and journals a `checkin`.
 * Refused with VK_ERROR_NOT_FOUND when the løbenummer is not on the
 * area's list and VK_ERROR_INVALID when this station has checked the
 * voter in already (sync between tables arrives with the station
 * client).  Returns the entry's seq. */
guint64 vk_station_check_in (VkStation *self, guint loebenummer, VkCheckinMethod method, gboolean assisted,
                             GError **error);
/* Withdraws one of this station's check-ins (a `checkin.undo` entry). */
guint64 vk_station_undo_check_in (VkStation *self, guint64 checkin_seq, const char *reason, GError **error);
/* Journals `poll.close`; check-ins are refused from then on. */
guint64 vk_station_close_poll (VkStation *self, GError **error);
gboolean vk_station_is_poll_closed (VkStation *self);
/* Voters currently checked in at this station. */
guint vk_station_get_checked_in_count (VkStation *self);
gboolean vk_station_is_checked_in (VkStation *self, guint loebenummer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkStation, vk_station_close)

G_END_DECLS

/* vk-station-error.h: the station engine's refusals, one code per rule.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The station refuses a request that breaks a rule (check-in, undo,
 * poll close, brevstemme reception and decision) with a VK_STATION_ERROR
 * code.  The message is English, for logs and the command line; callers
 * decide by the code, and the app words each code in the operator's
 * language (app/vk-ui-util.c, vk_ui_error_dup_text()).  Trouble that is
 * not a rule (disk, database, signatures, forks) stays in VK_ERROR.
 * The table of codes, their Danish wording and legal basis is in
 * docs/station-app.md.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VK_STATION_ERROR (vk_station_error_quark ())
GQuark vk_station_error_quark (void);

typedef enum
{
  VK_STATION_ERROR_WRONG_ROLE,           /* the device's role does not do this (check in, close, receive, decide) */
  VK_STATION_ERROR_POLL_CLOSED,          /* a check-in after poll.close */
  VK_STATION_ERROR_ALREADY_CLOSED,       /* poll.close when the poll is closed */
  VK_STATION_ERROR_NOT_ON_LIST,          /* check-in: not on this area's valgliste; reception: on no valgliste */
  VK_STATION_ERROR_ALREADY_CHECKED_IN,   /* a standing check-in of the voter, at any table held */
  VK_STATION_ERROR_HAS_BREVSTEMME,       /* an accepted brevstemme marks the voter */
  VK_STATION_ERROR_NOT_VALGSTYRER,       /* an undo by an operator who is not a valgstyrer */
  VK_STATION_ERROR_NO_REASON,            /* an undo without a reason */
  VK_STATION_ERROR_NOT_STANDING,         /* the check-in to undo is not standing (unknown or undone) */
  VK_STATION_ERROR_BAD_PLACE,            /* not one of the six brevstemme places */
  VK_STATION_ERROR_SAME_PERSON,          /* one name given twice (stemmemodtagere or valgstyrere) */
  VK_STATION_ERROR_TOO_FEW_RECEIVERS,    /* fewer stemmemodtagere than the place needs (KRVL §§ 60–61) */
  VK_STATION_ERROR_BAD_CPR,              /* the CPR number is not DDMMYY-SSSS with a real date */
  VK_STATION_ERROR_CPR_MISMATCH,         /* the CPR number's birth date is not the voter's */
  VK_STATION_ERROR_UNKNOWN_ENVELOPE,     /* the envelope's brevstemme journal is not held here */
  VK_STATION_ERROR_ALREADY_DECIDED,      /* the envelope has been decided */
  VK_STATION_ERROR_TOO_FEW_VALGSTYRERE,  /* a decision names fewer than two valgstyrere (KRVL § 71) */
  VK_STATION_ERROR_CANNOT_ACCEPT,        /* accepting while the law gives a rejection reason */
  VK_STATION_ERROR_BAD_REJECTION_REASON, /* a rejection without a reason 1–7 */
  /* Added for the guards at the table (issue 13). */
  VK_STATION_ERROR_WRONG_DATE,             /* check-in, poll close or sign-off off election day, unconfirmed */
  VK_STATION_ERROR_OUTSIDE_WINDOW,         /* a brevstemme cast before the brevstemme period, unconfirmed */
  VK_STATION_ERROR_TOO_LATE,               /* a brevstemme cast after the deadline: refused */
  VK_STATION_ERROR_UNDECIDED_BREVSTEMMER,  /* poll close or sign-off while brevstemmer of the area are undecided */
  VK_STATION_ERROR_CANCELLED,              /* the brevstemme was cancelled (a decision or a second cancel) */
  VK_STATION_ERROR_NOT_CANCELLABLE,        /* a cancel of another device's, or a decided, brevstemme */
  VK_STATION_ERROR_UNCONFIRMED_BREVSTEMME, /* a check-in of a voter with an undecided brevstemme, unconfirmed */
  VK_STATION_ERROR_NOT_ELIGIBLE,           /* check-in: the voter may receive none of the event's ballots */
} VkStationError;

G_END_DECLS

/* vk-label.h: the kuvertsedel (envelope label) printed for a received brevstemme.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * When a brevstemmested or a home-visit team records a brevstemme
 * (vk_station_receive_brevstemme()), it prints a kuvertsedel that goes
 * into the outer envelope with the official følgebrev and the voter's
 * inner envelope.  It is not a følgebrev and carries no declaration or
 * signature: the voter's declaration and the receivers' attestation are
 * on the official følgebrev only.  The slip is one A4 page: what it is
 * for, the voter (name, address and birth date, to match it with the
 * følgebrev), the area and løbenummer, the place, the time, the
 * stemmemodtagere and a QR code.
 *
 * The QR code carries no name and no CPR number: it is a "VK1" signed
 * QR text (vk-signed-qr.h, one part) whose payload is the deterministic
 * CBOR map
 *
 *   {"area": uint, "cast_ms": uint, "domain": "valgkit-foelgebrev-v1",
 *    "election": bstr 32, "envelope": tstr, "loebenummer": uint}
 *
 * signed (COSE_Sign1) by the receiving device's key.  The envelope id is
 * "<device>/<seq>" (the `brevstemme.received` entry), so the polling
 * station scans the slip into its brevstemme search and finds the
 * envelope; vk_label_decode() checks the signature against the device's
 * enrolment in the package.
 */
#pragma once

#include <glib.h>

#include "vk-keys.h"
#include "vk-package.h"
#include "vk-printout.h"

G_BEGIN_DECLS

#define VK_LABEL_DOMAIN "valgkit-foelgebrev-v1"

typedef struct
{
  VkPrintoutInfo info;  /* election, election id, test banner, printed time */
  const VkKeypair *key; /* the receiving device's key: signs the QR */
  const char *device_id;
  const char *envelope; /* "<device>/<seq>": must start with device_id */
  guint area;
  const char *area_name; /* may be NULL */
  guint loebenummer;
  const char *voter_name;       /* printed only; may be NULL (left blank for the voter to fill in) */
  const char *voter_address;    /* printed only; may be NULL */
  const char *voter_birth_date; /* YYYY-MM-DD, printed only; may be NULL */
  const char *place;            /* J6 place: borgerservice, hjem, plejehjem, hospital, faengsel, andet */
  const char *const *receivers; /* NULL-terminated stemmemodtagere */
  guint64 cast_ms;              /* when it was cast (ms since the epoch) */
} VkLabel;

/* What a label's QR code says, after its signature was checked. */
typedef struct
{
  char *envelope;
  char *device_id; /* the signing device, whose envelope it is */
  guint area;
  guint loebenummer;
  guint64 cast_ms;
} VkLabelData;

void vk_label_data_free (VkLabelData *self);

/* The QR text (one "VK1:1/1:" part) of the label. */
char *vk_label_qr_encode (const VkLabel *self, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Writes the kuvertsedel as a one-page A4 PDF. */
gboolean vk_label_write (const VkLabel *self, const char *path, GError **error);

/* TRUE when text looks like a signed QR text (the scanner typed a label
 * rather than an envelope id or a name). */
gboolean vk_label_looks_like (const char *text);
/* Reads a label's QR text (trailing whitespace ignored): the signing key
 * must be enrolled in package as a brevstemmested or hjemmebesoeg
 * device (VK_ERROR_KEY), the signature must verify (VK_ERROR_SIGNATURE),
 * and the payload must be a følgebrev of this election whose envelope
 * belongs to the signing device (VK_ERROR_INVALID, naming the field). */
VkLabelData *vk_label_decode (VkPackage *package, const char *text, GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkLabelData, vk_label_data_free)

G_END_DECLS

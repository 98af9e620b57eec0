/* test-qr.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-error.h"
#include "vk-qr.h"
#include "vk-test-util.h"

/* A QR symbol has a 7x7 finder pattern in three corners: a dark ring, a
 * light ring and a dark 3x3 centre. */
static void
assert_finder (const guint8 *m, guint width, guint x0, guint y0)
{
  for (guint y = 0; y < 7; y++)
    for (guint x = 0; x < 7; x++)
      {
        gboolean ring = x == 0 || y == 0 || x == 6 || y == 6;
        gboolean centre = x >= 2 && x <= 4 && y >= 2 && y <= 4;
        g_assert_cmpuint (m[(y0 + y) * width + x0 + x], ==, (ring || centre) ? 1 : 0);
      }
}

static void
test_qr_small (void)
{
  g_autoptr (GError) error = NULL;
  guint width = 0;
  g_autoptr (GBytes) modules = vk_qr_encode ((const guint8 *)"valgkit", 7, &width, &error);
  const guint8 *m;

  g_assert_no_error (error);
  /* 7 bytes fit version 1 (21x21) at level M. */
  g_assert_cmpuint (width, ==, 21);
  g_assert_cmpuint (g_bytes_get_size (modules), ==, 21 * 21);
  m = g_bytes_get_data (modules, NULL);
  assert_finder (m, width, 0, 0);
  assert_finder (m, width, width - 7, 0);
  assert_finder (m, width, 0, width - 7);
}

static void
test_qr_too_large (void)
{
  g_autoptr (GError) error = NULL;
  gsize len = 4000; /* beyond version 40 at level M (2331 bytes) */
  g_autofree guint8 *data = g_malloc0 (len);
  guint width = 0;
  g_autoptr (GBytes) modules = vk_qr_encode (data, len, &width, &error);

  g_assert_null (modules);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
}

/* Base45 text goes into alphanumeric mode: a smaller symbol than the
 * same characters as bytes. */
static void
test_qr_text_alphanumeric (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_malloc (1001);
  guint w_text = 0, w_bytes = 0;
  g_autoptr (GBytes) a = NULL, b = NULL;

  for (guint i = 0; i < 1000; i++)
    text[i] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"[i * 7 % 45];
  text[1000] = '\0';
  a = vk_qr_encode_text (text, &w_text, &error);
  g_assert_no_error (error);
  b = vk_qr_encode ((const guint8 *)text, 1000, &w_bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (w_text, <, w_bytes);
  assert_finder (g_bytes_get_data (a, NULL), w_text, 0, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/qr/small", test_qr_small);
  g_test_add_func ("/qr/too-large", test_qr_too_large);
  g_test_add_func ("/qr/text-alphanumeric", test_qr_text_alphanumeric);
  return g_test_run ();
}

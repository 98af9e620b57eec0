/* test-valgkort.c: the valgkort barcode parser and formatter.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-error.h"
#include "vk-test-util.h"
#include "vk-valgkort.h"

static void
assert_card (const char *code, guint m, guint a, guint l)
{
  g_autoptr (GError) error = NULL;
  VkValgkort card = { 0 };

  g_assert_true (vk_valgkort_looks_like (code));
  g_assert_true (vk_valgkort_parse (code, &card, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (card.municipality, ==, m);
  g_assert_cmpuint (card.area, ==, a);
  g_assert_cmpuint (card.loebenummer, ==, l);
}

static void
test_valgkort_parse (void)
{
  assert_card ("VK1-751-09-001234", 751, 9, 1234);
  assert_card ("vk1-751-9-1234", 751, 9, 1234);
  assert_card ("  VK1-101-58-9999999\r\n", 101, 58, 9999999);
  assert_card ("751090001234", 751, 9, 1234);
  assert_card ("101990000001", 101, 99, 1);
  /* A scanner in another keyboard layout types another separator. */
  assert_card ("VK1+825+15+000060", 825, 15, 60);
  assert_card ("VK1_825_15_000060", 825, 15, 60);
  assert_card ("VK1/825/15/000060", 825, 15, 60);
  assert_card ("vk1+825+15+000060", 825, 15, 60);
  assert_card ("vK1_825-15/60\n", 825, 15, 60);
}

static void
test_valgkort_format (void)
{
  g_autofree char *a = vk_valgkort_format (751, 9, 1234);
  g_autofree char *b = vk_valgkort_format_digits (751, 9, 1234);
  g_autofree char *c = vk_valgkort_format (751, 100, 1);
  g_autofree char *d = vk_valgkort_format_digits (0, 1, 1);

  g_assert_cmpstr (a, ==, "VK1-751-09-001234");
  g_assert_cmpstr (b, ==, "751090001234");
  g_assert_null (c);
  g_assert_null (d);

  /* Every formatted code parses back to its fields, in both forms. */
  for (guint m = 1; m <= 999; m += 97)
    for (guint area = 1; area <= 99; area += 7)
      for (guint l = 1; l <= 9999999; l = l * 13 + 5)
        {
          g_autofree char *x = vk_valgkort_format (m, area, l);
          g_autofree char *y = vk_valgkort_format_digits (m, area, l);
          VkValgkort p = { 0 }, q = { 0 };

          g_assert_true (vk_valgkort_parse (x, &p, NULL));
          g_assert_true (vk_valgkort_parse (y, &q, NULL));
          g_assert_cmpuint (p.municipality, ==, m);
          g_assert_cmpuint (p.area, ==, area);
          g_assert_cmpuint (p.loebenummer, ==, l);
          g_assert_true (p.municipality == q.municipality && p.area == q.area && p.loebenummer == q.loebenummer);
        }
}

static void
test_valgkort_bad (void)
{
  static const char *const bad[] = {
    "",
    "VK1-",
    "VK1-751-09",
    "VK1-751-09-001234-1",
    "VK1-751--001234",
    "VK1-7510-09-1",       /* kommunekode too long */
    "VK1-751-100-1",       /* area too long */
    "VK1-751-09-12345678", /* løbenummer too long */
    "VK1-000-09-1",        /* zero */
    "VK1-751-00-1",
    "VK1-751-09-0",
    "VK1-751-0x-1",
    "VK2-751-09-1",
    "75109000123",   /* 11 digits */
    "7510900012345", /* 13 digits */
    "751000001234",  /* area 00 */
    "751090000000",  /* løbenummer 0 */
    "Mette Hansen",
    /* Starts with VK but is no code: an error, never a name search. */
    "VK",
    "vk",
    "VK1",
    "VK1825-15-000060",                   /* no separator after VK1 */
    "VK1*825*15*000060",                  /* not a layout variant */
    "VK1+825+15+000060x",                 /* trailing garbage */
    "VK1-825-15-000010VK1-825-15-000011", /* two scans appended */
    "VKgarbage",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      VkValgkort card = { 77, 77, 77 };

      g_assert_false (vk_valgkort_parse (bad[i], &card, &error));
      g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
      /* The output is written only on success. */
      g_assert_cmpuint (card.municipality, ==, 77);
    }
  g_assert_false (vk_valgkort_looks_like ("1234"));
  g_assert_false (vk_valgkort_looks_like ("Mette"));
  g_assert_true (vk_valgkort_looks_like ("VK1-x"));
  g_assert_true (vk_valgkort_looks_like ("VK1+825+15+000060"));
  g_assert_true (vk_valgkort_looks_like ("vkgarbage"));
  g_assert_true (vk_valgkort_looks_like ("  Vk  "));
  g_assert_false (vk_valgkort_looks_like ("Viktor"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/valgkort/parse", test_valgkort_parse);
  g_test_add_func ("/valgkort/format", test_valgkort_format);
  g_test_add_func ("/valgkort/bad", test_valgkort_bad);
  return g_test_run ();
}

/* dr-number-format.c — see dr-number-format.h. */
#include "config.h"

#include <limits.h>
#include <locale.h>
#include <string.h>

#include "dr-number-format.h"

/* See header. */
char *
dr_number_format_grouped (gint64 n, const char *separator, const char *grouping)
{
  /* Digits of |n|, least significant first; G_MININT64 has no positive gint64. */
  guint64 v = n < 0 ? (guint64) 0 - (guint64) n : (guint64) n;
  char digits[24];
  int nd = 0;
  do
    {
      digits[nd++] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v > 0);

  /* Walks the digits from the right, marking where a separator goes before digit i. */
  gboolean sep_before[24] = { FALSE };
  if (separator != NULL && *separator != '\0' && grouping != NULL && *grouping != '\0')
    {
      const char *g = grouping;
      int size = (unsigned char) *g, at = 0;
      while (size > 0 && size != CHAR_MAX)
        {
          at += size;
          if (at >= nd)
            break;
          sep_before[at] = TRUE;
          if (g[1] != '\0')
            size = (unsigned char) *++g;
        }
    }

  GString *out = g_string_sized_new (40);
  if (n < 0)
    g_string_append_c (out, '-');
  for (int i = nd - 1; i >= 0; i--)
    {
      g_string_append_c (out, digits[i]);
      if (i > 0 && sep_before[i])
        g_string_append (out, separator);
    }
  return g_string_free (out, FALSE);
}

/* See header. */
char *
dr_number_format_count (gint64 n)
{
  const struct lconv *lc = localeconv ();
  const char *sep = lc->thousands_sep, *grouping = lc->grouping;
  gboolean usable = sep != NULL && *sep != '\0' && g_utf8_validate (sep, -1, NULL) &&
                    grouping != NULL && *grouping > 0 && *grouping != CHAR_MAX;
  if (!usable)
    return dr_number_format_grouped (n, DR_NUMBER_FALLBACK_SEPARATOR, "\3");
  return dr_number_format_grouped (n, sep, grouping);
}

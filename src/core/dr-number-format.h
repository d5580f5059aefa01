/* dr-number-format.h — counts (pixels, amounts of money) written with their digits grouped,
 * so that 1234567 reads as 1,234,567 in every locale.
 *
 * The locale's own separator and grouping are used when LC_NUMERIC has them (en_US: ",",
 * de_DE: ".", fr_FR: a narrow no-break space, hi_IN: 12,34,567). The C and C.UTF-8 locales,
 * which the app also runs under (LANGUAGE=ko LANG=C.UTF-8 shows the Korean window), have
 * none; there digits are grouped by three with a comma. A comma cannot be taken for a decimal
 * mark there, because those locales write decimals with a point (the review bar's IoU, the
 * panel's percentages), and it is what both English and Korean readers group with. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The separator used where the locale has none. */
#define DR_NUMBER_FALLBACK_SEPARATOR ","

/* n in decimal with separator between digit groups, newly allocated. grouping is read as
 * localeconv()'s: each byte a group size from the right, the last one repeating, CHAR_MAX or
 * a zero byte after the first ending the grouping; "" or NULL: no grouping. */
char *dr_number_format_grouped (gint64 n, const char *separator, const char *grouping);
/* n grouped as the current LC_NUMERIC locale does, or by three with
 * DR_NUMBER_FALLBACK_SEPARATOR when it has no grouping or no UTF-8 separator. Newly
 * allocated. */
char *dr_number_format_count   (gint64 n);

G_END_DECLS

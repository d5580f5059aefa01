/* rle-tool.c — exposes dr-rle to tests/store/rle_decode.py over stdin/stdout, one job a line:
 *   E H W BITS   → "STRING AREA X Y W H" (BITS: H×W '0'/'1' characters, row-major)
 *   D H W STRING → "BITS" or "error MESSAGE"
 * An empty STRING is written as "-". */
#include <stdio.h>
#include <string.h>

#include "dr-rle.h"

/* Encodes one mask and prints its string, area and box; returns FALSE on a malformed job. */
static gboolean
encode_job (guint h, guint w, const char *bits)
{
  gsize n = (gsize) h * w;
  if (strlen (bits) != n)
    return FALSE;
  g_autofree guint8 *mask = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    mask[i] = bits[i] == '1';
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRle) rle = dr_rle_new_from_mask (mask, h, w, &error);
  if (rle == NULL)
    {
      printf ("error %s\n", error->message);
      return TRUE;
    }
  g_autofree char *s = dr_rle_to_string (rle);
  guint x, y, bw, bh;
  dr_rle_get_bbox (rle, &x, &y, &bw, &bh);
  printf ("%s %" G_GUINT64_FORMAT " %u %u %u %u\n", s, dr_rle_get_area (rle), x, y, bw, bh);
  return TRUE;
}

/* Decodes one string and prints the mask as bits, or the error. */
static void
decode_job (guint h, guint w, const char *string)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (DrRle) rle = dr_rle_new_from_string (strcmp (string, "-") == 0 ? "" : string, h, w,
                                                  &error);
  if (rle == NULL)
    {
      printf ("error %s\n", error->message);
      return;
    }
  gsize n = (gsize) h * w;
  g_autofree guint8 *mask = g_malloc (n);
  dr_rle_to_mask (rle, mask);
  for (gsize i = 0; i < n; i++)
    mask[i] = mask[i] ? '1' : '0';
  fwrite (mask, 1, n, stdout);
  putchar ('\n');
}

int
main (void)
{
  g_autoptr (GString) line = g_string_new (NULL);
  int ch;
  for (;;)
    {
      g_string_truncate (line, 0);
      while ((ch = getchar ()) != EOF && ch != '\n')
        g_string_append_c (line, (char) ch);
      if (line->len == 0 && ch == EOF)
        break;
      g_auto (GStrv) parts = g_strsplit (line->str, " ", 4);
      if (g_strv_length (parts) != 4)
        return 2;
      guint h = (guint) g_ascii_strtoull (parts[1], NULL, 10);
      guint w = (guint) g_ascii_strtoull (parts[2], NULL, 10);
      if (strcmp (parts[0], "E") == 0)
        {
          if (!encode_job (h, w, parts[3]))
            return 2;
        }
      else if (strcmp (parts[0], "D") == 0)
        decode_job (h, w, parts[3]);
      else
        return 2;
      fflush (stdout);
    }
  return 0;
}

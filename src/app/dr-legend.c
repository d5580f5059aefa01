/* dr-legend.c — builds the four damage rows and keeps the figures of the shown photo.
 *
 * Visibility check buttons drive the window's stateful "win.overlay-N" actions, so the
 * 1–4 keys, the rows and the canvas can never disagree. Opacity and outline live in
 * GSettings; the canvas binds to the same keys. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dr-damage-style.h"
#include "dr-legend.h"
#include "dr-number-format.h"

struct _DrLegend
{
  GtkWidget parent_instance;

  GtkListBox *rows;
  GtkAdjustment *opacity_adjustment;
  GtkWidget *estimate_box;
  GtkLabel *photo_estimate_label;
  GtkLabel *claim_estimate_label;
  GtkLabel *name_labels[DR_N_DAMAGE_TYPES];
  GtkLabel *area_labels[DR_N_DAMAGE_TYPES];
  GtkLabel *verdict_labels[DR_N_DAMAGE_TYPES];
  GtkLabel *percent_labels[DR_N_DAMAGE_TYPES];
  GSettings *settings;
  DrPhotoItem *item;                     /* the photo shown, or NULL */
  gint64 unsaved[DR_N_DAMAGE_TYPES];     /* areas of unsaved edits; -1: none */
};

G_DEFINE_FINAL_TYPE (DrLegend, dr_legend, GTK_TYPE_WIDGET)

/* Builds the row of damage type i: check button (action win.overlay-i) holding the colour
 * swatch, the name, the key and the area labels. */
static GtkWidget *
make_row (DrLegend *self, guint i)
{
  GtkWidget *check = gtk_check_button_new ();
  g_autofree char *action = g_strdup_printf ("win.overlay-%u", i);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (check), action);

  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *swatch = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (swatch, "damage-swatch");
  gtk_widget_add_css_class (swatch, dr_damage_style_css_class (i));
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), swatch);

  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (names, TRUE);
  /* Every text in the panel ellipsizes, wraps or has a fixed width, so the panel never
   * widens with what it shows (that would shrink the canvas and move the photo). */
  GtkWidget *name = gtk_label_new (dr_damage_style_name (i));
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (names), name);
  GtkWidget *area = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (area), 0);
  gtk_label_set_ellipsize (GTK_LABEL (area), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (area, "caption");
  gtk_widget_add_css_class (area, "dim-label");
  gtk_box_append (GTK_BOX (names), area);
  /* Always there, one line (empty until a verdict): a verdict given must not make its row
   * taller and move the rows, check boxes and key caps below it. */
  GtkWidget *verdict = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (verdict), 0);
  gtk_label_set_ellipsize (GTK_LABEL (verdict), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (verdict), TRUE);
  gtk_widget_add_css_class (verdict, "caption");
  gtk_box_append (GTK_BOX (names), verdict);
  gtk_box_append (GTK_BOX (box), names);

  GtkWidget *percent = gtk_label_new (NULL);
  gtk_widget_add_css_class (percent, "numeric");
  gtk_box_append (GTK_BOX (box), percent);

  g_autofree char *key = g_strdup_printf ("%u", i + 1);
  GtkWidget *keycap = gtk_label_new (key);
  gtk_widget_add_css_class (keycap, "keycap");
  gtk_widget_set_valign (keycap, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), keycap);

  gtk_check_button_set_child (GTK_CHECK_BUTTON (check), box);
  self->name_labels[i] = GTK_LABEL (name);
  self->area_labels[i] = GTK_LABEL (area);
  self->verdict_labels[i] = GTK_LABEL (verdict);
  self->percent_labels[i] = GTK_LABEL (percent);

  GtkWidget *row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), check);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

/* The short text the panel shows for a verdict ("" for unreviewed). */
static const char *
verdict_label (DrVerdict verdict)
{
  switch (verdict)
    {
    /* Translators: short verdicts under a damage type in the side panel. */
    case DR_VERDICT_ACCEPTED: return _("✓ Accepted");
    case DR_VERDICT_CORRECTED: return _("✓ Corrected");
    case DR_VERDICT_REJECTED: return _("✓ Rejected (not damage)");
    case DR_VERDICT_ADDED: return _("✓ Added (model missed it)");
    case DR_VERDICT_NONE: return _("✓ None here");
    case DR_VERDICT_UNREVIEWED:
    default: return "";
    }
}

/* See header. */
void
dr_legend_show_review (DrLegend *self, int active, const DrVerdict *verdicts)
{
  g_return_if_fail (DR_IS_LEGEND (self));
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      if ((int) i == active)
        gtk_widget_add_css_class (GTK_WIDGET (self->name_labels[i]), "heading");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->name_labels[i]), "heading");
      DrVerdict v = verdicts ? verdicts[i] : DR_VERDICT_UNREVIEWED;
      gtk_label_set_label (self->verdict_labels[i], verdict_label (v));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->verdict_labels[i]),
                                   v != DR_VERDICT_UNREVIEWED ? verdict_label (v) : NULL);
    }
}

/* Formats an amount, rounded to a whole unit, with its digits grouped
 * (dr_number_format_count) and the configured currency. */
static char *
format_money (GSettings *settings, double amount)
{
  g_autofree char *currency = g_settings_get_string (settings, "currency");
  /* Prices are at most 1e12 per percent (the schema's range): far inside gint64. */
  g_autofree char *number = dr_number_format_count ((gint64) CLAMP (round (amount), -9e18, 9e18));
  return g_strdup_printf ("%s %s", number, currency);
}

static void
dr_legend_dispose (GObject *object)
{
  DrLegend *self = DR_LEGEND (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), DR_TYPE_LEGEND);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);
  g_clear_object (&self->item);
  G_OBJECT_CLASS (dr_legend_parent_class)->dispose (object);
}

static void
dr_legend_class_init (DrLegendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = dr_legend_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dr-legend.ui");
  gtk_widget_class_bind_template_child (widget_class, DrLegend, rows);
  gtk_widget_class_bind_template_child (widget_class, DrLegend, opacity_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DrLegend, estimate_box);
  gtk_widget_class_bind_template_child (widget_class, DrLegend, photo_estimate_label);
  gtk_widget_class_bind_template_child (widget_class, DrLegend, claim_estimate_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "drlegend");
}

static void
dr_legend_init (DrLegend *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    self->unsaved[i] = -1;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    gtk_list_box_append (self->rows, make_row (self, i));
  g_settings_bind (self->settings, "overlay-opacity", self->opacity_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  dr_legend_update (self, NULL, NULL);
}

/* See header. Cost = Σ over types with a result of price[type] × (% of photo area). */
gboolean
dr_legend_estimate_photo (GSettings *settings, DrPhotoItem *item, double *cost)
{
  int w, h;
  dr_photo_item_get_size (item, &w, &h);
  gboolean priced = FALSE, any = FALSE;
  double sum = 0;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      double price = g_settings_get_double (settings, dr_damage_get_price_key (i));
      priced |= price > 0;
      gint64 area = dr_photo_item_get_area (item, i);
      if (area < 0 || w <= 0 || h <= 0)
        continue;
      any = TRUE;
      sum += price * (100.0 * (double) area / ((double) w * h));
    }
  *cost = sum;
  return priced && any;
}

/* The area rows of the photo shown; an area with unsaved edits shows theirs. */
static void
show_areas (DrLegend *self)
{
  DrPhotoItem *item = self->item;
  int w = 0, h = 0;
  if (item)
    dr_photo_item_get_size (item, &w, &h);
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      gboolean unsaved = item != NULL && self->unsaved[i] >= 0;
      gint64 area = unsaved ? self->unsaved[i] : item ? dr_photo_item_get_area (item, i) : -1;
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->area_labels[i]),
                                   unsaved && w > 0 ? _("Includes changes not saved yet")
                                                    : NULL);
      if (area < 0 || w <= 0 || h <= 0)
        {
          /* A photo that cannot be read is never analysed: the canvas says why, the rows
           * stay empty instead of claiming "Not analysed". */
          gboolean unreadable = item != NULL && dr_photo_item_get_error (item) != NULL;
          gtk_label_set_label (self->area_labels[i],
                               item && !unreadable ? _("Not analysed") : "");
          gtk_label_set_label (self->percent_labels[i], "");
          continue;
        }
      /* The count is formatted first: gettext cannot see through G_GINT64_FORMAT. */
      g_autofree char *count = dr_number_format_count (area);
      g_autofree char *px = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s pixel", "%s pixels",
                                                          (gulong) MIN (area, G_MAXLONG)),
                                             count);
      g_autofree char *pct = g_strdup_printf ("%.1f %%", 100.0 * (double) area / ((double) w * h));
      gtk_label_set_label (self->area_labels[i], px);
      gtk_label_set_label (self->percent_labels[i], pct);
    }
}

/* See header. */
void
dr_legend_show_unsaved_areas (DrLegend *self, const gint64 *areas)
{
  g_return_if_fail (DR_IS_LEGEND (self));
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    self->unsaved[i] = areas ? areas[i] : -1;
  show_areas (self);
}

/* See header. */
void
dr_legend_update (DrLegend *self, DrPhotoItem *item, GListModel *all_items)
{
  g_return_if_fail (DR_IS_LEGEND (self));
  g_set_object (&self->item, item);
  show_areas (self);

  double cost = 0;
  gboolean show = item != NULL && dr_legend_estimate_photo (self->settings, item, &cost);
  gtk_widget_set_visible (self->estimate_box, show);
  if (!show)
    return;
  g_autofree char *money = format_money (self->settings, cost);
  g_autofree char *photo_text = g_strdup_printf (_("This photo: %s"), money);
  gtk_label_set_label (self->photo_estimate_label, photo_text);

  const char *claim = dr_photo_item_get_claim (item);
  gtk_widget_set_visible (GTK_WIDGET (self->claim_estimate_label), claim != NULL && all_items);
  if (claim == NULL || all_items == NULL)
    return;
  double claim_cost = 0;
  guint n = g_list_model_get_n_items (all_items), photos = 0;
  for (guint k = 0; k < n; k++)
    {
      g_autoptr (DrPhotoItem) other = g_list_model_get_item (all_items, k);
      double c;
      if (g_strcmp0 (dr_photo_item_get_claim (other), claim) == 0 &&
          dr_legend_estimate_photo (self->settings, other, &c))
        {
          claim_cost += c;
          photos++;
        }
    }
  g_autofree char *claim_money = format_money (self->settings, claim_cost);
  g_autofree char *claim_text =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Claim %s: %s (%u analysed photo)",
                                  "Claim %s: %s (%u analysed photos)", photos),
                     claim, claim_money, photos);
  gtk_label_set_label (self->claim_estimate_label, claim_text);
}

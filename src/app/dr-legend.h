/* dr-legend.h — the overlay panel: one row per damage type (toggle, colour, area, estimate),
 * overlay opacity and outline mode, and the optional repair-cost estimate. */
#pragma once

#include <gtk/gtk.h>

#include "dr-photo-item.h"
#include "dr-review.h"

G_BEGIN_DECLS

#define DR_TYPE_LEGEND (dr_legend_get_type ())
G_DECLARE_FINAL_TYPE (DrLegend, dr_legend, DR, LEGEND, GtkWidget)

/* Shows the figures of item (NULL: nothing) and of its claim among all_items. */
void dr_legend_update (DrLegend *self, DrPhotoItem *item, GListModel *all_items);

/* Marks the damage type whose layer edits and verdicts apply to (-1: none) and shows each
 * type's verdict under it (verdicts: DR_N_DAMAGE_TYPES of them, or NULL for none). */
void dr_legend_show_review (DrLegend *self, int active, const DrVerdict *verdicts);

/* Shows areas[d] pixels for each damage type d of the photo shown that has edits or a verdict
 * not saved yet (areas: DR_N_DAMAGE_TYPES of them, -1 where everything is saved; NULL: none
 * anywhere), marked as unsaved; the others show the photo's stored areas. */
void dr_legend_show_unsaved_areas (DrLegend *self, const gint64 *areas);

/* Estimated repair cost of one photo from the per-type prices in settings; returns FALSE
 * when no price is set or the photo has no results. */
gboolean dr_legend_estimate_photo (GSettings *settings, DrPhotoItem *item, double *cost);

G_END_DECLS

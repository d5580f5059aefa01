/* dr-photo-row.c — a recycled list row; binding it to an item costs a few label updates. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-damage-style.h"
#include "dr-photo-row.h"

struct _DrPhotoRow
{
  GtkWidget parent_instance;

  DrPhotoItem *item;
  gulong changed_id, thumb_id;

  GtkWidget *box;
  GtkImage *thumbnail;
  GtkLabel *name_label;
  GtkLabel *detail_label;
  GtkImage *status_icon;
  GtkWidget *chips[DR_N_DAMAGE_TYPES];
  GtkWidget *chip_box;
};

G_DEFINE_FINAL_TYPE (DrPhotoRow, dr_photo_row, GTK_TYPE_WIDGET)

/* Icon that summarises a status at a glance; NULL for "not analysed". */
static const char *
status_icon_name (DrItemStatus status)
{
  switch (status)
    {
    case DR_ITEM_STATUS_QUEUED: return "content-loading-symbolic";
    case DR_ITEM_STATUS_ANALYSING: return "emblem-synchronizing-symbolic";
    case DR_ITEM_STATUS_ANALYSED: return "emblem-ok-symbolic";
    case DR_ITEM_STATUS_ERROR: return "dialog-warning-symbolic";
    case DR_ITEM_STATUS_REVIEWED: return "emblem-default-symbolic";
    case DR_ITEM_STATUS_NOT_ANALYSED:
    case DR_ITEM_N_STATUS:
    default: return NULL;
    }
}

/* Refreshes every label and chip from the item. */
static void
update (DrPhotoRow *self)
{
  DrPhotoItem *item = self->item;
  if (item == NULL)
    return;
  DrItemStatus status = dr_photo_item_get_status (item);
  gtk_label_set_label (self->name_label, dr_photo_item_get_name (item));

  const char *claim = dr_photo_item_get_claim (item);
  g_autofree char *detail = claim && *claim
    ? g_strdup_printf ("%s · %s", claim, dr_item_status_to_string (status))
    : g_strdup (dr_item_status_to_string (status));
  gtk_label_set_label (self->detail_label, detail);

  const char *icon = status_icon_name (status);
  gtk_image_set_from_icon_name (self->status_icon, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), icon != NULL);
  /* Setting a tooltip costs an X round trip in GTK 4.8 even when nothing changes. */
  if (g_strcmp0 (gtk_widget_get_tooltip_text (GTK_WIDGET (self)),
                 dr_photo_item_get_error (item)) != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), dr_photo_item_get_error (item));

  gboolean any = FALSE;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      gboolean found = dr_photo_item_get_area (item, i) > 0;
      gtk_widget_set_visible (self->chips[i], found);
      any |= found;
    }
  gtk_widget_set_visible (self->chip_box, any);
}

/* Shows the item's thumbnail, or a neutral placeholder while it is being made. */
static void
update_thumbnail (DrPhotoRow *self)
{
  GObject *thumbnail = self->item ? dr_photo_item_get_thumbnail (self->item) : NULL;
  if (thumbnail != NULL)
    gtk_image_set_from_paintable (self->thumbnail, GDK_PAINTABLE (thumbnail));
  else
    gtk_image_set_from_icon_name (self->thumbnail, "image-x-generic-symbolic");
}

static void
item_changed_cb (DrPhotoItem *item, DrPhotoRow *self)
{
  update (self);
}

static void
thumbnail_notify_cb (DrPhotoItem *item, GParamSpec *pspec, DrPhotoRow *self)
{
  update_thumbnail (self);
}

static void
dr_photo_row_dispose (GObject *object)
{
  DrPhotoRow *self = DR_PHOTO_ROW (object);
  dr_photo_row_set_item (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DR_TYPE_PHOTO_ROW);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (dr_photo_row_parent_class)->dispose (object);
}

static void
dr_photo_row_class_init (DrPhotoRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = dr_photo_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dr-photo-row.ui");
  gtk_widget_class_bind_template_child (widget_class, DrPhotoRow, box);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoRow, thumbnail);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoRow, detail_label);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoRow, chip_box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "drphotorow");
}

static void
dr_photo_row_init (DrPhotoRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    {
      GtkWidget *chip = gtk_label_new (dr_damage_style_name (i));
      gtk_widget_add_css_class (chip, "damage-chip");
      gtk_widget_add_css_class (chip, dr_damage_style_css_class (i));
      gtk_flow_box_append (GTK_FLOW_BOX (self->chip_box), chip);
      GtkWidget *child = gtk_widget_get_parent (chip);
      gtk_widget_set_can_focus (child, FALSE);
      gtk_widget_set_halign (child, GTK_ALIGN_START);
      self->chips[i] = child;
    }
}

/* Creates an unbound row. */
GtkWidget *
dr_photo_row_new (void)
{
  return g_object_new (DR_TYPE_PHOTO_ROW, NULL);
}

/* See header. */
void
dr_photo_row_set_item (DrPhotoRow *self, DrPhotoItem *item)
{
  g_return_if_fail (DR_IS_PHOTO_ROW (self));
  if (self->item == item)
    return;
  if (self->item != NULL)
    {
      g_clear_signal_handler (&self->changed_id, self->item);
      g_clear_signal_handler (&self->thumb_id, self->item);
      g_clear_object (&self->item);
    }
  if (item != NULL)
    {
      self->item = g_object_ref (item);
      self->changed_id = g_signal_connect (item, "changed", G_CALLBACK (item_changed_cb), self);
      self->thumb_id = g_signal_connect (item, "notify::thumbnail",
                                         G_CALLBACK (thumbnail_notify_cb), self);
      update (self);
    }
  update_thumbnail (self);
}

/* The bound item, or NULL. */
DrPhotoItem *
dr_photo_row_get_item (DrPhotoRow *self)
{
  g_return_val_if_fail (DR_IS_PHOTO_ROW (self), NULL);
  return self->item;
}

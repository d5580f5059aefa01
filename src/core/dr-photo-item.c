/* dr-photo-item.c — one photo's identity, review status, per-damage results and thumbnail.
 *
 * Items live on the main thread only. Any change that a list row shows emits "changed"
 * (once per call), so rows re-render without tracking individual properties; the thumbnail
 * has its own notify so a late thumbnail does not re-sort or re-filter the list. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-photo-item.h"

struct _DrPhotoItem
{
  GObject parent_instance;

  gint64 id;                                /* store row id, or 0 outside a project */
  char *path;
  char *name;                               /* display basename */
  char *name_key;                           /* its collation key, made on first use */
  char *claim;
  char *sha256;                             /* hex, or NULL before import */
  char *error;
  int width, height;                        /* oriented size, 0 when unknown */
  DrItemStatus status;
  gint64 area[DR_N_DAMAGE_TYPES];           /* damaged pixels, -1 = no result yet */
  double confidence[DR_N_DAMAGE_TYPES];     /* mean confidence of the mask, 0 … 1 */
  GObject *thumbnail;                       /* the face's preview, e.g. a GdkPaintable */
  guint thumbnail_requested : 1;
};

enum { PROP_0, PROP_THUMBNAIL, N_PROPS };
enum { CHANGED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrPhotoItem, dr_photo_item, G_TYPE_OBJECT)

/* Tells rows and filters that something they show changed. */
static void
emit_changed (DrPhotoItem *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
dr_photo_item_finalize (GObject *object)
{
  DrPhotoItem *self = DR_PHOTO_ITEM (object);
  g_free (self->path);
  g_free (self->name);
  g_free (self->name_key);
  g_free (self->claim);
  g_free (self->sha256);
  g_free (self->error);
  g_clear_object (&self->thumbnail);
  G_OBJECT_CLASS (dr_photo_item_parent_class)->finalize (object);
}

static void
dr_photo_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DrPhotoItem *self = DR_PHOTO_ITEM (object);
  switch (prop_id)
    {
    case PROP_THUMBNAIL:
      g_value_set_object (value, self->thumbnail);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_photo_item_class_init (DrPhotoItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = dr_photo_item_finalize;
  object_class->get_property = dr_photo_item_get_property;

  properties[PROP_THUMBNAIL] =
    g_param_spec_object ("thumbnail", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
dr_photo_item_init (DrPhotoItem *self)
{
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    self->area[i] = -1;
}

/* Creates an item for path in claim (claim may be NULL: no claim). */
DrPhotoItem *
dr_photo_item_new (gint64 id, const char *path, const char *claim)
{
  g_return_val_if_fail (path != NULL, NULL);
  DrPhotoItem *self = g_object_new (DR_TYPE_PHOTO_ITEM, NULL);
  self->id = id;
  self->path = g_strdup (path);
  /* A file name need not be UTF-8; labels, sorting and messages need UTF-8. */
  self->name = g_filename_display_basename (path);
  self->claim = g_strdup (claim);
  return self;
}

/* The store's row id, 0 when the photo is not in a project. */
gint64
dr_photo_item_get_id (DrPhotoItem *self)
{
  return self->id;
}

/* Absolute path of the photo file; never NULL. */
const char *
dr_photo_item_get_path (DrPhotoItem *self)
{
  return self->path;
}

/* File name shown in the list, valid UTF-8 (bytes that are not are replaced); never NULL. */
const char *
dr_photo_item_get_name (DrPhotoItem *self)
{
  return self->name;
}

/* See header. Made once: the name never changes, and a list of 10,000 photos sorted by
 * name compares each one about 14 times. */
const char *
dr_photo_item_get_name_key (DrPhotoItem *self)
{
  if (self->name_key == NULL)
    self->name_key = g_utf8_collate_key_for_filename (self->name, -1);
  return self->name_key;
}

/* Claim label, or NULL. */
const char *
dr_photo_item_get_claim (DrPhotoItem *self)
{
  return self->claim;
}

/* Replaces the claim label and notifies rows. */
void
dr_photo_item_set_claim (DrPhotoItem *self, const char *claim)
{
  if (g_strcmp0 (self->claim, claim) == 0)
    return;
  g_free (self->claim);
  self->claim = g_strdup (claim);
  emit_changed (self);
}

/* Hex SHA-256 of the photo bytes, or NULL when unknown. */
const char *
dr_photo_item_get_sha256 (DrPhotoItem *self)
{
  return self->sha256;
}

/* Records the photo's hash. */
void
dr_photo_item_set_sha256 (DrPhotoItem *self, const char *sha256)
{
  g_free (self->sha256);
  self->sha256 = g_strdup (sha256);
}

/* Oriented size in pixels; 0×0 when not known yet. */
void
dr_photo_item_get_size (DrPhotoItem *self, int *width, int *height)
{
  if (width)
    *width = self->width;
  if (height)
    *height = self->height;
}

/* Records the oriented size (known after import or first decode). */
void
dr_photo_item_set_size (DrPhotoItem *self, int width, int height)
{
  if (self->width == width && self->height == height)
    return;
  self->width = width;
  self->height = height;
  emit_changed (self);
}

/* Current review status. */
DrItemStatus
dr_photo_item_get_status (DrPhotoItem *self)
{
  return self->status;
}

/* Sets the status and notifies rows when it changed. */
void
dr_photo_item_set_status (DrPhotoItem *self, DrItemStatus status)
{
  g_return_if_fail (status < DR_ITEM_N_STATUS);
  if (self->status == status)
    return;
  self->status = status;
  emit_changed (self);
}

/* The last error about this photo (unreadable file, failed analysis), or NULL. */
const char *
dr_photo_item_get_error (DrPhotoItem *self)
{
  return self->error;
}

/* Sets (or with NULL clears) the error; a non-NULL error also sets the error status. */
void
dr_photo_item_set_error (DrPhotoItem *self, const char *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  if (message != NULL)
    self->status = DR_ITEM_STATUS_ERROR;
  emit_changed (self);
}

/* Damaged pixels of one type, or -1 when that model has not produced a result. */
gint64
dr_photo_item_get_area (DrPhotoItem *self, guint damage)
{
  g_return_val_if_fail (damage < DR_N_DAMAGE_TYPES, -1);
  return self->area[damage];
}

/* Records one model's result for this photo and notifies rows. */
void
dr_photo_item_set_result (DrPhotoItem *self, guint damage, gint64 area, double confidence)
{
  g_return_if_fail (damage < DR_N_DAMAGE_TYPES);
  self->area[damage] = area;
  self->confidence[damage] = confidence;
  emit_changed (self);
}

/* TRUE when the model of this damage type has produced a result. */
gboolean
dr_photo_item_has_result (DrPhotoItem *self, guint damage)
{
  g_return_val_if_fail (damage < DR_N_DAMAGE_TYPES, FALSE);
  return self->area[damage] >= 0;
}

/* Sum of damaged pixels over the types with a result (overlaps count once per type). */
gint64
dr_photo_item_get_total_area (DrPhotoItem *self)
{
  gint64 total = 0;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    if (self->area[i] > 0)
      total += self->area[i];
  return total;
}

/* How unsure the models are: 1 − the lowest mean confidence over types with damage found,
 * 0 when nothing was found or nothing analysed. Higher sorts first for "most uncertain". */
double
dr_photo_item_get_uncertainty (DrPhotoItem *self)
{
  double u = 0;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    if (self->area[i] > 0)
      u = MAX (u, 1.0 - self->confidence[i]);
  return u;
}

/* The small preview, or NULL until it has been made. */
GObject *
dr_photo_item_get_thumbnail (DrPhotoItem *self)
{
  return self->thumbnail;
}

/* Sets the preview (a thumbnail made off the main thread) and notifies "thumbnail". Setting
 * NULL (the cache evicted it) allows a new request when a row shows the item again. */
void
dr_photo_item_set_thumbnail (DrPhotoItem *self, GObject *thumbnail)
{
  if (thumbnail == NULL)
    self->thumbnail_requested = FALSE;
  if (g_set_object (&self->thumbnail, thumbnail))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL]);
}

/* Returns TRUE the first time it is called while no thumbnail exists, so exactly one
 * request is made per item even when many rows bind it. */
gboolean
dr_photo_item_take_thumbnail_request (DrPhotoItem *self)
{
  if (self->thumbnail != NULL || self->thumbnail_requested)
    return FALSE;
  self->thumbnail_requested = TRUE;
  return TRUE;
}

/* Translated, human-readable status. */
const char *
dr_item_status_to_string (DrItemStatus status)
{
  switch (status)
    {
    case DR_ITEM_STATUS_NOT_ANALYSED: return _("Not analysed");
    case DR_ITEM_STATUS_QUEUED: return _("Queued");
    case DR_ITEM_STATUS_ANALYSING: return _("Analysing…");
    case DR_ITEM_STATUS_ANALYSED: return _("Analysed");
    case DR_ITEM_STATUS_ERROR: return _("Error");
    case DR_ITEM_STATUS_REVIEWED: return _("Reviewed");
    case DR_ITEM_N_STATUS:
    default: return "";
    }
}

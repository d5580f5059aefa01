/* dr-review-bar.c — see dr-review-bar.h. Signal "note-changed" (text) is emitted when the
 * reviewer finishes editing the note (Enter, or focus leaving the entry); Enter and Escape
 * (which drops the unsaved typing) give the keyboard back to the window. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-damage-style.h"
#include "dr-number-format.h"
#include "dr-review-bar.h"

struct _DrReviewBar
{
  GtkBox parent_instance;

  GtkDropDown *layer_dropdown;
  GtkAdjustment *brush_adjustment;
  GtkLabel *size_label;
  GtkWidget *review_row;
  GtkWidget *note_row;
  GtkWidget *unsaved_box;
  GtkLabel *unsaved_label;
  GtkLabel *state_label;
  GtkLabel *stats_label;
  GtkEntry *note_entry;
  GtkLabel *reviewer_label;

  char *note;                /* the note as last set or saved, to skip unchanged saves */
};

enum { PROP_0, PROP_DAMAGE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIG_NOTE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrReviewBar, dr_review_bar, GTK_TYPE_BOX)

static const char *const verdict_classes[] = {
  "verdict-unreviewed", "verdict-accepted", "verdict-corrected", "verdict-rejected",
  "verdict-added", "verdict-none",
};

/* See header. */
const char *
dr_review_bar_verdict_label (DrVerdict verdict)
{
  switch (verdict)
    {
    case DR_VERDICT_ACCEPTED: return _("Accepted as predicted");
    case DR_VERDICT_CORRECTED: return _("Corrected");
    case DR_VERDICT_REJECTED: return _("Rejected: false positive");
    case DR_VERDICT_ADDED: return _("Added: model missed it");
    case DR_VERDICT_NONE: return _("Confirmed: no damage");
    case DR_VERDICT_UNREVIEWED:
    default: return _("Unreviewed");
    }
}

/* See header. */
void
dr_review_bar_show_review (DrReviewBar *self, const DrReview *review, gboolean edited,
                           gboolean sensitive)
{
  g_return_if_fail (DR_IS_REVIEW_BAR (self));
  DrVerdict v = review ? review->verdict : DR_VERDICT_UNREVIEWED;
  for (guint i = 0; i < G_N_ELEMENTS (verdict_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), verdict_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), verdict_classes[v]);
  g_autofree char *state = NULL;
  if (v == DR_VERDICT_UNREVIEWED && edited)
    state = g_strdup (_("Edited, not confirmed"));
  else
    state = g_strdup (dr_review_bar_verdict_label (v));
  gtk_label_set_label (self->state_label, state);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label),
                               review && review->author
                               ? review->author : _("No verdict yet for this damage type"));

  /* The bar shows the numbers alone, short enough not to be cut beside the note; the
   * tooltip says what they are. */
  g_autofree char *stats = NULL, *stats_tip = NULL;
  if (review != NULL && review->iou >= 0)
    {
      g_autofree char *added = dr_number_format_count (review->px_added);
      g_autofree char *removed = dr_number_format_count (review->px_removed);
      /* Translators: IoU of prediction and final mask, then pixels added and removed (counts
       * already grouped, e.g. 12,345), kept short for the review bar. */
      stats = g_strdup_printf (_("IoU %.3f · +%s · −%s"), review->iou, added, removed);
      stats_tip = g_strdup_printf (_("IoU with the model's prediction %.3f; %s pixels added, "
                                     "%s removed"), review->iou, added, removed);
    }
  else if (review != NULL && review->id > 0 && review->verdict != DR_VERDICT_UNREVIEWED)
    stats = g_strdup (_("No prediction to compare"));
  gtk_label_set_label (self->stats_label, stats ? stats : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->stats_label),
                               stats_tip ? stats_tip
                                         : _("How far the final mask is from the model's "
                                             "prediction"));
  gtk_widget_set_sensitive (self->review_row, sensitive);
  gtk_widget_set_sensitive (self->note_row, sensitive);
}

/* See header. */
void
dr_review_bar_set_note (DrReviewBar *self, const char *note)
{
  g_return_if_fail (DR_IS_REVIEW_BAR (self));
  g_free (self->note);
  self->note = g_strdup (note ? note : "");
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), self->note);
}

/* See header. */
void
dr_review_bar_update_note (DrReviewBar *self, const char *note)
{
  g_return_if_fail (DR_IS_REVIEW_BAR (self));
  const char *shown = gtk_editable_get_text (GTK_EDITABLE (self->note_entry));
  if (g_strcmp0 (shown, self->note) == 0)
    dr_review_bar_set_note (self, note);
}

/* See header. */
void
dr_review_bar_focus_note (DrReviewBar *self)
{
  g_return_if_fail (DR_IS_REVIEW_BAR (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->note_entry));
}

/* See header. */
void
dr_review_bar_flush_note (DrReviewBar *self)
{
  g_return_if_fail (DR_IS_REVIEW_BAR (self));
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->note_entry));
  if (g_strcmp0 (text, self->note) == 0)
    return;
  g_free (self->note);
  self->note = g_strdup (text);
  g_signal_emit (self, signals[SIG_NOTE_CHANGED], 0, self->note);
}

/* Focus leaving the note: it is saved. */
static void
note_leave_cb (DrReviewBar *self)
{
  dr_review_bar_flush_note (self);
}

/* Hands the keyboard back to the window, so the review keys (J, K, A, …) act again instead
 * of typing into the note. */
static void
leave_note (DrReviewBar *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  if (root != NULL)
    gtk_root_set_focus (root, NULL);
}

/* Enter: saves the note and gives the keys back to the window. */
static void
note_activate_cb (DrReviewBar *self)
{
  dr_review_bar_flush_note (self);
  leave_note (self);
}

/* Escape in the note: drops what was typed since the last save and gives the keys back. */
static gboolean
note_key_pressed_cb (GtkEventControllerKey *keys, guint keyval, guint keycode,
                     GdkModifierType state, DrReviewBar *self)
{
  if (keyval != GDK_KEY_Escape)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->note_entry), self->note);
  leave_note (self);
  return TRUE;
}

/* See header. */
void
dr_review_bar_set_reviewer (DrReviewBar *self, const char *name)
{
  g_return_if_fail (DR_IS_REVIEW_BAR (self));
  g_autofree char *text = name && *name ? g_strdup (name)
                                        : g_strdup (_("Set Reviewer…"));
  gtk_label_set_label (self->reviewer_label, text);
}

/* See header. */
void
dr_review_bar_set_unsaved (DrReviewBar *self, gboolean unsaved, const char *message)
{
  g_return_if_fail (DR_IS_REVIEW_BAR (self));
  gtk_widget_set_visible (self->unsaved_box, unsaved);
  if (message)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->unsaved_label), message);
}

/* See header. */
gboolean
dr_review_bar_get_unsaved (DrReviewBar *self)
{
  g_return_val_if_fail (DR_IS_REVIEW_BAR (self), FALSE);
  return gtk_widget_get_visible (self->unsaved_box);
}

/* See header. */
GtkAdjustment *
dr_review_bar_get_brush_adjustment (DrReviewBar *self)
{
  g_return_val_if_fail (DR_IS_REVIEW_BAR (self), NULL);
  return self->brush_adjustment;
}

/* See header. */
void
dr_review_bar_set_damage (DrReviewBar *self, int damage)
{
  g_return_if_fail (DR_IS_REVIEW_BAR (self) && damage >= 0 && damage < DR_N_DAMAGE_TYPES);
  gtk_drop_down_set_selected (self->layer_dropdown, (guint) damage);
}

int
dr_review_bar_get_damage (DrReviewBar *self)
{
  g_return_val_if_fail (DR_IS_REVIEW_BAR (self), 0);
  return (int) gtk_drop_down_get_selected (self->layer_dropdown);
}

/* The brush size beside the tools, so [ and ] show what they did. */
static void
brush_size_changed_cb (DrReviewBar *self)
{
  /* Translators: brush diameter in photo pixels. */
  g_autofree char *text = g_strdup_printf (_("%.0f px"),
                                           gtk_adjustment_get_value (self->brush_adjustment));
  gtk_label_set_label (self->size_label, text);
}

static void
layer_selected_cb (DrReviewBar *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DAMAGE]);
}

static void
dr_review_bar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_DAMAGE: g_value_set_int (value, dr_review_bar_get_damage (DR_REVIEW_BAR (object))); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_review_bar_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_DAMAGE: dr_review_bar_set_damage (DR_REVIEW_BAR (object), g_value_get_int (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_review_bar_dispose (GObject *object)
{
  DrReviewBar *self = DR_REVIEW_BAR (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), DR_TYPE_REVIEW_BAR);
  g_clear_pointer (&self->note, g_free);
  G_OBJECT_CLASS (dr_review_bar_parent_class)->dispose (object);
}

static void
dr_review_bar_class_init (DrReviewBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = dr_review_bar_dispose;
  object_class->get_property = dr_review_bar_get_property;
  object_class->set_property = dr_review_bar_set_property;

  properties[PROP_DAMAGE] =
    g_param_spec_int ("damage", NULL, NULL, 0, DR_N_DAMAGE_TYPES - 1, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[SIG_NOTE_CHANGED] = g_signal_new ("note-changed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dr-review-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, layer_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, brush_adjustment);
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, size_label);
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, review_row);
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, note_row);
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, unsaved_box);
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, unsaved_label);
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, state_label);
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, stats_label);
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, note_entry);
  gtk_widget_class_bind_template_child (widget_class, DrReviewBar, reviewer_label);
}

static void
dr_review_bar_init (DrReviewBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  const char *names[DR_N_DAMAGE_TYPES + 1] = { NULL };
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    names[i] = dr_damage_style_name (i);
  g_autoptr (GtkStringList) list = gtk_string_list_new (names);
  gtk_drop_down_set_model (self->layer_dropdown, G_LIST_MODEL (list));
  g_signal_connect_swapped (self->layer_dropdown, "notify::selected",
                            G_CALLBACK (layer_selected_cb), self);
  g_signal_connect_swapped (self->note_entry, "activate", G_CALLBACK (note_activate_cb), self);
  GtkEventController *focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (note_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->note_entry), focus);
  GtkEventController *keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (note_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->note_entry), keys);
  self->note = g_strdup ("");
  g_signal_connect_swapped (self->brush_adjustment, "value-changed",
                            G_CALLBACK (brush_size_changed_cb), self);
  brush_size_changed_cb (self);
  dr_review_bar_set_reviewer (self, NULL);
  dr_review_bar_show_review (self, NULL, FALSE, FALSE);
}

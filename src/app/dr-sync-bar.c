/* dr-sync-bar.c — see dr-sync-bar.h. The bar keeps the unresolved conflicts, newest last, one
 * per layer (a newer report of a layer replaces the older: it names the head now). Reading the
 * two masks is a read on the window's own connection; the only write, Keep Mine, goes through
 * the edit writer. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-damage-style.h"
#include "dr-overlay.h"
#include "dr-rle.h"
#include "dr-sync-bar.h"

struct _DrSyncBar
{
  GtkBox parent_instance;

  DrEditSession *editor;      /* weak: owned by the review controller, which owns the bar */
  DrCanvas *canvas;           /* weak: the window's */
  GPtrArray *conflicts;       /* DrEditConflict*, unresolved */
  guint n_reports;            /* conflicts reported so far */
  gint64 photo_id;            /* shown */
  int width, height;
  DrDamage damage;

  GtkWidget *conflict_box;
  GtkLabel *conflict_label;
  GtkToggleButton *show_mine;
  GtkToggleButton *show_theirs;
  GtkLabel *waiting_label;
};

enum { SIG_LAYER_STALE, SIG_KEPT_MINE, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DrSyncBar, dr_sync_bar, GTK_TYPE_BOX)

/* The unresolved conflict of the layer on screen, or NULL. */
static DrEditConflict *
shown_conflict (DrSyncBar *self)
{
  DrProject *project = dr_edit_session_get_project (self->editor);
  for (guint i = 0; i < self->conflicts->len; i++)
    {
      DrEditConflict *c = g_ptr_array_index (self->conflicts, i);
      if (c->photo_id == self->photo_id && c->damage == self->damage
          && dr_edit_conflict_is_on (c, project))
        return c;
    }
  return NULL;
}

/* Draws @revision_id's mask (0: what the layer shows now) as the layer's overlay; FALSE when
 * it cannot be read (the canvas keeps what it had). */
static gboolean
draw_revision (DrSyncBar *self, DrProject *project, gint64 revision_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *rle = NULL;
  if (revision_id > 0)
    {
      g_autoptr (DrRevision) r = dr_revision_get (project, revision_id, &error);
      rle = r ? g_steal_pointer (&r->rle) : NULL;
    }
  else
    rle = dr_revision_dup_layer_rle (project, self->photo_id, self->damage, &error);
  if (error != NULL)
    {
      g_message ("%s", error->message);
      return FALSE;
    }
  g_autofree guint8 *px = g_malloc0 ((gsize) self->width * self->height);
  if (rle != NULL)
    {
      g_autoptr (DrRle) decoded = dr_rle_new_from_string (rle, (guint) self->height,
                                                         (guint) self->width, &error);
      if (decoded == NULL)
        {
          g_message ("%s", error->message);
          return FALSE;
        }
      dr_rle_to_mask (decoded, px);
    }
  g_autoptr (DrOverlay) ov = dr_overlay_new (px, self->width, self->height,
                                             dr_damage_style_color (self->damage));
  dr_canvas_set_overlay (self->canvas, self->damage, ov);
  dr_canvas_set_overlay_visible (self->canvas, self->damage, TRUE);
  return TRUE;
}

/* Shows the bar for the layer on screen (hidden without a conflict) and draws the chosen
 * mask. */
static void
update (DrSyncBar *self)
{
  DrEditConflict *c = self->width > 0 ? shown_conflict (self) : NULL;
  gtk_widget_set_visible (self->conflict_box, c != NULL);
  if (c == NULL)
    return;
  g_autofree char *text = c->name != NULL
    ? g_strdup_printf (_("%s changed this layer"), c->name)
    : g_strdup (_("Someone else changed this layer"));
  gtk_label_set_text (self->conflict_label, text);
  gboolean mine = gtk_toggle_button_get_active (self->show_mine);
  draw_revision (self, c->project, mine ? c->mine : c->theirs.revision_id);
}

/* Removes the shown layer's conflict; the layer is drawn from the project again. */
static void
resolve (DrSyncBar *self, DrEditConflict *c)
{
  gint64 photo_id = c->photo_id;
  g_ptr_array_remove (self->conflicts, c);
  gtk_toggle_button_set_active (self->show_theirs, TRUE);
  dr_edit_session_forget_layer (self->editor);
  g_signal_emit (self, signals[SIG_LAYER_STALE], 0, photo_id);
  update (self);
}

/* Writer: a head move of mine lost. The newer report of a layer replaces the older; when it
 * is the layer on screen the editor lets go of my pixels, so theirs (the layer now) shows. */
static void
conflict_cb (DrEditWriter *writer, DrEditConflict *conflict, DrSyncBar *self)
{
  for (guint i = 0; i < self->conflicts->len; i++)
    {
      DrEditConflict *c = g_ptr_array_index (self->conflicts, i);
      if (c->photo_id == conflict->photo_id && c->damage == conflict->damage
          && dr_edit_conflict_is_on (c, conflict->project))
        g_ptr_array_remove_index (self->conflicts, i--);
    }
  g_ptr_array_add (self->conflicts, dr_edit_conflict_copy (conflict));
  self->n_reports++;
  if (conflict->photo_id == self->photo_id)
    {
      gtk_toggle_button_set_active (self->show_theirs, TRUE);
      dr_edit_session_forget_layer (self->editor);
      g_signal_emit (self, signals[SIG_LAYER_STALE], 0, conflict->photo_id);
    }
  update (self);
}

/* Writer: the journal's size changed. */
static void
waiting_cb (DrEditWriter *writer, guint n, DrSyncBar *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->waiting_label), n > 0);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "%u change waiting for the server",
                                                        "%u changes waiting for the server", n),
                                           n);
  gtk_label_set_text (self->waiting_label, text);
}

/* Theirs / Mine switch. */
static void
show_toggled_cb (GtkToggleButton *button, DrSyncBar *self)
{
  if (gtk_toggle_button_get_active (button))
    update (self);
}

/* Keep Mine: the head moves to my revision from their version; a new conflict (someone moved
 * it again) arrives through conflict_cb before this returns and replaces this one. */
static void
keep_mine_cb (GtkButton *button, DrSyncBar *self)
{
  DrEditConflict *c = shown_conflict (self);
  if (c == NULL)
    return;
  g_autoptr (DrEditConflict) kept = dr_edit_conflict_copy (c);
  g_autoptr (GError) error = NULL;
  guint reports = self->n_reports;
  DrEditWriter *writer = dr_edit_session_get_writer (self->editor);
  if (!dr_edit_writer_keep_mine (writer, kept, &error))
    {
      gtk_label_set_text (self->conflict_label, error->message);
      return;
    }
  /* Conflict again: conflict_cb has replaced it and shows the new one. */
  if (self->n_reports != reports)
    return;
  c = shown_conflict (self);
  if (c != NULL)
    resolve (self, c);
  g_signal_emit (self, signals[SIG_KEPT_MINE], 0, kept->project, kept->photo_id,
                 (int) kept->damage);
}

/* Take Theirs: nothing to write; the head stays theirs, mine stays in the history. */
static void
take_theirs_cb (GtkButton *button, DrSyncBar *self)
{
  DrEditConflict *c = shown_conflict (self);
  if (c != NULL)
    resolve (self, c);
}

/* See header. */
void
dr_sync_bar_set_shown (DrSyncBar *self, gint64 photo_id, int width, int height,
                       DrDamage damage)
{
  g_return_if_fail (DR_IS_SYNC_BAR (self));
  gboolean changed = photo_id != self->photo_id || damage != self->damage;
  self->photo_id = photo_id;
  self->width = width;
  self->height = height;
  self->damage = damage;
  if (changed)
    gtk_toggle_button_set_active (self->show_theirs, TRUE);
  update (self);
}

static void
dr_sync_bar_dispose (GObject *object)
{
  DrSyncBar *self = DR_SYNC_BAR (object);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  G_OBJECT_CLASS (dr_sync_bar_parent_class)->dispose (object);
}

static void
dr_sync_bar_class_init (DrSyncBarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dr_sync_bar_dispose;
  /* (photo_id): draw that photo's stored layers from the project again. */
  signals[SIG_LAYER_STALE] = g_signal_new ("layer-stale", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           1, G_TYPE_INT64);
  signals[SIG_KEPT_MINE] = g_signal_new ("kept-mine", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                         DR_TYPE_PROJECT, G_TYPE_INT64, G_TYPE_INT);
}

/* A labelled button in the bar. */
static GtkWidget *
button (const char *label, const char *tooltip)
{
  GtkWidget *b = gtk_button_new_with_label (label);
  gtk_widget_set_tooltip_text (b, tooltip);
  return b;
}

static void
dr_sync_bar_init (DrSyncBar *self)
{
  self->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) dr_edit_conflict_free);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);

  self->conflict_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (self->conflict_box, "conflict-bar");
  gtk_widget_set_visible (self->conflict_box, FALSE);
  self->conflict_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->conflict_label, 0);
  gtk_label_set_wrap (self->conflict_label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->conflict_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->conflict_label), "heading");
  gtk_box_append (GTK_BOX (self->conflict_box), GTK_WIDGET (self->conflict_label));

  GtkWidget *which = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (which, "linked");
  self->show_theirs = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (_("Theirs")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->show_theirs),
                               _("Show their mask: what the layer shows now"));
  self->show_mine = GTK_TOGGLE_BUTTON (gtk_toggle_button_new_with_label (_("Mine")));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->show_mine),
                               _("Show my mask: my edit, stored in the history"));
  gtk_toggle_button_set_group (self->show_mine, self->show_theirs);
  gtk_toggle_button_set_active (self->show_theirs, TRUE);
  gtk_box_append (GTK_BOX (which), GTK_WIDGET (self->show_theirs));
  gtk_box_append (GTK_BOX (which), GTK_WIDGET (self->show_mine));
  gtk_box_append (GTK_BOX (self->conflict_box), which);
  g_signal_connect (self->show_theirs, "toggled", G_CALLBACK (show_toggled_cb), self);
  g_signal_connect (self->show_mine, "toggled", G_CALLBACK (show_toggled_cb), self);

  GtkWidget *take = button (_("Take Theirs"),
                            _("Leave their mask on the layer; yours stays in the history"));
  g_signal_connect (take, "clicked", G_CALLBACK (take_theirs_cb), self);
  gtk_box_append (GTK_BOX (self->conflict_box), take);
  GtkWidget *keep = button (_("Keep Mine"), _("Put your mask back on the layer"));
  gtk_widget_add_css_class (keep, "suggested-action");
  g_signal_connect (keep, "clicked", G_CALLBACK (keep_mine_cb), self);
  gtk_box_append (GTK_BOX (self->conflict_box), keep);
  gtk_box_append (GTK_BOX (self), self->conflict_box);

  self->waiting_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->waiting_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->waiting_label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->waiting_label), FALSE);
  gtk_box_append (GTK_BOX (self), GTK_WIDGET (self->waiting_label));
}

/* See header. */
GtkWidget *
dr_sync_bar_new (DrEditSession *editor, DrCanvas *canvas)
{
  DrSyncBar *self = g_object_new (DR_TYPE_SYNC_BAR, NULL);
  self->editor = editor;
  self->canvas = canvas;
  DrEditWriter *writer = dr_edit_session_get_writer (editor);
  g_signal_connect_object (writer, "conflict", G_CALLBACK (conflict_cb), self, 0);
  g_signal_connect_object (writer, "waiting", G_CALLBACK (waiting_cb), self, 0);
  return GTK_WIDGET (self);
}

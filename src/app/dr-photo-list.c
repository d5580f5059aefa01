/* dr-photo-list.c — GtkListView over filter → sort → single selection of DrPhotoItems.
 *
 * Rows are recycled by the list view, so only the visible rows exist and request
 * thumbnails; a 500-photo project costs 500 small GObjects plus the rows on screen.
 * Re-filtering and re-sorting after analysis results is coalesced into one pass per
 * 400 ms, and only happens when the active filter or sort depends on results. */
#include "config.h"

#include <glib/gi18n.h>

#include "dr-assignment-filter.h"
#include "dr-photo-list.h"
#include "dr-photo-row.h"
#include "dr-thumbnailer.h"

/* Thumbnails kept in memory; scrolling back within this many photos shows them at once. */
#define THUMBNAILS_KEPT 400

/* A result change re-sorts and re-filters the list at most this often. */
#define RESORT_DELAY_MS 400

enum { SORT_NAME, SORT_AREA, SORT_UNCERTAINTY };
enum { DAMAGE_ANY, DAMAGE_SOME, DAMAGE_NONE, DAMAGE_TYPE0 };

struct _DrPhotoList
{
  GtkWidget parent_instance;

  GtkLabel *count_label;
  GtkDropDown *status_dropdown;
  GtkDropDown *damage_dropdown;
  GtkDropDown *claim_dropdown;
  GtkDropDown *sort_dropdown;
  GtkStringList *claims;
  GtkStack *stack;
  GtkListView *list_view;
  GtkWidget *assignment_box;
  GtkToggleButton *mine_button;
  GtkToggleButton *unassigned_button;

  GListModel *items;               /* the project's photos, unfiltered */
  GtkCustomFilter *filter;         /* owned by filtered */
  GtkCustomSorter *sorter;         /* owned by sorted */
  GtkFilterListModel *filtered;    /* owned by sorted */
  GtkSortListModel *sorted;        /* owned by selection */
  GtkSingleSelection *selection;
  DrThumbnailer *thumbnailer;
  guint invalidate_id;
  GHashTable *work;                /* claim name → DrPhotoListWork of a team project, or NULL */
  char *login;                     /* my login on the team project */
};

enum { PROP_0, PROP_SELECTED_ITEM, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DrPhotoList, dr_photo_list, GTK_TYPE_WIDGET)

/* The claim chosen in the claim filter, or NULL for "all claims". */
static const char *
selected_claim (DrPhotoList *self)
{
  guint pos = gtk_drop_down_get_selected (self->claim_dropdown);
  if (pos == 0 || pos == GTK_INVALID_LIST_POSITION)
    return NULL;
  return gtk_string_list_get_string (self->claims, pos);
}

/* The assignment filter chosen (Everyone's when the project is a file). */
static DrAssignmentFilter
assignment_filter (DrPhotoList *self)
{
  if (self->work == NULL)
    return DR_ASSIGNMENT_FILTER_EVERYONE;
  if (gtk_toggle_button_get_active (self->mine_button))
    return DR_ASSIGNMENT_FILTER_MINE;
  if (gtk_toggle_button_get_active (self->unassigned_button))
    return DR_ASSIGNMENT_FILTER_UNASSIGNED;
  return DR_ASSIGNMENT_FILTER_EVERYONE;
}

/* Whether item passes the status, damage, claim and assignment filters. */
static gboolean
filter_func (gpointer object, gpointer user_data)
{
  DrPhotoList *self = user_data;
  DrPhotoItem *item = object;

  guint status = gtk_drop_down_get_selected (self->status_dropdown);
  if (status > 0 && status != GTK_INVALID_LIST_POSITION &&
      dr_photo_item_get_status (item) != (DrItemStatus) (status - 1))
    return FALSE;

  guint damage = gtk_drop_down_get_selected (self->damage_dropdown);
  gboolean any_result = FALSE;
  for (guint i = 0; i < DR_N_DAMAGE_TYPES; i++)
    any_result |= dr_photo_item_has_result (item, i);
  gint64 total = dr_photo_item_get_total_area (item);
  if (damage == DAMAGE_SOME && total <= 0)
    return FALSE;
  if (damage == DAMAGE_NONE && !(any_result && total == 0))
    return FALSE;
  if (damage >= DAMAGE_TYPE0 && damage < DAMAGE_TYPE0 + DR_N_DAMAGE_TYPES &&
      dr_photo_item_get_area (item, damage - DAMAGE_TYPE0) <= 0)
    return FALSE;

  const char *claim = selected_claim (self);
  if (claim != NULL && g_strcmp0 (claim, dr_photo_item_get_claim (item)) != 0)
    return FALSE;
  DrAssignmentFilter assignment = assignment_filter (self);
  if (assignment != DR_ASSIGNMENT_FILTER_EVERYONE)
    {
      const DrPhotoListWork *work = g_hash_table_lookup (self->work,
                                                         dr_photo_item_get_claim (item));
      return dr_assignment_filter_accepts (assignment, work ? work->assignee : NULL,
                                           work ? work->lease_holder : NULL, self->login);
    }
  return TRUE;
}

/* Natural file-name order ("img2" before "img10"). */
static int
compare_names (DrPhotoItem *a, DrPhotoItem *b)
{
  return g_strcmp0 (dr_photo_item_get_name_key (a), dr_photo_item_get_name_key (b));
}

/* Orders by the chosen key (area and uncertainty: largest first), ties by name. */
static int
sort_func (gconstpointer pa, gconstpointer pb, gpointer user_data)
{
  DrPhotoList *self = user_data;
  DrPhotoItem *a = DR_PHOTO_ITEM ((gpointer) pa), *b = DR_PHOTO_ITEM ((gpointer) pb);
  switch (gtk_drop_down_get_selected (self->sort_dropdown))
    {
    case SORT_AREA:
      {
        gint64 x = dr_photo_item_get_total_area (a), y = dr_photo_item_get_total_area (b);
        if (x != y)
          return x > y ? -1 : 1;
        break;
      }
    case SORT_UNCERTAINTY:
      {
        double x = dr_photo_item_get_uncertainty (a), y = dr_photo_item_get_uncertainty (b);
        if (x != y)
          return x > y ? -1 : 1;
        break;
      }
    default:
      break;
    }
  return compare_names (a, b);
}

/* "40 photos" or "12 of 40 photos", and the empty page when nothing matches. No count while
 * there is no photo: the list shows only while a project's photos are still being read (an
 * empty project shows the window's start page instead). */
static void
update_count (DrPhotoList *self)
{
  guint total = self->items ? g_list_model_get_n_items (self->items) : 0;
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  g_autofree char *text = NULL;
  if (total == 0)
    text = g_strdup ("");
  else if (shown == total)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u photo", "%u photos", total), total);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u photo shown",
                                         "%u of %u photos shown", total), shown, total);
  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->stack, shown == 0 && total > 0 ? "empty" : "list");
}

/* g_ptr_array_sort comparator for an array of strings. */
static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void filters_changed_cb (DrPhotoList *self);

/* Rebuilds the claim filter's choices from the items, keeping the chosen claim (followed to
 * its new name when renamed_from, if not NULL, became renamed_to). */
static void
update_claims (DrPhotoList *self, const char *renamed_from, const char *renamed_to)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  guint n = self->items ? g_list_model_get_n_items (self->items) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DrPhotoItem) item = g_list_model_get_item (self->items, i);
      const char *claim = dr_photo_item_get_claim (item);
      if (claim && *claim && g_hash_table_add (seen, (gpointer) claim))
        g_ptr_array_add (names, (gpointer) claim);
    }
  g_ptr_array_sort (names, compare_strings);

  guint old_n = g_list_model_get_n_items (G_LIST_MODEL (self->claims));
  gboolean same = old_n == names->len + 1;
  for (guint i = 0; same && i < names->len; i++)
    same = g_strcmp0 (gtk_string_list_get_string (self->claims, i + 1), names->pdata[i]) == 0;
  if (same)
    return;

  g_autofree char *chosen = g_strdup (selected_claim (self));
  if (renamed_from != NULL && g_strcmp0 (chosen, renamed_from) == 0)
    {
      g_free (chosen);
      chosen = g_strdup (renamed_to);
    }
  g_ptr_array_add (names, NULL);
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_add (all, (gpointer) _("All Claims"));
  for (guint i = 0; names->pdata[i] != NULL; i++)
    g_ptr_array_add (all, names->pdata[i]);
  g_ptr_array_add (all, NULL);
  /* New choices alone change no row's visibility: the list is filtered again only when the
   * chosen claim did change (it vanished), not once per chunk of a project being opened. */
  g_signal_handlers_block_by_func (self->claim_dropdown, filters_changed_cb, self);
  gtk_string_list_splice (self->claims, 0, old_n, (const char *const *) all->pdata);
  guint pos = 0;
  for (guint i = 1; chosen && i < all->len - 1; i++)
    if (g_strcmp0 (all->pdata[i], chosen) == 0)
      pos = i;
  gtk_drop_down_set_selected (self->claim_dropdown, pos);
  g_signal_handlers_unblock_by_func (self->claim_dropdown, filters_changed_cb, self);
  if (g_strcmp0 (selected_claim (self), chosen) != 0)
    filters_changed_cb (self);
}

static void
items_changed_cb (GListModel *model, guint pos, guint removed, guint added, DrPhotoList *self)
{
  update_claims (self, NULL, NULL);
  update_count (self);
}

static void
visible_changed_cb (GListModel *model, guint pos, guint removed, guint added, DrPhotoList *self)
{
  update_count (self);
}

static void
filters_changed_cb (DrPhotoList *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
sort_changed_cb (DrPhotoList *self)
{
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
}

static void
selection_changed_cb (DrPhotoList *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, DrPhotoList *self)
{
  gtk_list_item_set_child (list_item, dr_photo_row_new ());
}

/* Binding a row is where thumbnails are asked for: only rows on screen get one. */
static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, DrPhotoList *self)
{
  DrPhotoItem *item = gtk_list_item_get_item (list_item);
  dr_photo_row_set_item (DR_PHOTO_ROW (gtk_list_item_get_child (list_item)), item);
  dr_thumbnailer_request (self->thumbnailer, item);
}

/* Unbinding tells the thumbnailer the row is gone, so a thumbnail not started yet for a row
 * scrolled past is never made. */
static void
unbind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, DrPhotoList *self)
{
  DrPhotoRow *row = DR_PHOTO_ROW (gtk_list_item_get_child (list_item));
  DrPhotoItem *item = dr_photo_row_get_item (row);
  if (item != NULL && self->thumbnailer != NULL)
    dr_thumbnailer_release (self->thumbnailer, item);
  dr_photo_row_set_item (row, NULL);
}

/* Timer: one filter + sort pass for all result changes of the last moments. */
static gboolean
invalidate_cb (gpointer data)
{
  DrPhotoList *self = data;
  self->invalidate_id = 0;
  if (gtk_drop_down_get_selected (self->status_dropdown) > 0 ||
      gtk_drop_down_get_selected (self->damage_dropdown) > 0)
    filters_changed_cb (self);
  if (gtk_drop_down_get_selected (self->sort_dropdown) != SORT_NAME)
    sort_changed_cb (self);
  return G_SOURCE_REMOVE;
}

static void
dr_photo_list_dispose (GObject *object)
{
  DrPhotoList *self = DR_PHOTO_LIST (object);
  g_clear_handle_id (&self->invalidate_id, g_source_remove);
  if (self->items)
    g_signal_handlers_disconnect_by_func (self->items, items_changed_cb, self);
  g_clear_object (&self->items);
  gtk_widget_dispose_template (GTK_WIDGET (self), DR_TYPE_PHOTO_LIST);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->thumbnailer);
  g_clear_pointer (&self->work, g_hash_table_unref);
  g_clear_pointer (&self->login, g_free);
  G_OBJECT_CLASS (dr_photo_list_parent_class)->dispose (object);
}

static void
dr_photo_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DrPhotoList *self = DR_PHOTO_LIST (object);
  switch (prop_id)
    {
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, dr_photo_list_get_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dr_photo_list_class_init (DrPhotoListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = dr_photo_list_dispose;
  object_class->get_property = dr_photo_list_get_property;

  properties[PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL, DR_TYPE_PHOTO_ITEM,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dr-photo-list.ui");
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, count_label);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, damage_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, claim_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, sort_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, assignment_box);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, mine_button);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, unassigned_button);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, claims);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, stack);
  gtk_widget_class_bind_template_child (widget_class, DrPhotoList, list_view);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "drphotolist");
}

static void
dr_photo_list_init (DrPhotoList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->thumbnailer = dr_thumbnailer_new (THUMBNAILS_KEPT);

  const char *all_claims[] = { _("All Claims"), NULL };
  gtk_string_list_splice (self->claims, 0, 0, all_claims);

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->sorter = gtk_custom_sorter_new (sort_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (NULL, GTK_FILTER (self->filter));
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filtered),
                                          GTK_SORTER (self->sorter));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (self->sorted, "items-changed", G_CALLBACK (visible_changed_cb), self);

  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_swapped (self->status_dropdown, "notify::selected",
                            G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->damage_dropdown, "notify::selected",
                            G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->claim_dropdown, "notify::selected",
                            G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->sort_dropdown, "notify::selected",
                            G_CALLBACK (sort_changed_cb), self);
  g_signal_connect_swapped (self->mine_button, "toggled", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->unassigned_button, "toggled",
                            G_CALLBACK (filters_changed_cb), self);
  update_count (self);
}

/* See header. */
void
dr_photo_list_set_work (DrPhotoList *self, GHashTable *work, const char *login)
{
  g_return_if_fail (DR_IS_PHOTO_LIST (self));
  g_clear_pointer (&self->work, g_hash_table_unref);
  self->work = work != NULL ? g_hash_table_ref (work) : NULL;
  g_free (self->login);
  self->login = g_strdup (login);
  gtk_widget_set_visible (self->assignment_box, work != NULL);
  if (assignment_filter (self) != DR_ASSIGNMENT_FILTER_EVERYONE || work == NULL)
    filters_changed_cb (self);
}

/* See header. */
void
dr_photo_list_set_items (DrPhotoList *self, GListModel *items)
{
  g_return_if_fail (DR_IS_PHOTO_LIST (self));
  if (self->items == items)
    return;
  if (self->items)
    g_signal_handlers_disconnect_by_func (self->items, items_changed_cb, self);
  g_set_object (&self->items, items);
  /* The filter model must see new items before the claim filter can change (which
   * re-filters), so this handler is connected after the filter model's own. */
  gtk_filter_list_model_set_model (self->filtered, items);
  if (items)
    g_signal_connect (items, "items-changed", G_CALLBACK (items_changed_cb), self);
  update_claims (self, NULL, NULL);
  update_count (self);
}

/* See header. */
DrPhotoItem *
dr_photo_list_get_selected (DrPhotoList *self)
{
  g_return_val_if_fail (DR_IS_PHOTO_LIST (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

/* Scrolls row pos into view (GTK 4.8 has no gtk_list_view_scroll_to; the list's own
 * action does the same). */
static void
scroll_to (DrPhotoList *self, guint pos)
{
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", pos);
}

/* See header. */
gboolean
dr_photo_list_select_item (DrPhotoList *self, DrPhotoItem *item)
{
  g_return_val_if_fail (DR_IS_PHOTO_LIST (self), FALSE);
  GListModel *model = G_LIST_MODEL (self->sorted);
  guint n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (DrPhotoItem) it = g_list_model_get_item (model, i);
      if (it == item)
        {
          gtk_single_selection_set_selected (self->selection, i);
          scroll_to (self, i);
          return TRUE;
        }
    }
  return FALSE;
}

/* See header. */
void
dr_photo_list_move_selection (DrPhotoList *self, int delta)
{
  g_return_if_fail (DR_IS_PHOTO_LIST (self));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  if (n == 0)
    return;
  guint cur = gtk_single_selection_get_selected (self->selection);
  gint64 next = cur == GTK_INVALID_LIST_POSITION ? 0 : (gint64) cur + delta;
  next = CLAMP (next, 0, (gint64) n - 1);
  gtk_single_selection_set_selected (self->selection, (guint) next);
  scroll_to (self, (guint) next);
}

/* See header. */
GListModel *
dr_photo_list_get_visible (DrPhotoList *self)
{
  g_return_val_if_fail (DR_IS_PHOTO_LIST (self), NULL);
  return G_LIST_MODEL (self->sorted);
}

/* See header. */
void
dr_photo_list_invalidate (DrPhotoList *self)
{
  g_return_if_fail (DR_IS_PHOTO_LIST (self));
  if (self->invalidate_id == 0)
    self->invalidate_id = g_timeout_add (RESORT_DELAY_MS, invalidate_cb, self);
}

/* See header. */
void
dr_photo_list_claim_renamed (DrPhotoList *self, const char *old_name, const char *new_name)
{
  g_return_if_fail (DR_IS_PHOTO_LIST (self));
  update_claims (self, old_name, new_name);
  filters_changed_cb (self);
}

/* See header. */
void
dr_photo_list_set_location (DrPhotoList *self, const char *location)
{
  g_return_if_fail (DR_IS_PHOTO_LIST (self));
  dr_thumbnailer_set_location (self->thumbnailer, location);
}

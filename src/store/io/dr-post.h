/* dr-post.h — how a worker thread hands a callback to the thread that owns an object.
 *
 * The owner captures its context when it starts the work, on its own thread, with
 * g_main_context_ref_thread_default (); the worker calls dr_post () with it. The callback
 * then runs when that context dispatches, on the thread iterating it — never on the worker.
 * g_main_context_invoke () gives no such promise: it runs the callback at once on the calling
 * thread whenever that thread can acquire the context (a loop stepped by hand between
 * iterations, or no loop running), so it is not used for reports from workers. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A worker reports progress to its owner at most this often (and once at the end), so a
 * fast loop cannot flood the main loop with sources. */
#define DR_PROGRESS_INTERVAL_US (100 * G_TIME_SPAN_MILLISECOND)

/* Attaches to context an idle source of priority that calls func (data), which must return
 * G_SOURCE_REMOVE, and returns its
 * id in context (for g_main_context_find_source_by_id). destroy (data) runs after the call,
 * or when the source is destroyed unrun. Callbacks posted to one context at one priority run
 * in the order they were posted. Thread-safe. */
guint dr_post (GMainContext *context, int priority, GSourceFunc func, gpointer data,
               GDestroyNotify destroy);

/* Destroys the not-yet-run source *id of context (if any) and sets *id to 0. Call it on the
 * thread that owns context. */
void dr_post_cancel (GMainContext *context, guint *id);

G_END_DECLS

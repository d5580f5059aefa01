/* dr-thread-priority.h — background threads yield the CPU to the main loop. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lowers the calling thread's scheduling priority for good, so that with every core busy
 * (analysing, making thumbnails, loading models, or other programs on a loaded machine) the
 * main loop and the compositor still get a core the moment they need it: a waking
 * SCHED_IDLE thread's core is taken at once, where nice 10 still let the main thread queue
 * behind the workers for tens of milliseconds. With group scheduling (the app's own systemd
 * scope under GNOME, or its autogroup) this only ranks the app's threads among themselves.
 * Falls back to nice 10 where SCHED_IDLE is refused. An unprivileged thread cannot raise its
 * priority again: call it only on threads that do background work alone (never on GLib's
 * shared pool, which also runs GTasks the reviewer waits for). */
void dr_thread_priority_lower (void);

G_END_DECLS

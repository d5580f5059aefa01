/* dr-thread-priority.c — see dr-thread-priority.h. */
#ifdef __linux__
#define _GNU_SOURCE /* SCHED_IDLE */
#endif
#include "config.h"

#ifdef __linux__
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "dr-thread-priority.h"

/* See header. */
void
dr_thread_priority_lower (void)
{
#ifdef __linux__
  struct sched_param param = { 0 };
  if (sched_setscheduler (0, SCHED_IDLE, &param) != 0)
    setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10);
#endif
}

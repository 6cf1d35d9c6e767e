/* The SoH-change state machine of one EC, free of libuv and threads so that every transition is
 * tested on its own. Each function returns what the caller must do (enum soh_action bits); the
 * caller owns the timer, the worker and the diagnostics.
 *
 *   idle/applied --raise--> notifying --taken--> applied
 *                              |  ^
 *          failure reported or |  | retry due (timer)
 *          call returned error v  |
 *                         retry-scheduled --taken--> applied
 *
 * A change raised while one is pending merges into it. Each notification can fail once: a
 * second failure for it (reported and returned, or reported twice) answers NOT_PENDING. */
#ifndef NAPAGENT_CORE_SOH_CHANGE_H
#define NAPAGENT_CORE_SOH_CHANGE_H

#include <stdint.h>

#include "nap_result.h"

enum soh_action {
    SOH_ACTION_NOTIFY = 1u << 0,         /* start NotifySoHChange, tagged with soh_change.seq */
    SOH_ACTION_SCHEDULE_RETRY = 1u << 1, /* start the retry timer for failed attempt .attempt */
    SOH_ACTION_CANCEL_RETRY = 1u << 2,
    SOH_ACTION_EXHAUSTED = 1u << 3,      /* the once-per-change diagnostic */
    SOH_ACTION_APPLIED = 1u << 4,
    SOH_ACTION_RAISED = 1u << 5,
    SOH_ACTION_MERGED = 1u << 6,
};

enum soh_change_phase {
    SOH_PHASE_IDLE,
    SOH_PHASE_NOTIFYING,
    SOH_PHASE_RETRY_SCHEDULED,
    SOH_PHASE_APPLIED,
};

struct soh_change {
    uint32_t attempt;          /* notifications for the pending (or last) change */
    uint32_t merged;           /* changes merged into the pending one */
    uint32_t seq;              /* tag of the latest notification started */
    unsigned pending : 1;      /* a change the EC has not taken yet */
    unsigned applied : 1;      /* a change was taken since binding */
    unsigned answered : 1;     /* the latest notification has had its failure, or was taken */
    unsigned in_flight : 1;    /* the latest notification's call has not returned */
    unsigned deferred : 1;     /* a notification is due as soon as the running call returns */
    unsigned retry_scheduled : 1;
    unsigned exhausted_reported : 1;
};

void soh_change_init(struct soh_change *s);
unsigned soh_change_raise(struct soh_change *s);
/* The call tagged seq returned; failed: a non-transport failure (transport failures unbind). */
unsigned soh_change_notify_returned(struct soh_change *s, uint32_t seq, int failed,
                                    uint32_t exhausted_after);
/* NotifySoHChangeFailure: OK or NOT_PENDING; *actions receives what to do. */
nap_result soh_change_failure_reported(struct soh_change *s, uint32_t exhausted_after,
                                       unsigned *actions);
unsigned soh_change_retry_due(struct soh_change *s);
/* GetSoHRequest: takes the pending change, if any. */
unsigned soh_change_taken(struct soh_change *s);
enum soh_change_phase soh_change_phase(const struct soh_change *s);

#endif

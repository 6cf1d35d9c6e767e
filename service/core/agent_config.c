/* Configuration defaults and validation. Invalid values are replaced rather than refused, so a
 * damaged registry value never keeps the service from starting; the caller learns (and logs)
 * what was replaced. */
#include "agent.h"

void agent_config_defaults(struct agent_config *config)
{
    config->max_enforcers = NAP_MAX_ENFORCER_COUNT;
    config->max_health_agents = NAP_MAX_SYSTEM_HEALTH_ENTITY_COUNT;
    config->max_connections_per_enforcer = NAP_MAX_CONNECTION_COUNT_PER_ENFORCER;
    config->max_worker_threads = 0;
    config->stop_report_ms = 0;
    config->notify_overdue_ms = 0;
    retry_policy_defaults(&config->retry);
    config->jitter_seed = 0;
}

unsigned agent_config_normalize(struct agent_config *config)
{
    unsigned replaced = retry_policy_normalize(&config->retry);

    if (!config->max_enforcers) {
        config->max_enforcers = NAP_MAX_ENFORCER_COUNT;
        replaced |= AGENT_CONFIG_REPLACED_MAX_ENFORCERS;
    }
    if (!config->max_health_agents) {
        config->max_health_agents = NAP_MAX_SYSTEM_HEALTH_ENTITY_COUNT;
        replaced |= AGENT_CONFIG_REPLACED_MAX_HEALTH_AGENTS;
    }
    if (!config->max_connections_per_enforcer) {
        config->max_connections_per_enforcer = NAP_MAX_CONNECTION_COUNT_PER_ENFORCER;
        replaced |= AGENT_CONFIG_REPLACED_MAX_CONNECTIONS;
    }
    /* Not an error: 0 asks for one thread per client the limits allow, and one more per EC for
     * a notification given up on, so that within NAP's limits every client could be frozen at
     * once and still nobody else would wait. */
    if (!config->max_worker_threads) {
        uint64_t n = 2 * (uint64_t)config->max_enforcers + config->max_health_agents;
        config->max_worker_threads = n > 256 ? 256 : (uint32_t)n;
    }
    if (!config->stop_report_ms)
        config->stop_report_ms = 2000;
    /* NotifySoHChange is a callback an EC is to return from promptly (it only schedules the
     * exchange); 10 s is far beyond any such call and short against the 120 s retry cap. */
    if (!config->notify_overdue_ms)
        config->notify_overdue_ms = 10000;
    return replaced;
}

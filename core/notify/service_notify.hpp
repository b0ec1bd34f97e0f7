// Tells systemd (Type=notify) how a daemon is doing: ready, reloading, stopping, and the watchdog's
// keep-alive. The only place that includes systemd's headers. Without NOTIFY_SOCKET (not started by
// systemd: `sekisho run`, the tests) every call does nothing.
#pragma once
#include <chrono>

namespace sekisho::service_notify {

void ready();      // READY=1: the service answers requests now
void reloading();  // RELOADING=1: re-reading the config; follow with ready()
void stopping();   // STOPPING=1: draining, about to exit

// How often to call watchdog(): half of the unit's WatchdogSec (at least 1 s), or zero when systemd does
// not watch this process.
std::chrono::seconds watchdog_interval();
void watchdog();  // WATCHDOG=1

}  // namespace sekisho::service_notify

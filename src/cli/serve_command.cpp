// `soc-triage serve`: runs the intake service until SIGINT or SIGTERM.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <thread>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "serve/service.hpp"

namespace soc::cli {

int run_serve(const ServeOptions& o) {
  auto config = effective_config(o.common);
  if (!config) {
    print_usage_error(config.error().message);
    return kExitUsage;
  }
  if (!o.listen.empty()) config->serve.listen = o.listen;
  if (auto ok = validate(*config); !ok) {
    print_usage_error(ok.error().message);
    return kExitUsage;
  }
  // Signals are taken by one thread with sigwait(); every other thread, started after this
  // mask is set, inherits it and is never interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  SystemClock clock;
  auto service = serve::Service::create(*config, clock);
  if (!service) {
    print_error("serve", service.error());
    return kExitFailure;
  }
  std::fprintf(stderr, "soc-triage serve: listening on %s://%s (port %d), store %s\n",
               config->serve.tls_cert_file.empty() ? "http" : "https", config->serve.listen.c_str(),
               (*service)->port(), config->store.path.c_str());
  std::fflush(stderr);
  serve::Service* running = service->get();
  std::thread signal_waiter([running, &signals] {
    int received = 0;
    sigwait(&signals, &received);
    running->stop();
  });
  auto served = running->run();
  running->stop();
  // Wakes the waiter if the server ended on its own.
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  if (!served) {
    print_error("serve", served.error());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace soc::cli

#pragma once

// What every benchmark client measures, the same way: one line of JSON per run on stdout.
//
//   bench_args     the command line every client takes (--port, --target, --in-flight, --requests, ...)
//   recorder       the measured window: wall time, process CPU (getrusage), heap allocations (the counting
//                  malloc in alloc_counter.cpp), one latency sample per request (preallocated)
//   print_result   {"contender": ..., "requests": ..., "rps": ..., "cpu_us_per_req": ..., ...}
//
// A client runs `warmup` requests unmeasured (connections opened, buffers grown), then `requests` measured
// ones, keeping `in_flight` outstanding all the time.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace igtcloud::bench {

using clock = std::chrono::steady_clock;

struct bench_args {
    std::string host{"127.0.0.1"};
    std::uint16_t port{8080};
    std::string target{"/data/users/00000000-0000-4000-8000-000000000001"};
    std::string method{"GET"}; ///< GET, or POST (a new user per request: post_body())
    std::string mode{};        ///< a contender's variant (ours: callbacks | coroutines)
    unsigned in_flight{1};
    std::uint64_t requests{10'000};
    std::uint64_t warmup{1'000};
    std::string jwt{"mock-token"};
    std::string csrf_token{"mock-csrf"};
    std::string run_id{"r"}; ///< makes POST login ids unique across runs
};

/// Parses `--name value` pairs; exits with a message on anything unknown.
bench_args parse_args(int argc, char** argv);

/// This process's CPU time (user + system) so far, in seconds.
double cpu_seconds() noexcept;
/// This process's peak resident set (VmHWM), in KiB; -1 when unknown.
long peak_rss_kib();

/// Heap allocations (malloc and siblings, so every operator new too; all threads) since the process started.
std::uint64_t allocations() noexcept;
/// Opens (true) and closes (false) the window whose allocation sites IGTCLOUD_ALLOC_TRACE=FILE records
/// (alloc_counter.cpp); nothing without that variable.
void trace_allocations(bool on);

/// The JSON body of the n-th POST /users of a run: a new user each time, the same bytes for every contender.
std::string post_body(bench_args const& args, std::uint64_t n);
/// The n-th login id of a run (what post_body puts in "loginId").
std::string login_id(bench_args const& args, std::uint64_t n);

class recorder {
public:
    explicit recorder(std::uint64_t requests);
    void start();
    /// One measured request's latency; no allocation.
    void record(clock::duration latency) noexcept;
    void stop();
    std::uint64_t recorded() const noexcept { return count_; }

    /// One JSON line on stdout; `errors` must be 0 for the run to count.
    void print_result(std::string_view contender, bench_args const& args, std::uint64_t errors) const;

private:
    std::vector<std::uint64_t> latency_ns_;
    std::uint64_t count_{};
    clock::time_point started_{}, stopped_{};
    double cpu_started_{}, cpu_stopped_{};
    std::uint64_t allocs_started_{}, allocs_stopped_{};
};

/// Keeps `in_flight` requests going: the warm-up, then the measured ones. Clients call `begin()` before
/// issuing a request and `end(started, ok)` when its answer is decoded; `done()` says when to stop issuing.
class window {
public:
    window(bench_args const& args, recorder& rec) : args_(args), rec_(rec) {}
    /// The number of the next request to issue (0, 1, ...), or false when all are issued.
    bool next(std::uint64_t& n) noexcept;
    /// Records a finished request; starts the measurement when the warm-up ends, stops it at the last.
    void end(clock::time_point started, bool ok) noexcept;
    bool finished() const noexcept { return ended_ == total(); }
    std::uint64_t errors() const noexcept { return errors_; }
    std::uint64_t total() const noexcept { return args_.warmup + args_.requests; }

private:
    bench_args const& args_;
    recorder& rec_;
    std::uint64_t issued_{}, ended_{}, errors_{};
};

} // namespace igtcloud::bench

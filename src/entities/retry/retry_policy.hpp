#pragma once

// The pure parts of retries: which failures are worth a retry, how long to wait before one (full-jitter
// exponential backoff, or the server's Retry-After), and the session-wide budget that keeps retries a
// bounded share of the traffic. No I/O, no timers, no clock reads: the current time and the random numbers
// are passed in, so everything here is tested deterministically.
//
// Whether a *request* may be repeated at all (safe_to_repeat: GET, PUT, DELETE, POST /users), whether the
// deadline leaves time for the wait, and the retry of a connect timeout with time left (a fact of the
// attempt's phase: is_retryable_failure says no to timeouts) are the attempt policy's decisions
// (attempt_policy.hpp), built on these; the pipeline spends the budget when that policy says retry.

#include <igtcloud/entities/options.hpp>

#include <boost/system/error_code.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace igtcloud::entities::detail {

/// Parses the value of a `Retry-After` field (RFC 9110 §10.2.3) into the wait it asks for, relative to
/// `now` (the shell's system_clock::now(), read when the answer arrived).
///
/// Accepted, with optional surrounding whitespace (SP / HTAB), nothing else before or after:
/// - delay-seconds: `1*DIGIT`, leading zeros allowed. Values beyond milliseconds::max() saturate to it, so
///   compare with a limit (retry_options::max_retry_after) before adding the result to a time point.
/// - an HTTP-date (RFC 9110 §5.6.7) as parse_http_date (date_time.hpp) reads it: IMF-fixdate, RFC 850
///   (two-digit year within 50 years of `now`) or asctime; validated calendar date, second 60 allowed.
///   The wait is the date minus `now` rounded up to a millisecond; a date at or before `now` gives 0.
///
/// Returns nullopt for anything else: empty or blank, signs, fractions, a list, unknown day or month
/// names, wrong separators or field widths, out-of-range fields, trailing junk, a missing `GMT`.
/// Does not allocate or throw; thread-safe.
std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) noexcept;

/// The exponential backoff before retry number `retry_number` (1 = the first retry, i.e. the second
/// attempt; 0 is taken as 1), with full jitter: uniform in [0, cap] where
/// cap = min(max_backoff, initial_backoff * 2^(retry_number - 1)), computed without overflow for any
/// retry_number. `random` is a uniformly distributed 64-bit value (random_jitter()); the result is
/// `random % (cap + 1)`, whose bias is below cap / 2^64. An initial_backoff or max_backoff <= 0 gives 0.
/// Does not throw; thread-safe.
std::chrono::milliseconds backoff_delay(retry_options const& options, unsigned retry_number,
                                        std::uint64_t random) noexcept;

/// The wait before retry number `retry_number` after an answer that carried `retry_after` (the result of
/// parse_retry_after, nullopt when absent or malformed):
/// - no retry_after: backoff_delay(options, retry_number, random);
/// - retry_after <= max_retry_after: retry_after, as the server asked (no jitter, no cap);
/// - retry_after > max_retry_after: nullopt, meaning "do not retry": the answer is returned at once, since
///   waiting less than asked would hammer the server.
/// Does not throw; thread-safe.
std::optional<std::chrono::milliseconds>
retry_delay(retry_options const& options, unsigned retry_number, std::uint64_t random,
            std::optional<std::chrono::milliseconds> retry_after) noexcept;

/// Whether an HTTP answer with this status is worth a retry: 429, 502, 503 and 504 only.
bool is_retryable_status(unsigned status) noexcept;

/// Whether a transport failure is worth a retry (on a fresh connection), by exact category and value:
/// - yes: connection refused, reset or aborted; broken pipe; not connected; network or host unreachable;
///   end of file (asio::error::eof), Beast's http::error::end_of_stream and partial_message, and
///   asio::ssl::error::stream_truncated (the server closed the TLS stream without close_notify): the peer
///   or the path went away, and another connection may well succeed.
/// - no: everything else, notably operation_aborted (a cancellation), every timeout (Beast's
///   error::timeout, ETIMEDOUT, error::timeout: the deadline covers the whole operation), TLS errors
///   (certificate verification, handshake failures: a retry would fail the same way), HTTP parse errors,
///   body_limit, DNS failures, every igtcloud error (invalid_argument, invalid_response,
///   response_too_large, timeout, shut_down...) and HTTP statuses (see is_retryable_status). A
///   default-constructed (success) code is not a failure: false.
bool is_retryable_failure(boost::system::error_code ec) noexcept;

/// The session-wide retry budget (retry_options::budget_ratio, budget_burst): every operation deposits
/// `ratio` once (record_request), every retry withdraws 1 (try_spend) and may go only when the balance is
/// at least 1. The balance starts at `burst` and never exceeds it.
///
/// Guarantee: over any period, retries allowed <= burst + ratio * operations recorded in that period
/// (the balance at its start is at most `burst`, and only deposits add to it). So with the defaults
/// (0.1, 10) a failing batch of N operations makes at most 10 + N / 10 retries, however many threads run it.
///
/// Arithmetic is exact, in fixed point of 10^-9: `ratio` is rounded to the nearest multiple of 10^-9
/// (0.1, 0.25 or 0.3 are exact: ten deposits of 0.1 make exactly one retry) and the guarantee holds for
/// that rounded ratio. A negative or NaN ratio is taken as 0 (no deposits: `burst` retries in all), a
/// ratio >= burst (or +inf) refills the balance to `burst` at each deposit. burst = 0 allows no retry at
/// all, whatever the ratio (the balance is capped below 1).
///
/// Thread safety: every member may be called concurrently; each call is a lock-free compare-and-swap loop
/// on one atomic, allocation-free and noexcept.
class retry_budget {
public:
    /// A full budget (balance = budget_burst) with the options' ratio and burst.
    explicit retry_budget(retry_options const& options) noexcept;
    retry_budget(retry_budget const&) = delete;
    retry_budget& operator=(retry_budget const&) = delete;

    /// One operation started: deposits `ratio`, up to the cap `burst`. Call it once per operation, not
    /// per attempt.
    void record_request() noexcept;

    /// A retry wants to go: when the balance is >= 1, withdraws 1 and returns true; else changes nothing
    /// and returns false (the failed attempt's result is then returned).
    bool try_spend() noexcept;

    /// The current balance, in retries (for stats and tests; may be stale as soon as it is read).
    double balance() const noexcept;

private:
    static constexpr std::uint64_t unit = 1'000'000'000; ///< one retry, in fixed-point units
    std::uint64_t cap_;                                  ///< burst * unit
    std::uint64_t deposit_;                              ///< ratio * unit, rounded, at most cap_
    std::atomic<std::uint64_t> balance_;                 ///< in [0, cap_]
};

/// A small, fast pseudo-random generator (splitmix64) for backoff jitter: not cryptographic, not
/// thread-safe (one per thread; see random_jitter()). The same seed gives the same sequence.
class jitter_source {
public:
    explicit jitter_source(std::uint64_t seed) noexcept : state_{seed} {}
    /// The next value, uniformly distributed over the 64-bit range.
    std::uint64_t operator()() noexcept;

private:
    std::uint64_t state_;
};

/// A random value for backoff_delay from this thread's jitter_source, seeded once per thread from
/// std::random_device mixed with a process-wide counter and a per-thread address (so threads differ even
/// where random_device fails or is deterministic). No lock, no allocation after a thread's first call.
std::uint64_t random_jitter() noexcept;

} // namespace igtcloud::entities::detail

#pragma once

// Batch provisioning: create many users with bounded concurrency (DESIGN.md §3).
//
//   source --next()--> provision_item {line, user | bad-row error}     one at a time: memory O(concurrency)
//     not in options.shard, or options.skip(loginId) -> skipped: not sent, not reported, counted
//     `concurrency` workers on one strand: take an item, a token of options.rate (waiting on a timer when
//     none is due; a bad row takes none), async_post_users (the session's retries apply)
//       201 -> created   200 -> existing   error / bad row -> failed       on_item(result), exactly once each
//     every progress_interval: on_progress(progress)
//   end of source, or cancellation (no new item starts; the rest of the source is drained and reported as
//   not_attempted) -> provision_summary through the completion token
//
// Sources: any callable returning std::optional<provision_item> or std::optional<user_create> (nullopt: end),
// a range of user_create (copied item by item, so it must outlive the operation), or the readers below.

#include <igtcloud/entities/config.hpp>
#include <igtcloud/entities/error.hpp>
#include <igtcloud/entities/models.hpp>
#include <igtcloud/entities/options.hpp>
#include <igtcloud/entities/provision_shard.hpp>
#include <igtcloud/entities/session.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/deferred.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>

namespace igtcloud::entities {

/// What the provisioner does with an item: create (the readers' items) or, for async_sync_users' apply
/// (sync.hpp), update, remove or nothing.
enum class provision_action : std::uint8_t {
    create, ///< POST /users with provision_item::user: created or existing
    update, ///< PUT /users/{user_uuid} with provision_item::user: updated
    remove, ///< DELETE /users/{user_uuid}: deleted
    none,   ///< nothing sent: unchanged
};

/// One input item: the user to create, or why the input could not give one (a bad row).
struct provision_item {
    std::size_t line{}; ///< the input line (1-based) of a file reader; else the item's position (1-based)
    /// the user; a bad row: error::invalid_argument naming the problem
    api_result<user_create> user{user_create{}};
    provision_action action{provision_action::create}; ///< [create] what to do with `user`
    std::string user_uuid{};                           ///< update, remove: whose userUUID
};

/// How an item ended.
enum class provision_outcome : std::uint8_t {
    created,       ///< 201: a new user
    existing,      ///< 200: a user with that loginId existed (onboarded)
    failed,        ///< a bad row, or the operation's error
    not_attempted, ///< the run was cancelled before the item started
    updated,       ///< provision_action::update: 204
    unchanged,     ///< provision_action::none: nothing sent
    deleted,       ///< provision_action::remove: 204
};

/// Name of an outcome: "created", "existing", "failed", "not_attempted", "updated", "unchanged", "deleted".
IGTCLOUD_ENTITIES_DECL char const* to_string(provision_outcome o) noexcept;

/// The end of one item, reported once through provision_options::on_item.
struct provision_result {
    std::size_t index{};         ///< 0-based position in the source
    std::size_t line{};          ///< provision_item::line
    std::string login_id{};      ///< the item's loginId ("" for a row without one)
    provision_outcome outcome{}; ///< see provision_outcome
    /// created / existing: the server's user; updated / unchanged / deleted: its loginId and userUUID
    std::optional<user_info> user{};
    std::optional<api_error> error{}; ///< failed: why
};

/// Figures at one instant.
struct provision_progress {
    std::size_t started{};                   ///< items taken from the source
    std::size_t done{};                      ///< items ended (all outcomes but not_attempted)
    std::size_t created{};                   ///< items ended provision_outcome::created
    std::size_t existing{};                  ///< items ended provision_outcome::existing
    std::size_t failed{};                    ///< items ended provision_outcome::failed
    std::size_t updated{};                   ///< items ended provision_outcome::updated
    std::size_t unchanged{};                 ///< items ended provision_outcome::unchanged
    std::size_t deleted{};                   ///< items ended provision_outcome::deleted
    std::optional<std::size_t> total{};      ///< provision_options::expected_total, when the caller knows it
    std::chrono::duration<double> elapsed{}; ///< seconds since the run started
};

/// The end of a run.
struct provision_summary {
    std::size_t created{};       ///< items ended provision_outcome::created
    std::size_t existing{};      ///< items ended provision_outcome::existing
    std::size_t failed{};        ///< items ended provision_outcome::failed
    std::size_t not_attempted{}; ///< items left when the run was cancelled
    std::size_t updated{};       ///< items ended provision_outcome::updated
    std::size_t unchanged{};     ///< items ended provision_outcome::unchanged
    std::size_t deleted{};       ///< items ended provision_outcome::deleted
    /// Items the source gave that were not this run's: outside provision_options::shard, or refused by
    /// provision_options::skip. Never sent, never reported through on_item, not in total().
    std::size_t skipped{};
    bool cancelled{};                        ///< the run was cancelled (through the token's slot)
    std::chrono::duration<double> elapsed{}; ///< seconds from the start to the end of the run
    double items_per_second{};               ///< items ended (all outcomes but not_attempted) / elapsed
    /// Set when the options were refused (error::invalid_argument, status 0, the message naming the option
    /// and the value: "provision_options::rate must be a finite number > 0 (got -1)";
    /// "provision_options::shard: index 3 is not below count 3"). Then nothing was read from the source,
    /// nothing sent, every count is 0.
    std::optional<api_error> error{};
    /// Every item reported through on_item: the sum of every outcome's count (the source gave total() +
    /// skipped).
    std::size_t total() const noexcept
    {
        return created + existing + failed + not_attempted + updated + unchanged + deleted;
    }
};

/// Settings of a run of async_provision_users. An aggregate with defaults: set what you need.
struct provision_options {
    std::size_t concurrency{32};                 ///< [32] operations in flight; 0 is taken as 1
    request_options request{};                   ///< per-operation options (X-Fields mask, timeout)
    std::optional<std::size_t> expected_total{}; ///< for progress (e.g. a file's line count); not enforced
    /// Each item's end, exactly once per item, in completion order. Called on the run's strand, never
    /// concurrently; keep it short (it delays the next item).
    std::function<void(provision_result const&)> on_item{};
    /// Progress, at most every `progress_interval` and once at the end.
    std::function<void(provision_progress const&)> on_progress{};
    std::chrono::milliseconds progress_interval{200}; ///< [200 ms] see on_progress
    /// [none: unlimited] requests per second for the whole run, shared by all workers: a token bucket whose
    /// burst is max(1, rate / 10) and which starts with one token, so any one-second window holds at most
    /// 1.1 * rate + 1 requests (a session's retries of one item are not counted apart). Items that send
    /// nothing (bad rows, skipped items) take no token. Must be finite and > 0 (else the run is refused, see
    /// provision_summary::error); waits are capped at 10^8 s.
    std::optional<double> rate{};
    /// [none: every item] only the items of this shard (see shard_spec); the others are skipped. A count of 0
    /// or an index >= count refuses the run (see provision_summary::error).
    std::optional<shard_spec> shard{};
    /// [none] called with each item's loginId ("" for a bad row) that is in the shard, on the run's strand:
    /// true skips the item (not sent, not reported, counted in provision_summary::skipped). E.g. the loginIds
    /// an earlier run's report shows as done. An exception thrown by it counts as false.
    std::function<bool(std::string_view login_id)> skip{};
};

/// The type-erased source the pipeline reads: next item, or nullopt at the end.
using provision_source = std::function<std::optional<provision_item>()>;

/// Reads users from CSV (RFC 4180) with a header row naming the columns
/// `loginId,email,name,familyName,mobile` (seed spec) and `givenName,istLevel,preferredLanguage,
/// trainingStartDate,trainingEndDate` (2023 spec; the two dates RFC 3339 date-times) in any order (names
/// case-sensitive and untrimmed; other columns ignored; `loginId` and `email` required). Fields are separated
/// by commas and optionally double-quoted
/// (`""` is a quote inside quotes); a quoted field may hold commas and line breaks. Rows end with CR LF or LF
/// (a CR not followed by LF is data); the last row needs no line end. A UTF-8 byte order mark at the start is
/// skipped; empty lines are skipped. A row with fewer cells than the header has empty cells for the rest,
/// surplus cells are ignored; an empty cell (nothing, or `""`) is nullopt. Cells are not trimmed.
///
/// Each call returns the next row as an item whose `line` is the row's first physical line (1-based, the
/// header and empty lines counted), or nullopt at the end, then nullopt on every later call. An empty input
/// (or a header alone) ends at once. Bad rows become failed items with error::invalid_argument and a message
/// "line N: <problem>", and the next call goes on with the next row. Problems: "missing loginId", "missing
/// email", "missing loginId and email" (absent or empty cells); "trainingStartDate: not an RFC 3339
/// date-time" (likewise trainingEndDate); "quote inside unquoted field K", "text after
/// the closing quote of field K" (the row then ends with that physical line), "unterminated quoted field K";
/// "row longer than <max_row_bytes> bytes" (raw bytes, line ends excluded; the rest of the row is read past,
/// not kept). A read error (the stream's badbit, or a stream already failed before the first read, such as a
/// file that did not open) gives one failed item with errc::io_error, "line N: read error", then the end.
///
/// A header without loginId or email, with a column named twice, with broken quoting or over max_row_bytes
/// makes the first call, and every later one, throw std::invalid_argument ("CSV header (line 1): missing
/// column email"). Memory: one row (at most max_row_bytes) plus a 64 KiB buffer. Reads what the stream has
/// buffered and blocks only when it has nothing, so a pipe is read as it comes (with std::cin, call
/// std::ios::sync_with_stdio(false) first: a synchronised std::cin has no buffer and is read byte by byte,
/// some 20 times slower). The stream must outlive the reader. Not thread-safe (one reader, one consumer).
class IGTCLOUD_ENTITIES_DECL csv_user_reader {
public:
    /// Reads from `in` (which must outlive the reader); the header is read by the first call.
    explicit csv_user_reader(std::istream& in, std::size_t max_row_bytes = 1u << 20);
    ~csv_user_reader();
    /// Takes over the reader's state, the stream and the position in it.
    csv_user_reader(csv_user_reader&&) noexcept;
    /// Takes over the reader's state, the stream and the position in it.
    csv_user_reader& operator=(csv_user_reader&&) noexcept;
    /// The next row as an item, or nullopt at the end (see the class). Throws std::invalid_argument for a
    /// bad header.
    std::optional<provision_item> operator()();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Reads users from JSON Lines: one `user_create` object per line with the API's member names (`loginId`,
/// `email`, `name`, `familyName`, `mobile`, and the 2023 spec's `givenName`, `istLevel`, `preferredLanguage`,
/// `trainingStartDate`, `trainingEndDate`; unknown members ignored, `null` as absent). Lines end with LF or
/// CR LF; a UTF-8 byte order mark at the start and blank lines (only spaces, tabs, CRs) are skipped.
///
/// Each call returns the next user as an item whose `line` is its line (1-based), or nullopt at the end, then
/// nullopt on every later call; an empty input ends at once. A bad line becomes a failed item with
/// error::invalid_argument and a message "line N: <problem>", and the next call goes on with the next line.
/// Problems: "malformed JSON: <parser's reason>"; a model mismatch as the decoder names it, with the JSON
/// path ("loginId: expected a string, got a number", "JSON document: expected an object, got an array");
/// "missing loginId", "missing email", "missing loginId and email" (absent, null or ""); "line longer than
/// <max_line_bytes> bytes" (line end excluded; the line is read past, not kept). A read error (the stream's
/// badbit, or a stream already failed before the first read) gives one failed item with errc::io_error, "line
/// N: read error", then the end. Memory: one line plus a 64 KiB buffer. Reads a pipe as it comes, and
/// std::cin as csv_user_reader does. The stream must outlive the reader. Not thread-safe.
class IGTCLOUD_ENTITIES_DECL jsonl_user_reader {
public:
    /// Reads from `in` (which must outlive the reader).
    explicit jsonl_user_reader(std::istream& in, std::size_t max_line_bytes = 1u << 20);
    ~jsonl_user_reader();
    /// Takes over the reader's state, the stream and the position in it.
    jsonl_user_reader(jsonl_user_reader&&) noexcept;
    /// Takes over the reader's state, the stream and the position in it.
    jsonl_user_reader& operator=(jsonl_user_reader&&) noexcept;
    /// The next line's user as an item, or nullopt at the end (see the class).
    std::optional<provision_item> operator()();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

namespace detail {

IGTCLOUD_ENTITIES_DECL void
start_provision(session& s, provision_source source, provision_options options,
                boost::asio::any_completion_handler<void(provision_summary)> handler);

/// Any accepted source as a provision_source.
template <class Source>
provision_source to_source(Source&& source)
{
    using S = std::remove_cvref_t<Source>;
    if constexpr (std::is_invocable_r_v<std::optional<provision_item>, S&>) {
        if constexpr (std::is_copy_constructible_v<S>) {
            return provision_source(std::forward<Source>(source));
        } else if constexpr (std::is_lvalue_reference_v<Source>) {
            // a move-only lvalue (a reader): used in place
            return [&source] { return source(); };
        } else { // a move-only rvalue (e.g. csv_user_reader(file)): kept alive with the operation
            return [held = std::make_shared<S>(std::move(source))] { return (*held)(); };
        }
    } else if constexpr (std::is_invocable_r_v<std::optional<user_create>, S&>) {
        return [f = S(std::forward<Source>(source)),
                n = std::size_t{0}]() mutable -> std::optional<provision_item> {
            auto u = f();
            if (!u) return std::nullopt;
            return provision_item{++n, std::move(*u)};
        };
    } else {
        static_assert(std::ranges::input_range<S> &&
                          std::is_convertible_v<std::ranges::range_reference_t<S>, user_create const&>,
                      "a provisioning source is a callable returning std::optional<provision_item> or "
                      "std::optional<user_create>, or a range of user_create");
        // An lvalue range is read in place (it must outlive the operation); an rvalue one is kept alive here.
        auto held = [&] {
            if constexpr (std::is_lvalue_reference_v<Source>)
                return std::shared_ptr<std::remove_reference_t<Source>>(std::shared_ptr<void>{},
                                                                        std::addressof(source));
            else
                return std::make_shared<S>(std::move(source));
        }();
        return [held, it = std::ranges::begin(*held),
                n = std::size_t{0}]() mutable -> std::optional<provision_item> {
            if (it == std::ranges::end(*held)) return std::nullopt;
            return provision_item{++n, user_create(*it++)};
        };
    }
}

} // namespace detail

/// Creates the users `source` yields on `s`, at most `options.concurrency` at a time. Completion signature
/// `void(provision_summary)`. Cancellation through the token's slot: no new item starts; with terminal
/// cancellation the items in flight are cancelled too (they end failed with operation_aborted: they may or
/// may not have reached the server), with partial or total cancellation they finish. Items never started are
/// reported as not_attempted (skipped ones, of another shard or refused by options.skip, are only counted).
/// Refused options (provision_options::rate, shard) complete at once (posted, never inside this call) with
/// provision_summary::error set, reading nothing. The session must outlive the operation. The provisioner
/// never drops an item and never sends one twice itself (the session's retry policy may repeat a POST /users,
/// which is idempotent).
template <class Source,
          boost::asio::completion_token_for<void(provision_summary)> Token = boost::asio::deferred_t>
auto async_provision_users(session& s, Source&& source, provision_options options, Token&& token = {})
{
    return boost::asio::async_initiate<Token, void(provision_summary)>(
        [&s](auto handler, provision_source src, provision_options opts) {
            detail::start_provision(
                s, std::move(src), std::move(opts),
                boost::asio::any_completion_handler<void(provision_summary)>(std::move(handler)));
        },
        token, detail::to_source(std::forward<Source>(source)), std::move(options));
}

} // namespace igtcloud::entities

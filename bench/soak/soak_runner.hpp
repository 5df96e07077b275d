#pragma once

// The soak runner: lanes of sequential operations, each lane owning a few login ids and what it expects of
// them, against the embedded mock with faults on. soak_ops.cpp starts and checks operations; soak.cpp runs,
// samples, verifies the store and reports.

#include <igtcloud/entities.hpp>
#include <igtcloud/mock/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "soak_model.hpp"

namespace igtcloud::soak {

namespace asio = boost::asio;
namespace entities = igtcloud::entities;
namespace json = boost::json;
namespace mock = igtcloud::mock;
using clock_type = std::chrono::steady_clock;

/// The run's settings (command-line flags of igtcloud_soak).
struct config {
    std::chrono::seconds duration{1800};
    std::size_t lanes{256};
    std::size_t users_per_lane{4};
    std::size_t max_connections{64};
    std::uint64_t seed{20261129};
    std::string json_path{};
};

/// A sequence of operations, one in flight at a time, on the users it owns.
struct lane {
    std::vector<owned_user> users{};
    bool in_flight{};
};

/// Figures that must stay zero, and the ones that explain honest uncertainty.
struct tallies {
    std::uint64_t double_completions{}, lost{}, mismatches{}, final_mismatches{};
    std::uint64_t post_existing_when_absent{}; ///< 200 to a create of a user believed absent: a replay
    std::uint64_t delete_404{};                ///< 404 to a delete of a present user: a replay
    std::uint64_t unknown_final{};             ///< users whose state a failed unsafe write left unknown
};

class runner {
public:
    explicit runner(config c)
        : cfg_(std::move(c))
        , srv_(mock::options{.threads = 1,
                             .latency = std::chrono::milliseconds(2),
                             .fail_rate = 0.05,
                             .fail_status = 503,
                             .close_after = 3,
                             .truncate_rate = 0.01,
                             .seed = cfg_.seed})
        , session_(ioc_.get_executor(), entities::session_options{.base_url = srv_.base_url(),
                                                                  .jwt = srv_.default_token(),
                                                                  .max_connections = cfg_.max_connections})
        , users_(session_.users())
        , rng_(cfg_.seed)
    {
        lanes_.resize(cfg_.lanes);
        for (std::size_t l = 0; l < lanes_.size(); ++l)
            for (std::size_t u = 0; u < cfg_.users_per_lane; ++u)
                lanes_[l].users.push_back(
                    {.login_id = "soak-" + std::to_string(l) + "-" + std::to_string(u)});
    }

    int run();

private:
    void next(std::size_t l);
    void begin(std::size_t l, std::size_t u, op o);
    void begin_write(std::size_t l, owned_user* u, op o); ///< post_users, put_user, delete_user
    /// Counts the end of an operation; false when it had already ended (a second completion).
    bool end(std::size_t l, op o, clock_type::time_point t0, entities::api_error const* e);
    template <class T, class Apply>
    auto handler(std::size_t l, op o, Apply apply)
    {
        return [this, l, o, t0 = clock_type::now(), apply](entities::api_result<T> r) {
            std::optional<entities::api_error> const e = r ? std::nullopt : std::optional(r.error());
            if (!end(l, o, t0, e ? &*e : nullptr)) return;
            apply(r);
            next(l);
        };
    }
    void mismatch(std::string const& what)
    {
        if (++t_.mismatches <= 10) std::cerr << "mismatch: " << what << '\n';
    }
    void verify_store();
    void sample_loop();
    json::object report(double seconds) const;

    config cfg_;
    asio::io_context ioc_;
    mock::server srv_;
    entities::session session_;
    entities::users_api users_;
    std::mt19937_64 rng_;
    std::vector<lane> lanes_;
    std::array<op_counters, op_count> counters_{};
    tallies t_{};
    std::atomic<std::uint64_t> started_{0}, ended_{0};
    std::atomic<bool> stopping_{false};
    std::vector<sample> samples_;
    clock_type::time_point start_{};
};

} // namespace igtcloud::soak

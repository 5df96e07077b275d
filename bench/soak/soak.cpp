// igtcloud_soak: a long run of all ten operations, 256 in flight, against the embedded mock with faults on
// (5 % 503, 1 % truncated bodies, connections closed after 3 answers, 2 ms latency). Each lane owns a few
// login ids and keeps what it expects of them; at the end the expectations are checked against the mock's
// store. Every operation started is counted and must end exactly once. RSS and open descriptors are sampled
// each second. Usage: igtcloud_soak [--seconds N] [--lanes N] [--connections N] [--seed S] [--json PATH]
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "soak_runner.hpp"

namespace igtcloud::soak {

namespace json = boost::json;

void runner::sample_loop()
{
    auto tick = start_;
    while (!stopping_.load()) {
        tick += std::chrono::seconds(1);
        std::this_thread::sleep_until(tick);
        auto s = sample_process();
        s.at_s = std::chrono::duration<double>(clock_type::now() - start_).count();
        s.ended_ops = ended_.load();
        samples_.push_back(s);
        if (samples_.size() % 10 == 0)
            std::printf("%6.0f s  %10llu ops  %8llu KiB RSS  %5llu fds\n", s.at_s,
                        static_cast<unsigned long long>(s.ended_ops),
                        static_cast<unsigned long long>(s.rss_kib),
                        static_cast<unsigned long long>(s.open_fds));
        std::fflush(stdout);
    }
}

int runner::run()
{
    start_ = clock_type::now();
    std::thread sampler([this] { sample_loop(); });
    for (std::size_t l = 0; l < lanes_.size(); ++l)
        next(l);
    auto const stop_at = start_ + cfg_.duration;
    while (clock_type::now() < stop_at)
        ioc_.run_one_until(stop_at);
    stopping_.store(true);
    sampler.join();
    auto const busy = [&] {
        return std::count_if(lanes_.begin(), lanes_.end(), [](lane const& ln) { return ln.in_flight; });
    };
    auto const drain_until = clock_type::now() + std::chrono::seconds(60); // > request_timeout (30 s)
    while (busy() > 0 && clock_type::now() < drain_until)
        ioc_.run_one_for(std::chrono::milliseconds(100));
    ioc_.run_for(std::chrono::milliseconds(200)); // a second completion would come now
    double const seconds = std::chrono::duration<double>(clock_type::now() - start_).count();
    t_.lost = static_cast<std::uint64_t>(busy());
    verify_store();

    auto const rep = report(seconds);
    auto const text = json::serialize(rep);
    if (!cfg_.json_path.empty()) std::ofstream(cfg_.json_path) << text << '\n';

    print_table(counters_);
    std::cout << '\n' << text << '\n';
    return rep.at("pass").as_bool() ? 0 : 1;
}

json::object runner::report(double seconds) const
{
    json::object ops;
    std::uint64_t started = 0, ended = 0, ok = 0;
    for (std::size_t i = 0; i < op_count; ++i) {
        auto const& c = counters_[i];
        started += c.started;
        ended += c.ended;
        ok += c.ok;
        ops[op_names[i]] = {{"started", c.started},
                            {"ended", c.ended},
                            {"ok", c.ok},
                            {"http_4xx", c.http_4xx},
                            {"http_5xx", c.http_5xx},
                            {"transport", c.transport},
                            {"protocol", c.protocol},
                            {"other", c.other},
                            {"p50_us", c.latency.quantile_us(0.5)},
                            {"p99_us", c.latency.quantile_us(0.99)}};
        auto& errors = ops[op_names[i]].as_object()["errors"].emplace_object();
        for (auto const& [what, count] : c.errors)
            errors[what] = count;
    }
    auto const flat = assess(samples_);
    json::array series;
    for (auto const& s : samples_)
        series.push_back({s.at_s, s.rss_kib, s.open_fds, s.ended_ops});
    auto const st = session_.stats();
    auto const mst = srv_.stats();
    bool const counted =
        started == ended && started == started_.load() && t_.lost == 0 && t_.double_completions == 0;
    bool const pass = counted && t_.mismatches == 0 && t_.final_mismatches == 0 && flat.flat;
    return {
        {"pass", pass},
        {"seconds", seconds},
        {"config",
         {{"lanes", cfg_.lanes},
          {"users_per_lane", cfg_.users_per_lane},
          {"max_connections", cfg_.max_connections},
          {"seed", cfg_.seed},
          {"mock", "latency 2 ms, fail_rate 0.05 (503), truncate_rate 0.01, close_after 3, 1 thread"}}},
        {"operations",
         {{"started", started},
          {"ended", ended},
          {"ok", ok},
          {"per_second", static_cast<double>(ended) / seconds}}},
        {"integrity",
         {{"lost", t_.lost},
          {"double_completions", t_.double_completions},
          {"mismatches", t_.mismatches},
          {"final_store_mismatches", t_.final_mismatches},
          {"unknown_after_failed_writes", t_.unknown_final},
          {"post_existing_when_absent", t_.post_existing_when_absent},
          {"delete_404", t_.delete_404}}},
        {"resources",
         {{"rss_kib_at_20pct", flat.rss_kib_at_20pct},
          {"rss_kib_last", flat.rss_kib_last},
          {"rss_growth", flat.rss_growth},
          {"rss_window_growth", flat.rss_window_growth},
          {"fds_at_20pct", flat.fds_at_20pct},
          {"fds_last", flat.fds_last},
          {"fds_max", flat.fds_max},
          {"fds_growth", flat.fds_growth},
          {"fds_window_growth", flat.fds_window_growth},
          {"flat", flat.flat}}},
        {"pool",
         {{"created", st.created}, {"reused", st.reused}, {"retried", st.retried}, {"open", st.open}}},
        {"mock",
         {{"connections_accepted", mst.connections_accepted}, {"requests_served", mst.requests_served}}},
        {"per_operation", ops},
        {"samples_t_rss_fds_ops", series},
    };
}

} // namespace igtcloud::soak

namespace {

using igtcloud::soak::config;

config parse(int argc, char** argv)
{
    config c;
    for (int i = 1; i < argc; ++i) {
        std::string const arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--seconds")
            c.duration = std::chrono::seconds(std::stoul(value()));
        else if (arg == "--lanes")
            c.lanes = std::stoul(value());
        else if (arg == "--users-per-lane")
            c.users_per_lane = std::stoul(value());
        else if (arg == "--connections")
            c.max_connections = std::stoul(value());
        else if (arg == "--seed")
            c.seed = std::stoull(value());
        else if (arg == "--json")
            c.json_path = value();
        else
            throw std::invalid_argument("unknown argument " + arg);
    }
    if (c.lanes == 0 || c.users_per_lane == 0)
        throw std::invalid_argument("--lanes and --users-per-lane: at least 1");
    return c;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        auto cfg = parse(argc, argv);
        std::printf("soak: %lld s, %zu operations in flight, %zu connections\n",
                    static_cast<long long>(cfg.duration.count()), cfg.lanes, cfg.max_connections);
        igtcloud::soak::runner s{std::move(cfg)};
        return s.run();
    } catch (std::exception const& e) {
        std::cerr << "igtcloud_soak: " << e.what() << '\n';
        return 2;
    }
}

// Decoding the 1,000-user list (or one user): our decode into models against boost::json::parse alone of the
// same bytes.
//   bench_decode FILE [rounds] [iterations]      alternates parse / decode batches, prints one JSON line
//   bench_decode FILE --only parse|decode N      N of one kind (for callgrind: two lengths, difference)
#include <igtcloud/entities/models.hpp>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "measure.hpp"
#include <sys/resource.h>

namespace {

double cpu_seconds()
{
    ::rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

bool parse_once(std::string const& text)
{
    boost::system::error_code ec;
    auto doc = boost::json::parse(text, ec);
    return !ec && (doc.is_object() || (doc.is_array() && !doc.as_array().empty()));
}

// A list, or (for the one-user document) a single user.
bool decode_once(std::string const& text)
{
    namespace ent = igtcloud::entities;
    if (text.starts_with('[')) {
        auto users = ent::decode<std::vector<ent::user_info>>(text);
        return users && !users->empty();
    }
    auto user = ent::decode<ent::user_info>(text);
    return user && user->login_id.has_value();
}

struct batch {
    double cpu_ms_per_op{};
    double allocs_per_op{};
};

template <class F>
batch run(F f, std::string const& text, int n)
{
    auto const a0 = igtcloud::bench::allocations();
    auto const c0 = cpu_seconds();
    for (int i = 0; i < n; ++i)
        if (!f(text)) {
            std::cerr << "bench_decode: the document did not decode\n";
            std::exit(1);
        }
    return {(cpu_seconds() - c0) * 1e3 / n, double(igtcloud::bench::allocations() - a0) / n};
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::cerr << "usage: bench_decode FILE [rounds] [iterations] | FILE --only parse|decode N\n";
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto const text = ss.str();
    if (argc == 5 && std::string_view(argv[2]) == "--only") {
        int const n = std::atoi(argv[4]);
        bool const parse = std::string_view(argv[3]) == "parse";
        auto const b = parse ? run(parse_once, text, n) : run(decode_once, text, n);
        std::cout << "{\"kind\":\"" << argv[3] << "\",\"n\":" << n << ",\"cpu_ms_per_op\":" << b.cpu_ms_per_op
                  << "}\n";
        return 0;
    }
    int const rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    int const iterations = argc > 3 ? std::atoi(argv[3]) : 40;
    run(parse_once, text, 3); // warm: page faults, the decoder's kept buffer
    run(decode_once, text, 3);
    std::vector<double> parse_ms, decode_ms;
    batch p{}, d{};
    for (int r = 0; r < rounds; ++r) { // A B A B: drift on a shared machine hits both
        p = run(parse_once, text, iterations);
        d = run(decode_once, text, iterations);
        parse_ms.push_back(p.cpu_ms_per_op);
        decode_ms.push_back(d.cpu_ms_per_op);
    }
    auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    auto const mp = median(parse_ms), md = median(decode_ms);
    std::cout << "{\"bytes\":" << text.size() << ",\"parse_ms\":" << mp << ",\"decode_ms\":" << md
              << ",\"ratio\":" << md / mp << ",\"parse_mb_s\":" << double(text.size()) / mp / 1e3
              << ",\"decode_mb_s\":" << double(text.size()) / md / 1e3
              << ",\"parse_allocs\":" << p.allocs_per_op << ",\"decode_allocs\":" << d.allocs_per_op << "}\n";
}

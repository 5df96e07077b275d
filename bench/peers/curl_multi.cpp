// bench_curl_multi: libcurl's multi interface on one thread. `in_flight` easy handles, each set up once and
// re-added for its next request (the multi handle keeps their connections alive); the write callback appends
// into the handle's kept string; each body is parsed with a plain boost::json::parse. The loop is
// curl_multi_perform, then the finished transfers (checked and re-added), then curl_multi_poll.
#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "measure.hpp"
#include "peer_common.hpp"
#include <curl/curl.h>

namespace {

namespace json = boost::json;
namespace bench = igtcloud::bench;
namespace peers = igtcloud::bench::peers;

/// One easy handle and what it keeps between its requests.
struct transfer {
    CURL* easy{};
    std::string body{}; ///< the answer's body, appended by on_data
    std::string post{}; ///< a POST's body: CURLOPT_POSTFIELDS points into it until the transfer ends
    bench::clock::time_point started{};
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user)
{
    static_cast<transfer*>(user)->body.append(data, size * count);
    return size * count;
}

struct slist_deleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using header_list = std::unique_ptr<curl_slist, slist_deleter>;

/// The headers our client sends besides Host (curl writes host:port from the URL) and User-Agent.
header_list make_headers(bench::bench_args const& args)
{
    curl_slist* list = nullptr;
    auto add = [&](std::string const& line) { list = curl_slist_append(list, line.c_str()); };
    add("Accept: application/json");
    add("X-JWT: " + args.jwt);
    add("X-CSRF-TOKEN: " + args.csrf_token);
    if (args.method == "POST") {
        add("Content-Type: application/json");
        add("Expect:"); // no 100-continue round trip (curl asks for one above 1 MiB)
    }
    return header_list(list);
}

/// The run: a multi handle over `in_flight` easy handles, driven by the measure window.
class runner {
public:
    runner(bench::bench_args const& args, bench::window& win)
        : args_(args)
        , win_(win)
        , multi_(curl_multi_init())
        , headers_(make_headers(args))
        , url_("http://" + peers::host_header(args) + args.target)
        , status_(peers::expected_status(args))
        , array_ok_(peers::expects_array(args))
        , post_(args.method == "POST")
        , transfers_(args.in_flight)
    {
        curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, long(args.in_flight));
        for (auto& t : transfers_)
            set_up(t);
    }
    runner(runner const&) = delete;
    runner& operator=(runner const&) = delete;
    ~runner()
    {
        for (auto& t : transfers_)
            curl_easy_cleanup(t.easy);
        curl_multi_cleanup(multi_);
    }

    void run()
    {
        for (auto& t : transfers_)
            start(t);
        while (active_ > 0) {
            int running = 0;
            curl_multi_perform(multi_, &running);
            if (reap() > 0) continue; // re-added handles start at the next perform
            curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
        }
    }

private:
    void set_up(transfer& t)
    {
        t.easy = curl_easy_init();
        curl_easy_setopt(t.easy, CURLOPT_URL, url_.c_str());
        curl_easy_setopt(t.easy, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
        curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, headers_.get());
        curl_easy_setopt(t.easy, CURLOPT_USERAGENT, peers::user_agent.data());
        curl_easy_setopt(t.easy, CURLOPT_TCP_NODELAY, 1L);
        curl_easy_setopt(t.easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(t.easy, CURLOPT_WRITEFUNCTION, &on_data);
        curl_easy_setopt(t.easy, CURLOPT_WRITEDATA, &t);
        curl_easy_setopt(t.easy, CURLOPT_PRIVATE, &t);
        if (post_) curl_easy_setopt(t.easy, CURLOPT_POST, 1L);
    }

    /// Issues the handle's next request, if the window has one.
    void start(transfer& t)
    {
        std::uint64_t n{};
        if (!win_.next(n)) return;
        t.started = bench::clock::now();
        t.body.clear();
        if (post_) {
            t.post = bench::post_body(args_, n);
            curl_easy_setopt(t.easy, CURLOPT_POSTFIELDSIZE, long(t.post.size()));
            curl_easy_setopt(t.easy, CURLOPT_POSTFIELDS, t.post.c_str());
        }
        curl_multi_add_handle(multi_, t.easy);
        ++active_;
    }

    /// Checks every finished transfer and starts its handle's next request; returns how many finished.
    int reap()
    {
        int finished = 0;
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL* easy = msg->easy_handle;
            CURLcode const result = msg->data.result; // msg is invalid once the handle is removed
            transfer* t = nullptr;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, &t);
            long status = 0;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
            curl_multi_remove_handle(multi_, easy);
            --active_;
            ++finished;
            win_.end(t->started, result == CURLE_OK && status == long(status_) && decoded_ok(t->body));
            start(*t);
        }
        return finished;
    }

    bool decoded_ok(std::string const& body) const
    {
        boost::system::error_code ec;
        json::value const doc = json::parse(body, ec);
        return !ec && peers::decoded_ok(doc, array_ok_);
    }

    bench::bench_args const& args_;
    bench::window& win_;
    CURLM* multi_;
    header_list headers_;
    std::string url_;
    unsigned status_;
    bool array_ok_;
    bool post_;
    std::vector<transfer> transfers_;
    int active_{};
};

} // namespace

int main(int argc, char** argv)
{
    auto args = bench::parse_args(argc, argv);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        std::cerr << "bench_curl_multi: curl_global_init failed\n";
        return 1;
    }
    bench::recorder rec(args.requests);
    bench::window win(args, rec);
    {
        runner r(args, win);
        r.run();
    }
    curl_global_cleanup();
    auto const errors = win.errors() + (win.finished() ? 0 : 1);
    rec.print_result("curl_multi", args, errors);
    return errors > 0 ? 1 : 0;
}

#pragma once

// igtcloud::mock: an in-memory Users service speaking the real wire protocol, for tests, examples,
// benchmarks and the CLI's --mock mode. Contract: DESIGN.md §4.

#include <igtcloud/entities/models.hpp>
#include <igtcloud/mock/config.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace igtcloud::mock {

/// Which version of the Users spec the server follows where the two differ (DESIGN.md §7).
enum class api_version {
    seed, ///< spec/users-api.swagger.json: POST/PUT bodies are UserCreateModel (loginId and email required)
    /// spec/users-api-2023.swagger.json: POST/PUT bodies are UserRequest (givenName, familyName, email and
    /// loginId required; istLevel, preferredLanguage, trainingStartDate, trainingEndDate read as well)
    v2023,
};

/// A file of a user's store (the 2023 spec's File, with its bytes), as GET /users/files lists it and
/// GET /users/download-files zips it.
struct stored_file {
    std::string key{};                          ///< `key`: unique per user, any bytes but empty
    std::string file_name{};                    ///< `fileName`: the key's last '/'-separated segment
    std::string type{};                         ///< `type`: a media type guessed from the extension
    std::uint64_t file_size{};                  ///< `fileSize`: bytes.size()
    bool is_completed{true};                    ///< `isCompleted`: stored files are complete uploads
    std::shared_ptr<std::string const> bytes{}; ///< the content (shared, never copied per download)
};

/// How the server behaves. The binary's flags map one to one onto these members.
struct options {
    std::uint16_t port{0};       ///< --port; 0: an ephemeral port (see server::port())
    unsigned threads{1};         ///< --threads: I/O threads when the server runs its own
    std::string tls_cert_file{}; ///< --tls-cert: PEM certificate (chain); with the key: https
    std::string tls_key_file{};  ///< --tls-key: PEM private key
    /// --tls-client-ca: PEM file of the CA(s) that sign client certificates. When set (TLS must be on), every
    /// client must present a certificate that verifies against it, or its handshake fails; none: no client
    /// certificate is asked for.
    std::string tls_client_ca_file{};
    /// --token TOKEN=LOGIN_ID; none: mock-token -> admin@example.org. A token's user is created if missing.
    std::vector<std::pair<std::string, std::string>> tokens{};
    std::size_t seed_users{0};            ///< --seed-users: users preloaded at start
    std::chrono::milliseconds latency{0}; ///< --latency-ms: added before each answer
    double fail_rate{0.0};                ///< --fail-rate: share of answers replaced by fail_status
    unsigned fail_status{503};            ///< --fail-status: 503, or 429 (with Retry-After: 1)
    /// --close-after: close each connection after N answers without notice (no Connection: close); 0: never
    std::size_t close_after{0};
    double truncate_rate{0.0}; ///< --truncate-rate: share of bodies cut short, then close
    /// --gzip: JSON answers of 1 KiB and more are sent gzip-compressed (`Content-Encoding: gzip`) to requests
    /// whose Accept-Encoding accepts gzip; those answers carry `Vary: Accept-Encoding` either way. Never the
    /// zip download. The faults apply to the compressed bytes.
    bool gzip{false};
    std::optional<std::uint64_t> seed{}; ///< --seed: fixes fault dice and generated ids; none: random
    std::string prefix{"/data"};         ///< the service's path prefix
    std::chrono::milliseconds read_timeout{10'000}; ///< a client stalling mid-request is dropped after this
    std::size_t max_body_bytes{1u << 20};           ///< request bodies above this get 413
    /// --access-log PATH: append one JSON line per answer to PATH, {"time": the request's arrival in Unix
    /// seconds (microseconds), "method", "target", "status"} (no headers, bodies or tokens), each line
    /// flushed; empty: none. The constructor throws boost::system::system_error when PATH cannot be opened.
    std::string access_log{};

    // The auth API (DESIGN.md §6).
    /// --user LOGIN:PASSWORD (repeatable): password logins at POST /api/auth/login, whose JWTs carry a
    /// refresh_token claim. The user is created in the store if missing.
    std::vector<std::pair<std::string, std::string>> users{};
    /// --service-key SUB=PEM_FILE (repeatable): a service identity and the PEM file of its RSA public key,
    /// which verifies the signature of its login assertions.
    std::vector<std::pair<std::string, std::string>> service_keys{};
    /// --audience: the `aud` a service assertion must carry; GET /api/auth/login/$aud answers it.
    std::string audience{"igtcloud-mock"};
    /// --token-lifetime: how long the JWT of a login or refresh lives (its `exp` and the cookie's Max-Age).
    std::chrono::seconds token_lifetime{3600};

    // The 2023 spec (DESIGN.md §7).
    api_version api{api_version::seed}; ///< --api seed|2023: the create/update body the server demands
    /// --files-per-user: files stored at start for each token's, --user's and --service-key's user (the
    /// callers), keyed "seed/file-00001.bin", ...; 0: none.
    std::size_t files_per_user{0};
    /// --file-bytes: the size of each seeded file. Their content (a fixed pseudo-random pattern) is held once
    /// and shared by all of them. At most 4 GiB - 1: the download's zip has no ZIP64.
    std::uint64_t file_bytes{1024};
};

/// Counters for tests. Routes are named like "GET /users/{user_uuid}", the auth API's like "POST
/// /auth/refresh"; "other" counts unknown targets.
struct stats {
    std::uint64_t connections_accepted{}; ///< since the start
    std::uint64_t connections_open{};     ///< now
    std::uint64_t requests_served{};      ///< answers sent since the start
    std::uint64_t tls_handshakes{};       ///< TLS handshakes completed (failed ones not counted)
    std::uint64_t tls_resumed{};          ///< of tls_handshakes, those that resumed an earlier TLS session
    std::map<std::string, std::uint64_t> requests_by_route{}; ///< requests by route, named as above
};

/// The mock server: listens on 127.0.0.1 as soon as it is constructed (the constructor throws
/// boost::system::system_error when it cannot bind, when the TLS files cannot be loaded, or when
/// tls_client_ca_file is set without TLS). With TLS, sessions can be resumed (TLS 1.2 session ids and
/// TLS 1.3 tickets), client certificates or not.
/// Thread safety: every member may be called from any thread.
class IGTCLOUD_MOCK_DECL server {
public:
    /// Runs on `options::threads` threads of its own.
    explicit server(options opts = {});
    /// Runs on the caller's executor (the caller runs its io_context); `options::threads` is ignored.
    server(boost::asio::any_io_executor executor, options opts = {});
    /// Stops (see stop()).
    ~server();
    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /// The bound port.
    std::uint16_t port() const noexcept;
    /// "http://127.0.0.1:PORT/data" (https when TLS is on).
    std::string base_url() const;
    /// "http://127.0.0.1:PORT/api/auth" (https when TLS is on): the auth API (DESIGN.md §6).
    std::string auth_url() const;
    /// The first configured token ("mock-token" by default).
    std::string const& default_token() const noexcept;
    /// Stops accepting, closes every connection, joins its own threads. Idempotent; not from a handler
    /// of a server that runs its own threads.
    void stop();
    /// The counters now.
    mock::stats stats() const;

    /// The store, for tests: look-ups and direct writes bypassing HTTP.
    /// The user with that userUUID, if any.
    std::optional<entities::user_info> find_user(std::string_view user_uuid) const;
    /// The user with that loginId, if any.
    std::optional<entities::user_info> find_user_by_login(std::string_view login_id) const;
    /// Users in the store.
    std::size_t user_count() const;
    /// Creates a user as POST /users would (or returns the existing one with that loginId).
    entities::user_info add_user(entities::user_create const& u);

    /// Stores `bytes` as the file `key` of a user, given by userUUID or loginId, replacing any file with that
    /// key. Throws std::invalid_argument for an unknown user or an empty key, std::length_error for 4 GiB or
    /// more (the download's zip has no ZIP64).
    void add_file(std::string_view user_uuid_or_login, std::string key, std::string bytes);
    /// The files of a user (by userUUID or loginId) in key order; empty for an unknown user.
    std::vector<stored_file> files_of(std::string_view user_uuid_or_login) const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace igtcloud::mock

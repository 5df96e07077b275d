#pragma once

// JSON Web Tokens as logging in needs them: splitting `H.P.S`, decoding the header and the claims, HS256
// (the mock's own tokens) and RS256 (the service-key assertion, and the mock's check of it). Signatures are
// computed and verified with OpenSSL's EVP API; keys are parsed from PEM text by rsa_private_key /
// rsa_public_key. Every refusal names what is wrong, never a token, a claim value or key material; OpenSSL's
// error queue is left empty.

#include <igtcloud/entities/error.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_pkey_st; // OpenSSL's EVP_PKEY

namespace igtcloud::entities::detail::auth {

/// The three base64url parts of a compact JWS, as views into the token.
struct jwt_parts {
    std::string_view header{};
    std::string_view payload{};
    std::string_view signature{};
    std::string_view signing_input{}; ///< "header.payload", what the signature covers
};

/// Splits `H.P.S`: exactly two dots, three non-empty parts. error::invalid_argument otherwise.
api_result<jwt_parts> split_jwt(std::string_view token);

/// A JWT's decoded header and claims, and the registered claims logging in reads.
struct jwt_claims {
    boost::json::object header{};  ///< the decoded header ({"alg": ..., "typ": ...})
    boost::json::object payload{}; ///< every claim, as decoded (the token file's `jwt_data`)
    std::optional<std::string> sub{};
    std::optional<std::int64_t> exp{}; ///< seconds since the epoch
    std::optional<std::int64_t> iat{};
    bool has_refresh_token{}; ///< a `refresh_token` claim is present (a refreshable login)
};

/// Decodes a JWT's header and payload (its signature is not checked). error::invalid_argument when the
/// token does not split, a part is not base64url, the header or the payload is not a JSON object, `sub` is
/// not a string, or `exp` / `iat` is not a number (fractions are truncated; beyond int64 is refused).
api_result<jwt_claims> decode_jwt(std::string_view token);

/// `exp` as a time point, when present.
std::optional<std::chrono::system_clock::time_point> expiry_of(jwt_claims const& c);

/// A signed JWT with the header {"alg":"HS256","typ":"JWT"} and these claims (HMAC-SHA256 with `secret`).
std::string sign_hs256(boost::json::object const& claims, std::string_view secret);

/// Checks that `token` is an HS256 JWT signed with `secret` (header alg "HS256", constant-time comparison)
/// and returns its claims; error::invalid_argument otherwise ("bad signature", "alg is not HS256", ...).
/// Expiry is the caller's business (it has the clock).
api_result<jwt_claims> verify_hs256(std::string_view token, std::string_view secret);

/// An RSA private key, parsed from PEM ("PRIVATE KEY" PKCS#8 or "RSA PRIVATE KEY" PKCS#1; unencrypted).
/// Copies share the key; immutable, so usable from several threads at once.
class rsa_private_key {
public:
    /// error::invalid_argument, with a message that never quotes the PEM, for: empty text, text that is no
    /// PEM private key (garbage, a certificate), an encrypted key (no passphrase is asked for), a public key,
    /// a key of another type (EC, Ed25519...).
    static api_result<rsa_private_key> from_pem(std::string_view pem);
    evp_pkey_st* get() const noexcept { return key_.get(); }

private:
    explicit rsa_private_key(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
    std::shared_ptr<evp_pkey_st> key_;
};

/// An RSA public key, parsed from PEM ("PUBLIC KEY" SubjectPublicKeyInfo or "RSA PUBLIC KEY" PKCS#1).
class rsa_public_key {
public:
    /// error::invalid_argument for empty text, no PEM public key, or a key of another type.
    static api_result<rsa_public_key> from_pem(std::string_view pem);
    evp_pkey_st* get() const noexcept { return key_.get(); }

private:
    explicit rsa_public_key(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
    std::shared_ptr<evp_pkey_st> key_;
};

/// A JWT with the header {"alg":"RS256","typ":"JWT"} and these claims, signed with `key` (RSASSA-PKCS1-v1_5
/// with SHA-256). An OpenSSL failure is error::invalid_argument.
api_result<std::string> sign_rs256(boost::json::object const& claims, rsa_private_key const& key);

/// Checks that `token` is an RS256 JWT signed by the holder of `key` and returns its claims;
/// error::invalid_argument otherwise. Expiry and audience are the caller's business.
api_result<jwt_claims> verify_rs256(std::string_view token, rsa_public_key const& key);

/// The service identity's login assertion (DESIGN.md §6): claims {"aud": [audience], "iss": subject,
/// "sub": subject, "exp": now + 3600 s} (exp in whole seconds since the epoch), signed RS256 with `key`.
api_result<std::string> make_service_assertion(std::string_view subject, std::string_view audience,
                                               std::chrono::system_clock::time_point now,
                                               rsa_private_key const& key);

} // namespace igtcloud::entities::detail::auth
